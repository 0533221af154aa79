"""The bulk-load path: what a big batch writes is read back exactly, and it is searchable afterwards."""

from __future__ import annotations

import sqlite3

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
    with d.write() as con:
        d.upsert_paysimple(con, records)  # big enough to defer, far below MERGE_MIN: rows only
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
