"""Run blocking work off the GUI thread and get the answer back on it (in the spirit of Anki's QueryOp).

    BackgroundOp(lambda ctx: slow(ctx), on_done=show, on_error=explain, label="Syncing customers").start()

``fn`` gets an :class:`OpContext`: ``ctx.progress(done, total, text)`` reports progress (delivered to
``on_progress`` on the GUI thread; ``text`` is a string to show or a typed progress event the receiver turns
into one, never a magic string) and ``ctx.cancelled`` / ``ctx.check()`` see the cancel request. Results,
errors and progress travel by queued signals of a relay QObject that lives in the GUI thread, so callbacks
always run there. Running ops are kept referenced until they finish. Core code stays Qt-free: ``fn`` is
plain Python.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None
_running: set[BackgroundOp] = set()


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
        _pool.setExpiryTimeout(30_000)
    return _pool


def wait_for_all(timeout_ms: int = 10_000) -> bool:
    """At exit: let running work finish (a charge must never be cut off mid-way)."""
    return pool().waitForDone(timeout_ms)


class Cancelled(Exception):
    """Raised by ``OpContext.check()`` when the clerk cancelled."""


class OpContext:
    def __init__(self, relay: _Relay) -> None:
        self._relay = relay
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int = 0, total: int = 0, text: object = "") -> None:
        self._relay.progressed.emit((done, total, text))


class _Relay(QObject):
    """Lives in the GUI thread; its own slots receive the worker's signals, so delivery is queued there."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)

    def __init__(self, op: BackgroundOp) -> None:
        super().__init__()
        self._op = op
        self.succeeded.connect(self._succeeded)
        self.failed.connect(self._failed)
        self.progressed.connect(self._progressed)

    @Slot(object)
    def _succeeded(self, result) -> None:
        self._op._done(result)

    @Slot(object)
    def _failed(self, exc) -> None:
        self._op._failed(exc)

    @Slot(object)
    def _progressed(self, value) -> None:
        self._op._progressed(value)


class _Runnable(QRunnable):
    def __init__(self, op: BackgroundOp) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._op = op

    def run(self) -> None:
        op = self._op
        try:
            result = op.fn(op.context)
        except BaseException as exc:  # noqa: BLE001 - delivered to on_error on the GUI thread
            op.relay.failed.emit(exc)
        else:
            op.relay.succeeded.emit(result)


class BackgroundOp:
    def __init__(self, fn: Callable[[OpContext], Any], on_done: Callable[[Any], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 on_progress: Callable[[int, int, Any], None] | None = None, label: str = "") -> None:
        self.fn = fn
        self.label = label
        self._on_done, self._on_error, self._on_progress = on_done, on_error, on_progress
        self.relay = _Relay(self)  # created on the GUI thread: its slots run there
        self.context = OpContext(self.relay)
        self.finished = False
        self.on_finish: list[Callable[[BackgroundOp], None]] = []

    def start(self) -> BackgroundOp:
        _running.add(self)
        pool().start(_Runnable(self))
        return self

    def cancel(self) -> None:
        self.context._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self.context.cancelled

    def _finish(self) -> None:
        self.finished = True
        _running.discard(self)
        for callback in self.on_finish:
            callback(self)

    @staticmethod
    def _deliver(callback, *args) -> None:
        try:
            callback(*args)
        except RuntimeError as exc:
            # The window that asked was closed meanwhile (its widgets are gone): nothing left to update.
            if "already deleted" not in str(exc):
                raise
            log.debug("result arrived after its window closed")

    def _done(self, result) -> None:
        self._finish()
        if self._on_done is not None:
            self._deliver(self._on_done, result)

    def _failed(self, exc) -> None:
        self._finish()
        if isinstance(exc, Cancelled):
            log.info("%s cancelled", self.label or "background work")
            return
        if self._on_error is not None:
            self._deliver(self._on_error, exc)
        else:
            log.error("%s failed: %s", self.label or "background work", type(exc).__name__,
                      exc_info=(type(exc), exc, exc.__traceback__))

    def _progressed(self, value) -> None:
        if self._on_progress is not None and not self.finished:
            self._deliver(self._on_progress, *value)
