"""The amount the clerk types, read and shown in the STORE's money format (``pos_app.money``), never the
interface language's: a ``Decimal`` in whole cents, never a float.

Reading is ``pos_app.money.MoneyFormat.parse_charge`` (strict: the other decimal separator, a group
separator not followed by three digits, other digit forms, signs... are refused, never reinterpreted) plus
PaySimple's limits (more than 0.00, at most 2,000,000.00). The refusal is shown translated from the
error's ``reason``, with an example of the right way in the store's format ("Use a point for cents: 12.34").

``AmountEdit`` follows the store's format (``money.store_format()``) unless one is given; when the store's
format changes while it holds an amount, the amount is kept and shown in the new format. While the clerk
is still typing something that more digits could complete (``1,2`` on the way to ``1,234``) the message
waits; it shows on Enter, when the field loses focus, and whenever the amount is asked for (``require``).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from pos_app import money
from pos_app.money import MAX_CHARGE, MoneyFormat, MoneyParseError, Reason
from pos_app.ui.common.i18n import Retranslating, checked_money_format, fmt

translate = QCoreApplication.translate

MAX_AMOUNT = MAX_CHARGE
CENT = money.CENT

#: Reasons whose message waits while more digits could still complete the text.
_WAIT_WHILE_TYPING = {Reason.DECIMAL_SEPARATOR, Reason.GROUP, Reason.NO_CENTS, Reason.ZERO}


class AmountError(ValueError):
    """str() is the message for the clerk (translated); ``reason`` is ``pos_app.money.Reason``."""

    def __init__(self, message: str, reason: str = Reason.NOT_AMOUNT, example: str = "") -> None:
        super().__init__(message)
        self.reason, self.example = reason, example


def amount_message(error: MoneyParseError) -> str:
    """The clerk's sentence for a refused amount, in the UI language, with the example in the store format."""
    point = error.money_format.decimal == "."
    texts = {
        Reason.EMPTY: translate("AmountEdit", "Enter the amount to charge."),
        Reason.DIGITS: translate("AmountEdit", "Type the amount with the digits 0 to 9 (switch the keyboard to "
                                               "standard digits): %1"),
        Reason.HIDDEN: translate("AmountEdit", "The amount contains a hidden character (pasted text?). Clear the "
                                               "field and type it, e.g. %1"),
        Reason.SIGN: translate("AmountEdit", "No + or - in the amount (to give money back, refund the payment): "
                                             "%1"),
        Reason.SYMBOL: translate("AmountEdit", "Amounts are in US dollars: type the number, at most one $ in "
                                               "front: %1"),
        Reason.SPACE: translate("AmountEdit", "No spaces inside the amount: %1"),
        Reason.DECIMAL_SEPARATOR: translate("AmountEdit", "Use a point for cents: %1") if point
        else translate("AmountEdit", "Use a comma for cents: %1"),
        Reason.GROUP: translate("AmountEdit", "A comma separates thousands and is followed by exactly three "
                                              "digits; cents come after a point: %1") if point
        else translate("AmountEdit", "A point separates thousands and is followed by exactly three digits; "
                                     "cents come after a comma: %1"),
        Reason.DECIMALS: translate("AmountEdit", "At most two digits after the point (cents); a comma separates "
                                                 "thousands: %1") if point
        else translate("AmountEdit", "At most two digits after the comma (cents); a point separates thousands: "
                                     "%1"),
        Reason.NO_CENTS: translate("AmountEdit", "Type the cents after the point, or leave the point out: %1")
        if point else translate("AmountEdit", "Type the cents after the comma, or leave the comma out: %1"),
        Reason.NOT_AMOUNT: translate("AmountEdit", "That is not an amount. Type it like this: %1"),
        Reason.ZERO: translate("AmountEdit", "The amount must be more than %1"),
        Reason.TOO_LARGE: translate("AmountEdit", "The amount can be at most %1 per payment."),
    }
    return fmt(texts[error.reason], error.example)


