"""Clerks, approvals and the audit trail behind the ClerkStore seam, on SQLite and on PostgreSQL (issue 19).

Every test runs on both backends (``clerk_backend``, tests/fixtures/clerks.py) unless it is about one of them:
the audit trail is append-only in the database itself, a change or an approval commits with its audit entry or
not at all (also when the process dies or the server restarts in the middle), a reader following the trail
never skips an entry that committed late, the first manager cannot be made twice by two set-ups at once.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pg_cluster as pgc
import pytest

from pos_app.audit import AuditEvent, AuditQuery
from pos_app.clerks import ClerkError, ClerkFileTampered, ClerkRegistry, ManagerAction, NotAllowed, Role
from pos_app.storage_errors import Fault, StorageError
from tests.fixtures.clerks import FaultAt, open_registry

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def staffed(backend, **options):
    """Manager Maria (739164) and clerk Ann (2468) on ``backend``."""
    reg = backend.open(**options)
    boss = reg.add("Maria", "739164", Role.MANAGER, by=None)
    ann = reg.add("Ann", "2468", Role.CLERK, by=boss)
    return reg, boss, ann


def refused_by_database(backend, statement: str) -> str:
    """Runs ``statement`` raw and returns how the database refused it (fails the test if it did not)."""
    try:
        backend.sql(statement)
    except sqlite3.IntegrityError as exc:
        return str(exc)
    except Exception as exc:  # psycopg: the trigger's own SQLSTATE
        assert getattr(exc, "sqlstate", None) == "PA001", exc
        return str(exc)
    pytest.fail(f"the database accepted: {statement}")


# --- the audit trail -----------------------------------------------------------------------------------------

def test_the_audit_trail_and_approvals_refuse_updates_and_deletes_in_the_database(clerk_backend):
    reg, boss, ann = staffed(clerk_backend)
    reg.login("Ann", "2468")
    reg.approve("Maria", "739164", ManagerAction.VOID, "customer changed mind", clerk=ann, subject="L1-1")
    trail, approvals = (clerk_backend.sql("SELECT * FROM audit_trail ORDER BY position"),
                        clerk_backend.sql("SELECT * FROM approvals ORDER BY id"))
    assert len(trail) == 4 and len(approvals) == 1
    statements = ["UPDATE audit_trail SET outcome='ok' WHERE action='approve'",
                  "UPDATE audit_trail SET who='Nobody'", "DELETE FROM audit_trail",
                  "DELETE FROM audit_trail WHERE action='login'", "UPDATE approvals SET reason='nothing to see'",
                  "DELETE FROM approvals"]
    if clerk_backend.kind == "postgresql":
        statements += ["TRUNCATE audit_trail", "TRUNCATE approvals"]
    for statement in statements:
        assert "append-only" in refused_by_database(clerk_backend, statement)
    assert clerk_backend.sql("SELECT * FROM audit_trail ORDER BY position") == trail
    assert clerk_backend.sql("SELECT * FROM approvals ORDER BY id") == approvals
    assert reg.store.integrity_problems() == []


def test_the_audit_trail_reads_with_filters_in_append_order(clerk_backend):
    clock = Clock()
    reg = clerk_backend.open(clock=clock, lane="L2")
    boss = reg.add("Maria", "739164", Role.MANAGER, by=None)
    clock.now += timedelta(minutes=1)
    ann = reg.add("Ann", "2468", Role.CLERK, by=boss)
    clock.now += timedelta(minutes=1)
    with pytest.raises(ClerkError):
        reg.login("Ann", "0000")
    reg.login("Ann", "2468")
    clock.now += timedelta(minutes=1)
    reg.record("lock", ann.name, ann.id, "locked")
    entries = reg.audit.read()
    assert [(e.event.action, e.event.outcome) for e in entries] == [
        ("add", "ok"), ("add", "ok"), ("login", "wrong_pin"), ("login", "ok"), ("lock", "locked")]
    positions = [e.position for e in entries]
    assert positions == sorted(positions) and len(set(positions)) == 5
    assert all(e.event.lane == "L2" and e.event.at.tzinfo is not None for e in entries)
    added = entries[1].event  # who acted (the manager), on what (the clerk added)
    assert (added.who, added.who_id, added.subject, added.subject_id) == ("Maria", boss.id, "Ann", str(ann.id))
    assert [e.event.outcome for e in reg.audit.read(AuditQuery(action="login"))] == ["wrong_pin", "ok"]
    assert [e.event.action for e in reg.audit.read(AuditQuery(who_id=ann.id))] == ["login", "login", "lock"]
    assert reg.audit.read(AuditQuery(lane="L1")) == []
    window = reg.audit.read(AuditQuery(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=2)))
    assert [e.event.subject for e in window] == ["Ann"]
    assert reg.audit.read(AuditQuery(after=positions[2], limit=1)) == [entries[3]]
    one_hour_east = timezone(timedelta(hours=1))
    assert reg.audit.read(AuditQuery(since=datetime(2026, 11, 25, 13, 3, tzinfo=one_hour_east))) == [entries[4]]
    with pytest.raises(ValueError, match="timezone-aware"):
        AuditEvent(at=datetime(2026, 11, 25, 12, 0), action="lock", outcome="locked")
    with pytest.raises(ValueError, match="timezone-aware"):
        AuditQuery(since=datetime(2026, 11, 25, 12, 0))
    # the registry's view of the same entries (what the screens show) is unchanged
    assert [(e.kind, e.name, e.clerk_id, e.outcome) for e in reg.events()] == [
        ("add", "Maria", boss.id, "ok"), ("add", "Ann", ann.id, "ok"), ("login", "Ann", ann.id, "wrong_pin"),
        ("login", "Ann", ann.id, "ok"), ("lock", "Ann", ann.id, "locked")]


def test_a_reader_following_the_trail_never_skips_an_entry_that_commits_late(clerk_backend):
    """Writer 1 takes its position and waits before committing; writer 2 appends meanwhile (another
    connection); a reader follows the trail. Writer 2 cannot commit ahead of writer 1, so the reader never
    sees a later position before an earlier one and, following from the last position seen, misses nothing."""
    first, second, reader = clerk_backend.store(), clerk_backend.store(), clerk_backend.store()
    held, release = threading.Event(), threading.Event()

    def slow_writer():
        with first.writing() as tx:
            tx.append(AuditEvent(at=T0, action="lock", outcome="locked", who="Ann"))
            held.set()
            release.wait(30)

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert held.wait(30)
    quick = threading.Thread(target=lambda: second.audit.append(
        AuditEvent(at=T0, action="lock", outcome="locked", who="Bob")))
    quick.start()
    time.sleep(0.5)
    assert reader.audit.read() == []  # nothing committed yet, and nothing after a gap either
    release.set()
    slow.join(30)
    quick.join(30)
    seen = reader.audit.read()
    assert [e.event.who for e in seen] == ["Ann", "Bob"]
    assert seen[0].position < seen[1].position
    assert reader.audit.read(AuditQuery(after=seen[0].position)) == seen[1:]


def test_a_dropped_append_only_guard_refuses_a_keyed_store(clerk_backend):
    reg, _boss, _ann = staffed(clerk_backend, integrity_key=bytes(range(32)), key_is_new=True)
    if clerk_backend.kind == "sqlite":
        clerk_backend.sql("DROP TRIGGER audit_trail_no_delete")
    else:
        clerk_backend.sql("ALTER TABLE audit_trail DISABLE TRIGGER audit_trail_append_only")
    assert reg.store.integrity_problems() != []
    with pytest.raises(ClerkFileTampered):
        reg.login("Maria", "739164")
    with pytest.raises(ClerkFileTampered):
        reg.list()


# --- all or nothing ----------------------------------------------------------------------------------------------

def test_a_clerk_change_commits_with_its_audit_entry_or_not_at_all(clerk_backend):
    reg, boss, ann = staffed(clerk_backend)

    def broken():
        raise RuntimeError("the audit entry could not be written")

    failing = ClerkRegistry(FaultAt(clerk_backend.store(), "append", broken, times=None))  # fault at the last step
    before = clerk_backend.sql("SELECT id, name, role, active, pin_hash FROM clerks ORDER BY id")
    for change in (lambda: failing.add("Bob", "1357", Role.CLERK, by=boss),
                   lambda: failing.deactivate(ann.id, by=boss),
                   lambda: failing.reset_pin(ann.id, "9753", by=boss)):
        with pytest.raises(RuntimeError):
            change()
    assert clerk_backend.sql("SELECT id, name, role, active, pin_hash FROM clerks ORDER BY id") == before
    assert [e.kind for e in reg.events()] == ["add", "add"]


def test_an_approval_commits_with_its_audit_entry_and_counter_reset_or_not_at_all(clerk_backend):
    reg, boss, ann = staffed(clerk_backend)
    with pytest.raises(ClerkError):
        reg.approve("Maria", "000000", ManagerAction.REFUND, "x", clerk=ann)  # one wrong approval PIN

    def broken():
        raise RuntimeError("lost at the last step")

    failing = ClerkRegistry(FaultAt(clerk_backend.store(), "append", broken),
                            clock=lambda: datetime.now(UTC) + timedelta(seconds=2))  # past the 1 s wait
    with pytest.raises(RuntimeError):
        failing.approve("Maria", "739164", ManagerAction.REFUND, "damaged goods", clerk=ann, subject="L1-7")
    assert reg.approvals() == []
    assert [e.outcome for e in reg.events("approve")] == ["wrong_pin"]
    # the try it reserved before the PIN check is used (decision 0144); the reset that came with the
    # approval was rolled back with it
    assert clerk_backend.sql("SELECT failures FROM approval_guard") == [(2,)]


CHILD = r"""
import os, signal, sys
from datetime import UTC, datetime, timedelta, timezone
from pos_app.clerks import ClerkRegistry, ManagerAction
from tests.fixtures.clerks import FaultAt, open_store
target, method = sys.argv[1], sys.argv[2]
reg = ClerkRegistry(FaultAt(open_store(target), method, lambda: os.kill(os.getpid(), signal.SIGKILL)),
                    clock=lambda: datetime.now(UTC) + timedelta(seconds=2))
