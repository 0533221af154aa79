"""Server-side check of the ``Authorization`` header, tolerant the way real clients need (reference §2.1).

PSSERVER: scheme name case-insensitive; ``name=value`` parts split on ``;`` with any spaces around ``=`` and
``;``; names (accessid, timestamp, signature) case-insensitive; each exactly once. The timestamp is any
ISO-8601 shape clients send: ``T``, seconds, an optional fraction of any length (``.`` or ``,``), and ``Z`` or
an offset ``±hh:mm`` / ``±hhmm``. A timestamp without a zone is refused (ambiguous). It must be within 5
minutes of the gateway clock either way. The HMAC is recomputed over the timestamp text exactly as sent
(only surrounding spaces are trimmed) and compared in constant time; the access id must match exactly.

basic: ``basic user:key`` (not base64, per the docs); a base64-encoded ``user:key`` is also accepted since
standard HTTP Basic clients send that. Anything else (reseller, bearer, missing) fails. Every failure is the
same 401 with an empty body; the reason is only returned to the caller for the gateway's own log.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from datetime import UTC, datetime, timedelta, timezone

from pos_app.paysimple.auth import signature

MAX_SKEW = timedelta(minutes=5)

_TS = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$")


def parse_timestamp(text: str) -> datetime | None:
    """An aware datetime for any accepted ISO-8601 shape, else None."""
    m = _TS.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction = (m.group(7) or "")[:6].ljust(6, "0")
    if m.group(8):
        tz = UTC
    else:
        hours, minutes = int(m.group(10)), int(m.group(11))
        if hours > 23 or minutes > 59:
            return None
        offset = timedelta(hours=hours, minutes=minutes)
        tz = timezone(-offset if m.group(9) == "-" else offset)
    try:
        return datetime(year, month, day, hour, minute, second, int(fraction), tzinfo=tz)
    except ValueError:
        return None


def _parts(text: str) -> dict[str, str] | None:
    found: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        if not sep or name in found:
            return None
        found[name] = value.strip()
    return found


def check(header: str | None, api_user: str, api_key: str, now: datetime) -> str | None:
    """None when the header authenticates, else a short reason (never containing secrets)."""
    if not header or not header.strip():
        return "missing"
    pieces = header.strip().split(None, 1)          # scheme, then any run of spaces or tabs
    scheme = pieces[0].lower()
    rest = pieces[1].strip() if len(pieces) > 1 else ""
    if scheme == "psserver":
        parts = _parts(rest)
        if parts is None or set(parts) != {"accessid", "timestamp", "signature"}:
            return "malformed"
        when = parse_timestamp(parts["timestamp"])
        if when is None:
            return "bad timestamp"
        if abs(now - when) > MAX_SKEW:
            return "stale timestamp"
        if not hmac.compare_digest(parts["accessid"].encode(), api_user.encode()):
            return "unknown user"
        if not hmac.compare_digest(parts["signature"].encode(), signature(api_key, parts["timestamp"]).encode()):
            return "bad signature"
        return None
    if scheme == "basic":
        pair = rest
        if ":" not in pair:
            try:
                pair = base64.b64decode(pair, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return "malformed"
        user, _, key = pair.partition(":")
        ok_user = hmac.compare_digest(user.encode(), api_user.encode())
        ok_key = hmac.compare_digest(key.encode(), api_key.encode())
        return None if ok_user and ok_key else "bad credentials"
    return "unsupported scheme"
