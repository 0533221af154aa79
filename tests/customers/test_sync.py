"""Sync against the real training gateway over TCP: paging, change-only writes, deletions, cancel and
failure mid-pass, resume, linking imported customers."""

from __future__ import annotations

import threading

import pytest

from pos_app.customers.sync import sync
from pos_app.paysimple import ServerError
from tests.customers.conftest import names, person

PAGE = 5


def add_customers(gateway, n: int, start: int = 0) -> list[int]:
    ids = []
    for i in range(start, start + n):
        body = {"FirstName": f"Ann{i:03d}", "LastName": f"Lee{i:03d}", "Phone": f"303555{i:04d}",
                "Email": f"ann{i}@example.com", "CustomerAccount": f"A{i:04d}",
                "BillingAddress": {"StreetAddress1": "1 Main St", "City": "Denver", "StateCode": "CO",
                                   "ZipCode": "80202", "Country": "US"}}
        ids.append(gateway.store.create_customer(body)["Id"])
    return ids


def mirrored(directory) -> dict[int, str]:
    con = directory.connection()
    return dict(con.execute("SELECT paysimple_id, first_name || ' ' || last_name FROM customers "
                            "WHERE deleted = 0 AND paysimple_id IS NOT NULL"))


def test_pages_through_everything_and_mirrors_the_fields(directory, client, gateway):
    ids = add_customers(gateway, 23)
    seen = []
    report = sync(directory, client, progress=lambda done, total: seen.append((done, total)), page_size=PAGE)
    assert report.complete and report.pages == 5 and report.inserted == 23 and report.total_items == 23
    assert seen == [(5, 23), (10, 23), (15, 23), (20, 23), (23, 23)]
    assert len(mirrored(directory)) == 23
    c = directory.get_by_paysimple_id(ids[7])
    r = c.record
    assert (r.first_name, r.last_name, r.phone, r.email, r.customer_account, r.city, r.zip_code) == \
        ("Ann007", "Lee007", "3035550007", "ann7@example.com", "A0007", "Denver", "80202")
    assert r.last_modified and c.origin == "paysimple" and not c.local_only
    assert names(directory.search("ann007")) == ["Ann007 Lee007"]
    assert names(directory.search("a0007")) == ["Ann007 Lee007"]


def test_a_second_sync_writes_nothing_and_a_change_rewrites_one_row(directory, client, gateway):
    ids = add_customers(gateway, 12)
    sync(directory, client, page_size=PAGE)
    con = directory.connection()
    written = dict(con.execute("SELECT id, written_at FROM customers"))
    changes_before = con.execute("SELECT total_changes()").fetchone()[0]
    again = sync(directory, client, page_size=PAGE)
    assert (again.inserted, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 12)
    assert dict(con.execute("SELECT id, written_at FROM customers")) == written
    # only the sync-run bookkeeping was written: 1 run row + 3 page updates + seen-id rows, no customer row
    assert con.execute("SELECT count(*) FROM customers WHERE written_at > ?", (max(written.values()),)).fetchone()[0] == 0
    assert con.execute("SELECT total_changes()").fetchone()[0] > changes_before  # (it did run)

    body = gateway.store.get_customer(ids[3])
    body["LastName"] = "Lovelace"
    gateway.store.update_customer(ids[3], body)
    third = sync(directory, client, page_size=PAGE)
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 11)
    changed = dict(con.execute("SELECT id, written_at FROM customers"))
    assert [k for k in changed if changed[k] != written[k]] == [directory.get_by_paysimple_id(ids[3]).id]
    assert names(directory.search("lovelace")) == ["Ann003 Lovelace"] and directory.search("lee003") == []


def test_customers_no_longer_listed_after_a_complete_pass_are_marked_deleted(directory, client, gateway):
    ids = add_customers(gateway, 9)
    sync(directory, client, page_size=PAGE)
    gateway.store.delete_customer(ids[2])
    gateway.store.delete_customer(ids[8])
    report = sync(directory, client, page_size=PAGE)
    assert report.deleted == 2 and report.deletions_skipped is None
    gone = directory.get_by_paysimple_id(ids[2])
    assert gone.deleted and gone.record.first_name == "Ann002"  # kept, flagged
    assert directory.search("ann002") == [] and directory.search("3035550008") == []
    assert len(mirrored(directory)) == 7


