"""The counter's use cases over a store server (issue 20): ``RemoteCounter`` implements the counter's calls by
asking the server (``serverlink.client.StoreLink``: TLS with the pinned certificate, an overall deadline per
request). The counter then holds no PaySimple key and no journal of record; screens see the same calls, values,
events and typed errors as with the local ``Counter``.

Contracts:
- Charging never sends a payment twice and never a second one behind the clerk's back: each ``charge`` call
  makes one attempt id (``<lane>-<ULID>``), the server's idempotency key, and asks with that key and the same
  body until the server answers with the attempt (any state, as the local service returns it). "Still working"
  (202), a 503, a lost or cut reply: ask again with the same key (``on_status`` says "checking"/"waiting"). A new
  key is only ever made by a new ``charge`` call, which the screens make only after an attempt that was not
  charged (declined, rejected, absent).
- When the server cannot be reached: if no request of this charge can have reached it (the first connection
  was refused), ``StoreServerUnreachable(charged=False)``: nothing was charged. Otherwise, after ``ask_for``
  seconds of trying, ``StoreServerUnreachable(charged=None, attempt_id=…)``: the outcome is not known yet; the
  payment is the server's (it finishes or looks it up there), and "Check again" (``resolve``) or
  ``open_attempt`` asks for it by its id when the server is back. There is no path that charges without the
  server.
- A lane killed mid-charge loses nothing and charges nothing twice (decision 0465): with ``pending`` (the
  lane's data folder, ``counter.pending``) each charge's record (key, customer, amount, account kind/last 4)
  is on disk, fsynced, before its first request leaves, and is removed only on the server's final answer (the
  attempt, a refusal of the charge, or nothing reached the server). :meth:`last_charge` asks about a record a
  previous run left, with its key (``POST /v1/charges/{key}/close``: never re-sent); it says "not charged"
  only when the server said so. While a record is unsettled no new charge starts, and :meth:`recent_charges`
  includes it (the "Already charged?" check).
- The page never chooses the customer: :meth:`customer` selects the customer on the server (a server-side
  record); tokens, accounts and charges are for that customer only, and the server checks it again.
- Manager approvals are the server's: :meth:`approve` returns an ``Approval`` whose one-use token this object
  keeps; a void with an approval the server did not issue here is refused.
- Search reads the lane's own copy of the store's customers (``counter.replica``, kept from the server's change
  feed by a background follower): it works while the server is down. Until the copy has caught up once (a new
  counter), search asks the server. Picking a customer selects them on the server; when the server cannot be
  reached the copy's record is shown and the selection is made on the server before the next call that needs
  it (accounts, tokens, a charge) — which then fails with ``StoreServerUnreachable`` while it is down.
- Every method that talks to the server blocks and runs on a worker (``off_gui_thread``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pos_app.clerks import ApprovalPaused, ApprovalWait, Clerk, ClerkError, LockedOut, ManagerAction, Role
from pos_app.clerks import NotAllowed as ClerkNotAllowed
from pos_app.config import Environment
from pos_app.counter.api import ChargeOutcome, LastCharge, StartupNotices
from pos_app.counter.clerks import SignedIn
from pos_app.counter.errors import ForeignAccount
from pos_app.counter.events import (
    AccountsChanged,
    ClerkSignedIn,
    ClerkSignedOut,
    CustomerSaved,
    EventBus,
    PaymentRecorded,
    PaymentResolved,
)
from pos_app.counter.guard import off_gui_thread
from pos_app.counter.pending import PendingCharge, PendingCharges, PendingUnreadable
from pos_app.counter.replica import ReplicaFollower
from pos_app.counter.tokens import TokenCache
from pos_app.customers.counter import CustomerValidationError
from pos_app.customers.models import CustomerHit, CustomerRecord, StoredCustomer
from pos_app.customers.paysimple_add import AddAmbiguous, Added, AddNotConfirmed
from pos_app.customers.store import AddInProgress
from pos_app.i18n_keys import joined
from pos_app.payments import (
    Approval,
    Attempt,
    CustomerRef,
    EodReport,
    InvalidCharge,
    LaneBusy,
    NotAllowed,
    NotSignedIn,
    PaymentError,
    ReversalOption,
    State,
    StatusEvent,
    ids,
)
from pos_app.payments.model import AccountRef
from pos_app.payments.store import OnFileRecord
from pos_app.paysimple import AchAccount, CreditCardAccount, CustomerAccounts
from pos_app.paysimple import errors as gateway_errors
from pos_app.paysimple.rules import FieldMessage
from pos_app.serverlink import messages as m
from pos_app.serverlink import sentences as say
from pos_app.serverlink.client import (
    CertificateChanged,
    ServerRefused,
    ServerUnreachable,
    StoreLink,
    Timeouts,
)
from pos_app.serverlink.wire import decode, encode

log = logging.getLogger(__name__)

Account = CreditCardAccount | AchAccount


class StoreServerUnreachable(PaymentError):
    """The store server could not be reached. ``charged``: False = nothing reached it (nothing was charged);
    None = a request may have reached it, the outcome is not known yet (``attempt_id`` is the payment to check
    again when the server is back). Never True. ``certificate_changed``: the last try met a server whose
    certificate is not the pinned one (``CertificateChanged``: nothing was sent to it; the way back is a new
    enrollment)."""

    def __init__(self, charged: bool | None, attempt_id: str | None = None, detail: str = "",
                 payment: bool = True, certificate_changed: bool = False) -> None:
        """``payment``: False for a request that takes no money (a look-up, a customer or account change):
        the sentence then says only that the server cannot be reached (``detail`` says how)."""
        self.charged, self.attempt_id = charged, attempt_id
        self.certificate_changed = certificate_changed
        if not payment:
            text = "" if detail else say.UNREACHABLE
        elif charged is False:
            text = say.UNREACHABLE_NOT_CHARGED
        elif attempt_id is not None:
            text = say.UNREACHABLE_OUTCOME_UNKNOWN
        else:
            text = say.UNREACHABLE_NOW
        super().__init__(joined([text, detail]))


class StoreServerRefused(PaymentError):
    """The store server refused the request (``code``, ``status``); ``str()`` is its sentence."""

    def __init__(self, refused: ServerRefused) -> None:
        self.code, self.status, self.values = refused.code, refused.status, refused.values
        super().__init__(str(refused))


_PAYSIMPLE_ERRORS = {cls.__name__: cls for cls in (
    gateway_errors.PaySimpleError, gateway_errors.AuthenticationError, gateway_errors.InvalidInputError,
    gateway_errors.PermissionDeniedError, gateway_errors.NotFoundError, gateway_errors.ServerError,
    gateway_errors.ResponseFormatError, gateway_errors.ReplyTooLarge, gateway_errors.TransportError,
    gateway_errors.RequestTimeout)}
_SESSION_CODES = {"not_signed_in", "signed_out", "session_locked", "session_expired"}


def _said(exc: BaseException) -> str:
    """What ``exc`` says, keeping its Message (and so its translation key) when it carries one."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, str) and first else str(exc)


