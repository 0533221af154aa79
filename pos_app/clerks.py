"""Clerks, PINs and roles.

PINs are 4-8 ASCII digits (0-9); a manager's PIN in a Sandbox/Live clerk file has at least
``MANAGER_PIN_MIN`` (6) digits (the training file keeps its published 4-digit demo PIN). PINs are hashed with
scrypt (salted, slow: n=2**15, r=8, p=1, 32 MiB; at least 50 ms per check, decision 0208) and compared in
constant time. Each row names its hash parameters (``kdf``): rows hashed with the
older n=2**14 still check and are re-hashed with the current cost at the next right PIN. Manager-only actions
go through ``require_manager``; every approval is written to the ``approvals`` table with who, what and why.

Integrity (decision 0208): with an ``integrity_key`` (Sandbox/Live: a random key in the OS
keyring, see ``credentials.clerk_file_key``) every clerk row carries ``tag`` = HMAC-SHA256 over its id, name,
role, salt, PIN hash, hash parameters and active flag, written with every change the app makes. A row whose
tag is missing or wrong (``UPDATE clerks SET role='manager'``, a row added or a PIN hash swapped outside the
app) makes the whole file refused: every sign-in, approval, list and change raises :class:`ClerkFileTampered`
(code ``clerk_file_tampered``, names the row) and nothing is written. A key made for a file that has rows
(the first start after this change, or a moved data folder) tags the rows it finds once (trust on first use;
``adopted`` is True). The training file has no key (its PINs are published anyway).

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

from pos_app import migrations
from pos_app.migrations import Migration
from pos_app.sqlite_tx import immediate_transaction
from pos_app.storage_errors import What, storage_errors
from pos_app.storage_errors import connect as storage_connect
from pos_app.text_safety import has_unsafe

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
APPROVAL_DELAY = timedelta(seconds=1)  # doubled after each wrong approval PIN
PIN_MIN, PIN_MAX = 4, 8
MANAGER_PIN_MIN = 6
_ASCII_DIGITS = re.compile(r"[0-9]+")
KDF = "scrypt:15:8:1"           # what new PIN hashes use (n = 2**15)
LEGACY_KDF = "scrypt:14:8:1"    # rows written before the cost was raised

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


class WrongPin(ClerkError):
    """Wrong name or PIN (an unknown name says the same: no user enumeration). ``left``: tries before the
    sign-in lockout (code ``wrong_pin``) or before approvals by that manager pause (code ``approval_wrong_pin``,
    with ``wait`` seconds before the next try); None for an unknown name."""

    def __init__(self, message: str, code: str = "wrong_pin", left: int | None = None, **values: object) -> None:
        super().__init__(message, code, left=left, **values)
        self.left = left


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


def pin_min(role: Role | str = "clerk", training: bool = False) -> int:
    """The fewest digits a new PIN may have: managers of a Sandbox/Live file need ``MANAGER_PIN_MIN``."""
    return MANAGER_PIN_MIN if Role(role) is Role.MANAGER and not training else PIN_MIN


def validate_pin(pin: str, role: Role | str = "clerk", training: bool = False) -> None:
    """A new PIN: ``pin_min(role, training)``-8 ASCII digits ("pin_digits" when other digit forms were typed,
    else "pin_format" with ``min``/``max``)."""
    if isinstance(pin, str) and pin.isdigit() and not pin.isascii():
        check_pin_digits(pin)
    low = pin_min(role, training)
    if not isinstance(pin, str) or not _ASCII_DIGITS.fullmatch(pin) or not low <= len(pin) <= PIN_MAX:
        who = "A manager's PIN" if low > PIN_MIN else "PIN"
        raise ClerkError(f"{who} must be {low} to {PIN_MAX} digits.", "pin_format", min=low, max=PIN_MAX)


def _kdf_params(kdf: str) -> dict:
    name, log_n, r, p = kdf.split(":")
    if name != "scrypt":
        raise ValueError(f"unknown PIN hash {name!r}")
    n, r, p = 2 ** int(log_n), int(r), int(p)
    return {"n": n, "r": r, "p": p, "dklen": 32, "maxmem": 128 * r * n * p + 2**24}


def hash_pin(pin: str, salt: bytes | None = None, kdf: str = KDF) -> tuple[bytes, bytes]:
    salt = salt or os.urandom(16)
    return salt, hashlib.scrypt(pin.encode("utf-8"), salt=salt, **_kdf_params(kdf))


class ClerkFileTampered(ClerkError):
    """A clerk row's integrity tag is missing or wrong: the file was changed outside the app."""

    def __init__(self, clerk_id: int, name: str) -> None:
        super().__init__(f"The clerk file was changed outside this app (clerk {name!r}, row {clerk_id}): sign-in, "
                         "approvals and clerk changes are refused. Restore the clerk file (clerks.db) from a "
                         "backup, or ask your support to set the clerks up again.", "clerk_file_tampered",
                         name=name, clerk_id=clerk_id)


