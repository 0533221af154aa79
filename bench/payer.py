"""A paying process for crash tests and the chaos benchmark: journals and charges one payment (or, with
``--reverse void|refund --attempt ID``, voids/refunds one approved attempt with a manager approval).

Prints one JSON line per status event (``{"phase": "sending", "attempt": ...}``) and a final
``{"result": state, "attempt": id}`` or ``{"error": "LaneBusy" | ..., "message": ...}``, flushing each line,
so a parent can ``kill -9`` it at a chosen moment (e.g. after "sending", while the gateway stalls the reply).

    python bench/payer.py --journal J --lane L --api-url U --api-user X --api-key-env VAR \
        --customer-id 1 --customer-name N --account-id 2 --last4 1111 --brand Visa --amount 12.34

The journal is a SQLite file (``--journal J``) or a PostgreSQL database whose DSN is in the environment variable
named by ``--journal-dsn-env``. The API key and a DSN (it holds a password) come from environment variables, never
the command line, which other users can read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pos_app.payments import (  # noqa: E402
    AccountRef,
    Approval,
    CustomerRef,
    Journal,
    PaymentError,
    PaymentService,
)
from pos_app.paysimple import PaySimpleClient, Timeouts  # noqa: E402
from pos_app.paysimple.gateway import PaySimpleGateway  # noqa: E402


def say(**data) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--journal", help="the SQLite journal file")
    where.add_argument("--journal-dsn-env", help="the environment variable holding a PostgreSQL journal's DSN")
    p.add_argument("--lane", required=True)
    p.add_argument("--api-url", required=True)
    p.add_argument("--api-user", required=True)
    p.add_argument("--api-key-env", default="POS_PAYER_API_KEY")
    p.add_argument("--customer-id", type=int)
    p.add_argument("--customer-name")
    p.add_argument("--account-id", type=int)
    p.add_argument("--last4")
    p.add_argument("--brand", default="Visa")
    p.add_argument("--kind", default="cc")
    p.add_argument("--amount")
    p.add_argument("--reverse", choices=["void", "refund"])
    p.add_argument("--attempt", help="attempt id to void/refund")
    p.add_argument("--clerk", default="payer")
    p.add_argument("--read-timeout", type=float, default=30.0)
    p.add_argument("--total", type=float, default=None,
                   help="overall deadline per request in seconds (default: read timeout + 5)")
    p.add_argument("--clock-offset", type=float, default=0.0, help="seconds to add to real time (gateway clock)")
    p.add_argument("--settle-after", type=float, default=0.3)
    p.add_argument("--in-flight-window", type=float, default=3.0)
    p.add_argument("--wait-for", help="wait until this file exists before charging (to line processes up)")
    args = p.parse_args(argv)

    offset = timedelta(seconds=args.clock_offset)
    total = args.total if args.total is not None else args.read_timeout + 5
    client = PaySimpleClient(args.api_url, args.api_user, os.environ[args.api_key_env],
                             timeouts=Timeouts(connect=5, read=args.read_timeout, total=total))
    if args.journal_dsn_env:
        from pos_app.payments.journal_pg import PgJournal

        journal = PgJournal(os.environ[args.journal_dsn_env])
    else:
        journal = Journal(args.journal)
    service = PaymentService(journal, PaySimpleGateway(client), args.lane, clock=lambda: datetime.now(UTC) + offset,
                             settle_after=timedelta(seconds=args.settle_after),
                             in_flight_window=timedelta(seconds=args.in_flight_window), poll_interval=0.2,
                             lookup_backoff=0.1,
                             on_status=lambda e: say(phase=e.phase, attempt=e.attempt_id))
    try:
        report = service.reconcile_unresolved(clerk=args.clerk)
        say(reconciled=len(report.resolved), unresolved=len(report.unresolved), busy=len(report.busy))
        if args.wait_for:
            import time
            while not Path(args.wait_for).exists():
                time.sleep(0.005)
        if args.reverse:
            approval = Approval("payer-manager", "manager", f"{args.reverse} from the payer process")
            attempt = getattr(service, args.reverse)(args.attempt, approval)
            say(result=attempt.state.value, attempt=attempt.id)
            return 0
        attempt = service.charge(CustomerRef(args.customer_id, args.customer_name),
                                 AccountRef(args.account_id, args.kind, args.last4, args.brand),
                                 args.amount, args.clerk)
        say(result=attempt.state.value, attempt=attempt.id)
        return 0
    except PaymentError as exc:
        say(error=type(exc).__name__, message=str(exc))
        return 3
    finally:
        journal.close()
        client.close()


if __name__ == "__main__":
    sys.exit(main())
