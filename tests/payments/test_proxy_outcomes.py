"""Honest outcomes whatever sits between the counter and PaySimple: PaymentService → client → misbehaving
proxy → training gateway, all over real TCP. Each test reads the journal AND the gateway's own records (through
a second client that bypasses the proxy): one or zero payments per OrderId, never "not charged" while the
gateway holds the money, never "approved"/"declined" on a reply that was for another payment."""

from __future__ import annotations

import time
from datetime import UTC, timedelta
from decimal import Decimal

import pytest

from pos_app.payments import Approval, LaneBusy, NotAllowed, State, end_of_day
from pos_app.paysimple import PaySimpleClient, Timeouts
from pos_app.paysimple.gateway import PaySimpleGateway
from pos_app.training.proxy import MisbehavingProxy
from tests.fixtures.gateway import API_KEY, API_USER
from tests.fixtures.payments import assert_journal_agrees, make_service, new_shopper

PAY = "/v4/payment"
WINDOW = timedelta(seconds=2)
TOTAL = 1.5  # the client's overall deadline per request


@pytest.fixture
def proxy(gateway):
    with MisbehavingProxy(gateway.base_url, upstream_timeout=10) as p:
        yield p


@pytest.fixture
def via(proxy, gateway):
    """The counter's client: everything it sends goes through the proxy."""
    c = PaySimpleClient(proxy.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=1, read=1, total=TOTAL),
                        max_retries=1, backoff_base=0.01, clock=gateway.clock.now)
    yield c
    c.close()


@pytest.fixture
def service(journal, via, gateway):
    return make_service(journal, via, gateway, in_flight_window=WINDOW, settle_after=timedelta(seconds=0.3))


def orders_at_gateway(client, customer_id: int) -> dict[str, list]:
    """The gateway's own records (``client`` bypasses the proxy): charges by OrderId."""
    out: dict[str, list] = {}
    for p in client.customer_payments(customer_id):
        if p.amount > 0:
            out.setdefault(p.order_id, []).append(p)
    return out


def charge(service, shopper, amount="25.00"):
    started = time.monotonic()
    attempt = service.charge(shopper.customer, shopper.card, Decimal(amount), "clerk1")
    return attempt, time.monotonic() - started


def states(journal, attempt) -> list[State]:
    return [t.to_state for t in journal.transitions(attempt.id)]


# --- a proxy answers 502/503/504 ------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [502, 503, 504])
@pytest.mark.parametrize("body", ["html", "envelope"])
def test_gateway_error_before_paysimple_saw_it_is_not_charged_only_after_the_window(service, shopper, client,
                                                                                 journal, proxy, status, body):
    proxy.faults.add("POST", PAY, "status_before", status=status, body=body)
    a, took = charge(service, shopper)
    assert a.state is State.ABSENT and "Not charged" in a.note
    assert took >= WINDOW.total_seconds() - 0.1  # a proxy's page never shortens the in-flight window
    assert "not at PaySimple yet; too early to be sure" in [t.cause for t in journal.transitions(a.id)]
    assert orders_at_gateway(client, shopper.customer.id) == {}
    assert_journal_agrees(journal, client, shopper.customer.id)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_error_after_paysimple_charged_is_found(service, shopper, client, journal, proxy, status):
    proxy.faults.add("POST", PAY, "status_after", status=status)
    a, _ = charge(service, shopper)
    assert a.state is State.APPROVED and State.ABSENT not in states(journal, a)
    assert list(orders_at_gateway(client, shopper.customer.id)) == [a.id]
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_504_while_paysimple_still_works_waits_for_the_payment_never_absent(gateway, service, shopper, client,
                                                                           journal, proxy):
    """The reproduced double charge: 504 early, PaySimple lands the payment 1 s later. It must be found."""
    gateway.faults.add("POST", PAY, "delay", delay_s=1.0)
    proxy.faults.add("POST", PAY, "status_early", status=504, delay_s=0.05)
    a, _ = charge(service, shopper)
    assert a.state is State.APPROVED
    assert State.ABSENT not in states(journal, a)
    assert "not at PaySimple yet; too early to be sure" in [t.cause for t in journal.transitions(a.id)]
    assert list(orders_at_gateway(client, shopper.customer.id)) == [a.id]
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_positive_control_paysimples_own_500_still_settles_fast(gateway, service, shopper, client, journal):
    gateway.faults.add("POST", PAY, "error_before")  # PaySimple's envelope, passed through the proxy unchanged
    a, took = charge(service, shopper)
    assert a.state is State.ABSENT and took < WINDOW.total_seconds()
    assert orders_at_gateway(client, shopper.customer.id) == {}


