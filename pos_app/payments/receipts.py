"""Receipt data and its plain-text rendering (printing and PDF belong to the UI).

A receipt shows the masked account only (brand + last 4), never a token or full number. Times are shown in
the store's time zone (``store_timezone`` from settings; "" = the computer's zone).

Nothing on a receipt can forge a line (docs/decisions/0142): ``receipt_for`` puts every text value through
``text_safety.one_line`` (control, line-separator, bidi and invisible format characters become U+FFFD;
whitespace runs collapse), and ``Receipt.text()`` does it again for receipts built by hand. Values that come
from people (customer and clerk names) are printed on their label's line only, cut with "…" when too long, so
no name can put words such as "APPROVED" on a line of their own; only our own long values (trace number,
reference, PaySimple's decline reason) get a line of their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pos_app.payments.model import Attempt, State
from pos_app.text_safety import one_line

STATUS_TEXT = {
    State.CREATED: "NOT SENT",
    State.SENDING: "IN PROGRESS",
    State.UNKNOWN: "UNKNOWN - CHECKING WITH PAYSIMPLE",
    State.RECONCILING: "UNKNOWN - CHECKING WITH PAYSIMPLE",
    State.APPROVED: "APPROVED",
    State.DECLINED: "DECLINED",
    State.ABSENT: "NOT CHARGED",
    State.REJECTED: "NOT CHARGED - REFUSED",
    State.VOID_PENDING: "APPROVED - VOID IN PROGRESS",
    State.VOIDED: "VOIDED",
    State.REFUND_PENDING: "APPROVED - REFUND IN PROGRESS",
    State.REFUNDED: "REFUNDED",
}


def store_timezone(name: str | None = None) -> tzinfo:
    """The store's zone from settings (IANA name); empty means the computer's local zone.

    The local zone is read as a real zone (``$TZ`` or ``/etc/localtime``) so days that change DST still get
    the right midnight; a fixed UTC offset is the last resort.
    """
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"Unknown time zone {name!r} in settings (use a name like 'America/Denver').") from None
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        try:
            return ZoneInfo(env)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        with open("/etc/localtime", "rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ValueError):
        return datetime.now().astimezone().tzinfo


@dataclass(frozen=True)
class Receipt:
    merchant_name: str
    merchant_address: str
    merchant_phone: str
    footer: str
    when: datetime
    lane: str
    clerk: str
    customer_name: str
    account: str  # "Visa ****1111"
    amount: Decimal
    status: str
    auth_code: str | None
    trace_number: str | None
    attempt_id: str
    payment_id: int | None
    failure: str | None

    def text(self, width: int = 40) -> str:
        def row(label: str, value, own_line: bool = True) -> str:
            value = "" if value is None else one_line(str(value))
            if len(label) + 1 + len(value) > width:
                if not own_line:  # a name: stays on its label's line, cut
                    value = value[:width - len(label) - 2].rstrip() + "…"
                else:  # long value of ours (trace GUID, ref): on its own line
                    return f"{label}\n{value[-width:].rjust(width)}"
            return f"{label}{' ' * (width - len(label) - len(value))}{value}"

        def centred(text: str) -> str:
            return one_line(text)[:width].center(width).rstrip()

        lines = [centred(self.merchant_name)]
        lines += [centred(part) for part in (self.merchant_address, self.merchant_phone) if part]
        lines.append("-" * width)
        lines.append(row("Date", self.when.strftime("%Y-%m-%d %H:%M:%S %Z").strip()))
        lines.append(row("Lane", self.lane))
        lines.append(row("Clerk", self.clerk, own_line=False))
        lines.append(row("Customer", self.customer_name, own_line=False))
        lines.append(row("Account", self.account))
        lines.append("-" * width)
        lines.append(row("AMOUNT", f"${self.amount:,.2f}"))
        lines.append(row("Status", self.status))
        if self.failure:
            lines.append(row("Reason", self.failure))
        if self.auth_code:
            lines.append(row("Auth code", self.auth_code))
        if self.trace_number:
            lines.append(row("Trace", self.trace_number))
        if self.payment_id:
            lines.append(row("Payment", self.payment_id))
        lines.append(row("Ref", self.attempt_id))
        lines.append("-" * width)
        if self.footer:
            lines.append(centred(self.footer))
        return "\n".join(lines) + "\n"


def clerk_message(attempt: Attempt) -> str:
    """One sentence for the counter screen: what happened and what the clerk may do next."""
    state = attempt.state
    if state is State.APPROVED:
        return f"Approved: {attempt.amount:,.2f} charged to {attempt.account_masked}."
    if state is State.DECLINED:
        reason = one_line(" ".join(p for p in (attempt.failure_description, attempt.failure_action) if p))
        return f"Declined: {reason or 'the bank refused the payment'}."
    if state in (State.ABSENT, State.REJECTED):
        return f"{one_line(attempt.note) or 'Not charged.'} You may charge again."
    if state in (State.CREATED, State.SENDING, State.UNKNOWN, State.RECONCILING):
        return ("PaySimple has not confirmed this payment yet. Do NOT charge again: check again until it is "
                "resolved." + (f" ({one_line(attempt.note)})" if attempt.note else ""))
    if state is State.VOID_PENDING:
        return "Void sent; confirming with PaySimple."
    if state is State.REFUND_PENDING:
        return "Refund sent; confirming with PaySimple."
    if state is State.VOIDED:
        return f"Voided: {attempt.amount:,.2f} will not be charged."
    return f"Refunded: {attempt.amount:,.2f} returned to {attempt.account_masked}."


def receipt_for(attempt: Attempt, merchant, tz: tzinfo | None = None, clerk_name: str | None = None) -> Receipt:
    """``merchant`` is ``pos_app.settings.Merchant`` (name, address, phone, footer); ``clerk_name`` replaces
    the clerk id on the receipt when the UI knows it. Every text value is ``one_line``-neutralised."""
    tz = tz or store_timezone()
    failure = None
    if attempt.state is State.DECLINED:
        failure = " ".join(p for p in (attempt.failure_description, attempt.failure_action) if p) or "Declined"
    elif attempt.state in (State.ABSENT, State.REJECTED):
        failure = attempt.note

    def safe(value: str | None) -> str | None:
        return None if value is None else one_line(value)

    return Receipt(
        merchant_name=one_line(merchant.name), merchant_address=one_line(getattr(merchant, "address", "")),
        merchant_phone=one_line(getattr(merchant, "phone", "")), footer=one_line(getattr(merchant, "footer", "")),
        when=(attempt.sent_at or attempt.created_at).astimezone(tz), lane=one_line(attempt.lane),
        clerk=one_line(clerk_name or attempt.clerk),
        customer_name=one_line(attempt.customer_name), account=one_line(attempt.account_masked),
        amount=attempt.amount, status=STATUS_TEXT[attempt.state], auth_code=safe(attempt.auth_code),
        trace_number=safe(attempt.trace_number), attempt_id=one_line(attempt.id), payment_id=attempt.payment_id,
        failure=safe(failure),
    )
