"""The payment journal on PostgreSQL (``store.JournalStore``): one journal shared by every lane of a store.

Needs the ``store`` extra (psycopg 3 + psycopg-pool); both are imported when a ``PgJournal`` is made, never at
import time, so a counter without the extra runs on the SQLite journal as before.

Guarantees, enforced by the database (so every process and machine using the database is held to them):
- write-ahead: every write is one statement or one transaction, committed before the method returns
  (``synchronous_commit`` is the server's; the default, ``on``, flushes the WAL at each commit);
- one open attempt per lane: the partial unique index ``one_open_charge_per_lane``; its unique violation
  (SQLSTATE 23505, recognised by constraint name) is ``LaneBusy``;
- only legal transitions: the trigger ``attempts_legal_state`` checks every state change against the
  ``legal_transitions`` table and raises SQLSTATE ``PJ001`` (``IllegalTransition``);
- compare-and-set: ``transition`` is ``UPDATE … WHERE id = … AND state = expected`` plus its ``transitions`` row
  in the same statement; no row updated = ``IllegalTransition`` (someone else moved it; a concurrent updater
  of the same row waits for the first to commit, then finds the state changed);
- an ACH attempt without the customer's authorization: CHECK ``ach_needs_authorization`` (SQLSTATE 23514,
  ``InvalidCharge``).
Errors are recognised by SQLSTATE, never by message text. A lost connection, a server that cannot be reached
or does not answer within the deadlines is ``StorageError(Fault.UNREACHABLE)`` naming the database and the next
step; what the failed call wrote was rolled back, except that a connection lost during COMMIT leaves its
outcome unknown to us (``store`` says what callers do: read again). Broken connections leave the pool, so once
the server is back the journal works again without being reopened.

Deadlines: connecting (``connect_timeout``), waiting for a pooled connection (``pool_timeout``), every statement
(``statement_timeout``, server side) and an unanswered TCP send (``tcp_user_timeout``): no call waits forever.
Before lending a connection the pool looks (without a round trip) whether the server closed it meanwhile.
Money is bigint cents, times ``timestamptz`` (sessions run in UTC; values come back timezone-aware).

Lane ownership: session advisory locks (``pg_migrations.LOCK_NAMESPACE_LANE``, key from the lane's name) on one
dedicated connection per ``PgJournal``, held for as long as the lane holds them; the server drops them when that
connection ends (the lane process died, the network or the server went away). ``still_held()`` asks the server
(``pg_locks``) over that connection: once it cannot say yes, the lane stops before sending. Advisory locks are
re-entrant within a session, so this process's own holders are kept apart by a local table as well.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime

from pos_app import pg_migrations, pg_support
from pos_app.migrations import Migration
from pos_app.payments import journal_rows
from pos_app.payments.model import (
    LEGAL,
    OPEN_STATES,
    UNRESOLVED_STATES,
    AccountRef,
    Attempt,
    CustomerRef,
    DuplicateAttempt,
    IllegalTransition,
    InvalidCharge,
    LaneBusy,
    State,
    Transition,
)
from pos_app.payments.onfile_sql import SqlOnFile
from pos_app.payments.store import Reversal, check_updates
from pos_app.storage_errors import CHECK_FAILED, Fault, StorageError, What

log = logging.getLogger(__name__)

COMPONENT = "payment_journal"
ILLEGAL_TRANSITION = "PJ001"  # raised by the trigger attempts_legal_state
UNIQUE_VIOLATION, CHECK_VIOLATION = "23505", "23514"
LOCKS_APPLICATION_NAME = "pos-app journal locks"  # the lock connection, as pg_stat_activity shows it
_OPEN_SQL = ",".join(f"'{s.value}'" for s in sorted(OPEN_STATES))

# Migrations are history: their lists of states, open states and legal transitions are literal. A change of
# State, OPEN_STATES or LEGAL needs a new migration (the check at every open refuses a journal that differs).
_V1_STATES = ("'absent','approved','created','declined','needs_review','reconciling','refund_pending','refunded',"
              "'rejected','sending','unknown','void_pending','voided'")
_V1_OPEN = "'created','needs_review','reconciling','sending','unknown'"
_V1_LEGAL = """('approved','refund_pending'), ('approved','void_pending'), ('created','reconciling'),
    ('created','sending'), ('needs_review','absent'), ('needs_review','approved'), ('needs_review','declined'),
    ('needs_review','reconciling'), ('reconciling','absent'), ('reconciling','approved'),
    ('reconciling','declined'), ('reconciling','needs_review'), ('reconciling','unknown'),
    ('refund_pending','approved'), ('refund_pending','refunded'), ('sending','absent'), ('sending','approved'),
    ('sending','declined'), ('sending','needs_review'), ('sending','rejected'), ('sending','unknown'),
    ('unknown','reconciling'), ('void_pending','approved'), ('void_pending','voided')"""

MIGRATIONS = (
    Migration(1, "attempts, transitions, legal transitions, reversals", f"""
