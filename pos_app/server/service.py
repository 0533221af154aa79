"""The store server's use cases, without HTTP: who may ask (lanes, clerk sessions, manager approvals) and what
they may do (customers, accounts, tokens, idempotent charges, void/refund, look-ups, end of day). ``app.py``
puts HTTP around it; tests may call it directly.

Contracts:
- The server alone holds the PaySimple API key (``config.load_access``) and talks to PaySimple.
- Every call names its caller: the enrolled lane (``lane_from``: a revoked or unknown credential is refused)
  and, for everything but the sign-in list and sign-in itself, the clerk session (``session_from``): bound to
  the lane that opened it (another lane's token is refused), ending at sign-out, lock or expiry (idle
  ``session_idle_s``, at most ``session_max_s``). Role checks use the session's role as the server read it
  from its clerk file at sign-in, never anything the lane says.
- Customer tokens, accounts and charges are only for the customer the clerk selected in this session
  (``select_customer``, a server-side record): the lane names the server's own customer id, the server maps it
  to PaySimple's. A charge's account must be one the server itself read as that customer's (listing or
  verifying); its masked number and brand come from the server's reading, not the lane.
- Manager actions (void, refund, closing a review, enrollment codes by API, revoking lanes) need the
  server's own approval token (``approve``: PIN checked here, one use, this lane and session, this action and
  subject, ``approval_ttl_s``), or for enrollment codes and revocation a manager's own session.
- Every action lands in the audit trail (``records``): who (clerk id and name), lane, what, outcome; refusals
  too. No PIN, token, key or card number ever does.
- Blocking (storage, PaySimple): call from worker threads.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from pos_app.clerks import Clerk, ClerkError, ClerkRegistry, ManagerAction, Role
from pos_app.customers.models import CustomerHit, CustomerRecord, StoredCustomer
from pos_app.payments import AccountRef, Approval, Attempt, CustomerRef, EodReport, ReversalOption, end_of_day
from pos_app.payments.model import to_cents
from pos_app.payments.onfile import OnFile
from pos_app.payments.store import JournalStore, OnFileRecord
from pos_app.paysimple import AchAccount, CreditCardAccount, CustomerAccounts, PaySimpleClient
from pos_app.paysimple.gateway import PaySimpleGateway
from pos_app.server.config import PaySimpleAccess, ServerPaths, ServerSettings, load_access, load_settings
from pos_app.server.customers import ServerCustomers
from pos_app.server.db import ServerDb, open_db
from pos_app.server.desk import ChargeDesk, ChargeRequest, Outcome, ServiceTimes
from pos_app.server.records import (
    ApprovalGrant,
    ChargeKey,
    CodeRecord,
    LaneRecord,
    Refused,
    SelectedAccount,
    ServerRecords,
    SessionRecord,
    digest,
)
from pos_app.serverlink import enrollment
from pos_app.serverlink import messages as m
from pos_app.serverlink import sentences as say
from pos_app.serverlink.enrollment import LANE_NAME_RE

log = logging.getLogger(__name__)

Account = CreditCardAccount | AchAccount
TOUCH_EVERY = timedelta(seconds=30)
REVERSAL_ACTIONS = {"void": ManagerAction.VOID, "refund": ManagerAction.REFUND,
                    "close_review": ManagerAction.CLOSE_REVIEW}


class ApiError(Exception):
    """A refusal with its HTTP status, a stable ``code`` and a message naming what is wrong and the next step;
    ``values`` carry typed details (e.g. a lockout's end)."""

    def __init__(self, status: int, code: str, message: str, **values) -> None:
        super().__init__(message)
        self.status, self.code, self.values = status, code, values


@dataclass(frozen=True)
class Caller:
    """An authenticated request: the lane, and (after sign-in) the clerk session."""

    lane: str
    session: SessionRecord | None = None
    token_hash: str | None = None

    @property
    def clerk_id(self) -> int:
        return self.session.clerk_id if self.session else 0

    @property
    def who(self) -> str:
        return self.session.clerk_name if self.session else "-"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def parse_lane_credential(header: str | None) -> tuple[str, str] | None:
    """``Authorization: Lane <name>.<secret>`` → (name, secret), or None when absent or malformed."""
    if not header or not header.startswith("Lane "):
        return None
    name, dot, secret = header[5:].strip().partition(".")
    if not dot or not LANE_NAME_RE.fullmatch(name) or not secret:
        return None
    return name, secret


def account_ref(account: Account) -> AccountRef:
    return AccountRef.from_paysimple(account)


class StoreServer:
    """One server process's use cases on its stores (module docstring)."""

    def __init__(self, paths: ServerPaths, settings: ServerSettings, db: ServerDb, journal: JournalStore,
                 client: PaySimpleClient, customers: ServerCustomers, clerks: ClerkRegistry, fingerprint: str,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.paths, self.settings, self.db = paths, settings, db
        self.records = ServerRecords(db)
        self.journal, self.client, self.customers, self.clerks = journal, client, customers, clerks
        self.gateway = PaySimpleGateway(client)
        self.client_base_url = client.base_url
        self.fingerprint = fingerprint
        self.clock = clock
        self.onfile = OnFile(journal, self.gateway, clock=clock)
        s = settings
        self.desk = ChargeDesk(journal, self.gateway, self.records, clock,
                               ServiceTimes(timedelta(seconds=s.in_flight_window_s), timedelta(seconds=s.settle_after_s),
                                            s.poll_interval_s, s.lookup_tries), on_done=self._charge_done)
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    # ---- life cycle ----------------------------------------------------------------------------------

    @classmethod
    def open(cls, paths: ServerPaths, access: PaySimpleAccess | None = None,
             clock: Callable[[], datetime] = _utc_now) -> StoreServer:
        """Open every store named by the data folder's settings; raises ``ConfigError``/``StorageError``."""
        from pos_app.server.tls import certificate_fingerprint

        settings = load_settings(paths)
        access = access or load_access(paths)
        db = open_db(settings.database, paths.data_dir)
        opened: list = [db]
        try:
            if settings.database == "sqlite":
                from pos_app.payments import Journal

                journal = Journal(paths.journal)
            else:
                from pos_app.payments.journal_pg import PgJournal

                journal = PgJournal(settings.database)
            opened.append(journal)
            client = PaySimpleClient(access.base_url, access.user, access.key)
            opened.append(client)
            customers = ServerCustomers.open(paths.directory, paths.search_copy, settings.database)
            opened.append(customers)
            clerks = open_clerks(paths, settings.database)
            opened.append(clerks)
            return cls(paths, settings, db, journal, client, customers, clerks,
                       certificate_fingerprint(paths.cert), clock)
        except BaseException:
            for part in reversed(opened):
                try:
                    part.close()
                except Exception:  # noqa: BLE001 - the first error is the one to report
                    log.exception("closing a part of a failed start")
            raise

    def start(self) -> None:
        """Start-up work in the background: each active lane's reconcile, the accounts-on-file sweeper."""
        for lane in self.records.lanes():
            if lane.active:
                self.desk.service(lane.name)
        self._sweeper = threading.Thread(target=self._sweep_loop, name="onfile-sweeper", daemon=True)
        self._sweeper.start()
        self.customers.start()
        threading.Thread(target=self._sync_loop, name="customer-sync", daemon=True).start()

    def _sync_loop(self) -> None:
        """The store's one PaySimple customer sync: at start, then every ``sync_every_s`` (0: at start only).
        With several instances on one PostgreSQL (``ServerCustomers.sync_round``) one pass runs per period for
        the whole store: each instance asks every ``sync_check_s`` and runs a pass only under the store's
        lease and when none completed within the period (0: since this instance started); an instance killed
        mid-pass leaves the pass to the next instance that asks (it resumes it)."""
        since = self.clock()
        every = timedelta(seconds=self.settings.sync_every_s) if self.settings.sync_every_s else None
        shared = self.customers.shared
        while not self._stop.is_set():
            ran = False
            try:
                report = self.customers.sync_round(self.client, every, since, self.clock)
                if report is not None:
                    ran = True
                    self._audit(None, "sync_customers", "ok" if report.complete else "incomplete",
                                detail=f"inserted={report.inserted} updated={report.updated} "
                                       f"deleted={report.deleted}")
            except Exception:  # noqa: BLE001 - PaySimple or the store failed: the next round tries again
                log.exception("customer sync failed")
            if not shared:
                if not self.settings.sync_every_s or self._stop.wait(self.settings.sync_every_s):
                    return
                continue
            if ran and every is None:
                return
            if self._stop.wait(self.settings.sync_check_s):
                return

    def _sweep_loop(self, interval: float = 300.0) -> None:
        while not self._stop.is_set():
            try:
                self.onfile.sweep(clerk="system")
            except Exception:  # noqa: BLE001 - retried at the next sweep
                log.exception("sweep of accounts on file failed")
            self._stop.wait(interval)

    def close(self) -> None:
        self._stop.set()
        self.desk.close()
        for part in (self.clerks, self.customers, self.client, self.journal, self.db):
            try:
                part.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                log.exception("closing %s failed", type(part).__name__)

    def _audit(self, caller: Caller | None, action: str, outcome: str, subject: str = "",
               subject_id: str | None = None, detail: str = "") -> None:
        try:
            self.records.audit(self.clock(), action, outcome, who=caller.who if caller else "-",
                               who_id=caller.clerk_id or None if caller else None,
                               lane=caller.lane if caller else "", subject=subject, subject_id=subject_id,
                               detail=detail)
        except Exception:  # noqa: BLE001 - a refusal is answered even when its audit entry cannot be written
            log.exception("audit entry %s/%s could not be written", action, outcome)

    # ---- who is asking -------------------------------------------------------------------------------

    def lane_from(self, authorization: str | None) -> Caller:
        parsed = parse_lane_credential(authorization)
        if parsed is None:
            self._audit(None, "request", "refused", detail="no lane credential")
            raise ApiError(401, "no_credential", say.NO_CREDENTIAL)
        name, secret = parsed
        found = self.records.lane(name)
        if found is None or not hmac.compare_digest(found[1], digest(secret)):
            self._audit(Caller(name), "request", "refused", detail="wrong lane credential")
            raise ApiError(401, "bad_credential", say.BAD_CREDENTIAL)
        lane, _ = found
        if not lane.active:
            self._audit(Caller(name), "request", "refused", detail="revoked lane")
            raise ApiError(401, "lane_revoked", say.LANE_REVOKED.fill(name))
        return Caller(name)

    def session_from(self, caller: Caller, token: str | None) -> Caller:
        if not token:
            raise ApiError(401, "not_signed_in", say.NOT_SIGNED_IN)
        token_hash = digest(token)
        session = self.records.session(token_hash)
        now = self.clock()
        if session is None:
            self._audit(caller, "request", "refused", detail="unknown clerk session")
            raise ApiError(401, "not_signed_in", say.SIGN_IN_UNKNOWN)
        if session.lane != caller.lane:
            self._audit(caller, "request", "refused", detail=f"session of lane {session.lane}")
            raise ApiError(403, "other_lane_session", say.OTHER_LANE_SESSION)
        if session.ended_at is not None:
            raise ApiError(401, "signed_out", say.SIGNED_OUT)
        if session.locked_at is not None:
            raise ApiError(401, "session_locked", say.SESSION_LOCKED)
        if now >= session.expires_at or now >= session.created_at + timedelta(seconds=self.settings.session_max_s):
            raise ApiError(401, "session_expired", say.SESSION_EXPIRED)
        if now - session.last_seen_at >= TOUCH_EVERY:
            self.records.touch_session(token_hash, now, self._idle_expiry(session, now))
        return Caller(caller.lane, session, token_hash)

    def _idle_expiry(self, session: SessionRecord | None, now: datetime) -> datetime:
        idle = now + timedelta(seconds=self.settings.session_idle_s)
        if session is None:
            return idle
        return min(idle, session.created_at + timedelta(seconds=self.settings.session_max_s))

    def require_manager(self, caller: Caller, what: str) -> None:
        if caller.session is None or not caller.session.is_manager:
            self._audit(caller, what, "refused", detail="not a manager")
            raise ApiError(403, "manager_only", say.manager_only(what))

    # ---- enrollment ----------------------------------------------------------------------------------

    def new_enrollment_code(self, by: str, lane: str | None = None) -> tuple[str, CodeRecord]:
        """A one-time code (canonical form) for ``lane`` (None: the lane names itself at enrollment)."""
        if lane is not None and not LANE_NAME_RE.fullmatch(lane):
            raise ApiError(400, "bad_lane", say.BAD_LANE)
        now = self.clock()
        for _ in range(20):
            code = enrollment.new_code()
            code_id, secret = enrollment.split(code)
            if self.records.code(code_id) is None:
                record = self.records.add_code(code_id, enrollment.code_key(secret), lane, by, now,
                                               now + timedelta(seconds=self.settings.code_ttl_s))
                return code, record
        raise ApiError(503, "codes_exhausted", say.CODES_EXHAUSTED)

    def enrollment_proof(self, code_id: str, nonce: str) -> str:
        """The server's proof that it made the code, bound to its certificate (``serverlink.enrollment``)."""
        if not isinstance(nonce, str) or len(nonce) != 32 or any(c not in "0123456789abcdef" for c in nonce):
            # protocol-level: a correct lane never sends a bad nonce, so this stays English
            raise ApiError(400, "bad_nonce", "nonce must be 32 lower-case hex digits.")
        found = self.records.code(str(code_id).upper())
        if found is None:
            # An answer for an unknown code would let anyone tell codes apart: a random proof instead.
            return secrets.token_hex(32)
        return enrollment.proof(found[1], self.fingerprint, nonce)

    def enroll(self, code: str, lane: str) -> tuple[str, LaneRecord]:
        """Use a code: the lane gets its credential (``<lane>.<secret>``, shown once, stored hashed)."""
        if not isinstance(lane, str) or not LANE_NAME_RE.fullmatch(lane):
            raise ApiError(400, "bad_lane", say.BAD_LANE)
        try:
            canonical = enrollment.canonical(code)
        except enrollment.CodeFormatError as exc:
            raise ApiError(400, "bad_code", str(exc)) from None
        code_id, secret = enrollment.split(canonical)
        now = self.clock()
        found = self.records.code(code_id)
        if found is None or not hmac.compare_digest(found[1], enrollment.code_key(secret)):
            if found is not None:
                self.records.code_failed(code_id, now, f"lane {lane}")
            raise ApiError(403, "wrong_code", say.WRONG_CODE)
        credential = secrets.token_urlsafe(32)
        try:
            record = self.records.enroll(code_id, lane, digest(credential), now)
        except Refused as exc:
            self._audit(Caller(lane), "enroll", "refused", subject_id=code_id, detail=exc.code)
            raise ApiError(403, exc.code, str(exc)) from None
        self.desk.service(lane)
        return f"{lane}.{credential}", record

    def revoke_lane(self, caller: Caller | None, lane: str) -> LaneRecord:
        by = caller.who if caller else "pos-app-server"
        if caller is not None:
            self.require_manager(caller, "revoke_lane")
        try:
            return self.records.revoke_lane(lane, by, self.clock())
        except Refused as exc:
            raise ApiError(404, exc.code, str(exc)) from None

    # ---- clerks --------------------------------------------------------------------------------------

    def clerk_list(self, caller: Caller) -> list[Clerk]:
        return self.clerks.list()

    def sign_in(self, caller: Caller, name: str, pin: str) -> tuple[str, SessionRecord]:
        try:
            clerk = self.clerks.login(str(name), str(pin))
        except ClerkError as exc:
            self._audit(caller, "sign_in", exc.code, subject=str(name)[:40])
            raise ApiError(401, exc.code, str(exc), **exc.values) from None
        token = secrets.token_urlsafe(32)
        now = self.clock()
        session = self.records.open_session(digest(token), secrets.token_hex(8), caller.lane, clerk.id, clerk.name,
                                            clerk.role.value, now, self._idle_expiry(None, now))
        return token, session

    def end_session(self, caller: Caller, action: str) -> None:
        self.records.end_session(caller.token_hash, self.clock(), action)

    def approve(self, caller: Caller, action: str, manager: str, pin: str, reason: str,
                subject: str = "") -> tuple[str, ApprovalGrant]:
        """A manager's PIN for one action (module docstring): the approval token and what it grants."""
        try:
            wanted = ManagerAction(action)
        except ValueError:
            # protocol-level: a correct lane only asks for a ManagerAction, so this stays English
            raise ApiError(400, "bad_action", f"{action!r} is not an action a manager approves.") from None
        who = Clerk(caller.session.clerk_id, caller.session.clerk_name, Role(caller.session.role))
        try:
            approver = self.clerks.approve(str(manager), str(pin), wanted, str(reason), clerk=who,
                                           subject=str(subject))
        except ClerkError as exc:
            self._audit(caller, "approve", exc.code, subject=str(subject), detail=f"action={wanted.value}")
            raise ApiError(403, exc.code, str(exc), **exc.values) from None
        token = secrets.token_urlsafe(32)
        now = self.clock()
        expires = now + timedelta(seconds=self.settings.approval_ttl_s)
        self.records.grant_approval(digest(token), caller.lane, caller.session.public_id, approver.id, approver.name,
                                    wanted.value, str(subject), str(reason).strip(), now, expires)
        self._audit(caller, "approve", "granted", subject=str(subject),
                    detail=f"action={wanted.value} manager={approver.name}")
        return token, ApprovalGrant(caller.lane, caller.session.public_id, approver.id, approver.name, wanted.value,
                                    str(subject), str(reason).strip(), now, expires, None)

    def _use_approval(self, caller: Caller, token: str | None, action: str, subject: str) -> Approval:
        if not token:
            self._audit(caller, action, "refused", subject_id=subject, detail="no approval")
            raise ApiError(403, "approval_required", say.approval_required(action))
        try:
            grant = self.records.use_approval(digest(token), caller.lane, caller.session.public_id, action,
                                              subject, self.clock())
        except Refused as exc:
            self._audit(caller, action, "refused", subject_id=subject, detail=exc.code)
            raise ApiError(403, exc.code, str(exc)) from None
        return Approval(str(grant.manager_id), Role.MANAGER.value, grant.reason)

    # ---- customers -----------------------------------------------------------------------------------

    def search(self, caller: Caller, query: str, limit: int) -> list[CustomerHit]:
        return self.customers.search(query, max(1, min(int(limit), 200)))

    def changes(self, caller: Caller, after: int, limit: int) -> m.ChangesReply:
        """A page of the customer store's change feed for a lane's search copy (``customers.replica``). The
        feed id is read before the page: a lane never files a page of a new feed under the old id."""
        feed = self.customers.store.feed_id()
        page = self.customers.store.changes(after, limit)
        return m.ChangesReply(feed, [m.FeedEntry(c.position, c.customer) for c in page.changes],
                              page.next_position)

    def customer_snapshot(self, caller: Caller):
        """A consistent copy of the customer search directory for a lane's first fill (``ServerCustomers.snapshot``;
        503 ``snapshot_busy`` while too many copies are being made)."""
        from pos_app.server.customers import SnapshotBusy

        try:
            snap = self.customers.snapshot()
        except SnapshotBusy:
            raise ApiError(503, "snapshot_busy", say.SNAPSHOT_BUSY, retry_after=5) from None
        self._audit(caller, "customer_snapshot", "ok", detail=f"position {snap.position}, {snap.size} bytes")
        return snap

    def customer(self, caller: Caller, customer_id: int) -> StoredCustomer:
        stored = self.customers.store.get(customer_id)
        if stored is None:
            raise ApiError(404, "no_such_customer", say.NO_SUCH_CUSTOMER.fill(customer_id))
        return stored

    def select_customer(self, caller: Caller, customer_id: int) -> StoredCustomer:
        stored = self.customer(caller, customer_id)
        self.records.select_customer(caller.token_hash, stored.id, stored.paysimple_id, stored.display_name,
                                     self.clock())
        try:
            self.customers.store.mark_seen(stored.id)
        except Exception:  # noqa: BLE001 - ranking only
            log.exception("could not record customer %s as seen", stored.id)
        return stored

    def _selected(self, caller: Caller, paysimple_id: int | None = None,
                  session: SessionRecord | None = None) -> SessionRecord:
        """The session's selected customer (with a PaySimple id); ``paysimple_id`` if given must be theirs.
        ``session``: the session as this request read it (else read again)."""
        s = session or self.records.session(caller.token_hash)
        if s is None or s.customer_id is None:
            self._audit(caller, "customer_data", "refused", detail="no customer selected")
            raise ApiError(403, "no_customer_selected", say.NO_CUSTOMER_SELECTED)
        if s.paysimple_id is None:
            raise ApiError(409, "local_only_customer", say.LOCAL_ONLY_CUSTOMER)
        if paysimple_id is not None and paysimple_id != s.paysimple_id:
            self._audit(caller, "customer_data", "refused", subject_id=str(paysimple_id),
                        detail="not the selected customer")
            raise ApiError(403, "not_selected_customer", say.NOT_SELECTED_CUSTOMER)
        return s

    def create_customer(self, caller: Caller, record: CustomerRecord) -> StoredCustomer:
        from pos_app.customers.counter import create_customer

        stored = create_customer(self.customers.store, self.client, record)
        self.customers.after_write()
        self._audit(caller, "create_customer", "ok", subject=stored.display_name, subject_id=str(stored.id))
        return stored

    def update_customer(self, caller: Caller, customer_id: int, record: CustomerRecord) -> StoredCustomer:
        """Edit a customer; an imported (local-only) one is added to PaySimple (``add_to_paysimple``)."""
        from pos_app.customers.counter import update_customer

        stored = self.customer(caller, customer_id)
        if stored.local_only:
            return self.add_to_paysimple(caller, customer_id, record).customer
        stored = update_customer(self.customers.store, self.client, customer_id, record)
        self.customers.after_write()
        self._audit(caller, "update_customer", "ok", subject=stored.display_name, subject_id=str(stored.id))
        return stored

    def add_to_paysimple(self, caller: Caller, customer_id: int, record: CustomerRecord | None):
        """An imported customer into PaySimple, once (``customers.paysimple_add``: recorded before sending,
        looked up before any second try)."""
        from pos_app.customers.paysimple_add import add_to_paysimple

        self.customer(caller, customer_id)
        added = add_to_paysimple(self.customers.store, self.client, customer_id, record, now=self.clock)
        self.customers.after_write()
        self._audit(caller, "add_to_paysimple", added.how, subject=added.customer.display_name,
                    subject_id=str(customer_id))
        return added

    def possible_duplicates(self, caller: Caller, record: CustomerRecord, exclude_id: int | None):
        from pos_app.customers.counter import possible_duplicates

        return possible_duplicates(self.customers.store, record, exclude_id)

    def sync_customers(self, caller: Caller):
        from pos_app.customers.sync import SyncAlreadyRunning

        self.require_manager(caller, "sync_customers")
        try:
            report = self.customers.sync_now(self.client)
        except SyncAlreadyRunning as exc:
            raise ApiError(409, "sync_running", say.SYNC_RUNNING.fill(exc.args[0] if exc.args else exc)) from None
        self._audit(caller, "sync_customers", "ok" if report.complete else "incomplete")
        return report

    def count_customers(self, caller: Caller) -> int:
        return self.customers.store.count()

    # ---- accounts and tokens -------------------------------------------------------------------------

    def accounts(self, caller: Caller, paysimple_id: int) -> CustomerAccounts:
        s = self._selected(caller, paysimple_id)
        accounts = self.client.get_accounts(s.paysimple_id)
        hidden = self.onfile.hidden_ids(s.paysimple_id)
        accounts = CustomerAccounts([a for a in accounts.credit_cards if a.id not in hidden],
                                    [a for a in accounts.ach_accounts if a.id not in hidden])
        self._remember(caller, s.paysimple_id, [*accounts.credit_cards, *accounts.ach_accounts])
        return accounts

    def _remember(self, caller: Caller, paysimple_id: int, accounts: list[Account]) -> None:
        self.records.add_selected_accounts(caller.token_hash, [
            SelectedAccount(paysimple_id, a.id, ref.kind, ref.last4, ref.brand)
            for a in accounts if a.customer_id == paysimple_id for ref in [account_ref(a)]])

    def verify_account(self, caller: Caller, paysimple_id: int, account_id: int) -> Account:
        """The account a form returned, if PaySimple lists it as the selected customer's (else 403, nothing
        charged): from now on this session may charge it."""
        s = self._selected(caller, paysimple_id)
        accounts = self.client.get_accounts(s.paysimple_id)
        for account in [*accounts.credit_cards, *accounts.ach_accounts]:
            if account.id == account_id and account.customer_id == s.paysimple_id:
                self._remember(caller, s.paysimple_id, [account])
                return account
        self._audit(caller, "verify_account", "refused", subject_id=str(account_id), detail="not the customer's")
        raise ApiError(403, "foreign_account", say.FOREIGN_ACCOUNT)

    def _account(self, caller: Caller, s: SessionRecord, account_id: int) -> AccountRef:
        seen = self.records.selected_account(caller.token_hash, s.paysimple_id, account_id)
        if seen is None:
            self._audit(caller, "account", "refused", subject_id=str(account_id), detail="not seen for customer")
            raise ApiError(403, "account_not_verified", say.ACCOUNT_NOT_VERIFIED)
        return AccountRef(seen.account_id, seen.kind, seen.last4, seen.brand)

    def checkout_token(self, caller: Caller) -> str:
        token = self.client.checkout_token().jwt_token
        self._audit(caller, "checkout_token", "ok")
        return token

    def customer_token(self, caller: Caller, paysimple_id: int | None) -> str:
        s = self._selected(caller, paysimple_id)
        token = self.client.customer_token(s.paysimple_id).jwt_token
        self._audit(caller, "customer_token", "ok", subject=s.customer_name or "", subject_id=str(s.customer_id))
        return token

    def set_default(self, caller: Caller, paysimple_id: int, account_id: int) -> None:
        s = self._selected(caller, paysimple_id)
        self._account(caller, s, account_id)
        self.client.set_default_account(s.paysimple_id, account_id)
        self._audit(caller, "set_default_account", "ok", subject_id=str(account_id))

    def remove_account(self, caller: Caller, paysimple_id: int, account_id: int) -> None:
        s = self._selected(caller, paysimple_id)
        ref = self._account(caller, s, account_id)
        if ref.kind == "cc":
            self.client.delete_credit_card(account_id)
        else:
            self.client.delete_ach(account_id)
        self._audit(caller, "remove_account", "ok", subject_id=str(account_id))

    def plan_new_account(self, caller: Caller, paysimple_id: int, account_id: int, consent: bool) -> OnFileRecord:
        s = self._selected(caller, paysimple_id)
        ref = self._account(caller, s, account_id)
        record = self.onfile.record_new(ref, s.paysimple_id, bool(consent), str(caller.clerk_id))
        self._audit(caller, "plan_new_account", "kept" if consent else "remove_later", subject_id=str(account_id))
        return record

    def settle_new_account(self, caller: Caller, account_id: int) -> OnFileRecord | None:
        record = self.onfile.get(account_id)
        if record is None:
            return None
        self._selected(caller, record.customer_id)
        self.onfile.release(account_id)
        self.onfile.sweep([account_id], clerk=str(caller.clerk_id))
        return self.onfile.get(account_id)

    def keep_on_file(self, caller: Caller, paysimple_id: int, account_id: int, reason: str) -> None:
        s = self._selected(caller, paysimple_id)
        ref = self._account(caller, s, account_id)
        self.onfile.keep(ref, s.paysimple_id, str(caller.clerk_id), str(reason))
        self._audit(caller, "keep_on_file", "ok", subject_id=str(account_id))

    # ---- charges -------------------------------------------------------------------------------------

    def charge(self, caller: Caller, key: str, customer_id: int, account_id: int, amount: Decimal,
               payment_token: str | None, cvv: str | None, ach_authorization: str | None) -> Outcome:
        """An idempotent charge (``desk``). The request's fingerprint covers everything that decides the
        charge (customer, account, cents, authorization text, payment token), never the CVV."""
        from pos_app.payments.model import check_attempt_id
        from pos_app.server.desk import ChargeRefused, KeyReused, NotReady

        try:
            check_attempt_id(key, caller.lane)
            cents = to_cents(amount)
        except ValueError as exc:
            raise ApiError(400, "invalid_charge", str(exc)) from None
        fingerprint = hashlib.sha256(json.dumps({
            "customer_id": customer_id, "account_id": account_id, "cents": cents,
            "ach_authorization": ach_authorization or "",
            "payment_token": hashlib.sha256((payment_token or "").encode()).hexdigest(),
        }, sort_keys=True).encode()).hexdigest()
        try:
            claim, made = self.records.claim_charge(ChargeKey(key, caller.lane, fingerprint, caller.session.public_id,
                                                              caller.clerk_id, self.clock()))
            if claim.lane != caller.lane or claim.fingerprint != fingerprint:
                raise KeyReused(key)
            if claim.refusal_code is not None:
                raise ChargeRefused(claim.refusal_code, claim.refusal)
            if not made:  # a retry: the first request's outcome, never a second charge
                outcome = self.desk.outcome(key, caller.lane, self.settings.charge_wait_s)
                if outcome is not None:
                    return outcome
                # claimed but never written (the server stopped in between): nothing was sent; send it now
            try:  # a new request: for the customer and an account this clerk selected (the session as read)
                s = self._selected(caller, session=caller.session)
                if s.customer_id != customer_id:
                    self._audit(caller, "charge", "refused", subject_id=key, detail="customer not selected")
                    raise ApiError(403, "not_selected_customer", say.NOT_SELECTED_CHARGE)
                account = self._account(caller, s, account_id)
            except ApiError as exc:
                self.records.refuse_charge(key, exc.code, str(exc))
                raise
            request = ChargeRequest(key, caller.lane, str(caller.clerk_id),
                                    CustomerRef(s.paysimple_id, s.customer_name or "?"), account, amount,
                                    payment_token, cvv, ach_authorization)
            return self.desk.start(request, self.settings.charge_wait_s)
        except KeyReused as exc:
            self._audit(caller, "charge", "refused", subject_id=key, detail="key reused for another request")
            raise ApiError(409, "key_reused", str(exc)) from None
        except ChargeRefused as exc:
            raise ApiError(409, exc.code, str(exc), lane=caller.lane,
                           blocking=exc.blocking.id if exc.blocking is not None else None) from None
        except NotReady as exc:
            raise ApiError(503, "not_ready", str(exc), retry_after=2) from None

    def close_charge(self, caller: Caller, key: str) -> Outcome:
        """The lane lost a charge's reply (killed mid-charge) and asks with its key; the answer settles it
        without ever sending it (decision 0465): the charge's outcome (or "still working") when the key
        arrived; when this server never saw the key, the key is closed (claimed with a fingerprint no request
        has, so a request with it arriving late is ``key_reused``: nothing charged) and the answer is 410
        ``never_arrived``. A key claimed whose attempt was never written and that nothing works on is closed
        the same way once it is older than ``CLOSE_AFTER`` (its request's own deadline has long passed);
        before that it is "still working"."""
        from pos_app.payments.model import check_attempt_id
        from pos_app.server.desk import CLOSE_AFTER, CLOSED_FINGERPRINT, ChargeRefused, NotReady

        try:
            check_attempt_id(key, caller.lane)
        except ValueError as exc:
            raise ApiError(400, "invalid_charge", str(exc)) from None
        never = say.NEVER_ARRIVED
        claim, made = self.records.claim_charge(ChargeKey(key, caller.lane, CLOSED_FINGERPRINT,
                                                          caller.session.public_id, caller.clerk_id, self.clock()))
        if made:
            self.records.refuse_charge(key, "never_arrived", never)
            self._audit(caller, "charge", "closed", subject_id=key, detail="never arrived; closed by its lane")
            raise ApiError(410, "never_arrived", never)
        if claim.lane != caller.lane:
            raise ApiError(404, "no_such_charge", say.NO_SUCH_CHARGE.fill(key))
        if claim.refusal_code == "never_arrived":
            raise ApiError(410, "never_arrived", never)
        try:
            outcome = self.desk.outcome(key, caller.lane, self.settings.charge_wait_s)
            if outcome is not None:
                return outcome
            if self.clock() - claim.created_at < CLOSE_AFTER:
                return Outcome(False, None)
            self.records.refuse_charge(key, "never_arrived", never)
            again = self.records.charge_key(key)
            if again is not None and again.refusal_code == "never_arrived":
                self._audit(caller, "charge", "closed", subject_id=key, detail="never written; closed by its lane")
                raise ApiError(410, "never_arrived", never)
            raise ChargeRefused(again.refusal_code or "refused", again.refusal or "")
        except ChargeRefused as exc:
            raise ApiError(409, exc.code, str(exc), lane=caller.lane,
                           blocking=exc.blocking.id if exc.blocking is not None else None) from None
        except NotReady as exc:
            raise ApiError(503, "not_ready", str(exc), retry_after=2) from None

    def _charge_done(self, key: str, attempt: Attempt | None, exc: BaseException | None) -> None:
        if attempt is not None:
            try:
                self.records.audit(self.clock(), "charge", attempt.state.value, who=f"clerk {attempt.clerk}",
                                   who_id=int(attempt.clerk) if attempt.clerk.isdigit() else None,
                                   lane=attempt.lane, subject=attempt.customer_name, subject_id=key,
                                   detail=f"cents={attempt.amount_cents} account={attempt.account_masked}")
            except Exception:  # noqa: BLE001 - the journal has the charge; the audit entry is best effort here
                log.exception("audit entry for charge %s could not be written", key)
        elif exc is not None:
            self._audit(None, "charge", "error", subject_id=key, detail=type(exc).__name__)

    # ---- payments after the sale ---------------------------------------------------------------------

    def attempt(self, caller: Caller, attempt_id: str) -> Attempt:
        try:
            return self.journal.get(attempt_id)
        except KeyError:
            raise ApiError(404, "no_such_payment", say.NO_SUCH_PAYMENT.fill(attempt_id)) from None

    def open_attempt(self, caller: Caller) -> Attempt | None:
        return self.journal.open_attempt(caller.lane)

    def history(self, caller: Caller, since: datetime | None, limit: int) -> list[Attempt]:
        return self.journal.history(since=since, limit=max(1, min(int(limit), 1000)))

    def recent_charges(self, caller: Caller, customer_id: int, amount: Decimal) -> list[Attempt]:
        from pos_app.payments.duplicates import recent_charges

        return recent_charges(self.journal, customer_id, amount, self.clock())

    def resolve(self, caller: Caller, attempt_id: str) -> Outcome:
        self.attempt(caller, attempt_id)
        outcome = self.desk.resolve(attempt_id, caller.lane, str(caller.clerk_id), self.settings.charge_wait_s)
        self._audit(caller, "check_again", outcome.attempt.state.value if outcome.attempt else "working",
                    subject_id=attempt_id)
        return outcome

    def reversal_option(self, caller: Caller, attempt_id: str) -> ReversalOption:
        attempt = self.attempt(caller, attempt_id)
        return self.desk.service(attempt.lane).refund_or_void_option(attempt)

    def reverse(self, caller: Caller, attempt_id: str, action: str, approval_token: str | None,
                payment_id: int | None = None) -> Attempt:
        """Void, refund or close a review, with the server's own approval for it."""
        if action not in REVERSAL_ACTIONS:
            # protocol-level: the lane only names void, refund or close_review, so this stays English
            raise ApiError(404, "no_such_action", f"{action!r} is not something done to a payment.")
        attempt = self.attempt(caller, attempt_id)
        approval = self._use_approval(caller, approval_token, REVERSAL_ACTIONS[action].value, attempt_id)
        service = self.desk.service(attempt.lane)
        if action == "void":
            result = service.void(attempt, approval)
        elif action == "refund":
            result = service.refund(attempt, approval)
        else:
            result = service.close_review(attempt, approval, payment_id)
        self._audit(caller, action, result.state.value, subject=result.customer_name, subject_id=attempt_id,
                    detail=f"approved by manager {approval.manager_id}")
        return result

    def receipt_address(self, caller: Caller, attempt_id: str) -> str:
        from pos_app.payments.receipts import receipt_address

        return receipt_address(self.gateway, self.attempt(caller, attempt_id))

    def email_receipt(self, caller: Caller, attempt_id: str, to: str) -> str:
        """PaySimple e-mails the receipt to ``to`` if it is still the address on file (``ReceiptEmailError``)."""
        from pos_app.payments.receipts import email_receipt

        attempt = self.attempt(caller, attempt_id)
        try:
            address = email_receipt(self.gateway, attempt, to)
        except Exception as exc:
            self._audit(caller, "email_receipt", getattr(exc, "code", "error"), subject_id=attempt_id)
            raise
        self._audit(caller, "email_receipt", "sent", subject_id=attempt_id)
        return address

    def end_of_day(self, caller: Caller, day: date, lane: str | None) -> EodReport:
        report = end_of_day(self.journal, self.gateway, day, lane=lane, tz=self.settings.store_timezone or None)
        self._audit(caller, "end_of_day", "ok", subject=day.isoformat(), detail=f"lane={lane or 'all'}")
        return report


def open_clerks(paths: ServerPaths, database: str = "sqlite") -> ClerkRegistry:
    """The server's clerks: the clerk file in the data folder (SQLite) or the clerk tables in the PostgreSQL
    database, with the rows' integrity key (``clerks.key``, 0600, made on first use; every server instance on
    one database needs the same key file)."""
    from pos_app.private_files import private_file

    made = not paths.clerks_key.exists()
    if made:
        private_file(paths.clerks_key)
        paths.clerks_key.write_bytes(secrets.token_bytes(32))
    key = paths.clerks_key.read_bytes()
    if database == "sqlite":
        return ClerkRegistry(private_file(paths.clerks), integrity_key=key, key_is_new=made)
    from pos_app.clerkstore.pg import PgClerkStore

    return ClerkRegistry(PgClerkStore(database), integrity_key=key, key_is_new=made)
