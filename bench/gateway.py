"""Training gateway benchmark: start-up time, payment latency and throughput over loopback TCP, list paging.

    python bench/gateway.py [--payments 300] [--threads 4] [--customers 2000] [--data FILE]

Printed JSON:
  start_s                  TrainingGateway(...).start() with --customers demo customers (seconds)
  pay_p50_ms, pay_p95_ms   POST /payment through PaySimpleClient, one at a time
  pay_per_s_sequential     the same, payments per second
  pay_per_s_threads        --threads clients paying at once, payments per second in total
  list_page_ms_p50         GET /customer?pagesize=200 (one page of the demo customers)
  payments_recorded        payments in the gateway at the end (must equal attempts)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pos_app.paysimple import PaySimpleClient, Timeouts  # noqa: E402
from pos_app.paysimple.models import PaymentRequest  # noqa: E402
from pos_app.training import TrainingGateway  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--payments", type=int, default=300)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args(argv)

    started = time.perf_counter()
    gw = TrainingGateway(demo_customers=args.customers, data=args.data).start()
    start_s = time.perf_counter() - started
    try:
        def client() -> PaySimpleClient:
            return PaySimpleClient(gw.api_url, "training", "training-key", timeouts=Timeouts(connect=2, read=10),
                                   max_retries=0, clock=gw.clock.now)

        c = gw.store.create_customer({"FirstName": "Bench", "LastName": "Mark"})
        card = gw.store.create_credit_card(c["Id"], "4111111111111111", "12/2030")
        latencies = []
        with client() as pc:
            for i in range(args.payments):
                t = time.perf_counter()
                pc.create_payment(PaymentRequest(card["Id"], Decimal("1.00"), order_id=f"seq-{i}"))
                latencies.append(time.perf_counter() - t)
            pages = []
            for _ in range(20):
                t = time.perf_counter()
                pc.list_customers(page_size=200)
                pages.append(time.perf_counter() - t)

        per_thread = max(1, args.payments // args.threads)

        def pay_many(n: int) -> None:
            with client() as pc:
                for i in range(per_thread):
                    pc.create_payment(PaymentRequest(card["Id"], Decimal("2.00"), order_id=f"t{n}-{i}"))

        threads = [threading.Thread(target=pay_many, args=(n,)) for n in range(args.threads)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        parallel_s = time.perf_counter() - t
        recorded = gw.store.count_payments()
        print(json.dumps({
            "customers": args.customers, "payments": args.payments, "threads": args.threads,
            "storage": "file" if args.data else "memory",
            "start_s": round(start_s, 3),
            "pay_p50_ms": round(statistics.median(latencies) * 1000, 2),
            "pay_p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
            "pay_per_s_sequential": round(len(latencies) / sum(latencies), 1),
            "pay_per_s_threads": round(per_thread * args.threads / parallel_s, 1),
            "list_page_ms_p50": round(statistics.median(pages) * 1000, 2),
            "payments_recorded": recorded,
            "payments_attempted": args.payments + per_thread * args.threads,
        }))
    finally:
        gw.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
