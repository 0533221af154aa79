"""Attempt states, the legal transitions between them, and the value objects a charge is made of.

State machine (one row in ``transitions`` per edge; illegal edges raise ``IllegalTransition`` and are also
refused by a trigger inside SQLite):

    created ──► sending ──► approved | declined | unknown | absent | rejected | needs_review
    created ──► reconciling                      (start-up reconcile of an attempt never sent)
    sending ──► unknown                          (start-up: the app stopped mid-send)
    unknown ──► reconciling ──► approved | declined | absent | unknown (look-up failed or too early)
    reconciling ──► needs_review                 (PaySimple's records conflict with the attempt)
    needs_review ──► reconciling                 ("Check again": a fresh look-up, anyone may ask)
    needs_review ──► approved | declined | absent (a manager closes it after checking PaySimple's own records)
    approved ──► void_pending ──► voided | approved      (void refused, or proven not applied)
    approved ──► refund_pending ──► refunded | approved

Decisions:
- ``absent``: proven not charged (a complete look-up of the customer's payments found no payment with this
  OrderId, or the connection was never made). The clerk may charge again, as a NEW attempt.
- ``rejected``: PaySimple answered 4xx (400 invalid input such as an expired payment token, 401, 403, 404).
  A 4xx is decided before the payment is processed, so nothing was charged. Terminal like ``absent``; kept
  separate so the receipt and the end-of-day report can say why.
- ``void_pending`` / ``refund_pending`` are the write-ahead states of a void / reverse call. They do not block
  the lane (they are not charges); start-up reconcile resolves them with GET /payment/{id}.
- ``needs_review``: an answer that does not belong to this attempt (a reply to POST /payment for another
  OrderId, amount or account; see ``replies.reply_mismatch``), or PaySimple's records that conflict with it
  (two payments with its OrderId; its OrderId on another amount/account). Such an answer is never taken as
  approved or declined: whether money was taken is not known. It blocks the lane like ``unknown`` (a second
  charge could double-charge), is raised to the clerk (``receipts.clerk_message``) and listed by end of day.
  Next steps: "Check again" (``PaymentService.resolve``) looks the OrderId up again; a look-up whose replies
  pass every check settles it (approved / declined / absent after the in-flight window), a conflict keeps it
  here. A manager who checked PaySimple's own records closes it with ``PaymentService.close_review``
  (decisions 0103).
- Lane-blocking ("open") states: created, sending, unknown, reconciling, needs_review. A unique partial index
  in the journal allows at most one open attempt per lane.
- A bank (ACH) debit is never taken without the customer's authorization: the attempt carries the text the
  clerk read (``ach_authorization``, printed on the receipt) and the clerk who confirmed it
  (``ach_authorized_by``); the journal refuses an ACH attempt without both. ``approved`` for a bank debit
  means PaySimple's ``Posted``: accepted and pending, and the bank can still return it for days (screens and
  receipts say "Posted - pending", never "Approved").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from pos_app.i18n_keys import N_
from pos_app.payments import ids
from pos_app.payments.brands import masked
from pos_app.text_safety import one_line

MAX_AMOUNT = Decimal("2000000.00")  # PaySimple's per-payment ceiling
LANE_RE = re.compile(r"^[A-Za-z0-9_]{1,20}$")  # lane + "-" + 26-char ULID stays within OrderId's 50 chars
MANAGER_ROLES = frozenset({"manager"})


class State(StrEnum):
    CREATED = "created"
    SENDING = "sending"
    APPROVED = "approved"
    DECLINED = "declined"
    UNKNOWN = "unknown"
    RECONCILING = "reconciling"
    ABSENT = "absent"
    REJECTED = "rejected"
    REVIEW = "needs_review"
    VOID_PENDING = "void_pending"
    VOIDED = "voided"
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"


S = State
#: A state's short name for clerks (lists, status lines, sentences about a payment).
STATE_NAMES = {
    S.CREATED: N_("PaymentState", "Not sent"),
    S.SENDING: N_("PaymentState", "Sending"),
    S.UNKNOWN: N_("PaymentState", "Unconfirmed"),
    S.RECONCILING: N_("PaymentState", "Checking"),
    S.APPROVED: N_("PaymentState", "Approved"),
    S.DECLINED: N_("PaymentState", "Declined"),
    S.ABSENT: N_("PaymentState", "Not charged"),
    S.REJECTED: N_("PaymentState", "Refused"),
    S.REVIEW: N_("PaymentState", "Needs review"),
    S.VOID_PENDING: N_("PaymentState", "Void pending"),
    S.VOIDED: N_("PaymentState", "Voided"),
    S.REFUND_PENDING: N_("PaymentState", "Refund pending"),
    S.REFUNDED: N_("PaymentState", "Refunded"),
}
LEGAL: frozenset[tuple[State, State]] = frozenset({
    (S.CREATED, S.SENDING), (S.CREATED, S.RECONCILING),
    (S.SENDING, S.APPROVED), (S.SENDING, S.DECLINED), (S.SENDING, S.UNKNOWN),
    (S.SENDING, S.ABSENT), (S.SENDING, S.REJECTED),
    (S.UNKNOWN, S.RECONCILING),
    (S.RECONCILING, S.APPROVED), (S.RECONCILING, S.DECLINED), (S.RECONCILING, S.ABSENT),
    (S.RECONCILING, S.UNKNOWN),
    (S.SENDING, S.REVIEW), (S.RECONCILING, S.REVIEW), (S.REVIEW, S.RECONCILING),
    (S.REVIEW, S.APPROVED), (S.REVIEW, S.DECLINED), (S.REVIEW, S.ABSENT),
    (S.APPROVED, S.VOID_PENDING), (S.VOID_PENDING, S.VOIDED), (S.VOID_PENDING, S.APPROVED),
    (S.APPROVED, S.REFUND_PENDING), (S.REFUND_PENDING, S.REFUNDED), (S.REFUND_PENDING, S.APPROVED),
})
OPEN_STATES = frozenset({S.CREATED, S.SENDING, S.UNKNOWN, S.RECONCILING, S.REVIEW})
PENDING_REVERSAL_STATES = frozenset({S.VOID_PENDING, S.REFUND_PENDING})
UNRESOLVED_STATES = OPEN_STATES | PENDING_REVERSAL_STATES
TERMINAL_STATES = frozenset({S.DECLINED, S.ABSENT, S.REJECTED, S.VOIDED, S.REFUNDED})


class PaymentError(Exception):
    """Base of this package's errors; ``str(error)`` is a message a clerk can read."""


