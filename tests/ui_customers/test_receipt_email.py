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
