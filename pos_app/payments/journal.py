"""The payment journal: every charge attempt and every state change, on disk before anything is sent.

SQLite in WAL mode with ``synchronous=FULL``: each commit (attempt written, state changed) is fsync'd before
the call returns, so a ``kill -9`` or a power cut right after "sending" is marked still finds it on restart.

Guarantees enforced by the database itself (so a second thread, window or process is held to them too):
- one open charge per lane: a UNIQUE partial index on ``attempts(lane) WHERE state IN (open states)``;
- only legal transitions: a trigger checks every state change against the ``legal_transitions`` table;
- compare-and-set: ``transition(id, expected, to)`` runs in ``BEGIN IMMEDIATE`` and raises
  ``IllegalTransition`` if the attempt is no longer in ``expected`` (someone else moved it).
Storage faults (read-only folder, full disk, damaged file, disk error) are raised as
``pos_app.storage_errors.StorageError`` naming the file and the next step; a failed write transaction is rolled
back whole. Opening runs ``PRAGMA quick_check`` before anything is written: a damaged journal raises
``JournalCorrupt`` and is never repaired, rewritten or replaced here (``payments.backups`` restores a backup,
manager-approved). Opening also proves the file can be written (a write rolled back at once,
``_check_writable``): a journal that cannot record an attempt is a ``StorageError`` at start, before any
charge, not at the first charge. Times are stored as fixed-width UTC text (``YYYY-MM-DDTHH:MM:SS.ffffffZ``) so they sort and compare as text.
Money is integer cents.

Schema: numbered migrations (``MIGRATIONS``, run by ``pos_app.migrations`` when a Journal opens, each in one
transaction). The open states of the lane index and the ``legal_transitions`` rows are part of the schema:
a change of ``OPEN_STATES`` or ``LEGAL`` needs a new migration (a test compares them). A journal written by a
newer app raises ``pos_app.migrations.SchemaTooNew`` and is not changed.

One connection per Journal, guarded by a lock, so the UI's worker threads may share one Journal.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pos_app import migrations
from pos_app.migrations import Migration
from pos_app.payments import journal_rows, locks
from pos_app.payments.locks import JournalUse
from pos_app.payments.model import (
    LEGAL,
    OPEN_STATES,
    UNRESOLVED_STATES,
    AccountRef,
    Attempt,
    CustomerRef,
    DuplicateAttempt,
    IllegalTransition,
    LaneBusy,
    State,
    Transition,
)
from pos_app.payments.onfile_sql import SQLITE_SCHEMA as ONFILE_SCHEMA
from pos_app.payments.onfile_sql import SqlOnFile
from pos_app.payments.store import OnFileStore, OwnerLock, Reversal, check_updates
from pos_app.private_files import private_dir
from pos_app.sqlite_support import sqlite_open
from pos_app.sqlite_tx import immediate_transaction
from pos_app.storage_errors import Fault, JournalCorrupt, StorageError, What, as_storage_error, storage_errors

_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def ts(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime: journal times must be timezone-aware")
    return value.astimezone(UTC).strftime(_TS_FORMAT)


def parse_ts(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.strptime(text, _TS_FORMAT).replace(tzinfo=UTC)


_OPEN_SQL = ",".join(f"'{s.value}'" for s in sorted(OPEN_STATES))

# v3 (the first numbered migration) brings every journal made before numbered migrations (user_version 0, 1
# or 2, with or without the columns added later) and a new, empty file to one shape. Its statements are
# idempotent; its lists of open states and legal transitions are literal, as migrations are history.
_V3_OPEN_SQL = "'created','needs_review','reconciling','sending','unknown'"
_V3_LEGAL = (
    ("approved", "refund_pending"), ("approved", "void_pending"), ("created", "reconciling"), ("created", "sending"),
    ("needs_review", "absent"), ("needs_review", "approved"), ("needs_review", "declined"),
    ("needs_review", "reconciling"), ("reconciling", "absent"), ("reconciling", "approved"),
    ("reconciling", "declined"), ("reconciling", "needs_review"), ("reconciling", "unknown"),
    ("refund_pending", "approved"), ("refund_pending", "refunded"), ("sending", "absent"), ("sending", "approved"),
    ("sending", "declined"), ("sending", "needs_review"), ("sending", "rejected"), ("sending", "unknown"),
    ("unknown", "reconciling"), ("void_pending", "approved"), ("void_pending", "voided"),
)
_V3_TABLES = """
CREATE TABLE IF NOT EXISTS attempts (
    id TEXT PRIMARY KEY CHECK (length(id) <= 50),
    lane TEXT NOT NULL,
    clerk TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    customer_name TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    account_kind TEXT NOT NULL CHECK (account_kind IN ('cc', 'ach')),
    account_last4 TEXT NOT NULL CHECK (length(account_last4) = 4),
    account_brand TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    payment_id INTEGER,
    ps_status TEXT,
    auth_code TEXT,
    trace_number TEXT,
    failure_code TEXT,
    failure_description TEXT,
    failure_action TEXT,
    can_void_until TEXT,
    refund_payment_id INTEGER,
    absent_after TEXT,
    note TEXT,
    ach_authorization TEXT,
    ach_authorized_by TEXT
);
CREATE INDEX IF NOT EXISTS attempts_created ON attempts(created_at);
CREATE INDEX IF NOT EXISTS attempts_state ON attempts(state);
CREATE TABLE IF NOT EXISTS transitions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id TEXT NOT NULL REFERENCES attempts(id),
    at TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    cause TEXT NOT NULL,
    clerk TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transitions_attempt ON transitions(attempt_id, seq);