TRAINING_DB = "clerks-training.db"


def clerks_db_path(data_dir: Path, environment: str) -> Path:
    """Training clerks (with the demo PINs) never share a file with the real ones."""
    return data_dir / (TRAINING_DB if environment == "training" else "clerks.db")


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
        db.execute(f"ALTER TABLE clerks ADD COLUMN kdf TEXT NOT NULL DEFAULT '{LEGACY_KDF}'")
    if "tag" not in columns:
        db.execute("ALTER TABLE clerks ADD COLUMN tag BLOB")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "one shape for every clerk file made before numbered migrations", _v1_one_shape),
)


@dataclass(frozen=True)
class _Reservation:
    """One PIN check that took a slot: ``slot`` = its number among the failures in a row (1..MAX_FAILURES);
    ``until`` is set when it took the last slot (the lockout is already written)."""

    clerk_id: int
    name: str
    role: str
    salt: bytes
    digest: bytes
    kdf: str
    slot: int
    until: datetime | None


def _utc(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None



_ROW = "id, name, role, salt, pin_hash, kdf, active, tag"


class ClerkRegistry:
    def __init__(self, path: Path | str, clock: Callable[[], datetime] | None = None,
                 integrity_key: bytes | None = None, key_is_new: bool = False) -> None:
        """``integrity_key``: the clerk file's HMAC key (None = rows are not tagged: training, tests).
        ``key_is_new``: the key was just made for this file, so rows already there are tagged now (once)."""
        self.path = Path(path)
        with storage_errors(self.path, What.CLERKS):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Storage faults (read-only folder, full disk, damaged file) come out as StorageError naming the file.
        self._db = storage_connect(self.path, What.CLERKS, check_same_thread=False, isolation_level=None,
                                   timeout=30)
        migrations.refuse_newer(self._db, MIGRATIONS, "clerk file")  # before WAL rewrites the header
        self._db.execute("PRAGMA journal_mode=WAL")
        migrations.migrate(self._db, MIGRATIONS, "clerk file")
        self._lock = threading.RLock()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._key = integrity_key
        self.adopted = False
        if integrity_key is not None:
            self._start_integrity(key_is_new)

    # --- integrity (module docstring) ----------------------------------------------------------------------

    def _tag(self, row: tuple) -> bytes:
        cid, name, role, salt, digest, kdf, active = row[:7]
        message = b"\x1f".join([str(cid).encode(), name.encode("utf-8"), role.encode(), bytes(salt),
                                bytes(digest), kdf.encode(), str(int(active)).encode()])
        return hmac.new(self._key, b"pos-app clerk row v1\x1e" + message, hashlib.sha256).digest()

    def _fingerprint(self) -> bytes:
        return hmac.new(self._key, b"pos-app clerk file key", hashlib.sha256).digest()

    def _start_integrity(self, key_is_new: bool) -> None:
        with immediate_transaction(self._db, self._lock) as db:
            stored = db.execute("SELECT fingerprint FROM integrity WHERE id=1").fetchone()
            if key_is_new and (stored is None or not hmac.compare_digest(bytes(stored[0]), self._fingerprint())):
                # A key made just now for this file: adopt what is there (trust on first use). An existing key
                # never adopts: a file without (or with another) fingerprint is then refused by verify().
                rows = db.execute(f"SELECT {_ROW} FROM clerks").fetchall()
                for row in rows:
                    db.execute("UPDATE clerks SET tag=? WHERE id=?", (self._tag(row), row[0]))
                db.execute("INSERT OR REPLACE INTO integrity(id, fingerprint) VALUES (1, ?)", (self._fingerprint(),))
                self.adopted = bool(rows)
        if self.adopted:
            self.record("integrity", "-", None, "adopted", "existing clerk rows tagged with a new key")

    def _verified(self, row: tuple) -> tuple:
        """``row`` (``_ROW`` order) if its tag is right; else ClerkFileTampered. No key: always."""
        if self._key is not None and (row[7] is None or not hmac.compare_digest(bytes(row[7]), self._tag(row))):
            log.error("clerk file: row %s has a missing or wrong integrity tag", row[0])
            raise ClerkFileTampered(row[0], row[1])
        return row

    def verify(self) -> None:
        """Check every clerk row's tag and the key fingerprint (raises ClerkFileTampered)."""
        if self._key is None:
            return
        stored = self._db.execute("SELECT fingerprint FROM integrity WHERE id=1").fetchone()
        if stored is None or not hmac.compare_digest(bytes(stored[0]), self._fingerprint()):
            raise ClerkFileTampered(0, "(the file's key)")
        for row in self._db.execute(f"SELECT {_ROW} FROM clerks").fetchall():
            self._verified(row)

    def _retag(self, db: sqlite3.Connection, clerk_id: int) -> None:
        if self._key is None:
            return
        row = db.execute(f"SELECT {_ROW} FROM clerks WHERE id=?", (clerk_id,)).fetchone()
        db.execute("UPDATE clerks SET tag=? WHERE id=?", (self._tag(row), clerk_id))

    def _now(self) -> datetime:
        return self._clock().astimezone(UTC)

    def close(self) -> None:
        self._db.close()

    # --- queries ----------------------------------------------------------------------------------------

    def has_manager(self) -> bool:
        return any(c.is_manager for c in self.list())

    def list(self) -> list[Clerk]:
        """Active clerks by name. With a key, every row is checked first (ClerkFileTampered)."""
        self.verify()
        rows = self._db.execute("SELECT id, name, role FROM clerks WHERE active=1 ORDER BY name").fetchall()
        return [Clerk(r[0], r[1], Role(r[2])) for r in rows]

    def get(self, clerk_id: int) -> Clerk | None:
        self.verify()
        row = self._db.execute(f"SELECT {_ROW} FROM clerks WHERE id=? AND active=1", (clerk_id,)).fetchone()
        if row is None:
            return None
        self._verified(row)
        return Clerk(row[0], row[1], Role(row[2]))

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
        validate_pin(pin, role, training=self.path.name == TRAINING_DB)
        self.verify()
        if by is None:
            if self.has_manager() or role is not Role.MANAGER:
                raise NotAllowed("Only a manager can add clerks.", ManagerAction.MANAGE_CLERKS.value)
        else:
            self.require_manager(by, ManagerAction.MANAGE_CLERKS)
        salt, digest = hash_pin(pin)
        try:
            with immediate_transaction(self._db, self._lock) as db:
                cur = db.execute("INSERT INTO clerks(name, role, salt, pin_hash, kdf) VALUES (?,?,?,?,?)",
                                 (name, role.value, salt, digest, KDF))
                self._retag(db, int(cur.lastrowid))
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
        with immediate_transaction(self._db, self._lock) as db:
            db.execute("UPDATE clerks SET active=0 WHERE id=?", (clerk_id,))
            self._retag(db, clerk_id)
        self.record("deactivate", target.name, clerk_id, "ok", f"by={by.id}")

    def reset_pin(self, clerk_id: int, new_pin: str, by: Clerk) -> None:
        """A manager sets a new PIN for a clerk (also clears a lockout)."""
        self.require_manager(by, ManagerAction.MANAGE_CLERKS)
        target = self.get(clerk_id)
        if target is None:
            raise ClerkError("No such clerk.", "no_such_clerk")
        validate_pin(new_pin, target.role, training=self.path.name == TRAINING_DB)
        salt, digest = hash_pin(new_pin)
        with immediate_transaction(self._db, self._lock) as db:
            db.execute("UPDATE clerks SET salt=?, pin_hash=?, kdf=?, failures=0, lockouts=0, locked_until=NULL "
                       "WHERE id=?", (salt, digest, KDF, clerk_id))
            db.execute("DELETE FROM approval_guard WHERE manager_id=?", (clerk_id,))
            self._retag(db, clerk_id)
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
            row = db.execute(f"SELECT {_ROW} FROM clerks WHERE name=? AND active=1", (name,)).fetchone()
            if row is None:
                return None
            self._verified(row)  # a tampered row is refused before any try is counted or PIN checked
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
        return _Reservation(cid, cname, row[2], row[3], row[4], row[5], slot, until)

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
        self.verify()  # any row changed outside the app: the whole file is refused, nothing counted
        reservation = self._reserve(scope, name)
        if reservation is None:
            hash_pin(pin)  # same cost as a real check
            self.record(kind, name, None, "wrong_pin", "unknown name")
            raise WrongPin("Wrong name or PIN.")
        r = reservation
        _, digest = hash_pin(pin, r.salt, r.kdf)
        if hmac.compare_digest(digest, r.digest):
            # An older, cheaper hash: re-hash this PIN with today's cost (outside the transaction, like checks).
            upgrade = hash_pin(pin) if r.kdf != KDF else None
            with immediate_transaction(self._db, self._lock) as db:
                self._write_guard(db, scope, r.clerk_id, 0, 0, None)  # success resets the escalation too
                if upgrade is not None:
                    db.execute("UPDATE clerks SET salt=?, pin_hash=?, kdf=? WHERE id=? AND pin_hash=?",
                               (upgrade[0], upgrade[1], KDF, r.clerk_id, r.digest))
                    self._retag(db, r.clerk_id)
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
            raise WrongPin(f"Wrong name or PIN. Tries left before a lockout: {left}.", left=left)
        delay = APPROVAL_DELAY * 2 ** (r.slot - 1)
        wait = _whole_seconds(delay)
        raise WrongPin(f"Wrong name or PIN. Tries left before approvals by {r.name} pause: {left}. "
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
