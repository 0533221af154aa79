"""The store's money format (pos_app.money): amounts mean what the clerk typed, or are refused with the
right way shown. Property-based (hypothesis) where a rule is about every input, tables where it is about one."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pos_app import money
from pos_app.money import COMMA, FORMATS, MAX_CHARGE, US, MoneyParseError, Reason
from pos_app.settings import Settings, load_settings, save_settings

BOTH = pytest.mark.parametrize("f", [US, COMMA], ids=lambda f: f.code)


def plain_reading(text: str) -> Decimal:
    """What a person reads in a text of digits and separators, whatever the convention: a separator followed
    by one or two digits at the very end is the decimal mark; every other separator groups thousands."""
    s = text.strip()
    s = s[1:].strip() if s.startswith("$") else s
    m = re.fullmatch(r"(.*?)[.,]([0-9]{1,2})", s)
    whole, frac = (m[1], m[2]) if m else (s, "")
    return Decimal(re.sub(r"[.,]", "", whole) or "0") + Decimal("0." + frac.ljust(2, "0"))


def is_power_of_ten_multiple(value: Decimal, plain: Decimal) -> bool:
    if value == plain or plain == 0:
        return False
    ratio = value / plain
    return any(ratio == Decimal(10) ** k for k in range(-12, 13))


# --- the formats -----------------------------------------------------------------------------------------


def test_the_two_formats_and_the_default():
    assert set(FORMATS) == {"en_US", "es_ES"} and money.DEFAULT_FORMAT == "en_US"
    assert US.format(Decimal("1234567.5")) == "$1,234,567.50"
    assert COMMA.format(Decimal("1234567.5")) == "$1.234.567,50"
    assert US.format(Decimal("-12.5")) == "-$12.50" and COMMA.format(Decimal("-0.05"), symbol=False) == "-0,05"
    assert US.format(Decimal("0")) == "$0.00" and COMMA.format(Decimal("999.99")) == "$999,99"
    assert US.format_cents(123456) == "$1,234.56" and COMMA.format_cents(5, symbol=False) == "0,05"


def test_paysimple_maximum_is_the_one_the_client_enforces():
    from pos_app.paysimple.rules import MAX_AMOUNT

    assert MAX_CHARGE == MAX_AMOUNT


@pytest.mark.parametrize("bad,error", [
    (1234, TypeError), (12.5, TypeError), (True, TypeError), ("12.50", TypeError),
    (Decimal("1.005"), ValueError), (Decimal("NaN"), ValueError), (Decimal("Infinity"), ValueError),
])
def test_format_never_rounds_or_guesses(bad, error):
    with pytest.raises(error):
        US.format(bad)
    with pytest.raises(error):
        money.plain(bad)


def test_plain_is_the_machine_format():
    assert money.plain(Decimal("1234.5")) == "1234.50" and money.plain(Decimal("-3")) == "-3.00"
    assert money.plain(Decimal("0")) == "0.00" and money.plain(Decimal("2E+3")) == "2000.00"


def test_store_format_is_set_by_code_and_unknown_codes_are_refused():
    assert money.store_format() is US  # the default, and what the autouse fixture restores
    assert money.set_store_format("es_ES") is COMMA and money.format_money(Decimal("1234.5")) == "$1.234,50"
    with pytest.raises(ValueError, match="Unknown money format 'fr_FR'; use one of en_US, es_ES"):
        money.set_store_format("fr_FR")
    assert money.store_format() is COMMA  # a refused change leaves the format as it was


# --- reading: tables ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("f,text,expected", [
    (US, "12.34", "12.34"), (US, "12", "12.00"), (US, "1,234.5", "1234.50"), (US, "$9,999.01", "9999.01"),
    (US, "$ 12", "12.00"), (US, "  7.5  ", "7.50"), (US, ".5", "0.50"), (US, "1,234,567", "1234567.00"),
    (US, "0012.00", "12.00"), (US, "2000000", "2000000.00"), (US, "0.01", "0.01"),
    (COMMA, "12,34", "12.34"), (COMMA, "1.234,5", "1234.50"), (COMMA, "1.234", "1234.00"),
    (COMMA, "$1.234.567,89", "1234567.89"), (COMMA, ",05", "0.05"), (COMMA, "7", "7.00"),
])
def test_accepted(f, text, expected):
    value = f.parse_charge(text)
    assert isinstance(value, Decimal) and str(value) == expected
    assert f.parse_cents(text) == int(Decimal(expected) * 100)


US_REFUSED = [
    ("12,34", Reason.DECIMAL_SEPARATOR, "Use a point for cents: 12.34"),
    ("12,50", Reason.DECIMAL_SEPARATOR, "Use a point for cents: 12.50"),
    ("1,23", Reason.DECIMAL_SEPARATOR, "Use a point for cents: 1.23"),
    ("1.234,56", Reason.DECIMAL_SEPARATOR, "Use a point for cents: 1,234.56"),
    (",5", Reason.DECIMAL_SEPARATOR, "Use a point for cents: 0.50"),
    ("1,2345", Reason.GROUP, "A comma separates thousands and is followed by exactly three digits; cents come "
                             "after a point: 1,234.56"),
    ("12,3456.78", Reason.GROUP, None), ("1234,567", Reason.GROUP, None), ("0,123", Reason.GROUP, None),
    ("1,,234", Reason.GROUP, None), ("1,23,456", Reason.GROUP, None), ("12,", Reason.GROUP, None),
    ("1.234", Reason.DECIMALS, "At most two digits after the point (cents); a comma separates thousands: "
                               "1,234.56"),
    ("12.345", Reason.DECIMALS, None), ("12.", Reason.NO_CENTS, "leave the point out: 12.00"),
    ("1.234.5", Reason.NOT_AMOUNT, "That is not an amount. Type it like this: 1,234.56"),
    ("12..3", Reason.NOT_AMOUNT, None), ("5e2", Reason.NOT_AMOUNT, None), ("NaN", Reason.NOT_AMOUNT, None),
    ("Infinity", Reason.NOT_AMOUNT, None), ("1_000", Reason.NOT_AMOUNT, None), ("0x10", Reason.NOT_AMOUNT, None),
    ("1'234", Reason.NOT_AMOUNT, None), (".", Reason.NOT_AMOUNT, None), ("12abc", Reason.NOT_AMOUNT, None),
    ("٫5", Reason.NOT_AMOUNT, None), ("12．34", Reason.NOT_AMOUNT, None), ("1" * 41, Reason.NOT_AMOUNT, None),
    ("١٢", Reason.DIGITS, "Type the amount with the digits 0 to 9"), ("１２", Reason.DIGITS, None),
    ("12.3４", Reason.DIGITS, None), ("۱۲", Reason.DIGITS, None), ("१२", Reason.DIGITS, None),
    ("1²", Reason.DIGITS, None), ("½", Reason.DIGITS, None),
    (" 1 2", Reason.SPACE, "No spaces inside the amount: 1,234.56"), ("1\u00a0234.50", Reason.SPACE, None),
    ("1\u202f234", Reason.SPACE, None), ("12\t5", Reason.SPACE, None),
    ("12\u200b", Reason.HIDDEN, None), ("\u200e12.50", Reason.HIDDEN, None), ("\ufeff5", Reason.HIDDEN, None),
    ("1\x002", Reason.HIDDEN, None),
    ("+5", Reason.SIGN, "No + or - in the amount"), ("-5", Reason.SIGN, None), ("\u22125", Reason.SIGN, None),
    ("$-5", Reason.SIGN, None), ("-$5", Reason.SIGN, None), ("5-", Reason.SIGN, None),
    ("$$5", Reason.SYMBOL, "at most one $ in front: 12.34"), ("5$", Reason.SYMBOL, None),
    ("€5", Reason.SYMBOL, None), ("5 €", Reason.SYMBOL, None), ("£12.50", Reason.SYMBOL, None),
    ("", Reason.EMPTY, "Enter the amount to charge."), ("   ", Reason.EMPTY, None), ("$", Reason.EMPTY, None),
    ("0", Reason.ZERO, "The amount must be more than $0.00"), ("0.00", Reason.ZERO, None),
    ("2000000.01", Reason.TOO_LARGE, "The amount can be at most $2,000,000.00 per payment."),
    ("99999999999", Reason.TOO_LARGE, None),
]

COMMA_REFUSED = [
    ("12.34", Reason.DECIMAL_SEPARATOR, "Use a comma for cents: 12,34"),
    ("12.50", Reason.DECIMAL_SEPARATOR, "Use a comma for cents: 12,50"),
    ("1,234.56", Reason.DECIMAL_SEPARATOR, "Use a comma for cents: 1.234,56"),
    (".5", Reason.DECIMAL_SEPARATOR, "Use a comma for cents: 0,50"),
    ("1.2345", Reason.GROUP, "A point separates thousands and is followed by exactly three digits; cents come "
                             "after a comma: 1.234,56"),
    ("1.234.5", Reason.GROUP, None), ("12..3", Reason.GROUP, None), ("12.", Reason.GROUP, None),
    ("1,2345", Reason.DECIMALS, "At most two digits after the comma (cents); a point separates thousands: "
                                "1.234,56"),
    ("1,234", Reason.DECIMALS, None), ("12,", Reason.NO_CENTS, "leave the comma out: 12,00"),
    ("1,23,4", Reason.NOT_AMOUNT, None),
    ("١٢", Reason.DIGITS, "0 to 9 (switch the keyboard to standard digits): 12,34"), ("１２", Reason.DIGITS, None),
    (" 1 2", Reason.SPACE, "No spaces inside the amount: 1.234,56"), ("+5", Reason.SIGN, None),
    ("-5", Reason.SIGN, None), ("5e2", Reason.NOT_AMOUNT, None), ("$$5", Reason.SYMBOL, None),
    ("12,34 $", Reason.SYMBOL, None), ("0,00", Reason.ZERO, "more than $0,00"),
    ("2.000.000,01", Reason.TOO_LARGE, "at most $2.000.000,00 per payment."),
]


@pytest.mark.parametrize("f,text,reason,message",
                         [(US, *row) for row in US_REFUSED] + [(COMMA, *row) for row in COMMA_REFUSED],
                         ids=lambda v: v.code if hasattr(v, "code") else repr(v))
def test_refused_with_the_right_way_shown(f, text, reason, message):
    with pytest.raises(MoneyParseError) as caught:
        f.parse_charge(text)
    error = caught.value
    assert error.reason == reason and error.money_format is f
    if message:
        assert message in str(error)
    if reason not in (Reason.ZERO, Reason.TOO_LARGE, Reason.EMPTY):
        with pytest.raises(MoneyParseError):
            f.parse(text)  # refused by the reading itself, not only by PaySimple's limits
    assert error.example and f.parse(error.example) >= 0  # the example is itself a good amount here


def test_the_reported_misreadings_are_refused_not_multiplied():
    """Issue 13 §2: "12,34" read as 1,234.00 and "12.50" as 1,250.00 (Spanish), "12,50" as 1,250.00 (English)."""
    for f, text in ((COMMA, "12.50"), (US, "12,50"), (US, "12,34")):
        with pytest.raises(MoneyParseError, match="for cents"):
            f.parse(text)
    assert COMMA.parse("12,34") == Decimal("12.34") and US.parse("12.50") == Decimal("12.50")


def test_a_message_never_repeats_what_was_typed():
    """The amount field is one Tab away from card fields: a card number typed there is not echoed."""
    for text in ("4111 1111 1111 1111", "4111-1111-1111-1111", "4111x1111y1111z1111", "41111111111111111111111"):
        with pytest.raises(MoneyParseError) as caught:
            US.parse_charge(text)
        assert "1111" not in str(caught.value) and "1111" not in caught.value.example


@BOTH
def test_could_continue_waits_only_for_what_more_digits_can_complete(f):
    g, d = f.group, f.decimal
    for text in ("", "$", f"1{g}2", f"1{g}23", f"12{d}", f"1{g}234{g}5", "0", f"0{d}0"):
        assert f.could_continue(text), text
    for text in (f"1{g}2345", f"12{d}345", "abc", "١٢", f"1{d}2{d}3", "+5", " 1 2"):
        assert not f.could_continue(text), text


# --- reading: properties -------------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=10**14)
charge_cents = st.integers(min_value=1, max_value=int(MAX_CHARGE * 100))


@BOTH
@given(n=cents, symbol=st.booleans())
def test_every_formatted_amount_reads_back(f, n, symbol):
    value = money.from_cents(n)
    assert f.parse(f.format(value, symbol=symbol)) == value
    assert f.parse_cents(f.format_cents(n, symbol=symbol)) == n


@BOTH
@given(n=charge_cents)
def test_every_chargeable_amount_reads_back_as_a_charge(f, n):
    assert f.parse_charge(f.format_cents(n)) == money.from_cents(n)


def written(value_cents: int, decimal: str, group: str | None, decimals: int, symbol: str) -> str:
    """How a person might write ``value_cents`` with ``decimal`` for cents and ``group`` (or none) for
    thousands, with 0 (only when there are no cents), 1 (only when the cents end in 0) or 2 decimals."""
    whole, frac = divmod(value_cents, 100)
    digits = str(whole)
    if group:
        parts = []
        while len(digits) > 3:
            parts.insert(0, digits[-3:])
            digits = digits[:-3]
        digits = group.join([digits, *parts])
    tail = {0: "", 1: f"{decimal}{frac // 10}", 2: f"{decimal}{frac:02d}"}[decimals]
    return symbol + digits + tail


@st.composite
def person_written(draw):
    n = draw(st.integers(min_value=0, max_value=10**10))
    decimal, group = draw(st.sampled_from([(".", ","), (",", ".")]))
    decimals = draw(st.sampled_from([d for d in (0, 1, 2) if d == 2 or (d == 1 and n % 10 == 0)
                                     or (d == 0 and n % 100 == 0)]))
    return n, written(n, decimal, draw(st.sampled_from([group, None])), decimals, draw(st.sampled_from(["", "$"])))


@BOTH
@given(case=person_written())
@example(case=(1234, written(1234, ",", None, 2, ""), ))  # "12,34"
@example(case=(1250, written(1250, ".", None, 2, ""), ))  # "12.50"
@example(case=(123400, written(123400, ",", ".", 0, ""), ))  # "1.234"
def test_whatever_convention_the_clerk_used_an_accepted_amount_is_the_one_meant(f, case):
    """A person writes an amount in either convention, grouped or not; the store's format accepts it or
    refuses it, but never reads another amount (e.g. 100 times the one meant)."""
    n, text = case
    try:
        value = f.parse(text)
    except MoneyParseError:
        return
    assert value == money.from_cents(n), text


TRICKY = "0123456789.,$ " + "\u00a0\u202f\u200b\u2212+-eE_'١２．，€"


@BOTH
@settings(max_examples=400)
@given(text=st.text(alphabet=TRICKY, max_size=14) | st.text(max_size=14))
@example(text="12,34")
@example(text="12.50")
@example(text="1,2345")
@example(text="$\u00a012")
def test_every_accepted_text_round_trips_and_means_its_plain_reading(f, text):
    try:
        value = f.parse(text)
    except MoneyParseError as error:
        assert error.text == text.strip()
        return
    # only $, blanks around, ASCII digits and the two separators ever get through
    assert re.fullmatch(r"\$?\s*[0-9.,]+", text.strip()), text
    assert value == value.quantize(Decimal("0.01")) and value >= 0
    assert f.parse(f.format(value)) == value and f.parse(f.format(value, symbol=False)) == value
    plain = plain_reading(text)
    assert value == plain, text
    assert not is_power_of_ten_multiple(value, plain)
    other = money.mirror(f)
    try:
        again = other.parse(text)
    except MoneyParseError as refused:  # the other format may refuse it: then with the text, never misread
        assert refused.text == text.strip() and refused.money_format is other
    else:
        assert again == value, text  # a text both formats accept means the same in both


@given(text=st.text(max_size=30))
def test_reading_never_fails_any_other_way(text):
    for f in (US, COMMA):
        try:
            value = f.parse_charge(text)
        except MoneyParseError as refused:  # the only way to fail: a reason and the right way to write it
            assert refused.reason and refused.example and refused.text == text.strip()
        else:
            assert isinstance(value, Decimal) and Decimal("0") < value <= money.MAX_CHARGE
        assert f.could_continue(text) in (True, False)


# --- the setting ---------------------------------------------------------------------------------------------


def test_settings_keep_the_store_format_apart_from_the_language(tmp_path, caplog):
    path = tmp_path / "settings.json"
    assert Settings().money_format == "en_US"
    save_settings(Settings(language="es"), path)
    assert load_settings(path).money_format == "en_US"  # Spanish screens, US money: the store decides
    save_settings(Settings(money_format="es_ES"), path)
    assert json.loads(path.read_text())["money_format"] == "es_ES"
    assert load_settings(path).money_format == "es_ES"
    path.write_text(json.dumps({"money_format": "fr_FR", "lane": "LANE7"}))
    s = load_settings(path)
    assert s.money_format == "en_US" and s.lane == "LANE7"
    assert any("money_format" in r.getMessage() for r in caplog.records)
