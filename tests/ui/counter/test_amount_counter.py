"""The counter window on the real training gateway, in a store that writes money with a comma for cents:
what the clerk types is what is charged, a point for cents is refused before anything is sent, and the
amount reads the same in the field, the confirmation, the result, the status bar and the receipt."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from pos_app import money

pytestmark = pytest.mark.webview


def test_a_comma_store_charges_what_the_clerk_typed_and_shows_it_one_way(counter):
    from pos_app.ui.counter.customer_panel import CvvDialog
    from tests.ui.shell.helpers import when_modal

    w = counter.window
    money.set_store_format("es_ES")  # the store's setting (the autouse fixture restores en_US)
    hit = counter.pick_with_cards("o")
    account = w.customer_page.methods.current_account()
    assert w.customer_page.amount.edit.placeholderText() == "0,00"

    # "12.50" in a comma store: refused with the right way shown; no dialog, nothing journaled or sent
    counter.amount("12.50")
    counter.key(Qt.Key.Key_F5)
    assert w.customer_page.amount.message.text() == "Use a comma for cents: 12,50"
    assert w.customer_page.amount.edit.hasFocus() and w.stack.currentWidget() is w.customer_page
    assert counter.payments(hit.paysimple_id) == [] and w.counter.journal.history(limit=10) == []

    counter.amount("1.234,5")
    seen = {}

    def confirm(dialog):
        seen["text"] = dialog.findChild(QLabel, "formHeader").text()
        dialog.accept()

    state = when_modal(CvvDialog, confirm)
    with counter.qtbot.waitSignal(w.resultShown, timeout=20_000) as shown:
        counter.key(Qt.Key.Key_F5)
    assert state["error"] is None and shown.args == ["approved"], w.result.message.text()
    assert seen["text"].startswith("Charge $1.234,50 to ")
    assert [(p.amount, p.account_id) for p in counter.payments(hit.paysimple_id)] == [(Decimal("1234.50"),
                                                                                        account.id)]
    assert w.result.amount.text() == "$1.234,50"
    assert "$1.234,50" in w.statusBar().currentMessage()
    dialog = w.sale.show_receipt()
    try:
        assert "$1.234,50" in dialog.document.toPlainText() and "$1,234.50" not in dialog.document.toPlainText()
    finally:
        dialog.close()


def test_an_amount_typed_while_a_button_has_the_keyboard_goes_to_the_amount_box(counter):
    """A clerk Tabbed onto "Charge card on file" (or came back to it after Esc) and types a new amount: the
    keys were lost and the old amount stayed to be charged. Now they replace the amount in its box."""
    from pos_app.ui.counter.customer_panel import CvvDialog
    from tests.ui.shell.helpers import when_modal

    w = counter.window
    counter.pick_with_cards("o")
    page = w.customer_page
    counter.amount("1000")
    for button in (page.charge_file_button, page.new_card_button):
        button.setFocus()
        assert button.hasFocus()
        for char in "7.77":  # each key where the keyboard is now, as a person's keys go
            counter.qtbot.keyClicks(w.focusWidget(), char)
        assert page.amount.edit.text() == "7.77" and page.amount.edit.hasFocus()
    seen = {}

    def look(dialog):
        seen["text"] = dialog.findChild(QLabel, "formHeader").text()
        dialog.reject()  # do not charge

    state = when_modal(CvvDialog, look)
    counter.key(Qt.Key.Key_F5)
    counter.qtbot.waitUntil(lambda: state["done"], timeout=5000)
    assert seen["text"].startswith("Charge $7.77 to "), seen
    assert w.counter.journal.history(limit=10) == []
