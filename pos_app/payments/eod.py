"""End of day: counts and totals from the journal, reconciled against PaySimple's payment list.

Decisions:
- "The day" is a calendar day in the store's time zone (settings ``store_timezone``; "" = local zone):
  attempts created in [00:00, next 00:00) local time; voids/refunds counted on the day they finished.
- The gateway is asked for every payment from day−1 .. day+1 (``Gateway.payments``; PaySimple's date-only
  filters' zone is undocumented [?]); a payment belongs to the day by its ``created_at`` (PaySimple's CreatedOn,
  else PaymentDate).
- Matching is by OrderId (= attempt id). Mismatch kinds:
    paysimple_only  a PaySimple payment of the day that no journal attempt explains (foreign or no OrderId);
    journal_only    the journal says PaySimple has it (approved/declined/voided/refunded), PaySimple does not;
    amount          same OrderId, different amount;
    status          journal state and PaySimple status disagree (e.g. journal absent, PaySimple Authorized);
    duplicate       more than one PaySimple payment with one OrderId (a double charge);
    review          the attempt still needs review (an answer that was not for it, or PaySimple's records
                    conflict with it): a manager must check it (``PaymentService.close_review``);
    unresolved      the attempt is still created/sending/unknown/reconciling or a void/refund is pending.
- ``reviews`` lists every attempt that went to ``needs_review`` during the day (by the time it did), with the
  reason and where it stands now, also when a later look-up settled it: an answer for another payment means
  something between the counter and PaySimple misbehaved, which a manager should know about.
  Refund credits (the new payment /reverse creates: negative amount, the original's OrderId, ReferenceId =
  the original) are matched to the refunded attempt, never counted as a charge.
- With a lane filter, PaySimple-only payments are listed when their OrderId carries that lane; with a clerk
  filter they are not listed (PaySimple does not know our clerks).
- Totals (docs/decisions/0352): ``gross`` = every charge of the day PaySimple took (approved, voided or
  refunded later, pending reversals; a bank debit's "posted" counts), ``voids`` / ``refunds`` = reversals
  finished during the day (of the original amount), ``net = gross − voids − refunds``, each with its count.
  The same four are split by method (``by_method``: "card" / "bank") and by card brand (``by_brand``:
  "Visa", "Mastercard", "American Express", "Discover" as ``brands.brand_name`` writes them); a split's
  parts add up to the totals.
- The report names the store's zone by its IANA name (``timezone``: "America/Denver"), never "localtime":
  an empty setting is the computer's zone, resolved to its name (``receipts.zone_name``).
- The CSV is opened in spreadsheets: every text cell goes through ``text_safety.spreadsheet_cell`` (control and
  bidi characters → U+FFFD; a cell starting with = + - @ TAB or CR gets a leading '), numbers stay numbers.
  Clerk ids, PaySimple statuses, OrderIds and details can come from outside (docs/decisions/0142).
- Amounts in mismatch details (read by people, on screen and in the PDF) are in the store's money format
  (``pos_app.money``); the CSV's amount column is machine format (``money.plain``: ``1234.50``), whatever
  the store's format, so spreadsheets and scripts read it the same in every store.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path

from pos_app import money
from pos_app.i18n_keys import N_
from pos_app.payments import ids
from pos_app.payments.brands import brand_name
from pos_app.payments.gateway import CHARGED, Gateway, GatewayPayment
from pos_app.payments.gateway import PaymentStatus as PS
from pos_app.payments.lookup import payment_cents
from pos_app.payments.model import (
    OPEN_STATES,
    PENDING_REVERSAL_STATES,
    STATE_NAMES,
    Attempt,
    State,
    from_cents,
)
from pos_app.payments.receipts import store_timezone, zone_name
from pos_app.payments.store import JournalStore
from pos_app.private_files import write_user_file
from pos_app.text_safety import spreadsheet_cell

# Why a payment does not reconcile (shown on the report, translated: ``pos_app.i18n_keys``).
LIST_UNREADABLE = N_("EndOfDay", "Could not read PaySimple's payment list: %1")
REVIEW_NOTE = N_("EndOfDay", "needs review: %1")
MANAGER_MUST_CHECK = N_("EndOfDay", "a manager must check it")
JOURNAL_STATE = N_("EndOfDay", "journal state %1")
SAME_ORDER = N_("EndOfDay", "%1 PaySimple payments carry this OrderId: %2")
ONLY_IN_JOURNAL = N_("EndOfDay", "journal %1 but PaySimple has no payment with this OrderId")
NOT_CHARGED_BUT = N_("EndOfDay", "journal %1 (not charged) but PaySimple has %2")
AMOUNTS_DIFFER = N_("EndOfDay", "journal %1 vs PaySimple %2")
STATES_DIFFER = N_("EndOfDay", "journal %1 vs PaySimple %2 (status)")
NO_REFUND_CREDIT = N_("EndOfDay", "journal refunded but PaySimple shows no refund credit")
UNEXPECTED_CREDIT = N_("EndOfDay", "PaySimple has a refund credit but the journal says %1")
ONLY_AT_PAYSIMPLE = N_("EndOfDay", "PaySimple %1 %2 for customer %3 with OrderId %4 is not in the journal")


class _SafeWriter:
    """csv.writer whose rows are spreadsheet-safe cell by cell."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: list) -> None:
        self._writer.writerow([spreadsheet_cell(cell) for cell in row])

