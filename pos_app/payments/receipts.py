"""Receipt data and its plain-text rendering (printing and PDF belong to the UI).

A receipt shows the masked account only (brand + last 4), never a token or full number. Times are shown in
the store's time zone (``store_timezone`` from settings; "" = the computer's zone). Amounts are shown in the
store's money format (``pos_app.money``; settings ``money_format``), the same as on the counter screen; the
format is fixed when the receipt is built (``Receipt.money_format``).

A bank (ACH) debit is never "APPROVED": PaySimple's status for an accepted bank debit is Posted, so the
receipt says "POSTED - PENDING" (or "SETTLED" once PaySimple says so), carries ``ACH_RETURN_NOTICE`` (the bank
can still return it) and the authorization text the clerk read to the customer, exactly as journaled. It has no
"Auth code" line: for a bank debit PaySimple's ``ProviderAuthCode`` is the processor's response text ("Approved",
reference §4.6), not an authorization code, and would contradict the status (the result screen leaves it out too).
A card's "Auth code" line is printed only when PaySimple's ``ProviderAuthCode`` is a code
(``brands.authorization_code``: letters and digits with a digit), never a response word such as "Approved"
(docs/decisions/0350). Brands are written as their issuers write them ("Mastercard", ``brands.brand_name``).

Nothing on a receipt can forge a line (docs/decisions/0142): ``receipt_for`` puts every text value through
``text_safety.one_line`` (control, line-separator, bidi and invisible format characters become U+FFFD;
whitespace runs collapse; the multi-line authorization text keeps only its own line breaks), and
``Receipt.text()`` does it again for receipts built by hand. Values that come from people (customer and clerk
names) are printed on their label's line only, cut with "…" when too long, so no name can put words such as
"APPROVED" on a line of their own; only our own long values (trace number, reference, PaySimple's decline
reason) get a line of their own.
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pos_app.i18n_keys import N_
from pos_app.money import MoneyFormat, store_format
from pos_app.payments.brands import authorization_code
from pos_app.payments.declines import declined_because
from pos_app.payments.gateway import Gateway, GatewayError, NotOffered, PaymentStatus, Refused, Unreachable
from pos_app.payments.model import Attempt, State
from pos_app.text_safety import neutralise, one_line

DECLINED = N_("Payments", "Declined")

STATUS_TEXT = {
    State.CREATED: "NOT SENT",
    State.SENDING: "IN PROGRESS",
    State.UNKNOWN: "UNKNOWN - CHECKING WITH PAYSIMPLE",
    State.RECONCILING: "UNKNOWN - CHECKING WITH PAYSIMPLE",
    State.APPROVED: "APPROVED",
    State.DECLINED: "DECLINED",
    State.ABSENT: "NOT CHARGED",
    State.REJECTED: "NOT CHARGED - REFUSED",
    State.REVIEW: "NOT CONFIRMED - NEEDS REVIEW",
    State.VOID_PENDING: "APPROVED - VOID IN PROGRESS",
    State.VOIDED: "VOIDED",
    State.REFUND_PENDING: "APPROVED - REFUND IN PROGRESS",
    State.REFUNDED: "REFUNDED",
}

# A bank debit's status words where a card's would say "approved" (PaySimple: Posted = accepted, not settled).
BANK_STATUS_TEXT = {
    State.APPROVED: "POSTED - PENDING",
    State.VOID_PENDING: "POSTED - VOID IN PROGRESS",
    State.REFUND_PENDING: "SETTLED - REFUND IN PROGRESS",
}
BANK_SETTLED_TEXT = "SETTLED"
# General ACH (Nacha) return windows, not a PaySimple document: see docs/decisions/0164.
ACH_RETURN_NOTICE = ("Bank payment: posted, not yet settled. The bank can still return it (for example for "
                     "insufficient funds), usually within 2 business days, and up to 60 days if the account "
                     "holder disputes it.")


def status_text(attempt: Attempt) -> str:
    """The receipt's status words (English) for an attempt: a bank debit says posted/pending, not approved."""
    if attempt.is_bank:
        if attempt.state is State.APPROVED and PaymentStatus.parse(attempt.ps_status) is PaymentStatus.SETTLED:
            return BANK_SETTLED_TEXT
        if attempt.state in BANK_STATUS_TEXT:
            return BANK_STATUS_TEXT[attempt.state]
    return STATUS_TEXT[attempt.state]


