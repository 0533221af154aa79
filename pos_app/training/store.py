"""SQLite state of the training gateway (customers, accounts, payments, payment tokens).

Public methods take and return API-shaped dicts (PascalCase keys, every key present, ``None`` for unset), so
the HTTP layer and the PaySimpleJS stand-in serialise them as they are.

Decisions:
- One connection, ``check_same_thread=False``, guarded by an ``RLock``: the HTTP handlers (event-loop
  thread) and test code (other threads) may call in at once. File databases use WAL. ``path=None`` or
  ``":memory:"`` keeps everything in memory.
- Every public write commits before it returns. Fault injection relies on this: an ``error_after`` or
  ``drop_after`` fault fails the reply only after the work is durable, like a server that crashed after
  committing.
- Full card and bank account numbers are never stored: we keep a keyed hash (HMAC-SHA256 with a random
  per-database key kept in the ``meta`` table), the last four digits and the length. That is enough to
  mask them (``*`` × (len−4) + last4) and to match "same customer + same number ⇒ same account"
  (PaySimpleJS ``matchOrCreateAccount``). Routing numbers are public bank identifiers and are stored in full.
- Ids look like real ones and never collide across kinds: customers from 1000001, accounts (card and ACH
  share one sequence, so an AccountId alone tells CC from ACH) from 2000001, payments from 3000001.
- Money is stored as integer cents. Times are stored as UTC ISO-8601 text (sortable) and returned with
  seven fraction digits and ``Z``, like the API (``2013-10-11T17:41:36.6661404Z``).
- Each customer has at most one default card and one default ACH account. The first account of a kind
  becomes the default; deleting the default promotes the newest remaining account of that kind.
- Deletes are soft (``deleted_on``). A deleted customer is still returned by ``get_customer(...,
  include_deleted=True)`` (the API answers 203 for it) but not listed, matched or given new accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pos_app.paysimple.rules import card_brand, issuer_name, mask_number
from pos_app.sqlite_support import sqlite_open
from pos_app.sqlite_tx import immediate_transaction
from pos_app.storage_errors import What, storage_errors
from pos_app.training.clock import GatewayClock

EASTERN = ZoneInfo("America/New_York")

# The gateway's own field table (it emulates PaySimple and imports nothing of the client: decision 0312).
# API key of a customer's writable text field -> its column.
_CUSTOMER_COLUMNS = {
    "FirstName": "first_name", "LastName": "last_name", "MiddleName": "middle_name", "Company": "company",
    "CustomerAccount": "customer_account", "Phone": "phone", "AltPhone": "alt_phone",
    "MobilePhone": "mobile_phone", "Fax": "fax", "Email": "email", "AltEmail": "alt_email",
    "Website": "website", "Notes": "notes",
}
CUSTOMER_FIELDS = tuple(_CUSTOMER_COLUMNS)
ADDRESS_FIELDS = ("StreetAddress1", "StreetAddress2", "City", "StateCode", "ZipCode", "Country")
CUSTOMER_SORT = {
    "firstname": "first_name", "middlename": "middle_name", "lastname": "last_name", "company": "company",
    **{f"{kind.lower()}address.{name}": f"json_extract({kind.lower()}_address, '$.{field}')"
       for kind in ("Billing", "Shipping")
       for name, field in (("city", "City"), ("state", "StateCode"), ("zip", "ZipCode"),
                           ("country", "Country"))},
}
PAYMENT_SORT = {
    "paymentid": "p.id", "amount": "p.amount_cents", "paymentdate": "p.payment_date",
    "actualsettleddate": "p.actual_settled_date", "estimatedsettledate": "p.estimated_settle_date",
    "paymentsubtype": "p.sub_type", "paymenttype": "p.kind", "returndate": "p.return_date",
}
PAYMENT_STATUSES = (
    "Pending", "Posted", "Settled", "Failed", "Voided", "Reversed", "ReversePosted", "Chargeback",
    "Authorized", "Returned", "ReverseNSF", "RefundSettled",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customers(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  first_name TEXT NOT NULL, last_name TEXT NOT NULL, middle_name TEXT, company TEXT, customer_account TEXT,
  phone TEXT, alt_phone TEXT, mobile_phone TEXT, fax TEXT, email TEXT, alt_email TEXT, website TEXT, notes TEXT,
  shipping_same_as_billing INTEGER NOT NULL, billing_address TEXT, shipping_address TEXT,
  created_on TEXT NOT NULL, last_modified TEXT NOT NULL, deleted_on TEXT);
CREATE INDEX IF NOT EXISTS customers_by_last ON customers(last_name COLLATE NOCASE, id) WHERE deleted_on IS NULL;
CREATE INDEX IF NOT EXISTS customers_by_first ON customers(first_name COLLATE NOCASE, id) WHERE deleted_on IS NULL;
CREATE TABLE IF NOT EXISTS accounts(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customers(id), kind TEXT NOT NULL CHECK (kind IN ('CC', 'ACH')),
  number_hash TEXT NOT NULL, last4 TEXT NOT NULL, number_len INTEGER NOT NULL,
  issuer TEXT, expiration TEXT, billing_zip TEXT, routing TEXT, bank_name TEXT, is_checking INTEGER,
  is_default INTEGER NOT NULL DEFAULT 0, created_on TEXT NOT NULL, last_modified TEXT NOT NULL, deleted_on TEXT);
CREATE INDEX IF NOT EXISTS accounts_match ON accounts(customer_id, kind, number_hash);
CREATE TABLE IF NOT EXISTS payments(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL, account_id INTEGER NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
  amount_cents INTEGER NOT NULL, sub_type TEXT NOT NULL, is_refund INTEGER NOT NULL DEFAULT 0,
  reference_id INTEGER NOT NULL DEFAULT 0, provider_auth_code TEXT, trace_number TEXT, failure TEXT,
  order_id TEXT, description TEXT, invoice_id INTEGER, invoice_number TEXT, purchase_order_number TEXT,
  latitude TEXT, longitude TEXT, is_debit INTEGER NOT NULL DEFAULT 0, success_receipt TEXT, failure_receipt TEXT,
  payment_date TEXT NOT NULL, can_void_until TEXT, estimated_settle_date TEXT, actual_settled_date TEXT,
  return_date TEXT, settle_at TEXT, created_on TEXT NOT NULL, last_modified TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS payments_customer ON payments(customer_id);
CREATE INDEX IF NOT EXISTS payments_date ON payments(payment_date);
CREATE INDEX IF NOT EXISTS payments_open ON payments(settle_at)
  WHERE status IN ('Authorized', 'Posted', 'ReversePosted');
CREATE TABLE IF NOT EXISTS payment_tokens(
  token TEXT PRIMARY KEY, customer_id INTEGER NOT NULL, account_id INTEGER NOT NULL,
  expires_at TEXT NOT NULL, used_at TEXT);
"""
_ID_STARTS = {"customers": 1_000_000, "accounts": 2_000_000, "payments": 3_000_000}


