"""The clerk store seam: where clerks, PIN hashes, try counters, approvals and the audit trail are kept.

``pos_app.clerks.ClerkRegistry`` holds every rule (PIN policy and hashing, lockout and approval pacing,
integrity tags, who may approve what); a :class:`ClerkStore` only keeps what the rules decided, through domain
methods. No connection, SQL, row or driver type crosses this seam. Implementations: ``pos_app.clerkstore.sqlite``
(``SqliteClerkStore``, the clerk file of one counter) and ``pos_app.clerkstore.pg`` (``PgClerkStore``, one
PostgreSQL database shared by every counter of a store; needs the ``store`` extra, imported lazily).

Contract:
- ``store.writing()`` is one write transaction (a context manager yielding a :class:`ClerkTx`): everything done
  through it commits together when the block ends, or not at all when it raises (the error is re-raised). Write
  transactions of one store are serialised where they touch the same clerk: a try counter read with
  :meth:`ClerkTx.guard` stays locked until the transaction ends, for every process and connection using the
  store (so "reserve a try" is atomic on every backend). Keep them short: never hash a PIN inside one.
- ``store.reading()`` is a consistent read-only view (:class:`ClerkView`).
- ``store.audit`` is the store's :class:`pos_app.audit.AuditTrail` (same database: :meth:`ClerkTx.append` puts an
  entry in the write transaction, so a change and its audit entry commit together).
- Clerk names are unique without regard to case; ``clerk(name=...)`` finds them the same way and ``clerks()``
  lists them ordered by name without regard to case.
- Times are timezone-aware (UTC when read back). Approvals and audit entries are append-only: the database
  refuses to change or delete them.
- Storage faults come out as ``pos_app.storage_errors.StorageError`` naming the file or database and the next
  step; nothing of a failed transaction stays written.
- :class:`NameTaken` when ``add_clerk`` meets an existing name (the transaction is then rolled back whole).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple, Protocol

from pos_app.audit import AuditEvent, AuditTrail


class Scope(StrEnum):
    """Which try counter: sign-in (per clerk) or manager approvals (per manager); they are independent."""

    LOGIN = "login"
    APPROVE = "approve"


@dataclass(frozen=True)
class ClerkRow:
    """A clerk as stored. ``tag`` is the integrity tag the registry wrote (None: never tagged)."""

    id: int
    name: str
    role: str
    salt: bytes
    pin_hash: bytes
    kdf: str
    active: bool
    tag: bytes | None


@dataclass(frozen=True)
class Guard:
    """A try counter: failures in a row, lockouts so far, locked until, (approvals) next try not before."""

    failures: int = 0
    lockouts: int = 0
    locked_until: datetime | None = None
    next_try_at: datetime | None = None


class ApprovalRecord(NamedTuple):
    """One granted manager approval (a tuple, so ``row[3]`` is the action as before)."""

    at: datetime
    manager_id: int
    clerk_id: int | None
    action: str
    reason: str
    subject: str


class NameTaken(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"a clerk named {name!r} already exists")
        self.name = name


class ClerkView(Protocol):
    def clerks(self, *, include_inactive: bool = False) -> list[ClerkRow]:
        """Clerks ordered by name (without regard to case); active ones only unless asked."""

    def clerk(self, *, clerk_id: int | None = None, name: str | None = None,
              include_inactive: bool = False) -> ClerkRow | None:
        """One clerk by id or by name (without regard to case); active ones only unless asked."""

    def fingerprint(self) -> bytes | None:
        """The integrity key's fingerprint the store was tagged with (None: never)."""

    def approvals(self) -> list[ApprovalRecord]:
        """Every granted approval, oldest first."""


class ClerkTx(ClerkView, Protocol):
    def add_clerk(self, name: str, role: str, salt: bytes, pin_hash: bytes, kdf: str) -> int:
        """A new active clerk (untagged, counters at zero); returns its id. ``NameTaken`` for a used name."""

    def set_active(self, clerk_id: int, active: bool) -> None: ...

    def set_pin(self, clerk_id: int, salt: bytes, pin_hash: bytes, kdf: str, *,
                only_if_hash: bytes | None = None) -> bool:
        """A new PIN hash; with ``only_if_hash``, only when the stored hash is still that one. True = written."""

    def set_tag(self, clerk_id: int, tag: bytes | None) -> None: ...

    def set_fingerprint(self, fingerprint: bytes) -> None: ...

    def guard(self, scope: Scope, clerk_id: int) -> Guard:
        """The try counter, locked against every other writer until this transaction ends."""

    def set_guard(self, scope: Scope, clerk_id: int, guard: Guard) -> None: ...

    def add_approval(self, approval: ApprovalRecord) -> None: ...

    def append(self, event: AuditEvent) -> None:
        """An audit entry in this transaction (committed with it)."""


class ClerkStore(Protocol):
    name: str  # where it is: the file's path, or "database <name> on <host>:<port>" (never a password)
    audit: AuditTrail

    def reading(self) -> AbstractContextManager[ClerkView]: ...

    def writing(self) -> AbstractContextManager[ClerkTx]: ...

    def integrity_problems(self) -> list[str]:
        """What guards the records and is missing (an append-only trigger dropped): [] when sound."""

    def close(self) -> None: ...