class InvalidCharge(PaymentError, ValueError):
    """The charge request itself is wrong (amount, lane, account...). Nothing was written or sent."""


class IllegalTransition(PaymentError):
    def __init__(self, attempt_id: str, current: str, wanted: str, expected: str | None = None) -> None:
        self.attempt_id, self.current, self.wanted, self.expected = attempt_id, current, wanted, expected
        detail = f" (expected {expected})" if expected and expected != current else ""
        super().__init__(f"Payment {attempt_id} cannot go from {current} to {wanted}{detail}.")


LANE_BUSY = N_("Payments", "Lane %1 already has a payment in progress. Resolve it before a new one.")
LANE_BUSY_WITH = N_("Payments", "Lane %1 already has a payment in progress (payment %2 is %3). Resolve it before "
                                "a new one.")
LANE_LOST = N_("Payments", "Lane %1 lost its connection to the payment database, so it stopped before sending: "
                           "nothing was charged. Check the network and the database server, then charge again.")
NOT_SENT_JOURNAL = N_("Payments", "Not charged: %1 Nothing was sent to PaySimple.")
NOBODY_SIGNED_IN = N_("Payments", "Nobody is signed in: sign in before taking a payment or changing a customer's "
                                  "account.")
AMOUNT_NOT_A_NUMBER = N_("Payments", "The amount %1 is not a number.")
AMOUNT_NOT_FINITE = N_("Payments", "The amount must be a finite number.")
AMOUNT_NOT_POSITIVE = N_("Payments", "The amount must be more than 0.00.")
AMOUNT_TOO_LARGE = N_("Payments", "The amount must be at most %1.")
AMOUNT_CENTS = N_("Payments", "The amount can have at most 2 decimal places.")
ACH_NEEDS_AUTHORIZATION = N_("Payments", "A bank debit needs the customer's authorization: read it to the customer "
                                         "and tick that they agreed before charging.")
