"""Manager → Clerks… with the keyboard: the real dialog on a real clerk file (the application layer's
``LocalClerks``), keys sent to the focused widget. Enter in the add form adds and changes nobody else; Enter
anywhere else changes nobody; removing and setting a new PIN ask first, and Enter or Escape there keeps the
clerk as they are; the manager cannot remove themself."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from pos_app.clerks import ClerkRegistry, Role
from pos_app.config import Environment
from pos_app.counter import LocalClerks
from pos_app.ui.shell.manager_approval import ClerkChangeQuestion, ClerkManagementDialog
from tests.ui.shell.helpers import when_modal


@pytest.fixture
def staff(tmp_path):
    """A real clerk file with a manager (Maria, signed in) and a clerk (Trainee)."""
    reg = ClerkRegistry(tmp_path / "clerks.db")
    boss = reg.add("Maria", "739164", Role.MANAGER, by=None)
    reg.add("Trainee", "2468", Role.CLERK, by=boss)
    desk = LocalClerks(tmp_path / "clerks.db", Environment.SANDBOX)
    desk.sign_in("Maria", "739164")
    yield reg, desk
    desk.close()
    reg.close()


@pytest.fixture
def dialog(qtbot, staff, english):
    reg, desk = staff
    shown = ClerkManagementDialog(desk, Environment.SANDBOX)
    qtbot.addWidget(shown)
    shown.show()
    shown.activateWindow()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: shown.ready and shown.list.count() == 2, timeout=10_000)
    return shown


def settled(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: dialog.ready, timeout=10_000)
    qtbot.wait(50)  # a change's ClerksChanged re-reads the list: let that start, then finish
    qtbot.waitUntil(lambda: dialog.ready, timeout=10_000)


def names(reg: ClerkRegistry) -> list[str]:
    return sorted(clerk.name for clerk in reg.list())


def select(dialog, name: str) -> None:
    rows = [dialog.list.item(i).data(Qt.ItemDataRole.UserRole + 1).name for i in range(dialog.list.count())]
    dialog.list.setCurrentRow(rows.index(name))


def type_into(qtbot, widget, text: str) -> None:
    """Focus ``widget`` (as a click or Tab would) and type ``text`` into it."""
    widget.window().activateWindow()  # offscreen: a closed question gives the activation back to no one
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)
    qtbot.keyClicks(widget, text)


def enter(qtbot) -> None:
    """Enter on whatever has the keyboard."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_Return)


def kept_questions(timeout_ms: int = 3000) -> list[str]:
    """A question Enter wrongly opened is noted and answered "Keep" (so a test fails rather than hangs)."""
    asked: list[str] = []

    def keep(question: ClerkChangeQuestion) -> None:
        asked.append(question.text())
        question.keep.click()

    when_modal(ClerkChangeQuestion, keep, timeout_ms=timeout_ms)
    return asked


def fill_form(qtbot, dialog, name: str, pin: str, again: str | None = None) -> None:
    type_into(qtbot, dialog.new_name, name)
    type_into(qtbot, dialog.new_pin, pin)
    type_into(qtbot, dialog.new_pin2, pin if again is None else again)


@pytest.mark.parametrize("where", ["name", "pin", "pin again", "role", "add button"])
def test_enter_in_the_add_form_adds_the_clerk_and_removes_nobody(qtbot, staff, dialog, where):
    reg, desk = staff
    select(dialog, "Trainee")  # the clerk the person-like trial lost
    fill_form(qtbot, dialog, "Alice", "5555")
    focus = {"name": dialog.new_name, "pin": dialog.new_pin, "pin again": dialog.new_pin2,
             "role": dialog.new_role, "add button": dialog.add_button}[where]
    focus.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is focus, timeout=2000)
    asked = kept_questions()
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        enter(qtbot)
    settled(qtbot, dialog)
    assert asked == []
    assert dialog.message.text() == "Alice was added."
    assert names(reg) == ["Alice", "Maria", "Trainee"]
    assert reg.login("Alice", "5555").role is Role.CLERK
    assert reg.events("deactivate") == [] and reg.events("reset_pin") == []
    assert len(reg.events("add")) == 3  # Maria, Trainee, and Alice once


