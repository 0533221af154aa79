"""Owner locks for a SQLite journal: small lock files beside it, locked through SQLite itself.

The journal's unique index already allows one open charge per lane. These locks answer a different question
for reconcile: "is the process that is sending this payment still alive?". A charge holds its lane's lock from
write-ahead until the attempt is resolved or left unknown; start-up reconcile only touches an attempt whose
lock it can take, so it never declares absent a payment another live process is still sending.

How: each lock is a (normally empty) SQLite database file in ``<journal>.locks/``; holding it means holding an
open transaction on it — ``BEGIN EXCLUSIVE`` for an owner lock, a read transaction (SQLite's SHARED lock) for
``JournalUse.try_shared``. SQLite's own file locking does the work on every platform it runs on (POSIX
``fcntl`` locks on Linux/macOS, ``LockFileEx`` on Windows), so there is no platform-specific call here, and:
- two connections of one process exclude each other as well as two processes (SQLite tracks its own locks
  per connection inside a process), so two threads of one process are held apart too;
- the operating system releases the lock when the holding process dies, even on ``kill -9``;
- a lock file is written once, when it is new (one empty table: holding a lock on an empty database would
  need disk space each time); taking or holding a lock writes nothing, so a crash leaves no hot journal and a
  full disk does not stop a lane that has charged before. A failure to create or open one is a
  ``StorageError`` on the journal.
Lock files are created by SQLite in a 0700 folder and then made 0600. Nothing else in this process may open
and close a lock file (on POSIX, closing any descriptor of a file drops the process's locks on it): files are
only created under ``_guard``, while no lock of this process can be on them yet.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from pos_app.private_files import private_dir, tighten
from pos_app.storage_errors import What, storage_errors

_guard = threading.Lock()
_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


def _locks_dir(journal_path: Path) -> Path:
    return Path(f"{journal_path}.locks")


class _SqliteFileLock:
    """One non-blocking lock on ``path``; ``shared`` locks coexist with each other, not with an exclusive one."""

    def __init__(self, path: Path, shared: bool = False) -> None:
        self.path = Path(path)
        self._shared = shared
        self._db: sqlite3.Connection | None = None

    def try_acquire(self) -> bool:
        if self._db is not None:
            raise RuntimeError("lock already held by this object")
        with _guard, storage_errors(self.path, What.JOURNAL):
            private_dir(self.path.parent)
            db = sqlite3.connect(self.path, timeout=0, isolation_level=None, check_same_thread=False)
            try:
                if not db.execute("PRAGMA page_count").fetchone()[0]:
                    # Once per file: an empty database would need a page (disk space) for every lock taken.
                    db.execute("CREATE TABLE IF NOT EXISTS held (unused INTEGER)")
                if self._shared:
                    db.execute("BEGIN")
                    db.execute("SELECT count(*) FROM sqlite_master").fetchall()
                else:
                    db.execute("BEGIN EXCLUSIVE")
            except sqlite3.OperationalError as exc:
                db.close()
                if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF in _BUSY:
                    return False
                raise
            tighten(self.path)
        self._db = db
        return True

    def release(self) -> None:
        db, self._db = self._db, None
        if db is None:
            return
        try:
            db.execute("ROLLBACK")
        finally:
            db.close()

    def still_held(self) -> bool:
        return self._db is not None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.release()


class OwnerLock(_SqliteFileLock):
    """An exclusive owner lock (``store.OwnerLock``)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, shared=False)


def lane_lock(journal_path: Path, lane: str) -> OwnerLock:
    return OwnerLock(_locks_dir(journal_path) / f"lane-{lane}.lock")


def reversal_lock(journal_path: Path, attempt_id: str) -> OwnerLock:
    # A fixed set of lock files (no clean-up races); a shared bucket only makes two reversals wait.
    bucket = sum(attempt_id.encode()) % 64
    return OwnerLock(_locks_dir(journal_path) / f"reversal-{bucket:02d}.lock")


class JournalUse:
    """Who has a journal open: every open ``Journal`` holds a SHARED lock on ``<journal>.locks/open.lock``;
    a restore takes it EXCLUSIVE (non-blocking), so it never replaces a journal that a running app (or any
    other process) is writing to. Released by the operating system when a process dies."""

    def __init__(self, journal_path: Path) -> None:
        self.path = _locks_dir(journal_path) / "open.lock"
        self._lock: _SqliteFileLock | None = None

    def _take(self, shared: bool) -> bool:
        if self._lock is not None:
            raise RuntimeError("already held by this object")
        lock = _SqliteFileLock(self.path, shared=shared)
        if not lock.try_acquire():
            return False
        self._lock = lock
        return True

    def try_shared(self) -> bool:
        return self._take(shared=True)

    def try_exclusive(self) -> bool:
        return self._take(shared=False)

    def release(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()
