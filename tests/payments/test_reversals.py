"""Voids and refunds: manager approval, PaySimple's windows, write-ahead and look-up when the answer is lost."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pos_app.payments import Approval, NotAllowed, State
from tests.fixtures.payments import assert_journal_agrees, make_service, payments_at_gateway

MANAGER = Approval("m1", "manager", "customer changed their mind")


def sale(service, shopper, amount="30.00"):
    a = service.charge(shopper.customer, shopper.card, Decimal(amount), "clerk1")
    assert a.state is State.APPROVED
    return a


@pytest.fixture
def journal(journal_store):
    """These charges run on both journal stores (SQLite, PostgreSQL)."""
    return journal_store


def test_void_before_the_batch(service, shopper, client, journal):
    a = sale(service, shopper)
    option = service.refund_or_void_option(a)
    assert option.action == "void" and "void" in option.explanation and "settle" in option.other
    v = service.void(a, MANAGER)
    assert v.state is State.VOIDED and v.ps_status == "Voided"
    [p] = payments_at_gateway(client, shopper.customer.id)
    assert p.status == "Voided"
    last = journal.transitions(a.id)[-2:]
    assert [t.to_state for t in last] == [State.VOID_PENDING, State.VOIDED]
    assert last[0].clerk == "m1" and "changed their mind" in last[0].cause
    [rev] = journal.reversals()
    assert (rev.kind, rev.manager_id, rev.outcome) == ("void", "m1", "voided")
    assert_journal_agrees(journal, client, shopper.customer.id)


@pytest.mark.parametrize("approval, message", [
    (Approval("c9", "clerk", "because"), "manager"),
    (Approval("m1", "manager", "  "), "reason"),
])
def test_void_needs_a_manager_and_a_reason(service, shopper, client, journal, approval, message):
    a = sale(service, shopper)
    with pytest.raises(NotAllowed, match=message):
        service.void(a, approval)
    assert journal.get(a.id).state is State.APPROVED
    assert payments_at_gateway(client, shopper.customer.id)[0].status == "Authorized"


def test_void_answer_lost_is_looked_up_not_resent(gateway, service, shopper, client, journal):
    a = sale(service, shopper)
    gateway.faults.add("PUT", f"/v4/payment/{a.payment_id}/void", "error_after", 1)
    v = service.void(a, MANAGER)
    assert v.state is State.VOIDED
    assert payments_at_gateway(client, shopper.customer.id)[0].status == "Voided"
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_void_that_never_reached_paysimple_goes_back_to_approved(gateway, service, shopper, client, journal):
    a = sale(service, shopper)
    gateway.faults.add("PUT", f"/v4/payment/{a.payment_id}/void", "error_before", 1)
    v = service.void(a, MANAGER)
    assert v.state is State.APPROVED and "did not take effect" in v.note
    assert service.void(v, MANAGER).state is State.VOIDED  # a manager may try again, explicitly
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_crash_between_write_ahead_and_the_void_call_is_reconciled(gateway, service, shopper, client, journal):
    a = sale(service, shopper)
    journal.add_reversal(a.id, "void", "m1", "crash test", gateway.clock.now())
    journal.transition(a.id, State.APPROVED, State.VOID_PENDING, "void: crash test", "m1", gateway.clock.now())
    restarted = make_service(journal, client, gateway)  # start-up reconcile: GET /payment/{id}
    assert journal.get(a.id).state is State.APPROVED and restarted.ready
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_after_the_batch_only_a_refund_applies(gateway, service, shopper, client, journal):
    a = sale(service, shopper)
    gateway.clock.advance((a.can_void_until - gateway.clock.now()).total_seconds() + 60)  # the batch ran
    option = service.refund_or_void_option(a)
    assert option.action == "refund" and "no longer possible" in option.other
    with pytest.raises(NotAllowed):
        service.void(a, MANAGER)
    r = service.refund(a, MANAGER)
    assert r.state is State.REFUNDED and r.refund_payment_id
    original = client.get_payment(a.payment_id)
    assert original.status == "Reversed"
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_refund_answer_lost_is_looked_up(gateway, service, shopper, client, journal):
    a = sale(service, shopper)
    client.mark_payment_status(a.payment_id)
    gateway.faults.add("PUT", f"/v4/payment/{a.payment_id}/reverse", "drop_after", 1)
    r = service.refund(a, MANAGER)
    assert r.state is State.REFUNDED
    assert client.get_payment(a.payment_id).status == "Reversed"
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_nothing_to_reverse_on_a_declined_attempt(service, shopper):
    a = service.charge(shopper.customer, shopper.card, Decimal("9999.01"), "clerk1")
    option = service.refund_or_void_option(a)
    assert option.action is None and "declined" in option.explanation.lower()
    with pytest.raises(NotAllowed):
        service.refund(a, MANAGER)




def test_option_rules_without_the_gateway():
    from datetime import UTC, datetime

    from pos_app.payments.service import option_for

    now = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    later, earlier = now + timedelta(hours=1), now - timedelta(minutes=1)
    assert option_for("Authorized", later, now).action == "void"
    assert option_for("Posted", later, now).action == "void"
    closed = option_for("Authorized", earlier, now)
    assert closed.action is None and "window has closed" in closed.explanation
    assert option_for("Settled", earlier, now).action == "refund"
    assert option_for("Voided", None, now).action is None
    assert option_for("Failed", None, now).action is None