ACH_AUTHORIZATION_TOO_LONG = N_("Payments", "The bank debit authorization text is too long.")
ACH_AUTHORIZATION_OTHER_ACCOUNT = N_("Payments", "The bank debit authorization does not name this account's last 4 "
                                                 "digits.")
#: Why an ``Approval`` is refused, per thing approved: (no manager signed in, not a manager, no reason).
APPROVAL_REFUSALS = {
    "reversal": (N_("Payments", "A void or refund needs a signed-in manager's approval."),
                 N_("Payments", "Only a manager can approve a void or refund."),
                 N_("Payments", "A reason is required for a void or refund.")),
    "close_review": (N_("Payments", "Closing a payment that needs review needs a signed-in manager's approval."),
                     N_("Payments", "Only a manager can approve closing a payment that needs review."),
                     N_("Payments", "A reason is required for closing a payment that needs review.")),
}


class LaneBusy(PaymentError):
    """The lane already has a charge in flight or unresolved; ``blocking`` is that attempt when known."""

    def __init__(self, lane: str, blocking: Attempt | None = None) -> None:
        self.lane, self.blocking = lane, blocking
        super().__init__(LANE_BUSY_WITH.fill(lane, blocking.id, STATE_NAMES[S(blocking.state)]) if blocking
                         else LANE_BUSY.fill(lane))


class DuplicateAttempt(PaymentError):
    """An attempt with this id exists already (a caller-chosen id, e.g. a store server's idempotency key, was
    used twice). Nothing was written; ``existing`` is the attempt that has the id."""

    def __init__(self, attempt_id: str, existing: Attempt | None = None) -> None:
        self.attempt_id, self.existing = attempt_id, existing
        super().__init__(f"Payment {attempt_id} exists already; it is never charged a second time.")


def check_attempt_id(attempt_id: str, lane: str) -> str:
    """A caller-chosen attempt id must be ``<lane>-<ULID>`` of this lane (``ids``): it is PaySimple's OrderId,
    and end of day and look-ups rely on that shape. Raises ``InvalidCharge`` otherwise."""
    if not isinstance(attempt_id, str) or ids.lane_of(attempt_id) != lane:
        raise InvalidCharge(f"Payment id {attempt_id!r} must be this lane's name, '-', and a 26-character ULID "
                            f"(e.g. {lane}-01J0000000000000000000000).")
    return attempt_id


class LaneOwnershipLost(PaymentError):
    """The lane could no longer vouch that it alone is charging (the database connection holding its lane lock
    was lost) and stopped before sending. ``attempt`` is the attempt it stopped (never sent) when there was one."""

    def __init__(self, lane: str, attempt: Attempt | None = None) -> None:
        self.lane, self.attempt = lane, attempt
        super().__init__(LANE_LOST.fill(lane))


class NotSent(PaymentError):
    """The charge stopped before anything was sent to PaySimple because the payment journal could not record
    it: ``storage`` is the journal's ``StorageError`` (which file, what is wrong, what to do). Certain, not a
    guess: POST /payment is only sent after the attempt's journal writes (``created``, then ``sending``) have
    committed, and this is raised only for a failure of one of those writes. ``attempt`` is the attempt when
    it was written (``created``) and only the move to ``sending`` failed: it stays open until reconcile
    records it as never sent; None when not even the attempt could be written."""

    def __init__(self, lane: str, storage: Exception, attempt: Attempt | None = None) -> None:
        self.lane, self.storage, self.attempt = lane, storage, attempt
        super().__init__(NOT_SENT_JOURNAL.fill(storage))


