"""PaySimple API v4 validation rules as plain functions (no I/O, no Qt).

Each ``validate_*`` function takes a request body shaped like the API's JSON (PascalCase keys) and returns a
list of :class:`FieldMessage`; an empty list means valid. The training gateway answers 400 ``InvalidInput``
with exactly these messages, and the customer directory uses them to check counter edits before sending.
Messages are safe to show to a clerk: they name the field and say what is expected, never echo a full
card or bank number.

Decisions (reference §4 marks several limits [D]/[?]; we follow the public docs where they disagree with the
.NET SDK's validators):
- Names (First/Last/Middle) ≤ 100 characters (docs; the SDK allows 150). First and last are required.
- Phones (Phone, AltPhone, MobilePhone, Fax): digits only, at most 10. Use :func:`phone_digits` to turn
  "(303) 555-0100" into "3035550100" before validating input typed at the counter.
- Emails: ``local@domain.tld`` without spaces, ≤ 100. Website ≤ 100 without spaces (no URL scheme required).
- Address, when present: StreetAddress1, City and ZipCode required; ZipCode 5–10 characters of any kind;
  StateCode, when given, 2 letters; Country, when given, 2 letters. Street lines and City ≤ 100 (undocumented
  limit, our choice). ShippingAddress is required when ShippingSameAsBilling is explicitly false
  (missing means true, the API default).
- Credit card: digits only, 12–19 long, Luhn-valid, brand Visa/MasterCard/Amex/Discover. ExpirationDate
  "MM/YYYY", not before the current month (a card is valid through the end of its month). Issuer is optional
  on input (derived from the number when absent); when given it may be the code (12–15, int or numeric
  string) or the name (Visa/Master/Amex/Discover, any case), and must agree with the number.
  BillingZipCode optional, ≤ 10.
- ACH: RoutingNumber exactly 9 digits with a valid ABA checksum; AccountNumber 2–50 digits (docs; the SDK
  says 4–100); BankName required ≤ 100; IsCheckingAccount, when given, a boolean.
- Amount: a number (not a boolean), rounded half-up to the cent first (docs: "more than 2 decimals are
  rounded"), then it must be > 0 and ≤ 2,000,000.00. So 0.004 is rejected and 2000000.004 is accepted.
- Payment extras: OrderId, InvoiceNumber, PurchaseOrderNumber ≤ 50; Description ≤ 2048; CVV 3 digits
  (4 for Amex, which the caller tells us by passing the account's issuer); Latitude −90…90, Longitude
  −180…180 when given.
- Every text field refuses control characters, line/paragraph separators, bidi overrides/isolates and other
  invisible format characters (``pos_app.text_safety``; docs/decisions/0140): a name must not be able to
  forge a receipt line or reorder one. Only the free-text fields ``Notes`` (customer) and ``Description``
  (payment) may hold line breaks and tabs. The raw value is checked (before trimming), and the message names
  the character and its position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pos_app.text_safety import problem as unsafe_problem

MAX_AMOUNT = Decimal("2000000.00")
CENT = Decimal("0.01")

ISSUER_CODES = {"Visa": 12, "Master": 13, "Amex": 14, "Discover": 15}
ISSUER_BY_CODE = {code: name for name, code in ISSUER_CODES.items()}


@dataclass(frozen=True)
class FieldMessage:
    """One problem with one field. ``field`` is the API's PascalCase name (may be "" for the whole body)."""

    field: str
    message: str


# --- small checks -----------------------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EXPIRY = re.compile(r"^(\d{2})/(\d{4})$")
_LETTERS2 = re.compile(r"^[A-Za-z]{2}$")
MULTILINE_FIELDS = frozenset({"Notes", "Description"})  # free text: line breaks and tabs allowed


def luhn_ok(number: str) -> bool:
    """True when ``number`` is all digits (at least 2) and passes the Luhn checksum."""
    if not isinstance(number, str) or len(number) < 2 or not number.isdigit() or not number.isascii():
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def aba_ok(routing: str) -> bool:
    """True when ``routing`` is 9 digits with a valid ABA checksum (3-7-1 weights, sum divisible by 10)."""
    if not isinstance(routing, str) or len(routing) != 9 or not routing.isdigit() or not routing.isascii():
        return False
    d = [int(c) for c in routing]
    total = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])
    return total % 10 == 0


