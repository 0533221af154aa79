"""The store server's JSON wire format for domain values, used by both ends (``pos_app.server`` and the lane's
``serverlink.client``): one encoder, one strict decoder driven by the dataclasses' own type hints.

Rules (both directions):
- ``Decimal`` travels as a string (``"12.34"``), never a float; a JSON number where money is expected is refused.
- ``datetime`` travels as ISO-8601 with its offset and must be timezone-aware (a naive time is refused both
  when encoding and when decoding); ``date`` as ``YYYY-MM-DD``; enums by value.
- A dataclass is an object with exactly its fields: an unknown field, a missing field without a default or a
  value of the wrong JSON type is a :class:`WireError` naming the path (``attempt.amount_cents``), so a newer or
  broken peer is refused, never half-read. ``bool`` is not accepted as an int.
- A union of dataclasses (``CreditCardAccount | AchAccount``) is decoded as the one member whose fields match
  the object exactly; none or several → ``WireError``.

No I/O, no Qt, no driver types.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any

MONEY_RE = re.compile(r"^-?\d{1,9}(\.\d{1,2})?$")


class WireError(ValueError):
    """A value that does not have the shape the wire format promises; ``path`` names where."""

    def __init__(self, path: str, problem: str) -> None:
        self.path, self.problem = path, problem
        super().__init__(f"{path or 'value'}: {problem}")


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data (dicts, lists, str, int, bool, None)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise WireError("", "money must be a finite number")
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise WireError("", f"naive datetime {value!r}: times on the wire must be timezone-aware")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [encode(v) for v in items]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise WireError("", f"object keys must be text, not {type(key).__name__}")
            out[key] = encode(item)
        return out
    if isinstance(value, float):
        raise WireError("", "floats are not sent on the wire (money is a string, counts are integers)")
    raise WireError("", f"cannot send a {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _union(tp: Any) -> tuple[bool, tuple[Any, ...]]:
    """(None allowed, the other members) of a union type."""
    members = typing.get_args(tp)
    return type(None) in members, tuple(m for m in members if m is not type(None))


def _name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp)


def decode(tp: Any, data: Any, path: str = "") -> Any:
    """``data`` (parsed JSON) as a value of type ``tp``; raises :class:`WireError` for anything else."""
    if tp is str and type(data) is str:  # the most common case first
        return data
    if tp is Any:
        return data
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        optional, members = _union(tp)
        if data is None:
            if optional:
                return None
            raise WireError(path, "must not be empty (null)")
        if len(members) == 1:
            return decode(members[0], data, path)
        fits = []
        for member in members:
            try:
                fits.append(decode(member, data, path))
            except WireError:
                continue
        if len(fits) != 1:
            raise WireError(path, f"must be exactly one of {', '.join(_name(m) for m in members)}")
        return fits[0]
    if data is None:
        raise WireError(path, "must not be empty (null)")
    if origin in (list, tuple, set, frozenset):
        if not isinstance(data, list):
            raise WireError(path, "must be a list")
        args = typing.get_args(tp)
        item = args[0] if args else Any
        items = [decode(item, v, f"{path}[{i}]") for i, v in enumerate(data)]
        return origin(items) if origin is not list else items
    if origin is dict:
        if not isinstance(data, dict):
            raise WireError(path, "must be an object")
        _, item = typing.get_args(tp) or (str, Any)
        return {str(k): decode(item, v, f"{path}.{k}") for k, v in data.items()}
    if tp is dict:
        if not isinstance(data, dict):
            raise WireError(path, "must be an object")
        return data
    if tp is bool:
        if not isinstance(data, bool):
            raise WireError(path, "must be true or false")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise WireError(path, "must be a whole number")
        return data
    if tp is str:
        if not isinstance(data, str):
            raise WireError(path, "must be text")
        return data
    if tp is Decimal:
        return decode_money(data, path)
    if tp is datetime:
        if not isinstance(data, str):
            raise WireError(path, "must be an ISO-8601 time with its offset")
        try:
            value = datetime.fromisoformat(data)
        except ValueError:
            raise WireError(path, "must be an ISO-8601 time with its offset") from None
        if value.tzinfo is None:
            raise WireError(path, "must carry its UTC offset (timezone-aware)")
        return value
    if tp is date:
        if not isinstance(data, str):
            raise WireError(path, "must be a date YYYY-MM-DD")
        try:
            return date.fromisoformat(data)
        except ValueError:
            raise WireError(path, "must be a date YYYY-MM-DD") from None
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(data)
        except ValueError:
            raise WireError(path, f"must be one of {', '.join(str(m.value) for m in tp)}") from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, data, path)
    raise WireError(path, f"cannot read a {_name(tp)}")


@cache
def _plan(cls: type) -> tuple[frozenset[str], tuple[tuple[str, Any, bool], ...]]:
    """A dataclass's fields as the decoder needs them, worked out once: (names, ((name, type, required), ...))."""
    hints = _hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.init]
    return frozenset(f.name for f in fields), tuple(
        (f.name, hints[f.name], f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
        for f in fields)


def _decode_dataclass(cls: type, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise WireError(path, f"must be an object ({cls.__name__})")
    names, plan = _plan(cls)
    if not names.issuperset(data):
        raise WireError(path, f"unknown field(s) {', '.join(sorted(set(data) - names))} for {cls.__name__}")
    values = {}
    prefix = f"{path}." if path else ""
    for name, hint, required in plan:
        if name not in data:
            if required:
                raise WireError(prefix + name, "is missing")
            continue
        values[name] = decode(hint, data[name], prefix + name)
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:  # the dataclass's own checks (e.g. CustomerRef's positive id)
        raise WireError(path, str(exc)) from None


def decode_money(data: Any, path: str = "amount") -> Decimal:
    """Money as the wire carries it: a string of digits with at most 2 decimals (``"12.34"``). A JSON number,
    an exponent, thousands separators or more decimals are refused (ambiguous or float-born)."""
    if not isinstance(data, str) or not MONEY_RE.fullmatch(data.strip()):
        raise WireError(path, 'must be an amount as text with at most 2 decimals, e.g. "12.34"')
    try:
        return Decimal(data.strip())
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise WireError(path, "is not a number") from None