@pytest.mark.parametrize("status", [400, 403, 404])
def test_a_proxys_html_4xx_after_the_charge_is_not_rejected(service, shopper, client, journal, proxy, status):
    proxy.faults.add("POST", PAY, "status_after", status=status)
    a, _ = charge(service, shopper)
    assert a.state is State.APPROVED and State.REJECTED not in states(journal, a)
    assert list(orders_at_gateway(client, shopper.customer.id)) == [a.id]


def test_a_proxys_html_4xx_before_paysimple_is_absent_after_the_window_not_rejected(service, shopper, client,
                                                                                    journal, proxy):
    proxy.faults.add("POST", PAY, "status_before", status=403)
    a, took = charge(service, shopper)
    assert a.state is State.ABSENT and took >= WINDOW.total_seconds() - 0.1
    assert orders_at_gateway(client, shopper.customer.id) == {}


# --- slow replies ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["drip", "drip_body"])
def test_a_dripping_reply_ends_at_the_deadline_and_is_looked_up(service, shopper, client, journal, proxy, kind):
    proxy.faults.add("POST", PAY, kind, delay_s=0.2)  # ~1,300 bytes at 5 per second: minutes without a deadline
    events = []
    started = time.monotonic()
    a = service.charge(shopper.customer, shopper.card, Decimal("25.00"), "clerk1", on_status=events.append)
    took = time.monotonic() - started
    assert a.state is State.APPROVED and took < TOTAL + 1.5
    assert states(journal, a)[:3] == [State.CREATED, State.SENDING, State.UNKNOWN]
    assert "limited to 1.5 s" in journal.transitions(a.id)[2].cause
    assert list(orders_at_gateway(client, shopper.customer.id)) == [a.id]


def test_a_request_held_longer_than_the_window_is_dropped_by_the_proxy_and_absent(service, shopper, client,
                                                                                  journal, proxy):
    """A proxy holding the request past the client's deadline and the window: the client gives up, the proxy
    does not pass it on (its client left), the look-ups after the window say absent, and it stays so."""
    hold = WINDOW.total_seconds() + TOTAL + 0.5
    proxy.faults.add("POST", PAY, "hold_request", delay_s=hold)
    started = time.monotonic()
    a, _ = charge(service, shopper)
    assert a.state is State.ABSENT
    time.sleep(max(0.0, started + hold + 0.3 - time.monotonic()))  # past the moment it would have gone on
    assert proxy.dropped == 1 and orders_at_gateway(client, shopper.customer.id) == {}


def test_a_reply_held_longer_than_the_window_is_looked_up_and_found(service, shopper, client, journal, proxy):
    proxy.faults.add("POST", PAY, "hold_reply", delay_s=WINDOW.total_seconds() + TOTAL + 1)
    a, took = charge(service, shopper)
    assert a.state is State.APPROVED and took < TOTAL + 1.5
    assert list(orders_at_gateway(client, shopper.customer.id)) == [a.id]


# --- replies for another payment ------------------------------------------------------------------------------

