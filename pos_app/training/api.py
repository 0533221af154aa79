"""HTTP handlers of the emulated PaySimple API v4 (Starlette routes under ``/v4``).

Conventions (reference §2.3, §3, §5; [I]/[?] decided here):
- Paths are matched case-insensitively and with or without a trailing slash (the server layer lower-cases
  ``/v4/...`` and strips the slash before routing). Query keys and boolean values are case-insensitive
  (``lite=False``, ``PageSize=50``). JSON body keys are matched case-insensitively to the API's PascalCase
  names; unknown and read-only keys are ignored (clients like the .NET SDK send defaults such as
  ``"CustomerId":0``).
- Status codes: 201 for every create (customer, card, ACH, payment — declined payments too); 200 for reads,
  updates, void, reverse, tokens, set-default (which returns the account now default); 204 (no body) for
  deletes; 203 with the object for GET of a soft-deleted customer; 400 ``InvalidInput`` with one
  ``{Field, Message}`` per broken rule (``pos_app.paysimple.rules``); 404 ``NotFound``; 405 for a known path
  with the wrong verb.
- Lists carry ``PagingDetails {TotalItems, Page, ItemsPerPage}``. ``page`` ≥ 1, ``pagesize`` 1–5000
  (default 200); a bad value, unknown ``sortby``/``direction``/``status`` or a date that is not yyyy-MM-dd is a
  400 naming the parameter. ``direction`` defaults to ASC for both lists. ``lite`` is accepted and ignored (full
  objects are returned). Customer lists never include deleted customers.
- PUT /customer replaces every writable field (a field left out becomes null), as the .NET SDK sends whole
  objects. PUT /account/creditcard may change ExpirationDate and BillingZipCode; a CreditCardNumber in the body
  must be the card's own number or its masked form, else 400 (add a new card instead). PUT /account/ach only
  changes IsCheckingAccount (docs: other changes are ignored).
- Writes to a deleted customer (update, token, new accounts, set default) are 404.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pos_app.paysimple import rules
from pos_app.paysimple.rules import FieldMessage
from pos_app.training.clock import GatewayClock
from pos_app.training.envelope import ApiError, invalid, json_response, not_found
from pos_app.training.processing import PaymentProcessor
from pos_app.training.store import (
    ADDRESS_FIELDS,
    CUSTOMER_FIELDS,
    CUSTOMER_SORT,
    EASTERN,
    PAYMENT_SORT,
    PAYMENT_STATUSES,
    Store,
    api_time,
)
from pos_app.training.tokens import Tokens

_KNOWN_KEYS = (
    *CUSTOMER_FIELDS, *ADDRESS_FIELDS, "Id", "ShippingSameAsBilling", "BillingAddress", "ShippingAddress",
    "CustomerId", "CreditCardNumber", "ExpirationDate", "Issuer", "BillingZipCode", "IsDefault",
    "RoutingNumber", "AccountNumber", "BankName", "IsCheckingAccount", "RequiresValidation",
    "AccountId", "Amount", "CVV", "PaymentSubType", "PaymentToken", "InvoiceId", "InvoiceNumber",
    "PurchaseOrderNumber", "OrderId", "Description", "Latitude", "Longitude", "IsDebit", "PaymentId",
    "SuccessReceiptOptions", "FailureReceiptOptions", "SendToCustomer", "SendToOtherAddresses",
    "CustomerAccountId", "IsNewlyCreated", "Cvv",
)
_CANONICAL = {k.lower(): k for k in _KNOWN_KEYS}
_CANONICAL["cvv"] = "CVV"
MAX_PAGE_SIZE = 5000


def canonical(value: Any) -> Any:
    """Rename known keys (any case) to their PascalCase spelling, recursively."""
    if isinstance(value, dict):
        return {_CANONICAL.get(k.lower(), k) if isinstance(k, str) else k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


async def read_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise invalid("", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise invalid("", "The request body must be a JSON object.")
    return canonical(data)


def query(request: Request) -> dict[str, str]:
    return {k.lower(): v for k, v in request.query_params.items()}


def _int_param(q: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = q.get(name)
    if text is None or text.strip() == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise invalid(name, f"{name} must be a whole number.") from None
    if not low <= value <= high:
        raise invalid(name, f"{name} must be between {low} and {high}.")
    return value


def _date_param(q: Mapping[str, str], name: str) -> date | None:
    text = q.get(name)
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise invalid(name, f"{name} must be a date in the form yyyy-MM-dd.") from None


def _direction(q: Mapping[str, str]) -> str:
    direction = (q.get("direction") or "ASC").strip().upper()
    if direction not in ("ASC", "DESC"):
        raise invalid("direction", "direction must be ASC or DESC.")
    return direction


def _paging(q: Mapping[str, str]) -> tuple[int, int]:
    return _int_param(q, "page", 1, 1, 10**9), _int_param(q, "pagesize", 200, 1, MAX_PAGE_SIZE)


def _bool(value: Any, default: bool | None = None) -> bool | None:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return default


MAX_ID = 2**63 - 1      # SQLite INTEGER range; larger ids cannot exist


def _positive_int(value: Any) -> int | None:
    """A positive id from JSON (int, digit string or integral number), or None."""
    if isinstance(value, bool):
        return None
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        number = int(value)
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        number = int(value)
    return number if number is not None and 0 < number <= MAX_ID else None


class IdConvertor(Convertor[int]):
    """Path ids: 1 to 18 digits (anything longer cannot be a stored id and is a 404, not an overflow)."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("psid", IdConvertor())


