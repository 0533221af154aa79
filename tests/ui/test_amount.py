"""The amount widget: locale-aware parsing into Decimal with PaySimple's limits and clear messages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale

from pos_app.ui.amount import AmountEdit, AmountError, format_amount, parse_amount

US = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
DE = QLocale(QLocale.Language.German, QLocale.Country.Germany)


@pytest.mark.parametrize("text,expected", [
    ("12.34", "12.34"), ("12", "12.00"), ("1,234.5", "1234.50"), ("$ 9,999.01", "9999.01"),
    (".5", "0.50"), ("2000000", "2000000.00"), ("0.01", "0.01"),
])
def test_us_amounts(text, expected):
    value = parse_amount(text, US)
    assert isinstance(value, Decimal) and value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize("text,expected", [("12,34", "12.34"), ("1.234,50", "1234.50"), ("7", "7.00")])
def test_german_amounts(text, expected):
    assert parse_amount(text, DE) == Decimal(expected)


@pytest.mark.parametrize("text,message", [
    ("", "Enter the amount"), ("0", "more than 0.00"), ("0.00", "more than 0.00"), ("-5", "more than 0.00"),
    ("2000000.01", "at most $2,000,000.00"), ("1.234", "two decimals"), ("abc", "is not an amount"),
    ("1e5", "is not an amount"), ("NaN", "is not an amount"), ("12.3.4", "is not an amount"),
])
def test_bad_amounts_say_what_is_wrong(text, message):
    with pytest.raises(AmountError, match=re.escape(message)):
        parse_amount(text, US)


def test_format_amount():
    assert format_amount(Decimal("1234567.5"), US) == "$1,234,567.50"
    assert format_amount(Decimal("1234.5"), DE, symbol=False) == "1.234,50"


def test_widget_value_and_message(qtbot):
    w = AmountEdit(locale=US)
    qtbot.addWidget(w)
    assert w.value() is None and w.message.text() == ""
    qtbot.keyClicks(w.edit, "12.345")
    assert w.value() is None and "two decimals" in w.message.text()
    w.edit.clear()
    qtbot.keyClicks(w.edit, "1,250.5")
    assert w.value() == Decimal("1250.50") and w.message.text() == ""
    w.edit.editingFinished.emit()
    assert w.edit.text() == "1,250.50"
    w.edit.clear()
    assert w.require() is None and "Enter the amount" in w.message.text()