CREATE TABLE attempts (
    id text PRIMARY KEY CHECK (length(id) <= 50),
    lane text NOT NULL CHECK (lane ~ '^[A-Za-z0-9_]{{1,20}}$'),
    clerk text NOT NULL,
    customer_id bigint NOT NULL,
    customer_name text NOT NULL,
    account_id bigint NOT NULL,
    account_kind text NOT NULL CHECK (account_kind IN ('cc', 'ach')),
    account_last4 text NOT NULL CHECK (length(account_last4) = 4),
    account_brand text NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    state text NOT NULL CHECK (state IN ({_V1_STATES})),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    sent_at timestamptz,
    payment_id bigint,
    ps_status text,
    auth_code text,
    trace_number text,
    failure_code text,
    failure_description text,
    failure_action text,
    can_void_until timestamptz,
    refund_payment_id bigint,
    absent_after timestamptz,
    note text,
    ach_authorization text,
    ach_authorized_by text,
    CONSTRAINT ach_needs_authorization
        CHECK (account_kind <> 'ach' OR (ach_authorization IS NOT NULL AND ach_authorized_by IS NOT NULL))
);
CREATE UNIQUE INDEX one_open_charge_per_lane ON attempts (lane) WHERE state IN ({_V1_OPEN});
CREATE INDEX attempts_created ON attempts (created_at);
CREATE INDEX attempts_state ON attempts (state);
CREATE INDEX attempts_customer ON attempts (customer_id, created_at);
CREATE INDEX attempts_payment ON attempts (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX attempts_refund_payment ON attempts (refund_payment_id) WHERE refund_payment_id IS NOT NULL;
CREATE TABLE transitions (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attempt_id text NOT NULL REFERENCES attempts (id),
    at timestamptz NOT NULL,
    from_state text,
    to_state text NOT NULL,
    cause text NOT NULL,
    clerk text NOT NULL
);
CREATE INDEX transitions_attempt ON transitions (attempt_id, seq);
CREATE INDEX transitions_entered ON transitions (to_state, at);
CREATE TABLE legal_transitions (
    from_state text NOT NULL,
    to_state text NOT NULL,
    PRIMARY KEY (from_state, to_state)
);
INSERT INTO legal_transitions (from_state, to_state) VALUES {_V1_LEGAL};
CREATE FUNCTION attempts_legal_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM legal_transitions WHERE from_state = OLD.state AND to_state = NEW.state) THEN
        RAISE EXCEPTION 'illegal state transition % -> % of %', OLD.state, NEW.state, OLD.id
            USING ERRCODE = '{ILLEGAL_TRANSITION}';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER attempts_legal_state BEFORE UPDATE OF state ON attempts
    FOR EACH ROW EXECUTE FUNCTION attempts_legal_state();
