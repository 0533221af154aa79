"""Manager → "Sandbox test payment…": one $1.00 payment in the Sandbox through PaySimple's real payment form,
voided at once, and a conformance report (``pos_app.conformance``; issue 14 §4, decision 0207).

It uses exactly the counter's parts: the Sandbox back end of the counter window (client, journal, payments
service), the same :class:`PaymentPanel` (web view, guarded page, request filter, bridge, account check,
charge) and the manager's approval for the void. The test customer "POS Conformance Test" is found in the
counter's customer list or created once in the Sandbox. While the form runs, the dialog records origins (the
request filter's ``seen_origins``/``blocked_origins``), the page's messages by name (the bridge's
recorder) and refusals; nothing else. The report file is written whatever the outcome (``finishedReport``).
Everything blocking runs on ``BackgroundOp`` workers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.config import Environment
from pos_app.counter import Approval, Clerk, ConformanceReport, CounterApi, ManagerAction
from pos_app.ui.common.banner import EnvironmentBanner
from pos_app.ui.common.i18n import Retranslating, fmt, format_money, tr
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.theme import AMBER, GREEN, RED
from pos_app.ui.counter.payment_panel import (
    Cancelled,
    Charged,
    FormOutcome,
    FormRequest,
    FormState,
    FormUse,
    PaymentPanel,
    PayMode,
)
from pos_app.ui.web.view import web_surface_from_the_start

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

TEST_AMOUNT = Decimal("1.00")
TEST_FIRST, TEST_LAST = "POS", "Conformance Test"


class SandboxTestDialog(Retranslating, QDialog):
    """``finishedReport(ConformanceReport)`` once the report file is written."""

    finishedReport = Signal(object)  # noqa: N815

    def __init__(self, backend: CounterApi, manager: Clerk, save_report: Callable[[ConformanceReport], Path],
                 parent: QWidget | None = None) -> None:
        """``manager``: who approves the test payment's void; ``save_report``: writes the report file
        (``Setup.write_conformance_report``, on a worker) and returns its path."""
        super().__init__(parent)
        web_surface_from_the_start(self)  # its payment view joins after it shows (see the function)
        self.backend, self.manager, self.save_report = backend, manager, save_report
        self.report = ConformanceReport(paysimple_origin=backend.paysimple_origin,
                                        started_at=datetime.now(UTC).isoformat())
        self.report_path: Path | None = None
        self.setObjectName("sandboxTestDialog")
        self.live(self.setWindowTitle, lambda: translate("SandboxTestDialog", "Sandbox test payment"))
        self.setMinimumSize(720, 640)
        self.banner = EnvironmentBanner(Environment.SANDBOX, self)
        self.intro = self.with_live(QLabel(self), lambda: fmt(translate(
            "SandboxTestDialog",
            "One test payment of %1 in your PaySimple Sandbox through PaySimple's real payment form; it is "
            "voided at once. Type a Sandbox test card (for example 4111 1111 1111 1111, any future expiry), "
            "then press F9. A report of what the form loaded and did is saved for going Live."),
            format_money(TEST_AMOUNT)))
        self.intro.setWordWrap(True)
        self.panel = PaymentPanel(lambda: self.backend, self)
        self.panel.finished.connect(self._form_finished)
        self.result = QLabel(self)
        self.result.setObjectName("conformanceResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = self.with_live(QPushButton(self), lambda: translate("SandboxTestDialog", "Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        body = QVBoxLayout()
        body.setContentsMargins(18, 12, 18, 12)
        body.addWidget(self.intro)
        body.addWidget(self.panel, 1)
        body.addWidget(self.result)
        body.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.banner)
        outer.addLayout(body)
        self._done = False
        # F9 submits here too, as at the counter (also while the cursor is in PaySimple's iframe).
        submit = QShortcut(QKeySequence("F9"), self)
        submit.setContext(Qt.ShortcutContext.WindowShortcut)
        submit.activated.connect(self.panel.submit)

    # --- start ----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Find or create the test customer (worker), then open the card form."""
        self._say(lambda: translate("SandboxTestDialog", "Preparing the Sandbox test customer…"), AMBER)
        BackgroundOp(lambda ctx: self._test_customer(), on_done=self._open_form,
                     on_error=lambda exc: self._finish("error", type(exc).__name__), label="conformance customer").start()

    def _test_customer(self):
        from pos_app.counter import CustomerRecord, CustomerRef

        for hit in self.backend.search(f"{TEST_FIRST} {TEST_LAST}"):
            if hit.paysimple_id and hit.display_name == f"{TEST_FIRST} {TEST_LAST}":
                return CustomerRef(hit.paysimple_id, hit.display_name)
        stored = self.backend.create_customer(CustomerRecord(first_name=TEST_FIRST, last_name=TEST_LAST))
        return CustomerRef(stored.paysimple_id, stored.display_name)

    def _open_form(self, customer) -> None:
        self.panel.prewarm()
        view = self.panel.view
        view.bridge.recorder = self._record
        self.panel.open(FormRequest(customer, PayMode.CARD, FormUse.CHARGE, TEST_AMOUNT))
        self._say("", None)

    def _record(self, direction: str, name: str, args: tuple) -> None:
        if direction == "in":
            self.report.callbacks.append(name)
            if name == "sdkError" and args:
                from pos_app.ui.web.messages import BadMessage, parse_sdk_error
                try:
                    err = parse_sdk_error(args[0])
                    self.report.sdk_errors.append({"errorKey": err.error_key, "status": err.status,
                                                   "fields": list(err.fields)})
                except BadMessage:
                    self.report.sdk_errors.append({"errorKey": "malformed"})

    # --- outcome --------------------------------------------------------------------------------------

    def _form_finished(self, outcome: FormOutcome) -> None:
        if not isinstance(outcome, Charged):
            self._finish("cancelled" if isinstance(outcome, Cancelled) else "error", None)
            return
        attempt = outcome.attempt
        self.report.payment = {"order_id": attempt.id, "state": attempt.state.value,
                               "status": attempt.ps_status or "", "amount": str(attempt.amount)}
        if attempt.state.value != "approved":
            self._finish("charged", None)
            return
        self._say(lambda: translate("SandboxTestDialog", "Approved. Voiding the test payment…"), AMBER)
        approval = Approval.from_clerk(self.manager, "Sandbox conformance test payment", ManagerAction.VOID)

        def voided(result) -> None:
            self.report.void = {"state": result.state.value, "status": result.ps_status or ""}
            self._finish("charged", None)

        def void_failed(exc: BaseException) -> None:
            self.report.void = {"error": type(exc).__name__}
            self._finish("charged", None)

        BackgroundOp(lambda ctx: self.backend.void(attempt, approval), on_done=voided,
                     on_error=void_failed, label="conformance void").start()

    def _finish(self, outcome: str, _detail) -> None:
        if self._done:
            return
        self._done = True
        view = self.panel.view
        if view is not None:
            self.report.hosts = list(view.interceptor.seen_origins)
            self.report.blocked = list(view.interceptor.blocked_origins)
            self.report.refused_navigations = view.guarded_page.refused_navigations
            self.report.policy_refusals = view.guarded_page.policy_refusals
        self.report.outcome = outcome
        self.report.finished_at = datetime.now(UTC).isoformat()
        self.report.decide()
        report, save = self.report, self.save_report

        def saved(path: Path) -> None:
            self.report_path = path
            self._show_report()

        def not_saved(exc: BaseException) -> None:
            log.error("could not write the conformance report: %s", type(exc).__name__)
            self._show_report()

        BackgroundOp(lambda ctx: save(report), on_done=saved, on_error=not_saved, label="conformance report").start()

    def _show_report(self) -> None:
        report = self.report

        def text() -> str:
            if report.passed:
                words = fmt(translate("SandboxTestDialog", "Passed: the test payment went through PaySimple's form "
                                                           "and was approved. Report: %1"), report.file)
            else:
                words = fmt(translate("SandboxTestDialog", "Not passed. Report: %1"), report.file or "-")
            if report.problems:
                words += "\n" + "\n".join("• " + tr(p) for p in report.problems)
            return words

        self._say(text, GREEN if report.passed else RED)
        self.finishedReport.emit(self.report)

    def _say(self, text: str | Callable[[], str], colour: str | None) -> None:
        self.result.setStyleSheet(f"color: {colour};" if colour else "")
        self.live(self.result.setText, text if callable(text) else (lambda: text))

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        if not self._done and self.panel.state is not FormState.IDLE:
            self.panel.cancel()
        self.panel.shutdown()
        super().done(result)
