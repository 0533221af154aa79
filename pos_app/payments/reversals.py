"""Voids and refunds: manager approval, PaySimple's windows, write-ahead, look-up when the answer is lost.

PaySimple's rules: void while the payment is Authorized/Posted and before CanVoidUntil (the nightly batch);
refund (PUT /payment/{id}/reverse) once Settled. Both need an ``Approval`` from a manager and are journaled
before the call (``void_pending`` / ``refund_pending`` + a ``reversals`` row with who and why). A void or
reverse is never re-sent: a lost answer is resolved with GET /payment/{id} (Voided / Reversed = done; still
Authorized/Settled after the in-flight window = it did not take effect, back to ``approved``). A 4xx answer
means PaySimple refused it: back to ``approved`` and ``NotAllowed`` with PaySimple's message; a 4xx page that is
not PaySimple's own (``may_have_taken_effect``) is a lost answer. Every reply is checked against the request: a
void reply must be the voided payment itself; a refund reply the original (``Reversed``) or its credit (negative
amount, the original's OrderId or ReferenceId); GET /payment/{id} must return payment {id}. A reply that is not
for this payment is treated as a lost answer (looked up, never applied). The look-up waits the in-flight window
unless PaySimple itself answered (``AnswerLost.gateway_answered``). In the gateway's terms: ``Refused`` = PaySimple's
own 4xx; ``AnswerLost``, ``Unreachable`` or any other exception = a lost answer.
``Reversals`` is a mixin of ``PaymentService`` (it uses the service's journal, gateway, clock and timings).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from pos_app.i18n_keys import N_
from pos_app.payments.gateway import REFUNDABLE, VOIDABLE, AnswerLost, GatewayPayment, PaymentStatus, Refused
from pos_app.payments.lookup import payment_cents
from pos_app.payments.model import STATE_NAMES, Approval, Attempt, NotAllowed, PaymentError, State
from pos_app.payments.replies import error_text

log = logging.getLogger(__name__)
S = State

# Sentences for the clerk and the manager (``pos_app.i18n_keys``): why a reversal applies or not, refusals, notes.
BEING_CONFIRMED = N_("Payments", "A void or refund of this payment is being confirmed with PaySimple.")
NOTHING_TO_REVERSE = N_("Payments", "This payment is %1: there is nothing to void or refund.")
ANSWER_FOR_OTHER = N_("Payments", "PaySimple's answer was for payment %1, not %2; nothing was changed. Try again.")
REVERSAL_RUNNING = N_("Payments", "Another void or refund is in progress; try again in a moment.")
VOID_REFUSED = N_("Payments", "PaySimple refused the void (%1).")
REFUND_REFUSED = N_("Payments", "PaySimple refused the refund (%1).")
VOID_NOT_APPLIED = N_("Payments", "The void did not take effect (PaySimple status %1).")
REFUND_NOT_APPLIED = N_("Payments", "The refund did not take effect (PaySimple status %1).")
REFUND_LATER = N_("Payments", "A refund is possible only after the payment settles (usually the next business day).")
VOID_UNTIL = N_("Payments", "Not settled yet: a void cancels it before the batch (until %1).")
VOID_WINDOW_CLOSED = N_("Payments", "The void window has closed and the payment has not settled yet: refund it once "
                                    "it is Settled.")
REFUND_APPLIES = N_("Payments", "Settled: a refund returns the money to the customer's account.")
NO_LONGER_VOIDABLE = N_("Payments", "A void is no longer possible: the payment has settled.")
NEITHER_APPLIES = N_("Payments", "PaySimple status is %1: neither a void nor a refund applies.")


@dataclass(frozen=True)
class ReversalOption:
    action: str | None  # "void" | "refund" | None
    explanation: str  # why this action applies (or why none does)
    other: str  # why the other action does not apply
    status: str | None = None
    can_void_until: datetime | None = None



class Reversals:
    def refund_or_void_option(self, attempt: Attempt | str) -> ReversalOption:
        """Which reversal applies now (asks PaySimple for the current status) and why the other does not."""
        attempt = self.journal.get(attempt if isinstance(attempt, str) else attempt.id)
        if attempt.state in (S.VOID_PENDING, S.REFUND_PENDING):
            text = BEING_CONFIRMED
            return ReversalOption(None, text, text, attempt.ps_status, attempt.can_void_until)
        if attempt.state is not S.APPROVED or attempt.payment_id is None:
            text = NOTHING_TO_REVERSE.fill(STATE_NAMES[attempt.state])
            return ReversalOption(None, text, text, attempt.ps_status, attempt.can_void_until)
        payment = self.gateway.get_payment(attempt.payment_id)
        if payment.id != attempt.payment_id:
            raise NotAllowed(ANSWER_FOR_OTHER.fill(payment.id, attempt.payment_id))
        self.journal.update_details(attempt.id, self.clock(), ps_status=payment.status_text,
                                    can_void_until=payment.can_void_until)
        return option_for(payment.status_text, payment.can_void_until, self.clock())

    def void(self, attempt: Attempt | str, approval: Approval) -> Attempt:
        return self._reverse(attempt, approval, "void")

    def refund(self, attempt: Attempt | str, approval: Approval) -> Attempt:
        return self._reverse(attempt, approval, "refund")

    def _reverse(self, attempt: Attempt | str, approval: Approval, kind: str) -> Attempt:
        approval.check()
        attempt_id = attempt if isinstance(attempt, str) else attempt.id
        lock = self.journal.reversal_lock(attempt_id)
        if not lock.try_acquire():
            raise NotAllowed(REVERSAL_RUNNING)
        try:
            option = self.refund_or_void_option(attempt_id)
            if option.action != kind:
                raise NotAllowed(option.other if option.action else option.explanation)
            pending = S.VOID_PENDING if kind == "void" else S.REFUND_PENDING
            manager, now = approval.manager_id, self.clock()
            self.journal.add_reversal(attempt_id, kind, manager, approval.reason.strip(), now)
            attempt = self.journal.transition(attempt_id, S.APPROVED, pending, f"{kind}: {approval.reason.strip()}",
                                              manager, now)
            try:
                call = self.gateway.void_payment if kind == "void" else self.gateway.reverse_payment
                payment = call(attempt.payment_id)
            except Refused as exc:  # PaySimple's own refusal (a proxy's 4xx page is AnswerLost: looked up)
                note = (VOID_REFUSED if kind == "void" else REFUND_REFUSED).fill(error_text(exc))
                self.journal.finish_reversal(attempt_id, f"refused: {error_text(exc)}", self.clock())
                self.journal.transition(attempt_id, pending, S.APPROVED, note, manager, self.clock(), note=note)
                raise NotAllowed(note) from exc
            except Exception as exc:  # noqa: BLE001 - the answer was lost: look it up, never re-send
                log.warning("%s of %s: answer lost (%s); checking", kind, attempt_id, type(exc).__name__)
                answered = isinstance(exc, AnswerLost) and exc.gateway_answered
                not_before = self.clock() + (self.settle_after if answered else self.in_flight_window)
                return self._resolve_reversal(attempt, manager, None, lock_held=True, not_before=not_before)
            problem = reversal_mismatch(attempt, payment, kind)
            if problem:
                log.error("%s of %s: %s; checking", kind, attempt_id, problem)
                return self._resolve_reversal(attempt, manager, None, lock_held=True,
                                              not_before=self.clock() + self.in_flight_window)
            return self._apply_reversal_result(attempt, payment, manager, "PaySimple answered")
        finally:
            lock.release()

    def _apply_reversal_result(self, attempt: Attempt, payment: GatewayPayment, clerk: str,
                               cause: str) -> Attempt | None:
        """Move a pending reversal to done from a payment (the original, or the refund credit); None when the
        payment does not show it done (yet)."""
        now, kind = self.clock(), ("void" if attempt.state is S.VOID_PENDING else "refund")
        if kind == "void" and payment.status is PaymentStatus.VOIDED:
            self.journal.finish_reversal(attempt.id, "voided", now, payment.id)
            return self.journal.transition(attempt.id, S.VOID_PENDING, S.VOIDED, f"{cause}: Voided", clerk, now,
                                           ps_status=payment.status_text)
        if kind == "refund":
            if payment.id != attempt.payment_id:  # the refund credit itself
                self.journal.finish_reversal(attempt.id, "refunded", now, payment.id)
                return self.journal.transition(attempt.id, S.REFUND_PENDING, S.REFUNDED, f"{cause}: refund "
                                               f"{payment.id} {payment.status_text}", clerk, now,
                                               ps_status=PaymentStatus.REVERSED.value, refund_payment_id=payment.id)
            if payment.status is PaymentStatus.REVERSED:
                refund_id = payment.reference_id or None
                self.journal.finish_reversal(attempt.id, "refunded", now, refund_id)
                return self.journal.transition(attempt.id, S.REFUND_PENDING, S.REFUNDED, f"{cause}: Reversed",
                                               clerk, now, ps_status=payment.status_text, refund_payment_id=refund_id)
        return None  # not (yet) applied

    def _resolve_reversal(self, attempt: Attempt, clerk: str, tries: int | None, lock_held: bool = False,
                          not_before: datetime | None = None) -> Attempt:
        lock = None
        if not lock_held:
            lock = self.journal.reversal_lock(attempt.id)
            if not lock.try_acquire():
                raise NotAllowed(REVERSAL_RUNNING)
        try:
            tries = self.lookup_tries if tries is None else tries
            if not_before is None:  # start-up: the call may have been in flight when the app stopped
                not_before = self.journal.transitions(attempt.id)[-1].at + self.in_flight_window
            failures = 0
            while failures < tries:
                attempt = self.journal.get(attempt.id)
                if attempt.state not in (S.VOID_PENDING, S.REFUND_PENDING):
                    return attempt
                try:
                    payment = self.gateway.get_payment(attempt.payment_id)
                    if payment.id != attempt.payment_id:
                        raise PaymentError(f"asked for payment {attempt.payment_id}, the reply was payment "
                                           f"{payment.id}")
                except Exception as exc:  # noqa: BLE001 - proves nothing; stay pending
                    log.warning("checking %s of %s failed: %s", attempt.state.value, attempt.id, error_text(exc))
                    failures += 1
                    if failures < tries:
                        self._sleep(self.lookup_backoff * (2 ** (failures - 1)))
                    continue
                done = self._apply_reversal_result(attempt, payment, clerk, "found at PaySimple")
                if done is not None:
                    return done
                remaining = (not_before - self.clock()).total_seconds()
                if remaining > 0:
                    self._sleep(max(0.01, min(self.poll_interval, remaining)))
                    continue
                kind = "void" if attempt.state is S.VOID_PENDING else "refund"
                note = (VOID_NOT_APPLIED if kind == "void" else REFUND_NOT_APPLIED).fill(payment.status_text)
                self.journal.finish_reversal(attempt.id, f"not applied: {payment.status_text}", self.clock())
                return self.journal.transition(attempt.id, attempt.state, S.APPROVED, note, clerk, self.clock(),
                                               note=note, ps_status=payment.status_text)
            return self.journal.get(attempt.id)
        finally:
            if lock is not None:
                lock.release()


def reversal_mismatch(attempt: Attempt, payment: GatewayPayment, kind: str) -> str | None:
    """Why a reply to void/reverse is not about this attempt's payment (None when it is)."""
    pid = payment.id
    if pid == attempt.payment_id:
        return None
    if kind == "refund":  # the refund credit: negative, same amount, pointing back at the original
        points_back = payment.reference_id == attempt.payment_id or payment.order_id == attempt.id
        try:
            same_amount = payment_cents(payment) == -attempt.amount_cents
        except Exception:  # noqa: BLE001
            same_amount = False
        if points_back and same_amount:
            return None
    return (f"the reply to the {kind} of payment {attempt.payment_id} was about payment {pid} "
            f"({payment.status_text} {payment.amount})")


def option_for(status: str | None, can_void_until: datetime | None, now: datetime) -> ReversalOption:
    """PaySimple's rules: void while Authorized/Posted and before CanVoidUntil; refund once Settled.
    ``status`` is a status name as journaled (``GatewayPayment.status_text``), matched in any letter case."""
    s = PaymentStatus.parse(status)
    refund_later = REFUND_LATER
    if s in VOIDABLE:
        if can_void_until is not None and now < can_void_until:
            until = can_void_until.astimezone().strftime("%Y-%m-%d %H:%M")
            return ReversalOption("void", VOID_UNTIL.fill(until), refund_later, status, can_void_until)
        return ReversalOption(None, VOID_WINDOW_CLOSED, refund_later, status, can_void_until)
    if s in REFUNDABLE:
        return ReversalOption("refund", REFUND_APPLIES, NO_LONGER_VOIDABLE, status, can_void_until)
    text = NEITHER_APPLIES.fill(status)
    return ReversalOption(None, text, text, status, can_void_until)