def card_brand(number: str) -> str | None:
    """PaySimple issuer name for a card number by its prefix: "Visa", "Master", "Amex", "Discover" or None."""
    if not isinstance(number, str) or not number.isdigit():
        return None
    n = len(number)
    if number.startswith("4") and n in (13, 16, 19):
        return "Visa"
    if n == 16 and (51 <= int(number[:2]) <= 55 or 2221 <= int(number[:4]) <= 2720):
        return "Master"
    if n == 15 and number[:2] in ("34", "37"):
        return "Amex"
    if n in (16, 19) and (
        number.startswith("6011")
        or number.startswith("65")
        or 644 <= int(number[:3]) <= 649
        or 622126 <= int(number[:6]) <= 622925
    ):
        return "Discover"
    return None


def issuer_name(value: Any) -> str | None:
    """Normalise an Issuer given as code (12, "12") or name ("visa") to the API name; None if unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return ISSUER_BY_CODE.get(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return ISSUER_BY_CODE.get(int(text))
        for name in ISSUER_CODES:
            if name.lower() == text.lower() or (name == "Master" and text.lower() == "mastercard"):
                return name
    return None


def phone_digits(text: str) -> str:
    """Keep only the digits of a phone typed with spaces, dashes, dots or parentheses."""
    return "".join(ch for ch in text if ch.isdigit())


def mask_number(number: str) -> str:
    """``*`` for every character but the last four, the way PaySimple returns card and account numbers."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


