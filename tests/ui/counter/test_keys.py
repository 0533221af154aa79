"""Issue 18 "Screen and keys", offscreen, on the real counter window and the training gateway: the text boxes
give way to the window's shortcuts, every refused key says why in the status bar, Enter on a result screen is
its default button, and a page's messages go when the page is left. (The same keys as real X events under a
window manager: tests/person/test_screen_and_keys.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QMainWindow

from pos_app.ui.common.keys import ShortcutsFirst, command_key, window_shortcuts

pytestmark = pytest.mark.webview


def _override(widget, keys: str) -> QKeyEvent:
    combo = QKeySequence(keys)[0]
    return QKeyEvent(QEvent.Type.ShortcutOverride, combo.key(), combo.keyboardModifiers())


def test_a_text_box_gives_way_to_the_windows_enabled_shortcuts_but_keeps_its_editing_keys(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    box = QLineEdit(window)
    window.setCentralWidget(box)
    edit = QShortcut(QKeySequence("Ctrl+E"), window)
    remove = QShortcut(QKeySequence("Delete"), window)
    guard = ShortcutsFirst(box)
    assert {"Ctrl+E", "Del"} <= window_shortcuts(window)
    assert guard.eventFilter(box, _override(box, "Ctrl+E")) is True  # the window's Ctrl+E, not "end of line"
    assert guard.eventFilter(box, _override(box, "Delete")) is False  # Delete still deletes text in the box
    assert guard.eventFilter(box, _override(box, "Ctrl+U")) is False  # not a shortcut of the window: the box's
    edit.setEnabled(False)
    assert guard.eventFilter(box, _override(box, "Ctrl+E")) is False  # a disabled shortcut takes nothing
    assert remove.isEnabled()


def test_command_keys_are_named_typing_keys_are_not(qapp):
    def press(key, mods=Qt.KeyboardModifier.NoModifier):
        return QKeyEvent(QEvent.Type.KeyPress, key, mods)

    assert command_key(press(Qt.Key.Key_F7)) == "F7"
    assert command_key(press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)) == "Ctrl+N"
    assert command_key(press(Qt.Key.Key_Delete)) == "Del"
    assert command_key(press(Qt.Key.Key_A)) is None
    assert command_key(press(Qt.Key.Key_Down)) is None
    assert command_key(press(Qt.Key.Key_Control, Qt.KeyboardModifier.ControlModifier)) is None


def test_keys_that_cannot_act_say_why_in_the_status_bar(counter, english):
    w = counter.window
    refused = []
    w.keyRefused.connect(refused.append)
    for key in (Qt.Key.Key_F5, Qt.Key.Key_F6, Qt.Key.Key_F7, Qt.Key.Key_F8):
        counter.key(key)
    assert refused == ["First find the customer: Ctrl+F, then ↑↓ and Enter."] * 4
    counter.key(Qt.Key.Key_F9)
    counter.key(Qt.Key.Key_P, modifier=Qt.KeyboardModifier.ControlModifier)
    assert refused[4:] == ["F9 submits the payment form, and none is open (F6 new card, F7 bank account).",
                           "Receipts are printed or e-mailed on the payment's result screen, or from Payment "
                           "history (Ctrl+H)."]
    assert w.statusBar().currentMessage() == refused[-1]
    counter.pick_with_cards("a")
    assert w.statusBar().currentMessage() == ""  # the start page's reason left with the start page
    counter.key(Qt.Key.Key_D, modifier=Qt.KeyboardModifier.ControlModifier)
    assert refused[-1] == "The selected card or bank account is already the default."


def test_enter_after_a_decline_tries_another_card_and_after_an_approval_starts_a_new_sale(counter, english):
    w = counter.window
    hit = counter.pick_with_cards("a")
    w.customer_page.amount.set_value(Decimal("9999.01"))  # the training gateway declines amounts ending in .01
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card("5454545454545454", "0631", "996", "10001")
    assert counter.submit_and_wait() == "declined"
    result = w.result
    assert result.default_button() is result.try_button and result.try_button.isDefault()
    assert result.try_button.text() == "Try another card  [Enter]" and result.new_sale_button.text() == "New sale"
    assert not result.none_label.isVisible()
    assert w.statusBar().currentMessage() == "Declined · $9,999.01"
    with counter.qtbot.waitSignal(w.panel.formShown, timeout=15000):
        counter.key(Qt.Key.Key_Return, widget=result.back_button)  # wherever the keyboard is on the screen
    assert w.stack.currentWidget() is w.panel and w.hit.id == hit.id  # the same sale, another card
    assert w.statusBar().currentMessage() == ""  # "Declined · $9,999.01" went with its screen
    counter.key(Qt.Key.Key_Escape)  # the customer pays another amount instead
    w.customer_page.amount.set_value(Decimal("12.00"))
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card()
    assert counter.submit_and_wait() == "approved"
    assert result.default_button() is result.new_sale_button and result.none_label.isVisible()
    assert result.new_sale_button.text() == "New sale  [Enter]"
    counter.key(Qt.Key.Key_Return)
    assert w.stack.currentWidget() is w.welcome and w.hit is None


def test_a_customer_screen_note_goes_when_the_screen_is_left(counter, english):
    w = counter.window
    counter.pick_with_cards("a")
    w.customer_page.say("Visa •••• 1111 removed.")
    counter.amount("5.00")
    counter.open_form(Qt.Key.Key_F6)
    assert w.customer_page.customer_status.text() == ""
    counter.key(Qt.Key.Key_Escape)
    assert w.stack.currentWidget() is w.customer_page
    assert "removed" not in w.customer_page.customer_status.text()
    assert w.customer_page.customer_status.text().startswith("Cancelled. Nothing was charged.")
