"""The PostgreSQL journal's own guarantees under concurrency and faults: racing lanes and transitions from
separate connections and processes, a server restarted mid-transaction, lane ownership that ends with its
connection, schema migrations. Real servers only (tests/pg_cluster.py); a test that restarts a server makes
its own cluster."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pg_cluster as pgc
import psycopg
import pytest

from pos_app import pg_migrations
from pos_app.migrations import Migration, SchemaTooNew
from pos_app.payments import AccountRef, CustomerRef, LaneOwnershipLost, State
from pos_app.payments.journal_pg import COMPONENT, LOCKS_APPLICATION_NAME, MIGRATIONS, PgJournal
from pos_app.payments.model import IllegalTransition
from pos_app.storage_errors import CHECK_FAILED, Fault, StorageError, What
from tests.fixtures.payments import make_service, payments_at_gateway

T0 = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
CUSTOMER = CustomerRef(101, "Ada Lovelace")
CARD = AccountRef(555, "cc", "1111", "Visa")
ROOT = Path(__file__).resolve().parents[2]


def new(journal, lane="LANE1", now=T0):
    return journal.create_attempt(lane, "clerk7", CUSTOMER, CARD, Decimal("12.34"), now)


@pytest.fixture
def private_cluster():
    """A cluster of this test's own (it will be restarted)."""
    pgc.require()
    with pgc.PgCluster() as cluster:
        yield cluster


def _waiting_on_locks(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as con:
        return con.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                           " AND application_name = 'pos-app journal'").fetchone()[0]


def _terminate_lock_connection(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as con:
        return con.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                           " WHERE application_name = %s", (LOCKS_APPLICATION_NAME,)).fetchone()[0]


# ---- races -------------------------------------------------------------------------------------------------

RACER = """
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from pos_app.payments import AccountRef, CustomerRef, LaneBusy
from pos_app.payments.journal_pg import PgJournal
j = PgJournal(sys.argv[1])
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.002)
try:
    a = j.create_attempt("LANE1", "clerk" + sys.argv[3], CustomerRef(1, "Ada"), AccountRef(5, "cc", "1111", "Visa"),
                         "1.00", datetime.now(UTC))
    print("won", a.id)
except LaneBusy as exc:
    print("busy", exc.blocking.id if exc.blocking else "")
j.close()
"""


def test_processes_racing_for_one_lane_exactly_one_opens_an_attempt(pg_database, tmp_path):
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", RACER, pg_database, str(go), str(i)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(4)]
    time.sleep(1.5)  # every process connected and waiting
    go.touch()
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-500:] for o in outs]
    lines = [o[0].split() for o in outs]
    winners = [line for line in lines if line[0] == "won"]
    assert len(winners) == 1, lines
    assert all(line == ["busy", winners[0][1]] for line in lines if line[0] == "busy")  # told who blocks
    with PgJournal(pg_database) as j:
        assert [a.id for a in j.history()] == [winners[0][1]]
        assert len(j.transitions(winners[0][1])) == 1


