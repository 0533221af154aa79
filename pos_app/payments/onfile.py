"""New cards and bank accounts entered at the counter: kept on file only with the customer's consent.

PaySimpleJS stores every card or bank account it is given (``matchOrCreateAccount``) before the counter can
charge it, so "not kept on file" means: hidden at this counter at once, deleted from PaySimple later. Each
new account a form produced for a charge gets a record here BEFORE the payment is sent, so a crash, a lost
reply or a failed DELETE never leaves a card on file that nobody agreed to keep: the record stays
``pending`` until it is settled, and every sweep (start-up, after each form, every few minutes) looks at it.

Rules (``decide``; the attempts are the journal's attempts on that account since the record was made):
- A payment on the account whose outcome is not known yet (created/sending/unknown/reconciling, or a
  void/refund being confirmed) → wait: the account may still be needed to void it.
- Declined or refused (``rejected``) and never charged → removed, with or without consent (a card that was
  just declined is not left on file; the clerk is told).
- Consent given (and not declined) → kept: the record is closed as ``kept`` and the account shows in the
  methods list again.
- No consent → removed once no approved payment on it can still be voided: after the latest
  ``CanVoidUntil`` of its approved attempts (PaySimple's void window, so a mistaken charge can be voided
  first); at once when nothing was charged (declined, absent, voided, refunded, or no attempt at all).
  Refunding a settled payment whose account was deleted: PaySimple does not document it [?]; decision
  0160 (the training gateway refunds it to the same, soft-deleted account).
- ``keep`` (an explicit "Update payment details" save, itself the customer's consent) closes the record as
  ``kept`` whatever it said before.

Deleting: ``Gateway.delete_account`` (PaySimple: DELETE /account/creditcard/{id} or /account/ach/{id}).
``NotFound`` (PaySimple's own 404, not a proxy's page) means it is gone already (done). Any other failure is recorded (tries, last error without secrets) and retried at the next sweep after a back-off
(1 min doubling, at most 1 h); a record is never dropped. ``held_until`` keeps a sweep away from an account
whose payment is about to be sent (the record is written before the attempt exists); the form releases it
when the charge returns, and it lapses on its own if the app stopped in between.

Storage: two tables in the journal's SQLite file (its connection, lock and ``synchronous=FULL``):
``onfile`` (one row per account, the current plan) and ``onfile_events`` (what happened, when, by whom).
No card or bank number is stored: account id, kind, brand/bank and last 4 only. No Qt here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pos_app.payments.brands import masked
from pos_app.payments.gateway import Gateway, NotFound, Unreachable
from pos_app.payments.journal import Journal, parse_ts, ts
from pos_app.payments.model import UNRESOLVED_STATES, AccountRef, Attempt, State
from pos_app.payments.replies import error_text

log = logging.getLogger(__name__)

PENDING, KEPT, REMOVED = "pending", "kept", "removed"
HOLD = timedelta(minutes=15)
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)

_SCHEMA = (
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

DECLINED_REASON = "the payment was declined"
REFUSED_REASON = "the payment was refused by PaySimple"
NO_CONSENT_REASON = "the customer did not agree to keep it on file"
CONSENT_REASON = "the customer agreed to keep it on file"

_CHARGED = frozenset({State.APPROVED, State.VOIDED, State.REFUNDED})
_FAILED = frozenset({State.DECLINED, State.REJECTED})


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class OnFileRecord:
    account_id: int
    customer_id: int
    kind: str  # "cc" | "ach"
    last4: str
    brand: str
    consent: bool
    clerk: str
    state: str  # pending | kept | removed
    reason: str | None
    created_at: datetime
    updated_at: datetime
    held_until: datetime | None
    remove_after: datetime | None  # when known: the void window of its last approved payment closes
    tries: int
    next_try_at: datetime | None
    last_error: str | None
    finished_at: datetime | None

    @property
    def masked(self) -> str:
        return masked(self.brand, self.last4, self.kind)


@dataclass(frozen=True)
class Decision:
    action: str  # "keep" | "remove" | "wait"
    reason: str
    until: datetime | None = None  # "wait": the earliest time the answer can change (None: an outcome is awaited)


@dataclass
class SweepReport:
    removed: list[OnFileRecord] = field(default_factory=list)
    kept: list[OnFileRecord] = field(default_factory=list)
    waiting: list[OnFileRecord] = field(default_factory=list)
    failed: list[OnFileRecord] = field(default_factory=list)  # DELETE failed; retried at a later sweep

    def outcome(self, account_id: int) -> OnFileRecord | None:
        for record in self.removed + self.kept + self.waiting + self.failed:
            if record.account_id == account_id:
                return record
        return None


def decide(record: OnFileRecord, attempts: Iterable[Attempt], now: datetime) -> Decision:
    """What to do with a pending record now (see the module docstring)."""
    attempts = list(attempts)
    if any(a.state in UNRESOLVED_STATES for a in attempts):
        return Decision("wait", "a payment on it is not settled yet")
    charged = [a for a in attempts if a.state in _CHARGED]
    failed = [a for a in attempts if a.state in _FAILED]
    if failed and not charged:
        declined = any(a.state is State.DECLINED for a in failed)
        return Decision("remove", DECLINED_REASON if declined else REFUSED_REASON)
    if record.consent:
        return Decision("keep", CONSENT_REASON)
    voidable = []
    for a in charged:
        if a.state is State.APPROVED:
            # Unknown window (no CanVoidUntil came back): one day after the send, past any batch.
            voidable.append(a.can_void_until or (a.sent_at or a.created_at) + timedelta(days=1))
    last = max(voidable, default=None)
    if last is not None and now < last:
        return Decision("wait", "kept until the payment can no longer be voided", last)
    return Decision("remove", NO_CONSENT_REASON)


class OnFile:
    """The records and the sweep. One per process (shares the journal's connection); thread-safe."""

    def __init__(self, journal: Journal, gateway: Gateway, clock: Callable[[], datetime] = _utc_now, *,
                 hold: timedelta = HOLD, retry_base: timedelta = RETRY_BASE, retry_cap: timedelta = RETRY_CAP) -> None:
        self.journal, self.gateway, self.clock = journal, gateway, clock
        self.hold, self.retry_base, self.retry_cap = hold, retry_base, retry_cap
        self._sweeping = threading.Lock()
        with journal._tx() as db:  # noqa: SLF001 - same package: the journal's file, lock and fsync
            for statement in _SCHEMA:
                db.execute(statement)

    # ---- records ------------------------------------------------------------------------------------

    def record_new(self, account: AccountRef, customer_id: int, consent: bool, clerk: str) -> OnFileRecord:
        """A form produced this account (new to the customer's list, or one still waiting for removal):
        plan it (keep with consent, else remove later) and hold it from sweeps until ``release``."""
        now = self.clock()
        held = ts(now + self.hold)
        with self.journal._tx() as db:  # noqa: SLF001
            db.execute(
                "INSERT INTO onfile (account_id, customer_id, kind, last4, brand, consent, clerk, state, created_at,"
                " updated_at, held_until) VALUES (?,?,?,?,?,?,?,'pending',?,?,?)"
                " ON CONFLICT(account_id) DO UPDATE SET consent = excluded.consent, clerk = excluded.clerk,"
                " state = 'pending', reason = NULL, updated_at = excluded.updated_at,"
                " held_until = excluded.held_until, finished_at = NULL",
                (account.id, customer_id, account.kind, account.last4, account.brand, int(bool(consent)),
                 str(clerk), ts(now), ts(now), held))
            self._event(db, account.id, now, "recorded",
                        "customer agreed to keep it on file" if consent else "customer did not agree to keep it",
                        clerk)
        return self.get(account.id)

    def release(self, account_id: int) -> None:
        """The form is done with the account (charged, or cancelled): sweeps may decide it now."""
        with self.journal._tx() as db:  # noqa: SLF001
            db.execute("UPDATE onfile SET held_until = NULL, updated_at = ? WHERE account_id = ?",
                       (ts(self.clock()), account_id))

    def keep(self, account: AccountRef, customer_id: int, clerk: str, reason: str) -> None:
        """Explicit consent ("Update payment details" save): any plan to remove the account is cancelled."""
        now = self.clock()
        with self.journal._tx() as db:  # noqa: SLF001
            row = db.execute("SELECT state FROM onfile WHERE account_id = ?", (account.id,)).fetchone()
            if row is None or row["state"] == REMOVED:
                return
            db.execute("UPDATE onfile SET state = 'kept', consent = 1, reason = ?, held_until = NULL,"
                       " updated_at = ?, finished_at = ? WHERE account_id = ?",
                       (reason, ts(now), ts(now), account.id))
            self._event(db, account.id, now, "kept", reason, clerk)

    def get(self, account_id: int) -> OnFileRecord | None:
        rows = self.journal._query("SELECT * FROM onfile WHERE account_id = ?", (account_id,))  # noqa: SLF001
        return _record(rows[0]) if rows else None

    def pending(self) -> list[OnFileRecord]:
        rows = self.journal._query("SELECT * FROM onfile WHERE state = 'pending' ORDER BY created_at")  # noqa: SLF001
        return [_record(r) for r in rows]

    def hidden_ids(self, customer_id: int | None = None) -> set[int]:
        """Accounts not to show or charge at the counter: waiting for removal (or removed)."""
        sql, params = "SELECT account_id FROM onfile WHERE state IN ('pending', 'removed')", []
        if customer_id is not None:
            sql += " AND customer_id = ?"
            params.append(customer_id)
        return {r["account_id"] for r in self.journal._query(sql, params)}  # noqa: SLF001

    def events(self, account_id: int) -> list[tuple[datetime, str, str, str]]:
        rows = self.journal._query("SELECT * FROM onfile_events WHERE account_id = ? ORDER BY seq",  # noqa: SLF001
                                   (account_id,))
        return [(parse_ts(r["at"]), r["event"], r["detail"], r["clerk"]) for r in rows]

    # ---- the sweep ----------------------------------------------------------------------------------

    def attempts_for(self, record: OnFileRecord) -> list[Attempt]:
        since = record.created_at - timedelta(minutes=1)  # the record is written just before the attempt
        return [a for a in self.journal.history(customer_id=record.customer_id, since=since, limit=None)
                if a.account_id == record.account_id]

    def sweep(self, account_ids: Iterable[int] | None = None, clerk: str = "system") -> SweepReport:
        """Decide every pending record (or only ``account_ids``) that is not held and not backing off, and
        delete from PaySimple what is due. Blocks (network): run it on a worker thread."""
        report = SweepReport()
        wanted = set(account_ids) if account_ids is not None else None
        unreachable = False  # PaySimple could not be reached: the other removals wait for the next sweep
        with self._sweeping:
            for record in self.pending():
                if wanted is not None and record.account_id not in wanted:
                    continue
                now = self.clock()
                if (record.held_until and now < record.held_until) or (
                        wanted is None and record.next_try_at and now < record.next_try_at):
                    report.waiting.append(record)
                    continue
                decision = decide(record, self.attempts_for(record), now)
                if decision.action == "keep":
                    report.kept.append(self._finish(record, KEPT, decision.reason, clerk))
                elif decision.action == "wait":
                    report.waiting.append(self._wait(record, decision))
                elif unreachable:
                    report.waiting.append(record)
                else:
                    done, unreachable = self._remove(record, decision.reason, clerk)
                    (report.removed if done.state == REMOVED else report.failed).append(done)
        return report

    def _remove(self, record: OnFileRecord, reason: str, clerk: str) -> tuple[OnFileRecord, bool]:
        """(the record after the DELETE, whether PaySimple was unreachable)."""
        try:
            self.gateway.delete_account(record.account_id, record.kind)
        except NotFound:
            return self._finish(record, REMOVED, reason + " (it was already gone from PaySimple)", clerk), False
        except Exception as exc:  # noqa: BLE001 - recorded and retried; never dropped
            return self._failed(record, exc, clerk), isinstance(exc, Unreachable)
        return self._finish(record, REMOVED, reason, clerk), False

    def _finish(self, record: OnFileRecord, state: str, reason: str, clerk: str) -> OnFileRecord:
        now = self.clock()
        with self.journal._tx() as db:  # noqa: SLF001
            db.execute("UPDATE onfile SET state = ?, reason = ?, updated_at = ?, finished_at = ?, next_try_at = NULL"
                       " WHERE account_id = ? AND state = 'pending'",
                       (state, reason, ts(now), ts(now), record.account_id))
            self._event(db, record.account_id, now, "removed from PaySimple" if state == REMOVED else "kept",
                        reason, clerk)
        log.info("account on file %s %s: %s", record.masked, state, reason)
        return self.get(record.account_id)

    def _wait(self, record: OnFileRecord, decision: Decision) -> OnFileRecord:
        if decision.until is not None and decision.until != record.remove_after:
            with self.journal._tx() as db:  # noqa: SLF001
                db.execute("UPDATE onfile SET remove_after = ?, reason = ?, updated_at = ? WHERE account_id = ?",
                           (ts(decision.until), decision.reason, ts(self.clock()), record.account_id))
            return self.get(record.account_id)
        return record

    def _failed(self, record: OnFileRecord, exc: Exception, clerk: str) -> OnFileRecord:
        now = self.clock()
        tries = record.tries + 1
        delay = min(self.retry_cap, self.retry_base * (2 ** (tries - 1)))
        text = error_text(exc)
        with self.journal._tx() as db:  # noqa: SLF001
            db.execute("UPDATE onfile SET tries = ?, next_try_at = ?, last_error = ?, updated_at = ?"
                       " WHERE account_id = ?", (tries, ts(now + delay), text, ts(now), record.account_id))
            self._event(db, record.account_id, now, "removal failed", f"{text}; will try again", clerk)
        log.warning("could not remove account on file %s (try %d): %s", record.masked, tries, text)
        return self.get(record.account_id)

    @staticmethod
    def _event(db, account_id: int, now: datetime, event: str, detail: str, clerk: str) -> None:
        db.execute("INSERT INTO onfile_events (account_id, at, event, detail, clerk) VALUES (?,?,?,?,?)",
                   (account_id, ts(now), event, detail, str(clerk)))


def _record(row) -> OnFileRecord:
    return OnFileRecord(
        account_id=row["account_id"], customer_id=row["customer_id"], kind=row["kind"], last4=row["last4"],
        brand=row["brand"], consent=bool(row["consent"]), clerk=row["clerk"], state=row["state"],
        reason=row["reason"], created_at=parse_ts(row["created_at"]), updated_at=parse_ts(row["updated_at"]),
        held_until=parse_ts(row["held_until"]), remove_after=parse_ts(row["remove_after"]), tries=row["tries"],
        next_try_at=parse_ts(row["next_try_at"]), last_error=row["last_error"],
        finished_at=parse_ts(row["finished_at"]))
