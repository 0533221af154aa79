"""What a charge through the store server costs over a charge made by the counter itself, same machine, same run.

    python bench/store_hop.py --backend sqlite|postgresql --charges 200

One training gateway (PaySimple), one store server process (``pos-app-server run``, TLS) on a SQLite data folder or
a throwaway PostgreSQL cluster, one lane (the real client, pinned certificate, a signed-in clerk). The charges
alternate: a direct charge (``PaymentService`` on a local journal of the same kind, straight to the gateway) and a
charge through the server (``POST /v1/charges`` with its idempotency key), so both see the same load. Prints JSON:
``charges``, ``backend``, ``direct_p50_ms``, ``server_p50_ms``, ``hop_overhead_ms`` (server p50 minus direct
p50), ``direct_p95_ms``, ``server_p95_ms``. Issue 20's goal: ``hop_overhead_ms`` <= 5.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--charges", type=int, default=200)
    args = parser.parse_args()

    from pos_app.payments import AccountRef, CustomerRef, PaymentService, ids
    from pos_app.paysimple.gateway import PaySimpleGateway
    from pos_app.paysimple.models import CreditCardInput, CustomerInput
    from pos_app.training import TrainingGateway
    from tests.fixtures.server import API_KEY, API_USER, CLERK, ServerProcess, enroll_lane, init_server

    cluster = None
    gateway = TrainingGateway(API_USER, API_KEY).start()
    with tempfile.TemporaryDirectory() as tmp:
        database, local_journal = "sqlite", None
        if args.backend == "postgresql":
            import pg_cluster

            cluster = pg_cluster.PgCluster(durable=True).start()
            database = cluster.create_database("hop_server")
            direct_dsn = cluster.create_database("hop_direct")
        data = Path(tmp) / "data"
        server = ServerProcess(data, init_server(data, gateway, database)).start()
        try:
            from pos_app.paysimple import PaySimpleClient

            client = PaySimpleClient(gateway.api_url, API_USER, API_KEY)
            if args.backend == "postgresql":
                from pos_app.payments.journal_pg import PgJournal

                local_journal = PgJournal(direct_dsn)
            else:
                from pos_app.payments import Journal

                local_journal = Journal(Path(tmp) / "direct.db")
            direct = PaySimpleGateway(client)
            service = PaymentService(local_journal, direct, "DIRECT")
            service.reconcile_unresolved()
            lane = enroll_lane(server, "LANE1")
            lane.sign_in(CLERK)
            _, stored, _ = lane.call("POST", "/v1/customers", {"first_name": "Hop", "last_name": uuid.uuid4().hex[:8]})
            pid = stored["record"]["paysimple_id"]
            card = client.create_credit_card(CreditCardInput(customer_id=pid, credit_card_number="4111111111111111",
                                                             expiration_date="12/2030"))
            lane.call("POST", "/v1/selection", {"customer_id": stored["id"]})
            lane.call("GET", "/v1/selection/accounts", params={"paysimple_id": str(pid)})
            other = client.create_customer(CustomerInput(first_name="Direct", last_name="Hop"))
            other_card = client.create_credit_card(CreditCardInput(customer_id=other.id,
                                                                   credit_card_number="4111111111111111",
                                                                   expiration_date="12/2030"))
            customer, account = CustomerRef(other.id, "Direct Hop"), AccountRef.from_paysimple(other_card)
            direct_ms, server_ms = [], []
            for i in range(args.charges + 10):  # the first 10 of each warm up connections and caches
                started = time.perf_counter()
                attempt = service.charge(customer, account, Decimal("1.00"), "bench")
                took = (time.perf_counter() - started) * 1000
                assert attempt.state.value == "approved", attempt
                if i >= 10:
                    direct_ms.append(took)
                key = ids.attempt_id("LANE1")
                started = time.perf_counter()
                _, reply, _ = lane.call("POST", "/v1/charges", {"customer_id": stored["id"], "account_id": card.id,
                                                                "amount": "1.00"}, headers={"Idempotency-Key": key})
                took = (time.perf_counter() - started) * 1000
                assert reply["done"] and reply["attempt"]["state"] == "approved", reply
                if i >= 10:
                    server_ms.append(took)
            p50 = statistics.median
            p95 = lambda xs: sorted(xs)[int(len(xs) * 0.95) - 1]  # noqa: E731
            print(json.dumps({"charges": args.charges, "backend": args.backend,
                              "direct_p50_ms": round(p50(direct_ms), 2), "server_p50_ms": round(p50(server_ms), 2),
                              "hop_overhead_ms": round(p50(server_ms) - p50(direct_ms), 2),
                              "direct_p95_ms": round(p95(direct_ms), 2), "server_p95_ms": round(p95(server_ms), 2)}))
            lane.close()
            client.close()
        finally:
            if local_journal is not None:
                local_journal.close()
            server.stop()
            gateway.stop()
            if cluster is not None:
                cluster.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
