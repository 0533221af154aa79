"""How fast can a bulk import be on this machine at all? Floors of the two parts of ``bench/search.py``'s import.

    .venv/bin/python bench/import_floor.py [--customers N] [--seed S]

The directory's import is (1) writing one row per customer from Python, then (2) one SQLite pass that adds
the customer's search entries (name words in ``terms``, phone/reversed phone/email/account in ``keys``) in index
order. This measures the least each part can cost with Python's sqlite3 and SQLite, with nothing of the
directory's own bookkeeping, so the figures bound any design that keeps those entries in SQLite B-trees:

- ``rows_floor_us``: per customer, fold the name words and build the lookup keys (the real ``index``
  functions: any search index needs them), pack every mirrored field into ONE text column (fewest bound
  parameters), insert with the PaySimple id unique, 5,000 rows per transaction, WAL. No search tables.
- ``sort_floor_us``: SQLite only sorting the customer's entries (expanded from the stored texts, ORDER BY the
  index key, nothing inserted): what building sorted B-trees cannot go below.
- ``index_build_us``: really building ``terms`` and ``keys`` from those rows in one sorted pass, into empty
  tables (what ``merge_pending`` does after a bulk load).
- ``*_without_reversed``: the same with the reversed phone keys (the last-digits search) left out;
  ``*_names_only``: only the name words (no phone, email or account search at all).
- ``ceiling_per_s``: 1e6 / (rows_floor_us + index_build_us): one core doing both parts.
  ``ceiling_two_cores_per_s``: 1e6 / max(rows_floor_us, index_build_us): the parts perfectly overlapped on two
  cores. The directory overlaps them since issue 16: a background thread sorts committed rows into runs in a
  scratch file while the rows are written, and the final pass only merges sorted runs
  (``pos_app/customers/directory.py``, ``_Presorter``), so one-core figures here are not its ceiling.
"""

from __future__ import annotations

import argparse
import gc
import json
import sqlite3
import sys
import tempfile
import time
from operator import attrgetter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import generate  # noqa: E402
from pos_app.customers import index  # noqa: E402
from pos_app.customers.directory import keys_select, terms_select  # noqa: E402
from pos_app.customers.models import RECORD_FIELDS  # noqa: E402

_MIRRORED = attrgetter(*(f for f in RECORD_FIELDS if f not in ("paysimple_id", "deleted")))
_NONE = {None: "\x00"}
_TERMS = terms_select("1")  # the directory's own expansion of every row's name words
_KEYS = keys_select("1")
_KEYS_NO_REVERSED = keys_select(f"substr(j.value, 1, 1) != '{index.REVERSED}'")
_NO_KEYS = keys_select("0")


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-524288", "temp_store=MEMORY",
                   "mmap_size=1073741824"):
        con.execute(f"PRAGMA {pragma}")
    return con


def _us(seconds: float, n: int) -> float:
    return round(seconds / n * 1e6, 2)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    n = args.customers
    records = list(generate(n, seed=args.seed))
    gc.freeze()  # the generated records are scaffolding: keep the cyclic GC off them while timing
    with tempfile.TemporaryDirectory(prefix="pos-import-floor-") as tmp:
        con = _connect(Path(tmp) / "floor.db")
        con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, paysimple_id INTEGER UNIQUE, "
                    "data TEXT NOT NULL, words TEXT NOT NULL, keys TEXT NOT NULL)")
        started = time.perf_counter()
        next_id = 1
        for start in range(0, n, 5000):
            rows = []
            for r in records[start:start + 5000]:
                values = _MIRRORED(r)
                rows.append((next_id, r.paysimple_id, "\x1f".join(map(_NONE.get, values, values)),
                             index.record_words(r), index.record_keys(r)))
                next_id += 1
            con.execute("BEGIN")
            con.executemany("INSERT INTO customers VALUES (?, ?, ?, ?, ?)", rows)
            con.execute("COMMIT")
        rows_s = time.perf_counter() - started

        def timed(sql: str) -> float:
            t = time.perf_counter()
            con.execute(sql)
            return time.perf_counter() - t

        sort_all = timed(f"SELECT count(*) FROM ({_TERMS})") + timed(f"SELECT count(*) FROM ({_KEYS})")
        sort_fewer = (timed(f"SELECT count(*) FROM ({_TERMS})")
                      + timed(f"SELECT count(*) FROM ({_KEYS_NO_REVERSED})"))

        def build(keys: str) -> float:
            con.execute("DROP TABLE IF EXISTS terms")
            con.execute("DROP TABLE IF EXISTS keys")
            con.execute("CREATE TABLE terms (term TEXT NOT NULL, words TEXT NOT NULL, customer_id INTEGER NOT NULL, "
                        "PRIMARY KEY (term, words, customer_id)) WITHOUT ROWID")
            con.execute("CREATE TABLE keys (key TEXT NOT NULL, customer_id INTEGER NOT NULL, "
                        "PRIMARY KEY (key, customer_id)) WITHOUT ROWID")
            t = time.perf_counter()
            con.execute("BEGIN")
            con.execute(f"INSERT OR IGNORE INTO terms {_TERMS}")
            con.execute(f"INSERT OR IGNORE INTO keys {keys}")
            con.execute("COMMIT")
            elapsed = time.perf_counter() - t
            counts.append(con.execute("SELECT (SELECT count(*) FROM terms) + (SELECT count(*) FROM keys)").fetchone()[0])
            return elapsed

        counts: list[int] = []  # index entries written by each build (duplicates within a customer dropped)

        build_all, build_fewer, build_names = build(_KEYS), build(_KEYS_NO_REVERSED), build(_NO_KEYS)
        con.close()
    rows_us, build_us, build_fewer_us = _us(rows_s, n), _us(build_all, n), _us(build_fewer, n)
    build_names_us = _us(build_names, n)
    result = {
        "customers": n,
        "entries_per_customer": round(counts[0] / n, 2),
        "reversed_phone_entries_per_customer": round((counts[0] - counts[1]) / n, 2),
        "rows_floor_us": rows_us,
        "sort_floor_us": _us(sort_all, n),
        "index_build_us": build_us,
        "sort_floor_without_reversed_us": _us(sort_fewer, n),
        "index_build_without_reversed_us": build_fewer_us,
        "ceiling_per_s": round(1e6 / (rows_us + build_us)),
        "ceiling_two_cores_per_s": round(1e6 / max(rows_us, build_us)),
        "index_build_names_only_us": build_names_us,
        "ceiling_without_reversed_per_s": round(1e6 / (rows_us + build_fewer_us)),
        "ceiling_names_only_per_s": round(1e6 / (rows_us + build_names_us)),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