CREATE TABLE reversals (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attempt_id text NOT NULL REFERENCES attempts (id),
    kind text NOT NULL CHECK (kind IN ('void', 'refund')),
    manager_id text NOT NULL,
    reason text NOT NULL,
    requested_at timestamptz NOT NULL,
    finished_at timestamptz,
    outcome text,
    payment_id bigint
);
CREATE INDEX reversals_open ON reversals (attempt_id) WHERE finished_at IS NULL;
CREATE INDEX reversals_finished ON reversals (finished_at);
"""),
    Migration(2, "accounts on file and their events", """
CREATE TABLE onfile (
    account_id bigint PRIMARY KEY,
    customer_id bigint NOT NULL,
    kind text NOT NULL CHECK (kind IN ('cc', 'ach')),
    last4 text NOT NULL CHECK (length(last4) = 4),
    brand text NOT NULL,
    consent integer NOT NULL CHECK (consent IN (0, 1)),
    clerk text NOT NULL,
    state text NOT NULL CHECK (state IN ('pending', 'kept', 'removed')),
    reason text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    held_until timestamptz,
    remove_after timestamptz,
    tries integer NOT NULL DEFAULT 0,
    next_try_at timestamptz,
    last_error text,
    finished_at timestamptz
);
CREATE INDEX onfile_pending ON onfile (state, customer_id);
CREATE TABLE onfile_events (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL,
    at timestamptz NOT NULL,
    event text NOT NULL,
    detail text NOT NULL,
    clerk text NOT NULL
);
CREATE INDEX onfile_events_account ON onfile_events (account_id, seq);
"""),
)

def _lock_key(namespace: int, text: str) -> tuple[int, int]:
    """(namespace, 31-bit key) for pg_advisory_lock(int4, int4); the same text gives the same key everywhere."""
    digest = hashlib.blake2b(text.encode(), digest_size=4).digest()
    return namespace, int.from_bytes(digest, "big") & 0x7FFFFFFF


def _aware(value: datetime) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("naive datetime: journal times must be timezone-aware")
    return value.astimezone(UTC)


def _as_stored(value: datetime | None) -> datetime | None:
    return value  # timestamptz comes back aware (sessions run in UTC)


def _to_attempt(row: dict) -> Attempt:
    return journal_rows.to_attempt(row, _as_stored)


def _where() -> journal_rows.Where:
    return journal_rows.Where("%s", _aware)


class PgJournal:
    """The PostgreSQL ``JournalStore``. Thread-safe: calls from any thread share a small connection pool."""

    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 4, connect_timeout: float = 5.0,
                 pool_timeout: float = 10.0, statement_timeout: float = 10.0,
                 application_name: str = "pos-app journal") -> None:
        self._psycopg, _ = pg_support.driver()
        self.name = pg_support.database_name(dsn)
        self._conninfo = pg_support.conninfo(dsn, application_name=application_name,
                                             connect_timeout=connect_timeout, statement_timeout=statement_timeout)
        self._pool_timeout = pool_timeout
        self._pool = None
        self._locks = _LockSession(self)
        self._onfile = SqlOnFile(_PgOnFileDb(self))
        try:
            with self._errors():
                self._psycopg.connect(self._conninfo).close()  # fails fast (connect_timeout) with the real cause
                self._pool = pg_support.open_pool(self._conninfo, name=f"journal {self.name}", min_size=min_size,
                                                  max_size=max_size, pool_timeout=pool_timeout, dict_rows=True)
                with self._pool.connection() as con:
                    pg_migrations.migrate(con, COMPONENT, MIGRATIONS, What.JOURNAL.value)
            problems = self.integrity_problems()
            if problems:
                log.error("journal %s failed its check: %s", self.name, " | ".join(problems))
                raise StorageError(Fault.SERVER, self.name, What.JOURNAL, CHECK_FAILED)
        except BaseException:
            self.close()
            raise

    # ---- plumbing -----------------------------------------------------------------------------------

    def _errors(self):
        """Inside the block, database faults are ``StorageError`` on this journal (``pg_support``)."""
        return pg_support.storage_errors(self.name, What.JOURNAL, log)

    @contextmanager
    def _connection(self):
        with self._errors(), self._pool.connection(timeout=self._pool_timeout) as con:
            yield con

    def _query(self, sql: str, params: Iterable = ()) -> list[dict]:
        with self._connection() as con:
            return con.execute(sql, tuple(params)).fetchall()

    # ---- life cycle, ownership --------------------------------------------------------------------------

    def close(self) -> None:
        self._locks.close()
        if self._pool is not None:
            self._pool.close()

    def __enter__(self) -> PgJournal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def onfile_store(self) -> SqlOnFile:
        """The account-on-file records in this database (migration 2)."""
        return self._onfile

    def lane_lock(self, lane: str) -> _AdvisoryLock:
        return _AdvisoryLock(self._locks, _lock_key(pg_migrations.LOCK_NAMESPACE_LANE, lane))

    def reversal_lock(self, attempt_id: str) -> _AdvisoryLock:
        return _AdvisoryLock(self._locks, _lock_key(pg_migrations.LOCK_NAMESPACE_REVERSAL, attempt_id))

    def integrity_problems(self, limit: int = 10) -> list[str]:
        """What is missing or changed in the journal's schema (the guarantees live there): [] when sound."""
        problems: list[str] = []
        with self._connection() as con:
            have = {(r["from_state"], r["to_state"]) for r in con.execute(
                "SELECT from_state, to_state FROM legal_transitions")}
            want = {(a.value, b.value) for a, b in LEGAL}
            if have != want:
                problems.append(f"legal_transitions differs: extra {sorted(have - want)}, "
                                f"missing {sorted(want - have)}")
            trigger = con.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'attempts_legal_state'"
                                  " AND tgrelid = 'attempts'::regclass").fetchone()
            if trigger is None or trigger["tgenabled"] == "D":
                problems.append("the trigger attempts_legal_state is missing or disabled")
            index = con.execute("SELECT indisunique, indisvalid, pg_get_expr(indpred, indrelid) AS pred"
                                " FROM pg_index WHERE indexrelid = to_regclass('one_open_charge_per_lane')"
                                ).fetchone()
            if index is None or not index["indisunique"] or not index["indisvalid"] or not all(
                    f"'{s.value}'" in (index["pred"] or "") for s in OPEN_STATES):
                problems.append("the unique index one_open_charge_per_lane is missing, invalid or outdated")
        return problems[:limit]

    # ---- writes -------------------------------------------------------------------------------------

    def create_attempt(self, lane: str, clerk: str, customer: CustomerRef, account: AccountRef,
                       amount, now: datetime, cause: str = "charge requested",
                       ach_authorization: str | None = None, attempt_id: str | None = None) -> Attempt:
        """Write a new attempt in ``created`` (committed on return). Raises ``LaneBusy`` if the lane has an
        open attempt, ``DuplicateAttempt`` if the caller-chosen ``attempt_id`` exists already. An ACH account needs ``ach_authorization`` (see ``journal.Journal.create_attempt``)."""
        values, cause = journal_rows.new_attempt_row(lane, clerk, customer, account, amount, now, cause,
                                                     ach_authorization, attempt_id, _aware)
        attempt_id = values[0]
        insert = journal_rows.INSERT_COLUMNS
        sql = (f"WITH a AS (INSERT INTO attempts ({', '.join(insert)}) VALUES ({', '.join(['%s'] * len(insert))})"
               f" RETURNING {journal_rows.ATTEMPT_COLUMNS}),"
               f" t AS (INSERT INTO transitions ({journal_rows.TRANSITION_COLUMNS})"
               " SELECT id, created_at, NULL, state, %s, clerk FROM a)"
               " SELECT * FROM a")
        try:
            rows = self._query(sql, (*values, cause))
        except self._psycopg.Error as exc:
            state, constraint = exc.sqlstate, exc.diag.constraint_name
            if state == UNIQUE_VIOLATION and constraint == "one_open_charge_per_lane":
                raise LaneBusy(lane, self.open_attempt(lane)) from None
            if state == UNIQUE_VIOLATION and constraint == "attempts_pkey":
                raise DuplicateAttempt(attempt_id, self.get(attempt_id)) from None
            if state == CHECK_VIOLATION:
                raise InvalidCharge(f"The payment journal refused the attempt ({constraint}).") from None
            raise
        return _to_attempt(rows[0])

    def transition(self, attempt_id: str, expected: State, to: State, cause: str, clerk: str,
                   now: datetime, **updates) -> Attempt:
        """Move ``attempt_id`` from ``expected`` to ``to`` (compare-and-set), storing ``updates`` with it."""
        expected, to = State(expected), State(to)
        check_updates(updates)
        stamp = _aware(now)
        if (expected, to) not in LEGAL:
            raise IllegalTransition(attempt_id, self.get(attempt_id).state, to, expected)
        cols = {"state": to.value, "updated_at": stamp, **journal_rows.encode_updates(updates, _aware)}
        assignments = ", ".join(f"{k} = %s" for k in cols)
        sql = (f"WITH u AS (UPDATE attempts SET {assignments} WHERE id = %s AND state = %s"
               f" RETURNING {journal_rows.ATTEMPT_COLUMNS}),"
               f" t AS (INSERT INTO transitions ({journal_rows.TRANSITION_COLUMNS})"
               " SELECT id, %s, %s, state, %s, %s FROM u)"
               " SELECT * FROM u")
        try:
            rows = self._query(sql, (*cols.values(), attempt_id, expected.value, stamp, expected.value, cause,
                                     str(clerk)))
        except self._psycopg.Error as exc:
            if exc.sqlstate == ILLEGAL_TRANSITION:
                raise IllegalTransition(attempt_id, self.get(attempt_id).state, to, expected) from None
            raise
        if not rows:  # nothing matched: no such attempt, or someone else moved it first
            raise IllegalTransition(attempt_id, self.get(attempt_id).state, to, expected)
        return _to_attempt(rows[0])

    def update_details(self, attempt_id: str, now: datetime, **updates) -> Attempt:
        """Refresh PaySimple details (status, CanVoidUntil...) without a state change."""
        check_updates(updates, "a details update")
        cols = journal_rows.encode_updates(updates, _aware)
        cols["updated_at"] = _aware(now)
        rows = self._query(f"UPDATE attempts SET {', '.join(f'{k} = %s' for k in cols)} WHERE id = %s"
                           f" RETURNING {journal_rows.ATTEMPT_COLUMNS}", (*cols.values(), attempt_id))
        if not rows:
            raise KeyError(f"no payment attempt {attempt_id}")
        return _to_attempt(rows[0])

    def add_reversal(self, attempt_id: str, kind: str, manager_id: str, reason: str, now: datetime) -> int:
        rows = self._query("INSERT INTO reversals (attempt_id, kind, manager_id, reason, requested_at)"
                           " VALUES (%s, %s, %s, %s, %s) RETURNING seq",
                           (attempt_id, kind, manager_id, reason, _aware(now)))
        return int(rows[0]["seq"])

    def finish_reversal(self, attempt_id: str, outcome: str, now: datetime, payment_id: int | None = None) -> None:
        """Close the attempt's open reversal request with its outcome ('voided', 'refunded', 'refused...')."""
        self._query("UPDATE reversals SET finished_at = %s, outcome = %s, payment_id = %s WHERE seq ="
                    " (SELECT max(seq) FROM reversals WHERE attempt_id = %s AND finished_at IS NULL)"
                    " RETURNING seq", (_aware(now), outcome, payment_id, attempt_id))

    # ---- reads --------------------------------------------------------------------------------------

    def get(self, attempt_id: str) -> Attempt:
        rows = self._query(f"SELECT {journal_rows.ATTEMPT_COLUMNS} FROM attempts WHERE id = %s", (attempt_id,))
        if not rows:
            raise KeyError(f"no payment attempt {attempt_id}")
        return _to_attempt(rows[0])

    def open_attempt(self, lane: str) -> Attempt | None:
        rows = self._query(f"SELECT {journal_rows.ATTEMPT_COLUMNS} FROM attempts WHERE lane = %s AND state IN ({_OPEN_SQL})",
                           (lane,))
        return _to_attempt(rows[0]) if rows else None

    def unresolved(self, lane: str | None = None) -> list[Attempt]:
        where = _where().add("state = ANY(%s)", [s.value for s in UNRESOLVED_STATES]).equal("lane", lane)
        return [_to_attempt(r) for r in self._query(
            f"SELECT {journal_rows.ATTEMPT_COLUMNS} FROM attempts{where.clause()} ORDER BY created_at", where.params)]

    def history(self, lane: str | None = None, clerk: str | None = None, since: datetime | None = None,
                until: datetime | None = None, customer_id: int | None = None, states: Iterable[State] | None = None,
                limit: int | None = 200) -> list[Attempt]:
        """Attempts newest first, filtered by lane / clerk / created time window [since, until) / states."""
        where = _where().equal("lane", lane).equal("clerk", None if clerk is None else str(clerk))
        where.equal("customer_id", customer_id).window("created_at", since, until)
        if states is not None:
            where.add("state = ANY(%s)", [State(s).value for s in states])
        sql = (f"SELECT {journal_rows.ATTEMPT_COLUMNS} FROM attempts{where.clause()}"
               " ORDER BY created_at DESC, id DESC")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_to_attempt(r) for r in self._query(sql, where.params)]

    def transitions(self, attempt_id: str) -> list[Transition]:
        rows = self._query("SELECT * FROM transitions WHERE attempt_id = %s ORDER BY seq", (attempt_id,))
        return [journal_rows.to_transition(r, _as_stored) for r in rows]

    def reversals(self, since: datetime | None = None, until: datetime | None = None) -> list[Reversal]:
        """Finished reversal requests (void/refund) in [since, until) of their finish time."""
        where = _where().add("finished_at IS NOT NULL").window("finished_at", since, until)
        rows = self._query(f"SELECT * FROM reversals{where.clause()} ORDER BY seq", where.params)
        return [journal_rows.to_reversal(r, _as_stored) for r in rows]

    def entered(self, state: State, since: datetime | None = None,
                until: datetime | None = None) -> list[Transition]:
        """Transitions INTO ``state`` whose time is in [since, until), oldest first (e.g. reviews of a day)."""
        where = _where().equal("to_state", State(state).value).window("at", since, until)
        rows = self._query(f"SELECT * FROM transitions{where.clause()} ORDER BY seq", where.params)
        return [journal_rows.to_transition(r, _as_stored) for r in rows]

    def by_payment_id(self, payment_id: int) -> Attempt | None:
        rows = self._query(f"SELECT {journal_rows.ATTEMPT_COLUMNS} FROM attempts WHERE payment_id = %s"
                           f" OR refund_payment_id = %s LIMIT 1", (payment_id, payment_id))
        return _to_attempt(rows[0]) if rows else None


