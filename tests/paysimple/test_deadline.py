"""The overall request deadline over real TCP: replies that drip their headers or their body end at
``Timeouts.total``, although every single byte arrives well within the per-read timeout."""

from __future__ import annotations

import json
import socket
import time
from decimal import Decimal

import httpx
import pytest

from pos_app.paysimple import PaymentRequest, PaySimpleClient, RequestTimeout, Timeouts, deadline

from .conftest import KEY, PAYMENT, USER
from .scripted_server import ScriptedServer, drip

ENVELOPE = json.dumps({"Meta": {"Errors": None, "HttpStatus": "Created", "HttpStatusCode": 201,
                                "PagingDetails": None},
                       "Response": {**PAYMENT, "Amount": 10.0, "AccountId": 7, "OrderId": "att-1"}}).encode()
HEAD = (b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(ENVELOPE)).encode() + b"\r\n\r\n")


def drip_headers(every: float):
    def script(conn, request, stop):
        drip(conn, HEAD + ENVELOPE, every, stop)
    return script


def drip_body(every: float):
    def script(conn, request, stop):
        conn.sendall(HEAD)
        drip(conn, ENVELOPE, every, stop)
    return script


def make_client(url: str, total: float, read: float = 0.5, retries: int = 0) -> PaySimpleClient:
    return PaySimpleClient(url, USER, KEY, timeouts=Timeouts(connect=1, read=read, total=total),
                           max_retries=retries, sleep=lambda s: None)


@pytest.mark.parametrize("script", [drip_headers(0.05), drip_body(0.05)], ids=["headers", "body"])
def test_a_dripping_reply_to_a_payment_ends_at_the_overall_deadline(script):
    # Each byte comes every 50 ms, ten times faster than the 0.5 s read timeout: only the deadline can end it.
    with ScriptedServer(script) as server, make_client(server.url, total=1.0) as client:
        started = time.monotonic()
        with pytest.raises(RequestTimeout) as err:
            client.create_payment(PaymentRequest(7, Decimal("10.00"), order_id="att-1"))
        took = time.monotonic() - started
    assert 0.9 <= took < 1.6, took
    assert err.value.may_have_taken_effect is True and err.value.paysimple_answered is False
    assert "limited to 1 s" in str(err.value) and "MAY HAVE TAKEN EFFECT" in str(err.value)
    assert len(server.requests) == 1


@pytest.mark.parametrize("script", [drip_headers(0.002), drip_body(0.002)], ids=["headers", "body"])
def test_positive_control_the_same_drip_inside_the_deadline_is_read_whole(script):
    # ~1,300 bytes at 2 ms each: ~2.6 s, far longer than the read timeout, within a 20 s deadline.
    with ScriptedServer(script) as server, make_client(server.url, total=20.0, read=0.5) as client:
        started = time.monotonic()
        payment = client.create_payment(PaymentRequest(7, Decimal("10.00"), order_id="att-1"))
        took = time.monotonic() - started
    assert payment.order_id == "att-1" and payment.amount == Decimal("10.0")
    assert took > 0.5  # longer than any single read timeout: the per-read timeout alone never ends a drip


def test_each_retry_of_a_read_gets_its_own_deadline_and_the_call_ends():
    with ScriptedServer(drip_body(0.05)) as server, make_client(server.url, total=0.6, retries=2) as client:
        started = time.monotonic()
        with pytest.raises(RequestTimeout) as err:
            client.get_payment(555)
        took = time.monotonic() - started
    assert len(server.requests) == 3
    assert 1.7 <= took < 2.8, took
    assert err.value.may_have_taken_effect is False


def test_a_silent_server_ends_at_the_deadline_even_with_a_long_read_timeout():
    with ScriptedServer(lambda conn, request, stop: stop.wait(10)) as server, \
            make_client(server.url, total=0.5, read=30) as client:
        started = time.monotonic()
        with pytest.raises(RequestTimeout):
            client.void_payment(12)
        assert time.monotonic() - started < 1.0


def test_a_stuck_name_lookup_ends_at_the_deadline_and_nothing_was_sent(monkeypatch):
    def stuck(*args, **kwargs):
        time.sleep(3)
        raise socket.gaierror("too late")

    monkeypatch.setattr(socket, "getaddrinfo", stuck)
    with make_client("http://localhost:9/v4", total=0.4) as client:
        started = time.monotonic()
        with pytest.raises(RequestTimeout) as err:
            client.create_payment(PaymentRequest(7, Decimal("10.00")))
        assert time.monotonic() - started < 0.9
    assert err.value.may_have_taken_effect is False  # never connected: nothing left this computer


def test_the_deadline_backend_sits_under_every_transport_of_the_client(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    client = PaySimpleClient("https://sandbox-api.paysimple.com/v4", USER, KEY)
    transports = [client._http._transport, *[t for t in client._http._mounts.values() if t is not None]]
    assert len(transports) >= 2  # the environment's proxy got its own transport
    for transport in transports:
        assert isinstance(transport._pool._network_backend, deadline.DeadlineBackend)
    client.close()


def test_limits_nest_and_never_extend_an_outer_deadline():
    assert deadline.remaining() is None
    with deadline.limit(5):
        with deadline.limit(60):
            assert deadline.remaining() <= 5
        with deadline.limit(0.5):
            assert deadline.remaining() <= 0.5
        assert 4 < deadline.remaining() <= 5
    assert deadline.remaining() is None


def test_total_must_be_positive_and_caps_the_per_operation_timeouts():
    with pytest.raises(ValueError, match="total"):
        Timeouts(total=0)
    with pytest.raises(ValueError, match="total"):
        Timeouts(total=True)
    t = Timeouts(connect=5, read=30, total=2).to_httpx()
    assert (t.connect, t.read, t.write, t.pool) == (2, 2, 2, 2)
    assert isinstance(t, httpx.Timeout)
