"""Create and edit at the counter: PaySimple's rules first, PaySimple before the directory, nothing
half-written on any failure."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import httpx
import pytest

from pos_app.customers.counter import (
    CustomerValidationError,
    LocalWriteDeferred,
    create_customer,
    update_customer,
)
from pos_app.customers.directory import Directory
from pos_app.customers.models import CustomerRecord
from pos_app.customers.paysimple_add import add_to_paysimple
from pos_app.customers.sync import sync
from pos_app.paysimple import InvalidInputError, NotFoundError, PaySimpleClient
from tests.customers.conftest import imported, names, person


def draft(**fields) -> CustomerRecord:
    base = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "(303) 555-0100"}
    base.update(fields)
    return CustomerRecord(**base)


def test_invalid_input_names_each_field_and_sends_nothing(directory, client, gateway):
    with pytest.raises(CustomerValidationError) as err:
        create_customer(directory, client, draft(last_name="  ", email="ada@", phone="303-555-0100-99"))
    by_field = err.value.by_field()
    assert set(by_field) == {"LastName", "Email", "Phone"}
    assert "Last name is required" in by_field["LastName"] and "valid email" in by_field["Email"]
    assert gateway.store.count_customers() == 0 and directory.count() == 0


@pytest.mark.parametrize("field, value", [("first_name", "Ada\r\nAPPROVED - NO SIGNATURE NEEDED"),
                                          ("last_name", "Love\u202eecalvoL"), ("company", "Evil\x1b[2J"),
                                          ("city", "Den\x00ver"), ("email", "ada\u200b@example.com")])
def test_control_and_bidi_characters_are_refused_before_anything_is_sent(directory, client, gateway, field, value):
    with pytest.raises(CustomerValidationError) as err:
        create_customer(directory, client, draft(**{"street1": "1 Main St", "zip_code": "80202", "city": "Denver",
                                                    field: value}))
    ((key, message),) = err.value.by_field().items()
    assert key.endswith({"first_name": "FirstName", "last_name": "LastName", "company": "Company", "city": "City",
                         "email": "Email"}[field])
    assert "control or invisible formatting character" in message and "U+" in message
    assert gateway.store.count_customers() == 0 and directory.count() == 0


def test_create_writes_paysimple_then_the_directory(directory, client, gateway):
    stored = create_customer(directory, client, draft(state_code="co", city="Denver", street1="1 Main St",
                                                      zip_code="80202"))
    in_paysimple = gateway.store.get_customer(stored.paysimple_id)
    assert in_paysimple["Phone"] == "3035550100" and in_paysimple["BillingAddress"]["StateCode"] == "CO"
    assert stored.origin == "counter" and stored.record.phone == "3035550100"
    assert names(directory.search("lovelace")) == ["Ada Lovelace"]
    assert names(directory.search("303 555 0100")) == ["Ada Lovelace"]
    # a sync afterwards has nothing to change: the directory holds exactly what PaySimple answered
    report = sync(directory, client)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 1)


def test_paysimple_400_leaves_the_directory_untouched(directory):
    def reply(request: httpx.Request) -> httpx.Response:  # a rule we do not know about (the gateway cannot do this)
        return httpx.Response(400, json={"Meta": {"Errors": {"ErrorCode": "InvalidInput", "ErrorMessages": [
            {"Field": "Email", "Message": "Email already belongs to another customer."}], "TraceCode": None},
            "HttpStatus": "BadRequest", "HttpStatusCode": 400, "PagingDetails": None}, "Response": None})

    with PaySimpleClient("https://sandbox-api.paysimple.com/v4", "u", "k", max_retries=0,
                         transport=httpx.MockTransport(reply)) as mocked:
        with pytest.raises(InvalidInputError) as err:
            create_customer(directory, mocked, draft())
    assert err.value.messages[0].field == "Email"
    assert directory.count(include_deleted=True) == 0


def test_edit_updates_both_and_keeps_fields_we_do_not_mirror(directory, client, gateway):
    created = gateway.store.create_customer({"FirstName": "Ada", "LastName": "Lovelace", "Website": "ada.example",
                                             "Notes": "prefers email", "Email": "ada@example.com"})
    sync(directory, client)
    local = directory.get_by_paysimple_id(created["Id"])
    updated = update_customer(directory, client, local.id, draft(last_name="King", phone="720.555.0199"))
    assert updated.id == local.id and updated.record.last_name == "King"
    in_paysimple = gateway.store.get_customer(created["Id"])
    assert in_paysimple["LastName"] == "King" and in_paysimple["Phone"] == "7205550199"
    assert in_paysimple["Website"] == "ada.example" and in_paysimple["Notes"] == "prefers email"
    assert names(directory.search("ada king")) == ["Ada King"] and directory.search("lovelace") == []


def test_edit_of_a_customer_deleted_in_paysimple_changes_nothing_locally(directory, client, gateway):
    created = gateway.store.create_customer({"FirstName": "Ada", "LastName": "Lovelace"})
    sync(directory, client)
    local = directory.get_by_paysimple_id(created["Id"])
    gateway.store.delete_customer(created["Id"])
    with pytest.raises(NotFoundError):
        update_customer(directory, client, local.id, draft(last_name="King"))
    assert directory.get(local.id).record.last_name == "Lovelace"
    assert directory.get(local.id).written_at == local.written_at


def test_editing_an_imported_customer_creates_it_in_paysimple_under_the_same_local_id(directory, client, gateway):
    local_id = imported(directory, person("Ada", "Lovelace", pid=None))
    with pytest.raises(ValueError, match="add_to_paysimple"):  # never a plain POST: it is recorded and looked up
        update_customer(directory, client, local_id, draft())
    stored = add_to_paysimple(directory, client, local_id, draft(), now=gateway.clock.now).customer
    assert stored.id == local_id and stored.paysimple_id is not None and not stored.local_only
    assert gateway.store.get_customer(stored.paysimple_id)["LastName"] == "Lovelace"
    assert directory.count() == 1


def test_directory_write_failure_after_paysimple_success_is_reported_and_healed_by_sync(tmp_path, client, gateway):
    directory = Directory(tmp_path / "d.db", busy_timeout_s=0.1)
    blocker = sqlite3.connect(tmp_path / "d.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock: a real "database is locked"
    try:
        with pytest.raises(LocalWriteDeferred) as err:
            create_customer(directory, client, draft())
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    saved = err.value.customer
    assert gateway.store.get_customer(saved.id)["LastName"] == "Lovelace"  # PaySimple has it
    assert "next sync" in str(err.value) and directory.count() == 0  # the directory has nothing half-written
    report = sync(directory, client)
    assert report.inserted == 1 and names(directory.search("ada lovelace")) == ["Ada Lovelace"]
    directory.close()


# --- the counter's rules for what the clerk types (decisions 0373-0375) ------------------------------------

@pytest.mark.parametrize("typed, stored", [("+1 (303) 555-0100", "3035550100"), ("1-303-555-0100", "3035550100"),
                                           ("303.555.0100", "3035550100"), ("303 555 0100", "3035550100")])
def test_a_us_phone_with_or_without_plus_one_is_stored_as_ten_digits(directory, client, gateway, typed, stored):
    assert create_customer(directory, client, draft(phone=typed)).record.phone == stored


@pytest.mark.parametrize("typed, says", [("12", "This one has 2."), ("555-0100", "This one has 7."),
                                         ("+44 20 7946 0958", "This one has 12."),
                                         ("303-555-CALL", "digits, spaces, dashes, dots and brackets only")])
def test_a_phone_that_is_not_a_us_number_is_refused_with_what_is_wrong(directory, client, gateway, typed, says):
    with pytest.raises(CustomerValidationError) as err:
        create_customer(directory, client, draft(phone=typed))
    [(field, message)] = err.value.by_field().items()
    assert field == "Phone" and says in message and "303 555 0100" in message
    assert gateway.store.count_customers() == 0


@pytest.mark.parametrize("typed", ["Colorado", "colorado", "COLORADO", "co", "Colorado (CO)"])
def test_a_state_name_becomes_its_code_never_cut(directory, client, gateway, typed):
    stored = create_customer(directory, client, draft(street1="1 Main St", city="Denver", zip_code="80202",
                                                      state_code=typed))
    assert stored.record.state_code == "CO"
    assert gateway.store.get_customer(stored.paysimple_id)["BillingAddress"]["StateCode"] == "CO"


@pytest.mark.parametrize("typed", ["Colorad", "XX", "Cx"])
def test_a_state_that_is_not_a_us_state_is_refused_as_typed(directory, client, gateway, typed):
    with pytest.raises(CustomerValidationError) as err:
        create_customer(directory, client, draft(street1="1 Main St", city="Denver", zip_code="80202",
                                                 state_code=typed))
    message = err.value.by_field()["BillingAddress.StateCode"]
    assert f'"{typed.upper() if len(typed) == 2 else typed}" is not a US state' in message
    assert gateway.store.count_customers() == 0


def test_a_foreign_address_keeps_its_own_two_letter_region(directory, client, gateway):
    stored = create_customer(directory, client, draft(street1="1 Queen St", city="Toronto", zip_code="M5H 2N2",
                                                      state_code="on", country="ca"))
    assert (stored.record.state_code, stored.record.country) == ("ON", "CA")


def test_an_address_part_says_the_address_needs_street_city_and_zip(directory, client, gateway):
    with pytest.raises(CustomerValidationError) as err:
        create_customer(directory, client, draft(state_code="Colorado"))
    by_field = err.value.by_field()
    assert set(by_field) == {"BillingAddress.StreetAddress1", "BillingAddress.City", "BillingAddress.ZipCode"}
    for message in by_field.values():
        assert "needed with an address (street, city and ZIP code), or leave the whole address empty" in message
    create_customer(directory, client, draft())  # no address at all: names are enough


def test_an_unchanged_phone_from_paysimple_does_not_block_an_edit(directory, client, gateway):
    created = gateway.store.create_customer({"FirstName": "Ada", "LastName": "Lovelace", "Phone": "5550100"})
    sync(directory, client)
    local = directory.get_by_paysimple_id(created["Id"])
    edited = update_customer(directory, client, local.id, replace(local.record, email="ada@example.com"))
    assert edited.record.email == "ada@example.com" and edited.record.phone == "5550100"
    with pytest.raises(CustomerValidationError) as err:  # typed by the clerk: held to the counter's rule
        update_customer(directory, client, local.id, replace(local.record, phone="5550101"))
    assert "10 digits" in err.value.by_field()["Phone"]


def test_possible_duplicates_need_the_same_name_and_phone_or_email(directory, client, gateway):
    from pos_app.customers.counter import possible_duplicates

    ada = create_customer(directory, client, draft(first_name="Ada", last_name="Lovelace", email="ada@example.com",
                                                   phone="3035550100"))
    other = create_customer(directory, client, draft(first_name="Ada", last_name="Byron", email="byron@example.com",
                                                     phone="3035550111"))

    def dupes(**fields):
        base = {"first_name": "ada", "last_name": "LOVELACE", "email": None, "phone": None}
        return [s.id for s in possible_duplicates(directory, CustomerRecord(**{**base, **fields}))]

    assert dupes(phone="+1 303 555 0100") == [ada.id]
    assert dupes(email="ADA@example.com ") == [ada.id]
    assert dupes(phone="3035550111") == []  # Byron's phone, Lovelace's name: not the same person
    assert dupes() == [] and dupes(phone="3035550199", email="new@example.com") == []
    assert possible_duplicates(directory, replace(ada.record, paysimple_id=None), exclude_id=ada.id) == []
    assert other.id not in dupes(phone="3035550100", email="byron@example.com")
