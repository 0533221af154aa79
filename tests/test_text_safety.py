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
