"""Sign-in, lockout, lock screen, idle lock, and the manager-only actions through the real dialogs and the
application layer's clerk desk (``pos_app.counter.LocalClerks`` on a real clerk file): PINs are checked on
workers while the dialogs say so and stay responsive."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from pos_app.clerks import MAX_FAILURES, ClerkRegistry, ManagerAction, NotAllowed, Role
from pos_app.config import Environment
from pos_app.counter import GuiThreadCall, LocalClerks, set_gui_thread_guard
from pos_app.payments import Approval
from pos_app.payments import NotAllowed as PaymentNotAllowed
from pos_app.settings import Settings, load_settings
from pos_app.ui.counter.main_window import MainWindow
from pos_app.ui.shell.login import IdleLock, LoginDialog
from pos_app.ui.shell.manager_approval import (
    ClerkChangeQuestion,
    ClerkManagementDialog,
    ManagerApprovalDialog,
)
from pos_app.ui.shell.setup_wizard import SetupWizard
from pos_app.ui.shell.shell import Shell
from tests.ui.shell.helpers import wait_checked, when_modal


@pytest.fixture
def staff(tmp_path):
    """A real clerk file with a manager and a clerk, and the application layer's desk on it (``desk``)."""
    reg = ClerkRegistry(tmp_path / "clerks.db")
    boss = reg.add("Maria", "739164", Role.MANAGER, by=None)
    ann = reg.add("Ann", "2468", Role.CLERK, by=boss)
    desk = LocalClerks(tmp_path / "clerks.db", Environment.LIVE)
    yield reg, boss, ann, desk
    desk.close()
    reg.close()


def shown(qtbot, dialog):
    """The dialog once its clerk list (read on a worker) is on screen."""
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ready, timeout=10_000)
    return dialog


def press(qtbot, dialog, button) -> None:
    """Click and wait for the PIN check the click started on a worker."""
    button.click()
    wait_checked(qtbot, dialog)


def test_login_checks_the_pin_counts_down_and_locks_out(qtbot, staff, english):
    reg, boss, ann, desk = staff
    dialog = shown(qtbot, LoginDialog(desk, Environment.SANDBOX))
    assert [dialog.name.itemText(i) for i in range(dialog.name.count())] == ["Ann", "Maria"]
    assert dialog.pin.echoMode() is QLineEdit.EchoMode.Password
    assert not hasattr(dialog, "hint")  # demo PINs are shown in training only
    dialog.name.setCurrentText("Ann")
    for attempt in range(1, MAX_FAILURES):
        qtbot.keyClicks(dialog.pin, "1111")
        press(qtbot, dialog, dialog.sign_in)
        assert f"Tries left before a lockout: {MAX_FAILURES - attempt}." in dialog.message.text()
        assert dialog.pin.text() == ""  # never left in the field
    dialog.pin.setText("1111")
    press(qtbot, dialog, dialog.sign_in)
    assert "Too many wrong PINs. Try again after" in dialog.message.text()
    dialog.pin.setText("2468")  # right PIN, still locked out
    press(qtbot, dialog, dialog.sign_in)
    assert "Too many wrong PINs" in dialog.message.text() and dialog.clerk is None and desk.signed_in is None
    dialog.name.setCurrentText("Maria")
    dialog.pin.setText("739164")
    press(qtbot, dialog, dialog.sign_in)
    assert dialog.clerk == boss and dialog.result() == LoginDialog.DialogCode.Accepted
    assert desk.signed_in == boss and dialog.signed.switched
    outcomes = [(e.name, e.outcome) for e in reg.events("login")]
    assert outcomes[:MAX_FAILURES - 1] == [("Ann", "wrong_pin")] * (MAX_FAILURES - 1)
    assert ("Ann", "locked_out") in outcomes and outcomes[-1] == ("Maria", "ok")


