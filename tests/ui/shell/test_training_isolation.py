"""Training cannot touch Sandbox/Live (issue 14 §1, decision 0200), through the real shell, wizard, approval
dialog, settings files, clerk files and an in-memory keyring.

Reproduced before the fix: on a counter set up for Live, a ``--training`` run signed in with the published
training PINs, Manager → Settings was approved by Trainer/1234 and the wizard opened on the *real* settings
with Live selected and the Live API key pre-filled; Finish rewrote ``settings.json`` (API user re-pointed,
Live downgraded to Training) and Live's clerk file recorded nothing. Each test below performs that attack or
a variant and reads the verdict from the files themselves.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from pos_app.clerks import ClerkError, ClerkRegistry, Role, clerks_db_path
from pos_app.config import Environment
from pos_app.credentials import CredentialStore
from pos_app.settings import Merchant, Settings, load_run_settings, load_settings, save_settings
from pos_app.ui.counter.main_window import MainWindow
from pos_app.ui.shell.manager_approval import ManagerApprovalDialog
from pos_app.ui.shell.setup_wizard import PAGE_MERCHANT, PAGE_SUMMARY, SetupWizard
from pos_app.ui.shell.shell import Shell
from tests.ui.shell.helpers import when_modal

LIVE_USER, LIVE_KEY = "LiveStoreUser", "Live-Secret-Key-0a1b2c3d4e5f"
LIVE_PIN = "739164"


@pytest.fixture
def live_counter(paths, memory_keyring):
    """A counter set up for Live: settings, the real clerk file with a manager, the key in the keyring, a journal."""
    save_settings(Settings(environment="live", api_users={"live": LIVE_USER}, setup_done=True, lane="FRONT",
                           merchant=Merchant(name="Real Store")), paths.settings_file)
    reg = ClerkRegistry(clerks_db_path(paths.data_dir, "live"))
    reg.add("Maria", LIVE_PIN, Role.MANAGER, by=None)
    reg.close()
    CredentialStore.for_data_dir(paths.data_dir).save("live", LIVE_USER, LIVE_KEY)
    live = paths.data_dir / "live"
    live.mkdir()
    from pos_app.payments import Journal

    Journal(live / "journal.db").close()
    return paths


def live_files(paths) -> dict[str, str]:
    """Every file of the counter's own (non-training) state, by content hash."""
    files = [paths.settings_file, *paths.data_dir.glob("clerks.db*"), *(paths.data_dir / "live").rglob("*")]
    return {str(p.relative_to(paths.data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(files) if p.is_file()}


def approvals_in(path: Path) -> list[tuple]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT action, subject FROM approvals ORDER BY id").fetchall()


def training_shell(qapp, paths, qtbot, clerk=("Trainee", "0000")):
    """What ``pos-app --training`` builds: the run's settings, the shell, a signed-in training clerk."""
    settings = load_run_settings(paths, force_training=True)
    shell = Shell(qapp, paths, settings, force_training=True)
    shell.prepare()
    shell.clerks.sign_in(*clerk)
    window = MainWindow()
    qtbot.addWidget(window)
    shell.attach(window)
    return shell


def approve_as(name: str, pin: str, reason: str = "change the receipt"):
    def approve(dialog: ManagerApprovalDialog) -> None:
        dialog.manager.setCurrentText(name)
        dialog.reason.setText(reason)
        dialog.pin.setText(pin)
        dialog.approve_button.click()
    return approve


def test_training_settings_never_touch_live(qapp, qtbot, live_counter, memory_keyring, english):
    paths = live_counter
    before, keyring_before = live_files(paths), dict(memory_keyring._data)
    shell = training_shell(qapp, paths, qtbot)
    assert shell.environment is Environment.TRAINING
    assert shell.settings.api_users == {} and shell.settings.merchant.name != "Real Store"  # not read from Live
    seen = {}

    def in_wizard(wizard: SetupWizard) -> None:
        flow = wizard.flow
        page = flow.environment_page
        seen["enabled"] = {env: b.isEnabled() for env, b in page.buttons.items()}
        seen["note"] = page.training_only_note.isVisible()
        seen["env"] = flow.environment()
        page.buttons[Environment.LIVE].click()        # a disabled button: nothing happens
        seen["after_click"] = flow.environment()
        flow.next()
        seen["page"] = flow.currentId()
        flow.merchant_page.name.setText("Practice Shop")
        flow.next()
        seen["summary"] = flow.currentId() == PAGE_SUMMARY and flow.summary_page.text.text()
        flow.accept()

    def approve_then_wizard(dialog):
        seen["wizard"] = when_modal(SetupWizard, in_wizard)
        approve_as("Trainer", "1234")(dialog)

    state = when_modal(ManagerApprovalDialog, approve_then_wizard)
    shell.settings_action.trigger()
    assert state["error"] is None and seen["wizard"]["error"] is None and seen["wizard"]["done"]
    assert seen["enabled"] == {Environment.TRAINING: True, Environment.SANDBOX: False, Environment.LIVE: False}
    assert seen["note"] and seen["env"] is Environment.TRAINING and seen["after_click"] is Environment.TRAINING
    assert seen["page"] == PAGE_MERCHANT and LIVE_USER not in seen["summary"]
    # Live's files, keyring and approvals are exactly as they were; training's settings got the change.
    assert live_files(paths) == before and dict(memory_keyring._data) == keyring_before
    assert approvals_in(clerks_db_path(paths.data_dir, "live")) == []
    assert load_settings(paths.training_settings_file).merchant.name == "Practice Shop"
    assert load_settings(paths.settings_file).environment == "live"
    assert shell.settings.merchant.name == "Practice Shop"   # this run goes on with it
    shell.close()


def test_a_training_run_cannot_write_live_even_if_asked(qapp, qtbot, live_counter, memory_keyring):
    """Below the screens: the shell refuses to open the real clerk file or write the counter's settings."""
    paths = live_counter
    before = live_files(paths)
    shell = training_shell(qapp, paths, qtbot, clerk=("Trainer", "1234"))
    attack = Settings(environment="live", api_users={"live": "Attacker"}, setup_done=True)
    with pytest.raises(PermissionError):
        shell.setup.clerks_for(Environment.LIVE)
    with pytest.raises(PermissionError):
        shell.setup.save_settings(attack)
    with pytest.raises(ClerkError):  # the set-up use case refuses it before any file is touched
        shell.setup.apply(attack)
    assert shell.setup.api_access(shell.settings) is None
    # The wizard itself refuses an environment it was not offered, even when driven around the screen.
    wizard = SetupWizard(Settings.from_json(shell.settings.to_json()), shell.setup)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.ready, timeout=10_000)
    wizard.flow.environment_page.buttons[Environment.LIVE].setEnabled(True)
    wizard.flow.environment_page.buttons[Environment.LIVE].setChecked(True)
    assert wizard.flow.environment_page.validatePage() is False
    assert live_files(paths) == before
    shell.close()


def test_training_run_does_not_read_the_counters_settings(qapp, live_counter, monkeypatch):
    """``load_run_settings(force_training=True)`` never opens settings.json (not even to read it)."""
    paths = live_counter
    opened = []
    real_read = Path.read_text

    def spy(self, *a, **kw):
        opened.append(self.name)
        return real_read(self, *a, **kw)

    monkeypatch.setattr(Path, "read_text", spy)
    settings = load_run_settings(paths, force_training=True)
    assert "settings.json" not in opened
    assert settings.env is Environment.TRAINING and settings.api_users == {} and settings.lane == "LANE1"


def test_counter_in_training_needs_a_sandbox_manager_to_switch_to_sandbox(qapp, qtbot, paths, memory_keyring,
                                                                         english):
    """A counter that starts in Training (no --training) may be set up for Sandbox from Settings, but only with
    a manager of the Sandbox/Live clerk file: the training PIN that opened Settings does not count there."""
    save_settings(Settings(environment="training", setup_done=True), paths.settings_file)
    real = ClerkRegistry(clerks_db_path(paths.data_dir, "sandbox"))
    real.add("Maria", LIVE_PIN, Role.MANAGER, by=None)
    real.close()
    settings = load_run_settings(paths, force_training=False)
    shell = Shell(qapp, paths, settings)
    shell.prepare()
    shell.clerks.sign_in("Trainer", "1234")
    window = MainWindow()
    qtbot.addWidget(window)
    shell.attach(window)
    seen = {}

    def in_wizard(wizard: SetupWizard) -> None:
        flow = wizard.flow

        def trainer_tries(dialog: ManagerApprovalDialog) -> None:
            seen["managers"] = [dialog.manager.itemText(i) for i in range(dialog.manager.count())]
            seen["banner"] = dialog.banner.title.text()
            dialog.reject()

        seen["ask"] = when_modal(ManagerApprovalDialog, trainer_tries)
        flow.environment_page.buttons[Environment.SANDBOX].click()
        flow.next()
        seen["stayed"] = flow.currentId() == 0 and flow.environment_page.message.text()
        flow.reject()

    def approve_then_wizard(dialog):
        seen["wizard"] = when_modal(SetupWizard, in_wizard)
        approve_as("Trainer", "1234")(dialog)

    state = when_modal(ManagerApprovalDialog, approve_then_wizard)
    shell.settings_action.trigger()
    assert state["error"] is None and seen["wizard"]["error"] is None and seen["ask"]["done"]
    assert seen["managers"] == ["Maria"] and seen["banner"] == "SANDBOX"    # the Sandbox file's managers only
    assert "approval of a Sandbox manager" in seen["stayed"]
    assert load_settings(paths.settings_file).environment == "training"
    shell.close()


def test_live_run_switching_to_training_is_recorded_in_lives_approvals(qapp, qtbot, live_counter, memory_keyring,
                                                                       english):
    paths = live_counter
    shell = Shell(qapp, paths, load_run_settings(paths, force_training=False), credentials=CredentialStore.for_data_dir(paths.data_dir))
    assert shell.environment is Environment.LIVE
    shell.prepare()
    shell.clerks.sign_in("Maria", LIVE_PIN)
    window = MainWindow()
    qtbot.addWidget(window)
    shell.attach(window)

    def in_wizard(wizard: SetupWizard) -> None:
        wizard.flow.environment_page.buttons[Environment.TRAINING].click()
        wizard.flow.next()
        wizard.flow.next()
        wizard.flow.accept()

    def approve_then_wizard(dialog):
        when_modal(SetupWizard, in_wizard)
        approve_as("Maria", LIVE_PIN, "closing for the season")(dialog)

    when_modal(ManagerApprovalDialog, approve_then_wizard)
    from PySide6.QtWidgets import QMessageBox
    when_modal(QMessageBox, lambda box: box.accept(), timeout_ms=5000)
    shell.settings_action.trigger()
    assert approvals_in(clerks_db_path(paths.data_dir, "live")) == [("settings", "settings: live")]
    counter = load_settings(paths.settings_file)
    assert counter.environment == "training" and counter.api_users == {"live": LIVE_USER}  # Live kept for later
    assert shell.environment is Environment.LIVE   # this run stays Live; Training from the next start
    assert load_run_settings(paths, force_training=False).env is Environment.TRAINING
    shell.close()