def _aware_time(value: Any) -> datetime | None:
    try:
        return decode(datetime, value)
    except ValueError:
        return None


def typed_error(exc: ServerRefused) -> Exception:
    """The server's refusal as the typed error the local counter raises for the same case."""
    v, code = exc.values, exc.code
    if code == "paysimple":
        cls = _PAYSIMPLE_ERRORS.get(str(v.get("kind")), gateway_errors.PaySimpleError)
        messages = [FieldMessage(str(x.get("field", "")), str(x.get("message", "")))
                    for x in v.get("messages") or [] if isinstance(x, dict)]
        return cls(str(exc), status=v.get("status"), error_code=v.get("error_code"), messages=messages,
                   may_have_taken_effect=bool(v.get("may_have_taken_effect")),
                   paysimple_answered=bool(v.get("paysimple_answered")))
    if code == "customer_invalid":
        return CustomerValidationError([FieldMessage(str(x.get("field", "")), str(x.get("message", "")))
                                        for x in v.get("messages") or [] if isinstance(x, dict)])
    if code == "foreign_account":
        return ForeignAccount()
    if code in _SESSION_CODES:
        return NotSignedIn()
    if code == "locked_out" and _aware_time(v.get("until")):
        return LockedOut(_aware_time(v["until"]))
    if code == "approval_locked" and _aware_time(v.get("until")):
        return ApprovalPaused(str(v.get("manager", "")), _aware_time(v["until"]))
    if code == "approval_wait" and isinstance(v.get("wait_ms"), int):
        return ApprovalWait(timedelta(milliseconds=v["wait_ms"]))
    if code == "not_allowed" and exc.status == 403 and "action" in v:
        return ClerkNotAllowed(str(exc), str(v.get("action", "")))
    if code in ("wrong_pin", "pin_digits", "reason_required", "approval_wrong_pin", "clerk_file_tampered") or \
            code.startswith("approval_") and code not in ("approval_required", "approval_unknown"):
        return ClerkError(str(exc), code, **v)
    if code == "receipt_email":
        from pos_app.payments.receipts import ReceiptEmailError

        return ReceiptEmailError(str(exc), str(v.get("reason") or "refused"), bool(v.get("may_have_sent")))
    if code == "add_not_confirmed" and _aware_time(v.get("check_after")):
        return AddNotConfirmed(_aware_time(v["check_after"]), str(exc))
    if code == "add_ambiguous":
        return AddAmbiguous([int(i) for i in v.get("paysimple_ids") or [] if isinstance(i, int)])
    if code == "add_in_progress":
        return AddInProgress()
    if code == "lane_busy":
        return LaneBusy(str(v.get("lane") or ""), None)
    if code == "invalid_charge":
        return InvalidCharge(str(exc))
    if code in ("not_allowed", "manager_only", "approval_required", "approval_unknown"):
        return NotAllowed(str(exc))
    return StoreServerRefused(exc)


STORE_CREDENTIAL = "store"  # the credential store's "environment" for a lane credential


@dataclass(frozen=True)
class StoreAccess:
    """What a counter in store mode keeps in its settings: the server's address, this counter's lane and the
    pinned certificate fingerprint. The credential itself is in the keyring (``CredentialStore``), never here."""

    url: str
    lane: str
    fingerprint: str


