"""Checkout/customer JWTs and payment tokens: lifetimes on the gateway clock, forgery, single use (also under
concurrent use), and the HTTP endpoints that issue them."""

from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta

import pytest

from pos_app.paysimple.errors import NotFoundError
from pos_app.training.tokens import TokenError


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def reason(fn, *args) -> str:
    with pytest.raises(TokenError) as err:
        fn(*args)
    return err.value.reason


def test_checkout_token_lives_five_minutes(client, gateway):
    token = client.checkout_token()
    claims = gateway.tokens.verify(token.jwt_token, "checkout")
    assert claims["exp"] - claims["iat"] == 300
    assert abs(token.expiration - (gateway.clock.now() + timedelta(minutes=5))) < timedelta(seconds=5)
    assert reason(gateway.tokens.verify, token.jwt_token, "customer") == "invalid"
    gateway.clock.advance(295)
    gateway.tokens.verify(token.jwt_token, "checkout")
    gateway.clock.advance(6)
    assert reason(gateway.tokens.verify, token.jwt_token, "checkout") == "expired"


def test_customer_token_lives_fifteen_minutes_and_names_the_customer(client, gateway, raw):
    c = raw.customer()
    token = client.customer_token(c["Id"]).jwt_token
    assert gateway.tokens.verify(token, "customer")["customer_id"] == c["Id"]
    assert reason(gateway.tokens.verify, token, "checkout") == "invalid"
    gateway.clock.advance(15 * 60 - 5)
    gateway.tokens.verify(token, "customer")
    gateway.clock.advance(6)
    assert reason(gateway.tokens.verify, token, "customer") == "expired"
    with pytest.raises(NotFoundError):
        client.customer_token(1999999)


def test_forged_tokens_are_invalid(gateway):
    from pos_app.training import TrainingGateway

    token = gateway.tokens.issue_customer_token(1000001)
    header, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    other_customer = f"{header}.{b64({**claims, 'customer_id': 1000002})}.{sig}"
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    longer = f"{header}.{b64({**claims, 'exp': claims['exp'] + 3600})}.{sig}"
    with TrainingGateway() as elsewhere:                                  # a different gateway's secret
        foreign = elsewhere.tokens.issue_customer_token(1000001)
    for bad in (other_customer, unsigned, longer, foreign, "", "a.b", "a.b.c", token + "x", None, 42):
        assert reason(gateway.tokens.verify, bad, "customer") == "invalid", bad
    assert gateway.tokens.verify(token, "customer")["customer_id"] == 1000001


def test_payment_token_rules(gateway, raw):
    c = raw.customer()
    card = raw.card(c["Id"])
    tokens = gateway.tokens
    token = tokens.issue_payment_token(c["Id"], card["Id"])
    assert reason(tokens.consume_payment_token, token, card["Id"] + 1) == "mismatch"
    assert tokens.consume_payment_token(token, card["Id"]) == c["Id"]
    assert reason(tokens.consume_payment_token, token, card["Id"]) == "used"
    assert reason(tokens.consume_payment_token, "not-a-token", card["Id"]) == "invalid"
    late = tokens.issue_payment_token(c["Id"], card["Id"])
    gateway.clock.advance(15 * 60)
    err = pytest.raises(TokenError, tokens.consume_payment_token, late, card["Id"])
    assert err.value.reason == "expired" and late not in str(err.value)


def test_concurrent_consumers_get_exactly_one_success(gateway, raw):
    c = raw.customer()
    card = raw.card(c["Id"])
    token = gateway.tokens.issue_payment_token(c["Id"], card["Id"])
    results, barrier = [], threading.Barrier(8)

    def use():
        barrier.wait()
        try:
            results.append(gateway.tokens.consume_payment_token(token, card["Id"]))
        except TokenError as exc:
            results.append(exc.reason)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results, key=str) == [c["Id"]] + ["used"] * 7


def test_concurrent_payments_with_one_token_charge_once(gateway, raw):
    import httpx

    c = raw.customer()
    card = raw.card(c["Id"])
    token = gateway.tokens.issue_payment_token(c["Id"], card["Id"])
    statuses, barrier = [], threading.Barrier(6)

    def pay():
        with httpx.Client(base_url=gateway.base_url, timeout=10) as http:
            barrier.wait()
            r = http.post("/v4/payment", json={"AccountId": card["Id"], "Amount": 5, "PaymentToken": token},
                          headers={"Authorization": raw.auth()})
            statuses.append(r.status_code)

    threads = [threading.Thread(target=pay) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(statuses) == [201] + [400] * 5
    assert len(raw.ok("GET", "/v4/payment")) == 1


def test_payment_tokens_survive_a_restart_of_a_file_backed_gateway(tmp_path, raw):
    from pos_app.training import TrainingGateway

    data = tmp_path / "gw.sqlite"
    with TrainingGateway(data=data) as first:
        c = first.store.create_customer({"FirstName": "Ada", "LastName": "Lovelace"})
        card = first.store.create_credit_card(c["Id"], "4111111111111111", "12/2030")
        token = first.tokens.issue_payment_token(c["Id"], card["Id"])
    with TrainingGateway(data=data) as second:
        assert second.tokens.consume_payment_token(token, card["Id"]) == c["Id"]
