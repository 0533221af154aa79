"""Mirror PaySimple's customers into a customer store: paged, resumable, cancellable, change-only.

``sync(store, client, progress=None, cancel=None)`` pages through GET /customer (sorted by LastName, as
PaySimple defaults) into any ``store.CustomerStore`` (the counter's SQLite directory, or the store's
PostgreSQL records). Each page is ONE transaction together with the pass's progress (``sync_page``), so a
crash, a cancel or an error between pages leaves every applied page whole and nothing of the next. The next
call resumes the same pass after its last applied page.

Change-only: a listed customer whose mirrored fields are all equal to the stored row is not written at all
(compared field by field, LastModified included: stronger than a hash); ``SyncReport.updated`` counts the
rows really rewritten, and ``written_at`` of untouched rows does not move.

Deletions: PaySimple's list leaves soft-deleted customers out, so a customer is marked deleted when a
COMPLETE pass did not list it. The ids seen by the pass are kept by the store (committed with each page, so a
resumed pass remembers them). Paging by offset over a list that changes during the pass can skip a
row, so deletion marking also needs the pass to be consistent: ``TotalItems`` must be the same on every page
of the run (a resumed run included). If it moved, deletions are not marked this time (``deletions_skipped``
says why) and the next pass will do them; upserts are applied either way. A customer never wrongly leaves
the directory because of a shifting list.

A new PaySimple customer with the account number of exactly one local-only customer (imported from the old
POS) takes over that row instead of creating a twin (``SyncReport.linked``).

Progress: ``progress(done, total)`` after each page (customers listed so far in this pass, TotalItems).
Cancel: ``cancel`` is anything with ``is_set()`` (a ``threading.Event``), checked before each page request;
the run is left ``cancelled`` and resumes on the next call. Errors from the client (after its own bounded
retries for GET) leave the run ``failed`` and are re-raised; the next call resumes. One sync at a time per
store object in this process; a second concurrent call raises ``SyncAlreadyRunning``.

Unsafe characters: PaySimple's data cannot be refused, so a listed customer whose fields hold control, bidi
or other invisible format characters is stored neutralised (each such character replaced by U+FFFD, see
``normalize.neutralised_record``; docs/decisions/0141); ``SyncReport.neutralised`` counts those customers and
the log says how many, with their PaySimple ids and field names (never the text itself). Neutralising is
deterministic, so the next sync finds them unchanged.

Bulk: the pass runs inside ``store.bulk()``: a page inserting many new customers may be indexed for search
later in one pass (``directory`` module doc); at the end of every call (complete, cancelled or failed) all
written customers are searchable.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pos_app.customers.models import CustomerRecord
from pos_app.customers.normalize import neutralised_record
from pos_app.customers.store import CustomerStore
from pos_app.i18n_keys import N_

log = logging.getLogger(__name__)

PAGE_SIZE = 200

_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


class CancelToken(Protocol):
    def is_set(self) -> bool: ...


SYNC_RUNNING = N_("CustomerSync", "A customer sync is already running for this customer list.")


class SyncAlreadyRunning(RuntimeError):
    """A second sync of the same customer list while one runs (``str()``: ``SYNC_RUNNING``)."""


@dataclass
class SyncReport:
    run_id: int
    complete: bool = False
    cancelled: bool = False
    resumed_from_page: int | None = None  # the page this call started at, when it resumed a run
    pages: int = 0  # pages applied by this call
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    deleted: int = 0
    total_items: int | None = None
    deletions_skipped: str | None = None
    neutralised: int = 0  # customers stored with unsafe characters replaced (see the module doc)


def _lock_for(store: CustomerStore) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(id(store), threading.Lock())


def sync(store: CustomerStore, client, progress: Callable[[int, int], None] | None = None,
         cancel: CancelToken | None = None, page_size: int = PAGE_SIZE) -> SyncReport:
    lock = _lock_for(store)
    if not lock.acquire(blocking=False):
        raise SyncAlreadyRunning(SYNC_RUNNING)
    try:
        with store.bulk():
            return _sync(store, client, progress, cancel, page_size)
    finally:
        lock.release()


class EndlessPaging(RuntimeError):
    """The customer list kept going past the total its first page announced (plus one page)."""


def _sync(store: CustomerStore, client, progress, cancel, page_size: int) -> SyncReport:
    run = store.sync_start(page_size)
    page_no, expected_total = run.next_page, run.total_items
    report = SyncReport(run.run_id, resumed_from_page=page_no if run.resumed else None)
    report.total_items = expected_total
    first_total = expected_total  # the bound on pages: what the first page of this run announced (+1 page)
    while True:
        if cancel is not None and cancel.is_set():
            store.sync_stop(run.run_id, "cancelled")
            report.cancelled = True
            log.info("customer sync run %s cancelled before page %s", run.run_id, page_no)
            return report
        try:
            page = client.list_customers(page=page_no, page_size=page_size)
        except Exception as exc:
            store.sync_stop(run.run_id, "failed", f"{type(exc).__name__}: {exc}"[:500])
            log.warning("customer sync run %s stopped at page %s: %s", run.run_id, page_no, type(exc).__name__)
            raise
        records = _neutralised([CustomerRecord.from_paysimple(c) for c in page.items], report, page_no)
        counts = store.sync_page(run.run_id, page_no, records, page.total_items)
        expected_total = page.total_items
        report.total_items = page.total_items
        report.pages += 1
        report.inserted += counts.inserted
        report.updated += counts.updated
        report.unchanged += counts.unchanged
        report.linked += counts.linked
        if progress is not None:
            progress(min((page_no - 1) * page_size + len(page.items), page.total_items), page.total_items)
        if not page.items or page_no >= page.total_pages:
            break
        first_total = page.total_items if first_total is None else first_total
        if page_no >= -(-first_total // page_size) + 1:
            # PaySimple announced fewer pages than it keeps sending (a broken or hostile reply): stop rather
            # than loop; the run is recorded as failed and the next sync resumes it.
            message = (f"PaySimple kept announcing more customers than the {first_total} it announced at the "
                       f"start (page {page_no}); the sync stopped. Try again later.")
            store.sync_stop(run.run_id, "failed", message)
            raise EndlessPaging(message)
        page_no += 1
    end = store.sync_complete(run.run_id)
    report.deleted, report.deletions_skipped, report.complete = end.deleted, end.deletions_skipped, True
    log.info("customer sync run %s complete: %s new, %s changed, %s unchanged, %s deleted, %s neutralised",
             run.run_id, report.inserted, report.updated, report.unchanged, report.deleted, report.neutralised)
    return report


def _neutralised(records: list[CustomerRecord], report: SyncReport, page_no: int) -> list[CustomerRecord]:
    out, touched = [], []
    for record in records:
        safe, changed = neutralised_record(record)
        if changed:
            touched.append(f"{record.paysimple_id}:{'+'.join(changed)}")
        out.append(safe)
    if touched:
        report.neutralised += len(touched)
        log.warning("customer sync page %s: %s customers from PaySimple hold control or invisible formatting "
                    "characters; stored with them replaced by U+FFFD (PaySimple id:fields %s)",
                    page_no, len(touched), ", ".join(touched[:20]) + (" ..." if len(touched) > 20 else ""))
    return out