def test_cancel_after_page_k_then_resume(directory, client, gateway):
    ids = add_customers(gateway, 22)
    cancel = threading.Event()

    def stop_after_two(done, total):
        if done >= 2 * PAGE:
            cancel.set()

    first = sync(directory, client, progress=stop_after_two, cancel=cancel, page_size=PAGE)
    assert first.cancelled and not first.complete and first.pages == 2
    assert len(mirrored(directory)) == 10  # two whole pages, nothing of the third
    second = sync(directory, client, page_size=PAGE)
    assert second.complete and second.resumed_from_page == 3 and second.pages == 3
    assert set(mirrored(directory)) == set(ids)
    third = sync(directory, client, page_size=PAGE)
    assert third.resumed_from_page is None and (third.inserted, third.updated) == (0, 0)


def test_gateway_failure_on_page_k_then_resume_gives_the_right_final_state(directory, client, gateway):
    ids = add_customers(gateway, 21)
    sync(directory, client, page_size=PAGE)
    gateway.store.delete_customer(ids[20])
    body = gateway.store.get_customer(ids[0])
    body["FirstName"] = "Renamed"
    gateway.store.update_customer(ids[0], body)

    def fail_page_three(done, total):
        if done == 2 * PAGE:  # page 3 and its retry both get a 500
            gateway.faults.add("GET", "/v4/customer", "error_before", count=5)

    with pytest.raises(ServerError):
        sync(directory, client, progress=fail_page_three, page_size=PAGE)
    con = directory.connection()
    assert con.execute("SELECT status, last_page FROM sync_runs ORDER BY id DESC LIMIT 1").fetchone() == ("failed", 2)
    assert not directory.get_by_paysimple_id(ids[20]).deleted  # deletions wait for a complete pass
    gateway.faults.clear()
    resumed = sync(directory, client, page_size=PAGE)
    assert resumed.complete and resumed.resumed_from_page == 3 and resumed.deleted == 1
    assert directory.get_by_paysimple_id(ids[20]).deleted
    assert mirrored(directory)[ids[0]].startswith("Renamed")
    assert len(mirrored(directory)) == 20
    assert con.execute("SELECT count(*) FROM sync_seen").fetchone()[0] == 0  # bookkeeping cleaned up


def test_a_list_that_shifts_during_an_interrupted_pass_defers_deletions(directory, client, gateway):
    ids = add_customers(gateway, 15)
    sync(directory, client, page_size=PAGE)
    cancel = threading.Event()
    first = sync(directory, client, progress=lambda d, t: cancel.set(), cancel=cancel, page_size=PAGE)
    assert first.cancelled
    gateway.store.delete_customer(ids[0])  # on page 1, already read: every later row moves up one place
    resumed = sync(directory, client, page_size=PAGE)
    assert resumed.complete and resumed.deleted == 0 and "changed" in resumed.deletions_skipped
    assert not directory.get_by_paysimple_id(ids[5]).deleted  # skipped over by the shift, NOT deleted
    follow_up = sync(directory, client, page_size=PAGE)
    assert follow_up.deleted == 1 and directory.get_by_paysimple_id(ids[0]).deleted
    assert len(mirrored(directory)) == 14


def test_a_new_paysimple_customer_takes_over_the_imported_row_with_its_account_number(directory, client, gateway):
    from pos_app.customers.store import ImportRow

    directory.import_batch([ImportRow(person("Ann005", "Lee005", pid=None, customer_account="a-0005"))])
    local = [hit.id for hit in directory.search("ann005")]
    add_customers(gateway, 8)
    report = sync(directory, client, page_size=PAGE)
    assert report.linked == 1 and report.inserted == 7
    row = directory.get(local[0])
    assert row.paysimple_id is not None and row.origin == "import" and row.record.email == "ann5@example.com"
    assert len(directory.search("ann005")) == 1


def test_an_empty_account_deletes_everything_only_after_a_complete_pass(directory, client, gateway):
    ids = add_customers(gateway, 3)
    sync(directory, client, page_size=PAGE)
    for cid in ids:
        gateway.store.delete_customer(cid)
    report = sync(directory, client, page_size=PAGE)
    assert report.complete and report.deleted == 3 and directory.count() == 0


