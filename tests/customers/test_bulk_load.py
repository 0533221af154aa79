"""The bulk-load path: what a big batch writes is read back exactly, and it is searchable afterwards."""

from __future__ import annotations

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
