"""Fault injection over real TCP: each kind, proof that "after" faults did the work exactly once, that a stall
blocks neither other requests nor stop(), matching and counts, and the loopback admin endpoints."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import httpx
import pytest

from pos_app.paysimple import PaySimpleClient, Timeouts
from pos_app.paysimple.errors import AuthenticationError, PaySimpleError, ServerError, TransportError
from pos_app.paysimple.models import PaymentRequest

API_USER, API_KEY = "APIUser1000", "training-gateway-test-key"    # as in conftest.py


@pytest.fixture
def card(raw):
    return raw.card(raw.customer()["Id"])


def payments_with_order(raw, order_id):
    return [p for p in raw.ok("GET", "/v4/payment") if p["OrderId"] == order_id]


def pay(client, card, order_id):
    return client.create_payment(PaymentRequest(card["Id"], Decimal("12.00"), order_id=order_id))


def test_error_before_does_nothing(client, raw, gateway, card):
    gateway.faults.add("POST", "/v4/payment", "error_before")
    with pytest.raises(ServerError) as err:
        pay(client, card, "eb-1")
    assert err.value.status == 500 and err.value.error_code == "UnexpectedError" and err.value.trace_code
    assert payments_with_order(raw, "eb-1") == []
    assert pay(client, card, "eb-1").status == "Authorized"          # the fault was used up


def test_error_after_did_the_work_exactly_once(client, raw, gateway, card):
    gateway.faults.add("POST", "/v4/payment", "error_after")
    with pytest.raises(ServerError) as err:
        pay(client, card, "ea-1")
    assert err.value.may_have_taken_effect
    [made] = payments_with_order(raw, "ea-1")
    assert made["Status"] == "Authorized" and made["Amount"] == Decimal("12.00")


def test_drop_after_closes_without_a_reply_but_committed(client, raw, gateway, card):
    gateway.faults.add("POST", "/v4/payment", "drop_after")
    with pytest.raises(TransportError) as err:
        pay(client, card, "da-1")
    assert err.value.may_have_taken_effect
    assert len(payments_with_order(raw, "da-1")) == 1


def test_drop_after_sends_no_bytes_at_all(raw, gateway, card):
    import socket

    gateway.faults.add("POST", "/v4/payment", "drop_after")
    body = f'{{"AccountId": {card["Id"]}, "Amount": 1, "OrderId": "raw-drop"}}'.encode()
    request = (f"POST /v4/payment HTTP/1.1\r\nHost: gw\r\nAuthorization: {raw.auth()}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as s:
        s.sendall(request)
        assert s.recv(1024) == b""                                   # orderly close, nothing sent
    assert len(payments_with_order(raw, "raw-drop")) == 1


def test_stall_after_times_out_the_client_commits_and_blocks_nobody(raw, gateway, card):
    gateway.faults.add("POST", "/v4/payment", "stall_after", delay_s=30)
    impatient = PaySimpleClient(gateway.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=2, read=0.5),
                                max_retries=0, clock=gateway.clock.now)
    with impatient, pytest.raises(TransportError) as err:
        pay(impatient, card, "sa-1")
    assert err.value.may_have_taken_effect
    started = time.monotonic()
    assert len(payments_with_order(raw, "sa-1")) == 1                # served while the stall goes on
    assert time.monotonic() - started < 2


def test_stop_does_not_wait_for_a_stall(raw, card):
    from pos_app.training import TrainingGateway

    gw = TrainingGateway(API_USER, API_KEY).start()
    c = gw.store.create_customer({"FirstName": "A", "LastName": "B"})
    acct = gw.store.create_credit_card(c["Id"], "4111111111111111", "12/2030")
    gw.faults.add("POST", "/v4/payment", "stall_after", delay_s=60)
    client = PaySimpleClient(gw.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=2, read=30), max_retries=0,
                             clock=gw.clock.now)
    outcome = []
    caller = threading.Thread(target=lambda: outcome.append(_try(pay, client, acct, "stop-1")))
    caller.start()
    deadline = time.monotonic() + 5
    while gw.store.count_payments() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    gw.close()
    assert time.monotonic() - started < 5
    caller.join(10)
    client.close()
    assert isinstance(outcome[0], TransportError)                    # the stalled client saw the drop


def _try(fn, *args):
    try:
        return fn(*args)
    except PaySimpleError as exc:
        return exc


def test_delay_then_proceeds(client, raw, gateway, card):
    gateway.faults.add("POST", "/v4/payment", "delay", delay_s=0.4)
    started = time.monotonic()
    assert pay(client, card, "d-1").status == "Authorized"
    assert time.monotonic() - started >= 0.4


def test_a_delayed_request_still_takes_effect_when_the_client_gave_up(raw, gateway, card):
    gateway.faults.add("POST", "/v4/payment", "delay", delay_s=0.6)
    impatient = PaySimpleClient(gateway.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=2, read=0.2),
                                max_retries=0, clock=gateway.clock.now)
    with impatient, pytest.raises(TransportError):
        pay(impatient, card, "d-2")
    deadline = time.monotonic() + 3
    while not payments_with_order(raw, "d-2") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(payments_with_order(raw, "d-2")) == 1


def test_unauthorized_fault(client, raw, gateway, card):
    gateway.faults.add("*", "/v4/payment", "unauthorized")
    with pytest.raises(AuthenticationError):
        pay(client, card, "u-1")
    assert payments_with_order(raw, "u-1") == []


def test_count_method_glob_and_regex_matching(client, raw, gateway, card):
    gateway.faults.add("get", "/v4/payment/*", "error_before", count=2)
    gateway.faults.add("PUT", r"^/v4/payment/\d+/void$", "error_after")
    p = pay(client, card, "m-1")                                      # POST /v4/payment does not match either
    raw.error("GET", f"/v4/payment/{p.id}", status=500)
    raw.error("GET", f"/v4/Payment/{p.id}/", status=500)             # case and trailing slash still match
    assert raw.ok("GET", f"/v4/payment/{p.id}")["Status"] == "Authorized"     # count used up
    with pytest.raises(ServerError):
        client.void_payment(p.id)
    assert raw.ok("GET", f"/v4/payment/{p.id}")["Status"] == "Voided"        # void committed before the 500
    assert [k for k, _, _ in gateway.faults.fired] == ["error_before", "error_before", "error_after"]
    assert gateway.faults.pending() == []


def test_a_retried_payment_token_cannot_charge_twice(raw, gateway, card):
    """The exactly-once proof for PaySimpleJS payments: the reply is lost, the retry is refused."""
    token = gateway.tokens.issue_payment_token(card["CustomerId"], card["Id"])
    gateway.faults.add("POST", "/v4/payment", "drop_after")
    body = {"AccountId": card["Id"], "Amount": 9, "OrderId": "t-1", "PaymentToken": token}
    with pytest.raises(httpx.RemoteProtocolError):
        raw.call("POST", "/v4/payment", body)
    assert raw.error("POST", "/v4/payment", body) == [("PaymentToken", "The payment token has already been used.")]
    assert len(payments_with_order(raw, "t-1")) == 1


def test_a_body_pattern_faults_only_the_requests_whose_body_has_it(client, raw, gateway, card):
    """Several lanes share one gateway: a fault for one lane's OrderIds leaves the others' payments alone."""
    gateway.faults.add("POST", "/v4/payment", "error_after", body='"OrderId": ?"LANE3-')
    assert pay(client, card, "LANE1-a").status == "Authorized"       # another lane's payment passes
    assert len(gateway.faults.pending()) == 1
    with pytest.raises(ServerError) as err:
        pay(client, card, "LANE3-a")
    assert err.value.may_have_taken_effect and len(payments_with_order(raw, "LANE3-a")) == 1
    assert gateway.faults.pending() == [] and pay(client, card, "LANE3-b").status == "Authorized"
    with pytest.raises(Exception, match="unterminated|missing"):
        gateway.faults.add("POST", "/v4/payment", "error_after", body="(LANE3")  # not a pattern: refused


def test_fault_validation(gateway):
    with pytest.raises(ValueError, match="unknown fault kind"):
        gateway.faults.add("POST", "/v4/payment", "explode")
    with pytest.raises(ValueError):
        gateway.faults.add("POST", "/v4/payment", "delay", count=0)


@pytest.mark.parametrize("gateway", [{"admin": True}], indirect=True)
def test_admin_endpoints(raw, gateway, card):
    admin = httpx.Client(base_url=gateway.base_url, timeout=5, headers=gateway.admin_headers())
    r = admin.post("/_training/faults", json={"method": "POST", "path": "/v4/payment", "kind": "error_before",
                                             "count": 2})
    assert r.status_code == 200 and r.json()["pending"][0]["count"] == 2
    assert admin.post("/_training/faults", json={"path": "/x", "kind": "nope"}).status_code == 400
    assert admin.post("/_training/faults", json={"kind": "delay"}).status_code == 400
    assert admin.post("/_training/faults", json={"path": "/x", "kind": "delay", "body": "("}).status_code == 400
    lane = admin.post("/_training/faults", json={"path": "/x", "kind": "delay", "body": "LANE2-"}).json()
    assert lane["pending"][-1]["body"] == "LANE2-"
    raw.error("POST", "/v4/payment", {"AccountId": card["Id"], "Amount": 1}, status=500)
    assert admin.get("/_training/faults").json()["pending"][0]["fired"] == 1
    assert admin.delete("/_training/faults").json() == {"pending": []}
    assert raw.pay(card["Id"])["Status"] == "Authorized"

    before = gateway.clock.now()
    moved = admin.post("/_training/clock", json={"advance_seconds": 3600}).json()
    assert moved["offset_s"] == pytest.approx(3600, abs=1)
    assert admin.post("/_training/clock", json={"set": "2027-01-02T03:04:05Z"}).json()["now"].startswith("2027-01-02T03:04")
    assert admin.post("/_training/clock", json={"reset": True}).json()["offset_s"] == 0
    assert admin.post("/_training/clock", json={"advance_seconds": "soon"}).status_code == 400
    assert admin.post("/_training/clock", json={}).status_code == 400
    assert abs((gateway.clock.now() - before).total_seconds()) < 5
    admin.close()


def test_keep_alive_replies_are_not_held_by_nagle(raw, card):
    """Headers and body are two writes: without TCP_NODELAY each reply on a reused connection waits ~40 ms
    for the client's delayed ACK (that made every request ~44 ms before the fix)."""
    times = []
    for _ in range(11):
        started = time.perf_counter()
        raw.ok("GET", f"/v4/account/creditcard/{card['Id']}")
        times.append(time.perf_counter() - started)
    assert sorted(times)[5] < 0.035, times


def test_a_lost_refund_reply_still_refunded_exactly_once(client, raw, gateway, card):
    p = pay(client, card, "r-1")
    client.mark_payment_status(p.id)
    gateway.faults.add("PUT", "/v4/payment/*/reverse", "drop_after")
    with pytest.raises(TransportError) as err:
        client.reverse_payment(p.id)
    assert err.value.may_have_taken_effect
    rows = payments_with_order(raw, "r-1")
    assert sorted((r["Status"], r["Amount"]) for r in rows) == [("Authorized", Decimal("-12.00")),
                                                                 ("Reversed", Decimal("12.00"))]
    with pytest.raises(PaySimpleError, match="Only settled payments can be refunded"):
        client.reverse_payment(p.id)                                # a blind retry cannot refund twice
    assert len(payments_with_order(raw, "r-1")) == 2