def test_transitions_racing_from_separate_connections_one_wins_the_rest_are_illegal(pg_database):
    journals = [PgJournal(pg_database, min_size=1, max_size=1) for _ in range(6)]
    try:
        a = new(journals[0])
        start = threading.Barrier(len(journals))
        won, refused = [], []

        def go(j, i):
            start.wait()
            try:
                won.append(j.transition(a.id, State.CREATED, State.SENDING, f"racer {i}", "c", T0))
            except IllegalTransition as exc:
                refused.append(exc)

        threads = [threading.Thread(target=go, args=(j, i)) for i, j in enumerate(journals)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert len(won) == 1 and len(refused) == 5
        assert all(e.current == State.SENDING and e.expected == State.CREATED for e in refused)
        assert [t.to_state for t in journals[1].transitions(a.id)] == [State.CREATED, State.SENDING]
    finally:
        for j in journals:
            j.close()


# ---- the server goes away ------------------------------------------------------------------------------------

def test_server_restarted_mid_transaction_leaves_nothing_half_written(private_cluster):
    dsn = private_cluster.create_database("journal")
    j = PgJournal(dsn, pool_timeout=5)
    try:
        a = new(j)
        blocker = psycopg.connect(dsn)  # holds the table so our writes are caught mid-statement
        blocker.execute("LOCK TABLE attempts IN ACCESS EXCLUSIVE MODE")
        errors = {}

        def attempt(name, call):
            try:
                call()
                errors[name] = None
            except Exception as exc:  # noqa: BLE001 - examined below
                errors[name] = exc

        threads = [threading.Thread(target=attempt, args=("transition", lambda: j.transition(
                       a.id, State.CREATED, State.SENDING, "POST", "c", T0, sent_at=T0))),
                   threading.Thread(target=attempt, args=("create", lambda: new(j, lane="LANE2")))]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while _waiting_on_locks(dsn) < 2:
            assert time.monotonic() < deadline, "the writes never reached the server"
            time.sleep(0.05)
        private_cluster.restart("immediate")
        for t in threads:
            t.join(30)
        for name in ("transition", "create"):
            exc = errors[name]
            assert isinstance(exc, StorageError), (name, exc)
            assert exc.fault is Fault.UNREACHABLE and exc.what is What.JOURNAL
            text = str(exc)
            assert j.name in text and "Check the network, that the database server is running" in text
            assert private_cluster.password not in text and "psycopg" not in text.lower()
        pgc.wait_until_accepting(dsn)
        # nothing half-written: the attempt is as it was, no second attempt, no stray transition
        assert j.get(a.id).state is State.CREATED
        assert [t.to_state for t in j.transitions(a.id)] == [State.CREATED]
        assert j.open_attempt("LANE2") is None and [x.id for x in j.history()] == [a.id]
        # and the same journal works again without being reopened
        assert j.transition(a.id, State.CREATED, State.SENDING, "POST", "c", T0).state is State.SENDING
        assert new(j, lane="LANE2").state is State.CREATED
    finally:
        j.close()


def test_a_server_that_is_down_is_a_storage_error_within_the_deadline_then_works_again(private_cluster):
    dsn = private_cluster.create_database("journal")
    j = PgJournal(dsn, pool_timeout=3, connect_timeout=2)
    try:
        a = new(j)
        private_cluster.stop("immediate")
        for call in (lambda: j.get(a.id), lambda: new(j, lane="LANE2"), lambda: j.lane_lock("LANE3").try_acquire()):
            started = time.monotonic()
            with pytest.raises(StorageError) as caught:
                call()
            assert time.monotonic() - started < 10  # every call has a deadline
            assert caught.value.fault is Fault.UNREACHABLE and j.name in str(caught.value)
        private_cluster.restart("fast")
        pgc.wait_until_accepting(dsn)
        assert j.get(a.id).state is State.CREATED and j.open_attempt("LANE2") is None
    finally:
        j.close()
    with pytest.raises(StorageError) as refused:  # opening against no server at all
        private_cluster.stop("immediate")
        PgJournal(dsn, pool_timeout=2, connect_timeout=1)
    assert refused.value.fault is Fault.UNREACHABLE


# ---- lane ownership ---------------------------------------------------------------------------------------

def test_lane_locks_exclude_other_connections_and_end_with_their_connection(pg_database):
    a, b = PgJournal(pg_database), PgJournal(pg_database)
    try:
        mine = a.lane_lock("LANE1")
        assert mine.try_acquire() and mine.still_held()
        assert not a.lane_lock("LANE1").try_acquire()  # the same process, another holder
        assert not b.lane_lock("LANE1").try_acquire()  # another process or machine
        assert b.lane_lock("LANE2").try_acquire()  # other lanes are free
        assert _terminate_lock_connection(pg_database) == 2  # both journals' lock connections
        assert not mine.still_held()  # the lane knows it lost ownership
        assert b.lane_lock("LANE1").try_acquire()  # and the lane is free for another at once
        again = a.lane_lock("LANE1")
        assert not again.try_acquire()  # b holds it now
        mine.release()  # releasing the lost lock touches nothing of b's
        assert not a.lane_lock("LANE1").try_acquire()
    finally:
        a.close()
        b.close()
    with PgJournal(pg_database) as c:  # both closed: everything released by the server
        assert c.lane_lock("LANE1").try_acquire() and c.reversal_lock("LANE1-X").try_acquire()


def test_a_lane_that_loses_its_lock_connection_stops_before_sending(pg_database, gateway, client, shopper):
    j = PgJournal(pg_database)
    try:
        service = make_service(j, client, gateway)
        cut = []

        def on_status(event):
            if event.phase == "saved" and not cut:
                cut.append(_terminate_lock_connection(pg_database))

        with pytest.raises(LaneOwnershipLost) as lost:
            service.charge(shopper.customer, shopper.card, Decimal("7.00"), "clerk1", on_status=on_status)
        assert cut == [1]
        assert "nothing was charged" in str(lost.value) and "Check the network" in str(lost.value)
        stopped = j.get(lost.value.attempt.id)
        assert stopped.state is State.ABSENT and "lost its connection" in stopped.note
        assert payments_at_gateway(client, shopper.customer.id) == []  # nothing was sent
        again = service.charge(shopper.customer, shopper.card, Decimal("7.00"), "clerk1")  # reconnects
        assert again.state is State.APPROVED and len(payments_at_gateway(client, shopper.customer.id)) == 1
    finally:
        j.close()


# ---- schema ---------------------------------------------------------------------------------------------

def test_lanes_starting_together_migrate_once(pg_database):
    opened, errors = [], []
    start = threading.Barrier(4)

    def go():
        start.wait()
        try:
            opened.append(PgJournal(pg_database))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == [] and len(opened) == 4
        with psycopg.connect(pg_database) as con:
            assert con.execute("SELECT component, version FROM schema_versions").fetchall() == [
                (COMPONENT, MIGRATIONS[-1].version)]
            assert con.execute("SELECT count(*) FROM legal_transitions").fetchone()[0] > 0
    finally:
        for j in opened:
            j.close()


def test_a_newer_journal_is_refused_and_left_as_it_was(pg_database):
    PgJournal(pg_database).close()
    with psycopg.connect(pg_database, autocommit=True) as con:
        con.execute("UPDATE schema_versions SET version = 99 WHERE component = %s", (COMPONENT,))
        con.execute("DELETE FROM legal_transitions WHERE from_state = 'created' AND to_state = 'sending'")
    with pytest.raises(SchemaTooNew, match="newer version of the app"):
        PgJournal(pg_database)
    with psycopg.connect(pg_database) as con:  # not "repaired" by an older app
        assert con.execute("SELECT count(*) FROM legal_transitions WHERE from_state = 'created'"
                           " AND to_state = 'sending'").fetchone()[0] == 0


def test_a_failing_migration_is_rolled_back_whole_and_runs_again_later(pg_database):
    good = Migration(1, "one", "CREATE TABLE one (x int)")
    bad = Migration(2, "two", "CREATE TABLE two (x int); INSERT INTO one VALUES (1); SELECT 1/0")
    with psycopg.connect(pg_database, autocommit=True) as con:
        with pytest.raises(psycopg.errors.DivisionByZero):
            pg_migrations.migrate(con, "demo", [good, bad], "demo store")
        assert pg_migrations.version(con, "demo") == 1
        assert con.execute("SELECT to_regclass('two')").fetchone() == (None,)
        assert con.execute("SELECT count(*) FROM one").fetchone() == (0,)
        fixed = Migration(2, "two", "CREATE TABLE two (x int); INSERT INTO one VALUES (1)")
        assert pg_migrations.migrate(con, "demo", [good, fixed], "demo store") == 1
        assert pg_migrations.version(con, "demo") == 2 and con.execute("SELECT count(*) FROM one").fetchone() == (1,)
        # the lock was released: another session can take it
        with psycopg.connect(pg_database, autocommit=True) as other:
            assert other.execute("SELECT pg_try_advisory_lock(%s, %s)", pg_migrations.MIGRATION_LOCK).fetchone() == (True,)


def test_a_journal_whose_guarantees_were_removed_is_not_used(pg_database):
    PgJournal(pg_database).close()
    with psycopg.connect(pg_database, autocommit=True) as con:
        con.execute("ALTER TABLE attempts DISABLE TRIGGER attempts_legal_state")
    with pytest.raises(StorageError) as caught:
        PgJournal(pg_database)
    assert caught.value.fault is Fault.SERVER and CHECK_FAILED in str(caught.value)


def test_times_are_aware_and_money_is_integer_cents(pg_database):
    with PgJournal(pg_database) as j:
        with pytest.raises(ValueError, match="timezone-aware"):
            j.create_attempt("LANE1", "c", CUSTOMER, CARD, "1.00", datetime(2026, 1, 1))
        a = j.create_attempt("LANE1", "c", CUSTOMER, CARD, "1999999.99", T0 + timedelta(microseconds=7))
        assert a.amount_cents == 199999999 and a.created_at == T0 + timedelta(microseconds=7)
    with psycopg.connect(pg_database) as con:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns"
                                 " WHERE table_name = 'attempts'").fetchall())
    assert types["amount_cents"] == "bigint" and types["created_at"] == "timestamp with time zone"


