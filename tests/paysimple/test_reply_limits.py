"""Bounded replies: a body over the size cap is refused after reading about the cap (memory stays low, real
TCP); an endless paging reply stops at the total the first page announced + 1; who answered an error."""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
from decimal import Decimal

import httpx
import pytest

from pos_app.paysimple import (
    AuthenticationError,
    InvalidInputError,
    PaymentRequest,
    PaySimpleClient,
    ReplyTooLarge,
    ResponseFormatError,
    ServerError,
    Timeouts,
)

from .conftest import CUSTOMER, KEY, PAYMENT, USER, envelope, error_reply
from .scripted_server import ScriptedServer

MIB = 1024 * 1024


def flood(total_bytes: int, declare: bool):
    """A 200 reply that sends ``total_bytes`` of JSON-looking text as fast as the socket takes it."""
    def script(conn, request, stop):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        head += (b"Content-Length: " + str(total_bytes).encode() + b"\r\n") if declare else b"Connection: close\r\n"
        conn.sendall(head + b"\r\n")
        chunk = b'{"Meta":' + b" " * (64 * 1024 - 8)
        sent = 0
        try:
            while sent < total_bytes and not stop.is_set():
                conn.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        conn.close()
    return script


def client_for(url: str, cap: int = MIB) -> PaySimpleClient:
    return PaySimpleClient(url, USER, KEY, timeouts=Timeouts(connect=1, read=5, total=20), max_retries=0,
                           max_reply_bytes=cap)


def test_an_endless_body_is_cut_at_the_cap_and_memory_stays_near_it():
    with ScriptedServer(flood(200 * MIB, declare=False)) as server, client_for(server.url) as client:
        gc.collect()
        tracemalloc.start()
        started = time.monotonic()
        try:
            with pytest.raises(ReplyTooLarge) as err:
                client.list_customers()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        took = time.monotonic() - started
    assert peak < 4 * MIB, peak  # about one cap (1 MiB) of chunks, never the 200 MiB sent
    assert took < 5
    assert "1 MiB limit" in str(err.value) and "GET /customer" in str(err.value)
    assert err.value.may_have_taken_effect is False and err.value.paysimple_answered is False


def test_a_declared_size_over_the_cap_is_refused_before_reading():
    with ScriptedServer(flood(50 * MIB, declare=True)) as server, client_for(server.url) as client:
        with pytest.raises(ReplyTooLarge, match="announced a size"):
            client.get_customer(1)


def test_an_oversized_reply_to_a_payment_may_have_taken_effect():
    with ScriptedServer(flood(5 * MIB, declare=False)) as server, client_for(server.url) as client:
        with pytest.raises(ReplyTooLarge) as err:
            client.create_payment(PaymentRequest(7, Decimal("1.00"), order_id="A-1"))
    assert err.value.may_have_taken_effect is True and "MAY HAVE TAKEN EFFECT" in str(err.value)
    assert len(server.requests) == 1  # never re-sent


def test_a_reply_just_under_the_cap_is_read(api):
    big_note = "x" * (MIB - 4096)
    api.get("/customer/1").respond(200, json=envelope({**CUSTOMER, "Notes": big_note}))
    with PaySimpleClient("https://sandbox-api.paysimple.com/v4", USER, KEY, max_reply_bytes=MIB) as client:
        assert client.get_customer(1).notes == big_note


def test_cap_must_be_sensible():
    with pytest.raises(ValueError, match="max_reply_bytes"):
        PaySimpleClient("https://sandbox-api.paysimple.com/v4", USER, KEY, max_reply_bytes=10)


# --- paging -------------------------------------------------------------------------------------------------

def endless_pages(first_total: int, size: int):
    """Each page claims 1,000 more items than the last and is always full."""
    calls = []

    def side_effect(request):
        page = int(request.url.params["page"])
        calls.append(page)
        total = first_total + 1000 * (page - 1)
        items = [{**PAYMENT, "Id": page * 1000 + i} for i in range(size)]
        return httpx.Response(200, json=envelope(items, paging={"TotalItems": total, "Page": page,
                                                                "ItemsPerPage": size}))
    return side_effect, calls


def test_an_endless_payment_list_stops_one_page_after_the_first_pages_total(api, client):
    side_effect, calls = endless_pages(first_total=6, size=2)  # the first page says 3 pages
    api.get("/payment").mock(side_effect=side_effect)
    seen = []
    with pytest.raises(ResponseFormatError, match="kept announcing more pages") as err:
        for p in client.iter_payments(page_size=2):
            seen.append(p.id)
    assert calls == [1, 2, 3, 4] and len(seen) == 8
    assert "incomplete" in str(err.value) and err.value.may_have_taken_effect is False


def test_an_endless_customer_payment_walk_is_an_error_not_a_loop(api, client):
    side_effect, calls = endless_pages(first_total=3, size=2)  # the first page says 2 pages
    api.get("/customer/5/payments").mock(side_effect=side_effect)
    with pytest.raises(ResponseFormatError):
        client.customer_payments(5, page_size=2)
    assert calls == [1, 2, 3]


def test_an_endless_customer_walk_is_an_error_not_a_loop(api, client):
    calls = []

    def side_effect(request):
        page = int(request.url.params["page"])
        calls.append(page)
        items = [{**CUSTOMER, "Id": page * 10 + i} for i in range(2)]
        return httpx.Response(200, json=envelope(items, paging={"TotalItems": 2 * page + 2, "Page": page,
                                                                "ItemsPerPage": 2}))
    api.get("/customer").mock(side_effect=side_effect)
    with pytest.raises(ResponseFormatError):
        list(client.iter_customers(page_size=2))
    assert calls == [1, 2, 3]