CREATE INDEX IF NOT EXISTS transitions_at ON transitions(at);
CREATE TABLE IF NOT EXISTS legal_transitions (
    from_state TEXT NOT NULL, to_state TEXT NOT NULL, PRIMARY KEY (from_state, to_state)
);
CREATE TABLE IF NOT EXISTS reversals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id TEXT NOT NULL REFERENCES attempts(id),
    kind TEXT NOT NULL CHECK (kind IN ('void', 'refund')),
    manager_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT,
    payment_id INTEGER
);
CREATE INDEX IF NOT EXISTS reversals_finished ON reversals(finished_at);
"""
_V3_ADDED_COLUMNS = ("absent_after", "ach_authorization", "ach_authorized_by")  # not in the oldest journals
_V3_TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS attempts_legal_state BEFORE UPDATE OF state ON attempts
WHEN NOT EXISTS (SELECT 1 FROM legal_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
BEGIN SELECT RAISE(ABORT, 'illegal state transition'); END;
CREATE TRIGGER IF NOT EXISTS ach_needs_authorization BEFORE INSERT ON attempts
WHEN NEW.account_kind = 'ach' AND (NEW.ach_authorization IS NULL OR NEW.ach_authorized_by IS NULL)
BEGIN SELECT RAISE(ABORT, 'a bank debit needs the customer''s authorization'); END;
"""


def _v3_one_shape(con: sqlite3.Connection) -> None:
    for statement in migrations.statements(_V3_TABLES):
        con.execute(statement)
    columns = {r[1] for r in con.execute("PRAGMA table_info(attempts)")}
    for column in _V3_ADDED_COLUMNS:
        if column not in columns:
            con.execute(f"ALTER TABLE attempts ADD COLUMN {column} TEXT")
    for statement in migrations.statements(_V3_TRIGGERS):
        con.execute(statement)
    # The lane index of the oldest journals lacks needs_review: rebuilt (it cannot fail: the old index allowed
    # at most one attempt per lane in a subset of these states, and needs_review did not exist).
    con.execute("DROP INDEX IF EXISTS one_open_charge_per_lane")
    con.execute(f"CREATE UNIQUE INDEX one_open_charge_per_lane ON attempts(lane) WHERE state IN ({_V3_OPEN_SQL})")
    con.executemany("INSERT OR IGNORE INTO legal_transitions VALUES (?, ?)", _V3_LEGAL)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(3, "one shape for every journal made before numbered migrations", _v3_one_shape),
)
SCHEMA_VERSION = MIGRATIONS[-1].version

