"""The first-run wizard through real parts: the application layer's ``Setup`` on a real data folder (settings
files, clerk files), the training gateway over TCP, keyring backends installed with keyring.set_keyring.
Which clerk files have a manager is read and Finish is saved on workers: the tests wait for both."""

from __future__ import annotations

import json

import pytest

from pos_app.clerks import TRAINING_MANAGER, ManagerAction, Role
from pos_app.config import Environment
from pos_app.counter import Setup
from pos_app.credentials import CredentialStore, keyring_available
from pos_app.settings import Settings, load_settings
from pos_app.ui.shell.manager_approval import ManagerApprovalDialog
from pos_app.ui.shell.setup_wizard import (
    PAGE_CREDENTIALS,
    PAGE_ENVIRONMENT,
    PAGE_MANAGER,
    PAGE_MERCHANT,
    PAGE_SUMMARY,
    SetupWizard,
)
from tests.ui.shell.conftest import API_KEY, API_USER, INSTALL
from tests.ui.shell.helpers import wait_checked, when_modal


@pytest.fixture
def make_wizard(qtbot, paths, registries, english):
    made = []

    def make(settings: Settings | None = None, sandbox_url: str | None = None, live_url: str | None = None,
             credentials: CredentialStore | None = None):
        urls = {}
        if sandbox_url:
            urls[Environment.SANDBOX] = sandbox_url
        if live_url:
            urls[Environment.LIVE] = live_url
        setup = Setup(paths, credentials=credentials or CredentialStore(INSTALL), base_urls=urls)
        wizard = SetupWizard(settings or Settings(), setup)
        qtbot.addWidget(wizard)
        wizard.show()
        qtbot.waitUntil(lambda: wizard.ready, timeout=10_000)  # which clerk files have a manager
        made.append((wizard, setup))
        return wizard

    yield make
    for _wizard, setup in made:
        setup.close()


def finish(qtbot, wizard) -> None:
    """Finish, and wait for the save on its worker (the wizard closes once it is written)."""
    wizard.flow.accept()
    qtbot.waitUntil(lambda: not wizard.flow.saving, timeout=10_000)
    assert wizard.result() == SetupWizard.DialogCode.Accepted, wizard.flow.summary_page.message.text()


def choose(wizard, env: Environment) -> None:
    wizard.flow.environment_page.buttons[env].setChecked(True)
    wizard.flow.next()


