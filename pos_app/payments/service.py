"""The charge service: exactly-once charging on top of a gateway without idempotency keys.

The service talks to a ``payments.gateway.Gateway`` (PaySimple's adapter: ``pos_app.paysimple.gateway``); the
outcomes below are in the gateway's terms (``GatewayPayment`` statuses, ``GatewayError`` kinds).

Rules (see docs/architecture.md, "Payments"):
- The attempt is journaled (fsync'd) in ``created`` and then ``sending`` BEFORE POST /payment; its id is the
  PaySimple OrderId. ``create_payment``, void and reverse are never retried automatically.
- A storage fault before the POST (taking the lane's lock file, writing ``created``, moving to ``sending``)
  raises ``NotSent``: nothing was sent, which is certain, decided by where the failure happened. A storage
  fault after the POST was sent raises the ``StorageError`` itself: the outcome is not recorded and not known
  until the attempt is looked up. Both are logged at ERROR (file and fault, never card data).
- Outcome of ``create_payment``:
    a payment for another OrderId, amount or account (``replies.reply_mismatch``) → needs_review: never
    approved or declined on that reply; the lane stays blocked; raised to the clerk (see ``model.py``);
    status Authorized/Posted/Settled (``gateway.CHARGED``) → approved;  Failed → declined (failure kept);
    other statuses (Pending, RequiresAction, OTHER) → unknown, then looked up like a lost reply;
    ``Unreachable`` (connect error: nothing left this machine) → absent;
    ``Refused`` (PaySimple's own 4xx: 400 e.g. expired payment token, 401, 403, 404) → rejected: refused before
    processing, nothing charged. A 4xx page from something else (a proxy) is ``AnswerLost`` and unknown;
    ``AnswerLost`` (5xx, timeout after send or past the overall deadline, dropped connection, unreadable or
    oversized reply) or any other exception (a bug) → unknown, and the service immediately looks the attempt
    up (``lookup.py``) until
    found or proven absent; a look-up that fails keeps it unknown (the lane stays blocked until ``resolve`` or
    ``reconcile_unresolved``); a look-up that finds a conflict moves it to needs_review.
- "Proven absent" also needs time, because a request PaySimple is still working on can still charge after our
  look-up. Each attempt carries ``absent_after``: while the POST is out, send time + the gateway's overall
  request deadline (``Gateway.request_limit``) + ``in_flight_window`` (the app may die
  with the connection open); once the POST call ended without PaySimple's own answer (timeout, dropped
  connection, a 502/503/504 or any page that is not PaySimple's envelope, a reply for another payment), that
  moment + ``in_flight_window`` (default 120 s: ASP.NET's default request limit is 110 s; a proxy may still be
  passing the request on, or PaySimple still processing it); only when PaySimple ITSELF answered (its error
  envelope, ``AnswerLost.gateway_answered``) answer time + ``settle_after`` (default 2 s: it finished
  with the request). Before that instant "not found" keeps the attempt unknown; the service keeps looking
  (every ``poll_interval``) and reports "waiting"; a payment found meanwhile resolves it at once.
- One in-flight charge per lane: the journal's unique index (any thread/process), plus the store's lane lock
  (``JournalStore.lane_lock``) held by the sending process so start-up reconcile never resolves an attempt a
  live process is still sending. A lane whose lock can no longer be vouched for (``still_held()`` False: the
  database connection holding it was lost) stops before sending: the attempt is recorded absent (never
  sent) and ``LaneOwnershipLost`` is raised.
- ``reconcile_unresolved()`` must run once before the first charge of a service (start-up); it resolves the
  lane's created/sending/unknown/reconciling attempts and every pending void/refund.
- Void (status Authorized/Posted and now < CanVoidUntil) and refund (/reverse, once Settled) need an
  ``Approval`` from a manager, are journaled write-ahead (``void_pending``/``refund_pending``) and, when the
  answer is lost, resolved with GET /payment/{id} (``reversals.py``, mixed into ``PaymentService``).
- A ``needs_review`` attempt is closed by a manager with ``close_review`` (approval required) once PaySimple's
  own records say which payment stands, if any; the service checks that claim against PaySimple first.
Thread safety: every public method may be called from any worker thread; status callbacks run on the
calling thread (the UI marshals them to the GUI thread).
Abandoned callers: ``charge`` (and ``resolve``) may run to completion on a worker nobody waits for any more
(the clerk pressed "stop waiting"). Everything it learns goes to the journal before it returns, it holds the
lane lock until then (so the lane stays guarded), every network call in it ends by the gateway's overall
deadline and the look-up loop ends by ``absent_after`` or ``lookup_tries`` failures; a status callback whose
window is gone is caught and logged. The UI reads the outcome from the journal (history, the blocked lane).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum

from pos_app.i18n_keys import N_
from pos_app.payments.gateway import (
    CHARGED,
    AnswerLost,
    ChargeRequest,
    Gateway,
    GatewayError,
    GatewayPayment,
    Refused,
    Unreachable,
)
from pos_app.payments.gateway import PaymentStatus as PS
from pos_app.payments.lookup import find_attempt, payment_cents, payments_with_order_id
from pos_app.payments.model import (
    LANE_RE,
    OPEN_STATES,
    STATE_NAMES,
    AccountRef,
    Approval,
    Attempt,
    CustomerRef,
    DuplicateAttempt,
    InvalidCharge,
    LaneBusy,
    LaneOwnershipLost,
    NotAllowed,
    NotSent,
    PaymentError,
    State,
    check_ach_authorization,
    check_attempt_id,
    from_cents,
    require_clerk,
    to_cents,
)
from pos_app.payments.replies import error_text, payment_fields, reply_mismatch
from pos_app.payments.reversals import ReversalOption, Reversals, option_for  # noqa: F401 (re-exported)
from pos_app.payments.store import JournalStore
from pos_app.storage_errors import StorageError

log = logging.getLogger(__name__)


class Lookup(Enum):
    """What one look-up of an open attempt at PaySimple settled (``PaymentService._lookup_once``)."""

    RESOLVED = "resolved"  # found and final, or proven absent after the in-flight window
    FAILED = "failed"  # the look-up failed, or PaySimple still says Pending: a try that settled nothing
    CONFLICT = "conflict"  # PaySimple's records contradict the journal: the attempt needs review
    EARLY = "early"  # not found yet, and a request in flight could still charge: look again
S = State


# What the service says to the clerk (status lines) and writes as an attempt's note (shown, translated, on the
# result screen and in history: ``pos_app.i18n_keys``).
MUST_RECONCILE = N_("Payments", "Lane %1 must check unfinished payments with PaySimple before taking a new one.")
SAVED_SENDING = N_("Payments", "Payment saved; sending to PaySimple…")
SENDING = N_("Payments", "Sending to PaySimple…")
CHECKING = N_("Payments", "Checking with PaySimple…")
NOT_THERE_YET = N_("Payments", "Not at PaySimple yet; checking again shortly…")
NOT_SENT_LANE_LOST = N_("Payments", "Not sent: the lane lost its connection to the payment database before "
                                    "sending.")
NOT_REACHED = N_("Payments", "Could not reach PaySimple; nothing was sent (%1).")
REFUSED = N_("Payments", "PaySimple refused the payment (%1); nothing was charged.")
ANSWER_LOST = N_("Payments", "PaySimple's answer was lost (%1); checking whether it was charged.")
NEEDS_REVIEW = N_("Payments", "Needs review: %1.")
DECLINED = N_("Payments", "Declined")
WAITING_FOR_PROCESSOR = N_("Payments", "PaySimple status %1: waiting for the processor")
CHECK_FAILED = N_("Payments", "Could not check with PaySimple (%1); will check again.")
NO_SUCH_ORDER = N_("Payments", "Not charged: PaySimple has no payment with this OrderId.")
NEVER_SENT = N_("Payments", "Not charged: the payment was never sent.")
ONLY_REVIEW_CLOSES = N_("Payments", "Payment %1 is %2: only a payment that needs review can be closed by a manager.")
CLOSE_CHECK_FAILED = N_("Payments", "Could not check with PaySimple (%1): try again.")
STILL_STANDING = N_("Payments", "PaySimple still has payment %1 with this OrderId: void it in PaySimple first, or "
                                "close the review with that payment.")
CLOSED_NOT_CHARGED = N_("Payments", "Closed by a manager: not charged (%1).")
NO_SUCH_PAYMENT = N_("Payments", "PaySimple has no payment %1 with this OrderId (%2).")
OTHER_SALE = N_("Payments", "Payment %1 is %2 on account %3, not this sale's %4 on account %5: void it in PaySimple "
                            "and close the review as not charged.")
ALSO_STANDING = N_("Payments", "PaySimple also has payment %1 standing with this OrderId: void it in PaySimple "
                               "first.")
CLOSE_AS_NOT_CHARGED = N_("Payments", "Payment %1 is %2: close the review as not charged.")
CLOSED_WITH = N_("Payments", "Closed by a manager with payment %1 (%2).")


class ReconcileRequired(PaymentError):
    def __init__(self, lane: str) -> None:
        super().__init__(MUST_RECONCILE.fill(lane))


@dataclass(frozen=True)
class StatusEvent:
    """Progress for the UI. phase: saved | sending | checking | check_failed | waiting | done. ``message`` is a
    ``pos_app.i18n_keys.Message`` (for "done": the attempt's state name)."""

    attempt_id: str
    phase: str
    message: str


StatusCallback = Callable[[StatusEvent], None]


@dataclass
class ReconcileReport:
    resolved: list[Attempt] = field(default_factory=list)
    unresolved: list[Attempt] = field(default_factory=list)  # look-up failed; try again later
    busy: list[Attempt] = field(default_factory=list)  # a live process/thread is still sending these


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PaymentService(Reversals):
    def __init__(self, journal: JournalStore, gateway: Gateway, lane: str, clock: Callable[[], datetime] = _utc_now,
                 *,
                 in_flight_window: timedelta = timedelta(seconds=120), settle_after: timedelta = timedelta(seconds=2),
                 poll_interval: float = 10.0, lookup_tries: int = 4,
                 lookup_backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep,
                 on_status: StatusCallback | None = None, description: str | None = None) -> None:
        if not LANE_RE.match(lane or ""):
            raise InvalidCharge(f"Lane {lane!r} must be 1-20 letters, digits or '_' (it starts every OrderId).")
        self.journal, self.gateway, self.lane, self.clock = journal, gateway, lane, clock
        self.in_flight_window, self.settle_after, self.poll_interval = in_flight_window, settle_after, poll_interval
        self.lookup_tries, self.lookup_backoff = lookup_tries, lookup_backoff
        self._sleep, self._on_status, self._description = sleep, on_status, description
        self._reconciled = False

    # ---- charging ------------------------------------------------------------------------------------

    def charge(self, customer: CustomerRef, account: AccountRef, amount, clerk: str, payment_token: str | None = None,
               cvv: str | None = None,
               on_status: StatusCallback | None = None, ach_authorization: str | None = None,
               attempt_id: str | None = None) -> Attempt:
        """Charge once. Returns the attempt in approved / declined / rejected / absent, unknown when PaySimple
        could not be asked, or needs_review when an answer was not for this payment (the lane then stays
        blocked until ``resolve`` settles it or a manager closes it). Safe to leave running on an abandoned
        worker (see the module docstring).

        A bank account (``account.kind == "ach"``) needs ``ach_authorization``, the text the clerk read to
        the customer (see ``check_ach_authorization``); without it nothing is written or sent.

        ``attempt_id``: the caller's id for this charge (``<lane>-<ULID>``; a store server passes the lane's
        idempotency key); None makes a new one. An id that exists already raises ``DuplicateAttempt``
        (checked under the lane lock, so two requests with one id never both send): that charge is never sent
        again, only looked up (``resolve``)."""
        clerk = require_clerk(clerk)  # nobody signed in: nothing is written or sent
        cents = to_cents(amount)  # validate before anything is written
        if attempt_id is not None:
            check_attempt_id(attempt_id, self.lane)
        if account.kind == "ach":
            check_ach_authorization(ach_authorization, account)
        if not self._reconciled:
            raise ReconcileRequired(self.lane)
        notify = self._notifier(on_status)
        lock = self.journal.lane_lock(self.lane)
        try:
            acquired = lock.try_acquire()
        except StorageError as exc:  # the lane's lock file beside the journal: nothing is written or sent
            raise self._not_sent(exc, None) from exc
        if not acquired:
            raise LaneBusy(self.lane, self.journal.open_attempt(self.lane))
        try:
            if attempt_id is not None:
                existing = self._existing(attempt_id)
                if existing is not None:
                    raise DuplicateAttempt(attempt_id, existing)
            attempt = self._write_ahead(customer, account, cents, clerk, ach_authorization, attempt_id, notify)
            if not lock.still_held():  # the last moment before money can move
                self._stop_unsent(attempt, clerk)
            notify(attempt, "sending", SENDING)
            try:
                attempt = self._send(attempt, clerk, payment_token, cvv)
                if attempt.state is S.UNKNOWN:
                    attempt = self._resolve_open(attempt, clerk, notify)
            except StorageError as exc:  # sent: its outcome is not recorded; the attempt stays open
                log.error("payment %s was sent but its outcome could not be written: the %s (%s) %s", attempt.id,
                          exc.what.value, exc.read_only_file or exc.path, exc.fault.value)
                raise
            notify(attempt, "done", STATE_NAMES[attempt.state])
            return attempt
        finally:
            lock.release()

    def _write_ahead(self, customer: CustomerRef, account: AccountRef, cents: int, clerk: str,
                     ach_authorization: str | None, attempt_id: str | None, notify) -> Attempt:
        """The journal writes before POST /payment: the attempt in ``created``, then ``sending`` (with its
        ``absent_after``). A storage fault in either is ``NotSent``: nothing has been sent, and nothing will be."""
        attempt = None
        try:
            attempt = self.journal.create_attempt(self.lane, str(clerk), customer, account, from_cents(cents),
                                                  self.clock(), ach_authorization=ach_authorization,
                                                  attempt_id=attempt_id)
            notify(attempt, "saved", SAVED_SENDING)
            now = self.clock()
            return self.journal.transition(attempt.id, S.CREATED, S.SENDING, "POST /payment", clerk, now,
                                           sent_at=now, absent_after=now + self.gateway.request_limit
                                           + self.in_flight_window)
        except StorageError as exc:
            raise self._not_sent(exc, attempt) from exc

    def _not_sent(self, exc: StorageError, attempt: Attempt | None) -> NotSent:
        log.error("payment not sent on lane %s (%s): the %s (%s) cannot be written: %s", self.lane,
                  attempt.id if attempt is not None else "no attempt written", exc.what.value,
                  exc.read_only_file or exc.path, exc.fault.value)
        return NotSent(self.lane, exc, attempt)

    def _existing(self, attempt_id: str) -> Attempt | None:
        try:
            return self.journal.get(attempt_id)
        except KeyError:
            return None

    def _stop_unsent(self, attempt: Attempt, clerk: str) -> None:
        """Lane ownership was lost before sending: record the attempt as never sent (absent) and raise
        ``LaneOwnershipLost``. If even that cannot be written it stays ``sending`` for start-up reconcile."""
        note = NOT_SENT_LANE_LOST
        try:
            attempt = self.journal.transition(attempt.id, S.SENDING, S.ABSENT, note, clerk, self.clock(), note=note)
        except Exception:  # noqa: BLE001 - nothing was sent; reconcile resolves what could not be written
            log.warning("could not record %s as not sent; start-up reconcile will resolve it", attempt.id)
        raise LaneOwnershipLost(self.lane, attempt)

    def _send(self, attempt: Attempt, clerk: str, payment_token, cvv) -> Attempt:
        request = ChargeRequest(account_id=attempt.account_id, amount=attempt.amount, order_id=attempt.id,
                                payment_token=payment_token, cvv=cvv, description=self._description)
        try:
            payment = self.gateway.create_payment(request)
        except Exception as exc:  # noqa: BLE001 - every failure is journaled; none is retried
            return self._record_send_failure(attempt, exc, clerk)
        mismatch = reply_mismatch(payment, attempt)
        if mismatch:  # not our answer: PaySimple may still be working on OUR request
            return self._to_review(attempt, S.SENDING, mismatch, clerk,
                                   absent_after=self.clock() + self.in_flight_window)
        return self._record_payment(attempt, S.SENDING, payment, clerk, "PaySimple answered")

    def _record_send_failure(self, attempt: Attempt, exc: Exception, clerk: str) -> Attempt:
        now, text = self.clock(), error_text(exc)
        if isinstance(exc, Unreachable):
            note = NOT_REACHED.fill(text)
            return self.journal.transition(attempt.id, S.SENDING, S.ABSENT, note, clerk, now, note=note)
        if isinstance(exc, Refused):
            note = REFUSED.fill(text)
            return self.journal.transition(attempt.id, S.SENDING, S.REJECTED, note, clerk, now, note=note)
        if not isinstance(exc, GatewayError):
            log.exception("unexpected error while sending payment %s; treating the outcome as unknown", attempt.id)
        note = ANSWER_LOST.fill(text)
        # Only PaySimple's own answer means it is done with the request; a proxy's 502/503/504 or page, a
        # timeout or a cut connection leave it possibly still at work: the whole in-flight window from now.
        wait = self.settle_after if isinstance(exc, AnswerLost) and exc.gateway_answered else self.in_flight_window
        return self.journal.transition(attempt.id, S.SENDING, S.UNKNOWN, note, clerk, now, note=note,
                                       absent_after=now + wait)

    def _to_review(self, attempt: Attempt, expected: State, reason: str, clerk: str, **extra) -> Attempt:
        note = NEEDS_REVIEW.fill(reason)
        log.error("payment %s needs review: %s", attempt.id, reason)
        return self.journal.transition(attempt.id, expected, S.REVIEW, note, clerk, self.clock(), note=note,
                                       **extra)

    def _record_payment(self, attempt: Attempt, expected: State, payment: GatewayPayment, clerk: str,
                        cause: str) -> Attempt:
        details = payment_fields(payment)
        if payment.status in CHARGED:
            to, note = S.APPROVED, None
        elif payment.status is PS.FAILED:
            to, note = S.DECLINED, details["failure_description"] or DECLINED
        else:
            to, note = S.UNKNOWN, WAITING_FOR_PROCESSOR.fill(payment.status_text)
        return self.journal.transition(attempt.id, expected, to, f"{cause}: {payment.status_text}", clerk,
                                       self.clock(), note=note, **details)

    # ---- resolving unknown attempts ---------------------------------------------------------------------

    def _resolve_open(self, attempt: Attempt, clerk: str, notify, tries: int | None = None) -> Attempt:
        """Look the attempt up until found, proven absent, a conflict, or ``tries`` look-ups failed."""
        tries = self.lookup_tries if tries is None else tries
        failures = 0
        while True:
            attempt, outcome = self._lookup_once(attempt, clerk, notify)
            if outcome in (Lookup.RESOLVED, Lookup.CONFLICT):
                return attempt
            if outcome is Lookup.FAILED:
                failures += 1
                if failures >= tries:
                    return attempt
                self._sleep(self.lookup_backoff * (2 ** (failures - 1)))
            else:  # EARLY: not found, but a request in flight could still charge
                remaining = (self._absent_after(attempt) - self.clock()).total_seconds()
                notify(attempt, "waiting", NOT_THERE_YET)
                self._sleep(max(0.01, min(self.poll_interval, remaining)))

    def _absent_after(self, attempt: Attempt):
        if attempt.absent_after is not None:
            return attempt.absent_after
        if attempt.sent_at is not None:
            return attempt.sent_at + self.in_flight_window
        return attempt.created_at  # never sent: nothing can be in flight

    def _lookup_once(self, attempt: Attempt, clerk: str, notify) -> tuple[Attempt, Lookup]:
        """One look-up, and what it settled (``Lookup``).

        An attempt that needs review goes back to needs_review (not unknown) when the look-up settles nothing.
        """
        if attempt.state is S.SENDING:  # the sender died (start-up reconcile holds the lane lock)
            attempt = self.journal.transition(attempt.id, S.SENDING, S.UNKNOWN,
                                              "the app stopped before PaySimple's answer was recorded", clerk,
                                              self.clock())
        in_review = attempt.state is S.REVIEW
        back = S.REVIEW if in_review else S.UNKNOWN
        if attempt.state is not S.RECONCILING:
            attempt = self.journal.transition(attempt.id, attempt.state, S.RECONCILING, "checking with PaySimple",
                                              clerk, self.clock())
        notify(attempt, "checking", CHECKING)
        try:
            result = find_attempt(self.gateway, attempt, self.clock())
        except Exception as exc:  # noqa: BLE001 - a failed look-up proves nothing
            note = CHECK_FAILED.fill(error_text(exc))
            notify(attempt, "check_failed", note)
            # In review, the note keeps saying why it needs review; the failure is the transition's cause.
            return self.journal.transition(attempt.id, S.RECONCILING, back, note, clerk, self.clock(),
                                           note=attempt.note if in_review else note), Lookup.FAILED
        if result.conflict:
            return self._to_review(attempt, S.RECONCILING, result.conflict, clerk), Lookup.CONFLICT
        if result.found:
            done = self._record_payment(attempt, S.RECONCILING, result.payment, clerk, "found at PaySimple")
            # Pending at PaySimple: counts as a failed try so a stuck Pending cannot loop forever.
            return done, (Lookup.RESOLVED if done.state is not S.UNKNOWN else Lookup.FAILED)
        if self.clock() < self._absent_after(attempt):
            return self.journal.transition(attempt.id, S.RECONCILING, back,
                                           "not at PaySimple yet; too early to be sure", clerk,
                                           self.clock()), Lookup.EARLY
        note = NO_SUCH_ORDER if attempt.sent_at is not None else NEVER_SENT
        return self.journal.transition(attempt.id, S.RECONCILING, S.ABSENT, note, clerk, self.clock(),
                                       note=note), Lookup.RESOLVED

    def resolve(self, attempt: Attempt | str, clerk: str = "system", on_status: StatusCallback | None = None,
                tries: int | None = None) -> Attempt:
        """Check an unresolved attempt (open charge or pending void/refund) again. Safe to call any time."""
        attempt = self.journal.get(attempt if isinstance(attempt, str) else attempt.id)
        notify = self._notifier(on_status)
        if attempt.state in OPEN_STATES:
            lock = self.journal.lane_lock(attempt.lane)
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

    def close_review(self, attempt: Attempt | str, approval: Approval, payment_id: int | None = None) -> Attempt:
        """A manager closes a ``needs_review`` attempt after checking PaySimple's own records.

        ``payment_id=None``: "nothing of this sale stands at PaySimple" → absent. Refused while PaySimple lists
        a standing (Authorized/Posted/Settled) payment with this OrderId: void it in PaySimple first.
        ``payment_id=N``: "payment N is this sale" → approved (or declined if N Failed). Refused unless N carries
        this OrderId, amount and account and no other payment with this OrderId stands.
        The look-up goes to PaySimple first (a failed look-up refuses); the manager, time and reason are the
        transition's clerk and cause. Raises ``NotAllowed`` with the reason and the next step.
        """
        approval.check("close_review")
        attempt = self.journal.get(attempt if isinstance(attempt, str) else attempt.id)
        if attempt.state is not S.REVIEW:
            raise NotAllowed(ONLY_REVIEW_CLOSES.fill(attempt.id, STATE_NAMES[attempt.state]))
        lock = self.journal.lane_lock(attempt.lane)
        if not lock.try_acquire():
            raise LaneBusy(attempt.lane, attempt)
        try:
            try:
                same_order = payments_with_order_id(self.gateway, attempt, self.clock())
            except Exception as exc:  # noqa: BLE001
                raise NotAllowed(CLOSE_CHECK_FAILED.fill(error_text(exc))) from exc
            standing = [p for p in same_order if p.status in CHARGED]
            manager, reason = approval.manager_id, approval.reason.strip()
            if payment_id is None:
                if standing:
                    ids = ", ".join(f"{p.id} ({p.status_text} {p.amount})" for p in standing)
                    raise NotAllowed(STILL_STANDING.fill(ids))
                note = CLOSED_NOT_CHARGED.fill(reason)
                return self.journal.transition(attempt.id, S.REVIEW, S.ABSENT, f"review closed: {reason}",
                                               manager, self.clock(), note=note)
            chosen = next((p for p in same_order if p.id == payment_id), None)
            if chosen is None:
                raise NotAllowed(NO_SUCH_PAYMENT.fill(payment_id, attempt.id))
            if payment_cents(chosen) != attempt.amount_cents or chosen.account_id != attempt.account_id:
                raise NotAllowed(OTHER_SALE.fill(chosen.id, chosen.amount, chosen.account_id, attempt.amount,
                                                 attempt.account_id))
            others = [p for p in standing if p.id != payment_id]
            if others:
                ids = ", ".join(f"{p.id} ({p.status_text})" for p in others)
                raise NotAllowed(ALSO_STANDING.fill(ids))
            if chosen.status not in CHARGED | {PS.FAILED}:
                raise NotAllowed(CLOSE_AS_NOT_CHARGED.fill(chosen.id, chosen.status_text))
            to = S.APPROVED if chosen.status in CHARGED else S.DECLINED
            details = payment_fields(chosen)
            note = CLOSED_WITH.fill(chosen.id, reason)
            return self.journal.transition(attempt.id, S.REVIEW, to, f"review closed: payment {chosen.id} "
                                           f"{chosen.status_text}: {reason}", manager, self.clock(), note=note,
                                           **details)
        finally:
            lock.release()

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
