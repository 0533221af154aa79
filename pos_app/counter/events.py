"""The counter's change broadcast: typed events published after every write, in the order they happened.

Contract:
- The application layer publishes an event after the write it describes has been committed (a customer saved,
  accounts on file changed, a payment recorded or resolved, customers imported or synced, a clerk signed in or
  out, the clerk list changed, settings changed). Screens subscribe once (``ui.common.events.EventRelay`` re-emits on the GUI thread)
  and refresh from these events instead of being told by whoever made the change.
- ``publish`` runs on the thread that made the write (usually a worker). A subscriber must not block; one that
  raises is logged and the others still run.
- Events carry plain values (no connections, no Qt, no driver types), so a remote implementation can publish
  the same events from a server's change feed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CustomerSaved:
    """A customer was created or edited at this counter (``customer`` = the stored row after the save)."""

    customer: Any  # StoredCustomer
    created: bool


@dataclass(frozen=True)
class CustomersImported:
    report: Any  # ImportReport


@dataclass(frozen=True)
class CustomersSynced:
    report: Any  # SyncReport


@dataclass(frozen=True)
class AccountsChanged:
    """The cards / bank accounts on file of one PaySimple customer changed (added, removed, new default)."""

    paysimple_id: int | None


@dataclass(frozen=True)
class PaymentRecorded:
    """A charge came back from the payments service (any final or open state)."""

    attempt: Any  # Attempt


@dataclass(frozen=True)
class PaymentResolved:
    """A payment changed after the sale: checked again, voided, refunded, review closed."""

    attempt: Any  # Attempt


@dataclass(frozen=True)
class ClerkSignedIn:
    clerk_id: str


@dataclass(frozen=True)
class ClerkSignedOut:
    pass


@dataclass(frozen=True)
class ClerksChanged:
    """The clerk list changed: a clerk was added or removed, or got a new PIN (``clerk_id``)."""

    clerk_id: str


@dataclass(frozen=True)
class SettingsChanged:
    settings: Any  # pos_app.settings.Settings


CounterEvent = (CustomerSaved | CustomersImported | CustomersSynced | AccountsChanged | PaymentRecorded
                | PaymentResolved | ClerkSignedIn | ClerkSignedOut | ClerksChanged | SettingsChanged)
Subscriber = Callable[[CounterEvent], None]


class EventBus:
    """Subscribers in subscription order; thread-safe subscribe / unsubscribe / publish."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add ``subscriber``; returns the call that removes it again."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)
        return unsubscribe

    def publish(self, event: CounterEvent) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:  # noqa: BLE001 - one broken screen must not stop the others or the write's caller
                log.exception("a subscriber of %s failed", type(event).__name__)
