"""Customer feed benchmark: a store's records (SQLite file or PostgreSQL), reading its change feed, a SQLite
replica caught up from it, and the feed's lag while writers race; prints JSON.

    python bench/customer_feed.py --backend sqlite|postgresql [--customers N] [--writers W] [--seconds S]

1. Loads N synthetic customers (``bench.synthetic``) into a new store with ``upsert_many`` (``load_per_s``).
2. Reads the whole feed with ``changes(limit=5000)`` (``feed_read_per_s``), then catches a new SQLite replica up
   with ``replica.follow`` until every customer is searchable (``replica_catchup_s``, ``replica_per_s``).
3. W writer threads (each its own store object: own connections) save edits of random customers
   (``save_from_paysimple``, a counter save) for S seconds while a follower reads the feed back to back:
   ``write_per_s``, ``write_p50_ms`` / ``write_p99_ms`` (one save), ``feed_lag_p50_ms`` / ``feed_lag_p99_ms``
   (from a save returning to the follower holding it), ``missed`` (customers whose final state the follower
   does not hold at the end: must be 0).
4. PostgreSQL only, the alternative the feed did not take (decision 0380): W threads each commit one-row
   transactions for S/2 seconds, positions taken from the transaction id (as the store does) or from a
   single-row counter updated in the transaction (writers serialised): ``xid_tx_per_s``,
   ``counter_row_tx_per_s``.
PostgreSQL runs in a throwaway cluster (``tests/pg_cluster.py``) with ``durable=True`` (fsync on, a store's
server); both backends keep their defaults otherwise.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # pg_cluster: the throwaway cluster the tests use

from bench.synthetic import generate  # noqa: E402
from pos_app.customers.directory import Directory  # noqa: E402
from pos_app.customers.replica import follow  # noqa: E402

PAGE = 5000


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def _race(open_store, ids: list[int], writers: int, seconds: float) -> dict:
    stores = [open_store() for _ in range(writers)]
    reader = open_store()
    saved: dict[tuple[int, str], float] = {}  # (local id, first name) -> when the save returned
    seen: dict[tuple[int, str], float] = {}
    latest: dict[int, str] = {}  # what the follower holds per customer
    latencies: list[float] = []
    stop, writers_done = threading.Event(), threading.Event()
    guard = threading.Lock()
    position = _end(reader)

    def write(n: int, store) -> None:
        rng = random.Random(n)
        k = 0
        while not stop.is_set():
            cid = rng.choice(ids)
            current = store.get(cid)
            marker = f"W{n}E{k}"
            k += 1
            record = dataclasses.replace(current.record, first_name=marker)
            t0 = time.perf_counter()
            store.save_from_paysimple(record, local_id=cid)
            t1 = time.perf_counter()
            with guard:
                latencies.append((t1 - t0) * 1000)
                saved[(cid, marker)] = t1

    def read() -> None:
        nonlocal position
        while True:
            finished = writers_done.is_set()
            page = reader.changes(position, PAGE)
            now = time.perf_counter()
            for change in page.changes:
                seen.setdefault((change.local_id, change.customer.record.first_name), now)
                latest[change.local_id] = change.customer.record.first_name
            position = page.next_position
            if finished and len(page.changes) < PAGE:
                return

    threads = [threading.Thread(target=write, args=(n, s)) for n, s in enumerate(stores)]
    follower = threading.Thread(target=read)
    follower.start()
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    writers_done.set()
    follower.join()
    # A save overwritten by a later save of the same customer before the follower read it is legitimately
    # never seen (the feed carries each record's latest state): the follower must end with every customer's
    # final state.
    final = {cid: reader.get(cid).record.first_name for cid in {cid for cid, _ in saved}}
    missed = sum(1 for cid, name in final.items() if latest.get(cid) != name)
    lags = [(seen[key] - at) * 1000 for key, at in saved.items() if key in seen and seen[key] >= at]
    for s in [*stores, reader]:
        s.close()
    return {"writers": writers, "write_per_s": round(len(latencies) / elapsed, 1),
            "write_p50_ms": _pct(latencies, 0.5), "write_p99_ms": _pct(latencies, 0.99),
            "feed_lag_p50_ms": _pct(lags, 0.5), "feed_lag_p99_ms": _pct(lags, 0.99), "missed": missed}


def _end(store) -> int:
    position = 0
    while True:
        page = store.changes(position, PAGE)
        position = page.next_position
        if len(page.changes) < PAGE:
            return position


def _serialised(dsn: str, writers: int, seconds: float) -> dict:
    """One-row transactions, positions from the transaction id vs from a single-row counter."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute("CREATE TABLE bench_rows (pos bigint PRIMARY KEY, v text)")
        con.execute("CREATE TABLE bench_counter (one boolean PRIMARY KEY, n bigint NOT NULL)")
        con.execute("INSERT INTO bench_counter VALUES (true, 0)")
    out = {}
    for kind, take in (("xid", "SELECT (pg_current_xact_id()::text::bigint << 20) + 1"),
                       ("counter_row", "UPDATE bench_counter SET n = n + 1 RETURNING n")):
        stop, counts = threading.Event(), []

        def run(take=take, stop=stop, counts=counts) -> None:
            n = 0
            with psycopg.connect(dsn, autocommit=True) as c:
                while not stop.is_set():
                    with c.transaction():
                        pos = c.execute(take).fetchone()[0]
                        c.execute("INSERT INTO bench_rows VALUES (%s, 'x') ON CONFLICT DO NOTHING", (pos,))
                    n += 1
            counts.append(n)

        threads = [threading.Thread(target=run) for _ in range(writers)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        out[f"{kind}_tx_per_s"] = round(sum(counts) / (time.perf_counter() - t0), 1)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    out: dict = {"backend": args.backend, "customers": args.customers}
    with tempfile.TemporaryDirectory(prefix="pos-feed-bench-") as tmp:
        cluster = None
        if args.backend == "postgresql":
            import pg_cluster

            cluster = pg_cluster.PgCluster(durable=True).start()
            dsn = cluster.create_database("feed")

            def open_store():
                from pos_app.customers.pg_store import PgCustomerStore

                return PgCustomerStore(dsn, statement_timeout=60)
        else:
            def open_store():
                return Directory(Path(tmp) / "store.db")
        try:
            records = list(generate(args.customers, seed=args.seed))
            store = open_store()
            t0 = time.perf_counter()
            ids = store.upsert_many(records, batch_size=5000).ids
            out["load_per_s"] = round(len(records) / (time.perf_counter() - t0))
            position, n = 0, 0
            t0 = time.perf_counter()
            while True:
                page = store.changes(position, PAGE)
                n += len(page.changes)
                position = page.next_position
                if len(page.changes) < PAGE:
                    break
            out["feed_read_per_s"] = round(n / (time.perf_counter() - t0))
            assert n == len(ids), (n, len(ids))
            with Directory(Path(tmp) / "replica.db") as replica:
                t0 = time.perf_counter()
                report = follow(store, replica)
                seconds = time.perf_counter() - t0
                assert replica.count() == len(ids) and replica.pending_count() == 0
            out["replica_catchup_s"] = round(seconds, 2)
            out["replica_per_s"] = round(report.changed / seconds)
            store.close()
            out.update(_race(open_store, ids, args.writers, args.seconds))
            if cluster is not None:
                out.update(_serialised(cluster.dsn_for("feed"), args.writers, args.seconds / 2))
        finally:
            if cluster is not None:
                cluster.remove()
    out["load_avg_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