def test_enter_with_a_clerk_selected_adds_once_and_removes_nobody(qtbot, staff, dialog):
    reg, desk = staff
    fill_form(qtbot, dialog, "Alice", "5555")
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        enter(qtbot)
    settled(qtbot, dialog)
    select(dialog, "Alice")
    fill_form(qtbot, dialog, "Bob", "7777")
    asked = kept_questions()
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        enter(qtbot)  # on the repeated PIN field
    settled(qtbot, dialog)
    assert asked == []
    assert dialog.message.text() == "Bob was added."
    assert names(reg) == ["Alice", "Bob", "Maria", "Trainee"]
    assert reg.events("deactivate") == [] and len(reg.events("add")) == 4
    assert reg.login("Alice", "5555").name == "Alice"  # her PIN was not changed either


def test_different_pins_and_enter_say_so_once_and_add_nobody(qtbot, staff, dialog):
    reg, desk = staff
    select(dialog, "Trainee")
    fill_form(qtbot, dialog, "Alice", "5555", again="5556")
    asked = kept_questions()
    enter(qtbot)
    settled(qtbot, dialog)
    assert asked == []
    assert dialog.message.text() == "The two PINs are different. Type them again."  # not overwritten by a 2nd try
    assert names(reg) == ["Maria", "Trainee"] and reg.events("deactivate") == []
    assert dialog.new_name.text() == "Alice" and dialog.new_pin.text() == dialog.new_pin2.text() == ""


def test_enter_outside_the_add_form_changes_nobody(qtbot, staff, dialog):
    reg, desk = staff
    select(dialog, "Trainee")
    type_into(qtbot, dialog.new_name, "Alice")
    type_into(qtbot, dialog.new_pin, "5555")
    type_into(qtbot, dialog.new_pin2, "5555")
    asked: list[str] = []

    def keep(question: ClerkChangeQuestion) -> None:  # a question Enter opened: noted, answered "Keep"
        asked.append(question.text())
        question.keep.click()

    for widget in (dialog.list, dialog.remove_button, dialog.reset_button, dialog.close_button):
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda w=widget: QApplication.focusWidget() is w, timeout=2000)
        state = when_modal(ClerkChangeQuestion, keep, timeout_ms=300)
        enter(qtbot)
        qtbot.waitUntil(lambda s=state: s["done"] or s["error"] is not None, timeout=2000)
        assert asked == [] and dialog.isVisible() and dialog.ready, widget.objectName()
    settled(qtbot, dialog)
    assert names(reg) == ["Maria", "Trainee"] and reg.events("deactivate") == [] and reg.events("reset_pin") == []
    assert reg.login("Trainee", "2468").name == "Trainee"
    # Only Add is drawn as the default button; none becomes one by having the keyboard.
    assert [b.objectName() for b in (dialog.add_button, dialog.remove_button, dialog.reset_button,
                                     dialog.close_button) if b.isDefault() or b.autoDefault()] == ["addClerk"]


def answer(key: Qt.Key | None, seen: dict):
    """Answer the clerk-change question with ``key`` on its focused widget (None: click its change button)."""
    def fn(question: ClerkChangeQuestion) -> None:
        seen["text"] = question.text()
        seen["default"] = question.defaultButton().text()
        seen["buttons"] = sorted(b.text() for b in question.buttons())
        if key is None:
            question.change.click()
            return
        focus = QApplication.focusWidget()
        if focus is None or focus.window() is not question:  # the box is up but not yet active
            focus = question.focusWidget() or question
        QTest.keyClick(focus, key)
    return fn


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Escape])
def test_remove_asks_and_enter_or_escape_keeps_the_clerk(qtbot, staff, dialog, key):
    reg, desk = staff
    select(dialog, "Trainee")
    seen: dict = {}
    state = when_modal(ClerkChangeQuestion, answer(key, seen))
    dialog.remove_button.click()
    assert state["done"] and state["error"] is None
    assert seen["text"] == "Remove Trainee? They can no longer sign in. Their past payments keep their name."
    assert seen["default"] == "Keep" and seen["buttons"] == ["&Remove", "Keep"]
    settled(qtbot, dialog)
    assert dialog.message.text() == "Trainee was kept."
    assert names(reg) == ["Maria", "Trainee"] and reg.events("deactivate") == []


