"""The layout of a directory ``customers`` row and the statements that write one (no I/O).

A row is: local ``id``, ``paysimple_id``, the record's data columns (``DATA_COLUMNS``: every
``CustomerRecord`` field but ``paysimple_id``, in field order), ``origin``, ``written_at``, the search text
``words``/``keys`` (see ``index``), the local ``last_seen_at``/``local_notes`` and ``change_pos`` (its position in
the change feed, see ``directory``). The directory's writes and the recovery's salvage both bind rows through
``insert_values``, so both write the same layout.

Binding: a text value is bound as it is; None and ``False`` are bound as integer 0 and ``True`` as 1
(``BIND_AS``): sqlite3 binds an int without an adapter lookup. ``INSERT_SQL`` turns the 0 of a text column
back into NULL with ``nullif(?, 0)`` (a text value never equals an integer in SQLite, so "0" stays "0");
``deleted`` keeps 0/1.
"""

from __future__ import annotations

from datetime import UTC, datetime
from operator import attrgetter

from pos_app.customers import index
from pos_app.customers.models import RECORD_FIELDS, CustomerRecord

RECENT_LIMIT = 2000  # the most recently served customers kept in ``recent`` (they rank first)

DATA_COLUMNS = tuple(c for c in RECORD_FIELDS if c != "paysimple_id")
data_values = attrgetter(*DATA_COLUMNS)  # "deleted" is a bool: sqlite3 stores it as 0/1, and 1 == True
DELETED = DATA_COLUMNS.index("deleted")
BIND_AS = {None: 0, False: 0, True: 1}  # .get(v, v): the only non-text values of a record are None and bools
INSERT_SQL = (
    f"INSERT INTO customers (id, paysimple_id, {', '.join(DATA_COLUMNS)}, origin, written_at, words, keys,"
    " local_notes, change_pos)"
    f" VALUES (?, ?, {', '.join('?' if c == 'deleted' else 'nullif(?, 0)' for c in DATA_COLUMNS)}, ?, ?, ?, ?, ?, ?)"
)
UPDATE_SQL = (
    f"UPDATE customers SET paysimple_id = ?, {', '.join(c + ' = ?' for c in DATA_COLUMNS)},"
    " written_at = ?, words = ?, keys = ?, change_pos = ? WHERE id = ?"
)
ROW_COLUMNS = ("id", "paysimple_id", *DATA_COLUMNS, "origin", "written_at", "last_seen_at", "local_notes")
# What a write reads of an existing row (``plan.OldRow``): its ids, data and notes.
OLD_COLUMNS = ("id", "paysimple_id", *DATA_COLUMNS, "local_notes")


def now_iso() -> str:
    """The current time as the directory stores it: UTC ISO-8601 with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def insert_values(customer_id: int, record: CustomerRecord, origin: str, written_at: str, position: int,
                  notes: str | None = None) -> tuple:
    """The parameters of ``INSERT_SQL`` for one row."""
    values = data_values(record)
    return (customer_id, record.paysimple_id, *map(BIND_AS.get, values, values), origin, written_at,
            index.record_words(record), index.record_keys(record), notes, position)


def update_values(customer_id: int, record: CustomerRecord, written_at: str, position: int) -> tuple:
    """The parameters of ``UPDATE_SQL`` for one row."""
    return (record.paysimple_id, *data_values(record), written_at, index.record_words(record),
            index.record_keys(record), position, customer_id)