def _quick_check(con: sqlite3.Connection, path: Path, limit: int = 10) -> list[str]:
    try:
        rows = con.execute(f"PRAGMA quick_check({int(limit)})").fetchall()
    except sqlite3.DatabaseError as exc:
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        if code == 26:  # SQLITE_NOTADB
            return ["not a SQLite database (the file's first bytes are wrong)"]
        if code == 11:  # SQLITE_CORRUPT
            return ["damaged pages: the check could not read the file to the end"]
        error = as_storage_error(exc, path, What.JOURNAL)
        if error is None:
            raise
        raise error from exc
    lines = [str(r[0]) for r in rows]
    return [] if lines == ["ok"] else lines


def _check_writable(con: sqlite3.Connection) -> None:
    """Raise SQLite's own error when the file cannot be written: one header write (the schema version, set to
    what it is) in a transaction that is rolled back, so nothing changes. ``BEGIN IMMEDIATE`` alone is not
    enough: in WAL mode it locks in the ``-shm`` file and succeeds on a read-only database file."""
    version = con.execute("PRAGMA user_version").fetchone()[0]
    con.execute("BEGIN IMMEDIATE")
    try:
        con.execute(f"PRAGMA user_version = {int(version)}")
    finally:
        if con.in_transaction:
            con.execute("ROLLBACK")


def _attempt(row: sqlite3.Row) -> Attempt:
    return journal_rows.to_attempt(row, parse_ts)


def _where() -> journal_rows.Where:
    return journal_rows.Where("?", ts)


