"""Request and reply bodies of the store server's API (``/v1``), shared by the server and the lane's client.
Decoded strictly with ``wire.decode`` (unknown or missing fields are a 400 naming the field). Money is text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_app.customers.models import CustomerRecord, StoredCustomer
from pos_app.payments.model import Attempt


@dataclass(frozen=True)
class EnrollChallenge:
    code_id: str
    nonce: str  # 32 hex digits


@dataclass(frozen=True)
class EnrollProof:
    proof: str


@dataclass(frozen=True)
class EnrollBody:
    code: str
    lane: str


@dataclass(frozen=True)
class Enrolled:
    lane: str
    credential: str  # "<lane>.<secret>": kept in the lane's keyring, sent as "Authorization: Lane <credential>"
    fingerprint: str


@dataclass(frozen=True)
class ServerInfo:
    name: str
    version: str
    api: str
    environment: str = "sandbox"  # "sandbox" | "live": the PaySimple the server talks to
    paysimple_origin: str = ""  # where counters load PaySimpleJS from (the API's host)


@dataclass(frozen=True)
class ClerkInfo:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class SignInBody:
    name: str
    pin: str


@dataclass(frozen=True)
class SessionInfo:
    session_id: str
    lane: str
    clerk: ClerkInfo
    expires_at: datetime


@dataclass(frozen=True)
class SignedInReply:
    token: str  # sent as "X-Clerk-Session: <token>"
    session: SessionInfo


@dataclass(frozen=True)
class ApproveBody:
    action: str  # a ManagerAction value: void, refund, close_review, settings, manage_clerks, ...
    manager: str
    pin: str
    reason: str
    subject: str = ""  # for void/refund/close_review: the payment id


@dataclass(frozen=True)
class ApprovalReply:
    token: str  # one use, this lane and clerk session, this action and subject
    manager_id: int
    manager_name: str
    action: str
    subject: str
    reason: str
    expires_at: datetime


@dataclass(frozen=True)
class CodeBody:
    lane: str | None = None


@dataclass(frozen=True)
class CodeReply:
    code: str  # XXXX-XXXX-XXXX-XXXX
    lane: str | None
    expires_at: datetime


@dataclass(frozen=True)
class LaneInfo:
    name: str
    enrolled_at: datetime
    enrolled_by: str
    revoked_at: datetime | None
    revoked_by: str | None


@dataclass(frozen=True)
class SelectBody:
    customer_id: int  # the server's own customer id (``StoredCustomer.id``), never PaySimple's


@dataclass(frozen=True)
class CountReply:
    count: int


@dataclass(frozen=True)
class FeedEntry:
    """One change of the customer feed: the record's state as of the read, at its latest position."""

    position: int
    customer: StoredCustomer


@dataclass(frozen=True)
class ChangesReply:
    """A page of the server's customer change feed (``GET /v1/customers/changes``): ``feed_id`` names the feed
    (another id than the one a lane copies: the store's customer list was rebuilt, start a new copy);
    ``next_position`` is the ``after`` to ask with next; fewer than ``limit`` changes: caught up as of the read."""

    feed_id: str
    changes: list[FeedEntry]
    next_position: int


@dataclass(frozen=True)
class AccountBody:
    paysimple_id: int


@dataclass(frozen=True)
class PlanBody:
    paysimple_id: int
    consent: bool


@dataclass(frozen=True)
class KeepBody:
    paysimple_id: int
    reason: str


@dataclass(frozen=True)
class TokenBody:
    paysimple_id: int | None = None  # when given, it must be the selected customer's


@dataclass(frozen=True)
class TokenReply:
    token: str


@dataclass(frozen=True)
class ChargeBody:
    customer_id: int  # the server's customer id, as selected at this counter
    account_id: int
    amount: str  # "12.34"
    payment_token: str | None = None
    cvv: str | None = None
    ach_authorization: str | None = None


@dataclass(frozen=True)
class ChargeReply:
    done: bool  # False: still working; ask again with the same Idempotency-Key
    attempt: Attempt | None


@dataclass(frozen=True)
class ApprovalUse:
    approval: str  # the token from POST /v1/approvals
    payment_id: int | None = None  # close_review: the payment that is this sale (None: not charged)


@dataclass(frozen=True)
class OpenAttemptReply:
    attempt: Attempt | None


@dataclass(frozen=True)
class ErrorBody:
    code: str
    message: str
    values: dict


@dataclass(frozen=True)
class AddBody:
    record: CustomerRecord | None = None  # the clerk's edit; None: the stored details


@dataclass(frozen=True)
class DuplicatesBody:
    record: CustomerRecord
    exclude_id: int | None = None


@dataclass(frozen=True)
class EmailBody:
    to: str  # the address the clerk was shown and confirmed


@dataclass(frozen=True)
class AddressReply:
    address: str
