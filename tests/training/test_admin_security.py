"""Attacks on the training gateway's admin routes and its listening address (issue 14 §6, §7), over real TCP.

Reproduced before the fix: a browser page on any site could POST ``text/plain`` to ``/_training/faults`` or
``/_training/clock`` of a loopback gateway (a "simple" cross-site request: no pre-flight), and a page whose
domain was re-pointed at 127.0.0.1 (DNS rebinding) could read and write them with its own ``Host``; the
in-app gateway mounted them too; ``python -m pos_app.training --host 0.0.0.0`` served the public key to the
network. Each test below sends the attack the way a browser or a remote machine would and shows it fails
(nothing changed on the gateway), then that the legitimate request still works.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pos_app.training import TrainingGateway
from pos_app.training.server import ADMIN_TOKEN_HEADER, DEFAULT_API_KEY, is_loopback_host
from tests.fixtures.gateway import API_KEY, API_USER

ROOT = Path(__file__).resolve().parents[2]
FAULT = {"method": "POST", "path": "/v4/payment", "kind": "error_before"}

admin_gateway = pytest.mark.parametrize("gateway", [{"admin": True}], indirect=True)


def raw_request(gateway, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
    """One HTTP/1.1 request written byte for byte (so Host and Origin are exactly what a browser would send)."""
    lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items()),
             f"Content-Length: {len(body)}", "Connection: close", "", ""]
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as sock:
        sock.sendall("\r\n".join(lines).encode("latin-1") + body)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, payload = reply.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), payload


def nothing_changed(gateway) -> bool:
    return gateway.faults.pending() == [] and gateway.clock.offset.total_seconds() == 0


@admin_gateway
def test_cross_site_text_plain_post_is_refused(gateway):
    """What a page on https://evil.example can send without a pre-flight: text/plain, its Origin, no token."""
    host = f"127.0.0.1:{gateway.port}"
    for path, body in (("/_training/faults", FAULT), ("/_training/clock", {"advance_seconds": 86400})):
        status, payload = raw_request(gateway, "POST", path, {
            "Host": host, "Origin": "https://evil.example", "Content-Type": "text/plain;charset=UTF-8"},
            json.dumps(body).encode())
        assert status == 403, payload
    # Even without the Origin header (a no-cors form post can drop it on some browsers) the token is missing.
    status, _ = raw_request(gateway, "POST", "/_training/faults", {"Host": host, "Content-Type": "text/plain"},
                            json.dumps(FAULT).encode())
    assert status == 403
    assert nothing_changed(gateway)


@admin_gateway
def test_dns_rebinding_host_is_refused_even_with_the_token(gateway):
    """A page at http://rebound.example:PORT whose name now resolves to 127.0.0.1: same-origin to itself, so
    the browser would let it read replies; its Host header still names it. Refused on the Host alone."""
    headers = {"Host": f"rebound.example:{gateway.port}", ADMIN_TOKEN_HEADER: gateway.admin_token,
               "Content-Type": "application/json"}
    assert raw_request(gateway, "GET", "/_training/clock", headers)[0] == 403
    assert raw_request(gateway, "POST", "/_training/faults", headers, json.dumps(FAULT).encode())[0] == 403
    assert nothing_changed(gateway)


@admin_gateway
def test_each_admin_rule_on_its_own(gateway):
    ok = {"Host": f"127.0.0.1:{gateway.port}", ADMIN_TOKEN_HEADER: gateway.admin_token,
          "Content-Type": "application/json"}
    body = json.dumps(FAULT).encode()
    cases = {
        "no token": ({k: v for k, v in ok.items() if k != ADMIN_TOKEN_HEADER}, 403),
        "wrong token": ({**ok, ADMIN_TOKEN_HEADER: gateway.admin_token[:-1] + "x"}, 403),
        "an Origin": ({**ok, "Origin": f"http://127.0.0.1:{gateway.port}"}, 403),
        "text/plain": ({**ok, "Content-Type": "text/plain"}, 415),
        "form": ({**ok, "Content-Type": "application/x-www-form-urlencoded"}, 415),
        "no type": ({k: v for k, v in ok.items() if k != "Content-Type"}, 415),
    }
    for name, (headers, expected) in cases.items():
        status, payload = raw_request(gateway, "POST", "/_training/faults", headers, body)
        assert status == expected, (name, payload)
    assert nothing_changed(gateway)
    # The legitimate call: loopback Host (any spelling), the token, JSON.
    for host in (f"127.0.0.1:{gateway.port}", f"localhost:{gateway.port}", "127.0.0.1"):
        status, payload = raw_request(gateway, "POST", "/_training/faults",
                                      {**ok, "Host": host, "Content-Type": "application/json; charset=utf-8"}, body)
        assert status == 200, payload
    assert len(gateway.faults.pending()) == 3


