"""The clerks of a store on PostgreSQL: a ``ClerkStore`` (and its audit trail) in one database shared by every
counter and server of the store. Needs the ``store`` extra (psycopg 3 + psycopg-pool), imported when a
``PgClerkStore`` is made, never at import time.

Guarantees, enforced by the database for every process and machine using it:
- one writer at a time: every write transaction (``writing()``, and ``audit.append``) first takes a
  transaction-level advisory lock (``LOCK``), held until COMMIT or ROLLBACK; so a try counter read in one is
  never read by another writer before it commits (atomic lockout counting, as the clerk file's write lock
  gives on SQLite), and audit positions become visible in order (a reader following ``after`` never skips an
  entry that commits late). Try counters are read ``FOR UPDATE`` as well.
- all or nothing: a transaction that raises, loses its connection or meets a server restart is rolled back by
  the server; the caller gets the error (a database fault as ``StorageError``), nothing of it stays written.
- append-only: triggers refuse ``UPDATE``, ``DELETE`` and ``TRUNCATE`` on ``audit_trail`` and ``approvals``
  (SQLSTATE ``PA001``); ``integrity_problems`` reports a dropped or disabled one.
- clerk names are unique and found without regard to ASCII case (``clerk_name_key``: the same folding as
  SQLite's NOCASE, so both backends accept and refuse the same names) and listed in that order.
Schema by ``pos_app.pg_migrations`` (component ``clerks``); faults and deadlines by ``pos_app.pg_support``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from pos_app import pg_migrations, pg_support
from pos_app.audit import AuditEntry, AuditEvent, aware
from pos_app.clerkstore import ApprovalRecord, ClerkRow, Guard, NameTaken, Scope, trail
from pos_app.migrations import Migration
from pos_app.storage_errors import What

log = logging.getLogger(__name__)

COMPONENT = "clerks"
APPEND_ONLY = "PA001"  # raised by the append-only triggers
UNIQUE_VIOLATION = "23505"
# pg_advisory_xact_lock(int4, int4): (namespace, key); the namespace is this store's, apart from those of
# pos_app.pg_migrations (0x504F5300-0x504F5302).
LOCK_NAMESPACE_CLERKS = 0x504F5310
LOCK = (LOCK_NAMESPACE_CLERKS, 1)

MIGRATIONS = (
    Migration(1, "clerks, try counters, approvals, integrity fingerprint, append-only audit trail", """
