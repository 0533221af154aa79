"""PaySimpleJS stand-in over HTTP: what the gateway serves and what its form API accepts, checked with httpx
against a real training gateway (the browser side is in test_sdk_webview.py)."""

from __future__ import annotations

import re

import httpx
import pytest

from pos_app.training.tokens import TokenError
from tests.fixtures.gateway import gateway_fixture

VISA = "4111111111111111"
AMEX = "371449635398456"
RETRIEVE = "/paysimplejs/v1/api/accounts/retrieve"
MATCH = "/paysimplejs/v1/api/accounts/match-or-create"


gateway = gateway_fixture("APIUser1000", "training-key-sdk-api")  # one real training gateway for the module


@pytest.fixture(scope="module")
def http(gateway):
    with httpx.Client(base_url=gateway.base_url, timeout=10, headers={"Origin": gateway.base_url}) as client:
        yield client


def card(number=VISA, expiration="12/30", cvv="123", postal="80202", **extra):
    return {"mode": "cc-key-enter", "card": {"number": number, "expiration": expiration, "cvv": cvv,
                                             "postalCode": postal}, **extra}


def bank(routing="131111114", account="751111111", kind="checking", name="PaySimple Bank"):
    return {"mode": "ach-key-enter", "bank": {"routingNumber": routing, "accountNumber": account,
                                              "accountType": kind, "bankName": name}}


def person(first="Ada", last="Lovelace", email="ada@example.com"):
    return {"customer": {"firstName": first, "lastName": last, "email": email}}


def retrieve(http, gateway, body, token=None):
    token = token or gateway.tokens.issue_checkout_token()
    return http.post(RETRIEVE, json=body, headers={"Authorization": f"Bearer {token}"})


def match(http, gateway, body, customer_token, checkout=None):
    checkout = checkout or gateway.tokens.issue_checkout_token()
    return http.post(MATCH, json=body, headers={"Authorization": f"Bearer {customer_token}",
                                                 "X-PaySimpleJS-Checkout": checkout})


def new_customer(gateway, first="Grace", last="Hopper", email="grace@example.com") -> int:
    return gateway.store.create_customer({"FirstName": first, "LastName": last, "Email": email})["Id"]


