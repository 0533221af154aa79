"""Fault injection for the training gateway: make the next N matching requests misbehave.

Kinds:
- ``delay``: wait ``delay_s`` (default 1 s), then serve normally.
- ``error_before``: answer 500 ``UnexpectedError`` without doing the work.
- ``error_after``: do the work (state committed), then answer 500 instead of the real reply.
- ``drop_after``: do the work, then close the connection without sending a byte.
- ``stall_after``: do the work, then send nothing for ``delay_s`` (default 60 s, longer than any client
  timeout), then close the connection.
- ``unauthorized``: answer 401 with an empty body without doing the work.

Matching: ``method`` is an HTTP method or ``*`` (any case); ``path`` is a glob (``fnmatch``, case-insensitive,
e.g. ``/v4/payment`` or ``/v4/payment/*/void``) or, when it starts with ``^``, a regular expression searched in
the request path. Paths are compared without a trailing slash. ``body`` (optional) is a regular expression that
must also be found in the request body (e.g. ``"OrderId": ?"LANE3-``: the payments of one lane only, when several
share the gateway). The oldest unexhausted matching fault wins; each match uses one of its ``count``.

The request body is read in full before any fault applies (every request, faulted or not): a request that
arrived completely is processed even if the client gives up while it is delayed, as a real server would, so
"the client timed out" never implies "nothing happened".

Waiting is ``asyncio`` sleeping, so a stalled request never blocks others, and it ends early when the gateway
stops (``release_all``), so ``stop()`` never hangs on a stall. "After" faults run the real handler to
completion first; handlers commit to the store before returning, so the work is durable before the reply fails.
"""

from __future__ import annotations

import asyncio
import fnmatch
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pos_app.training.envelope import server_error_body

KINDS = ("delay", "error_before", "error_after", "drop_after", "stall_after", "unauthorized")
DEFAULT_DELAY_S = {"delay": 1.0, "stall_after": 60.0}


@dataclass
class Fault:
    method: str
    path: str
    kind: str
    count: int = 1
    delay_s: float = 0.0
    fired: int = 0
    body: str | None = None
    _regex: re.Pattern[str] | None = field(default=None, repr=False)
    _body: re.Pattern[bytes] | None = field(default=None, repr=False)

    def matches(self, method: str, path: str, body: bytes = b"") -> bool:
        if self.method != "*" and self.method != method.upper():
            return False
        if self._body is not None and self._body.search(body) is None:
            return False
        if self._regex is not None:
            return self._regex.search(path) is not None
        return fnmatch.fnmatchcase(path.lower(), self.path.lower())

    @property
    def remaining(self) -> int:
        return self.count - self.fired

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "kind": self.kind, "count": self.count,
                "delay_s": self.delay_s, "fired": self.fired, "body": self.body}


def normalise_path(path: str) -> str:
    return path.rstrip("/") or "/"


class FaultQueue:
    """Thread-safe pending faults plus a log of the ones that fired (``(kind, method, path)`` in firing
    order). A fault is anything with ``method``, ``kind``, ``count``, ``fired`` and ``matches(method, path, body)``;
    it fires at most ``count`` times. Shared by the gateway's faults and the misbehaving proxy's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list = []
        self.fired: list[tuple[str, str, str]] = []

    def _queue(self, fault):
        with self._lock:
            self._pending.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def pending(self) -> list:
        with self._lock:
            return list(self._pending)

    def take(self, method: str, path: str, body: bytes = b""):
        """The fault to apply to this request (using one of its count), or None."""
        with self._lock:
            for fault in self._pending:
                if fault.matches(method, path, body):
                    fault.fired += 1
                    if fault.fired >= fault.count:
                        self._pending.remove(fault)
                    self.fired.append((fault.kind, method.upper(), path))
                    return fault
        return None


class Faults(FaultQueue):
    """The training gateway's faults (see the module docstring)."""

    def add(self, method: str, path_pattern: str, kind: str, count: int = 1,
            delay_s: float | None = None, body: str | None = None) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {', '.join(KINDS)}")
        if count < 1:
            raise ValueError("count must be at least 1")
        delay = DEFAULT_DELAY_S.get(kind, 0.0) if delay_s is None else float(delay_s)
        if delay < 0:
            raise ValueError("delay_s must not be negative")
        regex = re.compile(path_pattern) if path_pattern.startswith("^") else None
        pattern = path_pattern if regex else normalise_path(path_pattern)
        body_regex = None if body is None else re.compile(body.encode())
        return self._queue(Fault(method.upper(), pattern, kind, count, delay, body=body, _regex=regex,
                                 _body=body_regex))

    def take(self, method: str, path: str, body: bytes = b"") -> Fault | None:
        """The fault to apply to this request (using one of its count), or None."""
        return super().take(method, normalise_path(path), body)


Dropper = Callable[[dict[str, Any]], Awaitable[bool]]


class FaultMiddleware:
    """Outermost ASGI layer: applies pending faults. ``dropper(scope)`` closes that request's connection
    without a reply and returns True (False if it could not, then we cut the reply off mid-body instead)."""

    def __init__(self, app: Any, faults: Faults, dropper: Dropper) -> None:
        self.app = app
        self.faults = faults
        self.dropper = dropper
        self._loop: asyncio.AbstractEventLoop | None = None
        self._released: asyncio.Event | None = None

    def reset(self) -> None:
        """Forget the event loop of a previous run (before the gateway starts again)."""
        self._loop = None
        self._released = None

    def release_all(self) -> None:
        """End every delay/stall now (called from any thread when the gateway stops)."""
        if self._loop is not None and self._released is not None:
            try:
                self._loop.call_soon_threadsafe(self._released.set)
            except RuntimeError:   # loop already closed
                pass

    async def _sleep(self, seconds: float) -> None:
        assert self._released is not None
        try:
            await asyncio.wait_for(self._released.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._released is None:
            self._loop = asyncio.get_running_loop()
            self._released = asyncio.Event()
        receive, body = await _buffered(receive)
        admin = scope["path"].lower().startswith("/_training")
        fault = None if admin else self.faults.take(scope["method"], scope["path"], body)
        if fault is None:
            await self.app(scope, receive, send)
            return
        kind = fault.kind
        if kind == "delay":
            await self._sleep(fault.delay_s)
            await self.app(scope, receive, send)
        elif kind == "unauthorized":
            await _send(send, 401, b"", None)
        elif kind == "error_before":
            await _send(send, 500, server_error_body(), "application/json")
        else:
            async def swallow(message: dict[str, Any]) -> None:
                return None

            await self.app(scope, receive, swallow)       # the work happens (and commits) here
            if kind == "error_after":
                await _send(send, 500, server_error_body(), "application/json")
                return
            if kind == "stall_after":
                await self._sleep(fault.delay_s)
            if not await self.dropper(scope):
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
                await send({"type": "http.response.body", "body": b"{", "more_body": True})


async def _buffered(receive: Any) -> tuple[Any, bytes]:
    """Read the whole request body now; return a receive() that replays it, then defers to the real one, and the
    body's bytes."""
    messages: list[dict[str, Any]] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break

    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")

    async def replay() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        return await receive()

    return replay, body


async def _send(send: Any, status: int, body: bytes, media_type: str | None) -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    if media_type:
        headers.append((b"content-type", media_type.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
