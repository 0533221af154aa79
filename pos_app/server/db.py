"""The store server's own tables (lanes, enrollment codes, sessions, approvals, idempotency keys, audit) on
SQLite or PostgreSQL behind one small interface, so ``records.py`` has one SQL text for both.

``ServerDb``: ``transaction(work)`` runs ``work(execute)`` in one transaction (committed on return, rolled back
whole and re-raised on any error); ``query(sql, params)`` reads; SQL uses ``?`` placeholders (rewritten for
PostgreSQL; no literal ``?`` in statements) and rows come back as dicts. Times go through ``t()`` (to the
column's type: fixed-width UTC text on SQLite, ``timestamptz`` on PostgreSQL) and come back timezone-aware.

Faults: SQLite faults by result code (``storage_errors``), PostgreSQL faults by SQLSTATE (no answer, class 08,
shutdown, timeouts → ``UNREACHABLE``; disk full, read-only standby → ``SERVER``; lock timeouts → ``BUSY``), all as
``StorageError`` naming the database (never a password). Deadlines on PostgreSQL: connect 5 s, pool wait 10 s,
statement and lock timeouts 10 s. Integrity errors (a unique key) pass through as ``Conflict``.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pos_app import migrations, pg_migrations
from pos_app.migrations import Migration
from pos_app.private_files import private_file
from pos_app.sqlite_tx import immediate_transaction
from pos_app.storage_errors import Fault, StorageError, What, storage_errors

log = logging.getLogger(__name__)

T = TypeVar("T")
Rows = list[dict[str, Any]]
Execute = Callable[[str, Sequence], Rows]
_TS = "%Y-%m-%dT%H:%M:%S.%fZ"
COMPONENT = "server"
WHAT = What.SERVER


class Conflict(Exception):
    """A unique key refused a row (the caller decides what that means: a lane enrolled twice, a key reused)."""


class ServerDb(Protocol):
    name: str
    kind: str  # "sqlite" | "postgresql"

    def transaction(self, work: Callable[[Execute], T]) -> T: ...

    def query(self, sql: str, params: Sequence = ()) -> Rows: ...

    def t(self, value: datetime | None) -> Any: ...

    def dt(self, value: Any) -> datetime | None: ...

    def close(self) -> None: ...


def _aware(value: datetime) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("the store server's times must be timezone-aware")
    return value.astimezone(UTC)


# ---- SQLite ------------------------------------------------------------------------------------------

_SQLITE_V1 = """
CREATE TABLE lanes (
    name TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    enrolled_by TEXT NOT NULL,
    code_id TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT,
    last_seen_at TEXT);
CREATE TABLE enrollment_codes (
    code_id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL,
    lane TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by TEXT,
    failures INTEGER NOT NULL DEFAULT 0);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    lane TEXT NOT NULL REFERENCES lanes (name),
    clerk_id INTEGER NOT NULL,
    clerk_name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    locked_at TEXT,
    ended_at TEXT,
    customer_id INTEGER,
    paysimple_id INTEGER,
    customer_name TEXT,
    selected_at TEXT);
CREATE INDEX sessions_lane ON sessions (lane, ended_at);
CREATE TABLE selected_accounts (
    token_hash TEXT NOT NULL REFERENCES sessions (token_hash),
    paysimple_id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    last4 TEXT NOT NULL,
    brand TEXT NOT NULL,
    PRIMARY KEY (token_hash, paysimple_id, account_id));
CREATE TABLE approvals (
    token_hash TEXT PRIMARY KEY,
    lane TEXT NOT NULL,
    session_id TEXT NOT NULL,
    manager_id INTEGER NOT NULL,
    manager_name TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT);
CREATE TABLE charge_keys (
    attempt_id TEXT PRIMARY KEY,
    lane TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    session_id TEXT NOT NULL,
    clerk_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    refusal_code TEXT,
    refusal TEXT);
CREATE TABLE audit (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    who TEXT NOT NULL,
    who_id INTEGER,
    lane TEXT NOT NULL,
    subject TEXT NOT NULL,
    subject_id TEXT,
    detail TEXT NOT NULL);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""
SQLITE_MIGRATIONS = (Migration(1, "lanes, codes, sessions, approvals, charge keys, audit", _SQLITE_V1),)


