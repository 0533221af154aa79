"""Property tests over HTTP: for generated customer, card and ACH bodies the gateway creates exactly when the
shared rules say the body is valid, answers 400 naming exactly the fields the rules name, and echoes what was
stored (stripped text, masked numbers)."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.paysimple.auth import psserver_header, utc_timestamp
from pos_app.paysimple.rules import mask_number, validate_ach, validate_credit_card, validate_customer

API_USER, API_KEY = "props", "props-key"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def gw():
    from pos_app.training import TrainingGateway

    with TrainingGateway(API_USER, API_KEY) as gateway:
        gateway.customer_id = gateway.store.create_customer({"FirstName": "P", "LastName": "Q"})["Id"]
        gateway.card_id = gateway.store.create_credit_card(gateway.customer_id, "4111111111111111", "12/2030")["Id"]
        with httpx.Client(base_url=gateway.api_url, timeout=5) as http:
            gateway.http = http
            yield gateway


def post(gw, path, body):
    headers = {"Authorization": psserver_header(API_USER, API_KEY, utc_timestamp(gw.clock.now())),
               "Content-Type": "application/json"}
    return gw.http.post(path, content=json.dumps(body), headers=headers)


def maybe(strategy):
    return st.one_of(st.none(), strategy)


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=110)
digits = st.text(alphabet="0123456789", max_size=12)
emails = st.one_of(st.emails().filter(lambda e: len(e) <= 120), texts)
addresses = st.fixed_dictionaries({
    "StreetAddress1": maybe(texts), "City": maybe(st.sampled_from(["Denver", "", "Zürich", "x" * 101])),
    "ZipCode": maybe(st.sampled_from(["80202", "8020", "80202-1234", "SW1A 1AA", "12345678901"])),
    "StateCode": maybe(st.sampled_from(["CO", "Col", "ny", "1A"])), "Country": maybe(st.sampled_from(["US", "USA"])),
})
customers = st.fixed_dictionaries({
    "FirstName": maybe(texts), "LastName": maybe(texts),
}, optional={
    "MiddleName": maybe(texts), "Company": maybe(texts), "CustomerAccount": maybe(texts),
    "Phone": maybe(st.one_of(digits, texts)), "Fax": maybe(digits), "Email": maybe(emails),
    "Website": maybe(texts), "Notes": maybe(st.text(max_size=2100)),
    "ShippingSameAsBilling": st.one_of(st.booleans(), st.sampled_from(["true", "FALSE", "maybe"])),
    "BillingAddress": maybe(addresses), "ShippingAddress": maybe(addresses),
})


@SETTINGS
@given(customers)
def test_customer_created_iff_rules_pass(gw, body):
    expected = validate_customer(body)
    r = post(gw, "/customer", body)
    if expected:
        assert r.status_code == 400, r.text
        got = {m["Field"] for m in r.json()["Meta"]["Errors"]["ErrorMessages"]}
        assert got == {m.field for m in expected}
    else:
        assert r.status_code == 201, r.text
        made = r.json()["Response"]
        for key in ("FirstName", "LastName", "Company", "Email", "Phone", "Notes"):
            if key in body:
                sent = body[key].strip() if isinstance(body[key], str) else body[key]
                assert made[key] == (sent or None)


cards = st.fixed_dictionaries({
    "CreditCardNumber": st.one_of(st.sampled_from(["4111111111111111", "5454545454545454", "371449635398456",
                                                   "6011000995504101", "4111111111111112", "3530111333300000"]),
                                  digits, texts),
    "ExpirationDate": st.one_of(st.sampled_from(["12/2030", "01/2020", "13/2030", "1/2030"]),
                                st.builds(lambda m, y: f"{m:02d}/{y}", st.integers(0, 13), st.integers(2020, 2040))),
}, optional={"Issuer": st.one_of(st.integers(10, 16), st.sampled_from(["Visa", "amex", "Master", "Diners"])),
             "BillingZipCode": maybe(texts)})


@SETTINGS
@given(cards)
def test_card_created_iff_rules_pass_and_number_is_masked(gw, body):
    body = {**body, "CustomerId": gw.customer_id}
    today = gw.clock.now().astimezone(ZoneInfo("America/New_York")).date()
    expected = validate_credit_card(body, today=today)
    r = post(gw, "/account/creditcard", body)
    if expected:
        assert r.status_code == 400, r.text
        assert {m["Field"] for m in r.json()["Meta"]["Errors"]["ErrorMessages"]} == {m.field for m in expected}
    else:
        assert r.status_code == 201, r.text
        assert r.json()["Response"]["CreditCardNumber"] == mask_number(body["CreditCardNumber"])


achs = st.fixed_dictionaries({
    "RoutingNumber": st.one_of(st.sampled_from(["131111114", "307075259", "131111115"]), digits),
    "AccountNumber": st.one_of(digits, st.text(alphabet="0123456789", min_size=45, max_size=55), texts),
    "BankName": maybe(texts),
}, optional={"IsCheckingAccount": st.one_of(st.booleans(), st.sampled_from(["True", "no"]))})


@SETTINGS
@given(achs)
def test_ach_created_iff_rules_pass_and_number_is_masked(gw, body):
    body = {**body, "CustomerId": gw.customer_id}
    expected = validate_ach(body)
    r = post(gw, "/account/ach", body)
    if expected:
        assert r.status_code == 400, r.text
        assert {m["Field"] for m in r.json()["Meta"]["Errors"]["ErrorMessages"]} == {m.field for m in expected}
    else:
        assert r.status_code == 201, r.text
        made = r.json()["Response"]
        assert made["AccountNumber"] == mask_number(body["AccountNumber"].strip())
        number = body["AccountNumber"].strip()
        others = json.dumps({k: v for k, v in made.items() if k != "BankName"})   # the bank name is echoed
        assert len(number) < 10 or number not in others             # long enough not to occur by chance


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.text(max_size=20),
                                     st.decimals(allow_nan=False, allow_infinity=False, places=3)),
                           lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                           max_leaves=6)
KEYS = ["Id", "CustomerId", "FirstName", "LastName", "Email", "BillingAddress", "ShippingSameAsBilling",
        "ShippingAddress", "CreditCardNumber", "ExpirationDate", "Issuer", "BillingZipCode", "IsDefault",
        "RoutingNumber", "AccountNumber", "BankName", "IsCheckingAccount", "AccountId", "Amount", "OrderId",
        "PaymentToken", "PaymentSubType", "CVV", "Latitude", "Longitude", "InvoiceId", "SuccessReceiptOptions",
        "PaymentId", "CustomerAccountId", "Cvv"]
WRITES = [("POST", "/customer"), ("PUT", "/customer"), ("POST", "/account/creditcard"), ("PUT", "/account/creditcard"),
          ("POST", "/account/ach"), ("PUT", "/account/ach"), ("POST", "/payment"), ("PUT", "/MarkPaymentStatus"),
          ("POST", "/paymenttoken")]


def encode(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(WRITES), st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8))
def test_any_json_gets_a_clean_answer_never_a_500(gw, write, body):
    method, path = write
    headers = {"Authorization": psserver_header(API_USER, API_KEY, utc_timestamp(gw.clock.now())),
               "Content-Type": "application/json"}
    r = gw.http.request(method, path, content=json.dumps(encode(body)), headers=headers)
    assert r.status_code in (200, 201, 400, 404), (r.status_code, r.text)
    if r.status_code >= 400:
        assert r.json()["Meta"]["Errors"]["ErrorMessages"]
    elif path == "/payment":                      # the stored payment reads back cleanly
        payment_id = r.json()["Response"]["Id"]
        again = gw.http.get(f"/payment/{payment_id}", headers=headers)
        assert again.status_code == 200


PAYMENT_EXTRAS = ["OrderId", "PaymentToken", "PaymentSubType", "CVV", "Latitude", "Longitude", "InvoiceId",
                  "InvoiceNumber", "Description", "SuccessReceiptOptions", "FailureReceiptOptions", "IsDebit"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(PAYMENT_EXTRAS), json_values, max_size=5))
def test_payments_with_odd_extras_are_stored_and_read_back_or_refused(gw, extras):
    headers = {"Authorization": psserver_header(API_USER, API_KEY, utc_timestamp(gw.clock.now())),
               "Content-Type": "application/json"}
    body = {**encode(extras), "AccountId": gw.card_id, "Amount": 1}
    r = gw.http.post("/payment", content=json.dumps(body), headers=headers)
    assert r.status_code in (201, 400), (r.status_code, r.text)
    if r.status_code == 201:
        again = gw.http.get(f"/payment/{r.json()['Response']['Id']}", headers=headers)
        assert again.status_code == 200 and again.json()["Response"] == r.json()["Response"]