def db_time(dt: datetime) -> str:
    """Sortable UTC text for the database."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def api_time(text: str | None) -> str | None:
    """Database time → API time: UTC, 7 fraction digits, ``Z``."""
    if text is None:
        return None
    dt = datetime.fromisoformat(text).astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond:06d}0Z"


def eastern_day_bounds(start: date | None, end: date | None) -> tuple[str | None, str | None]:
    """UTC db-time bounds [start 00:00 ET, end+1 00:00 ET) for date filters on payment dates."""
    lo = db_time(datetime.combine(start, time(0), EASTERN)) if start else None
    hi = db_time(datetime.combine(end + timedelta(days=1), time(0), EASTERN)) if end else None
    return lo, hi


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


class Store:
    def __init__(self, path: Path | str | None = None, clock: GatewayClock | None = None) -> None:
        self.clock = clock or GatewayClock()
        self._lock = threading.RLock()
        target = ":memory:" if path in (None, ":memory:", "memory") else str(path)
        # Opening: storage faults name the file (start-up shows them); later ones reach clients as 500s.
        self._db = sqlite_open(target, What.TRAINING, synchronous="NORMAL", foreign_keys=True, row_factory=sqlite3.Row)
        with storage_errors(target, What.TRAINING):
            self._db.executescript(_SCHEMA)
            with self.transaction() as db:
                for table, start in _ID_STARTS.items():
                    if db.execute("SELECT 1 FROM sqlite_sequence WHERE name=?", (table,)).fetchone() is None:
                        db.execute("INSERT INTO sqlite_sequence(name, seq) VALUES (?, ?)", (table, start))
                row = db.execute("SELECT value FROM meta WHERE key='number_key'").fetchone()
                if row is None:
                    key = secrets.token_hex(32)
                    db.execute("INSERT INTO meta(key, value) VALUES ('number_key', ?)", (key,))
                else:
                    key = row["value"]
        self._number_key = bytes.fromhex(key)

    # --- plumbing ---------------------------------------------------------------------------------------

    def transaction(self):
        """Hold the lock and run the block in one IMMEDIATE transaction (commit on success)."""
        return immediate_transaction(self._db, self._lock)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _now(self) -> str:
        return db_time(self.clock.now())

    def number_hash(self, kind: str, *parts: str) -> str:
        msg = ":".join((kind, *parts)).encode()
        return hmac.new(self._number_key, msg, hashlib.sha256).hexdigest()

    # --- customers --------------------------------------------------------------------------------------

    @staticmethod
    def _address_json(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return None
        clean = {f: _clean(value.get(f)) for f in ADDRESS_FIELDS}
        return json.dumps(clean) if any(v is not None for v in clean.values()) else None

    def _customer_values(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        values = {col: _clean(fields.get(key)) for key, col in _CUSTOMER_COLUMNS.items()}
        same = fields.get("ShippingSameAsBilling")
        same = True if same is None else (same.strip().lower() == "true" if isinstance(same, str) else bool(same))
        values["shipping_same_as_billing"] = int(same)
        values["billing_address"] = self._address_json(fields.get("BillingAddress"))
        values["shipping_address"] = None if same else self._address_json(fields.get("ShippingAddress"))
        return values

    def create_customer(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Insert a customer from an API-shaped body (already validated) and return it."""
        values = self._customer_values(fields)
        now = self._now()
        values.update(created_on=now, last_modified=now)
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self.transaction() as db:
            cur = db.execute(f"INSERT INTO customers({cols}) VALUES ({marks})", tuple(values.values()))
            return self._customer_out(self._customer_row(cur.lastrowid, include_deleted=False))

    def update_customer(self, customer_id: int, fields: Mapping[str, Any]) -> dict[str, Any] | None:
        """Replace every writable field (PUT semantics: a field left out becomes null). None if not found."""
        values = self._customer_values(fields)
        values["last_modified"] = self._now()
        sets = ", ".join(f"{col}=?" for col in values)
        with self.transaction() as db:
            cur = db.execute(f"UPDATE customers SET {sets} WHERE id=? AND deleted_on IS NULL",
                             (*values.values(), customer_id))
            if cur.rowcount == 0:
                return None
            return self._customer_out(self._customer_row(customer_id, include_deleted=False))

    def delete_customer(self, customer_id: int) -> bool:
        now = self._now()
        with self.transaction() as db:
            cur = db.execute("UPDATE customers SET deleted_on=?, last_modified=? WHERE id=? AND deleted_on IS NULL",
                             (now, now, customer_id))
            return cur.rowcount == 1

    def _customer_row(self, customer_id: int, include_deleted: bool) -> sqlite3.Row | None:
        sql = "SELECT * FROM customers WHERE id=?" + ("" if include_deleted else " AND deleted_on IS NULL")
        with self._lock:
            return self._db.execute(sql, (customer_id,)).fetchone()

    def get_customer(self, customer_id: int, include_deleted: bool = False) -> dict[str, Any] | None:
        row = self._customer_row(customer_id, include_deleted)
        return None if row is None else self._customer_out(row)

    def customer_deleted(self, customer_id: int) -> bool:
        row = self._customer_row(customer_id, include_deleted=True)
        return row is not None and row["deleted_on"] is not None

    def list_customers(self, sort_by: str = "lastname", direction: str = "ASC", page: int = 1,
                       page_size: int = 200) -> tuple[list[dict[str, Any]], int]:
        """One page of live customers and the total count. ``sort_by`` must be a key of CUSTOMER_SORT."""
        order = CUSTOMER_SORT[sort_by.lower()]
        desc = "DESC" if direction.upper() == "DESC" else "ASC"
        with self._lock:
            total = self._db.execute("SELECT COUNT(*) FROM customers WHERE deleted_on IS NULL").fetchone()[0]
            rows = self._db.execute(
                f"SELECT * FROM customers WHERE deleted_on IS NULL ORDER BY {order} COLLATE NOCASE {desc}, id {desc} "
                "LIMIT ? OFFSET ?", (page_size, (page - 1) * page_size)).fetchall()
        return [self._customer_out(r) for r in rows], total

    def find_customer(self, first_name: str, last_name: str, email: str | None) -> dict[str, Any] | None:
        """Oldest live customer with the same first name, last name and email (case-insensitive)."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM customers WHERE deleted_on IS NULL AND first_name=? COLLATE NOCASE "
                "AND last_name=? COLLATE NOCASE AND IFNULL(email, '')=? COLLATE NOCASE ORDER BY id LIMIT 1",
                (first_name.strip(), last_name.strip(), (email or "").strip())).fetchone()
        return None if row is None else self._customer_out(row)

    def count_customers(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM customers WHERE deleted_on IS NULL").fetchone()[0]

    @staticmethod
    def _address_out(text: str | None) -> dict[str, Any] | None:
        if text is None:
            return None
        data = json.loads(text)
        return {f: data.get(f) for f in ADDRESS_FIELDS}

    def _customer_out(self, row: sqlite3.Row) -> dict[str, Any]:
        billing = self._address_out(row["billing_address"])
        same = bool(row["shipping_same_as_billing"])
        shipping = dict(billing) if same and billing else self._address_out(row["shipping_address"])
        out: dict[str, Any] = {"Id": row["id"]}
        out.update({key: row[col] for key, col in _CUSTOMER_COLUMNS.items()})
        out.update(ShippingSameAsBilling=same, BillingAddress=billing, ShippingAddress=shipping,
                   CreatedOn=api_time(row["created_on"]), LastModified=api_time(row["last_modified"]))
        return out

    # --- accounts ---------------------------------------------------------------------------------------

    def _insert_account(self, customer_id: int, kind: str, values: dict[str, Any],
                        is_default: bool | None) -> dict[str, Any]:
        now = self._now()
        with self.transaction() as db:
            if self._customer_row(customer_id, include_deleted=False) is None:
                raise LookupError(f"customer {customer_id} not found")
            has_default = db.execute(
                "SELECT 1 FROM accounts WHERE customer_id=? AND kind=? AND is_default=1 AND deleted_on IS NULL",
                (customer_id, kind)).fetchone() is not None
            make_default = (not has_default) or bool(is_default)
            if make_default:
                db.execute("UPDATE accounts SET is_default=0, last_modified=? WHERE customer_id=? AND kind=? "
                           "AND is_default=1", (now, customer_id, kind))
            values.update(customer_id=customer_id, kind=kind, is_default=int(make_default),
                          created_on=now, last_modified=now)
            cols = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            cur = db.execute(f"INSERT INTO accounts({cols}) VALUES ({marks})", tuple(values.values()))
            return self._account_out(self._account_row(cur.lastrowid))

    def create_credit_card(self, customer_id: int, number: str, expiration: str, billing_zip: str | None = None,
                           issuer: Any = None, is_default: bool | None = None) -> dict[str, Any]:
        """Add a card (number already validated). Raises LookupError if the customer is missing/deleted."""
        values = {"number_hash": self.number_hash("CC", number), "last4": number[-4:], "number_len": len(number),
                  "issuer": issuer_name(issuer) or card_brand(number), "expiration": expiration,
                  "billing_zip": _clean(billing_zip)}
        return self._insert_account(customer_id, "CC", values, is_default)

    def create_ach(self, customer_id: int, routing: str, account: str, bank_name: str, is_checking: bool = True,
                   is_default: bool | None = None) -> dict[str, Any]:
        """Add a bank account (already validated). Raises LookupError if the customer is missing/deleted."""
        values = {"number_hash": self.number_hash("ACH", routing, account), "last4": account[-4:],
                  "number_len": len(account), "routing": routing, "bank_name": bank_name.strip(),
                  "is_checking": int(bool(is_checking))}
        return self._insert_account(customer_id, "ACH", values, is_default)

    def find_matching_account(self, customer_id: int, kind: str, number: str | None = None,
                              routing: str | None = None, account: str | None = None) -> dict[str, Any] | None:
        """The live account of this customer with the same full card number (CC) or routing+account (ACH)."""
        if kind == "CC":
            digest = self.number_hash("CC", number or "")
        elif kind == "ACH":
            digest = self.number_hash("ACH", routing or "", account or "")
        else:
            raise ValueError("kind must be 'CC' or 'ACH'")
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM accounts WHERE customer_id=? AND kind=? AND number_hash=? AND deleted_on IS NULL "
                "ORDER BY id LIMIT 1", (customer_id, kind, digest)).fetchone()
        return None if row is None else self._account_out(row)

    def card_number_matches(self, account_id: int, number: str) -> bool:
        row = self._account_row(account_id)
        return row is not None and hmac.compare_digest(row["number_hash"], self.number_hash("CC", number))

    def update_credit_card(self, account_id: int, expiration: str, billing_zip: str | None) -> dict[str, Any] | None:
        with self.transaction() as db:
            cur = db.execute("UPDATE accounts SET expiration=?, billing_zip=?, last_modified=? "
                             "WHERE id=? AND kind='CC' AND deleted_on IS NULL",
                             (expiration, _clean(billing_zip), self._now(), account_id))
            return None if cur.rowcount == 0 else self._account_out(self._account_row(account_id))

    def update_ach(self, account_id: int, is_checking: bool) -> dict[str, Any] | None:
        with self.transaction() as db:
            cur = db.execute("UPDATE accounts SET is_checking=?, last_modified=? "
                             "WHERE id=? AND kind='ACH' AND deleted_on IS NULL",
                             (int(bool(is_checking)), self._now(), account_id))
            return None if cur.rowcount == 0 else self._account_out(self._account_row(account_id))

    def delete_account(self, account_id: int, kind: str | None = None) -> bool:
        now = self._now()
        with self.transaction() as db:
            row = self._account_row(account_id)
            if row is None or (kind is not None and row["kind"] != kind):
                return False
            db.execute("UPDATE accounts SET deleted_on=?, is_default=0, last_modified=? WHERE id=?",
                       (now, now, account_id))
            if row["is_default"]:
                db.execute("UPDATE accounts SET is_default=1, last_modified=? WHERE id=(SELECT id FROM accounts "
                           "WHERE customer_id=? AND kind=? AND deleted_on IS NULL ORDER BY id DESC LIMIT 1)",
                           (now, row["customer_id"], row["kind"]))
            return True

    def _account_row(self, account_id: int) -> sqlite3.Row | None:
        with self._lock:
            return self._db.execute("SELECT * FROM accounts WHERE id=? AND deleted_on IS NULL",
                                    (account_id,)).fetchone()

    def get_account(self, account_id: int, kind: str | None = None) -> dict[str, Any] | None:
        """A live account (card or ACH, or only ``kind``) as the API returns it."""
        row = self._account_row(account_id)
        if row is None or (kind is not None and row["kind"] != kind):
            return None
        return self._account_out(row)

    def account_kind(self, account_id: int) -> str | None:
        row = self._account_row(account_id)
        return None if row is None else row["kind"]

    def account_owner(self, account_id: int) -> int | None:
        """Customer id of a live account whose customer is live, else None."""
        with self._lock:
            row = self._db.execute(
                "SELECT a.customer_id FROM accounts a JOIN customers c ON c.id=a.customer_id "
                "WHERE a.id=? AND a.deleted_on IS NULL AND c.deleted_on IS NULL", (account_id,)).fetchone()
        return None if row is None else row[0]

    def customer_accounts(self, customer_id: int) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM accounts WHERE customer_id=? AND deleted_on IS NULL ORDER BY id",
                                    (customer_id,)).fetchall()
        return {"AchAccounts": [self._account_out(r) for r in rows if r["kind"] == "ACH"],
                "CreditCardAccounts": [self._account_out(r) for r in rows if r["kind"] == "CC"]}

    def default_account(self, customer_id: int, kind: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM accounts WHERE customer_id=? AND kind=? AND is_default=1 "
                                   "AND deleted_on IS NULL", (customer_id, kind)).fetchone()
        return None if row is None else self._account_out(row)

    def set_default_account(self, customer_id: int, account_id: int) -> dict[str, Any] | None:
        """Make the account its kind's default for the customer. None if the account is not this customer's."""
        now = self._now()
        with self.transaction() as db:
            row = self._account_row(account_id)
            if row is None or row["customer_id"] != customer_id:
                return None
            db.execute("UPDATE accounts SET is_default=0, last_modified=? WHERE customer_id=? AND kind=? "
                       "AND is_default=1 AND id<>?", (now, customer_id, row["kind"], account_id))
            db.execute("UPDATE accounts SET is_default=1, last_modified=? WHERE id=?", (now, account_id))
            return self._account_out(self._account_row(account_id))

    @staticmethod
    def _account_out(row: sqlite3.Row) -> dict[str, Any]:
        masked = mask_number("0" * (row["number_len"] - 4) + row["last4"])
        common = {"Id": row["id"], "CustomerId": row["customer_id"], "IsDefault": bool(row["is_default"]),
                  "CreatedOn": api_time(row["created_on"]), "LastModified": api_time(row["last_modified"])}
        if row["kind"] == "CC":
            return {**common, "CreditCardNumber": masked, "ExpirationDate": row["expiration"],
                    "Issuer": row["issuer"], "BillingZipCode": row["billing_zip"]}
        return {**common, "RoutingNumber": row["routing"], "AccountNumber": masked, "BankName": row["bank_name"],
                "IsCheckingAccount": bool(row["is_checking"])}

    # --- payments ---------------------------------------------------------------------------------------

    def insert_payment(self, values: Mapping[str, Any], consume_token: str | None = None) -> int | None:
        """Insert a payment row (schema columns); returns its id. With ``consume_token`` the payment token is
        marked used in the same transaction; None (and nothing written) if it was already used."""
        now = self._now()
        row = {"created_on": now, "last_modified": now, **values}
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self.transaction() as db:
            if consume_token is not None:
                used = db.execute("UPDATE payment_tokens SET used_at=? WHERE token=? AND used_at IS NULL",
                                  (now, consume_token))
                if used.rowcount != 1:
                    return None
            return db.execute(f"INSERT INTO payments({cols}) VALUES ({marks})", tuple(row.values())).lastrowid

    def void_payment(self, payment_id: int) -> bool:
        """Mark an open payment Voided (False if it is no longer open); a voided refund credit puts its
        original back to Settled."""
        now = self._now()
        with self.transaction() as db:
            row = db.execute("SELECT is_refund, reference_id FROM payments WHERE id=?", (payment_id,)).fetchone()
            cur = db.execute("UPDATE payments SET status='Voided', settle_at=NULL, estimated_settle_date=NULL, "
                             "last_modified=? WHERE id=? AND status IN ('Authorized', 'Posted', 'ReversePosted')",
                             (now, payment_id))
            if cur.rowcount != 1:
                return False
            if row["is_refund"] and row["reference_id"]:
                db.execute("UPDATE payments SET status='Settled', reference_id=0, last_modified=? "
                           "WHERE id=? AND status='Reversed'", (now, row["reference_id"]))
            return True

    def reverse_payment(self, payment_id: int, credit: Mapping[str, Any]) -> int | None:
        """Original Settled → Reversed and insert the credit, cross-linked, atomically. None if not Settled."""
        now = self._now()
        row = {"created_on": now, "last_modified": now, **credit}
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self.transaction() as db:
            cur = db.execute("UPDATE payments SET status='Reversed', last_modified=? WHERE id=? AND status='Settled'",
                             (now, payment_id))
            if cur.rowcount != 1:
                return None
            credit_id = db.execute(f"INSERT INTO payments({cols}) VALUES ({marks})", tuple(row.values())).lastrowid
            db.execute("UPDATE payments SET reference_id=? WHERE id=?", (credit_id, payment_id))
            return credit_id

    def update_payment(self, payment_id: int, **values: Any) -> None:
        values = {**values, "last_modified": self._now()}
        sets = ", ".join(f"{col}=?" for col in values)
        with self.transaction() as db:
            db.execute(f"UPDATE payments SET {sets} WHERE id=?", (*values.values(), payment_id))

    def payment_row(self, payment_id: int) -> sqlite3.Row | None:
        with self._lock:
            return self._db.execute("SELECT * FROM payments WHERE id=?", (payment_id,)).fetchone()

    def settle_due(self, now: datetime) -> int:
        """Settle every open payment whose settlement time has come; returns how many changed."""
        stamp = db_time(now)
        with self._lock:        # cheap check first (partial index): most requests have nothing to settle
            due = self._db.execute(
                "SELECT 1 FROM payments WHERE status IN ('Authorized', 'Posted', 'ReversePosted') "
                "AND settle_at IS NOT NULL AND settle_at<=? LIMIT 1", (stamp,)).fetchone()
        if due is None:
            return 0
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE payments SET status=CASE WHEN is_refund=1 THEN 'RefundSettled' ELSE 'Settled' END, "
                "actual_settled_date=settle_at, last_modified=? "
                "WHERE status IN ('Authorized', 'Posted', 'ReversePosted') AND settle_at IS NOT NULL AND settle_at<=?",
                (stamp, stamp))
            return cur.rowcount

    def get_payment(self, payment_id: int) -> dict[str, Any] | None:
        rows = self._payment_rows("p.id=?", (payment_id,))
        return rows[0] if rows else None

    def list_payments(self, *, customer_id: int | None = None, start: date | None = None, end: date | None = None,
                      statuses: list[str] | None = None, sort_by: str = "paymentid", direction: str = "ASC",
                      page: int = 1, page_size: int = 200) -> tuple[list[dict[str, Any]], int]:
        """One page of payments and the total. Dates filter the PaymentDate's US/Eastern calendar day."""
        where, args = ["1=1"], []
        if customer_id is not None:
            where.append("p.customer_id=?")
            args.append(customer_id)
        lo, hi = eastern_day_bounds(start, end)
        if lo:
            where.append("p.payment_date>=?")
            args.append(lo)
        if hi:
            where.append("p.payment_date<?")
            args.append(hi)
        if statuses:
            where.append(f"lower(p.status) IN ({', '.join('?' for _ in statuses)})")
            args += [s.lower() for s in statuses]
        clause = " AND ".join(where)
        order = PAYMENT_SORT[sort_by.lower()]
        desc = "DESC" if direction.upper() == "DESC" else "ASC"
        with self._lock:
            total = self._db.execute(f"SELECT COUNT(*) FROM payments p WHERE {clause}", args).fetchone()[0]
        items = self._payment_rows(clause + f" ORDER BY {order} {desc}, p.id {desc} LIMIT ? OFFSET ?",
                                   (*args, page_size, (page - 1) * page_size))
        return items, total

    def _payment_rows(self, clause: str, args: tuple[Any, ...] | list[Any]) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT p.*, c.first_name, c.last_name, c.company FROM payments p "
                f"LEFT JOIN customers c ON c.id=p.customer_id WHERE {clause}", args).fetchall()
        return [self._payment_out(r) for r in rows]

    @staticmethod
    def _payment_out(row: sqlite3.Row) -> dict[str, Any]:
        receipts = {"SendToCustomer": False, "SendToOtherAddresses": []}
        return {
            "Id": row["id"], "Status": row["status"], "ProviderAuthCode": row["provider_auth_code"],
            "TraceNumber": row["trace_number"],
            "FailureData": json.loads(row["failure"]) if row["failure"] else None,
            "CustomerId": row["customer_id"], "CustomerFirstName": row["first_name"],
            "CustomerLastName": row["last_name"], "CustomerCompany": row["company"],
            "ReferenceId": row["reference_id"], "RecurringScheduleId": 0, "PaymentType": row["kind"],
            "PaymentSubType": row["sub_type"], "PaymentDate": api_time(row["payment_date"]),
            "ReturnDate": api_time(row["return_date"]),
            "EstimatedSettleDate": api_time(row["estimated_settle_date"]),
            "ActualSettledDate": api_time(row["actual_settled_date"]),
            "CanVoidUntil": api_time(row["can_void_until"]), "AccountId": row["account_id"],
            "InvoiceId": row["invoice_id"], "Amount": cents_to_decimal(row["amount_cents"]),
            "IsDebit": bool(row["is_debit"]), "InvoiceNumber": row["invoice_number"],
            "PurchaseOrderNumber": row["purchase_order_number"], "OrderId": row["order_id"],
            "Description": row["description"],
            "Latitude": Decimal(row["latitude"]) if row["latitude"] is not None else None,
            "Longitude": Decimal(row["longitude"]) if row["longitude"] is not None else None,
            "SuccessReceiptOptions": json.loads(row["success_receipt"]) if row["success_receipt"] else receipts,
            "FailureReceiptOptions": json.loads(row["failure_receipt"]) if row["failure_receipt"] else receipts,
            "CreatedOn": api_time(row["created_on"]), "LastModified": api_time(row["last_modified"]),
        }

    def count_payments(self, **filters: Any) -> int:
        return self.list_payments(page_size=1, **filters)[1]

    # --- payment tokens ---------------------------------------------------------------------------------

    def insert_payment_token(self, token: str, customer_id: int, account_id: int, expires_at: datetime) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO payment_tokens(token, customer_id, account_id, expires_at) VALUES (?, ?, ?, ?)",
                       (token, customer_id, account_id, db_time(expires_at)))

    def payment_token_row(self, token: str) -> sqlite3.Row | None:
        with self._lock:
            return self._db.execute("SELECT * FROM payment_tokens WHERE token=?", (token,)).fetchone()

    def mark_payment_token_used(self, token: str, when: datetime) -> bool:
        """Atomically mark an unused token used; False if it was already used."""
        with self.transaction() as db:
            cur = db.execute("UPDATE payment_tokens SET used_at=? WHERE token=? AND used_at IS NULL",
                             (db_time(when), token))
            return cur.rowcount == 1


def _clean(value: Any) -> Any:
    """Strip text and turn empty text into None; other values pass through."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value
