"""What the storage checks cost at start-up: the journal's quick_check and automatic backup, a restore, and
the customer directory's quick_check (``Directory.open_or_recover``). Prints one JSON line.

    .venv/bin/python bench/storage.py --attempts 100000 --customers 200000

The journal is filled with ``--attempts`` finished attempts (3 transitions each, as a real charge leaves) by
bulk SQL, not through ``Journal.create_attempt`` (fsync per commit would make the set-up take hours).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pos_app.payments import (
    Journal,  # noqa: E402
    backups,  # noqa: E402
)
from pos_app.payments.journal import ts  # noqa: E402


def fill_journal(path: Path, attempts: int) -> None:
    Journal(path).close()  # the schema
    start = datetime(2025, 1, 1, tzinfo=UTC)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN")
    rows, transitions = [], []
    for n in range(attempts):
        at = ts(start + timedelta(minutes=n))
        attempt_id = f"LANE1-{n:026d}"
        rows.append((attempt_id, "LANE1", "7", 1000 + n % 5000, f"Customer {n % 5000}", 2000 + n, "cc", "1111",
                     "Visa", 1000 + n % 90000, "approved", at, at, at, 3000 + n, "Authorized", "A1B2C3",
                     "T" * 12))
        for frm, to in ((None, "created"), ("created", "sending"), ("sending", "approved")):
            transitions.append((attempt_id, at, frm, to, "bench", "7"))
    con.executemany("INSERT INTO attempts (id, lane, clerk, customer_id, customer_name, account_id, account_kind,"
                    " account_last4, account_brand, amount_cents, state, created_at, updated_at, sent_at,"
                    " payment_id, ps_status, auth_code, trace_number) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    rows)
    con.executemany("INSERT INTO transitions (attempt_id, at, from_state, to_state, cause, clerk) VALUES"
                    " (?,?,?,?,?,?)", transitions)
    con.execute("COMMIT")
    con.close()


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=0, help="also time the directory check (0 = skip)")
    args = parser.parse_args(argv)
    out: dict = {"attempts": args.attempts}
    with tempfile.TemporaryDirectory(prefix="pos-bench-storage-") as tmp:
        path = Path(tmp) / "journal.db"
        fill_journal(path, args.attempts)
        out["journal_mib"] = round(path.stat().st_size / 2**20, 1)
        out["journal_open_with_check_s"], journal = timed(lambda: Journal(path))
        out["journal_quick_check_s"], problems = timed(journal.integrity_problems)
        assert problems == []
        journal.close()
        out["journal_open_without_check_s"], _ = timed(lambda: sqlite3.connect(path).execute(
            "SELECT count(*) FROM attempts").fetchone())
        out["backup_s"], backup = timed(lambda: backups.take_backup(path, "startup"))
        out["backup_mib"] = round(backup.path.stat().st_size / 2**20, 1)

        class Manager:
            id, name, is_manager = 1, "bench", True

        out["restore_s"], _ = timed(lambda: backups.restore_journal(path, backup.path, manager=Manager(),
                                                                    reason="bench"))
        if args.customers:
            from bench.synthetic import generate
            from pos_app.customers.directory import Directory

            dpath = Path(tmp) / "directory.db"
            with Directory(dpath) as d:
                d.upsert_many(generate(args.customers))
            out["customers"] = args.customers
            out["directory_mib"] = round(dpath.stat().st_size / 2**20, 1)
            out["directory_open_s"], d = timed(lambda: Directory(dpath))
            d.close()
            out["directory_open_checked_s"], d = timed(lambda: Directory.open_or_recover(dpath))
            assert d.recovery is None
            d.close()
    for key, value in out.items():
        if key.endswith("_s"):
            out[key] = round(value, 3)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
