"""Per-call cost of PaySimpleClient.get_customer vs a bare httpx GET to the same local endpoint.

A tiny Starlette app served by uvicorn in a thread on 127.0.0.1 answers GET /v4/customer/{id} with a small
``{Meta, Response}`` customer. Calls alternate (client, bare, client, bare...) in the same run so both see
the same machine load; we report medians. The client's extra work per call: a fresh PSSERVER HMAC header,
Decimal-aware JSON parsing, envelope checks, building the frozen Customer, DEBUG-level log checks.

    .venv/bin/python bench/client.py [--iterations 3000] [--warmup 300]

Prints JSON: client_ms, bare_ms, overhead_ratio (goal <= 1.2), plus spread figures.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pos_app.paysimple import PaySimpleClient, Timeouts  # noqa: E402

CUSTOMER = {
    "Id": 0, "FirstName": "Ada", "LastName": "Lovelace", "MiddleName": None, "Company": "Engines Ltd",
    "CustomerAccount": "C-17", "Email": "ada@example.com", "AltEmail": None, "Phone": "3035550100",
    "AltPhone": None, "MobilePhone": None, "Fax": None, "Website": None, "Notes": None,
    "BillingAddress": {"StreetAddress1": "1 Main St", "StreetAddress2": None, "City": "Denver",
                       "StateCode": "CO", "ZipCode": "80202", "Country": "US"},
    "ShippingAddress": None, "ShippingSameAsBilling": True,
    "CreatedOn": "2013-10-11T17:41:36.6661404Z", "LastModified": "2013-10-15T06:00:00Z",
}


async def customer(request: Request) -> Response:
    if not request.headers.get("authorization", "").startswith("PSSERVER "):
        return Response(status_code=401)
    body = {"Meta": {"Errors": None, "HttpStatus": "OK", "HttpStatusCode": 200, "PagingDetails": None},
            "Response": {**CUSTOMER, "Id": int(request.path_params["cid"])}}
    return Response(json.dumps(body), media_type="application/json")


def start_server() -> tuple[uvicorn.Server, threading.Thread, int]:
    app = Starlette(routes=[Route("/v4/customer/{cid:int}", customer)])
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto is TCP, and
    # socket.create_server() leaves proto=0 -> Nagle + delayed ACK add ~40 ms to every reply.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    return server, thread, port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=300)
    args = parser.parse_args()

    server, thread, port = start_server()
    base = f"http://127.0.0.1:{port}/v4"
    try:
        client = PaySimpleClient(base, "BenchUser", "bench-api-key-0123456789", timeouts=Timeouts(5, 10))
        bare = httpx.Client(base_url=base, timeout=10, headers={"Accept": "application/json",
                                                               "Authorization": "PSSERVER accessid=x"})
        client_ns: list[int] = []
        bare_ns: list[int] = []
        clock = time.perf_counter_ns
        for i in range(args.warmup + args.iterations):
            cid = i % 1000 + 1
            t0 = clock()
            result = client.get_customer(cid)
            t1 = clock()
            response = bare.get(f"/customer/{cid}")
            t2 = clock()
            if result.id != cid or response.status_code != 200:
                raise RuntimeError("unexpected reply")
            if i >= args.warmup:
                client_ns.append(t1 - t0)
                bare_ns.append(t2 - t1)
        client.close()
        bare.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)

    def ms(values: list[int], q: float | None = None) -> float:
        if q is None:
            return round(statistics.median(values) / 1e6, 4)
        return round(statistics.quantiles(values, n=100)[int(q) - 1] / 1e6, 4)

    client_ms, bare_ms = ms(client_ns), ms(bare_ns)
    print(json.dumps({
        "client_ms": client_ms,
        "bare_ms": bare_ms,
        "overhead_ratio": round(client_ms / bare_ms, 3),
        "overhead_ms": round(client_ms - bare_ms, 4),
        "client_p90_ms": ms(client_ns, 90),
        "bare_p90_ms": ms(bare_ns, 90),
        "iterations": args.iterations,
        "statistic": "median per call, interleaved, keep-alive, uvicorn+starlette on 127.0.0.1",
    }, indent=2))


if __name__ == "__main__":
    main()
