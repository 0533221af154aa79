"""The counter's public surface as a ``typing.Protocol`` (``CounterApi``) and the values that cross it.

Screens depend on ``CounterApi`` only; ``pos_app.counter.local.Counter`` is the local implementation (this
PC's SQLite files and PaySimple client); a store-server client can implement the same protocol. Nothing
SQLite-, httpx- or Qt-specific appears in these signatures: arguments and results are the plain domain values
re-exported by ``pos_app.counter.types``.

Every method except the plain values (``lane``, ``environment``, ``paysimple_origin``, ``now``, ``today``,
``events``, ``signed_in``, ``locked``, ``clerk_name``, ``customers_loading``) blocks on storage or the network and runs on a worker.
The clerk use cases (sign-in, lock, approvals, clerk management) are ``ClerksApi``'s (``counter.clerks``), which
``CounterApi`` includes: the window's counter and the shell's clerk desk are one session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pos_app.config import Environment, Paths
from pos_app.counter.clerks import ClerksApi

if TYPE_CHECKING:
    from pos_app.counter.events import EventBus
    from pos_app.customers.models import CustomerHit, CustomerRecord, StoredCustomer
    from pos_app.customers.paysimple_add import Added
    from pos_app.payments import (
        Approval,
        Attempt,
        CustomerRef,
        EodReport,
        Receipt,
        ReversalOption,
        StatusEvent,
    )
    from pos_app.payments.store import OnFileRecord
    from pos_app.paysimple import AchAccount, CreditCardAccount, CustomerAccounts
    from pos_app.settings import Merchant
    from pos_app.storage_errors import StorageError

    Account = CreditCardAccount | AchAccount

Progress = Callable[[int, int, str], None]
# A screen's way of asking a manager (name + PIN + reason, on a dialog): (action, subject, detail, parent) ->
# the Approval, or None when cancelled. The history screen gets it from the shell.
Approve = Callable[..., "Approval | None"]


@dataclass(frozen=True)
class ApiAccess:
    """Sandbox/Live: PaySimple's API base URL (with ``/v4``), API user and key. Never logged or shown."""

    base_url: str
    user: str
    key: str

    def __repr__(self) -> str:
        return f"ApiAccess(base_url={self.base_url!r}, user={self.user!r}, key=<hidden>)"


@dataclass(frozen=True)
class CounterStart:
    """Everything :meth:`Counter.open` needs, for Training, Sandbox and Live alike. ``paths``: the app's data
    folder (Sandbox/Live keep their stores in ``<data>/<environment>/``). ``api``: required for Sandbox/Live,
    ignored in training. ``demo_customers`` / ``in_memory``: training only. ``clerks``: the run's clerk desk
    (the shell's, so the sign-in it did is the counter's); None: the counter opens its environment's own.
    ``store``: store mode (issue 20): the lane's ``RemoteCounter`` (``Setup.store_desk``, also ``clerks``);
    ``Counter.open`` then only connects it to its store server: no key, no local journal or stores."""

    environment: Environment
    paths: Paths
    lane: str = "LANE1"
    api: ApiAccess | None = None
    demo_customers: int = 300
    in_memory: bool = False
    clerks: ClerksApi | None = None
    store: Any = None


@dataclass(frozen=True)
class StartupNotices:
    """Told once after start-up: ``recovery`` (the customer list was rebuilt: ``customers.recovery``'s report)
    and ``backup_problem`` (the start-up journal backup failed: a ``StorageError``)."""

    recovery: Any = None
    backup_problem: Exception | None = None


class ChargeOutcome(StrEnum):
    """What became of a charge a previous run left unanswered (``LastCharge.outcome``)."""

    APPROVED = "approved"  # the money was taken (a later void or refund included)
    DECLINED = "declined"  # PaySimple declined or rejected it
    NOT_CHARGED = "not_charged"  # the server said nothing was charged: the key never arrived, or it was refused
    UNKNOWN = "unknown"  # still not known: ask again later; the record stays, nothing is re-sent


@dataclass(frozen=True)
class LastCharge:
    """A charge a previous run of this counter sent (store mode) and never heard the final answer to, as the
    server answered when asked with its key (``CounterApi.last_charge``). ``outcome``: a ``ChargeOutcome``.
    ``attempt``: the server's attempt when it has one. ``detail``: why it is unknown or was refused (plain
    words), else ""."""

    attempt_id: str
    customer_name: str
    amount: Decimal
    account_kind: str
    account_last4: str
    outcome: ChargeOutcome
    attempt: Attempt | None = None
    detail: str = ""

    @property
    def final(self) -> bool:
        return self.outcome is not ChargeOutcome.UNKNOWN


@runtime_checkable
class ReceiptMail(Protocol):
    """E-mailing a payment's receipt through the gateway (``CounterApi`` and ``PaymentsApi`` both do)."""

    def receipt_address(self, attempt: Attempt) -> str: ...
    def email_receipt(self, attempt: Attempt, to: str) -> str: ...