ann = reg.get(2)
print("approving", flush=True)
reg.approve("Maria", "739164", ManagerAction.VOID, "customer changed mind", clerk=ann, subject="L1-9")
print("not killed", flush=True)
"""


@pytest.mark.parametrize("method", ["add_approval", "append"])
def test_a_process_killed_in_the_middle_of_an_approval_leaves_nothing_half_written(clerk_backend, method):
    reg, boss, ann = staffed(clerk_backend)
    with pytest.raises(ClerkError):
        reg.approve("Maria", "000000", ManagerAction.VOID, "x", clerk=ann)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    child = subprocess.run([sys.executable, "-c", CHILD, clerk_backend.target, method], env=env,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -9 and "approving" in child.stdout and "not killed" not in child.stdout, child
    assert reg.approvals() == []
    assert [e.outcome for e in reg.events("approve")] == ["wrong_pin"]
    assert clerk_backend.sql("SELECT failures FROM approval_guard") == [(2,)]  # its reserved try is used
    later = clerk_backend.open(clock=lambda: datetime.now(UTC) + timedelta(seconds=10))  # past the 2 s wait
    assert later.approve("Maria", "739164", ManagerAction.VOID, "customer changed mind", clerk=ann) == boss
    assert [a.action for a in later.approvals()] == ["void"]


def test_two_set_ups_at_once_make_one_first_manager(clerk_backend):
    """Two counters (own connections) creating the first manager at the same moment: exactly one succeeds.
    Each pauses inside its transaction right after looking for a manager, so without one writer at a time
    both would find none."""
    registries = [ClerkRegistry(FaultAt(clerk_backend.store(), "clerks", lambda: time.sleep(0.5), times=None))
                  for _ in range(2)]
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def set_up(reg, name):
        start.wait(10)
        try:
            reg.add(name, "739164", Role.MANAGER, by=None)
            outcomes.append("made")
        except NotAllowed:
            outcomes.append("refused")

    threads = [threading.Thread(target=set_up, args=(r, n)) for r, n in zip(registries, ("Maria", "Omar"), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["made", "refused"]
    assert len(registries[0].list()) == 1


def test_names_are_unique_without_regard_to_ascii_case_the_same_on_both_backends(clerk_backend):
    reg, boss, _ann = staffed(clerk_backend)
    for taken in ("ANN", "ann", "aNn"):
        with pytest.raises(ClerkError) as err:
            reg.add(taken, "1357", Role.CLERK, by=boss)
        assert err.value.code == "name_taken"
    reg.add("Ñina", "1357", Role.CLERK, by=boss)  # like SQLite's NOCASE: only A-Z fold
    reg.add("ñina", "1357", Role.CLERK, by=boss)
    reg.add("bob", "1357", Role.CLERK, by=boss)
    assert [c.name for c in reg.list()] == ["Ann", "bob", "Maria", "Ñina", "ñina"]
    assert reg.login("mARIA", "739164") == boss


def test_both_stores_implement_the_whole_seam():
    """Every member of the protocols is implemented by both stores (a remote store would do the same)."""
    import inspect

    from pos_app import clerkstore
    from pos_app.audit import AuditTrail
    from pos_app.clerkstore import pg, sqlite, trail

    def members(protocol) -> set[str]:
        return {n for n, _ in inspect.getmembers(protocol, inspect.isfunction) if not n.startswith("_")}

    for module in (sqlite, pg):
        store = sqlite.SqliteClerkStore if module is sqlite else pg.PgClerkStore
        assert members(clerkstore.ClerkStore) <= set(dir(store)), module.__name__
        assert members(clerkstore.ClerkView) <= set(dir(module._View)), module.__name__
        assert members(clerkstore.ClerkTx) <= set(dir(module._Tx)), module.__name__
    assert members(AuditTrail) == {"append", "read"}
    assert members(AuditTrail) <= set(dir(trail.SqlTrail))  # the one trail both stores use


# --- SQLite: the old events move into the audit trail --------------------------------------------------------

def test_a_clerk_file_with_events_keeps_them_in_the_audit_trail(tmp_path):
    """A version-1 clerk file (before the audit trail): its events are moved over, its times in UTC, a clerk
    change attributed to the manager in its ``by=``; ``events()`` shows them as they were."""
    from pos_app.clerks import hash_pin
    from pos_app.clerkstore.sqlite import MIGRATIONS
    from pos_app.migrations import migrate

    path = tmp_path / "clerks.db"
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, MIGRATIONS[:1], "clerk file")
    salt, digest = hash_pin("739164")
    db.execute("INSERT INTO clerks (name, role, salt, pin_hash, kdf) VALUES ('Maria', 'manager', ?, ?, "
               "'scrypt:15:8:1')", (salt, digest))
    db.execute("INSERT INTO clerks (name, role, salt, pin_hash, kdf) VALUES ('Ann', 'clerk', ?, ?, "
               "'scrypt:15:8:1')", (salt, digest))
    old = [("2026-11-25T13:00:00+01:00", "add", "Maria", 1, "ok", "role=manager by=setup"),
           ("2026-11-25T12:01:00+00:00", "add", "Ann", 2, "ok", "role=clerk by=1"),
           ("2026-11-25T12:02:00+00:00", "login", "Ann", 2, "wrong_pin", "failures=1"),
           ("2026-11-25T12:03:00+00:00", "login", "Nobody", None, "wrong_pin", "unknown name")]
    db.executemany("INSERT INTO events (at, kind, name, clerk_id, outcome, detail) VALUES (?,?,?,?,?,?)", old)
    db.close()
    reg = open_registry(str(path))
    assert [(e.at, e.kind, e.name, e.clerk_id, e.outcome, e.detail) for e in reg.events()] == [
        (datetime.fromisoformat(a), k, n, c, o, d) for a, k, n, c, o, d in old]
    trail = [e.event for e in reg.audit.read()]
    assert [(e.who, e.who_id, e.subject) for e in trail[:2]] == [("-", None, "Maria"), ("Maria", 1, "Ann")]
    assert all(e.at.utcoffset() == timedelta(0) for e in trail)
    assert reg.login("Maria", "739164").name == "Maria"
    reg.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'events'").fetchone() == (0,)
        assert db.execute("PRAGMA user_version").fetchone() == (MIGRATIONS[-1].version,)


# --- PostgreSQL: a server restarted mid-transaction, migrations --------------------------------------------------

@pytest.fixture
def private_cluster():
    """A cluster of this test's own (it gets restarted)."""
    pgc.require()
    with pgc.PgCluster() as cluster:
        yield cluster


