"""The counter's application service, local implementation: :class:`Counter` (implements ``CounterApi``).

One object per app run, opened by :meth:`Counter.open` for Training, Sandbox and Live alike. It owns the
training gateway (training), the PaySimple client, the customer directory, the payment journal and the payments
service, and publishes a ``counter.events`` event after each write it makes.

Contracts:
- Every method that touches storage or the network blocks and must run on a worker (``ui.common.ops.
  BackgroundOp``); with the GUI-thread guard on (:func:`set_gui_thread_guard`, or ``POS_APP_GUARD_GUI_THREAD=1``)
  such a call on the main thread raises ``GuiThreadCall``. ``now``/``today``/``lane``/``paysimple_origin`` are
  plain values and may be read anywhere.
- Training credentials are random per run (the gateway is in-process), so no other local program can use the
  loopback gateway with a known key; nothing goes to the keyring. Training signs requests with the gateway's
  clock, so advancing that clock (to expire tokens) does not put our requests outside PaySimple's 5-minute
  timestamp window.
- The page never chooses the customer: :meth:`customer_token` takes the PaySimple id the clerk selected, and
  :meth:`verify_account` checks that the account PaySimpleJS returned belongs to that customer (GET
  /customer/{id}/accounts) before anything is charged (else ``ForeignAccount``).
- Customer tokens are cached per customer for 10 minutes (they live 15): the first request of a form uses the
  cache, every later request in the same form (PaySimpleJS's ``customerAuth`` after a 401) fetches a fresh one.
  Checkout tokens (5-minute life) are fetched ahead, used by one form only, and refetched when older than 2
  minutes (on the gateway's clock in training). Customer tokens age on the local clock.
- "Recently seen at this counter": :meth:`customer` (the clerk's pick) also records the pick
  (``Directory.mark_seen``) on a writer thread of its own: a directory write can wait up to the busy timeout
  while a sync or import holds the write lock. A failed mark is logged; it only affects ranking.
- Cards and bank accounts on file (``payments.onfile``): a new account a form produced for a charge is planned
  (:meth:`plan_new_account`: kept with the customer's consent, else removed) before the payment is sent, and
  settled by :meth:`settle_new_account` when the charge returns. Accounts waiting for removal are left out of
  :meth:`accounts`. Removals due later are swept by a background thread started by :meth:`reconcile` (its first
  sweep at once, then every ``ONFILE_SWEEP_INTERVAL`` seconds).
- Charges and account changes need a signed-in clerk (``NotSignedIn`` otherwise); a bank debit needs
  ``ach_authorization`` (the text the clerk read to the customer). Who is signed in is the clerk desk's
  (``counter.clerks``, ``CounterStart.clerks``): the clerk calls of ``CounterApi`` are the desk's, so the shell's
  sign-in and the counter's attribution are one session.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.clerks import Clerk, ManagerAction, Role
from pos_app.config import API_BASE_URLS, Environment, Paths
from pos_app.counter.api import Approve, CounterStart, StartupNotices
from pos_app.counter.clerks import ClerksApi, LocalClerks, SignedIn
from pos_app.counter.errors import ForeignAccount, MissingCredentials, TrainingUnavailable
from pos_app.counter.events import (
    AccountsChanged,
    CustomerSaved,
    CustomersImported,
    CustomersSynced,
    EventBus,
    PaymentRecorded,
    PaymentResolved,
)
from pos_app.counter.guard import off_gui_thread
from pos_app.counter.tokens import TokenCache
from pos_app.customers.directory import Directory
from pos_app.customers.models import CustomerHit, CustomerRecord, StoredCustomer
from pos_app.customers.paysimple_add import Added
from pos_app.i18n_keys import N_
from pos_app.payments import AccountRef, Approval, Attempt, CustomerRef, Journal, PaymentService, StatusEvent
from pos_app.payments.model import require_clerk
from pos_app.payments.onfile import OnFile, SweepReport
from pos_app.payments.store import OnFileRecord
from pos_app.paysimple import AchAccount, CreditCardAccount, CustomerAccounts, PaySimpleClient
from pos_app.paysimple.gateway import PaySimpleGateway
from pos_app.settings import Merchant
from pos_app.storage_errors import StorageError

if TYPE_CHECKING:
    from pos_app.counter.payments import CounterPayments

log = logging.getLogger(__name__)

# What start-up says while it works (``progress`` text: ``pos_app.i18n_keys`` Messages the screen translates).
STARTING_TRAINING = N_("Counter", "Starting the training gateway…")
CONNECTING = N_("Counter", "Connecting to PaySimple…")
RECONCILING = N_("Counter", "Checking unfinished payments with PaySimple…")
SYNCING = N_("Counter", "Syncing customers…")
SYNCING_COUNT = N_("Counter", "Syncing customers %1/%2…")

ONFILE_SWEEP_INTERVAL = 300.0

Account = CreditCardAccount | AchAccount
Progress = Callable[[int, int, str], None]


def paysimple_origin_for(environment: Environment, gateway_base_url: str | None = None) -> str:
    """Where PaySimpleJS comes from: the training gateway's URL; for Sandbox/Live the host of the API in use
    (``gateway_base_url`` = that API's base without ``/v4``, e.g. a stand-in in tests), else PaySimple's own."""
    if environment is Environment.TRAINING:
        if not gateway_base_url:
            raise ValueError("training mode needs the gateway's URL")
        return gateway_base_url.rstrip("/")
    return (gateway_base_url or API_BASE_URLS[environment].removesuffix("/v4")).rstrip("/")


def data_paths(paths: Paths, environment: Environment) -> Paths:
    """Where an environment's directory and journal live: training keeps the data folder itself; Sandbox and
    Live keep theirs in ``<data>/<environment>/`` (training practice never shows up in a real end of day, and
    the two real environments never share a lane's journal). Settings and clerk files stay in the data folder."""
    if environment is Environment.TRAINING:
        return paths
    return Paths(paths.data_dir / environment.value, paths.log_dir)


class Counter:
    """The local application service (see the module docstring); the public surface is ``CounterApi``."""

    def __init__(self, environment: Environment, client: PaySimpleClient, directory: Directory,
                 journal: Journal, service: PaymentService, paysimple_origin: str, gateway=None, *,
                 clerks: ClerksApi, events: EventBus | None = None) -> None:
        """``clerks``: the clerk desk whose signed-in clerk charges are attributed to; ``events``: default the
        desk's bus (one broadcast for the run)."""
        self.desk = clerks
        self._own_desk = False  # set by :meth:`open` when it opened the environment's clerk file itself
        self.events = events or clerks.events
        self.environment = environment
        self.client = client
        self.directory = directory
        self.journal = journal
        self.service = service
        self.paysimple_origin = paysimple_origin
        self.gateway = gateway
        self._lock = threading.Lock()
        self._tokens = TokenCache(self._checkout_clock)
        self._seen_writer: ThreadPoolExecutor | None = None
        self._seen_pending: Future | None = None
        self.onfile = OnFile(journal, service.gateway, clock=self.now)
        self._sweeper: threading.Thread | None = None
        self._stop_sweeper = threading.Event()
        self._sweep_now = threading.Event()
        self.sweeps = 0  # background sweeps done (tests wait on it)
        self.backup_problem: StorageError | None = None  # the start-up journal backup failed (shown once)
        self.last_sweep: SweepReport | None = None

    # ---- start / stop --------------------------------------------------------------------------------

    @classmethod
    def open(cls, start: CounterStart, progress: Progress | None = None,
             cancelled: Callable[[], bool] = lambda: False, events: EventBus | None = None) -> Counter:
        """The one start-up path (Training, Sandbox, Live; a store-mode start returns its connected
        ``RemoteCounter``, see :func:`_open_store_counter`): the client (training: the in-process gateway first),
        the stores, the start-up journal backup, the customer sync, the lane's reconcile. Raises
        ``TrainingUnavailable`` (training extra missing), ``MissingCredentials`` (Sandbox/Live without a key),
        ``StorageError`` / ``JournalCorrupt`` (the stores); a failed start leaves nothing running."""
        progress = progress or (lambda *a: None)
        if start.store is not None:
            return _open_store_counter(start, progress)
        gateway = None
        if start.environment is Environment.TRAINING:
            try:
                from pos_app.training import TrainingGateway
            except ModuleNotFoundError as exc:
                if exc.name not in ("starlette", "uvicorn") and not (exc.name or "").startswith(("starlette.",
                                                                                                 "uvicorn.")):
                    raise
                raise TrainingUnavailable() from exc
            start.paths.ensure()
            api_user, api_key = f"training-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
            progress(0, 0, STARTING_TRAINING)
            gateway = TrainingGateway(api_user, api_key, data=None if start.in_memory else start.paths.training_db,
                                      demo_customers=start.demo_customers).start()
            paths = start.paths
            try:
                client = PaySimpleClient(gateway.api_url, api_user, api_key, clock=gateway.clock.now)
            except BaseException:
                gateway.stop()
                raise
            origin = paysimple_origin_for(Environment.TRAINING, gateway.base_url)
        else:
            if start.api is None:
                raise MissingCredentials()
            progress(0, 0, CONNECTING)
            paths = data_paths(start.paths, start.environment).ensure()
            client = PaySimpleClient(start.api.base_url, start.api.user, start.api.key)
            origin = paysimple_origin_for(start.environment, start.api.base_url.removesuffix("/v4"))
        desk = start.clerks
        if desk is None:  # no shared desk: this environment's own clerk file (opened on first use)
            from pos_app.credentials import clerk_file_key

            desk = LocalClerks.for_data_dir(start.paths.data_dir, start.environment, events, integrity_key=None
                                            if start.environment is Environment.TRAINING else clerk_file_key)
        try:
            counter = cls._open_stores(start.environment, client, paths, start.lane, origin, gateway, desk,
                                       events)
        except BaseException:
            client.close()
            if gateway is not None:
                gateway.stop()
            if start.clerks is None:
                desk.close()
            raise
        counter._own_desk = start.clerks is None
        try:
            counter.sync_customers(progress, cancelled)
            counter.reconcile(progress)
            return counter
        except BaseException:
            counter.close()
            raise

    @classmethod
    def _open_stores(cls, environment, client, paths: Paths, lane: str, origin: str, gateway, desk: ClerksApi,
                     events: EventBus | None) -> Counter:
        """Open the stores (storage faults raise ``StorageError``; a damaged journal ``JournalCorrupt``, never
        repaired here; a damaged directory is rebuilt: ``directory.recovery``) and back up the journal."""
        directory = Directory.open_or_recover(paths.directory_db)
        try:
            journal = Journal(paths.journal_db)
        except BaseException:
            directory.close()
            raise
        service = PaymentService(journal, PaySimpleGateway(client), lane=lane)
        counter = cls(environment, client, directory, journal, service, origin, gateway, clerks=desk,
                      events=events)
        counter.backup_problem = counter.backup_journal("startup")
        return counter

    @off_gui_thread
    def backup_journal(self, reason: str) -> StorageError | None:
        """An automatic journal backup (``payments.backups``, start-up and end of day). A backup that cannot
        be written does not stop the counter: the error is returned (and logged) for the screen."""
        from pos_app.payments.backups import take_backup

        try:
            take_backup(self.journal.path, reason)
        except StorageError as exc:
            log.error("journal backup (%s) failed: %s", reason, exc.fault.value)
            return exc
        return None

    @off_gui_thread
    def reconcile(self, progress: Progress | None = None) -> None:
        progress = progress or (lambda *a: None)
        progress(0, 0, RECONCILING)
        report = self.service.reconcile_unresolved(self.clerk or "system")
        if report.unresolved or report.busy:
            log.warning("start-up reconcile left %d unresolved / %d busy payments",
                        len(report.unresolved), len(report.busy))
        self.start_on_file_sweeper()  # its first sweep runs at once, without holding up the start

    @off_gui_thread
    def sync_customers(self, progress: Progress | None = None,
                       cancelled: Callable[[], bool] = lambda: False):
        """Mirror PaySimple's customers into the local directory (``customers.sync``: paged, resumable,
        cancellable). Returns its SyncReport."""
        progress = progress or (lambda *a: None)
        from pos_app.customers.sync import sync

        class _Cancel:
            def is_set(self) -> bool:
                return cancelled()

        progress(0, 0, SYNCING)
        report = sync(self.directory, self.client,
                      progress=lambda done, total: progress(done, total, SYNCING_COUNT.fill(done, total)),
                      cancel=_Cancel())
        self.events.publish(CustomersSynced(report))
        return report

    def close(self) -> None:
        self._stop_sweeper.set()
        self._sweep_now.set()
        if self._sweeper is not None:
            self._sweeper.join(15)  # a DELETE in flight ends within the client's timeouts
        if self._seen_writer is not None:
            self._seen_writer.shutdown(wait=True)  # a pick being recorded finishes before the directory closes
        for closer in (self.client.close, self.directory.close, getattr(self.journal, "close", None)):
            try:
                if closer is not None:
                    closer()
            except Exception:  # noqa: BLE001 - closing is best effort
                log.exception("closing a backend part failed")
        if self.gateway is not None:
            self.gateway.stop()
        if self._own_desk:
            self.desk.close()

    def now(self) -> datetime:
        """PaySimple's time: the gateway's clock in training (time travel reaches void windows), else the
        payments service's clock."""
        if self.gateway is not None:
            return self.gateway.clock.now()
        return self.service.clock()

    def today(self) -> date:
        """The date cards expire against: the gateway's clock in training (so training can time-travel)."""
        if self.gateway is not None:
            return self.gateway.clock.now().astimezone().date()
        return date.today()

    # ---- clerk: the desk's session (``counter.clerks``) -----------------------------------------------

    @property
    def clerk(self) -> str | None:
        """The signed-in clerk's id as journaled (None: nobody; charges and changes are refused)."""
        clerk = self.desk.signed_in
        return str(clerk.id) if clerk is not None else None

    @property
    def signed_in(self) -> Clerk | None:
        return self.desk.signed_in

    @property
    def customers_loading(self) -> bool:
        """Never: this counter's customer list is its own directory (a sync or import adds to it)."""
        return False

    @property
    def locked(self) -> bool:
        return self.desk.locked

    def clerk_name(self, clerk_id: str) -> str:
        return self.desk.clerk_name(clerk_id)

    def clerks(self) -> list[Clerk]:
        return self.desk.clerks()

    def has_manager(self) -> bool:
        return self.desk.has_manager()

    def sign_in(self, name: str, pin: str) -> SignedIn:
        return self.desk.sign_in(name, pin)

    def sign_out(self) -> None:
        self.desk.sign_out()

    def lock(self) -> None:
        self.desk.lock()

    def approve(self, action: ManagerAction, manager: str, pin: str, reason: str, subject: str = "") -> Approval:
        return self.desk.approve(action, manager, pin, reason, subject)

    def add_clerk(self, name: str, pin: str, role: Role, approval: Approval | None = None) -> Clerk:
        return self.desk.add_clerk(name, pin, role, approval)

    def remove_clerk(self, clerk_id: int, approval: Approval | None = None) -> Clerk:
        return self.desk.remove_clerk(clerk_id, approval)

    def reset_pin(self, clerk_id: int, pin: str, approval: Approval | None = None) -> Clerk:
        return self.desk.reset_pin(clerk_id, pin, approval)

    @property
    def lane(self) -> str:
        return self.service.lane

    # ---- start-up state --------------------------------------------------------------------------------

    @off_gui_thread
    def count_customers(self) -> int:
        """Customers in the directory (up to a million rows: a worker call)."""
        return self.directory.count()

    @off_gui_thread
    def open_attempt(self) -> Attempt | None:
        """This lane's payment that is not settled yet (the clerk must see it before a new sale), if any."""
        return self.journal.open_attempt(self.service.lane)

    def last_charge(self) -> None:
        """Always None here: this counter's journal keeps its open payment (``open_attempt``)."""
        return None

    @off_gui_thread
    def attempt(self, attempt_id: str) -> Attempt | None:
        """One payment from the journal (e.g. the one the clerk stopped waiting for)."""
        return self.journal.get(attempt_id)

    def startup_notices(self) -> StartupNotices:
        """What the clerk must be told once after start-up: a rebuilt customer list, a failed journal backup."""
        return StartupNotices(recovery=self.directory.recovery, backup_problem=self.backup_problem)

    # ---- customers -----------------------------------------------------------------------------------

    @off_gui_thread
    def search(self, query: str, limit: int = 50) -> list[CustomerHit]:
        return self.directory.search(query, limit)

    @off_gui_thread
    def customer(self, local_id: int) -> StoredCustomer | None:
        """The customer the clerk picked; also recorded as seen at this counter (in the background)."""
        stored = self.directory.get(local_id)
        if stored is not None:
            self.mark_seen(local_id)
        return stored

    def mark_seen(self, local_id: int) -> Future:
        """Record the pick on the seen-writer thread (never blocks the caller); see the module docstring."""
        with self._lock:
            if self._seen_writer is None:
                self._seen_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mark-seen")
            future = self._seen_writer.submit(self._mark_seen, local_id)
            self._seen_pending = future
        return future

    def _mark_seen(self, local_id: int) -> None:
        try:
            self.directory.mark_seen(local_id)
        except Exception:  # noqa: BLE001 - ranking only; the sale goes on
            log.exception("could not record customer %s as seen", local_id)

    def wait_seen(self, timeout: float = 10.0) -> None:
        """Until the last recorded pick is written (tests; searches right after a pick)."""
        with self._lock:
            pending = self._seen_pending
        if pending is not None:
            pending.result(timeout)

    def signed_in_clerk(self) -> str:
        """The signed-in clerk's id. Raises ``NotSignedIn`` when nobody is: there is no default clerk."""
        return require_clerk(self.clerk)

    @off_gui_thread
    def create_customer(self, record: CustomerRecord) -> StoredCustomer:
        """Counter "New customer": validated, PaySimple first, then the directory (``customers.counter``)."""
        from pos_app.customers.counter import create_customer

        self.signed_in_clerk()
        stored = create_customer(self.directory, self.client, record)
        self.events.publish(CustomerSaved(stored, created=True))
        return stored

    @off_gui_thread
    def update_customer(self, local_id: int, record: CustomerRecord) -> StoredCustomer:
        """Counter "Edit customer"; a local-only customer is added to PaySimple (:meth:`add_to_paysimple`)."""
        from pos_app.customers.counter import update_customer

        self.signed_in_clerk()
        stored = self.directory.get(local_id)
        if stored is not None and stored.local_only:
            return self.add_to_paysimple(local_id, record).customer
        stored = update_customer(self.directory, self.client, local_id, record)
        self.events.publish(CustomerSaved(stored, created=False))
        return stored

    @off_gui_thread
    def add_to_paysimple(self, local_id: int, record: CustomerRecord | None = None,
                         progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] = lambda: False) -> Added:
        """Create an imported (local-only) customer in PaySimple and link it to the same row (``record``: the
        clerk's edit, else the stored details). Recorded before it is sent and looked up before any second
        try, so it never makes two PaySimple customers (``customers.paysimple_add``: ``AddNotConfirmed``,
        ``AddAmbiguous``, ``AddInProgress``; refusals as for a create). Times on :meth:`now`."""
        from pos_app.customers.paysimple_add import add_to_paysimple

        self.signed_in_clerk()
        added = add_to_paysimple(self.directory, self.client, local_id, record, now=self.now, progress=progress,
                                 cancelled=cancelled)
        if added.how != "already":
            self.events.publish(CustomerSaved(added.customer, created=False))
        return added

    @off_gui_thread
    def possible_duplicates(self, record: CustomerRecord, exclude_id: int | None = None) -> list[StoredCustomer]:
        """Customers who may already be this one: same name and the same phone or e-mail (the clerk decides)."""
        from pos_app.customers.counter import possible_duplicates

        return possible_duplicates(self.directory, record, exclude_id)

    @off_gui_thread
    def import_csv(self, path, progress: Callable[[int, int], None] | None = None, cancel=None,
                   report_path=None, batch_size: int | None = None):
        """CSV import into the directory (``customers.import_csv``); returns its ImportReport. The report
        file goes to ``import-reports/`` next to the directory (this environment's data)."""
        from datetime import datetime

        from pos_app.customers.csv_import import BATCH_SIZE, import_csv

        if report_path is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            report_path = self.directory.path.parent / "import-reports" / f"{Path(path).stem}-{stamp}-report.csv"
        report = import_csv(self.directory, path, progress=progress, cancel=cancel, report_path=report_path,
                            batch_size=batch_size or BATCH_SIZE)
        self.events.publish(CustomersImported(report))
        return report

    @off_gui_thread
    def accounts(self, paysimple_id: int) -> CustomerAccounts:
        """The customer's cards and bank accounts on file, without those waiting to be removed."""
        accounts = self.client.get_accounts(paysimple_id)
        hidden = self.onfile.hidden_ids(paysimple_id)
        if not hidden:
            return accounts
        return CustomerAccounts(credit_cards=[a for a in accounts.credit_cards if a.id not in hidden],
                                ach_accounts=[a for a in accounts.ach_accounts if a.id not in hidden])

    @off_gui_thread
    def on_file_ids(self, paysimple_id: int) -> frozenset[int]:
        """Ids of the accounts on file now (a form's snapshot: what it returns later is new unless listed)."""
        accounts = self.accounts(paysimple_id)
        return frozenset(a.id for a in [*accounts.credit_cards, *accounts.ach_accounts])

    # ---- on file: consent, removal ---------------------------------------------------------------------

    @off_gui_thread
    def plan_new_account(self, paysimple_id: int, account: Account, consent: bool) -> OnFileRecord:
        """Before charging a new account: kept on file only with ``consent``; held from sweeps until
        :meth:`settle_new_account`. If the plan cannot be written (the journal fails), nothing may be charged
        and an account without consent is deleted at once (best effort) before the error is raised."""
        try:
            return self.onfile.record_new(AccountRef.from_paysimple(account), paysimple_id, consent, self.clerk)
        except Exception:
            if not consent:
                try:
                    self.remove_account(account)
                except Exception:  # noqa: BLE001 - the original error is what the clerk must see
                    log.exception("could not remove a new account whose plan was not recorded")
            raise

    @off_gui_thread
    def settle_new_account(self, account_id: int) -> OnFileRecord | None:
        """After the charge (or a cancel): decide now (keep / remove / wait) and remove what is due. A failed
        removal is recorded and retried by the sweeps; it never raises."""
        try:
            self.onfile.release(account_id)
            self.onfile.sweep([account_id], clerk=self.clerk)
            record = self.onfile.get(account_id)
        except Exception:  # noqa: BLE001 - the record stays pending; the next sweep retries
            log.exception("could not settle a new account on file")
            return None
        self.events.publish(AccountsChanged(record.customer_id if record is not None else None))
        return record

    @off_gui_thread
    def keep_on_file(self, paysimple_id: int, account: Account, reason: str) -> None:
        """An explicit save ("Update payment details"): cancels any planned removal of this account."""
        self.onfile.keep(AccountRef.from_paysimple(account), paysimple_id, self.clerk, reason)
        self.events.publish(AccountsChanged(paysimple_id))

    def sweep_on_file(self) -> SweepReport | None:
        """Remove what is due (start-up, and the background sweeper); errors are logged, never raised."""
        try:
            report = self.onfile.sweep(clerk="system")
        except Exception:  # noqa: BLE001 - e.g. the journal is busy; the next sweep tries again
            log.exception("sweep of accounts on file failed")
            return None
        if report.failed:
            log.warning("%d account(s) could not be removed from PaySimple yet; retried later", len(report.failed))
        return report

    def start_on_file_sweeper(self, interval: float = ONFILE_SWEEP_INTERVAL) -> None:
        """Sweep now (on the sweeper thread) and every ``interval`` seconds until :meth:`close`; calling it
        again asks for a sweep now."""
        with self._lock:
            if self._sweeper is not None:
                self._sweep_now.set()
                return
            self._sweeper = threading.Thread(target=self._sweep_loop, args=(interval,), name="onfile-sweeper",
                                             daemon=True)
            self._sweeper.start()

    def _sweep_loop(self, interval: float) -> None:
        while not self._stop_sweeper.is_set():
            self._sweep_now.clear()
            report = self.sweep_on_file()
            self.sweeps += 1
            if report is not None:
                self.last_sweep = report
            self._sweep_now.wait(interval)
            if self._stop_sweeper.is_set():
                return

    @off_gui_thread
    def verify_account(self, paysimple_id: int, account_id: int) -> Account:
        accounts = self.client.get_accounts(paysimple_id)
        for account in [*accounts.credit_cards, *accounts.ach_accounts]:
            if account.id == account_id and account.customer_id == paysimple_id:
                return account
        log.warning("page returned an account that is not the selected customer's; refused")
        raise ForeignAccount()

    @off_gui_thread
    def set_default(self, paysimple_id: int, account: Account) -> None:
        self.signed_in_clerk()
        self.client.set_default_account(paysimple_id, account.id)
        self.events.publish(AccountsChanged(paysimple_id))

    @off_gui_thread
    def remove_account(self, account: Account) -> None:
        self.signed_in_clerk()
        if isinstance(account, CreditCardAccount):
            self.client.delete_credit_card(account.id)
        else:
            self.client.delete_ach(account.id)
        self.events.publish(AccountsChanged(account.customer_id))

    # ---- tokens --------------------------------------------------------------------------------------

    def _checkout_clock(self) -> float:
        # Training ages prefetched checkout tokens on the gateway's clock, so time travel expires them here too.
        return self.gateway.clock.now().timestamp() if self.gateway is not None else time.monotonic()

    @off_gui_thread
    def prefetch_checkout_token(self) -> None:
        self._tokens.prefetch_checkout(lambda: self.client.checkout_token().jwt_token)

    @off_gui_thread
    def take_checkout_token(self) -> str:
        """A checkout token for one form (the prefetched one when fresh)."""
        return self._tokens.take_checkout(lambda: self.client.checkout_token().jwt_token)

    @off_gui_thread
    def customer_token(self, paysimple_id: int, fresh: bool = False) -> str:
        return self._tokens.customer(paysimple_id, fresh, lambda: self.client.customer_token(paysimple_id).jwt_token)

    # ---- charging ------------------------------------------------------------------------------------

    @off_gui_thread
    def recent_charges(self, customer_id: int, amount: Decimal) -> list[Attempt]:
        """This customer's charges of exactly ``amount`` in the last 10 minutes on any lane (repeat guard)."""
        from pos_app.payments.duplicates import recent_charges

        return recent_charges(self.journal, customer_id, amount, self.service.clock())

    @off_gui_thread
    def charge(self, customer: CustomerRef, account: Account, amount: Decimal, payment_token: str | None = None,
               cvv: str | None = None, on_status: Callable[[StatusEvent], None] | None = None,
               ach_authorization: str | None = None, attempt_id: str | None = None) -> Attempt:
        """Charge once (``PaymentService.charge``); PaySimple e-mails no receipt with it: the receipt is chosen
        after the payment (``email_receipt``). ``ach_authorization``: required for a bank account (the text
        read to the customer). ``attempt_id``: the attempt's id when the caller chose it (``CounterApi``)."""
        attempt = self.service.charge(customer, AccountRef.from_paysimple(account), amount,
                                      clerk=self.signed_in_clerk(), payment_token=payment_token, cvv=cvv,
                                      on_status=on_status,
                                      ach_authorization=ach_authorization, attempt_id=attempt_id)
        self.events.publish(PaymentRecorded(attempt))
        return attempt

    @off_gui_thread
    def resolve(self, attempt: Attempt, on_status=None) -> Attempt:
        """Check an unconfirmed payment with PaySimple again (never re-sends it)."""
        attempt = self.service.resolve(attempt, self.clerk or "system", on_status)
        self.events.publish(PaymentResolved(attempt))
        return attempt

    @off_gui_thread
    def void(self, attempt: Attempt, approval: Approval) -> Attempt:
        """Void an approved payment with a manager's approval (journaled write-ahead by the payments service)."""
        attempt = self.service.void(attempt, approval)
        self.events.publish(PaymentResolved(attempt))
        return attempt

    @off_gui_thread
    def receipt_address(self, attempt: Attempt) -> str:
        """The e-mail address PaySimple has on file for the attempt's customer (``ReceiptEmailError``)."""
        from pos_app.payments.receipts import receipt_address

        return receipt_address(self.service.gateway, attempt)

    @off_gui_thread
    def email_receipt(self, attempt: Attempt, to: str) -> str:
        """PaySimple e-mails the receipt to ``to`` (the address the clerk confirmed, still the one on file);
        see ``CounterPayments.email_receipt``."""
        from pos_app.payments.receipts import email_receipt

        return email_receipt(self.service.gateway, attempt, to)

    # ---- after the sale: history, void/refund, end of day ------------------------------------------------

    def payments(self, merchant: Merchant, tz: tzinfo, approve: Approve | None = None) -> CounterPayments:
        """The history / end-of-day use cases for this counter's lane (``CounterPayments``): clerk names and
        the signed-in clerk come from the desk; ``approve`` is the screen's way of asking a manager."""
        from pos_app.counter.payments import CounterPayments

        return CounterPayments(journal=self.journal, service=self.service, merchant=merchant, tz=tz,
                               lane=self.service.lane, environment=self.environment, clerk_name=self.clerk_name,
                               clerk_id=lambda: self.clerk, approve=approve,
                               events=self.events)


class StoreEnvironmentChanged(RuntimeError):
    """The store server now talks to another PaySimple environment than this counter was set up for."""


def _open_store_counter(start: CounterStart, progress: Progress):
    """Store mode: ask the server who it is (``RemoteCounter.hello``) and return the lane's counter. Raises
    ``StoreServerUnreachable`` / ``StoreServerRefused`` (a revoked lane: ``code == "lane_revoked"``), or
    :class:`StoreEnvironmentChanged` when the server's environment is not the one the window shows (the
    banner must never say Sandbox while real money moves)."""
    progress(0, 0, "Connecting to the store server…")
    counter = start.store.hello()
    if counter.environment is not start.environment:
        raise StoreEnvironmentChanged(
            f"The store server now uses PaySimple {counter.environment.value}, but this counter was set up for "
            f"{start.environment.value}. Close the app and open it again.")
    return counter
