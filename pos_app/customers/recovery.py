"""A damaged customer directory: set aside, salvage what is readable, rebuild (decision 0233).

The directory is a cache of PaySimple plus the customers only this counter has (imported from the old POS,
``paysimple_id`` NULL) and local fields (notes, "recently seen"). When its file fails the check at start-up:

1. The file (with its ``-wal``/``-shm``) is renamed to ``directory.db.damaged-<UTC time>`` and kept: never
   deleted, never written (it is read with ``mode=ro``).
2. Every readable customer row is salvaged into a fresh ``directory.db`` with its local id, origin and local
   fields: local-only customers because nobody else has them, PaySimple customers so the counter can search
   at once even before PaySimple answers (the sync that follows overwrites what PaySimple has, and marks
   deleted whom PaySimple no longer lists). Rows are read in id order, in small chunks; a chunk that cannot be
   read is skipped by probing ahead (``unreadable_from`` lists where reading failed). A row whose values are
   not text (or hold control characters) is not salvaged (counted in ``skipped``).
3. The recently seen list is rebuilt from the salvaged ``last_seen_at`` times.
4. The caller's start-up sync (``customers.sync``) then runs a full pass into the fresh file (it has no sync
   run to resume), which brings every PaySimple customer up to date.

:func:`recover` returns the open, rebuilt ``Directory`` with ``recovery`` set to a :class:`RecoveryReport`
(for the start-up message and the log).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pos_app.customers.models import RECORD_FIELDS, CustomerRecord
from pos_app.customers.rows import INSERT_SQL, RECENT_LIMIT, insert_values, now_iso
from pos_app.storage_errors import What, storage_errors

log = logging.getLogger(__name__)

CHUNK = 500
_SALVAGE_SQL = INSERT_SQL.replace("INSERT INTO", "INSERT OR IGNORE INTO", 1)  # a damaged UNIQUE: first wins
MAX_PROBES = 64  # look-aheads past one unreadable spot before giving up on the rest of the table
_LOCAL = ("origin", "last_seen_at", "local_notes")
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass
class RecoveryReport:
    problem: str                       # what the check found (first line)
    damaged_file: Path                 # where the damaged file was kept
    local_only: int = 0                # local-only customers salvaged (not in PaySimple)
    from_paysimple: int = 0            # PaySimple customers salvaged (the sync refreshes them)
    skipped: int = 0                   # rows read but not usable
    unreadable_from: list[int] = field(default_factory=list)  # ids after which reading failed
    nothing_readable: bool = False     # the damaged file could not be read at all

    @property
    def salvaged(self) -> int:
        return self.local_only + self.from_paysimple


def _clean(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    return not any(unicodedata.category(ch) == "Cc" or ch in _BIDI for ch in value)


def _set_aside(path: Path, stamp: str) -> Path:
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    with storage_errors(path, What.DIRECTORY):
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{path}{suffix}")
            if src.exists():
                os.rename(src, Path(f"{aside}{suffix}"))
    return aside


def _read_rows(damaged: Path, report: RecoveryReport):
    """Yield (row dict) of every readable customers row of the damaged file, in id order."""
    try:
        con = sqlite3.connect(f"{damaged.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        report.nothing_readable = True
        return
    wanted = ("id", *RECORD_FIELDS, *_LOCAL)
    try:
        try:
            have = {r[1] for r in con.execute("PRAGMA table_info(customers)")}
        except sqlite3.DatabaseError:
            have = set()
        if not {"id", "first_name", "last_name"} <= have:
            report.nothing_readable = True
            return
        columns = [c for c in wanted if c in have]
        select = f"SELECT {', '.join(columns)} FROM customers WHERE id > ? ORDER BY id LIMIT ?"
        last, chunk = 0, CHUNK
        while True:
            try:
                rows = con.execute(select, (last, chunk)).fetchall()
            except sqlite3.DatabaseError:
                if chunk > 1:  # close in on the unreadable spot one row at a time
                    chunk = 1
                    continue
                report.unreadable_from.append(last)
                start = _probe_past(con, last)
                if start is None:
                    return
                last = start - 1  # the probe read a row at id >= start: progress is certain
                continue
            if not rows:
                return
            for row in rows:
                yield dict(zip(columns, row, strict=True))
            last, chunk = rows[-1][0], min(CHUNK, chunk * 2)
    finally:
        con.close()


def _probe_past(con: sqlite3.Connection, last: int) -> int | None:
    """The smallest probed id > ``last + 1`` from which the table can be read again (doubling steps past
    the unreadable spot), or None when nothing after it can be read."""
    step = 1
    for _ in range(MAX_PROBES):
        start = last + 1 + step
        try:
            found = con.execute("SELECT id FROM customers WHERE id >= ? ORDER BY id LIMIT 1", (start,)).fetchone()
        except sqlite3.DatabaseError:
            step *= 2
            continue
        return None if found is None else found[0]
    return None


def _record(row: dict) -> CustomerRecord | None:
    values = {c: row.get(c) for c in RECORD_FIELDS if c != "deleted"}
    if not isinstance(values.get("first_name"), str) or not isinstance(values.get("last_name"), str):
        return None
    if not all(_clean(v) for k, v in values.items() if k != "paysimple_id"):
        return None
    ps_id = values.get("paysimple_id")
    if ps_id is not None and not isinstance(ps_id, int):
        return None
    return CustomerRecord(**values, deleted=bool(row.get("deleted") or 0))


def _insert(con: sqlite3.Connection, rows: list[tuple], report: RecoveryReport) -> None:
    before = con.total_changes
    con.executemany(_SALVAGE_SQL, rows)
    lost = len(rows) - (con.total_changes - before)
    if lost:  # duplicates of an id or PaySimple id the damaged file should not have had
        report.skipped += lost
        log.warning("%d salvaged rows duplicated another row's id or PaySimple id; kept the first", lost)


def recover(directory_cls, path: Path, problem: str, **options):
    """Set the damaged directory aside, salvage, and return a fresh open ``directory_cls`` (see module)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    damaged = _set_aside(path, stamp)
    report = RecoveryReport(problem=problem, damaged_file=damaged)
    log.error("customer directory %s failed its check (%s); kept as %s, rebuilding", path, problem, damaged.name)
    directory = directory_cls(path, **options)
    try:
        written_at = now_iso()
        seen: list[tuple[str, int]] = []
        notes: list[tuple[str, int]] = []
        batch: list[tuple] = []
        lo = hi = None
        position = 0
        with directory._transaction() as con:  # (the salvage is part of the SQLite store)
            for row in _read_rows(damaged, report):
                record = _record(row)
                origin = row.get("origin") if _clean(row.get("origin")) and row.get("origin") else "salvaged"
                if record is None or not isinstance(row["id"], int) or row["id"] <= 0:
                    report.skipped += 1
                    continue
                position += 1  # the fresh file's feed numbers the salvaged rows in id order
                batch.append(insert_values(row["id"], record, origin, written_at, position))
                lo = row["id"] if lo is None else min(lo, row["id"])
                hi = row["id"] if hi is None else max(hi, row["id"])
                if isinstance(row.get("last_seen_at"), str):
                    seen.append((row["last_seen_at"], row["id"]))
                if isinstance(row.get("local_notes"), str) and _clean(row["local_notes"]):
                    notes.append((row["local_notes"], row["id"]))
                if len(batch) >= 5000:
                    _insert(con, batch, report)
                    batch = []
            if batch:
                _insert(con, batch, report)
            if lo is not None:
                con.execute("INSERT INTO pending_index (lo, hi) VALUES (?, ?)", (lo, hi))
                directory._merge_pending(con)
            con.executemany("UPDATE customers SET local_notes = ? WHERE id = ?", notes)
            report.local_only, report.from_paysimple = con.execute(
                "SELECT count(*) FILTER (WHERE paysimple_id IS NULL), count(paysimple_id) FROM customers").fetchone()
        for seen_at, customer_id in sorted(seen, reverse=True)[:RECENT_LIMIT]:
            try:
                when = datetime.fromisoformat(seen_at)
            except ValueError:
                continue
            if when.tzinfo is not None:
                directory.mark_seen(customer_id, when)
    except BaseException:
        directory.close()
        raise
    directory.recovery = report
    log.warning("customer directory rebuilt: %d local-only and %d PaySimple customers salvaged, %d skipped, "
                "unreadable after ids %s; the sync brings PaySimple's customers up to date",
                report.local_only, report.from_paysimple, report.skipped, report.unreadable_from or "-")
    return directory