CREATE FUNCTION clerk_name_key(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;
CREATE TABLE clerks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    role text NOT NULL CHECK (role IN ('clerk', 'manager')),
    salt bytea NOT NULL,
    pin_hash bytea NOT NULL,
    kdf text NOT NULL,
    failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    lockouts integer NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
    locked_until timestamptz,
    active boolean NOT NULL DEFAULT true,
    tag bytea
);
CREATE UNIQUE INDEX clerks_name ON clerks (clerk_name_key(name));
CREATE TABLE approval_guard (
    manager_id bigint PRIMARY KEY REFERENCES clerks (id),
    failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    lockouts integer NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
    locked_until timestamptz,
    next_try_at timestamptz
);
CREATE TABLE integrity (
    id integer PRIMARY KEY CHECK (id = 1),
    fingerprint bytea NOT NULL
);
CREATE TABLE approvals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    manager_id bigint NOT NULL REFERENCES clerks (id),
    clerk_id bigint REFERENCES clerks (id),
    action text NOT NULL,
    reason text NOT NULL,
    subject text NOT NULL DEFAULT ''
);
CREATE TABLE audit_trail (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    lane text NOT NULL DEFAULT '',
    who text NOT NULL,
    who_id bigint,
    action text NOT NULL,
    subject text NOT NULL DEFAULT '',
    subject_id text,
    outcome text NOT NULL,
    detail text NOT NULL DEFAULT ''
);
CREATE INDEX audit_trail_action ON audit_trail (action, position);
CREATE INDEX audit_trail_who ON audit_trail (who_id, position);
CREATE INDEX audit_trail_at ON audit_trail (at);
CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'PA001';
END $$;
CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE ON audit_trail
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER audit_trail_no_truncate BEFORE TRUNCATE ON audit_trail
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER approvals_append_only BEFORE UPDATE OR DELETE ON approvals
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER approvals_no_truncate BEFORE TRUNCATE ON approvals
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
"""),
)
_APPEND_ONLY_TRIGGERS = {("audit_trail", "audit_trail_append_only"), ("audit_trail", "audit_trail_no_truncate"),
                         ("approvals", "approvals_append_only"), ("approvals", "approvals_no_truncate")}

_ROW = "id, name, role, salt, pin_hash, kdf, active, tag"


def _clerk(row: tuple) -> ClerkRow:
    return ClerkRow(int(row[0]), row[1], row[2], bytes(row[3]), bytes(row[4]), row[5], bool(row[6]),
                    None if row[7] is None else bytes(row[7]))


def _entry(row: tuple) -> AuditEntry:
    return AuditEntry(int(row[0]), AuditEvent(at=row[1], lane=row[2], who=row[3],
                                              who_id=None if row[4] is None else int(row[4]), action=row[5],
                                              subject=row[6], subject_id=row[7], outcome=row[8], detail=row[9]))


_DIALECT = trail.Dialect("%s", aware, _entry)


class _View:
    def __init__(self, con) -> None:
        self._con = con

    def clerks(self, *, include_inactive: bool = False) -> list[ClerkRow]:
        where = "" if include_inactive else " WHERE active"
        rows = self._con.execute(f"SELECT {_ROW} FROM clerks{where}"
                                 ' ORDER BY clerk_name_key(name) COLLATE "C", id').fetchall()
        return [_clerk(r) for r in rows]

    def clerk(self, *, clerk_id: int | None = None, name: str | None = None,
              include_inactive: bool = False) -> ClerkRow | None:
        if (clerk_id is None) == (name is None):
            raise ValueError("clerk(): give clerk_id or name")
        where, value = ("id = %s", clerk_id) if clerk_id is not None else ("clerk_name_key(name) = clerk_name_key(%s)",
                                                                             name)
        active = "" if include_inactive else " AND active"
        row = self._con.execute(f"SELECT {_ROW} FROM clerks WHERE {where}{active}", (value,)).fetchone()
        return None if row is None else _clerk(row)

    def fingerprint(self) -> bytes | None:
        row = self._con.execute("SELECT fingerprint FROM integrity WHERE id = 1").fetchone()
        return None if row is None else bytes(row[0])

    def approvals(self) -> list[ApprovalRecord]:
        rows = self._con.execute("SELECT at, manager_id, clerk_id, action, reason, subject FROM approvals"
                                 " ORDER BY id").fetchall()
        return [ApprovalRecord(r[0], int(r[1]), None if r[2] is None else int(r[2]), r[3], r[4], r[5]) for r in rows]


class _Tx(_View):
    def __init__(self, con, psycopg) -> None:
        super().__init__(con)
        self._psycopg = psycopg

    def add_clerk(self, name: str, role: str, salt: bytes, pin_hash: bytes, kdf: str) -> int:
        try:
            with self._con.transaction():  # a savepoint: the unique violation is answered, not left pending
                row = self._con.execute("INSERT INTO clerks (name, role, salt, pin_hash, kdf)"
                                        " VALUES (%s, %s, %s, %s, %s) RETURNING id",
                                        (name, role, salt, pin_hash, kdf)).fetchone()
        except self._psycopg.errors.UniqueViolation as exc:
            if exc.diag.constraint_name == "clerks_name":
                raise NameTaken(name) from None
            raise
        return int(row[0])

    def set_active(self, clerk_id: int, active: bool) -> None:
        self._con.execute("UPDATE clerks SET active = %s WHERE id = %s", (bool(active), clerk_id))

    def set_pin(self, clerk_id: int, salt: bytes, pin_hash: bytes, kdf: str, *,
                only_if_hash: bytes | None = None) -> bool:
        sql, args = "UPDATE clerks SET salt = %s, pin_hash = %s, kdf = %s WHERE id = %s", [salt, pin_hash, kdf,
                                                                                           clerk_id]
        if only_if_hash is not None:
            sql, args = sql + " AND pin_hash = %s", [*args, only_if_hash]
        return self._con.execute(sql, args).rowcount == 1

    def set_tag(self, clerk_id: int, tag: bytes | None) -> None:
        self._con.execute("UPDATE clerks SET tag = %s WHERE id = %s", (tag, clerk_id))

    def set_fingerprint(self, fingerprint: bytes) -> None:
        self._con.execute("INSERT INTO integrity (id, fingerprint) VALUES (1, %s)"
                          " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint", (fingerprint,))

    def guard(self, scope: Scope, clerk_id: int) -> Guard:
        if Scope(scope) is Scope.LOGIN:
            row = self._con.execute("SELECT failures, lockouts, locked_until FROM clerks WHERE id = %s FOR UPDATE",
                                    (clerk_id,)).fetchone()
            return Guard(row[0], row[1], row[2]) if row else Guard()
        row = self._con.execute("SELECT failures, lockouts, locked_until, next_try_at FROM approval_guard"
                                " WHERE manager_id = %s FOR UPDATE", (clerk_id,)).fetchone()
        return Guard(row[0], row[1], row[2], row[3]) if row else Guard()

    def set_guard(self, scope: Scope, clerk_id: int, guard: Guard) -> None:
        until = aware(guard.locked_until) if guard.locked_until else None
        if Scope(scope) is Scope.LOGIN:
            self._con.execute("UPDATE clerks SET failures = %s, lockouts = %s, locked_until = %s WHERE id = %s",
                              (guard.failures, guard.lockouts, until, clerk_id))
        elif guard == Guard():
            self._con.execute("DELETE FROM approval_guard WHERE manager_id = %s", (clerk_id,))
        else:
            self._con.execute(
                "INSERT INTO approval_guard (manager_id, failures, lockouts, locked_until, next_try_at)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (manager_id) DO UPDATE SET failures = excluded.failures,"
                " lockouts = excluded.lockouts, locked_until = excluded.locked_until,"
                " next_try_at = excluded.next_try_at",
                (clerk_id, guard.failures, guard.lockouts, until,
                 aware(guard.next_try_at) if guard.next_try_at else None))

    def add_approval(self, approval: ApprovalRecord) -> None:
        self._con.execute("INSERT INTO approvals (at, manager_id, clerk_id, action, reason, subject)"
                          " VALUES (%s, %s, %s, %s, %s, %s)",
                          (aware(approval.at), approval.manager_id, approval.clerk_id, approval.action,
                           approval.reason, approval.subject))

    def append(self, event: AuditEvent) -> int:
        sql, args = trail.insert(_DIALECT, event)
        return int(self._con.execute(sql + " RETURNING position", args).fetchone()[0])


class PgClerkStore:
    """The ``ClerkStore`` in the PostgreSQL database ``dsn`` (its schema made or brought up to date on open).
    Thread-safe: calls from any thread share a small connection pool."""

    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 4, connect_timeout: float = 5.0,
                 pool_timeout: float = 10.0, statement_timeout: float = 10.0,
                 application_name: str = "pos-app clerks") -> None:
        self._psycopg, _ = pg_support.driver()
        self.name = pg_support.database_name(dsn)
        self._pool_timeout = pool_timeout
        self._pool = None
        info = pg_support.conninfo(dsn, application_name=application_name, connect_timeout=connect_timeout,
                                   statement_timeout=statement_timeout)
        with self._errors():
            self._pool = pg_support.open_pool(info, name=f"clerks {self.name}", min_size=min_size,
                                              max_size=max_size, pool_timeout=pool_timeout)
            try:
                with self._pool.connection() as con:
                    pg_migrations.migrate(con, COMPONENT, MIGRATIONS, What.CLERKS.value)
            except BaseException:
                self._pool.close()
                raise
        self.audit = trail.SqlTrail(self.writing, self._connection, _DIALECT)

    def _errors(self):
        return pg_support.storage_errors(self.name, What.CLERKS, log)

    @contextmanager
    def _connection(self):
        with self._errors(), self._pool.connection(timeout=self._pool_timeout) as con:
            yield con

    @contextmanager
    def writing(self) -> Iterator[_Tx]:
        with self._connection() as con, con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s, %s)", LOCK)
            yield _Tx(con, self._psycopg)

    @contextmanager
    def reading(self) -> Iterator[_View]:
        with self._connection() as con, con.transaction():
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield _View(con)

    def integrity_problems(self) -> list[str]:
        with self._connection() as con:
            have = {(r[0], r[1]) for r in con.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relname IN ('audit_trail', 'approvals')"
                " AND c.relnamespace = current_schema()::regnamespace").fetchall()}
        return [f"the trigger {name} on {table} is missing or disabled"
                for table, name in sorted(_APPEND_ONLY_TRIGGERS - have)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def __enter__(self) -> PgClerkStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
