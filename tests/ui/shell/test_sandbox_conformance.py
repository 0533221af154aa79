"""The Sandbox test payment and the go-Live gate (issue 14 §4, decision 0207), through the real shell, the
counter's Sandbox back end, the real payment view and PaySimpleJS stand-in of the training gateway (standing in
for PaySimple's Sandbox over TCP), the real clerk file and the report file.

Before this change nothing ran PaySimple's form before Live, and going Live needed only a manager's PIN.
"""

from __future__ import annotations

import json
import os
import stat
from decimal import Decimal

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt

from pos_app.clerks import Role
from pos_app.config import Environment
from pos_app.conformance import ConformanceReport, conformance_dir, latest_passed, write_report
from pos_app.counter import Setup
from pos_app.credentials import CredentialStore
from pos_app.settings import Settings
from pos_app.ui.counter.payment_panel import FormState
from pos_app.ui.shell.manager_approval import ManagerApprovalDialog
from pos_app.ui.shell.setup_wizard import PAGE_CREDENTIALS, PAGE_ENVIRONMENT, SetupWizard
from pos_app.ui.shell.shell import Shell
from tests.fixtures.web import run_js, wait_child_frame
from tests.ui.shell.conftest import API_KEY, API_USER
from tests.ui.shell.helpers import when_modal

pytestmark = pytest.mark.webview


@pytest.fixture
def sandbox_counter(qtbot, qapp, paths, gateway, memory_keyring, english):
    """A Sandbox counter started by the shell against the training gateway, a manager signed in."""
    from pos_app.ui.counter.main_window import MainWindow

    store = CredentialStore.for_data_dir(paths.data_dir)
    store.save("sandbox", API_USER, API_KEY)
    settings = Settings(environment="sandbox", api_users={"sandbox": API_USER}, setup_done=True)
    shell = Shell(qapp, paths, settings, credentials=store, base_urls={Environment.SANDBOX: gateway.api_url})
    shell.setup.clerks_for(Environment.SANDBOX).add_first_manager("Maria", "739164")
    shell.clerks.sign_in("Maria", "739164")
    window = MainWindow(Environment.SANDBOX, "LANE7")
    window.show()
    shell.attach(window)
    with qtbot.waitSignal(window.counterReady, timeout=20_000):
        window.start_counter(shell.counter_start("LANE7"))
    yield shell, window
    window.shutdown()
    window.close()
    shell.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def fill_card(qtbot, dialog, number="4111111111111111"):
    page = dialog.panel.view.page()
    frame = wait_child_frame(qtbot, page, "!!document.getElementById('cardNumber')")
    for field, value in (("cardNumber", number), ("expiration", "1230"), ("cvv", "123"), ("postalCode", "80202")):
        run_js(qtbot, frame, "(function(){var el=document.getElementById(" + json.dumps(field) + "); el.focus();"
                             " el.value=" + json.dumps(value) + "; el.dispatchEvent(new Event('input',{bubbles:true}));"
                             "el.dispatchEvent(new Event('change',{bubbles:true})); el.blur(); return 1;})()")
    qtbot.waitUntil(dialog.panel.submit_button.isEnabled, timeout=5000)


