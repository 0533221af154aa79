"""Idempotent charges on the store server: the lane's attempt id is the idempotency key, the journal's attempt
id and PaySimple's OrderId, all at once.

Contract (``ChargeDesk``):
- The caller claims the key with its request's fingerprint (``records.claim_charge``: one row per key, shared
  by every server instance on the database); ``start(request, wait)`` then runs ``PaymentService.charge(...,
  attempt_id=key)`` on the desk's own worker threads, so the charge goes on when the HTTP request that asked
  ends. The request waits up to ``wait`` seconds and gets ``Outcome(done=True, attempt)`` (whatever the service
  returned: approved, declined, rejected, absent, unknown after failed look-ups, needs review) or
  ``Outcome(done=False)``: still working, ask again with the same key.
- The same key again (a lost reply, a second server instance, a restarted server) never sends a second
  payment: with a different fingerprint it is ``KeyReused`` (nothing charged for that request); with the same one
  it gets the first request's outcome: its job's result when it runs here, else the journal's attempt; an
  attempt still open (the server that sent it died) is looked up (``PaymentService.resolve``: never re-sent)
  on a worker, and the answer is "still working" until the look-up settles it. A key claimed whose attempt was
  never written (the server died between the two) is charged then: nothing was ever sent for it.
- A charge refused before its attempt was written (another payment blocks the lane, an invalid request) is
  recorded with the key (``Refused``): every retry gets the same refusal.
- Each lane's ``PaymentService`` runs start-up reconcile (``reconcile_unresolved``) once per server process, on a
  worker, when the server starts or the lane is first seen; until it ends, a new charge on that lane is
  ``NotReady`` (retry shortly; nothing was written).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from pos_app.payments import (
    AccountRef,
    Attempt,
    CustomerRef,
    DuplicateAttempt,
    InvalidCharge,
    LaneBusy,
    LaneOwnershipLost,
    NotSignedIn,
    PaymentService,
    ReconcileRequired,
    State,
)
from pos_app.payments.gateway import Gateway
from pos_app.payments.model import OPEN_STATES
from pos_app.payments.store import JournalStore
from pos_app.server.records import ServerRecords
from pos_app.serverlink.sentences import KEY_REUSED, NOT_READY

log = logging.getLogger(__name__)

_LOOKED_UP = OPEN_STATES - {State.REVIEW}
# A lane closing a key the server never wrote (``ServerService.close_charge``, decision 0465): the fingerprint
# no request has, and the age after which a claimed key with no attempt and no job is closed.
CLOSED_FINGERPRINT = "closed:never-arrived"
CLOSE_AFTER = timedelta(minutes=5)
READY_WAIT = 5.0  # open states the desk looks up; needs_review waits for a person


class KeyReused(Exception):
    """The idempotency key was used for another request (another amount, customer, account...)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(KEY_REUSED.fill(key))


class ChargeRefused(Exception):
    """Refused before anything was written or sent (final for this key); ``code`` for the API."""

    def __init__(self, code: str, message: str, blocking: Attempt | None = None) -> None:
        super().__init__(message)
        self.code, self.blocking = code, blocking


class NotReady(Exception):
    """The lane's start-up reconcile is still running on this server, or the journal failed for a moment:
    nothing was written for this request; ask again with the same key."""


@dataclass(frozen=True)
class ServiceTimes:
    in_flight_window: timedelta = timedelta(seconds=120)
    settle_after: timedelta = timedelta(seconds=2)
    poll_interval: float = 10.0
    lookup_tries: int = 4


@dataclass(frozen=True)
class Outcome:
    done: bool
    attempt: Attempt | None


@dataclass(frozen=True)
class ChargeRequest:
    key: str
    lane: str
    clerk: str
    customer: CustomerRef
    account: AccountRef
    amount: Decimal
    payment_token: str | None = None
    cvv: str | None = None
    ach_authorization: str | None = None


