"""Text, phone, email and account normalisation shared by indexing and querying.

The same functions fold what is stored and what is typed, so a match never depends on how either was
written. Decisions:
- Names are folded to lower case without accents: NFKD, combining marks dropped, plus a small table for
  letters NFKD does not split (ß→ss, æ→ae, ø→o, ł→l, đ→d, þ→th, œ→oe, ı→i). So "José" is "jose" and
  "Müller" is "muller": ü→u, not ü→ue. A clerk who types "Muller" finds both Müller and Muller; "Mueller"
  only finds people whose name is spelled Mueller (German transliteration is a spelling, not an accent).
- Apostrophes are removed inside a word ("O'Brien" → "obrien", "D’Angelo" → "dangelo"); every other
  non-letter, non-digit is a word break. A hyphenated part also yields the joined form: "Smith-Jones" gives
  the words "smith", "jones" and "smithjones".
- Phones keep digits only; an 11-digit number starting with 1 (NANP country code) drops the 1. In a typed
  query, "+1" is dropped, and so is a leading "1" followed by a separator ("1 (303) 555", "1-303-...") or
  when 11 digits were typed. A bare leading 1 ("1234") is kept: it may be the start of a last-4 search.
- Emails are compared trimmed and lower-cased (the domain is case-insensitive and no mail system in
  practice distinguishes the local part by case).
- Account / loyalty numbers (PaySimple CustomerAccount, barcode scans) are compared lower-cased with
  everything except letters and digits removed: "ACC-0042", "acc 0042" and "ACC0042" are one number.
- Control, line-separator, bidi and invisible format characters (``pos_app.text_safety``) are refused at the
  counter and in CSV imports, but PaySimple's own data cannot be refused: ``neutralised_record`` replaces
  each of them by U+FFFD before a PaySimple customer is stored (sync, counter saves), so no stored field can
  forge a receipt line or reorder text (docs/decisions/0141).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import TypeVar

from pos_app.text_safety import has_unsafe, neutralise

_R = TypeVar("_R")

_SPECIAL = str.maketrans({
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
    "þ": "th", "Þ": "th", "œ": "oe", "Œ": "oe", "ı": "i", "ð": "d", "Ð": "d", "ħ": "h", "Ħ": "h",
})
_APOSTROPHES = str.maketrans("", "", "'’‘`´ʼ")
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d")


def fold(text: str | None) -> str:
    """Lower case, no accents, no apostrophes, punctuation → single spaces, trimmed."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.translate(_SPECIAL)  # letters NFKD produced that still need a table entry
    text = text.translate(_APOSTROPHES).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def words_of(text: str | None) -> list[str]:
    """Folded words of one name field, plus the joined form of hyphenated parts (see module doc)."""
    if not text:
        return []
    words = fold(text).split()
    if "-" in text and len(words) > 1:
        for part in text.split():
            if "-" in part:
                joined = fold(part).replace(" ", "")
                if joined and joined not in words:
                    words.append(joined)
    return words


def phone_key(raw: str | None) -> str:
    """Digits of a stored phone, without a leading NANP "1" on 11-digit numbers ("" when no digits)."""
    if not raw:
        return ""
    if raw.isascii() and raw.isdigit():
        return raw[1:] if len(raw) == 11 and raw[0] == "1" else raw
    digits = "".join(ch for ch in raw if ch.isdigit() and ch.isascii())
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return digits


_QUERY_COUNTRY = re.compile(r"^\s*(?:\+\s*1|1(?=[\s\-.()]))[\s\-.()]*")


def phone_query(raw: str) -> str:
    """Digits of a typed phone (prefix or whole number), with a country code +1 removed (see module doc)."""
    text = _QUERY_COUNTRY.sub("", raw, count=1)
    digits = "".join(ch for ch in text if ch.isdigit() and ch.isascii())
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return digits


def email_key(raw: str | None) -> str:
    return raw.strip().lower() if raw else ""


def account_key(raw: str | None) -> str:
    """Account / loyalty number as compared: lower-case letters and digits only."""
    if not raw:
        return ""
    if raw.isascii() and raw.isalnum():
        return raw.lower()
    return "".join(ch for ch in raw.lower() if ch.isalnum())


def looks_like_phone_or_number(query: str) -> bool:
    """The digits route: only digits and phone punctuation, at least one digit."""
    return bool(_DIGITS.search(query)) and all(ch.isdigit() or ch in " -().+/" for ch in query)


def format_phone(digits: str | None) -> str:
    """(303) 555-0100 for 10 digits, otherwise the digits as stored."""
    if not digits:
        return ""
    if len(digits) == 10 and digits.isdigit():
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return digits


def neutralised_record(record: _R) -> tuple[_R, list[str]]:
    """(the record with every unsafe character of its text fields replaced by U+FFFD, names of the fields
    that changed). The same record object comes back when nothing changed."""
    changed = [f.name for f in dataclasses.fields(record)
               if isinstance(value := getattr(record, f.name), str) and has_unsafe(value)]
    if not changed:
        return record, changed
    return dataclasses.replace(record, **{name: neutralise(getattr(record, name)) for name in changed}), changed
