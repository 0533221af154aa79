"""Clerks, PINs and roles.

PINs are 4-8 ASCII digits (0-9), hashed with scrypt (salted, slow: n=2**14, r=8, p=1, 16 MiB; about 140 ms per
check on this shared 2-core machine) and compared in constant time. Manager-only actions go through
``require_manager``; every approval is written to the ``approvals`` table with who, what and why.

Wrong PINs (docs/decisions/0144, 0145):
- Sign-in: after ``MAX_FAILURES`` wrong PINs in a row a clerk is locked out for ``LOCKOUT`` x the number of
  lockouts so far (5, 10, 15 min...), so a PIN cannot be guessed at the counter. A successful sign-in resets
  the count AND the escalation. A manager's new PIN (``reset_pin``) resets both too.
- The count is atomic across threads and processes sharing the clerk file: a try is *reserved* in a short
  ``BEGIN IMMEDIATE`` transaction before the PIN is hashed (the slow scrypt runs outside any transaction), and
  the try that takes the last slot writes the lockout at once (lifted again if that PIN was right). So any
  number of processes guessing at once get at most ``MAX_FAILURES`` PIN checks before the lockout; a try that
  finds no free slot is refused unchecked. A process that dies mid-check has used its try.
- Manager approvals (``approve``) count wrong PINs separately, per manager, in ``approval_guard``: someone
  typing wrong PINs into an approval dialog does not lock the manager out of their own sign-in. The dialog is
  rate-limited instead: after the n-th wrong approval PIN the next try waits ``APPROVAL_DELAY`` x 2^(n-1)
  seconds (1, 2, 4, 8 s), and the ``MAX_FAILURES``-th pauses approvals by that manager for ``LOCKOUT`` x the
  number of such pauses (event ``approve``/``approval_locked``). A right approval PIN resets it. The two
  counters are independent: a sign-in lockout does not pause approvals, nor the reverse.
- A PIN typed with other digits (fullwidth １２３４, Arabic-Indic ١٢٣٤...) or other characters is refused with
  ``code="pin_digits"`` before any check and is not counted: it can never be a PIN.

Attribution: every sign-in attempt, approval (granted or refused), clerk change and screen lock is a row in
``events`` (UTC time, kind, the name typed, the clerk id when known, outcome, detail). PINs never appear
there or in the log; names do. Clerk names refuse control, bidi and invisible format characters
(``text_safety``), like customer names.

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
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pos_app.sqlite_tx import immediate_transaction
from pos_app.text_safety import has_unsafe

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
APPROVAL_DELAY = timedelta(seconds=1)  # doubled after each wrong approval PIN
PIN_MIN, PIN_MAX = 4, 8
_ASCII_DIGITS = re.compile(r"[0-9]+")
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


def _whole_seconds(wait: timedelta) -> int:
    return max(1, -int(-wait.total_seconds() // 1))  # rounded up: never "wait 0 s"


def _ms(wait: timedelta) -> int:
    return max(1, int(wait.total_seconds() * 1000))


class ApprovalPaused(ClerkError):
    """Too many wrong PINs in manager approvals: approvals by this manager wait until ``until`` (their sign-in
    is not affected)."""

    def __init__(self, manager: str, until: datetime) -> None:
        super().__init__(f"Too many wrong PINs for approvals by {manager}: approvals by {manager} are paused until "
                         f"{until.astimezone().strftime('%H:%M')}. {manager} can still sign in; another manager "
                         "can approve.", "approval_locked", manager=manager, until=until)
        self.until = until


class ApprovalWait(ClerkError):
    """A wrong approval PIN was typed moments ago: the next try must wait ``seconds``."""

    def __init__(self, wait: timedelta) -> None:
        seconds = _whole_seconds(wait)
        super().__init__(f"Wait {seconds} s before the next try.", "approval_wait", seconds=seconds,
                         wait_ms=_ms(wait))
        self.seconds = seconds


class NotAllowed(ClerkError):
    def __init__(self, message: str, action: str = "") -> None:
        super().__init__(message, "not_allowed", action=action)
        self.action = action


def check_pin_digits(pin: str) -> None:
    """Refuse a PIN with anything but the ASCII digits 0-9 (fullwidth or Arabic-Indic digits included)."""
    if not isinstance(pin, str) or not _ASCII_DIGITS.fullmatch(pin):
        raise ClerkError("Type the PIN with the digits 0-9 only (other digit forms such as １２３４ or ١٢٣٤ "
                         "are not accepted).", "pin_digits")


def validate_pin(pin: str) -> None:
    """A new PIN: 4-8 ASCII digits ("pin_digits" when other digit forms were typed, else "pin_format")."""
    if isinstance(pin, str) and pin.isdigit() and not pin.isascii():
        check_pin_digits(pin)
    if not isinstance(pin, str) or not _ASCII_DIGITS.fullmatch(pin) or not PIN_MIN <= len(pin) <= PIN_MAX:
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
CREATE TABLE IF NOT EXISTS approval_guard (
  manager_id INTEGER PRIMARY KEY, failures INTEGER NOT NULL DEFAULT 0, lockouts INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT, next_try_at TEXT);
"""


