"""The payment journal's seam: what the payment code may ask of a journal, whichever database holds it.

``JournalStore`` has domain methods only: attempts, transitions and reversal requests go in and come out as the
dataclasses of ``payments.model`` and this module; no connection, cursor, SQL text or driver row crosses it.
Two implementations: ``journal.Journal`` (one SQLite file, the embedded default) and ``journal_pg.PgJournal``
(PostgreSQL, shared by the lanes of a store). Both guarantee, enforced by the database itself so another
thread, process or machine is held to them too:

- write-ahead: ``create_attempt`` and ``transition`` return only once the change is durably committed;
- one open attempt per lane (``OPEN_STATES``): ``create_attempt`` raises ``LaneBusy`` naming the blocking one;
- one attempt per id: a caller-chosen ``attempt_id`` (``<lane>-<ULID>``, e.g. a store server's idempotency
  key) that exists already raises ``DuplicateAttempt`` naming it, and nothing is written;
- only ``LEGAL`` transitions, compare-and-set: ``transition(id, expected, to)`` raises ``IllegalTransition``
  when the attempt is no longer in ``expected`` or the edge is illegal, and changes nothing;
- a storage fault (disk, file, lost connection) raises ``pos_app.storage_errors.StorageError`` naming the
  journal and the next step; the failed write changed nothing. A connection lost while a COMMIT was under way
  may leave the change committed or not: the caller must read the attempt again (``get``) before acting on it,
  never assume (an attempt left in ``created`` was never sent; start-up reconcile resolves it).
- times are timezone-aware UTC ``datetime``s; money is integer cents.

Ownership (``OwnerLock``): ``lane_lock(lane)`` says "this process is the one sending this lane's charge";
``reversal_lock(attempt_id)`` the same for a void/refund. Both exclude every other thread, process and (for
PostgreSQL) machine using the same journal, and are released by the operating system or the database server
when their holder dies. ``still_held()`` is False once the holder can no longer be sure it owns the lock (the
database connection that held it was lost): the caller must stop before sending anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from pos_app.payments.brands import masked
from pos_app.payments.model import AccountRef, Attempt, CustomerRef, State, Transition


class OnFileState(StrEnum):
    """An account-on-file record's state: PENDING (hidden at the counter until the sale settles it), KEPT (the
    customer agreed), REMOVED (removed from PaySimple). The values are the stored ones."""

    PENDING = "pending"
    KEPT = "kept"
    REMOVED = "removed"


@dataclass(frozen=True)
class Reversal:
    """One void/refund request of an attempt: who asked and why (``requested_at``), and how it ended."""

    seq: int
    attempt_id: str
    kind: str  # "void" | "refund"
    manager_id: str
    reason: str
    requested_at: datetime
    finished_at: datetime | None = None
    outcome: str | None = None  # "voided" | "refunded" | "refused: ..." | "not applied: ..."
    payment_id: int | None = None  # the voided payment, or the refund credit


@dataclass(frozen=True)
class OnFileRecord:
    """A new card or bank account entered at the counter, and the plan for it (``payments.onfile``)."""

    account_id: int
    customer_id: int
    kind: str  # "cc" | "ach"
    last4: str
    brand: str
    consent: bool
    clerk: str
    state: OnFileState
    reason: str | None
    created_at: datetime
    updated_at: datetime
    held_until: datetime | None
    remove_after: datetime | None  # when known: the void window of its last approved payment closes
    tries: int
    next_try_at: datetime | None
    last_error: str | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", OnFileState(self.state))  # a stored or wire value becomes the enum
    finished_at: datetime | None

    @property
    def masked(self) -> str:
        return masked(self.brand, self.last4, self.kind)


class OnFileStore(Protocol):
    """The account-on-file records in the journal's database: each write one transaction, with its event row."""

    def plan(self, account: AccountRef, customer_id: int, consent: bool, clerk: str, now: datetime,
             held_until: datetime) -> OnFileRecord:
        """Record (or re-open) the account as ``pending``, held from sweeps until ``held_until``."""

    def release(self, account_id: int, now: datetime) -> None: ...

    def keep(self, account_id: int, reason: str, clerk: str, now: datetime) -> bool:
        """Close the record as kept (consent given); False when there is none or it was removed already."""

    def finish(self, account_id: int, state: OnFileState, reason: str, clerk: str, now: datetime) -> OnFileRecord | None:
        """A pending record ends ``kept`` or ``removed``."""

    def wait_until(self, account_id: int, until: datetime, reason: str, now: datetime) -> OnFileRecord | None: ...

    def failed(self, account_id: int, tries: int, next_try_at: datetime, error: str, clerk: str,
               now: datetime) -> OnFileRecord | None: ...

    def get(self, account_id: int) -> OnFileRecord | None: ...

    def pending(self) -> list[OnFileRecord]: ...

    def hidden_ids(self, customer_id: int | None = None) -> set[int]: ...

    def events(self, account_id: int) -> list[tuple[datetime, str, str, str]]: ...


