"""Customer endpoints of the training gateway over TCP: CRUD, soft delete (203), validation (400 per rule),
paging and sorting, envelope shape, path/query/body tolerance."""

from __future__ import annotations

import pytest

from pos_app.paysimple.errors import InvalidInputError, NotFoundError
from pos_app.paysimple.models import Address, CustomerInput

CUSTOMER_KEYS = {"Id", "FirstName", "LastName", "MiddleName", "Company", "CustomerAccount", "Phone", "AltPhone",
                 "MobilePhone", "Fax", "Email", "AltEmail", "Website", "Notes", "ShippingSameAsBilling",
                 "BillingAddress", "ShippingAddress", "CreatedOn", "LastModified"}
ADDRESS = {"StreetAddress1": "1 Main St", "StreetAddress2": None, "City": "Denver", "StateCode": "CO",
           "ZipCode": "80202", "Country": "US"}


def test_create_get_update_delete_through_the_client(client):
    created = client.create_customer(CustomerInput(
        first_name="José", last_name="Núñez", email="jose@example.com", phone="3035550100", company="Café Lumière",
        billing_address=Address("1 Main St", None, "Denver", "CO", "80202", "US")))
    assert created.id > 0 and created.first_name == "José" and created.company == "Café Lumière"
    assert created.shipping_address == created.billing_address       # same-as-billing is echoed
    fetched = client.get_customer(created.id)
    assert fetched == created
    updated = client.update_customer(created.id, CustomerInput(first_name="José", last_name="Núñez-Peña"))
    assert updated.last_name == "Núñez-Peña" and updated.email is None    # PUT replaces every field
    assert updated.last_modified >= created.last_modified
    client.delete_customer(created.id)
    assert client.get_customer(created.id).deleted                  # 203: still readable, marked deleted
    with pytest.raises(NotFoundError):
        client.delete_customer(created.id)


def test_every_key_is_present_with_null_for_unset(raw):
    c = raw.customer()
    assert set(c) == CUSTOMER_KEYS
    assert c["Email"] is None and c["BillingAddress"] is None and c["ShippingSameAsBilling"] is True
    assert c["CreatedOn"].endswith("Z") and len(c["CreatedOn"].split(".")[1]) == 8   # 7 digits + Z


def test_create_is_201_with_created_envelope(raw):
    r = raw.call("POST", "/v4/customer", {"FirstName": "Ada", "LastName": "Lovelace"})
    meta = r.json()["Meta"]
    assert r.status_code == 201 and meta == {"Errors": None, "HttpStatus": "Created", "HttpStatusCode": 201,
                                             "PagingDetails": None}


def test_deleted_customer_is_203_and_gone_from_lists_and_writes(raw):
    keep, gone = raw.customer(LastName="Keep"), raw.customer(LastName="Gone")
    assert raw.call("DELETE", f"/v4/customer/{gone['Id']}").status_code == 204
    r = raw.call("GET", f"/v4/customer/{gone['Id']}")
    assert r.status_code == 203 and r.json()["Meta"]["HttpStatus"] == "NonAuthoritativeInformation"
    assert r.json()["Response"]["LastName"] == "Gone"
    assert [c["Id"] for c in raw.ok("GET", "/v4/customer")] == [keep["Id"]]
    raw.error("PUT", "/v4/customer", {"Id": gone["Id"], "FirstName": "A", "LastName": "B"}, 404)
    raw.error("GET", f"/v4/customer/{gone['Id']}/token", status=404)
    raw.error("GET", f"/v4/customer/{gone['Id']}/accounts", status=404)
    assert raw.error("POST", "/v4/account/creditcard", {"CustomerId": gone["Id"], "CreditCardNumber": "4111111111111111",
                                                         "ExpirationDate": "12/2030"})[0][0] == "CustomerId"


def test_missing_customer_is_404_not_found_envelope(raw):
    r = raw.call("GET", "/v4/customer/999")
    body = r.json()
    assert r.status_code == 404 and body["Meta"]["Errors"]["ErrorCode"] == "NotFound"
    assert body["Meta"]["HttpStatus"] == "NotFound" and body["Response"] is None


@pytest.mark.parametrize("body, field", [
    ({"LastName": "L"}, "FirstName"),
    ({"FirstName": "A" * 101, "LastName": "L"}, "FirstName"),
    ({"FirstName": "A", "LastName": ""}, "LastName"),
    ({"FirstName": "A", "LastName": "L", "Company": "c" * 51}, "Company"),
    ({"FirstName": "A", "LastName": "L", "CustomerAccount": "c" * 29}, "CustomerAccount"),
    ({"FirstName": "A", "LastName": "L", "Phone": "303.555.0100"}, "Phone"),
    ({"FirstName": "A", "LastName": "L", "Fax": "12345678901"}, "Fax"),
    ({"FirstName": "A", "LastName": "L", "Email": "nope"}, "Email"),
    ({"FirstName": "A", "LastName": "L", "AltEmail": "a@b"}, "AltEmail"),
    ({"FirstName": "A", "LastName": "L", "Website": "x" * 101}, "Website"),
    ({"FirstName": "A", "LastName": "L", "Notes": "x" * 2049}, "Notes"),
    ({"FirstName": "A", "LastName": "L", "ShippingSameAsBilling": False}, "ShippingAddress"),
    ({"FirstName": "A", "LastName": "L", "BillingAddress": {**ADDRESS, "ZipCode": "802"}}, "BillingAddress.ZipCode"),
    ({"FirstName": "A", "LastName": "L", "BillingAddress": {**ADDRESS, "City": None}}, "BillingAddress.City"),
])
def test_each_customer_rule_is_a_400_naming_the_field(raw, body, field):
    messages = raw.error("POST", "/v4/customer", body)
    assert field in [f for f, _ in messages]
    assert raw.ok("GET", "/v4/customer") == []                      # nothing half-written


