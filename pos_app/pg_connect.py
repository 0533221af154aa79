"""Connections to a store on PostgreSQL: one pool per store, deadlines on everything, faults as ``StorageError``.

Needs the ``store`` extra (psycopg 3 + psycopg-pool), imported when a ``PgPool`` is made, never at import time,
so a counter without the extra never loads it.

- Deadlines: connecting (``connect_timeout``), waiting for a pooled connection (``pool_timeout``), every statement
  and lock wait (``statement_timeout``/``lock_timeout``, server side), a transaction left idle
  (``idle_in_transaction_session_timeout``, 3x) and an unanswered TCP send (``tcp_user_timeout`` + keepalives):
  no call waits forever. Sessions run in UTC (``timestamptz`` values come back timezone-aware).
- Before lending a connection the pool looks, without a round trip, whether the server sent something since
  (a server that shut down or restarted sends an error and closes the socket); such a connection is checked
  and replaced, so the first call after the server is back works.
- Faults by SQLSTATE, never by message text (``storage_error``): no answer at all, class 08, admin shutdown /
  crash / cannot connect now (57P01-57P03), statement timeout (57014), too many connections (53300) and a pool
  that lends no connection in time → ``Fault.UNREACHABLE``; disk full, out of memory, a read-only standby, data
  corruption, an I/O error → ``Fault.SERVER`` with a plain detail; lock timeout, deadlock, serialization
  failure → ``Fault.BUSY``. Anything else (a constraint, a bug) is not a storage fault and passes through.
- The store's name in messages is "database D on host:port", never the password or the DSN.
"""

from __future__ import annotations

import logging
import math
import select
from collections.abc import Iterator
from contextlib import contextmanager

from pos_app.storage_errors import CHECK_FAILED, Fault, StorageError, What

log = logging.getLogger(__name__)

UNREACHABLE_STATES = frozenset({"57P01", "57P02", "57P03", "57014", "53300"})
SERVER_STATES = {"53100": "Its disk is full.", "53200": "It is out of memory.",
                 "25006": "It accepts reads only (a standby server?).", "XX001": CHECK_FAILED,
                 "XX002": CHECK_FAILED, "58030": "Its disk reported an error."}
BUSY_STATES = frozenset({"55P03", "40P01", "40001"})  # lock wait past lock_timeout, deadlock, serialization
UNIQUE_VIOLATION = "23505"


def driver():
    """(psycopg, psycopg_pool), or RuntimeError saying which extra to install."""
    try:
        import psycopg
        import psycopg.rows
        import psycopg_pool
    except ImportError as exc:  # pragma: no cover - the extra is installed wherever PostgreSQL is configured
        raise RuntimeError("A store on PostgreSQL needs the 'store' extra (psycopg and psycopg-pool): install "
                           "the app with it, or keep the store on SQLite.") from exc
    return psycopg, psycopg_pool


def store_name(dsn: str) -> str:
    """"database D on host:port" for messages and logs (no user, no password)."""
    psycopg, _ = driver()
    params = psycopg.conninfo.conninfo_to_dict(dsn)
    return (f"database {params.get('dbname') or params.get('user') or '?'} on "
            f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}")


def _check_if_signalled(con) -> None:
    """The pool's check before lending a connection: a round trip only when the server has sent something
    since the connection was last used. A connection that died silently fails its next statement within the
    deadlines instead."""
    import psycopg_pool

    readable, _, _ = select.select([con.fileno()], [], [], 0)
    if readable:
        psycopg_pool.ConnectionPool.check_connection(con)


class PgPool:
    """A small pool of autocommit connections (rows as dicts) to one database, with the deadlines and fault
    mapping of the module docstring; ``open()`` before use, ``close()`` after (also after a failed open).
    ``conninfo`` (the DSN with those settings) is for a store's own dedicated connections. Thread-safe."""

    def __init__(self, dsn: str, what: What, *, min_size: int = 1, max_size: int = 4,
                 connect_timeout: float = 5.0, pool_timeout: float = 10.0, statement_timeout: float = 10.0,
                 application_name: str = "pos-app") -> None:
        psycopg, psycopg_pool = driver()
        self.psycopg, self._pool_mod = psycopg, psycopg_pool
        self.what = What(what)
        self.name = store_name(dsn)
        timeout_ms = int(statement_timeout * 1000)
        self.conninfo = psycopg.conninfo.make_conninfo(
            dsn, connect_timeout=max(1, math.ceil(connect_timeout)), application_name=application_name,
            tcp_user_timeout=timeout_ms, keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3,
            options=f"-c statement_timeout={timeout_ms} -c lock_timeout={timeout_ms} "
                    f"-c idle_in_transaction_session_timeout={timeout_ms * 3} -c TimeZone=UTC")
        self._timeout = pool_timeout
        self._pool = psycopg_pool.ConnectionPool(
            self.conninfo, min_size=min_size, max_size=max_size, open=False, timeout=pool_timeout,
            kwargs={"autocommit": True, "row_factory": psycopg.rows.dict_row}, check=_check_if_signalled,
            name=f"{self.what.value} {self.name}")

    def open(self) -> None:
        """Connect (one direct connection first: a wrong password or database, or no server, fails within
        ``connect_timeout`` with its real cause) and fill the pool. Faults as ``StorageError``."""
        with self.errors():
            self.psycopg.connect(self.conninfo).close()
            self._pool.open(wait=True, timeout=self._timeout)

    def storage_error(self, exc: BaseException) -> StorageError | None:
        """``exc`` as a StorageError on this store, or None when it is not a storage fault."""
        if isinstance(exc, StorageError):
            return exc
        if isinstance(exc, self._pool_mod.PoolTimeout):
            return StorageError(Fault.UNREACHABLE, self.name, self.what)
        if not isinstance(exc, self.psycopg.Error):
            return None
        state = getattr(exc, "sqlstate", None)
        if state in SERVER_STATES:
            return StorageError(Fault.SERVER, self.name, self.what, SERVER_STATES[state])
        if state is None and isinstance(exc, self.psycopg.OperationalError | self.psycopg.InterfaceError):
            return StorageError(Fault.UNREACHABLE, self.name, self.what)  # no server answer at all
        if state and (state.startswith("08") or state in UNREACHABLE_STATES):
            return StorageError(Fault.UNREACHABLE, self.name, self.what)
        if state in BUSY_STATES:
            return StorageError(Fault.BUSY, self.name, self.what)
        return None

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Inside the block, storage faults are raised as ``StorageError`` (cause kept); others pass."""
        try:
            yield
        except Exception as exc:
            error = self.storage_error(exc)
            if error is None or error is exc:
                raise
            log.warning("%s %s: %s (%s)", self.what.value, self.name, error.fault.value, type(exc).__name__)
            raise error from exc

    @contextmanager
    def connection(self):
        """A pooled autocommit connection (faults as ``StorageError``)."""
        with self.errors(), self._pool.connection(timeout=self._timeout) as con:
            yield con

    @contextmanager
    def transaction(self):
        """A pooled connection inside one transaction: committed when the block ends, rolled back on an
        exception (faults as ``StorageError``)."""
        with self.connection() as con, con.transaction():
            yield con

    def close(self) -> None:
        self._pool.close()