class NotSignedIn(PaymentError):
    """Money was about to move (or an account to change) with no signed-in clerk. There is no default clerk."""

    def __init__(self) -> None:
        super().__init__(NOBODY_SIGNED_IN)


# Identities that are not a person: used by start-up reconcile, never accepted for a charge.
_NOT_A_CLERK = frozenset({"", "none", "null", "system", "counter"})


def require_clerk(clerk) -> str:
    """The signed-in clerk's id as text; raises ``NotSignedIn`` for None, blank or a placeholder name."""
    text = "" if clerk is None else str(clerk).strip()
    if text.lower() in _NOT_A_CLERK:
        raise NotSignedIn()
    return text


class NotAllowed(PaymentError):
    """A void/refund without a valid manager approval, or one PaySimple's rules do not allow now."""


def to_cents(amount: Decimal | str | int) -> int:
    """Validate a charge amount and return integer cents. Floats are refused (money is never float)."""
    if isinstance(amount, float) or isinstance(amount, bool):
        raise InvalidCharge("Amount must be a Decimal or a string like '12.34', not a float.")
    try:
        value = Decimal(str(amount).strip()) if not isinstance(amount, Decimal) else amount
    except InvalidOperation:
        raise InvalidCharge(AMOUNT_NOT_A_NUMBER.fill(repr(amount))) from None
    if not value.is_finite():
        raise InvalidCharge(AMOUNT_NOT_FINITE)
    if value <= 0:
        raise InvalidCharge(AMOUNT_NOT_POSITIVE)
    if value > MAX_AMOUNT:
        raise InvalidCharge(AMOUNT_TOO_LARGE.fill(f"{MAX_AMOUNT:,}"))
    if value != value.quantize(Decimal("0.01")):
        raise InvalidCharge(AMOUNT_CENTS)
    return int(value * 100)


MAX_AUTHORIZATION_CHARS = 4000


