"""Clerk store benchmark: what one writer at a time costs, on SQLite or PostgreSQL; prints JSON.

``python bench/clerks.py --backend sqlite|postgresql [--writers 4] [--appends 300] [--logins 20]``

1. ``--writers`` threads, each with its own store (own connection, as separate counters would), append
   ``--appends`` audit entries each at once: ``appends_per_s`` (every write of a clerk store is serialised,
   decision 0392, so this is the store's ceiling for audit entries and clerk changes).
2. A try reservation as sign-in does it (read the clerk, lock and write its counter, one transaction), alone:
   ``reserve_p50_ms`` / ``reserve_p99_ms``.
3. ``--logins`` right sign-ins through ``ClerkRegistry.login`` (scrypt included): ``login_p50_ms``.
PostgreSQL runs on a throwaway durable cluster (tests/pg_cluster.py, the server's default fsync), SQLite on a
temporary file (WAL). ``load_avg_1min`` says how busy the shared machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pos_app.audit import AuditEvent  # noqa: E402
from pos_app.clerks import ClerkRegistry, Role  # noqa: E402
from pos_app.clerkstore import Guard, Scope  # noqa: E402


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(open_store, writers: int, appends: int, logins: int) -> dict:
    with ExitStack() as stack:
        stores = [open_store() for _ in range(writers)]
        for store in stores:
            stack.callback(store.close)
        event = AuditEvent(at=datetime.now(UTC), action="lock", outcome="locked", who="Ann")

        def work(store):
            for _ in range(appends):
                store.audit.append(event)

        threads = [threading.Thread(target=work, args=(s,)) for s in stores]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        appends_per_s = writers * appends / (time.perf_counter() - started)

        registry = ClerkRegistry(open_store())
        stack.callback(registry.close)
        registry.add("Maria", "739164", Role.MANAGER, by=None)
        clerk_id = registry.list()[0].id
        reserve = []
        for _ in range(200):
            started = time.perf_counter()
            with registry.store.writing() as tx:
                row = tx.clerk(name="Maria")
                guard = tx.guard(Scope.LOGIN, row.id)
                tx.set_guard(Scope.LOGIN, clerk_id, Guard(0, guard.lockouts))
            reserve.append((time.perf_counter() - started) * 1000)
        login = []
        for _ in range(logins):
            started = time.perf_counter()
            registry.login("Maria", "739164")
            login.append((time.perf_counter() - started) * 1000)
    return {"writers": writers, "appends_per_s": round(appends_per_s),
            "reserve_p50_ms": round(statistics.median(reserve), 3), "reserve_p99_ms": round(_percentile(reserve, 0.99), 3),
            "login_p50_ms": round(statistics.median(login), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--logins", type=int, default=20)
    args = parser.parse_args()
    if args.backend == "postgresql":
        import pg_cluster

        from pos_app.clerkstore.pg import PgClerkStore

        with pg_cluster.PgCluster(durable=True) as cluster:
            dsn = cluster.create_database("clerks_bench")
            result = run(lambda: PgClerkStore(dsn), args.writers, args.appends, args.logins)
    else:
        from pos_app.clerkstore.sqlite import SqliteClerkStore

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "clerks.db"
            result = run(lambda: SqliteClerkStore(path), args.writers, args.appends, args.logins)
    print(json.dumps({"backend": args.backend, **result, "load_avg_1min": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
