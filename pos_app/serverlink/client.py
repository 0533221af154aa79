"""The lane's HTTP client for its store server: TLS with the server certificate pinned, an overall deadline on
every request, the lane credential and the clerk session on every call, typed errors.

Contracts:
- ``https://`` only, except to a loopback address (``http://127.0.0.1``, tests and a server on this PC). The
  certificate must be the one pinned at enrollment (``pinning``); anything else is :class:`CertificateChanged`
  before a byte of the request leaves. Proxies from the environment are not used (the server is on the store's
  network).
- Every request ends by its overall deadline (connect + send + the whole reply: ``paysimple.deadline``); the
  default is ``Timeouts.total``.
- Failures are typed by what they prove: :class:`ServerUnreachable` with ``sent=False`` when the connection was
  never made (nothing reached the server), ``sent=True`` when the request may have reached it (a timeout or a
  cut connection after sending); :class:`ServerRefused` for the server's own JSON error (``status``, ``code``,
  ``message``, ``values``); a reply that is not the server's JSON is ``ServerUnreachable(sent=True)`` too.
- :meth:`StoreLink.download` streams a large binary reply (a customer snapshot) into a file the caller gives,
  under the same deadline, credential and typed errors, refusing it past ``max_bytes``.
- :func:`enroll` runs the enrollment protocol of ``enrollment``: the server proves it made the code for the
  certificate this connection saw before the code's secret is sent; the result holds what the lane keeps
  (URL, lane, credential, fingerprint).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import secrets
import threading
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlsplit

import httpx

from pos_app.paysimple import deadline
from pos_app.serverlink import enrollment
from pos_app.serverlink import sentences as say
from pos_app.serverlink.pinning import PinMismatch, fingerprint, first_contact_context, pinned_context

log = logging.getLogger(__name__)

MAX_REPLY = 32 * 1024 * 1024


@dataclass(frozen=True)
class Timeouts:
    connect: float = 3.0
    read: float = 20.0
    total: float = 25.0


class LinkError(Exception):
    """Base of the store-server link's errors; ``str()`` is a sentence a clerk can read."""


class ServerUnreachable(LinkError):
    def __init__(self, message: str, sent: bool) -> None:
        super().__init__(message)
        self.sent = sent


class CertificateChanged(ServerUnreachable):
    """The server's certificate is not the pinned one: nothing was sent."""

    def __init__(self) -> None:
        super().__init__(say.CERTIFICATE_CHANGED, sent=False)


