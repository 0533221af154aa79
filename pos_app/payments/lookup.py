"""Finding out what PaySimple did with an attempt whose answer we never got (or could not trust).

The gateway has no idempotency key, so the attempt id travels as ``OrderId`` and a look-up reads the customer's
payments (``Gateway.customer_payments``: every page) and matches on OrderId + amount + account.

Decisions:
- The date window is the attempt's creation day minus 2 days to today plus 2 days (UTC dates): PaySimple's
  ``startdate``/``enddate`` are date-only and their time zone is not documented [?], so the window is wide
  and the match is exact on OrderId.
- "Not found" is only concluded after also walking every payment of the window (``Gateway.payments``): the
  customer's list alone would miss a charge filed under another customer (account/customer mix-up).
- Every look-up reply is checked against its question: each payment in the customer's list must carry that
  customer's id (a list replayed for another customer, e.g. by a caching proxy, is ``LookupUnreliable``, which
  proves nothing, like a failed look-up). Paging walks end at the total the first page announced + 1 page (the
  adapter raises past it), so "not found" always means the whole list was read.
- Refund credits (negative amount, same OrderId as their original) are never taken for the charge.
- Exactly one payment with our OrderId, same amount and account = found. None = not found. Anything else
  (two payments with one OrderId, or an OrderId match with a different amount/account) is a *conflict*: it
  is never turned into "absent" or silently accepted; the attempt goes to ``needs_review`` with the reason.
- A look-up that raises (network, 5xx, 401, an unreliable reply...) proves nothing: the caller keeps the
  attempt unresolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from pos_app.i18n_keys import N_
from pos_app.payments.gateway import Gateway, GatewayPayment
from pos_app.payments.model import Attempt

# Why a look-up cannot settle a payment (a conflict: the payment then needs review; shown to the clerk).
SAME_ORDER_TWICE = N_("Payments", "PaySimple has %1 payments with this OrderId (%2)")
OTHER_AMOUNT_OR_ACCOUNT = N_("Payments", "PaySimple payment %1 has this OrderId but amount %2 / account %3, not %4 / "
                                         "%5")


class LookupUnreliable(Exception):
    """A look-up reply that does not answer the question asked (e.g. another customer's payments)."""


@dataclass(frozen=True)
class LookupResult:
    payment: GatewayPayment | None = None
    conflict: str | None = None

    @property
    def found(self) -> bool:
        return self.payment is not None


def payment_cents(payment: GatewayPayment) -> int:
    return int((Decimal(str(payment.amount)) * 100).to_integral_value())


def payments_with_order_id(gateway: Gateway, attempt: Attempt, now: datetime) -> list[GatewayPayment]:
    """Every charge (positive amount) PaySimple holds with this attempt's OrderId, after the reply checks."""
    start = (attempt.created_at - timedelta(days=2)).date()
    end = (max(now, attempt.created_at) + timedelta(days=2)).date()
    payments = gateway.customer_payments(attempt.customer_id, start, end)
    strangers = [p for p in payments if p.customer_id not in (None, attempt.customer_id)]
    if strangers:
        p = strangers[0]
        raise LookupUnreliable(f"the list of customer {attempt.customer_id}'s payments held payment {p.id} of "
                               f"customer {p.customer_id}; the reply was not for this question")
    if not any(p.order_id == attempt.id for p in payments):
        # Before anything is called "not charged", search every payment of the window: PaySimple files a
        # payment under the ACCOUNT's owner, so a wrong customer/account pairing must not hide a charge.
        payments = list(gateway.payments(start, end))
    # A refund credit carries its original's OrderId with a negative amount: it is not the charge.
    return [p for p in payments if p.order_id == attempt.id and p.amount > 0]


def find_attempt(gateway: Gateway, attempt: Attempt, now: datetime) -> LookupResult:
    same_order = payments_with_order_id(gateway, attempt, now)
    if not same_order:
        return LookupResult()
    exact = [p for p in same_order if payment_cents(p) == attempt.amount_cents and p.account_id == attempt.account_id]
    if len(exact) == 1 and len(same_order) == 1:
        return LookupResult(payment=exact[0])
    if len(same_order) > 1:
        ids = ", ".join(str(p.id) for p in same_order)
        return LookupResult(conflict=SAME_ORDER_TWICE.fill(len(same_order), ids))
    p = same_order[0]
    return LookupResult(conflict=OTHER_AMOUNT_OR_ACCOUNT.fill(p.id, p.amount, p.account_id, attempt.amount,
                                                              attempt.account_id))
