"""Typed PaySimple objects (frozen dataclasses, snake_case) and their JSON mapping.

Reading (``*.from_json``): unknown extra keys are ignored; a missing or null REQUIRED key raises
``FormatProblem`` naming it (the client re-raises it as ``ResponseFormatError``). Optional keys that are
missing read as None. Money is ``Decimal``; times are tz-aware (see ``wire``).

Required keys (everything else is optional):
Customer: Id, FirstName, LastName. CreditCardAccount: Id, CustomerId, CreditCardNumber (masked),
ExpirationDate. AchAccount: Id, CustomerId, RoutingNumber, AccountNumber (masked). Payment: Id, Status, Amount.
Token: JwtToken.

Decisions (reference [I]/[?]):
- FailureData: null, or an object whose members are all null (seen on successful payments in 2013), reads
  as ``failure=None``. ``Code`` may arrive as a number or a string: normalised to ``str`` ("4005").
- Status is matched case-insensitively to the known names and returned in our canonical spelling
  (``ChargeBack`` -> ``Chargeback``, ``AUTHORIZED`` -> ``Authorized``); an unknown status is kept as sent.
- Issuer in responses may be a name or a code: normalised to the name (Visa, Master, Amex, Discover).
- An Address object whose members are all null reads as None. ShippingSameAsBilling missing/null reads as
  True (the API default).
- ``Customer.deleted`` is True when PaySimple answered 203 Non-Authoritative (soft-deleted customer).

Writing (inputs): ``CustomerInput``, ``CreditCardInput``, ``AchInput``, ``PaymentRequest`` build the PascalCase
request bodies. Their reprs hide card/bank numbers, CVV and payment tokens. Customer bodies send every key
(null for unset) because PUT /customer replaces the customer; card/ACH/payment bodies omit unset keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pos_app.paysimple.rules import ISSUER_CODES, card_brand, issuer_name
from pos_app.paysimple.wire import FormatProblem, parse_datetime, parse_decimal

T = TypeVar("T")


class PaymentStatus(StrEnum):
    PENDING = "Pending"
    POSTED = "Posted"
    SETTLED = "Settled"
    FAILED = "Failed"
    VOIDED = "Voided"
    REVERSED = "Reversed"
    REVERSE_POSTED = "ReversePosted"
    CHARGEBACK = "Chargeback"
    AUTHORIZED = "Authorized"
    RETURNED = "Returned"
    REVERSE_NSF = "ReverseNSF"
    REFUND_SETTLED = "RefundSettled"
    REQUIRES_ACTION = "RequiresAction"


_STATUS_BY_LOWER = {s.value.lower(): s.value for s in PaymentStatus}


def canonical_status(value: str) -> str:
    """Known statuses in our spelling, matched case-insensitively; unknown ones unchanged."""
    return _STATUS_BY_LOWER.get(value.strip().lower(), value)


# --- a small reader that names the field in every complaint ------------------------------------------------

class _Reader:
    def __init__(self, data: Any, what: str) -> None:
        if data is None:
            raise FormatProblem(f"{what} is missing (the reply holds null)")
        if not isinstance(data, Mapping):
            raise FormatProblem(f"{what} must be a JSON object, got {type(data).__name__}")
        self.data = data
        self.what = what

    def name(self, key: str) -> str:
        return f"{self.what}.{key}"

    def required(self, key: str) -> Any:
        value = self.data.get(key)
        if value is None or value == "":
            state = "missing" if key not in self.data else "empty"
            raise FormatProblem(f"required field {self.name(key)} is {state}")
        return value

    def int(self, key: str, required: bool = False) -> int | None:
        value = self.required(key) if required else self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise FormatProblem(f"{self.name(key)} must be a whole number, got a boolean")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        raise FormatProblem(f"{self.name(key)} must be a whole number, got {str(value)[:20]!r}")

    def req_int(self, key: str) -> int:
        value = self.int(key, required=True)
        assert value is not None
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if type(value) is str and value:  # fast path: most fields are plain non-empty text
            return value
        if required:
            value = self.required(key)
        if value is None:
            return None
        if isinstance(value, bool | Mapping | list):
            raise FormatProblem(f"{self.name(key)} must be text, got {type(value).__name__}")
        return str(value)

    def req_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None
        return value

    def bool(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise FormatProblem(f"{self.name(key)} must be true or false, got {str(value)[:20]!r}")

    def decimal(self, key: str, required: bool = False) -> Decimal | None:
        value = self.required(key) if required else self.data.get(key)
        return parse_decimal(value, self.name(key))

    def datetime(self, key: str) -> datetime | None:
        return parse_datetime(self.data.get(key), self.name(key))


# --- response models ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Address:
    street_address1: str | None = None
    street_address2: str | None = None
    city: str | None = None
    state_code: str | None = None
    zip_code: str | None = None
    country: str | None = None

    @classmethod
    def from_json(cls, data: Any, what: str = "Address") -> Address | None:
        if data is None:
            return None
        r = _Reader(data, what)
        address = cls(r.text("StreetAddress1"), r.text("StreetAddress2"), r.text("City"),
                      r.text("StateCode"), r.text("ZipCode"), r.text("Country"))
        return None if address == cls() else address

    def to_json(self) -> dict[str, Any]:
        return {"StreetAddress1": self.street_address1, "StreetAddress2": self.street_address2,
                "City": self.city, "StateCode": self.state_code, "ZipCode": self.zip_code,
                "Country": self.country}


# The optional text fields of a customer and their PaySimple keys (read by ``Customer``, written by
# ``CustomerInput``).
_CUSTOMER_TEXT = {
    "middle_name": "MiddleName", "company": "Company", "customer_account": "CustomerAccount", "email": "Email",
    "alt_email": "AltEmail", "phone": "Phone", "alt_phone": "AltPhone", "mobile_phone": "MobilePhone",
    "fax": "Fax", "website": "Website", "notes": "Notes",
}


@dataclass(frozen=True)
class CustomerFields:
    """The writable fields of a PaySimple customer: what ``Customer`` reads and ``CustomerInput`` sends."""

    first_name: str
    last_name: str
    middle_name: str | None = None
    company: str | None = None
    customer_account: str | None = None
    email: str | None = None
    alt_email: str | None = None
    phone: str | None = None
    alt_phone: str | None = None
    mobile_phone: str | None = None
    fax: str | None = None
    website: str | None = None
    notes: str | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    shipping_same_as_billing: bool = True


@dataclass(frozen=True)
class Customer(CustomerFields):
    """A customer as PaySimple returned it: the writable fields plus ``id`` (keyword-only) and what PaySimple
    keeps itself."""

    id: int = field(kw_only=True)
    created_on: datetime | None = None
    last_modified: datetime | None = None
    deleted: bool = False

    @classmethod
    def from_json(cls, data: Any, deleted: bool = False) -> Customer:
        r = _Reader(data, "Customer")
        return cls(
            id=r.req_int("Id"), first_name=r.req_text("FirstName"), last_name=r.req_text("LastName"),
            **{name: r.text(key) for name, key in _CUSTOMER_TEXT.items()},
            billing_address=Address.from_json(r.data.get("BillingAddress"), "Customer.BillingAddress"),
            shipping_address=Address.from_json(r.data.get("ShippingAddress"), "Customer.ShippingAddress"),
            shipping_same_as_billing=r.bool("ShippingSameAsBilling", default=True),
            created_on=r.datetime("CreatedOn"), last_modified=r.datetime("LastModified"),
            deleted=deleted,
        )

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)


@dataclass(frozen=True)
class CreditCardAccount:
    id: int
    customer_id: int
    credit_card_number: str  # masked by PaySimple: "************1111"
    expiration_date: str  # "MM/YYYY"
    issuer: str | None = None
    billing_zip_code: str | None = None
    is_default: bool = False
    created_on: datetime | None = None
    last_modified: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> CreditCardAccount:
        r = _Reader(data, "CreditCardAccount")
        raw_issuer = r.data.get("Issuer")
        issuer = None if raw_issuer is None else (issuer_name(raw_issuer) or str(raw_issuer))
        return cls(
            id=r.req_int("Id"), customer_id=r.req_int("CustomerId"),
            credit_card_number=r.req_text("CreditCardNumber"), expiration_date=r.req_text("ExpirationDate"),
            issuer=issuer, billing_zip_code=r.text("BillingZipCode"), is_default=r.bool("IsDefault"),
            created_on=r.datetime("CreatedOn"), last_modified=r.datetime("LastModified"),
        )

    @property
    def last4(self) -> str:
        return self.credit_card_number[-4:]


@dataclass(frozen=True)
class AchAccount:
    id: int
    customer_id: int
    routing_number: str
    account_number: str  # masked by PaySimple: "*****1111"
    bank_name: str | None = None
    is_checking_account: bool = True
    is_default: bool = False
    created_on: datetime | None = None
    last_modified: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> AchAccount:
        r = _Reader(data, "AchAccount")
        return cls(
            id=r.req_int("Id"), customer_id=r.req_int("CustomerId"),
            routing_number=r.req_text("RoutingNumber"), account_number=r.req_text("AccountNumber"),
            bank_name=r.text("BankName"), is_checking_account=r.bool("IsCheckingAccount", default=True),
            is_default=r.bool("IsDefault"),
            created_on=r.datetime("CreatedOn"), last_modified=r.datetime("LastModified"),
        )

    @property
    def last4(self) -> str:
        return self.account_number[-4:]


@dataclass(frozen=True)
class CustomerAccounts:
    credit_cards: list[CreditCardAccount]
    ach_accounts: list[AchAccount]

    @classmethod
    def from_json(cls, data: Any) -> CustomerAccounts:
        r = _Reader(data, "Accounts")
        cards = r.data.get("CreditCardAccounts") or []
        achs = r.data.get("AchAccounts") or []
        if not isinstance(cards, list) or not isinstance(achs, list):
            raise FormatProblem("Accounts.CreditCardAccounts and Accounts.AchAccounts must be lists")
        return cls([CreditCardAccount.from_json(c) for c in cards], [AchAccount.from_json(a) for a in achs])


@dataclass(frozen=True)
class FailureData:
    code: str | None
    description: str | None
    merchant_action_text: str | None
    is_decline: bool

    @classmethod
    def from_json(cls, data: Any) -> FailureData | None:
        if data is None:
            return None
        r = _Reader(data, "Payment.FailureData")
        code = r.data.get("Code")
        if isinstance(code, Decimal):
            code = int(code) if code == code.to_integral_value() else code
        values = (code, r.text("Description"), r.text("MerchantActionText"), r.data.get("IsDecline"))
        if all(v is None for v in values):
            return None
        return cls(None if code is None else str(code), values[1], values[2], r.bool("IsDecline"))


@dataclass(frozen=True)
class Payment:
    id: int
    status: str
    amount: Decimal
    account_id: int | None = None
    customer_id: int | None = None
    failure: FailureData | None = None
    order_id: str | None = None
    payment_type: str | None = None  # "CC" | "ACH"
    payment_sub_type: str | None = None
    provider_auth_code: str | None = None
    trace_number: str | None = None
    reference_id: int | None = None
    customer_first_name: str | None = None
    customer_last_name: str | None = None
    customer_company: str | None = None
    description: str | None = None
    invoice_number: str | None = None
    purchase_order_number: str | None = None
    is_debit: bool = False
    payment_date: datetime | None = None
    can_void_until: datetime | None = None
    estimated_settle_date: datetime | None = None
    actual_settled_date: datetime | None = None
    return_date: datetime | None = None
    created_on: datetime | None = None
    last_modified: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> Payment:
        r = _Reader(data, "Payment")
        amount = r.decimal("Amount", required=True)
        assert amount is not None
        return cls(
            id=r.req_int("Id"), status=canonical_status(r.req_text("Status")), amount=amount,
            account_id=r.int("AccountId"), customer_id=r.int("CustomerId"),
            failure=FailureData.from_json(r.data.get("FailureData")),
            order_id=r.text("OrderId"), payment_type=r.text("PaymentType"),
            payment_sub_type=r.text("PaymentSubType"), provider_auth_code=r.text("ProviderAuthCode"),
            trace_number=r.text("TraceNumber"), reference_id=r.int("ReferenceId"),
            customer_first_name=r.text("CustomerFirstName"), customer_last_name=r.text("CustomerLastName"),
            customer_company=r.text("CustomerCompany"), description=r.text("Description"),
            invoice_number=r.text("InvoiceNumber"), purchase_order_number=r.text("PurchaseOrderNumber"),
            is_debit=r.bool("IsDebit"),
            payment_date=r.datetime("PaymentDate"), can_void_until=r.datetime("CanVoidUntil"),
            estimated_settle_date=r.datetime("EstimatedSettleDate"),
            actual_settled_date=r.datetime("ActualSettledDate"), return_date=r.datetime("ReturnDate"),
            created_on=r.datetime("CreatedOn"), last_modified=r.datetime("LastModified"),
        )

    @property
    def is_failed(self) -> bool:
        """Declined or otherwise not completed: look at ``failure`` for the reason."""
        return self.status == PaymentStatus.FAILED


@dataclass(frozen=True)
class TokenResponse:
    jwt_token: str = field(repr=False)  # a bearer credential: never in a repr or a log line
    expiration: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> TokenResponse:
        r = _Reader(data, "Token")
        return cls(r.req_text("JwtToken"), r.datetime("Expiration"))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total_items: int
    page: int
    items_per_page: int

    @property
    def total_pages(self) -> int:
        if self.items_per_page <= 0:
            return 1 if self.items else 0
        return -(-self.total_items // self.items_per_page)

    @property
    def has_next(self) -> bool:
        return bool(self.items) and self.page < self.total_pages


# --- request inputs ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CustomerInput(CustomerFields):
    """The body of POST/PUT /customer (every key sent: PUT replaces the customer)."""

    @classmethod
    def from_customer(cls, customer: Customer) -> CustomerInput:
        """Start an edit from what PaySimple returned (so a PUT keeps every other field)."""
        return cls(**{f.name: getattr(customer, f.name) for f in fields(CustomerFields)})

    def to_json(self) -> dict[str, Any]:
        return {
            "FirstName": self.first_name, "LastName": self.last_name,
            **{key: getattr(self, name) for name, key in _CUSTOMER_TEXT.items()},
            "BillingAddress": self.billing_address.to_json() if self.billing_address else None,
            "ShippingAddress": self.shipping_address.to_json() if self.shipping_address else None,
            "ShippingSameAsBilling": self.shipping_same_as_billing,
        }


def _drop_none(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


@dataclass(frozen=True)
class CreditCardInput:
    """A card to vault. ``issuer`` may be a name or code; when None it is derived from the number.

    For an update PaySimple expects the card number again; pass the masked number it returned if the full
    number is not known (the server decides what it accepts). ``is_default=None`` leaves IsDefault out of
    the body, so updating an expiry never clears the default flag by accident.
    """

    customer_id: int
    credit_card_number: str = field(repr=False)
    expiration_date: str  # "MM/YYYY"
    issuer: str | int | None = None
    billing_zip_code: str | None = None
    is_default: bool | None = None

    def to_json(self) -> dict[str, Any]:
        name = issuer_name(self.issuer) if self.issuer is not None else card_brand(self.credit_card_number)
        if self.issuer is not None and name is None:
            raise ValueError(f"Issuer {self.issuer!r} is not Visa, Master, Amex or Discover (or 12-15)")
        return _drop_none({
            "CustomerId": self.customer_id, "CreditCardNumber": self.credit_card_number,
            "ExpirationDate": self.expiration_date, "Issuer": ISSUER_CODES[name] if name else None,
            "BillingZipCode": self.billing_zip_code, "IsDefault": self.is_default,
        })


@dataclass(frozen=True)
class AchInput:
    customer_id: int
    routing_number: str
    account_number: str = field(repr=False)
    bank_name: str
    is_checking_account: bool = True
    is_default: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"CustomerId": self.customer_id, "RoutingNumber": self.routing_number,
                "AccountNumber": self.account_number, "BankName": self.bank_name,
                "IsCheckingAccount": self.is_checking_account, "IsDefault": self.is_default}


@dataclass(frozen=True)
class PaymentRequest:
    """POST /payment. ``amount`` must be a Decimal (or int) with at most 2 decimals: never a float."""

    account_id: int
    amount: Decimal
    order_id: str | None = None
    payment_token: str | None = field(default=None, repr=False)
    cvv: str | None = field(default=None, repr=False)
    description: str | None = None
    payment_sub_type: str | None = None
    send_receipt_to_customer: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, Decimal | int):
            raise TypeError(f"Amount must be a Decimal (never a float), got {type(self.amount).__name__}")
        amount = Decimal(self.amount)
        if not amount.is_finite():
            raise ValueError("Amount must be a finite number")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"Amount {amount} has more than 2 decimal places; round it to the cent first")
        object.__setattr__(self, "amount", amount)

    def to_json(self) -> dict[str, Any]:
        receipt = {"SendToCustomer": self.send_receipt_to_customer}
        return _drop_none({
            "AccountId": self.account_id, "Amount": self.amount, "OrderId": self.order_id,
            "PaymentToken": self.payment_token, "CVV": self.cvv, "Description": self.description,
            "PaymentSubType": self.payment_sub_type,
            "SuccessReceiptOptions": receipt, "FailureReceiptOptions": receipt,
        })