def test_the_summary_is_the_last_page_and_enter_there_finishes(make_wizard, qtbot, paths):
    """A clerk going through with the keyboard: Enter = Next on each page; the summary offers Finish (not a Next
    to a page off this path) and Enter there saves."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWizard

    wizard = make_wizard()
    flow = wizard.flow
    QTest.keyClick(flow.environment_page, Qt.Key.Key_Return)
    assert flow.currentId() == PAGE_MERCHANT
    QTest.keyClick(flow.merchant_page.name, Qt.Key.Key_Return)
    assert flow.currentId() == PAGE_SUMMARY
    assert flow.summary_page.isFinalPage() and flow.nextId() == -1
    assert flow.button(QWizard.WizardButton.FinishButton).isVisible()
    assert not flow.button(QWizard.WizardButton.NextButton).isVisible()
    QTest.keyClick(flow.summary_page.text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10_000)
    assert wizard.result() == SetupWizard.DialogCode.Accepted, flow.summary_page.message.text()
    assert load_settings(paths.settings_file).setup_done


def test_training_is_the_default_and_asks_for_no_credentials(make_wizard, qtbot, paths, registries):
    wizard = make_wizard()
    flow = wizard.flow
    assert flow.currentId() == PAGE_ENVIRONMENT
    assert flow.environment() is Environment.TRAINING
    assert wizard.banner.title.text() == "TRAINING"
    flow.next()
    assert flow.currentId() == PAGE_MERCHANT  # no credentials page
    flow.merchant_page.name.setText("Corner Shop")
    flow.next()
    assert flow.currentId() == PAGE_SUMMARY
    assert f"Sign in as {TRAINING_MANAGER[0]} with PIN {TRAINING_MANAGER[1]}" in flow.summary_page.text.text()
    finish(qtbot, wizard)
    saved = load_settings(paths.settings_file)  # the counter starts in Training from now on ...
    assert saved.setup_done and saved.environment == "training"
    assert load_settings(paths.training_settings_file).merchant.name == "Corner Shop"  # ... with training's file
    assert [c.name for c in registries(Environment.TRAINING).list()] == ["Trainee", "Trainer"]
    assert not flow.hasVisitedPage(PAGE_CREDENTIALS)


def test_sandbox_happy_path_key_only_in_keyring(make_wizard, qtbot, gateway, memory_keyring, paths, registries):
    wizard = make_wizard(sandbox_url=gateway.api_url)
    flow = wizard.flow
    choose(wizard, Environment.SANDBOX)
    assert wizard.banner.title.text() == "SANDBOX"
    page = flow.credentials_page
    assert flow.currentId() == PAGE_CREDENTIALS and not page.isComplete()
    page.user.setText(API_USER)
    page.key.setText(API_KEY)
    assert not page.isComplete()  # not tested yet
    page.test_button.click()
    qtbot.waitUntil(lambda: "Connected" in page.status.text(), timeout=10_000)
    assert "Customers in this account: 3." in page.status.text()
    assert page.isComplete() and not page.keyring_note.isVisible()
    page.key.setText(API_KEY + "x")  # edited after the test: must test again
    assert not page.isComplete() and page.status.text() == ""
    page.key.setText(API_KEY)
    page.test_button.click()
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    flow.next()
    assert flow.currentId() == PAGE_MERCHANT
    assert list(memory_keyring._data.values()) == [API_KEY]
    flow.merchant_page.name.setText("Corner Shop")
    flow.merchant_page.lane.setText("FRONT_2")
    flow.next()
    assert flow.currentId() == PAGE_MANAGER
    flow.manager_page.name.setText("Maria")
    flow.manager_page.pin.setText("739164")
    flow.manager_page.pin2.setText("739164")
    flow.next()
    assert flow.currentId() == PAGE_SUMMARY
    summary = flow.summary_page.text.text()
    assert "APIUser77" in summary and "MemoryKeyring" in summary and "Maria" in summary
    assert API_KEY not in summary
    finish(qtbot, wizard)
    saved = load_settings(paths.settings_file)
    assert saved.environment == "sandbox" and saved.api_users == {"sandbox": API_USER} and saved.lane == "FRONT_2"
    assert API_KEY not in paths.settings_file.read_text()
    assert CredentialStore(INSTALL).load("sandbox", API_USER) == API_KEY  # a new store (next start) finds it
    reg = registries(Environment.SANDBOX)
    assert [(c.name, c.role) for c in reg.list()] == [("Maria", Role.MANAGER)]
    assert reg.login("Maria", "739164").is_manager


def test_after_a_passed_test_enter_goes_on_not_back(make_wizard, qtbot, gateway, memory_keyring):
    """Test connection pressed from the keyboard: the focus ends on Next (not Back), and Enter in a field is Next
    (the Test button never stays the wizard's default button)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWizard

    wizard = make_wizard(sandbox_url=gateway.api_url)
    flow = wizard.flow
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=5_000)
    choose(wizard, Environment.SANDBOX)
    page = flow.credentials_page
    page.user.setText(API_USER)
    page.key.setText(API_KEY)
    page.test_button.setFocus()
    qtbot.waitUntil(page.test_button.hasFocus, timeout=5_000)
    QTest.keyClick(page.test_button, Qt.Key.Key_Space)
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    assert flow.button(QWizard.WizardButton.NextButton).hasFocus(), QApplication.focusWidget()
    flow.button(QWizard.WizardButton.BackButton).setFocus()
    page.user.setFocus()  # the focus passed through Back: Enter in a field is still Next
    QTest.keyClick(page.user, Qt.Key.Key_Return)
    assert flow.currentId() == PAGE_MERCHANT