def test_remove_confirmed_removes_the_clerk(qtbot, staff, dialog):
    reg, desk = staff
    select(dialog, "Trainee")
    seen: dict = {}
    state = when_modal(ClerkChangeQuestion, answer(None, seen))
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.remove_button.click()
    assert state["error"] is None
    settled(qtbot, dialog)
    assert dialog.message.text() == "Trainee was removed."
    assert names(reg) == ["Maria"] and [e.outcome for e in reg.events("deactivate")] == ["ok"]
    assert dialog.list.count() == 1


def test_new_pin_asks_and_enter_keeps_the_old_pin(qtbot, staff, dialog):
    reg, desk = staff
    select(dialog, "Trainee")
    type_into(qtbot, dialog.new_pin, "8642")
    type_into(qtbot, dialog.new_pin2, "8642")
    seen: dict = {}
    state = when_modal(ClerkChangeQuestion, answer(Qt.Key.Key_Return, seen))
    dialog.reset_button.click()
    assert state["error"] is None
    assert seen["text"] == "Set a new PIN for Trainee? Their old PIN stops working."
    assert seen["default"] == "Keep"
    settled(qtbot, dialog)
    assert dialog.message.text() == "The PIN of Trainee was not changed."
    assert reg.events("reset_pin") == [] and reg.login("Trainee", "2468").name == "Trainee"
    assert dialog.new_pin.text() == dialog.new_pin2.text() == ""  # never left in the fields

    type_into(qtbot, dialog.new_pin, "8642")
    type_into(qtbot, dialog.new_pin2, "8642")
    state = when_modal(ClerkChangeQuestion, answer(None, {}))
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.reset_button.click()
    assert state["error"] is None
    settled(qtbot, dialog)
    assert dialog.message.text() == "The new PIN is set."
    assert reg.login("Trainee", "8642").name == "Trainee"


def test_the_manager_cannot_remove_themself_and_is_not_asked(qtbot, staff, dialog):
    reg, desk = staff
    select(dialog, "Maria")
    state = when_modal(ClerkChangeQuestion, answer(None, {}), timeout_ms=500)
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: state["error"] is not None, timeout=2000)  # no question came up
    assert isinstance(state["error"], TimeoutError)
    assert dialog.message.text() == "You cannot remove yourself. Another manager can remove you."
    assert names(reg) == ["Maria", "Trainee"] and reg.events("deactivate") == []


def test_the_questions_and_their_answers_are_in_spanish(qtbot, staff, spanish):
    reg, desk = staff
    dialog = ClerkManagementDialog(desk, Environment.SANDBOX)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ready and dialog.list.count() == 2, timeout=10_000)
    select(dialog, "Trainee")
    seen: dict = {}
    state = when_modal(ClerkChangeQuestion, answer(Qt.Key.Key_Escape, seen))
    dialog.remove_button.click()
    assert state["error"] is None
    assert seen["text"] == "¿Quitar a Trainee? Ya no podrá iniciar sesión. Sus pagos anteriores conservan su nombre."
    assert seen["default"] == "Mantener" and seen["buttons"] == ["&Quitar", "Mantener"]
    assert dialog.message.text() == "Se mantuvo a Trainee."
    select(dialog, "Maria")
    dialog.remove_button.click()
    assert dialog.message.text() == "No puede quitarse a sí mismo. Otro gerente puede quitarlo."
    assert names(reg) == ["Maria", "Trainee"] and reg.events("deactivate") == []
