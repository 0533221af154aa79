"""Lost replies over a real TCP socket (no mocks): what MAY HAVE TAKEN EFFECT, and what was retried.

A tiny socket server reads each HTTP request completely and then misbehaves on purpose: it stays silent
(read timeout after the request was sent) or starts a reply and hangs up mid-body.
"""

from __future__ import annotations

import socket
import threading
from decimal import Decimal

import pytest

from pos_app.paysimple import PaymentRequest, PaySimpleClient, RequestTimeout, Timeouts, TransportError

from .conftest import KEY, USER


class MisbehavingServer:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.requests: list[bytes] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._open: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v4"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._open.append(conn)
            conn.settimeout(2)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(body) < length:
                    body += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + body)
                if self.mode == "hang-up-mid-reply":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 500\r\n\r\n{\"Meta\":{\"Errors\":null},\"Resp")
                    conn.close()
                # "silent": keep the connection open and say nothing until stop()
            except OSError:
                conn.close()

    def stop(self) -> None:
        self._stop.set()
        for conn in self._open:
            conn.close()
        self._sock.close()
        self._thread.join(timeout=2)


@pytest.fixture
def server(request):
    srv = MisbehavingServer(request.param)
    yield srv
    srv.stop()


def make_client(url: str, sleeps) -> PaySimpleClient:
    return PaySimpleClient(url, USER, KEY, timeouts=Timeouts(connect=1, read=0.3), max_retries=2,
                           sleep=sleeps, random=lambda: 0.0)


@pytest.mark.parametrize("server", ["silent"], indirect=True)
def test_read_timeout_after_payment_was_sent_may_have_taken_effect(server, sleeps):
    with make_client(server.url, sleeps) as client, pytest.raises(RequestTimeout) as err:
        client.create_payment(PaymentRequest(7, Decimal("10.00"), order_id="att-1"))
    assert err.value.may_have_taken_effect is True
    assert "MAY HAVE TAKEN EFFECT" in str(err.value)
    assert len(server.requests) == 1 and sleeps.waits == []
    assert server.requests[0].startswith(b"POST /v4/payment HTTP/1.1")
    assert b'"OrderId":"att-1"' in server.requests[0]


@pytest.mark.parametrize("server", ["hang-up-mid-reply"], indirect=True)
def test_connection_closed_mid_reply_on_void(server, sleeps):
    with make_client(server.url, sleeps) as client, pytest.raises(TransportError) as err:
        client.void_payment(12)
    assert err.value.may_have_taken_effect is True
    assert len(server.requests) == 1


@pytest.mark.parametrize("server", ["hang-up-mid-reply"], indirect=True)
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
