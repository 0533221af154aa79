"""PaySimpleJS stand-in: the browser SDK the training gateway serves (reference §9-10, seed page).

Routes (mounted by the gateway via ``sdk_routes(gateway)``; all on the gateway's own loopback origin):

- GET  ``/paysimplejs/v1/scripts/client.js``  the SDK (same path as PaySimple); defines ``window.paysimpleJs``.
- GET  ``/paysimplejs/v1/frame?parent=<origin>``  the entry form the SDK puts in an iframe, plus its
  ``frame.js`` / ``frame.css``. ``parent`` must be an ``app://<host>`` or loopback http(s) origin; it becomes
  the page's CSP ``frame-ancestors`` (exactly that origin) and the only origin the form talks to.
- POST ``/paysimplejs/v1/api/accounts/retrieve``  (``Authorization: Bearer <checkout token>``): match the
  customer by first name + last name + email (case-insensitive) or create one, then match an identical
  account of that customer or create it; answer ``{account:{id}, customer:{id, firstName, lastName, email},
  paymentToken}``.
- POST ``/paysimplejs/v1/api/accounts/match-or-create``  (``Authorization: Bearer <customer token>`` and
  ``X-PaySimpleJS-Checkout: <checkout token>``): the same for the customer the customer token belongs to.
  Both bodies: ``{mode: "cc-key-enter", card: {number, expiration "MM/YY", cvv, postalCode},
  bypassPostalCodeValidation}`` or ``{mode: "ach-key-enter", bank: {routingNumber, accountNumber,
  accountType: "checking"|"savings", bankName}}`` (+ ``customer: {firstName, lastName, email}`` for retrieve).

Decisions (the reference marks these [?]/[I]; the seed page is the authority for the interface):

- Isolation: the form is an iframe on the gateway origin; the app page is ``app://pos`` (another origin).
  SDK and iframe exchange only ``postMessage``, each checking ``event.origin`` *and* ``event.source``; tokens
  travel by postMessage, never in a URL. Card/bank numbers go only iframe -> gateway; the parent receives ids,
  the payment token, validity and error messages. The API refuses a request whose ``Origin`` is not the
  gateway's own origin (so a page can only reach it through the iframe).
- ``customerAuth`` is ``function (callback)``; the SDK calls it to get a customer token (``callback(token)``)
  when the gateway answers 401 with ``expired: "customer"``, and then retries that ``matchOrCreateAccount``
  once with the fresh token. ``matchOrCreateAccount()`` called without a token also asks ``customerAuth``.
  An expired/invalid *checkout* token is not retried: ``httpError`` ``{errorKey: "unauthorized", status: 401}``
  and the host page must start a new form with a new checkout token.
- ``formValidityChanged`` payload is ``{validity: "true" | "false"}`` (strings, as in the official sample's
  comment); sent once when a form is shown (setMode) and then on every change.
- ``httpError`` is ``{errorKey, errors: [{field, message}], status}``. errorKey: 401/403 -> ``unauthorized``,
  other 4xx -> ``bad_request``, 5xx -> ``server_error``, no answer in time -> ``timeout`` (status 0; 20 s,
  or the ``requestTimeoutMs`` option, our extension),
  network failure -> ``unknown`` (status 0). Invalid form input found in the iframe before sending is reported
  the same way (``bad_request``, status 400, fields named as in ``styles``: cardNumber, expiration, cvv,
  postalCode, routingNumber, accountNumber, accountType, bankName; customer fields firstName/lastName/email).
  A second submission while one is in flight gets ``bad_request`` with status 409.
- Matching: retrieveAccount matches the customer on first + last name + email (case-insensitive), else creates
  one. An account is matched (not created again) when the customer already has the same card number, or the
  same routing + account number (the store keeps only a keyed hash of numbers). A matched card takes the newly
  keyed expiry and ZIP (a re-issued card); a matched bank account takes the newly chosen checking/savings.
  The form keeps its values after success, so a second submit matches the same account.
- CVV is checked (3 digits, 4 for Amex) but never stored; postal code is 5 or 9 US digits unless
  ``bypassPostalCodeValidation`` (then 3-10 letters/digits/spaces/dashes). ``retrieveAccount``'s
  billing/shipping addresses are not used.
- CSP on the frame page: ``default-src 'none'``; scripts, styles and fetch only from 'self'; no inline code,
  no eval; ``frame-ancestors`` = the declared parent origin. ``styles`` are applied through the CSSOM.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from pos_app.config import resources_dir
from pos_app.paysimple import rules
from pos_app.training.tokens import TokenError

log = logging.getLogger(__name__)

PREFIX = "/paysimplejs/v1"
CARD_MODE = "cc-key-enter"
ACH_MODE = "ach-key-enter"
MAX_BODY = 16_384

# Parent pages allowed to embed the form: the app's own scheme and loopback pages (tests, dev servers).
_PARENT_ORIGIN = re.compile(
    r"app://[a-z0-9]([a-z0-9.-]{0,62}[a-z0-9])?"
    r"|https?://(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?"
)
_US_POSTAL = re.compile(r"^\d{5}(-?\d{4})?$")
_ANY_POSTAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9]$")
_EXPIRY = re.compile(r"^(\d{2})/(\d{2})$")

# rules.py names fields as the API does; the SDK names them as PaySimpleJS's styles keys do.
_SDK_FIELD = {
    "CreditCardNumber": "cardNumber", "ExpirationDate": "expiration", "BillingZipCode": "postalCode",
    "Issuer": "cardNumber", "RoutingNumber": "routingNumber", "AccountNumber": "accountNumber",
    "BankName": "bankName", "IsCheckingAccount": "accountType",
    "FirstName": "firstName", "LastName": "lastName", "Email": "email",
}

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def allowed_parent(origin: str) -> bool:
    """True for origins that may embed the entry form: ``app://<host>`` and loopback http(s)."""
    return bool(_PARENT_ORIGIN.fullmatch(origin or ""))  # fullmatch: "$" would let a trailing newline in


