"""Add a local-only customer (imported from another POS) to PaySimple: recorded before it is sent and looked up
before it is ever sent again, so one directory row never makes two PaySimple customers (decision 0370).

PaySimple's POST /customer takes no idempotency key, and its customer list has no filter by name or date. So:
1. The record is checked first (``counter.checked``: PaySimple's rules, and the counter's for what the clerk
   changed). A refused field raises ``CustomerValidationError``; nothing is recorded or sent.
2. An open add of the row (an earlier try whose answer was lost, or a process that died while sending) is
   looked up first (:func:`look_up`): PaySimple's customer list, every page, for customers created since that
   try began (``CreatedOn`` ≥ started − ``CLOCK_SKEW``) with the same folded first and last name and the same
   e-mail, phone and account number as were sent (empty = empty). One found: it is linked, nothing is sent.
   More than one: ``AddAmbiguous`` (nothing sent; a person decides in PaySimple). None: the earlier try counts
   as "not created" only when the look-up began ``IN_FLIGHT_WINDOW`` or more after that try's POST ended (a
   request PaySimple had not processed yet could still land); before that ``AddNotConfirmed(check_after)``
   and nothing is sent.
3. The new try is recorded in ``paysimple_adds`` (start time, what is sent) and committed with
   ``synchronous=FULL`` before the POST. At most one open add per row (a unique partial index): a second add of
   the same row while one is being sent raises ``AddInProgress``.
4. POST /customer. A refusal PaySimple itself answered (``paysimple_answered``: 400 with field messages, 401)
   or a request that never left (``may_have_taken_effect`` False) closes the add ('refused' / 'not_sent') and
   is raised: nothing was created, the clerk may fix it and try again. An answer that may have been lost
   (``may_have_taken_effect``) leaves the add open with its end time, and it is looked up at once (step 2).
5. The created (or found) customer is written into the same directory row (``counter.write_local``), and the
   add closed in that transaction; the local id the counter holds stays valid. A directory write that fails
   raises ``LocalWriteDeferred`` and leaves the add open, so the next try finds the customer and links it.

Times come from ``now`` (tz-aware; in training the gateway's clock, so tests can move past the window). The
look-up reads every page (``LOOKUP_PAGE_SIZE`` customers each, each request within the client's deadline),
reports ``progress(done, total)`` after each page and checks ``cancelled()`` before each; a cancelled or failed
look-up raises ``AddNotConfirmed`` (check again at once) and sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pos_app.customers.counter import checked, write_local
from pos_app.customers.models import CustomerRecord, StoredCustomer
from pos_app.customers.normalize import account_key, email_key, fold, phone_key
from pos_app.customers.store import AddClosed, CustomerStore, OpenAdd
from pos_app.paysimple.errors import PaySimpleError, ResponseFormatError

log = logging.getLogger(__name__)

IN_FLIGHT_WINDOW = timedelta(seconds=120)
POST_DEADLINE = timedelta(seconds=60)  # an add whose POST never recorded its end: taken as started + this
CLOCK_SKEW = timedelta(minutes=10)  # PaySimple's CreatedOn against our clock
LOOKUP_PAGE_SIZE = 1000


def _utc_now() -> datetime:
    return datetime.now(UTC)


def settles_at(pending: OpenAdd) -> datetime:
    """From then on a look-up that finds nothing proves the add created nothing."""
    return (pending.ended_at or pending.started_at + POST_DEADLINE) + IN_FLIGHT_WINDOW


@dataclass(frozen=True)
class Added:
    """``how``: "created" (PaySimple answered the POST), "found" (an earlier try's customer, found by the
    look-up and linked: nothing was sent again) or "already" (the row was in PaySimple before)."""

    customer: StoredCustomer
    how: str


class AddNotConfirmed(RuntimeError):
    """PaySimple may have the customer, and it could not be shown yet that it does or does not: nothing more
    was sent. Try again from ``check_after`` (a look-up runs first)."""

    def __init__(self, check_after: datetime, reason: str = "") -> None:
        self.check_after = check_after
        super().__init__(reason or f"PaySimple did not confirm the add; check again after {check_after:%H:%M:%S %Z}")


class AddAmbiguous(RuntimeError):
    """More than one PaySimple customer matches what an earlier try sent: nothing was sent or linked."""

    def __init__(self, paysimple_ids: list[int]) -> None:
        self.paysimple_ids = paysimple_ids
        super().__init__("PaySimple has more than one matching customer created since the first try: "
                         + ", ".join(f"#{i}" for i in paysimple_ids))


def add_to_paysimple(store: CustomerStore, client, local_id: int, record: CustomerRecord | None = None, *,
                     now: Callable[[], datetime] = _utc_now,
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] = lambda: False) -> Added:
    """Create the local-only customer ``local_id`` in PaySimple (``record``: the clerk's edit of it, else the
    stored record) and link it; see the module doc for every outcome. Blocks: run on a worker."""
    stored = store.get(local_id)
    if stored is None:
        raise KeyError(f"No customer with local id {local_id}")
    if not stored.local_only:
        return Added(stored, "already")
    record = checked(record if record is not None else stored.record, stored.record)
    pending = store.open_add(local_id)
    if pending is not None:
        found = _settle(store, client, pending, now, progress, cancelled)
        if found is not None:
            return found
    add_id = store.begin_add(local_id, record, now())
    try:
        created = client.create_customer(record.to_input())
    except PaySimpleError as exc:
        if not exc.may_have_taken_effect:
            _close(store, add_id, "refused" if exc.paysimple_answered else "not_sent", now())
            raise
        log.warning("add of customer %s to PaySimple not confirmed (%s); looking it up", local_id,
                    type(exc).__name__)
        store.add_sent(add_id, now())
        pending = store.open_add(local_id)
        assert pending is not None
        found = _settle(store, client, pending, now, progress, cancelled)
        if found is None:  # only when the clock jumped past the window meanwhile: proven not created
            raise AddNotConfirmed(now(), "PaySimple did not create the customer; nothing was added. Try again.") \
                from exc
        return found
    log.info("local-only customer %s created in PaySimple as %s", local_id, created.id)
    stored = write_local(store, created, local_id, closes=AddClosed(add_id, "created", now()))
    return Added(stored, "created")


def look_up(client, pending: OpenAdd, progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] = lambda: False) -> list:
    """PaySimple customers that are what ``pending`` sent (see the module doc), read from every page."""
    since = pending.started_at - CLOCK_SKEW
    want = (fold(pending.first_name), fold(pending.last_name), email_key(pending.email), phone_key(pending.phone),
            account_key(pending.customer_account))
    found, number, done, last_allowed = [], 1, 0, None
    while True:
        if cancelled():
            raise AddNotConfirmed(since + CLOCK_SKEW, "The check in PaySimple was stopped; nothing was sent.")
        page = client.list_customers(page=number, page_size=LOOKUP_PAGE_SIZE)
        for c in page.items:
            if (fold(c.first_name), fold(c.last_name), email_key(c.email), phone_key(c.phone),
                    account_key(c.customer_account)) == want and (c.created_on is None or c.created_on >= since):
                found.append(c)
        done += len(page.items)
        if progress is not None:
            progress(done, page.total_items or done)
        if last_allowed is None:
            last_allowed = page.total_pages + 1
        if not page.items or number >= page.total_pages:
            return found
        if number >= last_allowed:
            raise ResponseFormatError("PaySimple's customer list kept announcing more pages than its first page "
                                      "did; the look-up is incomplete.", method="GET", path="/customer")
        number += 1


def _settle(store: CustomerStore, client, pending: OpenAdd, now, progress, cancelled) -> Added | None:
    """Look the open add up: linked (Added "found"), or proven not created (closed 'absent', None), or raise."""
    began = now()
    try:
        matches = look_up(client, pending, progress, cancelled)
    except PaySimpleError as exc:
        log.warning("look-up of customer %s's add failed: %s", pending.customer_id, type(exc).__name__)
        raise AddNotConfirmed(began, "PaySimple could not be asked whether it has this customer; nothing was "
                                     "sent. Try again.") from exc
    if len(matches) > 1:
        raise AddAmbiguous(sorted(c.id for c in matches))
    if matches:
        customer = matches[0]
        log.info("customer %s's earlier add found in PaySimple as %s; linked", pending.customer_id, customer.id)
        stored = write_local(store, customer, pending.customer_id, closes=AddClosed(pending.id, "found", now()))
        return Added(stored, "found")
    if began < settles_at(pending):
        raise AddNotConfirmed(settles_at(pending))
    _close(store, pending.id, "absent", now())
    log.info("customer %s's earlier add is not in PaySimple (checked after the in-flight window)",
             pending.customer_id)
    return None


def _close(store: CustomerStore, add_id: int, outcome: str, at: datetime) -> None:
    """Close an add that created nothing; a failure only leaves it open (the next try looks it up first)."""
    try:
        store.close_add(add_id, outcome, at)
    except Exception:  # noqa: BLE001 - the outcome the caller raises matters more; an open add is safe
        log.exception("could not close add %s as %s", add_id, outcome)
