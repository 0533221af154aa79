"""Customer directory benchmark: bulk import rate, an as-you-type search workload, the same searches while
an import and a first sync write to the directory, and the first sync's rate; prints JSON.

    .venv/bin/python bench/search.py [--customers N] [--queries Q] [--seed S] [--db PATH]
                                     [--write-customers M] [--sync-customers S]

Every directory is opened as the app opens it (``Directory(path)``: the app's cache size and settings).

1. Generates N synthetic customers (``bench.synthetic``: Zipf-like common names with hundreds of
   same-name people per million, accents, companies, phones, emails, account numbers). Not timed.
2. Imports them through ``Directory.upsert_many`` — the bulk upsert sync uses per page and the CSV import
   per batch — into a new file, until every customer is searchable. Timed: ``import_per_s`` (wall clock)
   and ``import_cpu_per_s`` (process CPU; the machine may be shared).
3. Marks 1,000 random customers "seen at this counter" (the recently-seen ranking is exercised).
4. Replays typing sessions and times every ``Directory.search`` call (hits built, disambiguated):
   names 60% (successive prefixes of "first last", "last first", "last" or "first": "j", "jo", "joh",
   "john", "john s", ...; one session in ten has one slip in one word, as the relevance bench's typo kind,
   timed as the "typo" route and in every overall figure), phones 20% (digit prefixes from 3 digits, some formatted, some last-4), emails
   10% (prefixes from 3 characters), account numbers 10% (barcode scans and typed prefixes).
5. Search while writing: a worker thread imports M more customers into the same directory
   (``upsert_many``, as a CSV import or a bulk load does: rows in batches, then one indexing pass) while
   this thread keeps replaying the typing sessions, one search per keystroke every ``--keystroke-ms``
   (default 30 ms, three times a fast typist; 0 = back to back); then a first sync: a training gateway in its own
   process (as PaySimple is) holding S customers, ``customers.sync`` on a worker thread over HTTP (pages of
   200, each upserted in its own transaction, as the app does) into a new directory file, while this
   thread types searches into that directory (the search box during the sync).
Output: customers, import_per_s, import_cpu_per_s, import_us_per_customer (wall µs per customer spent writing
rows vs in the final indexing pass), p50_ms, p95_ms, p99_ms, max_ms (wall clock per search),
p50_cpu_ms / p99_cpu_ms (the search thread's CPU time: on a shared machine wall-clock tails include time
spent waiting for a core), load_avg_1min, queries, db_mib and per-route p99s; then
p99_during_writes_ms / max_during_writes_ms (every search made while the import or the sync wrote) and
p99_cpu_during_writes_ms (the search thread's own CPU: the rest of the wall clock is waiting for a core),
during_import {queries, p50_ms, p99_ms, max_ms, import_per_s}, during_sync {queries, p50_ms, p99_ms, max_ms,
with_hits (searches that found someone: the box works)}, sync_customers, sync_per_s (first sync, wall
clock from the first request to every customer searchable), sync_http_share (share of the sync thread's
time spent waiting for the gateway's pages), load_avg_1min_end.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.relevance import typo  # noqa: E402
from bench.synthetic import generate  # noqa: E402
from pos_app.customers.directory import Directory  # noqa: E402
from pos_app.customers.models import CustomerRecord  # noqa: E402

API_USER, API_KEY = "bench", "bench-key"


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
            if rng.random() < 0.1:
                # One slip in one word (as bench/relevance.py's typo kind): the near-match fallback is timed
                # with everything else, and apart as the "typo" route.
                words = typed.split(" ")
                i = rng.randrange(len(words))
                slipped = typo(words[i], rng)
                if slipped is not None:
                    words[i] = slipped
                    typed = " ".join(words)
                    route = "typo"
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


def typing_while(directory: Directory, records, busy: threading.Event, seed: int,
                 keystroke_s: float, cpu: list[float] | None = None) -> tuple[list[float], int]:
    """Replay typing sessions against ``directory`` while ``busy`` is set, one search per keystroke every
    ``keystroke_s`` seconds (0: back to back): (wall ms per search, searches that found someone); the
    search thread's CPU ms per search go to ``cpu``."""
    times: list[float] = []
    cpu = [] if cpu is None else cpu
    with_hits = 0
    rng = random.Random(seed)
    while busy.is_set():
        for _, queries in sessions(records, rng, 200):
            for q in queries:
                if not busy.is_set():
                    return times, with_hits
                t, c = time.perf_counter(), time.thread_time()
                with_hits += bool(directory.search(q))
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.thread_time() - c) * 1000)
                if keystroke_s:
                    time.sleep(keystroke_s)
    return times, with_hits


