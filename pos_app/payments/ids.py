"""Attempt ids, which are also the PaySimple ``OrderId`` (max 50 chars).

Shape: ``<LANE>-<ULID>``; the ULID is 26 Crockford base32 chars (48-bit millisecond time + 80 random bits),
so ids sort by creation time and two lanes, processes or machines never collide. The lane (≤ 20 chars of
``[A-Za-z0-9_]``) keeps the id ≤ 47 chars and lets end of day attribute a stray PaySimple payment to a lane.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    millis = int(now.timestamp() * 1000) & ((1 << 48) - 1)
    value = (millis << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def attempt_id(lane: str, now: datetime | None = None) -> str:
    return f"{lane}-{ulid(now)}"


def lane_of(order_id: str | None) -> str | None:
    """The lane encoded in one of our OrderIds, or None for anything that is not ours."""
    if not order_id or "-" not in order_id:
        return None
    lane, _, rest = order_id.rpartition("-")
    if len(rest) != 26 or any(c not in _CROCKFORD for c in rest):
        return None
    return lane
