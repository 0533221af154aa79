"""What both payment journals (``journal.Journal`` on SQLite, ``journal_pg.PgJournal`` on PostgreSQL) share
apart from SQL: the columns of an attempt, the checks of a new charge, and rows <-> model objects.

- A row is anything indexed by column name (``sqlite3.Row``, a psycopg dict row). Times go through the
  backend's ``decode_time`` (stored value -> aware ``datetime`` or None) and ``encode_time`` (aware
  ``datetime`` -> stored value; a naive time raises ``ValueError``).
- :func:`new_attempt_row` refuses a charge that no journal may hold (``InvalidCharge``: lane, clerk, an ACH
  account without the customer's authorization, an authorization on a card; ``to_cents`` and
  ``check_attempt_id`` refusals) before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import datetime
from typing import Any

from pos_app.payments import ids
from pos_app.payments.model import (
    LANE_RE,
    AccountRef,
    Attempt,
    CustomerRef,
    InvalidCharge,
    State,
    Transition,
    check_ach_authorization,
    check_attempt_id,
    to_cents,
)
from pos_app.payments.store import TIME_FIELDS, Reversal

Decode = Callable[[Any], datetime | None]
Encode = Callable[[datetime], Any]

ATTEMPT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Attempt))
ATTEMPT_COLUMNS = ", ".join(ATTEMPT_FIELDS)
INSERT_COLUMNS = ("id", "lane", "clerk", "customer_id", "customer_name", "account_id", "account_kind",
                  "account_last4", "account_brand", "amount_cents", "state", "created_at", "updated_at",
                  "ach_authorization", "ach_authorized_by")
TRANSITION_COLUMNS = "attempt_id, at, from_state, to_state, cause, clerk"


def new_attempt_row(lane: str, clerk: str, customer: CustomerRef, account: AccountRef, amount, now: datetime,
                    cause: str, ach_authorization: str | None, attempt_id: str | None,
                    encode_time: Encode) -> tuple[tuple, str]:
    """The values of :data:`INSERT_COLUMNS` for a new attempt in ``created`` (its id first: ``attempt_id``
    checked, or a new one) and the cause of its first transition (an ACH debit's says who confirmed the
    customer's authorization)."""
    if not LANE_RE.match(lane or ""):
        raise InvalidCharge("Lane must be 1-20 letters, digits or '_'.")
    if not str(clerk).strip():
        raise InvalidCharge("Clerk is required.")
    authorized_by = None
    if account.kind == "ach":
        check_ach_authorization(ach_authorization, account)
        authorized_by = str(clerk)
        cause += f"; bank debit authorization read to the customer, confirmed by clerk {clerk}"
    elif ach_authorization is not None:
        raise InvalidCharge("A bank debit authorization belongs to a bank account, not a card.")
    cents = to_cents(amount)
    attempt_id = ids.attempt_id(lane, now) if attempt_id is None else check_attempt_id(attempt_id, lane)
    stamp = encode_time(now)
    values = (attempt_id, lane, str(clerk), customer.id, customer.name.strip(), account.id, account.kind,
              account.last4, account.brand, cents, State.CREATED.value, stamp, stamp,
              ach_authorization if account.kind == "ach" else None, authorized_by)
    return values, cause


def encode_updates(updates: Mapping[str, Any], encode_time: Encode) -> dict[str, Any]:
    """``updates`` (checked by ``store.check_updates``) as stored: its times encoded."""
    return {k: (encode_time(v) if k in TIME_FIELDS and v is not None else v) for k, v in updates.items()}


def to_attempt(row: Mapping[str, Any], decode_time: Decode) -> Attempt:
    values = {name: row[name] for name in ATTEMPT_FIELDS}
    for name in TIME_FIELDS:
        values[name] = decode_time(values[name])
    values["state"] = State(values["state"])
    return Attempt(**values)


def to_transition(row: Mapping[str, Any], decode_time: Decode) -> Transition:
    return Transition(row["attempt_id"], decode_time(row["at"]),
                      State(row["from_state"]) if row["from_state"] else None, State(row["to_state"]),
                      row["cause"], row["clerk"])


def to_reversal(row: Mapping[str, Any], decode_time: Decode) -> Reversal:
    return Reversal(row["seq"], row["attempt_id"], row["kind"], row["manager_id"], row["reason"],
                    decode_time(row["requested_at"]), decode_time(row["finished_at"]), row["outcome"],
                    row["payment_id"])


class Where:
    """Conditions joined by AND and their parameters, for a backend whose parameter placeholder is ``mark``
    (``?`` or ``%s``; a condition given to :meth:`add` is written with it) and whose times go through
    ``encode_time``. :meth:`clause` is ``" WHERE …"``, or ``""`` without conditions."""

    def __init__(self, mark: str, encode_time: Encode) -> None:
        self._mark, self._encode_time = mark, encode_time
        self._conditions: list[str] = []
        self.params: list = []

    def add(self, condition: str, *params) -> Where:
        self._conditions.append(condition)
        self.params.extend(params)
        return self

    def equal(self, column: str, value) -> Where:
        """``column = value``; nothing when ``value`` is None (no filter)."""
        return self if value is None else self.add(f"{column} = {self._mark}", value)

    def window(self, column: str, since: datetime | None, until: datetime | None) -> Where:
        """``since <= column < until``; an open end when None."""
        if since is not None:
            self.add(f"{column} >= {self._mark}", self._encode_time(since))
        if until is not None:
            self.add(f"{column} < {self._mark}", self._encode_time(until))
        return self

    def clause(self) -> str:
        return " WHERE " + " AND ".join(self._conditions) if self._conditions else ""
