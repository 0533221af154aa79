"""PaySimple API v4 as a payments ``Gateway``: the client's calls, statuses and errors in the core's terms.

This is the only module of ``pos_app.paysimple`` that imports ``pos_app.payments`` (only its ``gateway``
module); the payments core never imports this package (tests/test_architecture.py).

Statuses: PaySimple's names (already canonical from the client, any letter case accepted) map one to one onto
``PaymentStatus``; a name this version does not know becomes ``OTHER`` with the name kept.

Errors (``PaySimpleError`` → ``GatewayError``), decided on the client's typed flags, never on message text:
- ``may_have_taken_effect`` (a write with no usable answer: 5xx, timeout after sending, a cut or unreadable
  reply, a proxy's page) → ``AnswerLost`` with ``gateway_answered = paysimple_answered``;
- ``TransportError`` that did not take effect (nothing got through) → ``Unreachable``;
- PaySimple's OWN 401/400/403 → ``Refused``, its own 404 → ``NotFound``; the same status from anything else (a
  proxy's page, ``paysimple_answered`` False) proves nothing → ``AnswerLost``; for ``send_receipt`` (a call not in
  the published reference, decision 0351) PaySimple's own 404/405 → ``NotOffered``;
- anything else (a 5xx or an unreadable reply to a read, another 4xx such as 429) → ``AnswerLost``.
The message is the client's, redacted (``pos_app.logs.redact``); the client's error is the ``__cause__``.
Exceptions that are not ``PaySimpleError`` (bugs) pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import wraps
from typing import TypeVar

from pos_app.logs import redact
from pos_app.payments.gateway import (
    AnswerLost,
    ChargeRequest,
    Failure,
    GatewayError,
    GatewayPayment,
    NotFound,
    NotOffered,
    PaymentStatus,
    Refused,
    Unreachable,
)
from pos_app.paysimple.client import PaySimpleClient
from pos_app.paysimple.errors import (
    AuthenticationError,
    InvalidInputError,
    NotFoundError,
    PaySimpleError,
    PermissionDeniedError,
    TransportError,
)
from pos_app.paysimple.models import Payment, PaymentRequest

T = TypeVar("T")

_REFUSALS = (AuthenticationError, InvalidInputError, PermissionDeniedError, NotFoundError)


def error_text(exc: PaySimpleError) -> str:
    """One line for notes and screens: HTTP status and PaySimple's field messages, else the client's sentence."""
    parts = [m.message for m in exc.messages if m.message]
    head = f"HTTP {exc.status}" if exc.status else type(exc).__name__
    text = f"{head}: {'; '.join(parts)}" if parts else f"{head}: {exc}".rstrip(": ")
    return redact(text)


def gateway_error(exc: PaySimpleError) -> GatewayError:
    """What the core may conclude from a client error (see the module docstring)."""
    text = error_text(exc)
    if exc.may_have_taken_effect:
        return AnswerLost(text, gateway_answered=exc.paysimple_answered)
    if isinstance(exc, TransportError):
        return Unreachable(text)
    if isinstance(exc, _REFUSALS) and exc.paysimple_answered:
        return NotFound(text) if isinstance(exc, NotFoundError) else Refused(text)
    return AnswerLost(text, gateway_answered=exc.paysimple_answered)


def _mapped(call: Callable[..., T]) -> Callable[..., T]:
    @wraps(call)
    def run(*args, **kwargs) -> T:
        try:
            return call(*args, **kwargs)
        except PaySimpleError as exc:
            raise gateway_error(exc) from exc
    return run


def gateway_payment(payment: Payment) -> GatewayPayment:
    failure = payment.failure
    return GatewayPayment(
        id=payment.id, status=PaymentStatus.parse(payment.status) or PaymentStatus.OTHER, amount=payment.amount,
        account_id=payment.account_id, customer_id=payment.customer_id, order_id=payment.order_id,
        reference_id=payment.reference_id, auth_code=payment.provider_auth_code,
        trace_number=payment.trace_number,
        failure=None if failure is None else Failure(failure.code, failure.description,
                                                     failure.merchant_action_text, failure.is_decline),
        can_void_until=payment.can_void_until, created_at=payment.created_on or payment.payment_date,
        status_name=str(payment.status))


class PaySimpleGateway:
    """``Gateway`` over one ``PaySimpleClient`` (shared with the rest of the app; closing it is the owner's job).
    Thread-safe as the client is."""

    def __init__(self, client: PaySimpleClient) -> None:
        self.client = client

    def __repr__(self) -> str:
        return f"PaySimpleGateway({self.client!r})"

    @property
    def request_limit(self) -> timedelta:
        total = getattr(getattr(self.client, "timeouts", None), "total", None)
        return timedelta(seconds=total) if isinstance(total, int | float) and total > 0 else timedelta(0)

    @_mapped
    def create_payment(self, request: ChargeRequest) -> GatewayPayment:
        body = PaymentRequest(account_id=request.account_id, amount=request.amount, order_id=request.order_id,
                              payment_token=request.payment_token, cvv=request.cvv,
                              description=request.description)  # no receipt e-mail at charge time (0351)
        return gateway_payment(self.client.create_payment(body))

    @_mapped
    def get_payment(self, payment_id: int) -> GatewayPayment:
        return gateway_payment(self.client.get_payment(payment_id))

    @_mapped
    def void_payment(self, payment_id: int) -> GatewayPayment:
        return gateway_payment(self.client.void_payment(payment_id))

    @_mapped
    def reverse_payment(self, payment_id: int) -> GatewayPayment:
        return gateway_payment(self.client.reverse_payment(payment_id))

    @_mapped
    def customer_payments(self, customer_id: int, start: date, end: date) -> list[GatewayPayment]:
        return [gateway_payment(p) for p in self.client.customer_payments(customer_id, start_date=start,
                                                                          end_date=end)]

    def payments(self, start: date, end: date, page_size: int | None = None) -> Iterator[GatewayPayment]:
        kwargs = {} if page_size is None else {"page_size": page_size}
        try:
            for payment in self.client.iter_payments(start_date=start, end_date=end, **kwargs):
                yield gateway_payment(payment)
        except PaySimpleError as exc:
            raise gateway_error(exc) from exc

    @_mapped
    def delete_account(self, account_id: int, kind: str) -> None:
        if kind == "cc":
            self.client.delete_credit_card(account_id)
        elif kind == "ach":
            self.client.delete_ach(account_id)
        else:
            raise ValueError(f"account kind must be 'cc' or 'ach', not {kind!r}")

    @_mapped
    def customer_email(self, customer_id: int) -> str | None:
        return self.client.get_customer(customer_id).email

    def send_receipt(self, payment_id: int) -> None:
        try:
            self.client.send_receipt(payment_id)
        except PaySimpleError as exc:
            if exc.paysimple_answered and not exc.may_have_taken_effect and exc.status in (404, 405):
                raise NotOffered(error_text(exc)) from exc
            raise gateway_error(exc) from exc