@pytest.mark.parametrize("where", ["add_approval", "guard", "add_clerk"])
def test_a_server_restart_mid_transaction_leaves_nothing_half_written(private_cluster, where):
    """The server crashes (``restart("immediate")``) inside an approval, a try reservation or a new clerk's
    transaction: the call raises StorageError (database unreachable, naming it and the next step), nothing of
    that transaction is in the database, and once the server is back the same registry works again."""
    from pos_app.clerkstore.pg import PgClerkStore

    dsn = private_cluster.create_database("clerks")
    clock = Clock()
    reg = open_registry(dsn, clock=clock)
    boss = reg.add("Maria", "739164", Role.MANAGER, by=None)
    ann = reg.add("Ann", "2468", Role.CLERK, by=boss)
    failing = ClerkRegistry(FaultAt(PgClerkStore(dsn), where, lambda: private_cluster.restart("immediate")),
                            clock=clock)
    action = {"add_approval": lambda: failing.approve("Maria", "739164", ManagerAction.VOID, "why", clerk=ann),
              "guard": lambda: failing.login("Ann", "0000"),
              "add_clerk": lambda: failing.add("Bob", "1357", Role.CLERK, by=boss)}[where]
    trail_before = len(reg.audit.read())
    with pytest.raises(StorageError) as err:
        action()
    assert err.value.fault is Fault.UNREACHABLE
    assert "database clerks on 127.0.0.1" in str(err.value) and "database server is running" in str(err.value)
    assert private_cluster.password not in str(err.value)
    pgc.wait_until_accepting(dsn)
    assert reg.approvals() == [] and len(reg.audit.read()) == trail_before
    with psycopg_connect(dsn) as con:
        assert con.execute("SELECT name, failures FROM clerks ORDER BY id").fetchall() == [("Maria", 0), ("Ann", 0)]
        # an approval's try was reserved (and committed) before the PIN check: it stays used (decision 0144)
        used = [(1,)] if where == "add_approval" else []
        assert con.execute("SELECT failures FROM approval_guard").fetchall() == used
    clock.now += timedelta(seconds=2)  # past the wait after that try
    # the fault struck once; the same registry, and its pool, carry on now that the server is back
    assert failing.approve("Maria", "739164", ManagerAction.VOID, "why", clerk=ann) == boss
    assert failing.login("Ann", "2468") == ann
    failing.close()
    reg.close()