def enroll_counter(url: str, code: str, lane: str, credentials, timeouts: Timeouts | None = None) -> StoreAccess:
    """Enroll this counter with a one-time code (``serverlink.client.enroll``: the server proves the code before
    it is sent; the certificate is pinned) and keep the credential in the keyring (``credentials``: this data
    folder's ``CredentialStore``; ``KeyringUnavailable`` when there is none: then nothing is kept)."""
    from pos_app.serverlink.client import enroll

    enrolled = enroll(url, code, lane, timeouts or Timeouts())
    credentials.save(STORE_CREDENTIAL, enrolled.lane, enrolled.credential)
    return StoreAccess(enrolled.url, enrolled.lane, enrolled.fingerprint)


#: What a settled attempt means for the clerk asking about a charge a previous run left (``LastCharge``).
_OUTCOMES = {State.APPROVED: ChargeOutcome.APPROVED, State.VOID_PENDING: ChargeOutcome.APPROVED,
             State.VOIDED: ChargeOutcome.APPROVED, State.REFUND_PENDING: ChargeOutcome.APPROVED,
             State.REFUNDED: ChargeOutcome.APPROVED, State.DECLINED: ChargeOutcome.DECLINED,
             State.REJECTED: ChargeOutcome.DECLINED, State.ABSENT: ChargeOutcome.NOT_CHARGED}
_STILL_OPEN = frozenset(State) - set(_OUTCOMES)


def _pending_attempt(record: PendingCharge, lane: str) -> Attempt:
    """A pending record shown as the unconfirmed attempt it may be (the repeat check, a busy lane)."""
    return Attempt(record.attempt_id, lane, record.clerk, record.paysimple_id, record.customer_name, 0,
                   record.account_kind, record.account_last4, record.account_brand, record.amount_cents,
                   State.UNKNOWN, record.created_at, record.created_at,
                   note=say.CLOSED_BEFORE_ANSWER)


