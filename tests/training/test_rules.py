"""pos_app.paysimple.rules: every rule, checksums and brand detection (pure functions, property-based where
it pays)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.paysimple.rules import (
    FieldMessage,
    aba_ok,
    card_brand,
    issuer_name,
    luhn_ok,
    mask_number,
    phone_digits,
    round_amount,
    validate_ach,
    validate_address,
    validate_amount,
    validate_credit_card,
    validate_customer,
    validate_payment,
)

TODAY = date(2026, 11, 25)
GOOD_CARD = {"CreditCardNumber": "4111111111111111", "ExpirationDate": "11/2026"}
GOOD_ACH = {"RoutingNumber": "131111114", "AccountNumber": "751111111", "BankName": "PaySimple Bank"}
ADDRESS = {"StreetAddress1": "1 Main St", "City": "Denver", "ZipCode": "80202", "StateCode": "CO", "Country": "US"}


def fields(messages: list[FieldMessage]) -> set[str]:
    return {m.field for m in messages}


def luhn_digit(body: str) -> str:
    for d in "0123456789":
        if luhn_ok(body + d):
            return d
    raise AssertionError


# --- checksums and brands ---------------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["4111111111111111", "5454545454545454", "371449635398456", "6011000995504101",
                                    "2223000048400011", "79927398713"])
def test_luhn_accepts_known_valid_numbers(number):
    assert luhn_ok(number)


@given(st.text(alphabet="0123456789", min_size=11, max_size=18), st.integers(0, 17), st.integers(1, 9))
def test_luhn_detects_every_single_digit_change(body, pos, bump):
    number = body + luhn_digit(body)
    pos %= len(number)
    changed = number[:pos] + str((int(number[pos]) + bump) % 10) + number[pos + 1:]
    assert luhn_ok(number) and not luhn_ok(changed)


@pytest.mark.parametrize("bad", ["", "4", "4111 1111 1111 1111", "411111111111111a", "٤١١١١١١١١١١١١١١١", None])
def test_luhn_rejects_non_digits(bad):
    assert not luhn_ok(bad)


@pytest.mark.parametrize("routing", ["131111114", "307075259", "011000015", "121000358"])
def test_aba_accepts_real_routing_numbers(routing):
    assert aba_ok(routing)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 8), st.integers(1, 9))
def test_aba_checksum_catches_single_digit_errors(routing, pos, bump):
    changed = routing[:pos] + str((int(routing[pos]) + bump) % 10) + routing[pos + 1:]
    # weights 3,7,1 are coprime with 10, so one changed digit always changes the sum mod 10
    assert not (aba_ok(routing) and aba_ok(changed))


@pytest.mark.parametrize("routing", ["13111111", "1311111145", "13111111x", "131111115", ""])
def test_aba_rejects_wrong_length_chars_or_checksum(routing):
    assert not aba_ok(routing)


@pytest.mark.parametrize("number, brand", [
    ("4111111111111111", "Visa"), ("4222222222222", "Visa"), ("5454545454545454", "Master"),
    ("2223000048400011", "Master"), ("371449635398456", "Amex"), ("341111111111111", "Amex"),
    ("6011000995504101", "Discover"), ("6500000000000002", "Discover"), ("3530111333300000", None),
    ("30569309025904", None), ("1234", None), ("abc", None),
])
def test_card_brand(number, brand):
    assert card_brand(number) == brand


def test_issuer_names_and_codes():
    assert [issuer_name(v) for v in (12, "13", "amex", "DISCOVER", "MasterCard", " visa ")] == [
        "Visa", "Master", "Amex", "Discover", "Master", "Visa"]
    assert [issuer_name(v) for v in (11, "16", "Diners", True, None, 12.0)] == [None] * 6


def test_mask_and_phone_helpers():
    assert mask_number("4111111111111111") == "************1111"
    assert mask_number("371449635398456") == "*" * 11 + "8456"
    assert mask_number("751111111") == "*****1111"
    assert phone_digits("(303) 555-0100") == "3035550100"


# --- customer ---------------------------------------------------------------------------------------------

def test_minimal_customer_is_valid():
    assert validate_customer({"FirstName": "Ada", "LastName": "Lovelace"}) == []


@pytest.mark.parametrize("body, field", [
    ({"LastName": "L"}, "FirstName"),
    ({"FirstName": "  ", "LastName": "L"}, "FirstName"),
    ({"FirstName": "A"}, "LastName"),
    ({"FirstName": "A" * 101, "LastName": "L"}, "FirstName"),
    ({"FirstName": "A", "LastName": "L" * 101}, "LastName"),
    ({"FirstName": "A", "LastName": "L", "MiddleName": "M" * 101}, "MiddleName"),
    ({"FirstName": 7, "LastName": "L"}, "FirstName"),
    ({"FirstName": "A", "LastName": "L", "Company": "C" * 51}, "Company"),
    ({"FirstName": "A", "LastName": "L", "CustomerAccount": "9" * 29}, "CustomerAccount"),
    ({"FirstName": "A", "LastName": "L", "Phone": "303-555-0100"}, "Phone"),
    ({"FirstName": "A", "LastName": "L", "AltPhone": "30355501001"}, "AltPhone"),
    ({"FirstName": "A", "LastName": "L", "MobilePhone": "(303)5550100"}, "MobilePhone"),
    ({"FirstName": "A", "LastName": "L", "Fax": "fax"}, "Fax"),
    ({"FirstName": "A", "LastName": "L", "Email": "ada@example"}, "Email"),
    ({"FirstName": "A", "LastName": "L", "Email": "ada lovelace@example.com"}, "Email"),
    ({"FirstName": "A", "LastName": "L", "Email": "a" * 90 + "@example.com"}, "Email"),
    ({"FirstName": "A", "LastName": "L", "AltEmail": "@example.com"}, "AltEmail"),
    ({"FirstName": "A", "LastName": "L", "Website": "w" * 101}, "Website"),
    ({"FirstName": "A", "LastName": "L", "Website": "my site.com"}, "Website"),
    ({"FirstName": "A", "LastName": "L", "Notes": "n" * 2049}, "Notes"),
    ({"FirstName": "A", "LastName": "L", "ShippingSameAsBilling": "maybe"}, "ShippingSameAsBilling"),
    ({"FirstName": "A", "LastName": "L", "ShippingSameAsBilling": False}, "ShippingAddress"),
    ({"FirstName": "A", "LastName": "L", "BillingAddress": {"City": "Denver", "ZipCode": "80202"}},
     "BillingAddress.StreetAddress1"),
    ({"FirstName": "A", "LastName": "L", "ShippingSameAsBilling": False,
      "ShippingAddress": {**ADDRESS, "City": None}}, "ShippingAddress.City"),
])
def test_customer_rule(body, field):
    messages = validate_customer(body)
    assert field in fields(messages), messages
    assert all(m.message.endswith(".") and m.message[0].isupper() for m in messages)


FORGING = ["Ada\r\nAPPROVED - NO SIGNATURE NEEDED", "Ada\nX", "Ada\x00", "Ada\x1b[2J", "Ada\x7f", "Ada\x85",
           "Ada\u202eDEVORPPA", "Ada\u2066x\u2069", "Ada\u2028X", "Ada\u200bX", "Ada\tLovelace"]


@pytest.mark.parametrize("value", FORGING)
@pytest.mark.parametrize("field", ["FirstName", "LastName", "MiddleName", "Company", "CustomerAccount", "Email",
                                   "AltEmail", "Website", "Phone"])
def test_control_and_bidi_characters_are_refused_in_every_customer_field(field, value):
    body = {"FirstName": "Ada", "LastName": "Lovelace", field: value}
    messages = [m for m in validate_customer(body) if m.field == field]
    assert len(messages) == 1, messages
    assert "control or invisible formatting character" in messages[0].message and "U+" in messages[0].message
    assert value not in messages[0].message  # the message describes the character, never echoes it


@pytest.mark.parametrize("value", FORGING)
def test_control_characters_are_refused_in_addresses_cards_banks_and_payments(value):
    address = validate_address({**ADDRESS, "City": value}, "BillingAddress")
    assert fields(address) == {"BillingAddress.City"}
    assert "BankName" in fields(validate_ach({**GOOD_ACH, "BankName": value}))
    assert "OrderId" in fields(validate_payment({"AccountId": 1, "Amount": 1, "OrderId": value}))


def test_notes_and_descriptions_may_span_lines_but_hold_no_other_control():
    assert validate_customer({"FirstName": "A", "LastName": "L", "Notes": "gate code 12\r\nback door\tok"}) == []
    assert validate_payment({"AccountId": 1, "Amount": 1, "Description": "two\nlines"}) == []
    assert fields(validate_customer({"FirstName": "A", "LastName": "L", "Notes": "x\x1b[31m"})) == {"Notes"}
    assert fields(validate_payment({"AccountId": 1, "Amount": 1, "Description": "x\u202e"})) == {"Description"}


def test_real_names_with_joiners_and_accents_pass():
    assert validate_customer({"FirstName": "می\u200cخواهم", "LastName": "Ødegård-Núñez"}) == []


def test_customer_limits_are_inclusive():
    body = {"FirstName": "A" * 100, "LastName": "L" * 100, "Company": "C" * 50, "CustomerAccount": "9" * 28,
            "Phone": "3035550100", "Email": "a" * 88 + "@example.com", "Website": "w" * 100, "Notes": "n" * 2048,
            "ShippingSameAsBilling": False, "BillingAddress": ADDRESS, "ShippingAddress": ADDRESS}
    assert validate_customer(body) == []


def test_shipping_address_is_ignored_when_same_as_billing():
    assert validate_customer({"FirstName": "A", "LastName": "L", "ShippingAddress": {"City": None}}) == []


@pytest.mark.parametrize("change, field", [
    ({"StreetAddress1": None}, "StreetAddress1"), ({"City": ""}, "City"), ({"ZipCode": None}, "ZipCode"),
    ({"ZipCode": "8020"}, "ZipCode"), ({"ZipCode": "80202-12345"}, "ZipCode"), ({"StateCode": "Col"}, "StateCode"),
    ({"Country": "USA"}, "Country"), ({"StreetAddress2": "x" * 101}, "StreetAddress2"),
    ({"City": "c" * 101}, "City"),
])
def test_address_rule(change, field):
    assert fields(validate_address({**ADDRESS, **change})) == {field}


def test_address_prefix_and_optional_fields():
    assert validate_address({"StreetAddress1": "1 Main", "City": "Oslo", "ZipCode": "N-0150"}) == []
    assert fields(validate_address({"City": "X", "ZipCode": "12345"}, "BillingAddress")) == {
        "BillingAddress.StreetAddress1"}
    assert validate_address("1 Main St", "BillingAddress")[0].field == "BillingAddress"


# --- cards and ACH ----------------------------------------------------------------------------------------

def test_valid_card_this_month_is_accepted():
    assert validate_credit_card(GOOD_CARD, today=TODAY) == []
    assert validate_credit_card({**GOOD_CARD, "Issuer": 12, "BillingZipCode": "80202"}, today=TODAY) == []
    assert validate_credit_card({**GOOD_CARD, "Issuer": "Visa"}, today=TODAY) == []


@pytest.mark.parametrize("change, field, words", [
    ({"CreditCardNumber": None}, "CreditCardNumber", "required"),
    ({"CreditCardNumber": "4111-1111-1111-1111"}, "CreditCardNumber", "digits only"),
    ({"CreditCardNumber": "41111111111"}, "CreditCardNumber", "12 to 19"),
    ({"CreditCardNumber": "4111111111111112"}, "CreditCardNumber", "not valid"),
    ({"CreditCardNumber": "3530111333300000"}, "CreditCardNumber", "not accepted"),
    ({"ExpirationDate": None}, "ExpirationDate", "required"),
    ({"ExpirationDate": "10/2026"}, "ExpirationDate", "expired"),
    ({"ExpirationDate": "12/26"}, "ExpirationDate", "MM/YYYY"),
    ({"ExpirationDate": "13/2027"}, "ExpirationDate", "MM/YYYY"),
    ({"ExpirationDate": "2027-12"}, "ExpirationDate", "MM/YYYY"),
    ({"Issuer": 16}, "Issuer", "Visa, Master"),
    ({"Issuer": "Amex"}, "Issuer", "does not match"),
    ({"BillingZipCode": "12345678901"}, "BillingZipCode", "10 characters"),
])
def test_card_rule(change, field, words):
    messages = validate_credit_card({**GOOD_CARD, **change}, today=TODAY)
    assert [m.field for m in messages] == [field]
    assert words in messages[0].message
    assert "4111111111111112" not in messages[0].message        # never echo a card number


def test_valid_ach():
    assert validate_ach(GOOD_ACH) == []
    assert validate_ach({**GOOD_ACH, "AccountNumber": "12", "IsCheckingAccount": "False"}) == []
    assert validate_ach({**GOOD_ACH, "AccountNumber": "1" * 50, "BankName": "b" * 100}) == []


@pytest.mark.parametrize("change, field", [
    ({"RoutingNumber": None}, "RoutingNumber"), ({"RoutingNumber": "13111111"}, "RoutingNumber"),
    ({"RoutingNumber": "131111115"}, "RoutingNumber"), ({"RoutingNumber": "1311-1111"}, "RoutingNumber"),
    ({"AccountNumber": None}, "AccountNumber"), ({"AccountNumber": "1"}, "AccountNumber"),
    ({"AccountNumber": "1" * 51}, "AccountNumber"), ({"AccountNumber": "7511-111"}, "AccountNumber"),
    ({"BankName": None}, "BankName"), ({"BankName": "b" * 101}, "BankName"),
    ({"IsCheckingAccount": "yes"}, "IsCheckingAccount"),
])
def test_ach_rule(change, field):
    assert fields(validate_ach({**GOOD_ACH, **change})) == {field}


# --- amounts and payments ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value, ok", [
    ("0.01", True), (1, True), ("2000000", True), ("2000000.004", True), (Decimal("12.345"), True),
    ("0", False), ("0.004", False), ("-5", False), ("2000000.005", False), ("2000000.01", False),
    (None, False), (True, False), ("ten", False), ("NaN", False), ("Infinity", False),
])
def test_amount_bounds_after_rounding_to_the_cent(value, ok):
    assert (validate_amount(value) == []) is ok


@given(st.decimals(min_value=Decimal("-10"), max_value=Decimal("2000010"), places=4))
def test_amount_rule_matches_rounded_value(amount):
    cents = round_amount(amount)
    assert cents == cents.quantize(Decimal("0.01"))
    assert (validate_amount(amount) == []) == (Decimal("0") < cents <= Decimal("2000000"))


def test_round_amount_is_half_up():
    assert round_amount("12.345") == Decimal("12.35") and round_amount("12.344") == Decimal("12.34")


@pytest.mark.parametrize("body, issuer, field", [
    ({"Amount": 1}, None, "AccountId"),
    ({"AccountId": "x", "Amount": 1}, None, "AccountId"),
    ({"AccountId": 1, "Amount": 0}, None, "Amount"),
    ({"AccountId": 1, "Amount": 1, "OrderId": "o" * 51}, None, "OrderId"),
    ({"AccountId": 1, "Amount": 1, "InvoiceNumber": "i" * 51}, None, "InvoiceNumber"),
    ({"AccountId": 1, "Amount": 1, "PurchaseOrderNumber": "p" * 51}, None, "PurchaseOrderNumber"),
    ({"AccountId": 1, "Amount": 1, "Description": "d" * 2049}, None, "Description"),
    ({"AccountId": 1, "Amount": 1, "CVV": "12"}, "Visa", "CVV"),
    ({"AccountId": 1, "Amount": 1, "CVV": "123"}, "Amex", "CVV"),
])
def test_payment_rule(body, issuer, field):
    assert fields(validate_payment(body, issuer)) == {field}


def test_valid_payment():
    assert validate_payment({"AccountId": 1, "Amount": "1.00", "OrderId": "o" * 50, "CVV": "1234"}, "Amex") == []


def test_amounts_too_big_for_cents_are_rejected_as_too_large():
    assert validate_amount("1e40") == [FieldMessage("Amount", "Amount must not be more than 2,000,000.00.")]
    assert validate_amount("-1e40") == [FieldMessage("Amount", "Amount must be greater than 0.00.")]


@pytest.mark.parametrize("key, value, ok", [("Latitude", "39.7392", True), ("Latitude", -90, True),
                                            ("Latitude", "91", False), ("Longitude", "-104.99", True),
                                            ("Longitude", "east", False), ("Longitude", True, False)])
def test_payment_coordinates(key, value, ok):
    assert (validate_payment({"AccountId": 1, "Amount": 1, key: value}) == []) is ok
