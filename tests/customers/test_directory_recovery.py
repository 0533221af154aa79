"""The customer directory under real storage faults (decision 0233).

A damaged directory is a cache of PaySimple plus customers only this counter has: it is moved aside (kept
byte for byte), the readable customers are salvaged with their local ids and local fields, a sync rebuilds the
rest from the real training gateway, and the counter still starts. Other faults (read-only folder, full disk)
are named with the file and the next step and change nothing.
"""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from pos_app.customers.directory import Directory
from pos_app.customers.models import CustomerRecord
from pos_app.customers.store import ImportRow
from pos_app.customers.sync import sync
from pos_app.migrations import SchemaTooNew
from pos_app.storage_errors import Fault, StorageError, What
from tests.customers.conftest import person
from tests.storage_faults import damage_table, fill, garbage, read_only_folder, small_disk


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _import(d: Directory, records: list[CustomerRecord], notes: dict[int, str] | None = None) -> list[int]:
    """Import local-only customers (``notes``: by index); returns their local ids, from the change feed."""
    after = _last_position(d)
    d.import_batch([ImportRow(r, (notes or {}).get(n)) for n, r in enumerate(records)])
    return [c.local_id for c in d.changes(after, 10_000).changes]


def _last_position(d: Directory) -> int:
    position = 0
    while page := d.changes(position, 10_000).changes:
        position = page[-1].position
    return position


def _local_only(n: int, start: int = 0) -> list[CustomerRecord]:
    return [CustomerRecord(first_name=f"Imported{i:04d}", last_name="Oldpos", customer_account=f"OLD{i:05d}",
                           phone=f"303555{i:04d}", city="Boulder", street1=f"{i} Pearl Street with a long name")
            for i in range(start, start + n)]


@pytest.fixture
def synced(tmp_path, client, gateway):
    """A directory synced from the gateway (120 PaySimple customers), then 600 local-only customers (from the
    old POS), a note and a recently served customer: returns (path, PaySimple ids, local-only ids)."""
    from pos_app.paysimple.models import CustomerInput

    for i in range(120):
        client.create_customer(CustomerInput(first_name=f"Pay{i:03d}", last_name="Simple", email=f"p{i}@ex.com"))
    path = tmp_path / "directory.db"
    d = Directory(path)
    try:
        assert sync(d, client).complete
        paysimple_ids = {c.id for c in (d.get(i) for i in range(1, d.count() + 1)) if c and c.paysimple_id}
        local_ids = _import(d, _local_only(600), notes={5: "pays by check, ask for ID"})
        d.mark_seen(local_ids[7])
        d.mark_seen(1)
    finally:
        d.close()
    return path, paysimple_ids, local_ids


def _ids_of(d: Directory, local: bool) -> set[int]:
    sql = "SELECT id FROM customers WHERE paysimple_id IS " + ("NULL" if local else "NOT NULL")
    return {r[0] for r in d.connection().execute(sql)}


def test_damaged_pages_set_aside_local_customers_salvaged_and_sync_rebuilds(synced, client):
    path, paysimple_ids, local_ids = synced
    damage_table(path, "customers", which=0.6)  # a page among the local-only customers
    damaged = _digest(path)
    d = Directory.open_or_recover(path)
    try:
        report = d.recovery
        assert report is not None and report.unreadable_from and not report.nothing_readable
        assert report.damaged_file.name.startswith("directory.db.damaged-")
        assert _digest(report.damaged_file) == damaged  # kept as it was, never written
        salvaged_local = _ids_of(d, local=True)
        lost = set(local_ids) - salvaged_local
        assert salvaged_local <= set(local_ids) and 0 < len(lost) <= 40  # one damaged page, nothing else
        assert max(lost) - min(lost) == len(lost) - 1  # the lost ones are the rows of that page
        assert report.local_only == len(salvaged_local) and report.from_paysimple == len(paysimple_ids)
        assert not {local_ids[5], local_ids[7], local_ids[10]} & lost  # far from the damaged page
        kept = d.get(local_ids[5])
        assert kept.record.customer_account == "OLD00005" and kept.local_notes == "pays by check, ask for ID"
        assert [h.id for h in d.search("", 5)][:2] == [1, local_ids[7]]  # recently served, newest first
        assert [h.id for h in d.search("Imported0010")] == [local_ids[10]]
        assert d.integrity_problems() == []
        result = sync(d, client)  # the start-up sync rebuilds what PaySimple has
        assert result.complete and result.resumed_from_page is None
        assert _ids_of(d, local=False) == paysimple_ids
        assert d.count() == len(paysimple_ids) + len(salvaged_local)
        assert [h.display_name for h in d.search("Pay042 Simple")] == ["Pay042 Simple"]
    finally:
        d.close()
    again = Directory.open_or_recover(path)  # a sound file opens as it is
    try:
        assert again.recovery is None and again.count() == len(paysimple_ids) + len(salvaged_local)
    finally:
        again.close()


