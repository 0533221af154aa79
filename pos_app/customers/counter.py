"""Create and edit a customer at the counter: validated like PaySimple, written to PaySimple first.

Order of writes (so a failure never leaves half a customer):
1. Normalise what the clerk typed (phones to digits, a leading country code 1 dropped; text trimmed) and
   check it with PaySimple's own rules (``pos_app.paysimple.rules.validate_customer``). Problems raise
   ``CustomerValidationError`` with one clear message per field; nothing is sent, nothing is written.
2. Send it to PaySimple (POST /customer, or PUT /customer built on a fresh GET so fields we do not mirror
   — website, notes, shipping address — are kept). Any PaySimple error (400 with field messages, 404 when the
   customer was deleted meanwhile, ...) propagates unchanged and the store is untouched.
   A ``TransportError`` with ``may_have_taken_effect`` means PaySimple may have created/changed the customer:
   the caller must NOT blindly retry a create (it could make a twin); a sync (or a search after it) shows
   what PaySimple has.
3. Write PaySimple's answer to the customer store (``CustomerStore.save_from_paysimple``; neutralised like a
   sync would: ``normalize.neutralised_record``). If that write fails with a storage fault (disk full, database
   locked past the busy timeout, database server unreachable), it is retried ``LOCAL_ATTEMPTS`` times; if it
   still fails, ``LocalWriteDeferred`` is raised carrying the saved PaySimple customer: PaySimple is right, the
   store is only behind, and the next sync brings the record in (it compares every field).

Editing an imported (local-only) customer creates it in PaySimple and links that PaySimple id to the same
local record, so the local id the UI holds stays valid. If a sync brought the new PaySimple customer in as a
record of its own before that write, PaySimple's answer goes to that record and the local-only one is left.
"""

from __future__ import annotations

import logging
import time
from dataclasses import fields, replace

from pos_app.customers.models import CustomerRecord, StoredCustomer
from pos_app.customers.normalize import neutralised_record, phone_key
from pos_app.customers.store import CustomerStore, DuplicatePaySimpleId
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


def create_customer(store: CustomerStore, client, record: CustomerRecord) -> StoredCustomer:
    """New customer: PaySimple first, then the customer store. Returns the stored record."""
    record = _checked(record)
    created = client.create_customer(record.to_input())
    log.info("customer %s created in PaySimple from the counter", created.id)
    return _write_local(store, created, local_id=None)


def update_customer(store: CustomerStore, client, local_id: int, record: CustomerRecord) -> StoredCustomer:
    """Edit the customer with this local id. A local-only customer is created in PaySimple and linked."""
    stored = store.get(local_id)
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
    return _write_local(store, saved, local_id=local_id)


def _checked(record: CustomerRecord) -> CustomerRecord:
    record = normalised(record)
    found = problems(record)
    if found:
        raise CustomerValidationError(found)
    return record


def _write_local(store: CustomerStore, customer, local_id: int | None) -> StoredCustomer:
    record, changed = neutralised_record(CustomerRecord.from_paysimple(customer))
    if changed:  # we sent clean text; PaySimple answered otherwise: store it as a sync would
        log.warning("customer %s: PaySimple's answer holds control characters in %s; stored neutralised",
                    customer.id, ", ".join(changed))
    last_error: Exception | None = None
    for attempt in range(1, LOCAL_ATTEMPTS + 1):
        try:
            try:
                return store.save_from_paysimple(record, local_id=local_id)
            except DuplicatePaySimpleId as exc:
                # A sync brought this PaySimple customer in meanwhile as its own record: PaySimple's answer
                # goes there; the local-only record stays as it was.
                log.warning("customer %s is local record %s already; local record %s left as it was",
                            customer.id, exc.holder, local_id)
                return store.save_from_paysimple(record, local_id=exc.holder)
        except StorageError as exc:
            last_error = exc
            log.warning("customer list write after PaySimple save failed (attempt %s): %s", attempt,
                        exc.fault.value)
            time.sleep(0.05 * attempt)
    assert last_error is not None
    raise LocalWriteDeferred(customer, last_error) from last_error