def summary(times: list[float], cpu: list[float]) -> dict:
    ordered, cpu = sorted(times), sorted(cpu)
    return {"queries": len(ordered), "p50_ms": round(percentile(ordered, 50), 3),
            "p99_ms": round(percentile(ordered, 99), 3), "max_ms": round(ordered[-1], 3) if ordered else 0.0,
            "p99_cpu_ms": round(percentile(cpu, 99), 3), "max_cpu_ms": round(cpu[-1], 3) if cpu else 0.0}


def fill_gateway(path: Path, records: list[CustomerRecord]) -> None:
    """The training gateway's own store, filled in one transaction (bench set-up, not timed)."""
    from pos_app.training.store import Store

    store = Store(path)
    rows = []
    for r in records:
        body = {"FirstName": r.first_name, "LastName": r.last_name, "MiddleName": r.middle_name,
                "Company": r.company, "CustomerAccount": r.customer_account, "Phone": r.phone,
                "MobilePhone": r.mobile_phone, "AltPhone": r.alt_phone, "Email": r.email, "AltEmail": r.alt_email,
                "BillingAddress": {"StreetAddress1": r.street1, "City": r.city, "StateCode": r.state_code,
                                   "ZipCode": r.zip_code, "Country": r.country}}
        values = store._customer_values(body)
        values.update(created_on="2026-01-01 00:00:00.000000", last_modified="2026-01-01 00:00:00.000000")
        rows.append(values)
    cols = list(rows[0])
    with store.transaction() as db:
        db.executemany(f"INSERT INTO customers({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                       [tuple(v[c] for c in cols) for v in rows])
    store.close()


def start_gateway(data: Path) -> tuple[subprocess.Popen, str]:
    """The training gateway in its own process (PaySimple is not in ours); returns (process, API url)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "pos_app.training", "--data", str(data), "--api-user", API_USER,
                             "--api-key", API_KEY], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    line = proc.stdout.readline().strip()
    if "ready at " not in line:
        proc.kill()
        raise RuntimeError(f"training gateway did not start: {line!r}")
    return proc, line.split("ready at ", 1)[1] + "/v4"


def sync_phase(workdir: Path, records: list[CustomerRecord], seed: int, keystroke_s: float) -> dict:
    """First sync of ``records`` from a training gateway process, searched while it runs."""
    from pos_app.customers.sync import sync
    from pos_app.paysimple import PaySimpleClient, Timeouts

    gateway_db = workdir / "gateway.db"
    fill_gateway(gateway_db, records)
    proc, api_url = start_gateway(gateway_db)
    directory = Directory(workdir / "synced.db")
    busy = threading.Event()
    busy.set()
    out: dict = {}
    waited = [0.0]

    def run() -> None:
        client = PaySimpleClient(api_url, API_USER, API_KEY, timeouts=Timeouts(connect=5, read=60, total=120),
                                 max_retries=2)
        real = client.list_customers

        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return real(*a, **k)
            finally:
                waited[0] += time.perf_counter() - t

        client.list_customers = timed
        started = time.perf_counter()
        try:
            out["report"] = sync(directory, client)
        finally:
            out["seconds"] = time.perf_counter() - started
            client.close()
            busy.clear()

    worker = threading.Thread(target=run, name="sync")
    try:
        worker.start()
        cpu: list[float] = []
        times, with_hits = typing_while(directory, records, busy, seed, keystroke_s, cpu)
        worker.join()
    finally:
        busy.clear()
        proc.terminate()
        proc.wait(30)
    report = out["report"]
    assert report.complete and report.inserted == len(records) and directory.pending_count() == 0
    directory.close()
    return {"times": times, "cpu": cpu, "with_hits": with_hits, "sync_per_s": round(len(records) / out["seconds"]),
            "sync_http_share": round(waited[0] / out["seconds"], 3)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None, help="directory file to create (default: a temp dir)")
    parser.add_argument("--write-customers", type=int, default=None,
                        help="customers imported while searching (default: a fifth of --customers)")
    parser.add_argument("--sync-customers", type=int, default=None,
                        help="customers in the first sync (default: --customers, at most 100,000)")
    parser.add_argument("--keystroke-ms", type=float, default=30.0,
                        help="time between keystrokes while writes run (default 30: three times a fast typist; "
                             "0: back to back, a stress test)")
    args = parser.parse_args(argv)
    write_n = args.customers // 5 if args.write_customers is None else args.write_customers
    sync_n = min(args.customers, 100_000) if args.sync_customers is None else args.sync_customers

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
    directory = Directory(args.db)  # as the app opens it
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
    del directory.finish_indexing  # (the later phases are not part of the import split)
    import_index_s = index_s

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

    # Searching while an import writes more customers into the same directory (a worker thread, as in the app).
    more = list(generate(write_n, seed=args.seed + 100, first_id=args.customers + 1)) if write_n else []
    gc.freeze()
    import_times: list[float] = []
    import_cpu: list[float] = []
    import_rate = None
    if more:
        busy = threading.Event()
        busy.set()
        done: dict = {}

        def importer() -> None:
            started = time.perf_counter()
            try:
                directory.upsert_many(more)
            finally:
                done["seconds"] = time.perf_counter() - started
                busy.clear()

        worker = threading.Thread(target=importer, name="import")
        worker.start()
        import_times, _ = typing_while(directory, records, busy, args.seed + 2, args.keystroke_ms / 1000, import_cpu)
        worker.join()
        import_rate = round(len(more) / done["seconds"])
        assert directory.pending_count() == 0
    synced = {"times": [], "cpu": [], "with_hits": 0, "sync_per_s": None, "sync_http_share": None}
    if sync_n:
        with tempfile.TemporaryDirectory(prefix="pos-sync-bench-") as workdir:
            synced = sync_phase(Path(workdir), records[:sync_n], args.seed + 3, args.keystroke_ms / 1000)
    during = sorted(import_times + synced["times"])
    during_cpu = sorted(import_cpu + synced["cpu"])
    result = {
        "customers": args.customers,
        "import_per_s": round(args.customers / wall),
        "import_cpu_per_s": round(args.customers / cpu),
        "import_us_per_customer": {"rows": round((wall - import_index_s) / args.customers * 1e6, 1),
                                   "index": round(import_index_s / args.customers * 1e6, 1)},
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
        "keystroke_ms": args.keystroke_ms,
        "p99_during_writes_ms": round(percentile(during, 99), 3),
        "max_during_writes_ms": round(during[-1], 3) if during else 0.0,
        "p99_cpu_during_writes_ms": round(percentile(during_cpu, 99), 3),
        "during_import": {**summary(import_times, import_cpu), "customers": len(more), "import_per_s": import_rate},
        "during_sync": {**summary(synced["times"], synced["cpu"]), "with_hits": synced["with_hits"]},
        "sync_customers": sync_n,
        "sync_per_s": synced["sync_per_s"],
        "sync_http_share": synced["sync_http_share"],
        "load_avg_1min_end": round(os.getloadavg()[0], 2),
    }
    directory.close()
    if tmp is not None:
        tmp.cleanup()
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
