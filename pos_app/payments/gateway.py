"""The gateway seam: exactly what the payments core asks of a payment gateway, in the core's own types.

The core (``service``, ``reversals``, ``lookup``, ``eod``, ``onfile``) talks to a ``Gateway`` only; it never
imports ``pos_app.paysimple``. ``pos_app.paysimple.gateway.PaySimpleGateway`` is the adapter for PaySimple API
v4; another gateway (or an in-memory one in tests) implements the same nine calls:

    create_payment     POST a charge, sent exactly once (a decline is a payment with status FAILED, not an error)
    get_payment        one payment by id
    void_payment       cancel an unsettled payment, sent exactly once
    reverse_payment    refund a settled payment, sent exactly once (returns the original or the refund credit)
    customer_payments  every payment filed under one customer in a date window (all pages)
    payments           every payment in a date window (all pages, streamed)
    delete_account     remove a card or bank account from the gateway's vault
    customer_email     the e-mail address the gateway has on file for a customer (where it sends receipts)
    send_receipt       the gateway e-mails a payment's receipt to that address, sent once (``NotOffered``: it
                       does not offer that)

plus ``request_limit``: the overall deadline of one call (0 when the gateway does not say), which the core adds
to the in-flight window of a charge.

Contract for every call:
- It returns the gateway's answer, or raises a ``GatewayError`` saying what the core may conclude:
  ``Unreachable`` (the request did not get through: nothing changed), ``Refused`` (the gateway ITSELF answered
  and refused before doing anything: nothing changed), ``NotFound`` (a ``Refused``: the gateway itself says there
  is no such payment/account), ``AnswerLost`` (no usable answer: a write MAY HAVE TAKEN EFFECT and must be looked
  up, never re-sent; ``gateway_answered`` says whether the gateway itself answered, i.e. finished with it). Any
  other exception is a bug and is treated like ``AnswerLost`` from someone else (the whole in-flight window).
- ``str(error)`` is one line a clerk may read; it never holds an API key, a token or a card/bank number.
- Every call ends by the gateway's overall deadline; the adapter owns retries of reads (never of writes).
- Payments carry the core's ``OrderId`` (the attempt id) back in ``order_id``: that is how the core matches
  the gateway's records to its journal (the gateway has no idempotency key).

``PaymentStatus`` values are the names the journal stores (column ``ps_status``) and reports show; they follow
PaySimple's spelling because PaySimple was the first gateway and journals already hold them. Another gateway maps
its statuses onto these (docs/decisions/0300-gateway-seam.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable


class PaymentStatus(StrEnum):
    """Where a payment stands at the gateway. ``OTHER``: a status this version does not know (its name is kept in
    ``GatewayPayment.status_name``); the core never takes it as charged, declined, voided or refunded."""

    PENDING = "Pending"                # sent for authorisation, no answer yet
    REQUIRES_ACTION = "RequiresAction"  # the card needs an extra step: not charged yet
    AUTHORIZED = "Authorized"          # card approved, not yet batched (voidable)
    POSTED = "Posted"                  # bank debit entered, not settled (voidable before the cut-off)
    SETTLED = "Settled"                # funds collected (refundable)
    FAILED = "Failed"                  # declined / never completed (see ``Failure``)
    VOIDED = "Voided"                  # cancelled before the batch
    REVERSED = "Reversed"              # the original of a refunded payment
    REVERSE_POSTED = "ReversePosted"   # a bank refund credit in process
    REFUND_SETTLED = "RefundSettled"   # a refund credit settled
    CHARGEBACK = "Chargeback"          # disputed
    RETURNED = "Returned"              # bank debit returned (not NSF)
    REVERSE_NSF = "ReverseNSF"         # bank debit returned for insufficient funds
    OTHER = "Other"

    @classmethod
    def parse(cls, name: str | None) -> PaymentStatus | None:
        """A stored or reported status name (any letter case) → the status; None for no name, ``OTHER`` for
        one this version does not know."""
        if name is None or not str(name).strip():
            return None
        return _BY_LOWER.get(str(name).strip().lower(), cls.OTHER)


_BY_LOWER = {s.value.lower(): s for s in PaymentStatus if s is not PaymentStatus.OTHER}

# Money was taken and still stands (a fresh charge is approved on these).
CHARGED = frozenset({PaymentStatus.AUTHORIZED, PaymentStatus.POSTED, PaymentStatus.SETTLED})
# Not settled yet: a void cancels it (before the gateway's CanVoidUntil).
VOIDABLE = frozenset({PaymentStatus.AUTHORIZED, PaymentStatus.POSTED})
# Settled: only a refund returns the money.
REFUNDABLE = frozenset({PaymentStatus.SETTLED})


@dataclass(frozen=True)
class Failure:
    """Why a payment failed, as the gateway said it (``code`` stable, e.g. "4005"; texts for people)."""

    code: str | None
    description: str | None
    merchant_action: str | None
    is_decline: bool = False


@dataclass(frozen=True)
class GatewayPayment:
    """One payment as the gateway holds it. ``amount`` is negative for a refund credit. Times are tz-aware."""

    id: int
    status: PaymentStatus
    amount: Decimal
    account_id: int | None = None
    customer_id: int | None = None
    order_id: str | None = None  # the core's attempt id, when the payment was made by this app
    reference_id: int | None = None  # a refund credit ↔ its original
    auth_code: str | None = None
    trace_number: str | None = None
    failure: Failure | None = None
    can_void_until: datetime | None = None
    created_at: datetime | None = None  # when the gateway took it (decides its day in end of day)
    status_name: str = ""  # the status as the gateway named it ("" = ``status.value``)

    @property
    def status_text(self) -> str:
        """The status name to journal and show: the protocol's name, or the gateway's own for ``OTHER``."""
        if self.status is PaymentStatus.OTHER and self.status_name:
            return self.status_name
        return self.status.value


@dataclass(frozen=True)
class ChargeRequest:
    """A charge to send. ``amount`` is a Decimal with at most 2 places; ``order_id`` is the attempt id."""

    account_id: int
    amount: Decimal
    order_id: str
    payment_token: str | None = field(default=None, repr=False)  # a one-use form token: never logged
    cvv: str | None = field(default=None, repr=False)
    description: str | None = None


class GatewayError(Exception):
    """A gateway call failed; the subclass says what the core may conclude. ``str()`` is safe to show."""


class Unreachable(GatewayError):
    """The request did not get through (no connection): nothing was changed at the gateway."""


class Refused(GatewayError):
    """The gateway itself answered and refused (invalid input, credentials, permission): nothing was changed."""


class NotFound(Refused):
    """The gateway itself says there is no such payment or account."""


class NotOffered(Refused):
    """The gateway itself says it does not offer this call (e.g. re-sending a receipt)."""


class AnswerLost(GatewayError):
    """No usable answer. A write MAY HAVE TAKEN EFFECT: look it up, never re-send.

    ``gateway_answered``: the gateway itself sent this (failed) answer, so it is done with the request; otherwise
    something between (a proxy) or nobody answered and the gateway may still be working on it."""

    def __init__(self, message: str, *, gateway_answered: bool = False) -> None:
        super().__init__(message)
        self.gateway_answered = gateway_answered


@runtime_checkable
class Gateway(Protocol):
    """The calls the payments core makes (see the module docstring for the shared contract)."""

    @property
    def request_limit(self) -> timedelta:
        """Overall deadline of one call (timedelta(0) when not known)."""
        ...

    def create_payment(self, request: ChargeRequest) -> GatewayPayment: ...

    def get_payment(self, payment_id: int) -> GatewayPayment: ...

    def void_payment(self, payment_id: int) -> GatewayPayment: ...

    def reverse_payment(self, payment_id: int) -> GatewayPayment: ...

    def customer_payments(self, customer_id: int, start: date, end: date) -> list[GatewayPayment]: ...

    def payments(self, start: date, end: date, page_size: int | None = None) -> Iterable[GatewayPayment]:
        """Every payment from ``start`` to ``end`` (date-only, inclusive); ``page_size`` is a hint."""
        ...

    def delete_account(self, account_id: int, kind: str) -> None:
        """Remove card (``kind`` "cc") or bank account ("ach") ``account_id`` from the gateway's vault."""
        ...

    def customer_email(self, customer_id: int) -> str | None:
        """The customer's e-mail address on file (None or "" when there is none)."""
        ...

    def send_receipt(self, payment_id: int) -> None:
        """E-mail payment ``payment_id``'s receipt to the customer's address on file. Sent once, never retried."""
        ...
