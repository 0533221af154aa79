"""Fixtures for the directory tests: a real SQLite directory file and the real client on the shared training
gateway (``tests.fixtures.gateway``)."""

from __future__ import annotations

import pytest

from pos_app.customers.directory import Directory
from pos_app.customers.models import CustomerRecord
from tests.fixtures.gateway import client_fixture


@pytest.fixture
def directory(tmp_path):
    d = Directory(tmp_path / "directory.db")
    yield d
    d.close()


client = client_fixture(read=5, sleep=lambda s: None)  # the shared client: a 5 s read, back-offs not slept


_next_id = [1000]


def person(first: str, last: str, pid: int | None = -1, **fields) -> CustomerRecord:
    """A PaySimple customer record (fresh id unless given; pid=None makes a local-only one)."""
    if pid == -1:
        _next_id[0] += 1
        pid = _next_id[0]
    return CustomerRecord(first_name=first, last_name=last, paysimple_id=pid, **fields)


def imported(store, record: CustomerRecord, notes: str | None = None) -> int:
    """Import one local-only customer (as from another POS's file) into ``store``; returns its local id."""
    from pos_app.customers.store import ImportRow

    position = 0
    while page := store.changes(position, 10_000).changes:
        position = page[-1].position
    assert store.import_batch([ImportRow(record, notes)]).imported == 1
    [change] = store.changes(position, 10).changes
    return change.local_id


def names(hits) -> list[str]:
    return [h.display_name for h in hits]
