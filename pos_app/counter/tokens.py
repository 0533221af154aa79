"""The PaySimpleJS tokens a counter keeps for a short while, for every ``CounterApi`` implementation.

- Checkout tokens: one may be prefetched (``prefetch_checkout``) so the payment form opens at once; it is
  handed out once (``take_checkout``) while younger than ``CHECKOUT_TOKEN_MAX_AGE`` on the checkout clock, else a
  new one is fetched. A checkout token is never handed out twice.
- Customer tokens: one per PaySimple customer, reused while younger than ``CUSTOMER_TOKEN_MAX_AGE`` (monotonic
  time) unless ``fresh`` is asked for; ``forget_customers`` drops them all.
- Thread-safe; a fetch (network) runs outside the lock, so two threads may fetch at once: the later token is
  kept. A failed fetch raises to the caller and leaves the cache as it was.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

CHECKOUT_TOKEN_MAX_AGE = 120.0
CUSTOMER_TOKEN_MAX_AGE = 600.0


@dataclass(frozen=True)
class _Cached:
    value: str
    at: float


class TokenCache:
    """``checkout_clock`` (seconds) ages checkout tokens: training passes its gateway's clock, so its time
    travel expires them too; monotonic time otherwise."""

    def __init__(self, checkout_clock: Callable[[], float] = time.monotonic) -> None:
        self._checkout_clock = checkout_clock
        self._lock = threading.Lock()
        self._checkout: _Cached | None = None
        self._customers: dict[int, _Cached] = {}

    def prefetch_checkout(self, fetch: Callable[[], str]) -> None:
        with self._lock:
            fresh = (self._checkout is not None
                     and self._checkout_clock() - self._checkout.at < CHECKOUT_TOKEN_MAX_AGE)
        if not fresh:
            token = fetch()
            with self._lock:
                self._checkout = _Cached(token, self._checkout_clock())

    def take_checkout(self, fetch: Callable[[], str]) -> str:
        with self._lock:
            cached, self._checkout = self._checkout, None
        if cached is not None and self._checkout_clock() - cached.at < CHECKOUT_TOKEN_MAX_AGE:
            return cached.value
        return fetch()

    def customer(self, paysimple_id: int, fresh: bool, fetch: Callable[[], str]) -> str:
        with self._lock:
            cached = self._customers.get(paysimple_id)
        if not fresh and cached is not None and time.monotonic() - cached.at < CUSTOMER_TOKEN_MAX_AGE:
            return cached.value
        token = fetch()
        with self._lock:
            self._customers[paysimple_id] = _Cached(token, time.monotonic())
        return token

    def forget_customers(self) -> None:
        with self._lock:
            self._customers.clear()
