"""Retries: bounded jittered backoff for GETs and token requests only; writes are sent exactly once."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from pos_app.paysimple import (
    CustomerInput,
    PaymentRequest,
    PaySimpleClient,
    RequestTimeout,
    ServerError,
    TransportError,
)
from pos_app.paysimple.retry import RetryPolicy

from .conftest import BASE, CUSTOMER, KEY, PAYMENT, USER, error_reply, reply


def test_get_retries_connect_errors_with_backoff_then_succeeds(api, client, sleeps):
    route = api.get("/customer/1").mock(side_effect=[httpx.ConnectError("refused"),
                                                      httpx.ConnectTimeout("slow"),
                                                      reply({**CUSTOMER, "Id": 1})])
    assert client.get_customer(1).id == 1
    assert route.call_count == 3
    assert sleeps.waits == [0.25, 0.5]  # random() == 1.0 => the full exponential delay


def test_get_gives_up_after_max_retries(api, client, sleeps):
    route = api.get("/customer/1").mock(return_value=error_reply(503, None))
    with pytest.raises(ServerError) as err:
        client.get_customer(1)
    assert route.call_count == 3 and len(sleeps.waits) == 2
    assert err.value.status == 503 and err.value.may_have_taken_effect is False


def test_get_read_timeout_retried_then_reported(api, client, sleeps):
    route = api.get("/payment/1").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(RequestTimeout) as err:
        client.get_payment(1)
    assert route.call_count == 3 and err.value.may_have_taken_effect is False
    assert err.value.status is None


def test_429_honours_retry_after(api, client, sleeps):
    route = api.get("/customer/1").mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "1.5"}),
        httpx.Response(429, headers={"Retry-After": "3600"}),  # longer than the cap: ignored
        reply({**CUSTOMER, "Id": 1})])
    client.get_customer(1)
    assert route.call_count == 3 and sleeps.waits == [1.5, 0.5]


def test_jitter_stays_between_half_and_full_delay(sleeps):
    low = RetryPolicy(max_retries=6, base=0.25, cap=4.0, sleep=sleeps, random=lambda: 0.0)
    high = RetryPolicy(max_retries=6, base=0.25, cap=4.0, sleep=sleeps, random=lambda: 1.0)
    assert [high.delay(n) for n in range(1, 7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]
    assert [low.delay(n) for n in range(1, 7)] == [0.125, 0.25, 0.5, 1.0, 2.0, 2.0]


def test_checkout_token_is_retried(api, client, sleeps):
    route = api.post("/checkouttoken").mock(side_effect=[error_reply(500, "UnexpectedError"),
                                                         reply({"JwtToken": "eyJa.eyJb.c"})])
    assert client.checkout_token().jwt_token == "eyJa.eyJb.c"
    assert route.call_count == 2 and sleeps.waits == [0.25]


def test_client_error_not_retried(api, client, sleeps):
    route = api.get("/customer/1").mock(return_value=error_reply(404, "NotFound"))
    with pytest.raises(Exception):  # noqa: B017 - the type is covered elsewhere; here we count calls
        client.get_customer(1)
    assert route.call_count == 1 and sleeps.waits == []


WRITES = [
    ("POST", "/payment", lambda c: c.create_payment(PaymentRequest(1, Decimal("10.00"), order_id="A-9"))),
    ("PUT", "/payment/5/void", lambda c: c.void_payment(5)),
    ("PUT", "/payment/5/reverse", lambda c: c.reverse_payment(5)),
    ("POST", "/customer", lambda c: c.create_customer(CustomerInput("A", "B"))),
    ("PUT", "/customer/1/2", lambda c: c.set_default_account(1, 2)),
    ("DELETE", "/account/creditcard/3", lambda c: c.delete_credit_card(3)),
    ("PUT", "/MarkPaymentStatus", lambda c: c.mark_payment_status(5)),
]


@pytest.mark.parametrize("method, path, call", WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
@pytest.mark.parametrize("failure, cls, maybe", [
    (error_reply(500, "UnexpectedError", trace="T1"), ServerError, True),
    (httpx.Response(503), ServerError, True),
    (httpx.ReadTimeout("lost reply"), RequestTimeout, True),
    (httpx.RemoteProtocolError("closed mid-reply"), TransportError, True),
    (httpx.ConnectError("refused"), TransportError, False),
    (httpx.ConnectTimeout("no route"), RequestTimeout, False),
], ids=["500", "503", "read-timeout", "closed", "connect-error", "connect-timeout"])
def test_writes_are_never_retried(api, client, sleeps, method, path, call, failure, cls, maybe):
    kwargs = {"side_effect": failure} if isinstance(failure, Exception) else {"return_value": failure}
    route = api.route(method=method, path=path).mock(**kwargs)
    with pytest.raises(cls) as err:
        call(client)
    assert route.call_count == 1 and sleeps.waits == []
    assert err.value.may_have_taken_effect is maybe
    assert (err.value.method, err.value.path) == (method, path)
    assert ("MAY HAVE TAKEN EFFECT" in str(err.value)) is maybe


def test_payment_write_succeeds_without_retry_machinery(api, client, sleeps):
    route = api.post("/payment").mock(return_value=reply(PAYMENT, status=201))
    client.create_payment(PaymentRequest(1, Decimal("12.50")))
    assert route.call_count == 1 and sleeps.waits == []


def test_max_retries_zero(api, sleeps):
    route = api.get("/customer/1").mock(side_effect=httpx.ConnectError("refused"))
    with PaySimpleClient(BASE, USER, KEY, max_retries=0, sleep=sleeps) as c, pytest.raises(TransportError):
        c.get_customer(1)
    assert route.call_count == 1 and sleeps.waits == []


def test_negative_retries_refused():
    with pytest.raises(ValueError, match="max_retries"):
        PaySimpleClient(BASE, USER, KEY, max_retries=-1)
