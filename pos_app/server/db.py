"""The store server's own tables (lanes, enrollment codes, sessions, approvals, idempotency keys, audit) on
SQLite or PostgreSQL behind one small interface, so ``records.py`` has one SQL text for both.

``ServerDb``: ``transaction(work)`` runs ``work(execute)`` in one transaction (committed on return, rolled back
whole and re-raised on any error); ``query(sql, params)`` reads; SQL uses ``?`` placeholders (rewritten for
PostgreSQL; no literal ``?`` in statements) and rows come back as dicts. Times go through ``t()`` (to the
column's type: fixed-width UTC text on SQLite, ``timestamptz`` on PostgreSQL) and come back timezone-aware.

Faults: SQLite faults by result code (``storage_errors``), PostgreSQL faults by SQLSTATE (``pg_support``), all
as ``StorageError`` naming the database (never a password), with ``pg_support``'s deadlines. A unique key's
refusal comes out as ``Conflict``.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pos_app import migrations, pg_migrations, pg_support
from pos_app.migrations import Migration
from pos_app.sqlite_support import sqlite_open
from pos_app.sqlite_tx import immediate_transaction
from pos_app.storage_errors import What, storage_errors

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
CREATE TABLE server_lanes (
    name TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    enrolled_by TEXT NOT NULL,
    code_id TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT,
    last_seen_at TEXT);
CREATE TABLE server_enrollment_codes (
    code_id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL,
    lane TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by TEXT,
    failures INTEGER NOT NULL DEFAULT 0);
CREATE TABLE server_sessions (
    token_hash TEXT PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    lane TEXT NOT NULL REFERENCES server_lanes (name),
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
CREATE INDEX server_sessions_lane ON server_sessions (lane, ended_at);
CREATE TABLE server_selected_accounts (
    token_hash TEXT NOT NULL REFERENCES server_sessions (token_hash),
    paysimple_id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    last4 TEXT NOT NULL,
    brand TEXT NOT NULL,
    PRIMARY KEY (token_hash, paysimple_id, account_id));
CREATE TABLE server_approvals (
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
CREATE TABLE server_charge_keys (
    attempt_id TEXT PRIMARY KEY,
    lane TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    session_id TEXT NOT NULL,
    clerk_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    refusal_code TEXT,
    refusal TEXT);
CREATE TABLE server_audit (
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
CREATE TRIGGER server_audit_append_only_update BEFORE UPDATE ON server_audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER server_audit_append_only_delete BEFORE DELETE ON server_audit
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
        self._db = sqlite_open(self.path, WHAT, synchronous="FULL", foreign_keys=True, busy_timeout_s=busy_timeout,
                           row_factory=sqlite3.Row, before_wal=lambda con: migrations.refuse_newer(
                               con, SQLITE_MIGRATIONS, "store server records"))
        try:
            with storage_errors(self.path, WHAT):
                migrations.migrate(self._db, SQLITE_MIGRATIONS, "store server records")
        except BaseException:
            self._db.close()
            raise
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
CREATE TABLE server_lanes (
    name text PRIMARY KEY,
    secret_hash text NOT NULL,
    enrolled_at timestamptz NOT NULL,
    enrolled_by text NOT NULL,
    code_id text NOT NULL,
    revoked_at timestamptz,
    revoked_by text,
    last_seen_at timestamptz);
CREATE TABLE server_enrollment_codes (
    code_id text PRIMARY KEY,
    key_hash text NOT NULL,
    lane text,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    used_by text,
    failures integer NOT NULL DEFAULT 0);
CREATE TABLE server_sessions (
    token_hash text PRIMARY KEY,
    public_id text NOT NULL UNIQUE,
    lane text NOT NULL REFERENCES server_lanes (name),
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
CREATE INDEX server_sessions_lane ON server_sessions (lane, ended_at);
CREATE TABLE server_selected_accounts (
    token_hash text NOT NULL REFERENCES server_sessions (token_hash),
    paysimple_id bigint NOT NULL,
    account_id bigint NOT NULL,
    kind text NOT NULL,
    last4 text NOT NULL,
    brand text NOT NULL,
    PRIMARY KEY (token_hash, paysimple_id, account_id));
CREATE TABLE server_approvals (
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
CREATE TABLE server_charge_keys (
    attempt_id text PRIMARY KEY,
    lane text NOT NULL,
    fingerprint text NOT NULL,
    session_id text NOT NULL,
    clerk_id bigint NOT NULL,
    created_at timestamptz NOT NULL,
    refusal_code text,
    refusal text);
CREATE TABLE server_audit (
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
CREATE FUNCTION server_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
CREATE TRIGGER server_audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON server_audit
    FOR EACH STATEMENT EXECUTE FUNCTION server_audit_append_only();
"""
PG_MIGRATIONS = (Migration(1, "lanes, codes, sessions, approvals, charge keys, audit", _PG_V1),)


class PgDb:
    """The server's tables in a PostgreSQL database (shared by several server instances): a small pool of
    autocommit connections (``pg_support``: deadlines, faults by SQLSTATE); ``transaction`` is one explicit
    transaction on one of them."""

    kind = "postgresql"

    def __init__(self, dsn: str, *, max_size: int = 8, connect_timeout: float = 5.0, pool_timeout: float = 10.0,
                 statement_timeout: float = 10.0) -> None:
        self._psycopg, _ = pg_support.driver()
        self.name = pg_support.database_name(dsn)
        self._pool_timeout = pool_timeout
        info = pg_support.conninfo(dsn, application_name="pos-app server", connect_timeout=connect_timeout,
                                   statement_timeout=statement_timeout)
        self._pool = None
        with self._errors():
            self._pool = pg_support.open_pool(info, name="server records", max_size=max_size,
                                              pool_timeout=pool_timeout, dict_rows=True)
            try:
                with self._pool.connection() as con:
                    pg_migrations.migrate(con, COMPONENT, PG_MIGRATIONS, "store server records")
            except BaseException:
                self._pool.close()
                raise

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            with pg_support.storage_errors(self.name, WHAT, log):
                yield
        except self._psycopg.Error as exc:
            if getattr(exc, "sqlstate", None) == "23505":
                raise Conflict(str(exc)) from None
            raise

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
        if self._pool is not None:
            self._pool.close()


def open_db(database: str, data_dir: Path) -> ServerDb:
    """``database``: ``"sqlite"`` (the file ``server.db`` in the data folder) or a PostgreSQL DSN."""
    if database == "sqlite":
        return SqliteDb(data_dir / "server.db")
    if database.startswith(("postgresql://", "postgres://")) or "dbname=" in database:
        return PgDb(database)
    raise ValueError(f"database must be 'sqlite' or a PostgreSQL DSN (postgresql://...), not {database!r}")
