"""People's names as a clerk typed them into the search box, turned into name fields (no I/O, no Qt).

``proper_case(text)``: each word the clerk typed in one case (all lower or all upper) gets a capital first
letter; a word typed in mixed case ("McDonald", "DeAndre", "da Silva" as typed) is kept exactly. Within a
word the rules are (decision 0371):
- hyphenated parts are each capitalised: "garcia-lopez" → "Garcia-Lopez";
- a one-letter prefix before an apostrophe is a prefix of its own: "o'brien" → "O'Brien", "d'angelo" →
  "D'Angelo" (any apostrophe sign: ' ’ ‘);
- "Mc" + at least two more letters: "mcdonald" → "McDonald" (Mac is left alone: Mack, Macy, Machado);
- surname particles (``PARTICLES``: de, la, del, van, von, da, dos, …) are lower case after the first word:
  "maria de la cruz" → "Maria de la Cruz", "ludwig van beethoven" → "Ludwig van Beethoven";
- generational suffixes: "jr" → "Jr", "sr" → "Sr", roman numerals ii-x upper case ("iii" → "III");
- one letter (an initial) is upper case.

``split_typed_name(text)`` → (first, last) in proper case: "luis garcia" → ("Luis", "Garcia"); "garcia, luis"
(last name first, as the search also reads a comma) → ("Luis", "Garcia"); one word is a last name; text that
starts with two particles ("de la cruz") is all last name: ("", "de la Cruz").
"""

from __future__ import annotations

import re

PARTICLES = frozenset({
    "de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "la", "las", "le", "les", "lo",
    "los", "van", "von", "ter", "ten", "bin", "ibn", "al",
})
_SUFFIXES = {"jr": "Jr", "sr": "Sr", "jr.": "Jr.", "sr.": "Sr.", "ii": "II", "iii": "III", "iv": "IV", "v": "V",
             "vi": "VI", "vii": "VII", "viii": "VIII", "ix": "IX", "x": "X"}
_APOSTROPHES = "'’‘"
_SPLIT = re.compile(r"(\s+)")


def _one_case(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and (all(ch.islower() for ch in letters) or all(ch.isupper() for ch in letters))


def _capital(part: str) -> str:
    """First letter upper, the rest lower; O'/D' prefixes and Mc handled."""
    if not part:
        return part
    for mark in _APOSTROPHES:
        head, sep, tail = part.partition(mark)
        if sep and len(head) == 1 and head.isalpha() and tail:
            return head.upper() + sep + _capital(tail)
    lower = part.lower()
    if lower.startswith("mc") and len(lower) > 3 and lower[2:].isalpha():
        return "Mc" + lower[2].upper() + lower[3:]
    return lower[:1].upper() + lower[1:]


def _word(word: str, first: bool) -> str:
    if not _one_case(word):
        return word  # typed in mixed case on purpose
    lower = word.lower()
    if lower in _SUFFIXES and not first:
        return _SUFFIXES[lower]
    if lower in PARTICLES and not first:
        return lower
    if len(lower) == 1 or (len(lower) == 2 and lower.endswith(".")):
        return lower.upper()
    return "-".join(_capital(part) for part in word.split("-"))


def proper_case(text: str, first_is_particle_ok: bool = False) -> str:
    """The text with each one-case word capitalised (see the module doc); spacing kept as typed.
    ``first_is_particle_ok``: the text is a last name that may start with its particles ("de la Cruz")."""
    out: list[str] = []
    seen_word = False
    for piece in _SPLIT.split(text):
        if not piece or piece.isspace():
            out.append(piece)
            continue
        out.append(_word(piece, first=not seen_word and not first_is_particle_ok))
        seen_word = True
    return "".join(out)


def split_typed_name(text: str) -> tuple[str, str]:
    """(first name, last name) in proper case from what the clerk typed (see the module doc)."""
    text = " ".join(text.split())
    if not text:
        return "", ""
    if "," in text:
        last, _, first = text.partition(",")
        last, first = last.strip(), first.strip()
        return proper_case(first), _last(last)
    words = text.split(" ")
    if len(words) == 1:
        return "", proper_case(text)
    if len(words) > 2 and words[0].lower() in PARTICLES and words[1].lower() in PARTICLES:
        return "", _last(text)
    return proper_case(words[0]), _last(" ".join(words[1:]))


def _last(text: str) -> str:
    """A last name: particles stay lower case at its start too when more words follow ("de la Cruz")."""
    words = text.split()
    starts_with_particle = len(words) > 1 and words[0].lower() in PARTICLES
    return proper_case(text, first_is_particle_ok=starts_with_particle)