class ChargeDesk:
    def __init__(self, journal: JournalStore, gateway: Gateway, records: ServerRecords,
                 clock: Callable[[], datetime], times: ServiceTimes = ServiceTimes(), workers: int = 32,
                 on_done: Callable[[str, Attempt | None, BaseException | None], None] | None = None) -> None:
        self.journal, self.gateway, self.records, self.clock, self.times = journal, gateway, records, clock, times
        self._lock = threading.Lock()
        self._services: dict[str, PaymentService] = {}
        self._reconciles: dict[str, Future] = {}
        self._jobs: dict[str, Future] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="charge")
        self._on_done = on_done

    # ---- lanes ---------------------------------------------------------------------------------------

    def service(self, lane: str) -> PaymentService:
        """The lane's payments service (made, and its start-up reconcile started, on first use)."""
        with self._lock:
            service = self._services.get(lane)
            if service is None:
                t = self.times
                service = PaymentService(self.journal, self.gateway, lane, clock=self.clock,
                                         in_flight_window=t.in_flight_window, settle_after=t.settle_after,
                                         poll_interval=t.poll_interval, lookup_tries=t.lookup_tries)
                self._services[lane] = service
                self._reconciles[lane] = self._pool.submit(self._reconcile, service)
            return service

    def _reconcile(self, service: PaymentService) -> None:
        try:
            report = service.reconcile_unresolved("system")
        except Exception:  # noqa: BLE001 - tried again when the lane is next used
            log.exception("start-up reconcile of lane %s failed; retried on its next charge", service.lane)
            with self._lock:
                self._services.pop(service.lane, None)
            return
        if report.unresolved or report.busy:
            log.warning("lane %s: %d unresolved / %d busy after start-up reconcile", service.lane,
                        len(report.unresolved), len(report.busy))

    def reconciled(self, lane: str, timeout: float | None = None) -> bool:
        self.service(lane)
        with self._lock:
            job = self._reconciles[lane]
        done, _ = wait_for([job], timeout)
        return bool(done)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # ---- charges -------------------------------------------------------------------------------------

    def _get(self, key: str) -> Attempt | None:
        try:
            return self.journal.get(key)
        except KeyError:
            return None

    def _start(self, key: str, work: Callable[[], Attempt | None]) -> Future:
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and not job.done():
                return job
            job = self._pool.submit(work)
            self._jobs[key] = job

        def finished(f: Future) -> None:
            with self._lock:
                if self._jobs.get(key) is f:
                    del self._jobs[key]
            if self._on_done is not None and not f.cancelled():
                exc = f.exception()
                self._on_done(key, None if exc else f.result(), exc)
        job.add_done_callback(finished)
        return job

    def start(self, request: ChargeRequest, wait: float) -> Outcome:
        """Charge a claimed key once (the caller claimed it: ``records.claim_charge``, and checked its
        fingerprint): its outcome within ``wait`` seconds, or "still working". Raises ``ChargeRefused``,
        ``NotReady``."""
        return self._outcome(request.key, request.lane, wait, start=lambda: self._charge_job(request))

    def outcome(self, key: str, lane: str, wait: float) -> Outcome | None:
        """The outcome of a claimed key's charge without its request: None when the key is not this lane's, or
        its attempt was never written and no charge for it runs here (then only the request itself may start
        it: ``charge``). Raises ``ChargeRefused`` for a key refused before."""
        claim = self.records.charge_key(key)
        if claim is None or claim.lane != lane:
            return None
        if claim.refusal_code is not None:
            raise ChargeRefused(claim.refusal_code, claim.refusal)
        with self._lock:
            running = key in self._jobs
        if not running and self._get(key) is None:
            return None
        return self._outcome(key, lane, wait, start=None)

    def _outcome(self, key: str, lane: str, wait: float, start: Callable[[], Attempt | None] | None) -> Outcome:
        with self._lock:
            job = self._jobs.get(key)
        if job is None:
            attempt = self._get(key)
            if attempt is None:
                if start is None:
                    return Outcome(False, None)
                job = self._start(key, start)
            elif attempt.state in _LOOKED_UP:
                job = self._start(key, lambda: self._resolve_job(key, lane))
            else:
                return Outcome(True, attempt)
        done, _ = wait_for([job], wait)
        if not done:
            return Outcome(False, self._get(key))
        try:
            attempt = job.result()
        except DuplicateAttempt as exc:  # another thread or server instance wrote it first
            attempt = exc.existing
            if attempt is not None and attempt.state in _LOOKED_UP:
                return Outcome(False, attempt)
        except LaneBusy as exc:
            if exc.blocking is not None and exc.blocking.id != key:
                message = str(exc)
                self.records.refuse_charge(key, "lane_busy", message)
                raise ChargeRefused("lane_busy", message, exc.blocking) from None
            return Outcome(False, self._get(key))  # our own attempt, being worked on elsewhere
        except LaneOwnershipLost as exc:
            return Outcome(True, exc.attempt or self._get(key))
        except (InvalidCharge, NotSignedIn) as exc:
            if self._get(key) is not None:
                raise
            self.records.refuse_charge(key, "invalid_charge", str(exc))
            raise ChargeRefused("invalid_charge", str(exc)) from None
        except ReconcileRequired:
            raise NotReady(NOT_READY.fill(lane)) from None
        if attempt is None:  # a look-up could not take the lane lock: someone else is working on it
            return Outcome(False, self._get(key))
        return Outcome(True, attempt)

    def _charge_job(self, r: ChargeRequest) -> Attempt:
        service = self.service(r.lane)
        self.reconciled(r.lane, READY_WAIT)  # a lane's first charge after a start waits for its reconcile a bit
        return service.charge(r.customer, r.account, r.amount, r.clerk, payment_token=r.payment_token, cvv=r.cvv,
                              ach_authorization=r.ach_authorization,
                              attempt_id=r.key)

    def _resolve_job(self, key: str, lane: str) -> Attempt | None:
        try:
            return self.service(lane).resolve(key, "system")
        except LaneBusy:
            return None

    def resolve(self, attempt_id: str, lane: str, clerk: str, wait: float) -> Outcome:
        """"Check again" for any of the lane's attempts: a look-up on a worker (never a re-send)."""
        attempt = self._get(attempt_id)
        if attempt is None:
            raise KeyError(attempt_id)
        if attempt.is_resolved:
            return Outcome(True, attempt)

        def work() -> Attempt | None:
            try:
                return self.service(attempt.lane).resolve(attempt_id, clerk)
            except LaneBusy:
                return None
        job = self._start(attempt_id, work)
        done, _ = wait_for([job], wait)
        if not done:
            return Outcome(False, self._get(attempt_id))
        result = job.result()
        return Outcome(result is not None, result or self._get(attempt_id))