class ServerRefused(LinkError):
    def __init__(self, status: int, code: str, message: str, values: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.values = status, code, dict(values or {})


class EnrollmentFailed(LinkError):
    pass


class StoreUrlError(ValueError):
    """A store server address the counter will not use (``str()``: what to type). ``plain_http``: the address
    is plain http:// to another machine (only https:// leaves this PC, decision 0408); else it is empty or not
    an address."""

    def __init__(self, message: str, plain_http: bool = False) -> None:
        super().__init__(message)
        self.plain_http = plain_http


def check_url(url: str) -> str:
    """The server's base URL (no trailing slash); ``StoreUrlError`` for plain http off loopback or a bad URL."""
    parts = urlsplit(str(url).strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise StoreUrlError(say.URL_FORM)
    if parts.scheme == "http":
        host = parts.hostname
        loopback = host == "localhost"
        try:
            loopback = loopback or ipaddress.ip_address(host).is_loopback
        except ValueError:
            pass
        if not loopback:
            raise StoreUrlError(say.URL_PLAIN_HTTP, plain_http=True)
    return f"{parts.scheme}://{parts.netloc}".rstrip("/")


def _cause_chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


class StoreLink:
    """One lane's connection to its server (thread-safe: one ``httpx.Client`` shared by workers)."""

    def __init__(self, url: str, fingerprint: str | None, credential: str | None,
                 timeouts: Timeouts = Timeouts(), transport: httpx.BaseTransport | None = None) -> None:
        self.url = check_url(url)
        self.timeouts = timeouts
        self.credential = credential
        self._session: str | None = None
        self._lock = threading.Lock()
        tls = pinned_context(fingerprint) if fingerprint else first_contact_context()
        self._http = httpx.Client(base_url=self.url, verify=tls, trust_env=False, transport=transport,
                                  timeout=httpx.Timeout(timeouts.read, connect=timeouts.connect),
                                  headers={"Cache-Control": "no-cache"})
        if transport is None:
            deadline.install(self._http)

    def close(self) -> None:
        self._http.close()

    @property
    def session(self) -> str | None:
        with self._lock:
            return self._session

    @session.setter
    def session(self, token: str | None) -> None:
        with self._lock:
            self._session = token

    def request(self, method: str, path: str, body: Any = None, *, params: dict | None = None,
                headers: dict | None = None, total: float | None = None,
                peer: list[str | None] | None = None) -> tuple[int, Any, httpx.Response]:
        """(status, parsed JSON or None, the response) for a 2xx; raises the typed errors of the module doc.
        ``peer``: gets the fingerprint of the certificate this reply came over (None over plain http)."""
        send = dict(headers or {})
        if self.credential:
            send["Authorization"] = f"Lane {self.credential}"
        token = self.session
        if token:
            send["X-Clerk-Session"] = token
        content = None
        if body is not None:
            content = json.dumps(body).encode("utf-8")
            send["Content-Type"] = "application/json"
        try:
            with deadline.limit(total or self.timeouts.total):
                request = self._http.build_request(method, path, content=content, params=params, headers=send)
                response = self._http.send(request, stream=True)
                if peer is not None:
                    peer.append(_peer_fingerprint(response))
                try:
                    raw = b""
                    for chunk in response.iter_bytes():
                        raw += chunk
                        if len(raw) > MAX_REPLY:
                            raise ServerUnreachable(say.REPLY_TOO_LARGE, sent=True)
                finally:
                    response.close()
        except httpx.HTTPError as exc:
            _link_fault(exc, say.NO_CONNECTION, say.ANSWER_LOST)
        data = None
        if raw:
            try:
                data = json.loads(raw)
            except ValueError:
                raise ServerUnreachable(say.REPLY_UNREADABLE, sent=True) from None
        if response.status_code >= 400:
            _refused(response.status_code, data)
        return response.status_code, data, response


    def download(self, path: str, into, *, max_bytes: int, total: float,
                 params: dict | None = None) -> httpx.Headers:
        """Stream a 2xx reply's body into the binary file ``into``; returns the reply's headers. A reply
        larger than ``max_bytes`` (said or sent) is ``ServerUnreachable(sent=True)``; errors as ``request``.
        ``into`` may hold part of a body when this raises: the caller discards it."""
        send = {"Authorization": f"Lane {self.credential}"} if self.credential else {}
        try:
            with deadline.limit(total):
                request = self._http.build_request("GET", path, params=params, headers=send)
                response = self._http.send(request, stream=True)
                try:
                    if response.status_code >= 400:
                        raw = b""
                        for chunk in response.iter_bytes():
                            raw += chunk
                            if len(raw) > MAX_REPLY:
                                break
                        try:
                            error_data = json.loads(raw) if raw else None
                        except ValueError:
                            error_data = None  # not the server's JSON: said as "not the store server"
                        _refused(response.status_code, error_data)
                    said = response.headers.get("content-length")
                    if said is not None and (not said.isdigit() or int(said) > max_bytes):
                        raise ServerUnreachable(say.FILE_TOO_LARGE.fill(max_bytes), sent=True)
                    got = 0
                    for chunk in response.iter_bytes():
                        got += len(chunk)
                        if got > max_bytes:
                            raise ServerUnreachable(say.FILE_TOO_LARGE.fill(max_bytes), sent=True)
                        into.write(chunk)
                    if said is not None and got != int(said):
                        raise ServerUnreachable(say.FILE_INCOMPLETE, sent=True)
                    return response.headers
                finally:
                    response.close()
        except httpx.HTTPError as exc:
            _link_fault(exc, say.NO_CONNECTION_SHORT, say.FILE_LOST)


def _link_fault(exc: httpx.HTTPError, no_connection: str, lost: str) -> NoReturn:
    """Raise the typed error for a transport fault: the pinned certificate not matching (nothing sent), no
    connection (``no_connection``, nothing sent), or the request out and its answer ``lost`` (it may have
    arrived)."""
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(e, PinMismatch) for e in _cause_chain(exc)):
            raise CertificateChanged() from None
        raise ServerUnreachable(no_connection, sent=False) from exc
    if isinstance(exc, httpx.ConnectTimeout):
        raise ServerUnreachable(say.CONNECT_TIMEOUT, sent=False) from exc
    raise ServerUnreachable(lost, sent=True) from exc


def _refused(status: int, data: Any) -> NoReturn:
    """Raise the typed error for an error reply with ``status`` and parsed JSON body ``data`` (None: none or not
    JSON)."""
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("code"), str):
        raise ServerUnreachable(say.NOT_THE_SERVER.fill(status), sent=True)
    raise ServerRefused(status, error["code"], str(error.get("message") or error["code"]),
                        error.get("values") if isinstance(error.get("values"), dict) else {})


@dataclass(frozen=True)
class Enrollment:
    """What a lane keeps after enrolling: the credential goes to its keyring, the rest to its settings."""

    url: str
    lane: str
    credential: str
    fingerprint: str

    def __repr__(self) -> str:
        return f"Enrollment(url={self.url!r}, lane={self.lane!r}, credential=<hidden>, fingerprint={self.fingerprint!r})"


def enroll(url: str, code: str, lane: str, timeouts: Timeouts = Timeouts()) -> Enrollment:
    """Enroll this counter as ``lane`` with a one-time code (module docstring). Raises ``ValueError`` for a bad
    address, code or lane name, :class:`EnrollmentFailed` when the server cannot prove it made the code (nothing
    secret was sent), ``ServerRefused`` for the server's refusal (used, expired...), ``ServerUnreachable``."""
    canonical = enrollment.canonical(code)
    if not enrollment.LANE_NAME_RE.fullmatch(lane or ""):
        raise ValueError(say.BAD_LANE)
    code_id, secret = enrollment.split(canonical)
    nonce = secrets.token_hex(16)
    first = StoreLink(url, None, None, timeouts)
    try:
        peer: list[str | None] = []
        _, reply, _ = first.request("POST", "/v1/enroll/challenge", {"code_id": code_id, "nonce": nonce}, peer=peer)
        seen = peer[0] if peer else None
    finally:
        first.close()
    if seen is None:
        raise EnrollmentFailed(say.ENROLL_NEEDS_HTTPS)
    expected = enrollment.proof(enrollment.code_key(secret), seen, nonce)
    if not isinstance(reply, dict) or not enrollment.proof_matches(expected, reply.get("proof")):
        raise EnrollmentFailed(say.ENROLL_NO_PROOF)
    pinned = StoreLink(url, seen, None, timeouts)
    try:
        _, reply, _ = pinned.request("POST", "/v1/enroll", {"code": canonical, "lane": lane})
    finally:
        pinned.close()
    if not isinstance(reply, dict) or reply.get("lane") != lane or not isinstance(reply.get("credential"), str):
        raise EnrollmentFailed(say.ENROLL_UNREADABLE)
    return Enrollment(check_url(url), lane, reply["credential"], seen)


def _peer_fingerprint(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(True)  # the low-level object takes it positionally
    return fingerprint(der) if der else None
