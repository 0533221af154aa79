"""Payments on the training gateway: approvals, test declines (TSYS cards, Forte ACH), amount rules, OrderId,
CanVoidUntil cut-offs, void/reverse rules, settlement by the clock, MarkPaymentStatus, payment tokens, lists."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pos_app.paysimple.errors import InvalidInputError
from pos_app.paysimple.models import PaymentRequest

ET = ZoneInfo("America/New_York")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PAYMENT_KEYS = {
    "Id", "Status", "ProviderAuthCode", "TraceNumber", "FailureData", "CustomerId", "CustomerFirstName",
    "CustomerLastName", "CustomerCompany", "ReferenceId", "RecurringScheduleId", "PaymentType", "PaymentSubType",
    "PaymentDate", "ReturnDate", "EstimatedSettleDate", "ActualSettledDate", "CanVoidUntil", "AccountId",
    "InvoiceId", "Amount", "IsDebit", "InvoiceNumber", "PurchaseOrderNumber", "OrderId", "Description",
    "Latitude", "Longitude", "SuccessReceiptOptions", "FailureReceiptOptions", "CreatedOn", "LastModified"}


def at_et(gateway, hour, minute=0, day=25):
    gateway.clock.set(datetime(2026, 11, day, hour, minute, tzinfo=ET))


def api_dt(text):
    return datetime.fromisoformat(text.replace("Z", "")[:26] + "+00:00")


@pytest.fixture
def card(raw):
    c = raw.customer(Company="Engines Ltd")
    return raw.card(c["Id"])


@pytest.fixture
def ach(raw):
    c = raw.customer(FirstName="Bob", LastName="Stone")
    return raw.ach(c["Id"])


def test_card_payment_is_authorized_with_every_key(raw, gateway, card):
    at_et(gateway, 10)
    r = raw.call("POST", "/v4/payment", f'{{"AccountId": {card["Id"]}, "Amount": 12.50, "OrderId": "LANE1-0001"}}')
    assert r.status_code == 201 and '"Amount":12.50' in r.text         # exact decimal on the wire
    p = r.json(parse_float=Decimal)["Response"]
    assert set(p) == PAYMENT_KEYS
    assert (p["Status"], p["PaymentType"], p["PaymentSubType"]) == ("Authorized", "CC", "Moto")
    assert re.fullmatch(r"[0-9]{6}", p["ProviderAuthCode"])  # a card's authorization code, not "Approved"
    assert GUID.match(p["TraceNumber"]) and p["FailureData"] is None and p["ReferenceId"] == 0
    assert (p["Amount"], p["OrderId"], p["AccountId"], p["CustomerId"]) == (
        Decimal("12.50"), "LANE1-0001", card["Id"], card["CustomerId"])
    assert (p["CustomerFirstName"], p["CustomerLastName"], p["CustomerCompany"]) == ("Ada", "Lovelace", "Engines Ltd")
    assert api_dt(p["CanVoidUntil"]) == datetime(2026, 11, 25, 23, 0, tzinfo=ET)
    assert raw.ok("GET", f"/v4/payment/{p['Id']}") == p


def test_ach_payment_is_posted_with_a_5pm_cutoff(raw, gateway, ach):
    at_et(gateway, 16, 59)
    p = raw.pay(ach["Id"], "20.00")
    assert (p["Status"], p["PaymentType"], p["PaymentSubType"]) == ("Posted", "ACH", "Web")
    assert api_dt(p["CanVoidUntil"]) == datetime(2026, 11, 25, 17, 0, tzinfo=ET)


def test_after_the_cutoff_the_next_days_batch_applies(raw, gateway, card, ach):
    at_et(gateway, 23, 30)
    assert api_dt(raw.pay(card["Id"])["CanVoidUntil"]) == datetime(2026, 11, 26, 23, 0, tzinfo=ET)
    at_et(gateway, 17, 0)
    assert api_dt(raw.pay(ach["Id"])["CanVoidUntil"]) == datetime(2026, 11, 26, 17, 0, tzinfo=ET)


CARD_DECLINES = [("9999.01", "4005", "Do Not Honor", True), ("9999.02", "4007", None, True),
                 ("9999.03", "4014", "Invalid card number", True), ("9999.04", "4054", "Invalid Expiration Date", True),
                 ("9999.05", "4041", None, True), ("9999.30", None, "Unknown error", False)]
ACH_DECLINES = [("9999.01", "4504", None, False), ("9999.02", "4507", None, True), ("9999.03", "4503", None, False),
                ("9999.04", "4506", None, False), ("9999.05", "4502", None, False), ("9999.06", "4510", None, False),
                ("9999.07", "4501", None, True), ("9999.12", None, "Unknown error", False)]


@pytest.mark.parametrize("amount, code, description, is_decline", CARD_DECLINES)
def test_card_decline_amounts(raw, card, amount, code, description, is_decline):
    p = raw.pay(card["Id"], amount)
    f = p["FailureData"]
    assert p["Status"] == "Failed" and p["CanVoidUntil"] is None and p["TraceNumber"] is None
    assert (f["Code"], f["IsDecline"]) == (code, is_decline) and f["MerchantActionText"]
    if description:
        assert f["Description"] == description


@pytest.mark.parametrize("amount, code, description, is_decline", ACH_DECLINES)
def test_ach_decline_amounts(raw, ach, amount, code, description, is_decline):
    p = raw.pay(ach["Id"], amount)
    assert p["Status"] == "Failed" and (p["FailureData"]["Code"], p["FailureData"]["IsDecline"]) == (code, is_decline)


def test_decline_tables_are_per_processor(raw, card, ach):
    assert raw.pay(card["Id"], "9999.06")["Status"] == "Authorized"     # not in the TSYS table
    assert raw.pay(ach["Id"], "9999.30")["Status"] == "Posted"          # not in the Forte table


def test_the_client_returns_a_decline_as_a_failed_payment(client, card):
    p = client.create_payment(PaymentRequest(card["Id"], Decimal("9999.01"), order_id="o-1"))
    assert p.status == "Failed" and p.failure.code == "4005" and p.failure.is_decline
    assert p.failure.merchant_action_text == "Try a different payment method."
    assert client.get_payment(p.id).failure == p.failure


@pytest.mark.parametrize("amount, field", [("0", "Amount"), ("-1.00", "Amount"), ("0.004", "Amount"),
                                           ("2000000.01", "Amount"), ('"ten"', "Amount"), ("null", "Amount")])
def test_bad_amounts_are_400_and_nothing_is_recorded(raw, card, amount, field):
    r = raw.call("POST", "/v4/payment", f'{{"AccountId": {card["Id"]}, "Amount": {amount}}}')
    assert r.status_code == 400 and r.json()["Meta"]["Errors"]["ErrorMessages"][0]["Field"] == field
    assert raw.ok("GET", "/v4/payment") == []


def test_amounts_round_to_the_cent_and_the_maximum_is_allowed(raw, card):
    assert raw.pay(card["Id"], "12.345")["Amount"] == Decimal("12.35")
    assert raw.pay(card["Id"], "2000000")["Amount"] == Decimal("2000000.00")
    assert raw.pay(card["Id"], '"7.10"')["Amount"] == Decimal("7.10")      # numeric strings too


@pytest.mark.parametrize("body, field", [
    ({"Amount": 1}, "AccountId"), ({"AccountId": 2999999, "Amount": 1}, "AccountId"),
    ({"AccountId": "{card}", "Amount": 1, "OrderId": "o" * 51}, "OrderId"),
    ({"AccountId": "{card}", "Amount": 1, "PaymentSubType": "Web"}, "PaymentSubType"),
    ({"AccountId": "{card}", "Amount": 1, "CVV": "12"}, "CVV"),
    ({"AccountId": "{card}", "Amount": 1, "Description": "d" * 2049}, "Description"),
])
def test_payment_validation(raw, card, body, field):
    body = {k: card["Id"] if v == "{card}" else v for k, v in body.items()}
    assert field in [f for f, _ in raw.error("POST", "/v4/payment", body)]


def test_sub_types_any_case_and_extras_stored(raw, card, ach):
    p = raw.pay(card["Id"], PaymentSubType="SWIPE", Description="Counter sale", InvoiceNumber="INV-9",
                PurchaseOrderNumber="PO-1", SuccessReceiptOptions={"sendToCustomer": True})
    assert (p["PaymentSubType"], p["Description"], p["InvoiceNumber"], p["PurchaseOrderNumber"]) == (
        "Swipe", "Counter sale", "INV-9", "PO-1")
    assert p["SuccessReceiptOptions"] == {"SendToCustomer": True, "SendToOtherAddresses": []}
    assert raw.pay(ach["Id"], PaymentSubType="ppd")["PaymentSubType"] == "Ppd"


def test_payment_on_a_deleted_customers_account_is_refused(raw, card):
    raw.call("DELETE", f"/v4/customer/{card['CustomerId']}")
    assert raw.error("POST", "/v4/payment", {"AccountId": card["Id"], "Amount": 1})[0][0] == "AccountId"


# --- void / reverse / settlement ---------------------------------------------------------------------------

def test_void_before_the_cutoff(client, gateway, card):
    at_et(gateway, 22, 59)
    p = client.create_payment(PaymentRequest(card["Id"], Decimal("5.00")))
    voided = client.void_payment(p.id)
    assert voided.status == "Voided" and client.get_payment(p.id).status == "Voided"
    gateway.clock.advance(3 * 86400)
    assert client.get_payment(p.id).status == "Voided"                 # voided payments never settle
    with pytest.raises(InvalidInputError, match="Voided payment cannot be voided"):
        client.void_payment(p.id)


def test_after_the_cutoff_the_payment_settles_and_can_only_be_refunded(client, gateway, card):
    at_et(gateway, 22, 0)
    p = client.create_payment(PaymentRequest(card["Id"], Decimal("5.00"), order_id="A-1"))
    gateway.clock.advance(3600)                                        # 23:00 ET: the batch closes
    settled = client.get_payment(p.id)
    assert settled.status == "Settled" and settled.actual_settled_date == settled.can_void_until
    with pytest.raises(InvalidInputError, match="refund it instead"):
        client.void_payment(p.id)
    original = client.reverse_payment(p.id)
    assert original.id == p.id and original.status == "Reversed" and original.reference_id > p.id
    credit = client.get_payment(original.reference_id)
    assert (credit.status, credit.amount, credit.reference_id, credit.order_id, credit.account_id) == (
        "Authorized", Decimal("-5.00"), p.id, "A-1", card["Id"])
    with pytest.raises(InvalidInputError, match="Only settled payments can be refunded"):
        client.reverse_payment(p.id)
    gateway.clock.advance(86400)
    assert client.get_payment(credit.id).status == "RefundSettled"
    assert client.get_payment(p.id).status == "Reversed"


def test_void_window_is_checked_even_when_settlement_is_off(raw, gateway):
    gateway.payments.settle_delay = None
    c = raw.customer()
    card = raw.card(c["Id"])
    at_et(gateway, 12)
    p = raw.pay(card["Id"])
    gateway.clock.advance(12 * 3600)
    assert raw.ok("GET", f"/v4/payment/{p['Id']}")["Status"] == "Authorized"   # not settled automatically
    assert "void window" in raw.error("PUT", f"/v4/payment/{p['Id']}/void")[0][1]
    settled = raw.ok("PUT", "/v4/MarkPaymentStatus", {"PaymentId": p["Id"]})
    assert settled["Status"] == "Settled" and settled["ActualSettledDate"]


def test_reverse_needs_settled(raw, card):
    p = raw.pay(card["Id"])
    msg = raw.error("PUT", f"/v4/payment/{p['Id']}/reverse")
    assert msg == [("PaymentId", "Only settled payments can be refunded; this one is Authorized. Void it instead.")]
    failed = raw.pay(card["Id"], "9999.01")
    assert "Failed" in raw.error("PUT", f"/v4/payment/{failed['Id']}/reverse")[0][1]
    assert "Failed" in raw.error("PUT", f"/v4/payment/{failed['Id']}/void")[0][1]
    raw.error("PUT", "/v4/payment/3999999/void", status=404)
    raw.error("PUT", "/v4/payment/3999999/reverse", status=404)


def test_ach_refund_is_reverse_posted_and_voidable_which_restores_the_original(raw, gateway, ach):
    at_et(gateway, 9)
    p = raw.pay(ach["Id"], "30.00")
    raw.ok("PUT", "/v4/markpaymentstatus/", {"paymentid": p["Id"]})
    original = raw.ok("PUT", f"/v4/payment/{p['Id']}/reverse")
    credit = raw.ok("GET", f"/v4/payment/{original['ReferenceId']}")
    assert (original["Status"], credit["Status"], credit["Amount"]) == ("Reversed", "ReversePosted", Decimal("-30.00"))
    assert raw.ok("PUT", f"/v4/payment/{credit['Id']}/void")["Status"] == "Voided"
    restored = raw.ok("GET", f"/v4/payment/{p['Id']}")
    assert (restored["Status"], restored["ReferenceId"]) == ("Settled", 0)


@pytest.mark.parametrize("kind", ["creditcard", "ach"])
def test_payments_of_a_deleted_account_can_still_be_voided_and_refunded(raw, gateway, card, ach, kind):
    """Decision 0160: deleting an account (soft) keeps its payments voidable / refundable to that account, but
    it can take no new payment and is no longer listed."""
    account = card if kind == "creditcard" else ach
    at_et(gateway, 9)
    sale, other = raw.pay(account["Id"], "12.00"), raw.pay(account["Id"], "13.00")
    assert raw.call("DELETE", f"/v4/account/{kind}/{account['Id']}").status_code == 204
    listed = raw.ok("GET", f"/v4/customer/{account['CustomerId']}/accounts")
    assert account["Id"] not in {a["Id"] for a in listed["CreditCardAccounts"] + listed["AchAccounts"]}
    assert "was not found" in raw.error("POST", "/v4/payment", {"AccountId": account["Id"], "Amount": 1})[0][1]
    assert raw.ok("PUT", f"/v4/payment/{sale['Id']}/void")["Status"] == "Voided"
    raw.ok("PUT", "/v4/MarkPaymentStatus", {"PaymentId": other["Id"]})
    original = raw.ok("PUT", f"/v4/payment/{other['Id']}/reverse")
    credit = raw.ok("GET", f"/v4/payment/{original['ReferenceId']}")
    assert (original["Status"], credit["AccountId"], credit["Amount"]) == ("Reversed", account["Id"], Decimal("-13.00"))


def test_mark_payment_status_rules(raw, card):
    failed = raw.pay(card["Id"], "9999.01")
    assert "cannot be marked settled" in raw.error("PUT", "/v4/MarkPaymentStatus", {"PaymentId": failed["Id"]})[0][1]
    raw.error("PUT", "/v4/MarkPaymentStatus", {"PaymentId": 3999999}, status=404)
    assert raw.error("PUT", "/v4/MarkPaymentStatus", {})[0][0] == "PaymentId"


# --- payment tokens ----------------------------------------------------------------------------------------

def test_payment_token_single_use_bound_to_the_account(raw, gateway, card):
    other = raw.card(card["CustomerId"], "5454545454545454")
    token = gateway.tokens.issue_payment_token(card["CustomerId"], card["Id"])
    assert raw.error("POST", "/v4/payment", {"AccountId": other["Id"], "Amount": 1, "PaymentToken": token}) == [
        ("PaymentToken", "The payment token was not issued for this account.")]
    assert raw.pay(card["Id"], "3.00", PaymentToken=token)["Status"] == "Authorized"   # mismatch did not use it
    assert raw.error("POST", "/v4/payment", {"AccountId": card["Id"], "Amount": 3, "PaymentToken": token}) == [
        ("PaymentToken", "The payment token has already been used.")]
    assert len(raw.ok("GET", "/v4/payment")) == 1


def test_payment_token_expires_after_15_minutes(raw, gateway, card):
    token = gateway.tokens.issue_payment_token(card["CustomerId"], card["Id"])
    gateway.clock.advance(15 * 60 + 1)
    msg = raw.error("POST", "/v4/payment", {"AccountId": card["Id"], "Amount": 1, "PaymentToken": token})
    assert msg[0][0] == "PaymentToken" and "expired" in msg[0][1]
    assert "not valid" in raw.error("POST", "/v4/payment", {"AccountId": card["Id"], "Amount": 1,
                                                             "PaymentToken": "00000000-0000-0000-0000-000000000000"})[0][1]


def test_a_token_is_not_used_up_by_a_rejected_payment(raw, gateway, card):
    token = gateway.tokens.issue_payment_token(card["CustomerId"], card["Id"])
    raw.error("POST", "/v4/payment", {"AccountId": card["Id"], "Amount": 0, "PaymentToken": token})
    assert raw.pay(card["Id"], PaymentToken=token)["Status"] == "Authorized"


def test_paymenttoken_endpoint(raw, card):
    r = raw.ok("POST", "/v4/paymenttoken/", {"CustomerAccountId": card["Id"], "CustomerId": card["CustomerId"],
                                             "Cvv": "999"})
    assert GUID.match(r["PaymentToken"]) and r["CustomerAccountId"] == card["Id"]
    assert raw.pay(card["Id"], PaymentToken=r["PaymentToken"])["Status"] == "Authorized"
    assert raw.error("POST", "/v4/paymenttoken", {"CustomerAccountId": card["Id"], "CustomerId": 1})[0][0] == "CustomerId"
    assert raw.error("POST", "/v4/paymenttoken", {"CustomerAccountId": 2999999})[0][0] == "CustomerAccountId"


# --- lists -------------------------------------------------------------------------------------------------

def test_list_filters_sorting_and_paging(raw, gateway, client, card, ach):
    at_et(gateway, 9, day=23)
    a = raw.pay(card["Id"], "30.00")
    at_et(gateway, 23, 59, day=24)                                    # still the 24th in New York (04:59Z 25th)
    b = raw.pay(ach["Id"], "10.00")
    at_et(gateway, 8, day=25)
    c = raw.pay(card["Id"], "9999.01")
    d = raw.pay(card["Id"], "20.00")

    def ids(path="/v4/payment", **params):
        return [p["Id"] for p in raw.ok("GET", path, params=params)]

    assert ids() == [a["Id"], b["Id"], c["Id"], d["Id"]]
    assert ids(startdate="2026-11-24", enddate="2026-11-24") == [b["Id"]]
    assert ids(StartDate="2026-11-25") == [c["Id"], d["Id"]]
    assert ids(enddate="2026-11-23") == [a["Id"]]
    assert ids(status="failed") == [c["Id"]]
    assert ids(Status="Settled,AUTHORIZED") == [a["Id"], d["Id"]]     # a settled on the 23rd at 23:00 ET
    assert ids(sortby="amount", direction="DESC") == [c["Id"], a["Id"], d["Id"], b["Id"]]
    assert ids(sortby="PaymentType") == [b["Id"], a["Id"], c["Id"], d["Id"]]
    r = raw.call("GET", "/v4/payment", params={"pagesize": 3, "page": 2})
    assert r.json()["Meta"]["PagingDetails"] == {"TotalItems": 4, "Page": 2, "ItemsPerPage": 3}
    assert [p["Id"] for p in r.json()["Response"]] == [d["Id"]]
    assert ids(f"/v4/customer/{card['CustomerId']}/payments") == [a["Id"], c["Id"], d["Id"]]
    assert [p.id for p in client.customer_payments(card["CustomerId"], page_size=2)] == [d["Id"], c["Id"], a["Id"]]
    assert [p.id for p in client.iter_payments(page_size=1, status=["posted"])] == [b["Id"]]


@pytest.mark.parametrize("params, field", [
    ({"startdate": "11/25/2026"}, "startdate"), ({"enddate": "2026-13-01"}, "enddate"),
    ({"status": "authorized,lost"}, "status"), ({"sortby": "color"}, "sortby"), ({"direction": "sideways"}, "direction"),
    ({"pagesize": "-1"}, "pagesize"),
])
def test_bad_payment_list_parameters(raw, params, field):
    assert raw.error("GET", "/v4/payment", params=params)[0][0] == field


def test_customer_payments_of_unknown_customer_is_404(raw):
    raw.error("GET", "/v4/customer/1999999/payments", status=404)


def test_estimated_settle_date_follows_settle_delay(raw, gateway, card):
    gateway.payments.settle_delay = timedelta(hours=2)
    at_et(gateway, 12)
    p = raw.pay(card["Id"])
    assert api_dt(p["EstimatedSettleDate"]) == datetime(2026, 11, 26, 1, 0, tzinfo=ET)
    gateway.clock.set(datetime(2026, 11, 26, 0, 59, tzinfo=ET))
    assert raw.ok("GET", f"/v4/payment/{p['Id']}")["Status"] == "Authorized"
    gateway.clock.advance(61)
    assert raw.ok("GET", f"/v4/payment/{p['Id']}")["Status"] == "Settled"


def test_a_card_on_file_that_has_expired_is_declined_4054(raw, gateway):
    at_et(gateway, 12, day=25)
    card = raw.card(raw.customer()["Id"], ExpirationDate="11/2026")
    assert raw.pay(card["Id"])["Status"] == "Authorized"
    gateway.clock.set(datetime(2026, 12, 1, 0, 0, tzinfo=ET))
    p = raw.pay(card["Id"])
    assert p["Status"] == "Failed" and p["FailureData"]["Code"] == "4054"
    raw.ok("PUT", "/v4/account/creditcard", {"Id": card["Id"], "ExpirationDate": "11/2029"})
    assert raw.pay(card["Id"])["Status"] == "Authorized"


def test_absurd_numbers_are_400_or_404_never_500(raw, card):
    for amount in ("1e40", "123456789012345678901234567890.5", "-1e40"):
        r = raw.call("POST", "/v4/payment", f'{{"AccountId": {card["Id"]}, "Amount": {amount}}}')
        assert r.status_code == 400 and r.json()["Meta"]["Errors"]["ErrorMessages"][0]["Field"] == "Amount"
    huge = "9" * 30
    assert raw.error("POST", "/v4/payment", f'{{"AccountId": {huge}, "Amount": 1}}')[0][0] == "AccountId"
    raw.error("GET", f"/v4/payment/{huge}", status=404)
    raw.error("GET", f"/v4/customer/{huge}/accounts", status=404)
    raw.error("PUT", "/v4/MarkPaymentStatus", f'{{"PaymentId": {huge}}}')
    raw.error("PUT", "/v4/customer", f'{{"Id": {huge}, "FirstName": "A", "LastName": "B"}}')
    assert raw.ok("GET", "/v4/payment") == []


@pytest.mark.parametrize("local, kind, expected_utc", [
    (datetime(2026, 7, 1, 12, 0, tzinfo=ET), "CC", "2026-07-02T03:00:00+00:00"),      # EDT: 23:00 = 03:00Z
    (datetime(2026, 12, 1, 12, 0, tzinfo=ET), "CC", "2026-12-02T04:00:00+00:00"),     # EST: 23:00 = 04:00Z
    (datetime(2026, 11, 1, 0, 30, tzinfo=ET), "ACH", "2026-11-01T22:00:00+00:00"),    # DST ends that night
    (datetime(2026, 3, 7, 18, 0, tzinfo=ET), "ACH", "2026-03-08T21:00:00+00:00"),     # next day is DST
])
def test_cutoffs_follow_new_york_daylight_saving(local, kind, expected_utc):
    from datetime import UTC

    from pos_app.training.processing import next_cutoff

    assert next_cutoff(local.astimezone(UTC), kind).astimezone(UTC).isoformat() == expected_utc
