"""Characters that must never reach a receipt, a report, a log line or a stored customer field (no Qt, no I/O).

A customer name comes from outside the store (PaySimple, another POS's CSV file, whoever typed it), and it is
printed on receipts, shown in history, written to CSV reports and logs. A line break in a name starts a new
receipt line ("APPROVED - NO SIGNATURE NEEDED" printed by a *declined* payment), ESC sequences rewrite a
terminal, NUL truncates C strings, and bidi overrides make text display in another order than it is stored
("Ada\u202eDEVORPPA" shows as "AdaAPPROVED"). So:

**Unsafe** (``first_unsafe`` / ``has_unsafe``) is every character in these Unicode categories:
- ``Cc`` control characters: C0 (U+0000-U+001F: NUL, TAB, LF, CR, ESC, ...), DEL (U+007F) and C1
  (U+0080-U+009F, including NEL U+0085);
- ``Zl``/``Zp`` U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (they break lines like LF);
- ``Cs`` lone surrogates (they cannot even be written as UTF-8);
- ``Cf`` format characters: bidi embeddings/overrides U+202A-U+202E, isolates U+2066-U+2069, the marks
  LRM/RLM/ALM, zero-width space U+200B, word joiner and invisible operators U+2060-U+2064, BOM U+FEFF,
  soft hyphen U+00AD, interlinear annotations U+FFF9-U+FFFB, tag characters U+E0001-U+E007F (hidden text),
  and the rest of ``Cf`` as the running Python's Unicode database defines it (new ones are covered by
  themselves) - EXCEPT U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH JOINER, which are part of the
  correct spelling of Persian and Indic names (and of emoji). They neither break lines nor reorder text.

``multiline=True`` (free-text notes and descriptions only) also allows LF, CR and TAB.

Everything else is allowed, U+FFFD included (the decoder's mark for unreadable bytes, visible by design).

**Neutralising** (what we cannot refuse: PaySimple's own data, old journal rows): ``neutralise`` replaces each
unsafe character by U+FFFD REPLACEMENT CHARACTER, so the damage stays visible ("Ada��APPROVED") and a name can
never start a line or reorder one. ``one_line`` additionally collapses runs of whitespace (so padding cannot
push words onto a line of their own) - for names and other one-line values on receipts and reports.
``log_escape`` writes them as ``\\r``, ``\\x1b``, ``\\u202e`` for log files, where an engineer wants to know
which character it was. ``spreadsheet_cell`` is for CSV files people open in a spreadsheet: it neutralises,
and a text cell starting with ``=``, ``+``, ``-``, ``@``, TAB or CR gets a leading ``'`` so it is never run as
a formula (OWASP "CSV injection"); a cell that is only a plain number ("-12.50") stays a number.

**File names** (``safe_file_name``) the app suggests when a person saves a receipt or report: readable words
("Receipt 2026-12-05 1432 Mary Clark.pdf") that every Windows and Linux file system takes as they are: no
unsafe character (a bidi override could show "Receipt \u202efdp.exe" as "Receipt exe.pdf"), none of
``< > : " / \\ | ? *``, no leading dot or dash (hidden file, command option), no trailing dot or space, no
Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with or without an extension), at most
``FILE_NAME_CHARS`` characters and ``FILE_NAME_BYTES`` UTF-8 bytes (Linux allows 255 bytes per name; the
rest of a Windows path needs room too). Composed (NFC), so "José" is one name on every system.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

REPLACEMENT = "\ufffd"
ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})  # ZWNJ, ZWJ: spelling of Persian/Indic names, emoji
MULTILINE_ALLOWED = frozenset({"\n", "\r", "\t"})
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_NAMES = {
    0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x09: "tab", 0x0A: "line feed", 0x0B: "vertical tab",
    0x0C: "form feed", 0x0D: "carriage return", 0x1B: "escape", 0x7F: "delete", 0x85: "next line",
}
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


# Planes 2-13 (CJK ideographs), 15-16 (private use) hold no control or format character; scanning only the
# others keeps the import fast (tests/test_text_safety.py checks the full range gives the same set).
SCANNED = (range(0, 0x20000), range(0xE0000, 0xE1000))


def _unsafe_ranges(scanned=SCANNED) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for code in (c for r in scanned for c in r):
        ch = chr(code)
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Zl", "Zp") or (category == "Cf" and ch not in ALLOWED_FORMAT):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return ranges


def _char_class(ranges: list[tuple[int, int]], skip: frozenset[str] = frozenset()) -> re.Pattern[str]:
    parts = []
    for start, end in ranges:
        codes = [c for c in range(start, end + 1) if chr(c) not in skip]
        if not codes:
            continue
        # re-split around skipped characters
        run_start = prev = codes[0]
        for c in codes[1:] + [None]:
            if c is not None and c == prev + 1:
                prev = c
                continue
            parts.append(f"\\U{run_start:08x}" + (f"-\\U{prev:08x}" if prev != run_start else ""))
            if c is not None:
                run_start = prev = c
    return re.compile("[" + "".join(parts) + "]")


_RANGES = _unsafe_ranges()
_UNSAFE = _char_class(_RANGES)
_UNSAFE_MULTILINE = _char_class(_RANGES, MULTILINE_ALLOWED)
_SPACES = re.compile(r"\s+")


def is_unsafe_char(ch: str, multiline: bool = False) -> bool:
    return bool((_UNSAFE_MULTILINE if multiline else _UNSAFE).match(ch))


def first_unsafe(text: str, multiline: bool = False) -> tuple[int, str] | None:
    """(0-based index, character) of the first unsafe character, or None."""
    match = (_UNSAFE_MULTILINE if multiline else _UNSAFE).search(text)
    return (match.start(), match.group()) if match else None


def has_unsafe(text: str | None, multiline: bool = False) -> bool:
    return bool(text) and (_UNSAFE_MULTILINE if multiline else _UNSAFE).search(text) is not None


def describe(ch: str) -> str:
    """'U+000D (carriage return)', 'U+202E (right-to-left override)': what to tell a person."""
    code = ord(ch)
    name = _NAMES.get(code)
    if name is None:
        try:
            name = unicodedata.name(ch).lower()
        except ValueError:
            name = "control character" if unicodedata.category(ch) == "Cc" else "invisible character"
    return f"U+{code:04X} ({name})"


def problem(text: str, multiline: bool = False) -> str | None:
    """A sentence naming the first unsafe character and where it is, or None when the text is clean."""
    found = first_unsafe(text, multiline)
    if found is None:
        return None
    index, ch = found
    return (f"contains a control or invisible formatting character, {describe(ch)}, at character {index + 1}: "
            "remove it and type the text again")


def neutralise(text: str | None, multiline: bool = False) -> str:
    """Each unsafe character replaced by U+FFFD (None -> "")."""
    if not text:
        return ""
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE
    return pattern.sub(REPLACEMENT, text) if pattern.search(text) else text


def one_line(text: str | None) -> str:
    """``neutralise`` + whitespace runs collapsed to one space + trimmed: a value that stays on its line."""
    return _SPACES.sub(" ", neutralise(text)).strip()


def log_escape(text: str, keep_newlines: bool = False) -> str:
    """Unsafe characters as visible escapes (``\\r``, ``\\x1b``, ``\\u202e``, ``\\U000e0041``)."""
    if not _UNSAFE.search(text):
        return text

    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        if keep_newlines and ch == "\n":
            return ch
        if ch in _ESCAPES:
            return _ESCAPES[ch]
        code = ord(ch)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return _UNSAFE.sub(escape, text)


_PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell safe to open in a spreadsheet: numbers (and text that is only a plain decimal number, such as
    "-12.50") as they are; other text neutralised, with a leading ``'`` when it starts with = + - @ TAB or CR
    (checked on the original text)."""
    if value is None:
        return ""
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    prefix = "'" if text.startswith(FORMULA_START) else ""
    return prefix + neutralise(text)