@runtime_checkable
class OwnerLock(Protocol):
    """A non-blocking, exclusive ownership claim (see the module docstring). One holder per object."""

    def try_acquire(self) -> bool:
        """True: now held by this object. False: another holder has it (nothing changed)."""

    def release(self) -> None:
        """Give it up (no-op when not held)."""

    def still_held(self) -> bool:
        """False once ownership can no longer be vouched for (the connection holding it was lost)."""


class JournalStore(Protocol):
    """The payment journal (see the module docstring for the guarantees every implementation keeps)."""

    name: str  # for messages and logs: the file, or the database and server (never a password)

    # ---- writes
    def create_attempt(self, lane: str, clerk: str, customer: CustomerRef, account: AccountRef, amount,
                       now: datetime, cause: str = "charge requested",
                       ach_authorization: str | None = None, attempt_id: str | None = None) -> Attempt: ...

    def transition(self, attempt_id: str, expected: State, to: State, cause: str, clerk: str, now: datetime,
                   **updates) -> Attempt: ...

    def update_details(self, attempt_id: str, now: datetime, **updates) -> Attempt: ...

    def add_reversal(self, attempt_id: str, kind: str, manager_id: str, reason: str, now: datetime) -> int: ...

    def finish_reversal(self, attempt_id: str, outcome: str, now: datetime,
                        payment_id: int | None = None) -> None: ...

    # ---- reads
    def get(self, attempt_id: str) -> Attempt: ...

    def open_attempt(self, lane: str) -> Attempt | None: ...

    def unresolved(self, lane: str | None = None) -> list[Attempt]: ...

    def history(self, lane: str | None = None, clerk: str | None = None, since: datetime | None = None,
                until: datetime | None = None, customer_id: int | None = None,
                states: Iterable[State] | None = None, limit: int | None = 200) -> list[Attempt]: ...

    def transitions(self, attempt_id: str) -> list[Transition]: ...

    def reversals(self, since: datetime | None = None, until: datetime | None = None) -> list[Reversal]: ...

    def entered(self, state: State, since: datetime | None = None,
                until: datetime | None = None) -> list[Transition]: ...

    def by_payment_id(self, payment_id: int) -> Attempt | None: ...

    def integrity_problems(self, limit: int = 10) -> list[str]: ...

    def onfile_store(self) -> OnFileStore:
        """The account-on-file records kept in this journal's database (one per journal)."""

    # ---- ownership and life cycle
    def lane_lock(self, lane: str) -> OwnerLock: ...

    def reversal_lock(self, attempt_id: str) -> OwnerLock: ...

    def close(self) -> None: ...


# Validation shared by both implementations (the database refuses the same things again).
UPDATABLE_FIELDS = frozenset({
    "sent_at", "payment_id", "ps_status", "auth_code", "trace_number", "failure_code", "failure_description",
    "failure_action", "can_void_until", "refund_payment_id", "absent_after", "note",
})
TIME_FIELDS = frozenset({"created_at", "updated_at", "sent_at", "can_void_until", "absent_after"})


def check_updates(updates: dict, during: str = "a transition") -> None:
    bad = set(updates) - UPDATABLE_FIELDS
    if bad:
        raise ValueError(f"cannot update {sorted(bad)} in {during}")
    for key in TIME_FIELDS & set(updates):
        value = updates[key]
        if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
            raise ValueError(f"{key} must be a timezone-aware datetime")
