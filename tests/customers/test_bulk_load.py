"""The bulk-load path: what a big batch writes is read back exactly, and it is searchable afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pos_app.customers.directory import DEFER_MIN, Directory
from pos_app.customers.models import CustomerRecord


def _records(n: int, start: int = 1) -> list[CustomerRecord]:
    out = []
    for i in range(start, start + n):
        out.append(CustomerRecord(
            first_name="Ann" if i % 2 else "0", last_name=f"Zed{i}", paysimple_id=i,
            middle_name="0" if i % 3 == 0 else ("" if i % 3 == 1 else None),  # "0", "" and None stay distinct
            company="" if i % 5 == 0 else None, email=f"a{i}@example.com" if i % 4 else None,
            phone=f"303555{i:04d}" if i % 2 else None, city="0" if i % 7 == 0 else "Boulder",
            deleted=(i % 11 == 0)))
    return out


def test_bulk_rows_read_back_exactly_and_a_second_load_changes_nothing(tmp_path):
    records = _records(3 * DEFER_MIN)
    with Directory(tmp_path / "d.db") as d:
        counts = d.upsert_many(records, batch_size=len(records))
        assert counts.inserted == len(records)
        for record in records:
            stored = d.get_by_paysimple_id(record.paysimple_id)
            assert stored is not None and stored.record == record
        again = d.upsert_many(records, batch_size=len(records))
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(records))
        # Live customers are searchable by name and phone; deleted ones are not.
        assert [h.paysimple_id for h in d.search("zed299 ann", limit=5)] == [299]
        assert [h.paysimple_id for h in d.search("zed298 ann", limit=5)] == []  # even: first name "0"
        assert [h.paysimple_id for h in d.search("zed298 0", limit=5)] == [298]
        assert [h.paysimple_id for h in d.search("zed297", limit=5)] == []  # deleted (297 = 27 * 11)
        assert [h.paysimple_id for h in d.search("3035550015", limit=5)] == [15]


def _deferred_load(path, n: int) -> tuple[Directory, list[CustomerRecord]]:
    """A directory whose last bulk batch was written but not indexed yet (as when the merge is cut short)."""
    d = Directory(path)
    records = _records(n, start=5000)
    with d._transaction() as con:
        d._upsert(con, records)  # big enough to defer, far below MERGE_MIN: rows only
    assert d.pending_count() == n and d.search("zed5001") == []
    return d, records


def _entries(d: Directory) -> tuple[int, int]:
    con = d.connection()
    return (con.execute("SELECT count(*) FROM terms").fetchone()[0], con.execute("SELECT count(*) FROM keys").fetchone()[0])


def test_a_merge_interrupted_mid_statement_writes_nothing_and_is_redone_at_the_next_open(tmp_path):
    d, records = _deferred_load(tmp_path / "d.db", 5 * DEFER_MIN)
    calls = [0]

    def stop_part_way() -> int:
        calls[0] += 1
        return 1 if calls[0] > 20 else 0

    d.connection().set_progress_handler(stop_part_way, 1000)
    with pytest.raises(sqlite3.OperationalError, match="interrupt"):
        d.finish_indexing()
    d.connection().set_progress_handler(None, 0)
    assert calls[0] > 20 and d.pending_count() == len(records) and _entries(d) == (0, 0)
    d.close()
    with Directory(tmp_path / "d.db") as again:  # opening finishes the pass
        assert again.pending_count() == 0
        live = [r for r in records if not r.deleted]
        assert len(again.search("zed", limit=1000)) == len(live)
        assert [h.paysimple_id for h in again.search("zed5001 ann")] == [5001]


def test_a_merge_failing_after_its_inserts_is_rolled_back_whole_and_redone(tmp_path, monkeypatch):
    from pos_app.customers import stats

    d, records = _deferred_load(tmp_path / "d.db", 2 * DEFER_MIN)
    real_refresh = stats.refresh

    def crash(con):  # runs after both INSERT ... SELECT statements of the pass
        assert _entries(d) != (0, 0)  # the entries were inserted in this transaction...
        raise RuntimeError("power cut")

    monkeypatch.setattr(stats, "refresh", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        d.finish_indexing()
    assert d.pending_count() == len(records) and _entries(d) == (0, 0)  # ...and rolled back with it
    monkeypatch.setattr(stats, "refresh", real_refresh)
    d.close()
    with Directory(tmp_path / "d.db") as again:
        assert again.pending_count() == 0
        assert len(again.search("zed", limit=1000)) == len([r for r in records if not r.deleted])


# --- background sorting of a bulk load (sorted runs in a scratch file, merged at the end) ----------------

def _matches_a_rebuild(d: Directory) -> bool:
    """The search tables equal what one pass over the live rows gives (the derived-data invariant)."""
    from pos_app.customers.directory import _add_entries

    con = d.connection()
    entries = (con.execute("SELECT * FROM terms ORDER BY 1, 2, 3").fetchall(),
               con.execute("SELECT * FROM keys ORDER BY 1, 2").fetchall())
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM terms")
        con.execute("DELETE FROM keys")
        _add_entries(con, "1", ())
        rebuilt = (con.execute("SELECT * FROM terms ORDER BY 1, 2, 3").fetchall(),
                   con.execute("SELECT * FROM keys ORDER BY 1, 2").fetchall())
    finally:
        con.execute("ROLLBACK")
    return entries == rebuilt and len(entries[0]) > 0


@pytest.fixture
def small_runs(monkeypatch):
    """Runs of 150 customers, so a load of a few hundred exercises the background sorter."""
    import pos_app.customers.directory as directory_module

    monkeypatch.setattr(directory_module, "PRESORT_RUN", 150)
    merged = []
    real = directory_module._Presorter.merge

    def merge(self, pending):
        used = real(self, pending)
        merged.append(used)
        return used

    monkeypatch.setattr(directory_module._Presorter, "merge", merge)
    return merged


def _wait_for_runs(d: Directory) -> None:
    """Until the background sorter has built runs for everything it could take (how many depends on how
    the thread was scheduled: it takes all that is queued when it wakes up)."""
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        p = d._presorter
        if p is not None and p._runs and not p._busy and p._queued < 150:
            return
        time.sleep(0.01)
    raise AssertionError("the background sorter built no runs")


def test_a_bulk_load_is_indexed_from_background_runs_exactly(tmp_path, small_runs):
    records = _records(1000)
    with Directory(tmp_path / "d.db") as d:
        d.upsert_many(records, batch_size=DEFER_MIN)
        assert small_runs == [True]  # the runs were merged, not re-sorted from the rows
        assert d.pending_count() == 0 and _matches_a_rebuild(d)
        assert not d.scratch_path.exists() and d._presorter is None
        assert [h.paysimple_id for h in d.search("zed999 ann")] == [999]
        assert [h.paysimple_id for h in d.search("3035550015")] == [15]
        assert [h.paysimple_id for h in d.search("zed990")] == []  # deleted rows never enter the index
        # a second load into the indexed directory: runs merged into non-empty tables, still exact
        d.upsert_many(_records(700, start=2000), batch_size=DEFER_MIN)
        assert small_runs == [True, True] and _matches_a_rebuild(d)


def test_a_pending_customer_changed_after_sorting_discards_the_runs(tmp_path, small_runs):
    with Directory(tmp_path / "d.db") as d:
        for start in range(1, 400, DEFER_MIN):
            with d._transaction() as con:
                d._upsert(con, _records(DEFER_MIN, start=start))
        _wait_for_runs(d)
        renamed = CustomerRecord(first_name="Renamed", last_name="Person", paysimple_id=3, phone="7205550003")
        with d._transaction() as con:  # customer 3 was sorted into a run under its old name
            d._upsert(con, [renamed])
            d._mark_deleted(con, [d.get_by_paysimple_id(5).id])
        d.finish_indexing()
        assert small_runs == [False]  # indexed from the rows instead
        assert _matches_a_rebuild(d) and d.pending_count() == 0
        assert [h.paysimple_id for h in d.search("renamed")] == [3]
        assert 3 not in [h.paysimple_id for h in d.search("zed3 ann", limit=1000)]  # the old name is gone
        assert 5 not in [h.paysimple_id for h in d.search("zed5", limit=1000)]  # deleted while pending
        assert d.search("3035550003") == [] and d.search("3035550005") == []


def test_a_merge_from_runs_that_fails_is_rolled_back_whole_and_redone(tmp_path, small_runs, monkeypatch):
    from pos_app.customers import stats

    d = Directory(tmp_path / "d.db")
    for start in range(1, 500, DEFER_MIN):
        with d._transaction() as con:
            d._upsert(con, _records(DEFER_MIN, start=start))
    _wait_for_runs(d)
    real_refresh = stats.refresh

    def crash(con):  # after both merges from the runs and the pass over the rest
        raise RuntimeError("power cut")

    monkeypatch.setattr(stats, "refresh", crash)
    with pytest.raises(RuntimeError):
        d.finish_indexing()
    assert d.pending_count() == 500 and _entries(d) == (0, 0)
    monkeypatch.setattr(stats, "refresh", real_refresh)
    d.finish_indexing()  # the runs are still there and still right
    assert small_runs[-1] is True and _matches_a_rebuild(d)
    d.close()


def test_a_process_killed_during_a_sorted_load_leaves_nothing_half_done(tmp_path):
    """The loading process dies (kill -9 equivalent: os._exit) with runs in the scratch file and the load
    unmerged: the next open deletes the scratch file and indexes the rows in one pass."""
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "d.db"
    child = textwrap.dedent(f"""
        import os, time
        import pos_app.customers.directory as m
        from tests.customers.test_bulk_load import _records
        m.PRESORT_RUN = 150
        d = m.Directory({str(path)!r})
        for start in range(1, 600, 100):
            with d._transaction() as con:
                d._upsert(con, _records(100, start=start))
        deadline = time.monotonic() + 20
        p = d._presorter
        while (not p._runs or p._busy or p._queued >= 150) and time.monotonic() < deadline:
            time.sleep(0.01)
        print(len(p._runs), d.scratch_path.exists(), flush=True)
        os._exit(0)
    """)
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    runs, scratch = out.stdout.split()
    assert int(runs) >= 1 and scratch == "True"
    with Directory(path) as again:
        assert not again.scratch_path.exists() and again.pending_count() == 0
        assert _matches_a_rebuild(again)
        assert [h.paysimple_id for h in again.search("zed599 ann")] == [599]


def test_a_first_sync_with_background_runs_is_indexed_exactly(directory, client, gateway, monkeypatch, small_runs):
    import pos_app.customers.directory as directory_module
    from pos_app.customers.sync import sync

    monkeypatch.setattr(directory_module, "DEFER_MIN", 20)
    monkeypatch.setattr(directory_module, "MERGE_MIN", 200)
    for i in range(620):
        gateway.store.create_customer({"FirstName": f"Ann{i:03d}", "LastName": f"Lee{i:03d}",
                                       "Phone": f"303555{i:04d}", "Email": f"ann{i}@example.com"})
    report = sync(directory, client, page_size=25)
    assert report.complete and report.inserted == 620
    assert True in small_runs  # a merge during the sync used the runs
    assert directory.pending_count() == 0 and _matches_a_rebuild(directory)
    assert [h.display_name for h in directory.search("ann617")] == ["Ann617 Lee617"]
    assert not directory.scratch_path.exists()
