"""Bank (ACH) debits: no authorization, no debit (service and journal); the journal keeps the text and the
clerk; receipts and the clerk's sentence say "posted - pending", never "approved", with the return notice."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from pos_app.payments import AccountRef, InvalidCharge, Journal, State, clerk_message, receipt_for
from pos_app.payments.receipts import ACH_RETURN_NOTICE
from pos_app.settings import Merchant
from tests.fixtures.payments import payments_at_gateway

TEXT = ("On 2026-12-05 Ada Lovelace authorizes Training Store to debit checking account ending 1111 once for "
        "$42.00. To revoke, call before 5:00 PM Eastern today.")


@pytest.fixture
def journal(journal_store):
    """Bank debits run on both journal stores (SQLite, PostgreSQL)."""
    return journal_store


@pytest.fixture
def bank(client, shopper) -> AccountRef:
    from pos_app.paysimple.models import AchInput

    ach = client.create_ach(AchInput(customer_id=shopper.customer.id, routing_number="131111114",
                                     account_number="751111111", bank_name="PaySimple Bank"))
    return AccountRef.from_paysimple(ach)


@pytest.mark.parametrize("text, message", [
    (None, "authorization"),
    ("   ", "authorization"),
    ("I authorize a debit from the account ending 9999.", "last 4"),
])
def test_no_authorization_no_debit(service, client, journal, shopper, bank, text, message):
    with pytest.raises(InvalidCharge, match=message):
        service.charge(shopper.customer, bank, Decimal("42.00"), "clerk1", ach_authorization=text)
    assert journal.history(limit=None) == []
    assert payments_at_gateway(client, shopper.customer.id) == []


def test_the_journal_itself_refuses_a_bank_attempt_without_authorization(journal, journal_backend, shopper, bank,
                                                                          gateway):
    with pytest.raises(InvalidCharge):
        journal.create_attempt("LANE1", "clerk1", shopper.customer, bank, "42.00", gateway.clock.now())
    now = "2026-12-05T12:00:00.000000Z"
    with pytest.raises(Exception) as refused:  # behind the API: the database itself refuses it
        journal_backend.raw("INSERT INTO attempts (id, lane, clerk, customer_id, customer_name, account_id,"
                            " account_kind, account_last4, account_brand, amount_cents, state, created_at, updated_at)"
                            " VALUES ('LANE1-X', 'LANE1', 'c', 1, 'A', 2, 'ach', '1111', 'Bank', 100, 'created', ?, ?)",
                            (now, now))
    if journal_backend.kind == "sqlite":
        assert isinstance(refused.value, sqlite3.IntegrityError) and "authorization" in str(refused.value)
    else:  # by code and constraint name, not message text
        assert (refused.value.sqlstate, refused.value.diag.constraint_name) == ("23514", "ach_needs_authorization")
    assert journal.history(limit=None) == []


def test_a_card_never_carries_a_bank_authorization(service, shopper):
    with pytest.raises(InvalidCharge, match="bank account"):
        service.charge(shopper.customer, shopper.card, Decimal("5.00"), "clerk1", ach_authorization=TEXT)


def test_authorized_debit_is_journaled_with_text_and_clerk_and_printed(service, client, journal, shopper, bank):
    a = service.charge(shopper.customer, bank, Decimal("42.00"), "clerk7", ach_authorization=TEXT)
    assert a.state is State.APPROVED and a.ps_status == "Posted" and a.is_bank
    stored = journal.get(a.id)
    assert (stored.ach_authorization, stored.ach_authorized_by) == (TEXT, "clerk7")
    created = journal.transitions(a.id)[0]
    assert "authorization read to the customer, confirmed by clerk clerk7" in created.cause
    receipt = receipt_for(a, Merchant(name="Training Store"), clerk_name="Grace")
    text = receipt.text()
    assert receipt.status == "POSTED - PENDING" and "approved" not in text.lower()
    assert receipt.auth_code is None and a.auth_code == "Approved"  # PaySimple's response text is not shown
    assert "BANK DEBIT AUTHORIZATION" in text and "Read to customer by" in text and "Grace" in text
    flat = " ".join(text.split())
    assert TEXT in flat and ACH_RETURN_NOTICE in flat
    message = clerk_message(a)
    assert message.startswith("Posted - pending") and "return" in message and "Approved" not in message


def test_card_receipt_has_no_bank_words(service, shopper):
    a = service.charge(shopper.customer, shopper.card, Decimal("5.00"), "clerk1")
    receipt = receipt_for(a, Merchant(name="Training Store"))
    assert receipt.status == "APPROVED" and receipt.notice is None and receipt.ach_authorization is None
    assert "AUTHORIZATION" not in receipt.text()


def test_old_journal_gains_the_columns(tmp_path, gateway, shopper, bank):
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE attempts (id TEXT PRIMARY KEY, lane TEXT NOT NULL, clerk TEXT NOT NULL, customer_id"
                " INTEGER NOT NULL, customer_name TEXT NOT NULL, account_id INTEGER NOT NULL, account_kind TEXT NOT"
                " NULL, account_last4 TEXT NOT NULL, account_brand TEXT NOT NULL, amount_cents INTEGER NOT NULL,"
                " state TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, sent_at TEXT, payment_id"
                " INTEGER, ps_status TEXT, auth_code TEXT, trace_number TEXT, failure_code TEXT, failure_description"
                " TEXT, failure_action TEXT, can_void_until TEXT, refund_payment_id INTEGER, note TEXT)")
    raw.commit()
    raw.close()
    journal = Journal(path)
    try:
        a = journal.create_attempt("LANE1", "c1", shopper.customer, bank, "42.00", gateway.clock.now(),
                                   ach_authorization=TEXT)
        assert journal.get(a.id).ach_authorization == TEXT
    finally:
        journal.close()