class _PgOnFileDb:
    """``onfile_sql.OnFileDb`` on a PgJournal: a pooled connection per transaction, ``timestamptz`` times."""

    def __init__(self, journal: PgJournal) -> None:
        self._journal = journal

    def transaction(self, work):
        with self._journal._connection() as con, con.transaction():  # noqa: SLF001
            def execute(sql: str, params=()) -> list[dict]:
                cur = con.execute(sql.replace("?", "%s"), tuple(params))
                return cur.fetchall() if cur.description else []
            return work(execute)

    def query(self, sql: str, params=()) -> list[dict]:
        return self._journal._query(sql.replace("?", "%s"), params)  # noqa: SLF001

    def encode_time(self, value: datetime | None) -> datetime | None:
        return None if value is None else _aware(value)

    def decode_time(self, value: datetime | None) -> datetime | None:
        return value


class _LockSession:
    """The dedicated connection that holds this journal's advisory locks, and which of them this process holds.

    ``generation`` counts connections: a lock taken on an earlier connection is gone with it (the server
    released it), so its holder's ``still_held()`` is False and its ``release`` must not touch the new one."""

    def __init__(self, journal: PgJournal) -> None:
        self._journal = journal
        self._mutex = threading.Lock()
        self._con = None
        self._generation = 0
        self._held: dict[tuple[int, int], int] = {}  # key -> generation it was taken on

    def _connection(self):
        con = self._con
        if con is None or con.closed or con.broken:
            if con is not None:
                con.close()
            self._con = None
            psycopg = self._journal._psycopg  # noqa: SLF001
            self._con = psycopg.connect(self._journal._conninfo, autocommit=True,  # noqa: SLF001
                                        application_name=LOCKS_APPLICATION_NAME)
            self._generation += 1
            self._held = {k: g for k, g in self._held.items() if g == self._generation}
        return self._con

    def try_lock(self, key: tuple[int, int]) -> int | None:
        """The generation the lock was taken on, or None when it is held (here or elsewhere)."""
        psycopg = self._journal._psycopg  # noqa: SLF001
        with self._mutex, self._journal._errors():  # noqa: SLF001
            for fresh in (False, True):
                con = self._connection()
                if key in self._held:
                    return None
                try:
                    taken = con.execute("SELECT pg_try_advisory_lock(%s, %s)", key).fetchone()[0]
                    break
                except psycopg.OperationalError:
                    if fresh or not (con.closed or con.broken):
                        raise
                    # the connection had died since its last use (its locks with it): once more on a new one
            if not taken:
                return None
            self._held[key] = self._generation
            return self._generation

    def unlock(self, key: tuple[int, int], generation: int) -> None:
        with self._mutex:
            if self._held.get(key) != generation:
                return  # taken on a connection that is gone: the server released it already
            del self._held[key]
            con = self._con
            if con is None or con.closed or con.broken or generation != self._generation:
                return
            try:
                con.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except self._journal._psycopg.Error:  # noqa: SLF001 - lost: the server dropped the lock with it
                log.warning("journal %s: lock connection lost while releasing a lock", self._journal.name)

    def holds(self, key: tuple[int, int], generation: int) -> bool:
        with self._mutex:
            con = self._con
            if self._held.get(key) != generation or generation != self._generation or con is None or con.closed:
                return False
            try:
                row = con.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                                  " AND pid = pg_backend_pid() AND classid = %s::bigint::oid"
                                  " AND objid = %s::bigint::oid AND objsubid = 2", key).fetchone()
            except self._journal._psycopg.Error:  # noqa: SLF001
                log.warning("journal %s: lock connection lost; this lane no longer owns its locks",
                            self._journal.name)
                return False
            return bool(row and row[0])

    def close(self) -> None:
        with self._mutex:
            if self._con is not None:
                self._con.close()
            self._con = None
            self._held.clear()


class _AdvisoryLock:
    """``store.OwnerLock`` on PostgreSQL: one session advisory lock on the journal's lock connection."""

    def __init__(self, session: _LockSession, key: tuple[int, int]) -> None:
        self._session, self.key = session, key
        self._generation: int | None = None

    def try_acquire(self) -> bool:
        if self._generation is not None:
            raise RuntimeError("lock already held by this object")
        self._generation = self._session.try_lock(self.key)
        return self._generation is not None

    def release(self) -> None:
        generation, self._generation = self._generation, None
        if generation is not None:
            self._session.unlock(self.key, generation)

    def still_held(self) -> bool:
        return self._generation is not None and self._session.holds(self.key, self._generation)

    def __enter__(self) -> _AdvisoryLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()
