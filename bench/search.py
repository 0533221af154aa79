"""Customer directory benchmark: bulk import rate, then an as-you-type search workload; prints JSON.

    .venv/bin/python bench/search.py [--customers N] [--queries Q] [--seed S] [--db PATH]

1. Generates N synthetic customers (``pos_app.customers.synthetic``: Zipf-like common names with hundreds of
   same-name people per million, accents, companies, phones, emails, account numbers). Not timed.
2. Imports them through ``Directory.upsert_many`` — the bulk upsert sync uses per page and the CSV import
   per batch — into a new file, until every customer is searchable. Timed: ``import_per_s`` (wall clock)
   and ``import_cpu_per_s`` (process CPU; the machine may be shared).
3. Marks 1,000 random customers "seen at this counter" (the recently-seen ranking is exercised).
4. Replays typing sessions and times every ``Directory.search`` call (hits built, disambiguated):
   names 60% (successive prefixes of "first last", "last first", "last" or "first": "j", "jo", "joh",
   "john", "john s", ...), phones 20% (digit prefixes from 3 digits, some formatted, some last-4), emails
   10% (prefixes from 3 characters), account numbers 10% (barcode scans and typed prefixes).
Output: customers, import_per_s, import_cpu_per_s, import_us_per_customer (wall µs per customer spent writing
rows vs in the final indexing pass), p50_ms, p95_ms, p99_ms, max_ms (wall clock per search),
p50_cpu_ms / p99_cpu_ms (the search thread's CPU time: on a shared machine wall-clock tails include time
spent waiting for a core), load_avg_1min, queries, db_mib and per-route p99s.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pos_app.customers.directory import Directory  # noqa: E402
from pos_app.customers.synthetic import generate  # noqa: E402


def sessions(records, rng: random.Random, count: int):
    """Yield (route, [queries typed one keystroke at a time]) until ``count`` queries were produced."""
    produced = 0
    while produced < count:
        r = rng.choice(records)
        roll = rng.random()
        if roll < 0.6:
            route = "name"
            shape = rng.random()
            if shape < 0.5:
                typed = f"{r.first_name} {r.last_name}"
            elif shape < 0.7:
                typed = f"{r.last_name} {r.first_name}"
            elif shape < 0.85:
                typed = r.last_name
            else:
                typed = r.first_name
            if rng.random() < 0.7:
                typed = typed.lower()
            queries = [typed[:i] for i in range(1, len(typed) + 1) if not typed[:i].endswith(" ")]
        elif roll < 0.8 and (r.phone or r.mobile_phone):
            route = "phone"
            digits = r.phone or r.mobile_phone
            if rng.random() < 0.25:
                queries = [digits[-4:]]
            else:
                queries = [digits[:i] for i in range(3, 11)]
                if rng.random() < 0.3:
                    queries[-1] = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
        elif roll < 0.9 and r.email:
            route = "email"
            queries = [r.email[:i] for i in range(3, len(r.email) + 1)]
        elif r.customer_account:
            route = "account"
            account = r.customer_account
            queries = [account] if rng.random() < 0.6 else [account[:i] for i in range(4, len(account) + 1)]
        else:
            continue
        produced += len(queries)
        yield route, queries


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None, help="directory file to create (default: a temp dir)")
    args = parser.parse_args(argv)

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="pos-search-bench-")
        args.db = Path(tmp.name) / "directory.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(args.db) + suffix).unlink(missing_ok=True)

    records = list(generate(args.customers, seed=args.seed))
    # The generated records are scaffolding, not part of an import (a sync holds one page at a time):
    # keep Python's cyclic GC from re-scanning a million of them during the timed part.
    gc.freeze()
    directory = Directory(args.db, cache_mib=512)
    # Split the timed part in two: writing the rows, and the one indexing pass at the end (``finish_indexing``,
    # which ``upsert_many`` calls last). Timed separately by wrapping that method on this instance only.
    finish = directory.finish_indexing
    index_s = 0.0

    def timed_finish() -> None:
        nonlocal index_s
        started = time.perf_counter()
        finish()
        index_s += time.perf_counter() - started

    directory.finish_indexing = timed_finish
    wall, cpu = time.perf_counter(), time.process_time()
    counts = directory.upsert_many(records, batch_size=5000)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert counts.inserted == args.customers and directory.pending_count() == 0

    con = directory.connection()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_bytes = sum(os.path.getsize(str(args.db) + s) for s in ("", "-wal") if os.path.exists(str(args.db) + s))

    rng = random.Random(args.seed)
    ids = [r[0] for r in con.execute("SELECT id FROM customers ORDER BY random() LIMIT 1000")]
    for cid in ids:
        directory.mark_seen(cid)

    warm = list(sessions(records, random.Random(args.seed + 1), 300))
    for _, queries in warm:
        for q in queries:
            directory.search(q)

    times: dict[str, list[float]] = {}
    cpu_times: list[float] = []
    empty = 0
    for route, queries in sessions(records, rng, args.queries):
        for q in queries:
            t, c = time.perf_counter(), time.thread_time()
            hits = directory.search(q)
            cpu_times.append((time.thread_time() - c) * 1000)
            times.setdefault(route, []).append((time.perf_counter() - t) * 1000)
            empty += not hits
    all_times = sorted(t for ts in times.values() for t in ts)
    cpu_times.sort()
    result = {
        "customers": args.customers,
        "import_per_s": round(args.customers / wall),
        "import_cpu_per_s": round(args.customers / cpu),
        "import_us_per_customer": {"rows": round((wall - index_s) / args.customers * 1e6, 1),
                                   "index": round(index_s / args.customers * 1e6, 1)},
        "p50_ms": round(percentile(all_times, 50), 3),
        "p95_ms": round(percentile(all_times, 95), 3),
        "p99_ms": round(percentile(all_times, 99), 3),
        "max_ms": round(all_times[-1], 3),
        "mean_ms": round(statistics.fmean(all_times), 3),
        "p50_cpu_ms": round(percentile(cpu_times, 50), 3),
        "p99_cpu_ms": round(percentile(cpu_times, 99), 3),
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "queries": len(all_times),
        "queries_without_hits": empty,
        "db_mib": round(db_bytes / 2**20, 1),
        "p99_ms_by_route": {k: round(percentile(sorted(v), 99), 3) for k, v in sorted(times.items())},
        "queries_by_route": {k: len(v) for k, v in sorted(times.items())},
    }
    directory.close()
    if tmp is not None:
        tmp.cleanup()
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
