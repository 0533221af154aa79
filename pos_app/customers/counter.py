"""Create and edit a customer at the counter: validated like PaySimple, written to PaySimple first.

Order of writes (so a failure never leaves half a customer):
1. Normalise what the clerk typed (phones to digits, a leading country code 1 dropped; text trimmed) and
   check it with PaySimple's own rules (``pos_app.paysimple.rules.validate_customer``). Problems raise
   ``CustomerValidationError`` with one clear message per field; nothing is sent, nothing is written.
2. Send it to PaySimple (POST /customer, or PUT /customer built on a fresh GET so fields we do not mirror
   — website, notes, shipping address — are kept). Any PaySimple error (400 with field messages, 404 when the
   customer was deleted meanwhile, ...) propagates unchanged and the directory is untouched.
   A ``TransportError`` with ``may_have_taken_effect`` means PaySimple may have created/changed the customer:
   the caller must NOT blindly retry a create (it could make a twin); a sync (or a search after it) shows
   what PaySimple has.
3. Write PaySimple's answer to the directory (neutralised like a sync would: ``normalize.neutralised_record``). If that local write fails (disk full, database locked for
   longer than the busy timeout), it is retried ``LOCAL_ATTEMPTS`` times; if it still fails,
   ``LocalWriteDeferred`` is raised carrying the saved PaySimple customer: PaySimple is right, the
   directory is only behind, and the next sync brings the row in (it compares every field).

Editing an imported (local-only) customer creates it in PaySimple and links that PaySimple id to the same
local row, so the local id the UI holds stays valid.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import fields, replace

from pos_app.customers.directory import Batch, Directory
from pos_app.customers.models import CustomerRecord, StoredCustomer
from pos_app.customers.normalize import neutralised_record, phone_key
from pos_app.paysimple.errors import FieldMessage
from pos_app.paysimple.rules import validate_customer
from pos_app.storage_errors import StorageError

log = logging.getLogger(__name__)

LOCAL_ATTEMPTS = 3
_PHONES = ("phone", "alt_phone", "mobile_phone", "fax")


class CustomerValidationError(ValueError):
    def __init__(self, messages: list[FieldMessage]) -> None:
        self.messages = messages
        super().__init__(" ".join(m.message for m in messages))

    def by_field(self) -> dict[str, str]:
        """PascalCase field name → message (the first one per field), for showing next to each input."""
        out: dict[str, str] = {}
        for m in self.messages:
            out.setdefault(m.field, m.message)
        return out


class LocalWriteDeferred(RuntimeError):
    """Saved in PaySimple, but the directory could not be written; the next sync will bring it in."""

    def __init__(self, customer, cause: Exception) -> None:
        self.customer = customer
        super().__init__(f"Saved in PaySimple (customer #{customer.id}), but this computer's customer list "
                         f"could not be updated ({type(cause).__name__}). It will appear after the next sync.")


def normalised(record: CustomerRecord) -> CustomerRecord:
    """Trimmed text (empty → None) and digit-only phones, as PaySimple wants them."""
    changes = {}
    for f in fields(CustomerRecord):
        value = getattr(record, f.name)
        if isinstance(value, str):
            value = value.strip() or None
            if f.name in _PHONES and value and any(ch.isdigit() for ch in value):
                value = phone_key(value)
            if f.name in ("state_code", "country") and value and len(value) == 2:
                value = value.upper()
            changes[f.name] = value
    changes["first_name"] = changes.get("first_name") or ""
    changes["last_name"] = changes.get("last_name") or ""
    return replace(record, **changes)


def problems(record: CustomerRecord) -> list[FieldMessage]:
    """PaySimple's rule violations for a (normalised) record, one clear message per problem."""
    body = record.to_input().to_json()
    return validate_customer(body)


def create_customer(directory: Directory, client, record: CustomerRecord) -> StoredCustomer:
    """New customer: PaySimple first, then the directory. Returns the directory row."""
    record = _checked(record)
    created = client.create_customer(record.to_input())
    log.info("customer %s created in PaySimple from the counter", created.id)
    return _write_local(directory, created, local_id=None)


def update_customer(directory: Directory, client, local_id: int, record: CustomerRecord) -> StoredCustomer:
    """Edit the customer with this local id. A local-only customer is created in PaySimple and linked."""
    stored = directory.get(local_id)
    if stored is None:
        raise KeyError(f"No customer with local id {local_id}")
    record = _checked(record)
    if stored.local_only:
        saved = client.create_customer(record.to_input())
        log.info("imported customer %s created in PaySimple as %s", local_id, saved.id)
    else:
        current = client.get_customer(stored.paysimple_id)  # fresh: keep what we do not mirror
        saved = client.update_customer(stored.paysimple_id, record.to_input(base=current))
        log.info("customer %s updated in PaySimple from the counter", saved.id)
    return _write_local(directory, saved, local_id=local_id)


def _checked(record: CustomerRecord) -> CustomerRecord:
    record = normalised(record)
    found = problems(record)
    if found:
        raise CustomerValidationError(found)
    return record


def _write_local(directory: Directory, customer, local_id: int | None) -> StoredCustomer:
    record, changed = neutralised_record(CustomerRecord.from_paysimple(customer))
    if changed:  # we sent clean text; PaySimple answered otherwise: store it as a sync would
        log.warning("customer %s: PaySimple's answer holds control characters in %s; stored neutralised",
                    customer.id, ", ".join(changed))
    last_error: Exception | None = None
    for attempt in range(1, LOCAL_ATTEMPTS + 1):
        try:
            with directory.write() as con:
                old = None
                if local_id is not None:
                    old = next(iter(directory.old_rows(con, "id = ?", (local_id,))), None)
                if old is None:
                    old = directory.old_rows_by_paysimple_id(con, [customer.id]).get(customer.id)
                batch = Batch(updates=[(old, record)]) if old else Batch(inserts=[(record, "counter")])
                written = directory.apply(con, batch)
            stored = directory.get(written[0])
            assert stored is not None
            return stored
        except (sqlite3.Error, StorageError) as exc:
            last_error = exc
            log.warning("directory write after PaySimple save failed (attempt %s): %s", attempt,
                        type(exc).__name__)
            time.sleep(0.05 * attempt)
    assert last_error is not None
    raise LocalWriteDeferred(customer, last_error) from last_error