def test_client_js_is_served_at_paysimples_path(http):
    response = http.get("/paysimplejs/v1/scripts/client.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "window.paysimpleJs = function" in response.text
    assert "eval(" not in response.text and "new Function" not in response.text


def test_frame_page_has_a_strict_csp_for_its_declared_parent(http):
    response = http.get("/paysimplejs/v1/frame", params={"parent": "app://pos"})
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors app://pos" in csp
    assert "default-src 'none'" in csp and "script-src 'self';" in csp
    assert "unsafe" not in csp
    # no inline script or style the CSP would have to allow
    assert re.findall(r"<script(?![^>]*\bsrc=)", response.text) == []
    assert "<style" not in response.text and " style=" not in response.text
    loopback = http.get("/paysimplejs/v1/frame", params={"parent": "http://127.0.0.1:8123"})
    assert loopback.status_code == 200
    assert loopback.headers["content-security-policy"].endswith("frame-ancestors http://127.0.0.1:8123")


@pytest.mark.parametrize("parent", ["", "null", "https://evil.example", "http://192.168.1.5:8080",
                                    "app://pos/host.html", "http://127.0.0.1:80 https://evil.example",
                                    "javascript:alert(1)", "app://pos\n", "app://pos; script-src *"])
def test_frame_page_refuses_other_parents(http, parent):
    response = http.get("/paysimplejs/v1/frame", params={"parent": parent})
    assert response.status_code == 400
    assert "content-security-policy" not in response.headers


def test_api_answers_only_its_own_iframe_origin(http, gateway):
    token = gateway.tokens.issue_checkout_token()
    for origin in (None, "app://pos", "http://127.0.0.1:1"):
        headers = {"Authorization": f"Bearer {token}", "Origin": origin or ""}
        if origin is None:
            del headers["Origin"]
        response = httpx.post(gateway.base_url + RETRIEVE, json=card(**person()), headers=headers)
        assert response.status_code == 403, origin
        assert response.json()["errorKey"] == "unauthorized"
    assert gateway.store.find_customer("Ada", "Lovelace", "ada@example.com") is None


def test_retrieve_creates_then_matches_customer_and_card(http, gateway):
    first = retrieve(http, gateway, card(**person("Ann", "Bell", "ann@example.com")))
    assert first.status_code == 200, first.text
    body = first.json()
    assert set(body) == {"account", "customer", "paymentToken"}
    assert body["customer"] == {"id": body["customer"]["id"], "firstName": "Ann", "lastName": "Bell",
                                "email": "ann@example.com"}
    assert VISA not in first.text
    account = gateway.store.get_account(body["account"]["id"])
    assert account["CustomerId"] == body["customer"]["id"]
    assert account["CreditCardNumber"] == "************1111" and account["ExpirationDate"] == "12/2030"
    assert account["Issuer"] == "Visa" and account["BillingZipCode"] == "80202"

    again = retrieve(http, gateway, card(**person("ANN", "bell", "Ann@Example.com"))).json()
    assert again["customer"]["id"] == body["customer"]["id"]
    assert again["account"]["id"] == body["account"]["id"]
    assert again["paymentToken"] != body["paymentToken"]
    other = retrieve(http, gateway, card(**person("Ann", "Bell", "ann.bell@example.com"))).json()
    assert other["customer"]["id"] != body["customer"]["id"]


def test_payment_token_is_bound_to_customer_and_account(http, gateway):
    body = retrieve(http, gateway, card(**person("Tok", "En", "tok@example.com"))).json()
    other = retrieve(http, gateway, card("5454545454545454", **person("Tok", "En", "tok@example.com"))).json()
    assert other["customer"]["id"] == body["customer"]["id"] and other["account"]["id"] != body["account"]["id"]
    assert gateway.tokens.check_payment_token(body["paymentToken"], body["account"]["id"]) == body["customer"]["id"]
    with pytest.raises(TokenError) as refused:
        gateway.tokens.check_payment_token(body["paymentToken"], other["account"]["id"])
    assert refused.value.reason == "mismatch"


def test_server_validates_card_fields_itself(http, gateway):
    response = retrieve(http, gateway, card("4111111111111112", "13/30", "12", "8020", **person("", "X", "bad")))
    assert response.status_code == 400
    data = response.json()
    assert data["errorKey"] == "bad_request" and data["status"] == 400
    fields = {e["field"] for e in data["errors"]}
    assert fields == {"cardNumber", "expiration", "cvv", "postalCode", "firstName", "email"}
    assert "4111111111111112" not in response.text
    amex = retrieve(http, gateway, card(AMEX, cvv="123", **person()))
    assert {e["field"]: e["message"] for e in amex.json()["errors"]} == {"cvv": "CVV must be 4 digits."}
    assert gateway.store.find_customer("Ada", "Lovelace", "ada@example.com") is None


def test_expiry_is_judged_by_the_gateway_clock(http, gateway):
    customer_id = new_customer(gateway, "Clock", "Watcher", "clock@example.com")
    year = gateway.clock.now().year
    expiry = f"{gateway.clock.now().month:02d}/{year % 100:02d}"
    response = match(http, gateway, card(expiration=expiry), gateway.tokens.issue_customer_token(customer_id))
    assert response.status_code == 200, response.text
    offset = gateway.clock.offset
    try:
        gateway.clock.advance(40 * 86400)
        expired = match(http, gateway, card(expiration=expiry), gateway.tokens.issue_customer_token(customer_id))
        assert expired.status_code == 400
        assert expired.json()["errors"] == [{"field": "expiration", "message": "The card has expired."}]
    finally:
        gateway.clock.advance(-(gateway.clock.offset - offset).total_seconds())


def test_postal_code_rules_and_bypass(http, gateway):
    uk = card(postal="SW1A 1AA", **person("Uk", "Buyer", "uk@example.com"))
    refused = retrieve(http, gateway, uk)
    assert refused.json()["errors"] == [{"field": "postalCode", "message": "ZIP code must be 5 or 9 digits."}]
    assert retrieve(http, gateway, {**uk, "bypassPostalCodeValidation": True}).status_code == 200
    assert retrieve(http, gateway, card(postal="80202-1234", **person("Zip", "Nine", "z9@example.com"))).status_code == 200


@pytest.mark.parametrize("case", ["expired", "garbage", "customer-token-as-checkout", "missing"])
def test_bad_checkout_token_is_unauthorized(http, gateway, case):
    if case == "expired":
        token = gateway.tokens.issue_checkout_token()
        gateway.clock.advance(301)
    elif case == "garbage":
        token = "not.a.jwt"
    elif case == "customer-token-as-checkout":
        token = gateway.tokens.issue_customer_token(new_customer(gateway))
    else:
        token = ""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = http.post(RETRIEVE, json=card(**person()), headers=headers)
    assert response.status_code == 401
    data = response.json()
    assert data["errorKey"] == "unauthorized" and data["status"] == 401
    assert data["errors"][0]["field"] == "checkoutToken"
    assert data.get("expired") == ("checkout" if case == "expired" else None)
    assert gateway.store.find_customer("Ada", "Lovelace", "ada@example.com") is None


def test_match_or_create_needs_a_live_customer_token(http, gateway):
    customer_id = new_customer(gateway, "Exp", "Ired", "exp@example.com")
    stale = gateway.tokens.issue_customer_token(customer_id)
    gateway.clock.advance(15 * 60 + 1)
    response = match(http, gateway, card(), stale)
    assert response.status_code == 401
    assert response.json()["expired"] == "customer"
    assert response.json()["errors"][0]["field"] == "customerToken"
    assert match(http, gateway, card(), gateway.tokens.issue_checkout_token()).json().get("expired") is None

    fresh = gateway.tokens.issue_customer_token(customer_id)
    gateway.store.delete_customer(customer_id)
    gone = match(http, gateway, card(), fresh)
    assert gone.status_code == 401 and "no longer exists" in gone.json()["errors"][0]["message"]
    assert gateway.store.customer_accounts(customer_id)["CreditCardAccounts"] == []


def test_match_or_create_matches_identical_accounts_and_updates_details(http, gateway):
    customer_id = new_customer(gateway, "Same", "Card", "same@example.com")
    token = gateway.tokens.issue_customer_token(customer_id)
    first = match(http, gateway, card(), token).json()
    reissued = match(http, gateway, card(expiration="06/31", postal="10001"), token).json()
    assert reissued["account"]["id"] == first["account"]["id"]
    account = gateway.store.get_account(first["account"]["id"])
    assert (account["ExpirationDate"], account["BillingZipCode"]) == ("06/2031", "10001")
    other = match(http, gateway, card("5454545454545454"), token).json()
    assert other["account"]["id"] != first["account"]["id"]

    ach = match(http, gateway, bank(), token).json()
    savings = match(http, gateway, bank(kind="savings"), token).json()
    assert savings["account"]["id"] == ach["account"]["id"]
    assert gateway.store.get_account(ach["account"]["id"])["IsCheckingAccount"] is False
    assert match(http, gateway, bank(account="751111112"), token).json()["account"]["id"] != ach["account"]["id"]
    accounts = gateway.store.customer_accounts(customer_id)
    assert len(accounts["CreditCardAccounts"]) == 2 and len(accounts["AchAccounts"]) == 2


def test_ach_fields_are_validated(http, gateway):
    token = gateway.tokens.issue_customer_token(new_customer(gateway, "Bad", "Bank", "bad@example.com"))
    response = match(http, gateway, bank(routing="131111115", account="1", kind="loan", name=""), token)
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"routingNumber", "accountNumber", "accountType",
                                                               "bankName"}


def test_malformed_bodies_are_bad_requests(http, gateway):
    token = gateway.tokens.issue_checkout_token()
    auth = {"Authorization": f"Bearer {token}"}
    assert http.post(RETRIEVE, content=b"{not json", headers=auth).status_code == 400
    assert http.post(RETRIEVE, json=[1, 2], headers=auth).status_code == 400
    assert http.post(RETRIEVE, json={"mode": "swipe", **person()}, headers=auth).json()["errors"] == [
        {"field": "", "message": "mode must be cc-key-enter or ach-key-enter."}]
    assert http.post(RETRIEVE, content=b"x" * 20000, headers=auth).status_code == 400
