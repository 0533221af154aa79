"""E-mail a payment's receipt through PaySimple, from the result screen or the payment history.

``EmailReceipt(parent, mail, attempt, on_message)``: ``mail`` is the application layer (``ReceiptMail``: the
counter, or the history's ``PaymentsApi``; screens never see the gateway). On a worker, read the address
PaySimple has on file for the customer (``mail.receipt_address``); show it and ask "E-mail the receipt to
<address>?" (Send is the default button, Esc cancels); then, on a worker, ``mail.email_receipt(attempt,
address)``, which sends only if that is still the address on file. The outcome is reported once through
``on_message(text, colour, outcome)`` with outcome ``emailed`` | ``cancelled`` | ``no_email`` |
``not_recorded`` | ``address_changed`` | ``unreachable`` | ``not_offered`` | ``refused`` | ``lost``.

Never e-mails without an address on file, and always names the address (docs/decisions/0351). The GUI thread
only shows; both PaySimple calls run on ``BackgroundOp``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from pos_app.counter import Attempt, ReceiptEmailError, ReceiptMail
from pos_app.ui.common.i18n import fmt, tr
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.theme import AMBER, GREEN, RED

translate = QCoreApplication.translate


def error_text(exc: ReceiptEmailError, name: str) -> str:
    """The clerk's sentence for a receipt that was not e-mailed (translated)."""
    texts = {
        "no_email": fmt(translate("EmailReceipt", "%1 has no e-mail address on file. Add one (Edit customer) "
                                                  "or print the receipt."), name),
        "not_recorded": translate("EmailReceipt", "PaySimple has no payment for this attempt, so there is no "
                                                  "receipt to e-mail. Print it or save it as PDF."),
        "address_changed": fmt(translate("EmailReceipt", "The e-mail address on file for %1 has changed: "
                                                         "nothing was sent. E-mail the receipt again to see the "
                                                         "new address."), name),
        "unreachable": translate("EmailReceipt", "PaySimple could not be reached; nothing was sent. Try again."),
        "not_offered": translate("EmailReceipt", "PaySimple does not offer e-mailing this receipt again. Print it "
                                                 "or save it as PDF."),
    }
    if exc.code == "lost":
        return translate("EmailReceipt", "The answer from PaySimple was lost: the receipt may have been sent. Ask "
                                         "the customer before sending it again.")
    return texts.get(exc.code) or fmt(translate("EmailReceipt", "PaySimple did not send the receipt: %1"), tr(exc))


class EmailReceipt(QObject):
    """One e-mail of one receipt: address look-up, confirmation, send (see the module docstring)."""

    def __init__(self, parent: QWidget, mail: ReceiptMail, attempt: Attempt,
                 on_message: Callable[[Callable[[], str], str, str], None]) -> None:
        """``on_message(text, colour, outcome)``: ``text()`` is the message in the UI language (asked again after
        a language switch)."""
        super().__init__(parent)
        self.parent_widget, self.mail, self.attempt, self.on_message = parent, mail, attempt, on_message
        self.question: QMessageBox | None = None
        self.address: str | None = None
        self.finished = False

    def start(self) -> None:
        self.on_message(lambda: translate("EmailReceipt", "Asking PaySimple for the customer's e-mail address…"),
                        AMBER, "asking")
        mail, attempt = self.mail, self.attempt
        BackgroundOp(lambda ctx: mail.receipt_address(attempt), on_done=self._ask, on_error=self._failed,
                     label="receipt address").start()

    def _ask(self, address: str) -> None:
        self.address = address
        box = QMessageBox(QMessageBox.Icon.Question, translate("EmailReceipt", "E-mail receipt"),
                          fmt(translate("EmailReceipt", "E-mail the receipt to %1?"), address),
                          QMessageBox.StandardButton.NoButton, self.parent_widget)
        box.setObjectName("emailReceiptQuestion")
        send = box.addButton(translate("EmailReceipt", "Send"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(translate("EmailReceipt", "Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(send)
        box.setInformativeText(translate("EmailReceipt", "PaySimple sends it to the address it has on file for "
                                                         "this customer."))
        self.question = box
        box.finished.connect(lambda _r: self._answered(box.clickedButton() is send))
        box.open()

    def _answered(self, yes: bool) -> None:
        self.question = None
        if not yes:
            self._finish(lambda: translate("EmailReceipt", "Not e-mailed."), "#3e4c59", "cancelled")
            return
        mail, attempt, address = self.mail, self.attempt, self.address
        self.on_message(lambda: fmt(translate("EmailReceipt", "Sending the receipt to %1…"), address), AMBER,
                        "sending")
        BackgroundOp(lambda ctx: mail.email_receipt(attempt, address), on_done=self._sent, on_error=self._failed,
                     label="e-mail receipt").start()

    def _sent(self, address: str) -> None:
        self._finish(lambda: fmt(translate("EmailReceipt", "Receipt e-mailed to %1."), address), GREEN, "emailed")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ReceiptEmailError):
            name = self.attempt.customer_name
            self._finish(lambda: error_text(exc, name), AMBER if exc.may_have_sent else RED, exc.code)
        else:
            self._finish(lambda: fmt(translate("EmailReceipt", "The receipt was not e-mailed: %1"),
                                     type(exc).__name__), RED, "refused")

    def _finish(self, text: Callable[[], str], colour: str, outcome: str) -> None:
        self.finished = True
        self.on_message(text, colour, outcome)