class SqliteDb:
    """One SQLite file (WAL, ``synchronous=FULL``: committed means on disk), one connection shared by the
    server's threads under a lock (the server's writes are small; the journal and directory have their own)."""

    kind = "sqlite"

    def __init__(self, path: Path | str, busy_timeout: float = 15.0) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        private_file(self.path)
        with storage_errors(self.path, WHAT):
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                       timeout=busy_timeout)
            self._db.row_factory = sqlite3.Row
            migrations.refuse_newer(self._db, SQLITE_MIGRATIONS, "store server records")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            migrations.migrate(self._db, SQLITE_MIGRATIONS, "store server records")
        self._lock = threading.RLock()

    def t(self, value: datetime | None) -> str | None:
        return None if value is None else _aware(value).strftime(_TS)

    def dt(self, value: Any) -> datetime | None:
        return None if value is None else datetime.strptime(value, _TS).replace(tzinfo=UTC)

    def transaction(self, work: Callable[[Execute], T]) -> T:
        def execute(sql: str, params: Sequence = ()) -> Rows:
            try:
                cur = db.execute(sql, tuple(params))
            except sqlite3.IntegrityError as exc:
                if getattr(exc, "sqlite_errorname", "") in ("SQLITE_CONSTRAINT_PRIMARYKEY",
                                                            "SQLITE_CONSTRAINT_UNIQUE"):
                    raise Conflict(str(exc)) from None
                raise
            return [dict(r) for r in cur.fetchall()] if cur.description else []

        with storage_errors(self.path, WHAT), immediate_transaction(self._db, self._lock) as db:
            return work(execute)

    def query(self, sql: str, params: Sequence = ()) -> Rows:
        with storage_errors(self.path, WHAT), self._lock:
            return [dict(r) for r in self._db.execute(sql, tuple(params)).fetchall()]

    def close(self) -> None:
        with self._lock:
            self._db.close()


# ---- PostgreSQL --------------------------------------------------------------------------------------