class RemoteCounter:
    """``CounterApi`` over one store server (module docstring)."""

    def __init__(self, link: StoreLink, lane: str, environment: Environment = Environment.SANDBOX,
                 paysimple_origin: str = "", events: EventBus | None = None, ask_for: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, replica: ReplicaFollower | None = None,
                 pending: PendingCharges | None = None) -> None:
        self.link, self._lane = link, lane
        self.pending = pending
        self.replica = replica
        self._select_pending: int | None = None  # picked while the server was unreachable
        self.environment, self.paysimple_origin = environment, paysimple_origin
        self.events = events or EventBus()
        self.ask_for, self._sleep = ask_for, sleep
        self._lock = threading.Lock()
        self._closed = False
        self._clerk: Clerk | None = None
        self._locked = False
        self._names: dict[str, str] = {}
        self._selected: StoredCustomer | None = None
        self._approvals: dict[tuple[Approval, str, str], str] = {}  # (approval, action, subject) -> token
        self._tokens = TokenCache()

    @classmethod
    @off_gui_thread
    def open(cls, access: StoreAccess, credentials, data_dir, events: EventBus | None = None,
             **options) -> RemoteCounter:
        """The counter of an enrolled lane: its credential from the keyring, its customer copy in ``data_dir``
        (followed in the background), the server's PaySimple origin and environment from the server itself.
        Raises ``MissingCredentials`` (not enrolled on this PC, or the
        keyring lost it) or ``StoreServerUnreachable``/``StoreServerRefused``."""
        from pos_app.counter.errors import MissingCredentials

        credential = credentials.load(STORE_CREDENTIAL, access.lane)
        if not credential:
            raise MissingCredentials()
        counter = cls.connect(access.url, access.fingerprint, credential, access.lane, events,
                              replica_dir=data_dir, **options)
        try:
            counter.hello()
        except BaseException:
            counter.close()
            raise
        return counter

    @off_gui_thread
    def hello(self) -> RemoteCounter:
        """Ask the server who it is (``GET /v1/server``: sets :attr:`environment` and :attr:`paysimple_origin`)
        and whether this lane's credential still works (the clerk list, which needs it); returns self. Raises
        ``StoreServerUnreachable`` / ``StoreServerRefused`` (code ``lane_revoked`` or ``bad_credential`` when this
        counter's enrollment no longer holds)."""
        info = self._call("GET", "/v1/server", reply=m.ServerInfo)
        self.environment = Environment(info.environment)
        self.paysimple_origin = info.paysimple_origin
        self.clerks()
        return self

    @classmethod
    def connect(cls, url: str, fingerprint: str, credential: str, lane: str, events: EventBus | None = None,
                timeouts: Timeouts | None = None, replica_dir=None, replica_wait_s: int | None = None,
                **options) -> RemoteCounter:
        """A counter on the server at ``url`` (``serverlink.client.enroll`` gave the rest); with
        ``replica_dir`` (the lane's data folder), its customer copy there, followed from now on, and its
        pending-charge record there."""
        link = StoreLink(url, fingerprint, credential, timeouts or Timeouts())
        replica = None
        if replica_dir is not None:
            from pos_app.counter.replica import WAIT_S, ReplicaFollower

            replica = ReplicaFollower(replica_dir, url, fingerprint, credential, replica_wait_s or WAIT_S,
                                      connect_s=(timeouts or Timeouts()).connect).start()
        if replica_dir is not None:
            options.setdefault("pending", PendingCharges(replica_dir))
        return cls(link, lane, events=events, replica=replica, **options)

    # ---- plumbing ------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: Any = None, reply: Any = None, **kw) -> Any:
        """One request; the reply decoded as ``reply`` (a type) or None. Refusals as typed errors."""
        try:
            _, data, _ = self.link.request(method, path, None if body is None else encode(body), **kw)
        except ServerRefused as exc:
            raise typed_error(exc) from None
        except ServerUnreachable as exc:
            raise StoreServerUnreachable(None if exc.sent else False, detail=_said(exc), payment=False,
                                         certificate_changed=isinstance(exc, CertificateChanged)) from None
        return None if reply is None else decode(reply, data, reply.__name__ if isinstance(reply, type) else "reply")

    @property
    def lane(self) -> str:
        return self._lane

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return date.today()

    def close(self) -> None:
        """Stop the copy's follower and close the link (a second call does nothing)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self.replica is not None:
            self.replica.close()
        self.link.close()

    def startup_notices(self) -> StartupNotices:
        return StartupNotices()

    @property
    def customers_loading(self) -> bool:
        """The counter's copy is not complete yet (``ReplicaFollower.ready``): searches ask the server."""
        return self.replica is not None and not self.replica.ready

    # ---- clerks (the server checks every PIN) --------------------------------------------------------

    @property
    def signed_in(self) -> Clerk | None:
        with self._lock:
            return self._clerk

    @property
    def locked(self) -> bool:
        with self._lock:
            return self._locked

    @property
    def clerk(self) -> str | None:
        clerk = self.signed_in
        return str(clerk.id) if clerk else None

    def clerk_name(self, clerk_id: str) -> str:
        with self._lock:
            return self._names.get(str(clerk_id), str(clerk_id))

    @off_gui_thread
    def clerks(self) -> list[Clerk]:
        infos = self._call("GET", "/v1/clerks", reply=list[m.ClerkInfo])
        clerks = [Clerk(c.id, c.name, Role(c.role)) for c in infos]
        with self._lock:
            self._names.update({str(c.id): c.name for c in clerks})
        return clerks

    @off_gui_thread
    def has_manager(self) -> bool:
        return any(c.is_manager for c in self.clerks())

    @off_gui_thread
    def sign_in(self, name: str, pin: str) -> SignedIn:
        """PIN checked by the server; the session token stays in memory only. Returns ``SignedIn``."""
        reply = self._call("POST", "/v1/sessions", m.SignInBody(str(name), str(pin)), reply=m.SignedInReply)
        self.link.session = reply.token
        info = reply.session.clerk
        clerk = Clerk(info.id, info.name, Role(info.role))
        with self._lock:
            switched = self._clerk is None or self._clerk.id != clerk.id
            self._clerk, self._locked = clerk, False
            self._names[str(clerk.id)] = clerk.name
            self._selected = self._select_pending = None
            self._tokens.forget_customers()
        self.events.publish(ClerkSignedIn(str(clerk.id)))
        return SignedIn(clerk, self.now(), switched)

    @off_gui_thread
    def sign_out(self) -> None:
        try:
            if self.link.session:
                self._call("DELETE", "/v1/sessions/current")
        finally:
            self.link.session = None
            with self._lock:
                self._clerk, self._locked, self._selected, self._select_pending = None, False, None, None
            self.events.publish(ClerkSignedOut())

    @off_gui_thread
    def lock(self) -> None:
        try:
            if self.link.session:
                self._call("POST", "/v1/sessions/current/lock")
        finally:
            self.link.session = None
            with self._lock:
                self._locked = True

    @off_gui_thread
    def approve(self, action: ManagerAction, manager: str, pin: str, reason: str, subject: str = "") -> Approval:
        reply = self._call("POST", "/v1/approvals", m.ApproveBody(ManagerAction(action).value, str(manager),
                                                                  str(pin), str(reason), str(subject)),
                           reply=m.ApprovalReply)
        approval = Approval(str(reply.manager_id), Role.MANAGER.value, reply.reason)
        with self._lock:
            self._approvals[(approval, reply.action, reply.subject)] = reply.token
        return approval

    def _approval_token(self, approval: Approval, action: str, subject: str) -> str:
        """The server's token for this approval of ``action`` on ``subject`` (one use)."""
        with self._lock:
            token = self._approvals.pop((approval, action, subject), None)
            if token is None:
                token = self._approvals.pop((approval, action, ""), None)
        if token is None:
            raise NotAllowed(say.APPROVAL_NOT_HERE)
        return token

    def add_clerk(self, name: str, pin: str, role: Role, approval: Approval | None = None) -> Clerk:
        raise ClerkNotAllowed(say.CLERKS_ON_SERVER, ManagerAction.MANAGE_CLERKS.value)

    def remove_clerk(self, clerk_id: int, approval: Approval | None = None) -> Clerk:
        raise ClerkNotAllowed(say.CLERKS_ON_SERVER, ManagerAction.MANAGE_CLERKS.value)

    def reset_pin(self, clerk_id: int, pin: str, approval: Approval | None = None) -> Clerk:
        raise ClerkNotAllowed(say.CLERKS_ON_SERVER, ManagerAction.MANAGE_CLERKS.value)

    # ---- start-up state ------------------------------------------------------------------------------

    @off_gui_thread
    def count_customers(self) -> int:
        if self.replica is not None and self.replica.ready:
            return self.replica.count()
        return self._call("GET", "/v1/customers/count", reply=m.CountReply).count

    @off_gui_thread
    def open_attempt(self) -> Attempt | None:
        return self._call("GET", "/v1/payments/open", reply=m.OpenAttemptReply).attempt

    @off_gui_thread
    def attempt(self, attempt_id: str) -> Attempt | None:
        try:
            return self._call("GET", f"/v1/payments/{attempt_id}", reply=Attempt)
        except StoreServerRefused as exc:
            if exc.status == 404:
                return None
            raise

    def sync_customers(self, progress=None, cancelled: Callable[[], bool] = lambda: False):
        """The store server syncs PaySimple's customers for the whole store; a counter does not."""
        return None

    # ---- customers -----------------------------------------------------------------------------------

    @off_gui_thread
    def search(self, query: str, limit: int = 50) -> list[CustomerHit]:
        """From this counter's copy (works while the server is down); the server's search until the copy has
        caught up once."""
        if self.replica is not None and self.replica.ready:
            return self.replica.search(query, limit)
        return self._call("GET", "/v1/customers", params={"q": query, "limit": str(limit)},
                          reply=list[CustomerHit])

    @off_gui_thread
    def customer(self, local_id: int) -> StoredCustomer | None:
        """The clerk picked this customer: selected on the server (tokens, accounts, charges are for them)."""
        try:
            stored = self._call("POST", "/v1/selection", m.SelectBody(int(local_id)), reply=StoredCustomer)
        except StoreServerRefused as exc:
            if exc.status == 404:
                return None
            raise
        except StoreServerUnreachable:
            stored = self.replica.get(int(local_id)) if self.replica is not None else None
            if stored is None:
                raise
            with self._lock:
                self._selected, self._select_pending = stored, stored.id
            return stored
        with self._lock:
            self._selected, self._select_pending = stored, None
        return stored

    def _selection_on_server(self) -> None:
        """Make the selection that was made while the server was unreachable (before a call that needs it)."""
        with self._lock:
            pending = self._select_pending
        if pending is None:
            return
        stored = self._call("POST", "/v1/selection", m.SelectBody(pending), reply=StoredCustomer)
        with self._lock:
            if self._select_pending == pending:
                self._selected, self._select_pending = stored, None

    @off_gui_thread
    def create_customer(self, record: CustomerRecord) -> StoredCustomer:
        stored = self._call("POST", "/v1/customers", record, reply=StoredCustomer)
        self.events.publish(CustomerSaved(stored, created=True))
        return stored

    @off_gui_thread
    def update_customer(self, local_id: int, record: CustomerRecord) -> StoredCustomer:
        stored = self._call("PUT", f"/v1/customers/{int(local_id)}", record, reply=StoredCustomer)
        self.events.publish(CustomerSaved(stored, created=False))
        return stored

    @off_gui_thread
    def add_to_paysimple(self, local_id: int, record: CustomerRecord | None = None,
                         progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] = lambda: False) -> Added:
        """The server adds the imported customer to PaySimple once (recorded before sending, looked up before
        any second try: ``AddNotConfirmed`` / ``AddAmbiguous`` / ``AddInProgress`` as locally)."""
        added = self._call("POST", f"/v1/customers/{int(local_id)}/add-to-paysimple", m.AddBody(record),
                           reply=Added)
        if added.how != "already":
            self.events.publish(CustomerSaved(added.customer, created=False))
        return added

    @off_gui_thread
    def possible_duplicates(self, record: CustomerRecord, exclude_id: int | None = None) -> list[StoredCustomer]:
        return self._call("POST", "/v1/customers/duplicates", m.DuplicatesBody(record, exclude_id),
                          reply=list[StoredCustomer])

    def import_csv(self, path, progress=None, cancel=None, report_path=None, batch_size=None):
        raise NotAllowed(say.IMPORTS_ON_SERVER)

    # ---- accounts on file ----------------------------------------------------------------------------

    @off_gui_thread
    def accounts(self, paysimple_id: int) -> CustomerAccounts:
        self._selection_on_server()
        return self._call("GET", "/v1/selection/accounts", params={"paysimple_id": str(int(paysimple_id))},
                          reply=CustomerAccounts)

    @off_gui_thread
    def on_file_ids(self, paysimple_id: int) -> frozenset[int]:
        accounts = self.accounts(paysimple_id)
        return frozenset(a.id for a in [*accounts.credit_cards, *accounts.ach_accounts])

    @off_gui_thread
    def verify_account(self, paysimple_id: int, account_id: int) -> Account:
        self._selection_on_server()
        return self._call("POST", f"/v1/selection/accounts/{int(account_id)}/verify",
                          m.AccountBody(int(paysimple_id)), reply=Account)

    @off_gui_thread
    def plan_new_account(self, paysimple_id: int, account: Account, consent: bool) -> OnFileRecord:
        return self._call("POST", f"/v1/selection/accounts/{account.id}/plan",
                          m.PlanBody(int(paysimple_id), bool(consent)), reply=OnFileRecord)

    @off_gui_thread
    def settle_new_account(self, account_id: int) -> OnFileRecord | None:
        try:
            record = self._call("POST", f"/v1/selection/accounts/{int(account_id)}/settle",
                                reply=OnFileRecord | None)
        except Exception:  # noqa: BLE001 - the server's sweeps retry; like the local counter, never raised
            log.exception("could not settle a new account on file")
            return None
        self.events.publish(AccountsChanged(record.customer_id if record is not None else None))
        return record

    @off_gui_thread
    def keep_on_file(self, paysimple_id: int, account: Account, reason: str) -> None:
        self._call("POST", f"/v1/selection/accounts/{account.id}/keep", m.KeepBody(int(paysimple_id), str(reason)))
        self.events.publish(AccountsChanged(paysimple_id))

    @off_gui_thread
    def set_default(self, paysimple_id: int, account: Account) -> None:
        self._call("POST", f"/v1/selection/accounts/{account.id}/default", m.AccountBody(int(paysimple_id)))
        self.events.publish(AccountsChanged(paysimple_id))

    @off_gui_thread
    def remove_account(self, account: Account) -> None:
        self._call("DELETE", f"/v1/selection/accounts/{account.id}",
                   params={"paysimple_id": str(account.customer_id)})
        self.events.publish(AccountsChanged(account.customer_id))

    # ---- tokens --------------------------------------------------------------------------------------

    def _checkout_token(self) -> str:
        return self._call("POST", "/v1/tokens/checkout", reply=m.TokenReply).token

    @off_gui_thread
    def prefetch_checkout_token(self) -> None:
        self._tokens.prefetch_checkout(self._checkout_token)

    @off_gui_thread
    def take_checkout_token(self) -> str:
        return self._tokens.take_checkout(self._checkout_token)

    @off_gui_thread
    def customer_token(self, paysimple_id: int, fresh: bool = False) -> str:
        def fetch() -> str:
            self._selection_on_server()
            return self._call("POST", "/v1/tokens/customer", m.TokenBody(int(paysimple_id)),
                              reply=m.TokenReply).token
        return self._tokens.customer(paysimple_id, fresh, fetch)

    # ---- charging ------------------------------------------------------------------------------------

    @off_gui_thread
    def recent_charges(self, customer_id: int, amount: Decimal) -> list[Attempt]:
        """The server's recent charges of this customer and amount, and this lane's unsettled pending charge
        of them (as "unconfirmed") when the server has not written it."""
        found = self._call("GET", "/v1/payments/recent",
                           params={"customer_id": str(int(customer_id)), "amount": f"{Decimal(amount):.2f}"},
                           reply=list[Attempt])
        record = self._pending_record()
        if record is not None and record.paysimple_id == int(customer_id) \
                and record.amount == Decimal(amount) and all(a.id != record.attempt_id for a in found):
            found = [_pending_attempt(record, self._lane), *found]
        return found

    def _pending_record(self) -> PendingCharge | None:
        """This lane's pending record; an unreadable one is set aside (``…unreadable-<time>``, kept for a person)
        and logged, and counts as none: the server's own journal still has any charge that reached it."""
        if self.pending is None:
            return None
        try:
            return self.pending.read()
        except PendingUnreadable as exc:
            aside = exc.path.with_name(f"{exc.path.stem}.unreadable-{int(time.time())}{exc.path.suffix}")
            try:
                exc.path.rename(aside)
            except OSError:
                pass
            log.error("the pending-charge record was unreadable; kept as %s", aside.name)
            return None

    @off_gui_thread
    def last_charge(self) -> LastCharge | None:
        """The charge a previous run left pending, asked about with its key (module docstring); None when there
        is none. An ``UNKNOWN`` answer keeps the record (ask again later); any other clears it."""
        record = self._pending_record()
        if record is None:
            return None

        def answer(outcome: ChargeOutcome, attempt: Attempt | None = None, detail: str = "") -> LastCharge:
            if outcome is not ChargeOutcome.UNKNOWN:
                self.pending.clear(record.attempt_id)
            return LastCharge(record.attempt_id, record.customer_name, record.amount, record.account_kind,
                              record.account_last4, outcome, attempt, detail)

        try:
            _, data, _ = self.link.request("POST", f"/v1/charges/{record.attempt_id}/close", None)
        except ServerUnreachable:
            return answer(ChargeOutcome.UNKNOWN, detail=say.UNREACHABLE)
        except ServerRefused as exc:
            if exc.status == 410 and exc.code == "never_arrived":
                return answer(ChargeOutcome.NOT_CHARGED, detail=_said(exc))
            if exc.status in (400, 403, 409) and exc.code not in _SESSION_CODES:
                return answer(ChargeOutcome.NOT_CHARGED, detail=_said(exc))  # the server refused the charge itself
            return answer(ChargeOutcome.UNKNOWN, detail=_said(exc))
        reply = decode(m.ChargeReply, data, "ChargeReply")
        attempt = reply.attempt
        if not reply.done or attempt is None:
            return answer(ChargeOutcome.UNKNOWN, attempt, say.STILL_WORKING)
        outcome = _OUTCOMES.get(attempt.state, ChargeOutcome.UNKNOWN)
        result = answer(outcome, attempt)
        self.events.publish(PaymentResolved(attempt))
        return result

    def _selected_for(self, customer: CustomerRef) -> StoredCustomer:
        with self._lock:
            selected = self._selected
        if selected is None or selected.paysimple_id != customer.id:
            raise NotAllowed(say.SELECT_BEFORE_CHARGING)
        return selected

    @off_gui_thread
    def charge(self, customer: CustomerRef, account: Account, amount: Decimal, payment_token: str | None = None,
               cvv: str | None = None, on_status: Callable[[StatusEvent], None] | None = None,
               ach_authorization: str | None = None, attempt_id: str | None = None) -> Attempt:
        """Charge once through the server (module docstring). ``attempt_id``: the idempotency key, when the
        caller recorded it before calling (a lane process that may be killed mid-charge asks again with the
        same key and the same charge after its restart, and gets the first request's outcome); else a new one."""
        if self.signed_in is None:
            raise NotSignedIn()
        selected = self._selected_for(customer)
        self._selection_on_server()
        key = attempt_id or ids.attempt_id(self._lane)
        body = encode(m.ChargeBody(selected.id, account.id, f"{Decimal(amount):.2f}", payment_token, cvv,
                                   ach_authorization))
        settled = self._write_pending(key, selected, customer, account, amount)
        try:
            attempt = self._until_answered(key, "POST", "/v1/charges", body, {"Idempotency-Key": key}, on_status,
                                           first_is_new=True, settled=settled)
        except StoreServerUnreachable as exc:
            if exc.charged is False:
                settled()
            raise
        settled()
        self.events.publish(PaymentRecorded(attempt))
        return attempt

    def _write_pending(self, key: str, selected: StoredCustomer, customer: CustomerRef, account: Account,
                       amount: Decimal) -> Callable[[], None]:
        """Write this charge's pending record (before anything is sent); the call that clears it. Raises
        ``LaneBusy`` while another charge's record is unsettled, ``InvalidCharge`` for an amount that is not
        whole cents, ``OSError`` when the record cannot be written (then nothing is sent)."""
        if self.pending is None:
            return lambda: None
        from pos_app.money import to_cents

        earlier = self._pending_record()
        if earlier is not None and earlier.attempt_id != key:
            raise LaneBusy(self._lane, _pending_attempt(earlier, self._lane))
        try:
            cents = to_cents(Decimal(amount))
        except ValueError as exc:
            raise InvalidCharge(str(exc)) from None
        ref = AccountRef.from_paysimple(account)
        clerk = self.signed_in
        self.pending.write(PendingCharge(key, selected.id, customer.id, customer.name, cents, ref.kind, ref.last4,
                                         ref.brand, str(clerk.id) if clerk else "", datetime.now(UTC)))
        return lambda: self.pending.clear(key)

    def _until_answered(self, key: str, method: str, path: str, body: Any, headers: dict | None,
                        on_status: Callable[[StatusEvent], None] | None, first_is_new: bool = False,
                        settled: Callable[[], None] = lambda: None) -> Attempt:
        """Ask (again and again, same key and body) until the server answers with the attempt. ``settled``
        runs before a refusal that proves nothing was charged is raised (the charge itself refused, or a
        refused session when no request of it can have reached the server)."""
        notify = _notifier(on_status, key)
        notify("sending", say.STATUS_SENDING)
        ends = time.monotonic() + self.ask_for
        reached = not first_is_new  # could any request of this charge have reached the server?
        last_error, certificate_changed = "", False
        while True:
            try:
                status, data, response = self.link.request(method, path, body, headers=headers)
                reached = True
                reply = decode(m.ChargeReply, data, "ChargeReply")
                if reply.done and reply.attempt is not None:
                    notify("done", reply.attempt.state.value)
                    return reply.attempt
                open_at_gateway = reply.attempt is not None and reply.attempt.state in (State.UNKNOWN,
                                                                                        State.RECONCILING)
                notify("waiting" if open_at_gateway else "checking",
                       say.STATUS_STILL_WORKING)
                wait = _retry_after(response, 1.0)
            except ServerUnreachable as exc:
                reached = reached or exc.sent
                certificate_changed = isinstance(exc, CertificateChanged)
                if not reached:
                    raise StoreServerUnreachable(False, detail=_said(exc),
                                                 certificate_changed=certificate_changed) from None
                last_error = _said(exc)
                notify("check_failed", say.STATUS_NO_ANSWER)
                wait = 1.0
            except ServerRefused as exc:
                if exc.status == 503:
                    reached = True
                    notify("waiting", _said(exc))
                    wait = float(exc.values.get("retry_after") or 2)
                elif exc.code in _SESSION_CODES:
                    if not reached:
                        settled()
                    raise NotSignedIn() from None
                else:
                    settled()
                    raise typed_error(exc) from None
            if time.monotonic() + wait > ends:
                raise StoreServerUnreachable(None, key, last_error, certificate_changed=certificate_changed)
            self._sleep(wait)

    @off_gui_thread
    def resolve(self, attempt: Attempt, on_status: Callable[[StatusEvent], None] | None = None) -> Attempt:
        """Check an unconfirmed payment again: the server looks it up (never re-sends it)."""
        done = self._until_answered(attempt.id, "POST", f"/v1/payments/{attempt.id}/resolve", None, None, on_status)
        if self.pending is not None and done.state not in _STILL_OPEN:
            self.pending.clear(attempt.id)
        self.events.publish(PaymentResolved(done))
        return done

    @off_gui_thread
    def void(self, attempt: Attempt, approval: Approval) -> Attempt:
        token = self._approval_token(approval, ManagerAction.VOID.value, attempt.id)
        done = self._call("POST", f"/v1/payments/{attempt.id}/void", m.ApprovalUse(token), reply=Attempt)
        self.events.publish(PaymentResolved(done))
        return done

    @off_gui_thread
    def receipt_address(self, attempt: Attempt) -> str:
        return self._call("GET", f"/v1/payments/{attempt.id}/receipt-address", reply=m.AddressReply).address

    @off_gui_thread
    def email_receipt(self, attempt: Attempt, to: str) -> str:
        return self._call("POST", f"/v1/payments/{attempt.id}/email-receipt", m.EmailBody(str(to)),
                          reply=m.AddressReply).address

    # ---- after the sale ------------------------------------------------------------------------------

    def payments(self, merchant, tz, approve=None) -> RemotePayments:
        return RemotePayments(self, merchant, tz, approve)


