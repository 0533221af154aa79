"""The payment journal under real storage faults: a read-only folder, a full disk, a damaged file.

Each fault gives a ``StorageError`` naming the journal file and the next step (never SQLite's text), and
nothing is lost or half-written: what was in the journal is still there, nothing is sent to PaySimple when
the attempt cannot be written first, and once the fault is gone the same journal works again.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_app.payments import AccountRef, CustomerRef, Journal, NotSent, State
from pos_app.storage_errors import Fault, JournalCorrupt, StorageError, What, classify
from tests.fixtures.payments import make_service, new_shopper, payments_at_gateway
from tests.storage_faults import damage_table, fill, garbage, read_only_folder, small_disk

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
CUSTOMER = CustomerRef(7, "Ada Lovelace")
CARD = AccountRef(id=11, kind="cc", last4="1111", brand="Visa")


def _no_sqlite_words(exc: BaseException) -> None:
    """The screen text is ours: no SQLite error name or message in it."""
    text = str(exc)
    assert "sqlite" not in text.lower()
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        assert str(cause) not in text
        assert cause.sqlite_errorname not in text


def _finish(j: Journal, attempt) -> None:
    """Close an attempt the way a charge that never reached PaySimple ends (sending → absent)."""
    j.transition(attempt.id, State.CREATED, State.SENDING, "test", "clerk1", NOW)
    j.transition(attempt.id, State.SENDING, State.ABSENT, "test", "clerk1", NOW)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_only_folder_names_the_journal_and_what_to_do(tmp_path):
    data = tmp_path / "data"
    with Journal(data / "journal.db") as j:
        j.create_attempt("LANE1", "clerk1", CUSTOMER, CARD, Decimal("5.00"), NOW)
    with read_only_folder(data) as how:
        with pytest.raises(StorageError) as caught:
            Journal(data / "journal.db")
    exc = caught.value
    assert exc.fault is Fault.READ_ONLY and exc.what is What.JOURNAL, how
    assert exc.path == data / "journal.db"
    text = str(exc)
    assert str(data / "journal.db") in text and "read-only" in text
    assert f"Make the folder {data} writable" in text and "What was saved before is intact." in text
    _no_sqlite_words(exc)
    with Journal(data / "journal.db") as j:  # writable again: every row is still there
        assert [a.amount_cents for a in j.history()] == [500]


def test_a_new_journal_in_a_read_only_folder_is_refused_the_same_way(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with read_only_folder(data):
        with pytest.raises(StorageError) as caught:
            Journal(data / "journal.db")
    assert caught.value.fault is Fault.READ_ONLY
    assert list(data.iterdir()) == []


def test_a_file_where_the_folder_should_be_cannot_open(tmp_path):
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(StorageError) as caught:
        Journal(tmp_path / "data" / "journal.db")
    assert caught.value.fault is Fault.CANNOT_OPEN
    assert "Check that the folder" in str(caught.value)
    assert (tmp_path / "data").read_text() == "not a folder"


def test_full_disk_refuses_the_attempt_whole_and_the_journal_works_once_space_is_freed(tmp_path):
    with small_disk(tmp_path / "disk", "512k") as disk:
        j = Journal(disk / "journal.db")
        try:
            first = j.create_attempt("LANE1", "clerk1", CUSTOMER, CARD, Decimal("5.00"), NOW)
            _finish(j, first)
            filler = fill(disk)
            with pytest.raises(StorageError) as caught:
                for _ in range(200):  # the WAL may still have room for a few; the disk has none
                    a = j.create_attempt("LANE1", "clerk1", CUSTOMER, CARD, Decimal("6.00"), NOW)
                    _finish(j, a)
            exc = caught.value
            assert exc.fault is Fault.DISK_FULL and exc.path == disk / "journal.db"
            assert "the disk is full" in str(exc) and f"Free some space on the disk that holds {disk}" in str(exc)
            _no_sqlite_words(exc)
            written = j.history(limit=None)
            assert written[-1].id == first.id and written[-1].amount_cents == 500  # earlier rows untouched
            assert all(j.transitions(a.id)[0].to_state is State.CREATED for a in written)  # whole rows only
            assert j.integrity_problems() == []
            filler.unlink()
            # the connection is not stuck in a failed transaction: the next write goes through whole
            after = j.create_attempt("LANE2", "clerk1", CUSTOMER, CARD, Decimal("7.00"), NOW)
            assert j.get(after.id).amount_cents == 700
        finally:
            j.close()


def test_full_disk_never_loses_a_payment_and_charging_resumes_after_space_is_freed(tmp_path, gateway, client):
    """Charges until the journal hits the full disk, wherever in a charge that happens: no payment reaches
    PaySimple without its journal row first, an outcome that could not be recorded stays open (never
    "absent"), and after space is freed the start-up look-up settles it and the same charge goes through."""
    from tests.fixtures.payments import assert_journal_agrees

    shopper = new_shopper(client)
    with small_disk(tmp_path / "disk", "512k") as disk:
        j = Journal(disk / "journal.db")
        try:
            service = make_service(j, client, gateway)
            filler = fill(disk)
            with pytest.raises((StorageError, NotSent)) as caught:  # NotSent: the attempt's own write failed
                for _ in range(200):
                    attempt = service.charge(shopper.customer, shopper.card, Decimal("12.34"), "clerk1")
                    assert attempt.state is State.APPROVED
            storage = caught.value.storage if isinstance(caught.value, NotSent) else caught.value
            assert storage.fault is Fault.DISK_FULL
            _no_sqlite_words(storage)
            journal_ids = {a.id for a in j.history(limit=None)}
            sent = payments_at_gateway(client, shopper.customer.id)
            assert {p.order_id for p in sent} <= journal_ids  # written ahead, always
            open_states = {a.state for a in j.history(limit=None)} - {State.APPROVED}
            assert open_states <= {State.CREATED, State.SENDING}, open_states
            filler.unlink()
            service.reconcile_unresolved()
            assert all(a.state in (State.APPROVED, State.ABSENT) for a in j.history(limit=None))
            assert_journal_agrees(j, client, shopper.customer.id)
            again = service.charge(shopper.customer, shopper.card, Decimal("12.34"), "clerk1")
            assert again.state is State.APPROVED  # positive control: with space, the same charge is sent
            assert len(payments_at_gateway(client, shopper.customer.id)) == len(sent) + 1
        finally:
            j.close()


def test_garbage_file_is_refused_as_damaged_and_left_byte_for_byte(tmp_path):
    path = tmp_path / "journal.db"
    garbage(path)
    before = _digest(path)
    with pytest.raises(JournalCorrupt) as caught:
        Journal(path)
    exc = caught.value
    assert exc.fault is Fault.CORRUPT and exc.problems
    assert str(path) in str(exc) and "is damaged" in str(exc) and "The file was not changed." in str(exc)
    assert "restore the latest automatic backup" in str(exc)
    _no_sqlite_words(exc)
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.db", "journal.db.locks"]


def test_damaged_pages_fail_the_start_up_check_and_nothing_is_written(tmp_path):
    path = tmp_path / "journal.db"
    with Journal(path) as j:
        for n in range(400):
            a = j.create_attempt("LANE1", "clerk1", CustomerRef(n + 1, f"Customer {n:04d} with a long name"),
                                 CARD, Decimal("1.00") + n, NOW)
            _finish(j, a)
    damage_table(path, "attempts")
    before = _digest(path)
    with pytest.raises(JournalCorrupt) as caught:
        Journal(path)
    assert caught.value.problems
    assert _digest(path) == before


def test_constraint_errors_are_not_storage_faults(tmp_path):
    with Journal(tmp_path / "journal.db") as j:
        j.create_attempt("LANE1", "clerk1", CUSTOMER, CARD, Decimal("5.00"), NOW)
        from pos_app.payments import LaneBusy

        with pytest.raises(LaneBusy):  # the UNIQUE index: a business rule, not the disk
            j.create_attempt("LANE1", "clerk1", CUSTOMER, CARD, Decimal("5.00"), NOW)
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (x UNIQUE)")
    con.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError) as caught:
        con.execute("INSERT INTO t VALUES (1)")
    assert classify(caught.value, tmp_path / "x.db") is None