def test_garbage_file_nothing_readable_kept_aside_and_a_fresh_directory_syncs(synced, client):
    path, paysimple_ids, _local = synced
    data = garbage(path)
    d = Directory.open_or_recover(path)
    try:
        assert d.recovery.nothing_readable and d.recovery.salvaged == 0
        assert d.recovery.damaged_file.read_bytes() == data
        assert d.count() == 0
        assert sync(d, client).complete
        assert _ids_of(d, local=False) == paysimple_ids
    finally:
        d.close()


def test_the_counter_still_starts_with_a_damaged_directory(tmp_path):
    """The real start-up (training gateway on disk, sync, reconcile) with a damaged directory file."""
    from pos_app.config import Environment, app_paths
    from pos_app.counter import Counter, CounterStart

    paths = app_paths(tmp_path / "home")
    first = Counter.open(CounterStart(Environment.TRAINING, paths, demo_customers=150))
    try:
        local = _import(first.directory, _local_only(500))
        total = first.directory.count()
    finally:
        first.close()
    damage_table(paths.directory_db, "customers", which=0.3)
    backend = Counter.open(CounterStart(Environment.TRAINING, paths, demo_customers=150))
    try:
        report = backend.directory.recovery
        assert report is not None and report.damaged_file.exists()
        assert backend.directory.count() >= total - 40  # one page lost at most, PaySimple's back by the sync
        assert _ids_of(backend.directory, local=False) and backend.search("Imported0499")[0].id == local[-1]
        assert backend.journal.integrity_problems() == []
        assert backend.backup_problem is None
    finally:
        backend.close()


def test_read_only_folder_is_not_mistaken_for_damage(synced):
    path, _ps, _local = synced
    before = _digest(path)
    with read_only_folder(path.parent):
        with pytest.raises(StorageError) as caught:
            Directory.open_or_recover(path)
    exc = caught.value
    assert exc.fault is Fault.READ_ONLY and exc.what is What.DIRECTORY and exc.path == path
    assert "customer list" in str(exc) and "read-only" in str(exc) and "sqlite" not in str(exc).lower()
    assert _digest(path) == before and not list(path.parent.glob("directory.db.damaged-*"))


def test_full_disk_a_write_is_refused_whole_and_works_after(tmp_path):
    with small_disk(tmp_path / "disk", "2m") as disk:
        d = Directory(disk / "directory.db")
        try:
            d.upsert_paysimple([person("Ada", "Lovelace")])
            filler = fill(disk)
            with pytest.raises(StorageError) as caught:
                for n in range(50):
                    d.import_batch([ImportRow(r) for r in _local_only(200, start=n * 200)])
            assert caught.value.fault is Fault.DISK_FULL and caught.value.what is What.DIRECTORY
            count = d.count()
            assert count % 200 == 1  # whole batches only
            filler.unlink()
            d.upsert_paysimple([person("Grace", "Hopper")])
            assert d.count() == count + 1 and d.search("Grace Hopper")
        finally:
            d.close()


def test_a_directory_from_a_newer_app_is_refused_not_rebuilt(tmp_path):
    path = tmp_path / "directory.db"
    Directory(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version=99")
    con.close()
    with pytest.raises(SchemaTooNew):
        Directory.open_or_recover(path)
    assert not list(tmp_path.glob("directory.db.damaged-*"))