def test_a_replayed_reply_for_another_order_needs_review_and_blocks_the_lane(service, shopper, client, journal,
                                                                           proxy, gateway):
    first, _ = charge(service, shopper, "10.00")
    assert first.state is State.APPROVED
    proxy.faults.add("POST", PAY, "replay")  # a broken cache answers with the first sale's reply
    a, _ = charge(service, shopper, "20.00")
    assert a.state is State.REVIEW and a.payment_id is None  # not approved on someone else's reply
    assert first.id in a.note and "Needs review" in a.note
    with pytest.raises(LaneBusy) as busy:
        charge(service, shopper, "20.00")
    assert busy.value.blocking.id == a.id
    gateway_orders = orders_at_gateway(client, shopper.customer.id)
    assert sorted(gateway_orders) == sorted([first.id, a.id])  # PaySimple did take the second sale
    # "Check again": PaySimple's own records, read by a look-up whose replies pass the checks, settle it.
    a = service.resolve(a, "clerk1")
    assert a.state is State.APPROVED and a.payment_id == gateway_orders[a.id][0].id
    assert service.ready
    report = end_of_day(journal, PaySimpleGateway(client), gateway.clock.now().astimezone(UTC).date(), tz=UTC)
    [review] = report.reviews
    assert (review.attempt_id, review.state) == (a.id, "approved") and first.id in review.reason
    assert report.mismatches == []
    assert_journal_agrees(journal, client, shopper.customer.id)


@pytest.mark.parametrize("kind", ["other_amount", "other_order"])
def test_a_reply_for_another_amount_or_order_is_never_approved(service, shopper, client, journal, proxy, kind):
    proxy.faults.add("POST", PAY, kind)
    a, _ = charge(service, shopper, "20.00")
    assert a.state is State.REVIEW and State.APPROVED not in states(journal, a)
    assert ("amount 21.0" in a.note) if kind == "other_amount" else ("order OTHER-ORDER" in a.note)
    assert service.resolve(a).state is State.APPROVED
    assert list(orders_at_gateway(client, shopper.customer.id)) == [a.id]


def test_a_decline_for_another_amount_is_never_declined(service, shopper, client, journal, proxy):
    proxy.faults.add("POST", PAY, "other_amount")
    a, _ = charge(service, shopper, "9999.01")
    assert a.state is State.REVIEW and State.DECLINED not in states(journal, a)
    assert service.resolve(a).state is State.DECLINED


def test_an_old_approval_replayed_for_a_refused_payment_ends_absent_not_approved(gateway, service, shopper,
                                                                                client, journal, proxy):
    first, _ = charge(service, shopper, "10.00")
    gateway.faults.add("POST", PAY, "error_before")  # PaySimple refuses this one ...
    proxy.faults.add("POST", PAY, "replay")          # ... but the cache answers 201 with the old approval
    a, _ = charge(service, shopper, "20.00")
    assert a.state is State.REVIEW
    started = time.monotonic()
    a = service.resolve(a)
    assert a.state is State.ABSENT and time.monotonic() - started >= 0.5  # waited out the window first
    assert list(orders_at_gateway(client, shopper.customer.id)) == [first.id]


def test_a_lookup_answered_with_another_customers_list_proves_nothing(gateway, service, shopper, client,
                                                                     journal, proxy, via):
    other = new_shopper(client, "Bob", "Stone", "5454545454545454")
    bob = make_service(journal, via, gateway, lane="LANE2")
    assert bob.charge(other.customer, other.card, Decimal("5.00"), "clerk1").state is State.APPROVED
    via.customer_payments(other.customer.id)  # the proxy has now seen Bob's list (one payment)
    proxy.faults.add("POST", PAY, "status_after", status=502)
    proxy.faults.add("GET", r"^/v4/customer/[0-9]+/payments$", "replay", count=1)
    events = []
    a = service.charge(shopper.customer, shopper.card, Decimal("25.00"), "clerk1", on_status=events.append)
    assert a.state is State.APPROVED  # the second look-up (not replayed) found it
    failed = [e.message for e in events if e.phase == "check_failed"]
    assert len(failed) == 1 and "not for this question" in failed[0]
    assert proxy.faults.counts() == {"status_after": 1, "replay": 1}
    assert list(orders_at_gateway(client, shopper.customer.id)) == [a.id]


# --- a manager closes a review ----------------------------------------------------------------------------------

