"""Run blocking work off the GUI thread and get the answer back on it (in the spirit of Anki's QueryOp).

    BackgroundOp(lambda ctx: slow(ctx), on_done=show, on_error=explain, label="Syncing customers").start()

``fn`` gets an :class:`OpContext`: ``ctx.progress(done, total, text)`` reports progress (delivered to
``on_progress`` on the GUI thread; ``text`` is a string to show or a typed progress event the receiver turns
into one, never a magic string) and ``ctx.cancelled`` / ``ctx.check()`` see the cancel request. Results,
errors and progress travel through a mailbox drained on the GUI thread (one long-lived hub QObject's queued
signal), so callbacks always run there, and a worker never releases the last reference to what the GUI made
(see ``_post``). Running ops are kept referenced until they finish. Core code stays Qt-free: ``fn`` is
plain Python.
"""

from __future__ import annotations

import gc
import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None


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
    def __init__(self, op_id: int) -> None:
        self._op_id = op_id
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int = 0, total: int = 0, text: object = "") -> None:
        _post(self._op_id, "progress", (done, total, text))


# Worker -> GUI thread delivery. A worker never holds the last reference to anything the GUI made: a QObject or
# a widget freed on a worker thread (a relay object, a dialog kept alive only by a bound callback, the frames of
# an exception's traceback) crashes Qt. So ops live in ``_running`` (GUI thread), a worker gets its op's
# ``fn``/context by id, drops them, puts its answer in ``_mailbox`` (the deque takes the worker's reference) and
# only then pokes the one long-lived ``_Hub``; the GUI thread takes the answer out and owns it alone.
_mailbox: deque[tuple[int, str, Any]] = deque()
_running: dict[int, BackgroundOp] = {}
_ids = itertools.count(1)


class _Hub(QObject):
    """Created once on the GUI thread and never freed; its queued ``poke`` runs ``_drain`` there.

    It also moves Python's cyclic garbage collection onto the GUI thread: automatic collection runs in whatever
    thread happens to allocate, and a collection on a worker that frees a cycle holding a Qt object (a closed
    dialog and its callbacks) deletes that object on the wrong thread. Automatic collection is turned off and
    this timer collects, generation by generation as the thresholds say, on the GUI thread (every 0.5 s)."""

    poke = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.poke.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        gc.disable()
        self._gc_timer = QTimer(self)
        self._gc_timer.setInterval(500)
        self._gc_timer.timeout.connect(self._collect)
        self._gc_timer.start()

    @Slot()
    def _collect(self) -> None:
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return

    @Slot()
    def _drain(self) -> None:
        while True:
            try:
                op_id, kind, payload = _mailbox.popleft()
            except IndexError:
                return
            op = _running.get(op_id)
            if op is None:
                continue
            if kind == "progress":
                op._progressed(payload)
            elif kind == "done":
                op._done(payload)
            else:
                op._failed(payload)
            del op, payload


_hub: _Hub | None = None


def _post(op_id: int, kind: str, payload: Any) -> None:
    """Progress (plain values or typed events): the caller keeps its own reference, nothing of the GUI's."""
    _mailbox.append((op_id, kind, payload))
    _hub.poke.emit()


class _Runnable(QRunnable):
    def __init__(self, op_id: int) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._op_id = op_id

    def run(self) -> None:
        op = _running.get(self._op_id)  # dict reads are atomic; the GUI thread removes it only after "done"
        if op is None:
            return
        fn, context = op.fn, op.context
        del op
        try:
            result = fn(context)
        except BaseException as exc:  # noqa: BLE001 - delivered to on_error on the GUI thread
            del fn, context
            _mailbox.append((self._op_id, "failed", exc))
            del exc
        else:
            del fn, context
            _mailbox.append((self._op_id, "done", result))
            del result
        _hub.poke.emit()  # after this thread let go of everything it was given or made


def _owner_deleted(callback) -> bool:
    """Whether a Qt object ``callback`` is bound to or closes over (one level: a lambda's cells, a partial's
    arguments) has had its C++ side deleted (``shiboken6.isValid``)."""
    import functools

    import shiboken6

    seen = [getattr(callback, "__self__", None)]
    if isinstance(callback, functools.partial):
        seen += [callback.func, getattr(callback.func, "__self__", None), *callback.args]
    for cell in getattr(callback, "__closure__", None) or ():
        try:
            seen.append(cell.cell_contents)
        except ValueError:  # a cell not yet filled
            continue
    return any(isinstance(obj, shiboken6.Shiboken.Object) and not shiboken6.isValid(obj) for obj in seen)


class BackgroundOp:
    def __init__(self, fn: Callable[[OpContext], Any], on_done: Callable[[Any], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 on_progress: Callable[[int, int, Any], None] | None = None, label: str = "") -> None:
        global _hub
        if _hub is None:
            _hub = _Hub()  # the first op is started on the GUI thread: the hub lives there
        self.fn = fn
        self.label = label
        self._on_done, self._on_error, self._on_progress = on_done, on_error, on_progress
        self.id = next(_ids)
        self.context = OpContext(self.id)
        self.finished = False
        self.on_finish: list[Callable[[BackgroundOp], None]] = []

    def start(self) -> BackgroundOp:
        _running[self.id] = self
        pool().start(_Runnable(self.id))
        return self

    def cancel(self) -> None:
        self.context._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self.context.cancelled

    def _finish(self) -> None:
        self.finished = True
        _running.pop(self.id, None)
        for callback in self.on_finish:
            callback(self)

    @staticmethod
    def _deliver(callback, *args) -> None:
        """Call ``callback`` on the GUI thread. A RuntimeError it raises because the window that asked was
        closed meanwhile (a Qt object it belongs to or closes over was deleted: nothing left to update) is
        dropped; any other RuntimeError is a fault, raised as any other."""
        try:
            callback(*args)
        except RuntimeError:
            if not _owner_deleted(callback):
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


def wait_for(fn: Callable[[], Any], label: str = "") -> Any:
    """``fn()`` on a worker, waited for in a local event loop that keeps painting but holds back user input
    until the answer is in: for the few steps that need an answer before they can go on (a start-up check
    before any window, a wizard page's ``validatePage``). Returns ``fn``'s result or raises its error. Only
    short work belongs here (a keyring or settings-file read); anything the clerk may wait for or cancel is a
    :class:`BackgroundOp` with its own progress."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    answer: dict[str, Any] = {}

    def settle(key: str, value: Any) -> None:
        answer[key] = value
        loop.quit()

    op = BackgroundOp(lambda ctx: fn(), on_done=lambda result: settle("result", result),
                      on_error=lambda exc: settle("error", exc), label=label).start()
    while not op.finished:
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    if "error" in answer:
        raise answer["error"]
    return answer.get("result")
