"""The set-up wizard's "Store server" choice and the sign-in of a store-mode counter, through real parts: a real
``pos-app-server`` process (TLS, SQLite, its own ``init`` and ``enroll-code``), the training gateway as its
PaySimple, the wizard's real ``Setup`` on a real data folder, an in-memory keyring. Enrollment runs on a worker:
the tests wait for it."""

from __future__ import annotations

import pytest

from pos_app.config import Environment
from pos_app.counter import Setup
from pos_app.credentials import CredentialStore
from pos_app.serverlink.pinning import pretty
from pos_app.settings import Settings, load_settings
from pos_app.ui.shell.login import LoginDialog
from pos_app.ui.shell.setup_wizard import PAGE_MERCHANT, PAGE_SUMMARY, SetupWizard
from pos_app.ui.shell.store_setup import StoreServerPage
from tests.fixtures.server import API_KEY, CLERK, free_port, new_code, run_cli
from tests.ui.shell.conftest import INSTALL

pytestmark = pytest.mark.slow


@pytest.fixture
def wizard(qtbot, paths, english, memory_keyring):
    setup = Setup(paths, credentials=CredentialStore(INSTALL))
    made = SetupWizard(Settings(), setup)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitUntil(lambda: made.ready, timeout=10_000)
    yield made
    setup.close()


def to_store_page(wizard) -> StoreServerPage:
    flow = wizard.flow
    flow.environment_page.store_button.setChecked(True)
    flow.next()
    assert flow.currentPage() is flow.store_page
    return flow.store_page


def enroll(qtbot, page: StoreServerPage, url: str, code: str, lane: str) -> str:
    page.url.setText(url)
    page.code.setText(code)
    page.lane.setText(lane)
    op = page.start_enroll()
    if op is not None:
        qtbot.waitUntil(lambda: op.finished, timeout=30_000)
    return page.status.text()


def test_store_server_enrolls_on_a_worker_pins_and_saves_no_key(wizard, qtbot, server, paths, memory_keyring):
    page = to_store_page(wizard)
    assert not page.isComplete()
    said = enroll(qtbot, page, "http://192.0.2.7:8443", new_code(server.data, "LANE2"), "LANE2")
    assert "plain http only to this PC" in said and not page.isComplete()  # refused before any request
    said = enroll(qtbot, page, "server:8443", new_code(server.data, "LANE2"), "LANE2")
    assert "Type the store server's address" in said and "plain http" not in said and not page.isComplete()
    said = enroll(qtbot, page, f"https://127.0.0.1:{free_port()}", new_code(server.data, "LANE2"), "LANE2")
    assert "cannot be reached" in said and not page.isComplete()
    said = enroll(qtbot, page, server.url, "ABCD-EFGH-JKMN-PQRS", "LANE2")
    assert "could not prove" in said and not page.isComplete()
    code = new_code(server.data, "LANE2")
    said = enroll(qtbot, page, server.url, code, "LANE2")
    assert "Enrolled as LANE2" in said and page.isComplete() and page.code.text() == ""
    from pos_app.server.tls import certificate_fingerprint

    printed = pretty(certificate_fingerprint(server.data / "tls" / "cert.pem"))
    assert printed in page.fingerprint.text()  # the fingerprint pos-app-server printed, for a manager to compare
    page.lane.setText("LANE3")  # another lane than the one enrolled: enroll again first
    assert not page.isComplete()
    page.lane.setText("LANE2")
    said = enroll(qtbot, page, server.url, code, "LANE2")  # the same code a second time
    assert "refused the enrollment code" in said or "enrolled already" in said
    code = new_code(server.data, "LANE4")
    assert "Enrolled as LANE4" in enroll(qtbot, page, server.url, code, "LANE4")
    flow = wizard.flow
    flow.next()
    assert flow.currentId() == PAGE_MERCHANT
    assert flow.merchant_page.lane.text() == "LANE4" and flow.merchant_page.lane.isReadOnly()
    flow.merchant_page.name.setText("Corner Shop")
    flow.next()
    assert flow.currentId() == PAGE_SUMMARY  # no first manager: the clerks are the server's
    summary = flow.summary_page.text.text()
    assert server.url in summary and printed in summary
    flow.accept()
    assert wizard.result() == SetupWizard.DialogCode.Accepted, flow.summary_page.message.text()
    saved = load_settings(paths.settings_file)
    assert saved.store_server["url"] == server.url and saved.lane == "LANE4" and saved.env is Environment.SANDBOX
    assert saved.api_users == {} and saved.merchant.name == "Corner Shop"
    for path in paths.data_dir.rglob("*"):
        assert not path.is_file() or API_KEY.encode() not in path.read_bytes(), path
    credential = CredentialStore(INSTALL).load("store", "LANE4")
    assert credential and credential not in paths.settings_file.read_text()
    assert not any(API_KEY in v for v in memory_keyring._data.values())