def test_wrong_key_gives_a_clear_401_message(make_wizard, qtbot, gateway, memory_keyring):
    wizard = make_wizard(sandbox_url=gateway.api_url)
    choose(wizard, Environment.SANDBOX)
    page = wizard.flow.credentials_page
    page.user.setText(API_USER)
    page.key.setText("not-the-right-key")
    page.test_button.click()
    qtbot.waitUntil(lambda: "401" in page.status.text(), timeout=10_000)
    text = page.status.text()
    assert "refused this API user or API key" in text and "Sandbox and Live have different keys" in text
    assert "not-the-right-key" not in text
    assert not page.isComplete() and page.test_button.isEnabled()
    assert memory_keyring._data == {}  # nothing stored for a key that does not work


def test_network_down_gives_a_clear_message(make_wizard, qtbot, closed_port_url, memory_keyring):
    wizard = make_wizard(sandbox_url=closed_port_url)
    choose(wizard, Environment.SANDBOX)
    page = wizard.flow.credentials_page
    page.user.setText(API_USER)
    page.key.setText(API_KEY)
    page.test_button.click()
    qtbot.waitUntil(lambda: "Could not connect" in page.status.text(), timeout=15_000)
    port = closed_port_url.split(":")[2].split("/")[0]
    assert f"127.0.0.1:{port}" in page.status.text() and "firewall" in page.status.text()
    assert not page.isComplete()


def test_no_keyring_explains_and_offers_session_only(make_wizard, qtbot, gateway, no_keyring, paths, registries):
    store = CredentialStore(INSTALL)
    assert not keyring_available()
    wizard = make_wizard(sandbox_url=gateway.api_url, credentials=store)
    choose(wizard, Environment.SANDBOX)
    page = wizard.flow.credentials_page
    assert page.keyring_note.isVisible() and page.session_only.isVisible()
    assert "gnome-keyring" in page.keyring_note.text() and "never written to a file" in page.keyring_note.text()
    page.user.setText(API_USER)
    page.key.setText(API_KEY)
    page.test_button.click()
    qtbot.waitUntil(lambda: "Connected" in page.status.text(), timeout=10_000)
    assert not page.isComplete()  # the clerk must choose session-only (or fix the keyring)
    page.session_only.setChecked(True)
    assert page.isComplete()
    wizard.flow.next()
    assert wizard.flow.currentId() == PAGE_MERCHANT
    wizard.flow.next()
    m = wizard.flow.manager_page
    m.name.setText("Maria")
    m.pin.setText("739164")
    m.pin2.setText("739164")
    wizard.flow.next()
    assert "memory for this session only" in wizard.flow.summary_page.text.text()
    finish(qtbot, wizard)
    assert store.load("sandbox", API_USER) == API_KEY
    assert CredentialStore(INSTALL).load("sandbox", API_USER) is None  # forgotten at the next start
    for f in paths.data_dir.rglob("*"):
        if f.is_file():
            assert API_KEY.encode() not in f.read_bytes(), f"key written to {f}"


