"""The compact ("rows") form of a customer change-feed page (``GET /v1/customers/changes?form=rows``), used by
both ends: the server encodes a ``messages.ChangesReply`` with :func:`encode_rows`, the lane reads a page in
either form with :func:`read_page` (decision 0455).

The rows form: ``{"feed_id": str, "columns": [str, ...], "rows": [[...], ...], "next_position": int}`` — the
column names once per page, then one array per change with a value per column. It carries exactly what the
object form (``ChangesReply``: ``{"feed_id", "changes": [{"position", "customer": {...}}], "next_position"}``)
carries; a lane asks for it with ``form=rows`` and reads whichever form comes back, so a new lane with an
older server (which answers the object form, ignoring ``form``) and an older lane with a new server (which asks
without ``form``) still work.

Reading is as strict as ``wire.decode`` and checks a page whole before anything is built from it: the page an
object with exactly these keys; ``columns`` a list of known names without repeats, with every column that has
no default (``COLUMNS`` minus ``OPTIONAL``); each row a list as long as ``columns``; each value of its
column's JSON type (``bool`` is not a whole number, ``null`` only where the field may be empty); whole numbers
within SQLite's 64-bit range (``position`` >= 0, ``id`` > 0); text at most ``TEXT_MAX`` characters
(decision 0456). Any fault is a ``wire.WireError`` naming the row and column (``rows[12].email``); the caller
then writes nothing of the page.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any

from pos_app.customers.models import CustomerRecord, StoredCustomer
from pos_app.serverlink import messages as m
from pos_app.serverlink.wire import WireError, decode

FORM = "rows"  # the value of the ``form`` query parameter that asks for this form
TEXT_MAX = 10_000  # characters in one text value
INT_MAX = 2**63 - 1

_RECORD = tuple(f.name for f in dataclasses.fields(CustomerRecord))
_STORED = ("id", "origin", "written_at", "last_seen_at", "local_notes")
COLUMNS: tuple[str, ...] = ("position", *_STORED, *_RECORD)
"""The columns in the order this server sends them (a reader accepts any order)."""

_DEFAULTS = {f.name: f.default for f in dataclasses.fields(CustomerRecord) if f.default is not dataclasses.MISSING}
OPTIONAL = frozenset(_DEFAULTS)
"""Columns a page may leave out (the record's fields with a default; the value is then that default)."""

# column -> (allowed JSON types, null allowed, low bound for whole numbers)
_KIND: dict[str, tuple[type, bool, int]] = {"position": (int, False, 0), "id": (int, False, 1),
                                            "origin": (str, False, 0), "written_at": (str, False, 0),
                                            "last_seen_at": (str, True, 0), "local_notes": (str, True, 0)}
for _f in dataclasses.fields(CustomerRecord):
    _hint = str(_f.type)
    _KIND[_f.name] = ((bool if "bool" in _hint else int if "int" in _hint else str), "None" in _hint, 1)
_PROBLEM = {int: "must be a whole number", str: "must be text", bool: "must be true or false"}
_KEYS = frozenset(("feed_id", "columns", "rows", "next_position"))

_row_of = attrgetter(*(f"customer.{n}" for n in _STORED), *(f"customer.record.{n}" for n in _RECORD))


def encode_rows(reply: m.ChangesReply) -> dict[str, Any]:
    """``reply`` in the rows form, as JSON-ready data (every value is already text, a whole number, a truth
    value or null: the record's times travel as the text they are stored as)."""
    return {"feed_id": reply.feed_id, "columns": list(COLUMNS),
            "rows": [[e.position, *_row_of(e)] for e in reply.changes], "next_position": reply.next_position}


def read_page(data: Any) -> m.ChangesReply:
    """A page of the feed in either form (module docstring); ``WireError`` naming the fault otherwise."""
    if isinstance(data, dict) and "rows" in data:
        return decode_rows(data)
    return decode(m.ChangesReply, data, "ChangesReply")


def _fault(path: str, column: str, kind: type, nullable: bool, low: int, values: list) -> WireError:
    """The first bad value of a column that failed its check, as a ``WireError`` naming its row."""
    for n, v in enumerate(values):
        where = f"{path}[{n}].{column}"
        if v is None:
            if not nullable:
                return WireError(where, "must not be empty (null)")
        elif type(v) is not kind:
            return WireError(where, _PROBLEM[kind])
        elif kind is int and not low <= v <= INT_MAX:
            return WireError(where, f"must be from {low} to {INT_MAX}")
        elif kind is str and len(v) > TEXT_MAX:
            return WireError(where, f"is longer than {TEXT_MAX} characters")
    return WireError(f"{path}.{column}", "has a bad value")  # pragma: no cover - called only after a failed check


def _check_column(path: str, column: str, values: tuple) -> None:
    kind, nullable, low = _KIND[column]
    present = [v for v in values if v is not None] if nullable else values
    ok = len(present) == len(values) or nullable
    ok = ok and {type(v) for v in present} <= {kind}
    if ok and present and kind is int:
        ok = low <= min(present) and max(present) <= INT_MAX
    if ok and present and kind is str:
        ok = max(map(len, present)) <= TEXT_MAX
    if not ok:
        raise _fault(path, column, kind, nullable, low, list(values))


def decode_rows(data: Any, path: str = "ChangesReply") -> m.ChangesReply:
    """A page in the rows form as a ``ChangesReply`` (checked whole first; module docstring)."""
    if not isinstance(data, dict):
        raise WireError(path, "must be an object (ChangesReply)")
    if set(data) != _KEYS:
        unknown, missing = set(data) - _KEYS, _KEYS - set(data)
        raise WireError(path, f"unknown field(s) {', '.join(sorted(unknown))}" if unknown
                        else f"is missing {', '.join(sorted(missing))}")
    feed_id, columns, rows, next_position = data["feed_id"], data["columns"], data["rows"], data["next_position"]
    if type(feed_id) is not str or not feed_id or len(feed_id) > TEXT_MAX:
        raise WireError(f"{path}.feed_id", "must be non-empty text")
    if type(next_position) is not int or not 0 <= next_position <= INT_MAX:
        raise WireError(f"{path}.next_position", "must be a whole number from 0")
    if not isinstance(columns, list) or not all(type(c) is str for c in columns):
        raise WireError(f"{path}.columns", "must be a list of column names")
    unknown = [c for c in columns if c not in _KIND]
    if unknown:
        raise WireError(f"{path}.columns", f"unknown column(s) {', '.join(sorted(unknown)[:5])}")
    if len(set(columns)) != len(columns):
        raise WireError(f"{path}.columns", "names a column twice")
    missing = set(COLUMNS) - OPTIONAL - set(columns)
    if missing:
        raise WireError(f"{path}.columns", f"is missing {', '.join(sorted(missing))}")
    if not isinstance(rows, list):
        raise WireError(f"{path}.rows", "must be a list")
    width = len(columns)
    for n, row in enumerate(rows):
        if type(row) is not list or len(row) != width:
            raise WireError(f"{path}.rows[{n}]", f"must be a list of {width} values (one for each column)")
    if not rows:
        return m.ChangesReply(feed_id, [], next_position)
    by_name = dict(zip(columns, zip(*rows, strict=True), strict=True))
    for column, values in by_name.items():
        _check_column(f"{path}.rows", column, values)
    count = len(rows)
    record_columns = [by_name[n] if n in by_name else (_DEFAULTS[n],) * count for n in _RECORD]
    try:
        records = list(map(CustomerRecord, *record_columns))
    except (TypeError, ValueError) as exc:  # pragma: no cover - the record has no checks of its own today
        raise WireError(f"{path}.rows", str(exc)) from None
    stored = map(StoredCustomer, by_name["id"], records, by_name["origin"], by_name["written_at"],
                 by_name["last_seen_at"], by_name["local_notes"])
    return m.ChangesReply(feed_id, list(map(m.FeedEntry, by_name["position"], stored)), next_position)