def test_the_counter_without_the_store_extra_never_loads_the_driver():
    code = ("import sys, importlib, pkgutil, pos_app.payments, pos_app.pg_migrations\n"
            "for info in pkgutil.walk_packages(pos_app.payments.__path__, 'pos_app.payments.'):\n"
            "    importlib.import_module(info.name)\n"
            "print(sorted(m for m in sys.modules if m.startswith(('psycopg', 'psycopg_pool'))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_wrong_password_or_database_is_refused_at_once_without_driver_text(pg_cluster, pg_database):
    wrong_password = pg_database.replace(pg_cluster.password, "not-the-password")
    missing = pg_cluster.dsn_for("no_such_journal")
    for dsn in (wrong_password, missing):
        started = time.monotonic()
        with pytest.raises(StorageError) as refused:
            PgJournal(dsn, pool_timeout=20)
        assert time.monotonic() - started < 10  # not the pool's whole wait
        text = str(refused.value)
        assert refused.value.fault is Fault.UNREACHABLE and "database settings" in text
        assert pg_cluster.password not in text and "not-the-password" not in text and "FATAL" not in text


def test_a_journal_made_by_the_first_schema_is_brought_forward_and_keeps_its_attempts(pg_database):
    with psycopg.connect(pg_database, autocommit=True) as con:
        pg_migrations.migrate(con, COMPONENT, MIGRATIONS[:1], "payment journal")  # an older app's journal
        con.execute("INSERT INTO attempts (id, lane, clerk, customer_id, customer_name, account_id, account_kind,"
                    " account_last4, account_brand, amount_cents, state, created_at, updated_at) VALUES"
                    " ('LANE9-OLD', 'LANE9', 'c', 1, 'A', 2, 'cc', '1111', 'Visa', 100, 'created', now(), now())")
    with PgJournal(pg_database) as j:  # this app: the later steps are added, nothing lost
        assert j.get("LANE9-OLD").state is State.CREATED
        a = new(j)
        record = j.onfile_store().plan(CARD, CUSTOMER.id, False, "clerk7", T0, T0 + timedelta(minutes=15))
        assert record.state == "pending" and record.created_at == T0 and j.get(a.id).state is State.CREATED
    with psycopg.connect(pg_database) as con:
        assert con.execute("SELECT version FROM schema_versions").fetchone() == (MIGRATIONS[-1].version,)
