"""What every store on SQLite needs: one way of opening its file (the SQLite counterpart of ``pg_support``). No SQL of
any store here.

:func:`sqlite_open` is how the app's SQLite stores open their files: the customer directory (each thread's connection,
the bulk-load sorter, a lane's search copy, a snapshot for a lane), the payment journal, the clerk file, the training
gateway's data and the store server's records. Every connection it makes:

- is private before SQLite creates anything (``private_files.private_file``: 0600, its ``-wal``/``-shm`` files take
  the same mode), except ``:memory:``;
- is in autocommit mode (``isolation_level=None``: transactions are explicit, ``sqlite_tx.immediate_transaction``),
  may be used from any thread (``check_same_thread=False``: the store serialises its threads) and waits up to
  ``busy_timeout_s`` for another connection's lock;
- runs ``before_wal(con)`` first, before any pragma writes to the file: an integrity check, or
  ``migrations.refuse_newer`` (a file written by a newer app is refused before WAL rewrites its header);
- then sets the store's settings: WAL (readers never wait for the writer; not for ``:memory:`` or ``wal=False``),
  ``synchronous`` (``FULL``: committed means on disk — journal, clerks, server records; ``NORMAL``: durable at
  checkpoints, never corrupt — directory, training data), ``foreign_keys``, ``cache_mib``, ``mmap_mib``,
  ``memory_temp`` (temporary tables and sorts in memory), ``row_factory``;
- raises a storage fault met while opening (also in the pragmas and in ``before_wal``) as ``StorageError`` naming
  the file and ``what``; a connection that failed to open is closed;
- with ``guarded=True``, also raises the storage faults of every later ``execute``/``executemany``/``executescript``
  as ``StorageError`` (for stores whose SQL is spread over many methods: the clerk file); otherwise the store wraps
  its own calls in ``storage_errors.storage_errors``. Rows fetched later from a cursor are not translated.

Not through here (decision 0480; tests/test_sqlite_support.py lists them): the journal's lane lock files
(``payments/locks.py``: locks, not stores; SQLite only for its portable file lock, never WAL) and read-only looks at
a file that is not (yet) a store's — a damaged directory being rescued (``customers/recovery.py``), a snapshot
received whole (``customers/replica.check_copy``), a journal backup being checked, counted, written or restored
(``payments/backups.py``): ``mode=ro`` or a backup-API copy, no settings, and an open failure there is an answer
("nothing readable", "refused"), not a store fault.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from pos_app.private_files import private_file
from pos_app.storage_errors import What, storage_errors

MEMORY = ":memory:"
SYNCHRONOUS = ("FULL", "NORMAL")


def _guarded_factory(where: Path, kind: What) -> type[sqlite3.Connection]:
    class _Guarded(sqlite3.Connection):
        def execute(self, *args, **kwargs):
            with storage_errors(where, kind):
                return super().execute(*args, **kwargs)

        def executemany(self, *args, **kwargs):
            with storage_errors(where, kind):
                return super().executemany(*args, **kwargs)

        def executescript(self, *args, **kwargs):
            with storage_errors(where, kind):
                return super().executescript(*args, **kwargs)

    return _Guarded


def sqlite_open(path: str | os.PathLike[str], what: What | str, *, synchronous: str = "FULL", wal: bool = True,
            foreign_keys: bool = False, busy_timeout_s: float = 15.0, cache_mib: int | None = None,
            mmap_mib: int | None = None, memory_temp: bool = False,
            row_factory: Callable | None = None, before_wal: Callable[[sqlite3.Connection], object] | None = None,
            guarded: bool = False) -> sqlite3.Connection:
    """A connection to the SQLite file ``path`` (``":memory:"``: a private in-memory database) with the store's
    settings (module docstring). Raises ``StorageError`` for a storage fault, whatever ``before_wal`` raises."""
    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS}, not {synchronous!r}")
    memory = str(path) == MEMORY
    where, kind = Path(path), What(what)
    factory = _guarded_factory(where, kind) if guarded else sqlite3.Connection
    with storage_errors(where, kind):
        if not memory:
            private_file(where)  # 0600 before SQLite opens it: its -wal/-shm files take the same mode
        con = sqlite3.connect(MEMORY if memory else str(where), isolation_level=None, check_same_thread=False,
                              timeout=busy_timeout_s, factory=factory)
        try:
            if row_factory is not None:
                con.row_factory = row_factory
            if before_wal is not None:
                before_wal(con)
            if wal and not memory:
                con.execute("PRAGMA journal_mode=WAL")
            con.execute(f"PRAGMA synchronous={synchronous}")
            if foreign_keys:
                con.execute("PRAGMA foreign_keys=ON")
            if cache_mib is not None:
                con.execute(f"PRAGMA cache_size=-{int(cache_mib) * 1024}")
            if mmap_mib is not None:
                con.execute(f"PRAGMA mmap_size={int(mmap_mib) * 1024 * 1024}")  # reads through the page cache
            if memory_temp:
                con.execute("PRAGMA temp_store=MEMORY")
        except BaseException:
            con.close()
            raise
    return con
