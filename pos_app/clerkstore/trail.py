"""The audit trail of a clerk store (``pos_app.audit.AuditTrail``), one for every SQL backend.

The table ``audit_trail`` has the same columns on every backend; what differs is told by a :class:`Dialect`:
the parameter placeholder (``?`` for sqlite3, ``%s`` for psycopg), how an aware time is handed to the
database, and how a stored row becomes an :class:`AuditEntry`.

- :meth:`SqlTrail.append` writes one event in its own write transaction of the store (so the store's write
  serialisation holds: positions become visible in order) and returns it with its position.
- :meth:`SqlTrail.read` returns the entries matching an ``AuditQuery`` in position order, in one read.
- :func:`insert` is the statement a store's write transaction runs to append an entry next to a change (the
  change and its entry commit together).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pos_app.audit import AuditEntry, AuditEvent, AuditQuery

ENTRY_COLUMNS = "position, at, lane, who, who_id, action, subject, subject_id, outcome, detail"
_EVENT_COLUMNS = ("at", "lane", "who", "who_id", "action", "subject", "subject_id", "outcome", "detail")
_EXACT_FILTERS = ("action", "outcome", "who", "who_id", "lane", "subject")


@dataclass(frozen=True)
class Dialect:
    """What one backend's SQL needs: ``placeholder`` for a parameter, ``time`` turns an aware ``datetime``
    into the value the database stores, ``entry`` turns a row of :data:`ENTRY_COLUMNS` into an entry."""

    placeholder: str
    time: Callable[[datetime], Any]
    entry: Callable[[Sequence], AuditEntry]


class _Appends(Protocol):
    def append(self, event: AuditEvent) -> int: ...


def insert(dialect: Dialect, event: AuditEvent) -> tuple[str, tuple]:
    """The ``INSERT`` of ``event`` into ``audit_trail`` and its parameters (a backend adds what returns the
    position)."""
    marks = ", ".join([dialect.placeholder] * len(_EVENT_COLUMNS))
    sql = f"INSERT INTO audit_trail ({', '.join(_EVENT_COLUMNS)}) VALUES ({marks})"
    return sql, (dialect.time(event.at), event.lane, event.who, event.who_id, event.action, event.subject,
                 event.subject_id, event.outcome, event.detail)


class SqlTrail:
    """The store's audit trail. ``writing()`` is the store's write transaction (yielding an object whose
    ``append(event)`` returns the new position); ``connection()`` lends a connection for one read."""

    def __init__(self, writing: Callable[[], AbstractContextManager[_Appends]],
                 connection: Callable[[], AbstractContextManager[Any]], dialect: Dialect) -> None:
        self._writing, self._connection, self._dialect = writing, connection, dialect

    def append(self, event: AuditEvent) -> AuditEntry:
        with self._writing() as tx:
            position = tx.append(event)
        return AuditEntry(position, event)

    def read(self, query: AuditQuery | None = None) -> list[AuditEntry]:
        q, mark = query or AuditQuery(), self._dialect.placeholder
        where, args = [f"position > {mark}"], [q.after]
        for column in _EXACT_FILTERS:
            value = getattr(q, column)
            if value is not None:
                where.append(f"{column} = {mark}")
                args.append(value)
        if q.since is not None:
            where.append(f"at >= {mark}")
            args.append(self._dialect.time(q.since))
        if q.until is not None:
            where.append(f"at < {mark}")
            args.append(self._dialect.time(q.until))
        sql = f"SELECT {ENTRY_COLUMNS} FROM audit_trail WHERE {' AND '.join(where)} ORDER BY position"
        if q.limit is not None:
            sql += f" LIMIT {int(q.limit)}"
        with self._connection() as con:
            return [self._dialect.entry(r) for r in con.execute(sql, args).fetchall()]
