"""A writer's connection to PostgreSQL cut while it waits on a lock another session holds, for the payment journal
and the clerk store (the customer store's: tests/storage/test_customer_feed.py): the server ends the writer's
backend (``pg_terminate_backend``, as an administrator, a failover or a killed server process would) in the middle
of its write. The call raises ``StorageError`` (database unreachable, naming the store, no password), nothing of
that write is in the database, and the same store object works again at once (its pool drops the dead
connection). Real server, real sessions; nothing mocked."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from pos_app.clerks import ClerkRegistry, Role
from pos_app.payments import AccountRef, CustomerRef, State
from pos_app.storage_errors import Fault, StorageError, What

T0 = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
CUSTOMER = CustomerRef(101, "Ada Lovelace")
CARD = AccountRef(555, "cc", "1111", "Visa")


@dataclass
class Case:
    what: What
    application: str  # the store's application_name in pg_stat_activity
    statement: str  # how the blocked statement starts
    prepare: Callable  # (dsn) -> (store, state): the store and what the write needs
    hold: str  # what the blocking session runs (inside its transaction; may use {id})
    write: Callable  # (store, state) -> the write that will wait on the held lock
    unchanged: Callable  # (dsn, state) -> a snapshot of what the write would change (equal before and after)
    committed_before: Callable = lambda snapshot: snapshot  # what an earlier, separate transaction of the call
    #                                                         committed before the cut write began


def _journal(dsn):
    from pos_app.payments.journal_pg import PgJournal

    journal = PgJournal(dsn)
    first = journal.create_attempt("LANE1", "clerk7", CUSTOMER, CARD, Decimal("12.34"), T0)
    return journal, first.id


def _journal_rows(dsn, attempt_id):
    with psycopg.connect(dsn, autocommit=True) as con:
        return (con.execute("SELECT id, state, updated_at FROM attempts ORDER BY id").fetchall(),
                con.execute("SELECT attempt_id, to_state, cause FROM transitions ORDER BY seq").fetchall())


def _clerks(dsn):
    from pos_app.clerkstore.pg import PgClerkStore

    registry = ClerkRegistry(PgClerkStore(dsn))
    boss = registry.add("Maria", "739164", Role.MANAGER, by=None)
    registry.add("Ann", "2468", Role.CLERK, by=boss)
    with pytest.raises(Exception, match="Wrong name or PIN"):
        registry.login("Ann", "0000")  # one failure counted
    return registry, boss


def _clerk_rows(dsn, _state):
    with psycopg.connect(dsn, autocommit=True) as con:
        return (con.execute("SELECT id, name, active, failures, lockouts FROM clerks ORDER BY id").fetchall(),
                con.execute("SELECT count(*) FROM audit_trail").fetchone())


CASES = {
    # one statement (UPDATE attempts + INSERT transitions): waits on the attempt's row lock
    "journal transition": Case(
        What.JOURNAL, "pos-app journal", "WITH u AS (UPDATE attempts", _journal,
        "SELECT 1 FROM attempts WHERE id = '{id}' FOR UPDATE",
        lambda journal, aid: journal.transition(aid, State.CREATED, State.SENDING, "sending", "clerk7",
                                                T0 + timedelta(seconds=1)),
        _journal_rows),
    # a new attempt with its first transition: waits for the table the other session locked
    "journal new attempt": Case(
        What.JOURNAL, "pos-app journal", "WITH a AS (INSERT INTO attempts", _journal,
        "LOCK TABLE transitions IN SHARE MODE",
        lambda journal, _aid: journal.create_attempt("LANE2", "clerk7", CUSTOMER, CARD, Decimal("5.00"), T0),
        _journal_rows),
    # a new clerk and its audit entry: the clerk row is written, the audit entry waits
    "clerks add": Case(
        What.CLERKS, "pos-app clerks", "INSERT INTO audit_trail", _clerks,
        "LOCK TABLE audit_trail IN SHARE MODE",
        lambda registry, boss: registry.add("Bob", "1357", Role.CLERK, by=boss),
        _clerk_rows),
    # a right PIN resets the failures and writes the sign-in's audit entry: the reset is written, the entry waits;
    # the try reserved before the PIN check (its own transaction, decision 0144) stays used: Ann at 2 failures
    "clerks sign-in": Case(
        What.CLERKS, "pos-app clerks", "INSERT INTO audit_trail", _clerks,
        "LOCK TABLE audit_trail IN SHARE MODE",
        lambda registry, _boss: registry.login("Ann", "2468"),
        _clerk_rows,
        lambda rows: ([(i, n, a, f + 1 if n == "Ann" else f, lo) for i, n, a, f, lo in rows[0]], rows[1])),
}


def _waiting_pid(dsn: str, case: Case, timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    with psycopg.connect(dsn, autocommit=True) as watcher:
        while True:
            row = watcher.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock'"
                " AND query LIKE %s", (case.application, case.statement.replace("%", "%%") + "%")).fetchone()
            if row is not None:
                return row[0]
            assert time.monotonic() < deadline, f"the {case.what.value} never waited on the held lock"
            time.sleep(0.02)


@pytest.mark.parametrize("name", list(CASES))
def test_a_writer_cut_off_while_waiting_on_a_lock_writes_nothing_and_works_again(pg_database, pg_cluster, name):
    case = CASES[name]
    store, state = case.prepare(pg_database)
    try:
        before = case.unchanged(pg_database, state)
        blocker = psycopg.connect(pg_database)  # a transaction stays open until it is rolled back
        blocker.execute(case.hold.format(id=state if isinstance(state, str) else ""))
        outcome: dict = {}

        def write() -> None:
            try:
                outcome["done"] = case.write(store, state)
            except BaseException as exc:  # noqa: BLE001 - checked below
                outcome["error"] = exc

        writer = threading.Thread(target=write)
        writer.start()
        pid = _waiting_pid(pg_database, case)
        with psycopg.connect(pg_database, autocommit=True) as admin:
            assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
        writer.join(30)
        assert not writer.is_alive()
        blocker.rollback()
        blocker.close()

        error = outcome.get("error")
        assert isinstance(error, StorageError), outcome
        assert error.fault is Fault.UNREACHABLE and error.what is case.what
        text = str(error)
        assert case.what.value in text and "database server" in text and "try again" in text
        assert pg_cluster.password not in text and pg_database not in text
        assert case.unchanged(pg_database, state) == case.committed_before(before)  # nothing of the cut write

        case.write(store, state)  # the same store carries on: the dead connection left its pool
        assert case.unchanged(pg_database, state) != before
    finally:
        store.close()
