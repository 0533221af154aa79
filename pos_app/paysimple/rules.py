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

from pos_app.i18n_keys import N_, Message
from pos_app.text_safety import describe as describe_char
from pos_app.text_safety import first_unsafe

MAX_AMOUNT = Decimal("2000000.00")
CENT = Decimal("0.01")

ISSUER_CODES = {"Visa": 12, "Master": 13, "Amex": 14, "Discover": 15}
ISSUER_BY_CODE = {code: name for name, code in ISSUER_CODES.items()}


@dataclass(frozen=True)
class FieldMessage:
    """One problem with one field. ``field`` is the API's PascalCase name (may be "" for the whole body).
    ``message`` is English text; the rules below make it a ``pos_app.i18n_keys.Message`` (a str that screens
    translate); PaySimple's own answers carry plain text."""

    field: str
    message: str


# --- what the rules say (``pos_app.i18n_keys``: English here, translated by the screens) --------------------

REQUIRED = N_("PaySimpleRules", "%1 is required.")
MUST_BE_TEXT = N_("PaySimpleRules", "%1 must be text.")
UNSAFE = N_("PaySimpleRules", "%1 contains a control or invisible formatting character, %2, at character %3: "
                              "remove it and type the text again.")
TOO_LONG = N_("PaySimpleRules", "%1 must be %2 characters or fewer.")
TOO_SHORT = N_("PaySimpleRules", "%1 must be at least %2 characters.")
ZIP_LENGTH = N_("PaySimpleRules", "%1 must be 5 to 10 characters.")
STATE_CODE = N_("PaySimpleRules", "%1 must be a 2-letter code such as CO.")
COUNTRY_CODE = N_("PaySimpleRules", "%1 must be a 2-letter code such as US.")
PHONE_DIGITS = N_("PaySimpleRules", "%1 must be digits only, at most 10 (for example 3035550100).")
EMAIL_INVALID = N_("PaySimpleRules", "%1 is not a valid email address (name@example.com).")
BOOL_FIELD = N_("PaySimpleRules", "%1 must be true or false.")
ISSUER_MISMATCH = N_("PaySimpleRules", "Issuer %1 does not match the card number (%2).")
BETWEEN = N_("PaySimpleRules", "%1 must be a number between -%2 and %2.")
CVV_DIGITS = N_("PaySimpleRules", "CVV must be %1 digits.")

#: Field names as the messages say them.
LABELS: dict[str, Message] = {
    "FirstName": N_("PaySimpleRules", "First name"), "LastName": N_("PaySimpleRules", "Last name"),
    "MiddleName": N_("PaySimpleRules", "Middle name"), "Company": N_("PaySimpleRules", "Company"),
    "CustomerAccount": N_("PaySimpleRules", "Customer account"), "Phone": N_("PaySimpleRules", "Phone"),
    "AltPhone": N_("PaySimpleRules", "Alternate phone"), "MobilePhone": N_("PaySimpleRules", "Mobile phone"),
    "Fax": N_("PaySimpleRules", "Fax"), "Email": N_("PaySimpleRules", "Email"),
    "AltEmail": N_("PaySimpleRules", "Alternate email"), "Website": N_("PaySimpleRules", "Website"),
    "Notes": N_("PaySimpleRules", "Notes"), "ShippingSameAsBilling": N_("PaySimpleRules", "Shipping same as billing"),
    "CreditCardNumber": N_("PaySimpleRules", "Card number"), "ExpirationDate": N_("PaySimpleRules", "Expiration date"),
    "BillingZipCode": N_("PaySimpleRules", "Billing ZIP code"), "RoutingNumber": N_("PaySimpleRules", "Routing number"),
    "AccountNumber": N_("PaySimpleRules", "Account number"), "BankName": N_("PaySimpleRules", "Bank name"),
    "IsCheckingAccount": N_("PaySimpleRules", "Is checking account"), "OrderId": N_("PaySimpleRules", "Order id"),
    "InvoiceNumber": N_("PaySimpleRules", "Invoice number"),
    "PurchaseOrderNumber": N_("PaySimpleRules", "Purchase order number"),
    "Description": N_("PaySimpleRules", "Description"), "Latitude": N_("PaySimpleRules", "Latitude"),
    "Longitude": N_("PaySimpleRules", "Longitude"), "CVV": N_("PaySimpleRules", "CVV"),
}
#: An address's field names, by the address they belong to ("" = an address on its own).
ADDRESS_LABELS: dict[str, dict[str, Message]] = {
    "": {"StreetAddress1": N_("PaySimpleRules", "Street address"),
         "StreetAddress2": N_("PaySimpleRules", "Street address line 2"), "City": N_("PaySimpleRules", "City"),
         "ZipCode": N_("PaySimpleRules", "ZIP code"), "StateCode": N_("PaySimpleRules", "State"),
         "Country": N_("PaySimpleRules", "Country")},
    "BillingAddress": {"StreetAddress1": N_("PaySimpleRules", "Billing street address"),
                       "StreetAddress2": N_("PaySimpleRules", "Billing street address line 2"),
                       "City": N_("PaySimpleRules", "Billing city"),
                       "ZipCode": N_("PaySimpleRules", "Billing ZIP code"),
                       "StateCode": N_("PaySimpleRules", "Billing state"),
                       "Country": N_("PaySimpleRules", "Billing country")},
    "ShippingAddress": {"StreetAddress1": N_("PaySimpleRules", "Shipping street address"),
                        "StreetAddress2": N_("PaySimpleRules", "Shipping street address line 2"),
                        "City": N_("PaySimpleRules", "Shipping city"),
                        "ZipCode": N_("PaySimpleRules", "Shipping ZIP code"),
                        "StateCode": N_("PaySimpleRules", "Shipping state"),
                        "Country": N_("PaySimpleRules", "Shipping country")},
}
NOT_AN_ADDRESS = {"": N_("PaySimpleRules", "The address must be an object."),
                  "BillingAddress": N_("PaySimpleRules", "Billing address must be an object."),
                  "ShippingAddress": N_("PaySimpleRules", "Shipping address must be an object.")}


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


