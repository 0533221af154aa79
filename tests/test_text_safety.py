"""The unsafe-character rule shared by every entry point (customer rules, CSV import, sync, clerks) and the
neutralisers used by receipts, reports and logs."""

from __future__ import annotations

import sys
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app import text_safety as ts

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
C0 = [chr(c) for c in range(0x20)]
C1 = [chr(c) for c in range(0x80, 0xA0)]
OTHER = ["\x7f", "\u2028", "\u2029", "\u200b", "\ufeff", "\u00ad", "\u2060", "\U000e0041", "\U000e0001",
         "\ud800"]


@pytest.mark.parametrize("ch", C0 + C1 + BIDI + OTHER)
def test_every_control_bidi_and_hidden_character_is_unsafe(ch):
    assert ts.first_unsafe(f"Ada{ch}Lovelace") == (3, ch)
    assert ts.has_unsafe(f"Ada{ch}")
    assert ts.neutralise(f"Ada{ch}X") == "Ada\ufffdX"
    assert ch not in ts.log_escape(f"Ada{ch}X")


@pytest.mark.parametrize("text", ["José Núñez", "Zoë O'Brien-Smith", "محمد", "李小龙", "Ådne Ødegård",
                                  "می\u200cخواهم", "क्\u200dष", "👩\u200d👩\u200d👧", "Ana\u00a0María", "x\ufffdy",
                                  "e\u0301", "\U0001f600"])
def test_real_names_pass(text):
    assert ts.first_unsafe(text) is None and ts.neutralise(text) == text


def test_multiline_fields_allow_only_lf_cr_tab():
    assert ts.first_unsafe("line one\r\nline two\tend", multiline=True) is None
    for ch in ("\x00", "\x1b", "\x0b", "\x0c", "\x85", "\u2028", "\u202e"):
        assert ts.first_unsafe(f"a\n{ch}", multiline=True) == (2, ch)
    assert ts.neutralise("a\r\nb\x1b", multiline=True) == "a\r\nb\ufffd"


def test_the_fast_scan_finds_the_same_set_as_all_of_unicode():
    assert ts._unsafe_ranges((range(sys.maxunicode + 1),)) == ts._RANGES
    assert all(unicodedata.category(chr(a)) in ("Cc", "Cf", "Cs", "Zl", "Zp") for a, _ in ts._RANGES)


def test_problem_names_the_character_and_position():
    assert ts.problem("Ada Lovelace") is None
    text = ts.problem("Ada\r\nAPPROVED")
    assert "U+000D (carriage return)" in text and "character 4" in text and "remove it" in text
    assert "U+202E (right-to-left override)" in ts.problem("x\u202e")
    assert "U+0000 (NUL)" in ts.problem("\x00")


def test_one_line_cannot_put_a_word_on_a_line_of_its_own():
    forged = "Ada\r\n\r\nAPPROVED - NO SIGNATURE NEEDED\u2028\u00a0\u3000 x"
    assert ts.one_line(forged) == "Ada\ufffd\ufffd\ufffd\ufffdAPPROVED - NO SIGNATURE NEEDED\ufffd x"
    assert ts.one_line("  Ada    Lovelace  ") == "Ada Lovelace" and ts.one_line(None) == ""


def test_log_escape_shows_which_character_it_was():
    assert ts.log_escape("a\r\nb\x1b[2Jc\u202ed\x00") == "a\\r\\nb\\x1b[2Jc\\u202ed\\x00"
    assert ts.log_escape("tb\nline", keep_newlines=True) == "tb\nline"
    assert ts.log_escape("clean é") == "clean é"


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\ufffd=1"), ("\r=1", "'\ufffd=1"), ("Ada", "Ada"),
    ("a=b", "a=b"), ("Ada\nEvil", "Ada\ufffdEvil"), (None, ""), (3, 3), (Decimal("-1.50"), Decimal("-1.50")),
    ("-12.50", "-12.50"), ("+3", "+3"), ("-1-1", "'-1-1"), ("-12.5e3", "'-12.5e3"), ("- 2", "'- 2"),
])
def test_spreadsheet_cells_never_start_a_formula(value, expected):
    assert ts.spreadsheet_cell(value) == expected


