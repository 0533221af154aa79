"""US states, DC, territories and military "states" by USPS code, and what a clerk may type for one (no I/O).

``state_code(text)`` reads a code ("CO", "co"), a name in any case and spacing ("Colorado", "new  york",
"District of Columbia", "Washington DC"), or the picker's own label ("Colorado (CO)") and returns the
two-letter code, or None when the text is none of these. It never shortens text: "Colorado" is CO because
that is Colorado's code, and "Colorad" is None (decision 0373).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from pos_app.i18n_keys import N_

US_STATES: dict[str, str] = {  # the names are Messages: screens show them in the UI language
    "AL": N_("USStates", "Alabama"), "AK": N_("USStates", "Alaska"), "AZ": N_("USStates", "Arizona"),
    "AR": N_("USStates", "Arkansas"), "CA": N_("USStates", "California"), "CO": N_("USStates", "Colorado"),
    "CT": N_("USStates", "Connecticut"), "DE": N_("USStates", "Delaware"),
    "DC": N_("USStates", "District of Columbia"), "FL": N_("USStates", "Florida"), "GA": N_("USStates", "Georgia"),
    "HI": N_("USStates", "Hawaii"), "ID": N_("USStates", "Idaho"), "IL": N_("USStates", "Illinois"),
    "IN": N_("USStates", "Indiana"), "IA": N_("USStates", "Iowa"), "KS": N_("USStates", "Kansas"),
    "KY": N_("USStates", "Kentucky"), "LA": N_("USStates", "Louisiana"), "ME": N_("USStates", "Maine"),
    "MD": N_("USStates", "Maryland"), "MA": N_("USStates", "Massachusetts"), "MI": N_("USStates", "Michigan"),
    "MN": N_("USStates", "Minnesota"), "MS": N_("USStates", "Mississippi"), "MO": N_("USStates", "Missouri"),
    "MT": N_("USStates", "Montana"), "NE": N_("USStates", "Nebraska"), "NV": N_("USStates", "Nevada"),
    "NH": N_("USStates", "New Hampshire"), "NJ": N_("USStates", "New Jersey"), "NM": N_("USStates", "New Mexico"),
    "NY": N_("USStates", "New York"), "NC": N_("USStates", "North Carolina"), "ND": N_("USStates", "North Dakota"),
    "OH": N_("USStates", "Ohio"), "OK": N_("USStates", "Oklahoma"), "OR": N_("USStates", "Oregon"),
    "PA": N_("USStates", "Pennsylvania"), "RI": N_("USStates", "Rhode Island"),
    "SC": N_("USStates", "South Carolina"), "SD": N_("USStates", "South Dakota"), "TN": N_("USStates", "Tennessee"),
    "TX": N_("USStates", "Texas"), "UT": N_("USStates", "Utah"), "VT": N_("USStates", "Vermont"),
    "VA": N_("USStates", "Virginia"), "WA": N_("USStates", "Washington"), "WV": N_("USStates", "West Virginia"),
    "WI": N_("USStates", "Wisconsin"), "WY": N_("USStates", "Wyoming"),
    # territories
    "AS": N_("USStates", "American Samoa"), "GU": N_("USStates", "Guam"),
    "MP": N_("USStates", "Northern Mariana Islands"), "PR": N_("USStates", "Puerto Rico"),
    "VI": N_("USStates", "U.S. Virgin Islands"),
    # military mail
    "AA": N_("USStates", "Armed Forces Americas"), "AE": N_("USStates", "Armed Forces Europe"),
    "AP": N_("USStates", "Armed Forces Pacific"),
}

_ALIASES = {"washington dc": "DC", "washington d c": "DC", "d c": "DC", "us virgin islands": "VI",
            "virgin islands": "VI", "united states virgin islands": "VI"}
_LABEL = re.compile(r"^.*\(\s*([A-Za-z]{2})\s*\)\s*$")


def _key(text: str) -> str:
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z]+", " ", folded).split())


_BY_NAME: dict[str, str] = {_key(name): code for code, name in US_STATES.items()} | _ALIASES


def label(code: str) -> str:
    """How the picker lists a state: "Colorado (CO)"."""
    return f"{US_STATES[code]} ({code})"


def state_code(text: str | None, names: Mapping[str, str] | None = None) -> str | None:
    """The USPS code for a code, a name or a picker label; None for anything else (see the module doc).
    ``names`` adds other names for codes (name -> code), e.g. the names in the UI language ("Nueva York")."""
    if not text or not text.strip():
        return None
    text = text.strip()
    by_name = _BY_NAME | {_key(name): code for name, code in (names or {}).items() if _key(name)}
    match = _LABEL.match(text)
    if match and match.group(1).upper() in US_STATES:
        code = match.group(1).upper()
        name = text[:match.start(1)].rstrip(" (")
        return code if not name or by_name.get(_key(name)) == code else None
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text.upper() if text.upper() in US_STATES else None
    return by_name.get(_key(text))
