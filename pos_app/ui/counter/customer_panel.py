"""The customer screen: who (name, contact, address), their cards and bank accounts on file, the amount,
and the actions (charge on file, new card, new bank account, add card, default, remove, replace expired; for
an imported customer not in PaySimple yet, "Add to PaySimple").
Only layout here; ``MainWindow`` wires the actions. Also the charge-on-file confirmation with optional CVV."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common.i18n import Retranslating, fmt
from pos_app.ui.common.theme import RED
from pos_app.ui.common.widgets import MethodsList
from pos_app.ui.counter.amount import AmountEdit

translate = QCoreApplication.translate


def section(text: str) -> QLabel:
    label = QLabel(text.upper())  # callers pass translated text
    label.setObjectName("sectionTitle")
    return label


class CustomerPanel(Retranslating, QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(10)
        self.customer_name = QLabel(self)
        self.customer_name.setObjectName("customerName")
        self.customer_name.setTextFormat(Qt.TextFormat.PlainText)
        self.customer_meta = QLabel(self)
        self.customer_meta.setObjectName("customerMeta")
        self.customer_meta.setTextFormat(Qt.TextFormat.PlainText)
        self.customer_meta.setWordWrap(True)
        layout.addWidget(self.customer_name)
        layout.addWidget(self.customer_meta)
        layout.addSpacing(6)
        layout.addWidget(self.with_live(section(""), lambda: translate("CustomerPanel", "Cards and bank accounts on file").upper()))
        self.methods = MethodsList(self)
        self.methods.setMinimumHeight(150)
        layout.addWidget(self.methods, 1)
        self.methods_note = QLabel(self)
        self.methods_note.setObjectName("muted")
        self.methods_note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.methods_note)
        row = QHBoxLayout()
        self.default_button = self.with_live(QPushButton(self), lambda: translate("CustomerPanel", "Make default  [Ctrl+D]"))
        self.remove_button = self.with_live(QPushButton(self), lambda: translate("CustomerPanel", "Remove  [Del]"))
        self.replace_button = self.with_live(QPushButton(self), lambda: translate("CustomerPanel", "Replace expired"))
        self.update_button = self.with_live(QPushButton(self), lambda: translate("CustomerPanel", "Add card  [F8]"))
        self.live(self.update_button.setToolTip, lambda: translate("CustomerPanel",
                                                "Update payment details: add a card the customer asks to keep on "
                                                "file (nothing is charged)"))
        for b in (self.default_button, self.remove_button, self.replace_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.update_button)
        layout.addLayout(row)
        layout.addSpacing(8)
        layout.addWidget(self.with_live(section(""), lambda: translate("CustomerPanel", "Amount").upper()))
        amount_row = QHBoxLayout()
        currency = self.with_live(QLabel(self), lambda: translate("CustomerPanel", "USD $"))
        currency.setObjectName("currency")
        amount_row.addWidget(currency, 0, Qt.AlignmentFlag.AlignTop)
        self.amount = AmountEdit(self)
        amount_row.addWidget(self.amount, 0, Qt.AlignmentFlag.AlignTop)
        amount_row.addStretch(1)
        layout.addLayout(amount_row)
        actions = QHBoxLayout()
        # An imported customer is not in PaySimple yet: this one action adds them (MainWindow shows it for them)
        self.add_button = self.with_live(QPushButton(self), lambda: translate("CustomerPanel", "Add to PaySimple"))
        self.add_button.setObjectName("addToPaySimple")
        self.add_button.setAutoDefault(True)  # Enter on it presses it, as the note says
        self.add_button.hide()
        actions.addWidget(self.add_button)
        self.charge_file_button = self.with_live(QPushButton(self), lambda: translate("MainWindow", "Charge card on file  [F5]"))
        self.charge_file_button.setObjectName("primary")
        self.new_card_button = self.with_live(QPushButton(self), lambda: translate("CustomerPanel", "New card  [F6]"))
        self.new_ach_button = self.with_live(QPushButton(self), lambda: translate("CustomerPanel", "New bank account  [F7]"))
        actions.addWidget(self.charge_file_button)
        actions.addWidget(self.new_card_button)
        actions.addWidget(self.new_ach_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.customer_status = QLabel(self)
        self.customer_status.setTextFormat(Qt.TextFormat.PlainText)
        self.customer_status.setWordWrap(True)
        layout.addWidget(self.customer_status)


class CvvDialog(Retranslating, QDialog):
    """Confirm a charge on file; the CVV is optional (PaySimple accepts a stored card without it)."""

    def __init__(self, parent, summary: str | Callable[[], str], cvv_digits: int = 3) -> None:
        """``summary``: what is charged to whom (a callable follows a language switch)."""
        super().__init__(parent)
        self.cvv_digits = cvv_digits
        self.live(self.setWindowTitle, lambda: translate("CvvDialog", "Charge card on file"))
        text = self.with_live(QLabel(self), summary if callable(summary) else (lambda: summary))
        text.setWordWrap(True)
        text.setObjectName("formHeader")
        self.cvv = QLineEdit(self)
        self.live(self.cvv.setPlaceholderText, lambda: fmt(translate("CvvDialog", "CVV, %1 digits (optional)"), cvv_digits))
        self.cvv.setEchoMode(QLineEdit.EchoMode.Password)
        self.cvv.setMaxLength(4)
        self.error = QLabel(self)
        self.error.setStyleSheet(f"color: {RED};")
        buttons = QDialogButtonBox(self)
        ok = self.with_live(buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole),
                            lambda: translate("CvvDialog", "Charge  [Enter]"))
        ok.setObjectName("primary")
        ok.setDefault(True)
        self.with_live(buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole),
                       lambda: translate("CvvDialog", "Cancel  [Esc]"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.cvv)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.cvv.setFocus()

    def _check(self) -> None:
        value = self.cvv.text().strip()
        if value and not (value.isdigit() and len(value) == self.cvv_digits):
            self.live(self.error.setText, lambda: fmt(translate("CvvDialog", "This card's CVV has %1 digits. Type it, or leave it empty."),
                                    self.cvv_digits))
            return
        self.accept()

    def value(self) -> str | None:
        return self.cvv.text().strip() or None
