"""A misbehaving HTTP reverse proxy for the training gateway: what a load balancer, a corporate proxy or a
broken cache between the counter and PaySimple can do to a payment. Real TCP, loopback only.

    with TrainingGateway(...) as gw, MisbehavingProxy(gw.base_url) as proxy:
        client = PaySimpleClient(proxy.api_url, ...)
        proxy.faults.add("POST", "/v4/payment", "status_early", status=504, delay_s=0.1)

Without a pending fault every request is passed on unchanged (one upstream connection per request, the reply
relayed with its status, headers and body). Faults match like the gateway's (``method`` or ``*``; ``path`` an
``fnmatch`` glob, case-insensitive, or a regex when it starts with ``^``); the oldest matching fault with count
left applies to one request. Kinds:

- ``status_before``  answer ``status`` (default 502) without passing the request on: PaySimple never saw it.
- ``status_after``   pass it on, wait for PaySimple's complete reply (the work is done), answer ``status``
                     (default 502) instead.
- ``status_early``   pass it on, answer ``status`` (default 504) after ``delay_s`` (default 0.1 s) while the
                     upstream is still working (slow it with the gateway's ``delay`` fault): the payment lands
                     later; its reply is thrown away.
- ``drip`` / ``drip_body``  pass the upstream's reply on one byte every ``delay_s`` (default 1 s), from the status
                     line on / after the headers.
- ``replay``         pass the request on, answer with the latest earlier 2xx reply to a request this fault's
                     method and path pattern match (a reply for another order and amount, or with a pattern
                     like ``^/v4/customer/[0-9]+/payments`` another customer's list, as a broken cache would); with
                     none seen yet, the reply itself with its Amount raised by 1.00.
- ``other_amount`` / ``other_order``  pass it on, answer the upstream's reply with ``Response.Amount`` + 1.00 /
                     ``Response.OrderId`` replaced.
- ``hold_request``   keep the request ``delay_s`` (default 5 s) before passing it on, and pass it on only if the
                     client is still connected then (like nginx with ``proxy_ignore_client_abort off``).
- ``hold_reply``     pass it on at once, keep the reply ``delay_s`` (default 5 s) before sending it.

Error pages: ``body`` = ``html`` (default), ``empty``, ``json`` (a foreign ``{"message": ...}``) or ``envelope``
(PaySimple-shaped JSON; a 502/503/504 is still not PaySimple's answer). Upstream trouble is answered as nginx
does: upstream closed without a complete reply → 502, no reply within ``upstream_timeout`` → 504.

``fired`` logs ``(kind, method, path)`` of every fault applied; ``forwarded`` counts requests passed upstream;
``dropped`` counts held requests whose client left before they were passed on.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import ipaddress
import json
import re
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from pos_app.training.envelope import dumps as envelope_dumps
from pos_app.training.faults import FaultQueue

KINDS = ("status_before", "status_after", "status_early", "drip", "drip_body", "replay", "other_amount",
         "other_order", "hold_request", "hold_reply")
BODIES = ("html", "empty", "json", "envelope")
DEFAULT_STATUS = {"status_before": 502, "status_after": 502, "status_early": 504}
DEFAULT_DELAY = {"status_early": 0.1, "drip": 1.0, "drip_body": 1.0, "hold_request": 5.0, "hold_reply": 5.0}
REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
MAX_HEAD = 64 * 1024


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class ProxyFault:
    method: str
    path: str
    kind: str
    count: int = 1
    status: int = 502
    delay_s: float = 0.0
    body: str = "html"
    fired: int = 0
    _regex: re.Pattern[str] | None = field(default=None, repr=False)

    def matches(self, method: str, path: str, body: bytes = b"") -> bool:
        """By method and path (the proxy's faults do not look at the body)."""
        if self.method != "*" and self.method != method.upper():
            return False
        if self._regex is not None:
            return self._regex.search(path) is not None
        return fnmatch.fnmatchcase(path.lower().rstrip("/") or "/", self.path.lower())


class ProxyFaults(FaultQueue):
    """The proxy's pending faults plus the log of those applied (``FaultQueue``)."""

    def add(self, method: str, path: str, kind: str, count: int = 1, status: int | None = None,
            delay_s: float | None = None, body: str = "html") -> ProxyFault:
        if kind not in KINDS:
            raise ValueError(f"unknown proxy fault {kind!r}; use one of {', '.join(KINDS)}")
        if body not in BODIES:
            raise ValueError(f"unknown error page body {body!r}; use one of {', '.join(BODIES)}")
        if count < 1:
            raise ValueError("count must be at least 1")
        delay = DEFAULT_DELAY.get(kind, 0.0) if delay_s is None else float(delay_s)
        if delay < 0:
            raise ValueError("delay_s must not be negative")
        regex = re.compile(path) if path.startswith("^") else None
        fault = ProxyFault(method.upper(), path if regex else (path.rstrip("/") or "/"), kind, count,
                           int(status or DEFAULT_STATUS.get(kind, 502)), delay, body, _regex=regex)
        return self._queue(fault)

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(Counter(kind for kind, _m, _p in self.fired))


@dataclass
class Reply:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def head_bytes(self) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {self.reason}"]
        for name, value in self.headers:
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                lines.append(f"{name}: {value}")
            elif name.lower() == "connection" and value.lower() == "close":
                lines.append("Connection: close")
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def to_bytes(self) -> bytes:
        return self.head_bytes() + self.body


def error_page(status: int, body: str) -> Reply:
    reason = REASONS.get(status, "Error")
    if body == "empty":
        return Reply(status, reason, [], b"")
    if body == "json":
        return Reply(status, reason, [("Content-Type", "application/json")],
                     json.dumps({"message": reason}).encode())
    if body == "envelope":
        meta = {"Errors": {"ErrorCode": "UnexpectedError", "ErrorMessages": [{"Field": "", "Message": reason}],
                           "TraceCode": None},
                "HttpStatus": reason.replace(" ", ""), "HttpStatusCode": status, "PagingDetails": None}
        return Reply(status, reason, [("Content-Type", "application/json")],
                     json.dumps({"Meta": meta, "Response": None}).encode())
    html = (f"<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1>"
            "</center><hr><center>nginx</center></body></html>")
    return Reply(status, reason, [("Content-Type", "text/html")], html.encode())


class UpstreamError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Client:
    """The client side of one connection, with a one-chunk push-back buffer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.buffer = reader, writer, b""

    async def read_request(self) -> tuple[str, str, bytes, dict[str, str], bytes] | None:
        data = self.buffer
        self.buffer = b""
        while b"\r\n\r\n" not in data:
            chunk = await self.reader.read(65536)
            if not chunk:
                return None
            data += chunk
            if len(data) > MAX_HEAD:
                return None
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        while len(rest) < length:
            chunk = await self.reader.read(65536)
            if not chunk:
                return None
            rest += chunk
        body, self.buffer = rest[:length], rest[length:]
        return method, target, head, headers, body

    async def gone_within(self, seconds: float) -> bool:
        """Wait ``seconds``; True as soon as the client closes its side (EOF) meanwhile."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while True:
            left = end - loop.time()
            if left <= 0:
                return False
            try:
                chunk = await asyncio.wait_for(self.reader.read(65536), timeout=left)
            except TimeoutError:
                return False
            if not chunk:
                return True
            self.buffer += chunk  # the client already sent more: keep it for the next request

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()


class MisbehavingProxy:
    def __init__(self, upstream: str, host: str = "127.0.0.1", port: int = 0,
                 upstream_timeout: float = 60.0) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname or not _loopback(parts.hostname):
            raise ValueError("the proxy only fronts a loopback http:// upstream (the training gateway)")
        if not _loopback(host):
            raise ValueError("the proxy listens on loopback only")
        self.upstream_host, self.upstream_port = parts.hostname, parts.port or 80
        self.host, self.port, self.upstream_timeout = host, port, upstream_timeout
        self.faults = ProxyFaults()
        self.forwarded = 0
        self.dropped = 0
        self._seen: list[tuple[str, str, Reply]] = []  # recent 2xx replies: (method, path, reply), newest last
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task] = set()
        self._started = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/v4"

    # --- lifecycle ------------------------------------------------------------------------------------------

    def start(self) -> MisbehavingProxy:
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM,
                             socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(128)
        self.port = sock.getsockname()[1]
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(asyncio.start_server(self._serve, sock=sock))
            self._started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name=f"misbehaving-proxy-{self.port}", daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("the misbehaving proxy did not start")
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.wait(tasks, timeout=3)

        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        if not thread.is_alive():
            loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> MisbehavingProxy:
        return self.start() if self._thread is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _track(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda t: t.cancelled() or t.exception())  # an abandoned exchange may fail
        return task

    # --- one connection ---------------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        me = asyncio.current_task()
        self._tasks.add(me)
        client = _Client(reader, writer)
        try:
            while True:
                request = await client.read_request()
                if request is None:
                    return
                method, target, head, headers, body = request
                keep = await self._handle(client, method, target, head, body)
                if not keep or headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, OSError, asyncio.CancelledError):
            return  # the client went away, or the proxy is stopping
        finally:
            self._tasks.discard(me)
            with contextlib.suppress(Exception):
                writer.close()

    async def _handle(self, client: _Client, method: str, target: str, head: bytes, body: bytes) -> bool:
        path = urlsplit(target).path
        fault = self.faults.take(method, path)
        kind = fault.kind if fault else None
        if kind == "status_before":
            await client.send(error_page(fault.status, fault.body).to_bytes())
            return True
        if kind == "hold_request" and await client.gone_within(fault.delay_s):
            self.dropped += 1
            return False
        previous = self._previous(fault) if kind == "replay" else None  # before this exchange is recorded
        exchange = self._track(self._exchange(method, path, head, body))
        if kind == "status_early":
            await asyncio.wait({exchange}, timeout=fault.delay_s)
            await client.send(error_page(fault.status, fault.body).to_bytes())
            return True
        try:
            reply = await exchange
        except UpstreamError as exc:
            page = error_page(exc.status, "html")
            # This connection closes after the page (as nginx does): say so, or the client reuses it.
            page = Reply(page.status, page.reason, [*page.headers, ("Connection", "close")], page.body)
            await client.send(page.to_bytes())
            return False
        if kind == "status_after":
            await client.send(error_page(fault.status, fault.body).to_bytes())
            return True
        if kind == "replay":
            reply = previous if previous is not None else _rewrite(reply, amount_delta=Decimal("1.00"))
        elif kind == "other_amount":
            reply = _rewrite(reply, amount_delta=Decimal("1.00"))
        elif kind == "other_order":
            reply = _rewrite(reply, order_id="OTHER-ORDER")
        if kind == "hold_reply" and await client.gone_within(fault.delay_s):
            return False
        if kind in ("drip", "drip_body"):
            data = reply.to_bytes()
            start = 0 if kind == "drip" else len(reply.head_bytes())
            if start:
                await client.send(data[:start])
            for i in range(start, len(data)):
                if await client.gone_within(fault.delay_s):
                    return False
                await client.send(data[i:i + 1])
            return True
        await client.send(reply.to_bytes())
        return True

    async def _exchange(self, method: str, path: str, head: bytes, body: bytes) -> Reply:
        """Pass one request to the upstream on a fresh connection and read its complete reply."""
        lines = head.decode("latin-1").split("\r\n")
        kept = [line for line in lines[1:] if line.split(":", 1)[0].strip().lower() not in ("connection",
                                                                                              "keep-alive")]
        upstream_head = "\r\n".join([lines[0], *kept, "Connection: close"]) + "\r\n\r\n"
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.upstream_host, self.upstream_port), self.upstream_timeout)
        except (OSError, TimeoutError):
            raise UpstreamError(502) from None
        self.forwarded += 1
        try:
            writer.write(upstream_head.encode("latin-1") + body)
            await writer.drain()
            reply = await asyncio.wait_for(_read_reply(reader), self.upstream_timeout)
        except TimeoutError:
            raise UpstreamError(504) from None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            raise UpstreamError(502) from None
        finally:
            with contextlib.suppress(Exception):
                writer.close()
        if 200 <= reply.status < 300:
            self._seen = [*self._seen[-49:], (method.upper(), path, reply)]
        return reply

    def _previous(self, fault: ProxyFault) -> Reply | None:
        for method, path, reply in reversed(self._seen):
            if fault.matches(method, path):
                return reply
        return None


async def _read_reply(reader: asyncio.StreamReader) -> Reply:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
    _version, status, *reason = lines[0].split(" ", 2)
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    lookup = {name.lower(): value for name, value in headers}
    if "chunked" in lookup.get("transfer-encoding", "").lower():
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    elif "content-length" in lookup:
        body = await reader.readexactly(int(lookup["content-length"]))
    else:
        body = await reader.read()
    return Reply(int(status), reason[0] if reason else "", headers, body)


def _rewrite(reply: Reply, amount_delta: Decimal | None = None, order_id: str | None = None) -> Reply:
    """The reply with ``Response.Amount`` / ``Response.OrderId`` changed (unchanged if it is not such JSON)."""
    try:
        data: Any = json.loads(reply.body, parse_float=Decimal)
    except ValueError:
        return reply
    response = data.get("Response") if isinstance(data, dict) else None
    if not isinstance(response, dict):
        return reply
    if amount_delta is not None and response.get("Amount") is not None:
        response["Amount"] = Decimal(str(response["Amount"])) + amount_delta
    if order_id is not None:
        response["OrderId"] = order_id
    body = envelope_dumps(data)
    return Reply(reply.status, reply.reason, reply.headers, body)