def _text(data: Mapping[str, Any], key: str, label: Message, out: list[FieldMessage], *,
          required: bool = False, max_len: int | None = None, min_len: int | None = None) -> str | None:
    """Shared text check: type, presence, unsafe characters, length. Returns the stripped text (or None when
    missing or refused)."""
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            out.append(FieldMessage(key, REQUIRED.fill(label)))
        return None
    if not isinstance(value, str):
        out.append(FieldMessage(key, MUST_BE_TEXT.fill(label)))
        return None
    unsafe = first_unsafe(value, multiline=key in MULTILINE_FIELDS)
    if unsafe is not None:
        out.append(FieldMessage(key, UNSAFE.fill(label, describe_char(unsafe[1]), unsafe[0] + 1)))
        return None
    if max_len is not None and len(value) > max_len:
        out.append(FieldMessage(key, TOO_LONG.fill(label, max_len)))
    if min_len is not None and len(value.strip()) < min_len:
        out.append(FieldMessage(key, TOO_SHORT.fill(label, min_len)))
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
    labels = ADDRESS_LABELS.get(prefix, ADDRESS_LABELS[""])
    if not isinstance(address, Mapping):
        return [FieldMessage(prefix, NOT_AN_ADDRESS.get(prefix, NOT_AN_ADDRESS[""]))]
    out: list[FieldMessage] = []
    _text(address, "StreetAddress1", labels["StreetAddress1"], out, required=True, max_len=100)
    _text(address, "StreetAddress2", labels["StreetAddress2"], out, max_len=100)
    _text(address, "City", labels["City"], out, required=True, max_len=100)
    zip_code = _text(address, "ZipCode", labels["ZipCode"], out, required=True)
    if zip_code is not None and not 5 <= len(zip_code) <= 10:
        out.append(FieldMessage("ZipCode", ZIP_LENGTH.fill(labels["ZipCode"])))
    state = _text(address, "StateCode", labels["StateCode"], out)
    if state is not None and not _LETTERS2.match(state):
        out.append(FieldMessage("StateCode", STATE_CODE.fill(labels["StateCode"])))
    country = _text(address, "Country", labels["Country"], out)
    if country is not None and not _LETTERS2.match(country):
        out.append(FieldMessage("Country", COUNTRY_CODE.fill(labels["Country"])))
    return _prefixed(prefix, out)


