"""Every endpoint: the request on the wire (method, path, query, JSON body) and the typed result."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest

from pos_app.paysimple import (
    AchInput,
    Address,
    CreditCardInput,
    CustomerInput,
    PaymentRequest,
)

from .conftest import ACH, CARD, CUSTOMER, PAYMENT, reply, sent_json


def test_checkout_token_posts_empty_object(api, client):
    route = api.post("/checkouttoken").mock(return_value=reply(
        {"JwtToken": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "Expiration": "2026-11-25T15:05:00Z",
         "IsValid": True}))
    token = client.checkout_token()
    assert route.call_count == 1
    assert route.calls.last.request.content == b"{}"
    assert route.calls.last.request.headers["content-type"].startswith("application/json")
    assert token.jwt_token == "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
    assert token.expiration == datetime(2026, 11, 25, 15, 5, tzinfo=UTC)
    assert "eyJ" not in repr(token)


def test_customer_token(api, client):
    route = api.get("/customer/42/token").mock(return_value=reply({"JwtToken": "eyJa.eyJb.c"}))
    token = client.customer_token(42)
    assert route.called and token.jwt_token == "eyJa.eyJb.c" and token.expiration is None


def test_list_customers_query_and_page(api, client):
    route = api.get("/customer").mock(return_value=reply(
        [CUSTOMER, {**CUSTOMER, "Id": 2, "FirstName": "Bob"}], paging={"TotalItems": 7, "Page": 2,
                                                                       "ItemsPerPage": 2}))
    page = client.list_customers(page=2, page_size=2, sort_by="company", direction="desc", lite=True)
    params = dict(route.calls.last.request.url.params)
    assert params == {"page": "2", "pagesize": "2", "sortby": "Company", "direction": "DESC", "lite": "true"}
    assert [c.id for c in page.items] == [8041997, 2]
    assert (page.total_items, page.page, page.items_per_page, page.total_pages) == (7, 2, 2, 4)
    assert page.has_next


def test_list_customers_defaults(api, client):
    route = api.get("/customer").mock(return_value=reply([], paging={"TotalItems": 0, "Page": 1,
                                                                     "ItemsPerPage": 200}))
    page = client.list_customers()
    assert dict(route.calls.last.request.url.params) == {
        "page": "1", "pagesize": "200", "sortby": "LastName", "direction": "ASC", "lite": "false"}
    assert page.items == [] and not page.has_next


def test_list_customers_rejects_unknown_sort_field(api, client):
    with pytest.raises(ValueError, match="sort_by must be one of"):
        client.list_customers(sort_by="Shoe size")
    with pytest.raises(ValueError, match="direction must be ASC or DESC"):
        client.iter_customers(direction="sideways")  # checked when asked, not at the first next()
    with pytest.raises(ValueError, match="status must be one of"):
        client.iter_payments(status=["paid"])
    assert not api.calls


def test_get_customer_parses_every_field(api, client):
    api.get("/customer/8041997").mock(return_value=reply(CUSTOMER))
    c = client.get_customer(8041997)
    assert (c.id, c.first_name, c.last_name, c.company, c.customer_account) == (
        8041997, "Ada", "Lovelace", "Engines Ltd", "C-17")
    assert c.billing_address == Address("1 Main St", None, "Denver", "CO", "80202", "US")
    assert c.shipping_same_as_billing is True
    assert c.created_on == datetime(2013, 10, 11, 17, 41, 36, 666140, tzinfo=UTC)
    assert c.last_modified == datetime(2013, 10, 15, 6, 0, tzinfo=UTC)
    assert c.deleted is False
    assert c.display_name == "Ada Lovelace"


def test_get_soft_deleted_customer_203(api, client):
    api.get("/customer/9").mock(return_value=reply({**CUSTOMER, "Id": 9}, status=203))
    assert client.get_customer(9).deleted is True


def test_create_customer_201_body(api, client):
    route = api.post("/customer").mock(return_value=reply({**CUSTOMER, "Id": 77}, status=201))
    created = client.create_customer(CustomerInput(
        "Ada", "Lovelace", email="ada@example.com", phone="3035550100",
        billing_address=Address("1 Main St", None, "Denver", "CO", "80202", "US")))
    body = sent_json(route.calls.last)
    assert body["FirstName"] == "Ada" and body["LastName"] == "Lovelace"
    assert body["Email"] == "ada@example.com" and body["Phone"] == "3035550100"
    assert body["BillingAddress"] == {"StreetAddress1": "1 Main St", "StreetAddress2": None, "City": "Denver",
                                      "StateCode": "CO", "ZipCode": "80202", "Country": "US"}
    assert body["ShippingSameAsBilling"] is True and body["ShippingAddress"] is None
    assert "Id" not in body
    assert created.id == 77


def test_update_customer_puts_whole_customer_with_id(api, client):
    route = api.put("/customer").mock(return_value=reply({**CUSTOMER, "Email": "new@example.com"}))
    updated = client.update_customer(8041997, CustomerInput("Ada", "Lovelace", company="Engines Ltd", notes="VIP",
                                                            email="new@example.com"))
    body = sent_json(route.calls.last)
    assert body["Id"] == 8041997 and body["Email"] == "new@example.com"
    assert body["Company"] == "Engines Ltd" and body["Notes"] == "VIP"
    assert "MiddleName" in body and body["MiddleName"] is None  # PUT replaces: unset fields sent as null
    assert updated.email == "new@example.com"


def test_customer_input_from_customer_round_trips(api, client):
    api.get("/customer/8041997").mock(return_value=reply(CUSTOMER))
    route = api.put("/customer").mock(return_value=reply(CUSTOMER))
    existing = client.get_customer(8041997)
    client.update_customer(existing.id, CustomerInput.from_customer(existing))
    body = sent_json(route.calls.last)
    for key in ("FirstName", "LastName", "Company", "CustomerAccount", "Email", "Phone", "BillingAddress",
                "ShippingSameAsBilling"):
        assert body[key] == CUSTOMER[key], key


@pytest.mark.parametrize("status", [200, 204])
def test_delete_customer_ignores_any_content(api, client, status):
    route = api.delete("/customer/5").respond(status, content=b"garbage that is not json")
    assert client.delete_customer(5) is None
    assert route.call_count == 1


def test_iter_customers_walks_all_pages(api, client):
    people = [{**CUSTOMER, "Id": i, "FirstName": f"P{i}"} for i in range(1, 6)]

    def page(request):
        n = int(request.url.params["page"])
        size = int(request.url.params["pagesize"])
        return reply(people[(n - 1) * size:n * size],
                     paging={"TotalItems": len(people), "Page": n, "ItemsPerPage": size})

    route = api.get("/customer").mock(side_effect=page)
    ids = [c.id for c in client.iter_customers(page_size=2)]
    assert ids == [1, 2, 3, 4, 5]
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2", "3"]


def test_iter_stops_when_server_ignores_page_number(api, client):
    # A server that always answers page 1 must not make us loop forever: we stop after TotalPages requests.
    route = api.get("/customer").mock(return_value=reply(
        [CUSTOMER, CUSTOMER], paging={"TotalItems": 4, "Page": 1, "ItemsPerPage": 2}))
    assert len(list(client.iter_customers(page_size=2))) == 4
    assert route.call_count == 2


def test_list_without_paging_details_is_last_page(api, client):
    route = api.get("/customer").mock(return_value=reply([CUSTOMER]))
    assert len(list(client.iter_customers(page_size=1))) == 1
    assert route.call_count == 1


def test_get_accounts_cards_and_ach(api, client):
    api.get("/customer/8041997/accounts").mock(return_value=reply(
        {"CreditCardAccounts": [CARD, {**CARD, "Id": 2, "Issuer": 13, "CreditCardNumber": "************5454",
                                       "IsDefault": False}],
         "AchAccounts": [ACH]}))
    accounts = client.get_accounts(8041997)
    assert [c.id for c in accounts.credit_cards] == [7313702, 2]
    assert accounts.credit_cards[0].issuer == "Visa" and accounts.credit_cards[1].issuer == "Master"
    assert accounts.credit_cards[1].last4 == "5454"
    assert accounts.ach_accounts[0].bank_name == "PaySimple Bank"
    assert accounts.ach_accounts[0].last4 == "1111"


def test_get_accounts_with_null_lists(api, client):
    api.get("/customer/3/accounts").mock(return_value=reply({"CreditCardAccounts": None, "AchAccounts": None}))
    accounts = client.get_accounts(3)
    assert accounts.credit_cards == [] and accounts.ach_accounts == []


def test_default_card_and_ach(api, client):
    api.get("/customer/8041997/defaultcreditcard").mock(return_value=reply(CARD))
    api.get("/customer/8041997/defaultach").mock(return_value=reply(None))
    card = client.get_default_credit_card(8041997)
    assert card is not None and card.id == 7313702 and card.is_default
    assert client.get_default_ach(8041997) is None


@pytest.mark.parametrize("answer", [reply(None), reply({"Anything": 1}), reply("ok"),
                                    httpx.Response(200, json={"Meta": {}}), httpx.Response(200, text="OK!")])
def test_set_default_account_accepts_any_body(api, client, answer):
    route = api.put("/customer/8041997/7313702").mock(return_value=answer)
    assert client.set_default_account(8041997, 7313702) is None
    assert route.calls.last.request.content == b""


def test_set_default_account_accepts_empty_204(api, client):
    route = api.put("/customer/1/2").respond(204)
    assert client.set_default_account(1, 2) is None
    assert route.call_count == 1
    request = route.calls.last.request
    assert (request.method, request.url.path, request.content) == ("PUT", "/v4/customer/1/2", b"")
    assert route.calls.last.response.status_code == 204


def test_credit_card_crud(api, client):
    create = api.post("/account/creditcard").mock(return_value=reply(CARD, status=201))
    get = api.get("/account/creditcard/7313702").mock(return_value=reply(CARD))
    update = api.put("/account/creditcard").mock(return_value=reply({**CARD, "ExpirationDate": "01/2031"}))
    delete = api.delete("/account/creditcard/7313702").respond(204)

    card = client.create_credit_card(CreditCardInput(8041997, "4111111111111111", "12/2029",
                                                     billing_zip_code="80202", is_default=True))
    assert sent_json(create.calls.last) == {"CustomerId": 8041997, "CreditCardNumber": "4111111111111111",
                                            "ExpirationDate": "12/2029", "Issuer": 12,
                                            "BillingZipCode": "80202", "IsDefault": True}
    assert card.credit_card_number == "************1111" and card.expiration_date == "12/2029"
    assert client.get_credit_card(7313702) == card
    assert get.called
    updated = client.update_credit_card(7313702, CreditCardInput(8041997, "4111111111111111", "01/2031",
                                                                 issuer="visa"))
    body = sent_json(update.calls.last)
    assert body["Id"] == 7313702 and body["ExpirationDate"] == "01/2031" and body["Issuer"] == 12
    assert "IsDefault" not in body  # not given: left out, so the default flag is not cleared
    assert updated.expiration_date == "01/2031"
    client.delete_credit_card(7313702)
    assert delete.call_count == 1


def test_credit_card_input_hides_number_and_checks_issuer():
    card = CreditCardInput(1, "4111111111111111", "12/2029")
    assert "4111111111111111" not in repr(card)
    with pytest.raises(ValueError, match="Issuer 'Diners'"):
        CreditCardInput(1, "4111111111111111", "12/2029", issuer="Diners").to_json()


@pytest.mark.parametrize("status", [200, 201])
def test_ach_crud_accepts_200_or_201_on_create(api, client, status):
    create = api.post("/account/ach").mock(return_value=reply(ACH, status=status))
    api.get("/account/ach/7313703").mock(return_value=reply(ACH))
    update = api.put("/account/ach").mock(return_value=reply({**ACH, "IsCheckingAccount": False}))
    delete = api.delete("/account/ach/7313703").respond(200, json={"Meta": {}, "Response": None})

    ach = client.create_ach(AchInput(8041997, "131111114", "751111111", "PaySimple Bank"))
    assert sent_json(create.calls.last) == {"CustomerId": 8041997, "RoutingNumber": "131111114",
                                            "AccountNumber": "751111111", "BankName": "PaySimple Bank",
                                            "IsCheckingAccount": True, "IsDefault": False}
    assert ach.id == 7313703 and ach.account_number == "*****1111"
    assert client.get_ach(7313703) == ach
    saving = client.update_ach(7313703, AchInput(8041997, "131111114", "751111111", "PaySimple Bank",
                                                 is_checking_account=False))
    assert sent_json(update.calls.last)["Id"] == 7313703
    assert sent_json(update.calls.last)["IsCheckingAccount"] is False
    assert saving.is_checking_account is False
    client.delete_ach(7313703)
    assert delete.call_count == 1
    assert "751111111" not in repr(AchInput(1, "131111114", "751111111", "B"))


def test_create_payment_body_and_result(api, client):
    route = api.post("/payment").mock(return_value=reply(PAYMENT, status=201))
    request = PaymentRequest(7313702, Decimal("12.5"), order_id="A-1",
                             payment_token="e1f1bb19-9fe4-4c96-a35e-cd921298d8e6", cvv="996",
                             description="Counter sale", payment_sub_type="Moto", send_receipt_to_customer=True)
    payment = client.create_payment(request)
    raw = route.calls.last.request.content.decode()
    assert '"Amount":12.50' in raw  # a JSON number with 2 decimals, not a string, not a float repr
    assert sent_json(route.calls.last) == {
        "AccountId": 7313702, "Amount": 12.5, "OrderId": "A-1",
        "PaymentToken": "e1f1bb19-9fe4-4c96-a35e-cd921298d8e6", "CVV": "996", "Description": "Counter sale",
        "PaymentSubType": "Moto", "SuccessReceiptOptions": {"SendToCustomer": True},
        "FailureReceiptOptions": {"SendToCustomer": True}}
    assert payment.id == 555 and payment.status == "Authorized"
    assert payment.amount == Decimal("12.5") and isinstance(payment.amount, Decimal)
    assert payment.failure is None  # an all-null FailureData object on success
    assert payment.can_void_until == datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
    assert payment.order_id == "A-1" and payment.account_id == 7313702 and payment.payment_type == "CC"
    assert "e1f1bb19" not in repr(request) and "996" not in repr(request)


def test_create_payment_minimal_body_omits_unset_fields(api, client):
    route = api.post("/payment").mock(return_value=reply(PAYMENT, status=201))
    client.create_payment(PaymentRequest(7313702, Decimal("1999999.99")))
    assert route.calls.last.request.content == (
        b'{"AccountId":7313702,"Amount":1999999.99,"SuccessReceiptOptions":{"SendToCustomer":false},'
        b'"FailureReceiptOptions":{"SendToCustomer":false}}')


def test_get_payment(api, client):
    api.get("/payment/555").mock(return_value=reply(PAYMENT))
    assert client.get_payment(555).trace_number == "abc123"


def test_list_payments_query(api, client):
    route = api.get("/payment").mock(return_value=reply(
        [PAYMENT], paging={"TotalItems": 1, "Page": 1, "ItemsPerPage": 50}))
    page = client.list_payments(date(2026, 11, 1), date(2026, 11, 25), ["Authorized", "Settled", "ChargeBack"],
                                page=1, page_size=50, sort_by="PaymentDate", direction="asc")
    assert dict(route.calls.last.request.url.params) == {
        "startdate": "2026-11-01", "enddate": "2026-11-25", "status": "authorized,settled,chargeback",
        "page": "1", "pagesize": "50", "sortby": "paymentdate", "direction": "ASC"}
    assert [p.id for p in page.items] == [555]


def test_list_payments_without_filters_and_bad_status(api, client):
    route = api.get("/payment").mock(return_value=reply([], paging={"TotalItems": 0, "Page": 1,
                                                                    "ItemsPerPage": 200}))
    client.list_payments()
    assert dict(route.calls.last.request.url.params) == {"page": "1", "pagesize": "200", "sortby": "paymentid",
                                                         "direction": "DESC"}
    with pytest.raises(ValueError, match="status must be one of"):
        client.list_payments(status=["paid"])


def test_iter_payments_walks_pages_with_single_status(api, client):
    payments = [{**PAYMENT, "Id": i} for i in range(1, 4)]

    def page(request):
        n = int(request.url.params["page"])
        assert request.url.params["status"] == "voided"
        return reply(payments[(n - 1) * 2:n * 2], paging={"TotalItems": 3, "Page": n, "ItemsPerPage": 2})

    api.get("/payment").mock(side_effect=page)
    assert [p.id for p in client.iter_payments(status="Voided", page_size=2)] == [1, 2, 3]


def test_customer_payments_collects_every_page(api, client):
    payments = [{**PAYMENT, "Id": i, "OrderId": f"A-{i}"} for i in range(1, 6)]

    def page(request):
        n = int(request.url.params["page"])
        return reply(payments[(n - 1) * 2:n * 2], paging={"TotalItems": 5, "Page": n, "ItemsPerPage": 2})

    route = api.get("/customer/8041997/payments").mock(side_effect=page)
    found = client.customer_payments(8041997, start_date=date(2026, 11, 25), page_size=2)
    assert [p.order_id for p in found] == ["A-1", "A-2", "A-3", "A-4", "A-5"]
    assert route.call_count == 3
    assert route.calls[0].request.url.params["startdate"] == "2026-11-25"
    assert "enddate" not in route.calls[0].request.url.params


def test_void_payment(api, client):
    route = api.put("/payment/555/void").mock(return_value=reply({**PAYMENT, "Status": "Voided"}))
    voided = client.void_payment(555)
    assert voided.status == "Voided" and route.calls.last.request.content == b""


@pytest.mark.parametrize("returned", [
    {**PAYMENT, "Status": "Reversed", "ReferenceId": 556},
    {**PAYMENT, "Id": 556, "Status": "Authorized", "Amount": -12.5, "ReferenceId": 555},
])
def test_reverse_payment_accepts_original_or_credit(api, client, returned):
    api.put("/payment/555/reverse").mock(return_value=reply(returned))
    result = client.reverse_payment(555)
    assert result.id == returned["Id"] and result.status == returned["Status"]
    assert result.reference_id == returned["ReferenceId"]


def test_mark_payment_status(api, client):
    route = api.put("/MarkPaymentStatus").mock(return_value=reply({**PAYMENT, "Status": "Settled"}))
    settled = client.mark_payment_status(555)
    assert sent_json(route.calls.last) == {"PaymentId": 555}
    assert settled is not None and settled.status == "Settled"
    for other in (reply(None), reply({"Success": True}), httpx.Response(200)):
        route.mock(return_value=other)
        assert client.mark_payment_status(555) is None


@pytest.mark.parametrize("bad", [0, -1, "5", 1.0, True, None])
def test_ids_are_checked_before_sending(api, client, bad):
    with pytest.raises(ValueError, match="customer_id must be a positive whole number"):
        client.get_customer(bad)
    assert not api.calls