def test_a_writer_stuck_in_a_transaction_makes_the_next_one_wait_then_fail_typed(pg_database):
    """A counter that hangs inside a clerk transaction (its connection alive, nothing sent): another counter's
    sign-in waits for the store's write lock up to its deadline, then gets StorageError(busy), nothing half
    done; once the stuck one is gone the sign-in works."""
    from pos_app.clerkstore.pg import PgClerkStore

    reg = open_registry(pg_database)
    reg.add("Maria", "739164", Role.MANAGER, by=None)
    stuck, release = threading.Event(), threading.Event()
    hung = PgClerkStore(pg_database)

    def hang():
        with hung.writing():
            stuck.set()
            release.wait(30)

    holder = threading.Thread(target=hang)
    holder.start()
    assert stuck.wait(30)
    waiting = ClerkRegistry(PgClerkStore(pg_database, statement_timeout=1))
    started = time.monotonic()
    try:
        with pytest.raises(StorageError) as err:
            waiting.login("Maria", "739164")
    finally:
        release.set()
    assert err.value.fault is Fault.BUSY and 0.7 < time.monotonic() - started < 10
    release.set()
    holder.join(30)
    hung.close()
    assert [e.outcome for e in reg.events("login")] == []
    assert waiting.login("Maria", "739164").name == "Maria"
    waiting.close()


