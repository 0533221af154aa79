"""The store's one PaySimple sync on PostgreSQL (decision 0436): ``PgCustomerStore.sync_lease`` is held by one
store object at a time across connections, freed when its holder's block ends or its process dies, and
``last_sync_completed`` tells a complete pass from a running, cancelled or abandoned one."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest

from pos_app.customers.pg_store import PgCustomerStore
from tests.fixtures.customer_stores import record

HOLD = """
import sys, time
from pos_app.customers.pg_store import PgCustomerStore
with PgCustomerStore(sys.argv[1]).sync_lease() as held:
    print("held" if held else "not held", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def dsn(pg_database):
    return pg_database


def test_one_holder_at_a_time_and_free_again_when_its_block_ends(dsn):
    a, b = PgCustomerStore(dsn), PgCustomerStore(dsn)
    try:
        with a.sync_lease() as first:
            assert first is True
            with b.sync_lease() as second:
                assert second is False
            with a.sync_lease() as same_object_again:  # a lease is per connection: not re-entrant
                assert same_object_again is False
        with b.sync_lease() as after:
            assert after is True
    finally:
        a.close()
        b.close()


def test_a_holder_killed_frees_the_lease_at_once(dsn):
    from tests.fixtures.server import server_env

    proc = subprocess.Popen([sys.executable, "-c", HOLD, dsn], stdout=subprocess.PIPE, text=True, env=server_env())
    store = PgCustomerStore(dsn)
    try:
        assert proc.stdout.readline().strip() == "held"
        with store.sync_lease() as held:
            assert held is False
        proc.kill()  # SIGKILL: no clean-up runs in the holder
        proc.wait(10)
        ends = time.monotonic() + 5
        while True:
            with store.sync_lease() as held:
                if held:
                    break
            assert time.monotonic() < ends, "the dead holder's lease was not freed"
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        store.close()


def test_only_a_complete_pass_counts_as_the_last_sync(dsn):
    store = PgCustomerStore(dsn)
    try:
        assert store.last_sync_completed() is None
        run = store.sync_start(200)
        store.sync_page(run.run_id, 1, [record("Ada", "Lovelace", 7)], 1)
        assert store.last_sync_completed() is None  # running
        store.sync_stop(run.run_id, "cancelled")
        assert store.last_sync_completed() is None
        again = store.sync_start(200)
        assert again.run_id == run.run_id and again.resumed
        store.sync_page(again.run_id, 1, [record("Ada", "Lovelace", 7)], 1)
        before = datetime.now(UTC)
        store.sync_complete(again.run_id)
        done = store.last_sync_completed()
        assert done is not None and done.tzinfo is not None and done >= before.replace(microsecond=0)
        newer = store.sync_start(100)  # another page size: the old run is not resumed
        assert newer.run_id != run.run_id
        assert store.last_sync_completed() == done
    finally:
        store.close()
