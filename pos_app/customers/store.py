"""The seam of the customer records of record: what sync, CSV import, counter edits and the application layer may
ask of a customer store, whichever database holds it.

``CustomerStore`` has domain methods only: ``CustomerRecord``s and local ids go in, ``StoredCustomer``s, counts
and ``Change``s come out; no connection, cursor, SQL text or driver type crosses it. Two implementations:
``directory.Directory`` (one SQLite file, the embedded default, with the counter's search index) and
``pg_store.PgCustomerStore`` (PostgreSQL, shared by the counters of a store; no search index: counters search
their SQLite replica, filled from the change feed by ``replica.follow``).

Every implementation keeps these rules:
- Local ids are positive, stable and never reused; ``paysimple_id`` is unique among the records (None for a
  local-only customer, imported from another POS). A record is never removed: a deletion sets ``deleted``.
- Each method that writes is one transaction: applied whole or not at all. A storage fault (disk, file, lost
  connection, server restarted) raises ``pos_app.storage_errors.StorageError`` naming the store and the next
  step, and the failed call changed nothing — except that a connection lost while COMMIT was under way leaves
  the outcome unknown to the caller: every write here can be repeated safely (a sync page and an import batch
  find their rows unchanged; ``save_from_paysimple`` writes the same state again), so the caller repeats it or
  reads again.
- Change-only: a write that leaves every mirrored field as it was does not touch the record (``written_at`` and
  its feed position stay).

The change feed: every write to a customer record (created, changed, linked, deleted) gives the record a new,
larger position; ``changes(after, limit)`` returns the records whose position is above ``after``, in position
order, each with its state as of now (a record written twice appears once, at its latest position), and the
position to ask from next. A reader that starts from any position and always passes back ``next_position``
never misses a change, also while several writers commit in another order than they took their positions
(each implementation's module says how). ``mark_seen`` (this counter's "recently served") is not a change of
the record and takes no position. ``feed_id`` names the feed: a reader that finds another id than the one it
followed (a store rebuilt or replaced) starts again from position 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple, Protocol, runtime_checkable

from pos_app.customers.models import CustomerRecord, StoredCustomer

FEED_LIMIT_MAX = 10_000  # records per ``changes`` call at most


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the change feed: the record's state as of the read, at its latest position."""

    position: int
    customer: StoredCustomer

    @property
    def local_id(self) -> int:
        return self.customer.id


class ChangePage(NamedTuple):
    """What ``changes`` returns (unpacks as ``changes, next_position``)."""

    changes: list[Change]
    next_position: int


@dataclass
class UpsertCounts:
    """What a write of PaySimple customers did; ``ids`` are the local ids in input order (an id repeated in
    one input is written once: the last one wins, and its local id is listed once)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0  # local-only customers that turned out to be in PaySimple (same account number)
    ids: list[int] = field(default_factory=list)

    def add(self, other: UpsertCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.linked += other.linked
        self.ids += other.ids


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One customer read from another POS's file: a local-only record (``paysimple_id`` None) and its notes."""

    record: CustomerRecord
    notes: str | None = None


@dataclass
class ImportCounts:
    """What an import batch did (see ``CustomerStore.import_batch``)."""

    imported: int = 0  # new local-only customers
    updated: int = 0  # earlier imports changed
    unchanged: int = 0  # earlier imports already identical
    already_in_paysimple: int = 0  # matched a PaySimple customer: left alone


@dataclass(frozen=True, slots=True)
class SyncRun:
    """A PaySimple sync pass in progress: ``next_page`` to fetch, ``total_items`` PaySimple announced so far
    (None before the first page), ``resumed``: the pass was started by an earlier call."""

    run_id: int
    next_page: int
    total_items: int | None
    resumed: bool


@dataclass(frozen=True, slots=True)
class SyncEnd:
    """A completed pass: customers marked deleted, or why deletions were left to the next pass."""

    deleted: int
    deletions_skipped: str | None = None


@dataclass(frozen=True)
class OpenAdd:
    """An "Add to PaySimple" of local-only customer ``customer_id`` whose outcome is not known (being sent, or its
    answer was lost): when it began, when its POST ended (None: not known) and what was sent
    (``customers.paysimple_add``)."""

    id: int
    customer_id: int
    started_at: datetime
    ended_at: datetime | None
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    customer_account: str | None


@dataclass(frozen=True, slots=True)
class AddClosed:
    """Closes add ``add_id`` in the same transaction as the write that links its customer: ``outcome``
    "created" (PaySimple answered the POST) or "found" (the look-up found it), at ``at`` (timezone-aware)."""

    add_id: int
    outcome: str
    at: datetime


ADD_OUTCOMES = ("created", "found", "refused", "not_sent", "absent")


class AddInProgress(RuntimeError):
    """This customer is being added right now (another window, thread or counter process)."""

    def __init__(self) -> None:
        super().__init__("This customer is being added to PaySimple right now; wait for that to finish.")


def aware(at: datetime) -> datetime:
    """``at`` in UTC; ValueError for a naive time."""
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at.astimezone(UTC)