def test_merchant_and_manager_pages_refuse_bad_input(make_wizard, gateway, memory_keyring, qtbot):
    wizard = make_wizard(sandbox_url=gateway.api_url)
    flow = wizard.flow
    choose(wizard, Environment.SANDBOX)
    flow.credentials_page.user.setText(API_USER)
    flow.credentials_page.key.setText(API_KEY)
    flow.credentials_page.test_button.click()
    qtbot.waitUntil(flow.credentials_page.isComplete, timeout=10_000)
    flow.next()
    flow.merchant_page.name.setText("  ")
    flow.next()
    assert flow.currentId() == PAGE_MERCHANT and "store name" in flow.merchant_page.message.text()
    flow.merchant_page.name.setText("Shop")
    flow.merchant_page.lane.setText("lane 1!")
    flow.next()
    assert flow.currentId() == PAGE_MERCHANT and "1 to 20 letters" in flow.merchant_page.message.text()
    flow.merchant_page.lane.setText("LANE1")
    flow.next()
    m = flow.manager_page
    m.name.setText("Maria")
    m.pin.setText("12")
    m.pin2.setText("12")
    flow.next()
    assert flow.currentId() == PAGE_MANAGER and "A manager's PIN must be 6 to 8 digits." in m.message.text()
    m.pin.setText("1234")     # four digits are enough for a clerk, not for a Sandbox/Live manager
    m.pin2.setText("1234")
    flow.next()
    assert flow.currentId() == PAGE_MANAGER and "6 to 8 digits" in m.message.text()
    m.pin.setText("739164")
    m.pin2.setText("739165")
    flow.next()
    assert flow.currentId() == PAGE_MANAGER and "different" in m.message.text()


def _through_credentials(wizard, qtbot, env):
    flow = wizard.flow
    page = flow.credentials_page
    page.user.setText(API_USER)
    page.key.setText(API_KEY)
    page.test_button.click()
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    flow.next()
    assert flow.currentId() == PAGE_MERCHANT


def test_first_run_live_records_the_new_managers_go_live_approval(make_wizard, qtbot, gateway, memory_keyring,
                                                                   registries, paths):
    wizard = make_wizard(live_url=gateway.api_url)
    choose(wizard, Environment.LIVE)   # no Sandbox test payment passed here: Live asks for the override
    assert wizard.flow.currentId() == PAGE_ENVIRONMENT and "Sandbox test payment" in \
        wizard.flow.environment_page.message.text()
    assert wizard.flow.environment_page.live_override.isVisible()
    wizard.flow.environment_page.live_override.setChecked(True)
    wizard.flow.next()
    assert wizard.banner.title.text() == "LIVE"
    _through_credentials(wizard, qtbot, Environment.LIVE)
    flow = wizard.flow
    flow.next()
    flow.manager_page.name.setText("Maria")
    flow.manager_page.pin.setText("739164")
    flow.manager_page.pin2.setText("739164")
    flow.next()
    finish(qtbot, wizard)
    reg = registries(Environment.LIVE)
    # The new manager approves the Live set-up and going Live; both are in Live's approvals.
    settings_approval, go_live = reg.approvals()
    assert settings_approval[3] == ManagerAction.SETTINGS.value and settings_approval[5] == "settings: live"
    assert go_live[3] == ManagerAction.GO_LIVE.value and go_live[1] == settings_approval[1] == reg.list()[0].id
    assert go_live[5] == "override: go live without a passed Sandbox test payment"
    (saved,) = reg.events("settings")
    assert saved.name == "Maria" and saved.detail == f"environment=live api_user={API_USER}"
    assert load_settings(paths.settings_file).environment == "live"