S = State
EXPECTED_STATUS = {
    S.APPROVED: CHARGED,
    S.DECLINED: {PS.FAILED},
    S.VOIDED: {PS.VOIDED},
    S.REFUNDED: {PS.REVERSED},
    S.VOID_PENDING: {PS.AUTHORIZED, PS.POSTED, PS.VOIDED},
    S.REFUND_PENDING: {PS.SETTLED, PS.REVERSED},
}
SALE_STATES = {S.APPROVED, S.VOIDED, S.REFUNDED, S.VOID_PENDING, S.REFUND_PENDING}  # PaySimple took it
METHODS = ("card", "bank")


@dataclass
class Bucket:
    count: int = 0
    cents: int = 0

    def add(self, cents: int) -> None:
        self.count += 1
        self.cents += cents

    @property
    def total(self) -> Decimal:
        return from_cents(self.cents) if self.cents else Decimal("0.00")


@dataclass
class Totals:
    """Gross, voids, refunds (count + cents each) and net = gross − voids − refunds."""

    gross: Bucket = field(default_factory=Bucket)
    voids: Bucket = field(default_factory=Bucket)
    refunds: Bucket = field(default_factory=Bucket)

    @property
    def net_cents(self) -> int:
        return self.gross.cents - self.voids.cents - self.refunds.cents

    @property
    def net(self) -> Decimal:
        return from_cents(self.net_cents) if self.net_cents else Decimal("0.00")


def method_of(attempt: Attempt) -> str:
    """"card" or "bank" (ACH)."""
    return "bank" if attempt.is_bank else "card"


@dataclass(frozen=True)
class Mismatch:
    kind: str
    attempt_id: str | None
    payment_id: int | None
    detail: str


@dataclass(frozen=True)
class Review:
    attempt_id: str
    at: datetime
    reason: str  # why it needed review (the transition's cause)
    state: str  # where the attempt stands now
    amount: Decimal
    customer_name: str
    lane: str
    clerk: str


