"""The New customer form as issue 18 asks: pre-filled in proper case, "may already exist" with Open, a state picker
that maps names to codes and never cuts, a checked phone, what is required when, and a layout that never moves.
Real training gateway over TCP, real SQLite directory, the real dialog (offscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pos_app.customers.models import CustomerRecord
from pos_app.ui.customers.customer_edit import CustomerEditDialog, prefill_record


def _save(qtbot, dialog: CustomerEditDialog) -> str:
    with qtbot.waitSignal(dialog.outcome, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def _geometry(dialog: CustomerEditDialog) -> dict:
    out = {attr: edit.mapTo(dialog, edit.rect().topLeft()).toTuple() + edit.size().toTuple()
           for attr, edit in dialog.inputs.items()}
    out["save"] = dialog.save_button.mapTo(dialog, dialog.save_button.rect().topLeft()).toTuple()
    out["dialog"] = dialog.size().toTuple()
    return out


def test_the_search_text_prefills_names_in_proper_case():
    assert prefill_record("luis garcia") == {"first_name": "Luis", "last_name": "Garcia"}
    assert prefill_record("maria de la cruz") == {"first_name": "Maria", "last_name": "de la Cruz"}
    assert prefill_record("sean o'brien") == {"first_name": "Sean", "last_name": "O'Brien"}
    assert prefill_record("mcdonald") == {"last_name": "McDonald"}
    assert prefill_record("garcia, luis") == {"first_name": "Luis", "last_name": "Garcia"}
    assert prefill_record("luis@example.com") == {"email": "luis@example.com"}
    assert prefill_record("(303) 555-0100") == {"phone": "(303) 555-0100"}
    assert prefill_record("LOY-77") == {"customer_account": "LOY-77"}


def test_new_customer_from_the_search_box_is_in_proper_case(qtbot, counter):
    shell, window = counter
    window.search.setText("luis garcia")
    qtbot.waitUntil(lambda: window.shown_query == "luis garcia", timeout=5000)
    qtbot.keyClick(window.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(shell, "customer_dialog", None) is not None, timeout=3000)
    dialog = shell.customer_dialog
    assert (dialog.inputs["first_name"].text(), dialog.inputs["last_name"].text()) == ("Luis", "Garcia")
    assert dialog.labels["first_name"].text() == "First name *" and dialog.labels["street1"].text() == "Billing street"
    assert "once any part of it is filled in, street, city and ZIP code are needed" in dialog.intro.text()


def test_a_customer_who_may_already_exist_is_offered_and_opened(qtbot, counter):
    shell, window = counter
    backend = window.counter
    existing = backend.create_customer(CustomerRecord("Luis", "Garcia", phone="3035550142",
                                                      email="luis@example.com"))
    window.search.setText("luis garcia")
    qtbot.waitUntil(lambda: window.shown_query == "luis garcia", timeout=5000)
    dialog = shell.new_customer()
    qtbot.waitExposed(dialog)
    dialog.inputs["phone"].setText("+1 303-555-0142")
    before = backend.gateway.store.count_customers()
    layout = _geometry(dialog)
    assert _save(qtbot, dialog) == "duplicate"
    assert dialog.message.text().startswith("This customer may already exist:")
    assert "Luis Garcia · (303) 555-0142 · luis@example.com" in dialog.message.text()
    assert dialog.open_button.isVisible() and dialog.open_button.text() == "&Open Luis Garcia"
    assert dialog.open_button.isDefault() and not dialog.save_button.isDefault()
    assert dialog.save_button.text() == "Save as new customer"
    assert _geometry(dialog) == layout  # the notice has its own reserved place
    assert backend.gateway.store.count_customers() == before  # nothing was created
    qtbot.keyClick(dialog.open_button, Qt.Key.Key_Return)  # Enter opens the one who exists
    qtbot.waitUntil(lambda: not dialog.isVisible() and window.hit is not None and window.hit.id == existing.id,
                    timeout=5000)
    assert window.customer_page.customer_name.text() == "Luis Garcia"
    assert backend.gateway.store.count_customers() == before


def test_save_as_new_customer_creates_a_namesake_deliberately(qtbot, backend, english):
    backend.create_customer(CustomerRecord("Luis", "Garcia", email="luis@example.com"))
    dialog = CustomerEditDialog(backend, prefill="luis garcia")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.inputs["email"].setText("LUIS@example.com")
    assert _save(qtbot, dialog) == "duplicate"
    dialog.inputs["email"].setText("luis@example.com")  # set, not typed: the same person still
    before = backend.gateway.store.count_customers()
    assert _save(qtbot, dialog) == "saved"  # "Save as new customer"
    assert backend.gateway.store.count_customers() == before + 1


def test_changing_the_phone_or_email_checks_again(qtbot, backend, english):
    backend.create_customer(CustomerRecord("Luis", "Garcia", phone="3035550142"))
    dialog = CustomerEditDialog(backend, prefill="luis garcia")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.inputs["phone"].setText("3035550142")
    assert _save(qtbot, dialog) == "duplicate"
    dialog.inputs["phone"].selectAll()
    qtbot.keyClicks(dialog.inputs["phone"], "303 555 0143")
    assert not dialog.open_button.isVisible() and dialog.save_button.text() == "Save" and not dialog.duplicates
    assert _save(qtbot, dialog) == "saved"  # another Luis Garcia with another phone: no match, created


def test_state_names_map_to_codes_and_a_wrong_one_is_named_not_cut(qtbot, backend, english):
    dialog = CustomerEditDialog(backend, prefill="grace hopper")
    qtbot.addWidget(dialog)
    dialog.show()
    for attr, text in (("street1", "1 Navy Way"), ("city", "Denver"), ("zip_code", "80202")):
        qtbot.keyClicks(dialog.inputs[attr], text)
    qtbot.keyClicks(dialog.inputs["state_code"], "Colorad")
    before = backend.gateway.store.count_customers()
    assert _save(qtbot, dialog) == "invalid"
    assert dialog.shown_problems() == {"state_code": 'State "Colorad" is not a US state: pick one from the '
                                                     'list, or type its name or code (CO).'}
    assert dialog.inputs["state_code"].text() == "Colorad"  # as typed, never cut to "Co"
    qtbot.keyClicks(dialog.inputs["state_code"], "o")
    assert dialog.shown_problems() == {}
    assert _save(qtbot, dialog) == "saved"
    stored = dialog.result_customer
    assert stored.record.state_code == "CO" and backend.gateway.store.count_customers() == before + 1
    assert backend.client.get_customer(stored.paysimple_id).billing_address.state_code == "CO"


def test_the_state_picker_lists_states_and_shows_a_stored_code_by_name(qtbot, backend, english):
    stored = backend.create_customer(CustomerRecord("Ada", "Lovelace", street1="1 Main St", city="Boulder",
                                                    state_code="CO", zip_code="80301"))
    dialog = CustomerEditDialog(backend, customer=stored)
    qtbot.addWidget(dialog)
    assert dialog.inputs["state_code"].text() == "Colorado (CO)"
    assert dialog.state_picker.count() == 59 and dialog.state_picker.findText("New York (NY)") >= 0
    dialog.state_picker.setCurrentIndex(dialog.state_picker.findText("Wyoming (WY)"))
    assert _save(qtbot, dialog) == "saved" and dialog.result_customer.record.state_code == "WY"


def test_a_short_phone_is_refused_with_the_rule_and_nothing_is_sent(qtbot, backend, english):
    dialog = CustomerEditDialog(backend, prefill="grace hopper")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.inputs["phone"], "12")
    before = backend.gateway.store.count_customers()
    assert _save(qtbot, dialog) == "invalid"
    assert dialog.shown_problems() == {"phone": "Phone needs 10 digits with the area code, e.g. 303 555 0100 "
                                                "(+1 is fine). This one has 2."}
    assert backend.gateway.store.count_customers() == before
    dialog.inputs["phone"].setText("+1 (303) 555-0100")
    assert _save(qtbot, dialog) == "saved" and dialog.result_customer.record.phone == "3035550100"


def test_address_fields_become_required_once_the_address_is_started(qtbot, backend, english):
    dialog = CustomerEditDialog(backend, prefill="grace hopper")
    qtbot.addWidget(dialog)
    dialog.show()
    captions = lambda: {a: dialog.labels[a].text() for a in ("street1", "city", "state_code", "zip_code")}  # noqa: E731
    assert captions() == {"street1": "Billing street", "city": "City", "state_code": "State", "zip_code": "ZIP code"}
    qtbot.keyClicks(dialog.inputs["city"], "Denver")
    assert captions() == {"street1": "Billing street *", "city": "City *", "state_code": "State",
                          "zip_code": "ZIP code *"}
    assert _save(qtbot, dialog) == "invalid"
    assert set(dialog.shown_problems()) == {"street1", "zip_code"}
    assert "needed with an address (street, city and ZIP code), or leave the whole address empty" in \
        dialog.shown_problems()["street1"]
    dialog.inputs["city"].selectAll()
    qtbot.keyClick(dialog.inputs["city"], Qt.Key.Key_Delete)  # the address emptied again: names are enough
    assert captions()["street1"] == "Billing street" and dialog.shown_problems() == {}
    assert _save(qtbot, dialog) == "saved"


def test_messages_never_move_a_field(qtbot, backend, english):
    dialog = CustomerEditDialog(backend)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    layout = _geometry(dialog)
    for attr, text in (("phone", "12"), ("email", "x@"), ("city", "Denver"), ("state_code", "Colorad")):
        qtbot.keyClicks(dialog.inputs[attr], text)
    assert _save(qtbot, dialog) == "invalid"
    assert len(dialog.shown_problems()) == 7  # first, last, phone, e-mail, street, state, ZIP
    assert _geometry(dialog) == layout
    for attr in ("first_name", "phone", "state_code"):
        label = dialog.errors[attr]
        assert label.isVisible() and label.toolTip() == label.text()
        needed = label.fontMetrics().boundingRect(label.contentsRect(), Qt.TextFlag.TextWordWrap, label.text())
        assert needed.height() <= label.height(), (attr, label.text())  # the whole message fits its box
    qtbot.keyClicks(dialog.inputs["phone"], "3")  # clearing a message moves nothing either
    assert _geometry(dialog) == layout
