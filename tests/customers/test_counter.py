"""Create and edit at the counter: PaySimple's rules first, PaySimple before the directory, nothing
half-written on any failure."""

from __future__ import annotations

import sqlite3

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
from pos_app.customers.store import ImportRow
from pos_app.customers.sync import sync
from pos_app.paysimple import InvalidInputError, NotFoundError, PaySimpleClient
from tests.customers.conftest import names, person


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
    directory.import_batch([ImportRow(person("Ada", "Lovelace", pid=None))])
    [local_id] = [hit.id for hit in directory.search("ada lovelace")]
    stored = update_customer(directory, client, local_id, draft())
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


def test_an_imported_customer_synced_in_meanwhile_is_saved_to_the_synced_record(directory, client, gateway):
    """Another counter's sync lists the new PaySimple customer between "created in PaySimple" and the local
    write: PaySimple's answer goes to the record the sync made (never a second record with the same id), and
    the imported record is left as it was."""
    directory.import_batch([ImportRow(person("Ada", "Lovelace", pid=None))])
    [local_id] = [hit.id for hit in directory.search("ada lovelace")]

    class SyncingMeanwhile:
        """The real client; right after the create answers, a sync runs (as another counter's would)."""

        def __getattr__(self, name):
            return getattr(client, name)

        def create_customer(self, body):
            created = client.create_customer(body)
            sync(directory, client)
            return created

    stored = update_customer(directory, SyncingMeanwhile(), local_id, draft(email="ada@lovelace.example"))
    assert stored.id != local_id and stored.paysimple_id is not None
    assert directory.get_by_paysimple_id(stored.paysimple_id).record.email == "ada@lovelace.example"
    imported = directory.get(local_id)
    assert imported.local_only and imported.record.email is None and gateway.store.count_customers() == 1
