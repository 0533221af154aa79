"""Reading PaySimple's answers into journal fields and short, safe notes; checking a reply is for our request."""

from __future__ import annotations

from pos_app.logs import redact


def paysimple():
    # Imported lazily: the client package is developed alongside; only its public names are used.
    import pos_app.paysimple as ps
    return ps


def error_text(exc: BaseException) -> str:
    messages = getattr(exc, "messages", None) or []
    parts = [getattr(m, "message", "") for m in messages if getattr(m, "message", "")]
    status = getattr(exc, "status", None)
    head = f"HTTP {status}" if status else type(exc).__name__
    text = f"{head}: {'; '.join(parts)}" if parts else f"{head}: {exc}".rstrip(": ")
    return redact(text)  # notes are shown and stored: never a token or a card number


def payment_fields(payment) -> dict:
    failure = getattr(payment, "failure", None)
    return {
        "payment_id": payment.id,
        "ps_status": str(payment.status),
        "auth_code": getattr(payment, "provider_auth_code", None),
        "trace_number": getattr(payment, "trace_number", None),
        "failure_code": None if failure is None or failure.code is None else str(failure.code),
        "failure_description": None if failure is None else failure.description,
        "failure_action": None if failure is None else failure.merchant_action_text,
        "can_void_until": getattr(payment, "can_void_until", None),
    }


def reply_mismatch(payment, attempt) -> str | None:
    """Why a reply to POST /payment is not the answer for ``attempt`` (None when it is).

    The reply must name this attempt's OrderId, amount (to the cent) and account. A reply without an OrderId
    counts as another order: the OrderId is what ties PaySimple's records to the journal, so a payment reply
    that does not carry it cannot be confirmed as ours.
    """
    from pos_app.payments.lookup import payment_cents

    problems = []
    order_id = getattr(payment, "order_id", None)
    if order_id != attempt.id:
        problems.append(f"order {order_id}" if order_id else "no order")
    try:
        cents = payment_cents(payment)
    except Exception:  # noqa: BLE001 - an amount we cannot read is not this attempt's amount
        cents = None
    if cents != attempt.amount_cents:
        problems.append(f"amount {getattr(payment, 'amount', None)}")
    account_id = getattr(payment, "account_id", None)
    if account_id != attempt.account_id:
        problems.append(f"account {account_id}")
    if not problems:
        return None
    return (f"the answer received was for {', '.join(problems)} (payment {getattr(payment, 'id', '?')}, status "
            f"{getattr(payment, 'status', '?')}), not for this payment ({attempt.amount} on account "
            f"{attempt.account_id})")
