"""Clerks, PINs and roles.

PINs are hashed with scrypt (salted, slow: n=2**14, r=8, p=1, about 20-50 ms here) and compared in
constant time. After ``MAX_FAILURES`` wrong PINs in a row a clerk is locked out for ``LOCKOUT`` (the lock
grows with repeated lockouts), so a 4-6 digit PIN cannot be guessed at the counter. Manager-only actions go
through ``require_manager``; every approval is written to the ``approvals`` table with who, what and why.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
PIN_MIN, PIN_MAX = 4, 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class Role(StrEnum):
    CLERK = "clerk"
    MANAGER = "manager"


class ManagerAction(StrEnum):
    VOID = "void"
    REFUND = "refund"
    SETTINGS = "settings"
    MANAGE_CLERKS = "manage_clerks"
    GO_LIVE = "go_live"


@dataclass(frozen=True)
class Clerk:
    id: int
    name: str
    role: Role

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER


class ClerkError(Exception):
    """A safe, user-facing message (wrong PIN, locked out, not allowed...)."""


class LockedOut(ClerkError):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"Too many wrong PINs. Try again after {until.astimezone().strftime('%H:%M')}.")
        self.until = until


class NotAllowed(ClerkError):
    pass


def validate_pin(pin: str) -> None:
    if not pin.isdigit() or not (PIN_MIN <= len(pin) <= PIN_MAX):
        raise ClerkError(f"PIN must be {PIN_MIN} to {PIN_MAX} digits.")


def hash_pin(pin: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    salt = salt or os.urandom(16)
    return salt, hashlib.scrypt(pin.encode("utf-8"), salt=salt, **_SCRYPT)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS clerks (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, role TEXT NOT NULL,
  salt BLOB NOT NULL, pin_hash BLOB NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
  lockouts INTEGER NOT NULL DEFAULT 0, locked_until TEXT, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS approvals (
  id INTEGER PRIMARY KEY, at TEXT NOT NULL, manager_id INTEGER NOT NULL, clerk_id INTEGER,
  action TEXT NOT NULL, reason TEXT NOT NULL, subject TEXT);
"""


class ClerkRegistry:
    def __init__(self, path: Path | str, clock: Callable[[], datetime] | None = None) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._clock = clock or (lambda: datetime.now(UTC))

    def close(self) -> None:
        self._db.close()

    def has_manager(self) -> bool:
        row = self._db.execute("SELECT 1 FROM clerks WHERE role=? AND active=1", (Role.MANAGER.value,)).fetchone()
        return row is not None

    def list(self) -> list[Clerk]:
        rows = self._db.execute("SELECT id, name, role FROM clerks WHERE active=1 ORDER BY name").fetchall()
        return [Clerk(r[0], r[1], Role(r[2])) for r in rows]

    def add(self, name: str, pin: str, role: Role, by: Clerk | None) -> Clerk:
        """Add a clerk. Only a manager may, except for the very first manager during set-up."""
        name = name.strip()
        if not name:
            raise ClerkError("Name is required.")
        validate_pin(pin)
        if by is None:
            if self.has_manager() or role is not Role.MANAGER:
                raise NotAllowed("Only a manager can add clerks.")
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
                raise ClerkError(f"A clerk named {name!r} already exists.") from exc
        return Clerk(int(cur.lastrowid), name, role)

    def deactivate(self, clerk_id: int, by: Clerk) -> None:
        self.require_manager(by, ManagerAction.MANAGE_CLERKS)
        if clerk_id == by.id:
            raise ClerkError("You cannot remove yourself.")
        self._db.execute("UPDATE clerks SET active=0 WHERE id=?", (clerk_id,))

    def login(self, name: str, pin: str) -> Clerk:
        """Check a PIN. Wrong PIN and unknown name give the same message (no user enumeration)."""
        now = self._clock()
        with self._lock:
            row = self._db.execute(
                "SELECT id, name, role, salt, pin_hash, failures, lockouts, locked_until FROM clerks "
                "WHERE name=? AND active=1",
                (name.strip(),),
            ).fetchone()
            if row is None:
                hash_pin(pin or "0000")  # same cost as a real check
                raise ClerkError("Wrong name or PIN.")
            cid, cname, role, salt, stored, failures, lockouts, locked_until = row
            if locked_until and datetime.fromisoformat(locked_until) > now:
                raise LockedOut(datetime.fromisoformat(locked_until))
            _, digest = hash_pin(pin, salt)
            if hmac.compare_digest(digest, stored):
                self._db.execute("UPDATE clerks SET failures=0, locked_until=NULL WHERE id=?", (cid,))
                return Clerk(cid, cname, Role(role))
            failures += 1
            if failures >= MAX_FAILURES:
                lockouts += 1
                until = now + LOCKOUT * lockouts
                self._db.execute(
                    "UPDATE clerks SET failures=0, lockouts=?, locked_until=? WHERE id=?",
                    (lockouts, until.isoformat(), cid),
                )
                raise LockedOut(until)
            self._db.execute("UPDATE clerks SET failures=? WHERE id=?", (failures, cid))
        left = MAX_FAILURES - failures
        raise ClerkError(f"Wrong name or PIN. {left} tries left before a lockout.")

    def require_manager(self, clerk: Clerk, action: ManagerAction) -> None:
        if not clerk.is_manager:
            raise NotAllowed(f"Only a manager can do this ({action.value.replace('_', ' ')}).")

    def approve(self, manager_name: str, pin: str, action: ManagerAction, reason: str,
                clerk: Clerk | None = None, subject: str = "") -> Clerk:
        """A manager approves an action with their PIN; the approval is recorded with its reason."""
        if not reason.strip():
            raise ClerkError("A reason is required.")
        manager = self.login(manager_name, pin)
        self.require_manager(manager, action)
        self._db.execute(
            "INSERT INTO approvals(at, manager_id, clerk_id, action, reason, subject) VALUES (?,?,?,?,?,?)",
            (self._clock().isoformat(), manager.id, clerk.id if clerk else None, action.value,
             reason.strip(), subject),
        )
        return manager

    def approvals(self) -> list[tuple]:
        return self._db.execute(
            "SELECT at, manager_id, clerk_id, action, reason, subject FROM approvals ORDER BY id"
        ).fetchall()