@dataclass
class EodReport:
    day: date
    timezone: str
    lane: str | None
    clerk: str | None
    by_status: dict[str, Bucket] = field(default_factory=lambda: defaultdict(Bucket))
    by_lane: dict[str, dict[str, Bucket]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Bucket)))
    by_clerk: dict[str, dict[str, Bucket]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Bucket)))
    totals: Totals = field(default_factory=Totals)
    by_method: dict[str, Totals] = field(default_factory=lambda: {m: Totals() for m in METHODS})
    by_brand: dict[str, Totals] = field(default_factory=lambda: defaultdict(Totals))  # cards only
    mismatches: list[Mismatch] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    paysimple_payments: int = 0
    paysimple_error: str | None = None

    @property
    def gross(self) -> Bucket:
        return self.totals.gross

    @property
    def voids(self) -> Bucket:
        return self.totals.voids

    @property
    def refunds(self) -> Bucket:
        return self.totals.refunds

    @property
    def net(self) -> Decimal:
        return self.totals.net

    def _add(self, part: str, attempt: Attempt) -> None:
        """Count ``attempt`` in ``part`` (gross / voids / refunds) of the totals and its splits."""
        groups = [self.totals, self.by_method[method_of(attempt)]]
        if not attempt.is_bank:
            groups.append(self.by_brand[brand_name(attempt.account_brand)])
        for totals in groups:
            getattr(totals, part).add(attempt.amount_cents)

    @property
    def reconciled(self) -> bool:
        return self.paysimple_error is None and not self.mismatches

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = _SafeWriter(out)
        writer.writerow(["section", "group", "key", "status", "count", "amount", "attempt_id", "payment_id",
                         "detail"])
        writer.writerow(["header", "day", self.day.isoformat(), "", "", "", "", "",
                         f"timezone={self.timezone} lane={self.lane or 'all'} clerk={self.clerk or 'all'}"])
        for status, bucket in sorted(self.by_status.items()):
            writer.writerow(["total", "status", "", status, bucket.count, money.plain(bucket.total), "", "",
                             ""])
        for group, table in (("lane", self.by_lane), ("clerk", self.by_clerk)):
            for key, statuses in sorted(table.items()):
                for status, bucket in sorted(statuses.items()):
                    writer.writerow(["total", group, key, status, bucket.count, money.plain(bucket.total), "", "",
                                     ""])
        splits = [("", "", self.totals)] + [("method", m, t) for m, t in self.by_method.items()] + [
            ("brand", b, t) for b, t in sorted(self.by_brand.items())]
        for group, key, totals in splits:
            prefix = f"{group}:" if group else ""
            for name in ("gross", "voids", "refunds"):
                bucket = getattr(totals, name)
                writer.writerow(["total", prefix + name, key, "", bucket.count, money.plain(bucket.total), "", "",
                                 ""])
            writer.writerow(["total", prefix + "net", key, "", "", money.plain(totals.net), "", "", ""])
        writer.writerow(["reconcile", "paysimple", "", "ok" if self.reconciled else "MISMATCH",
                         self.paysimple_payments, "", "", "", self.paysimple_error or ""])
        for m in self.mismatches:
            writer.writerow(["mismatch", m.kind, "", "", "", "", m.attempt_id or "", m.payment_id or "", m.detail])
        for r in self.reviews:
            writer.writerow(["review", r.lane, r.clerk, r.state, "", r.amount, r.attempt_id, "",
                             f"{r.at.isoformat()} {r.reason}"])
        return out.getvalue()

    def to_csv(self, path: str | Path) -> Path:
        """``csv_text`` saved as ``path`` (UTF-8) where the manager chose: 0600, whole or not at all, the folder
        left as it is (``private_files.write_user_file``). Blocks on the disk: call it on a worker."""
        return write_user_file(path, self.csv_text().encode("utf-8"))


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return start, end


def _fetch_payments(gateway: Gateway, day: date, page_size: int) -> list[GatewayPayment]:
    """Every payment of day−1 .. day+1 (the gateway walks the pages)."""
    return list(gateway.payments(day - timedelta(days=1), day + timedelta(days=1), page_size=page_size))


def end_of_day(journal: JournalStore, gateway: Gateway, day: date, lane: str | None = None,
               clerk: str | None = None,
               tz: tzinfo | str | None = None, page_size: int = 200) -> EodReport:
    tz = store_timezone(tz) if tz is None or isinstance(tz, str) else tz
    start, end = day_bounds(day, tz)
    report = EodReport(day=day, timezone=zone_name(tz), lane=lane, clerk=clerk)
    attempts = journal.history(lane=lane, clerk=clerk, since=start, until=end, limit=None)
    for a in attempts:
        for bucket in (report.by_status[a.state.value], report.by_lane[a.lane][a.state.value],
                       report.by_clerk[a.clerk][a.state.value]):
            bucket.add(a.amount_cents)
        if a.state in SALE_STATES:
            report._add("gross", a)
    for t in journal.entered(S.REVIEW, since=start, until=end):
        a = journal.get(t.attempt_id)
        if (lane and a.lane != lane) or (clerk and a.clerk != str(clerk)):
            continue
        report.reviews.append(Review(a.id, t.at, t.cause, a.state.value, a.amount, a.customer_name, a.lane,
                                     a.clerk))
    for row in journal.reversals(since=start, until=end):
        original = journal.get(row.attempt_id)
        if (lane and original.lane != lane) or (clerk and original.clerk != str(clerk)):
            continue
        if row.outcome == "voided":
            report._add("voids", original)
        elif row.outcome == "refunded":
            report._add("refunds", original)

    try:
        payments = _fetch_payments(gateway, day, page_size)
    except Exception as exc:  # noqa: BLE001 - the report is still useful; say reconcile failed
        report.paysimple_error = LIST_UNREADABLE.fill(f"{type(exc).__name__}: {exc}")
        return report
    report.mismatches = _reconcile(journal, attempts, payments, start, end, lane, clerk)
    report.paysimple_payments = sum(1 for p in payments if _in_window(p, start, end))
    return report


