"""PaySimple v4 request authentication.

PSSERVER (legacy HMAC, what every known client sends):
    Authorization: PSSERVER accessid=<user>; timestamp=<ISO-8601>; signature=<b64(HMAC-SHA256(key, timestamp))>
Only the timestamp string is signed, exactly as sent. A fresh header is built for every request because the
server rejects timestamps more than 5 minutes from its clock.

basic (API 5 scheme also accepted by v4 per the docs): ``Authorization: basic <user>:<key>`` (not base64).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime

PSSERVER = "psserver"
BASIC = "basic"


def utc_timestamp(now: datetime | None = None) -> str:
    """ISO-8601 UTC with milliseconds and ``Z`` (the shape JavaScript's toISOString sends)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return (f"{now.year:04d}-{now.month:02d}-{now.day:02d}T{now.hour:02d}:{now.minute:02d}:"
            f"{now.second:02d}.{now.microsecond // 1000:03d}Z")


def signature(api_key: str, timestamp: str) -> str:
    digest = hmac.new(api_key.encode("utf-8"), timestamp.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def psserver_header(api_user: str, api_key: str, timestamp: str | None = None) -> str:
    ts = timestamp or utc_timestamp()
    return f"PSSERVER accessid={api_user}; timestamp={ts}; signature={signature(api_key, ts)}"


def basic_header(api_user: str, api_key: str) -> str:
    return f"basic {api_user}:{api_key}"


def header_factory(api_user: str, api_key: str, scheme: str = PSSERVER,
                   clock: Callable[[], datetime] | None = None) -> Callable[[], str]:
    """Return a zero-argument callable producing a fresh Authorization value per request.

    The key lives only in this closure: it is not an attribute of any object with a repr.
    """
    if scheme == PSSERVER:
        return lambda: psserver_header(api_user, api_key, utc_timestamp(clock() if clock else None))
    if scheme == BASIC:
        return lambda: basic_header(api_user, api_key)
    raise ValueError(f"unknown auth scheme {scheme!r}; use 'psserver' or 'basic'")