def test_switching_to_live_needs_a_manager_approval(make_wizard, qtbot, gateway, memory_keyring, registries):
    reg = registries(Environment.LIVE)  # sandbox and live share the real clerk file
    boss = reg.add("Maria", "739164", Role.MANAGER, by=None)
    reg.add("Ann", "2468", Role.CLERK, by=boss)
    wizard = make_wizard(Settings(environment="sandbox", setup_done=True), live_url=gateway.api_url)
    flow = wizard.flow

    # a clerk's PIN is refused, then the dialog is cancelled: the wizard stays on the first page
    def clerk_tries(dialog: ManagerApprovalDialog) -> None:
        assert dialog.manager.findText("Ann") == -1  # only managers are listed
        dialog.reason.setText("going live")
        dialog.pin.setText("0000")
        dialog.approve_button.click()
        wait_checked(qtbot, dialog)
        assert "Wrong name or PIN" in dialog.message.text()
        dialog.reject()

    state = when_modal(ManagerApprovalDialog, clerk_tries)
    wizard.flow.environment_page.buttons[Environment.LIVE].setChecked(True)
    wizard.flow.environment_page.live_override.setChecked(True)  # no Sandbox test payment in this test
    wizard.flow.next()
    assert state["done"] and state["error"] is None
    assert flow.currentId() == PAGE_ENVIRONMENT and "manager's approval" in flow.environment_page.message.text()

    def manager_approves(dialog: ManagerApprovalDialog) -> None:
        dialog.manager.setCurrentText("Maria")
        dialog.reason.setText("Store opens for real today")
        dialog.pin.setText("739164")
        dialog.approve_button.click()

    qtbot.wait(1100)  # a wrong approval PIN makes the next try for that manager wait 1 s (clerks.APPROVAL_DELAY)
    state = when_modal(ManagerApprovalDialog, manager_approves)
    flow.next()
    assert state["done"] and state["error"] is None
    assert flow.currentId() == PAGE_CREDENTIALS
    _through_credentials(wizard, qtbot, Environment.LIVE)
    flow.next()
    assert flow.currentId() == PAGE_SUMMARY  # a manager exists: no manager page
    finish(qtbot, wizard)
    (approval,) = reg.approvals()
    assert approval[1] == boss.id and approval[3] == "go_live" and approval[4] == "Store opens for real today"
    assert approval[5] == "override: go live without a passed Sandbox test payment"


def test_settings_file_never_holds_the_key(make_wizard, qtbot, gateway, memory_keyring, paths):
    wizard = make_wizard(sandbox_url=gateway.api_url)
    choose(wizard, Environment.SANDBOX)
    _through_credentials(wizard, qtbot, Environment.SANDBOX)
    wizard.flow.next()
    m = wizard.flow.manager_page
    m.name.setText("Maria")
    m.pin.setText("739164")
    m.pin2.setText("739164")
    wizard.flow.next()
    finish(qtbot, wizard)
    text = paths.settings_file.read_text()
    data = json.loads(text)
    assert API_KEY not in text and "739164" not in text
    assert not any("key" in k.lower() or "pin" in k.lower() or "secret" in k.lower() for k in data)


def test_the_store_chooses_its_money_format_and_it_applies_at_finish(make_wizard, qtbot, paths):
    from decimal import Decimal

    from PySide6.QtCore import Qt

    from pos_app import money
    from pos_app.ui.counter.amount import AmountEdit

    amount = AmountEdit()  # the counter's field, following the store's format
    qtbot.addWidget(amount)
    amount.set_value(Decimal("1250.5"))
    assert amount.edit.text() == "1,250.50"
    wizard = make_wizard()
    flow = wizard.flow
    flow.next()
    combo = flow.merchant_page.money_format
    assert [combo.itemText(i) for i in range(combo.count())] == ["$1,234.56 (point for cents)",
                                                               "$1.234,56 (comma for cents)"]
    assert combo.currentData() == "en_US"
    flow.merchant_page.name.setText("Tienda Sol")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # the way a manager picks it: keys on the focused selector
    assert combo.currentData() == "es_ES"
    assert money.store_format() is money.US  # nothing changes before Finish
    flow.next()
    assert "Money: $1.234,56 (comma for cents)" in flow.summary_page.text.text()
    finish(qtbot, wizard)
    assert load_settings(paths.training_settings_file).money_format == "es_ES"  # a training set-up
    assert money.store_format() is money.COMMA
    assert amount.value() == Decimal("1250.50") and amount.edit.text() == "1.250,50"  # same amount, new way
    again = make_wizard(load_settings(paths.training_settings_file))
    again.flow.next()
    assert again.flow.merchant_page.money_format.currentData() == "es_ES"  # the saved choice is shown next time
