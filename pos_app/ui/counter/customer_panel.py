"""The customer screen: who (name, contact, address), their cards and bank accounts on file, the amount,
and the actions (charge on file, new card, new bank account, add card, default, remove, replace expired; for
an imported customer not in PaySimple yet, "Add to PaySimple").
The panel owns its widgets: others show things through its methods (``show_customer``, ``show_accounts``,
``show_note``, ``say``, ``set_actions``…) and follow its signals (one per action, ``amountEntered``,
``accountChosen``, ``amountChanged``); the sale controller (``ui.counter.sale``) wires them. Also the
charge-on-file confirmation with optional CVV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
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
from pos_app.ui.counter.cards import card_expired

translate = QCoreApplication.translate
Text = str | Callable[[], str]  # a callable follows a language switch


def section(text: str) -> QLabel:
    label = QLabel(text.upper())  # callers pass translated text
    label.setObjectName("sectionTitle")
    return label


@dataclass(frozen=True)
class PanelActions:
    """Which of the customer page's actions can be used now (``CustomerPanel.set_actions``). ``bank_on_file``:
    the selected account is a bank account (the charge button says so)."""

    charge_on_file: bool = False
    new_account: bool = False  # new card, new bank account, add card (update payment details)
    make_default: bool = False
    remove: bool = False
    replace_expired: bool = False
    add_to_paysimple: bool = False
    bank_on_file: bool = False


def customer_meta(hit, stored) -> str:
    """The line under the name: company, phone, e-mail, the stored address (``stored``: the stored row, or None
    while it is read) and the account number (one unbreakable piece)."""
    meta = []
    if hit.company:
        meta.append(hit.company)
    meta += [p for p in (hit.phone, hit.email) if p]
    if stored is not None:
        r = stored.record
        address = ", ".join(p for p in (r.street1, r.city, r.state_code, r.zip_code) if p)
        if address:
            meta.append(address)
    if hit.customer_account:
        meta.append(fmt(translate("MainWindow", "Account no. %1"), hit.customer_account).replace(" ", "\u00a0"))
    return "  ·  ".join(meta)


class CustomerPanel(Retranslating, QWidget):
    """The customer page. Signals: one per action button (``chargeOnFile``, ``newCard``, ``newBankAccount``,
    ``makeDefault``, ``removeAccount``, ``replaceExpired``, ``updateDetails``, ``addToPaySimple``);
    ``accountChosen`` (the selection in the accounts list moved), ``amountChanged``, ``amountEntered`` (Enter
    in the amount box)."""

    chargeOnFile = Signal()  # noqa: N815
    newCard = Signal()  # noqa: N815
    newBankAccount = Signal()  # noqa: N815
    makeDefault = Signal()  # noqa: N815
    removeAccount = Signal()  # noqa: N815
    replaceExpired = Signal()  # noqa: N815
    updateDetails = Signal()  # noqa: N815
    addToPaySimple = Signal()  # noqa: N815
    accountChosen = Signal()  # noqa: N815
    amountChanged = Signal()  # noqa: N815
    amountEntered = Signal()  # noqa: N815

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
        self.methods_note.setWordWrap(True)  # a long fault (e.g. the store server unreachable) must not widen the window
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
        self.methods.currentItemChanged.connect(lambda *_: self.accountChosen.emit())
        self.default_button.clicked.connect(self.makeDefault.emit)
        self.remove_button.clicked.connect(self.removeAccount.emit)
        self.replace_button.clicked.connect(self.replaceExpired.emit)
        self.update_button.clicked.connect(self.updateDetails.emit)
        self.amount.changed.connect(self.amountChanged.emit)
        self.amount.edit.returnPressed.connect(self.amountEntered.emit)
        self.charge_file_button.clicked.connect(self.chargeOnFile.emit)
        self.new_card_button.clicked.connect(self.newCard.emit)
        self.new_ach_button.clicked.connect(self.newBankAccount.emit)
        self.add_button.clicked.connect(self.addToPaySimple.emit)
        for button in (self.charge_file_button, self.new_card_button, self.new_ach_button, self.default_button,
                       self.remove_button, self.replace_button, self.update_button):
            button.installEventFilter(self)

    AMOUNT_KEYS = frozenset("0123456789.,$")

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        """A clerk who Tabbed onto a button and types an amount: the characters go to the amount box (what was
        there is replaced), never lost while an old amount stays on screen to be charged."""
        if (event.type() == QEvent.Type.KeyPress and isinstance(watched, QPushButton) and event.text()
                and event.text() in self.AMOUNT_KEYS
                and not event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
                and self.amount.edit.isEnabled() and self.amount.edit.isVisible()):
            self.amount.edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.amount.edit.selectAll()
            QCoreApplication.sendEvent(self.amount.edit, event)
            return True
        return super().eventFilter(watched, event)

    # ---- what the page shows ------------------------------------------------------------------------------

    def show_customer(self, hit, stored=None) -> None:
        """Name and the line under it (``stored``: the stored row with the address, once read)."""
        self.customer_name.setText(hit.display_name)
        self.live(self.customer_meta.setText, lambda: customer_meta(hit, stored))

    def show_local_only(self, local_only: bool) -> None:
        """An imported customer not in PaySimple yet: "Add to PaySimple" shows and the list is empty."""
        self.methods.clear()
        self.add_button.setVisible(local_only)

    def show_accounts(self, cards, ach, today) -> None:
        """The accounts on file, and the note under them (count, expired cards)."""
        self.methods.show_accounts(cards, ach, today)
        count = len(cards) + len(ach)
        expired = sum(1 for c in cards if card_expired(c, today))

        def note() -> str:
            text = translate("MainWindow", "No cards or bank accounts on file.") if count == 0 else \
                fmt(translate("MainWindow", "%1 on file"), count)
            if expired:
                text += " · " + (translate("MainWindow", "1 expired card: replace or remove") if expired == 1
                                 else fmt(translate("MainWindow", "%1 expired cards: replace or remove"), expired))
            return text

        self.show_note(note)

    def show_note(self, text: Text) -> None:
        """The line under the accounts list (a callable follows a language switch)."""
        self.live(self.methods_note.setText, text if callable(text) else (lambda: text))

    def say(self, text: Text, color: str = "#3e4c59") -> None:
        """The page's status line; a callable makes the text follow a language switch."""
        self.live(self.customer_status.setText, text if callable(text) else (lambda: text))
        self.customer_status.setStyleSheet(f"color: {color}; font-weight: 600;")

    def set_actions(self, actions: PanelActions) -> None:
        self.charge_file_button.setEnabled(actions.charge_on_file)
        self.live(self.charge_file_button.setText, lambda: translate("MainWindow", "Charge bank account on file  [F5]")
                  if actions.bank_on_file else translate("MainWindow", "Charge card on file  [F5]"))
        for button in (self.new_card_button, self.new_ach_button, self.update_button):
            button.setEnabled(actions.new_account)
        self.default_button.setEnabled(actions.make_default)
        self.remove_button.setEnabled(actions.remove)
        self.replace_button.setEnabled(actions.replace_expired)
        self.add_button.setEnabled(actions.add_to_paysimple)

    # ---- what the page holds ------------------------------------------------------------------------------

    def current_account(self):
        """The card / bank account selected in the list (None: none)."""
        return self.methods.current_account()

    def account_list_has_focus(self) -> bool:
        return self.methods.hasFocus()

    def can_charge_on_file(self) -> bool:
        return self.charge_file_button.isEnabled()

    def can_make_default(self) -> bool:
        return self.default_button.isEnabled()

    def can_remove(self) -> bool:
        return self.remove_button.isEnabled()

    def amount_value(self) -> Decimal | None:
        """The amount typed, quietly (None: empty or not valid)."""
        return self.amount.value()

    def require_amount(self) -> Decimal | None:
        """The amount typed, or None after telling the clerk what is wrong with it (the box gets the keyboard)."""
        return self.amount.require()

    def clear_amount(self) -> None:
        self.amount.clear()

    def focus_amount(self, select: bool = False) -> None:
        self.amount.edit.setFocus()
        if select:
            self.amount.edit.selectAll()

    def focus_charge_on_file(self) -> None:
        self.charge_file_button.setFocus()

    def focus_add_to_paysimple(self) -> bool:
        """The keyboard to "Add to PaySimple" when it shows and can be used (False: it cannot)."""
        if not self.add_button.isHidden() and self.add_button.isEnabled():
            self.add_button.setFocus()
            return True
        return False

    def amount_edit(self) -> QLineEdit:
        """The amount's line edit (the window's shortcuts must win over its own keys: ``ui.common.keys``)."""
        return self.amount.edit


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
