"""The outcome screen: approved, posted (bank debit, pending), declined, not charged, still being checked,
or needs review.

A bank (ACH) debit PaySimple accepted is shown as "Posted — pending" (its status is Posted, not Authorized),
never "Approved", with the fact that the bank can still return it; ``kind`` is then "posted". Below the
message, ``on_file`` says what happened to a card or bank account a form produced (kept on file with the
customer's consent, hidden and removed later, removed because the charge was declined). Enter presses the
screen's ``default_button()``: "Try another card" after a decline, "New sale" after a payment (decision 0362).

A language switch re-renders the screen from what it shows (``retranslate``): the outcome, the note about the
account on file and the receipt's message keep their state and change their words."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.counter import State, authorization_code, decline_reason
from pos_app.ui.common.i18n import Retranslating, fmt, format_amount, tr
from pos_app.ui.common.theme import AMBER, GREEN, RED
from pos_app.ui.common.widgets import account_label

if TYPE_CHECKING:
    from pos_app.counter import Attempt

translate = QCoreApplication.translate


class ResultKind(StrEnum):
    """What the result screen shows (``ResultView.kind``; ``MainWindow.resultShown`` carries it). UNKNOWN: the
    outcome is not known (not confirmed yet, or needs review): F5 checks it and no new sale starts. NONE:
    nothing shown yet."""

    NONE = ""
    APPROVED = "approved"
    POSTED = "posted"  # a bank payment PaySimple accepted; the bank can still return it
    DECLINED = "declined"
    NOT_CHARGED = "not_charged"
    UNKNOWN = "unknown"
    SAVED = "saved"
    ERROR = "error"


class ResultView(Retranslating, QWidget):
    newSale = Signal()  # noqa: N815
    tryAnother = Signal()  # noqa: N815
    backToCustomer = Signal()  # noqa: N815
    checkAgain = Signal()  # noqa: N815
    receipt = Signal()
    emailReceipt = Signal()  # noqa: N815
    printAndEmail = Signal()  # noqa: N815

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.kind = ResultKind.NONE
        self.attempt: Attempt | None = None
        self._render: Callable[[], None] | None = None  # draws what the screen shows (again, on a switch)
        self._rerendering = False
        self.title = QLabel(self)
        self.title.setObjectName("resultTitle")
        self.amount = QLabel(self)
        self.amount.setObjectName("resultAmount")
        self.message = QLabel(self)
        self.message.setObjectName("resultMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.on_file = QLabel(self)
        self.on_file.setObjectName("resultOnFile")
        self.on_file.setWordWrap(True)
        self.on_file.setTextFormat(Qt.TextFormat.PlainText)
        self.on_file.setStyleSheet("font-weight: 600;")
        self.on_file.setVisible(False)
        self.details = QGridLayout()
        self.details.setHorizontalSpacing(24)
        self.details.setVerticalSpacing(6)
        self.bar = QFrame(self)
        self.bar.setFixedHeight(6)
        self.new_sale_button = self.with_live(QPushButton(self), lambda: translate("ResultView", "New sale  [Enter]"))
        self.new_sale_button.setObjectName("primary")
        self.new_sale_button.clicked.connect(self.newSale)
        self.try_button = QPushButton(self)
        self.try_button.clicked.connect(self.tryAnother)
        self.back_button = self.with_live(QPushButton(self), lambda: translate("ResultView", "Back to customer  [Esc]"))
        self.back_button.clicked.connect(self.backToCustomer)
        self.check_button = self.with_live(QPushButton(self), lambda: translate("ResultView", "Check again  [F5]"))
        self.check_button.clicked.connect(self.checkAgain)
        # The receipt choice, after the payment: print, e-mail (PaySimple, address on file), both, or none
        # (a new sale). docs/decisions/0351.
        self.receipt_label = self.with_live(QLabel(self), lambda: translate("ResultView", "Receipt:"))
        self.receipt_label.setObjectName("muted")
        self.receipt_button = self.with_live(QPushButton(self), lambda: translate("ResultView", "Print  [Ctrl+P]"))
        self.receipt_button.clicked.connect(self.receipt)
        self.email_button = self.with_live(QPushButton(self), lambda: translate("ResultView", "E-mail  [Ctrl+M]"))
        self.email_button.clicked.connect(self.emailReceipt)
        self.both_button = self.with_live(QPushButton(self), lambda: translate("ResultView", "Both  [Ctrl+B]"))
        self.both_button.clicked.connect(self.printAndEmail)
        self.none_label = self.with_live(QLabel(self), lambda: translate("ResultView", "None: Enter"))
        self.none_label.setObjectName("muted")
        self.receipt_message = QLabel(self)
        self.receipt_message.setObjectName("receiptMessage")
        self.receipt_message.setWordWrap(True)
        self.receipt_message.setTextFormat(Qt.TextFormat.PlainText)
        choice = QHBoxLayout()
        for widget in (self.receipt_label, self.receipt_button, self.email_button, self.both_button,
                       self.none_label):
            choice.addWidget(widget)
        choice.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.try_button)
        buttons.addWidget(self.new_sale_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(12)
        layout.addWidget(self.bar)
        layout.addWidget(self.title)
        layout.addWidget(self.amount)
        layout.addWidget(self.message)
        layout.addWidget(self.on_file)
        layout.addLayout(self.details)
        layout.addLayout(choice)
        layout.addWidget(self.receipt_message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._buttons()  # nothing to show yet: hidden buttons do not widen the window

    def _set_details(self, rows: list[tuple[str, str]]) -> None:
        while self.details.count():
            item = self.details.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for row, (name, value) in enumerate(rows):
            key = QLabel(name, self)
            key.setObjectName("muted")
            val = QLabel(value, self)
            val.setObjectName("resultDetail")
            val.setTextFormat(Qt.TextFormat.PlainText)
            val.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details.addWidget(key, row, 0)
            self.details.addWidget(val, row, 1)
        self.details.setColumnStretch(1, 1)

    def set_on_file_note(self, text: str | Callable[[], str]) -> None:
        """What happened to the form's card / bank account on file ("" hides the line; a callable follows a
        language switch)."""
        if self._rerendering:
            return  # a re-render keeps the note; only its words change
        self.live(self.on_file.setText, text if callable(text) else (lambda: text))
        self.on_file.setVisible(bool(self.on_file.text()))

    def set_receipt_message(self, text: str | Callable[[], str], colour: str = "#3e4c59") -> None:
        """What became of the e-mailed receipt ("" hides the line; a callable follows a language switch)."""
        if self._rerendering:
            return
        self.receipt_message.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.live(self.receipt_message.setText, text if callable(text) else (lambda: text))
        self.receipt_message.setVisible(bool(self.receipt_message.text()))

    def retranslate(self) -> None:
        """Buttons and notes in the current language, and the outcome drawn again from its state."""
        super().retranslate()
        if self._render is not None:
            self._rerendering = True
            try:
                self._render()
            finally:
                self._rerendering = False

    def _headline(self, text: str, color: str) -> None:
        self.title.setText(text)
        self.title.setStyleSheet(f"color: {color};")
        self.bar.setStyleSheet(f"background: {color}; border-radius: 3px;")

    def show_attempt(self, attempt: Attempt) -> None:
        self._render = lambda: self.show_attempt(attempt)
        self.attempt = attempt
        self.amount.setText(format_amount(attempt.amount))
        rows = [(translate("ResultView", "Customer"), attempt.customer_name),
                (translate("ResultView", "Account"), attempt.account_masked)]
        state = State(attempt.state)
        self.set_on_file_note("")
        if state is State.APPROVED and getattr(attempt, "is_bank", False):
            self.kind = ResultKind.POSTED
            self._headline(translate("ResultView", "Posted — pending"), AMBER)
            self.message.setText(translate("ResultView", "PaySimple accepted the bank payment (status Posted). It is not final: "
                                        "the bank can still return it, for example for insufficient funds, usually "
                                        "within 2 business days and up to 60 days if the customer disputes it."))
            rows += [(translate("ResultView", "Trace number"), attempt.trace_number or "—"),
                     (translate("ResultView", "Authorization"),
                      translate("ResultView", "Read to the customer; on the receipt"))]
        elif state is State.APPROVED:
            self.kind = ResultKind.APPROVED
            self._headline(translate("ResultView", "Approved"), GREEN)
            self.message.setText(translate("ResultView", "The payment was approved."))
            code = authorization_code(attempt.auth_code)  # PaySimple's response word is not a code
            rows += [(translate("ResultView", "Auth code"), code)] if code else []
            rows += [(translate("ResultView", "Trace number"), attempt.trace_number or "—")]
        elif state is State.DECLINED:
            self.kind = ResultKind.DECLINED
            self._headline(translate("ResultView", "Declined"), RED)
            # PaySimple's reason: ours for a documented code, else PaySimple's own words; the frame around it is ours.
            said = tr(decline_reason(attempt.failure_code, attempt.failure_description)) \
                or translate("ResultView", "The payment was declined.")
            step = tr(attempt.failure_action) or translate("ResultView", "Try a different payment method.")
            self.message.setText(fmt(translate("ResultView", "PaySimple says: %1"), said) + "\n"
                                 + fmt(translate("ResultView", "Next step: %1"), step))
            rows += [(translate("ResultView", "Decline code"), attempt.failure_code or "—")]
        elif state in (State.REJECTED, State.ABSENT):
            self.kind = ResultKind.NOT_CHARGED
            self._headline(translate("ResultView", "Not charged"), AMBER)
            self.message.setText((tr(attempt.note) or translate("ResultView", "PaySimple did not take this payment."))
                                 + "\n" + translate("ResultView", "You can try again with the same or another card."))
        elif state is State.REVIEW:
            # Kind "unknown": same keys as an unconfirmed payment (F5 checks again, Enter starts no new sale).
            self.kind = ResultKind.UNKNOWN
            self._headline(translate("ResultView", "Needs review"), RED)
            self.message.setText(translate("ResultView", "The answer that came back does not match this payment, so it is not known "
                                        "whether the customer was charged.") + "\n"
                + translate("ResultView", "Do not charge again. Press F5 to check with PaySimple; if it stays "
                                          "like this, a manager must check the payment in PaySimple.")
                + ("\n" + tr(attempt.note) if attempt.note else ""))
        else:
            self.kind = ResultKind.UNKNOWN
            self._headline(translate("ResultView", "Not confirmed yet"), AMBER)
            self.message.setText((tr(attempt.note) or translate("ResultView", "PaySimple could not be reached; the payment is being checked."))
                + "\n" + translate("ResultView", "Do not charge again. Press F5 to check with PaySimple."))
        rows.append((translate("ResultView", "Reference"), attempt.id))
        self._set_details(rows)
        self._buttons()

    def show_saved(self, account, customer_name: str) -> None:
        self._render = lambda: self.show_saved(account, customer_name)
        self.set_on_file_note("")
        self.kind = ResultKind.SAVED
        self.attempt = None
        kind, number = account_label(account)
        self._headline(translate("ResultView", "Saved"), GREEN)
        self.amount.setText(f"{kind} {number}")
        self.message.setText(translate("ResultView", "The new payment method is on file. Nothing was charged."))
        rows = [(translate("ResultView", "Customer"), customer_name)]
        if getattr(account, "expiration_date", None):
            rows.append((translate("ResultView", "Expires"), account.expiration_date))
        self._set_details(rows)
        self._buttons()

    def show_not_sent(self, error, amount=None) -> None:
        """The charge stopped before anything was sent because the payment journal could not record it
        (``counter.NotSent``): certain, so "Not charged", the journal's problem and its next step, and never
        "not known" / "do not charge again"."""
        self._render = lambda: self.show_not_sent(error, amount)
        self.kind = ResultKind.NOT_CHARGED
        self.attempt = None
        self.set_on_file_note("")
        self._headline(translate("ResultView", "Not charged"), AMBER)
        self.amount.setText(format_amount(amount) if amount is not None else "")
        self.message.setText(tr(error.storage) + "\n" + translate(
            "ResultView", "Nothing was sent to PaySimple: the payment was stopped before it could be recorded. "
                          "Try again once the journal can be written."))
        attempt = getattr(error, "attempt", None)
        self._set_details([(translate("ResultView", "Reference"), attempt.id)] if attempt is not None else [])
        self._buttons()

    def show_error(self, message: str | Callable[[], str], charge_started: bool = False) -> None:
        """``charge_started``: the failure came after the payment was handed to the payments service, so
        whether PaySimple took it is not known here (the journal knows; the lane stays blocked until checked).
        ``message``: a callable follows a language switch."""
        self._render = lambda: self.show_error(message, charge_started)
        message = message() if callable(message) else message
        self.kind = ResultKind.ERROR
        self.attempt = None
        self.set_on_file_note("")
        self._headline(translate("ResultView", "Something went wrong"), RED)
        self.amount.setText("")
        if charge_started:
            self.message.setText(message + "\n" + translate(
                "ResultView", "It is not known whether PaySimple took this payment. Do not charge again: the next "
                              "charge on this lane shows it with Check again."))
        else:
            self.message.setText(message + "\n" + translate("ResultView", "Nothing was charged. Check the connection "
                                                                           "and try again."))
        self._set_details([])
        self._buttons()

    def headline(self) -> str:
        """The outcome's heading as shown ("Approved", "Declined" …)."""
        return self.title.text()

    def show_message(self, text: str | Callable[[], str]) -> None:
        """Replace the explanation under the heading (a callable follows a language switch)."""
        self.live(self.message.setText, text if callable(text) else (lambda: text))

    def focus_default(self) -> None:
        """The keyboard to the screen's default button, else to "Check again" (never an Enter button)."""
        (self.default_button() or self.check_button).setFocus()

    def focus_back(self) -> None:
        self.back_button.setFocus()

    def has_receipt(self) -> bool:
        """A payment with a receipt is on screen (recorded, and its outcome known)."""
        return self.receipt_button.isVisible()

    def can_email(self) -> bool:
        """PaySimple can e-mail this payment's receipt (it recorded the payment)."""
        return self.email_button.isVisible()

    def default_button(self) -> QPushButton | None:
        """What Enter does on this screen: after a decline (or a payment PaySimple did not take) "Try another
        card" / "Try again", so Enter never abandons the sale; "New sale" after a payment or a saved card;
        nothing while the outcome is unknown (F5 checks it)."""
        if self.kind is ResultKind.UNKNOWN:
            return None
        if self.kind in (ResultKind.DECLINED, ResultKind.NOT_CHARGED):
            return self.try_button
        return self.new_sale_button

    def _buttons(self) -> None:
        default = self.default_button()
        self.try_button.setVisible(self.kind in (ResultKind.DECLINED, ResultKind.NOT_CHARGED, ResultKind.ERROR))
        if self.kind is ResultKind.DECLINED:
            self.live(self.try_button.setText, lambda: translate("ResultView", "Try another card  [Enter]"))
        elif default is self.try_button:
            self.live(self.try_button.setText, lambda: translate("ResultView", "Try again  [Enter]"))
        else:
            self.live(self.try_button.setText, lambda: translate("ResultView", "Try again  [F6]"))
        if default is self.new_sale_button:
            self.live(self.new_sale_button.setText, lambda: translate("ResultView", "New sale  [Enter]"))
        else:
            self.live(self.new_sale_button.setText, lambda: translate("ResultView", "New sale"))
        # Enter presses the default button wherever the keyboard is on this screen (the window sends it there).
        for button in (self.new_sale_button, self.try_button):
            button.setDefault(button is default)
            button.setAutoDefault(button is default)
            button.setObjectName("primary" if button is default else "")
            button.style().unpolish(button)
            button.style().polish(button)
        self.check_button.setVisible(self.kind is ResultKind.UNKNOWN)
        receipt = self.attempt is not None and self.kind is not ResultKind.UNKNOWN
        self.receipt_button.setVisible(receipt)
        self.receipt_label.setVisible(receipt)
        self.none_label.setVisible(receipt and default is self.new_sale_button)  # "None: Enter" = a new sale
        # PaySimple e-mails only a payment it recorded (approved / posted / declined)
        emailable = receipt and self.kind in (ResultKind.APPROVED, ResultKind.POSTED, ResultKind.DECLINED) and \
            getattr(self.attempt, "payment_id", None) is not None
        self.email_button.setVisible(emailable)
        self.both_button.setVisible(emailable)
        self.set_receipt_message("")
        self.new_sale_button.setEnabled(self.kind is not ResultKind.UNKNOWN)
        self.back_button.setEnabled(self.kind is not ResultKind.UNKNOWN)