class Api:
    """Handlers bound to one gateway's parts: its store, token issuer, clock and payment processor."""

    def __init__(self, store: Store, tokens: Tokens, clock: GatewayClock, payments: PaymentProcessor,
                 outbox: list[dict] | None = None) -> None:
        self.store = store
        self.tokens = tokens
        self.clock = clock
        self.payments = payments
        self.outbox: list[dict] = outbox if outbox is not None else []  # receipts it would have e-mailed

    # --- helpers ----------------------------------------------------------------------------------------

    def _live_customer(self, customer_id: int) -> dict[str, Any]:
        customer = self.store.get_customer(customer_id)
        if customer is None:
            raise not_found(f"Customer {customer_id} was not found.")
        return customer

    def _today_eastern(self) -> date:
        return self.clock.now().astimezone(EASTERN).date()

    def _body_customer(self, body: Mapping[str, Any]) -> int:
        customer_id = _positive_int(body.get("CustomerId"))
        if customer_id is None:
            raise invalid("CustomerId", "Customer id is required (a positive whole number).")
        if self.store.get_customer(customer_id) is None:
            raise invalid("CustomerId", f"Customer {customer_id} was not found.")
        return customer_id

    # --- tokens -----------------------------------------------------------------------------------------

    async def checkout_token(self, request: Request) -> Response:
        await request.body()      # any body, ignored
        jwt = self.tokens.issue_checkout_token()
        expires = self.tokens.expiration(jwt)
        return json_response(200, {"JwtToken": jwt, "Expiration": api_time(
            datetime.fromtimestamp(expires, UTC).isoformat()), "IsValid": True})

    async def customer_token(self, request: Request) -> Response:
        customer_id = request.path_params["cid"]
        self._live_customer(customer_id)
        return json_response(200, {"JwtToken": self.tokens.issue_customer_token(customer_id)})

    async def payment_token(self, request: Request) -> Response:
        body = await read_body(request)
        account_id = _positive_int(body.get("CustomerAccountId"))
        customer_id = _positive_int(body.get("CustomerId"))
        if account_id is None:
            raise invalid("CustomerAccountId", "Customer account id is required (a positive whole number).")
        owner = self.store.account_owner(account_id)
        if owner is None:
            raise invalid("CustomerAccountId", f"Account {account_id} was not found.")
        if customer_id is not None and customer_id != owner:
            raise invalid("CustomerId", "The account does not belong to this customer.")
        cvv = body.get("Cvv", body.get("CVV"))
        if cvv is not None and not (isinstance(cvv, str) and cvv.isdigit() and len(cvv) in (3, 4)):
            raise invalid("Cvv", "CVV must be 3 or 4 digits.")
        token = self.tokens.issue_payment_token(owner, account_id)
        return json_response(200, {"PaymentToken": token, "CustomerId": owner, "CustomerAccountId": account_id,
                                   "IsNewlyCreated": False})

    # --- customers --------------------------------------------------------------------------------------

    async def list_customers(self, request: Request) -> Response:
        q = query(request)
        sort_by = (q.get("sortby") or "LastName").strip()
        if sort_by.lower() not in CUSTOMER_SORT:
            raise invalid("sortby", "sortby must be FirstName, MiddleName, LastName, Company, or "
                          "BillingAddress/ShippingAddress .City, .State, .Zip, .Country.")
        direction = _direction(q)
        page, size = _paging(q)
        items, total = self.store.list_customers(sort_by, direction, page, size)
        return json_response(200, items, {"TotalItems": total, "Page": page, "ItemsPerPage": size})

    async def create_customer(self, request: Request) -> Response:
        body = await read_body(request)
        problems = rules.validate_customer(body)
        if problems:
            raise ApiError(400, problems)
        return json_response(201, self.store.create_customer(body))

    async def update_customer(self, request: Request) -> Response:
        body = await read_body(request)
        customer_id = _positive_int(body.get("Id"))
        if customer_id is None:
            raise invalid("Id", "Id is required to update a customer.")
        problems = rules.validate_customer(body)
        if problems:
            raise ApiError(400, problems)
        updated = self.store.update_customer(customer_id, body)
        if updated is None:
            raise not_found(f"Customer {customer_id} was not found.")
        return json_response(200, updated)

    async def get_customer(self, request: Request) -> Response:
        customer_id = request.path_params["cid"]
        customer = self.store.get_customer(customer_id, include_deleted=True)
        if customer is None:
            raise not_found(f"Customer {customer_id} was not found.")
        return json_response(203 if self.store.customer_deleted(customer_id) else 200, customer)

    async def delete_customer(self, request: Request) -> Response:
        customer_id = request.path_params["cid"]
        if not self.store.delete_customer(customer_id):
            raise not_found(f"Customer {customer_id} was not found.")
        return json_response(204, None)

    async def customer_accounts(self, request: Request) -> Response:
        customer_id = request.path_params["cid"]
        self._live_customer(customer_id)
        return json_response(200, self.store.customer_accounts(customer_id))

    async def customer_cards(self, request: Request) -> Response:
        customer_id = request.path_params["cid"]
        self._live_customer(customer_id)
        return json_response(200, self.store.customer_accounts(customer_id)["CreditCardAccounts"])

    async def customer_achs(self, request: Request) -> Response:
        customer_id = request.path_params["cid"]
        self._live_customer(customer_id)
        return json_response(200, self.store.customer_accounts(customer_id)["AchAccounts"])

    def _default(self, customer_id: int, kind: str) -> Response:
        self._live_customer(customer_id)
        account = self.store.default_account(customer_id, kind)
        if account is None:
            what = "credit card" if kind == "CC" else "bank account"
            raise not_found(f"Customer {customer_id} has no default {what}.")
        return json_response(200, account)

    async def default_card(self, request: Request) -> Response:
        return self._default(request.path_params["cid"], "CC")

    async def default_ach(self, request: Request) -> Response:
        return self._default(request.path_params["cid"], "ACH")

    async def set_default(self, request: Request) -> Response:
        customer_id, account_id = request.path_params["cid"], request.path_params["aid"]
        self._live_customer(customer_id)
        account = self.store.set_default_account(customer_id, account_id)
        if account is None:
            raise not_found(f"Account {account_id} was not found for customer {customer_id}.")
        return json_response(200, account)

    async def customer_payments(self, request: Request) -> Response:
        customer_id = request.path_params["cid"]
        if self.store.get_customer(customer_id, include_deleted=True) is None:
            raise not_found(f"Customer {customer_id} was not found.")
        return self._payments(request, customer_id)

    # --- accounts ---------------------------------------------------------------------------------------

    async def create_card(self, request: Request) -> Response:
        body = await read_body(request)
        problems = rules.validate_credit_card(body, today=self._today_eastern())
        if problems:
            raise ApiError(400, problems)
        customer_id = self._body_customer(body)
        card = self.store.create_credit_card(customer_id, body["CreditCardNumber"].strip(),
                                             body["ExpirationDate"].strip(), body.get("BillingZipCode"),
                                             body.get("Issuer"), _bool(body.get("IsDefault")))
        return json_response(201, card)

    async def update_card(self, request: Request) -> Response:
        body = await read_body(request)
        account_id = _positive_int(body.get("Id"))
        if account_id is None:
            raise invalid("Id", "Id is required to update a credit card.")
        if self.store.get_account(account_id, "CC") is None:
            raise not_found(f"Credit card account {account_id} was not found.")
        number = body.get("CreditCardNumber")
        check = dict(body)
        check["CreditCardNumber"] = "4111111111111111"     # the number is checked separately below
        check.pop("Issuer", None)
        problems = rules.validate_credit_card(check, today=self._today_eastern())
        if isinstance(number, str) and number.strip() and "*" not in number:
            if not self.store.card_number_matches(account_id, number.strip()):
                problems.append(FieldMessage("CreditCardNumber",
                                             "The card number cannot be changed; add a new card instead."))
        if problems:
            raise ApiError(400, problems)
        card = self.store.update_credit_card(account_id, body["ExpirationDate"].strip(), body.get("BillingZipCode"))
        if _bool(body.get("IsDefault")):
            card = self.store.set_default_account(card["CustomerId"], account_id) or card
        return json_response(200, card)

    async def get_card(self, request: Request) -> Response:
        return self._get_account(request.path_params["aid"], "CC")

    async def delete_card(self, request: Request) -> Response:
        return self._delete_account(request.path_params["aid"], "CC")

    async def create_ach(self, request: Request) -> Response:
        body = await read_body(request)
        problems = rules.validate_ach(body)
        if problems:
            raise ApiError(400, problems)
        customer_id = self._body_customer(body)
        ach = self.store.create_ach(customer_id, body["RoutingNumber"].strip(), body["AccountNumber"].strip(),
                                    body["BankName"], _bool(body.get("IsCheckingAccount"), True),
                                    _bool(body.get("IsDefault")))
        return json_response(201, ach)

    async def update_ach(self, request: Request) -> Response:
        body = await read_body(request)
        account_id = _positive_int(body.get("Id"))
        if account_id is None:
            raise invalid("Id", "Id is required to update a bank account.")
        current = self.store.get_account(account_id, "ACH")
        if current is None:
            raise not_found(f"ACH account {account_id} was not found.")
        checking = body.get("IsCheckingAccount")
        if checking is not None and _bool(checking) is None:
            raise invalid("IsCheckingAccount", "Is checking account must be true or false.")
        updated = self.store.update_ach(account_id, _bool(checking, current["IsCheckingAccount"]))
        return json_response(200, updated)

    async def get_ach(self, request: Request) -> Response:
        return self._get_account(request.path_params["aid"], "ACH")

    async def delete_ach(self, request: Request) -> Response:
        return self._delete_account(request.path_params["aid"], "ACH")

    def _get_account(self, account_id: int, kind: str) -> Response:
        account = self.store.get_account(account_id, kind)
        if account is None:
            raise not_found(f"{'Credit card' if kind == 'CC' else 'ACH'} account {account_id} was not found.")
        return json_response(200, account)

    def _delete_account(self, account_id: int, kind: str) -> Response:
        if not self.store.delete_account(account_id, kind):
            raise not_found(f"{'Credit card' if kind == 'CC' else 'ACH'} account {account_id} was not found.")
        return json_response(204, None)

    # --- payments ---------------------------------------------------------------------------------------

    async def create_payment(self, request: Request) -> Response:
        body = await read_body(request)
        return json_response(201, self.payments.create(body))

    async def get_payment(self, request: Request) -> Response:
        payment = self.store.get_payment(request.path_params["pid"])
        if payment is None:
            raise not_found(f"Payment {request.path_params['pid']} was not found.")
        return json_response(200, payment)

    async def list_payments(self, request: Request) -> Response:
        return self._payments(request, None)

    def _payments(self, request: Request, customer_id: int | None) -> Response:
        q = query(request)
        start, end = _date_param(q, "startdate"), _date_param(q, "enddate")
        statuses = [s.strip() for s in (q.get("status") or "").split(",") if s.strip()]
        known = {s.lower() for s in PAYMENT_STATUSES}
        unknown = [s for s in statuses if s.lower() not in known]
        if unknown:
            raise invalid("status", f"Unknown payment status: {', '.join(unknown)}.")
        sort_by = (q.get("sortby") or "paymentid").strip()
        if sort_by.lower() not in PAYMENT_SORT:
            raise invalid("sortby", "sortby must be one of " + ", ".join(PAYMENT_SORT) + ".")
        direction = _direction(q)
        page, size = _paging(q)
        items, total = self.store.list_payments(customer_id=customer_id, start=start, end=end,
                                                statuses=statuses or None, sort_by=sort_by, direction=direction,
                                                page=page, page_size=size)
        return json_response(200, items, {"TotalItems": total, "Page": page, "ItemsPerPage": size})

    async def void_payment(self, request: Request) -> Response:
        await request.body()
        return json_response(200, self.payments.void(request.path_params["pid"]))

    async def reverse_payment(self, request: Request) -> Response:
        await request.body()
        return json_response(200, self.payments.reverse(request.path_params["pid"]))

    async def send_receipt(self, request: Request) -> Response:
        """POST /payment/{id}/sendreceipt ``{SendToCustomer, SendToOtherAddresses}`` (the shape of the
        payment's receipt options, reference §4.5): e-mail the payment's receipt again. Not in PaySimple's
        published v4 reference [?]: docs/decisions/0351. Sent only to the customer's e-mail on file (400
        without one) and to valid other addresses; recorded in ``gateway.outbox`` (no mail leaves training)."""
        body = await read_body(request)
        payment = self.store.get_payment(request.path_params["pid"])
        if payment is None:
            raise not_found(f"Payment {request.path_params['pid']} was not found.")
        to_customer = body.get("SendToCustomer")
        others = body.get("SendToOtherAddresses") or []
        if not isinstance(to_customer, bool) or not isinstance(others, list):
            raise invalid("SendToCustomer", "SendToCustomer must be true or false and SendToOtherAddresses a "
                                            "list of e-mail addresses.")
        addresses: list[str] = []
        if to_customer:
            customer = self.store.get_customer(payment["CustomerId"], include_deleted=True) or {}
            email = str(customer.get("Email") or "").strip()
            if not email:
                raise invalid("SendToCustomer", "The customer has no e-mail address on file.")
            addresses.append(email)
        for other in others:
            if not isinstance(other, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", other) or len(other) > 100:
                raise invalid("SendToOtherAddresses", f"{str(other)[:100]!r} is not a valid e-mail address.")
            addresses.append(other)
        if not addresses:
            raise invalid("SendToCustomer", "Nobody to send the receipt to.")
        sent_at = self.clock.now().astimezone(UTC).isoformat()
        for address in addresses:
            self.outbox.append({"payment_id": payment["Id"], "to": address, "at": sent_at})
        return json_response(200, {"PaymentId": payment["Id"], "SentTo": addresses})

    async def mark_payment_status(self, request: Request) -> Response:
        body = await read_body(request)
        payment_id = _positive_int(body.get("PaymentId"))
        if payment_id is None:
            raise invalid("PaymentId", "PaymentId is required (a positive whole number).")
        return json_response(200, self.payments.mark_settled(payment_id))

    # --- routing ----------------------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        def r(path: str, endpoint: Callable[..., Any], *methods: str) -> Route:
            return Route("/v4" + path, endpoint, methods=list(methods))

        return [
            r("/checkouttoken", self.checkout_token, "POST"),
            r("/paymenttoken", self.payment_token, "POST"),
            r("/customer", self.list_customers, "GET"),
            r("/customer", self.create_customer, "POST"),
            r("/customer", self.update_customer, "PUT"),
            r("/customer/{cid:psid}", self.get_customer, "GET"),
            r("/customer/{cid:psid}", self.delete_customer, "DELETE"),
            r("/customer/{cid:psid}/token", self.customer_token, "GET"),
            r("/customer/{cid:psid}/accounts", self.customer_accounts, "GET"),
            r("/customer/{cid:psid}/creditcardaccounts", self.customer_cards, "GET"),
            r("/customer/{cid:psid}/achaccounts", self.customer_achs, "GET"),
            r("/customer/{cid:psid}/defaultcreditcard", self.default_card, "GET"),
            r("/customer/{cid:psid}/defaultach", self.default_ach, "GET"),
            r("/customer/{cid:psid}/payments", self.customer_payments, "GET"),
            r("/customer/{cid:psid}/{aid:psid}", self.set_default, "PUT"),
            r("/account/creditcard", self.create_card, "POST"),
            r("/account/creditcard", self.update_card, "PUT"),
            r("/account/creditcard/{aid:psid}", self.get_card, "GET"),
            r("/account/creditcard/{aid:psid}", self.delete_card, "DELETE"),
            r("/account/ach", self.create_ach, "POST"),
            r("/account/ach", self.update_ach, "PUT"),
            r("/account/ach/{aid:psid}", self.get_ach, "GET"),
            r("/account/ach/{aid:psid}", self.delete_ach, "DELETE"),
            r("/payment", self.create_payment, "POST"),
            r("/payment", self.list_payments, "GET"),
            r("/payment/{pid:psid}", self.get_payment, "GET"),
            r("/payment/{pid:psid}/void", self.void_payment, "PUT"),
            r("/payment/{pid:psid}/reverse", self.reverse_payment, "PUT"),
            r("/payment/{pid:psid}/sendreceipt", self.send_receipt, "POST"),
            r("/markpaymentstatus", self.mark_payment_status, "PUT"),
        ]
