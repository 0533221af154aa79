"""Card and ACH account endpoints: create/get/update/delete, masking, issuer names, defaults, validation."""

from __future__ import annotations

import pytest

from pos_app.paysimple.errors import NotFoundError
from pos_app.paysimple.models import AchInput, CreditCardInput

CARD_KEYS = {"Id", "CustomerId", "CreditCardNumber", "ExpirationDate", "Issuer", "BillingZipCode", "IsDefault",
             "CreatedOn", "LastModified"}
ACH_KEYS = {"Id", "CustomerId", "RoutingNumber", "AccountNumber", "BankName", "IsCheckingAccount", "IsDefault",
            "CreatedOn", "LastModified"}


@pytest.mark.parametrize("number, issuer_in, masked, issuer", [
    ("4111111111111111", None, "************1111", "Visa"),
    ("5454545454545454", 13, "************5454", "Master"),
    ("371449635398456", "14", "***********8456", "Amex"),
    ("6011000995504101", "discover", "************4101", "Discover"),
    ("2223000048400011", None, "************0011", "Master"),
])
def test_card_is_masked_with_issuer_name(raw, number, issuer_in, masked, issuer):
    c = raw.customer()
    card = raw.card(c["Id"], number, **({"Issuer": issuer_in} if issuer_in is not None else {}))
    assert set(card) == CARD_KEYS
    assert (card["CreditCardNumber"], card["Issuer"], card["IsDefault"]) == (masked, issuer, True)
    assert raw.ok("GET", f"/v4/account/creditcard/{card['Id']}") == card
    assert number not in raw.call("GET", f"/v4/customer/{c['Id']}/accounts").text


def test_ach_is_masked_and_has_every_key(raw):
    c = raw.customer()
    ach = raw.ach(c["Id"], IsCheckingAccount=False)
    assert set(ach) == ACH_KEYS
    assert ach["AccountNumber"] == "*****1111" and ach["RoutingNumber"] == "131111114"
    assert ach["IsCheckingAccount"] is False and ach["IsDefault"] is True
    assert raw.ok("GET", f"/v4/account/ach/{ach['Id']}") == ach


def test_card_and_ach_ids_share_one_sequence_and_kinds_do_not_mix(raw):
    c = raw.customer()
    card, ach = raw.card(c["Id"]), raw.ach(c["Id"])
    assert ach["Id"] == card["Id"] + 1
    raw.error("GET", f"/v4/account/ach/{card['Id']}", status=404)
    raw.error("GET", f"/v4/account/creditcard/{ach['Id']}", status=404)
    raw.error("DELETE", f"/v4/account/ach/{card['Id']}", status=404)


def test_customer_account_lists_and_defaults(client, raw):
    c = raw.customer()
    first, second = raw.card(c["Id"]), raw.card(c["Id"], "5454545454545454")
    ach = raw.ach(c["Id"])
    accounts = client.get_accounts(c["Id"])
    assert [a.id for a in accounts.credit_cards] == [first["Id"], second["Id"]]
    assert [a.id for a in accounts.ach_accounts] == [ach["Id"]]
    assert [a["Id"] for a in raw.ok("GET", f"/v4/customer/{c['Id']}/creditcardaccounts")] == [first["Id"], second["Id"]]
    assert [a["Id"] for a in raw.ok("GET", f"/v4/customer/{c['Id']}/achaccounts")] == [ach["Id"]]
    assert client.get_default_credit_card(c["Id"]).id == first["Id"]           # the first card is the default
    client.set_default_account(c["Id"], second["Id"])
    assert client.get_default_credit_card(c["Id"]).id == second["Id"]
    assert not client.get_credit_card(first["Id"]).is_default                   # previous default lost the flag
    assert client.get_default_ach(c["Id"]).id == ach["Id"]                     # other kind untouched
    reply = raw.ok("PUT", f"/v4/customer/{c['Id']}/{first['Id']}")
    assert reply["Id"] == first["Id"] and reply["IsDefault"] is True


def test_new_card_with_is_default_takes_over(raw):
    c = raw.customer()
    first = raw.card(c["Id"])
    second = raw.card(c["Id"], "5454545454545454", IsDefault=True)
    assert second["IsDefault"] and not raw.ok("GET", f"/v4/account/creditcard/{first['Id']}")["IsDefault"]


def test_no_default_is_404_and_set_default_checks_ownership(raw):
    a, b = raw.customer(), raw.customer(FirstName="Bob")
    raw.error("GET", f"/v4/customer/{a['Id']}/defaultcreditcard", status=404)
    raw.error("GET", f"/v4/customer/{a['Id']}/defaultach", status=404)
    b_card = raw.card(b["Id"])
    raw.error("PUT", f"/v4/customer/{a['Id']}/{b_card['Id']}", status=404)
    assert raw.ok("GET", f"/v4/customer/{b['Id']}/defaultcreditcard")["Id"] == b_card["Id"]


def test_delete_promotes_the_newest_remaining_default(client, raw):
    c = raw.customer()
    ids = [raw.card(c["Id"], n)["Id"] for n in ("4111111111111111", "5454545454545454", "6011000995504101")]
    client.delete_credit_card(ids[0])
    with pytest.raises(NotFoundError):
        client.get_credit_card(ids[0])
    assert client.get_default_credit_card(c["Id"]).id == ids[2]
    assert [a.id for a in client.get_accounts(c["Id"]).credit_cards] == ids[1:]


