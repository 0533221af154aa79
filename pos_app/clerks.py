"""Clerks, PINs and roles: the rules. Where they are kept is a ``pos_app.clerkstore.ClerkStore`` (the SQLite
clerk file of a counter, or PostgreSQL for a store); every rule below is applied here, the same on both.

PINs are 4-8 ASCII digits (0-9); a manager's PIN in a Sandbox/Live clerk file has at least
``MANAGER_PIN_MIN`` (6) digits (the training file keeps its published 4-digit demo PIN). PINs are hashed with
scrypt (salted, slow: n=2**15, r=8, p=1, 32 MiB; at least 50 ms per check, decision 0208) and compared in
constant time. Each row names its hash parameters (``kdf``): rows hashed with the
older n=2**14 still check and are re-hashed with the current cost at the next right PIN. Manager-only actions
go through ``require_manager``; every approval is recorded (``approvals()``) with who, what and why.

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
- The count is atomic across threads, processes and connections sharing the store: a try is *reserved* in a
  short write transaction (its counter locked: ``ClerkTx.guard``) before the PIN is hashed (the slow scrypt
  runs outside any transaction), and
  the try that takes the last slot writes the lockout at once (lifted again if that PIN was right). So any
  number of processes guessing at once get at most ``MAX_FAILURES`` PIN checks before the lockout; a try that
  finds no free slot is refused unchecked. A process that dies mid-check has used its try.
- Manager approvals (``approve``) count wrong PINs separately, per manager (``Scope.APPROVE``): someone
  typing wrong PINs into an approval dialog does not lock the manager out of their own sign-in. The dialog is
  rate-limited instead: after the n-th wrong approval PIN the next try waits ``APPROVAL_DELAY`` x 2^(n-1)
  seconds (1, 2, 4, 8 s), and the ``MAX_FAILURES``-th pauses approvals by that manager for ``LOCKOUT`` x the
  number of such pauses (event ``approve``/``approval_locked``). A right approval PIN resets it. The two
  counters are independent: a sign-in lockout does not pause approvals, nor the reverse.
- A PIN typed with other digits (fullwidth １２３４, Arabic-Indic ١٢٣٤...) or other characters is refused with
  ``code="pin_digits"`` before any check and is not counted: it can never be a PIN.

Attribution: every sign-in attempt, approval (granted or refused), clerk change and screen lock is an entry
in the store's append-only audit trail (``pos_app.audit``: UTC time, lane, who, action, subject, outcome,
detail); ``events()`` shows them as before (kind, the name typed or acted on, that clerk's id, outcome,
detail). A change and its entry commit together, as do an approval, its entry and the reset of the manager's
approval counter: an approval that was not recorded was not given. PINs never appear there or in the log;
names do. Clerk names refuse control, bidi and invisible format characters
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
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pos_app.audit import AuditEntry, AuditEvent, AuditQuery, AuditTrail
from pos_app.clerkstore import ApprovalRecord, ClerkRow, ClerkStore, ClerkTx, Guard, NameTaken, Scope
from pos_app.clerkstore.sqlite import SqliteClerkStore
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


@dataclass(frozen=True)
class _Reservation:
    """One PIN check that took a slot: ``slot`` = its number among the failures in a row (1..MAX_FAILURES);
    ``until`` is set when it took the last slot (the lockout is already written)."""

    clerk: ClerkRow
    slot: int
    until: datetime | None


CLERK_CHANGES = ("add", "deactivate", "reset_pin")  # audit entries whose subject is the clerk changed


def _as_event(entry: AuditEntry) -> Event:
    """An audit entry as ``events()`` shows it: the name typed or acted on (for a clerk change: that clerk)."""
    e = entry.event
    if e.action in CLERK_CHANGES and e.subject_id is not None and e.subject_id.isdigit():
        return Event(e.at, e.action, e.subject, int(e.subject_id), e.outcome, e.detail)
    return Event(e.at, e.action, e.who, e.who_id, e.outcome, e.detail)


class ClerkRegistry:
    def __init__(self, path: Path | str | ClerkStore, clock: Callable[[], datetime] | None = None,
                 integrity_key: bytes | None = None, key_is_new: bool = False, *,
                 training: bool | None = None, lane: str = "") -> None:
        """``path``: the clerk file (SQLite, made with its folder when missing), or an open ``ClerkStore``
        (PostgreSQL: ``pos_app.clerkstore.pg.PgClerkStore``) that the registry then owns (``close`` closes it).
        ``integrity_key``: the store's HMAC key (None = rows are not tagged: training, tests).
        ``key_is_new``: the key was just made for this store, so rows already there are tagged now (once).
        ``training``: the training clerks (demo clerks, their 4-digit manager PIN); by default a file named
        ``TRAINING_DB``. ``lane``: the counter, written with every audit entry."""
        if isinstance(path, str | os.PathLike):
            if str(path).startswith(("postgresql:", "postgres:")):
                raise ValueError("a database URL is not a clerk file: pass PgClerkStore(url) instead")
            self._store: ClerkStore = SqliteClerkStore(path)
        else:
            self._store = path
        self.path: Path | None = self._store.path if isinstance(self._store, SqliteClerkStore) else None
        self.training = (self.path is not None and self.path.name == TRAINING_DB) if training is None else training
        self.lane = lane
        self._clock = clock or (lambda: datetime.now(UTC))
        self._key = integrity_key
        self.adopted = False
        if integrity_key is not None and key_is_new:
            try:
                self._adopt()
            except BaseException:
                self._store.close()
                raise

    @property
    def name(self) -> str:
        """Where the clerks are kept (the file's path or the database's name; never a password)."""
        return self._store.name

    @property
    def store(self) -> ClerkStore:
        """The store the clerks are kept in (owned by this registry)."""
        return self._store

    @property
    def audit(self) -> AuditTrail:
        """The audit trail of this store (read it with ``pos_app.audit.AuditQuery`` filters)."""
        return self._store.audit

    # --- integrity (module docstring) ----------------------------------------------------------------------

    def _tag(self, row: ClerkRow) -> bytes:
        message = b"\x1f".join([str(row.id).encode(), row.name.encode("utf-8"), row.role.encode(), bytes(row.salt),
                                bytes(row.pin_hash), row.kdf.encode(), str(int(row.active)).encode()])
        return hmac.new(self._key, b"pos-app clerk row v1\x1e" + message, hashlib.sha256).digest()

    def _fingerprint(self) -> bytes:
        return hmac.new(self._key, b"pos-app clerk file key", hashlib.sha256).digest()

    def _adopt(self) -> None:
        """A key made just now for this store: adopt what is there (trust on first use). An existing key never
        adopts: a store without (or with another) fingerprint is then refused by verify()."""
        with self._store.writing() as tx:
            stored = tx.fingerprint()
            if stored is not None and hmac.compare_digest(stored, self._fingerprint()):
                return
            rows = tx.clerks(include_inactive=True)
            for row in rows:
                tx.set_tag(row.id, self._tag(row))
            tx.set_fingerprint(self._fingerprint())
            self.adopted = bool(rows)
            if self.adopted:
                event = self._event("integrity", "-", None, "adopted", "existing clerk rows tagged with a new key")
                tx.append(event)
        if self.adopted:
            self._log(event)

    def _verified(self, row: ClerkRow) -> ClerkRow:
        """``row`` if its tag is right; else ClerkFileTampered. No key: always."""
        if self._key is not None and (row.tag is None or not hmac.compare_digest(row.tag, self._tag(row))):
            log.error("clerk file: row %s has a missing or wrong integrity tag", row.id)
            raise ClerkFileTampered(row.id, row.name)
        return row

    def _all_verified(self) -> list[ClerkRow]:
        """Every clerk row (one snapshot, ordered by name), each checked against its tag, and the key's
        fingerprint and the append-only guards checked (ClerkFileTampered). No key: unchecked."""
        with self._store.reading() as view:
            stored = view.fingerprint() if self._key is not None else None
            rows = view.clerks(include_inactive=True)
        if self._key is None:
            return rows
        if stored is None or not hmac.compare_digest(stored, self._fingerprint()):
            raise ClerkFileTampered(0, "(the file's key)")
        for row in rows:
            self._verified(row)
        problems = self._store.integrity_problems()
        if problems:
            log.error("clerk file: %s", "; ".join(problems))
            raise ClerkFileTampered(0, "(the append-only audit trail)")
        return rows

    def verify(self) -> None:
        """Check every clerk row's tag, the key fingerprint and the append-only audit trail (raises
        ClerkFileTampered)."""
        self._all_verified()

    def _change(self, tx: ClerkTx, clerk_id: int, *, active: bool | None = None,
                pin: tuple[bytes, bytes, str] | None = None, only_if_hash: bytes | None = None) -> bool:
        """Change one clerk row inside ``tx`` and write its new tag. The row is checked against its tag first,
        inside the transaction (a row changed outside the app since is refused, never re-tagged).
        False (nothing written) when ``only_if_hash`` no longer matches."""
        row = tx.clerk(clerk_id=clerk_id, include_inactive=True)
        if row is None:
            raise ClerkError("No such clerk.", "no_such_clerk")
        self._verified(row)
        if pin is not None:
            if not tx.set_pin(clerk_id, *pin, only_if_hash=only_if_hash):
                return False
            row = replace(row, salt=pin[0], pin_hash=pin[1], kdf=pin[2])
        if active is not None:
            tx.set_active(clerk_id, active)
            row = replace(row, active=active)
        if self._key is not None:
            tx.set_tag(clerk_id, self._tag(row))
        return True

    def _now(self) -> datetime:
        return self._clock().astimezone(UTC)

    def close(self) -> None:
        self._store.close()

    # --- queries ----------------------------------------------------------------------------------------

    def has_manager(self) -> bool:
        return any(c.is_manager for c in self.list())

    def list(self) -> list[Clerk]:
        """Active clerks by name. With a key, every row is checked first (ClerkFileTampered)."""
        return [Clerk(r.id, r.name, Role(r.role)) for r in self._all_verified() if r.active]

    def get(self, clerk_id: int) -> Clerk | None:
        for row in self._all_verified():
            if row.id == clerk_id and row.active:
                return Clerk(row.id, row.name, Role(row.role))
        return None

    def events(self, kind: str | None = None) -> list[Event]:
        """The audit trail as clerk events (oldest first), optionally of one kind."""
        return [_as_event(e) for e in self._store.audit.read(AuditQuery(action=kind))]

    def approvals(self) -> list[ApprovalRecord]:
        """Every granted approval, oldest first: ``(at, manager_id, clerk_id, action, reason, subject)``."""
        with self._store.reading() as view:
            return view.approvals()

    # --- audit ------------------------------------------------------------------------------------------

    def _event(self, kind: str, name: str, clerk_id: int | None, outcome: str, detail: str = "", *,
               subject: str = "", subject_id: str | None = None) -> AuditEvent:
        return AuditEvent(at=self._now(), action=kind, outcome=outcome, who=name or "-", who_id=clerk_id,
                          lane=self.lane, subject=subject, subject_id=subject_id, detail=detail)

    @staticmethod
    def _log(event: AuditEvent) -> None:
        log.info("clerk event %s %s: %s (clerk id %s) %s%s", event.action, event.outcome, event.who,
                 event.who_id, f"{event.subject} " if event.subject else "", event.detail)

    def record(self, kind: str, name: str, clerk_id: int | None, outcome: str, detail: str = "") -> None:
        """Attribute an event (the UI records screen locks here too). Never pass a PIN."""
        event = self._event(kind, name, clerk_id, outcome, detail)
        self._store.audit.append(event)
        self._log(event)

    # --- changes ----------------------------------------------------------------------------------------

    def add(self, name: str, pin: str, role: Role, by: Clerk | None) -> Clerk:
        """Add a clerk. Only a manager may, except for the very first manager during set-up. The clerk and
        its audit entry commit together."""
        name = name.strip()
        if not name:
            raise ClerkError("Name is required.", "name_required")
        if has_unsafe(name):
            raise ClerkError("The name contains a control or invisible formatting character: type it again.",
                             "name_invalid")
        if len(name) > 40:
            raise ClerkError("Name is too long (at most 40 characters).", "name_too_long")
        validate_pin(pin, role, training=self.training)
        self.verify()
        if by is None:
            if self.has_manager() or role is not Role.MANAGER:
                raise NotAllowed("Only a manager can add clerks.", ManagerAction.MANAGE_CLERKS.value)
        else:
            self.require_manager(by, ManagerAction.MANAGE_CLERKS)
        salt, digest = hash_pin(pin)
        try:
            with self._store.writing() as tx:
                if by is None and any(r.role == Role.MANAGER.value for r in tx.clerks()):
                    # another set-up made the first manager meanwhile
                    raise NotAllowed("Only a manager can add clerks.", ManagerAction.MANAGE_CLERKS.value)
                clerk_id = tx.add_clerk(name, role.value, salt, digest, KDF)
                if self._key is not None:
                    tx.set_tag(clerk_id, self._tag(ClerkRow(clerk_id, name, role.value, salt, digest, KDF, True,
                                                            None)))
                event = self._event("add", by.name if by else "-", by.id if by else None, "ok",
                                    f"role={role.value} by={by.id if by else 'setup'}",
                                    subject=name, subject_id=str(clerk_id))
                tx.append(event)
        except NameTaken:
            raise ClerkError(f"A clerk named {name!r} already exists.", "name_taken", name=name) from None
        self._log(event)
        return Clerk(clerk_id, name, role)

    def deactivate(self, clerk_id: int, by: Clerk) -> None:
        self.require_manager(by, ManagerAction.MANAGE_CLERKS)
        if clerk_id == by.id:
            raise ClerkError("You cannot remove yourself.", "remove_self")
        target = self.get(clerk_id)
        if target is None:
            raise ClerkError("No such clerk.", "no_such_clerk")
        with self._store.writing() as tx:
            if target.is_manager and not any(r.role == Role.MANAGER.value and r.id != clerk_id
                                             for r in tx.clerks()):
                raise ClerkError("The last manager cannot be removed.", "last_manager")
            self._change(tx, clerk_id, active=False)
            event = self._event("deactivate", by.name, by.id, "ok", f"by={by.id}", subject=target.name,
                                subject_id=str(clerk_id))
            tx.append(event)
        self._log(event)

    def reset_pin(self, clerk_id: int, new_pin: str, by: Clerk) -> None:
        """A manager sets a new PIN for a clerk (also clears a lockout and an approval pause)."""
        self.require_manager(by, ManagerAction.MANAGE_CLERKS)
        target = self.get(clerk_id)
        if target is None:
            raise ClerkError("No such clerk.", "no_such_clerk")
        validate_pin(new_pin, target.role, training=self.training)
        salt, digest = hash_pin(new_pin)
        with self._store.writing() as tx:
            self._change(tx, clerk_id, pin=(salt, digest, KDF))
            tx.set_guard(Scope.LOGIN, clerk_id, Guard())
            tx.set_guard(Scope.APPROVE, clerk_id, Guard())
            event = self._event("reset_pin", by.name, by.id, "ok", f"by={by.id}", subject=target.name,
                                subject_id=str(clerk_id))
            tx.append(event)
        self._log(event)

    def ensure_training_clerks(self) -> None:
        """Training only: the demo manager and clerk with their published PINs. Does nothing to any other
        clerk store (a published PIN must never exist where real money moves)."""
        if not self.training or self.has_manager():
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

        def signed_in(tx: ClerkTx, clerk: Clerk) -> tuple[list[AuditEvent], ClerkError | None]:
            event = self._event("login", clerk.name, clerk.id, "ok")
            tx.append(event)
            return [event], None

        return self._check(Scope.LOGIN, name, pin, signed_in)

    def _reserve(self, scope: Scope, name: str) -> _Reservation | None:
        """Take one try (atomically, across processes and connections) or raise when none is free.
        None = unknown name."""
        refused: ClerkError | None = None
        with self._store.writing() as tx:
            now = self._now()
            row = tx.clerk(name=name)
            if row is None:
                return None
            self._verified(row)  # a tampered row is refused before any try is counted or PIN checked
            guard = tx.guard(scope, row.id)  # locked until this transaction ends
            if guard.locked_until is not None and guard.locked_until > now:
                refused = (LockedOut(guard.locked_until) if scope is Scope.LOGIN
                           else ApprovalPaused(row.name, guard.locked_until))
            elif guard.next_try_at is not None and guard.next_try_at > now:
                refused = ApprovalWait(guard.next_try_at - now)
            if refused is not None:
                outcome = {"locked_out": "locked_out", "approval_locked": "approval_locked"}.get(refused.code,
                                                                                                "approval_wait")
                event = self._event(scope.value, row.name, row.id, outcome, "refused unchecked")
                tx.append(event)
            else:
                slot, until, lockouts = guard.failures + 1, None, guard.lockouts
                if slot >= MAX_FAILURES:  # the last free try: lock now, lifted if this PIN is right
                    lockouts += 1
                    until = now + LOCKOUT * lockouts
                    tx.set_guard(scope, row.id, Guard(0, lockouts, until))
                else:
                    wait = APPROVAL_DELAY * 2 ** (slot - 1) if scope is Scope.APPROVE else None
                    tx.set_guard(scope, row.id, Guard(slot, lockouts, None, now + wait if wait else None))
        if refused is not None:
            self._log(event)
            raise refused
        return _Reservation(row, slot, until)

    def _check(self, scope: Scope, name: str, pin: str,
               on_success: Callable[[ClerkTx, Clerk], tuple[list[AuditEvent], ClerkError | None]]) -> Clerk:
        """Check ``name``'s PIN, counting a wrong one against ``scope``. A right PIN resets the counter in one
        transaction with what ``on_success`` writes (its audit entries; it returns them and an error to raise
        once committed, or None)."""
        kind = scope.value
        name = (name or "").strip()
        if not pin:
            raise ClerkError("Type the PIN.", "pin_required")
        try:
            check_pin_digits(pin)
        except ClerkError:
            self.record(kind, name, None, "pin_digits", "not counted: not the digits 0-9")
            raise
        self.verify()  # any row changed outside the app: the whole store is refused, nothing counted
        r = self._reserve(scope, name)
        if r is None:
            hash_pin(pin)  # same cost as a real check
            self.record(kind, name, None, "wrong_pin", "unknown name")
            raise WrongPin("Wrong name or PIN.")
        row = r.clerk
        _, digest = hash_pin(pin, row.salt, row.kdf)
        if hmac.compare_digest(digest, row.pin_hash):
            # An older, cheaper hash: re-hash this PIN with today's cost (outside the transaction, like checks).
            upgrade = hash_pin(pin) if row.kdf != KDF else None
            clerk = Clerk(row.id, row.name, Role(row.role))
            with self._store.writing() as tx:
                tx.set_guard(scope, row.id, Guard())  # success resets the escalation too
                if upgrade is not None:
                    self._change(tx, row.id, pin=(*upgrade, KDF), only_if_hash=row.pin_hash)
                events, error = on_success(tx, clerk)
            for event in events:
                self._log(event)
            if error is not None:
                raise error
            return clerk
        if r.until is not None:
            if scope is Scope.LOGIN:
                self.record(kind, row.name, row.id, "locked_out", f"failures={r.slot} until={r.until.isoformat()}")
                raise LockedOut(r.until)
            self.record(kind, row.name, row.id, "approval_locked", f"failures={r.slot} until={r.until.isoformat()}")
            raise ApprovalPaused(row.name, r.until)
        left = MAX_FAILURES - r.slot
        self.record(kind, row.name, row.id, "wrong_pin", f"failures={r.slot}")
        if scope is Scope.LOGIN:
            raise WrongPin(f"Wrong name or PIN. Tries left before a lockout: {left}.", left=left)
        delay = APPROVAL_DELAY * 2 ** (r.slot - 1)
        wait = _whole_seconds(delay)
        raise WrongPin(f"Wrong name or PIN. Tries left before approvals by {row.name} pause: {left}. "
                       f"Wait {wait} s before the next try.", "approval_wrong_pin", left=left, wait=wait,
                       wait_ms=_ms(delay))

    @staticmethod
    def _not_allowed(clerk: Clerk | None, action: ManagerAction) -> NotAllowed | None:
        if clerk is None or not clerk.is_manager:
            return NotAllowed(f"Only a manager can do this ({action.value.replace('_', ' ')}).", action.value)
        return None

    def require_manager(self, clerk: Clerk | None, action: ManagerAction) -> None:
        error = self._not_allowed(clerk, action)
        if error is not None:
            raise error

    def approve(self, manager_name: str, pin: str, action: ManagerAction, reason: str,
                clerk: Clerk | None = None, subject: str = "") -> Clerk:
        """A manager approves an action with their PIN; the approval is recorded with its reason. Wrong PINs
        count against approvals by that manager (growing wait, then a pause), never against their sign-in.
        The approval, its audit entry and the reset of the manager's approval counter commit together (or,
        on any failure, none of them: then no approval was given)."""
        if not reason.strip():
            raise ClerkError("A reason is required.", "reason_required")

        def granted(tx: ClerkTx, manager: Clerk) -> tuple[list[AuditEvent], ClerkError | None]:
            refused = self._not_allowed(manager, action)
            if refused is not None:
                event = self._event("approve", manager.name, manager.id, "not_allowed", f"action={action.value}")
                tx.append(event)
                return [event], refused
            tx.add_approval(ApprovalRecord(self._now(), manager.id, clerk.id if clerk else None, action.value,
                                           reason.strip(), subject))
            event = self._event("approve", manager.name, manager.id, "granted",
                                f"action={action.value} for={clerk.id if clerk else '-'} subject={subject}",
                                subject=subject)
            tx.append(event)
            return [event], None

        return self._check(Scope.APPROVE, manager_name, pin, granted)
