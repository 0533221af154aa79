"""Cards entered for one charge: kept on file only with consent; declined ones never; removal survives faults
and restarts. A real training gateway over TCP (its own account list is the proof), a real journal file."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pos_app.payments import AccountRef, Approval, State
from pos_app.payments.onfile import OnFile
from pos_app.payments.store import OnFileState
from pos_app.paysimple.gateway import PaySimpleGateway
from tests.fixtures.gateway import make_client
from tests.fixtures.payments import make_service, new_shopper

MANAGER = Approval("m1", "manager", "wrong amount")
CARD_DELETE = "/v4/account/creditcard/*"


def new_card(client, shopper, number="5454545454545454") -> AccountRef:
    """What PaySimpleJS does on submit: the card is stored for the customer before any charge."""
    from pos_app.paysimple.models import CreditCardInput

    card = client.create_credit_card(CreditCardInput(customer_id=shopper.customer.id, credit_card_number=number,
                                                     expiration_date="11/2031"))
    return AccountRef.from_paysimple(card)


def live_ids(client, customer_id) -> set[int]:
    accounts = client.get_accounts(customer_id)
    return {a.id for a in [*accounts.credit_cards, *accounts.ach_accounts]}


@pytest.fixture
def journal(journal_store):
    """Accounts on file are kept on both journal stores (SQLite, PostgreSQL)."""
    return journal_store


@pytest.fixture
def onfile(journal, client, gateway):
    return OnFile(journal, PaySimpleGateway(client), clock=gateway.clock.now)


def charge_new(onfile, service, shopper, account, amount="25.00", consent=False):
    onfile.record_new(account, shopper.customer.id, consent, "clerk1")
    try:
        return service.charge(shopper.customer, account, Decimal(amount), "clerk1")
    finally:
        onfile.release(account.id)


def test_without_consent_hidden_at_once_removed_after_the_void_window(gateway, service, client, journal, shopper,
                                                                      onfile):
    card = new_card(client, shopper)
    sale = charge_new(onfile, service, shopper, card)
    assert sale.state is State.APPROVED and sale.can_void_until is not None
    report = onfile.sweep()
    assert [r.account_id for r in report.waiting] == [card.id]
    record = onfile.get(card.id)
    assert record.state is OnFileState.PENDING and record.remove_after == sale.can_void_until
    assert card.id in onfile.hidden_ids(shopper.customer.id)
    assert card.id in live_ids(client, shopper.customer.id)  # still at PaySimple: the sale can be voided
    gateway.clock.set(sale.can_void_until + timedelta(seconds=1))
    report = onfile.sweep()
    assert [r.account_id for r in report.removed] == [card.id]
    assert card.id not in live_ids(client, shopper.customer.id)
    assert shopper.card.id in live_ids(client, shopper.customer.id)  # the customer's own card stays
    assert [e[1] for e in onfile.events(card.id)] == ["recorded", "removed from PaySimple"]
    assert onfile.get(card.id).reason == "the customer did not agree to keep it on file"


def test_void_before_removal_then_removed_at_once(gateway, service, client, journal, shopper, onfile):
    card = new_card(client, shopper)
    sale = charge_new(onfile, service, shopper, card)
    assert onfile.sweep().waiting
    assert service.void(sale, MANAGER).state is State.VOIDED  # the account is still there to void against
    report = onfile.sweep()
    assert [r.account_id for r in report.removed] == [card.id]
    assert card.id not in live_ids(client, shopper.customer.id)


def test_refund_after_the_account_was_removed_reaches_the_same_account(gateway, service, client, journal, shopper,
                                                                       onfile):
    """Decision 0160: the training gateway refunds a settled payment whose account was deleted (to the same,
    soft-deleted account), and the service records it like any refund."""
    card = new_card(client, shopper)
    sale = charge_new(onfile, service, shopper, card)
    gateway.clock.set(sale.can_void_until + timedelta(seconds=1))  # void window closed: settled, removed
    assert onfile.sweep().removed
    assert service.refund_or_void_option(sale).action == "refund"
    refunded = service.refund(sale, MANAGER)
    assert refunded.state is State.REFUNDED
    credit = client.get_payment(refunded.refund_payment_id)
    assert credit.account_id == card.id and credit.amount == -sale.amount


def test_with_consent_kept_and_shown(service, client, journal, shopper, onfile):
    card = new_card(client, shopper)
    sale = charge_new(onfile, service, shopper, card, consent=True)
    assert sale.state is State.APPROVED
    report = onfile.sweep()
    assert [r.account_id for r in report.kept] == [card.id]
    assert onfile.get(card.id).state is OnFileState.KEPT and card.id not in onfile.hidden_ids()
    assert card.id in live_ids(client, shopper.customer.id)


@pytest.mark.parametrize("consent", [True, False])
def test_declined_card_is_removed_with_or_without_consent(service, client, journal, shopper, onfile, consent):
    card = new_card(client, shopper)
    sale = charge_new(onfile, service, shopper, card, amount="9999.01", consent=consent)
    assert sale.state is State.DECLINED
    report = onfile.sweep([card.id])
    assert [r.account_id for r in report.removed] == [card.id]
    assert onfile.get(card.id).reason == "the payment was declined"
    assert card.id not in live_ids(client, shopper.customer.id)


def test_refused_charge_removes_the_card(gateway, service, client, journal, shopper, onfile):
    card = new_card(client, shopper)
    gateway.faults.add("POST", "/v4/payment", "unauthorized", 1)
    sale = charge_new(onfile, service, shopper, card, consent=True)
    assert sale.state is State.REJECTED
    assert [r.account_id for r in onfile.sweep().removed] == [card.id]
    assert onfile.get(card.id).reason == "the payment was refused by PaySimple"


def test_unknown_outcome_waits_then_follows_the_outcome(gateway, journal, client, shopper, onfile):
    """The reply is lost and the look-up fails: the card may be needed for a void, so it waits; once the
    payment is found (approved), it waits for the void window like any other."""
    service = make_service(journal, client, gateway, lookup_tries=1)
    card = new_card(client, shopper)
    gateway.faults.add("POST", "/v4/payment", "error_after", 1)
    gateway.faults.add("GET", "/v4/customer/*/payments", "error_before", 10)
    sale = charge_new(onfile, service, shopper, card)
    assert sale.state is State.UNKNOWN
    report = onfile.sweep()
    assert [r.account_id for r in report.waiting] == [card.id] and onfile.get(card.id).remove_after is None
    gateway.faults.clear()
    sale = service.resolve(sale)
    assert sale.state is State.APPROVED
    assert onfile.sweep().waiting and onfile.get(card.id).remove_after == sale.can_void_until


def test_a_held_record_is_not_swept_until_released_or_lapsed(gateway, client, journal, shopper, onfile):
    card = new_card(client, shopper)
    onfile.record_new(card, shopper.customer.id, False, "clerk1")  # the payment is about to be sent
    assert onfile.sweep().waiting and card.id in live_ids(client, shopper.customer.id)
    gateway.clock.advance(16 * 60)  # the app stopped before releasing it: the hold lapses on its own
    assert [r.account_id for r in onfile.sweep().removed] == [card.id]


def test_failed_delete_is_recorded_and_retried_later(gateway, client, journal, shopper, onfile):
    card = new_card(client, shopper)
    onfile.record_new(card, shopper.customer.id, False, "clerk1")
    onfile.release(card.id)
    gateway.faults.add("DELETE", CARD_DELETE, "error_before", 5)  # 500 from PaySimple
    report = onfile.sweep()
    [failed] = report.failed
    assert failed.state is OnFileState.PENDING and failed.tries == 1 and "HTTP 500" in failed.last_error
    assert failed.next_try_at > gateway.clock.now()
    assert card.id in live_ids(client, shopper.customer.id) and card.id in onfile.hidden_ids()
    assert onfile.sweep().waiting  # backing off: not tried again yet
    gateway.faults.clear()
    gateway.clock.advance(61)
    assert [r.account_id for r in onfile.sweep().removed] == [card.id]
    assert card.id not in live_ids(client, shopper.customer.id)
    assert [e[1] for e in onfile.events(card.id)] == ["recorded", "removal failed", "removed from PaySimple"]


def test_delete_whose_reply_was_lost_is_done_at_the_next_sweep(gateway, client, journal, shopper, onfile):
    card = new_card(client, shopper)
    onfile.record_new(card, shopper.customer.id, False, "clerk1")
    onfile.release(card.id)
    gateway.faults.add("DELETE", CARD_DELETE, "drop_after", 1)  # deleted, then the connection dropped
    assert onfile.sweep().failed
    assert card.id not in live_ids(client, shopper.customer.id)
    gateway.clock.advance(61)
    [done] = onfile.sweep().removed
    assert done.state is OnFileState.REMOVED and "already gone" in done.reason


def test_records_survive_a_restart_and_the_start_up_sweep_removes(gateway, client, journal_backend, shopper):
    first = journal_backend.open()
    onfile = OnFile(first, PaySimpleGateway(client), clock=gateway.clock.now)
    card = new_card(client, shopper)
    onfile.record_new(card, shopper.customer.id, False, "clerk1")  # then the app is killed
    first.close()
    gateway.clock.advance(16 * 60)
    second = journal_backend.open()
    try:
        report = OnFile(second, PaySimpleGateway(make_client(gateway)), clock=gateway.clock.now).sweep()
        assert [r.account_id for r in report.removed] == [card.id]
    finally:
        second.close()
    assert card.id not in live_ids(client, shopper.customer.id)


def test_no_charge_at_all_follows_consent(client, journal, shopper, onfile):
    kept, dropped = new_card(client, shopper), new_card(client, shopper, "6011000995504101")
    for card, consent in ((kept, True), (dropped, False)):
        onfile.record_new(card, shopper.customer.id, consent, "clerk1")
        onfile.release(card.id)
    report = onfile.sweep()
    assert [r.account_id for r in report.kept] == [kept.id]
    assert [r.account_id for r in report.removed] == [dropped.id]


def test_explicit_save_cancels_a_planned_removal(client, journal, shopper, onfile):
    card = new_card(client, shopper)
    onfile.record_new(card, shopper.customer.id, False, "clerk1")
    onfile.keep(card, shopper.customer.id, "clerk2", "saved with Update payment details")
    assert onfile.get(card.id).state is OnFileState.KEPT and card.id not in onfile.hidden_ids()
    assert onfile.sweep().removed == []
    assert card.id in live_ids(client, shopper.customer.id)


def test_another_customer_is_never_touched(client, journal, shopper, onfile):
    other = new_shopper(client, "Bob", "Stone", "6011000995504101")
    card = new_card(client, shopper)
    onfile.record_new(card, shopper.customer.id, False, "clerk1")
    onfile.release(card.id)
    onfile.sweep()
    assert live_ids(client, other.customer.id) == {other.card.id}
    assert onfile.hidden_ids(other.customer.id) == set()


def test_paysimple_unreachable_stops_the_sweep_after_one_try(gateway, client, journal, shopper):
    """A counter offline at start-up must not wait a connect timeout per card: one failed try, the rest wait."""
    import socket

    from pos_app.paysimple import PaySimpleClient, Timeouts

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    offline = PaySimpleClient(f"http://127.0.0.1:{dead_port}/v4", "u", "k", timeouts=Timeouts(connect=1, read=1),
                              max_retries=0)
    onfile = OnFile(journal, PaySimpleGateway(offline), clock=gateway.clock.now)
    cards = [new_card(client, shopper), new_card(client, shopper, "6011000995504101")]
    for card in cards:
        onfile.record_new(card, shopper.customer.id, False, "clerk1")
        onfile.release(card.id)
    report = onfile.sweep()
    assert len(report.failed) == 1 and len(report.waiting) == 1
    assert report.failed[0].tries == 1 and report.waiting[0].tries == 0
    offline.close()
    back = OnFile(journal, PaySimpleGateway(client), clock=gateway.clock.now)
    gateway.clock.advance(61)
    assert {r.account_id for r in back.sweep().removed} == {c.id for c in cards}


def test_a_proxys_404_page_is_not_taken_for_already_gone(journal, gateway, client, shopper):
    """Only PaySimple's own 404 means the card is gone; a proxy's 404 page before PaySimple saw the DELETE leaves
    the card on file, so the record stays pending and the next sweep removes it."""
    from pos_app.paysimple import PaySimpleClient, Timeouts
    from pos_app.training.proxy import MisbehavingProxy
    from tests.fixtures.gateway import API_KEY, API_USER

    card = new_card(client, shopper)
    with MisbehavingProxy(gateway.base_url, upstream_timeout=10) as proxy, PaySimpleClient(
            proxy.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=1, read=1), max_retries=0,
            clock=gateway.clock.now) as via:
        onfile = OnFile(journal, PaySimpleGateway(via), clock=gateway.clock.now)
        onfile.record_new(card, shopper.customer.id, False, "clerk1")
        onfile.release(card.id)
        proxy.faults.add("DELETE", CARD_DELETE, "status_before", status=404)
        report = onfile.sweep()
        assert report.removed == [] and [r.state for r in report.failed] == [OnFileState.PENDING]
        assert card.id in live_ids(client, shopper.customer.id)
        gateway.clock.advance(61)
        assert [r.account_id for r in onfile.sweep().removed] == [card.id]
    assert card.id not in live_ids(client, shopper.customer.id)
