"""Keyboard first: when the payment form opens (F6/F7/F8) the clerk types the card number at once, without a
mouse or an extra Tab, and Tab walks the form's fields and then the Qt buttons.

Real key events go to the web view (QTest key clicks on its focus proxy, the widget Chromium draws into); no
JavaScript sets a value. What the fields received is read back from PaySimple's (cross-origin) child frame.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.fixtures.web import run_js

pytestmark = pytest.mark.webview

ACTIVE_ID = "(document.hasFocus() ? 'focused:' : 'blurred:') + (document.activeElement ? document.activeElement.id : '')"


def _keys_target(view):
    return view.focusProxy() or view


def _wait_active(counter, field: str, timeout: int = 5000) -> None:
    counter.qtbot.waitUntil(lambda: run_js(counter.qtbot, counter.frame(), ACTIVE_ID) == f"focused:{field}",
                            timeout=timeout)


def _open_card_form(counter, key=Qt.Key.Key_F6):
    counter.pick_with_cards("a")
    counter.amount("12.34")
    counter.open_form(key)
    return counter.window.panel.view


def test_card_number_typed_right_after_f6(counter):
    view = _open_card_form(counter)
    # The view has Qt's focus, the page has focused PaySimple's iframe, the iframe its first field.
    counter.qtbot.waitUntil(lambda: QApplication.focusWidget() in (view, view.focusProxy()), timeout=3000)
    _wait_active(counter, "cardNumber")
    counter.qtbot.keyClicks(_keys_target(view), "4111111111111111")
    counter.qtbot.waitUntil(lambda: run_js(counter.qtbot, counter.frame(), "document.getElementById('cardNumber').value")
                            .replace(" ", "") == "4111111111111111", timeout=5000)
    # The host page (our origin) never sees the digits: it only ever got the iframe.
    assert "4111" not in run_js(counter.qtbot, view.page(), "document.body.innerText")


def test_tab_walks_the_fields_then_the_qt_buttons(counter):
    view = _open_card_form(counter)
    _wait_active(counter, "cardNumber")
    target = _keys_target(view)
    counter.qtbot.keyClicks(target, "4111111111111111")
    for field, text in (("expiration", "1230"), ("cvv", "123"), ("postalCode", "80202")):
        counter.qtbot.keyClick(target, Qt.Key.Key_Tab)
        _wait_active(counter, field)
        counter.qtbot.keyClicks(target, text)
    panel = counter.window.panel
    counter.qtbot.waitUntil(panel.submit_button.isEnabled, timeout=5000)  # the form says it is complete
    counter.qtbot.keyClick(target, Qt.Key.Key_Tab)  # past PaySimple's last field: out of the web view
    # First the consent box (issue 13 §5: off until the clerk ticks it, here with Space), then Submit.
    counter.qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.keep_box, timeout=5000)
    assert not panel.keep_box.isChecked()
    counter.qtbot.keyClick(panel.keep_box, Qt.Key.Key_Space)
    assert panel.keep_box.isChecked()
    counter.qtbot.keyClick(panel.keep_box, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.submit_button
    counter.qtbot.keyClick(panel.submit_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.cancel_button
    counter.qtbot.keyClick(panel.cancel_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.switch_button


def test_bank_form_and_update_form_focus_their_first_field(counter):
    _open_card_form(counter, Qt.Key.Key_F7)
    _wait_active(counter, "routingNumber")
    counter.qtbot.keyClicks(_keys_target(counter.window.panel.view), "131111114")
    counter.qtbot.waitUntil(lambda: run_js(counter.qtbot, counter.frame(),
                                           "document.getElementById('routingNumber').value") == "131111114",
                            timeout=5000)
    counter.key(Qt.Key.Key_Escape, counter.window.panel.cancel_button)
    counter.qtbot.waitUntil(lambda: counter.window.stack.currentWidget() is counter.window.customer_page,
                            timeout=5000)
    with counter.qtbot.waitSignal(counter.window.panel.formShown, timeout=15000):
        counter.key(Qt.Key.Key_F8)
    _wait_active(counter, "cardNumber")
