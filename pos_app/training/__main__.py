"""Run the training gateway standalone.

    python -m pos_app.training --host 127.0.0.1 --port PORT --api-user USER --api-key KEY \
        [--data FILE | --memory] [--demo-customers N] [--admin]

Prints ``training gateway ready at http://HOST:PORT`` once it accepts connections (with ``--admin`` a second
line follows: ``training admin token: TOKEN``, the value of the ``X-Training-Admin-Token`` header the
``/_training`` routes need), then serves until SIGINT or SIGTERM. Defaults: port 0 (any free port, shown in
the ready line), api-user ``training``, api-key ``training-key`` — training credentials are public by design
(no real money moves). A ``--host`` that is not loopback is refused (exit 2) unless ``--api-key`` is given
explicitly and is not the public key: anyone who can reach the port could otherwise use the gateway.
Without ``--data`` the state lives in memory.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from pos_app.training.server import DEFAULT_API_KEY, DEFAULT_API_USER, TrainingGateway, is_loopback_host


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pos_app.training",
                                     description="Offline PaySimple API v4 emulator (training mode).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-user", default=DEFAULT_API_USER)
    parser.add_argument("--api-key", default=None,
                        help=f"API key (default {DEFAULT_API_KEY!r}; required for a non-loopback --host)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data", type=Path, help="SQLite file for the gateway's state")
    where.add_argument("--memory", action="store_true", help="keep state in memory (the default)")
    parser.add_argument("--demo-customers", type=int, default=0, metavar="N")
    parser.add_argument("--admin", action="store_true",
                        help="mount the /_training fault and clock routes (prints their per-run token)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.demo_customers < 0:
        print("--demo-customers must be 0 or more", file=sys.stderr)
        return 2
    if not is_loopback_host(args.host) and (not args.api_key or args.api_key == DEFAULT_API_KEY):
        print(f"refusing to listen on {args.host}: that address is not loopback, so other machines could use "
              f"this gateway, and the default training key is public. Use --host 127.0.0.1, or give your own "
              f"--api-key.", file=sys.stderr)
        return 2
    api_key = DEFAULT_API_KEY if args.api_key is None else args.api_key
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    gateway = TrainingGateway(args.api_user, api_key, data=None if args.memory else args.data,
                              demo_customers=args.demo_customers, host=args.host, port=args.port,
                              admin=args.admin)
    try:
        gateway.start()
    except (OSError, RuntimeError) as exc:
        print(f"training gateway could not start: {exc}", file=sys.stderr)
        gateway.store.close()
        return 1
    try:
        print(f"training gateway ready at {gateway.base_url}", flush=True)
        if gateway.admin_token is not None:
            print(f"training admin token: {gateway.admin_token}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        gateway.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
