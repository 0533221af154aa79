"""Repeat-charge guard: has this customer been charged this amount a moment ago?

A tired clerk presses Esc, F5, Enter after an approved sale and charges the same customer the same amount
again. Before any new charge the counter asks ``recent_charges``; when it finds one, the clerk sees the earlier
payment and must take a second, explicit decision (never the default button) to charge again.

Contract:
- Looks at every lane's attempts in this journal (one journal file per data folder holds all its lanes).
- Counts attempts that charged or may have charged: approved (also with a void/refund in progress) and the
  unresolved ones (created, sending, unknown, reconciling). Declined, refused, proven-absent, voided and
  refunded attempts took no money that stands, so they do not count.
- The window is ``within`` (default 10 minutes) back from ``now`` by the attempt's creation time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from pos_app.payments.model import OPEN_STATES, Attempt, State, to_cents

REPEAT_WINDOW = timedelta(minutes=10)
COUNTED_STATES = frozenset(OPEN_STATES | {State.APPROVED, State.VOID_PENDING, State.REFUND_PENDING})


def recent_charges(journal, customer_id: int, amount: Decimal | int, now: datetime,
                   within: timedelta = REPEAT_WINDOW) -> list[Attempt]:
    """Attempts for ``customer_id`` of exactly ``amount`` (Decimal, or int cents) in the last ``within``,
    newest first, that charged or may have charged."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cents = amount if isinstance(amount, int) and not isinstance(amount, bool) else to_cents(amount)
    return [a for a in journal.history(customer_id=customer_id, since=now - within, states=COUNTED_STATES,
                                       limit=50)
            if a.amount_cents == cents]