@dataclass(frozen=True)
class _Reservation:
    """One PIN check that took a slot: ``slot`` = its number among the failures in a row (1..MAX_FAILURES);
    ``until`` is set when it took the last slot (the lockout is already written)."""

    clerk_id: int
    name: str
    role: str
    salt: bytes
    digest: bytes
    slot: int
    until: datetime | None


def _utc(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None



class ClerkRegistry:
    def __init__(self, path: Path | str, clock: Callable[[], datetime] | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._clock = clock or (lambda: datetime.now(UTC))

    def _now(self) -> datetime:
        return self._clock().astimezone(UTC)

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
        if has_unsafe(name):
            raise ClerkError("The name contains a control or invisible formatting character: type it again.",
                             "name_invalid")
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
        with immediate_transaction(self._db, self._lock) as db:
            db.execute("UPDATE clerks SET salt=?, pin_hash=?, failures=0, lockouts=0, locked_until=NULL WHERE id=?",
                       (salt, digest, clerk_id))
            db.execute("DELETE FROM approval_guard WHERE manager_id=?", (clerk_id,))
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

    def login(self, name: str, pin: str) -> Clerk:
        """Check a clerk's PIN to sign in. Wrong PIN and unknown name give the same message (no user
        enumeration); wrong PINs count towards the sign-in lockout (module doc)."""
        clerk, _slot = self._check("login", name, pin)
        return clerk

    # The two counters. Both have (failures, lockouts, locked_until); approvals also have next_try_at.

    def _read_guard(self, db: sqlite3.Connection, scope: str, clerk_id: int) -> tuple[int, int, datetime | None,
                                                                                        datetime | None]:
        if scope == "login":
            row = db.execute("SELECT failures, lockouts, locked_until FROM clerks WHERE id=?", (clerk_id,)).fetchone()
            return row[0], row[1], _utc(row[2]), None
        db.execute("INSERT OR IGNORE INTO approval_guard(manager_id) VALUES (?)", (clerk_id,))
        row = db.execute("SELECT failures, lockouts, locked_until, next_try_at FROM approval_guard "
                         "WHERE manager_id=?", (clerk_id,)).fetchone()
        return row[0], row[1], _utc(row[2]), _utc(row[3])

    def _write_guard(self, db: sqlite3.Connection, scope: str, clerk_id: int, failures: int, lockouts: int,
                     locked_until: datetime | None, next_try_at: datetime | None = None) -> None:
        until = locked_until.isoformat() if locked_until else None
        if scope == "login":
            db.execute("UPDATE clerks SET failures=?, lockouts=?, locked_until=? WHERE id=?",
                       (failures, lockouts, until, clerk_id))
        else:
            db.execute("UPDATE approval_guard SET failures=?, lockouts=?, locked_until=?, next_try_at=? "
                       "WHERE manager_id=?",
                       (failures, lockouts, until, next_try_at.isoformat() if next_try_at else None, clerk_id))

    def _reserve(self, scope: str, name: str) -> _Reservation | None:
        """Take one try (atomically, across processes) or raise when none is free. None = unknown name."""
        kind = "login" if scope == "login" else "approve"
        with immediate_transaction(self._db, self._lock) as db:
            now = self._now()
            row = db.execute("SELECT id, name, role, salt, pin_hash FROM clerks WHERE name=? AND active=1",
                             (name,)).fetchone()
            if row is None:
                return None
            cid, cname = row[0], row[1]
            failures, lockouts, locked_until, next_try_at = self._read_guard(db, scope, cid)
            if locked_until is not None and locked_until > now:
                refused: ClerkError = (LockedOut(locked_until) if scope == "login"
                                       else ApprovalPaused(cname, locked_until))
            elif next_try_at is not None and next_try_at > now:
                refused = ApprovalWait(next_try_at - now)
            else:
                refused = None
            if refused is None:
                slot = failures + 1
                until = None
                if slot >= MAX_FAILURES:  # the last free try: lock now, lifted if this PIN is right
                    lockouts += 1
                    until = now + LOCKOUT * lockouts
                    self._write_guard(db, scope, cid, 0, lockouts, until)
                else:
                    wait = APPROVAL_DELAY * 2 ** (slot - 1) if scope == "approve" else None
                    self._write_guard(db, scope, cid, slot, lockouts, None, now + wait if wait else None)
        if refused is not None:
            outcome = {"locked_out": "locked_out", "approval_locked": "approval_locked"}.get(refused.code,
                                                                                            "approval_wait")
            self.record(kind, cname, cid, outcome, "refused unchecked")
            raise refused
        return _Reservation(cid, cname, row[2], row[3], row[4], slot, until)

    def _check(self, scope: str, name: str, pin: str) -> tuple[Clerk, int]:
        kind = "login" if scope == "login" else "approve"
        name = (name or "").strip()
        if not pin:
            raise ClerkError("Type the PIN.", "pin_required")
        try:
            check_pin_digits(pin)
        except ClerkError:
            self.record(kind, name, None, "pin_digits", "not counted: not the digits 0-9")
            raise
        reservation = self._reserve(scope, name)
        if reservation is None:
            hash_pin(pin)  # same cost as a real check
            self.record(kind, name, None, "wrong_pin", "unknown name")
            raise ClerkError("Wrong name or PIN.", "wrong_pin", left=None)
        r = reservation
        _, digest = hash_pin(pin, r.salt)
        if hmac.compare_digest(digest, r.digest):
            with immediate_transaction(self._db, self._lock) as db:
                self._write_guard(db, scope, r.clerk_id, 0, 0, None)  # success resets the escalation too
            if scope == "login":
                self.record(kind, r.name, r.clerk_id, "ok")
            return Clerk(r.clerk_id, r.name, Role(r.role)), r.slot
        if r.until is not None:
            if scope == "login":
                self.record(kind, r.name, r.clerk_id, "locked_out", f"failures={r.slot} until={r.until.isoformat()}")
                raise LockedOut(r.until)
            self.record(kind, r.name, r.clerk_id, "approval_locked",
                        f"failures={r.slot} until={r.until.isoformat()}")
            raise ApprovalPaused(r.name, r.until)
        left = MAX_FAILURES - r.slot
        self.record(kind, r.name, r.clerk_id, "wrong_pin", f"failures={r.slot}")
        if scope == "login":
            raise ClerkError(f"Wrong name or PIN. Tries left before a lockout: {left}.", "wrong_pin", left=left)
        delay = APPROVAL_DELAY * 2 ** (r.slot - 1)
        wait = _whole_seconds(delay)
        raise ClerkError(f"Wrong name or PIN. Tries left before approvals by {r.name} pause: {left}. "
                         f"Wait {wait} s before the next try.", "approval_wrong_pin", left=left, wait=wait,
                         wait_ms=_ms(delay))

    def require_manager(self, clerk: Clerk | None, action: ManagerAction) -> None:
        if clerk is None or not clerk.is_manager:
            raise NotAllowed(f"Only a manager can do this ({action.value.replace('_', ' ')}).", action.value)

    def approve(self, manager_name: str, pin: str, action: ManagerAction, reason: str,
                clerk: Clerk | None = None, subject: str = "") -> Clerk:
        """A manager approves an action with their PIN; the approval is recorded with its reason. Wrong PINs
        count against approvals by that manager (growing wait, then a pause), never against their sign-in."""
        if not reason.strip():
            raise ClerkError("A reason is required.", "reason_required")
        manager, _slot = self._check("approve", manager_name, pin)
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