def round_amount(value: Any) -> Decimal | None:
    """The amount as a Decimal rounded half-up to the cent, or None if it is not a number. A number too large
    to carry cents (more than 28 digits) comes back unrounded, so the range check still rejects it."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:       # too many digits to hold cents: far beyond any limit, keep it as is
        return amount


def _text(data: Mapping[str, Any], key: str, label: str, out: list[FieldMessage], *,
          required: bool = False, max_len: int | None = None, min_len: int | None = None) -> str | None:
    """Shared text check: type, presence, unsafe characters, length. Returns the stripped text (or None when
    missing or refused)."""
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            out.append(FieldMessage(key, f"{label} is required."))
        return None
    if not isinstance(value, str):
        out.append(FieldMessage(key, f"{label} must be text."))
        return None
    unsafe = unsafe_problem(value, multiline=key in MULTILINE_FIELDS)
    if unsafe is not None:
        out.append(FieldMessage(key, f"{label} {unsafe}."))
        return None
    if max_len is not None and len(value) > max_len:
        out.append(FieldMessage(key, f"{label} must be {max_len} characters or fewer."))
    if min_len is not None and len(value.strip()) < min_len:
        out.append(FieldMessage(key, f"{label} must be at least {min_len} characters."))
    return value.strip()


def _prefixed(prefix: str, messages: list[FieldMessage]) -> list[FieldMessage]:
    return [FieldMessage(f"{prefix}.{m.field}" if prefix else m.field, m.message) for m in messages]


def _is_bool_like(value: Any) -> bool:
    return isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in ("true", "false"))


def _bool_value(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


# --- objects ----------------------------------------------------------------------------------------------

def validate_address(address: Any, prefix: str = "") -> list[FieldMessage]:
    """Rules for BillingAddress/ShippingAddress; ``prefix`` (e.g. "BillingAddress") is put before field names."""
    label_prefix = {"BillingAddress": "Billing ", "ShippingAddress": "Shipping "}.get(prefix, "")
    if not isinstance(address, Mapping):
        return [FieldMessage(prefix, f"{label_prefix or 'The '}address must be an object.")]
    out: list[FieldMessage] = []
    _text(address, "StreetAddress1", f"{label_prefix}street address", out, required=True, max_len=100)
    _text(address, "StreetAddress2", f"{label_prefix}street address line 2", out, max_len=100)
    _text(address, "City", f"{label_prefix}city", out, required=True, max_len=100)
    zip_code = _text(address, "ZipCode", f"{label_prefix}ZIP code", out, required=True)
    if zip_code is not None and not 5 <= len(zip_code) <= 10:
        out.append(FieldMessage("ZipCode", f"{label_prefix}ZIP code must be 5 to 10 characters."))
    state = _text(address, "StateCode", f"{label_prefix}state", out)
    if state is not None and not _LETTERS2.match(state):
        out.append(FieldMessage("StateCode", f"{label_prefix}state must be a 2-letter code such as CO."))
    country = _text(address, "Country", f"{label_prefix}country", out)
    if country is not None and not _LETTERS2.match(country):
        out.append(FieldMessage("Country", f"{label_prefix}country must be a 2-letter code such as US."))
    out = [FieldMessage(m.field, m.message[:1].upper() + m.message[1:]) for m in out]
    return _prefixed(prefix, out)


def validate_customer(data: Mapping[str, Any]) -> list[FieldMessage]:
    """Rules for a Customer body (POST/PUT /customer)."""
    if not isinstance(data, Mapping):
        return [FieldMessage("", "The customer must be a JSON object.")]
    out: list[FieldMessage] = []
    _text(data, "FirstName", "First name", out, required=True, max_len=100)
    _text(data, "LastName", "Last name", out, required=True, max_len=100)
    _text(data, "MiddleName", "Middle name", out, max_len=100)
    _text(data, "Company", "Company", out, max_len=50)
    _text(data, "CustomerAccount", "Customer account", out, max_len=28)
    for key, label in (("Phone", "Phone"), ("AltPhone", "Alternate phone"),
                       ("MobilePhone", "Mobile phone"), ("Fax", "Fax")):
        phone = _text(data, key, label, out)
        if phone is not None and (not phone.isdigit() or not phone.isascii() or len(phone) > 10):
            out.append(FieldMessage(key, f"{label} must be digits only, at most 10 (for example 3035550100)."))
    for key, label in (("Email", "Email"), ("AltEmail", "Alternate email")):
        email = _text(data, key, label, out, max_len=100)
        if email is not None and not _EMAIL.match(email):
            out.append(FieldMessage(key, f"{label} is not a valid email address (name@example.com)."))
    website = _text(data, "Website", "Website", out, max_len=100)
    if website is not None and any(ch.isspace() for ch in website):
        out.append(FieldMessage("Website", "Website must not contain spaces."))
    _text(data, "Notes", "Notes", out, max_len=2048)

    same = data.get("ShippingSameAsBilling")
    if same is not None and not _is_bool_like(same):
        out.append(FieldMessage("ShippingSameAsBilling", "Shipping same as billing must be true or false."))
    if data.get("BillingAddress") is not None:
        out += validate_address(data["BillingAddress"], "BillingAddress")
    shipping = data.get("ShippingAddress")
    if not _bool_value(same, default=True) and shipping is None:
        out.append(FieldMessage("ShippingAddress",
                                "Shipping address is required when it is not the same as billing."))
    if shipping is not None and not _bool_value(same, default=True):
        out += validate_address(shipping, "ShippingAddress")
    return out


def validate_credit_card(data: Mapping[str, Any], today: date | None = None) -> list[FieldMessage]:
    """Rules for a CreditCard account body. ``today`` decides whether the expiry is past (default: date.today())."""
    if not isinstance(data, Mapping):
        return [FieldMessage("", "The card must be a JSON object.")]
    out: list[FieldMessage] = []
    number = _text(data, "CreditCardNumber", "Card number", out, required=True)
    brand = None
    if number is not None:
        if not number.isdigit() or not number.isascii():
            out.append(FieldMessage("CreditCardNumber", "Card number must contain digits only."))
        elif not 12 <= len(number) <= 19:
            out.append(FieldMessage("CreditCardNumber", "Card number must be 12 to 19 digits."))
        elif not luhn_ok(number):
            out.append(FieldMessage("CreditCardNumber", "Card number is not valid (check the digits)."))
        else:
            brand = card_brand(number)
            if brand is None:
                out.append(FieldMessage("CreditCardNumber",
                                        "Card type not accepted: use Visa, MasterCard, American Express or Discover."))
    expiry = _text(data, "ExpirationDate", "Expiration date", out, required=True)
    if expiry is not None:
        m = _EXPIRY.match(expiry)
        if not m or not 1 <= int(m.group(1)) <= 12:
            out.append(FieldMessage("ExpirationDate", "Expiration date must be MM/YYYY, for example 08/2029."))
        else:
            today = today or date.today()
            if (int(m.group(2)), int(m.group(1))) < (today.year, today.month):
                out.append(FieldMessage("ExpirationDate", "The card has expired."))
    if data.get("Issuer") is not None:
        given = issuer_name(data["Issuer"])
        if given is None:
            out.append(FieldMessage("Issuer", "Issuer must be Visa, Master, Amex or Discover (or 12-15)."))
        elif brand is not None and given != brand:
            out.append(FieldMessage("Issuer", f"Issuer {given} does not match the card number ({brand})."))
    _text(data, "BillingZipCode", "Billing ZIP code", out, max_len=10)
    return out


def validate_ach(data: Mapping[str, Any]) -> list[FieldMessage]:
    """Rules for an ACH (bank) account body."""
    if not isinstance(data, Mapping):
        return [FieldMessage("", "The bank account must be a JSON object.")]
    out: list[FieldMessage] = []
    routing = _text(data, "RoutingNumber", "Routing number", out, required=True)
    if routing is not None:
        if len(routing) != 9 or not routing.isdigit() or not routing.isascii():
            out.append(FieldMessage("RoutingNumber", "Routing number must be exactly 9 digits."))
        elif not aba_ok(routing):
            out.append(FieldMessage("RoutingNumber", "Invalid Routing Number."))
    account = _text(data, "AccountNumber", "Account number", out, required=True)
    if account is not None and (not account.isdigit() or not account.isascii() or not 2 <= len(account) <= 50):
        out.append(FieldMessage("AccountNumber", "Account number must be 2 to 50 digits."))
    _text(data, "BankName", "Bank name", out, required=True, max_len=100)
    checking = data.get("IsCheckingAccount")
    if checking is not None and not _is_bool_like(checking):
        out.append(FieldMessage("IsCheckingAccount", "Is checking account must be true or false."))
    return out


def validate_amount(value: Any, field: str = "Amount") -> list[FieldMessage]:
    """Amount > 0 and ≤ 2,000,000.00 after rounding to the cent."""
    amount = round_amount(value)
    if amount is None:
        return [FieldMessage(field, "Amount is required and must be a number, for example 12.50.")]
    if amount <= 0:
        return [FieldMessage(field, "Amount must be greater than 0.00.")]
    if amount > MAX_AMOUNT:
        return [FieldMessage(field, "Amount must not be more than 2,000,000.00.")]
    return []


def validate_payment(data: Mapping[str, Any], issuer: str | None = None) -> list[FieldMessage]:
    """Rules for a POST /payment body other than the account lookup (the gateway checks AccountId exists)."""
    if not isinstance(data, Mapping):
        return [FieldMessage("", "The payment must be a JSON object.")]
    out: list[FieldMessage] = []
    account_id = data.get("AccountId")
    if isinstance(account_id, bool) or not isinstance(account_id, int) or account_id <= 0:
        if not (isinstance(account_id, str) and account_id.strip().isdigit() and int(account_id) > 0):
            out.append(FieldMessage("AccountId", "Account id is required (a positive whole number)."))
    out += validate_amount(data.get("Amount"))
    for key, label in (("OrderId", "Order id"), ("InvoiceNumber", "Invoice number"),
                       ("PurchaseOrderNumber", "Purchase order number")):
        _text(data, key, label, out, max_len=50)
    _text(data, "Description", "Description", out, max_len=2048)
    for key, label, limit in (("Latitude", "Latitude", 90), ("Longitude", "Longitude", 180)):
        value = data.get(key)
        if value is None:
            continue
        number = None if isinstance(value, bool) else round_amount(value)
        if number is None or abs(Decimal(str(value))) > limit:
            out.append(FieldMessage(key, f"{label} must be a number between -{limit} and {limit}."))
    cvv = _text(data, "CVV", "CVV", out)
    if cvv is not None:
        want = 4 if issuer == "Amex" else 3
        if not cvv.isdigit() or len(cvv) != want:
            out.append(FieldMessage("CVV", f"CVV must be {want} digits."))
    return out