def test_a_list_that_grew_by_a_page_during_the_walk_is_still_read_whole(api, client):
    pages = {1: (4, [1, 2]), 2: (5, [3, 4]), 3: (5, [5])}  # one payment arrived after the first page

    def side_effect(request):
        page = int(request.url.params["page"])
        total, ids = pages[page]
        return httpx.Response(200, json=envelope([{**PAYMENT, "Id": i} for i in ids],
                                                 paging={"TotalItems": total, "Page": page, "ItemsPerPage": 2}))
    api.get("/payment").mock(side_effect=side_effect)
    assert [p.id for p in client.iter_payments(page_size=2)] == [1, 2, 3, 4, 5]


# --- who answered -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_error_is_never_paysimples_answer_even_in_its_envelope(api, client, status):
    api.post("/payment").mock(return_value=error_reply(status, "UnexpectedError"))
    with pytest.raises(ServerError) as err:
        client.create_payment(PaymentRequest(1, Decimal("5.00")))
    assert err.value.paysimple_answered is False and err.value.may_have_taken_effect is True
    assert "PaySimple may still be working on it" in str(err.value)


def test_paysimples_own_500_envelope_is_its_answer(api, client):
    api.post("/payment").mock(return_value=error_reply(500, "UnexpectedError", trace="T-1"))
    with pytest.raises(ServerError) as err:
        client.create_payment(PaymentRequest(1, Decimal("5.00")))
    assert err.value.paysimple_answered is True and err.value.may_have_taken_effect is True


@pytest.mark.parametrize("body", [b"<html><h1>500 Internal Server Error</h1></html>", b"",
                                  b'{"message": "Internal server error"}'])
def test_a_500_page_that_is_not_the_envelope_is_not_paysimples_answer(api, client, body):
    api.post("/payment").respond(500, content=body)
    with pytest.raises(ServerError) as err:
        client.create_payment(PaymentRequest(1, Decimal("5.00")))
    assert err.value.paysimple_answered is False


def test_paysimples_400_refusal_did_not_take_effect(api, client):
    api.post("/payment").mock(return_value=error_reply(400, "InvalidInput", [("Amount", "bad")]))
    with pytest.raises(InvalidInputError) as err:
        client.create_payment(PaymentRequest(1, Decimal("5.00")))
    assert err.value.paysimple_answered is True and err.value.may_have_taken_effect is False


@pytest.mark.parametrize("status", [400, 403, 404, 405, 413])
def test_a_proxys_html_4xx_on_a_write_may_have_taken_effect(api, client, status):
    api.post("/payment").respond(status, text="<html><body>Request blocked by proxy</body></html>")
    with pytest.raises(Exception) as err:
        client.create_payment(PaymentRequest(1, Decimal("5.00")))
    assert err.value.paysimple_answered is False and err.value.may_have_taken_effect is True
    assert "not PaySimple's own reply" in str(err.value)


def test_a_proxys_html_4xx_on_a_read_is_harmless(api, client):
    api.get("/customer/1").respond(403, text="<html>forbidden</html>")
    with pytest.raises(Exception) as err:
        client.get_customer(1)
    assert err.value.paysimple_answered is False and err.value.may_have_taken_effect is False


def test_paysimples_empty_401_is_its_answer_an_html_401_is_not(api, client):
    api.post("/payment").respond(401, content=b"")
    with pytest.raises(AuthenticationError) as err:
        client.create_payment(PaymentRequest(1, Decimal("5.00")))
    assert err.value.paysimple_answered is True and err.value.may_have_taken_effect is False
    api.post("/payment").respond(401, text="<html>Portal login</html>")
    with pytest.raises(AuthenticationError) as err:
        client.create_payment(PaymentRequest(1, Decimal("5.00")))
    assert err.value.paysimple_answered is False and err.value.may_have_taken_effect is True


def test_an_unreadable_2xx_is_not_paysimples_envelope_a_broken_payment_in_one_is(api, client):
    api.post("/payment").respond(201, text="<html>captive portal</html>")
    with pytest.raises(ResponseFormatError) as err:
        client.create_payment(PaymentRequest(1, Decimal("5.00")))
    assert err.value.paysimple_answered is False and err.value.may_have_taken_effect is True
    api.post("/payment").respond(201, content=json.dumps(envelope({**PAYMENT, "Id": None})).encode())
    with pytest.raises(ResponseFormatError) as err:
        client.create_payment(PaymentRequest(1, Decimal("5.00")))
    assert err.value.paysimple_answered is True and err.value.may_have_taken_effect is True


# --- other transports and caches --------------------------------------------------------------------------------

def test_a_mock_transport_still_works_and_is_still_capped():
    def handler(request):
        if request.url.path.endswith("/customer/1"):
            return httpx.Response(200, json=envelope(CUSTOMER))
        return httpx.Response(200, content=b"x" * (2 * MIB))

    with PaySimpleClient("https://sandbox-api.paysimple.com/v4", USER, KEY, transport=httpx.MockTransport(handler),
                         max_reply_bytes=MIB) as client:
        assert client.get_customer(1).id == CUSTOMER["Id"]
        with pytest.raises(ReplyTooLarge):
            client.get_customer(2)


def test_every_request_asks_caches_not_to_answer_for_paysimple(api, client):
    route = api.get("/customer/1").respond(200, json=envelope(CUSTOMER))
    client.get_customer(1)
    headers = route.calls.last.request.headers
    assert headers["Cache-Control"] == "no-cache, no-store" and headers["Pragma"] == "no-cache"