def test_training_login_shows_the_demo_pins(qtbot, tmp_path, english):
    desk = LocalClerks.for_data_dir(tmp_path, Environment.TRAINING)  # the training file gets the demo clerks
    dialog = shown(qtbot, LoginDialog(desk, Environment.TRAINING))
    assert "Trainer (manager, PIN 1234)" in dialog.hint.text()
    assert dialog.banner.title.text() == "TRAINING"
    dialog.name.setCurrentText("Trainer")
    dialog.pin.setText("1234")
    press(qtbot, dialog, dialog.sign_in)
    assert dialog.clerk.is_manager
    desk.close()


class GatedDesk(LocalClerks):
    """The real desk whose PIN checks wait for ``gate`` on their worker (a slow clerk file or server)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.threads: list[str] = []

    def sign_in(self, name, pin):
        self.threads.append(threading.current_thread().name)
        assert self.gate.wait(10)
        return super().sign_in(name, pin)

    def approve(self, *args, **kwargs):
        self.threads.append(threading.current_thread().name)
        assert self.gate.wait(10)
        return super().approve(*args, **kwargs)


def test_the_pin_is_checked_off_the_gui_thread_while_the_dialog_says_so_and_stays_responsive(
        qtbot, tmp_path, staff, english):
    from PySide6.QtCore import QTimer

    reg, boss, ann, plain = staff
    desk = GatedDesk(tmp_path / "clerks.db", Environment.LIVE)
    set_gui_thread_guard(True)  # a clerk-file read or PIN check on the GUI thread would raise
    try:
        with pytest.raises(GuiThreadCall):
            plain.sign_in("Ann", "2468")
        with pytest.raises(GuiThreadCall):
            plain.clerks()
        dialog = shown(qtbot, LoginDialog(desk, Environment.LIVE))
        dialog.show()
        dialog.name.setCurrentText("Ann")
        qtbot.keyClicks(dialog.pin, "2468")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        assert dialog.checking and dialog.message.text() == "Checking the PIN…"
        assert not dialog.sign_in.isEnabled() and not dialog.pin.isEnabled() and dialog.pin.text() == ""
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # a tired clerk presses Enter again: still one check
        dialog.try_sign_in()
        qtbot.wait(100)
        assert len(desk.threads) == 1
        ticks = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        timer.start(20)
        qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=3000)  # the GUI thread runs while the check waits
        timer.stop()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nor can a Quit race the answer
        assert dialog.isVisible() and dialog.checking and dialog.clerk is None
        desk.gate.set()
        wait_checked(qtbot, dialog)
        assert dialog.result() == LoginDialog.DialogCode.Accepted and dialog.clerk == ann
        assert desk.threads and "MainThread" not in desk.threads
    finally:
        set_gui_thread_guard(False)
        desk.gate.set()
        desk.close()


class SlowListDesk(LocalClerks):
    """The real desk whose clerk list waits for ``gate`` on its worker (a slow disk or server at start-up)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.sign_ins = 0

    def clerks(self):
        assert self.gate.wait(10)
        return super().clerks()

    def sign_in(self, name, pin):
        self.sign_ins += 1
        return super().sign_in(name, pin)


def test_enter_before_the_clerk_list_is_read_is_kept_and_signs_in_once_it_is(qtbot, tmp_path, staff, english):
    reg, boss, ann, plain = staff
    desk = SlowListDesk(tmp_path / "clerks.db", Environment.LIVE)
    try:
        dialog = LoginDialog(desk, Environment.LIVE)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert not dialog.ready
        qtbot.keyClicks(dialog.pin, "2468")  # Ann is first in the list once it is read
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)  # and again, as a tired clerk does: still one check
        qtbot.wait(100)
        assert dialog.message.text() == "Reading the clerk list…" and dialog.pin.text() == "2468"
        assert dialog.clerk is None and desk.sign_ins == 0 and dialog.isVisible()
        desk.gate.set()
        qtbot.waitUntil(lambda: dialog.clerk is not None, timeout=10_000)
        assert dialog.clerk == ann and desk.sign_ins == 1
        assert dialog.result() == LoginDialog.DialogCode.Accepted
    finally:
        desk.gate.set()
        desk.close()