class RemotePayments:
    """``PaymentsApi`` over the store server: history, check again, void / refund / close review and end of
    day; approvals come from ``approve`` (the screen asks a manager; the server checks)."""

    def __init__(self, counter: RemoteCounter, merchant, tz, approve=None) -> None:
        self._counter, self.merchant, self.tz, self.approve = counter, merchant, tz, approve
        self.lane, self.environment, self._events = counter.lane, counter.environment, counter.events

    def clerk_name(self, clerk_id: str) -> str:
        return self._counter.clerk_name(clerk_id)

    def now(self) -> datetime:
        return self._counter.now().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()

    def day_start(self, day: date) -> datetime:
        from datetime import time as clock

        return datetime.combine(day, clock(0), self.tz)

    def receipt(self, attempt: Attempt):
        from pos_app.payments import receipt_for

        by = self.clerk_name(attempt.ach_authorized_by) if attempt.ach_authorized_by else None
        return receipt_for(attempt, self.merchant, tz=self.tz, clerk_name=self.clerk_name(attempt.clerk),
                           authorized_by_name=by)

    @off_gui_thread
    def history(self, since: datetime | None, limit: int) -> list[Attempt]:
        params = {"limit": str(limit)}
        if since is not None:
            params["since"] = encode(since)
        return self._counter._call("GET", "/v1/payments", params=params, reply=list[Attempt])

    def resolve(self, attempt: Attempt) -> Attempt:
        return self._counter.resolve(attempt)

    @off_gui_thread
    def reversal_option(self, attempt: Attempt) -> ReversalOption:
        return self._counter._call("GET", f"/v1/payments/{attempt.id}/reversal", reply=ReversalOption)

    def _reverse(self, attempt: Attempt, action: str, approval: Approval, payment_id: int | None = None) -> Attempt:
        token = self._counter._approval_token(approval, action.replace("-", "_"), attempt.id)
        done = self._counter._call("POST", f"/v1/payments/{attempt.id}/{action}", m.ApprovalUse(token, payment_id),
                                  reply=Attempt)
        self._events.publish(PaymentResolved(done))
        return done

    @off_gui_thread
    def void(self, attempt: Attempt, approval: Approval) -> Attempt:
        return self._reverse(attempt, "void", approval)

    @off_gui_thread
    def refund(self, attempt: Attempt, approval: Approval) -> Attempt:
        return self._reverse(attempt, "refund", approval)

    @off_gui_thread
    def close_review(self, attempt: Attempt, approval: Approval, payment_id: int | None) -> Attempt:
        return self._reverse(attempt, "close-review", approval, payment_id)

    def receipt_address(self, attempt: Attempt) -> str:
        return self._counter.receipt_address(attempt)

    def email_receipt(self, attempt: Attempt, to: str) -> str:
        return self._counter.email_receipt(attempt, to)

    @off_gui_thread
    def end_of_day(self, day: date, lane: str | None, on_payment: Callable[[int], None] = lambda done: None):
        """The store's end of day, computed on the server (every lane's journal vs PaySimple); no backup here."""
        params = {"day": day.isoformat()}
        if lane:
            params["lane"] = lane
        return _with_defaults(self._counter._call("GET", "/v1/end-of-day", params=params, reply=EodReport)), None


