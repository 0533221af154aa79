"""The counter's change broadcast on the GUI thread: :class:`EventRelay` subscribes to a ``pos_app.counter``
``EventBus`` and re-emits each event as the Qt signal ``event`` in the thread of the relay's owner.

Events are published on whichever thread made the write (usually a worker); the relay hands them over with a
queued connection, so screens connected to ``event`` always run on the GUI thread, in publish order.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal


class EventRelay(QObject):
    event = Signal(object)  # a pos_app.counter event (CustomerSaved, AccountsChanged, ...), on the GUI thread
    _incoming = Signal(object)  # from any thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = None
        self._incoming.connect(self.event.emit, Qt.ConnectionType.QueuedConnection)

    def attach(self, bus) -> None:
        """Follow ``bus`` (one at a time: attaching another one stops following the previous)."""
        self.detach()
        self._unsubscribe = bus.subscribe(self._incoming.emit)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