def test_enter_before_a_refused_clerk_list_signs_nobody_in(qtbot, tmp_path, english):
    class Broken(SlowListDesk):
        def clerks(self):
            assert self.gate.wait(10)
            raise OSError("disk gone")

    ClerkRegistry(tmp_path / "clerks.db").close()
    desk = Broken(tmp_path / "clerks.db", Environment.LIVE)
    try:
        dialog = LoginDialog(desk, Environment.LIVE)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.pin, "2468")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        desk.gate.set()
        qtbot.waitUntil(lambda: dialog.ready, timeout=10_000)
        qtbot.wait(100)
        assert "cannot be read (OSError)" in dialog.message.text() and dialog.clerk is None
        assert desk.sign_ins == 0 and not dialog.sign_in.isEnabled()
    finally:
        desk.gate.set()
        desk.close()


def test_lock_screen_cannot_be_dismissed_without_a_pin(qtbot, staff, english):
    reg, boss, ann, desk = staff
    dialog = LoginDialog(desk, Environment.LIVE, locked_by=ann)
    assert dialog.name.currentText() == "Ann"  # at once, before the clerk list arrives
    shown(qtbot, dialog)
    dialog.show()
    assert dialog.name.currentText() == "Ann" and "Ann was signed in" in dialog.subtitle.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.reject()
    assert dialog.isVisible()
    dialog.pin.setText("2468")
    press(qtbot, dialog, dialog.sign_in)
    assert not dialog.isVisible() and dialog.clerk == ann