def test_update_card_changes_expiry_and_zip_only(client, raw):
    c = raw.customer()
    card = raw.card(c["Id"])
    updated = client.update_credit_card(card["Id"], CreditCardInput(
        customer_id=c["Id"], credit_card_number="4111111111111111", expiration_date="01/2031",
        billing_zip_code="80301"))
    assert (updated.expiration_date, updated.billing_zip_code) == ("01/2031", "80301")
    masked = raw.ok("PUT", "/v4/account/creditcard", {"Id": card["Id"], "CreditCardNumber": "************1111",
                                                       "ExpirationDate": "02/2031"})
    assert masked["ExpirationDate"] == "02/2031" and masked["BillingZipCode"] is None
    msg = raw.error("PUT", "/v4/account/creditcard", {"Id": card["Id"], "CreditCardNumber": "5454545454545454",
                                                       "ExpirationDate": "02/2031"})
    assert msg == [("CreditCardNumber", "The card number cannot be changed; add a new card instead.")]
    assert raw.error("PUT", "/v4/account/creditcard", {"Id": card["Id"], "ExpirationDate": "01/2020"}) == [
        ("ExpirationDate", "The card has expired.")]
    raw.error("PUT", "/v4/account/creditcard", {"Id": 2999999, "ExpirationDate": "01/2031"}, status=404)
    assert raw.error("PUT", "/v4/account/creditcard", {"ExpirationDate": "01/2031"})[0][0] == "Id"


def test_delete_ach(client, raw):
    c = raw.customer()
    first, second = raw.ach(c["Id"]), raw.ach(c["Id"], AccountNumber="12345678")
    client.delete_ach(first["Id"])
    raw.error("GET", f"/v4/account/ach/{first['Id']}", status=404)
    raw.error("DELETE", f"/v4/account/ach/{first['Id']}", status=404)
    assert client.get_default_ach(c["Id"]).id == second["Id"]
    assert raw.error("POST", "/v4/payment", {"AccountId": first["Id"], "Amount": 1})[0][0] == "AccountId"


def test_update_ach_changes_only_checking(client, raw):
    c = raw.customer()
    ach = raw.ach(c["Id"])
    updated = client.update_ach(ach["Id"], AchInput(customer_id=c["Id"], routing_number="307075259",
                                                    account_number="999999999", bank_name="Other Bank",
                                                    is_checking_account=False))
    assert updated.is_checking_account is False
    assert (updated.routing_number, updated.account_number, updated.bank_name) == (
        "131111114", "*****1111", "PaySimple Bank")


@pytest.mark.parametrize("change, field", [
    ({"CreditCardNumber": "4111111111111112"}, "CreditCardNumber"),
    ({"CreditCardNumber": None}, "CreditCardNumber"),
    ({"ExpirationDate": "10/2026"}, "ExpirationDate"),
    ({"ExpirationDate": "1/2030"}, "ExpirationDate"),
    ({"Issuer": "Amex"}, "Issuer"),
    ({"BillingZipCode": "12345678901"}, "BillingZipCode"),
    ({"CustomerId": None}, "CustomerId"),
    ({"CustomerId": 1999999}, "CustomerId"),
])
def test_card_validation_over_http(raw, change, field):
    c = raw.customer()
    body = {"CustomerId": c["Id"], "CreditCardNumber": "4111111111111111", "ExpirationDate": "12/2030", **change}
    assert field in [f for f, _ in raw.error("POST", "/v4/account/creditcard", body)]
    assert raw.ok("GET", f"/v4/customer/{c['Id']}/accounts")["CreditCardAccounts"] == []


def test_card_expiring_this_month_on_the_gateway_clock_is_accepted(raw, gateway):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    gateway.clock.set(datetime(2027, 3, 31, 23, 30, tzinfo=ZoneInfo("America/New_York")))
    c = raw.customer()
    assert raw.card(c["Id"], ExpirationDate="03/2027")["ExpirationDate"] == "03/2027"
    gateway.clock.advance(3600)           # now April in New York
    assert raw.error("POST", "/v4/account/creditcard", {"CustomerId": c["Id"], "CreditCardNumber": "4111111111111111",
                                                         "ExpirationDate": "03/2027"}) == [
        ("ExpirationDate", "The card has expired.")]


@pytest.mark.parametrize("change, field", [
    ({"RoutingNumber": "131111115"}, "RoutingNumber"), ({"RoutingNumber": "1311111"}, "RoutingNumber"),
    ({"AccountNumber": "1"}, "AccountNumber"), ({"AccountNumber": "12ab"}, "AccountNumber"),
    ({"BankName": ""}, "BankName"), ({"BankName": "b" * 101}, "BankName"),
    ({"IsCheckingAccount": "perhaps"}, "IsCheckingAccount"), ({"CustomerId": 0}, "CustomerId"),
])
def test_ach_validation_over_http(raw, change, field):
    c = raw.customer()
    body = {"CustomerId": c["Id"], "RoutingNumber": "131111114", "AccountNumber": "751111111",
            "BankName": "PaySimple Bank", **change}
    assert field in [f for f, _ in raw.error("POST", "/v4/account/ach", body)]
    assert raw.ok("GET", f"/v4/customer/{c['Id']}/achaccounts") == []


def test_invalid_routing_uses_paysimples_own_message(raw):
    c = raw.customer()
    body = {"CustomerId": c["Id"], "RoutingNumber": "131111115", "AccountNumber": "751111111", "BankName": "B"}
    assert raw.error("POST", "/v4/account/ach", body) == [("RoutingNumber", "Invalid Routing Number.")]
