"""What a write of customer records does, decided once for every store (no I/O of its own).

A store reads what a decision needs through a ``Lookup`` bound to its open transaction and then writes the
resulting ``Batch`` in that same transaction, so the rules below are the same on SQLite and PostgreSQL:

- PaySimple customers (``plan_paysimple``): an id repeated in one input is written once (the last one wins); a
  known PaySimple id whose mirrored fields are all equal is left alone (a full compare, not a hash, so no
  collision can hide a change); a new PaySimple customer whose account number belongs to exactly one live
  customer, a local-only one, takes over that record (linked) instead of creating a twin.
- Imported customers (``plan_import``): the duplicate rules of ``customers.csv_import`` (account number, else
  folded first + last name with the same e-mail or phone; live customers only). Matching is against the store
  as it was before the batch: rows of one batch are not matched against each other (the import refuses such
  rows before they get here).
- A counter save (``plan_save``): PaySimple's answer for a given local id (linking a local-only record), else for
  the record holding its PaySimple id, else a new record. When the given record and the holder of the PaySimple
  id differ (a sync brought the customer in meanwhile), the holder keeps it (payments refer to it) and the given
  record is retired (marked deleted; its notes move over when the holder has none): one person, one record.
- Possible duplicates (``possible_duplicate_ids``): the same folded first and last name AND the same phone or
  e-mail, live customers only; PaySimple customers first (decision 0372).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from pos_app.customers import index
from pos_app.customers.models import CustomerRecord
from pos_app.customers.normalize import account_key, fold, phone_key
from pos_app.customers.rows import DATA_COLUMNS, DELETED, data_values
from pos_app.customers.store import ImportCounts, ImportRow, UpsertCounts

_FIRST, _MIDDLE, _LAST, _COMPANY = (DATA_COLUMNS.index(c) for c in ("first_name", "middle_name", "last_name",
                                                                    "company"))


@dataclass(slots=True)
class OldRow:
    """A stored record as a write sees it: local id, PaySimple id, data values (``rows.DATA_COLUMNS``) and its
    local notes."""

    id: int
    paysimple_id: int | None
    values: tuple
    notes: str | None = None

    def record(self) -> CustomerRecord:
        values = dict(zip(DATA_COLUMNS, self.values, strict=True))
        return CustomerRecord(paysimple_id=self.paysimple_id, **{**values, "deleted": bool(values["deleted"])})

    @property
    def deleted(self) -> bool:
        return bool(self.values[DELETED])

    @property
    def words(self) -> str:
        """The record's folded name words as the search index lays them out (``index.words_text``)."""
        v = self.values
        return index.words_text(v[_FIRST], v[_MIDDLE], v[_LAST], v[_COMPANY])

    def same_as(self, record: CustomerRecord) -> bool:
        """Nothing to write: the same PaySimple id and every mirrored field equal."""
        return self.paysimple_id == record.paysimple_id and self.values == data_values(record)


@dataclass
class Batch:
    """Writes for one transaction: new records (with their origin and notes) and changed existing ones
    (``notes`` of an update: None keeps the stored notes)."""

    inserts: list[tuple[CustomerRecord, str]] = field(default_factory=list)  # (record, origin)
    updates: list[tuple[OldRow, CustomerRecord]] = field(default_factory=list)
    insert_notes: list[str | None] = field(default_factory=list)  # per insert, when given
    update_notes: dict[int, str] = field(default_factory=dict)  # local id -> new notes

    def __len__(self) -> int:
        return len(self.inserts) + len(self.updates)


class Lookup(Protocol):
    """Reads inside the writing transaction."""

    def rows_by_id(self, ids: Sequence[int]) -> dict[int, OldRow]: ...

    def rows_by_paysimple_id(self, ids: Sequence[int]) -> dict[int, OldRow]: ...

    def live_ids_by_keys(self, keys: Sequence[str]) -> dict[str, list[int]]:
        """Local ids of the live (not deleted) records holding each tagged lookup key (``index``: ``=`` account,
        ``%`` e-mail, ``+`` phone digits); keys nobody holds are left out."""

    def has_local_only(self) -> bool:
        """Whether any live record has no PaySimple id."""


def match_keys(record: CustomerRecord) -> list[str]:
    """The tagged keys a record can be matched by: account, e-mails, phone numbers (``index.record_keys``
    without the reversed phone digits, which only the search uses)."""
    return [k for k in index.record_keys(record).split() if k[0] != index.REVERSED]


