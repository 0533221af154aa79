"""The customer change feed on both backends: every write gets a position, a reader following from any position
never misses a change (writers racing, and the out-of-order commit forced on PostgreSQL), a SQLite replica
followed from the feed searches what the store holds, and storage faults leave records and feed as they were."""

from __future__ import annotations

import random
import threading
import time

import pytest

from pos_app.customers.directory import Directory, FeedMismatch
from pos_app.customers.plan import Batch
from pos_app.customers.replica import NotAReplica, follow
from pos_app.customers.store import FEED_LIMIT_MAX, ImportRow
from pos_app.storage_errors import Fault, StorageError, What
from tests.fixtures.customer_stores import drain, last_position, record


def _wait_for(check, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


# --- positions ---------------------------------------------------------------------------------------------------

def test_every_write_gets_a_larger_position_and_any_start_gives_the_rest(customer_store):
    s = customer_store
    [a, b] = s.upsert_paysimple([record("Ann", "Lee", 1), record("Bob", "Ray", 2)]).ids
    s.import_batch([ImportRow(record("Cy", "Young", customer_account="C-1"))])
    s.save_from_paysimple(record("Anne", "Lee", 1))
    s.mark_deleted([b])
    changes, end = drain(s)
    positions = [c.position for c in changes]
    assert positions == sorted(set(positions)) and positions[0] > 0
    assert [(c.local_id, c.customer.record.first_name, c.customer.deleted) for c in changes] == [
        (3, "Cy", False), (a, "Anne", False), (b, "Bob", True)]  # each record once, at its latest write
    for n, change in enumerate(changes):  # from any position: exactly what came after it
        assert drain(s, change.position)[0] == changes[n + 1:]
    assert drain(s, 0, limit=1)[0] == changes and drain(s, end)[0] == []


def test_feed_arguments_are_checked_with_a_clear_message(customer_store):
    with pytest.raises(ValueError, match="position"):
        customer_store.changes(-1)
    with pytest.raises(ValueError, match="limit"):
        customer_store.changes(0, 0)
    with pytest.raises(ValueError, match=str(FEED_LIMIT_MAX)):
        customer_store.changes(0, FEED_LIMIT_MAX + 1)
    with pytest.raises(ValueError, match="position"):
        customer_store.changes("5")


def test_feeds_have_their_own_ids(open_store, tmp_path):
    one = open_store()
    assert one.feed_id() == open_store().feed_id()
    with Directory(tmp_path / "other.db") as other:
        assert other.feed_id() != one.feed_id()


# --- never missing a change -----------------------------------------------------------------------------------------

def test_a_follower_never_misses_a_change_while_writers_race(open_store):
    """Three writers (own store objects: own connections) insert, rename and delete while a fourth object
    follows the feed; at the end the follower holds exactly the store's records."""
    writers = [open_store() for _ in range(3)]
    reader = open_store()
    done = threading.Event()
    seen: dict[int, object] = {}
    errors: list[BaseException] = []

    def write(n: int, store) -> None:
        rng = random.Random(n)
        try:
            mine: list[int] = []
            for i in range(40):
                pid = n * 1000 + i
                batch = [record(f"W{n}", f"Name{i}x{k}", pid * 10 + k) for k in range(rng.randint(1, 8))]
                mine += store.upsert_paysimple(batch).ids
                if mine and rng.random() < 0.5:
                    victim = store.get(rng.choice(mine))
                    store.save_from_paysimple(
                        record(f"R{n}", f"Renamed{i}", victim.paysimple_id), local_id=victim.id)
                if mine and rng.random() < 0.15:
                    store.mark_deleted([rng.choice(mine)])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def read() -> None:
        position = 0
        try:
            while True:
                finished = done.is_set()
                page = reader.changes(position, 17)
                for change in page.changes:
                    assert change.position > position
                    position = change.position
                    seen[change.local_id] = change.customer
                assert page.next_position >= position
                position = page.next_position
                if finished and len(page.changes) < 17:
                    return
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n, w)) for n, w in enumerate(writers)]
    follower = threading.Thread(target=read)
    follower.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    done.set()
    follower.join(60)
    assert not errors, errors
    total = reader.count(include_deleted=True)
    assert total > 100 and len(seen) == total
    assert all(seen[i] == reader.get(i) for i in seen)


