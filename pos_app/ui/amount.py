"""The amount the clerk types: parsed with the locale's separators into a ``Decimal``, never a float.

Rules (PaySimple's): more than 0, at most 2,000,000.00, at most two decimals. Group separators are allowed
("1,234.50" in en_US, "1.234,50" in de_DE); a trailing/leading currency symbol or spaces are ignored.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

translate = QCoreApplication.translate

MAX_AMOUNT = Decimal("2000000.00")
CENT = Decimal("0.01")


class AmountError(ValueError):
    """str() is the message for the clerk."""


def parse_amount(text: str, locale: QLocale | None = None) -> Decimal:
    locale = locale or QLocale()
    point = locale.decimalPoint() or "."
    group = locale.groupSeparator() or ","
    raw = (text or "").strip().replace("\u00a0", " ").replace("\u202f", " ")
    raw = re.sub(r"^[$€£]\s*|\s*[$€£]$", "", raw).strip()
    if not raw:
        raise AmountError(translate("AmountEdit", "Enter the amount to charge."))
    if raw.startswith("-"):
        raise AmountError(translate("AmountEdit", "The amount must be more than 0.00."))
    cleaned = raw.replace(" ", "")
    if group.strip():
        cleaned = cleaned.replace(group, "") if group != point else cleaned
    cleaned = cleaned.replace(point, ".")
    if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", cleaned):
        raise AmountError(_fill(translate("AmountEdit", "“%1” is not an amount. Type digits, e.g. %2."), text.strip(),
                                format_amount(Decimal("12.50"), locale, symbol=False)))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError(translate("AmountEdit", "That is not an amount.")) from None
    if value != value.quantize(CENT):
        raise AmountError(translate("AmountEdit", "Use at most two decimals (cents)."))
    if value <= 0:
        raise AmountError(translate("AmountEdit", "The amount must be more than 0.00."))
    if value > MAX_AMOUNT:
        raise AmountError(_fill(translate("AmountEdit", "The amount can be at most %1 per payment."),
                                format_amount(MAX_AMOUNT, locale)))
    return value.quantize(CENT)


def _fill(text: str, *values: str) -> str:
    """``pos_app.ui.i18n.fmt`` (imported lazily: i18n imports this module's format_amount)."""
    from pos_app.ui.i18n import fmt

    return fmt(text, *values)


def format_amount(value: Decimal, locale: QLocale | None = None, symbol: bool = True) -> str:
    """Locale separators, two decimals, US dollars (PaySimple charges USD)."""
    locale = locale or QLocale()
    value = Decimal(value).quantize(CENT)
    whole, _, cents = f"{abs(value):.2f}".partition(".")
    group = locale.groupSeparator() or ","
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = group.join(groups) + (locale.decimalPoint() or ".") + cents
    sign = "-" if value < 0 else ""
    return f"{sign}${text}" if symbol else sign + text


class AmountEdit(QWidget):
    """A line edit + a message line. ``value()`` is the Decimal or None; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, parent=None, locale: QLocale | None = None) -> None:
        super().__init__(parent)
        self._locale = locale or QLocale()
        self.edit = QLineEdit(self)
        self.edit.setObjectName("amountEdit")
        self.edit.setPlaceholderText(format_amount(Decimal("0"), self._locale, symbol=False))
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setMaxLength(20)
        self.edit.setAccessibleName(translate("AmountEdit", "Amount to charge"))
        self.message = QLabel(self)
        self.message.setObjectName("amountMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        self.edit.textChanged.connect(self._on_text)
        self.edit.editingFinished.connect(self._tidy)
        self._value: Decimal | None = None
        self._error = translate("AmountEdit", "Enter the amount to charge.")

    def _on_text(self, _text: str) -> None:
        try:
            self._value = parse_amount(self.edit.text(), self._locale)
            self._error = ""
            self.message.setText("")
            self.edit.setProperty("invalid", False)
        except AmountError as exc:
            self._value = None
            self._error = str(exc)
            # An empty field is not an error until the clerk tries to use it.
            self.message.setText("" if not self.edit.text().strip() else self._error)
            self.edit.setProperty("invalid", bool(self.edit.text().strip()))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        self.changed.emit()

    def _tidy(self) -> None:
        if self._value is not None:
            tidy = format_amount(self._value, self._locale, symbol=False)
            if tidy != self.edit.text():
                self.edit.setText(tidy)

    def value(self) -> Decimal | None:
        return self._value

    def error(self) -> str:
        return self._error

    def require(self) -> Decimal | None:
        """The amount, or None after showing why not (and putting the cursor there)."""
        if self._value is None:
            self.message.setText(self._error)
            self.edit.setProperty("invalid", True)
            self.edit.style().unpolish(self.edit)
            self.edit.style().polish(self.edit)
            self.edit.setFocus()
            self.edit.selectAll()
        return self._value

    def set_value(self, value: Decimal | None) -> None:
        self.edit.setText("" if value is None else format_amount(value, self._locale, symbol=False))

    def clear(self) -> None:
        self.edit.clear()
