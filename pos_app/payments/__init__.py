"""Exactly-once charging: journal, attempt state machine, reconcile, void/refund, receipts, end of day.

No Qt here. The UI calls ``PaymentService`` from worker threads; see docs/architecture.md ("Payments").
"""

from pos_app.payments.eod import EodReport, Mismatch, Review, end_of_day
from pos_app.payments.journal import Journal
from pos_app.payments.model import (
    AccountRef,
    Approval,
    Attempt,
    CustomerRef,
    DuplicateAttempt,
    IllegalTransition,
    InvalidCharge,
    LaneBusy,
    LaneOwnershipLost,
    NotAllowed,
    NotSent,
    NotSignedIn,
    PaymentError,
    State,
    Transition,
)
from pos_app.payments.receipts import Receipt, clerk_message, receipt_for, store_timezone
from pos_app.payments.service import (
    PaymentService,
    ReconcileReport,
    ReconcileRequired,
    ReversalOption,
    StatusEvent,
)
from pos_app.payments.store import JournalStore, Reversal

__all__ = [
    "AccountRef", "Approval", "Attempt", "CustomerRef", "DuplicateAttempt", "EodReport", "IllegalTransition", "InvalidCharge",
    "Journal", "JournalStore", "LaneBusy", "LaneOwnershipLost", "Mismatch", "NotAllowed", "NotSent", "NotSignedIn", "PaymentError", "PaymentService", "Receipt",
    "ReconcileReport", "ReconcileRequired", "Reversal", "ReversalOption", "Review", "State", "StatusEvent", "Transition",
    "clerk_message",
    "end_of_day", "receipt_for", "store_timezone",
]
