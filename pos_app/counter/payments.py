"""After the sale: payment history, check again, void / refund / close review with a manager's approval,
receipts e-mailed through the gateway, and end of day, for one counter (``Counter.payments(...)`` builds it;
the history and end-of-day screens use it through ``PaymentsApi``).

Every method that reads the journal or calls PaySimple blocks and runs on a worker. Writes publish
``PaymentResolved``. Nothing is ever re-sent from here: a lost answer is resolved by the service's look-up.
Screens never see the gateway: receipts go out through :meth:`CounterPayments.email_receipt`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, tzinfo

from pos_app.config import Environment
from pos_app.counter.events import EventBus, PaymentResolved
from pos_app.counter.guard import off_gui_thread
from pos_app.payments import (
    Approval,
    Attempt,
    EodReport,
    Journal,
    PaymentService,
    Receipt,
    ReversalOption,
    end_of_day,
)
from pos_app.payments import receipt_for as core_receipt_for
from pos_app.settings import Merchant
from pos_app.storage_errors import StorageError

log = logging.getLogger(__name__)


class _WatchedGateway:
    """The payments gateway as ``end_of_day`` sees it: each payment it lists calls ``on_payment(done)`` (which
    may raise to cancel)."""

    def __init__(self, gateway, on_payment: Callable[[int], None]) -> None:
        self._gateway, self._on_payment = gateway, on_payment

    def payments(self, *args, **kwargs) -> Iterator:
        for done, payment in enumerate(self._gateway.payments(*args, **kwargs), start=1):
            self._on_payment(done)
            yield payment

    def __getattr__(self, name):
        return getattr(self._gateway, name)


class CounterPayments:
    """``PaymentsApi`` on this PC: the lane's journal and payments service (private: screens see only the
    protocol's members), the merchant header, the store time zone, clerk names, the approval callback.
    ``clerk_name``: clerk id (as journaled) -> name; ``clerk_id``: the signed-in clerk, for "Check again";
    ``approve``: the shell's approve(action, subject=, detail=, parent=) -> Approval | None (a dialog);
    ``events``: where writes publish ``PaymentResolved``."""

    def __init__(self, *, journal: Journal, service: PaymentService, merchant: Merchant, tz: tzinfo, lane: str,
                 environment: Environment, clerk_name: Callable[[str], str] = str,
                 clerk_id: Callable[[], str | None] = lambda: None,
                 approve: Callable[..., Approval | None] | None = None, events: EventBus | None = None) -> None:
        self._journal, self._service = journal, service
        self.merchant, self.tz, self.lane, self.environment = merchant, tz, lane, environment
        self._clerk_name, self._clerk_id, self._events = clerk_name, clerk_id, events
        self.approve = approve

    def clerk_name(self, clerk_id: str) -> str:
        return self._clerk_name(clerk_id)

    def now(self) -> datetime:
        """The service's clock (the gateway's in training, so training time travel shows up here too)."""
        return self._service.clock().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()

    def day_start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self.tz)

    def receipt(self, attempt: Attempt) -> Receipt:
        authorized_by = self.clerk_name(attempt.ach_authorized_by) if attempt.ach_authorized_by else None
        return core_receipt_for(attempt, self.merchant, tz=self.tz, clerk_name=self.clerk_name(attempt.clerk),
                                authorized_by_name=authorized_by)

    # ---- worker calls ---------------------------------------------------------------------------------

    @off_gui_thread
    def history(self, since: datetime | None, limit: int) -> list[Attempt]:
        """Attempts of every lane since ``since`` (None: all), newest first, at most ``limit``."""
        return self._journal.history(since=since, limit=limit)

    def _changed(self, attempt: Attempt) -> Attempt:
        if self._events is not None:
            self._events.publish(PaymentResolved(attempt))
        return attempt

    @off_gui_thread
    def resolve(self, attempt: Attempt) -> Attempt:
        return self._changed(self._service.resolve(attempt, self._clerk_id() or "system"))

    @off_gui_thread
    def reversal_option(self, attempt: Attempt) -> ReversalOption:
        """Void or refund, asked of PaySimple now (its current status), with why the other does not apply."""
        return self._service.refund_or_void_option(attempt)

    @off_gui_thread
    def void(self, attempt: Attempt, approval: Approval) -> Attempt:
        return self._changed(self._service.void(attempt, approval))

    @off_gui_thread
    def refund(self, attempt: Attempt, approval: Approval) -> Attempt:
        return self._changed(self._service.refund(attempt, approval))

    @off_gui_thread
    def close_review(self, attempt: Attempt, approval: Approval, payment_id: int | None) -> Attempt:
        return self._changed(self._service.close_review(attempt, approval, payment_id))

    @off_gui_thread
    def receipt_address(self, attempt: Attempt) -> str:
        """The e-mail address PaySimple has on file for the attempt's customer (``ReceiptEmailError`` when it
        has none, or no payment for the attempt)."""
        from pos_app.payments.receipts import receipt_address

        return receipt_address(self._service.gateway, attempt)

    @off_gui_thread
    def email_receipt(self, attempt: Attempt, to: str) -> str:
        """PaySimple e-mails the receipt to ``to``, the address the clerk confirmed, if it is still the one on
        file (``address_changed`` otherwise; nothing sent). Sent once, never retried (``lost``: may have been
        sent). Returns the address."""
        from pos_app.payments.receipts import email_receipt

        return email_receipt(self._service.gateway, attempt, to)

    @off_gui_thread
    def end_of_day(self, day: date, lane: str | None, on_payment: Callable[[int], None] = lambda done: None
                   ) -> tuple[EodReport, StorageError | None]:
        """The end-of-day report (journal vs PaySimple's own list; ``on_payment(done)`` per PaySimple payment
        read, may raise to cancel) and then the journal backup; the backup's error is returned, not raised."""
        report = end_of_day(self._journal, _WatchedGateway(self._service.gateway, on_payment), day, lane=lane,
                            tz=self.tz)
        return report, self._backup("end-of-day")

    def _backup(self, reason: str) -> StorageError | None:
        from pos_app.payments.backups import take_backup

        path = getattr(self._journal, "path", None)  # a journal that is not a local file has no backup here
        if path is None:
            return None
        try:
            take_backup(path, reason)
        except StorageError as exc:
            log.error("journal backup after end of day failed: %s", exc.fault.value)
            return exc
        return None