def test_postgresql_a_reader_never_skips_a_writer_that_commits_after_a_later_one(pg_database):
    """The classic out-of-order commit, forced: T1 takes its position and waits (for another matching writer,
    played by a second connection holding the lock), T2 takes a later position and commits, a reader reads,
    T1 commits, the reader continues: it sees T1's change."""
    import psycopg

    from pos_app.customers.pg_store import MATCH_LOCK, POSITION_BITS, PgCustomerStore

    store, reader = PgCustomerStore(pg_database), PgCustomerStore(pg_database)
    other = psycopg.connect(pg_database, autocommit=True)
    try:
        start = last_position(reader)
        other.execute("SELECT pg_advisory_lock(%s, %s)", MATCH_LOCK)  # no transaction id: not part of the race
        result: dict = {}
        t1 = threading.Thread(target=lambda: result.update(t1=store.upsert_paysimple([record("First", "Taker", 1)])))
        t1.start()
        x1 = _wait_for(lambda: other.execute(
            "SELECT backend_xid::text::bigint FROM pg_stat_activity WHERE application_name = 'pos-app customers' "
            "AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL").fetchone(), what="T1 waiting")[0]
        t2 = store.save_from_paysimple(record("Second", "Committer", 2))  # T2: a later position, committed
        p2 = other.execute("SELECT change_pos FROM customers WHERE id = %s", (t2.id,)).fetchone()[0]
        assert p2 >> POSITION_BITS > x1  # T2's position is after the one T1 holds ...
        assert other.execute("SELECT count(*) FROM customers WHERE paysimple_id = 1").fetchone()[0] == 0  # ... unseen
        page = reader.changes(start, 100)
        assert page.changes == [] and start <= page.next_position < x1 << POSITION_BITS  # waits for T1
        other.execute("SELECT pg_advisory_unlock(%s, %s)", MATCH_LOCK)
        t1.join(30)
        rest, _ = drain(reader, page.next_position)
        assert [c.customer.paysimple_id for c in rest] == [1, 2]  # T1's change is not skipped; T2's follows
        assert rest[0].position >> POSITION_BITS == x1 and rest[0].position < p2 == rest[1].position
    finally:
        other.close()
        store.close()
        reader.close()


def test_sqlite_one_writer_at_a_time_positions_become_visible_in_order(tmp_path):
    """SQLite lets one transaction write at a time: T2 cannot take a position while T1 holds its own, so a
    reader never sees a later position before an earlier one."""
    path = tmp_path / "directory.db"
    first, second, reader = Directory(path), Directory(path), Directory(path)
    try:
        start = last_position(reader)
        inside, release = threading.Event(), threading.Event()

        def t1() -> None:
            with first._transaction() as con:  # what every write does: positions taken inside it
                first._apply(con, Batch(inserts=[(record("First", "Taker", 1), "paysimple")]))
                inside.set()
                release.wait(10)

        one = threading.Thread(target=t1)
        one.start()
        assert inside.wait(10)
        two = threading.Thread(target=lambda: second.save_from_paysimple(record("Second", "Committer", 2)))
        two.start()
        time.sleep(0.3)
        assert two.is_alive()  # T2 waits for the write lock
        assert reader.changes(start).changes == []
        release.set()
        one.join(10)
        two.join(10)
        rest, _ = drain(reader, start)
        assert [c.customer.paysimple_id for c in rest] == [1, 2] and rest[0].position < rest[1].position
    finally:
        for d in (first, second, reader):
            d.close()


# --- a replica from the feed -----------------------------------------------------------------------------------

def test_a_sqlite_replica_followed_from_the_feed_finds_what_the_store_holds(customer_store, tmp_path):
    source = customer_store
    ids = source.upsert_many([record(f"Rep{n}", "Lica", n, phone=f"303555{n:04d}") for n in range(1, 301)],
                             batch_size=150).ids
    source.import_batch([ImportRow(record("Old", "Pos", customer_account="OP-1", city="Boulder"), "pays cash")])
    with Directory(tmp_path / "replica.db") as replica:
        report = follow(source, replica)
        assert report.changed == 301 and replica.count() == source.count() == 301
        assert replica.pending_count() == 0  # a bulk catch-up is searchable when follow returns
        hit = replica.search("rep17 lica")[0]  # (Rep170... follow: "rep17" is also their prefix)
        assert hit.id == ids[16] and hit.paysimple_id == 17 and hit.display_name == "Rep17 Lica"
        [old] = replica.search("old pos")
        assert old.local_only and replica.get(old.id).local_notes == "pays cash"
        assert [h.id for h in replica.search("3035550042")] == [ids[41]]
        # edits and deletions follow, page by page
        source.save_from_paysimple(record("Renamed", "Lica", 17, phone="3035550017"))
        source.mark_deleted([ids[17]])
        replica.mark_seen(ids[16])  # this counter's own ranking
        small = follow(source, replica, limit=1)
        assert small.changed == 2 and small.pages >= 2
        assert [h.id for h in replica.search("renamed")] == [ids[16]]
        assert ids[16] not in [h.id for h in replica.search("rep17", limit=500)]
        assert ids[17] not in [h.id for h in replica.search("rep18", limit=500)] and replica.get(ids[17]).deleted
        assert replica.get(ids[16]).last_seen_at is not None
        assert follow(source, replica).changed == 0
        for change in drain(source)[0]:
            mine = replica.get(change.local_id)
            theirs = change.customer
            assert (mine.record, mine.origin, mine.written_at, mine.local_notes) == (
                theirs.record, theirs.origin, theirs.written_at, theirs.local_notes)
    with Directory(tmp_path / "replica.db") as reopened:  # the position survives: nothing applied twice
        assert reopened.replica_position()[0] == source.feed_id()
        assert follow(source, reopened).changed == 0