def _with_defaults(report: EodReport) -> EodReport:
    """The report's tables as the core makes them (a bucket or total for any key, empty when nothing fell in
    it): the wire carries only the keys that have something."""
    from collections import defaultdict

    from pos_app.payments.eod import Bucket, Totals

    report.by_status = defaultdict(Bucket, report.by_status)
    report.by_lane = defaultdict(lambda: defaultdict(Bucket),
                                 {k: defaultdict(Bucket, v) for k, v in report.by_lane.items()})
    report.by_clerk = defaultdict(lambda: defaultdict(Bucket),
                                  {k: defaultdict(Bucket, v) for k, v in report.by_clerk.items()})
    report.by_brand = defaultdict(Totals, report.by_brand)
    return report


def _notifier(on_status: Callable[[StatusEvent], None] | None, attempt_id: str):
    def notify(phase: str, message: str) -> None:
        if on_status is None:
            return
        try:
            on_status(StatusEvent(attempt_id, phase, message))
        except Exception:  # noqa: BLE001 - a screen's callback never breaks a payment
            log.exception("status callback failed")
    return notify


def _retry_after(response, default: float) -> float:
    try:
        return max(0.2, min(10.0, float(response.headers.get("Retry-After", default))))
    except (TypeError, ValueError):
        return default


__all__ = ["RemoteCounter", "RemotePayments", "StoreAccess", "StoreServerRefused", "StoreServerUnreachable",
           "enroll_counter"]
