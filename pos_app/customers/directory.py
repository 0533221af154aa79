"""The local customer directory: a SQLite (WAL) file in the data dir, the SQLite ``CustomerStore`` (records of
record with a change feed) and the counter's search index over them.

Threads: a ``Directory`` may be used from several threads (the UI searches while a worker syncs). Each
thread gets its own SQLite connection; WAL lets searches read while a sync or import writes. Every write is
one ``BEGIN IMMEDIATE`` ... ``COMMIT`` transaction (``_transaction``), so a batch is applied whole or not at
all, and SQLite lets one writer in at a time.

Writing: the domain methods of ``store.CustomerStore`` (sync pages, import batches, counter saves, deletions)
read what ``plan`` needs inside their transaction, then ``_apply`` writes the resulting ``plan.Batch`` and keeps
the search tables in step (see ``schema``). Deleted customers stay in ``customers`` with ``deleted = 1``
(``get`` still returns them) but leave the search tables.

The change feed: every row written gets the next position (``customers.change_pos``, unique; max + 1, taken
inside the write transaction). Only one transaction writes at a time and it takes its positions after the
writers before it committed, so positions become visible in the order they were taken: a reader of
``changes(after)`` sees every position up to the largest one it is given. ``feed_id`` is a random name kept in
``meta`` (a rebuilt file, see ``recovery``, has a new one). A replica (``replica.follow``) writes the source's
records with their local ids through ``apply_changes``; its own feed numbers them again.

Deferred indexing (decision 0313): a batch that inserts ``DEFER_MIN`` or more customers only writes their
rows and records the id range in ``pending_index``; the pending entries are added later in one transaction
(SQLite expands them from the rows' ``words``/``keys``, sorted by the index key). Inside ``bulk()`` (a sync, an
import), pending customers are merged when they reach max(``MERGE_MIN``, half the indexed ones) — geometric, so
total work stays linear — in their own transaction right after the batch's COMMIT, and when the outermost
``bulk()`` ends; ``upsert_many`` merges once at the end; a write outside ``bulk()`` merges before it returns.
Pending customers are not searchable until then (``pending_count`` tells the UI). A process that dies mid-load
leaves the ranges recorded and the next ``Directory()`` finishes the merge before anyone searches. Small
batches (an incremental sync, a counter edit) are indexed in their own transaction. Word statistics for the
search are refreshed at each merge and whenever the directory grew by half (``stats``); searches pick up new
statistics from a background reload, never waiting for one.

Background sorting (decision 0265): while a bulk load writes rows, ``_Presorter`` sorts the entries of every
``PRESORT_RUN`` committed pending customers into runs in a scratch file; the final merge of the runs and the
deletion of the ``pending_index`` ranges are one transaction, so an interrupted or failed pass rolls back
whole and is redone. ``synchronous`` stays NORMAL (WAL syncs only at checkpoints).

Searching while a bulk load writes (decision 0266): searches mark themselves (``reading``) and bulk writers
pause at safe points every ``YIELD_ROWS`` rows while one runs.

Storage faults: opening and every write raise ``pos_app.storage_errors.StorageError`` (file + next step) for a
read-only folder, a full disk, a damaged file or a disk error. ``Directory.open_or_recover`` (the counter's
start-up) also runs ``PRAGMA quick_check`` first; a damaged directory is a cache, so it is moved aside (kept,
never deleted), the readable customers are salvaged into a fresh file (local-only ones are the point: PaySimple
has the others) and the start-up sync rebuilds the rest (``customers.recovery``).

"Recently seen": ``mark_seen`` records that a customer was served at this counter. The last
``RECENT_LIMIT`` distinct customers are kept in ``recent`` and rank first within their match tier.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pos_app.customers import stats
from pos_app.customers.models import RECORD_FIELDS, CustomerHit, CustomerRecord, StoredCustomer
from pos_app.customers.plan import (
    Batch,
    OldRow,
    plan_import,
    plan_paysimple,
    plan_save,
    possible_duplicate_ids,
)
from pos_app.customers.recovery import recover
from pos_app.customers.rows import (
    INSERT_SQL,
    OLD_COLUMNS,
    RECENT_LIMIT,
    ROW_COLUMNS,
    UPDATE_SQL,
    insert_values,
    now_iso,
    update_values,
)
from pos_app.customers.schema import SCHEMA_VERSION, connect, migrate
from pos_app.customers.search import search as search_directory
from pos_app.customers.store import (
    ADD_OUTCOMES,
    AddClosed,
    AddInProgress,
    Change,
    ChangePage,
    ImportCounts,
    ImportRow,
    OpenAdd,
    SyncEnd,
    SyncRun,
    UpsertCounts,
    aware,
    check_feed_args,
)
from pos_app.sqlite_support import sqlite_open
from pos_app.storage_errors import CHECK_FAILED, Fault, StorageError, What, storage_errors

log = logging.getLogger(__name__)

DEFER_MIN = 100  # a batch inserting this many customers is indexed later, in one pass
MERGE_MIN = 20_000  # pending customers are merged when they reach max(MERGE_MIN, half the indexed ones)
PRESORT_RUN = 50_000  # committed pending customers per sorted run the background sorter builds
YIELD_ROWS = 256  # a bulk writer lets a running search through after this many rows of Python work
YIELD_MAX_S = 0.05  # ... waiting at most this long each time (it is never starved by back-to-back searches)
REPLICA_RANGES_MAX = 64  # a replica batch whose new ids form more id ranges than this is indexed at once
_CHUNK = 500  # ids per IN (...) query
_SELECT_ROW = f"SELECT {', '.join(ROW_COLUMNS)} FROM customers"
_SELECT_OLD = f"SELECT {', '.join(OLD_COLUMNS)} FROM customers"
SYNC_STOPPED = ("cancelled", "failed")
# This directory's own bookkeeping, left out of a snapshot (``snapshot_to``): not part of the customer list.
_NOT_IN_SNAPSHOT = ("recent", "recent_entries", "sync_runs", "sync_seen", "paysimple_adds")


class FeedMismatch(ValueError):
    """The replica follows another feed than the one offered (a store rebuilt or replaced); nothing written."""

    def __init__(self, have: str, offered: str) -> None:
        self.have, self.offered = have, offered
        super().__init__(f"This customer list is a copy of another store's list (feed {have}, not {offered}); "
                         "nothing was changed. Start a fresh copy (a new, empty customer list file).")


class NotReadyToCopy(RuntimeError):
    """``snapshot_to``: this directory cannot be copied now (a copy that has not followed its feed yet, or a file
    being migrated); ask again later. Nothing usable was written to the target."""


class _Lookup:
    """``plan.Lookup`` on the writing transaction's connection."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def _rows(self, column: str, ids: Sequence[int]) -> dict[int, OldRow]:
        out: dict[int, OldRow] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start:start + _CHUNK])
            for row in self.con.execute(f"{_SELECT_OLD} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk):
                out[row[0] if column == "id" else row[1]] = OldRow(row[0], row[1], tuple(row[2:-1]), row[-1])
        return out

    def rows_by_id(self, ids: Sequence[int]) -> dict[int, OldRow]:
        return self._rows("id", ids)

    def rows_by_paysimple_id(self, ids: Sequence[int]) -> dict[int, OldRow]:
        return self._rows("paysimple_id", ids)

    def live_ids_by_keys(self, keys: Sequence[str]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = list(keys[start:start + _CHUNK])
            for key, cid in self.con.execute(
                    f"SELECT key, customer_id FROM keys WHERE key IN ({','.join('?' * len(chunk))})", chunk):
                out.setdefault(key, []).append(cid)  # the keys table holds live customers only
        return out

    def has_local_only(self) -> bool:
        return self.con.execute("SELECT 1 FROM customers WHERE paysimple_id IS NULL AND deleted = 0 "
                                "LIMIT 1").fetchone() is not None


class Directory:
    def __init__(self, path: Path | str, cache_mib: int = 64, busy_timeout_s: float = 10.0,
                 check: bool = False) -> None:
        """Open (create) the directory. ``check``: run ``PRAGMA quick_check`` before anything is written
        and raise ``StorageError`` (fault corrupt) when it fails."""
        self.path = Path(path)
        self._cache_mib = cache_mib
        self._busy_timeout_s = busy_timeout_s
        self._stats: stats.WordStats | None = None
        self._merge_deferred = False  # upsert_many: one merge at the end
        self._bulk_depth = 0  # ``bulk()`` blocks open (any thread)
        self._local = threading.local()
        self._all: list[tuple[sqlite3.Connection, threading.Thread]] = []
        self._lock = threading.Lock()
        self.recovery = None  # customers.recovery.RecoveryReport when open_or_recover rebuilt the file
        self._presorter: _Presorter | None = None
        self._readers = 0  # searches running now (``reading``)
        self._reads_done = 0  # searches finished so far
        self._readers_gone = threading.Condition(threading.Lock())
        try:
            with storage_errors(self.path, What.DIRECTORY):
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.scratch_path.unlink(missing_ok=True)  # sorted runs of a load that did not finish: derived data
                con = self.connection()
                problems = self.integrity_problems() if check else []
                if problems:
                    log.error("customer directory %s failed its integrity check: %s", self.path,
                              " | ".join(problems)[:2000])
                    raise StorageError(Fault.CORRUPT, self.path, What.DIRECTORY, CHECK_FAILED)
                migrate(con)
                self.finish_indexing()  # a bulk load cut short by a crash: finish it before anyone searches
        except BaseException:
            self.close()
            raise

    @classmethod
    def open_or_recover(cls, path: Path | str, **options) -> Directory:
        """The counter's start-up open: checked, and rebuilt when damaged (see the module docstring; the
        result's ``recovery`` says what happened). Other storage faults are raised."""
        try:
            return cls(path, check=True, **options)
        except StorageError as exc:
            if exc.fault is not Fault.CORRUPT:
                raise
            problem = exc.detail or "The file could not be read as a database."
        return recover(cls, Path(path), problem, **options)

    def integrity_problems(self, limit: int = 10) -> list[str]:
        """``PRAGMA quick_check`` on this thread's connection: [] when sound, else the problems found."""
        try:
            rows = [str(r[0]) for r in self.connection().execute(f"PRAGMA quick_check({int(limit)})")]
        except sqlite3.DatabaseError as exc:
            code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
            if code not in (11, 26):  # CORRUPT, NOTADB
                raise
            return ["not a SQLite database" if code == 26 else "damaged pages"]
        return [] if rows == ["ok"] else rows

    @classmethod
    def open_default(cls) -> Directory:
        from pos_app.config import app_paths

        return cls(app_paths().ensure().directory_db)

    # --- connections -------------------------------------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (one per thread; a new one after ``close``)."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = connect(self.path, self._cache_mib, self._busy_timeout_s)
            self._local.con = con
            with self._lock:
                self._all.append((con, threading.current_thread()))
        return con

    @property
    def scratch_path(self) -> Path:
        """Where a bulk load's background sorter keeps its sorted runs (deleted when the load is merged)."""
        return self.path.with_name(self.path.name + "-presort")

    def close(self) -> None:
        self._stop_presorter()
        # Closing a SQLite connection while another thread runs a statement on it crashes the process: only
        # this thread's connections and those of threads that have ended are closed here; a live thread's
        # connection is interrupted (sqlite3_interrupt is safe from any thread) and left to the garbage
        # collector: once ``_all`` and the old thread-local slots let go of it, its last reference is the one
        # that thread holds while its statement runs, so it is freed when that thread is done with it.
        me = threading.current_thread()
        with self._lock:
            for con, owner in self._all:
                try:
                    if owner is me or not owner.is_alive():
                        con.close()
                    else:
                        con.interrupt()
                except sqlite3.Error:  # closed already: nothing to release
                    pass
            self._all.clear()
        self._local = threading.local()

    def __enter__(self) -> Directory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole on success, rolled back on any exception (a failed
        COMMIT included). Storage faults come out as ``StorageError``. What the transaction leaves to do once
        committed (hand new bulk rows to the background sorter, a merge that came due) runs after the COMMIT,
        on this thread."""
        with storage_errors(self.path, What.DIRECTORY):
            con = self.connection()
            self._local.after_commit = []
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                self._local.after_commit = None
                if con.in_transaction:  # SQLite already rolled back on some errors (an interrupted statement)
                    try:
                        con.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # the original error is the one to report
                raise
        hooks, self._local.after_commit = self._local.after_commit, None
        for hook in hooks:
            hook()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Marks a search in progress: bulk writers in other threads pause at their next safe point.

        A search returns from SQLite (and so needs Python's GIL back) a few dozen times; a bulk writer thread
        building rows in Python would hold the GIL for up to the interpreter's switch interval each time.
        Writers check ``_readers`` every ``YIELD_ROWS`` rows (an attribute read) and, while a search runs,
        wait on a condition (GIL released) for at most ``YIELD_MAX_S`` (decision 0266).
        """
        with self._readers_gone:
            self._readers += 1
            if self._readers == 1 and self._presorter is not None:
                self._presorter.yield_cpu(True)
        try:
            yield
        finally:
            with self._readers_gone:
                self._readers -= 1
                self._reads_done += 1
                if not self._readers and self._presorter is not None:
                    self._presorter.yield_cpu(False)
                self._readers_gone.notify_all()

    def _let_readers_through(self) -> None:
        """A bulk writer's safe point: wait until the searches running now have finished (see ``reading``),
        at most ``YIELD_MAX_S``; searches that start meanwhile do not extend the wait (no starvation)."""
        if not self._readers:
            return
        deadline = time.monotonic() + YIELD_MAX_S
        with self._readers_gone:
            waiting_for = self._reads_done + self._readers
            while self._readers and self._reads_done < waiting_for:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._readers_gone.wait(left)

    def _after_commit(self, hook) -> bool:
        """Run ``hook`` once the current write transaction commits; False outside one."""
        hooks = getattr(self._local, "after_commit", None)
        if hooks is None:
            return False
        if hook not in hooks:
            hooks.append(hook)
        return True

    # --- reading -----------------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return str(self.path)

    def get(self, local_id: int) -> StoredCustomer | None:
        with storage_errors(self.path, What.DIRECTORY):
            row = self.connection().execute(f"{_SELECT_ROW} WHERE id = ?", (local_id,)).fetchone()
        return _stored(row) if row else None

    def get_by_paysimple_id(self, paysimple_id: int) -> StoredCustomer | None:
        with storage_errors(self.path, What.DIRECTORY):
            row = self.connection().execute(f"{_SELECT_ROW} WHERE paysimple_id = ?", (paysimple_id,)).fetchone()
        return _stored(row) if row else None

    def word_stats(self) -> stats.WordStats:
        """Word counts for choosing search drivers (cached). After a refresh (a bulk merge) the new counts
        are loaded by a background thread while searches go on with the previous ones — slightly stale
        counts only change which word drives a walk, never what it finds — so no search waits for the load
        (tens of milliseconds at a million customers). Only the very first search loads them itself."""
        con = self.connection()
        version = stats.current_version(con)
        cached = self._stats
        if cached is None:
            cached = self._stats = stats.WordStats.load(con, version)
        elif cached.version != version:
            self._reload_stats_later(version)
        return cached

    def _reload_stats_later(self, version: str | None) -> None:
        with self._lock:
            if getattr(self, "_stats_loading", None) == version:
                return
            self._stats_loading = version

        def load() -> None:
            con = connect(self.path, 8, self._busy_timeout_s)
            try:
                fresh = stats.WordStats.load(con, stats.current_version(con))
                self._stats = fresh
            except sqlite3.Error:  # closed or unreadable meanwhile: the next search tries again
                log.warning("word statistics could not be reloaded", exc_info=True)
            finally:
                con.close()
                with self._lock:
                    self._stats_loading = None

        threading.Thread(target=load, name="directory-stats", daemon=True).start()

    def count(self, include_deleted: bool = False) -> int:
        sql = "SELECT count(*) FROM customers" + ("" if include_deleted else " WHERE deleted = 0")
        with storage_errors(self.path, What.DIRECTORY):
            return self.connection().execute(sql).fetchone()[0]

    def search(self, query: str, limit: int = 50) -> list[CustomerHit]:
        return search_directory(self, query, limit)

    def ids_by_key(self, key: str, con: sqlite3.Connection | None = None) -> list[int]:
        """Local ids of the live customers with this tagged lookup key (``index``): the search's look-up."""
        con = con or self.connection()
        return [r[0] for r in con.execute("SELECT customer_id FROM keys WHERE key = ?", (key,))]

    # --- the change feed -----------------------------------------------------------------------------------

    def changes(self, after: int = 0, limit: int = 1000) -> ChangePage:
        """Customers written after feed position ``after``, in position order (see the module docstring)."""
        check_feed_args(after, limit)
        with storage_errors(self.path, What.DIRECTORY):
            rows = self.connection().execute(
                f"{_SELECT_ROW.replace(' FROM', ', change_pos FROM')} WHERE change_pos > ? ORDER BY change_pos "
                "LIMIT ?", (after, limit)).fetchall()
        found = [Change(row[-1], _stored(row[:-1])) for row in rows]
        return ChangePage(found, found[-1].position if found else after)

    def feed_id(self) -> str:
        with storage_errors(self.path, What.DIRECTORY):
            return self.connection().execute("SELECT value FROM meta WHERE key = 'feed_id'").fetchone()[0]

    @staticmethod
    def _next_position(con: sqlite3.Connection) -> int:
        """The next feed position (inside the write transaction: one writer at a time)."""
        return con.execute("SELECT coalesce(max(change_pos), 0) + 1 FROM customers").fetchone()[0]

    # --- writing: the store's domain methods ---------------------------------------------------------------

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """A run of many writes (a sync pass, an import): bulk-loaded customers may become searchable only
        when the outermost ``bulk()`` ends (see the module docstring), also when it ends by an exception."""
        with self._lock:
            self._bulk_depth += 1
        failed = True
        try:
            yield
            failed = False
        finally:
            with self._lock:
                self._bulk_depth -= 1
                outermost = self._bulk_depth == 0
            if outermost and failed:
                self._written()  # the block's own error is the one to report
            elif outermost:
                self.finish_indexing()

    def _written(self) -> None:
        """After a domain write committed: outside ``bulk()``, everything it wrote is made searchable now. The
        write itself is committed, so a storage fault of this indexing pass is logged, not raised: the pass is
        redone by the next write and at the next open (``pending_count`` says how many wait)."""
        if self._bulk_depth:
            return
        try:
            self.finish_indexing()
        except StorageError as exc:
            log.warning("customer list %s: indexing of written customers deferred (%s)", self.path,
                        exc.fault.value)

    def upsert_paysimple(self, records: Sequence[CustomerRecord]) -> UpsertCounts:
        """PaySimple customers in one transaction (``store.CustomerStore.upsert_paysimple``, rules in ``plan``)."""
        with self._transaction() as con:
            counts = self._upsert(con, records)
        self._written()
        return counts

    def _upsert(self, con: sqlite3.Connection, records: Sequence[CustomerRecord],
                origin: str = "paysimple") -> UpsertCounts:
        if not records:
            return UpsertCounts()
        plan = plan_paysimple(records, _Lookup(con), origin, pause=self._let_readers_through,
                              pause_every=YIELD_ROWS)
        return plan.finish(self._apply(con, plan.batch))

    def upsert_many(self, records: Iterable[CustomerRecord], batch_size: int = 5000) -> UpsertCounts:
        """Bulk upsert of PaySimple customers, one transaction per ``batch_size`` records; every customer
        is searchable when it returns (indexing is done once, at the end: nobody searches mid-call)."""
        total = UpsertCounts()
        chunk: list[CustomerRecord] = []
        self._merge_deferred = True
        try:
            with self.bulk():
                for record in records:
                    chunk.append(record)
                    if len(chunk) >= batch_size:
                        with self._transaction() as con:
                            total.add(self._upsert(con, chunk))
                        chunk = []
                if chunk:
                    with self._transaction() as con:
                        total.add(self._upsert(con, chunk))
        finally:
            self._merge_deferred = False
        return total

    def import_batch(self, rows: Sequence[ImportRow]) -> ImportCounts:
        """Customers from another POS in one transaction (``store.CustomerStore.import_batch``)."""
        if not rows:
            return ImportCounts()
        with self._transaction() as con:
            plan = plan_import(rows, _Lookup(con))
            self._apply(con, plan.batch)
        self._written()
        return plan.counts

    def save_from_paysimple(self, record: CustomerRecord, local_id: int | None = None, origin: str = "counter",
                            closes: AddClosed | None = None) -> StoredCustomer:
        """PaySimple's answer to a counter create/edit (``store.CustomerStore.save_from_paysimple``)."""
        with self._transaction() as con:
            batch, target = plan_save(record, local_id, _Lookup(con), origin)
            written = self._apply(con, batch)
            if closes is not None:
                self._close_add(con, closes.add_id, closes.outcome, closes.at, record.paysimple_id)
        self._written()
        stored = self.get(written[0] if written else target)
        assert stored is not None
        return stored

    def possible_duplicates(self, record: CustomerRecord, exclude_id: int | None = None,
                            limit: int = 5) -> list[StoredCustomer]:
        """Customers who may be this record (``store.CustomerStore.possible_duplicates``; a read)."""
        with storage_errors(self.path, What.DIRECTORY):
            ids = possible_duplicate_ids(record, _Lookup(self.connection()), exclude_id, limit)
        return [s for s in map(self.get, ids) if s is not None]

    # --- adds of local-only customers to PaySimple (``customers.paysimple_add``) -----------------------------

    def open_add(self, local_id: int) -> OpenAdd | None:
        with storage_errors(self.path, What.DIRECTORY):
            row = self.connection().execute(
                "SELECT id, customer_id, started_at, ended_at, first_name, last_name, email, phone, customer_account "
                "FROM paysimple_adds WHERE customer_id = ? AND outcome IS NULL", (local_id,)).fetchone()
        if row is None:
            return None
        return OpenAdd(row[0], row[1], datetime.fromisoformat(row[2]),
                       datetime.fromisoformat(row[3]) if row[3] else None, *row[4:])

    def begin_add(self, local_id: int, record: CustomerRecord, at: datetime) -> int:
        """Recorded with ``synchronous=FULL``: the record survives a power cut before the POST is sent."""
        started = aware(at).isoformat()
        con = self.connection()
        with storage_errors(self.path, What.DIRECTORY):
            con.execute("PRAGMA synchronous=FULL")
        try:
            with self._transaction() as con:
                cur = con.execute(
                    "INSERT INTO paysimple_adds (customer_id, started_at, first_name, last_name, email, phone, "
                    "customer_account) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (local_id, started, record.first_name, record.last_name, record.email, record.phone,
                     record.customer_account))
                return int(cur.lastrowid)
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname != "SQLITE_CONSTRAINT_UNIQUE":  # the unique index of open adds only
                raise
            raise AddInProgress() from exc
        finally:
            with storage_errors(self.path, What.DIRECTORY):
                con.execute("PRAGMA synchronous=NORMAL")

    def add_sent(self, add_id: int, at: datetime) -> None:
        with self._transaction() as con:
            con.execute("UPDATE paysimple_adds SET ended_at = ? WHERE id = ?", (aware(at).isoformat(), add_id))

    def close_add(self, add_id: int, outcome: str, at: datetime) -> None:
        if outcome not in ("refused", "not_sent", "absent"):
            raise ValueError(f"an add that created nothing closes as refused, not_sent or absent, not {outcome!r}")
        with self._transaction() as con:
            self._close_add(con, add_id, outcome, at, None)

    @staticmethod
    def _close_add(con: sqlite3.Connection, add_id: int, outcome: str, at: datetime,
                   paysimple_id: int | None) -> None:
        if outcome not in ADD_OUTCOMES:
            raise ValueError(f"an add closes as one of {ADD_OUTCOMES}, not {outcome!r}")
        con.execute("UPDATE paysimple_adds SET outcome = ?, paysimple_id = ?, ended_at = coalesce(ended_at, ?) "
                    "WHERE id = ?", (outcome, paysimple_id, aware(at).isoformat(), add_id))

    def mark_deleted(self, local_ids: Sequence[int]) -> int:
        """Flag customers deleted (by local id) and drop them from search; returns how many changed."""
        with self._transaction() as con:
            changed = self._mark_deleted(con, local_ids)
        self._written()
        return changed

    # --- the PaySimple sync's progress (``customers.sync``) --------------------------------------------------

    def sync_start(self, page_size: int) -> SyncRun:
        with self._transaction() as con:
            row = con.execute("SELECT id, page_size, last_page, total_items FROM sync_runs "
                              "WHERE status != 'complete' ORDER BY id DESC LIMIT 1").fetchone()
            if row is not None and row[1] == page_size:
                con.execute("UPDATE sync_runs SET status = 'running', error = NULL WHERE id = ?", (row[0],))
                return SyncRun(row[0], row[2] + 1, row[3], True)
            if row is not None:  # page size changed: the old page numbers mean other rows; start over
                con.execute("UPDATE sync_runs SET status = 'complete', finished_at = ?, "
                            "error = 'abandoned: page size changed' WHERE id = ?", (now_iso(), row[0]))
                con.execute("DELETE FROM sync_seen WHERE run_id = ?", (row[0],))
            cur = con.execute("INSERT INTO sync_runs (started_at, status, page_size) VALUES (?, 'running', ?)",
                              (now_iso(), page_size))
            return SyncRun(cur.lastrowid, 1, None, False)

    def sync_page(self, run: int, page_no: int, records: Sequence[CustomerRecord],
                  total_items: int) -> UpsertCounts:
        with self._transaction() as con:
            counts = self._upsert(con, records)
            con.executemany("INSERT OR IGNORE INTO sync_seen (run_id, paysimple_id) VALUES (?, ?)",
                            [(run, r.paysimple_id) for r in records])
            con.execute(
                "UPDATE sync_runs SET last_page = ?, shifted = shifted OR (total_items IS NOT NULL AND "
                "total_items != ?), total_items = ?, inserted = inserted + ?, updated = updated + ?, "
                "unchanged = unchanged + ? WHERE id = ?",
                (page_no, total_items, total_items, counts.inserted, counts.updated, counts.unchanged, run))
        self._written()
        return counts

    def sync_stop(self, run: int, status: str, error: str | None = None) -> None:
        if status not in SYNC_STOPPED:
            raise ValueError(f"a sync pass stops as one of {SYNC_STOPPED}, not {status!r}")
        with self._transaction() as con:
            con.execute("UPDATE sync_runs SET status = ?, error = ? WHERE id = ?", (status, error, run))

    def sync_complete(self, run: int) -> SyncEnd:
        with self._transaction() as con:
            shifted, total = con.execute("SELECT shifted, total_items FROM sync_runs WHERE id = ?",
                                         (run,)).fetchone()
            seen = con.execute("SELECT count(*) FROM sync_seen WHERE run_id = ?", (run,)).fetchone()[0]
            skipped, deleted = None, 0
            if shifted:
                skipped = "PaySimple's customer count changed during the pass; deletions will be marked by the next sync"
            elif total is not None and seen < total:
                skipped = (f"the pass listed {seen} customers but PaySimple counts {total}; deletions will be "
                           "marked by the next sync")
            else:
                ids = [r[0] for r in con.execute(
                    "SELECT id FROM customers WHERE paysimple_id IS NOT NULL AND deleted = 0 AND paysimple_id NOT IN "
                    "(SELECT paysimple_id FROM sync_seen WHERE run_id = ?)", (run,))]
                deleted = self._mark_deleted(con, ids)
            con.execute("DELETE FROM sync_seen WHERE run_id = ?", (run,))
            con.execute("UPDATE sync_runs SET status = 'complete', finished_at = ?, deleted = ? WHERE id = ?",
                        (now_iso(), deleted, run))
        self._written()
        return SyncEnd(deleted, skipped)

    # --- replica: the records of another store, from its change feed (``customers.replica``) -----------------

    def replica_position(self) -> tuple[str | None, int]:
        """(the feed this directory copies, or None when it copies none yet; the position it has reached)."""
        with storage_errors(self.path, What.DIRECTORY):
            rows = dict(self.connection().execute(
                "SELECT key, value FROM meta WHERE key IN ('replica_of', 'replica_position')").fetchall())
        return rows.get("replica_of"), int(rows.get("replica_position") or 0)

    def snapshot_to(self, path: Path | str, copies_feed: bool) -> tuple[str, int, int]:
        """Copy this directory as of one moment into the new file ``path`` (SQLite's backup API in one step: one
        read transaction; writers go on) and set the copy up as a replica of the feed it holds — ``copies_feed``:
        this directory is itself a copy of another feed (its ``replica_position``), else it is the feed
        (``feed_id``, its largest position) — without this directory's own bookkeeping (sync runs, PaySimple adds,
        "recently seen"), with a new ``feed_id`` of its own, in one self-contained file (no WAL). Returns
        (feed id, position the copy is complete up to, schema version). ``NotReadyToCopy`` when a copy has not
        followed a feed yet or the schema is not this version's; ``StorageError`` for storage faults (the
        caller removes ``path`` either way)."""
        target = sqlite_open(path, What.DIRECTORY, synchronous="NORMAL", wal=False, busy_timeout_s=self._busy_timeout_s)
        try:
            with storage_errors(self.path, What.DIRECTORY):
                self.connection().backup(target)  # all pages in one step: one moment of the directory
            with storage_errors(path, What.DIRECTORY):
                meta = dict(target.execute("SELECT key, value FROM meta"))
                if copies_feed:
                    feed_id, position = meta.get("replica_of"), int(meta.get("replica_position") or 0)
                else:
                    feed_id = meta["feed_id"]
                    position = target.execute("SELECT coalesce(max(change_pos), 0) FROM customers").fetchone()[0]
                version = target.execute("PRAGMA user_version").fetchone()[0]
                if feed_id is None or version != SCHEMA_VERSION:
                    raise NotReadyToCopy()
                target.execute("BEGIN IMMEDIATE")
                for table in _NOT_IN_SNAPSHOT:
                    target.execute(f"DELETE FROM {table}")
                target.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                   [("replica_of", feed_id), ("replica_position", str(position)),
                                    ("feed_id", uuid.uuid4().hex)])
                target.execute("COMMIT")
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
        return feed_id, int(position), int(version)

    def replica_complete(self) -> bool:
        """This copy has reached the end of its feed at least once (``mark_replica_complete``): every customer of
        the feed up to its position is searchable here. False while a first fill is under way (a bulk load's
        rows are not searchable until it ends) and for a copy cut short."""
        with storage_errors(self.path, What.DIRECTORY):
            row = self.connection().execute("SELECT value FROM meta WHERE key = 'replica_complete'").fetchone()
        return row is not None and row[0] == "1"

    def mark_replica_complete(self) -> None:
        """Record that this copy has caught up with its feed (kept across restarts; a copy of another feed is a
        new file and starts without the mark)."""
        with self._transaction() as con:
            con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('replica_complete', '1')")

    def apply_changes(self, feed_id: str, page: ChangePage) -> int:
        """Write a page of another store's feed (``feed_id``): each record with its local id, origin, notes and
        written time (this counter's "recently seen" kept), the page's ``next_position`` recorded with them in
        one transaction. Returns how many records changed here. ``FeedMismatch`` when this directory copies
        another feed (nothing written)."""
        with self._transaction() as con:
            have = con.execute("SELECT value FROM meta WHERE key = 'replica_of'").fetchone()
            if have is not None and have[0] != feed_id:
                raise FeedMismatch(have[0], feed_id)
            changed = self._apply_copies(con, [c.customer for c in page.changes])
            con.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                            [("replica_of", feed_id), ("replica_position", str(page.next_position))])
        self._written()
        return changed

    def _apply_copies(self, con: sqlite3.Connection, customers: Sequence[StoredCustomer]) -> int:
        latest = {c.id: c for c in customers}
        existing = _Lookup(con).rows_by_id(list(latest))
        position = self._next_position(con)
        new = [c for cid, c in latest.items() if cid not in existing]
        changed = [(existing[c.id], c) for cid, c in latest.items() if cid in existing
                   and not (existing[cid].same_as(c.record) and self._same_local(con, c))]
        if new:
            rows = [insert_values(c.id, c.record, c.origin, c.written_at, position + n, c.local_notes)
                    for n, c in enumerate(new)]
            position += len(rows)
            con.executemany(INSERT_SQL, rows)
            ranges = _coalesce((c.id, c.id) for c in new)
            if len(new) >= DEFER_MIN and len(ranges) <= REPLICA_RANGES_MAX:
                con.executemany("INSERT INTO pending_index (lo, hi) VALUES (?, ?)", ranges)
                for lo, hi in ranges:
                    self._after_commit(lambda lo=lo, hi=hi: self._presort(lo, hi))
                self._merge_if_due(con)
            else:
                _add_entries(con, "c.id IN (SELECT value FROM json_each(?))", (json.dumps([c.id for c in new]),))
                stats.refresh_if_grown(con)
        if changed:
            self._update_rows(con, [(old.id, c.record) for old, c in changed], None, position)
            con.executemany("UPDATE customers SET origin = ?, written_at = ?, local_notes = ? WHERE id = ?",
                            [(c.origin, c.written_at, c.local_notes, c.id) for _, c in changed])
        return len(new) + len(changed)

    @staticmethod
    def _same_local(con: sqlite3.Connection, copy: StoredCustomer) -> bool:
        row = con.execute("SELECT origin, written_at, local_notes FROM customers WHERE id = ?", (copy.id,)).fetchone()
        return tuple(row) == (copy.origin, copy.written_at, copy.local_notes)

    # --- writing: rows and index -------------------------------------------------------------------------

    def _apply(self, con: sqlite3.Connection, batch: Batch) -> list[int]:
        """Write a batch inside the caller's transaction; returns the local ids (inserts, then updates)."""
        written_at = now_iso()
        next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM customers").fetchone()[0]
        position = self._next_position(con) if len(batch) else 0
        first_id = next_id
        rows, ids = [], []
        inserts = batch.inserts
        notes = batch.insert_notes or [None] * len(inserts)
        for start in range(0, len(inserts), YIELD_ROWS):
            self._let_readers_through()
            for (record, origin), note in zip(inserts[start:start + YIELD_ROWS], notes[start:start + YIELD_ROWS],
                                              strict=True):
                rows.append(insert_values(next_id, record, origin, written_at, position, note))
                ids.append(next_id)
                next_id += 1
                position += 1
        self._let_readers_through()
        con.executemany(INSERT_SQL, rows)
        if len(rows) >= DEFER_MIN:  # bulk: index later in one pass (see module doc)
            con.execute("INSERT INTO pending_index (lo, hi) VALUES (?, ?)", (first_id, next_id - 1))
            lo, hi = first_id, next_id - 1
            self._after_commit(lambda: self._presort(lo, hi))
            self._merge_if_due(con)
        elif rows:
            _add_entries(con, "c.id BETWEEN ? AND ?", (first_id, next_id - 1))
            stats.refresh_if_grown(con)
        if batch.updates:
            self._update_rows(con, [(old.id, record) for old, record in batch.updates], written_at, position)
            ids += [old.id for old, _ in batch.updates]
        if batch.update_notes:
            con.executemany("UPDATE customers SET local_notes = ? WHERE id = ?",
                            [(note, cid) for cid, note in batch.update_notes.items()])
        return ids

    def _update_rows(self, con: sqlite3.Connection, updates: list[tuple[int, CustomerRecord]],
                     written_at: str | None, position: int) -> None:
        """Rewrite existing rows (positions from ``position`` on) and move their search entries."""
        changed = json.dumps([cid for cid, _ in updates])
        self._pending_changed(con, changed)
        _remove_entries(con, "c.id IN (SELECT value FROM json_each(?))", (changed,))
        stamp = written_at or now_iso()
        con.executemany(UPDATE_SQL, [update_values(cid, record, stamp, position + n)
                                     for n, (cid, record) in enumerate(updates)])
        _add_entries(con, "c.id IN (SELECT value FROM json_each(?))", (changed,))
        con.execute(f"UPDATE recent SET text = (SELECT {_RECENT_TEXT} FROM customers c "
                    "WHERE c.id = recent.customer_id) WHERE customer_id IN (SELECT value FROM json_each(?))",
                    (changed,))
        con.execute("DELETE FROM recent WHERE customer_id IN (SELECT id FROM customers WHERE deleted = 1 "
                    "AND id IN (SELECT value FROM json_each(?)))", (changed,))

    # --- deferred indexing -------------------------------------------------------------------------------

    def pending_count(self) -> int:
        """Customers written but not searchable yet (a bulk load in progress, or one cut short)."""
        return self._pending_count(self.connection())

    @staticmethod
    def _pending_count(con: sqlite3.Connection) -> int:
        return con.execute("SELECT coalesce(sum(hi - lo + 1), 0) FROM pending_index").fetchone()[0]

    def _merge_if_due(self, con: sqlite3.Connection) -> None:
        if self._merge_deferred:
            return
        pending = self._pending_count(con)
        indexed = con.execute("SELECT coalesce(max(id), 0) FROM customers").fetchone()[0] - pending
        if pending >= max(MERGE_MIN, indexed // 2):
            # In its own transaction once this one commits (with the background sorter's runs); inside
            # this one when no write transaction is open.
            if not self._after_commit(self.finish_indexing):
                self._merge_pending(con)

    def _merge_pending(self, con: sqlite3.Connection) -> int:
        """Index every pending customer inside the caller's transaction (one sorted pass from the rows);
        returns how many ranges."""
        ranges = con.execute("SELECT count(*) FROM pending_index").fetchone()[0]
        if ranges:
            self._discard_runs()  # they would repeat what this pass adds
            _add_entries(con, "c.id IN (SELECT c2.id FROM pending_index p JOIN customers c2 "
                              "ON c2.id BETWEEN p.lo AND p.hi)", ())
            con.execute("DELETE FROM pending_index")
            stats.refresh(con)
        return ranges

    def finish_indexing(self) -> None:
        """Make every written customer searchable (end of a bulk load, or after one was cut short): one
        transaction that merges the background sorter's runs and sorts whatever they do not cover."""
        con = self.connection()
        if con.execute("SELECT 1 FROM pending_index LIMIT 1").fetchone():
            presorter = self._presorter
            if presorter is not None and presorter.merge(self._pending_ranges(con)):
                pass
            else:
                with self._transaction() as con:
                    self._merge_pending(con)
        if self._presorter is not None and not con.execute("SELECT 1 FROM pending_index LIMIT 1").fetchone():
            self._stop_presorter()

    # --- background sorting of bulk loads ----------------------------------------------------------------

    def _presort(self, lo: int, hi: int) -> None:
        """A committed bulk range: hand it to the background sorter (started on first use)."""
        with self._lock:
            if self._presorter is None:
                try:
                    self._presorter = _Presorter(self.path, self.scratch_path, self._cache_mib,
                                                 self._busy_timeout_s)
                except (sqlite3.Error, OSError):
                    log.warning("background sorting unavailable; the load is indexed at its end", exc_info=True)
                    return
            presorter = self._presorter
        presorter.add(lo, hi)

    def _pending_changed(self, con: sqlite3.Connection, ids_json: str) -> None:
        """Rows about to change or leave: if any is pending, sorted runs may hold its old entries."""
        if self._presorter is not None and con.execute(
                "SELECT 1 FROM pending_index p, json_each(?) j WHERE j.value BETWEEN p.lo AND p.hi LIMIT 1",
                (ids_json,)).fetchone():
            self._discard_runs()

    def _discard_runs(self) -> None:
        if self._presorter is not None:
            self._presorter.discard()

    def _stop_presorter(self) -> None:
        with self._lock:
            presorter, self._presorter = self._presorter, None
        if presorter is not None:
            presorter.stop()

    @staticmethod
    def _pending_ranges(con: sqlite3.Connection) -> list[tuple[int, int]]:
        return _coalesce(con.execute("SELECT lo, hi FROM pending_index").fetchall())

    def _mark_deleted(self, con: sqlite3.Connection, ids: Sequence[int]) -> int:
        """Flag customers deleted (by local id) inside the caller's transaction; each one that changes takes
        the next feed position."""
        changed = 0
        for start in range(0, len(ids), _CHUNK * 10):
            chunk = json.dumps(list(ids[start:start + _CHUNK * 10]))
            where = "c.deleted = 0 AND c.id IN (SELECT value FROM json_each(?))"
            _remove_entries(con, where, (chunk,))
            self._pending_changed(con, chunk)
            con.execute("DELETE FROM recent WHERE customer_id IN (SELECT value FROM json_each(?))", (chunk,))
            # json_each's key is the index in the (distinct) id list: distinct positions from the next one on.
            changed += con.execute(
                "UPDATE customers SET deleted = 1, written_at = ?, change_pos = ? + (SELECT j.key FROM json_each(?) j "
                "WHERE j.value = customers.id) WHERE deleted = 0 AND id IN (SELECT value FROM json_each(?))",
                (now_iso(), self._next_position(con), chunk, chunk)).rowcount
        return changed

    # --- local fields ------------------------------------------------------------------------------------

    def mark_seen(self, local_id: int, when: datetime | None = None) -> None:
        """The customer was served at this counter: ranks first among equal matches from now on."""
        seen_at = (when or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
        with self._transaction() as con:
            row = con.execute("SELECT deleted FROM customers WHERE id = ?", (local_id,)).fetchone()
            if row is None:
                raise KeyError(f"No customer with local id {local_id}")
            con.execute("UPDATE customers SET last_seen_at = ? WHERE id = ?", (seen_at, local_id))
            if row[0]:
                return
            con.execute(f"INSERT INTO recent (customer_id, seen_at, text) SELECT c.id, ?, {_RECENT_TEXT} "
                        "FROM customers c WHERE c.id = ? ON CONFLICT (customer_id) "
                        "DO UPDATE SET seen_at = excluded.seen_at, text = excluded.text",  # triggers keep entries
                        (seen_at, local_id))
            con.execute("DELETE FROM recent WHERE customer_id IN (SELECT customer_id FROM recent "
                        "ORDER BY seen_at DESC LIMIT -1 OFFSET ?)", (RECENT_LIMIT,))


# The search entries of customers rows, expanded by SQLite itself (one statement per batch instead of one
# Python row per entry). ``words`` and ``keys`` are space-separated and contain no quote or backslash
# (see ``index``), so wrapping them as a JSON array is safe.
_TERMS_OF = "json_each('[\"' || replace(trim(replace(c.words, ' . ', ' ')), ' ', '\",\"') || '\"]')"
_KEYS_OF = "json_each('[\"' || replace(trim(c.keys), ' ', '\",\"') || '\"]')"
_RECENT_TEXT = "c.words || trim(c.keys) || ' '"


def terms_select(where: str) -> str:
    """SELECT of the ``terms`` entries (term, words, id) of the customers rows matching ``where`` (alias ``c``),
    in index order."""
    return (f"SELECT j.value, c.words, c.id FROM customers c, {_TERMS_OF} j WHERE {where} "
            "AND j.value NOT IN ('', '.') ORDER BY 1, 2, 3")


def keys_select(where: str) -> str:
    """SELECT of the ``keys`` entries (key, id) of the customers rows matching ``where``, in index order."""
    return f"SELECT j.value, c.id FROM customers c, {_KEYS_OF} j WHERE {where} AND j.value != '' ORDER BY 1, 2"


def _add_entries(con: sqlite3.Connection, where: str, args: tuple) -> None:
    """Insert the entries of the selected live rows, in index order (the pages of an empty index are filled
    whole, in order; decision 0313)."""
    live = f"{where} AND c.deleted = 0"
    con.execute(f"INSERT OR IGNORE INTO terms (term, words, customer_id) {terms_select(live)}", args)
    con.execute(f"INSERT OR IGNORE INTO keys (key, customer_id) {keys_select(live)}", args)


def _remove_entries(con: sqlite3.Connection, where: str, args: tuple) -> None:
    con.execute(f"DELETE FROM terms WHERE (term, words, customer_id) IN (SELECT j.value, c.words, c.id "
                f"FROM customers c, {_TERMS_OF} j WHERE {where} AND c.deleted = 0)", args)
    con.execute(f"DELETE FROM keys WHERE (key, customer_id) IN (SELECT j.value, c.id FROM customers c, {_KEYS_OF} j "
                f"WHERE {where} AND c.deleted = 0)", args)


def _stored(row: Sequence) -> StoredCustomer:
    values = dict(zip(ROW_COLUMNS, row, strict=True))
    record = CustomerRecord(**{c: values[c] for c in RECORD_FIELDS if c != "deleted"},
                            deleted=bool(values["deleted"]))
    return StoredCustomer(values["id"], record, values["origin"], values["written_at"],
                          values["last_seen_at"], values["local_notes"])


def _coalesce(ranges) -> list[tuple[int, int]]:
    """Sorted, merged id intervals (adjacent ones joined)."""
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def _subtract(ranges: list[tuple[int, int]], covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``ranges`` outside ``covered`` (both coalesced)."""
    out = []
    for lo, hi in ranges:
        start = lo
        for clo, chi in covered:
            if chi < start or clo > hi:
                continue
            if clo > start:
                out.append((start, clo - 1))
            start = max(start, chi + 1)
        if start <= hi:
            out.append((start, hi))
    return out


def _within(covered: list[tuple[int, int]], ranges: list[tuple[int, int]]) -> bool:
    return not _subtract(covered, ranges)


def _ranges_sql(ranges: list[tuple[int, int]]) -> tuple[str, list[int]]:
    return "(" + " OR ".join("c.id BETWEEN ? AND ?" for _ in ranges) + ")", [v for r in ranges for v in r]


class _Presorter:
    """Sorts the search entries of a bulk load's committed rows in the background, while the load goes on.

    SQLite sorting the ~6 entries per customer is most of what indexing a bulk load costs, and it needs no
    Python: so while the loading thread writes rows (Python-bound), this thread takes every committed
    ``PRESORT_RUN`` pending customers and writes their ``terms``/``keys`` entries, sorted, into tables of a
    scratch file (``Directory.scratch_path``; no journal: derived data). ``merge`` then fills the real
    index from those runs in ONE transaction of the directory: a merge of already sorted runs
    (``UNION ALL ... ORDER BY``, which SQLite merges without sorting again) plus one sorted pass over the
    pending rows no run covers, the deletion of ``pending_index`` and the statistics refresh — the same
    all-or-nothing pass, so a crash leaves ``pending_index`` for the next open and the scratch
    file is deleted there. Runs are built from committed rows only (ranges arrive after their COMMIT);
    when a pending row is changed or deleted afterwards, every run is discarded (they could hold its old
    entries) and the load is indexed from the rows as without this sorter.

    Threads: the sorting thread owns ``con`` except during ``merge``, which pauses it and uses ``con`` from
    the caller's thread (the connection has the scratch file attached; ATTACH cannot happen inside the
    caller's transactions).
    """

    def __init__(self, path: Path, scratch: Path, cache_mib: int, busy_timeout_s: float) -> None:
        scratch.unlink(missing_ok=True)
        self.scratch = scratch
        self.con = connect(path, cache_mib, busy_timeout_s)
        self.con.execute("ATTACH DATABASE ? AS presort", (str(scratch),))
        self.con.execute("PRAGMA presort.journal_mode=OFF")
        self.con.execute("PRAGMA presort.synchronous=OFF")
        self._cond = threading.Condition()
        self._queue: list[tuple[int, int]] = []
        self._queued = 0
        self._runs: list[tuple[int, list[tuple[int, int]]]] = []
        self._next = 0
        self._busy = self._paused = self._stopping = self._discarded = False
        self._tid: int | None = None
        self._nice = 0
        self._thread = threading.Thread(target=self._loop, name="directory-presort", daemon=True)
        self._thread.start()

    def add(self, lo: int, hi: int) -> None:
        with self._cond:
            if self._discarded:
                return
            self._queue.append((lo, hi))
            self._queued += hi - lo + 1
            if self._queued >= PRESORT_RUN:
                self._cond.notify_all()

    def discard(self) -> None:
        """Never use the runs of this load (a pending row changed)."""
        with self._cond:
            self._discarded = True
            self._queue, self._queued = [], 0

    def yield_cpu(self, searching: bool) -> None:
        """While a search runs, the sorting thread gets the lowest CPU priority, so the search is not kept
        waiting for a core (Linux: per-thread nice, two system calls per search; elsewhere nothing)."""
        tid = self._tid
        if tid is None:
            return
        try:
            os.setpriority(os.PRIO_PROCESS, tid, 19 if searching else self._nice)
        except (AttributeError, OSError):
            self._tid = None

    def _loop(self) -> None:
        try:
            self._nice = os.getpriority(os.PRIO_PROCESS, 0)
            self._tid = threading.get_native_id()
        except (AttributeError, OSError):
            pass
        while True:
            with self._cond:
                while not self._stopping and (self._paused or self._discarded or self._queued < PRESORT_RUN):
                    self._cond.wait()
                if self._stopping:
                    return
                ranges, self._queue, self._queued = _coalesce(self._queue), [], 0
                self._busy, k = True, self._next
                self._next += 1
            ok = False
            try:
                self._build(k, ranges)
                ok = True
            except sqlite3.Error:
                log.warning("background sorting failed; the load is indexed from its rows", exc_info=True)
            with self._cond:
                self._busy = False
                if ok:
                    self._runs.append((k, ranges))
                else:
                    self._discarded = True
                self._cond.notify_all()

    def _build(self, k: int, ranges: list[tuple[int, int]]) -> None:
        where, args = _ranges_sql(ranges)
        con = self.con
        con.execute("BEGIN")
        try:
            con.execute(f"CREATE TABLE presort.t{k} (term TEXT NOT NULL, words TEXT NOT NULL, "
                        "customer_id INTEGER NOT NULL, PRIMARY KEY (term, words, customer_id)) WITHOUT ROWID")
            con.execute(f"CREATE TABLE presort.k{k} (key TEXT NOT NULL, customer_id INTEGER NOT NULL, "
                        "PRIMARY KEY (key, customer_id)) WITHOUT ROWID")
            live = f"{where} AND c.deleted = 0"
            con.execute(f"INSERT OR IGNORE INTO presort.t{k} {terms_select(live)}", args)
            con.execute(f"INSERT OR IGNORE INTO presort.k{k} {keys_select(live)}", args)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise

    def merge(self, pending: list[tuple[int, int]]) -> bool:
        """Index every pending customer in one transaction from the runs (plus a sorted pass for what they
        do not cover). False, with nothing done, when there are no usable runs."""
        with self._cond:
            self._paused = True
            while self._busy:
                self._cond.wait()
            runs = [] if self._discarded else list(self._runs)
        try:
            covered = _coalesce([r for _, ranges in runs for r in ranges])
            if not runs or not _within(covered, pending):
                return False  # (a run for rows that are not pending any more: never merge it)
            con = self.con
            terms = " UNION ALL ".join(f"SELECT term, words, customer_id FROM presort.t{k}" for k, _ in runs)
            keys = " UNION ALL ".join(f"SELECT key, customer_id FROM presort.k{k}" for k, _ in runs)
            rest = _subtract(pending, covered)
            con.execute("BEGIN IMMEDIATE")
            try:
                # Each run is a sorted table: SQLite merges them in order (no sort), the B-trees fill in order.
                con.execute(f"INSERT OR IGNORE INTO main.terms (term, words, customer_id) {terms} ORDER BY 1, 2, 3")
                con.execute(f"INSERT OR IGNORE INTO main.keys (key, customer_id) {keys} ORDER BY 1, 2")
                if rest:
                    where, args = _ranges_sql(rest)
                    _add_entries(con, where, tuple(args))
                con.execute("DELETE FROM main.pending_index")
                stats.refresh(con)
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            with self._cond:  # what is still queued was merged by the pass over the rest
                self._runs = [r for r in self._runs if r not in runs]
                self._queue, self._queued = [], 0
            for k, _ in runs:
                con.execute(f"DROP TABLE IF EXISTS presort.t{k}")
                con.execute(f"DROP TABLE IF EXISTS presort.k{k}")
            return True
        finally:
            with self._cond:
                self._paused = False
                self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()
        try:
            self.con.close()
        finally:
            self.scratch.unlink(missing_ok=True)
