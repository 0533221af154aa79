"""Create and edit a customer at the counter: validated like PaySimple, written to PaySimple first.

Order of writes (so a failure never leaves half a customer):
1. Normalise what the clerk typed (phones to digits, a leading country code 1 dropped; a US state's name to its
   code; text trimmed) and check it with PaySimple's own rules (``pos_app.paysimple.rules.validate_customer``)
   plus the counter's rules for what the clerk typed (below). Problems raise ``CustomerValidationError`` with
   one clear message per field; nothing is sent, nothing is written.
2. Send it to PaySimple (POST /customer, or PUT /customer built on a fresh GET so fields we do not mirror
   — website, notes, shipping address — are kept). Any PaySimple error (400 with field messages, 404 when the
   customer was deleted meanwhile, ...) propagates unchanged and the store is untouched.
   A ``TransportError`` with ``may_have_taken_effect`` means PaySimple may have created/changed the customer:
   the caller must NOT blindly retry a create (it could make a twin); a sync (or a search after it) shows
   what PaySimple has.
3. Write PaySimple's answer to the customer store (``write_local``: ``CustomerStore.save_from_paysimple``;
   neutralised like a sync would: ``normalize.neutralised_record``). If that write fails with a storage fault
   (disk full, database locked past the busy timeout, database server unreachable), it is retried
   ``LOCAL_ATTEMPTS`` times; if it still fails, ``LocalWriteDeferred`` is raised carrying the saved PaySimple
   customer: PaySimple is right, the store is only behind, and the next sync brings the record in (it compares
   every field).

Counter rules (stricter than PaySimple's, for values the clerk typed or changed: ``problems(record, before)``;
a value that came unchanged from PaySimple or an import is held to PaySimple's rules only; decisions 0373-0375):
- Phone: a US number, 10 digits with the area code; "+1" / "1" in front and spaces, dashes, dots, parentheses
  are fine. Other phones (alternate, mobile, fax: not on the counter's form) follow PaySimple's rule.
- State: a US state, DC, territory or military code (``us_states``) unless the customer's country is not
  the US; a name ("Colorado") is turned into its code by ``normalised``, never cut to two letters.
- Address: empty, or street + city + ZIP code (PaySimple's rule); the message under each missing part says so.

Editing an imported (local-only) customer creates it in PaySimple: that is ``paysimple_add.add_to_paysimple``
(write-ahead, looked up before any second try), not ``update_customer``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import fields, replace

from pos_app.customers.models import CustomerRecord, StoredCustomer
from pos_app.customers.normalize import neutralised_record, phone_key
from pos_app.customers.store import AddClosed, CustomerStore
from pos_app.customers.us_states import US_STATES, state_code
from pos_app.i18n_keys import N_
from pos_app.paysimple.errors import FieldMessage
from pos_app.paysimple.rules import validate_customer
from pos_app.storage_errors import StorageError

log = logging.getLogger(__name__)

LOCAL_ATTEMPTS = 3
_PHONES = ("phone", "alt_phone", "mobile_phone", "fax")
_PHONE_SIGNS = frozenset("0123456789 -().+/")
# What the counter's own rules say (``pos_app.i18n_keys``: translated by the screens).
_ADDRESS_PARTS = {"StreetAddress1": N_("CustomerRules", "Street"), "City": N_("CustomerRules", "City"),
                  "ZipCode": N_("CustomerRules", "ZIP code")}
NEEDED_WITH_ADDRESS = N_("CustomerRules", "%1 is needed with an address (street, city and ZIP code), or leave the "
                                          "whole address empty.")
PHONE_SIGNS = N_("CustomerRules", "Phone takes digits, spaces, dashes, dots and brackets only, e.g. 303 555 0100 "
                                  "(+1 is fine).")
PHONE_LENGTH = N_("CustomerRules", "Phone needs 10 digits with the area code, e.g. 303 555 0100 (+1 is fine). This "
                                   "one has %1.")
NOT_A_STATE = N_("CustomerRules", "State \"%1\" is not a US state: pick one from the list, or type its name or code "
                                  "(CO).")
DEFERRED = N_("CustomerRules", "Saved in PaySimple (customer #%1), but this computer's customer list could not be "
                               "updated (%2). It will appear after the next sync.")


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
    """Saved in PaySimple, but the customer store could not be written; the next sync will bring it in."""

    def __init__(self, customer, cause: Exception) -> None:
        self.customer = customer
        super().__init__(DEFERRED.fill(customer.id, type(cause).__name__))


def normalised(record: CustomerRecord) -> CustomerRecord:
    """Trimmed text (empty → None) and digit-only phones, as PaySimple wants them."""
    changes = {}
    for f in fields(CustomerRecord):
        value = getattr(record, f.name)
        if isinstance(value, str):
            value = value.strip() or None
            if f.name in _PHONES and value and any(ch.isdigit() for ch in value) \
                    and all(ch in _PHONE_SIGNS for ch in value):
                value = phone_key(value)  # letters are left in: the rules name them
            if f.name == "state_code" and value:
                value = state_code(value) or (value.upper() if len(value) == 2 else value)
            if f.name == "country" and value and len(value) == 2:
                value = value.upper()
            changes[f.name] = value
    changes["first_name"] = changes.get("first_name") or ""
    changes["last_name"] = changes.get("last_name") or ""
    return replace(record, **changes)


def problems(record: CustomerRecord, before: CustomerRecord | None = None) -> list[FieldMessage]:
    """The rule violations of a (normalised) record, one clear message per problem: the counter's rules for
    values that differ from ``before`` (None: a new customer, every value was typed), then PaySimple's."""
    before = normalised(before) if before is not None else None
    typed = {f.name for f in fields(CustomerRecord)
             if before is None or getattr(record, f.name) != getattr(before, f.name)}
    out = _counter_rules(record, typed)
    flagged = {m.field for m in out}
    for m in validate_customer(record.to_input().to_json()):
        if m.field in flagged:
            continue  # the counter's message for that field says it better
        part = m.field.removeprefix("BillingAddress.")
        if m.field.startswith("BillingAddress.") and part in _ADDRESS_PARTS and m.message.endswith("is required."):
            m = FieldMessage(m.field, NEEDED_WITH_ADDRESS.fill(_ADDRESS_PARTS[part]))
        out.append(m)
    return out


