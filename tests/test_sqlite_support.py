"""The one way the app's SQLite stores open their files (``pos_app.sqlite_support.sqlite_open``, decision 0480): real
files in real folders; every store opened through it has the settings it asks for; the only other
``sqlite3.connect`` calls are the ones the decision names."""

from __future__ import annotations

import re
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pos_app import migrations
from pos_app.clerkstore.sqlite import SqliteClerkStore
from pos_app.customers.directory import Directory, NotReadyToCopy
from pos_app.customers.models import CustomerRecord
from pos_app.customers.schema import SCHEMA_VERSION
from pos_app.customers.store import ImportRow
from pos_app.migrations import Migration, SchemaTooNew
from pos_app.payments.journal import Journal
from pos_app.server.db import SqliteDb
from pos_app.sqlite_support import sqlite_open
from pos_app.storage_errors import Fault, StorageError, What
from pos_app.training.store import Store
from tests.storage_faults import read_only_folder

PKG = Path(__file__).resolve().parents[1] / "pos_app"
# Where sqlite3.connect may still be called, and why (decision 0480).
OTHER_OPENERS = {
    "sqlite_support.py": "the opener itself",
    "payments/locks.py": "lane lock files: a lock, not a store",
    "payments/backups.py": "journal backups: checked read-only, copied with the backup API",
    "customers/recovery.py": "a damaged directory read read-only to rescue its rows",
    "customers/replica.py": "a snapshot received whole, checked read-only before it becomes a store",
}


