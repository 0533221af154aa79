"""The store server's customers: the records of record, the search over them and the store's one PaySimple sync.

``ServerCustomers.open(paths, database)``:
- SQLite (one server process): the directory file ``directory.db`` in the data folder is the records, their
  change feed and the search index at once; the sync is one pass at a time in this process.
- PostgreSQL (several server instances on one database): the records and their change feed are
  ``PgCustomerStore`` (``GET /v1/customers/changes`` serves that feed, so every instance serves the same one);
  each instance searches its own SQLite copy of that feed (``search-copy.db`` in its data folder,
  ``customers.replica.follow``), kept current by a thread every ``follow_every_s`` and right after each write
  made through this instance (decision 0435). A copy of another feed (the database was replaced) is dropped
  and filled again. The sync runs once per store (decision 0436): ``sync_round`` takes the store-wide lease
  (``PgCustomerStore.sync_lease``) and runs a pass only when no complete pass ended within the period.

Snapshots (``snapshot``, ``GET /v1/customers/snapshot``, decision 0460): a consistent copy of the search index
for a lane's first fill, made by ``Directory.snapshot_to`` (SQLite's backup API in one step: one read
transaction, writers go on, the copy is the index as of one moment) into a private file in ``snapshots/`` next to
the index, set up as a copy of the feed lanes read (``meta.replica_of`` = the feed id, ``meta.replica_position`` =
the position the copy is complete up to; on SQLite the index is the feed itself: the largest position in the copy)
with this server's own bookkeeping (sync runs, PaySimple adds, "recently seen") left out. At most ``SNAPSHOTS_AT_ONCE`` copies are made
at a time (``SnapshotBusy`` after ``SNAPSHOT_WAIT_S``). The caller gets the file open and already unlinked: it
is gone from the disk when the caller closes it, also when the caller dies; leftovers of a process killed while
copying are removed at the next ``open``.

Contract: ``store`` is the ``CustomerStore`` every write and read of record goes to (get, feed, duplicates,
adds, ``mark_seen``); ``search`` reads the search index (on PostgreSQL at most ``follow_every_s`` behind
writes made through other instances, never behind this instance's own). Blocking: call from worker threads.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pos_app.customers.directory import Directory, FeedMismatch, NotReadyToCopy
from pos_app.customers.models import CustomerHit
from pos_app.customers.store import CustomerStore
from pos_app.private_files import private_dir, private_file
from pos_app.serverlink.sentences import SYNC_ELSEWHERE

log = logging.getLogger(__name__)

SEARCH_COPY = "search-copy.db"
FOLLOW_EVERY_S = 0.5
SNAPSHOT_DIR = "snapshots"
SNAPSHOTS_AT_ONCE = 2  # copies made at the same time (each reads the whole index once)
SNAPSHOT_WAIT_S = 30.0  # a request waits this long for a turn, then gets ``SnapshotBusy``


class SnapshotBusy(Exception):
    """Too many snapshots are being made right now; ask again later."""


@dataclass
class Snapshot:
    """A consistent copy of the search index as a feed copy: ``file`` is open at its start and already unlinked
    (close it when sent), ``size`` bytes; complete up to ``position`` of feed ``feed_id``."""

    file: object
    size: int
    feed_id: str
    position: int
    schema_version: int


class ServerCustomers:
    """The server's customer store, its search index and its sync (module docstring)."""

    def __init__(self, store: CustomerStore, index: Directory, *, copy_path: Path | None = None,
                 follow_every_s: float = FOLLOW_EVERY_S) -> None:
        self.store = store
        self._index = index
        self._copy_path = copy_path  # None: ``index`` is ``store`` itself (SQLite)
        self._follow_every_s = follow_every_s
        self._follow_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._snapshot_slots = threading.BoundedSemaphore(SNAPSHOTS_AT_ONCE)
        self._snapshot_dir = index.path.parent / SNAPSHOT_DIR
        for leftover in self._snapshot_dir.glob("snapshot-*"):  # a process killed while copying
            leftover.unlink(missing_ok=True)

    @classmethod
    def open(cls, directory_path: Path, copy_path: Path, database: str,
             follow_every_s: float = FOLLOW_EVERY_S) -> ServerCustomers:
        if database == "sqlite":
            directory = Directory.open_or_recover(directory_path)
            return cls(directory, directory)
        from pos_app.customers.pg_store import PgCustomerStore

        store = PgCustomerStore(database, application_name="pos-app server customers")
        try:
            index = _open_copy(copy_path)
        except BaseException:
            store.close()
            raise
        return cls(store, index, copy_path=copy_path, follow_every_s=follow_every_s)

    @property
    def shared(self) -> bool:
        """True when the records live in a database other server instances share (PostgreSQL)."""
        return self._copy_path is not None

    # ---- search --------------------------------------------------------------------------------------

    def search(self, query: str, limit: int) -> list[CustomerHit]:
        return self._index.search(query, limit)

    def refresh(self) -> int:
        """Bring the search copy up to the feed now (PostgreSQL; a no-op on SQLite); records changed."""
        if not self.shared:
            return 0
        from pos_app.customers.replica import follow

        with self._follow_lock:
            try:
                return follow(self.store, self._index).changed
            except FeedMismatch:
                log.warning("the customer feed has a new id (database replaced): rebuilding the search copy")
                self._index.close()
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{self._copy_path}{suffix}").unlink(missing_ok=True)
                self._index = _open_copy(self._copy_path)
                return follow(self.store, self._index).changed

    def after_write(self) -> None:
        """Called after a write through this instance: its own change is searchable here when the call
        returns (best effort: the follow thread catches up otherwise)."""
        try:
            self.refresh()
        except Exception:  # noqa: BLE001 - the record is written; the copy follows on its next round
            log.exception("search copy could not follow a write at once")

    def start(self) -> None:
        if self.shared and self._thread is None:
            self._thread = threading.Thread(target=self._follow_loop, name="search-copy", daemon=True)
            self._thread.start()

    def _follow_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - PostgreSQL away for a moment: the next round tries again
                log.warning("search copy could not follow the customer feed; trying again", exc_info=True)
                self._stop.wait(5.0)
            self._stop.wait(self._follow_every_s)

    # ---- snapshots for a lane's first fill -----------------------------------------------------------

    def snapshot(self, wait_s: float = SNAPSHOT_WAIT_S) -> Snapshot:
        """A consistent copy of the search index for a lane (module docstring). Blocking: a worker thread."""
        if not self._snapshot_slots.acquire(timeout=wait_s):
            raise SnapshotBusy()
        try:
            folder = private_dir(self._snapshot_dir)
            fd, name = tempfile.mkstemp(prefix="snapshot-", suffix=".db", dir=folder)  # 0600
            os.close(fd)
            path = Path(name)
            try:
                feed_id, position, version = self._copy_index(path)
                file = open(path, "rb")  # noqa: SIM115 - handed to the caller, who closes it
            finally:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            return Snapshot(file, os.fstat(file.fileno()).st_size, feed_id, position, version)
        finally:
            self._snapshot_slots.release()

    def _copy_index(self, path: Path) -> tuple[str, int, int]:
        try:  # on PostgreSQL the index copies the database's feed: the snapshot continues that copy
            return self._index.snapshot_to(path, copies_feed=self.shared)
        except NotReadyToCopy:
            raise SnapshotBusy() from None  # the index has not followed the feed yet / is being migrated

    # ---- the store's one sync ------------------------------------------------------------------------

    def sync_round(self, client, every: timedelta | None, since: datetime, now: Callable[[], datetime]):
        """One turn of the store's sync loop: a ``SyncReport`` when this instance ran a pass, None when another
        instance (or thread) holds the lease or a complete pass ended recently enough: within ``every`` (None:
        at or after ``since``, this instance's start). On SQLite (one server) a pass runs whenever none runs
        here."""
        from pos_app.customers.sync import SyncAlreadyRunning

        def due() -> bool:
            last = self.store.last_sync_completed()
            return last is None or last < (since if every is None else now() - every)

        try:
            return self.sync_now(client, due=due)
        except SyncAlreadyRunning:
            return None

    def sync_now(self, client, due: Callable[[], bool] | None = None):
        """A pass now (``due``, asked under the lease, may say it is not needed: None). Raises
        ``SyncAlreadyRunning`` when a pass runs in this process or, on PostgreSQL, at another instance."""
        from pos_app.customers.sync import SyncAlreadyRunning, sync

        if not self.shared:
            return sync(self.store, client)
        with self.store.sync_lease() as held:
            if not held:
                raise SyncAlreadyRunning(SYNC_ELSEWHERE)
            if due is not None and not due():
                return None
            report = sync(self.store, client)
        self.after_write()
        return report

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._follow_lock:
            if self.shared:
                self._index.close()
            self.store.close()


def _open_copy(path: Path) -> Directory:
    private_file(path)
    return Directory.open_or_recover(path)
