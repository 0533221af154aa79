"""Exactly-once charging against the REAL training gateway over TCP, with its fault injection.

Each test ends by counting the payments at the gateway for the customer and checking the journal agrees.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest

from pos_app.payments import AccountRef, LaneBusy, ReconcileRequired, State
from pos_app.payments.service import PaymentService
from pos_app.paysimple.gateway import PaySimpleGateway
from tests.fixtures.gateway import API_KEY, API_USER, make_client
from tests.fixtures.payments import assert_journal_agrees, charged, make_service, payments_at_gateway

PAY = "/v4/payment"


def charge(service, shopper, amount="25.00", **kw):
    return service.charge(shopper.customer, shopper.card, Decimal(amount), "clerk1", **kw)


@pytest.fixture
def journal(journal_store):
    """These charges run on both journal stores (SQLite, PostgreSQL)."""
    return journal_store


def test_approved_charge_is_journaled_before_and_after(service, shopper, client, journal):
    a = charge(service, shopper)
    assert a.state is State.APPROVED
    assert a.payment_id and a.ps_status == "Authorized" and a.auth_code and a.trace_number
    assert a.can_void_until is not None and a.can_void_until.tzinfo is not None
    assert [t.to_state for t in journal.transitions(a.id)] == [State.CREATED, State.SENDING, State.APPROVED]
    [p] = payments_at_gateway(client, shopper.customer.id)
    assert p.order_id == a.id and p.amount == Decimal("25.00") and p.account_id == shopper.card.id
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_decline_is_a_declined_attempt_with_failure_details(service, shopper, client, journal):
    a = charge(service, shopper, "9999.01")
    assert a.state is State.DECLINED
    assert (a.failure_code, a.failure_description) == ("4005", "Do Not Honor")
    assert a.failure_action
    payments = payments_at_gateway(client, shopper.customer.id)
    assert len(payments) == 1 and charged(payments) == []
    assert_journal_agrees(journal, client, shopper.customer.id)


@pytest.mark.parametrize("kind", ["error_after", "drop_after", "stall_after"])
def test_reply_lost_after_the_charge_is_found_not_repeated(gateway, service, shopper, client, journal, kind):
    """500 / closed connection / stall past the 1 s read timeout, all AFTER the gateway took the money."""
    gateway.faults.add("POST", PAY, kind, 1)
    events = []
    a = charge(service, shopper, on_status=events.append)
    assert a.state is State.APPROVED, a.note
    states = [t.to_state for t in journal.transitions(a.id)]
    assert states[:3] == [State.CREATED, State.SENDING, State.UNKNOWN] and states[-1] is State.APPROVED
    assert "checking" in [e.phase for e in events]
    assert len(payments_at_gateway(client, shopper.customer.id)) == 1
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_500_before_the_charge_is_proven_absent_and_a_new_attempt_charges_once(gateway, service, shopper, client,
                                                                                 journal):
    gateway.faults.add("POST", PAY, "error_before", 1)
    a = charge(service, shopper)
    assert a.state is State.ABSENT and "Not charged" in a.note
    assert payments_at_gateway(client, shopper.customer.id) == []
    b = charge(service, shopper)  # the clerk retries: a NEW attempt, a new OrderId
    assert b.state is State.APPROVED and b.id != a.id
    assert len(payments_at_gateway(client, shopper.customer.id)) == 1
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_401_on_the_charge_is_rejected_nothing_charged(gateway, service, shopper, client, journal):
    gateway.faults.add("POST", PAY, "unauthorized", 1)
    a = charge(service, shopper)
    assert a.state is State.REJECTED and "401" in a.note
    assert payments_at_gateway(client, shopper.customer.id) == []
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_401_during_the_lookup_keeps_it_unknown_and_blocks_the_lane_until_resolved(gateway, service, shopper,
                                                                                   client, journal):
    gateway.faults.add("POST", PAY, "error_after", 1)
    gateway.faults.add("GET", f"/v4/customer/{shopper.customer.id}/payments", "unauthorized", 100)
    checks = []
    a = charge(service, shopper, on_status=checks.append)
    assert a.state is State.UNKNOWN and "Could not check" in a.note
    assert "check_failed" in [e.phase for e in checks]
    with pytest.raises(LaneBusy) as busy:
        charge(service, shopper)
    assert busy.value.blocking.id == a.id
    gateway.faults.clear()
    a = service.resolve(a, "clerk1")
    assert a.state is State.APPROVED
    assert len(payments_at_gateway(client, shopper.customer.id)) == 1
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_expired_payment_token_is_rejected_nothing_charged(gateway, service, shopper, client, journal):
    token = gateway.tokens.issue_payment_token(shopper.customer.id, shopper.card.id)
    gateway.clock.advance(16 * 60)  # payment tokens live 15 minutes
    a = charge(service, shopper, payment_token=token)
    assert a.state is State.REJECTED and "400" in a.note
    assert payments_at_gateway(client, shopper.customer.id) == []
    fresh = gateway.tokens.issue_payment_token(shopper.customer.id, shopper.card.id)
    assert charge(service, shopper, payment_token=fresh).state is State.APPROVED
    assert len(payments_at_gateway(client, shopper.customer.id)) == 1
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_gateway_unreachable_is_absent_with_the_reason(journal, shopper, closed_port_url):
    from pos_app.paysimple import PaySimpleClient, Timeouts

    dead = PaySimpleClient(closed_port_url, API_USER, API_KEY,
                           timeouts=Timeouts(connect=1, read=1), max_retries=0)
    service = PaymentService(journal, PaySimpleGateway(dead), "LANE1", settle_after=timedelta(0), lookup_tries=1)
    service.reconcile_unresolved()
    a = charge(service, shopper)
    assert a.state is State.ABSENT and "nothing was sent" in a.note
    assert [t.to_state for t in journal.transitions(a.id)] == [State.CREATED, State.SENDING, State.ABSENT]
    dead.close()


def test_charge_needs_startup_reconcile_and_validates_before_writing(journal, client, gateway, shopper):
    service = PaymentService(journal, PaySimpleGateway(client), "LANE1", clock=gateway.clock.now)
    with pytest.raises(ReconcileRequired):
        charge(service, shopper)
    service.reconcile_unresolved()
    with pytest.raises(ValueError, match="2 decimal"):
        charge(service, shopper, "1.001")
    assert journal.history() == []


def test_concurrent_charges_on_one_lane_only_one_proceeds(gateway, journal, client, shopper):
    """Double clicks / Enter held: eight threads (each its own service, as two windows would) at once."""
    gateway.faults.add("POST", PAY, "delay", 1, delay_s=0.5)  # keep the first one in flight
    services = [make_service(journal, client, gateway) for _ in range(8)]
    results, errors = [], []
    start = threading.Barrier(len(services))

    def go(svc):
        start.wait()
        try:
            results.append(charge(svc, shopper))
        except LaneBusy as exc:
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(s,)) for s in services]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 1 and len(errors) == 7
    assert results[0].state is State.APPROVED
    assert len(payments_at_gateway(client, shopper.customer.id)) == 1
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_other_lanes_are_not_blocked(gateway, journal, client, shopper):
    gateway.faults.add("POST", PAY, "error_after", 1)
    gateway.faults.add("GET", f"/v4/customer/{shopper.customer.id}/payments", "error_before", 100)
    lane1 = make_service(journal, client, gateway, "LANE1", lookup_tries=1)
    lane2 = make_service(journal, client, gateway, "LANE2")
    assert charge(lane1, shopper).state is State.UNKNOWN
    gateway.faults.clear()
    assert charge(lane2, shopper).state is State.APPROVED
    assert lane1.resolve(journal.open_attempt("LANE1")).state is State.APPROVED
    assert len(payments_at_gateway(client, shopper.customer.id)) == 2
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_lookup_waits_out_the_settle_window_before_declaring_absent(gateway, journal, client, shopper):
    gateway.faults.add("POST", PAY, "error_before", 1)
    service = make_service(journal, client, gateway, settle_after=timedelta(seconds=1.0))
    started = time.monotonic()
    a = charge(service, shopper)
    assert a.state is State.ABSENT
    assert time.monotonic() - started >= 0.9
    assert a.sent_at is not None and journal.transitions(a.id)[-1].at >= a.sent_at + timedelta(seconds=1.0)


def test_status_callbacks_and_no_secrets_in_the_journal(gateway, service, shopper, client, journal, journal_backend):
    token = gateway.tokens.issue_payment_token(shopper.customer.id, shopper.card.id)
    events = []
    a = charge(service, shopper, payment_token=token, cvv="996", on_status=events.append)
    assert [e.phase for e in events] == ["saved", "sending", "done"]
    raw = journal_backend.dump()
    assert a.id.encode() in raw  # the files were really read
    assert token.encode() not in raw and b"4111111111111111" not in raw
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_request_still_in_flight_after_a_timeout_is_waited_for_not_declared_absent(gateway, journal, shopper):
    """The gateway sits on the POST longer than the client waits, then charges: 'not found' right after the
    timeout must not become 'absent' (the clerk would charge twice)."""
    slow_reader = make_client(gateway, read=0.3)
    gateway.faults.add("POST", PAY, "delay", 1, delay_s=0.9)
    service = make_service(journal, slow_reader, gateway, in_flight_window=timedelta(seconds=2))
    events = []
    a = charge(service, shopper, on_status=events.append)
    assert a.state is State.APPROVED
    phases = [e.phase for e in events]
    assert "waiting" in phases  # it looked, found nothing yet, and waited instead of saying "not charged"
    causes = [t.cause for t in journal.transitions(a.id)]
    assert "not at PaySimple yet; too early to be sure" in causes
    assert len(payments_at_gateway(slow_reader, shopper.customer.id)) == 1
    assert_journal_agrees(journal, slow_reader, shopper.customer.id)
    slow_reader.close()


def test_ach_account_charge_is_posted_and_approved(service, client, journal, shopper):
    from pos_app.paysimple.models import AchInput

    ach = client.create_ach(AchInput(customer_id=shopper.customer.id, routing_number="131111114",
                                     account_number="751111111", bank_name="PaySimple Bank", is_checking_account=True))
    account = AccountRef.from_paysimple(ach)
    assert (account.kind, account.last4, account.brand) == ("ach", "1111", "PaySimple Bank")
    text = "I authorize a one-time debit of $15.00 from checking account ending 1111."
    a = service.charge(shopper.customer, account, Decimal("15.00"), "clerk1", ach_authorization=text)
    assert a.state is State.APPROVED and a.ps_status == "Posted"
    assert (a.ach_authorization, a.ach_authorized_by) == (text, "clerk1")
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_two_payments_with_our_order_id_is_a_conflict_for_a_manager_never_absent(gateway, service, client, journal,
                                                                                 shopper):
    from pos_app.paysimple import PaymentRequest

    gateway.faults.add("POST", PAY, "error_after", 1)
    a = charge(service, shopper, "9.00")
    assert a.state is State.APPROVED
    # Someone re-sent our OrderId outside the app: the journal must not pick one and move on.
    client.create_payment(PaymentRequest(account_id=shopper.card.id, amount=Decimal("9.00"), order_id=a.id))
    b = journal.create_attempt("LANE7", "clerk1", shopper.customer, shopper.card, "9.00", gateway.clock.now())
    journal.transition(b.id, State.CREATED, State.SENDING, "POST", "clerk1", gateway.clock.now())
    client.create_payment(PaymentRequest(account_id=shopper.card.id, amount=Decimal("9.00"), order_id=b.id))
    client.create_payment(PaymentRequest(account_id=shopper.card.id, amount=Decimal("9.00"), order_id=b.id))
    lane7 = make_service(journal, client, gateway, "LANE7")
    b = journal.get(b.id)
    assert b.state is State.REVIEW and "Needs review" in b.note and "2 payments" in b.note
    assert not lane7.ready
    from datetime import UTC

    from pos_app.payments import end_of_day

    report = end_of_day(journal, PaySimpleGateway(client), gateway.clock.now().astimezone(UTC).date(), tz=UTC)
    found = {(m.kind, m.attempt_id) for m in report.mismatches}
    assert ("duplicate", a.id) in found and ("review", b.id) in found
    assert [r.attempt_id for r in report.reviews] == [b.id]


def test_charge_filed_under_another_customer_is_still_found(gateway, service, client, journal, shopper):
    """The UI paired a customer with someone else's card: PaySimple files the payment under the card's owner.
    A lost reply must still be found (never 'absent' while money was taken)."""
    from tests.fixtures.payments import new_shopper

    other = new_shopper(client, "Bob", "Stone", "5454545454545454")
    gateway.faults.add("POST", PAY, "drop_after", 1)
    a = service.charge(shopper.customer, other.card, Decimal("8.00"), "clerk1")
    assert a.state is State.APPROVED
    assert [p.order_id for p in payments_at_gateway(client, other.customer.id)] == [a.id]


def test_charging_a_deleted_card_is_rejected_nothing_charged(service, client, journal, shopper):
    client.delete_credit_card(shopper.card.id)
    a = charge(service, shopper)
    assert a.state is State.REJECTED and "nothing was charged" in a.note
    assert payments_at_gateway(client, shopper.customer.id) == []


def test_a_charge_under_a_callers_id_is_sent_once_whatever_comes_again(gateway, service, shopper, client, journal):
    """A store server charges under the lane's idempotency key: the attempt (and PaySimple's OrderId) carries
    that id; the same id again, even with another amount, is refused before anything is written or sent, and
    the first charge's outcome is named in the refusal."""
    from pos_app.payments import DuplicateAttempt, InvalidCharge, ids

    key = ids.attempt_id("LANE1")
    a = charge(service, shopper, attempt_id=key)
    assert a.id == key and a.state is State.APPROVED
    for amount in ("25.00", "30.00"):
        with pytest.raises(DuplicateAttempt) as again:
            charge(service, shopper, amount, attempt_id=key)
        assert again.value.existing.id == key and again.value.existing.state is State.APPROVED
    with pytest.raises(InvalidCharge):
        charge(service, shopper, attempt_id=ids.attempt_id("LANE2"))  # another lane's id
    [p] = payments_at_gateway(client, shopper.customer.id)
    assert p.order_id == key
    assert [x.id for x in journal.history(limit=None)] == [key]
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_one_callers_id_sent_from_many_threads_at_once_is_one_charge(gateway, journal, client, shopper):
    """Retries of one request arriving together (a lane's retry while the first is in flight): one charge; the
    others are refused as a payment in progress (the lane lock) or as the same payment, never sent."""
    from pos_app.payments import DuplicateAttempt, ids

    gateway.faults.add("POST", PAY, "delay", 1, delay_s=0.5)
    key = ids.attempt_id("LANE1")
    services = [make_service(journal, client, gateway) for _ in range(6)]
    results, refused = [], []
    start = threading.Barrier(len(services))

    def go(svc):
        start.wait()
        try:
            results.append(charge(svc, shopper, attempt_id=key))
        except (LaneBusy, DuplicateAttempt) as exc:
            refused.append(exc)

    threads = [threading.Thread(target=go, args=(s,)) for s in services]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 1 and len(refused) == 5 and results[0].id == key
    late = None
    try:
        charge(services[0], shopper, attempt_id=key)
    except DuplicateAttempt as exc:
        late = exc
    assert late is not None and late.existing.state is State.APPROVED
    assert len(payments_at_gateway(client, shopper.customer.id)) == 1