def test_all_problems_are_reported_at_once_and_the_client_surfaces_them(client):
    with pytest.raises(InvalidInputError) as err:
        client.create_customer(CustomerInput(first_name="", last_name="", email="bad"))
    assert {m.field for m in err.value.messages} == {"FirstName", "LastName", "Email"}


def test_bad_json_and_non_object_bodies_are_400(raw):
    assert raw.error("POST", "/v4/customer", b"{not json")[0][1] == "The request body is not valid JSON."
    assert "JSON object" in raw.error("POST", "/v4/customer", [1, 2])[0][1]


def test_update_needs_an_existing_id(raw):
    assert raw.error("PUT", "/v4/customer", {"FirstName": "A", "LastName": "B"})[0][0] == "Id"
    raw.error("PUT", "/v4/customer", {"Id": 424242, "FirstName": "A", "LastName": "B"}, 404)


def test_body_keys_any_case_and_readonly_defaults_ignored(raw):
    c = raw.ok("POST", "/v4/customer", {"firstname": "Ada", "LASTNAME": "Lovelace", "Id": 0, "CreatedOn": None,
                                        "billingAddress": {"streetaddress1": "1 Main", "city": "Denver",
                                                           "zipcode": "80202"}}, 201)
    assert c["FirstName"] == "Ada" and c["BillingAddress"]["City"] == "Denver" and c["Id"] > 1000000


def test_paths_any_case_and_trailing_slash(raw):
    c = raw.customer()
    assert raw.ok("GET", f"/V4/Customer/{c['Id']}/")["Id"] == c["Id"]
    assert raw.ok("POST", "/v4/checkouttoken/", {})["JwtToken"]
    assert raw.ok("POST", "/v4/Customer/", {"FirstName": "B", "LastName": "C"}, 201)["FirstName"] == "B"


def test_wrong_verb_is_405_and_unknown_path_404(raw):
    r = raw.call("DELETE", "/v4/payment")
    assert r.status_code == 405 and r.json()["Meta"]["HttpStatus"] == "MethodNotAllowed"
    assert raw.call("GET", "/v4/nothing/here").status_code == 404
    assert raw.call("GET", "/v4/customer/abc").status_code == 404


def make_people(raw):
    people = [("Zoë", "Müller", "Denver"), ("ada", "lovelace", "Boston"), ("Bob", "Anders", "Austin"),
              ("Carl", "Lovelace", "Chicago"), ("Ann", "Brown", None)]
    ids = {}
    for first, last, city in people:
        extra = {"BillingAddress": {**ADDRESS, "City": city}} if city else {}
        ids[(first, last)] = raw.customer(FirstName=first, LastName=last, **extra)["Id"]
    return ids


def test_list_sorting_and_paging(raw):
    make_people(raw)
    page1 = raw.call("GET", "/v4/customer", params={"PageSize": "2", "Page": "1", "SortBy": "LastName"})
    data = page1.json()
    assert data["Meta"]["PagingDetails"] == {"TotalItems": 5, "Page": 1, "ItemsPerPage": 2}
    names = [c["LastName"] for c in data["Response"]]
    rest = [c["LastName"] for p in (2, 3)
            for c in raw.ok("GET", "/v4/customer", params={"pagesize": 2, "page": p, "sortby": "lastname"})]
    assert names + rest == ["Anders", "Brown", "lovelace", "Lovelace", "Müller"]   # case-insensitive
    desc = raw.ok("GET", "/v4/customer", params={"sortby": "FirstName", "direction": "desc"})
    assert [c["FirstName"] for c in desc] == ["Zoë", "Carl", "Bob", "Ann", "ada"]
    by_city = raw.ok("GET", "/v4/customer", params={"sortby": "BillingAddress.City", "lite": "False"})
    assert [c["BillingAddress"]["City"] if c["BillingAddress"] else None for c in by_city] == [
        None, "Austin", "Boston", "Chicago", "Denver"]
    assert raw.ok("GET", "/v4/customer", params={"page": 9}) == []


@pytest.mark.parametrize("params, field", [
    ({"sortby": "Shoe"}, "sortby"), ({"direction": "up"}, "direction"), ({"page": "0"}, "page"),
    ({"pagesize": "x"}, "pagesize"), ({"pagesize": "0"}, "pagesize"),
])
def test_bad_list_parameters_are_400(raw, params, field):
    assert raw.error("GET", "/v4/customer", params=params)[0][0] == field


def test_client_walks_every_page(client, raw):
    ids = make_people(raw)
    walked = list(client.iter_customers(page_size=2))
    assert sorted(c.id for c in walked) == sorted(ids.values())


def test_a_name_with_line_breaks_is_refused_over_tcp_and_nothing_is_stored(raw, client, gateway):
    before = gateway.store.count_customers()
    problems = raw.error("POST", "/v4/customer", {"FirstName": "Ada\r\nAPPROVED - NO SIGNATURE NEEDED",
                                                  "LastName": "Lovelace\u202e"})
    assert {field for field, _ in problems} == {"FirstName", "LastName"}
    assert all("U+" in message for _, message in problems)
    with pytest.raises(InvalidInputError) as err:
        client.create_customer(CustomerInput(first_name="Ada", last_name="Love\x00lace"))
    assert "U+0000 (NUL)" in str(err.value.messages)
    assert gateway.store.count_customers() == before
