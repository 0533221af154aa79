"""An overall deadline per HTTP request: connect + request + whole reply (headers and body) end by it.

httpx only has per-operation timeouts (each connect, each socket read, each write), so a reply that drips one
byte per second never times out. This module closes that gap at the socket layer:

- ``limit(seconds)`` is a context manager that sets a deadline for the calling thread (thread-local; nested
  limits keep the earlier one). The client wraps each HTTP exchange (send + reading the whole body) in it.
- ``DeadlineBackend`` wraps httpcore's network backend. Every socket operation it hands out (connect, TLS
  handshake, each read, each write) gets ``min(its own timeout, time left)``; once no time is left it raises
  httpcore's ``ConnectTimeout`` / ``ReadTimeout`` / ``WriteTimeout`` at once, which httpx maps to its own
  timeouts as usual. A pooled connection looks the deadline up at each operation, so it obeys whichever
  request (and thread) is using it now. Outside ``limit`` it is a pass-through.
- Name resolution (``getaddrinfo``) has no timeout in the standard library: it runs on a helper thread and is
  abandoned (not waited for) when the deadline or connect timeout passes.
- ``install(client)`` puts the backend under every ``httpx.HTTPTransport`` of an ``httpx.Client`` (its main
  transport and any proxy mounts taken from the environment). It reaches httpx/httpcore internals
  (``transport._pool._network_backend``) and raises ``RuntimeError`` if they change shape, so an upgrade cannot
  silently drop the deadline (``tests/paysimple/test_deadline.py`` proves it over real TCP).

Invariant: inside ``limit(t)``, no socket operation of that thread blocks past ``t`` seconds after the limit
was entered (plus scheduling jitter); the exception raised is a timeout, so callers treat a write as
"may have taken effect".
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

_local = threading.local()


def remaining() -> float | None:
    """Seconds left for this thread's current request, or None when no deadline is set."""
    deadline = getattr(_local, "deadline", None)
    return None if deadline is None else deadline - time.monotonic()


def expired() -> bool:
    left = remaining()
    return left is not None and left <= 0


@contextmanager
def limit(seconds: float | None) -> Iterator[None]:
    """Run the block under a deadline ``seconds`` from now (None: no deadline of its own)."""
    previous = getattr(_local, "deadline", None)
    if seconds is not None:
        mine = time.monotonic() + seconds
        _local.deadline = mine if previous is None else min(previous, mine)
    try:
        yield
    finally:
        _local.deadline = previous


def _clamp(timeout: float | None, exc: type[Exception], what: str) -> float | None:
    left = remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise exc(f"the overall request deadline passed before {what}")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout, "reading the reply"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout, "sending the request"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        clamped = _clamp(timeout, httpcore.ConnectTimeout, "the TLS handshake")
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, clamped))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def resolve(host: str, port: int, timeout: float | None) -> list[str]:
    """``getaddrinfo`` bounded by ``timeout`` (a stuck resolver is abandoned on its helper thread)."""
    result: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            result["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            result["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name=f"resolve-{host}", daemon=True).start()
    if not done.wait(timeout):
        raise httpcore.ConnectTimeout(f"resolving {host} took longer than the time left")
    if "error" in result:
        raise httpcore.ConnectError(f"cannot resolve {host}: {result['error']}")
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in result["infos"]:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve {host}: no addresses")
    return addresses


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore network backend whose every socket operation ends by the thread's request deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        what = f"connecting to {host}"
        if remaining() is None or _is_ip(host):
            addresses = [host]
        else:
            addresses = resolve(host, port, _clamp(timeout, httpcore.ConnectTimeout, what))
        last: Exception | None = None
        for address in addresses:  # each try gets only what is left, so all of them together end in time
            try:
                stream = self._inner.connect_tcp(address, port, _clamp(timeout, httpcore.ConnectTimeout, what),
                                                 local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return DeadlineStream(stream)
        assert last is not None
        raise last

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        clamped = _clamp(timeout, httpcore.ConnectTimeout, "connecting")
        return DeadlineStream(self._inner.connect_unix_socket(path, clamped, socket_options))

    def sleep(self, seconds: float) -> None:
        left = remaining()
        self._inner.sleep(seconds if left is None else max(0.0, min(seconds, left)))


def install(client: httpx.Client) -> int:
    """Wrap the network backend of every ``httpx.HTTPTransport`` in ``client``; returns how many were wrapped.

    Transports of other kinds (``httpx.MockTransport``, test doubles) are left alone: they open no sockets.
    """
    transports = [client._transport, *client._mounts.values()]  # noqa: SLF001 - see module docstring
    wrapped = 0
    for transport in transports:
        if not isinstance(transport, httpx.HTTPTransport):
            continue
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None:
            raise RuntimeError("httpx/httpcore changed: cannot install the overall request deadline "
                               "(HTTPTransport._pool._network_backend is missing)")
        if not isinstance(backend, DeadlineBackend):
            pool._network_backend = DeadlineBackend(backend)  # noqa: SLF001
        wrapped += 1
    return wrapped
