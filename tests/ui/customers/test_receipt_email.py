"""``CounterBackend.charge(send_receipt=...)`` reaches PaySimple: the training gateway keeps the payment's
SuccessReceiptOptions and answers them on GET /payment/{id}."""

from __future__ import annotations

from decimal import Decimal

from pos_app.customers.models import CustomerRecord
from pos_app.payments import CustomerRef
from pos_app.paysimple import CreditCardInput


def _receipt_options(backend, payment_id: int) -> dict:
    return backend.client._get(f"/payment/{payment_id}").envelope.response["SuccessReceiptOptions"]


def test_charge_asks_paysimple_to_email_the_receipt_only_when_told(backend):
    stored = backend.create_customer(CustomerRecord("Katherine", "Johnson", email="kj@example.com"))
    card = backend.client.create_credit_card(CreditCardInput(
        customer_id=stored.paysimple_id, credit_card_number="4111111111111111", expiration_date="12/2031",
        billing_zip_code="80301"))
    who = CustomerRef(stored.paysimple_id, stored.display_name)
    emailed = backend.charge(who, card, Decimal("12.34"), send_receipt=True)
    plain = backend.charge(who, card, Decimal("5.00"))
    assert emailed.state.value == "approved" and plain.state.value == "approved"
    assert _receipt_options(backend, emailed.payment_id)["SendToCustomer"] is True
    assert _receipt_options(backend, plain.payment_id)["SendToCustomer"] is False


def test_email_receipt_box_in_the_counter_window(qtbot, counter):
    from pos_app.ui.counter.customer_panel import CvvDialog
    from tests.ui.shell.helpers import when_modal

    shell, window = counter
    backend = window.backend
    with_email = backend.create_customer(CustomerRecord("Dorothy", "Vaughan", email="dv@example.com"))
    backend.create_customer(CustomerRecord("Mary", "Jackson"))
    backend.client.create_credit_card(CreditCardInput(
        customer_id=with_email.paysimple_id, credit_card_number="4111111111111111", expiration_date="12/2031",
        billing_zip_code="80301", is_default=True))
    box = window.customer_page.email_receipt

    window.search.setText("Mary Jackson")
    qtbot.waitUntil(lambda: window.shown_query == "Mary Jackson" and window.results.count() == 1, timeout=5000)
    window.select_current_hit()
    assert not box.isEnabled() and "no e-mail" in box.toolTip()

    window.new_sale()
    window.search.setText("Dorothy Vaughan")
    qtbot.waitUntil(lambda: window.shown_query == "Dorothy Vaughan" and window.results.count() == 1, timeout=5000)
    with qtbot.waitSignal(window.accountsShown, timeout=10_000):
        window.select_current_hit()
    assert box.isEnabled() and not box.isChecked()
    box.setChecked(True)
    window.amount.edit.setText("21.00")
    state = when_modal(CvvDialog, lambda d: d.accept())
    with qtbot.waitSignal(window.resultShown, timeout=20_000) as shown:
        window.charge_on_file()
    assert state["error"] is None and shown.args == ["approved"]
    attempt = window.result.attempt
    assert _receipt_options(backend, attempt.payment_id)["SendToCustomer"] is True
    window.new_sale()
    window.search.setText("Dorothy Vaughan")
    qtbot.waitUntil(lambda: window.shown_query == "Dorothy Vaughan" and window.results.count() == 1, timeout=5000)
    window.select_current_hit()
    assert not box.isChecked()   # every sale starts unticked
