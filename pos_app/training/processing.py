"""Payment behaviour of the training gateway: approvals, test declines, void, reverse, settlement.

Decisions (reference §5.2, §6, §8, §11; [I] items decided here):
- The account decides the type: a card account gives a ``CC`` payment that starts ``Authorized``, an ACH
  account an ``ACH`` payment that starts ``Posted``. On success ``ProviderAuthCode`` is a 6-digit
  authorization code for a card and "Approved" (the processor's response text, reference §4.6) for a bank
  debit, ``TraceNumber`` a GUID, ``FailureData`` null (docs/decisions/0350).
- Declines by amount: TSYS table for cards, Forte for ACH (below). A decline is a normal 201 reply with
  ``Status: "Failed"`` and ``FailureData {Code (4-digit string, or null for "unknown"), Description,
  MerchantActionText, IsDecline}``; ``ProviderAuthCode`` holds the description and ``TraceNumber`` is null.
  A failed payment has no CanVoidUntil and never settles. Any other amount is approved — except on a card on
  file whose ExpirationDate month has passed (gateway clock, US/Eastern): that declines 4054 "Invalid
  Expiration Date", so training shows the "update the card" path.
- ``CanVoidUntil`` is the next cut-off at or after the payment time, on the gateway clock, in US/Eastern:
  23:00 for cards, 17:00 for ACH (a payment made after today's cut-off belongs to tomorrow's batch).
- Automatic settlement: an open payment settles ``settle_delay`` after its CanVoidUntil (default 0: it settles
  the moment the void window closes, so at any time a payment is either voidable or refundable).
  ``settle_delay=None`` turns it off (then only ``MarkPaymentStatus`` settles). Settlement is applied lazily,
  before each API request, from the gateway clock. Payments settle to ``Settled``, refund credits to
  ``RefundSettled``. ``EstimatedSettleDate`` is the planned settlement time.
- Void: only ``Authorized`` / ``Posted`` / ``ReversePosted`` and only before CanVoidUntil; otherwise 400.
  Voiding a refund credit puts its original back to ``Settled`` (the refund never happened).
- Reverse (refund, whole amount only): only ``Settled``. The original becomes ``Reversed``; a new credit
  payment with the negative amount is created ``Authorized`` (CC) or ``ReversePosted`` (ACH), same account,
  same OrderId; each ``ReferenceId`` points at the other. The reply is the ORIGINAL payment (Status
  "Reversed", ReferenceId = the credit's id), as SPREE expects.
- A payment whose account was deleted afterwards (accounts are soft-deleted) can still be voided and
  refunded, to that same account: PaySimple does not document this case [?]; the counter removes cards the
  customer did not agree to keep once their payment can no longer be voided and relies on this for later
  refunds (docs/decisions/0160). The deleted account takes no new payment and is no longer listed.
- ``MarkPaymentStatus`` (sandbox only in real life) settles an open payment at once (credit → RefundSettled).
- A ``PaymentToken`` on POST /payment must be unused, unexpired and issued for that AccountId; it is consumed
  in the same transaction that records the payment.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from pos_app.paysimple.rules import FieldMessage, round_amount, validate_payment
from pos_app.training.clock import GatewayClock
from pos_app.training.envelope import ApiError, invalid, not_found
from pos_app.training.store import EASTERN, Store, db_time
from pos_app.training.tokens import TokenError, Tokens

CUTOFF_HOUR = {"CC": 23, "ACH": 17}
OPEN_STATUSES = ("Authorized", "Posted", "ReversePosted")
SUB_TYPES = {"CC": ("Moto", "Swipe"), "ACH": ("Web", "Tel", "Ppd", "Ccd")}


@dataclass(frozen=True)
class Failure:
    code: str | None
    description: str
    merchant_action_text: str
    is_decline: bool

    def as_api(self) -> dict[str, Any]:
        return {"Code": self.code, "Description": self.description,
                "MerchantActionText": self.merchant_action_text, "IsDecline": self.is_decline}


_RETRY_LATER = "Try again later or use a different payment method."
_OTHER_METHOD = "Try a different payment method."
# TSYS (cards) — reference §8.
CARD_DECLINES = {
    Decimal("9999.01"): Failure("4005", "Do Not Honor", _OTHER_METHOD, True),
    Decimal("9999.02"): Failure("4007", "Pick up card, special condition (fraud)",
                                "Do not retry this card. Ask for a different payment method.", True),
    Decimal("9999.03"): Failure("4014", "Invalid card number", "Check the card number or use a different card.", True),
    Decimal("9999.04"): Failure("4054", "Invalid Expiration Date", "Check the expiration date and try again.", True),
    Decimal("9999.05"): Failure("4041", "Lost card (fraud)",
                                "Do not retry this card. Ask for a different payment method.", True),
    Decimal("9999.30"): Failure(None, "Unknown error", _RETRY_LATER, False),
}
# Forte (ACH) — reference §8.
ACH_DECLINES = {
    Decimal("9999.01"): Failure("4504", "Daily limit exceeded", "Try again tomorrow or use a different payment method.", False),
    Decimal("9999.02"): Failure("4507", "Known bad account", _OTHER_METHOD, True),
    Decimal("9999.03"): Failure("4503", "Monthly limit exceeded", _RETRY_LATER, False),
    Decimal("9999.04"): Failure("4506", "Duplicate transaction", "Check whether this payment was already made.", False),
    Decimal("9999.05"): Failure("4502", "Maximum amount exceeded", "Use a smaller amount or a different payment method.", False),
    Decimal("9999.06"): Failure("4510", "Invalid merchant id or password", "Contact customer service.", False),
    Decimal("9999.07"): Failure("4501", "Invalid ABA routing number", "Check the routing number.", True),
    Decimal("9999.12"): Failure(None, "Unknown error", _RETRY_LATER, False),
}

_TOKEN_MESSAGES = {
    "invalid": "The payment token is not valid.",
    "expired": "The payment token has expired. Enter the payment details again.",
    "used": "The payment token has already been used.",
    "mismatch": "The payment token was not issued for this account.",
}


def next_cutoff(now: datetime, kind: str) -> datetime:
    """The next US/Eastern cut-off (23:00 CC, 17:00 ACH) strictly after ``now``."""
    local = now.astimezone(EASTERN)
    cutoff = datetime.combine(local.date(), time(CUTOFF_HOUR[kind]), EASTERN)
    if local >= cutoff:
        cutoff = datetime.combine(local.date() + timedelta(days=1), time(CUTOFF_HOUR[kind]), EASTERN)
    return cutoff


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class PaymentProcessor:
    def __init__(self, store: Store, clock: GatewayClock, tokens: Tokens,
                 settle_delay: timedelta | None = timedelta(0)) -> None:
        self.store = store
        self.clock = clock
        self.tokens = tokens
        self.settle_delay = settle_delay

    def settle_due(self) -> int:
        return self.store.settle_due(self.clock.now())

    def _get(self, payment_id: int) -> Any:
        row = self.store.payment_row(payment_id)
        if row is None:
            raise not_found(f"Payment {payment_id} was not found.")
        return row

    # --- create -----------------------------------------------------------------------------------------

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        account_id = body.get("AccountId")
        if isinstance(account_id, str) and account_id.strip().isdigit():
            account_id = int(account_id)
        account = None
        if isinstance(account_id, int) and not isinstance(account_id, bool) and 0 < account_id < 2**63:
            account = self.store.get_account(account_id)
        issuer = account.get("Issuer") if account else None
        problems = validate_payment(body, issuer=issuer)
        if account is None and not any(p.field == "AccountId" for p in problems):
            problems.insert(0, FieldMessage("AccountId", f"Account {account_id} was not found."))
        owner = self.store.account_owner(account_id) if account is not None else None
        if account is not None and owner is None:
            problems.insert(0, FieldMessage("AccountId", f"Account {account_id} belongs to a deleted customer."))
        kind = ("CC" if "CreditCardNumber" in account else "ACH") if account else None
        sub_type = None
        if kind:
            wanted = _text(body.get("PaymentSubType"))
            allowed = SUB_TYPES[kind]
            sub_type = allowed[0] if wanted is None else next(
                (s for s in allowed if s.lower() == wanted.lower()), None)
            if sub_type is None:
                problems.append(FieldMessage("PaymentSubType",
                                             f"Payment sub type must be one of {', '.join(allowed)} for {kind}."))
        token = body.get("PaymentToken")
        if token is not None and not problems:
            try:
                self.tokens.check_payment_token(str(token), account_id)
            except TokenError as exc:
                problems.append(FieldMessage("PaymentToken", _TOKEN_MESSAGES[exc.reason]))
        if problems:
            raise ApiError(400, problems)

        amount = round_amount(body.get("Amount"))
        assert amount is not None and kind is not None
        now = self.clock.now()
        failure = (CARD_DECLINES if kind == "CC" else ACH_DECLINES).get(amount)
        if failure is None and kind == "CC" and _expired(account.get("ExpirationDate"), now):
            failure = CARD_DECLINES[Decimal("9999.04")]
        values: dict[str, Any] = {
            "customer_id": owner, "account_id": account_id, "kind": kind, "amount_cents": int(amount * 100),
            "sub_type": sub_type, "order_id": _text(body.get("OrderId")),
            "description": _text(body.get("Description")), "invoice_number": _text(body.get("InvoiceNumber")),
            "purchase_order_number": _text(body.get("PurchaseOrderNumber")),
            "invoice_id": _int_or_none(body.get("InvoiceId")),
            "latitude": _text(body.get("Latitude")), "longitude": _text(body.get("Longitude")),
            "payment_date": db_time(now),
            "success_receipt": _receipt(body.get("SuccessReceiptOptions")),
            "failure_receipt": _receipt(body.get("FailureReceiptOptions")),
        }
        if failure is None:
            cutoff = next_cutoff(now, kind)
            settle_at = cutoff + self.settle_delay if self.settle_delay is not None else None
            values.update(status="Authorized" if kind == "CC" else "Posted",
                          provider_auth_code=f"{secrets.randbelow(10**6):06d}" if kind == "CC" else "Approved",
                          trace_number=str(uuid.uuid4()), can_void_until=db_time(cutoff),
                          settle_at=db_time(settle_at) if settle_at else None,
                          estimated_settle_date=db_time(settle_at) if settle_at else None)
        else:
            values.update(status="Failed", provider_auth_code=failure.description,
                          failure=json.dumps(failure.as_api()))
        payment_id = self.store.insert_payment(values, consume_token=str(token) if token is not None else None)
        if payment_id is None:     # lost a race for the token between check and insert
            raise ApiError(400, [FieldMessage("PaymentToken", _TOKEN_MESSAGES["used"])])
        return self.store.get_payment(payment_id)

    # --- void / reverse / settle ------------------------------------------------------------------------

    def void(self, payment_id: int) -> dict[str, Any]:
        self.settle_due()
        row = self._get(payment_id)
        if row["status"] not in OPEN_STATUSES:
            raise invalid("PaymentId", f"A {row['status']} payment cannot be voided"
                          + (" (refund it instead)." if row["status"] == "Settled" else "."))
        if self.clock.now() >= datetime.fromisoformat(row["can_void_until"]):
            raise invalid("PaymentId", "The void window for this payment has closed; refund it once it settles.")
        if not self.store.void_payment(payment_id):
            raise invalid("PaymentId", "This payment changed while it was being voided; look it up again.")
        return self.store.get_payment(payment_id)

    def reverse(self, payment_id: int) -> dict[str, Any]:
        self.settle_due()
        row = self._get(payment_id)
        if row["status"] != "Settled" or row["is_refund"]:
            hint = " Void it instead." if row["status"] in OPEN_STATUSES and not row["is_refund"] else ""
            raise invalid("PaymentId", f"Only settled payments can be refunded; this one is {row['status']}.{hint}")
        now = self.clock.now()
        cutoff = next_cutoff(now, row["kind"])
        settle_at = cutoff + self.settle_delay if self.settle_delay is not None else None
        credit = {
            "customer_id": row["customer_id"], "account_id": row["account_id"], "kind": row["kind"],
            "status": "Authorized" if row["kind"] == "CC" else "ReversePosted",
            "amount_cents": -row["amount_cents"], "sub_type": row["sub_type"], "is_refund": 1,
            "reference_id": payment_id, "provider_auth_code": "Approved", "trace_number": str(uuid.uuid4()),
            "order_id": row["order_id"], "description": row["description"], "payment_date": db_time(now),
            "can_void_until": db_time(cutoff), "settle_at": db_time(settle_at) if settle_at else None,
            "estimated_settle_date": db_time(settle_at) if settle_at else None,
        }
        if self.store.reverse_payment(payment_id, credit) is None:
            raise invalid("PaymentId", "This payment was refunded by another request.")
        return self.store.get_payment(payment_id)

    def mark_settled(self, payment_id: int) -> dict[str, Any]:
        self.settle_due()
        row = self._get(payment_id)
        if row["status"] not in OPEN_STATUSES:
            raise invalid("PaymentId", f"A {row['status']} payment cannot be marked settled.")
        status = "RefundSettled" if row["is_refund"] else "Settled"
        self.store.update_payment(payment_id, status=status, actual_settled_date=db_time(self.clock.now()))
        return self.store.get_payment(payment_id)


def _expired(expiration: Any, now: datetime) -> bool:
    """A stored "MM/YYYY" before the current month (US/Eastern) — the card on file has run out."""
    try:
        month, year = (int(part) for part in str(expiration).split("/"))
    except ValueError:
        return False
    today = now.astimezone(EASTERN).date()
    return (year, month) < (today.year, today.month)


def _receipt(value: Any) -> str | None:
    """Receipt options as stored: ``{"SendToCustomer": bool, "SendToOtherAddresses": [emails]}`` (no email is sent)."""
    if not isinstance(value, Mapping):
        return None
    send = value.get("SendToCustomer")
    others = value.get("SendToOtherAddresses")
    return json.dumps({"SendToCustomer": send is True or (isinstance(send, str) and send.lower() == "true"),
                       "SendToOtherAddresses": [str(e) for e in others] if isinstance(others, list) else []})


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
