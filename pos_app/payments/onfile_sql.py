"""The cards-on-file records (``store.OnFileStore``) in a journal's database, one SQL for SQLite and PostgreSQL.

Two tables beside the attempts: ``onfile`` (one row per account, the current plan) and ``onfile_events`` (what
happened, when, by whom). Each method is one transaction of the journal (its connection, lock and durability).
No card or bank number is stored: account id, kind, brand/bank and last 4 only. The journal supplies how to
run it (``OnFileDb``): a transaction, placeholders (``?`` here, rewritten for PostgreSQL by the journal) and how
its times are stored (SQLite: fixed-width UTC text; PostgreSQL: ``timestamptz``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from pos_app.payments.model import AccountRef
from pos_app.payments.store import OnFileRecord, OnFileState

Rows = list[Mapping[str, Any]]
Execute = Callable[[str, Sequence], Rows]

SQLITE_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS onfile (
    account_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('cc', 'ach')),
    last4 TEXT NOT NULL CHECK (length(last4) = 4),
    brand TEXT NOT NULL,
    consent INTEGER NOT NULL CHECK (consent IN (0, 1)),
    clerk TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'kept', 'removed')),
    reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    held_until TEXT,
    remove_after TEXT,
    tries INTEGER NOT NULL DEFAULT 0,
    next_try_at TEXT,
    last_error TEXT,
    finished_at TEXT)""",
    "CREATE INDEX IF NOT EXISTS onfile_pending ON onfile(state, customer_id)",
    """CREATE TABLE IF NOT EXISTS onfile_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    detail TEXT NOT NULL,
    clerk TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS onfile_events_account ON onfile_events(account_id, seq)",
)

_TIMES = ("created_at", "updated_at", "held_until", "remove_after", "next_try_at", "finished_at")


class OnFileDb(Protocol):
    """What a journal lends the records: a transaction (``transaction(work)`` runs ``work(execute)`` and
    commits, or rolls back and raises), a read, and its time format."""

    def transaction(self, work: Callable[[Execute], Any]) -> Any: ...

    def query(self, sql: str, params: Sequence = ()) -> Rows: ...

    def encode_time(self, value: datetime | None): ...

    def decode_time(self, value) -> datetime | None: ...


class SqlOnFile:
    """``store.OnFileStore`` over a journal's ``OnFileDb``."""

    def __init__(self, db: OnFileDb) -> None:
        self._db = db

    def _t(self, value: datetime | None):
        return self._db.encode_time(value)

    def _event(self, execute: Execute, account_id: int, now: datetime, event: str, detail: str, clerk: str) -> None:
        execute("INSERT INTO onfile_events (account_id, at, event, detail, clerk) VALUES (?, ?, ?, ?, ?)",
                (account_id, self._t(now), event, detail, str(clerk)))

    # ---- writes

    def plan(self, account: AccountRef, customer_id: int, consent: bool, clerk: str, now: datetime,
             held_until: datetime) -> OnFileRecord:
        def work(execute: Execute) -> None:
            execute("INSERT INTO onfile (account_id, customer_id, kind, last4, brand, consent, clerk, state,"
                    " created_at, updated_at, held_until) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)"
                    " ON CONFLICT (account_id) DO UPDATE SET consent = excluded.consent, clerk = excluded.clerk,"
                    " state = 'pending', reason = NULL, updated_at = excluded.updated_at,"
                    " held_until = excluded.held_until, finished_at = NULL",
                    (account.id, customer_id, account.kind, account.last4, account.brand, int(bool(consent)),
                     str(clerk), self._t(now), self._t(now), self._t(held_until)))
            self._event(execute, account.id, now, "recorded", "customer agreed to keep it on file" if consent
                        else "customer did not agree to keep it", clerk)
        self._db.transaction(work)
        return self.get(account.id)

    def release(self, account_id: int, now: datetime) -> None:
        self._db.transaction(lambda execute: execute(
            "UPDATE onfile SET held_until = NULL, updated_at = ? WHERE account_id = ?", (self._t(now), account_id)))

    def keep(self, account_id: int, reason: str, clerk: str, now: datetime) -> bool:
        def work(execute: Execute) -> bool:
            rows = execute("SELECT state FROM onfile WHERE account_id = ?", (account_id,))
            if not rows or rows[0]["state"] == OnFileState.REMOVED:
                return False
            execute("UPDATE onfile SET state = 'kept', consent = 1, reason = ?, held_until = NULL, updated_at = ?,"
                    " finished_at = ? WHERE account_id = ?", (reason, self._t(now), self._t(now), account_id))
            self._event(execute, account_id, now, "kept", reason, clerk)
            return True
        return self._db.transaction(work)

    def finish(self, account_id: int, state: OnFileState, reason: str, clerk: str, now: datetime) -> OnFileRecord | None:
        if state not in (OnFileState.KEPT, OnFileState.REMOVED):
            raise ValueError(f"a record finishes kept or removed, not {state!r}")

        def work(execute: Execute) -> None:
            execute("UPDATE onfile SET state = ?, reason = ?, updated_at = ?, finished_at = ?, next_try_at = NULL"
                    " WHERE account_id = ? AND state = 'pending'",
                    (state.value, reason, self._t(now), self._t(now), account_id))
            self._event(execute, account_id, now, "removed from PaySimple" if state == OnFileState.REMOVED else "kept", reason,
                        clerk)
        self._db.transaction(work)
        return self.get(account_id)

    def wait_until(self, account_id: int, until: datetime, reason: str, now: datetime) -> OnFileRecord | None:
        self._db.transaction(lambda execute: execute(
            "UPDATE onfile SET remove_after = ?, reason = ?, updated_at = ? WHERE account_id = ?",
            (self._t(until), reason, self._t(now), account_id)))
        return self.get(account_id)

    def failed(self, account_id: int, tries: int, next_try_at: datetime, error: str, clerk: str,
               now: datetime) -> OnFileRecord | None:
        def work(execute: Execute) -> None:
            execute("UPDATE onfile SET tries = ?, next_try_at = ?, last_error = ?, updated_at = ? WHERE account_id = ?",
                    (tries, self._t(next_try_at), error, self._t(now), account_id))
            self._event(execute, account_id, now, "removal failed", f"{error}; will try again", clerk)
        self._db.transaction(work)
        return self.get(account_id)

    # ---- reads

    def _record(self, row: Mapping[str, Any]) -> OnFileRecord:
        values = {name: row[name] for name in OnFileRecord.__dataclass_fields__}
        for name in _TIMES:
            values[name] = self._db.decode_time(values[name])
        values["consent"] = bool(values["consent"])
        return OnFileRecord(**values)

    def get(self, account_id: int) -> OnFileRecord | None:
        rows = self._db.query("SELECT * FROM onfile WHERE account_id = ?", (account_id,))
        return self._record(rows[0]) if rows else None

    def pending(self) -> list[OnFileRecord]:
        return [self._record(r) for r in self._db.query(
            f"SELECT * FROM onfile WHERE state = '{OnFileState.PENDING.value}' ORDER BY created_at, account_id")]

    def hidden_ids(self, customer_id: int | None = None) -> set[int]:
        sql, params = "SELECT account_id FROM onfile WHERE state IN ('pending', 'removed')", []
        if customer_id is not None:
            sql += " AND customer_id = ?"
            params.append(customer_id)
        return {int(r["account_id"]) for r in self._db.query(sql, params)}

    def events(self, account_id: int) -> list[tuple[datetime, str, str, str]]:
        rows = self._db.query("SELECT * FROM onfile_events WHERE account_id = ? ORDER BY seq", (account_id,))
        return [(self._db.decode_time(r["at"]), r["event"], r["detail"], r["clerk"]) for r in rows]