@admin_gateway
def test_the_token_is_per_run(gateway):
    with TrainingGateway(API_USER, API_KEY, admin=True) as other:
        assert other.admin_token != gateway.admin_token and len(other.admin_token) >= 40
        status, _ = raw_request(other, "GET", "/_training/clock",
                                {"Host": f"127.0.0.1:{other.port}", ADMIN_TOKEN_HEADER: gateway.admin_token})
        assert status == 403
        with httpx.Client(base_url=other.base_url, headers=other.admin_headers(), timeout=5) as c:
            assert c.get("/_training/clock").status_code == 200


def test_gateway_without_admin_has_no_admin_routes(gateway):
    """The default (and the in-app gateway): the routes do not exist, whatever the request carries."""
    assert gateway.admin_token is None
    with pytest.raises(RuntimeError, match="admin=True"):
        gateway.admin_headers()
    with httpx.Client(base_url=gateway.base_url, timeout=5) as c:
        for method, path in (("GET", "/_training/clock"), ("POST", "/_training/faults"),
                             ("POST", "/_training/clock"), ("DELETE", "/_training/faults")):
            r = c.request(method, path, json=FAULT, headers={ADMIN_TOKEN_HEADER: "guess"})
            assert r.status_code == 404, (method, path)
    assert nothing_changed(gateway)


def test_in_app_training_gateway_has_no_admin_routes(tmp_path):
    from pos_app.config import Environment, app_paths
    from pos_app.counter import Counter, CounterStart

    backend = Counter.open(CounterStart(Environment.TRAINING, app_paths(tmp_path / "home"), demo_customers=0, in_memory=True))
    try:
        gw = backend.gateway
        assert gw.admin_token is None
        status, _ = raw_request(gw, "POST", "/_training/clock", {"Host": f"127.0.0.1:{gw.port}",
                                "Content-Type": "application/json"}, b'{"advance_seconds": 86400}')
        assert status == 404
        assert gw.clock.offset.total_seconds() == 0
    finally:
        backend.close()


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("LOCALHOST.", True), ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("example.com", False),
    ("localhost.example.com", False), ("127.0.0.1.nip.io", False), ("", False)])
def test_loopback_host_names(host, loopback):
    assert is_loopback_host(host) is loopback


def test_gateway_refuses_a_public_address_with_the_public_key():
    with pytest.raises(ValueError, match="not loopback"):
        TrainingGateway(host="0.0.0.0")
    with pytest.raises(ValueError, match="not loopback"):
        TrainingGateway("training", DEFAULT_API_KEY, host="192.0.2.1")


def run_standalone(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pos_app.training", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONUNBUFFERED": "1"})


@pytest.mark.parametrize("extra", [[], ["--api-key", DEFAULT_API_KEY], ["--api-key", ""]])
def test_standalone_refuses_a_non_loopback_host_without_its_own_key(extra):
    r = run_standalone("--host", "0.0.0.0", "--port", "0", *extra)
    assert r.returncode == 2 and r.stdout == ""
    assert "not loopback" in r.stderr and "--api-key" in r.stderr


def test_standalone_listens_beyond_loopback_only_with_an_explicit_key():
    proc = subprocess.Popen([sys.executable, "-m", "pos_app.training", "--host", "0.0.0.0", "--port", "0",
                             "--api-key", "a-store-chosen-key-1234"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline()
        assert line.startswith("training gateway ready at http://0.0.0.0:"), (line, proc.stderr)
        port = int(line.rsplit(":", 1)[1])
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as c:
            # No admin unless asked, and the v4 API wants the store's key (the public one is refused).
            assert c.get("/_training/clock").status_code == 404
            from pos_app.paysimple import PaySimpleClient
            from pos_app.paysimple.errors import AuthenticationError
            with PaySimpleClient(f"http://127.0.0.1:{port}/v4", "training", DEFAULT_API_KEY,
                                 max_retries=0) as public, pytest.raises(AuthenticationError):
                public.checkout_token()
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def test_standalone_admin_prints_its_token_and_needs_it():
    proc = subprocess.Popen([sys.executable, "-m", "pos_app.training", "--port", "0", "--admin"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = proc.stdout.readline().strip().rsplit(" ", 1)[1]
        token_line = proc.stdout.readline().strip()
        assert token_line.startswith("training admin token: ")
        token = token_line.rsplit(" ", 1)[1]
        with httpx.Client(base_url=url, timeout=5) as c:
            assert c.post("/_training/clock", json={"advance_seconds": 60}).status_code == 403
            r = c.post("/_training/clock", json={"advance_seconds": 60}, headers={ADMIN_TOKEN_HEADER: token})
            assert r.status_code == 200 and r.json()["offset_s"] == pytest.approx(60, abs=1)
    finally:
        proc.terminate()
        proc.communicate(timeout=15)
