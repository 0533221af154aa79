"""What the payments screens say about an attempt: status names, the one-line summary, and why a void or
a refund applies (or neither). Translated here (contexts ``PaymentState`` / ``HistoryDialog``) from the
attempt's state and ``ReversalOption``'s action, PaySimple status (``PaymentStatus``, never its spelling) and
CanVoidUntil, not from the core's English sentences. A bank (ACH) debit PaySimple accepted is "Posted — pending" (``attempt_label``), never "Approved".
"""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import QCoreApplication

from pos_app.counter import (
    OPEN_STATES,
    PENDING_REVERSAL_STATES,
    Attempt,
    PaymentStatus,
    State,
    decline_reason,
)
from pos_app.text_safety import one_line
from pos_app.ui.common.i18n import fmt, format_money, tr
from pos_app.ui.payments.receipt_print import format_local

translate = QCoreApplication.translate


def state_label(state: State | str) -> str:
    """A short status name for lists and reports."""
    labels = {
        State.CREATED: translate("PaymentState", "Not sent"),
        State.SENDING: translate("PaymentState", "Sending"),
        State.UNKNOWN: translate("PaymentState", "Unconfirmed"),
        State.RECONCILING: translate("PaymentState", "Checking"),
        State.APPROVED: translate("PaymentState", "Approved"),
        State.DECLINED: translate("PaymentState", "Declined"),
        State.ABSENT: translate("PaymentState", "Not charged"),
        State.REJECTED: translate("PaymentState", "Refused"),
        State.REVIEW: translate("PaymentState", "Needs review"),
        State.VOID_PENDING: translate("PaymentState", "Void pending"),
        State.VOIDED: translate("PaymentState", "Voided"),
        State.REFUND_PENDING: translate("PaymentState", "Refund pending"),
        State.REFUNDED: translate("PaymentState", "Refunded"),
    }
    return labels[State(state)]


def attempt_label(attempt: Attempt) -> str:
    """``state_label`` for one attempt: an accepted bank debit is "Posted — pending" (or "Settled")."""
    if attempt.is_bank and attempt.state is State.APPROVED:
        if PaymentStatus.parse(attempt.ps_status) is PaymentStatus.SETTLED:
            return translate("PaymentState", "Settled (bank)")
        return translate("PaymentState", "Posted — pending")
    return state_label(attempt.state)


def status_groups() -> list[tuple[str, frozenset[State] | None]]:
    """The status filter: (label, states) with None = every state."""
    return [
        (translate("HistoryDialog", "All statuses"), None),
        (translate("HistoryDialog", "Approved or posted"), frozenset({State.APPROVED})),
        (translate("HistoryDialog", "Declined"), frozenset({State.DECLINED})),
        (translate("HistoryDialog", "Needs checking"), frozenset(OPEN_STATES | PENDING_REVERSAL_STATES)),
        (translate("HistoryDialog", "Not charged"), frozenset({State.ABSENT, State.REJECTED})),
        (translate("HistoryDialog", "Voided"), frozenset({State.VOIDED})),
        (translate("HistoryDialog", "Refunded"), frozenset({State.REFUNDED})),
    ]


def attempt_summary(attempt: Attempt) -> str:
    """What happened to this attempt and what may be done next, in the UI language."""
    amount, account = format_money(attempt.amount), attempt.account_masked
    state = attempt.state
    if state is State.APPROVED and attempt.is_bank:
        return fmt(translate("HistoryDialog", "Posted — pending: %1 debit from %2. The bank can still return it "
                                              "(for example for insufficient funds) for some days."), amount, account)
    if state is State.APPROVED:
        return fmt(translate("HistoryDialog", "Charged %1 to %2."), amount, account)
    if state is State.DECLINED:
        reason = " ".join(p for p in (tr(decline_reason(attempt.failure_code, attempt.failure_description)),
                                      tr(attempt.failure_action)) if p)
        return fmt(translate("HistoryDialog", "Declined: %1"), reason or translate("HistoryDialog",
                                                                                  "the bank refused it."))
    if state in (State.ABSENT, State.REJECTED):
        return fmt(translate("HistoryDialog", "Not charged: %1"), tr(attempt.note) or "-")
    if state is State.REVIEW:
        return fmt(translate("HistoryDialog", "Needs review: the answer did not match this payment. Do not charge "
                                              "again: press Check again [F6]; if it stays, a manager checks it in "
                                              "PaySimple. %1"), tr(attempt.note))
    if state in OPEN_STATES:
        return translate("HistoryDialog", "PaySimple has not confirmed this payment yet. Do not charge again: "
                                          "press Check again [F6].")
    if state is State.VOID_PENDING:
        return translate("HistoryDialog", "A void was sent; press Check again [F6] to confirm it with PaySimple.")
    if state is State.REFUND_PENDING:
        return translate("HistoryDialog", "A refund was sent; press Check again [F6] to confirm it with "
                                          "PaySimple.")
    if state is State.VOIDED:
        return fmt(translate("HistoryDialog", "Voided: %1 will not be charged."), amount)
    return fmt(translate("HistoryDialog", "Refunded: %1 returned to %2."), amount, account)


def option_text(option, attempt: Attempt, tz: tzinfo) -> tuple[str, str]:
    """(why the offered action applies, why the other does not) for a ``ReversalOption``."""
    status = option.status or ""
    if option.action == "void":
        until = format_local(option.can_void_until.astimezone(tz)) if option.can_void_until else "-"
        return (fmt(translate("HistoryDialog", "Not settled yet: a void cancels it before PaySimple's batch "
                                               "(until %1)."), until),
                translate("HistoryDialog", "A refund is possible only after the payment settles (usually the "
                                           "next business day)."))
    if option.action == "refund":
        return (translate("HistoryDialog", "Settled: a refund returns the money to the customer's account."),
                translate("HistoryDialog", "A void is no longer possible: the payment has settled."))
    if attempt.state in PENDING_REVERSAL_STATES:
        text = translate("HistoryDialog", "A void or refund of this payment is being confirmed with PaySimple.")
    elif attempt.state is not State.APPROVED:
        text = fmt(translate("HistoryDialog", "This payment is %1: there is nothing to void or refund."),
                   state_label(attempt.state).lower())
    elif PaymentStatus.parse(status) in (PaymentStatus.AUTHORIZED, PaymentStatus.POSTED):
        text = translate("HistoryDialog", "The void window has closed and the payment has not settled yet: "
                                          "refund it once it is Settled.")
    else:
        text = fmt(translate("HistoryDialog", "PaySimple status is %1: neither a void nor a refund applies."),
                   status or "-")
    return text, text


def approval_detail(attempt: Attempt, applies: str, other: str) -> str:
    """What the manager reads above the PIN: the payment, why this action, why not the other."""
    return "\n".join((f"{format_money(attempt.amount)} · {one_line(attempt.customer_name)} · {attempt.account_masked}",
                      applies, other))
