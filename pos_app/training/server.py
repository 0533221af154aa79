"""The training gateway: an offline PaySimple API v4 (+ PaySimpleJS stand-in) on a loopback port.

``TrainingGateway(api_user, api_key, data=None, demo_customers=0, host="127.0.0.1", port=0)``:
``start()`` runs uvicorn in its own thread and returns once the port accepts connections (``base_url``,
``api_url``); ``stop()`` shuts it down (stalled fault requests are released first, so it never hangs);
also a context manager. ``.store``, ``.tokens``, ``.clock``, ``.faults``, ``.payments`` are the live parts.

Request pipeline (outermost first):
1. ``FaultMiddleware`` — injected faults (not applied to ``/_training``).
2. ``Gatekeeper`` — ``/v4`` paths are lower-cased and lose a trailing slash; they need a valid
   ``Authorization`` (else 401, empty body) and first apply due settlements. ``/_training`` (fault and clock
   admin) goes through :func:`admin_refusal` first.
3. Starlette router: the v4 API (``api.py``), the admin routes (only with ``admin=True``), and the
   PaySimpleJS stand-in routes from ``pos_app.training.sdk.sdk_routes(gateway)`` when that module exists.

Admin (plain JSON, no envelope), mounted only when the gateway is made with ``admin=True`` (tests and the
standalone ``--admin``); the in-app training gateway never has it:
- ``GET/POST/DELETE /_training/faults`` — list / add ``{"method","path","kind","count","delay_s","body"}`` /
  clear (``body``: optional, a regular expression the request body must contain; ``faults``).
- ``GET/POST /_training/clock`` — ``{"now"}`` / ``{"advance_seconds": n}`` or ``{"set": "<ISO-8601>"}`` or
  ``{"reset": true}``.
Every admin request must (else 403, or 415 for a body that is not JSON, nothing changed):
- come from a loopback client address;
- name a loopback host in ``Host`` (``127.0.0.1``/any 127.x, ``::1``, ``localhost``): a page whose domain
  was re-pointed at 127.0.0.1 (DNS rebinding) sends its own name;
- carry no ``Origin`` header (web pages send one on cross-site writes; test tools do not);
- carry ``X-Training-Admin-Token: <gateway.admin_token>``, a random token made per gateway run;
- send a body only as ``Content-Type: application/json`` (a browser cannot send that cross-site without
  a CORS pre-flight, which this gateway never answers).

Training credentials are public by design (defaults ``training`` / ``training-key``): the gateway moves no money
and binds to loopback. A non-loopback ``host`` is refused with the public default key (``ValueError``).
Demo data is added only to an empty store, so a ``--data`` file keeps its customers.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import re
import secrets
import socket
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pos_app.paysimple.rules import FieldMessage
from pos_app.training import authcheck
from pos_app.training.api import Api
from pos_app.training.clock import GatewayClock
from pos_app.training.demo import populate
from pos_app.training.envelope import ApiError, error_response, server_error_body, unauthorized
from pos_app.training.faults import KINDS, FaultMiddleware, Faults, _buffered
from pos_app.training.processing import PaymentProcessor
from pos_app.training.sdk import sdk_routes
from pos_app.training.store import Store
from pos_app.training.tokens import Tokens

log = logging.getLogger(__name__)

DEFAULT_API_USER = "training"
DEFAULT_API_KEY = "training-key"


def _is_loopback(scope: dict[str, Any]) -> bool:
    client = scope.get("client")
    if not client:
        return False
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False


ADMIN_TOKEN_HEADER = "X-Training-Admin-Token"


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals (``127.0.0.0/8``, ``::1``, with or without brackets)."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(host_header: str) -> str:
    """The name part of a ``Host`` header value (IPv6 literals keep their brackets)."""
    value = host_header.strip()
    if value.startswith("["):
        end = value.find("]")
        return value[: end + 1] if end > 0 else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def admin_refusal(scope: dict[str, Any], token: str) -> tuple[int, str] | None:
    """Why an admin request is refused ``(status, reason)``, or None when it may go on (module docstring)."""
    if not _is_loopback(scope):
        return 403, "training admin is loopback-only"
    headers: dict[bytes, list[bytes]] = {}
    for key, value in scope["headers"]:
        headers.setdefault(key.lower(), []).append(value)
    hosts = headers.get(b"host", [])
    if len(hosts) != 1 or not is_loopback_host(_host_name(hosts[0].decode("latin-1"))):
        return 403, "training admin needs a loopback Host header"
    if b"origin" in headers:
        return 403, "training admin does not answer web pages"
    given = headers.get(ADMIN_TOKEN_HEADER.lower().encode(), [])
    if len(given) != 1 or not hmac.compare_digest(given[0], token.encode()):
        return 403, f"training admin needs the {ADMIN_TOKEN_HEADER} header of this gateway run"
    if scope["method"] not in ("GET", "HEAD", "DELETE", "OPTIONS"):
        ctype = b",".join(headers.get(b"content-type", [])).split(b";")[0].strip().lower()
        if ctype != b"application/json":
            return 415, "training admin accepts application/json bodies only"
    return None


def _replay(messages: list[dict[str, Any]], receive: Any) -> Any:
    async def replay() -> dict[str, Any]:
        return messages.pop(0) if messages else await receive()
    return replay


class Gatekeeper:
    """Path normalisation, authentication, settlement and the loopback rule (see module docstring)."""

    def __init__(self, app: Any, gateway: TrainingGateway) -> None:
        self.app = app
        self.gw = gateway

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        lowered = path.lower()
        if self.gw.recorded is not None:  # tests: what reached the gateway, as sent (memory only)
            _, body = await _buffered(receive)
            receive = _replay([{"type": "http.request", "body": body, "more_body": False}], receive)
            self.gw.recorded.append((scope["method"], path, {k.decode("latin-1").lower(): v.decode("latin-1")
                                                             for k, v in scope["headers"]}, body))
        if lowered == "/v4" or lowered.startswith("/v4/"):
            normal = lowered.rstrip("/") or "/"
            scope = {**scope, "path": normal, "raw_path": normal.encode()}
            headers = {k.lower(): v for k, v in scope["headers"]}
            header = headers.get(b"authorization", b"").decode("latin-1")
            reason = authcheck.check(header, self.gw.api_user, self.gw._api_key, self.gw.clock.now())
            if reason is not None:
                log.info("401 for %s %s: %s", scope["method"], normal, reason)
                await unauthorized()(scope, receive, send)
                return
            self.gw.payments.settle_due()
        elif lowered.startswith("/_training") and self.gw.admin_token is not None:
            refusal = admin_refusal(scope, self.gw.admin_token)
            if refusal is not None:
                status, reason = refusal
                log.warning("training admin refused a %s request: %s", scope["method"], reason)
                await JSONResponse({"error": reason}, status)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class TrainingGateway:
    def __init__(self, api_user: str = DEFAULT_API_USER, api_key: str = DEFAULT_API_KEY,
                 data: Path | str | None = None, demo_customers: int = 0, host: str = "127.0.0.1", port: int = 0,
                 *, settle_delay: timedelta | None = timedelta(0), demo_seed: int = 20261125,
                 admin: bool = False) -> None:
        if not is_loopback_host(host) and api_key == DEFAULT_API_KEY:
            raise ValueError(f"a training gateway on {host} (not loopback) needs its own API key, "
                             "not the public training key")
        self.api_user = api_user
        # Per-run secret for the admin routes; None = not mounted (the in-app gateway).
        self.admin_token: str | None = secrets.token_urlsafe(32) if admin else None
        # Tests set a list here to see every request as it arrived: (method, path, headers, body). Memory only.
        self.recorded: list[tuple[str, str, dict[str, str], bytes]] | None = None
        # Receipts the gateway "e-mailed" (POST /v4/payment/{id}/sendreceipt): dicts {payment_id, to, at}.
        # Training sends no mail; this list is its record of what it would have sent (memory only).
        self.outbox: list[dict] = []
        self._api_key = api_key           # not in repr/str; never logged
        self.host = host
        self.port = port
        self.clock = GatewayClock()
        self.store = Store(data, self.clock)
        self.tokens = Tokens(self.store, self.clock)
        self.faults = Faults()
        self.payments = PaymentProcessor(self.store, self.clock, self.tokens, settle_delay)
        if demo_customers and self.store.count_customers() == 0:
            populate(self.store, demo_customers, seed=demo_seed)
        self.app = self._build_app()
        self._fault_layer = FaultMiddleware(Gatekeeper(self.app, self), self.faults, self._drop_connection)
        self.asgi = self._fault_layer
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"TrainingGateway(api_user={self.api_user!r}, base_url={self.base_url!r})"

    def admin_headers(self) -> dict[str, str]:
        """Headers an admin request needs besides a loopback Host (``admin=True`` gateways only)."""
        if self.admin_token is None:
            raise RuntimeError("this training gateway has no admin routes (make it with admin=True)")
        return {ADMIN_TOKEN_HEADER: self.admin_token}

    # --- app --------------------------------------------------------------------------------------------

    def _build_app(self) -> Starlette:
        routes: list[BaseRoute] = [*Api(self.store, self.tokens, self.clock, self.payments, self.outbox).routes()]
        if self.admin_token is not None:
            routes += self._admin_routes()
        routes += sdk_routes(self)

        async def api_error(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, ApiError)
            return error_response(exc)

        async def http_error(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, HTTPException)
            if exc.status_code == 405:
                err = ApiError(405, [FieldMessage("", f"The {request.method} method is not allowed here.")])
            elif exc.status_code == 404:
                err = ApiError(404, [FieldMessage("", "The requested resource was not found.")])
            else:
                err = ApiError(exc.status_code, [FieldMessage("", str(exc.detail))])
            response = error_response(err)
            if exc.headers:
                response.headers.update(exc.headers)
            return response

        async def crash(request: Request, exc: Exception) -> Response:
            log.exception("training gateway handler failed", exc_info=exc)
            return Response(server_error_body(), status_code=500, media_type="application/json")

        return Starlette(routes=routes, exception_handlers={ApiError: api_error, HTTPException: http_error,
                                                            Exception: crash})

    def _admin_routes(self) -> list[Route]:
        async def faults_admin(request: Request) -> Response:
            if request.method == "DELETE":
                self.faults.clear()
                return JSONResponse({"pending": []})
            if request.method == "POST":
                try:
                    spec = json.loads(await request.body() or b"{}")
                    body = spec.get("body")
                    self.faults.add(str(spec.get("method", "*")), str(spec["path"]), str(spec["kind"]),
                                    int(spec.get("count", 1)), spec.get("delay_s"),
                                    None if body is None else str(body))
                except (ValueError, KeyError, TypeError, AttributeError, re.error) as exc:
                    return JSONResponse({"error": f"bad fault: {exc}; kinds: {', '.join(KINDS)}"}, 400)
            return JSONResponse({"pending": [f.as_dict() for f in self.faults.pending()]})

        async def clock_admin(request: Request) -> Response:
            if request.method == "POST":
                try:
                    spec = json.loads(await request.body() or b"{}")
                    if "advance_seconds" in spec:
                        self.clock.advance(float(spec["advance_seconds"]))
                    elif "set" in spec:
                        self.clock.set(datetime.fromisoformat(str(spec["set"]).replace("Z", "+00:00")))
                    elif spec.get("reset"):
                        self.clock.reset()
                    else:
                        raise ValueError("give advance_seconds, set or reset")
                except (ValueError, TypeError, AttributeError) as exc:
                    return JSONResponse({"error": f"bad clock change: {exc}"}, 400)
            return JSONResponse({"now": self.clock.now().isoformat(),
                                 "offset_s": self.clock.offset.total_seconds()})

        return [Route("/_training/faults", faults_admin, methods=["GET", "POST", "DELETE"]),
                Route("/_training/clock", clock_admin, methods=["GET", "POST"])]

    async def _drop_connection(self, scope: dict[str, Any]) -> bool:
        """Close the TCP connection serving ``scope`` without a reply (uvicorn h11 internals; False if not found)."""
        server = self._server
        if server is None:
            return False
        for conn in list(server.server_state.connections):
            cycle = getattr(conn, "cycle", None)
            if cycle is not None and getattr(cycle, "scope", None) is scope:
                conn.transport.close()
                for _ in range(3):            # let connection_lost mark the cycle disconnected
                    await asyncio.sleep(0)
                return True
        return False

    # --- lifecycle --------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/v4"

    def settle_due(self) -> int:
        """Apply due settlements now (the API does this before every request)."""
        return self.payments.settle_due()

    def start(self, timeout: float = 15.0) -> TrainingGateway:
        if self._thread is not None:
            raise RuntimeError("training gateway already started")
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP;
        # without it every reply (headers and body are separate writes) waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM,
                             socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, self.port))
        sock.listen(256)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.asgi, lifespan="off", log_level="warning", access_log=False, http="h11",
                                ws="none", loop="asyncio", timeout_graceful_shutdown=2, timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._fault_layer.reset()
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"training-gateway-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"training gateway failed to start on {self.host}:{self.port}")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        server, thread = self._server, self._thread
        if server is not None:
            server.should_exit = True
            self._fault_layer.release_all()
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                if server is not None:
                    server.force_exit = True
                thread.join(timeout)
        self._thread = None
        self._server = None

    def close(self) -> None:
        self.stop()
        self.store.close()

    def __enter__(self) -> TrainingGateway:
        return self.start() if self._thread is None else self

    def __exit__(self, *exc: object) -> None:
        self.close()