def test_after_enrolling_enter_goes_on_to_the_end(wizard, qtbot, server, paths, memory_keyring):
    """The keyboard path a clerk takes: Enroll pressed (the button had the focus), then Enter on each page's
    fields is Next, and on the summary Finish; the Enroll button never stays the default button of the wizard
    (Enter on the next page did nothing)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWizard

    flow = wizard.flow
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=5_000)
    page = to_store_page(wizard)
    page.url.setText(server.url)
    page.code.setText(new_code(server.data, "LANE6"))
    page.lane.setText("LANE6")
    page.enroll_button.setFocus()
    qtbot.waitUntil(page.enroll_button.hasFocus, timeout=5_000)
    QTest.keyClick(page.enroll_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.enrolled is not None and not page.enrolling, timeout=30_000)
    from PySide6.QtWidgets import QApplication

    assert flow.button(QWizard.WizardButton.NextButton).hasFocus(), QApplication.focusWidget()  # not Back
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert flow.currentId() == PAGE_MERCHANT, page.status.text()
    flow.back()
    page.code.setFocus()
    QTest.keyClick(page.code, Qt.Key.Key_Return)  # the used code's field: Enter goes on, no new enrollment
    assert flow.currentId() == PAGE_MERCHANT, page.status.text()
    flow.merchant_page.name.setFocus()
    QTest.keyClick(flow.merchant_page.name, Qt.Key.Key_Return)
    assert flow.currentId() == PAGE_SUMMARY, flow.merchant_page.message.text()
    assert flow.button(QWizard.WizardButton.FinishButton).isVisible()
    assert not flow.button(QWizard.WizardButton.NextButton).isVisible()
    QTest.keyClick(flow.summary_page.text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10_000)
    assert wizard.result() == SetupWizard.DialogCode.Accepted, flow.summary_page.message.text()
    assert load_settings(paths.settings_file).lane == "LANE6"


def test_a_revoked_lane_cannot_sign_in_and_is_told_the_way_back(qtbot, server, paths, english, memory_keyring):
    setup = Setup(paths, credentials=CredentialStore(INSTALL))
    try:
        enrolled = setup.enroll_store(server.url, new_code(server.data, "LANE5"), "LANE5")
        settings = Settings()
        setup.apply_store(settings, enrolled)
        desk = setup.store_desk(setup.load_settings())
        dialog = LoginDialog(desk, Environment.SANDBOX)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.ready, timeout=15_000)
        assert dialog.name.findText(CLERK[0]) >= 0  # the server's clerks
        assert run_cli("revoke-lane", "--data", str(server.data), "LANE5").returncode == 0
        dialog.name.setCurrentIndex(dialog.name.findText(CLERK[0]))
        dialog.pin.setText(CLERK[1])
        dialog.try_sign_in()
        qtbot.waitUntil(lambda: not dialog.checking, timeout=15_000)
        assert "revoked" in dialog.message.text() and "Set up again" in dialog.message.text()
        assert desk.signed_in is None
    finally:
        setup.close()


def test_a_changed_certificate_is_told_by_the_error_type_not_by_its_words(english):
    """The message and the "Set up again…" way back follow ``certificate_changed``; an unreachable server whose
    detail happens to say "certificate" (a TLS library's words) is only unreachable."""
    from pos_app.counter import CertificateChanged, StoreServerUnreachable
    from pos_app.ui.shell.store_setup import certificate_changed, store_message

    changed = StoreServerUnreachable(False, detail="pinned fingerprint mismatch", certificate_changed=True)
    worded = StoreServerUnreachable(False, detail="[SSL] certificate verify failed")
    assert certificate_changed(changed) and certificate_changed(CertificateChanged())
    assert not certificate_changed(worded)
    assert "is not the one this counter enrolled with" in store_message(changed)
    assert store_message(CertificateChanged()) == store_message(changed)
    assert "cannot be reached" in store_message(worded) and "enrolled with" not in store_message(worded)