def test_a_conflict_at_paysimple_needs_review_and_a_manager_closes_it(gateway, service, shopper, client, journal,
                                                                      proxy):
    from pos_app.paysimple import PaymentRequest

    proxy.faults.add("POST", PAY, "status_after", status=502)
    # While our reply is lost, someone re-sends our OrderId for another amount outside the app.
    a_id = {}

    def on_status(event):
        if event.phase == "checking" and not a_id:
            a_id["id"] = event.attempt_id
            client.create_payment(PaymentRequest(account_id=shopper.card.id, amount=Decimal("99.00"),
                                                 order_id=event.attempt_id))

    a = service.charge(shopper.customer, shopper.card, Decimal("25.00"), "clerk1", on_status=on_status)
    assert a.state is State.REVIEW and "2 payments" in a.note
    assert service.resolve(a).state is State.REVIEW  # a look-up cannot settle a conflict
    with pytest.raises(NotAllowed, match="manager"):
        service.close_review(a, Approval("c1", "clerk", "looked"))
    ours, stray = sorted(orders_at_gateway(client, shopper.customer.id)[a.id], key=lambda p: p.amount)
    assert (ours.amount, stray.amount) == (Decimal("25.00"), Decimal("99.00"))
    manager = Approval("m1", "manager", "checked PaySimple's web portal")
    with pytest.raises(NotAllowed, match="also has payment"):
        service.close_review(a, manager, payment_id=ours.id)
    with pytest.raises(NotAllowed, match="still has payment"):
        service.close_review(a, manager)
    client.void_payment(stray.id)  # the manager voids the stray payment at PaySimple
    with pytest.raises(NotAllowed, match="not this sale's"):
        service.close_review(a, manager, payment_id=stray.id)
    a = service.close_review(a, manager, payment_id=ours.id)
    assert a.state is State.APPROVED and a.payment_id == ours.id and service.ready
    last = journal.transitions(a.id)[-1]
    assert last.clerk == "m1" and "checked PaySimple's web portal" in last.cause


# --- voids through the proxy ------------------------------------------------------------------------------------

def test_a_void_answered_with_another_payments_reply_is_looked_up_not_applied(service, shopper, client, journal,
                                                                             proxy):
    manager = Approval("m1", "manager", "customer changed their mind")
    first, _ = charge(service, shopper, "10.00")
    second, _ = charge(service, shopper, "20.00")
    assert service.void(first, manager).state is State.VOIDED  # the proxy has seen first's void reply
    proxy.faults.add("PUT", "/v4/payment/*/void", "replay")
    done = service.void(second, manager)
    assert done.state is State.VOIDED
    causes = [t.cause for t in journal.transitions(second.id)]
    assert causes[-1] == "found at PaySimple: Voided"  # from GET /payment/{id}, not from the replayed reply
    assert client.get_payment(second.payment_id).status == "Voided"
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_a_proxys_502_before_a_void_leaves_the_sale_approved_after_the_window(service, shopper, client, journal,
                                                                             proxy):
    sale, _ = charge(service, shopper, "10.00")
    proxy.faults.add("PUT", "/v4/payment/*/void", "status_before", status=502)
    started = time.monotonic()
    done = service.void(sale, Approval("m1", "manager", "mistake"))
    assert done.state is State.APPROVED and "did not take effect" in done.note
    assert time.monotonic() - started >= WINDOW.total_seconds() - 0.1
    assert client.get_payment(sale.payment_id).status == "Authorized"


# --- the clerk stops waiting ------------------------------------------------------------------------------------

def test_a_charge_nobody_waits_for_still_finishes_and_guards_the_lane(service, shopper, client, journal, proxy):
    """The UI lets the clerk stop waiting: the worker goes on, its window is gone (callbacks raise), the lane
    stays blocked until the journal has the outcome."""
    import threading

    proxy.faults.add("POST", PAY, "drip", delay_s=0.2)

    def gone_window(event):
        raise RuntimeError("the result screen was closed")

    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("a", service.charge(
        shopper.customer, shopper.card, Decimal("30.00"), "clerk1", on_status=gone_window)))
    worker.start()
    assert wait_open(journal)
    with pytest.raises(LaneBusy):
        charge(service, shopper, "30.00")
    worker.join(TOTAL + 10)
    assert not worker.is_alive()
    a = result["a"]
    assert a.state is State.APPROVED and journal.get(a.id).state is State.APPROVED and service.ready
    assert list(orders_at_gateway(client, shopper.customer.id)) == [a.id]


def wait_open(journal, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if journal.open_attempt("LANE1") is not None:
            return True
        time.sleep(0.01)
    return False
