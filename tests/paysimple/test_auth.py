"""The Authorization header on the wire, checked against an HMAC computed here independently."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.paysimple import PaySimpleClient

from .conftest import BASE, CUSTOMER, KEY, USER, reply

HEADER = re.compile(r"^PSSERVER accessid=(?P<user>[^;]+); timestamp=(?P<ts>[^;]+); signature=(?P<sig>\S+)$")


def expected_signature(key: str, timestamp: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), timestamp.encode(), hashlib.sha256).digest()).decode()


def test_psserver_signature_matches_independent_hmac(api, client):
    route = api.get("/customer/1").mock(return_value=reply({**CUSTOMER, "Id": 1}))
    before = datetime.now(UTC)
    client.get_customer(1)
    header = route.calls.last.request.headers["authorization"]
    m = HEADER.match(header)
    assert m, header
    assert m["user"] == USER
    assert m["sig"] == expected_signature(KEY, m["ts"])
    sent = datetime.fromisoformat(m["ts"].replace("Z", "+00:00"))
    assert m["ts"].endswith("Z") and sent.tzinfo is not None
    assert before - timedelta(seconds=1) <= sent <= datetime.now(UTC) + timedelta(seconds=1)
    assert KEY not in header


def test_fresh_header_per_request(api, sleeps):
    times = iter([datetime(2026, 11, 25, 12, 0, 0, 123000, tzinfo=UTC),
                  datetime(2026, 11, 25, 12, 0, 1, 456000, tzinfo=UTC)])
    route = api.get("/customer/1").mock(return_value=reply({**CUSTOMER, "Id": 1}))
    with PaySimpleClient(BASE, USER, KEY, clock=lambda: next(times), sleep=sleeps) as c:
        c.get_customer(1)
        c.get_customer(1)
    first, second = (HEADER.match(call.request.headers["authorization"]) for call in route.calls)
    assert first["ts"] == "2026-11-25T12:00:00.123Z" and second["ts"] == "2026-11-25T12:00:01.456Z"
    assert first["sig"] == expected_signature(KEY, "2026-11-25T12:00:00.123Z")
    assert second["sig"] == expected_signature(KEY, "2026-11-25T12:00:01.456Z")


def test_documented_example_shape_round_trips():
    # The header format of DOC-AUTH's example, rebuilt from our own signer for a known key and timestamp.
    from pos_app.paysimple.auth import psserver_header
    ts = "2017-07-20T20:45:44.0973928Z"
    assert psserver_header("APIUser1000", "secret", ts) == (
        f"PSSERVER accessid=APIUser1000; timestamp={ts}; signature={expected_signature('secret', ts)}")


def test_basic_scheme(api, sleeps):
    route = api.get("/customer/1").mock(return_value=reply({**CUSTOMER, "Id": 1}))
    with PaySimpleClient(BASE, USER, KEY, auth_scheme="basic", sleep=sleeps) as c:
        c.get_customer(1)
    assert route.calls.last.request.headers["authorization"] == f"basic {USER}:{KEY}"


def test_unknown_scheme_refused():
    with pytest.raises(ValueError, match="unknown auth scheme"):
        PaySimpleClient(BASE, USER, KEY, auth_scheme="bearer")


def test_key_not_in_repr_or_vars():
    c = PaySimpleClient(BASE, USER, KEY)
    try:
        assert KEY not in repr(c) and KEY not in str(c)
        assert all(KEY not in repr(v) for v in vars(c).values())
    finally:
        c.close()


@pytest.mark.parametrize("url", ["http://api.example.com/v4", "ftp://x/v4", "not a url"])
def test_plain_http_only_to_loopback(url):
    with pytest.raises(ValueError, match="http"):
        PaySimpleClient(url, USER, KEY)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8123/v4", "http://localhost:1/v4", "http://[::1]:5/v4"])
def test_loopback_plain_http_allowed(url):
    PaySimpleClient(url, USER, KEY).close()


def test_credentials_checked_and_key_not_echoed():
    with pytest.raises(ValueError, match="API user") as err:
        PaySimpleClient(BASE, "", KEY)
    with pytest.raises(ValueError, match="API key") as err:
        PaySimpleClient(BASE, USER, "bad\nkey-with-newline")
    assert "bad" not in str(err.value)


def test_key_registered_with_the_log_redactor():
    from pos_app.logs import redact
    key = "another-key-registered-by-the-client-42"
    assert redact(f"x {key} y") == f"x {key} y"
    PaySimpleClient(BASE, USER, key).close()
    assert redact(f"x {key} y") == "x [secret] y"
