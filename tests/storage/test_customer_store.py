"""The customer records of record behind ``CustomerStore``, on both backends (SQLite file, real PostgreSQL): the
same calls give the same answers. PaySimple is the real training gateway; CSV files are real files."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from pos_app.customers.counter import create_customer, update_customer
from pos_app.customers.csv_import import import_csv
from pos_app.customers.models import CustomerRecord
from pos_app.customers.paysimple_add import add_to_paysimple
from pos_app.customers.store import AddClosed, AddInProgress, CustomerStore, ImportRow
from pos_app.customers.sync import sync
from pos_app.paysimple.models import CustomerInput
from tests.fixtures.customer_stores import drain, last_position, record
from tests.fixtures.gateway import client_fixture, make_client

EVERY_FIELD = CustomerRecord(
    first_name="Ada", last_name="Lovelace", paysimple_id=77, middle_name="King", company="Analytical Engines",
    customer_account="AE-0001", email="ada@example.com", alt_email="countess@example.org", phone="3035550100",
    alt_phone="3035550101", mobile_phone="7205550102", fax="3035550103", street1="12 St James's Square",
    street2="Floor 2", city="London", state_code="CO", zip_code="80301", country="US",
    last_modified="2026-11-24T10:11:12.123000+00:00")


client = client_fixture(read=5, sleep=lambda s: None)


def test_both_backends_are_customer_stores(customer_store):
    assert isinstance(customer_store, CustomerStore)
    assert customer_store.count() == 0 and customer_store.get(1) is None and customer_store.feed_id()


def test_a_record_comes_back_field_for_field(customer_store):
    counts = customer_store.upsert_paysimple([EVERY_FIELD])
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 0, 0)
    [local_id] = counts.ids
    stored = customer_store.get(local_id)
    assert stored.record == EVERY_FIELD and stored.origin == "paysimple" and stored.local_notes is None
    assert customer_store.get_by_paysimple_id(77) == stored
    written = datetime.fromisoformat(stored.written_at)
    assert written.tzinfo is not None and abs((datetime.now(UTC) - written).total_seconds()) < 60
    assert customer_store.count() == 1


def test_an_unchanged_customer_is_not_written_again(customer_store):
    first = customer_store.upsert_paysimple([record("Ann", "Lee", 1), record("Bob", "Ray", 2)])
    before = [customer_store.get(i) for i in first.ids]
    position = last_position(customer_store)
    again = customer_store.upsert_paysimple([record("Ann", "Lee", 1), record("Bob", "Rae", 2)])
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1) and again.ids == first.ids
    assert customer_store.get(first.ids[0]) == before[0]  # written_at did not move
    changed, _ = drain(customer_store, position)
    assert [c.local_id for c in changed] == [first.ids[1]] and changed[0].customer.record.last_name == "Rae"


def test_an_id_repeated_in_one_input_is_written_once_the_last_one_winning(customer_store):
    counts = customer_store.upsert_paysimple([record("Ann", "Lee", 5), record("Anne", "Lee", 5)])
    assert counts.inserted == 1 and len(counts.ids) == 1
    assert customer_store.get(counts.ids[0]).record.first_name == "Anne"


def test_import_rules_are_the_same_on_every_backend(customer_store):
    customer_store.upsert_paysimple([record("Pay", "Simple", 10, customer_account="P-10"),
                                     record("Gone", "Away", 11, customer_account="G-11")])
    customer_store.mark_deleted([customer_store.get_by_paysimple_id(11).id])
    first = customer_store.import_batch([
        ImportRow(record("Pay", "Simple", customer_account="p10"), "already in PaySimple"),  # account: PaySimple's
        ImportRow(record("Gone", "Away", customer_account="G11")),  # a deleted customer is not matched
        ImportRow(record("Cy", "Young", email="cy@example.com"), "likes mail"),
        ImportRow(record("Di", "Ross", phone="3035550199")),
    ])
    assert (first.imported, first.updated, first.unchanged, first.already_in_paysimple) == (3, 0, 0, 1)
    assert customer_store.count() == 4
    again = customer_store.import_batch([
        ImportRow(record("CY", "Young", email="CY@example.com", city="Boulder"), "moved"),  # same name + e-mail
        ImportRow(record("Di", "Ross", phone="3035550199")),  # same name + phone, nothing new
        ImportRow(record("Di", "Rossi", phone="3035550199")),  # another name: another person
    ])
    assert (again.imported, again.updated, again.unchanged, again.already_in_paysimple) == (1, 1, 1, 0)
    cy = next(c.customer for c in drain(customer_store)[0] if c.customer.record.last_name == "Young")
    assert cy.record.city == "Boulder" and cy.local_notes == "moved" and cy.origin == "import" and cy.local_only


def test_a_new_paysimple_customer_takes_over_the_only_local_record_with_its_account(customer_store):
    customer_store.import_batch([ImportRow(record("Ann", "Lee", customer_account="A-5")),
                                 ImportRow(record("Twin", "One", customer_account="T-1")),
                                 ImportRow(record("Twin", "Two", customer_account="t1"))])
    [ann] = [c.customer for c in drain(customer_store)[0] if c.customer.record.first_name == "Ann"]
    counts = customer_store.upsert_paysimple([record("Ann", "Lee", 500, customer_account="a5"),
                                              record("Twin", "Three", 501, customer_account="T1")])
    assert counts.linked == 1 and counts.inserted == 1 and counts.ids[0] == ann.id
    linked = customer_store.get(ann.id)
    assert linked.paysimple_id == 500 and linked.origin == "import" and not linked.local_only
    assert customer_store.count() == 4  # two holders of T1: no guess, a new record


def test_a_counter_save_links_a_local_record_or_retires_it_for_the_one_a_sync_brought(customer_store):
    customer_store.import_batch([ImportRow(record("Ann", "Lee", customer_account="A-5"), "old pos")])
    [ann] = [c.local_id for c in drain(customer_store)[0]]
    saved = customer_store.save_from_paysimple(record("Ann", "Lee", 900, customer_account="A-5"), local_id=ann)
    assert saved.id == ann and saved.paysimple_id == 900 and saved.local_notes == "old pos"
    new = customer_store.save_from_paysimple(record("Bo", "Diddley", 901))
    assert new.id != ann and new.origin == "counter"
    assert customer_store.save_from_paysimple(record("Bo", "Diddley", 901)) == new  # nothing changed, not rewritten
    # Cy was imported; a sync brought Cy in from PaySimple as a record of its own before the counter's write
    customer_store.import_batch([ImportRow(record("Cy", "Young"), "pays cash")])
    [cy] = [c.local_id for c in drain(customer_store)[0] if c.customer.record.first_name == "Cy"]
    [synced] = customer_store.upsert_paysimple([record("Cy", "Young", 902)]).ids
    kept = customer_store.save_from_paysimple(record("Cy", "Young", 902, email="cy@example.com"), local_id=cy)
    assert kept.id == synced and kept.record.email == "cy@example.com" and kept.local_notes == "pays cash"
    retired = customer_store.get(cy)
    assert retired.deleted and retired.local_only and customer_store.count() == 3


def test_an_add_the_database_refuses_for_another_reason_is_not_taken_for_one_in_progress(customer_store):
    customer_store.import_batch([ImportRow(record("Grace", "Hopper"))])
    [local] = [c.local_id for c in drain(customer_store)[0]]
    at = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    nameless = dataclasses.replace(record("Grace", "Hopper"), last_name=None)  # NOT NULL, not the open-add index
    with pytest.raises(Exception) as refused:
        customer_store.begin_add(local, nameless, at)
    assert not isinstance(refused.value, AddInProgress)
    assert customer_store.open_add(local) is None  # nothing written
    first = customer_store.begin_add(local, record("Grace", "Hopper"), at)
    with pytest.raises(AddInProgress):
        customer_store.begin_add(local, record("Grace", "Hopper"), at)
    assert customer_store.open_add(local).id == first


def test_an_add_to_paysimple_is_recorded_before_it_is_sent_and_closed_with_its_outcome(customer_store):
    customer_store.import_batch([ImportRow(record("Margaret", "Hamilton", phone="3035550177"))])
    [local] = [c.local_id for c in drain(customer_store)[0]]
    sent = record("Margaret", "Hamilton", phone="3035550177")
    at = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    assert customer_store.open_add(local) is None
    first = customer_store.begin_add(local, sent, at)
    with pytest.raises(AddInProgress):
        customer_store.begin_add(local, sent, at)
    customer_store.add_sent(first, at.replace(second=5))
    pending = customer_store.open_add(local)
    assert (pending.id, pending.customer_id, pending.started_at, pending.ended_at, pending.phone) == (
        first, local, at, at.replace(second=5), "3035550177")
    customer_store.close_add(first, "refused", at)
    assert customer_store.open_add(local) is None
    second = customer_store.begin_add(local, sent, at.replace(minute=1))
    linked = customer_store.save_from_paysimple(record("Margaret", "Hamilton", 77, phone="3035550177"),
                                                local_id=local, closes=AddClosed(second, "created", at))
    assert linked.id == local and linked.paysimple_id == 77 and customer_store.open_add(local) is None
    with pytest.raises(ValueError, match="timezone"):
        customer_store.begin_add(local, sent, datetime(2026, 11, 25, 10, 0))
    with pytest.raises(ValueError, match="refused"):
        customer_store.close_add(second, "created", at)


def test_possible_duplicates_are_the_same_name_with_the_same_phone_or_email(customer_store):
    customer_store.upsert_paysimple([record("Ann", "Lee", 1, phone="3035550100"),
                                     record("Ann", "Lee", 2, email="ann@example.com"),
                                     record("Ann", "Leeds", 3, phone="3035550100")])
    customer_store.import_batch([ImportRow(record("Ann", "Lee", phone="3035550100", customer_account="OLD-1"))])
    found = customer_store.possible_duplicates(record("ann", "LEE", phone="3035550100", email="ann@example.com"))
    assert [(c.record.last_name, c.paysimple_id) for c in found] == [("Lee", 1), ("Lee", 2), ("Lee", None)]
    assert customer_store.possible_duplicates(record("Ann", "Lee", phone="3035550100"), exclude_id=found[0].id,
                                              limit=1) == [found[2]]
    customer_store.mark_deleted([found[0].id])
    assert found[0].id not in [c.id for c in customer_store.possible_duplicates(record("Ann", "Lee",
                                                                                       phone="3035550100"))]


def test_recently_seen_is_kept_and_is_no_change_of_the_record(customer_store):
    [cid] = customer_store.upsert_paysimple([record("Ann", "Lee", 1)]).ids
    position = last_position(customer_store)
    when = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    customer_store.mark_seen(cid, when)
    assert datetime.fromisoformat(customer_store.get(cid).last_seen_at) == when
    assert drain(customer_store, position)[0] == []
    with pytest.raises(KeyError):
        customer_store.mark_seen(cid + 1000)


def test_the_paysimple_sync_runs_on_every_backend(customer_store, client, gateway):
    for i in range(7):
        client.create_customer(CustomerInput(first_name=f"Sam{i}", last_name="Sync", email=f"s{i}@example.com"))
    report = sync(customer_store, client, page_size=3)
    assert report.complete and report.inserted == 7 and report.pages == 3 and customer_store.count() == 7
    gone = client.list_customers(page=1, page_size=1).items[0]
    client.delete_customer(gone.id)
    position = last_position(customer_store)
    again = sync(customer_store, client, page_size=3)
    assert again.deleted == 1 and again.unchanged == 6 and again.inserted == again.updated == 0
    [change] = drain(customer_store, position)[0]
    assert change.customer.paysimple_id == gone.id and change.customer.deleted


def test_a_sync_cancelled_or_failed_between_pages_resumes_after_the_last_written_page(customer_store, client,
                                                                                          gateway):
    from pos_app.paysimple import PaySimpleError

    for i in range(8):
        client.create_customer(CustomerInput(first_name=f"Res{i}", last_name="Ume"))
    checks = iter(range(100))

    class CancelAfterTwoPages:
        def is_set(self) -> bool:
            return next(checks) >= 2

    first = sync(customer_store, client, page_size=2, cancel=CancelAfterTwoPages())
    assert first.cancelled and first.pages == 2 and customer_store.count() == 4
    strict = make_client(gateway, read=5, max_retries=0, sleep=lambda s: None)
    try:
        def fail_next_page(done: int, total: int) -> None:
            gateway.faults.add("GET", "/v4/customer", "error_before", count=1)

        with pytest.raises(PaySimpleError):
            sync(customer_store, strict, page_size=2, progress=fail_next_page)
    finally:
        strict.close()
    assert customer_store.count() == 6  # page 3 written, page 4 refused by PaySimple
    last = sync(customer_store, client, page_size=2)
    assert last.resumed_from_page == 4 and last.complete and last.deleted == 0 and customer_store.count() == 8


def test_a_csv_file_imports_into_every_backend(customer_store, tmp_path):
    path = tmp_path / "old-pos.csv"
    path.write_text("First Name,Last Name,Email,Loyalty #,Notes\nAda,Lovelace,ada@example.com,L-1,vip\n"
                    "Bob,Ray,,L-2,\nAda,Lovelace,ada@example.com,L-1,twice\n", encoding="utf-8")
    report = import_csv(customer_store, path, report_path=tmp_path / "report.csv")
    assert report.imported == 2 and report.rejected_count == 1 and customer_store.count() == 2
    again = import_csv(customer_store, path, report_path=tmp_path / "report2.csv")
    assert again.imported == 0 and again.unchanged == 2
    ada = next(c.customer for c in drain(customer_store)[0] if c.customer.record.first_name == "Ada")
    assert ada.local_notes == "vip" and ada.record.customer_account == "L-1"


def test_counter_create_and_edit_go_to_paysimple_then_to_the_store(customer_store, client, gateway):
    draft = dataclasses.replace(EVERY_FIELD, paysimple_id=None, last_modified=None, customer_account=None)
    created = create_customer(customer_store, client, draft)
    assert created.paysimple_id and gateway.store.get_customer(created.paysimple_id)["LastName"] == "Lovelace"
    edited = update_customer(customer_store, client, created.id, dataclasses.replace(draft, city="Paris"))
    assert edited.id == created.id and customer_store.get(created.id).record.city == "Paris"
    customer_store.import_batch([ImportRow(record("Old", "Pos", customer_account="OP-1"))])
    [local] = [c.local_id for c in drain(customer_store)[0] if c.customer.local_only]
    added = add_to_paysimple(customer_store, client, local, now=gateway.clock.now)
    assert added.how == "created" and added.customer.id == local and added.customer.paysimple_id
    assert customer_store.count() == 2 and customer_store.open_add(local) is None


def test_stores_on_the_same_file_or_database_see_each_others_writes(open_store):
    a, b = open_store(), open_store()
    [cid] = a.upsert_paysimple([record("Ann", "Lee", 1)]).ids
    assert b.get(cid).record.first_name == "Ann" and b.feed_id() == a.feed_id()
    b.save_from_paysimple(record("Anne", "Lee", 1))
    assert a.get(cid).record.first_name == "Anne"
    assert [c.customer.record.first_name for c in drain(a)[0]] == ["Anne"]