def settings(con: sqlite3.Connection) -> tuple:
    return tuple(con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("journal_mode", "synchronous", "foreign_keys"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_store_opens_through_the_one_opener_with_its_own_settings(tmp_path):
    journal = Journal(tmp_path / "a" / "journal.db")
    directory = Directory(tmp_path / "b" / "directory.db")
    clerks = SqliteClerkStore(tmp_path / "c" / "clerks.db")
    training = Store(tmp_path / "d" / "training.db")
    server = SqliteDb(tmp_path / "e" / "server.db")
    try:
        FULL, NORMAL = 2, 1
        assert settings(journal._db) == ("wal", FULL, 1)
        assert settings(directory.connection()) == ("wal", NORMAL, 0)
        assert settings(clerks._db) == ("wal", FULL, 0)
        assert settings(training._db) == ("wal", NORMAL, 1)
        assert settings(server._db) == ("wal", FULL, 1)
        for name in ("a/journal.db", "b/directory.db", "c/clerks.db", "d/training.db", "e/server.db"):
            assert mode(tmp_path / name) == 0o600 and mode(tmp_path / name.split("/")[0]) == 0o700, name
    finally:
        for store in (journal, directory, clerks, training, server):
            store.close()


def test_no_other_module_opens_sqlite_files_by_hand():
    found = {}
    for path in PKG.rglob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\bsqlite3\.connect\(", line):
                found.setdefault(path.relative_to(PKG).as_posix(), []).append(n)
    assert set(found) <= set(OTHER_OPENERS), {k: v for k, v in found.items() if k not in OTHER_OPENERS}


def test_a_file_from_a_newer_app_is_refused_before_wal_touches_its_header(tmp_path):
    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (x)")
        con.execute("PRAGMA user_version = 9")
    con.close()
    before = path.read_bytes()
    known = [Migration(1, "t", "CREATE TABLE t (x)")]
    with pytest.raises(SchemaTooNew):
        sqlite_open(path, What.CLERKS, before_wal=lambda c: migrations.refuse_newer(c, known, "clerk file"))
    assert path.read_bytes() == before and not Path(f"{path}-wal").exists()  # still a rollback-journal file


def test_a_damaged_file_and_a_read_only_folder_are_storage_errors_naming_the_file(tmp_path):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"this is not a database" * 300)
    with pytest.raises(StorageError) as caught:
        sqlite_open(damaged, What.DIRECTORY, synchronous="NORMAL")
    assert caught.value.fault is Fault.CORRUPT and caught.value.path == damaged
    assert "customer list" in str(caught.value)
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only_folder(folder):
        with pytest.raises(StorageError) as caught:
            sqlite_open(folder / "clerks.db", What.CLERKS)
        assert caught.value.fault is Fault.READ_ONLY and caught.value.what is What.CLERKS
        assert "clerk file" in str(caught.value) and not (folder / "clerks.db").exists()


def test_a_guarded_connection_raises_later_faults_as_storage_errors_and_lets_constraints_through(tmp_path):
    path = tmp_path / "guarded.db"
    con = sqlite_open(path, What.CLERKS, guarded=True)
    con.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    con.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError):  # not a storage fault: the store handles it
        con.execute("INSERT INTO t VALUES (1)")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        con.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(StorageError) as caught:
            con.execute("INSERT INTO t VALUES (2)")
        assert caught.value.fault is Fault.BUSY and caught.value.path == path
    finally:
        other.execute("ROLLBACK")
        other.close()
        con.close()


def test_an_unknown_synchronous_setting_is_refused_before_anything_is_created(tmp_path):
    with pytest.raises(ValueError, match="synchronous"):
        sqlite_open(tmp_path / "x.db", What.JOURNAL, synchronous="OFF")
    assert not (tmp_path / "x.db").exists()


# --- Directory.snapshot_to: the store server's copy for a lane's first fill ---------------------------------------

def _directory_with_bookkeeping(path: Path) -> tuple[Directory, list[int]]:
    directory = Directory(path)
    ids = directory.upsert_paysimple([CustomerRecord(first_name=f"Ann{i}", last_name="Lee", paysimple_id=100 + i)
                                      for i in range(5)]).ids
    directory.import_batch([ImportRow(CustomerRecord(first_name="Local", last_name="Only"))])
    directory.mark_seen(ids[0])
    local = max(c.local_id for c in directory.changes(0, 100).changes)
    directory.begin_add(local, CustomerRecord(first_name="Local", last_name="Only"),
                        datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    with sqlite3.connect(path) as con:  # the bookkeeping a snapshot leaves out is there
        assert con.execute("SELECT count(*) FROM recent").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM paysimple_adds").fetchone() == (1,)
    con.close()
    return directory, ids


def test_a_snapshot_is_the_customer_list_as_a_replica_of_this_feed_without_local_bookkeeping(tmp_path):
    directory, ids = _directory_with_bookkeeping(tmp_path / "directory.db")
    target = tmp_path / "snapshot.db"
    try:
        feed_id, position, version = directory.snapshot_to(target, copies_feed=False)
        assert feed_id == directory.feed_id() and version == SCHEMA_VERSION
        assert position == directory.changes(0, 100).next_position == 6
        directory.upsert_paysimple([CustomerRecord(first_name="After", last_name="Copy", paysimple_id=999)])
    finally:
        directory.close()
    assert mode(target) == 0o600 and not Path(f"{target}-wal").exists()
    with sqlite3.connect(target) as con:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        for table in ("recent", "recent_entries", "sync_runs", "sync_seen", "paysimple_adds"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        meta = dict(con.execute("SELECT key, value FROM meta"))
    con.close()
    assert (meta["replica_of"], meta["replica_position"]) == (feed_id, "6") and meta["feed_id"] != feed_id
    copy = Directory(target)
    try:
        assert copy.count() == 6 and copy.replica_position() == (feed_id, 6)
        assert [h.id for h in copy.search("Ann0 Lee")] == [ids[0]]
    finally:
        copy.close()


def test_a_copy_that_has_not_followed_a_feed_yet_cannot_be_snapshot(tmp_path):
    directory = Directory(tmp_path / "search-copy.db")
    try:
        with pytest.raises(NotReadyToCopy):
            directory.snapshot_to(tmp_path / "snapshot.db", copies_feed=True)
    finally:
        directory.close()