def test_sandbox_test_payment_writes_a_passed_report(qtbot, sandbox_counter, paths, gateway):
    shell, window = sandbox_counter
    assert shell.sandbox_test_action.isVisible()
    dialog = shell.sandbox_test()
    qtbot.waitUntil(lambda: dialog.panel.state is FormState.SHOWN, timeout=20_000)
    fill_card(qtbot, dialog)
    with qtbot.waitSignal(dialog.finishedReport, timeout=30_000) as blocker:
        qtbot.keyClick(dialog.panel.submit_button, Qt.Key.Key_F9)       # F9, as at the counter
    report: ConformanceReport = blocker.args[0]
    assert report.passed and report.problems == [], report
    assert report.hosts == ["app://pos", gateway.base_url] and report.blocked == []
    assert report.refused_navigations == 0 and report.policy_refusals == 0
    for name in ("ready", "formShown", "validityChanged", "getCustomerToken", "accountRetrieved"):
        assert name in report.callbacks, report.callbacks
    assert report.payment["state"] == "approved" and report.payment["amount"] == "1.00"
    assert report.void["state"] == "voided"
    # PaySimple's own record (the gateway): one $1.00 payment for the test customer, voided.
    customers = [c for c in gateway.store.list_customers(page_size=1000)[0] if c["LastName"] == "Conformance Test"]
    assert len(customers) == 1
    payments = window.counter.client.customer_payments(customers[0]["Id"])
    assert [(p.amount, p.status) for p in payments] == [(Decimal("1.00"), "Voided")]
    # The report file: private, readable, nothing secret in it.
    path = conformance_dir(paths.data_dir) / report.file
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text()
    assert API_KEY not in text and "4111111111111111" not in text and "Conformance Test" not in text
    assert latest_passed(conformance_dir(paths.data_dir)).file == report.file
    dialog.reject()

    # A second run finds the same test customer (no duplicate in the Sandbox).
    again = shell.sandbox_test()
    qtbot.waitUntil(lambda: again.panel.state is FormState.SHOWN, timeout=20_000)
    again.reject()
    customers = [c for c in gateway.store.list_customers(page_size=1000)[0] if c["LastName"] == "Conformance Test"]
    assert len(customers) == 1


def test_a_declined_test_payment_does_not_pass(qtbot, sandbox_counter, paths, gateway):
    shell, window = sandbox_counter
    gateway.faults.add("POST", "/v4/payment", "error_before")   # PaySimple's own 500: not charged
    dialog = shell.sandbox_test()
    qtbot.waitUntil(lambda: dialog.panel.state is FormState.SHOWN, timeout=20_000)
    fill_card(qtbot, dialog)
    with qtbot.waitSignal(dialog.finishedReport, timeout=60_000) as blocker:
        dialog.panel.submit_button.click()
    report = blocker.args[0]
    assert not report.passed and report.payment.get("state") != "approved"
    assert any("not approved" in p for p in report.problems)
    assert latest_passed(conformance_dir(paths.data_dir)) is None
    dialog.reject()


def _write(folder, passed: bool) -> ConformanceReport:
    report = ConformanceReport(paysimple_origin="https://sandbox-api.paysimple.com", started_at="2026-12-05T10:00:00+00:00",
                               callbacks=["accountRetrieved"] if passed else [],
                               payment={"state": "approved" if passed else "declined"},
                               void={"state": "voided"}).decide()
    write_report(report, folder)
    return report


def test_going_live_names_the_passed_report_or_needs_the_override(qtbot, paths, registries, gateway, memory_keyring,
                                                                english):
    live = registries(Environment.LIVE)
    live.add("Maria", "739164", Role.MANAGER, by=None)
    folder = conformance_dir(paths.data_dir)
    _write(folder, passed=False)                                   # a failed run does not count

    setup = Setup(paths, credentials=CredentialStore.for_data_dir(paths.data_dir),
                  base_urls={Environment.LIVE: gateway.api_url})  # its reports: conformance_dir(data)

    def wizard():
        w = SetupWizard(Settings(environment="sandbox", setup_done=True), setup)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.ready, timeout=10_000)
        return w

    first = wizard()
    first.flow.environment_page.buttons[Environment.LIVE].setChecked(True)
    assert first.flow.environment_page.live_override.isVisible()
    first.flow.next()
    assert first.flow.currentId() == PAGE_ENVIRONMENT           # refused: no passed test, no override

    passed = _write(folder, passed=True)
    second = wizard()
    second.flow.environment_page.buttons[Environment.LIVE].setChecked(True)
    assert not second.flow.environment_page.live_override.isVisible()

    def approve(dialog):
        dialog.manager.setCurrentText("Maria")
        dialog.reason.setText("Sandbox test passed")
        dialog.pin.setText("739164")
        dialog.approve_button.click()

    state = when_modal(ManagerApprovalDialog, approve)
    second.flow.next()
    assert state["error"] is None and second.flow.currentId() == PAGE_CREDENTIALS
    (approval,) = live.approvals()
    assert approval[3] == "go_live" and approval[5] == f"go live: Sandbox test payment passed ({passed.file})"
    setup.close()
