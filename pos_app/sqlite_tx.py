"""One way to run a write transaction on a shared SQLite connection (autocommit mode, many threads).

``BEGIN IMMEDIATE`` takes the database write lock up front, so two writers never deadlock upgrading a read
lock; the Python lock serialises the threads sharing the one connection. A failed block or a failed COMMIT
(a full disk, a read-only file) leaves no transaction open: it is rolled back (unless SQLite already did),
and the original error is raised.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def immediate_transaction(db: sqlite3.Connection, lock: threading.RLock | threading.Lock) -> Iterator[sqlite3.Connection]:
    """Commit when the block succeeds, roll back (and re-raise) when it raises."""
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite rolls back by itself after some errors (a full disk, an interrupt)
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the original error is the one to report
            raise