@given(st.text())
def test_neutralised_text_is_always_clean_and_same_length(text):
    clean = ts.neutralise(text)
    assert ts.first_unsafe(clean) is None and len(clean) == len(text)
    assert ts.first_unsafe(ts.log_escape(text)) is None
    assert "\n" not in ts.one_line(text) and "\r" not in ts.one_line(text)


# --- file names the app suggests (receipts, reports) --------------------------------------------------------

WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}


def assert_portable(name: str, extension: str) -> None:
    """What Windows (NTFS/FAT rules) and Linux (ext4: 255 bytes, no NUL or /) both accept, and what a person
    sees as written."""
    assert name.endswith("." + extension)
    stem = name[:-len(extension) - 1]
    assert stem and not set(name) & WINDOWS_FORBIDDEN and ts.first_unsafe(name) is None and "\ufffd" not in name
    assert not name.startswith((".", "-", " ")) and not stem.endswith((".", " "))
    assert name.split(".")[0].rstrip(" ").upper() not in DEVICES
    assert len(name.encode("utf-8")) <= ts.FILE_NAME_BYTES and len(name) <= ts.FILE_NAME_CHARS
    assert unicodedata.is_normalized("NFC", name) and "  " not in name


@pytest.mark.parametrize(("text", "expected"), [
    ("Receipt 2026-12-05 1432 Mary Clark", "Receipt 2026-12-05 1432 Mary Clark.pdf"),
    ("End of day 2026-12-05 LANE1", "End of day 2026-12-05 LANE1.pdf"),
    ("Receipt 2026-12-05 1432 José Núñez", "Receipt 2026-12-05 1432 José Núñez.pdf"),
    ("Receipt 2026-12-05 1432 Jose\u0301", "Receipt 2026-12-05 1432 José.pdf"),           # composed (NFC)
    ("Receipt 2026-12-05 1432 O'Brien/Smith", "Receipt 2026-12-05 1432 O'Brien Smith.pdf"),
    ('Receipt 1432 a<b>c:d"e\\f|g?h*i', "Receipt 1432 a b c d e f g h i.pdf"),
    ("Receipt 1432 Ada\u202efdp.exe", "Receipt 1432 Ada fdp.exe.pdf"),   # a bidi override cannot flip it
    ("Receipt 1432 Ada\r\nAPPROVED\x00", "Receipt 1432 Ada APPROVED.pdf"),
    ("..hidden", "hidden.pdf"), ("-rf now", "rf now.pdf"), ("trailing dots...", "trailing dots.pdf"),
    ("CON", "_CON.pdf"), ("con .txt", "_con .txt.pdf"), ("LPT9", "_LPT9.pdf"), ("COM1 report", "COM1 report.pdf"),
    ("", "file.pdf"), ("\u202e/\\..", "file.pdf"),
])
def test_file_names_are_readable_and_safe_on_windows_and_linux(text, expected):
    assert ts.safe_file_name(text, "pdf") == expected
    assert_portable(expected, "pdf")


def test_long_names_are_cut_on_a_character_within_both_limits():
    latin = ts.safe_file_name("Receipt 2026-12-05 1432 " + "Maximiliana " * 20, "pdf")
    assert_portable(latin, "pdf") and latin.startswith("Receipt 2026-12-05 1432 Maximiliana")
    wide = ts.safe_file_name("Receipt 2026-12-05 1432 " + "\U0001f600漢字" * 60, "csv")   # 3-4 UTF-8 bytes each
    assert_portable(wide, "csv") and len(wide.encode("utf-8")) <= 200


def test_a_cut_never_leaves_a_device_name_or_an_overlong_prefixed_one():
    assert_portable(ts.safe_file_name("CON." + "x" * 300, "pdf"), "pdf")
    assert ts.safe_file_name("CON" + " ." * 200 + "x", "pdf") == "_CON.pdf"


def test_an_extension_must_be_plain():
    for bad in ("", ".pdf", "p df", "pdf/..", "pdf\u202e"):
        with pytest.raises(ValueError):
            ts.safe_file_name("Receipt", bad)


@given(st.text(max_size=400), st.sampled_from(["pdf", "csv"]))
def test_every_suggested_name_is_portable(text, extension):
    assert_portable(ts.safe_file_name(text, extension), extension)
