"""Authorization on the training gateway: every PSSERVER timestamp shape real clients send, name case and
spacing, the ±5 minute window against the gateway clock, exact-substring HMAC, basic, and the empty 401."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from pos_app.paysimple.auth import signature
from pos_app.training.authcheck import parse_timestamp

API_USER, API_KEY = "APIUser1000", "training-gateway-test-key"    # as in conftest.py (not importable)

MOUNTAIN = timezone(timedelta(hours=-6))


def shapes(now: datetime) -> dict[str, str]:
    """The timestamp shapes of reference §2.1, for the instant ``now``."""
    utc = now.astimezone(UTC)
    local = now.astimezone(MOUNTAIN)
    seven = f"{utc.microsecond:06d}0"
    return {
        "netsdk-local-7-digits": local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond:06d}0-06:00",
        "go-rfc3339nano": utc.strftime("%Y-%m-%dT%H:%M:%S.") + seven + "Z",
        "js-toisostring": utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z",
        "ruby-iso8601": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "php-gmdate-c": utc.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "cs-local-no-fraction": local.strftime("%Y-%m-%dT%H:%M:%S-06:00"),
        "nine-digit-fraction": utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond:06d}123Z",
        "offset-without-colon": local.strftime("%Y-%m-%dT%H:%M:%S-0600"),
    }


def get(gateway, authorization: str | None) -> httpx.Response:
    headers = {} if authorization is None else {"Authorization": authorization}
    return httpx.get(gateway.api_url + "/customer", headers=headers, timeout=5)


def header(ts: str, template: str = "PSSERVER accessid={u}; timestamp={t}; signature={s}",
           user: str = API_USER, key: str = API_KEY) -> str:
    return template.format(u=user, t=ts, s=signature(key, ts))


@pytest.mark.parametrize("shape", list(shapes(datetime.now(UTC))))
def test_every_timestamp_shape_is_accepted(gateway, shape):
    ts = shapes(gateway.clock.now())[shape]
    assert get(gateway, header(ts)).status_code == 200


@pytest.mark.parametrize("template", [
    "PSSERVER accessid={u}; timestamp={t}; signature={s}",
    "PSSERVER AccessId = {u}; Timestamp = {t}; Signature = {s}",
    "psserver ACCESSID={u};TIMESTAMP={t};SIGNATURE={s}",
    "PSServer  accessid={u} ;  timestamp= {t} ;signature ={s};",
    "PSSERVER signature={s}; accessid={u}; timestamp={t}",
    "PSSERVER\taccessid={u}; timestamp={t}; signature={s}",
])
def test_name_case_spacing_and_order_variants(gateway, template):
    ts = shapes(gateway.clock.now())["js-toisostring"]
    assert get(gateway, header(ts, template)).status_code == 200


@pytest.mark.parametrize("skew_min, ok", [(-6, False), (-4, True), (4, True), (6, False)])
def test_five_minute_window_against_the_gateway_clock(gateway, skew_min, ok):
    gateway.clock.advance(-3600)                       # the window follows the gateway clock, not the host's
    ts = shapes(gateway.clock.now() + timedelta(minutes=skew_min))["go-rfc3339nano"]
    assert (get(gateway, header(ts)).status_code == 200) is ok


def test_the_client_follows_the_gateway_clock_when_given_it(client, gateway):
    gateway.clock.advance(-3600)
    assert client.list_customers().total_items == 0


@pytest.mark.parametrize("bad", [
    None, "", "PSSERVER", "Bearer abc",
    "reseller 1|key",
    "PSSERVER accessid={u}; timestamp={t}",                                         # no signature
    "PSSERVER accessid={u}; timestamp={t}; signature={s}; signature={s}",           # duplicated
    "PSSERVER accessid={u}; timestamp={t}; signature=WqV47Dddgc6XqBKnQASzZbNU/UZd1tzSrFJJFVv76dw=",
    "PSSERVER accessid=someoneelse; timestamp={t}; signature={s}",
    "PSSERVER accessid={u}; timestamp={t}; signature={s}; extra=1",
])
def test_bad_headers_get_an_empty_401(gateway, bad):
    ts = shapes(gateway.clock.now())["ruby-iso8601"]
    value = None if bad is None else bad.format(u=API_USER, t=ts, s=signature(API_KEY, ts))
    r = get(gateway, value)
    assert r.status_code == 401 and r.content == b"" and r.headers["content-length"] == "0"


def test_signature_covers_the_exact_timestamp_text(gateway):
    now = gateway.clock.now().replace(microsecond=0).astimezone(UTC)
    signed = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    sent = now.strftime("%Y-%m-%dT%H:%M:%S+00:00")                # same instant, different text
    forged = f"PSSERVER accessid={API_USER}; timestamp={sent}; signature={signature(API_KEY, signed)}"
    assert get(gateway, forged).status_code == 401
    assert get(gateway, header(signed, user=API_USER, key="wrong-key")).status_code == 401


def test_timestamp_without_zone_is_refused(gateway):
    ts = gateway.clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert get(gateway, header(ts)).status_code == 401


def test_unknown_paths_and_writes_need_auth_first(gateway):
    assert httpx.get(gateway.api_url + "/nothing", timeout=5).status_code == 401
    r = httpx.post(gateway.api_url + "/payment", json={"AccountId": 1, "Amount": 1}, timeout=5)
    assert r.status_code == 401 and r.content == b""


def test_basic_scheme_plain_and_base64(gateway):
    assert get(gateway, f"basic {API_USER}:{API_KEY}").status_code == 200
    assert get(gateway, f"BASIC {API_USER}:{API_KEY}").status_code == 200
    encoded = base64.b64encode(f"{API_USER}:{API_KEY}".encode()).decode()
    assert get(gateway, f"Basic {encoded}").status_code == 200
    assert get(gateway, f"basic {API_USER}:nope").status_code == 401
    assert get(gateway, "basic !!!notbase64").status_code == 401


def test_client_with_basic_auth(gateway):
    from pos_app.paysimple import PaySimpleClient

    with PaySimpleClient(gateway.api_url, API_USER, API_KEY, auth_scheme="basic", max_retries=0) as c:
        assert c.checkout_token().jwt_token


@pytest.mark.parametrize("text", ["2026-11-25T10:00:00", "2026-11-25 10:00:00Z", "2026-11-25T10:00Z",
                                  "2026-13-25T10:00:00Z", "2026-11-25T10:00:00+25:00", "yesterday"])
def test_unparseable_timestamps(text):
    assert parse_timestamp(text) is None


def test_parse_timestamp_offsets():
    assert parse_timestamp("2018-04-19T10:04:50.6882019-06:00") == datetime(2018, 4, 19, 16, 4, 50, 688201,
                                                                           tzinfo=UTC)
    assert parse_timestamp("2017-07-20t20:45:44,5z") == datetime(2017, 7, 20, 20, 45, 44, 500000, tzinfo=UTC)


@pytest.mark.parametrize("gateway", [{"admin": True}], indirect=True)
def test_admin_is_loopback_only(gateway):
    async def call(client_host):
        transport = httpx.ASGITransport(app=gateway.asgi, client=(client_host, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1",
                                     headers=gateway.admin_headers()) as c:
            return (await c.get("/_training/clock")).status_code, (await c.post(
                "/_training/faults", json={"path": "/v4/payment", "kind": "error_before"})).status_code

    import asyncio

    assert asyncio.run(call("10.1.2.3")) == (403, 403)
    assert gateway.faults.pending() == []
    assert asyncio.run(call("127.0.0.1")) == (200, 200)
    assert len(gateway.faults.pending()) == 1
