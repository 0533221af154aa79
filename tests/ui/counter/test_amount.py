"""The amount field: the store's money format (not the UI language), strict reading into Decimal with
PaySimple's limits, and the refusal message showing the right way. Keys are typed with real key events."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, QLocale, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from pos_app import money
from pos_app.money import COMMA, US
from pos_app.ui.common.i18n import format_amount, format_money
from pos_app.ui.counter.amount import AmountEdit, AmountError, parse_amount


@pytest.mark.parametrize("text,expected", [
    ("12.34", "12.34"), ("12", "12.00"), ("1,234.5", "1234.50"), ("$ 9,999.01", "9999.01"),
    (".5", "0.50"), ("2000000", "2000000.00"), ("0.01", "0.01"),
])
def test_us_amounts(text, expected):
    value = parse_amount(text, US)
    assert isinstance(value, Decimal) and value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize("text,expected", [("12,34", "12.34"), ("1.234,50", "1234.50"), ("7", "7.00")])
def test_comma_store_amounts(text, expected):
    assert parse_amount(text, COMMA) == Decimal(expected)


@pytest.mark.parametrize("text,message", [
    ("", "Enter the amount"), ("0", "more than $0.00"), ("0.00", "more than $0.00"), ("-5", "No + or -"),
    ("2000000.01", "at most $2,000,000.00"), ("1.234", "At most two digits after the point"),
    ("abc", "is not an amount"), ("1e5", "is not an amount"), ("NaN", "is not an amount"),
    ("12.3.4", "is not an amount"), ("12,34", "Use a point for cents: 12.34"),
])
def test_bad_amounts_say_what_is_wrong(text, message):
    with pytest.raises(AmountError, match=re.escape(message)):
        parse_amount(text, US)


def test_format_amount_and_format_money_follow_the_store_not_the_language():
    assert format_amount(Decimal("1234567.5"), US) == "$1,234,567.50"
    assert format_amount(Decimal("1234.5"), COMMA, symbol=False) == "1.234,50"
    assert format_money(Decimal("1234.5")) == "$1,234.50"
    money.set_store_format("es_ES")
    assert format_money(Decimal("1234.5")) == format_amount(Decimal("1234.5")) == "$1.234,50"
    with pytest.raises(TypeError):  # a UI locale cannot choose how money is written
        format_amount(Decimal("1"), QLocale(QLocale.Language.German, QLocale.Country.Germany))


def type_into(qtbot, w: AmountEdit, text: str, enter: bool = False) -> None:
    """Key events, one per character. QTest cannot map characters outside Latin-1 to a key (it aborts), so
    those go as the key event a keyboard layout or input method sends: no key code, the character as text."""
    w.edit.clear()
    for ch in text:
        if ch.isascii():
            qtbot.keyClick(w.edit, ch)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(w.edit, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
    assert w.edit.text() == text
    if enter:
        qtbot.keyClick(w.edit, Qt.Key.Key_Return)


def test_widget_value_and_message(qtbot):
    w = AmountEdit(money_format=US)
    qtbot.addWidget(w)
    assert w.value() is None and w.message.text() == "" and w.edit.placeholderText() == "0.00"
    type_into(qtbot, w, "12.345")
    assert w.value() is None and "At most two digits after the point" in w.message.text()
    type_into(qtbot, w, "1,250.5")
    assert w.value() == Decimal("1250.50") and w.message.text() == ""
    qtbot.keyClick(w.edit, Qt.Key.Key_Return)
    assert w.edit.text() == "1,250.50"
    w.edit.clear()
    assert w.require() is None and "Enter the amount" in w.message.text()


def test_us_store_refuses_a_comma_for_cents_and_shows_the_point(qtbot):
    w = AmountEdit(money_format=US)
    qtbot.addWidget(w)
    w.show()
    type_into(qtbot, w, "12,34")
    # "12,34" could still become "12,345" (thousands): no message while typing, and no amount either
    assert w.value() is None and w.message.text() == ""
    qtbot.keyClick(w.edit, Qt.Key.Key_Return)
    assert w.message.text() == "Use a point for cents: 12.34"
    assert w.edit.property("invalid") is True and w.edit.text() == "12,34"  # nothing rewritten behind the clerk
    assert w.require() is None and w.message.text() == "Use a point for cents: 12.34"
    type_into(qtbot, w, "12,50")
    assert w.require() is None and w.message.text() == "Use a point for cents: 12.50"
    type_into(qtbot, w, "1,2345")  # cannot become an amount by typing more: said at once
    assert w.message.text().startswith("A comma separates thousands and is followed by exactly three digits")


def test_comma_store_refuses_a_point_for_cents_and_shows_the_comma(qtbot):
    w = AmountEdit(money_format=COMMA)
    qtbot.addWidget(w)
    w.show()
    assert w.edit.placeholderText() == "0,00"
    type_into(qtbot, w, "12.50", enter=True)
    assert w.value() is None and w.message.text() == "Use a comma for cents: 12,50"
    type_into(qtbot, w, "1234,5", enter=True)
    assert w.value() == Decimal("1234.50") and w.edit.text() == "1.234,50" and w.message.text() == ""
    type_into(qtbot, w, "1,2345")
    assert w.value() is None and w.message.text().startswith("At most two digits after the comma (cents)")


@pytest.mark.parametrize("text,message", [
    ("١٢", "Type the amount with the digits 0 to 9 (switch the keyboard to standard digits): 12.34"),
    ("１２", "Type the amount with the digits 0 to 9"),
    ("+5", "No + or - in the amount (to give money back, refund the payment): 12.34"),
    ("$$5", "Amounts are in US dollars: type the number, at most one $ in front: 12.34"),
    ("1 2", "No spaces inside the amount: 1,234.56"),
    ("5e2", "That is not an amount. Type it like this: 1,234.56"),
])
def test_refusals_show_at_once_when_more_typing_cannot_help(qtbot, text, message):
    w = AmountEdit(money_format=US)
    qtbot.addWidget(w)
    type_into(qtbot, w, text)
    assert w.value() is None and w.message.text().startswith(message)


def test_the_field_follows_the_store_format_and_keeps_the_amount_when_it_changes(qtbot):
    w = AmountEdit()  # no format given: the store's
    qtbot.addWidget(w)
    w.show()
    type_into(qtbot, w, "1,250.5")
    assert w.value() == Decimal("1250.50") and w.money_format() is US
    money.set_store_format("es_ES")  # a manager changed the setting
    w.edit.setFocus()
    assert w.value() == Decimal("1250.50") and w.edit.text() == "1.250,50" and w.edit.placeholderText() == "0,00"
    type_into(qtbot, w, "12.50", enter=True)
    assert w.value() is None and w.message.text() == "Use a comma for cents: 12,50"
    w.set_value(Decimal("42.5"))
    assert w.edit.text() == "42,50" and w.value() == Decimal("42.50")
