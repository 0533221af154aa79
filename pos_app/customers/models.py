"""Plain data objects of the customer directory (no I/O).

- ``CustomerRecord``: the mirrored PaySimple fields of one customer, as written by sync, CSV import and
  counter edits. ``paysimple_id`` is None for a local-only customer (imported, not in PaySimple yet).
- ``MIRRORED``: the one table of the mirrored fields: record attribute (= directory column), PaySimple JSON
  key, attribute of the client's ``Customer``/``CustomerInput`` (or of its billing ``Address``). The sync
  mapping (``from_paysimple``/``to_input``), the CSV import's PaySimple body and the directory's row
  layout (``rows``) are derived from it; the training gateway keeps its own list on purpose (decision 0312).
- ``StoredCustomer``: a directory row: the record plus the local id and the local fields.
- ``CustomerHit``: one search result, with ``disambiguation`` filled when the same result list holds
  people with the same name.

Ids: every customer has a local ``id`` (SQLite rowid, positive, never reused). ``paysimple_id`` is PaySimple's
Id, NULL until the customer exists in PaySimple. When a local-only customer is created in PaySimple (or a
sync finds it there by account number), the same row gets its ``paysimple_id``: the local id never changes,
so anything that refers to it (the UI, the payments journal) stays valid.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from pos_app.paysimple.models import Address, Customer, CustomerInput


@dataclass(frozen=True, slots=True)
class MirroredField:
    """One PaySimple customer field the directory mirrors."""

    name: str  # CustomerRecord attribute and directory column
    key: str  # PaySimple JSON key: of the customer, or of its BillingAddress when ``address``
    attr: str  # attribute of paysimple.models.CustomerFields, or of Address when ``address``
    address: bool = False

    @property
    def path(self) -> str:
        """The field as PaySimple's rules name it in a customer body (``BillingAddress.City``)."""
        return f"BillingAddress.{self.key}" if self.address else self.key


MIRRORED: tuple[MirroredField, ...] = (
    MirroredField("first_name", "FirstName", "first_name"),
    MirroredField("last_name", "LastName", "last_name"),
    MirroredField("middle_name", "MiddleName", "middle_name"),
    MirroredField("company", "Company", "company"),
    MirroredField("customer_account", "CustomerAccount", "customer_account"),
    MirroredField("email", "Email", "email"),
    MirroredField("alt_email", "AltEmail", "alt_email"),
    MirroredField("phone", "Phone", "phone"),
    MirroredField("alt_phone", "AltPhone", "alt_phone"),
    MirroredField("mobile_phone", "MobilePhone", "mobile_phone"),
    MirroredField("fax", "Fax", "fax"),
    MirroredField("street1", "StreetAddress1", "street_address1", address=True),
    MirroredField("street2", "StreetAddress2", "street_address2", address=True),
    MirroredField("city", "City", "city", address=True),
    MirroredField("state_code", "StateCode", "state_code", address=True),
    MirroredField("zip_code", "ZipCode", "zip_code", address=True),
    MirroredField("country", "Country", "country", address=True),
)
_PERSON = tuple(f for f in MIRRORED if not f.address)
_ADDRESS = tuple(f for f in MIRRORED if f.address)


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    first_name: str
    last_name: str
    paysimple_id: int | None = None
    middle_name: str | None = None
    company: str | None = None
    customer_account: str | None = None
    email: str | None = None
    alt_email: str | None = None
    phone: str | None = None
    alt_phone: str | None = None
    mobile_phone: str | None = None
    fax: str | None = None
    street1: str | None = None
    street2: str | None = None
    city: str | None = None
    state_code: str | None = None
    zip_code: str | None = None
    country: str | None = None
    last_modified: str | None = None  # ISO-8601 as PaySimple sent it (UTC); None for local-only customers
    deleted: bool = False

    @classmethod
    def from_paysimple(cls, c: Customer) -> CustomerRecord:
        address = c.billing_address or Address()
        return cls(paysimple_id=c.id, last_modified=_iso(c.last_modified), deleted=c.deleted,
                   **{f.name: getattr(address if f.address else c, f.attr) for f in MIRRORED})

    def billing_address(self) -> Address | None:
        address = Address(**{f.attr: getattr(self, f.name) for f in _ADDRESS})
        return None if address == Address() else address

    def to_input(self, base: Customer | None = None) -> CustomerInput:
        """The PaySimple body for this record; fields we do not mirror (website, notes, shipping) come from
        ``base`` (the customer as PaySimple has it) so a PUT does not clear them."""
        return CustomerInput(
            **{f.attr: getattr(self, f.name) for f in _PERSON},
            website=base.website if base else None, notes=base.notes if base else None,
            billing_address=self.billing_address(),
            shipping_address=base.shipping_address if base and not base.shipping_same_as_billing else None,
            shipping_same_as_billing=base.shipping_same_as_billing if base else True,
        )


RECORD_FIELDS = tuple(f.name for f in fields(CustomerRecord))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class StoredCustomer:
    id: int
    record: CustomerRecord
    origin: str  # "paysimple" | "import" | "counter"
    written_at: str
    last_seen_at: str | None
    local_notes: str | None

    @property
    def paysimple_id(self) -> int | None:
        return self.record.paysimple_id

    @property
    def local_only(self) -> bool:
        return self.record.paysimple_id is None

    @property
    def deleted(self) -> bool:
        return self.record.deleted

    @property
    def display_name(self) -> str:
        r = self.record
        return " ".join(p for p in (r.first_name, r.middle_name, r.last_name) if p)


@dataclass(frozen=True, slots=True)
class CustomerHit:
    id: int
    paysimple_id: int | None
    display_name: str
    company: str | None
    phone: str  # formatted for display, "" when none; for a phone search, the number that matched
    email: str | None
    city: str | None
    customer_account: str | None
    last_seen_at: str | None
    matched: str  # "account" | "phone" | "email" | "name" | "id" | "recent" | "near" (a typo's near match)
    disambiguation: str = ""  # e.g. "…0100 · ada@example.com · Denver" when another hit has the same name

    @property
    def local_only(self) -> bool:
        return self.paysimple_id is None
