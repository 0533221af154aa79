"""Issue 13 §1, in the core: no money moves and no account changes without a signed-in clerk identity.
There is no default clerk name; nothing is written to the journal and nothing reaches PaySimple."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_app.payments import Approval, NotAllowed, NotSignedIn
from pos_app.payments.model import require_clerk


@pytest.mark.parametrize("clerk", [None, "", "   ", "None", "system", "counter", "SYSTEM"])
def test_charge_without_a_signed_in_clerk_writes_and_sends_nothing(service, shopper, client, journal, clerk):
    with pytest.raises(NotSignedIn, match="sign in"):
        service.charge(shopper.customer, shopper.card, Decimal("12.34"), clerk)
    assert journal.history() == []
    assert client.customer_payments(shopper.customer.id) == []


def test_a_signed_in_clerk_can_charge(service, shopper, journal):
    attempt = service.charge(shopper.customer, shopper.card, Decimal("12.34"), "7")
    assert attempt.clerk == "7" and journal.get(attempt.id).clerk == "7"


@pytest.mark.parametrize("manager", ["", "system", "None"])
def test_a_void_needs_a_real_manager_identity(manager):
    with pytest.raises(NotAllowed):
        Approval(manager, "manager", "customer changed their mind").check()


def test_require_clerk_returns_the_id_as_text():
    assert require_clerk(12) == "12" and require_clerk(" ann ") == "ann"


def test_the_counter_back_end_refuses_account_changes_with_nobody_signed_in(tmp_path):
    from pos_app.config import Environment, app_paths
    from pos_app.counter import Counter, CounterStart

    backend = Counter.open(CounterStart(Environment.TRAINING, app_paths(tmp_path / "home"), demo_customers=12, in_memory=True))
    try:
        assert backend.clerk is None  # no default clerk
        customer_id, accounts = next(
            (c.id, a) for c in backend.client.iter_customers()
            if (a := backend.accounts(c.id)).credit_cards + a.ach_accounts)
        account = (accounts.credit_cards + accounts.ach_accounts)[0]
        with pytest.raises(NotSignedIn):
            backend.remove_account(account)
        with pytest.raises(NotSignedIn):
            backend.set_default(customer_id, account)
        assert len(backend.accounts(customer_id).credit_cards + backend.accounts(customer_id).ach_accounts) \
            == len(accounts.credit_cards + accounts.ach_accounts)  # nothing removed at PaySimple
    finally:
        backend.close()
