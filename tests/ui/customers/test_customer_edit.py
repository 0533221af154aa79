"""New / Edit customer at the counter, against the real training gateway (respx only for a 400 the gateway
cannot give to a body that passes PaySimple's rules)."""

from __future__ import annotations

import httpx
import respx
from PySide6.QtCore import Qt

from pos_app.customers.models import CustomerRecord
from pos_app.paysimple.rules import FieldMessage
from pos_app.training.envelope import error_body
from pos_app.ui.customers.customer_edit import CustomerEditDialog


def _fill(dialog: CustomerEditDialog, **values: str) -> None:
    for attr, text in values.items():
        dialog.inputs[attr].setText(text)


def _save(qtbot, dialog: CustomerEditDialog) -> str:
    with qtbot.waitSignal(dialog.outcome, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def _counts(backend) -> tuple[int, int]:
    return backend.gateway.store.count_customers(), backend.directory.count()


def test_new_customer_from_the_menu_is_created_found_and_shown(qtbot, counter):
    shell, window = counter
    backend = window.counter
    window.search.setText("Grace Hopper")
    qtbot.waitUntil(lambda: window.shown_query == "Grace Hopper", timeout=5000)
    assert window.results.count() == 0   # nobody: the clerk makes a new customer
    assert window.results_count.text() == "Nobody found · Ctrl+N: new customer"
    # both entries stay usable while the counter is: without a customer, Edit says what to do first
    assert shell.new_customer_action.isEnabled() and shell.edit_customer_action.isEnabled()
    qtbot.keyClick(window.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)   # from the search box
    qtbot.waitUntil(lambda: getattr(shell, "customer_dialog", None) is not None, timeout=3000)
    dialog = shell.customer_dialog
    assert dialog.windowTitle() == "New customer"
    assert dialog.inputs["first_name"].text() == "Grace" and dialog.inputs["last_name"].text() == "Hopper"
    _fill(dialog, phone="(303) 555-0199", email="grace@example.com", customer_account="LOY-77",
          street1="1 Navy Way", city="Arlington", state_code="va", zip_code="22202")
    gateway_before, local_before = _counts(backend)
    assert _save(qtbot, dialog) == "saved"
    stored = dialog.result_customer
    assert _counts(backend) == (gateway_before + 1, local_before + 1)
    at_gateway = backend.client.get_customer(stored.paysimple_id)
    assert (at_gateway.first_name, at_gateway.last_name, at_gateway.phone, at_gateway.email) == \
        ("Grace", "Hopper", "3035550199", "grace@example.com")
    assert at_gateway.billing_address.state_code == "VA" and at_gateway.customer_account == "LOY-77"
    assert [h.id for h in backend.search("Grace Hopper")] == [stored.id]
    assert [h.id for h in backend.search("LOY-77")] == [stored.id]
    # the window shows and opens the new customer
    assert window.search.text() == "Grace Hopper"
    assert window.hit is not None and window.hit.id == stored.id
    assert window.customer_page.customer_name.text() == "Grace Hopper"
    assert shell.edit_customer_action.isEnabled()


def test_invalid_input_is_shown_per_field_and_nothing_is_sent(qtbot, backend, english):
    dialog = CustomerEditDialog(backend)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, first_name="Ada", last_name="", phone="555-0100-12345", email="ada@", street1="1 Main St")
    before = _counts(backend)
    assert _save(qtbot, dialog) == "invalid"
    shown = dialog.shown_problems()
    assert set(shown) == {"last_name", "phone", "email", "city", "zip_code"}
    assert "Last name" in shown["last_name"] and "10 digits" in shown["phone"]
    assert "email" in shown["email"].lower() and "city" in shown["city"].lower()
    assert dialog.inputs["phone"].property("invalid") is True
    assert _counts(backend) == before
    # typing in a marked field clears its message; fixing everything saves
    qtbot.keyClicks(dialog.inputs["phone"], "x")
    assert dialog.errors["phone"].text() == "" and "phone" not in dialog.shown_problems()
    _fill(dialog, last_name="Lovelace", phone="303 555 0100", email="ada@example.com", city="Boulder",
          zip_code="80301")
    assert _save(qtbot, dialog) == "saved"
    assert _counts(backend) == (before[0] + 1, before[1] + 1)


def test_gateway_500_says_it_may_exist_and_leaves_the_directory(qtbot, backend, english):
    dialog = CustomerEditDialog(backend)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, first_name="Alan", last_name="Turing")
    before = _counts(backend)
    backend.gateway.faults.add("POST", "/v4/customer", "error_before")
    assert _save(qtbot, dialog) == "failed"
    assert "may have been created" in dialog.message.text() and "search for them" in dialog.message.text()
    assert _counts(backend) == before
    assert dialog.isVisible() and dialog.save_button.isEnabled()   # the clerk decides what to do next


def test_lost_reply_on_an_edit_and_no_connection(qtbot, backend, english):
    hit = backend.search("a")[0]
    dialog = CustomerEditDialog(backend, customer=backend.directory.get(hit.id))
    qtbot.addWidget(dialog)
    dialog.show()
    before_row = backend.directory.get(hit.id)
    _fill(dialog, company="Analytical Engines")
    backend.gateway.faults.add("PUT", "/v4/customer", "drop_after")
    assert _save(qtbot, dialog) == "failed"
    assert "may have been saved anyway" in dialog.message.text()
    assert backend.directory.get(hit.id) == before_row   # PaySimple has it; the directory waits for a sync
    backend.gateway.faults.add("GET", "/v4/customer/*", "error_before", count=5)  # GET is retried, then gives up
    assert _save(qtbot, dialog) == "failed"
    assert "nothing was saved" in dialog.message.text() and "Try again" in dialog.message.text()