class Journal:
    """The SQLite ``store.JournalStore``: one file; its owner locks are ``locks.py`` files beside it."""

    def __init__(self, path: str | Path, busy_timeout: float = 15.0) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        self._lock = threading.RLock()
        self._onfile: SqlOnFile | None = None
        self._use = JournalUse(self.path)  # shared while open: a restore never swaps the file under us
        with storage_errors(self.path, What.JOURNAL):
            private_dir(self.path.parent)
            if not self._use.try_shared():
                raise StorageError(Fault.BUSY, self.path, What.JOURNAL, "A journal restore is running.")
        try:
            # A damaged file or one from a newer app is refused before anything (WAL included) writes to it.
            self._db = sqlite_open(self.path, What.JOURNAL, synchronous="FULL", foreign_keys=True,
                               busy_timeout_s=busy_timeout, row_factory=sqlite3.Row, before_wal=self._check_before_use)
            try:
                with storage_errors(self.path, What.JOURNAL), self._lock:
                    migrations.migrate(self._db, MIGRATIONS, "payment journal")
                    _check_writable(self._db)
            except BaseException:
                self._db.close()
                raise
        except BaseException:
            self._use.release()
            raise

    def _check_before_use(self, con: sqlite3.Connection) -> None:
        problems = _quick_check(con, self.path)
        if problems:
            raise JournalCorrupt(self.path, problems)
        migrations.refuse_newer(con, MIGRATIONS, "payment journal")

    def integrity_problems(self, limit: int = 10) -> list[str]:
        """``PRAGMA quick_check``: [] when the file is sound, else its first ``limit`` problems (a file that
        is not a database at all: one line saying so). Reads only."""
        with self._lock:
            return _quick_check(self._db, self.path, limit)

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._use.release()

    def lane_lock(self, lane: str) -> OwnerLock:
        return locks.lane_lock(self.path, lane)

    def onfile_store(self) -> OnFileStore:
        """The account-on-file records in this file (tables made on first use)."""
        with self._lock:
            if self._onfile is None:
                with self._tx() as db:
                    for statement in ONFILE_SCHEMA:
                        db.execute(statement)
                self._onfile = SqlOnFile(_SqliteOnFileDb(self))
            return self._onfile

    def reversal_lock(self, attempt_id: str) -> OwnerLock:
        return locks.reversal_lock(self.path, attempt_id)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the database write lock up front (no lock upgrades, no deadlock).
        Storage faults come out as ``StorageError`` (the transaction rolled back)."""
        with storage_errors(self.path, What.JOURNAL), immediate_transaction(self._db, self._lock) as db:
            yield db

    # ---- writes -------------------------------------------------------------------------------------

    def create_attempt(self, lane: str, clerk: str, customer: CustomerRef, account: AccountRef,
                       amount, now: datetime, cause: str = "charge requested",
                       ach_authorization: str | None = None, attempt_id: str | None = None) -> Attempt:
        """Write a new attempt in ``created``. Raises ``LaneBusy`` if the lane has an open attempt, and
        ``DuplicateAttempt`` if ``attempt_id`` (caller-chosen, ``model.check_attempt_id``; None: a new id) exists.

        A bank (ACH) account needs ``ach_authorization``: the text the clerk read to the customer, confirmed
        by ``clerk`` (stored with the attempt; a trigger refuses an ACH attempt without it)."""
        values, cause = journal_rows.new_attempt_row(lane, clerk, customer, account, amount, now, cause,
                                                     ach_authorization, attempt_id, ts)
        attempt_id, stamp = values[0], ts(now)
        try:
            with self._tx() as db:
                db.execute(f"INSERT INTO attempts ({', '.join(journal_rows.INSERT_COLUMNS)})"
                           f" VALUES ({','.join('?' * len(journal_rows.INSERT_COLUMNS))})", values)
                db.execute(f"INSERT INTO transitions ({journal_rows.TRANSITION_COLUMNS}) VALUES (?,?,?,?,?,?)",
                           (attempt_id, stamp, None, State.CREATED.value, cause, str(clerk)))
        except sqlite3.IntegrityError as exc:
            # The only UNIQUE index on attempts is one_open_charge_per_lane (the id is the PRIMARY KEY:
            # SQLITE_CONSTRAINT_PRIMARYKEY; the ACH trigger: SQLITE_CONSTRAINT_TRIGGER).
            if getattr(exc, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE":
                raise LaneBusy(lane, self.open_attempt(lane)) from None
            if getattr(exc, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_PRIMARYKEY":
                raise DuplicateAttempt(attempt_id, self.get(attempt_id)) from None
            raise
        return self.get(attempt_id)

    def transition(self, attempt_id: str, expected: State, to: State, cause: str, clerk: str,
                   now: datetime, **updates) -> Attempt:
        """Move ``attempt_id`` from ``expected`` to ``to`` (compare-and-set), storing ``updates`` with it."""
        expected, to = State(expected), State(to)
        check_updates(updates)
        with self._tx() as db:
            row = db.execute("SELECT state FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None:
                raise KeyError(f"no payment attempt {attempt_id}")
            current = State(row["state"])
            if current != expected or (expected, to) not in LEGAL:
                raise IllegalTransition(attempt_id, current, to, expected)
            stamp = ts(now)
            cols = {"state": to.value, "updated_at": stamp, **journal_rows.encode_updates(updates, ts)}
            assignments = ", ".join(f"{k} = ?" for k in cols)
            db.execute(f"UPDATE attempts SET {assignments} WHERE id = ?", (*cols.values(), attempt_id))
            db.execute(f"INSERT INTO transitions ({journal_rows.TRANSITION_COLUMNS}) VALUES (?,?,?,?,?,?)",
                       (attempt_id, stamp, expected.value, to.value, cause, str(clerk)))
        return self.get(attempt_id)

    def update_details(self, attempt_id: str, now: datetime, **updates) -> Attempt:
        """Refresh PaySimple details (status, CanVoidUntil...) without a state change."""
        check_updates(updates, "a details update")
        cols = journal_rows.encode_updates(updates, ts)
        cols["updated_at"] = ts(now)
        with self._tx() as db:
            db.execute(f"UPDATE attempts SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?",
                       (*cols.values(), attempt_id))
        return self.get(attempt_id)

    def add_reversal(self, attempt_id: str, kind: str, manager_id: str, reason: str, now: datetime) -> int:
        with self._tx() as db:
            cur = db.execute("INSERT INTO reversals (attempt_id, kind, manager_id, reason, requested_at)"
                             " VALUES (?,?,?,?,?)", (attempt_id, kind, manager_id, reason, ts(now)))
            return int(cur.lastrowid)

    def finish_reversal(self, attempt_id: str, outcome: str, now: datetime, payment_id: int | None = None) -> None:
        """Close the attempt's open reversal request with its outcome ('voided', 'refunded', 'refused...')."""
        with self._tx() as db:
            db.execute("UPDATE reversals SET finished_at = ?, outcome = ?, payment_id = ? WHERE seq ="
                       " (SELECT max(seq) FROM reversals WHERE attempt_id = ? AND finished_at IS NULL)",
                       (ts(now), outcome, payment_id, attempt_id))

    # ---- reads --------------------------------------------------------------------------------------

    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with storage_errors(self.path, What.JOURNAL), self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def get(self, attempt_id: str) -> Attempt:
        rows = self._query("SELECT * FROM attempts WHERE id = ?", (attempt_id,))
        if not rows:
            raise KeyError(f"no payment attempt {attempt_id}")
        return _attempt(rows[0])

    def open_attempt(self, lane: str) -> Attempt | None:
        rows = self._query(f"SELECT * FROM attempts WHERE lane = ? AND state IN ({_OPEN_SQL})", (lane,))
        return _attempt(rows[0]) if rows else None

    def unresolved(self, lane: str | None = None) -> list[Attempt]:
        states = [s.value for s in UNRESOLVED_STATES]
        where = _where().add(f"state IN ({','.join('?' * len(states))})", *states).equal("lane", lane)
        return [_attempt(r) for r in self._query(f"SELECT * FROM attempts{where.clause()} ORDER BY created_at",
                                                 where.params)]

    def history(self, lane: str | None = None, clerk: str | None = None, since: datetime | None = None,
                until: datetime | None = None, customer_id: int | None = None, states: Iterable[State] | None = None,
                limit: int | None = 200) -> list[Attempt]:
        """Attempts newest first, filtered by lane / clerk / created time window [since, until) / states."""
        where = _where().equal("lane", lane).equal("clerk", None if clerk is None else str(clerk))
        where.equal("customer_id", customer_id).window("created_at", since, until)
        if states is not None:
            wanted = [State(s).value for s in states]
            where.add(f"state IN ({','.join('?' * len(wanted))})", *wanted)
        sql = f"SELECT * FROM attempts{where.clause()} ORDER BY created_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_attempt(r) for r in self._query(sql, where.params)]

    def transitions(self, attempt_id: str) -> list[Transition]:
        found = self._query("SELECT * FROM transitions WHERE attempt_id = ? ORDER BY seq", (attempt_id,))
        return [journal_rows.to_transition(r, parse_ts) for r in found]

    def reversals(self, since: datetime | None = None, until: datetime | None = None) -> list[Reversal]:
        """Finished reversal requests (void/refund) in [since, until) of their finish time."""
        where = _where().add("finished_at IS NOT NULL").window("finished_at", since, until)
        found = self._query(f"SELECT * FROM reversals{where.clause()} ORDER BY seq", where.params)
        return [journal_rows.to_reversal(r, parse_ts) for r in found]

    def entered(self, state: State, since: datetime | None = None,
                until: datetime | None = None) -> list[Transition]:
        """Transitions INTO ``state`` whose time is in [since, until), oldest first (e.g. reviews of a day)."""
        where = _where().equal("to_state", State(state).value).window("at", since, until)
        found = self._query(f"SELECT * FROM transitions{where.clause()} ORDER BY seq", where.params)
        return [journal_rows.to_transition(r, parse_ts) for r in found]

    def by_payment_id(self, payment_id: int) -> Attempt | None:
        rows = self._query("SELECT * FROM attempts WHERE payment_id = ? OR refund_payment_id = ?",
                           (payment_id, payment_id))
        return _attempt(rows[0]) if rows else None


class _SqliteOnFileDb:
    """``onfile_sql.OnFileDb`` on a Journal: its connection, lock, write transactions and time text."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def transaction(self, work):
        with self._journal._tx() as db:  # noqa: SLF001
            return work(lambda sql, params=(): db.execute(sql, tuple(params)).fetchall())

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        return self._journal._query(sql, params)  # noqa: SLF001

    def encode_time(self, value: datetime | None) -> str | None:
        return None if value is None else ts(value)

    def decode_time(self, value: str | None) -> datetime | None:
        return parse_ts(value)
