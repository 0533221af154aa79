"""Lost replies over a real TCP socket (no mocks): what MAY HAVE TAKEN EFFECT, and what was retried.

A scripted socket server (``scripted_server.ScriptedServer``) reads each HTTP request completely and then
misbehaves on purpose: it stays silent (read timeout after the request was sent) or starts a reply and hangs up
mid-body.
"""

from __future__ import annotations

import socket
import threading
from decimal import Decimal

import pytest

from pos_app.paysimple import PaymentRequest, PaySimpleClient, RequestTimeout, Timeouts, TransportError

from .conftest import KEY, USER
from .scripted_server import ScriptedServer


def silent(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    """Keep the connection open and say nothing until the server stops."""
    stop.wait()


def hang_up_mid_reply(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    """Start a 500-byte reply, send 30 bytes of it, hang up."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 500\r\n\r\n{\"Meta\":{\"Errors\":null},\"Resp")
    conn.close()


@pytest.fixture
def server(request):
    with ScriptedServer(request.param) as srv:
        yield srv


def make_client(url: str, sleeps) -> PaySimpleClient:
    return PaySimpleClient(url, USER, KEY, timeouts=Timeouts(connect=1, read=0.3), max_retries=2,
                           sleep=sleeps, random=lambda: 0.0)


@pytest.mark.parametrize("server", [silent], indirect=True, ids=["silent"])
def test_read_timeout_after_payment_was_sent_may_have_taken_effect(server, sleeps):
    with make_client(server.url, sleeps) as client, pytest.raises(RequestTimeout) as err:
        client.create_payment(PaymentRequest(7, Decimal("10.00"), order_id="att-1"))
    assert err.value.may_have_taken_effect is True
    assert "MAY HAVE TAKEN EFFECT" in str(err.value)
    assert len(server.requests) == 1 and sleeps.waits == []
    assert server.requests[0].startswith(b"POST /v4/payment HTTP/1.1")
    assert b'"OrderId":"att-1"' in server.requests[0]


@pytest.mark.parametrize("server", [hang_up_mid_reply], indirect=True, ids=["hang-up-mid-reply"])
def test_connection_closed_mid_reply_on_void(server, sleeps):
    with make_client(server.url, sleeps) as client, pytest.raises(TransportError) as err:
        client.void_payment(12)
    assert err.value.may_have_taken_effect is True
    assert len(server.requests) == 1


@pytest.mark.parametrize("server", [hang_up_mid_reply], indirect=True, ids=["hang-up-mid-reply"])
def test_get_is_retried_over_tcp_and_harmless(server, sleeps):
    with make_client(server.url, sleeps) as client, pytest.raises(TransportError) as err:
        client.get_payment(12)
    assert err.value.may_have_taken_effect is False
    assert len(server.requests) == 3 and sleeps.waits == [0.125, 0.25]


def test_connection_refused_has_not_taken_effect(sleeps):
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now: connect is refused
    with make_client(f"http://127.0.0.1:{port}/v4", sleeps) as client, pytest.raises(TransportError) as err:
        client.create_payment(PaymentRequest(7, Decimal("10.00")))
    assert type(err.value) is TransportError
    assert err.value.may_have_taken_effect is False
    assert "Could not connect" in str(err.value)
    assert sleeps.waits == []