def test_gateway_400_messages_go_under_their_fields(qtbot, backend, english):
    dialog = CustomerEditDialog(backend)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, first_name="Alan", last_name="Turing", email="alan@example.com")
    before = _counts(backend)
    body = error_body(400, "InvalidInput", [FieldMessage("Email", "Email domain does not accept mail."),
                                            FieldMessage("Notes", "Notes are locked.")])
    with respx.mock(assert_all_called=False) as router:
        refused = router.post(f"{backend.gateway.api_url}/customer").mock(
            return_value=httpx.Response(400, content=body, headers={"Content-Type": "application/json"}))
        router.route().pass_through()
        assert _save(qtbot, dialog) == "refused"
    assert refused.call_count == 1
    assert dialog.errors["email"].text() == "Email domain does not accept mail."
    assert "PaySimple refused the details" in dialog.message.text() and "Notes are locked." in dialog.message.text()
    assert _counts(backend) == before


def test_edit_from_the_menu_changes_gateway_and_directory(qtbot, counter):
    shell, window = counter
    backend = window.counter
    target = backend.create_customer(CustomerRecord("Edsger", "Dijkstra", phone="3035550001",
                                                    email="old@example.com"))
    window.search.setText("Dijkstra")
    qtbot.waitUntil(lambda: window.shown_query == "Dijkstra" and window.results.count() == 1, timeout=5000)
    window.select_current_hit()
    assert shell.edit_customer_action.isEnabled()
    focused = window.focusWidget()
    assert focused is window.customer_page.amount.edit   # the window puts the clerk in the amount field
    qtbot.keyClick(focused, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(shell, "customer_dialog", None) is not None
                    and shell.customer_dialog.isVisible(), timeout=3000)
    dialog = shell.customer_dialog
    assert dialog.windowTitle() == "Edit customer" and dialog.inputs["email"].text() == "old@example.com"
    _fill(dialog, phone="720-555-0002", email="edsger@example.com")
    before = _counts(backend)
    assert _save(qtbot, dialog) == "saved"
    at_gateway = backend.client.get_customer(target.paysimple_id)
    assert (at_gateway.phone, at_gateway.email, at_gateway.last_name) == ("7205550002", "edsger@example.com",
                                                                           "Dijkstra")
    row = backend.directory.get(target.id)
    assert (row.record.phone, row.record.email) == ("7205550002", "edsger@example.com")
    assert _counts(backend) == before   # an edit, not a new customer
    assert [h.id for h in backend.search("edsger@example.com")] == [target.id]
    assert window.hit.id == target.id and "edsger@example.com" in window.customer_page.customer_meta.text()


def test_edit_of_a_customer_deleted_meanwhile(qtbot, backend, english):
    target = backend.create_customer(CustomerRecord("Barbara", "Liskov"))
    backend.client.delete_customer(target.paysimple_id)
    dialog = CustomerEditDialog(backend, customer=backend.directory.get(target.id))
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, company="MIT")
    assert _save(qtbot, dialog) == "refused"
    assert "no longer has this customer" in dialog.message.text()
    assert backend.directory.get(target.id).record.company is None


def test_editing_an_imported_customer_creates_them_in_paysimple(qtbot, backend, english, tmp_path):
    source = tmp_path / "old.csv"
    source.write_text("Name,Phone\n\"Hamilton, Margaret\",303-555-0177\n", encoding="utf-8")
    assert backend.import_csv(source).imported == 1
    hit = backend.search("Margaret Hamilton")[0]
    assert hit.local_only
    dialog = CustomerEditDialog(backend, customer=backend.directory.get(hit.id))
    qtbot.addWidget(dialog)
    dialog.show()
    assert "not in PaySimple yet" in dialog.intro.text()
    gateway_before = backend.gateway.store.count_customers()
    _fill(dialog, email="margaret@example.com")
    assert _save(qtbot, dialog) == "saved"
    row = backend.directory.get(hit.id)   # same local id, now linked
    assert row.paysimple_id is not None and backend.gateway.store.count_customers() == gateway_before + 1
    at_gateway = backend.client.get_customer(row.paysimple_id)
    assert (at_gateway.first_name, at_gateway.last_name, at_gateway.phone, at_gateway.email) == \
        ("Margaret", "Hamilton", "3035550177", "margaret@example.com")


def test_edit_entry_follows_the_selection(qtbot, counter):
    shell, window = counter
    refused = []
    window.keyRefused.connect(refused.append)
    assert shell.edit_customer() is None and refused == [
        "First find the customer: Ctrl+F, then ↑↓ and Enter. Ctrl+E then edits them."]
    assert window.statusBar().currentMessage() == refused[0]  # the reason, where the clerk sees it
    window.search.setText("a")
    qtbot.waitUntil(lambda: window.shown_query == "a" and window.results.count() > 0, timeout=5000)
    window.select_current_hit()
    assert shell.edit_customer_action.isEnabled() and shell.selected_customer_id() == window.hit.id
    window.sale.new_sale()
    assert shell.edit_customer() is None and len(refused) == 2 and shell.selected_customer_id() is None
