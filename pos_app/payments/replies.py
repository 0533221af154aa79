"""Reading PaySimple's answers into journal fields and short, safe notes."""

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