FILE_NAME_CHARS = 100
FILE_NAME_BYTES = 200
_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\ufffd]')
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                              *(f"COM{n}" for n in "123456789\u00b9\u00b2\u00b3"),
                              *(f"LPT{n}" for n in "123456789\u00b9\u00b2\u00b3")})


def safe_file_name(text: str, extension: str, fallback: str = "file") -> str:
    """``text`` + "." + ``extension`` as a file name safe on Windows and Linux (see the module docstring):
    unsafe characters and ``< > : " / \\ | ? *`` become spaces (runs collapse to one), leading dots/dashes and
    trailing dots/spaces go, a device name gets a leading "_", long names are cut on a character. ``fallback``
    when nothing is left. ``extension`` must be ASCII letters and digits."""
    if not extension.isascii() or not extension.isalnum():
        raise ValueError(f"not a file extension: {extension!r}")
    stem = unicodedata.normalize("NFC", text or "")
    stem = _NOT_IN_FILE_NAMES.sub(" ", _UNSAFE.sub(" ", stem))
    stem = _SPACES.sub(" ", stem).strip(" .-")
    chars, room = FILE_NAME_CHARS - len(extension) - 2, FILE_NAME_BYTES - len(extension) - 2  # "." and "_"
    if len(stem) > chars or len(stem.encode("utf-8")) > room:
        stem = stem[:chars]
        while len(stem.encode("utf-8")) > room:
            stem = stem[:-1]
        stem = stem.rstrip(" .")
    if not stem:
        stem = fallback
    if stem.split(".")[0].rstrip(" ").upper() in _WINDOWS_DEVICES:
        stem = "_" + stem
    return f"{stem}.{extension}"


__all__ = ["REPLACEMENT", "describe", "first_unsafe", "has_unsafe", "is_unsafe_char", "log_escape",
           "neutralise", "one_line", "problem", "safe_file_name", "spreadsheet_cell"]
