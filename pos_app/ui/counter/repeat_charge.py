"""The repeat-charge question (issue 13 §3): the same customer, the same amount, within 10 minutes.

Shows the earlier payment(s) and asks. "Do not charge" is the default and Escape button, so Enter (a tired
clerk's Esc → F5 → Enter) never repeats a charge; charging again takes a click on, or Alt+ the underlined
letter of, "Charge again".
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from pos_app.ui.common.i18n import Retranslating, fmt, format_amount, format_datetime
from pos_app.ui.payments.payment_texts import state_label

translate = QCoreApplication.translate


class RepeatChargeDialog(Retranslating, QMessageBox):
    """``exec()`` → ``charge_again`` is True only when the clerk chose "Charge again" explicitly."""

    def __init__(self, parent: QWidget | None, customer_name: str, amount, earlier: list, clerk_name) -> None:
        super().__init__(parent)
        self.setObjectName("repeatChargeDialog")
        self.setIcon(QMessageBox.Icon.Warning)
        self.live(self.setWindowTitle, lambda: translate("RepeatChargeDialog", "Already charged?"))
        self.live(self.setText, lambda: fmt(translate("RepeatChargeDialog", "%1 was already charged %2 a few minutes ago."),
                         customer_name, format_amount(amount)))

        def earlier_lines() -> str:
            lines = [fmt(translate("RepeatChargeDialog", "%1 · %2 · %3 · lane %4 · %5"),
                         format_datetime(attempt.created_at), attempt.account_masked,
                         state_label(attempt.state), attempt.lane, clerk_name(attempt.clerk))
                     for attempt in earlier[:3]]
            lines += ["", translate("RepeatChargeDialog", "Charge again only if the customer is buying something "
                                                          "else and agrees to a second payment.")]
            return "\n".join(lines)

        self.live(self.setInformativeText, earlier_lines)
        self.keep = self.with_live(self.addButton("", QMessageBox.ButtonRole.RejectRole),
                                   lambda: translate("RepeatChargeDialog", "Do not charge"))
        self.again = self.with_live(self.addButton("", QMessageBox.ButtonRole.AcceptRole),
                                    lambda: translate("RepeatChargeDialog", "Charge &again"))
        self.again.setAutoDefault(False)
        self.again.setDefault(False)
        self.setDefaultButton(self.keep)
        self.setEscapeButton(self.keep)
        self.charge_again = False

    def exec(self) -> int:  # noqa: D102
        result = super().exec()
        self.charge_again = self.clickedButton() is self.again
        return result
