"""The customer page's "Add to PaySimple" for imported customers: the one visible action, then payments work;
a refused field is named and opened for fixing; an unconfirmed add says when to press again and never makes a
second PaySimple customer. The real counter window, training gateway over TCP, real SQLite."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pos_app.customers.models import CustomerRecord
from pos_app.customers.store import ImportRow


def _import(backend, tmp_path, line: str = '"Hamilton, Margaret",303-555-0177,margaret@example.com') -> int:
    source = tmp_path / "old.csv"
    source.write_text("Name,Phone,Email\n" + line + "\n", encoding="utf-8")
    assert backend.import_csv(source).imported == 1
    [hit] = [h for h in backend.search("Hamilton") if h.local_only]
    return hit.id


def _pick(qtbot, window, query: str):
    window.search.setText(query)
    qtbot.waitUntil(lambda: window.shown_query == query and window.results.count() > 0, timeout=5000)
    window.select_current_hit()
    qtbot.waitUntil(lambda: window.hit is not None, timeout=3000)


def _hamiltons(backend) -> list[dict]:
    return [c for c in backend.gateway.store.list_customers(page_size=5000)[0] if c["LastName"] == "Hamilton"]


def test_an_imported_customer_has_one_visible_action_and_then_takes_payments(qtbot, counter, tmp_path):
    shell, window = counter
    backend = window.counter
    local_id = _import(backend, tmp_path)
    _pick(qtbot, window, "Margaret Hamilton")
    page = window.customer_page
    assert window.hit.id == local_id and window.hit.local_only
    assert page.add_button.isVisible() and page.add_button.isEnabled() and page.add_button.hasFocus()
    assert page.add_button.text() == "Add to PaySimple"
    assert "not in PaySimple yet. Add to PaySimple (Enter) to take payments." in page.methods_note.text()
    assert not page.new_card_button.isEnabled() and not page.charge_file_button.isEnabled()
    with qtbot.waitSignal(window.sale.adder.finished, timeout=15_000) as done:
        qtbot.keyClick(page.add_button, Qt.Key.Key_Return)  # Enter on the focused button, as the note says
    assert done.args == ["added"]
    [ps] = _hamiltons(backend)
    assert window.hit.id == local_id and window.hit.paysimple_id == ps["Id"]  # the same row, now linked
    qtbot.waitUntil(lambda: page.new_card_button.isEnabled(), timeout=5000)
    assert not page.add_button.isVisible() and page.new_ach_button.isEnabled()
    assert page.customer_status.text() == "Added to PaySimple. Payments can be taken now."
    assert backend.directory.get(local_id).paysimple_id == ps["Id"]


def test_a_refused_field_is_named_and_opened_for_fixing(qtbot, counter):
    shell, window = counter
    backend = window.counter
    backend.directory.import_batch([ImportRow(CustomerRecord(  # a row an older import let through: a 3-digit ZIP
        "Margaret", "Hamilton", street1="1 Main St", city="Boston", zip_code="021"))])
    [local_id] = [hit.id for hit in backend.directory.search("margaret hamilton")]
    _pick(qtbot, window, "Margaret Hamilton")
    with qtbot.waitSignal(window.sale.adder.finished, timeout=15_000) as done:
        window.customer_page.add_button.click()
    assert done.args == ["fix"]
    assert window.customer_page.customer_status.text() == ("PaySimple needs these details fixed first: ZIP code. "
                                                           "Correct them in the window that opened, then Save.")
    dialog = window.sale.adder.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    assert dialog.shown_problems() == {"zip_code": "Billing ZIP code must be 5 to 10 characters."}
    assert "not in PaySimple yet" in dialog.intro.text() and _hamiltons(backend) == []
    dialog.inputs["zip_code"].setText("02108")
    with qtbot.waitSignal(dialog.saved, timeout=15_000):
        dialog.save_button.click()
    [ps] = _hamiltons(backend)
    assert ps["BillingAddress"]["ZipCode"] == "02108"
    qtbot.waitUntil(lambda: window.hit.paysimple_id == ps["Id"] and window.hit.id == local_id, timeout=5000)
    assert window.customer_page.customer_status.text() == "Added to PaySimple. Payments can be taken now."


def test_an_unconfirmed_add_says_when_to_press_again_and_never_adds_twice(qtbot, counter, tmp_path):
    shell, window = counter
    backend = window.counter
    local_id = _import(backend, tmp_path)
    _pick(qtbot, window, "Margaret Hamilton")
    page = window.customer_page
    backend.gateway.faults.add("POST", "/v4/customer", "error_before")  # a 500: was she created? nobody knows
    with qtbot.waitSignal(window.sale.adder.finished, timeout=15_000) as done:
        page.add_button.click()
    assert done.args == ["failed"]
    text = page.customer_status.text()
    assert text.startswith("PaySimple did not confirm the add, and the customer is not in PaySimple's list yet; "
                           "nothing was sent twice. Press Add to PaySimple again in about 2 min (after ")
    assert page.add_button.isEnabled() and page.add_button.text() == "Add to PaySimple" and window.hit.local_only
    with qtbot.waitSignal(window.sale.adder.finished, timeout=15_000) as done:  # too early: checked, nothing sent
        page.add_button.click()
    assert done.args == ["failed"] and _hamiltons(backend) == []
    backend.gateway.clock.advance(150)
    with qtbot.waitSignal(window.sale.adder.finished, timeout=15_000) as done:
        page.add_button.click()
    assert done.args == ["added"] and len(_hamiltons(backend)) == 1
    assert window.hit.id == local_id and not window.hit.local_only


def test_a_lost_answer_is_found_and_linked(qtbot, counter, tmp_path):
    shell, window = counter
    backend = window.counter
    _import(backend, tmp_path)
    _pick(qtbot, window, "Margaret Hamilton")
    backend.gateway.faults.add("POST", "/v4/customer", "drop_after")
    with qtbot.waitSignal(window.sale.adder.finished, timeout=15_000) as done:
        window.customer_page.add_button.click()
    assert done.args == ["found"] and len(_hamiltons(backend)) == 1
    assert "nothing was added twice" in window.customer_page.customer_status.text()
    assert not window.hit.local_only


def test_saving_an_imported_customer_in_the_edit_window_is_the_same_once_only_add(qtbot, counter, tmp_path):
    shell, window = counter
    backend = window.counter
    local_id = _import(backend, tmp_path)
    _pick(qtbot, window, "Margaret Hamilton")
    backend.gateway.faults.add("POST", "/v4/customer", "drop_after")
    op = shell.edit_customer()
    qtbot.waitUntil(lambda: getattr(shell, "customer_dialog", None) is not None, timeout=5000)
    dialog = shell.customer_dialog
    with qtbot.waitSignal(dialog.saved, timeout=15_000):
        dialog.save_button.click()
    assert op is not None and len(_hamiltons(backend)) == 1
    qtbot.waitUntil(lambda: window.hit.id == local_id and not window.hit.local_only, timeout=5000)


def test_the_edit_window_says_when_an_unconfirmed_add_can_be_pressed_again(qtbot, backend, english, tmp_path):
    from pos_app.ui.customers.customer_edit import CustomerEditDialog

    local_id = _import(backend, tmp_path)
    dialog = CustomerEditDialog(backend, customer=backend.directory.get(local_id))
    qtbot.addWidget(dialog)
    dialog.show()
    backend.gateway.faults.add("POST", "/v4/customer", "error_before")
    with qtbot.waitSignal(dialog.outcome, timeout=15_000) as done:
        dialog.save_button.click()
    assert done.args == ["failed"] and dialog.isVisible()
    assert "Press Add to PaySimple again in about 2 min (after " in dialog.message.text()
    assert _hamiltons(backend) == [] and backend.directory.get(local_id).local_only
