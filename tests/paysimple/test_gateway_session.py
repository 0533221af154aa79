"""The client against the real training gateway over TCP: the contract both sides coded to, lost replies
from injected faults (the work is done, the reply is lost), retries of reads, and worker-thread use."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest

from pos_app.paysimple import (
    AchInput,
    Address,
    AuthenticationError,
    CreditCardInput,
    CustomerInput,
    InvalidInputError,
    NotFoundError,
    PaymentRequest,
    PaySimpleClient,
    RequestTimeout,
    ServerError,
    Timeouts,
    TransportError,
)
from tests.fixtures.gateway import gateway_fixture

GW_USER = "TrainUser"
GW_KEY = "train-key-0123456789abcdef"


gateway = gateway_fixture(GW_USER, GW_KEY, demo_customers=5)  # one real training gateway for the module


@pytest.fixture
def gw_client(gateway, sleeps):
    gateway.faults.clear()
    with PaySimpleClient(gateway.api_url, GW_USER, GW_KEY, timeouts=Timeouts(connect=2, read=5),
                         sleep=sleeps, random=lambda: 0.0) as c:
        yield c


def new_customer(client: PaySimpleClient, last: str) -> int:
    return client.create_customer(CustomerInput(
        "Ada", last, email="ada@example.com",
        billing_address=Address("1 Main St", None, "Denver", "CO", "80202", "US"))).id


def test_full_counter_flow(gw_client):
    c = gw_client
    assert len(list(c.iter_customers(page_size=2))) >= 5
    cid = new_customer(c, "Flow")
    assert c.checkout_token().jwt_token.count(".") == 2
    assert c.customer_token(cid).jwt_token.count(".") == 2
    card = c.create_credit_card(CreditCardInput(cid, "4111111111111111", "12/2029"))
    ach = c.create_ach(AchInput(cid, "131111114", "751111111", "PaySimple Bank"))
    assert card.credit_card_number.endswith("1111") and "4111111111111111" not in card.credit_card_number
    assert card.issuer == "Visa" and ach.account_number.endswith("1111")
    accounts = c.get_accounts(cid)
    assert [a.id for a in accounts.credit_cards] == [card.id] and [a.id for a in accounts.ach_accounts] == [ach.id]
    c.set_default_account(cid, card.id)
    assert c.get_default_credit_card(cid).id == card.id

    approved = c.create_payment(PaymentRequest(card.id, Decimal("12.50"), order_id="flow-1"))
    assert approved.status == "Authorized" and approved.amount == Decimal("12.50") and approved.failure is None
    declined = c.create_payment(PaymentRequest(card.id, Decimal("9999.01"), order_id="flow-2"))
    assert declined.status == "Failed" and declined.failure.code == "4005" and declined.failure.is_decline
    assert c.void_payment(approved.id).status == "Voided"
    ach_payment = c.create_payment(PaymentRequest(ach.id, Decimal("5.00"), order_id="flow-3"))
    assert c.mark_payment_status(ach_payment.id) is not None
    assert c.get_payment(ach_payment.id).status == "Settled"
    refund = c.reverse_payment(ach_payment.id)
    assert refund.status in ("Reversed", "ReversePosted")
    orders = {(p.order_id, p.status) for p in c.customer_payments(cid, start_date=date.today())}
    assert {("flow-1", "Voided"), ("flow-2", "Failed"), ("flow-3", "Reversed")} <= orders
    assert c.list_payments(status=["voided"], page_size=1).total_items >= 1

    with pytest.raises(InvalidInputError) as bad:
        c.create_payment(PaymentRequest(card.id, Decimal("0.00")))
    assert bad.value.messages[0].field == "Amount"
    c.delete_credit_card(card.id)
    with pytest.raises(NotFoundError):
        c.get_credit_card(card.id)
    c.delete_customer(cid)
    assert c.get_customer(cid).deleted


def test_wrong_key_is_authentication_error(gateway, sleeps):
    with PaySimpleClient(gateway.api_url, GW_USER, "not-the-key", sleep=sleeps) as c:
        with pytest.raises(AuthenticationError):
            c.get_customer(1)


def test_basic_scheme_accepted(gateway):
    with PaySimpleClient(gateway.api_url, GW_USER, GW_KEY, auth_scheme="basic") as c:
        assert c.list_customers(page_size=1).total_items >= 5


def test_dropped_reply_after_charge_may_have_taken_effect_and_is_found(gateway, gw_client, sleeps):
    cid = new_customer(gw_client, "Dropped")
    card = gw_client.create_credit_card(CreditCardInput(cid, "4111111111111111", "12/2029"))
    gateway.faults.add("POST", "/v4/payment", "drop_after")
    with pytest.raises(TransportError) as err:
        gw_client.create_payment(PaymentRequest(card.id, Decimal("20.00"), order_id="dropped-1"))
    assert err.value.may_have_taken_effect is True and sleeps.waits == []
    # The charge happened: the caller's lookup by OrderId finds exactly one.
    found = [p for p in gw_client.customer_payments(cid) if p.order_id == "dropped-1"]
    assert len(found) == 1 and found[0].status == "Authorized"


def test_stalled_void_times_out_and_may_have_taken_effect(gateway, sleeps):
    with PaySimpleClient(gateway.api_url, GW_USER, GW_KEY, timeouts=Timeouts(connect=2, read=0.5),
                         sleep=sleeps) as c:
        cid = new_customer(c, "Stalled")
        card = c.create_credit_card(CreditCardInput(cid, "4111111111111111", "12/2029"))
        payment = c.create_payment(PaymentRequest(card.id, Decimal("7.00")))
        gateway.faults.add("PUT", "/v4/payment/*/void", "stall_after", delay_s=5)
        with pytest.raises(RequestTimeout) as err:
            c.void_payment(payment.id)
        assert err.value.may_have_taken_effect is True and sleeps.waits == []
        assert c.get_payment(payment.id).status == "Voided"


def test_500_after_work_on_payment_is_not_retried(gateway, gw_client, sleeps):
    cid = new_customer(gw_client, "Err")
    card = gw_client.create_credit_card(CreditCardInput(cid, "4111111111111111", "12/2029"))
    gateway.faults.add("POST", "/v4/payment", "error_after", count=3)
    with pytest.raises(ServerError) as err:
        gw_client.create_payment(PaymentRequest(card.id, Decimal("3.00"), order_id="err-1"))
    assert err.value.may_have_taken_effect is True and err.value.trace_code
    assert sleeps.waits == []
    assert [p.order_id for p in gw_client.customer_payments(cid)] == ["err-1"]
    gateway.faults.clear()


def test_read_retried_through_a_server_error(gateway, gw_client, sleeps):
    gateway.faults.add("GET", "/v4/customer", "error_before", count=2)
    assert gw_client.list_customers(page_size=1).items
    assert sleeps.waits == [0.125, 0.25]


def test_one_client_shared_by_worker_threads(gateway, gw_client):
    ids = [c.id for c in gw_client.list_customers(page_size=5).items]
    results: dict[int, list[int]] = {}
    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            results[n] = [gw_client.get_customer(cid).id for cid in ids]
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert failures == []
    assert results == {n: ids for n in range(6)}