def store_timezone(name: str | None = None) -> tzinfo:
    """The store's zone from settings (IANA name); empty means the computer's local zone.

    The local zone is read as a real, named zone (``$TZ``, ``/etc/timezone``, or the zone file
    ``/etc/localtime`` links to) so days that change DST get the right midnight and reports can name it
    ("America/Denver"); a fixed UTC offset is the last resort.
    """
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"Unknown time zone {name!r} in settings (use a name like 'America/Denver').") from None
    for candidate in _local_zone_names():
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    try:
        with open("/etc/localtime", "rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ValueError):
        return datetime.now().astimezone().tzinfo


def _local_zone_names() -> list[str]:
    """IANA names the computer gives for its zone, most explicit first."""
    names = []
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        names.append(env)
    try:
        with open("/etc/timezone", encoding="ascii") as fh:
            names.append(fh.read().strip())
    except (OSError, UnicodeDecodeError):
        pass
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            names.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    return [n for n in names if n and not n.startswith("/")]


def zone_name(tz: tzinfo) -> str:
    """A zone as people read its name in a report: the IANA key ("America/Denver"), "UTC", or, for a zone
    without a name, its offset now ("UTC-07:00"); never "localtime"."""
    key = getattr(tz, "key", None)
    if key and key != "localtime":
        return key
    if key == "localtime":
        for candidate in _local_zone_names():
            return candidate
    offset = datetime.now(tz).utcoffset()
    if offset is None:
        return "UTC"
    name = str(tz)
    if name and name not in ("localtime",) and "/" in name:
        return name
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0 and str(tz) == "UTC":
        return "UTC"
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


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
    money_format: MoneyFormat = field(default_factory=store_format)
    state: State | None = None
    account_kind: str = "cc"
    notice: str | None = None  # bank debits: it can still be returned
    ach_authorization: str | None = None  # bank debits: the authorization read to the customer, as journaled
    ach_authorized_by: str | None = None  # the clerk who confirmed it (name when known)

    def text(self, width: int = 40) -> str:
        def row(label: str, value, own_line: bool = True) -> str:
            value = "" if value is None else one_line(str(value))
            if len(label) + 1 + len(value) > width:
                if not own_line:  # a name: stays on its label's line, cut
                    value = value[:width - len(label) - 2].rstrip() + "…"
                else:  # long value of ours (trace GUID, ref, decline reason): its own lines, whole
                    lines = textwrap.wrap(value, width, break_long_words=True, break_on_hyphens=False)
                    return label + "".join("\n" + line.rjust(width) for line in lines)
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
        lines.append(row("AMOUNT", self.money_format.format(self.amount)))
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
        if self.notice:
            lines.append("-" * width)
            lines += textwrap.wrap(self.notice, width)
        if self.ach_authorization:
            lines.append("-" * width)
            lines.append("BANK DEBIT AUTHORIZATION")
            for paragraph in neutralise(self.ach_authorization, multiline=True).splitlines():
                lines += textwrap.wrap(one_line(paragraph), width) or [""]
            if self.ach_authorized_by:
                lines.append(row("Read to customer by", self.ach_authorized_by, own_line=False))
        lines.append("-" * width)
        if self.footer:
            lines.append(centred(self.footer))
        return "\n".join(lines) + "\n"


def clerk_message(attempt: Attempt, money_format: MoneyFormat | None = None) -> str:
    """One sentence for the counter screen: what happened and what the clerk may do next. Amounts in the
    store's money format (or ``money_format``)."""
    state = attempt.state
    amount = (money_format or store_format()).format(attempt.amount)
    if state is State.APPROVED and attempt.is_bank:
        return (f"Posted - pending: {amount} debit from {attempt.account_masked}. The bank can still "
                "return it for some days.")
    if state is State.APPROVED:
        return f"Approved: {amount} charged to {attempt.account_masked}."
    if state is State.DECLINED:
        reason = one_line(" ".join(p for p in (attempt.failure_description, attempt.failure_action) if p))
        return f"Declined: {reason or 'the bank refused the payment'}."
    if state in (State.ABSENT, State.REJECTED):
        return f"{one_line(attempt.note) or 'Not charged.'} You may charge again."
    if state is State.REVIEW:
        return ("NEEDS REVIEW: the answer that came back does not match this payment, so it is not known "
                "whether the customer was charged. Do NOT charge again: press Check again; if it stays like "
                "this, a manager must check the payment in PaySimple." + (f" ({one_line(attempt.note)})"
                                                                            if attempt.note else ""))
    if state in (State.CREATED, State.SENDING, State.UNKNOWN, State.RECONCILING):
        return ("PaySimple has not confirmed this payment yet. Do NOT charge again: check again until it is "
                "resolved." + (f" ({one_line(attempt.note)})" if attempt.note else ""))
    if state is State.VOID_PENDING:
        return "Void sent; confirming with PaySimple."
    if state is State.REFUND_PENDING:
        return "Refund sent; confirming with PaySimple."
    if state is State.VOIDED:
        return f"Voided: {amount} will not be charged."
    return f"Refunded: {amount} returned to {attempt.account_masked}."


def receipt_for(attempt: Attempt, merchant, tz: tzinfo | None = None, clerk_name: str | None = None,
                money_format: MoneyFormat | None = None, authorized_by_name: str | None = None) -> Receipt:
    """``merchant`` is ``pos_app.settings.Merchant`` (name, address, phone, footer); ``clerk_name`` replaces
    the clerk id on the receipt when the UI knows it (and ``authorized_by_name`` the id of the clerk who
    confirmed a bank debit's authorization; by default ``clerk_name`` when it is the same clerk);
    ``money_format`` defaults to the store's. Every text value is ``one_line``-neutralised (the authorization
    keeps its line breaks only)."""
    tz = tz or store_timezone()
    authorized_by = authorized_by_name or (
        clerk_name if clerk_name and attempt.ach_authorized_by == attempt.clerk else attempt.ach_authorized_by)
    def safe(value: str | None) -> str | None:
        return None if value is None else one_line(value)

    failure: str | None = None
    if attempt.state is State.DECLINED:  # PaySimple's reason, ours for a documented code (a Message: translatable)
        failure = declined_because(attempt.failure_code, safe(attempt.failure_description),
                                   safe(attempt.failure_action)) or DECLINED
    elif attempt.state in (State.ABSENT, State.REJECTED, State.REVIEW):
        failure = safe(attempt.note)

    return Receipt(
        merchant_name=one_line(merchant.name), merchant_address=one_line(getattr(merchant, "address", "")),
        merchant_phone=one_line(getattr(merchant, "phone", "")), footer=one_line(getattr(merchant, "footer", "")),
        when=(attempt.sent_at or attempt.created_at).astimezone(tz), lane=one_line(attempt.lane),
        clerk=one_line(clerk_name or attempt.clerk),
        customer_name=one_line(attempt.customer_name), account=one_line(attempt.account_masked),
        amount=attempt.amount, status=status_text(attempt), auth_code=None if attempt.is_bank else safe(authorization_code(attempt.auth_code)),
        trace_number=safe(attempt.trace_number), attempt_id=one_line(attempt.id), payment_id=attempt.payment_id,
        failure=failure, state=attempt.state, account_kind=attempt.account_kind,
        notice=ACH_RETURN_NOTICE if attempt.is_bank and attempt.state in (State.APPROVED, State.VOID_PENDING)
        else None,
        ach_authorization=None if attempt.ach_authorization is None
        else neutralise(attempt.ach_authorization, multiline=True),
        ach_authorized_by=safe(authorized_by),
        money_format=money_format or store_format(),
    )


# --- e-mailed receipts (docs/decisions/0351) ----------------------------------------------------------------

EMAILABLE_STATES = frozenset({State.APPROVED, State.DECLINED, State.VOIDED, State.REFUNDED, State.VOID_PENDING,
                              State.REFUND_PENDING})


class ReceiptEmailError(Exception):
    """The receipt was not e-mailed; ``str(exc)`` says why and what to do instead. ``may_have_sent``: the
    request left and its answer was lost (do not send again before asking the customer)."""

    def __init__(self, message: str, code: str, may_have_sent: bool = False) -> None:
        super().__init__(message)
        self.code = code  # not_recorded | no_email | address_changed | unreachable | not_offered | refused | lost
        self.may_have_sent = may_have_sent


def receipt_address(gateway: Gateway, attempt: Attempt) -> str:
    """The e-mail address PaySimple has on file for the attempt's customer (the one it sends receipts to).
    Raises ``ReceiptEmailError`` (``not_recorded``: PaySimple has no payment for it; ``no_email``)."""
    if attempt.payment_id is None or attempt.state not in EMAILABLE_STATES:
        raise ReceiptEmailError("PaySimple has no payment for this attempt, so it has no receipt to e-mail. "
                                "Print it or save it as PDF.", "not_recorded")
    try:
        email = gateway.customer_email(attempt.customer_id)
    except GatewayError as exc:
        raise ReceiptEmailError(f"PaySimple could not be asked for the customer's e-mail address ({exc}); "
                                "nothing was sent. Try again.", "unreachable") from None
    email = one_line(email or "").strip()
    if not email:
        raise ReceiptEmailError(f"{one_line(attempt.customer_name)} has no e-mail address on file. Add one "
                                "(Edit customer) or print the receipt.", "no_email")
    return email


def email_receipt(gateway: Gateway, attempt: Attempt, to: str | None = None) -> str:
    """PaySimple e-mails the payment's receipt to the customer's address on file; returns that address.
    Never sends without an address on file (checked first, ``receipt_address``). ``to``: the address the clerk
    was shown and confirmed; when the address on file is no longer that one (compared without case), nothing
    is sent (``address_changed``). Blocking: run on a worker. Raises ``ReceiptEmailError`` with a sentence for
    the clerk."""
    address = receipt_address(gateway, attempt)
    if to is not None and address.casefold() != one_line(to).strip().casefold():
        raise ReceiptEmailError(f"The e-mail address on file for {one_line(attempt.customer_name)} is now "
                                f"{address}; nothing was sent. E-mail the receipt again to confirm the new "
                                "address.", "address_changed")
    try:
        gateway.send_receipt(attempt.payment_id)
    except Unreachable:
        raise ReceiptEmailError("PaySimple could not be reached; nothing was sent. Try again.",
                                "unreachable") from None
    except NotOffered:
        raise ReceiptEmailError("PaySimple does not offer e-mailing this receipt again. Print it or save "
                                "it as PDF.", "not_offered") from None
    except Refused as exc:
        raise ReceiptEmailError(f"PaySimple did not send the receipt: {one_line(str(exc))}", "refused") from None
    except GatewayError:
        raise ReceiptEmailError(f"The answer from PaySimple was lost: the receipt may have been sent to "
                                f"{address}. Ask the customer before sending it again.", "lost",
                                may_have_sent=True) from None
    return address
