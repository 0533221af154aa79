"""US states, DC, territories and military "states" by USPS code, and what a clerk may type for one (no I/O).

``state_code(text)`` reads a code ("CO", "co"), a name in any case and spacing ("Colorado", "new  york",
"District of Columbia", "Washington DC"), or the picker's own label ("Colorado (CO)") and returns the
two-letter code, or None when the text is none of these. It never shortens text: "Colorado" is CO because
that is Colorado's code, and "Colorad" is None (decision 0373).
"""

from __future__ import annotations

import re

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    # territories
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
    # military mail
    "AA": "Armed Forces Americas", "AE": "Armed Forces Europe", "AP": "Armed Forces Pacific",
}

_ALIASES = {"washington dc": "DC", "washington d c": "DC", "d c": "DC", "us virgin islands": "VI",
            "virgin islands": "VI", "united states virgin islands": "VI"}
_LABEL = re.compile(r"^.*\(\s*([A-Za-z]{2})\s*\)\s*$")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z]+", " ", text.lower()).split())


_BY_NAME: dict[str, str] = {_key(name): code for code, name in US_STATES.items()} | _ALIASES


def label(code: str) -> str:
    """How the picker lists a state: "Colorado (CO)"."""
    return f"{US_STATES[code]} ({code})"


def state_code(text: str | None) -> str | None:
    """The USPS code for a code, a name or a picker label; None for anything else (see the module doc)."""
    if not text or not text.strip():
        return None
    text = text.strip()
    match = _LABEL.match(text)
    if match and match.group(1).upper() in US_STATES:
        code = match.group(1).upper()
        name = text[:match.start(1)].rstrip(" (")
        return code if not name or _BY_NAME.get(_key(name)) == code else None
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text.upper() if text.upper() in US_STATES else None
    return _BY_NAME.get(_key(text))