def validate_customer(data: Mapping[str, Any]) -> list[FieldMessage]:
    """Rules for a Customer body (POST/PUT /customer)."""
    if not isinstance(data, Mapping):
        return [FieldMessage("", N_("PaySimpleRules", "The customer must be a JSON object."))]
    out: list[FieldMessage] = []
    _text(data, "FirstName", LABELS["FirstName"], out, required=True, max_len=100)
    _text(data, "LastName", LABELS["LastName"], out, required=True, max_len=100)
    _text(data, "MiddleName", LABELS["MiddleName"], out, max_len=100)
    _text(data, "Company", LABELS["Company"], out, max_len=50)
    _text(data, "CustomerAccount", LABELS["CustomerAccount"], out, max_len=28)
    for key in ("Phone", "AltPhone", "MobilePhone", "Fax"):
        phone = _text(data, key, LABELS[key], out)
        if phone is not None and (not phone.isdigit() or not phone.isascii() or len(phone) > 10):
            out.append(FieldMessage(key, PHONE_DIGITS.fill(LABELS[key])))
    for key in ("Email", "AltEmail"):
        email = _text(data, key, LABELS[key], out, max_len=100)
        if email is not None and not _EMAIL.match(email):
            out.append(FieldMessage(key, EMAIL_INVALID.fill(LABELS[key])))
    website = _text(data, "Website", LABELS["Website"], out, max_len=100)
    if website is not None and any(ch.isspace() for ch in website):
        out.append(FieldMessage("Website", N_("PaySimpleRules", "Website must not contain spaces.")))
    _text(data, "Notes", LABELS["Notes"], out, max_len=2048)

    same = data.get("ShippingSameAsBilling")
    if same is not None and not _is_bool_like(same):
        out.append(FieldMessage("ShippingSameAsBilling", BOOL_FIELD.fill(LABELS["ShippingSameAsBilling"])))
    if data.get("BillingAddress") is not None:
        out += validate_address(data["BillingAddress"], "BillingAddress")
    shipping = data.get("ShippingAddress")
    if not _bool_value(same, default=True) and shipping is None:
        out.append(FieldMessage("ShippingAddress", N_("PaySimpleRules", "Shipping address is required when it is "
                                                                        "not the same as billing.")))
    if shipping is not None and not _bool_value(same, default=True):
        out += validate_address(shipping, "ShippingAddress")
    return out


def validate_credit_card(data: Mapping[str, Any], today: date | None = None) -> list[FieldMessage]:
    """Rules for a CreditCard account body. ``today`` decides whether the expiry is past (default: date.today())."""
    if not isinstance(data, Mapping):
        return [FieldMessage("", N_("PaySimpleRules", "The card must be a JSON object."))]
    out: list[FieldMessage] = []
    number = _text(data, "CreditCardNumber", LABELS["CreditCardNumber"], out, required=True)
    brand = None
    if number is not None:
        if not number.isdigit() or not number.isascii():
            out.append(FieldMessage("CreditCardNumber", N_("PaySimpleRules", "Card number must contain digits only.")))
        elif not 12 <= len(number) <= 19:
            out.append(FieldMessage("CreditCardNumber", N_("PaySimpleRules", "Card number must be 12 to 19 digits.")))
        elif not luhn_ok(number):
            out.append(FieldMessage("CreditCardNumber", N_("PaySimpleRules", "Card number is not valid (check the "
                                                                             "digits).")))
        else:
            brand = card_brand(number)
            if brand is None:
                out.append(FieldMessage("CreditCardNumber",
                                        N_("PaySimpleRules", "Card type not accepted: use Visa, MasterCard, American "
                                                             "Express or Discover.")))
    expiry = _text(data, "ExpirationDate", LABELS["ExpirationDate"], out, required=True)
    if expiry is not None:
        m = _EXPIRY.match(expiry)
        if not m or not 1 <= int(m.group(1)) <= 12:
            out.append(FieldMessage("ExpirationDate", N_("PaySimpleRules", "Expiration date must be MM/YYYY, for "
                                                                           "example 08/2029.")))
        else:
            today = today or date.today()
            if (int(m.group(2)), int(m.group(1))) < (today.year, today.month):
                out.append(FieldMessage("ExpirationDate", N_("PaySimpleRules", "The card has expired.")))
    if data.get("Issuer") is not None:
        given = issuer_name(data["Issuer"])
        if given is None:
            out.append(FieldMessage("Issuer", N_("PaySimpleRules", "Issuer must be Visa, Master, Amex or Discover (or "
                                                                   "12-15).")))
        elif brand is not None and given != brand:
            out.append(FieldMessage("Issuer", ISSUER_MISMATCH.fill(given, brand)))
    _text(data, "BillingZipCode", LABELS["BillingZipCode"], out, max_len=10)
    return out