def check_feed_args(after: int, limit: int) -> None:
    """``changes`` arguments: a position is an integer >= 0; 1 <= limit <= FEED_LIMIT_MAX (ValueError naming
    the bad one otherwise)."""
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise ValueError(f"changes(after=...) needs a feed position (an integer >= 0), not {after!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= FEED_LIMIT_MAX:
        raise ValueError(f"changes(limit=...) must be an integer from 1 to {FEED_LIMIT_MAX}, not {limit!r}")


@runtime_checkable
class CustomerStore(Protocol):
    """The customer records of record (see the module docstring for the rules every implementation keeps)."""

    name: str  # for messages and logs: the file, or the database and server (never a password)

    # ---- reading
    def get(self, local_id: int) -> StoredCustomer | None:
        """The record with this local id (deleted ones too), or None."""

    def get_by_paysimple_id(self, paysimple_id: int) -> StoredCustomer | None: ...

    def count(self, include_deleted: bool = False) -> int: ...

    # ---- writing
    def save_from_paysimple(self, record: CustomerRecord, local_id: int | None = None, origin: str = "counter",
                            closes: AddClosed | None = None) -> StoredCustomer:
        """Write PaySimple's answer to a counter create/edit (``record.paysimple_id`` set). With ``local_id``:
        that record (a local-only one is linked to the PaySimple id: same local id) — unless another record
        holds the id already (a sync brought it in): that one gets the answer and is returned, and ``local_id``
        is marked deleted (its notes move over when the other has none). Without ``local_id``: the record
        holding the PaySimple id, else a new one (``origin``). ``closes``: the add that made the customer is
        closed in the same transaction."""

    def possible_duplicates(self, record: CustomerRecord, exclude_id: int | None = None,
                            limit: int = 5) -> list[StoredCustomer]:
        """Live customers who may be this (normalised) record: the same folded first and last name AND the same
        phone or e-mail (decision 0372); PaySimple customers first, then by local id."""

    # ---- adding a local-only customer to PaySimple (``customers.paysimple_add``)
    def open_add(self, local_id: int) -> OpenAdd | None: ...

    def begin_add(self, local_id: int, record: CustomerRecord, at: datetime) -> int:
        """Record an add before its POST (durably committed on return); ``AddInProgress`` when the customer
        has an open add already."""

    def add_sent(self, add_id: int, at: datetime) -> None:
        """The add's POST ended at ``at`` without a known answer."""

    def close_add(self, add_id: int, outcome: str, at: datetime) -> None:
        """The add created nothing: ``outcome`` "refused", "not_sent" or "absent"."""

    def upsert_paysimple(self, records: Sequence[CustomerRecord]) -> UpsertCounts:
        """PaySimple customers (ids set) in one transaction: new ones inserted (a new one whose account number
        belongs to exactly one live local-only record is linked to it instead), changed ones updated, equal
        ones left alone."""

    def upsert_many(self, records: Iterable[CustomerRecord], batch_size: int = 5000) -> UpsertCounts:
        """``upsert_paysimple`` in transactions of ``batch_size`` records (a bulk load)."""

    def import_batch(self, rows: Sequence[ImportRow]) -> ImportCounts:
        """Customers from another POS in one transaction. A row is an existing customer when it has an account
        number and a live customer has the same one, else when a live customer has the same folded first + last
        name and the same e-mail or phone; a match with a local-only customer updates it (notes too), a match
        with a PaySimple customer is left alone; other rows become new local-only customers (origin import)."""

    def mark_deleted(self, local_ids: Sequence[int]) -> int:
        """Mark these customers deleted (PaySimple no longer lists them); returns how many changed."""

    def mark_seen(self, local_id: int, when: datetime | None = None) -> None:
        """Served at this counter now (or ``when``, timezone-aware): ranks first in search. Not a change of the
        record (no feed position). ``KeyError`` when there is no such record."""

    # ---- the PaySimple sync's progress (one pass = pages in order; see ``customers.sync``)
    def sync_start(self, page_size: int) -> SyncRun:
        """Resume the unfinished pass with this page size, else start a new one (an unfinished pass with
        another page size is abandoned: its page numbers mean other customers)."""

    def sync_page(self, run: int, page_no: int, records: Sequence[CustomerRecord],
                  total_items: int) -> UpsertCounts:
        """One page in one transaction: its customers upserted, their ids remembered as seen by the pass, the
        page recorded as done (and whether PaySimple's total moved since the pass began)."""

    def sync_stop(self, run: int, status: str, error: str | None = None) -> None:
        """The pass stops before its end: ``status`` "cancelled" or "failed" (``error``: why); it resumes at
        the next ``sync_start``."""

    def sync_complete(self, run: int) -> SyncEnd:
        """The pass listed its last page: mark deleted the PaySimple customers it did not list — only when its
        total never moved and it saw that many customers, else say why not — and close it."""

    # ---- the change feed
    def changes(self, after: int = 0, limit: int = 1000) -> ChangePage:
        """Records written after position ``after``, in position order, at most ``limit`` (see the module doc)."""

    def feed_id(self) -> str: ...

    # ---- life cycle
    def bulk(self) -> AbstractContextManager[None]:
        """Around a run of many writes (a sync pass, an import): stores with a search index may make the
        records written inside searchable only at its end; every record is searchable when it is left."""

    def close(self) -> None: ...
