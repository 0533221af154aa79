"""A scripted session (set-up against the real gateway, sign-ins, an approval, a careless log line, a crash)
then a scan of every file the app wrote: settings, clerk files, logs, crash reports."""

from __future__ import annotations

import logging
import sys

import pytest

from pos_app import logs
from pos_app.clerks import ManagerAction
from pos_app.config import Environment
from pos_app.counter import Setup
from pos_app.credentials import CredentialStore
from pos_app.paysimple import PaySimpleClient
from pos_app.settings import Settings
from pos_app.ui.shell.crash import CrashHandler
from pos_app.ui.shell.login import LoginDialog
from pos_app.ui.shell.manager_approval import ClerkManagementDialog, ManagerApprovalDialog
from pos_app.ui.shell.setup_wizard import SetupWizard
from tests.ui.shell.conftest import API_KEY, API_USER, INSTALL
from tests.ui.shell.helpers import wait_checked

MANAGER_PIN = "739164"
CLERK_PIN = "582047"


@pytest.fixture
def file_logging(paths, monkeypatch):
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    monkeypatch.setattr(logs, "_configured", False)
    logs.setup_logging(paths.log_dir, logging.DEBUG, console=False)
    yield paths.log_dir
    for handler in root.handlers[:]:
        if handler not in before:
            handler.close()
            root.removeHandler(handler)
    root.setLevel(level)


def test_no_secret_in_any_file_after_a_session(qtbot, gateway, memory_keyring, paths, registries, file_logging,
                                               english):
    store = CredentialStore(INSTALL)
    setup = Setup(paths, credentials=store, base_urls={Environment.SANDBOX: gateway.api_url})
    wizard = SetupWizard(Settings(), setup)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.ready, timeout=10_000)
    flow = wizard.flow
    flow.environment_page.buttons[Environment.SANDBOX].setChecked(True)
    flow.next()
    flow.credentials_page.user.setText(API_USER)
    flow.credentials_page.key.setText("wrong-" + API_KEY)
    flow.credentials_page.test_button.click()
    qtbot.waitUntil(lambda: "401" in flow.credentials_page.status.text(), timeout=10_000)
    flow.credentials_page.key.setText(API_KEY)
    flow.credentials_page.test_button.click()
    qtbot.waitUntil(flow.credentials_page.isComplete, timeout=10_000)
    flow.next()
    flow.next()
    flow.manager_page.name.setText("Maria")
    flow.manager_page.pin.setText(MANAGER_PIN)
    flow.manager_page.pin2.setText(MANAGER_PIN)
    flow.next()
    flow.accept()
    qtbot.waitUntil(lambda: wizard.result() == SetupWizard.DialogCode.Accepted, timeout=10_000)
    desk = setup.clerks_for(Environment.SANDBOX)  # the wizard's first manager adds a clerk, as at the counter
    login = LoginDialog(desk, Environment.SANDBOX)
    qtbot.addWidget(login)
    qtbot.waitUntil(lambda: login.ready, timeout=10_000)
    login.name.setCurrentText("Maria")
    login.pin.setText(MANAGER_PIN)
    login.sign_in.click()
    qtbot.waitUntil(lambda: login.clerk is not None, timeout=10_000)
    add = ClerkManagementDialog(desk, Environment.SANDBOX)
    qtbot.addWidget(add)
    qtbot.waitUntil(lambda: not add.busy, timeout=10_000)
    add.new_name.setText("Ann")
    add.new_pin.setText(CLERK_PIN)
    add.new_pin2.setText(CLERK_PIN)
    with qtbot.waitSignal(add.changed, timeout=10_000):
        add.add_button.click()

    login = LoginDialog(desk, Environment.SANDBOX)
    qtbot.addWidget(login)
    qtbot.waitUntil(lambda: login.ready, timeout=10_000)
    login.name.setCurrentText("Ann")
    login.pin.setText(CLERK_PIN[::-1])
    login.sign_in.click()
    wait_checked(qtbot, login)
    login.pin.setText(CLERK_PIN)
    login.sign_in.click()
    wait_checked(qtbot, login)
    assert login.clerk is not None and login.clerk.name == "Ann"
    approval = ManagerApprovalDialog(desk, ManagerAction.REFUND, Environment.SANDBOX)
    qtbot.addWidget(approval)
    qtbot.waitUntil(lambda: approval.ready, timeout=10_000)
    approval.reason.setText("damaged goods")
    approval.pin.setText(MANAGER_PIN)
    approval.approve_button.click()
    wait_checked(qtbot, approval)
    assert approval.approved is not None
    setup.close()

    with PaySimpleClient(gateway.api_url, API_USER, store.load("sandbox", API_USER)) as client:
        jwt = client.checkout_token().jwt_token
    assert jwt.startswith("eyJ")
    logging.getLogger("careless").warning("token %s, key %s, pin %s", jwt, API_KEY, "n/a")

    handler = CrashHandler(paths.crash_dir, show_dialog=False).install()
    try:
        try:
            raise ValueError(f"boom with {jwt} and {API_KEY}")
        except ValueError:
            handler.handle(*sys.exc_info())
    finally:
        handler.uninstall()

    for handler_ in logging.getLogger().handlers:
        handler_.flush()
    files = [f for f in list(paths.data_dir.rglob("*")) + list(paths.log_dir.rglob("*")) if f.is_file()]
    names = {f.name for f in files}
    assert "settings.json" in names and "pos-app.log" in names and any(n.startswith("crash-") for n in names)
    assert "clerks.db" in names
    log_text = (paths.log_dir / "pos-app.log").read_text()
    assert "careless" in log_text and "[jwt]" in log_text and "login ok: Ann" in log_text
    for f in files:
        data = f.read_bytes()
        for secret in (API_KEY, jwt, MANAGER_PIN, CLERK_PIN, CLERK_PIN[::-1]):
            assert secret.encode() not in data, f"{secret[:6]}… found in {f.name}"