def validate_ach(data: Mapping[str, Any]) -> list[FieldMessage]:
    """Rules for an ACH (bank) account body."""
    if not isinstance(data, Mapping):
        return [FieldMessage("", N_("PaySimpleRules", "The bank account must be a JSON object."))]
    out: list[FieldMessage] = []
    routing = _text(data, "RoutingNumber", LABELS["RoutingNumber"], out, required=True)
    if routing is not None:
        if len(routing) != 9 or not routing.isdigit() or not routing.isascii():
            out.append(FieldMessage("RoutingNumber", N_("PaySimpleRules", "Routing number must be exactly 9 digits.")))
        elif not aba_ok(routing):
            out.append(FieldMessage("RoutingNumber", N_("PaySimpleRules", "Invalid Routing Number.")))
    account = _text(data, "AccountNumber", LABELS["AccountNumber"], out, required=True)
    if account is not None and (not account.isdigit() or not account.isascii() or not 2 <= len(account) <= 50):
        out.append(FieldMessage("AccountNumber", N_("PaySimpleRules", "Account number must be 2 to 50 digits.")))
    _text(data, "BankName", LABELS["BankName"], out, required=True, max_len=100)
    checking = data.get("IsCheckingAccount")
    if checking is not None and not _is_bool_like(checking):
        out.append(FieldMessage("IsCheckingAccount", BOOL_FIELD.fill(LABELS["IsCheckingAccount"])))
    return out


def validate_amount(value: Any, field: str = "Amount") -> list[FieldMessage]:
    """Amount > 0 and ≤ 2,000,000.00 after rounding to the cent."""
    amount = round_amount(value)
    if amount is None:
        return [FieldMessage(field, N_("PaySimpleRules", "Amount is required and must be a number, for example "
                                                         "12.50."))]
    if amount <= 0:
        return [FieldMessage(field, N_("PaySimpleRules", "Amount must be greater than 0.00."))]
    if amount > MAX_AMOUNT:
        return [FieldMessage(field, N_("PaySimpleRules", "Amount must not be more than 2,000,000.00."))]
    return []


def validate_payment(data: Mapping[str, Any], issuer: str | None = None) -> list[FieldMessage]:
    """Rules for a POST /payment body other than the account lookup (the gateway checks AccountId exists)."""
    if not isinstance(data, Mapping):
        return [FieldMessage("", N_("PaySimpleRules", "The payment must be a JSON object."))]
    out: list[FieldMessage] = []
    account_id = data.get("AccountId")
    if isinstance(account_id, bool) or not isinstance(account_id, int) or account_id <= 0:
        if not (isinstance(account_id, str) and account_id.strip().isdigit() and int(account_id) > 0):
            out.append(FieldMessage("AccountId", N_("PaySimpleRules", "Account id is required (a positive whole "
                                                                      "number).")))
    out += validate_amount(data.get("Amount"))
    for key in ("OrderId", "InvoiceNumber", "PurchaseOrderNumber"):
        _text(data, key, LABELS[key], out, max_len=50)
    _text(data, "Description", LABELS["Description"], out, max_len=2048)
    for key, limit in (("Latitude", 90), ("Longitude", 180)):
        value = data.get(key)
        if value is None:
            continue
        number = None if isinstance(value, bool) else round_amount(value)
        if number is None or abs(Decimal(str(value))) > limit:
            out.append(FieldMessage(key, BETWEEN.fill(LABELS[key], limit)))
    cvv = _text(data, "CVV", LABELS["CVV"], out)
    if cvv is not None:
        want = 4 if issuer == "Amex" else 3
        if not cvv.isdigit() or len(cvv) != want:
            out.append(FieldMessage("CVV", CVV_DIGITS.fill(want)))
    return out
