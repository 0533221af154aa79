"""The clerk file: a ``ClerkStore`` on one SQLite file (``clerks.db`` / ``clerks-training.db``).

- One connection (WAL, autocommit, 30 s busy timeout) shared by the threads of this process under one lock.
  ``writing()`` is ``BEGIN IMMEDIATE``: SQLite's write lock serialises every writer of the file, of this and
  of every other process, from the first statement to COMMIT, so a try counter read in it cannot be read by
  another writer before this one commits (atomic lockout counting). ``reading()`` is a deferred read
  transaction (one consistent snapshot).
- Schema by the numbered-migration runner (``pos_app.migrations``); a file from a newer app is refused
  (``SchemaTooNew``) before anything is written. Migration 2 moved the old ``events`` table into the
  append-only ``audit_trail``.
- Append-only: triggers refuse ``UPDATE`` and ``DELETE`` on ``audit_trail`` and ``approvals``
  (``sqlite3.IntegrityError``). Whoever can write the file can still drop a trigger; with an integrity key the
  registry refuses such a file (``integrity_problems``).
- Storage faults (read-only folder, full disk, damaged file) are ``StorageError`` naming the file; a failed
  transaction is rolled back whole.
- Times are stored as UTC ISO-8601 text with microseconds (so text order is time order) and read back aware.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pos_app import migrations
from pos_app.audit import AuditEntry, AuditEvent, aware
from pos_app.clerkstore import ApprovalRecord, ClerkRow, Guard, NameTaken, Scope, trail
from pos_app.migrations import Migration
from pos_app.sqlite_support import sqlite_open
from pos_app.sqlite_tx import immediate_transaction
from pos_app.storage_errors import What, storage_errors

# v1 (the first numbered migration) brings every clerk file made before numbered migrations (with or without
# the kdf and tag columns added later) and a new, empty file to one shape.
_V1_TABLES = """
CREATE TABLE IF NOT EXISTS clerks (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, role TEXT NOT NULL,
  salt BLOB NOT NULL, pin_hash BLOB NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
  lockouts INTEGER NOT NULL DEFAULT 0, locked_until TEXT, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS approvals (
  id INTEGER PRIMARY KEY, at TEXT NOT NULL, manager_id INTEGER NOT NULL, clerk_id INTEGER,
  action TEXT NOT NULL, reason TEXT NOT NULL, subject TEXT);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, clerk_id INTEGER,
  outcome TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS integrity (
  id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS approval_guard (
  manager_id INTEGER PRIMARY KEY, failures INTEGER NOT NULL DEFAULT 0, lockouts INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT, next_try_at TEXT);
"""


def _v1_one_shape(db: sqlite3.Connection) -> None:
    for statement in migrations.statements(_V1_TABLES):
        db.execute(statement)
    columns = {r[1] for r in db.execute("PRAGMA table_info(clerks)")}
    if "kdf" not in columns:
        db.execute("ALTER TABLE clerks ADD COLUMN kdf TEXT NOT NULL DEFAULT 'scrypt:14:8:1'")
    if "tag" not in columns:
        db.execute("ALTER TABLE clerks ADD COLUMN tag BLOB")


_V2_AUDIT = """
CREATE TABLE audit_trail (
  position INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, lane TEXT NOT NULL DEFAULT '',
  who TEXT NOT NULL, who_id INTEGER, action TEXT NOT NULL, subject TEXT NOT NULL DEFAULT '', subject_id TEXT,
  outcome TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
CREATE INDEX audit_trail_action ON audit_trail (action, position);
CREATE INDEX audit_trail_who ON audit_trail (who_id, position);
CREATE INDEX audit_trail_at ON audit_trail (at);
CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_trail_no_delete BEFORE DELETE ON audit_trail
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER approvals_no_update BEFORE UPDATE ON approvals
  BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals
  BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
"""
_CLERK_CHANGES = ("add", "deactivate", "reset_pin")  # their events named the clerk changed, "by=<id>" the manager


def _v2_audit_trail(db: sqlite3.Connection) -> None:
    """The append-only audit trail replaces ``events``; old events are moved over (times to UTC; a clerk
    change's clerk becomes its subject and the manager in its ``by=<id>`` its ``who``)."""
    for statement in migrations.statements(_V2_AUDIT):
        db.execute(statement)
    names = {cid: name for cid, name in db.execute("SELECT id, name FROM clerks")}
    rows = db.execute("SELECT at, kind, name, clerk_id, outcome, detail FROM events ORDER BY id").fetchall()
    for at, kind, name, clerk_id, outcome, detail in rows:
        stamp = _text(_parse(at))
        if kind in _CLERK_CHANGES:
            by = detail.rsplit("by=", 1)[-1] if "by=" in detail else ""
            by_id = int(by) if by.isdigit() else None
            who = names.get(by_id, "-") if by_id is not None else "-"
            values = (stamp, who, by_id, kind, name, None if clerk_id is None else str(clerk_id), outcome, detail)
        else:
            values = (stamp, name, clerk_id, kind, "", None, outcome, detail)
        db.execute("INSERT INTO audit_trail (at, who, who_id, action, subject, subject_id, outcome, detail)"
                   " VALUES (?,?,?,?,?,?,?,?)", values)
    db.execute("DROP TABLE events")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "one shape for every clerk file made before numbered migrations", _v1_one_shape),
    Migration(2, "the append-only audit trail replaces events; approvals append-only", _v2_audit_trail),
)

_ROW = "id, name, role, salt, pin_hash, kdf, active, tag"
_APPEND_ONLY_TRIGGERS = ("audit_trail_no_update", "audit_trail_no_delete", "approvals_no_update",
                         "approvals_no_delete")


def _parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)  # never written naive


def _text(value: datetime) -> str:
    return aware(value).isoformat(timespec="microseconds")


def _time(value: str | None) -> datetime | None:
    return _parse(value) if value else None


def _clerk(row: tuple) -> ClerkRow:
    return ClerkRow(row[0], row[1], row[2], bytes(row[3]), bytes(row[4]), row[5], bool(row[6]),
                    None if row[7] is None else bytes(row[7]))


def _entry(row: tuple) -> AuditEntry:
    return AuditEntry(row[0], AuditEvent(at=_parse(row[1]), lane=row[2], who=row[3], who_id=row[4], action=row[5],
                                         subject=row[6], subject_id=row[7], outcome=row[8], detail=row[9]))


_DIALECT = trail.Dialect("?", _text, _entry)


class _View:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def clerks(self, *, include_inactive: bool = False) -> list[ClerkRow]:
        where = "" if include_inactive else " WHERE active=1"
        return [_clerk(r) for r in self._db.execute(f"SELECT {_ROW} FROM clerks{where} ORDER BY name, id")]

    def clerk(self, *, clerk_id: int | None = None, name: str | None = None,
              include_inactive: bool = False) -> ClerkRow | None:
        if (clerk_id is None) == (name is None):
            raise ValueError("clerk(): give clerk_id or name")
        column, value = ("id", clerk_id) if clerk_id is not None else ("name", name)
        active = "" if include_inactive else " AND active=1"
        row = self._db.execute(f"SELECT {_ROW} FROM clerks WHERE {column}=?{active}", (value,)).fetchone()
        return None if row is None else _clerk(row)

    def fingerprint(self) -> bytes | None:
        row = self._db.execute("SELECT fingerprint FROM integrity WHERE id=1").fetchone()
        return None if row is None else bytes(row[0])

    def approvals(self) -> list[ApprovalRecord]:
        rows = self._db.execute("SELECT at, manager_id, clerk_id, action, reason, subject FROM approvals ORDER BY id")
        return [ApprovalRecord(_parse(r[0]), r[1], r[2], r[3], r[4], r[5] or "") for r in rows]


class _Tx(_View):
    def add_clerk(self, name: str, role: str, salt: bytes, pin_hash: bytes, kdf: str) -> int:
        try:
            cur = self._db.execute("INSERT INTO clerks(name, role, salt, pin_hash, kdf) VALUES (?,?,?,?,?)",
                                   (name, role, salt, pin_hash, kdf))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorcode == sqlite3.SQLITE_CONSTRAINT_UNIQUE:
                raise NameTaken(name) from None
            raise
        return int(cur.lastrowid)

    def set_active(self, clerk_id: int, active: bool) -> None:
        self._db.execute("UPDATE clerks SET active=? WHERE id=?", (int(active), clerk_id))

    def set_pin(self, clerk_id: int, salt: bytes, pin_hash: bytes, kdf: str, *,
                only_if_hash: bytes | None = None) -> bool:
        sql, args = "UPDATE clerks SET salt=?, pin_hash=?, kdf=? WHERE id=?", [salt, pin_hash, kdf, clerk_id]
        if only_if_hash is not None:
            sql, args = sql + " AND pin_hash=?", [*args, only_if_hash]
        return self._db.execute(sql, args).rowcount == 1

    def set_tag(self, clerk_id: int, tag: bytes | None) -> None:
        self._db.execute("UPDATE clerks SET tag=? WHERE id=?", (tag, clerk_id))

    def set_fingerprint(self, fingerprint: bytes) -> None:
        self._db.execute("INSERT OR REPLACE INTO integrity(id, fingerprint) VALUES (1, ?)", (fingerprint,))

    def guard(self, scope: Scope, clerk_id: int) -> Guard:
        # BEGIN IMMEDIATE already holds the file's write lock: nobody else reads-to-write until COMMIT.
        if Scope(scope) is Scope.LOGIN:
            row = self._db.execute("SELECT failures, lockouts, locked_until FROM clerks WHERE id=?",
                                   (clerk_id,)).fetchone()
            return Guard(row[0], row[1], _time(row[2])) if row else Guard()
        row = self._db.execute("SELECT failures, lockouts, locked_until, next_try_at FROM approval_guard "
                               "WHERE manager_id=?", (clerk_id,)).fetchone()
        return Guard(row[0], row[1], _time(row[2]), _time(row[3])) if row else Guard()

    def set_guard(self, scope: Scope, clerk_id: int, guard: Guard) -> None:
        until = _text(guard.locked_until) if guard.locked_until else None
        if Scope(scope) is Scope.LOGIN:
            self._db.execute("UPDATE clerks SET failures=?, lockouts=?, locked_until=? WHERE id=?",
                             (guard.failures, guard.lockouts, until, clerk_id))
        elif guard == Guard():
            self._db.execute("DELETE FROM approval_guard WHERE manager_id=?", (clerk_id,))
        else:
            self._db.execute(
                "INSERT INTO approval_guard(manager_id, failures, lockouts, locked_until, next_try_at)"
                " VALUES (?,?,?,?,?) ON CONFLICT(manager_id) DO UPDATE SET failures=excluded.failures,"
                " lockouts=excluded.lockouts, locked_until=excluded.locked_until, next_try_at=excluded.next_try_at",
                (clerk_id, guard.failures, guard.lockouts, until,
                 _text(guard.next_try_at) if guard.next_try_at else None))

    def add_approval(self, approval: ApprovalRecord) -> None:
        self._db.execute("INSERT INTO approvals(at, manager_id, clerk_id, action, reason, subject) "
                         "VALUES (?,?,?,?,?,?)", (_text(approval.at), approval.manager_id, approval.clerk_id,
                                                  approval.action, approval.reason, approval.subject))

    def append(self, event: AuditEvent) -> int:
        return int(self._db.execute(*trail.insert(_DIALECT, event)).lastrowid)


class SqliteClerkStore:
    """The ``ClerkStore`` on the SQLite file ``path`` (created with its folder when missing)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        with storage_errors(self.path, What.CLERKS):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Storage faults (read-only folder, full disk, damaged file) come out as StorageError naming the file, also
        # later (guarded); a file from a newer app is refused before WAL rewrites its header.
        self._db = sqlite_open(self.path, What.CLERKS, synchronous="FULL", busy_timeout_s=30, guarded=True,
                           before_wal=lambda con: migrations.refuse_newer(con, MIGRATIONS, "clerk file"))
        try:
            migrations.migrate(self._db, MIGRATIONS, "clerk file")
        except BaseException:
            self._db.close()
            raise
        self._lock = threading.RLock()
        self.audit = trail.SqlTrail(self.writing, self._read, _DIALECT)

    @contextmanager
    def writing(self) -> Iterator[_Tx]:
        with immediate_transaction(self._db, self._lock) as db:
            yield _Tx(db)

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            finally:
                if self._db.in_transaction:
                    self._db.execute("COMMIT")  # read only: ends the snapshot

    @contextmanager
    def reading(self) -> Iterator[_View]:
        with self._read() as db:
            yield _View(db)

    def integrity_problems(self) -> list[str]:
        """What protects the records and is missing (a dropped append-only trigger): [] when sound."""
        with self._read() as db:
            have = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        return [f"the trigger {t} is missing" for t in _APPEND_ONLY_TRIGGERS if t not in have]

    def close(self) -> None:
        """Closes the file once no thread is inside a read or a write (the shared lock): closing a SQLite
        connection while another thread runs a statement on it crashes the process. Later use raises
        ``StorageError`` (a closed file), never a crash."""
        with self._lock:
            self._db.close()
