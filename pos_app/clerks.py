"""Clerks, PINs and roles.

PINs are hashed with scrypt (salted, slow: n=2**14, r=8, p=1, 16 MiB; about 140 ms per check on this shared 2-core machine) and compared in
constant time. After ``MAX_FAILURES`` wrong PINs in a row a clerk is locked out for ``LOCKOUT`` (the lock
grows with repeated lockouts), so a 4-8 digit PIN cannot be guessed at the counter. Manager-only actions go
through ``require_manager``; every approval is written to the ``approvals`` table with who, what and why.

Attribution: every sign-in attempt, approval (granted or refused), clerk change and screen lock is a row in
``events`` (UTC time, kind, the name typed, the clerk id when known, outcome, detail). PINs never appear
there or in the log; names do.

Decisions:
- Training and real environments use different clerk files (``clerks_db_path``). Training gets a demo
  manager "Trainer" (PIN 1234, shown on the training sign-in screen) and clerk "Trainee" (PIN 0000) so the
  app starts with no questions; that known PIN can never approve anything in Sandbox or Live, whose first
  manager is created by the set-up wizard.
- Unknown name and wrong PIN give the same message (no user enumeration) and cost the same scrypt time.
- Errors carry a ``code`` (+ values) so the UI can show a translated message; ``str()`` is plain English.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pos_app.storage_errors import What, storage_errors
from pos_app.storage_errors import connect as storage_connect

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
PIN_MIN, PIN_MAX = 4, 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}

TRAINING_MANAGER = ("Trainer", "1234")
TRAINING_CLERK = ("Trainee", "0000")


class Role(StrEnum):
    CLERK = "clerk"
    MANAGER = "manager"


class ManagerAction(StrEnum):
    VOID = "void"
    REFUND = "refund"
    SETTINGS = "settings"
    MANAGE_CLERKS = "manage_clerks"
    GO_LIVE = "go_live"
    CLOSE_REVIEW = "close_review"
    RESTORE_JOURNAL = "restore_journal"


@dataclass(frozen=True)
class Clerk:
    id: int
    name: str
    role: Role

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str       # login | approve | add | deactivate | reset_pin | lock
    name: str       # the name typed or acted on
    clerk_id: int | None
    outcome: str    # ok | wrong_pin | locked_out | not_allowed | ...
    detail: str


class ClerkError(Exception):
    """A safe, user-facing message (wrong PIN, locked out, not allowed...). ``code`` names it for the UI."""

    def __init__(self, message: str, code: str = "error", **values: object) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


class LockedOut(ClerkError):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"Too many wrong PINs. Try again after {until.astimezone().strftime('%H:%M')}.",
                         "locked_out", until=until)
        self.until = until


class NotAllowed(ClerkError):
    def __init__(self, message: str, action: str = "") -> None:
        super().__init__(message, "not_allowed", action=action)
        self.action = action


def validate_pin(pin: str) -> None:
    if not pin.isdigit() or not (PIN_MIN <= len(pin) <= PIN_MAX):
        raise ClerkError(f"PIN must be {PIN_MIN} to {PIN_MAX} digits.", "pin_format")


def hash_pin(pin: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    salt = salt or os.urandom(16)
    return salt, hashlib.scrypt(pin.encode("utf-8"), salt=salt, **_SCRYPT)


TRAINING_DB = "clerks-training.db"


def clerks_db_path(data_dir: Path, environment: str) -> Path:
    """Training clerks (with the demo PINs) never share a file with the real ones."""
    return data_dir / (TRAINING_DB if environment == "training" else "clerks.db")


_SCHEMA = """
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
"""


class ClerkRegistry:
    def __init__(self, path: Path | str, clock: Callable[[], datetime] | None = None) -> None:
        self.path = Path(path)
        with storage_errors(self.path, What.CLERKS):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Storage faults (read-only folder, full disk, damaged file) come out as StorageError naming the file.
        self._db = storage_connect(self.path, What.CLERKS, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._clock = clock or (lambda: datetime.now(UTC))

    def close(self) -> None:
        self._db.close()

    # --- queries ----------------------------------------------------------------------------------------

    def has_manager(self) -> bool:
        row = self._db.execute("SELECT 1 FROM clerks WHERE role=? AND active=1", (Role.MANAGER.value,)).fetchone()
        return row is not None

    def list(self) -> list[Clerk]:
        rows = self._db.execute("SELECT id, name, role FROM clerks WHERE active=1 ORDER BY name").fetchall()
        return [Clerk(r[0], r[1], Role(r[2])) for r in rows]

    def get(self, clerk_id: int) -> Clerk | None:
        row = self._db.execute("SELECT id, name, role FROM clerks WHERE id=? AND active=1", (clerk_id,)).fetchone()
        return Clerk(row[0], row[1], Role(row[2])) if row else None

    def events(self, kind: str | None = None) -> list[Event]:
        sql = "SELECT at, kind, name, clerk_id, outcome, detail FROM events"
        rows = self._db.execute(sql + (" WHERE kind=? ORDER BY id" if kind else " ORDER BY id"),
                                (kind,) if kind else ()).fetchall()
        return [Event(datetime.fromisoformat(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def approvals(self) -> list[tuple]:
        return self._db.execute(
            "SELECT at, manager_id, clerk_id, action, reason, subject FROM approvals ORDER BY id"
        ).fetchall()

    # --- audit ------------------------------------------------------------------------------------------

    def record(self, kind: str, name: str, clerk_id: int | None, outcome: str, detail: str = "") -> None:
        """Attribute an event (the UI records screen locks here too). Never pass a PIN."""
        with self._lock:
            self._db.execute(
                "INSERT INTO events(at, kind, name, clerk_id, outcome, detail) VALUES (?,?,?,?,?,?)",
                (self._clock().isoformat(), kind, name, clerk_id, outcome, detail),
            )
        log.info("clerk event %s %s: %s (clerk id %s) %s", kind, outcome, name, clerk_id, detail)

    # --- changes ----------------------------------------------------------------------------------------

    def add(self, name: str, pin: str, role: Role, by: Clerk | None) -> Clerk:
        """Add a clerk. Only a manager may, except for the very first manager during set-up."""
        name = name.strip()
        if not name:
            raise ClerkError("Name is required.", "name_required")
        if len(name) > 40:
            raise ClerkError("Name is too long (at most 40 characters).", "name_too_long")
        validate_pin(pin)
        if by is None:
            if self.has_manager() or role is not Role.MANAGER:
                raise NotAllowed("Only a manager can add clerks.", ManagerAction.MANAGE_CLERKS.value)
        else:
            self.require_manager(by, ManagerAction.MANAGE_CLERKS)
        salt, digest = hash_pin(pin)
        with self._lock:
            try:
                cur = self._db.execute(
                    "INSERT INTO clerks(name, role, salt, pin_hash) VALUES (?,?,?,?)",
                    (name, role.value, salt, digest),
                )
            except sqlite3.IntegrityError as exc:
                raise ClerkError(f"A clerk named {name!r} already exists.", "name_taken", name=name) from exc
        clerk = Clerk(int(cur.lastrowid), name, role)
        self.record("add", name, clerk.id, "ok", f"role={role.value} by={by.id if by else 'setup'}")
        return clerk

    def deactivate(self, clerk_id: int, by: Clerk) -> None:
        self.require_manager(by, ManagerAction.MANAGE_CLERKS)
        if clerk_id == by.id:
            raise ClerkError("You cannot remove yourself.", "remove_self")
        target = self.get(clerk_id)
        if target is None:
            raise ClerkError("No such clerk.", "no_such_clerk")
        if target.is_manager:
            others = [c for c in self.list() if c.is_manager and c.id != clerk_id]
            if not others:
                raise ClerkError("The last manager cannot be removed.", "last_manager")
        self._db.execute("UPDATE clerks SET active=0 WHERE id=?", (clerk_id,))
        self.record("deactivate", target.name, clerk_id, "ok", f"by={by.id}")

    def reset_pin(self, clerk_id: int, new_pin: str, by: Clerk) -> None:
        """A manager sets a new PIN for a clerk (also clears a lockout)."""
        self.require_manager(by, ManagerAction.MANAGE_CLERKS)
        validate_pin(new_pin)
        target = self.get(clerk_id)
        if target is None:
            raise ClerkError("No such clerk.", "no_such_clerk")
        salt, digest = hash_pin(new_pin)
        self._db.execute(
            "UPDATE clerks SET salt=?, pin_hash=?, failures=0, locked_until=NULL WHERE id=?",
            (salt, digest, clerk_id),
        )
        self.record("reset_pin", target.name, clerk_id, "ok", f"by={by.id}")

    def ensure_training_clerks(self) -> None:
        """Training only: the demo manager and clerk with their published PINs. Does nothing to any other
        clerk file (a published PIN must never exist where real money moves)."""
        if self.path.name != TRAINING_DB or self.has_manager():
            return
        manager = self.add(TRAINING_MANAGER[0], TRAINING_MANAGER[1], Role.MANAGER, by=None)
        try:
            self.add(TRAINING_CLERK[0], TRAINING_CLERK[1], Role.CLERK, by=manager)
        except ClerkError:
            pass  # a Trainee already exists (e.g. the manager was removed and re-created)

    # --- checks -----------------------------------------------------------------------------------------

    def login(self, name: str, pin: str, purpose: str = "login") -> Clerk:
        """Check a PIN. Wrong PIN and unknown name give the same message (no user enumeration)."""
        now = self._clock()
        name = (name or "").strip()
        with self._lock:
            row = self._db.execute(
                "SELECT id, name, role, salt, pin_hash, failures, lockouts, locked_until FROM clerks "
                "WHERE name=? AND active=1",
                (name,),
            ).fetchone()
            if row is None:
                hash_pin(pin or "0000")  # same cost as a real check
                self.record(purpose, name, None, "wrong_pin", "unknown name")
                raise ClerkError("Wrong name or PIN.", "wrong_pin", left=None)
            cid, cname, role, salt, stored, failures, lockouts, locked_until = row
            if locked_until and datetime.fromisoformat(locked_until) > now:
                self.record(purpose, cname, cid, "locked_out")
                raise LockedOut(datetime.fromisoformat(locked_until))
            _, digest = hash_pin(pin or "", salt)
            if hmac.compare_digest(digest, stored):
                self._db.execute("UPDATE clerks SET failures=0, locked_until=NULL WHERE id=?", (cid,))
                self.record(purpose, cname, cid, "ok")
                return Clerk(cid, cname, Role(role))
            failures += 1
            if failures >= MAX_FAILURES:
                lockouts += 1
                until = now + LOCKOUT * lockouts
                self._db.execute(
                    "UPDATE clerks SET failures=0, lockouts=?, locked_until=? WHERE id=?",
                    (lockouts, until.isoformat(), cid),
                )
                self.record(purpose, cname, cid, "locked_out", f"until={until.isoformat()}")
                raise LockedOut(until)
            self._db.execute("UPDATE clerks SET failures=? WHERE id=?", (failures, cid))
            self.record(purpose, cname, cid, "wrong_pin", f"failures={failures}")
        left = MAX_FAILURES - failures
        raise ClerkError(f"Wrong name or PIN. Tries left before a lockout: {left}.", "wrong_pin", left=left)

    def require_manager(self, clerk: Clerk | None, action: ManagerAction) -> None:
        if clerk is None or not clerk.is_manager:
            raise NotAllowed(f"Only a manager can do this ({action.value.replace('_', ' ')}).", action.value)

    def approve(self, manager_name: str, pin: str, action: ManagerAction, reason: str,
                clerk: Clerk | None = None, subject: str = "") -> Clerk:
        """A manager approves an action with their PIN; the approval is recorded with its reason."""
        if not reason.strip():
            raise ClerkError("A reason is required.", "reason_required")
        manager = self.login(manager_name, pin, purpose="approve")
        try:
            self.require_manager(manager, action)
        except NotAllowed:
            self.record("approve", manager.name, manager.id, "not_allowed", f"action={action.value}")
            raise
        self._db.execute(
            "INSERT INTO approvals(at, manager_id, clerk_id, action, reason, subject) VALUES (?,?,?,?,?,?)",
            (self._clock().isoformat(), manager.id, clerk.id if clerk else None, action.value,
             reason.strip(), subject),
        )
        self.record("approve", manager.name, manager.id, "granted",
                    f"action={action.value} for={clerk.id if clerk else '-'} subject={subject}")
        return manager