def test_searching_while_a_sync_writes_in_another_thread(directory, client, gateway):
    from pos_app.customers.directory import DEFER_MIN

    add_customers(gateway, DEFER_MIN + 40)  # big pages: the bulk (deferred-index) path is used
    errors, seen_counts = [], []

    def run():
        try:
            sync(directory, client, page_size=DEFER_MIN + 20)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    while worker.is_alive():
        seen_counts.append(len(directory.search("ann", limit=1000)))  # the UI thread keeps typing
    worker.join()
    assert errors == []
    assert all(a <= b for a, b in zip(seen_counts, seen_counts[1:], strict=False))  # never backwards
    assert len(directory.search("ann", limit=1000)) == DEFER_MIN + 40 and directory.pending_count() == 0


def test_a_second_concurrent_sync_is_refused(directory, client, gateway):
    from pos_app.customers.sync import SyncAlreadyRunning

    add_customers(gateway, 6)
    started, release = threading.Event(), threading.Event()

    def slow_progress(done, total):
        started.set()
        release.wait(5)

    worker = threading.Thread(target=sync, args=(directory, client), kwargs={"progress": slow_progress, "page_size": 3})
    worker.start()
    assert started.wait(5)
    with pytest.raises(SyncAlreadyRunning):
        sync(directory, client, page_size=3)
    release.set()
    worker.join()
    assert len(mirrored(directory)) == 6


def test_paysimple_names_with_control_characters_are_stored_neutralised_and_counted(directory, client, gateway,
                                                                                      caplog):
    """PaySimple may hold names typed through other channels: they cannot be refused, so the directory
    stores them with each unsafe character replaced by U+FFFD and the log says how many (never the text)."""
    (clean,) = add_customers(gateway, 1)
    forged = gateway.store.create_customer({  # straight into the store: what another channel could leave there
        "FirstName": "Ada\r\nAPPROVED - NO SIGNATURE NEEDED", "LastName": "Love\u202eecalvoL",
        "Company": "Evil\x1b[2J\x00Corp", "Notes": "two\nlines are fine in notes"})["Id"]
    caplog.set_level("WARNING", logger="pos_app.customers.sync")
    report = sync(directory, client, page_size=PAGE)
    assert report.complete and report.inserted == 2 and report.neutralised == 1
    r = directory.get_by_paysimple_id(forged).record
    assert r.first_name == "Ada\ufffd\ufffdAPPROVED - NO SIGNATURE NEEDED"
    assert r.last_name == "Love\ufffdecalvoL" and r.company == "Evil\ufffd[2J\ufffdCorp"
    assert directory.get_by_paysimple_id(clean).record.first_name == "Ann000"
    con = directory.connection()
    for row in con.execute("SELECT * FROM customers"):
        for value in row:
            assert not isinstance(value, str) or not any(ch in value for ch in "\r\n\x1b\x00\u202e")
    assert names(directory.search("approved")) == ["Ada\ufffd\ufffdAPPROVED - NO SIGNATURE NEEDED "
                                                   "Love\ufffdecalvoL"]
    (message,) = [r.getMessage() for r in caplog.records if "U+FFFD" in r.getMessage()]
    assert f"{forged}:first_name+last_name+company" in message and "1 customers" in message
    assert "APPROVED" not in message and "Love" not in message
    again = sync(directory, client, page_size=PAGE)  # deterministic: nothing to rewrite next time
    assert (again.updated, again.unchanged, again.neutralised) == (0, 2, 1)


def test_a_list_that_never_ends_stops_at_the_first_total_plus_one_page(directory, client, gateway):
    """Issue 15: paging stops at the total the first page announced (+1), so an endless list cannot loop."""
    from pos_app.customers.sync import EndlessPaging

    add_customers(gateway, 2 * PAGE)
    asked: list[int] = []

    class GrowingList:  # the real client against the real gateway, which grows by a page before every request
        def list_customers(self, page, page_size):
            asked.append(page)
            add_customers(gateway, page_size, start=1000 + 10 * len(asked))
            return client.list_customers(page=page, page_size=page_size)

    with pytest.raises(EndlessPaging, match="kept announcing more customers"):
        sync(directory, GrowingList(), page_size=PAGE)
    assert asked == [1, 2, 3, 4]  # 3 pages announced at first (+1 page), then it stopped
    con = directory.connection()
    assert con.execute("SELECT status FROM sync_runs ORDER BY id DESC LIMIT 1").fetchone()[0] == "failed"
