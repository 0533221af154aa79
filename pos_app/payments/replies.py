"""Reading a gateway's answers into journal fields and short, safe notes; checking a reply is for our request."""

from __future__ import annotations

from pos_app.i18n_keys import N_, joined
from pos_app.logs import redact
from pos_app.payments.gateway import GatewayError, GatewayPayment
from pos_app.payments.lookup import payment_cents

# Why a reply is not the answer for this payment (the payment then needs review; shown to the clerk).
FOR_ORDER = N_("Payments", "order %1")
NO_ORDER = N_("Payments", "no order")
FOR_AMOUNT = N_("Payments", "amount %1")
FOR_ACCOUNT = N_("Payments", "account %1")
NOT_THIS_PAYMENT = N_("Payments", "the answer received was for %1 (payment %2, status %3), not for this payment (%4 "
                                  "on account %5)")


def error_text(exc: BaseException) -> str:
    """One line for notes and screens: a ``GatewayError``'s own text, else the exception's type and text."""
    text = str(exc) if isinstance(exc, GatewayError) else f"{type(exc).__name__}: {exc}".rstrip(": ")
    return redact(text)  # notes are shown and stored: never a token or a card number


def payment_fields(payment: GatewayPayment) -> dict:
    failure = payment.failure
    return {
        "payment_id": payment.id,
        "ps_status": payment.status_text,
        "auth_code": payment.auth_code,
        "trace_number": payment.trace_number,
        "failure_code": None if failure is None or failure.code is None else str(failure.code),
        "failure_description": None if failure is None else failure.description,
        "failure_action": None if failure is None else failure.merchant_action,
        "can_void_until": payment.can_void_until,
    }


def reply_mismatch(payment: GatewayPayment, attempt) -> str | None:
    """Why a reply to a charge is not the answer for ``attempt`` (None when it is).

    The reply must name this attempt's OrderId, amount (to the cent) and account. A reply without an OrderId
    counts as another order: the OrderId is what ties the gateway's records to the journal, so a payment reply
    that does not carry it cannot be confirmed as ours.
    """
    problems = []
    if payment.order_id != attempt.id:
        problems.append(FOR_ORDER.fill(payment.order_id) if payment.order_id else NO_ORDER)
    try:
        cents = payment_cents(payment)
    except Exception:  # noqa: BLE001 - an amount we cannot read is not this attempt's amount
        cents = None
    if cents != attempt.amount_cents:
        problems.append(FOR_AMOUNT.fill(payment.amount))
    if payment.account_id != attempt.account_id:
        problems.append(FOR_ACCOUNT.fill(payment.account_id))
    if not problems:
        return None
    return NOT_THIS_PAYMENT.fill(joined(problems, ", "), payment.id, payment.status_text, attempt.amount,
                                 attempt.account_id)
