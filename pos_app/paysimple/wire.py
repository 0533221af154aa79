"""JSON on the wire: exact money, tz-aware times, the ``{Meta, Response}`` envelope.

- JSON numbers with a fraction are parsed as ``Decimal`` (``parse_float=Decimal``), so an Amount never
  passes through a float. Outgoing amounts are written as JSON numbers with exactly 2 decimals by our own
  tiny encoder (``dumps``), again never via float.
- PaySimple sends UTC times such as ``2013-10-11T17:41:36.6661404Z`` (7 fraction digits, more than Python's
  6) and sometimes without ``Z``: a time with no offset is taken as UTC. Date-only strings mean midnight UTC.
- The envelope's ``Meta.HttpStatus`` / ``HttpStatusCode`` are informational; the real HTTP status line is
  authoritative (the names are .NET enum names and we do not depend on them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


class FormatProblem(ValueError):
    """Raised by the parsing helpers; the client turns it into ResponseFormatError with request context."""


# --- decoding ----------------------------------------------------------------------------------------------

def loads(content: bytes | str) -> Any:
    try:
        return json.loads(content, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatProblem("the reply is not valid JSON") from exc


def parse_datetime(value: Any, field: str) -> datetime | None:
    """ISO-8601 text -> aware datetime (UTC when no offset); None for null/empty.

    Python 3.11's ``fromisoformat`` reads ``Z``, offsets and any number of fraction digits (beyond 6 they
    are truncated to microseconds).
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FormatProblem(f"{field} must be a date-time text, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise FormatProblem(f"{field} is not an ISO-8601 date-time: {value[:40]!r}") from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_decimal(value: Any, field: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise FormatProblem(f"{field} must be a number, got a boolean")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise FormatProblem(f"{field} must be a number, got {str(value)[:20]!r}") from exc
    else:  # a float can only reach us from a caller bypassing loads(); refuse rather than guess.
        raise FormatProblem(f"{field} must be a number, got {type(value).__name__}")
    if not result.is_finite():
        raise FormatProblem(f"{field} must be a finite number")
    return result


# --- encoding ----------------------------------------------------------------------------------------------

def money_text(amount: Decimal) -> str:
    """``Decimal('12.5')`` -> ``'12.50'``. Caller guarantees at most 2 decimals (PaymentRequest checks)."""
    return format(amount.quantize(CENT, rounding=ROUND_HALF_UP), "f")


def dumps(value: Any) -> str:
    """Compact JSON where ``Decimal`` values become numbers with 2 decimals (money), never floats."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("cannot send a non-finite amount")
        return money_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    if isinstance(value, float):
        raise TypeError("floats are not sent to PaySimple; use Decimal for money")
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def date_param(value: date) -> str:
    """``yyyy-MM-dd`` for the startdate/enddate filters."""
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


# --- envelope ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Paging:
    total_items: int
    page: int
    items_per_page: int


@dataclass(frozen=True)
class Envelope:
    response: Any
    paging: Paging | None
    error_code: str | None
    error_messages: list[tuple[str, str]]
    trace_code: str | None


def _opt_int(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise FormatProblem(f"{field} must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    raise FormatProblem(f"{field} must be a whole number, got {str(value)[:20]!r}")


def _opt_text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def parse_envelope(body: Any) -> Envelope:
    """Split ``{Meta: {Errors, PagingDetails, ...}, Response}``; extra keys anywhere are ignored."""
    if not isinstance(body, Mapping):
        raise FormatProblem("the reply is not a JSON object with Meta and Response")
    meta = body.get("Meta")
    if not isinstance(meta, Mapping):
        raise FormatProblem("the reply has no Meta object")
    if "Response" not in body:
        raise FormatProblem("the reply has no Response field")
    paging = None
    details = meta.get("PagingDetails")
    if isinstance(details, Mapping):
        total = _opt_int(details.get("TotalItems"), "Meta.PagingDetails.TotalItems")
        page = _opt_int(details.get("Page"), "Meta.PagingDetails.Page")
        per_page = _opt_int(details.get("ItemsPerPage"), "Meta.PagingDetails.ItemsPerPage")
        if total is None or page is None or per_page is None:
            raise FormatProblem("Meta.PagingDetails needs TotalItems, Page and ItemsPerPage")
        paging = Paging(total, page, per_page)
    error_code, trace_code, messages = error_parts(meta)
    return Envelope(body["Response"], paging, error_code, messages, trace_code)


def error_parts(meta: Mapping[str, Any]) -> tuple[str | None, str | None, list[tuple[str, str]]]:
    """(ErrorCode, TraceCode, [(Field, Message)]) from ``Meta.Errors``; tolerant of odd shapes."""
    errors = meta.get("Errors")
    if not isinstance(errors, Mapping):
        return None, None, []
    messages: list[tuple[str, str]] = []
    raw = errors.get("ErrorMessages")
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, Mapping):
                messages.append((_opt_text(item.get("Field")) or "", _opt_text(item.get("Message")) or ""))
            elif isinstance(item, str):
                messages.append(("", item))
    return _opt_text(errors.get("ErrorCode")), _opt_text(errors.get("TraceCode")), messages
