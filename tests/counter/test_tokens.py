"""The counter's token cache (``pos_app.counter.tokens``): a checkout token is handed out once and only while
young on the checkout clock; customer tokens are reused until stale, ``fresh`` or forgotten; a failed fetch
changes nothing."""

from __future__ import annotations

import itertools

import pytest

from pos_app.counter.tokens import CHECKOUT_TOKEN_MAX_AGE, TokenCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fetcher(prefix: str):
    counter = itertools.count(1)
    return lambda: f"{prefix}{next(counter)}"


def test_a_prefetched_checkout_token_is_handed_out_once_while_young():
    clock, fetch = Clock(), fetcher("c")
    tokens = TokenCache(clock)
    tokens.prefetch_checkout(fetch)
    tokens.prefetch_checkout(fetch)  # still fresh: no second fetch
    assert tokens.take_checkout(fetch) == "c1"
    assert tokens.take_checkout(fetch) == "c2"  # never the same token twice


def test_a_checkout_token_older_than_its_age_on_the_checkout_clock_is_not_used():
    clock, fetch = Clock(), fetcher("c")
    tokens = TokenCache(clock)
    tokens.prefetch_checkout(fetch)
    clock.now += CHECKOUT_TOKEN_MAX_AGE  # training's time travel moves this clock
    assert tokens.take_checkout(fetch) == "c2"


def test_customer_tokens_are_reused_per_customer_until_fresh_is_asked_or_they_are_forgotten():
    tokens, fetch = TokenCache(), fetcher("k")
    assert tokens.customer(1, False, fetch) == "k1"
    assert tokens.customer(1, False, fetch) == "k1"
    assert tokens.customer(2, False, fetch) == "k2"
    assert tokens.customer(1, True, fetch) == "k3"
    tokens.forget_customers()
    assert tokens.customer(1, False, fetch) == "k4"


def test_a_failed_fetch_raises_and_leaves_the_cache_as_it_was():
    tokens, fetch = TokenCache(), fetcher("k")

    def down() -> str:
        raise ConnectionError("gateway down")

    tokens.customer(1, False, fetch)
    with pytest.raises(ConnectionError):
        tokens.customer(1, True, down)
    assert tokens.customer(1, False, fetch) == "k1"
    with pytest.raises(ConnectionError):
        tokens.prefetch_checkout(down)
    assert tokens.take_checkout(fetch) == "k2"