def test_a_file_offered_as_a_replica_is_used_only_when_sound_of_that_feed_at_that_position_and_readable(
        customer_store, tmp_path):
    import shutil
    import sqlite3

    from pos_app.customers.replica import SnapshotRefused, check_copy
    from pos_app.customers.schema import SCHEMA_VERSION

    customer_store.upsert_paysimple([record(f"Cam{i}", "Ode", 100 + i) for i in range(300)])
    replica = Directory(tmp_path / "copy.db")
    try:
        report = follow(customer_store, replica)
        replica.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        replica.close()
    feed = customer_store.feed_id()
    good = tmp_path / "copy.db"
    check_copy(good, feed, report.position)  # sound, this feed, this position: accepted
    for feed_id, position in ((feed, report.position - 1), ("other", report.position)):
        with pytest.raises(SnapshotRefused, match="not a copy of the feed"):
            check_copy(good, feed_id, position)
    newer = tmp_path / "newer.db"
    shutil.copy(good, newer)
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(SnapshotRefused, match="schema version"):
        check_copy(newer, feed, report.position)
    for name, damage in (("garbage.db", lambda b: b"not a database at all" * 100),
                         ("torn.db", lambda b: b[: len(b) // 2]),
                         ("scribbled.db", lambda b: b[:8192] + b"\xff" * 4096 + b[12288:])):
        bad = tmp_path / name
        bad.write_bytes(damage(good.read_bytes()))
        with pytest.raises(SnapshotRefused):
            check_copy(bad, feed, report.position)


def test_a_replica_refuses_another_feed_and_a_directory_of_its_own(customer_store, tmp_path):
    customer_store.upsert_paysimple([record("Ann", "Lee", 1)])
    with Directory(tmp_path / "replica.db") as replica, Directory(tmp_path / "own.db") as own:
        follow(customer_store, replica)
        own.upsert_paysimple([record("Bob", "Ray", 2)])
        before = replica.replica_position()
        with pytest.raises(FeedMismatch, match="nothing was changed"):
            follow(own, replica)
        assert replica.replica_position() == before and replica.count() == 1
        with pytest.raises(NotAReplica, match="nothing was changed"):
            follow(customer_store, own)
        assert own.count() == 1


# --- storage faults ------------------------------------------------------------------------------------------------

def _blocked_sync_page(store, dsn):
    """A sync page held inside its transaction (a second connection holds the sync run's row): its customers are
    written, its position taken. Returns (thread, outcome dict, the blocking connection, the writer's pid)."""
    import psycopg

    run = store.sync_start(200)
    store.sync_page(run.run_id, 1, [record("Page", "One", 1)], 51)
    blocker = psycopg.connect(dsn)
    blocker.execute("SELECT 1 FROM sync_runs WHERE id = %s FOR NO KEY UPDATE", (run.run_id,))
    outcome: dict = {}

    def write() -> None:
        try:
            outcome["counts"] = store.sync_page(run.run_id, 2, [record("Page", f"Two{n}", 100 + n)
                                                                for n in range(50)], 51)
        except BaseException as exc:  # noqa: BLE001 - checked by the test
            outcome["error"] = exc

    thread = threading.Thread(target=write)
    thread.start()
    with psycopg.connect(dsn, autocommit=True) as watcher:  # (activity is read afresh outside a transaction)
        pid = _wait_for(lambda: watcher.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'pos-app customers' AND wait_event_type = "
            "'Lock' AND query LIKE 'UPDATE sync_runs%%'").fetchone(), what="the page waiting")[0]
    return run, thread, outcome, blocker, pid


def _nothing_half_written(store, position: int) -> None:
    assert store.count() == 1 and drain(store, position)[0] == []
    run = store.sync_start(200)
    assert run.resumed and run.next_page == 2  # the page is to be fetched again


def test_postgresql_connection_lost_mid_transaction_writes_nothing_and_says_what_to_do(pg_database, pg_cluster):
    import psycopg

    from pos_app.customers.pg_store import PgCustomerStore

    with PgCustomerStore(pg_database) as store:
        run, thread, outcome, blocker, pid = _blocked_sync_page(store, pg_database)
        position = drain(store)[1]  # page 1 only: page 2 is not committed
        with psycopg.connect(pg_database, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        thread.join(30)
        blocker.close()
        error = outcome.get("error")
        assert isinstance(error, StorageError) and error.fault is Fault.UNREACHABLE and error.what is What.DIRECTORY
        text = str(error)
        assert "customer list" in text and "database server" in text and "try again" in text
        assert pg_cluster.password not in text and pg_database not in text and store.name in text
        assert [c.customer.paysimple_id for c in drain(store)[0]] == [1]
        _nothing_half_written(store, position)
        counts = store.sync_page(run.run_id, 2, [record("Page", f"Two{n}", 100 + n) for n in range(50)], 51)
        assert counts.inserted == 50 and store.count() == 51  # works again at once: the broken connection left


def test_postgresql_restarted_mid_transaction_writes_nothing_and_works_when_back(tmp_path):
    import pg_cluster as pgc

    from pos_app.customers.pg_store import PgCustomerStore

    pgc.require()
    with pgc.PgCluster() as cluster:
        dsn = cluster.create_database("restart")
        with PgCustomerStore(dsn) as store:
            run, thread, outcome, blocker, _pid = _blocked_sync_page(store, dsn)
            position = drain(store)[1]
            cluster.restart("immediate")
            thread.join(30)
            blocker.close()
            error = outcome.get("error")
            assert isinstance(error, StorageError) and error.fault is Fault.UNREACHABLE, outcome
            pgc.wait_until_accepting(dsn)
            _nothing_half_written(store, position)
            assert store.sync_page(run.run_id, 2, [record("Back", "Again", 7)], 2).inserted == 1
            assert [c.customer.paysimple_id for c in drain(store, position)[0]] == [7]


def test_sqlite_disk_full_mid_batch_leaves_records_and_feed_as_they_were(tmp_path):
    from tests.storage_faults import fill, small_disk

    with small_disk(tmp_path / "disk", "2m") as disk:
        with Directory(disk / "directory.db") as d:
            d.upsert_paysimple([record("Ada", "Lovelace", 1)])
            count, position = d.count(), last_position(d)
            filler = fill(disk)
            with pytest.raises(StorageError) as caught:
                for n in range(50):
                    d.import_batch([ImportRow(record(f"Imported{i}", "Oldpos", customer_account=f"OLD{i}",
                                                     street1=f"{i} A Long Street Name To Fill Pages"))
                                    for i in range(n * 200, n * 200 + 200)])
                    count, position = d.count(), last_position(d)
            assert caught.value.fault is Fault.DISK_FULL and caught.value.what is What.DIRECTORY
            assert d.count() == count and last_position(d) == position  # the failed batch left nothing
            filler.unlink()
            d.upsert_paysimple([record("Grace", "Hopper", 2)])
            [change] = drain(d, position)[0]
            assert change.customer.paysimple_id == 2 and d.search("grace hopper")


def test_postgresql_a_wrong_password_or_a_server_not_there_is_said_at_once(pg_cluster, pg_database):
    from pos_app.customers.pg_store import PgCustomerStore
    from tests.fixtures.gateway import closed_port

    wrong = pg_database.replace(pg_cluster.password, "not-the-password")
    nowhere = pg_database.replace(f":{pg_cluster.port}/", f":{closed_port()}/")
    for dsn in (wrong, nowhere):
        started = time.monotonic()
        with pytest.raises(StorageError) as caught:
            PgCustomerStore(dsn, connect_timeout=2)
        assert time.monotonic() - started < 5
        error = caught.value
        assert error.fault is Fault.UNREACHABLE and error.what is What.DIRECTORY
        assert pg_cluster.password not in str(error) and "not-the-password" not in str(error)
        assert "database server" in str(error) and "password" in str(error)  # the next step: check the settings
