"""Retry policy: bounded, jittered exponential backoff for requests that are safe to repeat.

Only GETs and token requests (POST /checkouttoken, GET /customer/{id}/token) are ever retried, and only
after a connect error, a timeout, a dropped connection, a 5xx or a 429. Every other write (POST /payment,
void, reverse, customer/account changes) is attempted exactly once: a lost reply there must be looked up,
not resent. The client decides which requests are repeatable; this module only computes the waits.

Delay before retry n (1-based) = ``min(cap, base * 2**(n-1))``, scaled by a random factor in [0.5, 1.0]
("equal jitter": spread out, never zero). A ``Retry-After`` header in seconds (429/503) is honoured when it
is not larger than ``cap``. ``sleep`` and ``random`` are injectable so tests check the schedule without
waiting.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    base: float = 0.25
    cap: float = 4.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    random: Callable[[], float] = field(default=_random.random, repr=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if self.base < 0 or self.cap < 0:
            raise ValueError("backoff times must not be negative")

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        if retry_after is not None and 0 <= retry_after <= self.cap:
            return retry_after
        ceiling = min(self.cap, self.base * (2 ** (retry_number - 1)))
        return ceiling * (0.5 + 0.5 * self.random())


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (the HTTP-date form is ignored)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