def parse_amount(text: str, money_format: MoneyFormat | None = None) -> Decimal:
    """The amount to charge ``text`` means in the store's format (or ``money_format``); AmountError if none."""
    money_format = checked_money_format(money_format)
    try:
        return money_format.parse_charge(text or "")
    except MoneyParseError as exc:
        raise AmountError(amount_message(exc), exc.reason, exc.example) from None


class AmountEdit(Retranslating, QWidget):
    """A line edit + a message line. ``value()`` is the Decimal or None; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, parent=None, money_format: MoneyFormat | None = None) -> None:
        super().__init__(parent)
        self._pinned = checked_money_format(money_format) if money_format is not None else None
        self._format = self.money_format()
        self.edit = QLineEdit(self)
        self.edit.setObjectName("amountEdit")
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setMaxLength(20)
        self.live(self.edit.setAccessibleName, lambda: translate("AmountEdit", "Amount to charge"))
        self.message = QLabel(self)
        self.message.setObjectName("amountMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        self._value: Decimal | None = None
        self._error = translate("AmountEdit", "Enter the amount to charge.")
        self._placeholder()
        self.edit.textChanged.connect(self._on_text)
        self.edit.editingFinished.connect(self._tidy)
        self.edit.installEventFilter(self)  # focus in: the store's format may have changed meanwhile

    def retranslate(self) -> None:
        """The message under the field (why this is not an amount) in the current language."""
        super().retranslate()
        shown = bool(self.message.text())
        self._on_text(self.edit.text())
        if shown:
            self._show(self._error)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.edit and event.type() == QEvent.Type.FocusIn:
            self._sync_format()
        return super().eventFilter(watched, event)

    def money_format(self) -> MoneyFormat:
        """The format this field reads and shows: the one it was given, else the store's current one."""
        return self._pinned or money.store_format()

    def _placeholder(self) -> None:
        self.edit.setPlaceholderText(self._format.format(Decimal("0.00"), symbol=False))

    def _sync_format(self) -> None:
        """The store's format changed: keep the amount, show it the new way."""
        current = self.money_format()
        if current == self._format:
            return
        value, self._format = self._value, current
        self._placeholder()
        if value is not None:
            self.edit.setText(current.format(value, symbol=False))
        else:
            self._on_text(self.edit.text())

    def _on_text(self, _text: str) -> None:
        self._sync_format()
        text = self.edit.text()
        try:
            self._value = parse_amount(text, self._format)
            self._error = ""
            self._show("")
        except AmountError as exc:
            self._value = None
            self._error = str(exc)
            typing = exc.reason in _WAIT_WHILE_TYPING and self._format.could_continue(text)
            # An empty field is not an error until the clerk tries to use it.
            self._show("" if not text.strip() or typing else self._error)
        self.changed.emit()

    def _show(self, error: str) -> None:
        self.message.setText(error)
        self.edit.setProperty("invalid", bool(error))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)

    def _tidy(self) -> None:
        """Enter or focus out: a good amount is shown the store's way; a bad one says why now."""
        self._sync_format()
        if self._value is not None:
            tidy = self._format.format(self._value, symbol=False)
            if tidy != self.edit.text():
                self.edit.setText(tidy)
        elif self.edit.text().strip():
            self._show(self._error)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._sync_format()
        super().showEvent(event)

    def value(self) -> Decimal | None:
        self._sync_format()
        return self._value

    def error(self) -> str:
        return self._error

    def require(self) -> Decimal | None:
        """The amount, or None after showing why not (and putting the cursor there)."""
        self._sync_format()
        if self._value is None:
            self._show(self._error)
            self.edit.setFocus()
            self.edit.selectAll()
        return self._value

    def set_value(self, value: Decimal | None) -> None:
        self._sync_format()
        self.edit.setText("" if value is None else self._format.format(value, symbol=False))

    def clear(self) -> None:
        self.edit.clear()
