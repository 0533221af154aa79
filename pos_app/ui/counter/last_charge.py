"""The clerk is told the outcome of the payment this counter was making when it closed (store mode, issue 20).

``LastChargeCheck`` asks ``CounterApi.last_charge`` on a worker when the counter starts (once a clerk is signed
in); the answer is shown once
in a plain message ("The last payment before the counter closed: $23.45 for Olive Quimby — approved"). While
the outcome is not known yet (the server cannot be reached, or is still working on it) the clerk is told so
once, never "not charged", and the check runs again every ``RETRY_MS`` until the server gives a final answer,
which is then shown. Nothing is ever re-sent from here.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from pos_app.counter import ChargeOutcome
from pos_app.ui.common.i18n import fmt, format_amount, tr
from pos_app.ui.common.ops import BackgroundOp

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
RETRY_MS = 15_000


def outcome_text(last) -> str:
    """The sentence for a ``LastCharge``."""
    words = {
        ChargeOutcome.APPROVED: lambda: translate("LastChargeCheck", "approved"),
        ChargeOutcome.DECLINED: lambda: translate("LastChargeCheck", "declined (not charged)"),
        ChargeOutcome.NOT_CHARGED: lambda: translate("LastChargeCheck", "not charged (the store server said so)"),
        ChargeOutcome.UNKNOWN: lambda: translate("LastChargeCheck", "still unknown: look again later (History). "
                                                                  "Do not charge again until it is known."),
    }
    text = fmt(translate("LastChargeCheck", "The last payment before the counter closed: %1 for %2 — %3"),
               format_amount(last.amount), last.customer_name,
               words.get(last.outcome, words[ChargeOutcome.UNKNOWN])())
    return text


class LastChargeCheck(QObject):
    """Asks once at start, and again every ``RETRY_MS`` while the outcome is unknown (module docstring)."""

    def __init__(self, parent: QWidget, counter) -> None:
        super().__init__(parent)
        self.window, self.counter = parent, counter
        self.told_unknown = False
        self.shown: list[str] = []  # the sentences shown (the clerk's view, kept for tests)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(RETRY_MS)
        self.timer.timeout.connect(self.start)
        self._op: BackgroundOp | None = None

    def start(self) -> None:
        if self._op is not None or getattr(self.window, "counter", None) is not self.counter:
            return
        if self.counter.signed_in is None:  # the server answers a signed-in clerk only: ask once one is
            QTimer.singleShot(1000, self, self.start)
            return
        self._op = BackgroundOp(lambda ctx: self.counter.last_charge(), on_done=self._answered,
                                on_error=self._failed, label="last charge")
        self._op.start()

    def stop(self) -> None:
        self.timer.stop()

    def _answered(self, last) -> None:
        self._op = None
        if last is None or getattr(self.window, "counter", None) is not self.counter:
            return
        if last.final or not self.told_unknown:
            self._tell(last)
            self.told_unknown = self.told_unknown or not last.final
        if not last.final:
            self.timer.start()

    def _failed(self, exc: BaseException) -> None:
        self._op = None
        log.warning("the last payment could not be asked about: %s", type(exc).__name__)
        if not self.told_unknown:
            self.told_unknown = True
            QMessageBox.warning(self.window, translate("LastChargeCheck", "Last payment"),
                                fmt(translate("LastChargeCheck", "The outcome of the last payment before the "
                                                                 "counter closed is not known yet (%1). Do not "
                                                                 "charge again until it is known; the counter "
                                                                 "keeps asking."), tr(exc)))
        self.timer.start()

    def _tell(self, last) -> None:
        text = outcome_text(last)
        self.shown.append(text)
        box = QMessageBox(QMessageBox.Icon.Information if last.final else QMessageBox.Icon.Warning,
                          translate("LastChargeCheck", "Last payment"), text, QMessageBox.StandardButton.Ok,
                          self.window)
        box.setObjectName("lastChargeBox")
        box.exec()