_PG_V1 = """
CREATE TABLE lanes (
    name text PRIMARY KEY,
    secret_hash text NOT NULL,
    enrolled_at timestamptz NOT NULL,
    enrolled_by text NOT NULL,
    code_id text NOT NULL,
    revoked_at timestamptz,
    revoked_by text,
    last_seen_at timestamptz);
CREATE TABLE enrollment_codes (
    code_id text PRIMARY KEY,
    key_hash text NOT NULL,
    lane text,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    used_by text,
    failures integer NOT NULL DEFAULT 0);
CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    public_id text NOT NULL UNIQUE,
    lane text NOT NULL REFERENCES lanes (name),
    clerk_id bigint NOT NULL,
    clerk_name text NOT NULL,
    role text NOT NULL,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    locked_at timestamptz,
    ended_at timestamptz,
    customer_id bigint,
    paysimple_id bigint,
    customer_name text,
    selected_at timestamptz);
CREATE INDEX sessions_lane ON sessions (lane, ended_at);
CREATE TABLE selected_accounts (
    token_hash text NOT NULL REFERENCES sessions (token_hash),
    paysimple_id bigint NOT NULL,
    account_id bigint NOT NULL,
    kind text NOT NULL,
    last4 text NOT NULL,
    brand text NOT NULL,
    PRIMARY KEY (token_hash, paysimple_id, account_id));
CREATE TABLE approvals (
    token_hash text PRIMARY KEY,
    lane text NOT NULL,
    session_id text NOT NULL,
    manager_id bigint NOT NULL,
    manager_name text NOT NULL,
    action text NOT NULL,
    subject text NOT NULL,
    reason text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz);
CREATE TABLE charge_keys (
    attempt_id text PRIMARY KEY,
    lane text NOT NULL,
    fingerprint text NOT NULL,
    session_id text NOT NULL,
    clerk_id bigint NOT NULL,
    created_at timestamptz NOT NULL,
    refusal_code text,
    refusal text);
CREATE TABLE audit (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    action text NOT NULL,
    outcome text NOT NULL,
    who text NOT NULL,
    who_id bigint,
    lane text NOT NULL,
    subject text NOT NULL,
    subject_id text,
    detail text NOT NULL);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""
PG_MIGRATIONS = (Migration(1, "lanes, codes, sessions, approvals, charge keys, audit", _PG_V1),)
_UNREACHABLE_STATES = {"57P01", "57P02", "57P03", "57014", "53300"}
_SERVER_STATES = {"53100": "Its disk is full.", "53200": "It is out of memory.",
                  "25006": "It accepts reads only (a standby server?)."}


class PgDb:
    """The server's tables in a PostgreSQL database (shared by several server instances): a small pool of
    autocommit connections; ``transaction`` is one explicit transaction on one of them."""

    kind = "postgresql"

    def __init__(self, dsn: str, *, max_size: int = 8, connect_timeout: float = 5.0, pool_timeout: float = 10.0,
                 statement_timeout: float = 10.0) -> None:
        try:
            import psycopg
            import psycopg.rows
            import psycopg_pool
        except ImportError as exc:  # pragma: no cover - the server's PostgreSQL needs the store extra
            raise RuntimeError("A PostgreSQL database needs the 'store' extra (psycopg, psycopg-pool).") from exc
        self._psycopg, self._pool_mod = psycopg, psycopg_pool
        params = psycopg.conninfo.conninfo_to_dict(dsn)
        self.name = (f"database {params.get('dbname') or params.get('user') or '?'} on "
                     f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}")
        timeout_ms = int(statement_timeout * 1000)
        conninfo = psycopg.conninfo.make_conninfo(
            dsn, connect_timeout=max(1, math.ceil(connect_timeout)), application_name="pos-app server",
            tcp_user_timeout=timeout_ms, keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3,
            options=f"-c statement_timeout={timeout_ms} -c lock_timeout={timeout_ms} "
                    f"-c idle_in_transaction_session_timeout={timeout_ms * 3} -c TimeZone=UTC")
        self._pool_timeout = pool_timeout
        self._pool = psycopg_pool.ConnectionPool(
            conninfo, min_size=1, max_size=max_size, open=False, timeout=pool_timeout,
            kwargs={"autocommit": True, "row_factory": psycopg.rows.dict_row},
            check=psycopg_pool.ConnectionPool.check_connection, name="server records")
        try:
            with self._errors():
                psycopg.connect(conninfo).close()  # the real cause at once (connect_timeout)
                self._pool.open(wait=True, timeout=pool_timeout)
                with self._pool.connection() as con:
                    pg_migrations.migrate(con, COMPONENT, PG_MIGRATIONS, "store server records")
        except BaseException:
            self._pool.close()
            raise

    def _storage_error(self, exc: BaseException) -> StorageError | None:
        psycopg = self._psycopg
        if isinstance(exc, self._pool_mod.PoolTimeout):
            return StorageError(Fault.UNREACHABLE, self.name, WHAT)
        if not isinstance(exc, psycopg.Error):
            return None
        state = getattr(exc, "sqlstate", None)
        if state in _SERVER_STATES:
            return StorageError(Fault.SERVER, self.name, WHAT, _SERVER_STATES[state])
        if state is None and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            return StorageError(Fault.UNREACHABLE, self.name, WHAT)
        if state and (state.startswith("08") or state in _UNREACHABLE_STATES):
            return StorageError(Fault.UNREACHABLE, self.name, WHAT)
        if state in ("55P03", "40P01", "40001"):
            return StorageError(Fault.BUSY, self.name, WHAT)
        return None

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except Conflict:
            raise
        except Exception as exc:
            if getattr(exc, "sqlstate", None) == "23505":
                raise Conflict(str(exc)) from None
            error = self._storage_error(exc)
            if error is None:
                raise
            log.warning("store server records %s: %s (%s)", self.name, error.fault.value, type(exc).__name__)
            raise error from exc

    def t(self, value: datetime | None) -> datetime | None:
        return None if value is None else _aware(value)

    def dt(self, value: Any) -> datetime | None:
        return None if value is None else _aware(value)

    def transaction(self, work: Callable[[Execute], T]) -> T:
        with self._errors(), self._pool.connection(timeout=self._pool_timeout) as con, con.transaction():
            def execute(sql: str, params: Sequence = ()) -> Rows:
                cur = con.execute(sql.replace("?", "%s"), tuple(params))
                return cur.fetchall() if cur.description else []

            return work(execute)

    def query(self, sql: str, params: Sequence = ()) -> Rows:
        with self._errors(), self._pool.connection(timeout=self._pool_timeout) as con:
            return con.execute(sql.replace("?", "%s"), tuple(params)).fetchall()

    def close(self) -> None:
        self._pool.close()


def open_db(database: str, data_dir: Path) -> ServerDb:
    """``database``: ``"sqlite"`` (the file ``server.db`` in the data folder) or a PostgreSQL DSN."""
    if database == "sqlite":
        return SqliteDb(data_dir / "server.db")
    if database.startswith(("postgresql://", "postgres://")) or "dbname=" in database:
        return PgDb(database)
    raise ValueError(f"database must be 'sqlite' or a PostgreSQL DSN (postgresql://...), not {database!r}")