@runtime_checkable
class PaymentsApi(ReceiptMail, Protocol):
    """After the sale, for one counter (``CounterApi.payments``): the history, check again, void / refund /
    close review with a manager's ``Approval``, receipts, end of day. ``CounterPayments`` (this PC's journal and
    PaySimple) and ``RemotePayments`` (the store server) implement it; the history and end-of-day screens use
    only these members. Plain values: ``lane``, ``environment``, ``merchant``, ``tz``, ``approve`` (the shell's
    dialog: manager + PIN + reason, or None), ``now``, ``today``, ``day_start``, ``receipt``, ``clerk_name``;
    every other call blocks on storage or the network and runs on a worker."""

    lane: str
    environment: Environment
    merchant: Merchant
    tz: tzinfo
    approve: Approve | None

    def now(self) -> datetime: ...
    def today(self) -> date: ...
    def day_start(self, day: date) -> datetime: ...
    def clerk_name(self, clerk_id: str) -> str: ...
    def receipt(self, attempt: Attempt) -> Receipt: ...

    def history(self, since: datetime | None, limit: int) -> list[Attempt]:
        """Attempts of every lane since ``since`` (None: all), newest first, at most ``limit``."""
    def resolve(self, attempt: Attempt) -> Attempt:
        """Check again: looked up with PaySimple, never re-sent."""
    def reversal_option(self, attempt: Attempt) -> ReversalOption:
        """Void or refund, asked of PaySimple now, with why the other does not apply."""
    def void(self, attempt: Attempt, approval: Approval) -> Attempt: ...
    def refund(self, attempt: Attempt, approval: Approval) -> Attempt: ...
    def close_review(self, attempt: Attempt, approval: Approval, payment_id: int | None) -> Attempt: ...
    def end_of_day(self, day: date, lane: str | None, on_payment: Callable[[int], None] = ...
                   ) -> tuple[EodReport, StorageError | None]:
        """The end-of-day report (``on_payment(done)`` per PaySimple payment read; may raise to cancel) and the
        journal backup's error, if any (returned, not raised)."""


@runtime_checkable
class CounterApi(ClerksApi, Protocol):
    """The counter's use cases. See ``pos_app.counter.local.Counter`` for each call's contract, and
    ``pos_app.counter.clerks`` for the clerk calls (sign-in, lock, approvals, clerk management)."""

    environment: Environment
    paysimple_origin: str
    events: EventBus

    @property
    def lane(self) -> str: ...
    def now(self) -> datetime: ...
    def today(self) -> date: ...
    def close(self) -> None: ...

    @property
    def customers_loading(self) -> bool:
        """This counter's own copy of the customers is still being filled (store mode, a new or rebuilt copy):
        searches are answered by the server meanwhile, and may be slower. A plain value (the GUI may ask)."""

    # start-up state
    def count_customers(self) -> int: ...
    def open_attempt(self) -> Attempt | None: ...
    def last_charge(self) -> LastCharge | None:
        """Store mode: the charge a previous run left without a final answer, asked about with its key (never
        re-sent); None when there is none (always None for the local counter, whose journal keeps it)."""
    def attempt(self, attempt_id: str) -> Attempt | None: ...
    def startup_notices(self) -> StartupNotices: ...
    def sync_customers(self, progress: Progress | None = None, cancelled: Callable[[], bool] = ...) -> Any: ...

    # customers
    def search(self, query: str, limit: int = 50) -> list[CustomerHit]: ...
    def customer(self, local_id: int) -> StoredCustomer | None: ...
    def create_customer(self, record: CustomerRecord) -> StoredCustomer: ...
    def update_customer(self, local_id: int, record: CustomerRecord) -> StoredCustomer: ...
    def add_to_paysimple(self, local_id: int, record: CustomerRecord | None = None,
                         progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] = ...) -> Added: ...
    def possible_duplicates(self, record: CustomerRecord, exclude_id: int | None = None) -> list[StoredCustomer]: ...
    def import_csv(self, path: str | Path, progress: Callable[[int, int], None] | None = None, cancel: Any = None,
                   report_path: Path | None = None, batch_size: int | None = None) -> Any: ...

    # accounts on file
    def accounts(self, paysimple_id: int) -> CustomerAccounts: ...
    def on_file_ids(self, paysimple_id: int) -> frozenset[int]: ...
    def verify_account(self, paysimple_id: int, account_id: int) -> Account: ...
    def plan_new_account(self, paysimple_id: int, account: Account, consent: bool) -> OnFileRecord: ...
    def settle_new_account(self, account_id: int) -> OnFileRecord | None: ...
    def keep_on_file(self, paysimple_id: int, account: Account, reason: str) -> None: ...
    def set_default(self, paysimple_id: int, account: Account) -> None: ...
    def remove_account(self, account: Account) -> None: ...

    # tokens
    def prefetch_checkout_token(self) -> None: ...
    def take_checkout_token(self) -> str: ...
    def customer_token(self, paysimple_id: int, fresh: bool = False) -> str: ...

    # charging
    def recent_charges(self, customer_id: int, amount: Decimal) -> list[Attempt]:
        """The customer's charges of this amount in the last minutes, newest first (the repeat check), a charge
        still pending on this counter's disk (store mode) included."""
    def charge(self, customer: CustomerRef, account: Account, amount: Decimal, payment_token: str | None = None,
               cvv: str | None = None, on_status: Callable[[StatusEvent], None] | None = None,
               ach_authorization: str | None = None, attempt_id: str | None = None) -> Attempt:
        """One charge, never sent twice. ``attempt_id``: an id the caller recorded before calling (in store mode
        the idempotency key: asking again with it after a crash gets the first request's outcome); None: new."""
    def resolve(self, attempt: Attempt, on_status: Callable[[StatusEvent], None] | None = None) -> Attempt: ...
    def void(self, attempt: Attempt, approval: Approval) -> Attempt: ...
    def receipt_address(self, attempt: Attempt) -> str: ...
    def email_receipt(self, attempt: Attempt, to: str) -> str: ...

    # after the sale
    def payments(self, merchant: Merchant, tz: tzinfo, approve: Approve | None = None) -> PaymentsApi: ...
