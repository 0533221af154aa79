"""The charge service: exactly-once charging on top of a gateway without idempotency keys.

Rules (see docs/architecture.md, "Payments"):
- The attempt is journaled (fsync'd) in ``created`` and then ``sending`` BEFORE POST /payment; its id is the
  PaySimple OrderId. POST /payment, void and reverse are never retried automatically.
- Outcome of the POST:
    Payment Authorized/Posted/Settled → approved;  Failed → declined (FailureData kept);
    other statuses (Pending, RequiresAction) → unknown, then looked up like a lost reply;
    TransportError(may_have_taken_effect=False) (connect error: nothing left this machine) → absent;
    4xx (400 e.g. expired payment token, 401, 403, 404) → rejected: refused before processing, nothing charged;
    anything else (5xx, timeout after send, dropped connection, unreadable reply, a bug) → unknown, and
    the service immediately looks the attempt up (``lookup.py``) until found or proven absent; a look-up
    that fails keeps it unknown (the lane stays blocked until ``resolve`` or ``reconcile_unresolved``).
- "Proven absent" also needs time, because a request PaySimple is still working on can still charge after our
  look-up. Each attempt carries ``absent_after``: send time + ``in_flight_window`` (default 120 s: ASP.NET's
  default request limit is 110 s) while no answer came back (timeout, dropped connection, app killed), or
  answer time + ``settle_after`` (default 2 s) once PaySimple answered 5xx (it finished with the request).
  Before that instant "not found" keeps the attempt unknown; the service keeps looking (every
  ``poll_interval``) and reports "waiting"; a payment found meanwhile resolves it at once.
- One in-flight charge per lane: the journal's unique index (any thread/process), plus an OS lock held by
  the sending process so start-up reconcile never resolves an attempt a live process is still sending.
- ``reconcile_unresolved()`` must run once before the first charge of a service (start-up); it resolves the
  lane's created/sending/unknown/reconciling attempts and every pending void/refund.
- Void (status Authorized/Posted and now < CanVoidUntil) and refund (/reverse, once Settled) need an
  ``Approval`` from a manager, are journaled write-ahead (``void_pending``/``refund_pending``) and, when the
  answer is lost, resolved with GET /payment/{id} (``reversals.py``, mixed into ``PaymentService``).
Thread safety: every public method may be called from any worker thread; status callbacks run on the
calling thread (the UI marshals them to the GUI thread).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pos_app.payments import locks
from pos_app.payments.journal import Journal
from pos_app.payments.lookup import find_attempt
from pos_app.payments.model import (
    CHARGED_STATUSES,
    FAILED_STATUSES,
    LANE_RE,
    OPEN_STATES,
    AccountRef,
    Attempt,
    CustomerRef,
    InvalidCharge,
    LaneBusy,
    NotAllowed,
    PaymentError,
    State,
    check_ach_authorization,
    from_cents,
    require_clerk,
    to_cents,
)
from pos_app.payments.replies import error_text, payment_fields, paysimple
from pos_app.payments.reversals import ReversalOption, Reversals, option_for  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)
S = State


class ReconcileRequired(PaymentError):
    def __init__(self, lane: str) -> None:
        super().__init__(f"Lane {lane} must check unfinished payments with PaySimple before taking a new one.")


@dataclass(frozen=True)
class StatusEvent:
    """Progress for the UI. phase: saved | sending | checking | check_failed | waiting | done."""

    attempt_id: str
    phase: str
    message: str


StatusCallback = Callable[[StatusEvent], None]


@dataclass
class ReconcileReport:
    resolved: list[Attempt] = field(default_factory=list)
    unresolved: list[Attempt] = field(default_factory=list)  # look-up failed; try again later
    busy: list[Attempt] = field(default_factory=list)  # a live process/thread is still sending these

    @property
    def lane_ready(self) -> bool:
        return not any(a.state in OPEN_STATES for a in self.unresolved + self.busy)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PaymentService(Reversals):
    def __init__(self, journal: Journal, client, lane: str, clock: Callable[[], datetime] = _utc_now, *,
                 in_flight_window: timedelta = timedelta(seconds=120), settle_after: timedelta = timedelta(seconds=2),
                 poll_interval: float = 10.0, lookup_tries: int = 4,
                 lookup_backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep,
                 on_status: StatusCallback | None = None, description: str | None = None) -> None:
        if not LANE_RE.match(lane or ""):
            raise InvalidCharge(f"Lane {lane!r} must be 1-20 letters, digits or '_' (it starts every OrderId).")
        self.journal, self.client, self.lane, self.clock = journal, client, lane, clock
        self.in_flight_window, self.settle_after, self.poll_interval = in_flight_window, settle_after, poll_interval
        self.lookup_tries, self.lookup_backoff = lookup_tries, lookup_backoff
        self._sleep, self._on_status, self._description = sleep, on_status, description
        self._reconciled = False

    # ---- charging ------------------------------------------------------------------------------------

    def charge(self, customer: CustomerRef, account: AccountRef, amount, clerk: str, payment_token: str | None = None,
               cvv: str | None = None, send_receipt: bool = False,
               on_status: StatusCallback | None = None, ach_authorization: str | None = None) -> Attempt:
        """Charge once. Returns the attempt in approved / declined / rejected / absent, or unknown when
        PaySimple could not be asked (the lane then stays blocked until ``resolve``).

        A bank account (``account.kind == "ach"``) needs ``ach_authorization``, the text the clerk read to
        the customer (see ``check_ach_authorization``); without it nothing is written or sent."""
        clerk = require_clerk(clerk)  # nobody signed in: nothing is written or sent
        cents = to_cents(amount)  # validate before anything is written
        if account.kind == "ach":
            check_ach_authorization(ach_authorization, account)
        if not self._reconciled:
            raise ReconcileRequired(self.lane)
        notify = self._notifier(on_status)
        lock = locks.lane_lock(self.journal.path, self.lane)
        if not lock.try_acquire():
            raise LaneBusy(self.lane, self.journal.open_attempt(self.lane))
        try:
            attempt = self.journal.create_attempt(self.lane, str(clerk), customer, account, from_cents(cents),
                                                  self.clock(), ach_authorization=ach_authorization)
            notify(attempt, "saved", "Payment saved; sending to PaySimple…")
            now = self.clock()
            attempt = self.journal.transition(attempt.id, S.CREATED, S.SENDING, "POST /payment", clerk, now,
                                              sent_at=now, absent_after=now + self.in_flight_window)
            notify(attempt, "sending", "Sending to PaySimple…")
            attempt = self._send(attempt, clerk, payment_token, cvv, send_receipt)
            if attempt.state is S.UNKNOWN:
                attempt = self._resolve_open(attempt, clerk, notify)
            notify(attempt, "done", attempt.state.value)
            return attempt
        finally:
            lock.release()

    def _send(self, attempt: Attempt, clerk: str, payment_token, cvv, send_receipt) -> Attempt:
        ps = paysimple()
        request = ps.PaymentRequest(account_id=attempt.account_id, amount=attempt.amount, order_id=attempt.id,
                                    payment_token=payment_token, cvv=cvv, description=self._description,
                                    send_receipt_to_customer=send_receipt)
        try:
            payment = self.client.create_payment(request)
        except Exception as exc:  # noqa: BLE001 - every failure is journaled; none is retried
            return self._record_send_failure(attempt, exc, clerk)
        return self._record_payment(attempt, S.SENDING, payment, clerk, "PaySimple answered")

    def _record_send_failure(self, attempt: Attempt, exc: Exception, clerk: str) -> Attempt:
        ps, now, text = paysimple(), self.clock(), error_text(exc)
        if isinstance(exc, ps.TransportError) and not exc.may_have_taken_effect:
            note = f"Could not reach PaySimple; nothing was sent ({text})."
            return self.journal.transition(attempt.id, S.SENDING, S.ABSENT, note, clerk, now, note=note)
        if isinstance(exc, ps.AuthenticationError | ps.InvalidInputError | ps.PermissionDeniedError
                      | ps.NotFoundError):
            note = f"PaySimple refused the payment ({text}); nothing was charged."
            return self.journal.transition(attempt.id, S.SENDING, S.REJECTED, note, clerk, now, note=note)
        if not isinstance(exc, ps.PaySimpleError):
            log.exception("unexpected error while sending payment %s; treating the outcome as unknown", attempt.id)
        note = f"PaySimple's answer was lost ({text}); checking whether it was charged."
        extra = {}
        if getattr(exc, "status", None) is not None:  # PaySimple answered (5xx): it is done with the request
            extra["absent_after"] = now + self.settle_after
        return self.journal.transition(attempt.id, S.SENDING, S.UNKNOWN, note, clerk, now, note=note, **extra)

    def _record_payment(self, attempt: Attempt, expected: State, payment, clerk: str, cause: str) -> Attempt:
        status = str(payment.status or "").lower()
        details = payment_fields(payment)
        if status in CHARGED_STATUSES:
            to, note = S.APPROVED, None
        elif status in FAILED_STATUSES:
            to, note = S.DECLINED, details["failure_description"] or "Declined"
        else:
            to, note = S.UNKNOWN, f"PaySimple status {payment.status}: waiting for the processor"
        return self.journal.transition(attempt.id, expected, to, f"{cause}: {payment.status}", clerk,
                                       self.clock(), note=note, **details)

    # ---- resolving unknown attempts ---------------------------------------------------------------------

    def _resolve_open(self, attempt: Attempt, clerk: str, notify, tries: int | None = None) -> Attempt:
        """Look the attempt up until found, proven absent, a conflict, or ``tries`` look-ups failed."""
        tries = self.lookup_tries if tries is None else tries
        failures = 0
        while True:
            attempt, outcome = self._lookup_once(attempt, clerk, notify)
            if outcome in ("resolved", "conflict"):
                return attempt
            if outcome == "failed":
                failures += 1
                if failures >= tries:
                    return attempt
                self._sleep(self.lookup_backoff * (2 ** (failures - 1)))
            else:  # "early": not found, but a request in flight could still charge
                remaining = (self._absent_after(attempt) - self.clock()).total_seconds()
                notify(attempt, "waiting", "Not at PaySimple yet; checking again shortly…")
                self._sleep(max(0.01, min(self.poll_interval, remaining)))

    def _absent_after(self, attempt: Attempt):
        if attempt.absent_after is not None:
            return attempt.absent_after
        if attempt.sent_at is not None:
            return attempt.sent_at + self.in_flight_window
        return attempt.created_at  # never sent: nothing can be in flight

    def _lookup_once(self, attempt: Attempt, clerk: str, notify) -> tuple[Attempt, str]:
        """One look-up. Outcome: resolved | failed | conflict | early (not found, too soon to say absent)."""
        if attempt.state is S.SENDING:  # the sender died (start-up reconcile holds the lane lock)
            attempt = self.journal.transition(attempt.id, S.SENDING, S.UNKNOWN,
                                              "the app stopped before PaySimple's answer was recorded", clerk,
                                              self.clock())
        if attempt.state is not S.RECONCILING:
            attempt = self.journal.transition(attempt.id, attempt.state, S.RECONCILING, "checking with PaySimple",
                                              clerk, self.clock())
        notify(attempt, "checking", "Checking with PaySimple…")
        try:
            result = find_attempt(self.client, attempt, self.clock())
        except Exception as exc:  # noqa: BLE001 - a failed look-up proves nothing
            note = f"Could not check with PaySimple ({error_text(exc)}); will check again."
            notify(attempt, "check_failed", note)
            return self.journal.transition(attempt.id, S.RECONCILING, S.UNKNOWN, note, clerk, self.clock(),
                                           note=note), "failed"
        if result.conflict:
            note = f"Needs a manager: {result.conflict}."
            log.error("payment %s: %s", attempt.id, result.conflict)
            return self.journal.transition(attempt.id, S.RECONCILING, S.UNKNOWN, note, clerk, self.clock(),
                                           note=note), "conflict"
        if result.found:
            done = self._record_payment(attempt, S.RECONCILING, result.payment, clerk, "found at PaySimple")
            # Pending at PaySimple: counts as a failed try so a stuck Pending cannot loop forever.
            return done, ("resolved" if done.state is not S.UNKNOWN else "failed")
        if self.clock() < self._absent_after(attempt):
            return self.journal.transition(attempt.id, S.RECONCILING, S.UNKNOWN,
                                           "not at PaySimple yet; too early to be sure", clerk,
                                           self.clock()), "early"
        note = ("Not charged: PaySimple has no payment with this OrderId." if attempt.sent_at is not None
                else "Not charged: the payment was never sent.")
        return self.journal.transition(attempt.id, S.RECONCILING, S.ABSENT, note, clerk, self.clock(),
                                       note=note), "resolved"

    def resolve(self, attempt: Attempt | str, clerk: str = "system", on_status: StatusCallback | None = None,
                tries: int | None = None) -> Attempt:
        """Check an unresolved attempt (open charge or pending void/refund) again. Safe to call any time."""
        attempt = self.journal.get(attempt if isinstance(attempt, str) else attempt.id)
        notify = self._notifier(on_status)
        if attempt.state in OPEN_STATES:
            lock = locks.lane_lock(self.journal.path, attempt.lane)
            if not lock.try_acquire():
                raise LaneBusy(attempt.lane, attempt)
            try:
                attempt = self.journal.get(attempt.id)
                if attempt.state in OPEN_STATES:
                    attempt = self._resolve_open(attempt, clerk, notify, tries)
            finally:
                lock.release()
        elif attempt.state in (S.VOID_PENDING, S.REFUND_PENDING):
            attempt = self._resolve_reversal(attempt, clerk, tries)
        return attempt

    def reconcile_unresolved(self, clerk: str = "system", on_status: StatusCallback | None = None,
                             tries: int | None = None) -> ReconcileReport:
        """Start-up: resolve this lane's unfinished charges and all pending voids/refunds."""
        report = ReconcileReport()
        todo = [a for a in self.journal.unresolved()
                if a.lane == self.lane or a.state in (S.VOID_PENDING, S.REFUND_PENDING)]
        for attempt in todo:
            try:
                done = self.resolve(attempt, clerk, on_status, tries)
            except LaneBusy:
                report.busy.append(self.journal.get(attempt.id))
                continue
            except NotAllowed:
                report.busy.append(self.journal.get(attempt.id))
                continue
            (report.resolved if done.is_resolved else report.unresolved).append(done)
        # Charging is allowed from now on; an attempt still open here keeps blocking the lane through the
        # journal's unique index (LaneBusy) until it is resolved.
        self._reconciled = True
        return report

    @property
    def ready(self) -> bool:
        """True once start-up reconcile ran and the lane has no open attempt."""
        return self._reconciled and self.journal.open_attempt(self.lane) is None

    # ---- helpers -------------------------------------------------------------------------------------

    def _notifier(self, on_status: StatusCallback | None):
        callbacks = [cb for cb in (on_status, self._on_status) if cb is not None]

        def notify(attempt: Attempt, phase: str, message: str) -> None:
            for cb in callbacks:
                try:
                    cb(StatusEvent(attempt.id, phase, message))
                except Exception:  # noqa: BLE001 - a UI callback must never break a payment
                    log.exception("status callback failed")
        return notify