def check_ach_authorization(text: str | None, account: AccountRef) -> None:
    """A bank debit needs the authorization the clerk read to the customer: non-empty text that names the
    account's last 4 digits (so it was written for this account). Raises ``InvalidCharge`` otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidCharge(ACH_NEEDS_AUTHORIZATION)
    if len(text) > MAX_AUTHORIZATION_CHARS:
        raise InvalidCharge(ACH_AUTHORIZATION_TOO_LONG)
    if account.last4 not in text:
        raise InvalidCharge(ACH_AUTHORIZATION_OTHER_ACCOUNT)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class CustomerRef:
    id: int
    name: str  # display name, kept for receipts and history (one line, neutralised: text_safety.one_line)

    def __post_init__(self) -> None:
        if not isinstance(self.id, int) or self.id <= 0:
            raise InvalidCharge("Customer id must be a positive PaySimple customer id.")
        if not str(self.name).strip():
            raise InvalidCharge("Customer name is empty.")
        # kept for receipts and history: stored without control/bidi characters (docs/decisions/0142)
        object.__setattr__(self, "name", one_line(str(self.name)))


@dataclass(frozen=True)
class AccountRef:
    id: int
    kind: str  # "cc" | "ach"
    last4: str  # never the full number
    brand: str  # "Visa", "Master", ... or the bank name for ACH

    def __post_init__(self) -> None:
        if not isinstance(self.id, int) or self.id <= 0:
            raise InvalidCharge("Account id must be a positive PaySimple account id.")
        if self.kind not in ("cc", "ach"):
            raise InvalidCharge("Account kind must be 'cc' or 'ach'.")
        if not re.fullmatch(r"\d{4}", self.last4 or ""):
            raise InvalidCharge("Account last4 must be exactly the last 4 digits.")

    @property
    def masked(self) -> str:
        """"Mastercard ****5454" (brand as the issuer writes it, ``payments.brands``)."""
        return masked(self.brand, self.last4, self.kind)

    @classmethod
    def from_paysimple(cls, account) -> AccountRef:
        """From a client ``CreditCardAccount`` / ``AchAccount`` (masked numbers in, last 4 kept)."""
        number = getattr(account, "credit_card_number", None)
        if number is not None:
            return cls(account.id, "cc", _last4(number), str(getattr(account, "issuer", "") or "Card"))
        number = getattr(account, "account_number", "")
        return cls(account.id, "ach", _last4(number), str(getattr(account, "bank_name", "") or "Bank"))


def _last4(masked: str) -> str:
    digits = re.sub(r"\D", "", masked or "")
    return digits[-4:]


@dataclass(frozen=True)
class Approval:
    """A manager's approval, produced by the clerks/PIN subsystem after it checked the PIN. ``manager_name``
    and ``action`` (what was approved, e.g. "void") are for screens and the record; the payments core decides on
    ``manager_id``, ``role`` and ``reason`` (:meth:`check`)."""

    manager_id: str
    role: str
    reason: str
    manager_name: str = ""
    action: str = ""

    @classmethod
    def from_clerk(cls, clerk, reason: str, action: str = "") -> Approval:
        return cls(str(clerk.id), str(getattr(clerk.role, "value", clerk.role)), reason, clerk.name,
                   str(getattr(action, "value", action)))

    def check(self, what: str = "reversal") -> None:
        """Raise ``NotAllowed`` unless a manager approved with a reason; ``what`` ("reversal" | "close_review")
        picks the sentences (``APPROVAL_REFUSALS``)."""
        no_manager, not_manager, no_reason = APPROVAL_REFUSALS[what]
        try:
            require_clerk(self.manager_id)
        except NotSignedIn:
            raise NotAllowed(no_manager) from None
        if self.role not in MANAGER_ROLES:
            raise NotAllowed(not_manager)
        if not self.reason.strip():
            raise NotAllowed(no_reason)


@dataclass(frozen=True)
class Attempt:
    id: str  # also the PaySimple OrderId
    lane: str
    clerk: str
    customer_id: int
    customer_name: str
    account_id: int
    account_kind: str
    account_last4: str
    account_brand: str
    amount_cents: int
    state: State
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None
    payment_id: int | None = None
    ps_status: str | None = None
    auth_code: str | None = None
    trace_number: str | None = None
    failure_code: str | None = None
    failure_description: str | None = None
    failure_action: str | None = None
    can_void_until: datetime | None = None
    refund_payment_id: int | None = None
    absent_after: datetime | None = None  # before this, "not found at PaySimple" proves nothing
    note: str | None = None  # last cause worth showing (why rejected/absent/unknown)
    ach_authorization: str | None = None  # bank debits: the text the clerk read to the customer (on the receipt)
    ach_authorized_by: str | None = None  # the clerk who confirmed the customer was read it and agreed

    @property
    def amount(self) -> Decimal:
        return from_cents(self.amount_cents)

    @property
    def account_masked(self) -> str:
        """"Mastercard ****5454" (brand as the issuer writes it, ``payments.brands``)."""
        return masked(self.account_brand, self.account_last4, self.account_kind)

    @property
    def is_bank(self) -> bool:
        """A bank (ACH) debit: "Posted - pending" when accepted, and it can still be returned for days."""
        return self.account_kind == "ach"

    @property
    def is_resolved(self) -> bool:
        return self.state not in UNRESOLVED_STATES


@dataclass(frozen=True)
class Transition:
    attempt_id: str
    at: datetime
    from_state: State | None
    to_state: State
    cause: str
    clerk: str
