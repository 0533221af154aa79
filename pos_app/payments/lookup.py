"""Finding out what PaySimple did with an attempt whose answer we never got.

PaySimple has no idempotency key, so the attempt id travels as ``OrderId`` and a look-up reads the customer's
payments (GET /customer/{id}/payments, every page) and matches on OrderId + amount + account.

Decisions:
- The date window is the attempt's creation day minus 2 days to today plus 2 days (UTC dates): PaySimple's
  ``startdate``/``enddate`` are date-only and their time zone is not documented [?], so the window is wide
  and the match is exact on OrderId.
- "Not found" is only concluded after also walking GET /payment for the same window (all pages): the
  customer's list alone would miss a charge filed under another customer (account/customer mix-up).
- Refund credits (negative amount, same OrderId as their original) are never taken for the charge.
- Exactly one payment with our OrderId, same amount and account = found. None = not found. Anything else
  (two payments with one OrderId, or an OrderId match with a different amount/account) is a *conflict*: it
  is never turned into "absent" or silently accepted; the attempt stays unknown with the reason, for a manager.
- A look-up that raises (network, 5xx, 401...) proves nothing: the caller keeps the attempt unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from pos_app.payments.model import Attempt


@dataclass(frozen=True)
class LookupResult:
    payment: object | None = None  # the matched pos_app.paysimple Payment
    conflict: str | None = None

    @property
    def found(self) -> bool:
        return self.payment is not None


def payment_cents(payment) -> int:
    return int((Decimal(str(payment.amount)) * 100).to_integral_value())


def find_attempt(client, attempt: Attempt, now: datetime) -> LookupResult:
    start = (attempt.created_at - timedelta(days=2)).date()
    end = (max(now, attempt.created_at) + timedelta(days=2)).date()
    payments = client.customer_payments(attempt.customer_id, start_date=start, end_date=end)
    if not any(getattr(p, "order_id", None) == attempt.id for p in payments):
        # Before anything is called "not charged", search every payment of the window: PaySimple files a
        # payment under the ACCOUNT's owner, so a wrong customer/account pairing must not hide a charge.
        payments = list(client.iter_payments(start_date=start, end_date=end))
    # A refund credit carries its original's OrderId with a negative amount: it is not the charge.
    same_order = [p for p in payments if getattr(p, "order_id", None) == attempt.id and p.amount > 0]
    if not same_order:
        return LookupResult()
    exact = [p for p in same_order
             if payment_cents(p) == attempt.amount_cents and getattr(p, "account_id", None) == attempt.account_id]
    if len(exact) == 1 and len(same_order) == 1:
        return LookupResult(payment=exact[0])
    if len(same_order) > 1:
        ids = ", ".join(str(p.id) for p in same_order)
        return LookupResult(conflict=f"PaySimple has {len(same_order)} payments with this OrderId ({ids})")
    p = same_order[0]
    return LookupResult(conflict=f"PaySimple payment {p.id} has this OrderId but amount {p.amount} / account "
                                 f"{getattr(p, 'account_id', '?')}, not {attempt.amount} / {attempt.account_id}")