def test_idle_lock_fires_after_quiet_time_and_input_postpones_it(qtbot, qapp):
    """With a web view alive (an application-wide Python event filter would crash PySide6 6.11.3 here)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    top = QWidget()
    layout = QVBoxLayout(top)
    edit = QLineEdit(top)
    view = QWebEngineView(top)
    layout.addWidget(edit)
    layout.addWidget(view)
    qtbot.addWidget(top)
    top.show()
    with qtbot.waitSignal(view.loadFinished, timeout=10_000):
        view.setHtml("<input autofocus><p>payment form stand-in</p>")
    edit.setFocus()
    idle = IdleLock(qapp, minutes=1, interval_ms=300)
    try:
        start = time.monotonic()
        fired = []
        idle.locked.connect(lambda: fired.append(time.monotonic()))
        for _ in range(4):  # keep typing every 100 ms (real input arrives through the window): no lock
            qtbot.wait(100)
            QTest.keyClick(top.windowHandle(), "a")
        assert edit.text() == "aaaa" and not fired
        qtbot.waitUntil(lambda: bool(fired), timeout=2000)
        assert fired[0] - start >= 0.6  # 4 x 100 ms of typing + 300 ms quiet
        QTest.keyClick(top.windowHandle(), "b")  # paused after firing: input does not re-arm it
        assert not idle.active
        idle.resume()
        assert idle.active
        idle.set_minutes(0)
        assert not idle.active  # 0 = never lock
    finally:
        idle.uninstall()
        view.close()
        view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_every_manager_action_refuses_a_clerk(qtbot, staff, english):
    reg, boss, ann, desk = staff
    signed = LoginDialog(desk, Environment.LIVE)  # Ann signs in: approvals are recorded with her
    shown(qtbot, signed)
    signed.name.setCurrentText("Ann")
    signed.pin.setText("2468")
    press(qtbot, signed, signed.sign_in)
    for action in ManagerAction:
        dialog = shown(qtbot, ManagerApprovalDialog(desk, action, Environment.LIVE, subject="LANE1-X"))
        assert [dialog.manager.itemText(i) for i in range(dialog.manager.count())] == ["Maria"]
        dialog.reason.setText("customer asked")
        dialog.pin.setText("2468")  # the clerk's own PIN under the manager's name
        press(qtbot, dialog, dialog.approve_button)
        assert dialog.approved is None
        # the clerk's PIN is a wrong manager PIN: it counts against approvals by Maria (a growing wait), and
        # the next dialog right after it is told to wait; never against Maria's own sign-in
        assert ("Wrong name or PIN" in dialog.message.text() if action is ManagerAction.VOID
                else "before the next try" in dialog.message.text()), dialog.message.text()
        with pytest.raises(NotAllowed):
            reg.approve("Ann", "2468", action, "customer asked", clerk=ann)
    with pytest.raises(NotAllowed):  # Ann is signed in: not a manager, and no approval
        ClerkManagementDialog(desk, Environment.LIVE)
    with pytest.raises(NotAllowed):  # an approval the desk did not give (made up by a screen) counts for nothing
        desk.add_clerk("Eve", "1357", Role.MANAGER, Approval(str(boss.id), "manager", "x", "Maria", "manage_clerks"))
    with pytest.raises(PaymentNotAllowed):  # payments refuse a void/refund approved by a clerk
        Approval.from_clerk(ann, "customer asked").check()
    assert reg.approvals() == []
    refused = [e for e in reg.events("approve") if e.outcome == "not_allowed"]
    assert {e.detail for e in refused} == {f"action={a.value}" for a in ManagerAction}
    assert reg.login("Maria", "739164") == boss  # the wrong approval PINs did not lock her sign-in


def test_wrong_pins_in_the_approval_dialog_slow_it_down_and_never_lock_the_managers_sign_in(
        qtbot, staff, english, monkeypatch):
    """Someone types wrong PINs into the approval dialog with the keyboard: after each, Approve (and Enter)
    do nothing for a growing wait; the fifth pauses approvals by that manager (an event); the manager then
    signs in with her PIN at the sign-in screen."""
    from datetime import timedelta

    import pos_app.clerks as clerks

    monkeypatch.setattr(clerks, "APPROVAL_DELAY", timedelta(milliseconds=60))  # 60, 120, 240, 480 ms
    reg, boss, ann, desk = staff
    dialog = shown(qtbot, ManagerApprovalDialog(desk, ManagerAction.REFUND, Environment.LIVE, subject="LANE1-X",
                                                reason="customer asked"))
    dialog.show()
    qtbot.waitExposed(dialog)
    held = []
    for attempt in range(1, MAX_FAILURES):
        qtbot.keyClicks(dialog.pin, "111111")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        wait_checked(qtbot, dialog)
        assert f"before approvals by this manager pause: {MAX_FAILURES - attempt}" in dialog.message.text()
        assert dialog.waiting and not dialog.approve_button.isEnabled()
        qtbot.keyClicks(dialog.pin, "739164")  # even the right PIN: Enter does nothing while it waits
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        assert dialog.approved is None and dialog.pin.text() == "739164"
        start = time.monotonic()
        qtbot.waitUntil(lambda: dialog.approve_button.isEnabled(), timeout=3000)
        held.append(time.monotonic() - start)
        dialog.pin.clear()
    assert held[-1] > held[0] and held[-1] >= 0.3  # the wait grows
    qtbot.keyClicks(dialog.pin, "111111")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    wait_checked(qtbot, dialog)
    assert "approvals by Maria are paused until" in dialog.message.text()
    assert "can still sign in" in dialog.message.text() and dialog.approved is None
    qtbot.keyClicks(dialog.pin, "739164")  # paused: the right PIN does not approve either
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    wait_checked(qtbot, dialog)
    assert dialog.approved is None and "paused" in dialog.message.text()
    assert [e.outcome for e in reg.events("approve")].count("approval_locked") >= 1

    login = shown(qtbot, LoginDialog(desk, Environment.LIVE))  # Maria signs in at the counter: not locked out
    login.show()
    login.name.setCurrentText("Maria")
    qtbot.keyClicks(login.pin, "739164")
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    wait_checked(qtbot, login)
    assert login.clerk == boss and login.result() == LoginDialog.DialogCode.Accepted
    assert reg.approvals() == []


def test_the_pin_field_takes_only_digits_0_to_9_and_the_core_says_why(qtbot, staff, english):
    reg, boss, ann, desk = staff
    dialog = shown(qtbot, LoginDialog(desk, Environment.LIVE))
    dialog.name.setCurrentText("Ann")
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in "２４６８":  # fullwidth digits typed (a keyboard layout / input method): the field refuses them
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(dialog.pin, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier,
                                                         ch))
    assert dialog.pin.text() == ""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):  # the same way, an ASCII digit does arrive
        QApplication.sendEvent(dialog.pin, QKeyEvent(kind, Qt.Key.Key_2, Qt.KeyboardModifier.NoModifier, "2"))
    assert dialog.pin.text() == "2"
    dialog.pin.clear()
    dialog.pin.setText("٢٤٦٨")  # set without the validator (as a paste through an accessibility tool could)
    press(qtbot, dialog, dialog.sign_in)
    assert "digits 0-9 only" in dialog.message.text() and dialog.clerk is None
    qtbot.keyClicks(dialog.pin, "2468")
    press(qtbot, dialog, dialog.sign_in)
    assert dialog.clerk == ann
    assert [e.outcome for e in reg.events("login")] == ["pin_digits", "ok"]  # recorded, not counted


def test_manager_approval_needs_a_reason_and_is_recorded(qtbot, staff, english):
    reg, boss, ann, desk = staff
    signed = shown(qtbot, LoginDialog(desk, Environment.LIVE))  # Ann is signed in and asks
    signed.name.setCurrentText("Ann")
    signed.pin.setText("2468")
    press(qtbot, signed, signed.sign_in)
    dialog = shown(qtbot, ManagerApprovalDialog(desk, ManagerAction.VOID, Environment.LIVE, subject="LANE1-01ABC"))
    assert dialog.title.text() == "Void a payment"
    dialog.pin.setText("739164")
    dialog.approve_button.click()
    assert "reason" in dialog.message.text() and dialog.approved is None and not dialog.checking
    dialog.reason.setText("Wrong amount typed")
    dialog.pin.setText("739164")
    press(qtbot, dialog, dialog.approve_button)
    approval = dialog.approved
    assert (approval.manager_id, approval.manager_name, approval.action) == (str(boss.id), "Maria", "void")
    assert approval.reason == "Wrong amount typed"
    approval.check()  # accepted by payments as it is
    (row,) = reg.approvals()
    assert row[1:] == (boss.id, ann.id, "void", "Wrong amount typed", "LANE1-01ABC")


def test_enter_in_the_approval_dialog_before_the_manager_list_is_read_is_kept(qtbot, tmp_path, staff, english):
    reg, boss, ann, plain = staff
    desk = SlowListDesk(tmp_path / "clerks.db", Environment.LIVE)
    try:
        dialog = ManagerApprovalDialog(desk, ManagerAction.REFUND, Environment.LIVE, subject="LANE1-Y")
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert not dialog.ready
        qtbot.keyClicks(dialog.pin, "739164")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.reason, "customer returned it")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
        qtbot.wait(100)
        assert dialog.message.text() == "Reading the manager list…" and dialog.approved is None
        assert dialog.pin.text() == "739164" and reg.approvals() == []
        desk.gate.set()
        qtbot.waitUntil(lambda: dialog.approved is not None, timeout=10_000)
        assert (dialog.approved.manager_name, dialog.approved.reason) == ("Maria", "customer returned it")
        assert [row[1:] for row in reg.approvals()] == [(boss.id, None, "refund", "customer returned it", "LANE1-Y")]
    finally:
        desk.gate.set()
        desk.close()


def test_clerk_management_adds_resets_and_removes(qtbot, staff, english):
    reg, boss, ann, desk = staff
    signed = shown(qtbot, LoginDialog(desk, Environment.SANDBOX))  # Maria, a manager, is signed in
    signed.name.setCurrentText("Maria")
    signed.pin.setText("739164")
    press(qtbot, signed, signed.sign_in)
    dialog = ClerkManagementDialog(desk, Environment.SANDBOX)
    qtbot.addWidget(dialog)

    def done() -> None:
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)

    done()
    assert dialog.list.count() == 2
    dialog.new_name.setText("Bob")
    dialog.new_pin.setText("1357")
    dialog.new_pin2.setText("1358")
    dialog.add_button.click()
    assert "different" in dialog.message.text() and dialog.list.count() == 2
    dialog.new_pin.setText("1357")
    dialog.new_pin2.setText("1357")
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.add_button.click()
    done()
    assert dialog.message.text() == "Bob was added." and dialog.list.count() == 3
    assert reg.login("Bob", "1357").role is Role.CLERK
    dialog.list.setCurrentRow([dialog.list.item(i).text() for i in range(3)].index("Bob (clerk)"))
    dialog.new_pin.setText("8642")
    dialog.new_pin2.setText("8642")
    asked = when_modal(ClerkChangeQuestion, lambda question: question.change.click())  # "Set new PIN"
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.reset_button.click()
    assert asked["done"] and asked["error"] is None
    assert dialog.message.text() == "The new PIN is set."
    assert reg.login("Bob", "8642").name == "Bob"
    dialog.list.setCurrentRow([dialog.list.item(i).text() for i in range(3)].index("Bob (clerk)"))
    asked = when_modal(ClerkChangeQuestion, lambda question: question.change.click())  # "Remove"
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.remove_button.click()
    assert asked["done"] and asked["error"] is None
    done()
    assert dialog.message.text() == "Bob was removed." and "Bob" not in [c.name for c in reg.list()]
    dialog.list.setCurrentRow([dialog.list.item(i).text() for i in range(2)].index("Maria (manager)"))
    dialog.remove_button.click()
    done()
    assert "cannot remove yourself" in dialog.message.text()


@pytest.fixture
def shell(qapp, paths, english):
    made = []

    def make(settings: Settings, **kw) -> Shell:
        s = Shell(qapp, paths, settings, **kw)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def test_training_start_asks_no_setup_questions(qtbot, shell, paths):
    sh = shell(Settings(), force_training=True)

    def sign_in(dialog: LoginDialog) -> None:
        assert dialog.banner.title.text() == "TRAINING"
        dialog.name.setCurrentText("Trainee")
        dialog.pin.setText("0000")
        dialog.sign_in.click()

    state = when_modal(LoginDialog, sign_in)
    assert sh.start() is True
    assert state["error"] is None
    assert sh.clerk.name == "Trainee" and not sh.clerk.is_manager
    assert sh.environment is Environment.TRAINING and sh.setup.api_access(sh.settings) is None
    assert not paths.settings_file.exists()  # nothing asked, nothing saved
    sh.close()


def test_first_start_without_training_flag_runs_the_wizard_once(qtbot, shell, paths):
    sh = shell(Settings())
    assert sh.needs_setup()

    def training_setup(wizard: SetupWizard) -> None:
        assert wizard.flow.environment() is Environment.TRAINING  # the default
        wizard.flow.next()
        wizard.flow.next()
        wizard.flow.accept()  # saved on a worker; the wizard closes when it is done
        when_modal(LoginDialog, lambda d: (d.pin.setText("1234"), d.name.setCurrentText("Trainer"),
                                           d.sign_in.click()))

    state = when_modal(SetupWizard, training_setup)
    assert sh.start() is True and state["error"] is None
    assert sh.clerk.name == "Trainer" and load_settings(paths.settings_file).setup_done
    assert not shell(load_settings(paths.settings_file)).needs_setup()  # next start: no questions


def test_sandbox_without_setup_opens_the_wizard_and_quit_stops(qtbot, shell):
    sh = shell(Settings(environment="sandbox"))
    assert sh.needs_setup()
    state = when_modal(SetupWizard, lambda w: w.flow.reject())
    assert sh.start() is False
    assert state["done"]


def test_shell_manager_actions_need_approval(qtbot, shell, paths):
    sh = shell(Settings(), force_training=True)
    sh.prepare()
    sh.clerks.sign_in("Trainee", "0000")
    reg = ClerkRegistry(paths.data_dir / "clerks-training.db")  # the same file, read as an auditor would
    window = MainWindow()
    qtbot.addWidget(window)
    sh.attach(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&Counter", "&Manager", "&Help"]

    # settings: approval cancelled -> no wizard; approval given -> wizard (cancelled here), nothing saved
    state = when_modal(ManagerApprovalDialog, lambda d: d.reject())
    sh.settings_action.trigger()
    assert state["done"] and not paths.settings_file.exists()
    opened = {}

    def approve(d):
        d.manager.setCurrentText("Trainer")
        d.reason.setText("change receipt footer")
        d.pin.setText("1234")
        d.approve_button.click()
        opened["wizard"] = when_modal(SetupWizard, lambda w: w.flow.reject())

    state = when_modal(ManagerApprovalDialog, approve)
    sh.settings_action.trigger()
    assert state["error"] is None and opened["wizard"]["done"]
    assert [r[3] for r in reg.approvals()] == ["settings"]

    # clerk management by a clerk: approval first, then the dialog acts as the approving manager
    def approve_clerks(d):
        assert d.title.text() == "Manage clerks"
        d.manager.setCurrentText("Trainer")
        d.reason.setText("new starter")
        d.pin.setText("1234")
        d.approve_button.click()
        opened["clerks"] = when_modal(ClerkManagementDialog, lambda c: (setattr(c, "seen", c.approval),
                                                                       c.reject()))

    state = when_modal(ManagerApprovalDialog, approve_clerks)
    sh.clerks_action.trigger()
    assert state["error"] is None and opened["clerks"]["done"]
    assert [r[3] for r in reg.approvals()] == ["settings", "manage_clerks"]
    assert sh.clerks_dialog.seen.manager_name == "Trainer" and sh.clerks_dialog.seen.action == "manage_clerks"
    reg.close()


def test_lock_now_and_switch_clerk(qtbot, shell):
    sh = shell(Settings(), force_training=True)
    sh.clerks.sign_in("Trainee", "0000")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    sh.attach(window)
    switched = []
    sh.clerk_changed.connect(switched.append)
    sh.lock_action.trigger()
    assert sh.locked and sh.lock_dialog.locked_by.name == "Trainee"
    qtbot.waitUntil(lambda: sh.lock_dialog.ready and sh.clerks.locked, timeout=10_000)
    sh.lock_dialog.name.setCurrentText("Trainer")
    sh.lock_dialog.pin.setText("1234")
    press(qtbot, sh.lock_dialog, sh.lock_dialog.sign_in)
    assert not sh.locked and sh.clerk.name == "Trainer" and switched == [sh.clerk] and not sh.clerks.locked
    assert window.signed_in.text() == "Signed in: Trainer"  # in the banner
    reg = ClerkRegistry(sh.paths.data_dir / "clerks-training.db")
    assert [e.kind for e in reg.events() if e.kind == "lock"] == ["lock"]
    reg.close()
    assert load_settings(sh.paths.settings_file).environment == "training"


def test_the_clerk_list_follows_changes_made_elsewhere_in_the_run(qtbot, staff, english):
    """The dialog follows the clerk desk's ``ClerksChanged`` (the change broadcast): a clerk added by another
    screen of this run (here: the desk itself, on a worker thread) shows without a hand refresh, and the
    selection stays on the clerk it was on."""
    reg, boss, ann, desk = staff
    signed = shown(qtbot, LoginDialog(desk, Environment.SANDBOX))
    signed.name.setCurrentText("Maria")
    signed.pin.setText("739164")
    press(qtbot, signed, signed.sign_in)
    dialog = ClerkManagementDialog(desk, Environment.SANDBOX)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.list.count() == 2, timeout=10_000)
    dialog.list.setCurrentRow([dialog.list.item(i).text() for i in range(2)].index("Maria (manager)"))
    approval = desk.approve(ManagerAction.MANAGE_CLERKS, "Maria", "739164", "new hire")
    assert isinstance(approval, Approval)
    worker = threading.Thread(target=lambda: desk.add_clerk("Cleo", "2468", Role.CLERK, approval))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: dialog.list.count() == 3, timeout=10_000)
    assert "Cleo (clerk)" in [dialog.list.item(i).text() for i in range(3)]
    assert dialog.list.currentItem().text() == "Maria (manager)"
    dialog.close()
    desk.add_clerk("Dora", "1357", Role.CLERK, approval)  # a closed dialog follows nothing (no error)