def _counter_rules(record: CustomerRecord, typed: set[str]) -> list[FieldMessage]:
    out: list[FieldMessage] = []
    phone = record.phone
    if "phone" in typed and phone:
        if not all(ch in _PHONE_SIGNS for ch in phone) or not phone.isascii():
            out.append(FieldMessage("Phone", PHONE_SIGNS))
        elif len(phone) != 10:
            out.append(FieldMessage("Phone", PHONE_LENGTH.fill(len(phone))))
    state = record.state_code
    if "state_code" in typed and state and record.country in (None, "US") and state not in US_STATES:
        out.append(FieldMessage("BillingAddress.StateCode", NOT_A_STATE.fill(state)))
    return out


def possible_duplicates(store: CustomerStore, record: CustomerRecord, exclude_id: int | None = None,
                        limit: int = 5) -> list[StoredCustomer]:
    """Customers in the store who may be this one (decision 0372): the same folded first and last name AND the
    same phone (any of theirs: phone, alternate, mobile) or the same e-mail (theirs or alternate); the CSV
    import's duplicate rule. PaySimple customers first, then by local id; deleted records and ``exclude_id``
    left out. A read of the store: run it on a worker."""
    return store.possible_duplicates(normalised(record), exclude_id, limit)


def create_customer(store: CustomerStore, client, record: CustomerRecord) -> StoredCustomer:
    """New customer: PaySimple first, then the customer store. Returns the stored record."""
    record = checked(record)
    created = client.create_customer(record.to_input())
    log.info("customer %s created in PaySimple from the counter", created.id)
    return write_local(store, created, local_id=None)


def update_customer(store: CustomerStore, client, local_id: int, record: CustomerRecord) -> StoredCustomer:
    """Edit the PaySimple customer with this local id (a local-only one: ``paysimple_add.add_to_paysimple``)."""
    stored = store.get(local_id)
    if stored is None:
        raise KeyError(f"No customer with local id {local_id}")
    if stored.local_only:
        raise ValueError("a local-only customer is created in PaySimple by paysimple_add.add_to_paysimple")
    record = checked(record, stored.record)
    current = client.get_customer(stored.paysimple_id)  # fresh: keep what we do not mirror
    saved = client.update_customer(stored.paysimple_id, record.to_input(base=current))
    log.info("customer %s updated in PaySimple from the counter", saved.id)
    return write_local(store, saved, local_id=local_id)


def checked(record: CustomerRecord, before: CustomerRecord | None = None) -> CustomerRecord:
    """The normalised record, or ``CustomerValidationError`` (``problems``)."""
    record = normalised(record)
    found = problems(record, before)
    if found:
        raise CustomerValidationError(found)
    return record


def write_local(store: CustomerStore, customer, local_id: int | None,
                closes: AddClosed | None = None) -> StoredCustomer:
    """Write PaySimple's answer into the store (``CustomerStore.save_from_paysimple``): into record ``local_id``
    (an edit, or a local-only customer that became this PaySimple customer), else into the record holding its
    PaySimple id, else a new one.

    A local-only record whose PaySimple customer a sync already brought in as a record of its own: that record
    is kept (it is PaySimple's, and payments refer to it), the local-only one is marked deleted (out of search;
    its local notes move over when the kept one has none) and the kept one is returned, so one person has one
    record. ``closes``: the add that made the customer, closed in the same transaction. Retried
    ``LOCAL_ATTEMPTS`` times on storage faults; then ``LocalWriteDeferred``."""
    record, changed = neutralised_record(CustomerRecord.from_paysimple(customer))
    if changed:  # we sent clean text; PaySimple answered otherwise: store it as a sync would
        log.warning("customer %s: PaySimple's answer holds control characters in %s; stored neutralised",
                    customer.id, ", ".join(changed))
    last_error: Exception | None = None
    for attempt in range(1, LOCAL_ATTEMPTS + 1):
        try:
            return store.save_from_paysimple(record, local_id=local_id, closes=closes)
        except StorageError as exc:
            last_error = exc
            log.warning("customer list write after PaySimple save failed (attempt %s): %s", attempt,
                        exc.fault.value)
            time.sleep(0.05 * attempt)
    assert last_error is not None
    raise LocalWriteDeferred(customer, last_error) from last_error
