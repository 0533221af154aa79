"""PaySimple as a payments ``Gateway``: statuses and errors mapped from real replies of the training gateway over
TCP, directly and through the misbehaving proxy (what a load balancer or corporate proxy answers)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pos_app.payments.gateway import (
    AnswerLost,
    ChargeRequest,
    Gateway,
    NotFound,
    PaymentStatus,
    Refused,
    Unreachable,
)
from pos_app.paysimple import PaySimpleClient, Timeouts
from pos_app.paysimple.gateway import PaySimpleGateway
from pos_app.paysimple.models import AchInput, CreditCardInput, CustomerInput
from pos_app.training import TrainingGateway
from pos_app.training.proxy import MisbehavingProxy

API_USER, API_KEY = "apiuser", "training-key-0123456789"
PAY = "/v4/payment"


@pytest.fixture
def training():
    with TrainingGateway(API_USER, API_KEY, data=None) as gw:
        yield gw


def client_for(url: str, training, **kw) -> PaySimpleClient:
    return PaySimpleClient(url, API_USER, API_KEY, timeouts=Timeouts(connect=1, read=2, total=3), max_retries=0,
                           clock=training.clock.now, **kw)


@pytest.fixture
def client(training):
    with client_for(training.api_url, training) as c:
        yield c


@pytest.fixture
def gw(client) -> PaySimpleGateway:
    return PaySimpleGateway(client)


@pytest.fixture
def proxy(training):
    with MisbehavingProxy(training.base_url, upstream_timeout=10) as p:
        yield p


@pytest.fixture
def via(proxy, training) -> PaySimpleGateway:
    with client_for(proxy.api_url, training) as c:
        yield PaySimpleGateway(c)


@pytest.fixture
def customer(client):
    return client.create_customer(CustomerInput(first_name="Ada", last_name="Lovelace", email="ada@example.com"))


@pytest.fixture
def card(client, customer):
    return client.create_credit_card(CreditCardInput(customer_id=customer.id, credit_card_number="4111111111111111",
                                                     expiration_date="12/2030"))


def request(account_id: int, amount: str = "25.00", order: str = "LANE1-01JTESTORDER000000000000") -> ChargeRequest:
    return ChargeRequest(account_id=account_id, amount=Decimal(amount), order_id=order, payment_token=None)


def test_it_is_a_gateway_with_the_clients_overall_deadline(gw):
    assert isinstance(gw, Gateway)
    assert gw.request_limit == timedelta(seconds=3)
    assert API_KEY not in repr(gw)


def test_statuses_and_fields_of_real_payments(gw, client, customer, card):
    approved = gw.create_payment(request(card.id))
    assert approved.status is PaymentStatus.AUTHORIZED and approved.status_text == "Authorized"
    assert (approved.order_id, approved.account_id, approved.customer_id) == (
        "LANE1-01JTESTORDER000000000000", card.id, customer.id)
    assert approved.amount == Decimal("25.00") and approved.failure is None
    assert approved.created_at.tzinfo is not None and approved.can_void_until > approved.created_at
    declined = gw.create_payment(request(card.id, "9999.01", "LANE1-01JTESTORDER000000000001"))
    assert declined.status is PaymentStatus.FAILED
    assert (declined.failure.code, declined.failure.description) == ("4005", "Do Not Honor")
    voided = gw.void_payment(approved.id)
    assert voided.id == approved.id and voided.status is PaymentStatus.VOIDED
    assert gw.get_payment(approved.id).status is PaymentStatus.VOIDED
    ach = client.create_ach(AchInput(customer_id=customer.id, routing_number="131111114",
                                     account_number="751111111", bank_name="First Bank"))
    posted = gw.create_payment(request(ach.id, "10.00", "LANE1-01JTESTORDER000000000002"))
    assert posted.status is PaymentStatus.POSTED
    today = datetime.now(UTC).date()
    listed = gw.customer_payments(customer.id, today - timedelta(days=2), today + timedelta(days=2))
    assert {p.id: p.status for p in listed} == {approved.id: PaymentStatus.VOIDED,
                                                declined.id: PaymentStatus.FAILED, posted.id: PaymentStatus.POSTED}
    everything = list(gw.payments(today - timedelta(days=2), today + timedelta(days=2), page_size=1))
    assert sorted(p.id for p in everything) == sorted(p.id for p in listed)


def test_refused_by_paysimple_itself(gw, training, card):
    with pytest.raises(Refused):  # 400: no such account to charge
        gw.create_payment(request(987654321))
    training.faults.add("POST", PAY, "unauthorized", 1)  # PaySimple's own 401 (empty body)
    with pytest.raises(Refused) as refused:
        gw.create_payment(request(card.id))
    assert not isinstance(refused.value, NotFound) and "401" in str(refused.value)
    assert API_KEY not in str(refused.value)
    with pytest.raises(NotFound):
        gw.get_payment(987654321)


def test_nothing_got_through_is_unreachable(training):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with client_for(f"http://127.0.0.1:{port}/v4", training) as dead:
        gw = PaySimpleGateway(dead)
        with pytest.raises(Unreachable):
            gw.create_payment(request(1))
        with pytest.raises(Unreachable):
            gw.delete_account(1, "cc")


def test_paysimples_own_500_is_a_lost_answer_it_finished_with(gw, training, card):
    training.faults.add("POST", PAY, "error_before", 1)
    with pytest.raises(AnswerLost) as lost:
        gw.create_payment(request(card.id))
    assert lost.value.gateway_answered is True


@pytest.mark.parametrize("status", [502, 404, 400])
def test_a_proxys_page_is_a_lost_answer_whatever_its_status(via, proxy, card, status):
    proxy.faults.add("POST", PAY, "status_before", status=status)
    with pytest.raises(AnswerLost) as lost:
        via.create_payment(request(card.id))
    assert lost.value.gateway_answered is False  # PaySimple may still be working on it


def test_a_proxys_404_page_on_delete_is_not_gone_but_paysimples_own_404_is(via, proxy, gw, client, customer,
                                                                           card):
    proxy.faults.add("DELETE", "/v4/account/creditcard/*", "status_before", status=404)
    with pytest.raises(AnswerLost):
        via.delete_account(card.id, "cc")
    assert [c.id for c in client.get_accounts(customer.id).credit_cards] == [card.id]  # still on file
    gw.delete_account(card.id, "cc")
    assert client.get_accounts(customer.id).credit_cards == []
    with pytest.raises(NotFound):
        gw.delete_account(card.id, "cc")


def test_a_broken_payment_list_is_a_lost_answer_not_a_short_list(via, proxy, card, gw):
    for n in range(3):
        gw.create_payment(request(card.id, order=f"LANE1-01JTESTORDER00000000000{n}"))
    proxy.faults.add("GET", PAY, "status_after", status=503)
    today = datetime.now(UTC).date()
    with pytest.raises(AnswerLost):
        list(via.payments(today, today + timedelta(days=1), page_size=1))