@dataclass
class PaySimplePlan:
    batch: Batch
    counts: UpsertCounts
    order: list[tuple[str, int]] | None  # ("i", n) n-th insert / ("u", n) n-th update / ("k", id) kept;
    # None: every record is inserted, in input order

    def finish(self, written: list[int]) -> UpsertCounts:
        """The counts with ``ids`` filled from the ids ``written`` (inserts, then updates)."""
        if self.order is None:
            self.counts.ids = written
            return self.counts
        inserted, updated = written[:len(self.batch.inserts)], written[len(self.batch.inserts):]
        self.counts.ids = [n if kind == "k" else inserted[n] if kind == "i" else updated[n] for kind, n in self.order]
        return self.counts


def plan_paysimple(records: Sequence[CustomerRecord], lookup: Lookup, origin: str = "paysimple",
                   pause: Callable[[], None] = lambda: None, pause_every: int = 256) -> PaySimplePlan:
    """Decide the writes of PaySimple customers (see the module doc). ``pause`` is called every ``pause_every``
    records (a store lets searches through there)."""
    if any(r.paysimple_id is None for r in records):
        raise ValueError("PaySimple customers need their PaySimple id")
    latest = {r.paysimple_id: r for r in records}  # an id repeated in one input: the last one wins
    if len(latest) != len(records):
        records = list(latest.values())
    counts = UpsertCounts()
    batch = Batch()
    existing = lookup.rows_by_paysimple_id(list(latest))
    twins = _local_twins(lookup, [r for r in records if r.paysimple_id not in existing])
    if not existing and not twins:  # all new (a first sync or a bulk load): no per-record decisions
        batch.inserts = [(record, origin) for record in records]
        counts.inserted = len(records)
        return PaySimplePlan(batch, counts, None)
    order: list[tuple[str, int]] = []
    linked: set[int] = set()
    for n, record in enumerate(records):
        if not n % pause_every:
            pause()
        old = existing.get(record.paysimple_id)
        if old is None:
            old = twins.get(account_key(record.customer_account))
            if old is not None and old.id not in linked:
                linked.add(old.id)
                counts.linked += 1
            else:
                old = None
        if old is None:
            order.append(("i", len(batch.inserts)))
            batch.inserts.append((record, origin))
            counts.inserted += 1
        elif old.same_as(record):
            order.append(("k", old.id))
            counts.unchanged += 1
        else:
            order.append(("u", len(batch.updates)))
            batch.updates.append((old, record))
            counts.updated += 1
    return PaySimplePlan(batch, counts, order)


def _local_twins(lookup: Lookup, records: Sequence[CustomerRecord]) -> dict[str, OldRow]:
    """Live local-only records that are the only holder of a new record's account number, by account key."""
    if not records or not lookup.has_local_only():  # no local-only customer at all (the usual case)
        return {}
    accounts = sorted({a for a in (account_key(r.customer_account) for r in records) if a})
    if not accounts:
        return {}
    holders = lookup.live_ids_by_keys([index.ACCOUNT + a for a in accounts])
    single = {ids[0]: key[1:] for key, ids in holders.items() if len(ids) == 1}
    if not single:
        return {}
    rows = lookup.rows_by_id(list(single))
    return {single[cid]: row for cid, row in rows.items() if row.paysimple_id is None and not row.deleted}


@dataclass
class ImportPlan:
    batch: Batch
    counts: ImportCounts


def person_keys(first: str, last: str, email: str | None, alt_email: str | None,
                phones: dict[str, str | None]) -> list[tuple[str, str]]:
    """(folded "first|last", tagged e-mail or phone key) pairs: the same person when one of them is shared."""
    name = f"{fold(first)}|{fold(last)}"
    keys = [(name, index.EMAIL + index.email_entry(e)) for e in (email, alt_email) if e]
    keys += [(name, index.PHONE + p) for k, p in phones.items() if k != "fax" and p]
    return keys


def _import_keys(record: CustomerRecord) -> tuple[str | None, list[str]]:
    """(account key, or the person's e-mail/phone keys in the order they are tried)."""
    account = account_key(record.customer_account)
    if account:
        return index.ACCOUNT + account, []
    phones = {"phone": phone_key(record.phone), "mobile_phone": phone_key(record.mobile_phone),
              "alt_phone": phone_key(record.alt_phone)}
    return None, [key for _, key in person_keys(record.first_name, record.last_name, record.email,
                                                record.alt_email, phones)]


