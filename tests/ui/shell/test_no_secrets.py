"""A scripted session (set-up against the real gateway, sign-ins, an approval, a careless log line, a crash)
then a scan of every file the app wrote: settings, clerk files, logs, crash reports."""

from __future__ import annotations

import logging
import sys

import pytest

from pos_app import logs
from pos_app.clerks import ManagerAction, Role
from pos_app.config import Environment
from pos_app.credentials import CredentialStore
from pos_app.paysimple import PaySimpleClient
from pos_app.settings import Settings, save_settings
from pos_app.ui.shell.crash import CrashHandler
from pos_app.ui.shell.login import LoginDialog
from pos_app.ui.shell.manager_approval import ManagerApprovalDialog
from pos_app.ui.shell.setup_wizard import SetupWizard
from tests.ui.shell.conftest import API_KEY, API_USER, INSTALL

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
    wizard = SetupWizard(Settings(), registries, store, lambda s: save_settings(s, paths.settings_file),
                         {Environment.SANDBOX: gateway.api_url})
    qtbot.addWidget(wizard)
    wizard.show()
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
    reg = registries(Environment.SANDBOX)
    boss = reg.login("Maria", MANAGER_PIN)
    reg.add("Ann", CLERK_PIN, Role.CLERK, by=boss)

    login = LoginDialog(reg, Environment.SANDBOX)
    qtbot.addWidget(login)
    login.name.setCurrentText("Ann")
    login.pin.setText(CLERK_PIN[::-1])
    login.sign_in.click()
    login.pin.setText(CLERK_PIN)
    login.sign_in.click()
    ann = login.clerk
    approval = ManagerApprovalDialog(reg, ManagerAction.REFUND, Environment.SANDBOX, clerk=ann)
    qtbot.addWidget(approval)
    approval.reason.setText("damaged goods")
    approval.pin.setText(MANAGER_PIN)
    approval.approve_button.click()
    assert approval.approved is not None

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