def _in_window(payment: GatewayPayment, start: datetime, end: datetime) -> bool:
    when = payment.created_at
    return when is None or start <= when < end


def _reconcile(journal: JournalStore, attempts: list[Attempt], payments: list[GatewayPayment], start: datetime,
               end: datetime, lane: str | None, clerk: str | None) -> list[Mismatch]:
    mismatches: list[Mismatch] = []
    by_order: dict[str, list] = defaultdict(list)
    credits: dict[str, list] = defaultdict(list)  # refund credits: negative amount, the original's OrderId
    for p in payments:
        if p.order_id:
            (credits if p.amount < 0 else by_order)[p.order_id].append(p)
    refund_ids = {a.refund_payment_id for a in attempts if a.refund_payment_id}
    refund_ids |= {p.id for group in credits.values() for p in group}
    known_payment_ids = {a.payment_id for a in attempts if a.payment_id}

    for a in attempts:
        found = [p for p in by_order.get(a.id, []) if p.id not in refund_ids]
        if a.state is S.REVIEW:
            mismatches.append(Mismatch("review", a.id, a.payment_id,
                                       REVIEW_NOTE.fill(a.note or MANAGER_MUST_CHECK)))
            continue
        if a.state in OPEN_STATES or a.state in PENDING_REVERSAL_STATES:
            mismatches.append(Mismatch("unresolved", a.id, a.payment_id, JOURNAL_STATE.fill(STATE_NAMES[a.state])))
            continue
        if len(found) > 1:
            mismatches.append(Mismatch("duplicate", a.id, found[0].id,
                                       SAME_ORDER.fill(len(found), ", ".join(str(p.id) for p in found))))
            continue
        expected = EXPECTED_STATUS.get(a.state)
        if not found:
            if expected:
                mismatches.append(Mismatch("journal_only", a.id, a.payment_id,
                                           ONLY_IN_JOURNAL.fill(STATE_NAMES[a.state])))
            continue
        p = found[0]
        if not expected:
            mismatches.append(Mismatch("status", a.id, p.id,
                                       NOT_CHARGED_BUT.fill(STATE_NAMES[a.state], p.status_text)))
            continue
        if payment_cents(p) != a.amount_cents:
            mismatches.append(Mismatch("amount", a.id, p.id,
                                       AMOUNTS_DIFFER.fill(_shown(a.amount), _shown(p.amount))))
        if p.status not in expected:
            mismatches.append(Mismatch("status", a.id, p.id,
                                       STATES_DIFFER.fill(STATE_NAMES[a.state], p.status_text)))
        if a.state is S.REFUNDED and not credits.get(a.id) and not any(
                q.id == a.refund_payment_id for q in payments):
            mismatches.append(Mismatch("status", a.id, a.refund_payment_id,
                                       NO_REFUND_CREDIT))
        if a.state is not S.REFUNDED and credits.get(a.id):
            mismatches.append(Mismatch("status", a.id, credits[a.id][0].id,
                                       UNEXPECTED_CREDIT.fill(STATE_NAMES[a.state])))

    ours = {a.id for a in attempts}
    for p in payments:
        order_id = p.order_id
        if order_id in ours or p.id in refund_ids or not _in_window(p, start, end):
            continue
        reference = p.reference_id
        if reference and (reference in known_payment_ids or journal.by_payment_id(reference)):
            continue  # a refund credit of one of our payments
        if order_id and _journal_has(journal, order_id):
            continue  # ours, but from another day or outside the lane/clerk filter
        if journal.by_payment_id(p.id):
            continue  # a refund credit recorded on an attempt of another day
        if clerk is not None:
            continue
        if lane is not None and ids.lane_of(order_id) != lane:
            continue
        mismatches.append(Mismatch("paysimple_only", order_id, p.id,
                                   ONLY_AT_PAYSIMPLE.fill(p.status_text, _shown(p.amount),
                                                          p.customer_id if p.customer_id is not None else "?",
                                                          order_id or "-")))
    return mismatches


def _shown(amount) -> str:
    """An amount for a person: the store's money format; PaySimple's own text if it is not whole cents."""
    try:
        return money.format_money(amount)
    except (TypeError, ValueError):
        return str(amount)


def _journal_has(journal: JournalStore, attempt_id: str) -> bool:
    try:
        journal.get(attempt_id)
        return True
    except KeyError:
        return False