def psycopg_connect(dsn):
    import psycopg

    return psycopg.connect(dsn, autocommit=True)


def test_postgresql_schema_is_made_once_and_a_newer_one_is_refused(pg_database):
    from pos_app.clerkstore.pg import MIGRATIONS, PgClerkStore
    from pos_app.migrations import SchemaTooNew

    stores = []
    threads = [threading.Thread(target=lambda: stores.append(PgClerkStore(pg_database))) for _ in range(3)]
    for t in threads:  # three counters starting together migrate it once
        t.start()
    for t in threads:
        t.join(60)
    assert len(stores) == 3
    for store in stores:
        store.close()
    with psycopg_connect(pg_database) as con:
        assert con.execute("SELECT version FROM schema_versions WHERE component = 'clerks'").fetchone() == (
            MIGRATIONS[-1].version,)
        con.execute("UPDATE schema_versions SET version = version + 1 WHERE component = 'clerks'")
        tables = con.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    with pytest.raises(SchemaTooNew, match="newer version"):
        PgClerkStore(pg_database)
    with psycopg_connect(pg_database) as con:
        assert con.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == tables


def test_an_unreachable_database_is_a_storage_error_naming_it(tmp_path):
    from pos_app.clerkstore.pg import PgClerkStore

    with pytest.raises(StorageError) as err:
        PgClerkStore("postgresql://pos:secret-password@127.0.0.1:9/pos", connect_timeout=1, pool_timeout=2)
    assert err.value.fault is Fault.UNREACHABLE and "database pos on 127.0.0.1:9" in str(err.value)
    assert "secret-password" not in str(err.value)


def test_the_counter_without_the_store_extra_never_loads_psycopg():
    """The PostgreSQL clerk store imports its driver when one is made, not when the clerk code is imported."""
    code = ("import sys, pos_app.clerks, pos_app.clerkstore.pg, pos_app.pg_support\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg_pool')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    with pytest.raises(ValueError, match="not a clerk file"):
        ClerkRegistry("postgresql://pos@db1/pos")