def frame_csp(parent_origin: str) -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {parent_origin}"
    )


class _ApiError(Exception):
    """An answer for the iframe: ``{errorKey, errors, status[, expired]}``."""

    def __init__(self, status: int, errors: list[dict[str, str]], expired: str | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.errors = errors
        self.expired = expired

    def response(self) -> JSONResponse:
        key = ("unauthorized" if self.status in (401, 403) else "server_error" if self.status >= 500
               else "bad_request")
        body: dict[str, Any] = {"errorKey": key, "errors": self.errors, "status": self.status}
        if self.expired:
            body["expired"] = self.expired
        return JSONResponse(body, status_code=self.status, headers=_SECURITY_HEADERS)


def _error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _sdk_messages(messages: list[rules.FieldMessage]) -> list[dict[str, str]]:
    return [_error(_SDK_FIELD.get(m.field, m.field), m.message) for m in messages]


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


class _SdkApp:
    def __init__(self, gateway: Any, folder: Path) -> None:
        self.gateway = gateway
        self.backend = _Backend(gateway)
        self.files = {name: (folder / name).read_bytes()
                      for name in ("client.js", "frame.html", "frame.js", "frame.css")}

    # --- static -------------------------------------------------------------------------------------------

    def _file(self, name: str, media_type: str, extra: dict[str, str] | None = None) -> Response:
        headers = dict(_SECURITY_HEADERS)
        headers.update(extra or {})
        return Response(self.files[name], media_type=media_type, headers=headers)

    async def client_js(self, request: Request) -> Response:
        # Loaded by a page on another origin (app://pos): allow that explicitly.
        return self._file("client.js", "text/javascript; charset=utf-8",
                          {"Cross-Origin-Resource-Policy": "cross-origin"})

    async def frame_js(self, request: Request) -> Response:
        return self._file("frame.js", "text/javascript; charset=utf-8")

    async def frame_css(self, request: Request) -> Response:
        return self._file("frame.css", "text/css; charset=utf-8")

    async def frame_page(self, request: Request) -> Response:
        parent = request.query_params.get("parent", "")
        if not allowed_parent(parent):
            return PlainTextResponse("parent must be an app:// or loopback origin", status_code=400,
                                     headers=_SECURITY_HEADERS)
        return self._file("frame.html", "text/html; charset=utf-8",
                          {"Content-Security-Policy": frame_csp(parent)})

    # --- API ----------------------------------------------------------------------------------------------

    async def retrieve(self, request: Request) -> Response:
        return await self._handle(request, self._retrieve)

    async def match_or_create(self, request: Request) -> Response:
        return await self._handle(request, self._match_or_create)

    async def _handle(self, request: Request, action: Callable[[Request, dict[str, Any]], dict[str, Any]]
                      ) -> Response:
        try:
            own_origin = f"{request.url.scheme}://{request.url.netloc}"
            if request.headers.get("origin") != own_origin:
                raise _ApiError(403, [_error("", "Only the PaySimpleJS entry form may call this endpoint.")])
            raw = await request.body()
            if len(raw) > MAX_BODY:
                raise _ApiError(400, [_error("", "The request is too large.")])
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise _ApiError(400, [_error("", "The request body must be a JSON object.")])
            result = action(request, body)
        except _ApiError as exc:
            return exc.response()
        except Exception:  # never echo the body (it holds card data); say what failed in the log only
            log.exception("PaySimpleJS %s failed", request.url.path)
            return _ApiError(500, [_error("", "The training gateway failed; try again.")]).response()
        return JSONResponse(result, headers=_SECURITY_HEADERS)

    def _bearer(self, request: Request) -> str:
        value = request.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""

    def _verify(self, token: str, kind: str) -> dict[str, Any]:
        field = f"{kind}Token"
        label = "checkout" if kind == "checkout" else "customer"
        if not token:
            raise _ApiError(401, [_error(field, f"The {label} token is missing.")])
        try:
            return self.gateway.tokens.verify(token, kind)
        except TokenError as exc:
            if _is_expired(exc):
                hint = "start the payment again" if kind == "checkout" else "get a new customer token"
                raise _ApiError(401, [_error(field, f"The {label} token has expired; {hint}.")],
                                expired=kind) from None
            raise _ApiError(401, [_error(field, f"The {label} token is not valid.")]) from None

    def _retrieve(self, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        self._verify(self._bearer(request), "checkout")
        customer_in = body.get("customer") if isinstance(body.get("customer"), dict) else {}
        first, last, email = (_text(customer_in, k) for k in ("firstName", "lastName", "email"))
        problems = rules.validate_customer({"FirstName": first, "LastName": last, "Email": email})
        if not email:
            problems.append(rules.FieldMessage("Email", "Email is required."))
        account = self._account_input(body)
        problems_out = _sdk_messages(problems) + account.pop("_errors")
        if problems_out:
            raise _ApiError(400, problems_out)
        customer = self.backend.find_or_create_customer(first, last, email)
        return self._finish(customer, account)

    def _match_or_create(self, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        self._verify(request.headers.get("x-paysimplejs-checkout", ""), "checkout")
        claims = self._verify(self._bearer(request), "customer")
        customer_id = _customer_id(claims)
        customer = self.backend.get_customer(customer_id)
        if customer is None:
            raise _ApiError(401, [_error("customerToken", "The customer of this token no longer exists.")])
        account = self._account_input(body)
        errors = account.pop("_errors")
        if errors:
            raise _ApiError(400, errors)
        return self._finish(customer, account)

    def _account_input(self, body: dict[str, Any]) -> dict[str, Any]:
        """Validated account fields in API shape, plus ``_errors`` (SDK field names)."""
        mode = body.get("mode")
        if mode == CARD_MODE:
            return self._card_input(body.get("card") if isinstance(body.get("card"), dict) else {},
                                    bool(body.get("bypassPostalCodeValidation")))
        if mode == ACH_MODE:
            return self._ach_input(body.get("bank") if isinstance(body.get("bank"), dict) else {})
        return {"_errors": [_error("", f"mode must be {CARD_MODE} or {ACH_MODE}.")]}

    def _card_input(self, card: dict[str, Any], bypass_postal: bool) -> dict[str, Any]:
        number = _text(card, "number").replace(" ", "")
        expiry = _text(card, "expiration")
        m = _EXPIRY.match(expiry)
        api = {"CreditCardNumber": number, "ExpirationDate": f"{m.group(1)}/20{m.group(2)}" if m else expiry,
               "BillingZipCode": _text(card, "postalCode")}
        today = self.gateway.clock.now().date()
        errors = _sdk_messages(rules.validate_credit_card(api, today=today))
        if expiry and not m:
            errors = [e for e in errors if e["field"] != "expiration"]
            errors.append(_error("expiration", "Use MM/YY, for example 08/29."))
        cvv = _text(card, "cvv")
        want = 4 if rules.card_brand(number) == "Amex" else 3
        if not (cvv.isdigit() and cvv.isascii() and len(cvv) == want):
            errors.append(_error("cvv", f"CVV must be {want} digits."))
        postal = api["BillingZipCode"]
        if not postal:
            errors.append(_error("postalCode", "Enter the ZIP code."))
        elif not (_ANY_POSTAL if bypass_postal else _US_POSTAL).match(postal):
            errors.append(_error("postalCode", "Postal code must be 3 to 10 letters or digits." if bypass_postal
                                 else "ZIP code must be 5 or 9 digits."))
        api["Issuer"] = rules.card_brand(number)
        api["_errors"] = errors
        api["_kind"] = "card"
        return api

    def _ach_input(self, bank: dict[str, Any]) -> dict[str, Any]:
        kind = _text(bank, "accountType")
        api = {"RoutingNumber": _text(bank, "routingNumber"), "AccountNumber": _text(bank, "accountNumber"),
               "BankName": _text(bank, "bankName"), "IsCheckingAccount": kind != "savings"}
        errors = _sdk_messages(rules.validate_ach(api))
        if kind not in ("checking", "savings"):
            errors.append(_error("accountType", "Choose checking or savings."))
        api["_errors"] = errors
        api["_kind"] = "ach"
        return api

    def _finish(self, customer: dict[str, Any], account: dict[str, Any]) -> dict[str, Any]:
        backend = self.backend
        kind = account.pop("_kind")
        try:
            account_id = (backend.match_or_create_card if kind == "card" else backend.match_or_create_ach)(
                customer["Id"], account)
        except LookupError:  # deleted between the look-up and the insert
            raise _ApiError(400, [_error("", "This customer no longer exists.")]) from None
        token = backend.payment_token(customer["Id"], account_id)
        return {
            "account": {"id": account_id},
            "customer": {"id": customer["Id"], "firstName": customer.get("FirstName"),
                         "lastName": customer.get("LastName"), "email": customer.get("Email")},
            "paymentToken": token,
        }


def _is_expired(exc: Exception) -> bool:
    return getattr(exc, "reason", "") == "expired"


def _customer_id(claims: Any) -> int:
    value = claims.get("customer_id") if isinstance(claims, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _ApiError(401, [_error("customerToken", "The customer token names no customer.")])


class _Backend:
    """The few store/token operations the SDK needs, on top of the gateway's Store and Tokens."""

    def __init__(self, gateway: Any) -> None:
        self.gateway = gateway
        self.store = gateway.store

    def get_customer(self, customer_id: int) -> dict[str, Any] | None:
        return self.store.get_customer(customer_id)

    def find_or_create_customer(self, first: str, last: str, email: str) -> dict[str, Any]:
        found = self.store.find_customer(first, last, email)
        if found is not None:
            return found
        return self.store.create_customer({"FirstName": first, "LastName": last, "Email": email})

    def match_or_create_card(self, customer_id: int, api: dict[str, Any]) -> int:
        number, expiry, zip_code = api["CreditCardNumber"], api["ExpirationDate"], api["BillingZipCode"]
        found = self.store.find_matching_account(customer_id, "CC", number=number)
        if found is None:
            return self.store.create_credit_card(customer_id, number, expiry, zip_code, issuer=api["Issuer"])["Id"]
        if (found["ExpirationDate"], found["BillingZipCode"]) != (expiry, zip_code):
            self.store.update_credit_card(found["Id"], expiry, zip_code)  # same card, re-issued or moved
        return found["Id"]

    def match_or_create_ach(self, customer_id: int, api: dict[str, Any]) -> int:
        routing, number = api["RoutingNumber"], api["AccountNumber"]
        found = self.store.find_matching_account(customer_id, "ACH", routing=routing, account=number)
        if found is None:
            return self.store.create_ach(customer_id, routing, number, api["BankName"],
                                         is_checking=api["IsCheckingAccount"])["Id"]
        if found["IsCheckingAccount"] != api["IsCheckingAccount"]:
            self.store.update_ach(found["Id"], api["IsCheckingAccount"])  # the only ACH field PUT may change
        return found["Id"]

    def payment_token(self, customer_id: int, account_id: int) -> str:
        return self.gateway.tokens.issue_payment_token(customer_id, account_id)


def sdk_routes(gateway: Any) -> list[BaseRoute]:
    """Starlette routes for the SDK, its iframe form and the form's JSON API (mounted by TrainingGateway)."""
    app = _SdkApp(gateway, resources_dir() / "training")
    return [
        Route(f"{PREFIX}/scripts/client.js", app.client_js, methods=["GET"]),
        Route(f"{PREFIX}/frame", app.frame_page, methods=["GET"]),
        Route(f"{PREFIX}/frame.js", app.frame_js, methods=["GET"]),
        Route(f"{PREFIX}/frame.css", app.frame_css, methods=["GET"]),
        Route(f"{PREFIX}/api/accounts/retrieve", app.retrieve, methods=["POST"]),
        Route(f"{PREFIX}/api/accounts/match-or-create", app.match_or_create, methods=["POST"]),
    ]
