"""What every store on PostgreSQL needs: the driver (imported lazily), a connection pool with deadlines, and
database faults as ``StorageError``. No SQL of any store here.

- :func:`driver` imports psycopg 3 and psycopg-pool (the ``store`` extra) when a PostgreSQL store is made, never
  at import time: a counter without the extra runs on SQLite as before.
- :func:`open_pool` makes a pool whose every call has a deadline: connecting (``connect_timeout``), waiting for a
  pooled connection (``pool_timeout``), every statement (``statement_timeout``) and lock wait (``lock_timeout``,
  four fifths of it, so a lock held too long by another writer is told apart), server side, an idle
  transaction (3x the statement deadline), an unanswered TCP send (``tcp_user_timeout``) and a silent peer
  (TCP keepalives). Sessions run in UTC (``timestamptz`` comes back aware), autocommit (a transaction is
  explicit: ``with con.transaction()``). Before lending a connection the pool looks, without a round trip,
  whether the server closed it meanwhile (a restarted server), so the first call after the server is back works.
- :func:`storage_error` turns a driver error into ``StorageError`` by SQLSTATE (never message text): no answer,
  connection class 08, shutdown/crash (57P01-57P03), statement timeout (57014), too many connections (53300) or
  a pool wait past its deadline → ``Fault.UNREACHABLE``; disk full, out of memory, read-only standby, data
  corruption, I/O error → ``Fault.SERVER`` with a plain detail; lock timeout, deadlock, serialization failure →
  ``Fault.BUSY``; anything else is not a storage fault (a constraint the store handles, or a bug) → None.
- :func:`database_name` is how a store names itself in messages: "database D on host:port" (never a password).
"""

from __future__ import annotations

import math
import select
from collections.abc import Iterator
from contextlib import contextmanager

from pos_app.storage_errors import CHECK_FAILED, Fault, StorageError, What

_UNREACHABLE_STATES = {"57P01", "57P02", "57P03", "57014", "53300"}
_SERVER_STATES = {"53100": "Its disk is full.", "53200": "It is out of memory.",
                  "25006": "It accepts reads only (a standby server?).", "XX001": CHECK_FAILED,
                  "XX002": CHECK_FAILED, "58030": "Its disk reported an error."}
_BUSY_STATES = {"55P03", "40P01", "40001"}  # lock wait past lock_timeout, deadlock, serialization failure


def driver():
    """(psycopg, psycopg_pool), or RuntimeError naming the extra to install."""
    try:
        import psycopg
        import psycopg.rows
        import psycopg_pool
    except ImportError as exc:  # pragma: no cover - the extra is installed wherever PostgreSQL is configured
        raise RuntimeError("A store on PostgreSQL needs the 'store' extra (psycopg and psycopg-pool): install the "
                           "app with it, or keep the store on SQLite.") from exc
    return psycopg, psycopg_pool


def database_name(dsn: str) -> str:
    psycopg, _ = driver()
    params = psycopg.conninfo.conninfo_to_dict(dsn)
    return (f"database {params.get('dbname') or params.get('user') or '?'} on "
            f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}")


def conninfo(dsn: str, *, application_name: str, connect_timeout: float = 5.0,
             statement_timeout: float = 10.0) -> str:
    """``dsn`` with the deadlines and session settings of the module doc."""
    psycopg, _ = driver()
    timeout_ms = int(statement_timeout * 1000)
    lock_ms = max(1, timeout_ms * 4 // 5)  # a lock wait ends first, so it is told as "busy", not "unreachable"
    return psycopg.conninfo.make_conninfo(
        dsn, connect_timeout=max(1, math.ceil(connect_timeout)), application_name=application_name,
        tcp_user_timeout=timeout_ms, keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3,
        options=f"-c statement_timeout={timeout_ms} -c lock_timeout={lock_ms} "
                f"-c idle_in_transaction_session_timeout={timeout_ms * 3} -c TimeZone=UTC")


def _check_if_signalled(con) -> None:
    """The pool's check before lending a connection: a round trip only when the server has sent something
    since the connection was last used (a server that shut down or restarted sends an error and closes the
    socket). A connection that died silently fails its next statement within the deadlines instead."""
    _, psycopg_pool = driver()
    readable, _, _ = select.select([con.fileno()], [], [], 0)
    if readable:
        psycopg_pool.ConnectionPool.check_connection(con)


def open_pool(info: str, *, name: str, min_size: int = 1, max_size: int = 4, pool_timeout: float = 10.0,
              dict_rows: bool = False):
    """A ``psycopg_pool.ConnectionPool`` on ``info`` (from :func:`conninfo`), opened (waits up to
    ``pool_timeout`` for its first connection; raises the driver's error, see :func:`storage_error`)."""
    psycopg, psycopg_pool = driver()
    kwargs: dict = {"autocommit": True}
    if dict_rows:
        kwargs["row_factory"] = psycopg.rows.dict_row
    pool = psycopg_pool.ConnectionPool(info, min_size=min_size, max_size=max_size, open=False, timeout=pool_timeout,
                                       kwargs=kwargs, check=_check_if_signalled, name=name)
    try:
        pool.open(wait=True, timeout=pool_timeout)
    except BaseException:
        pool.close()
        raise
    return pool


def storage_error(exc: BaseException, name: str, what: What | str) -> StorageError | None:
    """``exc`` as a StorageError on the database ``name`` (module doc), or None when it is not a storage fault."""
    if isinstance(exc, StorageError):
        return exc
    psycopg, psycopg_pool = driver()
    if isinstance(exc, psycopg_pool.PoolTimeout):
        return StorageError(Fault.UNREACHABLE, name, what)
    if not isinstance(exc, psycopg.Error):
        return None
    state = getattr(exc, "sqlstate", None)
    if state in _SERVER_STATES:
        return StorageError(Fault.SERVER, name, what, _SERVER_STATES[state])
    if state is None and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return StorageError(Fault.UNREACHABLE, name, what)  # no server answer at all
    if state and (state.startswith("08") or state in _UNREACHABLE_STATES):
        return StorageError(Fault.UNREACHABLE, name, what)
    if state in _BUSY_STATES:
        return StorageError(Fault.BUSY, name, what)
    return None


@contextmanager
def storage_errors(name: str, what: What | str, log=None) -> Iterator[None]:
    """Inside the block, database faults are raised as StorageError (cause kept); everything else unchanged."""
    try:
        yield
    except Exception as exc:
        error = storage_error(exc, name, what)
        if error is None or error is exc:
            raise
        if log is not None:
            log.warning("%s: %s (%s)", name, error.fault.value, type(exc).__name__)
        raise error from exc
