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

Storage: the journal's ``OnFileStore`` (``journal.onfile_store()``; two tables in the journal's database, SQLite
or PostgreSQL, see ``onfile_sql``): ``onfile`` (one row per account, the current plan) and ``onfile_events``
(what happened, when, by whom). No card or bank number is stored: account id, kind, brand/bank and last 4 only.
No Qt here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pos_app.payments.gateway import Gateway, NotFound, Unreachable
from pos_app.payments.model import UNRESOLVED_STATES, AccountRef, Attempt, State
from pos_app.payments.replies import error_text
from pos_app.payments.store import JournalStore, OnFileRecord, OnFileState

log = logging.getLogger(__name__)

HOLD = timedelta(minutes=15)
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)

DECLINED_REASON = "the payment was declined"
REFUSED_REASON = "the payment was refused by PaySimple"
NO_CONSENT_REASON = "the customer did not agree to keep it on file"
CONSENT_REASON = "the customer agreed to keep it on file"

_CHARGED = frozenset({State.APPROVED, State.VOIDED, State.REFUNDED})
_FAILED = frozenset({State.DECLINED, State.REJECTED})


def _utc_now() -> datetime:
    return datetime.now(UTC)


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

    def __init__(self, journal: JournalStore, gateway: Gateway, clock: Callable[[], datetime] = _utc_now, *,
                 hold: timedelta = HOLD, retry_base: timedelta = RETRY_BASE, retry_cap: timedelta = RETRY_CAP) -> None:
        self.journal, self.gateway, self.clock = journal, gateway, clock
        self.hold, self.retry_base, self.retry_cap = hold, retry_base, retry_cap
        self._sweeping = threading.Lock()
        self.store = journal.onfile_store()

    # ---- records ------------------------------------------------------------------------------------

    def record_new(self, account: AccountRef, customer_id: int, consent: bool, clerk: str) -> OnFileRecord:
        """A form produced this account (new to the customer's list, or one still waiting for removal):
        plan it (keep with consent, else remove later) and hold it from sweeps until ``release``."""
        now = self.clock()
        return self.store.plan(account, customer_id, consent, clerk, now, now + self.hold)

    def release(self, account_id: int) -> None:
        """The form is done with the account (charged, or cancelled): sweeps may decide it now."""
        self.store.release(account_id, self.clock())

    def keep(self, account: AccountRef, customer_id: int, clerk: str, reason: str) -> None:
        """Explicit consent ("Update payment details" save): any plan to remove the account is cancelled."""
        self.store.keep(account.id, reason, clerk, self.clock())

    def get(self, account_id: int) -> OnFileRecord | None:
        return self.store.get(account_id)

    def pending(self) -> list[OnFileRecord]:
        return self.store.pending()

    def hidden_ids(self, customer_id: int | None = None) -> set[int]:
        """Accounts not to show or charge at the counter: waiting for removal (or removed)."""
        return self.store.hidden_ids(customer_id)

    def events(self, account_id: int) -> list[tuple[datetime, str, str, str]]:
        return self.store.events(account_id)

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
                    report.kept.append(self._finish(record, OnFileState.KEPT, decision.reason, clerk))
                elif decision.action == "wait":
                    report.waiting.append(self._wait(record, decision))
                elif unreachable:
                    report.waiting.append(record)
                else:
                    done, unreachable = self._remove(record, decision.reason, clerk)
                    (report.removed if done.state is OnFileState.REMOVED else report.failed).append(done)
        return report

    def _remove(self, record: OnFileRecord, reason: str, clerk: str) -> tuple[OnFileRecord, bool]:
        """(the record after the DELETE, whether PaySimple was unreachable)."""
        try:
            self.gateway.delete_account(record.account_id, record.kind)
        except NotFound:
            return self._finish(record, OnFileState.REMOVED, reason + " (it was already gone from PaySimple)", clerk), False
        except Exception as exc:  # noqa: BLE001 - recorded and retried; never dropped
            return self._failed(record, exc, clerk), isinstance(exc, Unreachable)
        return self._finish(record, OnFileState.REMOVED, reason, clerk), False

    def _finish(self, record: OnFileRecord, state: OnFileState, reason: str, clerk: str) -> OnFileRecord:
        done = self.store.finish(record.account_id, state, reason, clerk, self.clock())
        log.info("account on file %s %s: %s", record.masked, state, reason)
        return done

    def _wait(self, record: OnFileRecord, decision: Decision) -> OnFileRecord:
        if decision.until is not None and decision.until != record.remove_after:
            return self.store.wait_until(record.account_id, decision.until, decision.reason, self.clock())
        return record

    def _failed(self, record: OnFileRecord, exc: Exception, clerk: str) -> OnFileRecord:
        now = self.clock()
        tries = record.tries + 1
        delay = min(self.retry_cap, self.retry_base * (2 ** (tries - 1)))
        text = error_text(exc)
        log.warning("could not remove account on file %s (try %d): %s", record.masked, tries, text)
        return self.store.failed(record.account_id, tries, now + delay, text, clerk, now)