def plan_import(rows: Sequence[ImportRow], lookup: Lookup) -> ImportPlan:
    """Decide the writes of one import batch (see the module doc): two reads for the whole batch."""
    wanted = [_import_keys(row.record) for row in rows]
    keys = sorted({k for account, person in wanted for k in ([account] if account else person)})
    holders = lookup.live_ids_by_keys(keys) if keys else {}
    stored = lookup.rows_by_id(sorted({cid for ids in holders.values() for cid in ids})) if holders else {}
    plan = ImportPlan(Batch(), ImportCounts())
    batch, counts = plan.batch, plan.counts
    for row, (account, person) in zip(rows, wanted, strict=True):
        match = _match(row.record, account, person, holders, stored)
        if match is None:
            batch.inserts.append((row.record, "import"))
            batch.insert_notes.append(row.notes)
            counts.imported += 1
        elif match.paysimple_id is not None:
            counts.already_in_paysimple += 1
        elif match.same_as(row.record):
            counts.unchanged += 1
        else:
            batch.updates.append((match, row.record))
            if row.notes:
                batch.update_notes[match.id] = row.notes
            counts.updated += 1
    return plan


def _match(record: CustomerRecord, account: str | None, person: list[str], holders: dict[str, list[int]],
           stored: dict[int, OldRow]) -> OldRow | None:
    """The existing record this row is: PaySimple customers before local-only ones, then the lowest id."""
    def best(candidates: list[OldRow]) -> OldRow | None:
        return min(candidates, key=lambda r: (r.paysimple_id is None, r.id)) if candidates else None

    if account:
        return best([stored[cid] for cid in holders.get(account, ()) if cid in stored])
    name = index.name_prefix(record.first_name, record.last_name)
    for key in person:
        found = best([row for cid in holders.get(key, ()) if (row := stored.get(cid)) is not None
                      and not row.deleted and row.words.startswith(name)])
        if found is not None:
            return found
    return None


def plan_save(record: CustomerRecord, local_id: int | None, lookup: Lookup,
              origin: str = "counter") -> tuple[Batch, int | None]:
    """Decide the write of PaySimple's answer to a counter create/edit (see the module doc): (the batch, the
    local id of the record that holds the answer, None for a new one; an empty batch when nothing changed). A
    ``local_id`` no record has any more falls back to the PaySimple id."""
    if record.paysimple_id is None:
        raise ValueError("a counter save writes PaySimple's answer: the record needs its PaySimple id")
    old = lookup.rows_by_id([local_id]).get(local_id) if local_id is not None else None
    holder = lookup.rows_by_paysimple_id([record.paysimple_id]).get(record.paysimple_id)
    if old is not None and holder is not None and holder.id != old.id:
        batch = Batch(updates=[(holder, record), (old, replace(old.record(), deleted=True))])
        if holder.notes is None and old.notes is not None:
            batch.update_notes[holder.id] = old.notes
        return batch, holder.id
    old = old or holder
    if old is None:
        return Batch(inserts=[(record, origin)]), None
    if old.same_as(record):
        return Batch(), old.id
    return Batch(updates=[(old, record)]), old.id


def possible_duplicate_ids(record: CustomerRecord, lookup: Lookup, exclude_id: int | None = None,
                           limit: int = 5) -> list[int]:
    """Local ids of the live customers who may be this (normalised) record (see the module doc)."""
    if not record.first_name or not record.last_name:
        return []
    keys = [index.PHONE + phone_key(record.phone)] if phone_key(record.phone) else []
    if record.email and index.email_entry(record.email):
        keys.append(index.EMAIL + index.email_entry(record.email))
    if not keys:
        return []
    ids = sorted({cid for held in lookup.live_ids_by_keys(keys).values() for cid in held} - {exclude_id})
    name = index.name_prefix(record.first_name, record.last_name)
    rows = [r for r in lookup.rows_by_id(ids).values() if not r.deleted and r.words.startswith(name)]
    rows.sort(key=lambda r: (r.paysimple_id is None, r.id))
    return [r.id for r in rows[:limit]]
