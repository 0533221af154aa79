"""PaySimpleClient: the synchronous, typed API v4 client (one object per environment).

Threads: one ``PaySimpleClient`` may be shared by worker threads. It holds no per-request state; the
underlying ``httpx.Client`` (connection pool) is thread-safe, the Authorization header is built fresh per
request, and the API key lives only in a closure (never an attribute, never in a repr). Do not use it from
the Qt GUI thread: calls block for up to the configured timeouts (times the retries for reads).

Protocol decisions (reference [I]/[?]; the training gateway follows the same ones):
- Any 2xx is success; the real HTTP status decides, not ``Meta.HttpStatus`` (whose .NET names we ignore).
  ACH create may answer 200 or 201: both accepted (so are card/customer/payment creates).
- 204 No Content: any body PaySimple sends with it (the .NET SDK saw content on DELETE customer) is ignored;
  2xx answers to DELETE and set-default are never parsed (any body, even non-JSON, is fine).
- 203 Non-Authoritative on GET /customer/{id}: a soft-deleted customer, returned with ``deleted=True``.
- PUT /customer/{cid}/{accountId} (set default): any body or none is accepted and ignored.
- PUT /payment/{id}/reverse returns whichever Payment PaySimple sends (original ``Reversed`` or the new
  credit); callers look at ``status`` / ``reference_id``. Same for void (expect ``Voided``).
- PUT /MarkPaymentStatus returns the Payment when one is sent, else None.
- GET default card/ACH with ``Response: null`` (no default) returns None; 404 raises NotFoundError.
- A list reply without ``PagingDetails`` is treated as the last page.
- Declined payments are 2xx replies: ``Payment(status="Failed", failure=FailureData(...))``, not errors.
- Plain ``http://`` is refused except to loopback (the training gateway) unless ``allow_plain_http=True``:
  the ``basic`` scheme would otherwise send the key in clear.

Bounds on every reply (what a proxy, a load balancer or a broken server can do to us):
- Overall deadline ``Timeouts.total`` per HTTP request: connecting, sending and reading the WHOLE reply (headers
  and body) end by it, however slowly the bytes drip (``deadline.py``). Past it the request fails as a timeout
  (``RequestTimeout``; a write is then ``may_have_taken_effect``). A call that is retried (GETs, tokens) takes at
  most ``(max_retries + 1) * total`` plus the backoff waits.
- Reply bodies are read as a stream and counted; more than ``max_reply_bytes`` (default 10 MiB, counted after
  content decoding) stops reading at once with ``ReplyTooLarge`` (a declared Content-Length over the cap is
  refused before reading). Memory stays about one cap.
- Paging walks (``iter_customers``, ``iter_payments``, ``customer_payments``) stop at the page count the FIRST
  page announced plus one page (rows added during the walk shift offset paging by at most that); a server that
  still announces more pages there gets ``ResponseFormatError`` (the walk is incomplete, never silently cut).
- Who answered: ``PaySimpleError.paysimple_answered`` is True only for PaySimple's own reply: its JSON envelope
  (``{Meta, Response}``) on a status other than 502/503/504, or a 401 with an empty body (PaySimple's documented
  401). A 502/503/504, an HTML/empty/foreign-JSON error page, a too-large or cut-off reply means something between
  us and PaySimple answered (or nobody did): PaySimple may still be working on the request. So a 4xx on a write
  is ``may_have_taken_effect=False`` only when PaySimple itself sent it.

Logging: logger ``pos_app.paysimple.client``; DEBUG lines carry method, path (ids only), status, duration,
ErrorCode and TraceCode. Never headers, query strings, bodies, tokens or the key. The key is also registered
with ``pos_app.logs.register_secret`` as a second line of defence.
"""

from __future__ import annotations

import ipaddress
import logging
import random as _random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import httpx

from pos_app.logs import register_secret
from pos_app.paysimple import auth, deadline
from pos_app.paysimple.errors import (
    AuthenticationError,
    FieldMessage,
    InvalidInputError,
    NotFoundError,
    PaySimpleError,
    PermissionDeniedError,
    ReplyTooLarge,
    RequestTimeout,
    ResponseFormatError,
    ServerError,
    TransportError,
)
from pos_app.paysimple.models import (
    AchAccount,
    AchInput,
    CreditCardAccount,
    CreditCardInput,
    Customer,
    CustomerAccounts,
    CustomerInput,
    Page,
    Payment,
    PaymentRequest,
    PaymentStatus,
    TokenResponse,
)
from pos_app.paysimple.retry import RETRY_STATUSES, RetryPolicy, parse_retry_after
from pos_app.paysimple.wire import (
    Envelope,
    FormatProblem,
    date_param,
    dumps,
    error_parts,
    loads,
    parse_envelope,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

SANDBOX_URL = "https://sandbox-api.paysimple.com/v4"
LIVE_URL = "https://api.paysimple.com/v4"

CUSTOMER_SORT_FIELDS = (
    "FirstName", "MiddleName", "LastName", "Company",
    "BillingAddress.City", "BillingAddress.State", "BillingAddress.Zip", "BillingAddress.Country",
    "ShippingAddress.City", "ShippingAddress.State", "ShippingAddress.Zip", "ShippingAddress.Country",
)
PAYMENT_SORT_FIELDS = (
    "paymentid", "actualsettleddate", "amount", "estimatedsettledate", "paymentdate",
    "paymentsubtype", "paymenttype", "returndate",
)
PAYMENT_STATUS_FILTERS = tuple(s.value.lower() for s in PaymentStatus)
MAX_REPLY_BYTES = 10 * 1024 * 1024
_OVERLOADED = frozenset({502, 503, 504})  # what proxies and load balancers answer: never PaySimple's word


@dataclass(frozen=True)
class Timeouts:
    """Seconds. ``write`` defaults to ``read``; ``pool`` (waiting for a free connection) to ``connect``.

    ``connect``/``read``/``write``/``pool`` bound each single operation (a read = one socket read); ``total``
    bounds the whole request: connect + send + the complete reply, headers and body (``deadline.py``).
    """

    connect: float = 5.0
    read: float = 30.0
    write: float | None = None
    pool: float | None = None
    total: float = 45.0

    def __post_init__(self) -> None:
        for name in ("connect", "read", "write", "pool", "total"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                      or not value > 0):
                raise ValueError(f"Timeouts.{name} must be a positive number of seconds")

    def to_httpx(self) -> httpx.Timeout:
        def cap(value: float) -> float:
            return min(value, self.total)

        return httpx.Timeout(connect=cap(self.connect), read=cap(self.read),
                             write=cap(self.write if self.write is not None else self.read),
                             pool=cap(self.pool if self.pool is not None else self.connect))


class _TooLarge(Exception):
    def __init__(self, status: int, declared: bool) -> None:
        super().__init__(status)
        self.status, self.declared = status, declared


@dataclass(frozen=True)
class _Reply:
    status: int
    envelope: Envelope | None
    method: str
    path: str
    changes: bool


# Transport failures where the request cannot have reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol,
             httpx.LocalProtocolError, httpx.ProxyError)


def _positive_id(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    return value


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _direction(value: str) -> str:
    upper = str(value).strip().upper()
    if upper not in ("ASC", "DESC"):
        raise ValueError(f"direction must be ASC or DESC, got {value!r}")
    return upper


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    for option in allowed:
        if option.lower() == str(value).strip().lower():
            return option
    raise ValueError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")


def _status_list(status: Iterable[str] | None) -> list[str] | None:
    """Freeze a status filter once (a generator must survive several pages; a bare str is one status)."""
    if status is None:
        return None
    return [status] if isinstance(status, str) else list(status)


class PaySimpleClient:
    """Typed client for PaySimple API v4 (or the training gateway), one per environment/credential."""

    def __init__(
        self,
        base_url: str,
        api_user: str,
        api_key: str,
        auth_scheme: str = auth.PSSERVER,
        timeouts: Timeouts | None = None,
        max_retries: int = 2,
        *,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        backoff_base: float = 0.25,
        backoff_cap: float = 4.0,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] | None = None,
        allow_plain_http: bool = False,
        max_reply_bytes: int = MAX_REPLY_BYTES,
    ) -> None:
        url = httpx.URL(str(base_url).rstrip("/"))
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"base_url must be an http(s) URL such as {SANDBOX_URL}, got {str(base_url)!r}")
        if url.scheme == "http" and not allow_plain_http and not _is_loopback(url.host):
            raise ValueError(f"refusing plain http to {url.host}: use https (plain http is for loopback only)")
        if not isinstance(api_user, str) or not api_user.strip() or any(c in api_user for c in ";\r\n"):
            raise ValueError("API user is required and must not contain ';' or line breaks")
        if not isinstance(api_key, str) or not api_key.strip() or any(c in api_key for c in "\r\n"):
            raise ValueError("API key is required and must be a single line")  # never echo the key
        if isinstance(max_reply_bytes, bool) or not isinstance(max_reply_bytes, int) or max_reply_bytes < 1024:
            raise ValueError("max_reply_bytes must be a whole number of bytes, at least 1024")
        scheme = str(auth_scheme).lower()
        register_secret(api_key)
        self._authorization = auth.header_factory(api_user, api_key, scheme, clock)
        self.base_url = str(url)
        self.api_user = api_user
        self.auth_scheme = scheme
        self.timeouts = timeouts or Timeouts()
        self.max_reply_bytes = max_reply_bytes
        self.retry = RetryPolicy(max_retries, backoff_base, backoff_cap, sleep, random)
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=self.timeouts.to_httpx(),
            transport=transport,
            # no-cache: a cache between us and PaySimple must not answer a look-up with an old list
            headers={"Accept": "application/json", "User-Agent": "pos-app (PaySimple v4 client)",
                     "Cache-Control": "no-cache, no-store", "Pragma": "no-cache"},
            follow_redirects=False,
        )
        if transport is None and deadline.install(self._http) == 0:
            raise RuntimeError("no HTTP transport to put the overall request deadline on")

    def __repr__(self) -> str:
        return (f"PaySimpleClient(base_url={self.base_url!r}, api_user={self.api_user!r}, "
                f"auth_scheme={self.auth_scheme!r})")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PaySimpleClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- tokens ------------------------------------------------------------------------------------------

    def checkout_token(self) -> TokenResponse:
        """POST /checkouttoken with ``{}``: a 5-minute token for PaySimpleJS (retried: it is harmless)."""
        reply = self._send("POST", "/checkouttoken", body={}, repeatable=True, changes=False)
        return self._one(reply, TokenResponse.from_json)

    def customer_token(self, customer_id: int) -> TokenResponse:
        """GET /customer/{id}/token: a 15-minute token letting PaySimpleJS act for this customer only."""
        cid = _positive_id(customer_id, "customer_id")
        return self._one(self._get(f"/customer/{cid}/token"), TokenResponse.from_json)

    # --- customers ---------------------------------------------------------------------------------------

    def list_customers(self, page: int = 1, page_size: int = 200, sort_by: str = "LastName",
                       direction: str = "ASC", lite: bool = False) -> Page[Customer]:
        params = {"page": _positive_id(page, "page"), "pagesize": _positive_id(page_size, "page_size"),
                  "sortby": _choice(sort_by, CUSTOMER_SORT_FIELDS, "sort_by"),
                  "direction": _direction(direction), "lite": "true" if lite else "false"}
        reply = self._get("/customer", params)
        return self._page(reply, Customer.from_json, page, page_size)

    def iter_customers(self, page_size: int = 200, sort_by: str = "LastName", direction: str = "ASC",
                       lite: bool = False) -> Iterator[Customer]:
        """Every customer, page by page (each page fetched when the previous one is used up)."""
        _positive_id(page_size, "page_size")
        sort_by, direction = _choice(sort_by, CUSTOMER_SORT_FIELDS, "sort_by"), _direction(direction)
        return self._walk(lambda n: self.list_customers(n, page_size, sort_by, direction, lite),
                          "/customer")

    def get_customer(self, customer_id: int) -> Customer:
        cid = _positive_id(customer_id, "customer_id")
        reply = self._get(f"/customer/{cid}")
        return self._one(reply, lambda data: Customer.from_json(data, deleted=reply.status == 203))

    def create_customer(self, customer: CustomerInput) -> Customer:
        reply = self._send("POST", "/customer", body=customer.to_json())
        return self._one(reply, Customer.from_json)

    def update_customer(self, customer_id: int, customer: CustomerInput) -> Customer:
        """PUT /customer with the whole customer (fields left None are cleared)."""
        body = {"Id": _positive_id(customer_id, "customer_id"), **customer.to_json()}
        return self._one(self._send("PUT", "/customer", body=body), Customer.from_json)

    def delete_customer(self, customer_id: int) -> None:
        self._send("DELETE", f"/customer/{_positive_id(customer_id, 'customer_id')}", read_body=False)

    # --- payment accounts --------------------------------------------------------------------------------

    def get_accounts(self, customer_id: int) -> CustomerAccounts:
        cid = _positive_id(customer_id, "customer_id")
        return self._one(self._get(f"/customer/{cid}/accounts"), CustomerAccounts.from_json)

    def get_default_credit_card(self, customer_id: int) -> CreditCardAccount | None:
        cid = _positive_id(customer_id, "customer_id")
        return self._optional(self._get(f"/customer/{cid}/defaultcreditcard"), CreditCardAccount.from_json)

    def get_default_ach(self, customer_id: int) -> AchAccount | None:
        cid = _positive_id(customer_id, "customer_id")
        return self._optional(self._get(f"/customer/{cid}/defaultach"), AchAccount.from_json)

    def set_default_account(self, customer_id: int, account_id: int) -> None:
        """PUT /customer/{cid}/{accountId}: the server decides whether it is a card or ACH account."""
        cid = _positive_id(customer_id, "customer_id")
        aid = _positive_id(account_id, "account_id")
        self._send("PUT", f"/customer/{cid}/{aid}", read_body=False)

    def create_credit_card(self, card: CreditCardInput) -> CreditCardAccount:
        return self._one(self._send("POST", "/account/creditcard", body=card.to_json()),
                         CreditCardAccount.from_json)

    def get_credit_card(self, account_id: int) -> CreditCardAccount:
        aid = _positive_id(account_id, "account_id")
        return self._one(self._get(f"/account/creditcard/{aid}"), CreditCardAccount.from_json)

    def update_credit_card(self, account_id: int, card: CreditCardInput) -> CreditCardAccount:
        body = {"Id": _positive_id(account_id, "account_id"), **card.to_json()}
        return self._one(self._send("PUT", "/account/creditcard", body=body), CreditCardAccount.from_json)

    def delete_credit_card(self, account_id: int) -> None:
        self._send("DELETE", f"/account/creditcard/{_positive_id(account_id, 'account_id')}", read_body=False)

    def create_ach(self, ach: AchInput) -> AchAccount:
        return self._one(self._send("POST", "/account/ach", body=ach.to_json()), AchAccount.from_json)

    def get_ach(self, account_id: int) -> AchAccount:
        aid = _positive_id(account_id, "account_id")
        return self._one(self._get(f"/account/ach/{aid}"), AchAccount.from_json)

    def update_ach(self, account_id: int, ach: AchInput) -> AchAccount:
        """PUT /account/ach. PaySimple only applies IsCheckingAccount; other changes need a new account."""
        body = {"Id": _positive_id(account_id, "account_id"), **ach.to_json()}
        return self._one(self._send("PUT", "/account/ach", body=body), AchAccount.from_json)

    def delete_ach(self, account_id: int) -> None:
        self._send("DELETE", f"/account/ach/{_positive_id(account_id, 'account_id')}", read_body=False)

    # --- payments ----------------------------------------------------------------------------------------

    def create_payment(self, request: PaymentRequest) -> Payment:
        """POST /payment, sent exactly once. A decline returns ``Payment(status="Failed")``.

        On ``PaySimpleError`` with ``may_have_taken_effect`` the charge may exist: reconcile by OrderId.
        """
        _positive_id(request.account_id, "account_id")
        return self._one(self._send("POST", "/payment", body=request.to_json()), Payment.from_json)

    def get_payment(self, payment_id: int) -> Payment:
        pid = _positive_id(payment_id, "payment_id")
        return self._one(self._get(f"/payment/{pid}"), Payment.from_json)

    def list_payments(self, start_date: date | None = None, end_date: date | None = None,
                      status: Iterable[str] | None = None, page: int = 1, page_size: int = 200,
                      sort_by: str = "paymentid", direction: str = "DESC") -> Page[Payment]:
        params = self._payment_filters(start_date, end_date, status, page, page_size, sort_by, direction)
        return self._page(self._get("/payment", params), Payment.from_json, page, page_size)

    def iter_payments(self, start_date: date | None = None, end_date: date | None = None,
                      status: Iterable[str] | None = None, page_size: int = 200,
                      sort_by: str = "paymentid", direction: str = "DESC") -> Iterator[Payment]:
        status = _status_list(status)
        self._payment_filters(start_date, end_date, status, 1, page_size, sort_by, direction)  # fail now
        return self._walk(lambda n: self.list_payments(start_date, end_date, status, n, page_size,
                                                       sort_by, direction), "/payment")

    def customer_payments(self, customer_id: int, start_date: date | None = None,
                          end_date: date | None = None, status: Iterable[str] | None = None,
                          page_size: int = 200, sort_by: str = "paymentid",
                          direction: str = "DESC") -> list[Payment]:
        """GET /customer/{id}/payments, every page."""
        cid = _positive_id(customer_id, "customer_id")
        status = _status_list(status)

        def fetch(n: int) -> Page[Payment]:
            params = self._payment_filters(start_date, end_date, status, n, page_size, sort_by, direction)
            return self._page(self._get(f"/customer/{cid}/payments", params), Payment.from_json, n, page_size)

        return list(self._walk(fetch, f"/customer/{cid}/payments"))

    def void_payment(self, payment_id: int) -> Payment:
        """PUT /payment/{id}/void, sent exactly once (expect status Voided)."""
        pid = _positive_id(payment_id, "payment_id")
        return self._one(self._send("PUT", f"/payment/{pid}/void"), Payment.from_json)

    def reverse_payment(self, payment_id: int) -> Payment:
        """PUT /payment/{id}/reverse (refund of a Settled payment), sent exactly once."""
        pid = _positive_id(payment_id, "payment_id")
        return self._one(self._send("PUT", f"/payment/{pid}/reverse"), Payment.from_json)

    def send_receipt(self, payment_id: int, send_to_customer: bool = True,
                     other_addresses: Iterable[str] = ()) -> None:
        """POST /payment/{id}/sendreceipt ``{SendToCustomer, SendToOtherAddresses}``: PaySimple e-mails the
        payment's receipt (to the customer's e-mail on file). Not in the published v4 reference [?]
        (docs/decisions/0351): a 404/405 from PaySimple means the call is not offered. Sent once, never
        retried (a lost reply may have sent the mail); the reply body is not needed."""
        pid = _positive_id(payment_id, "payment_id")
        self._send("POST", f"/payment/{pid}/sendreceipt",
                   body={"SendToCustomer": bool(send_to_customer), "SendToOtherAddresses": list(other_addresses)},
                   read_body=False)

    def mark_payment_status(self, payment_id: int) -> Payment | None:
        """PUT /MarkPaymentStatus ``{PaymentId}``: settle a payment now (sandbox and training only)."""
        pid = _positive_id(payment_id, "payment_id")
        reply = self._send("PUT", "/MarkPaymentStatus", body={"PaymentId": pid})
        response = reply.envelope.response if reply.envelope else None
        if not isinstance(response, dict) or response.get("Id") is None:
            return None  # decision: whatever else PaySimple sends back here carries nothing we need
        return self._one(reply, Payment.from_json)

    # --- plumbing ----------------------------------------------------------------------------------------

    @staticmethod
    def _payment_filters(start_date: date | None, end_date: date | None, status: Iterable[str] | None,
                         page: int, page_size: int, sort_by: str, direction: str) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if start_date is not None:
            params["startdate"] = date_param(start_date)
        if end_date is not None:
            params["enddate"] = date_param(end_date)
        if status is not None:
            wanted = [_choice(s, PAYMENT_STATUS_FILTERS, "status") for s in _status_list(status) or []]
            if wanted:
                params["status"] = ",".join(wanted)
        params.update(page=_positive_id(page, "page"), pagesize=_positive_id(page_size, "page_size"),
                      sortby=_choice(sort_by, PAYMENT_SORT_FIELDS, "sort_by"), direction=_direction(direction))
        return params

    def _get(self, path: str, params: dict[str, Any] | None = None) -> _Reply:
        return self._send("GET", path, params=params, repeatable=True, changes=False)

    def _send(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None,
              repeatable: bool = False, changes: bool = True, read_body: bool = True) -> _Reply:
        """One logical request. ``repeatable``: may be retried; ``changes``: a lost reply may have had effect;
        ``read_body=False``: a 2xx body is ignored unparsed (deletes, set-default)."""
        content = dumps(body).encode("utf-8") if body is not None else None
        retries = 0
        while True:
            headers = {"Authorization": self._authorization()}
            if content is not None:
                headers["Content-Type"] = "application/json; charset=utf-8"
            started = time.perf_counter()
            try:
                status, reply_body = self._exchange(method, path, params, content, headers)
            except _TooLarge as big:
                raise self._too_large(big, method, path, changes) from None
            except httpx.RequestError as exc:  # transport errors, and a body that cannot be decoded
                elapsed = (time.perf_counter() - started) * 1000
                log.debug("%s %s failed after %.1f ms: %s", method, path, elapsed, type(exc).__name__)
                if repeatable and retries < self.retry.max_retries:
                    retries += 1
                    self._pause(method, path, retries, type(exc).__name__, None)
                    continue
                raise self._transport_error(exc, method, path, changes) from exc
            elapsed = (time.perf_counter() - started) * 1000
            if status.status_code in RETRY_STATUSES and repeatable and retries < self.retry.max_retries:
                log.debug("%s %s -> %d in %.1f ms", method, path, status.status_code, elapsed)
                retries += 1
                self._pause(method, path, retries, f"HTTP {status.status_code}",
                            parse_retry_after(status.headers.get("Retry-After")))
                continue
            return self._interpret(status, reply_body, method, path, changes, elapsed, read_body)

    def _exchange(self, method: str, path: str, params: dict[str, Any] | None, content: bytes | None,
                  headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        """Send one HTTP request and read its whole reply, all within ``timeouts.total``; the body is capped."""
        request = self._http.build_request(method, path, params=params, content=content, headers=headers)
        with deadline.limit(self.timeouts.total):
            try:
                response = self._http.send(request, stream=True)
                try:
                    return response, self._read_capped(response)
                finally:
                    response.close()
            except httpx.RequestError as exc:
                exc.deadline_passed = deadline.expired()  # type: ignore[attr-defined]
                raise

    def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.max_reply_bytes
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > cap:
            raise _TooLarge(response.status_code, declared=True)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise _TooLarge(response.status_code, declared=False)
            chunks.append(chunk)
            if deadline.expired():  # second line of defence for transports without the deadline backend
                raise httpx.ReadTimeout("the overall request deadline passed while reading the reply",
                                        request=response.request)
        return b"".join(chunks)

    def _too_large(self, big: _TooLarge, method: str, path: str, changes: bool) -> ReplyTooLarge:
        limit_mb = self.max_reply_bytes / (1024 * 1024)
        how = "announced a size" if big.declared else "sent more"
        text = (f"The reply to {method} {path} (HTTP {big.status}) {how} than the {limit_mb:g} MiB limit; "
                "it was not read further.")
        if changes:
            text += " It MAY HAVE TAKEN EFFECT: look it up before trying again."
        log.warning("%s %s: reply over %d bytes (HTTP %d); not read", method, path, self.max_reply_bytes,
                    big.status)
        return ReplyTooLarge(text, status=big.status, method=method, path=path, may_have_taken_effect=changes)

    def _pause(self, method: str, path: str, retry_number: int, reason: str, retry_after: float | None) -> None:
        wait = self.retry.delay(retry_number, retry_after)
        log.info("%s %s: %s; retry %d of %d in %.2f s", method, path, reason, retry_number,
                 self.retry.max_retries, wait)
        self.retry.sleep(wait)

    def _transport_error(self, exc: httpx.RequestError, method: str, path: str,
                         changes: bool) -> TransportError:
        sent = not isinstance(exc, _NOT_SENT)
        maybe = changes and sent
        if isinstance(exc, httpx.TimeoutException):
            kind = {httpx.ConnectTimeout: "connecting", httpx.PoolTimeout: "waiting for a free connection",
                    httpx.WriteTimeout: "sending the request"}.get(type(exc), "waiting for the reply")
            if getattr(exc, "deadline_passed", False):
                kind += f"; the whole request is limited to {self.timeouts.total:g} s"
            text = f"PaySimple did not answer {method} {path} in time ({kind})."
            cls: type[TransportError] = RequestTimeout
        elif isinstance(exc, httpx.ConnectError):
            text = f"Could not connect to PaySimple for {method} {path} (network down or host unreachable)."
            cls = TransportError
        else:
            text = f"The connection to PaySimple broke during {method} {path} ({type(exc).__name__})."
            cls = TransportError
        text += (" It MAY HAVE TAKEN EFFECT: look it up before trying again." if maybe
                 else " Nothing was changed." if changes else "")
        log.info("%s %s: %s (may have taken effect: %s)", method, path, type(exc).__name__, maybe)
        return cls(text, method=method, path=path, may_have_taken_effect=maybe)

    def _interpret(self, response: httpx.Response, content: bytes, method: str, path: str, changes: bool,
                   elapsed: float, read_body: bool) -> _Reply:
        status = response.status_code
        if 200 <= status < 300:
            envelope = None
            if read_body and status != 204 and content.strip():
                try:
                    envelope = parse_envelope(loads(content))
                except FormatProblem as problem:
                    log.debug("%s %s -> %d in %.1f ms (unreadable reply)", method, path, status, elapsed)
                    raise self._format_error(_Reply(status, None, method, path, changes), str(problem)) from None
            log.debug("%s %s -> %d in %.1f ms", method, path, status, elapsed)
            return _Reply(status, envelope, method, path, changes)
        error_code, trace_code, pairs = None, None, []
        has_envelope = False
        if content.strip():
            try:
                body = loads(content)
                if isinstance(body, dict) and isinstance(body.get("Meta"), dict):
                    has_envelope = True
                    error_code, trace_code, pairs = error_parts(body["Meta"])
            except FormatProblem:
                pass  # e.g. an HTML page from a proxy: not PaySimple's answer
        if status == 401:  # PaySimple's 401 has an empty body; its messages are not shown either way
            error_code, trace_code, pairs = None, None, []
            answered = has_envelope or not content.strip()
        else:
            answered = has_envelope and status not in _OVERLOADED
        log.debug("%s %s -> %d in %.1f ms error=%s trace=%s paysimple=%s", method, path, status, elapsed,
                  error_code, trace_code, answered)
        raise self._http_error(status, error_code, trace_code,
                               [FieldMessage(f, m) for f, m in pairs], method, path, changes, answered)

    @staticmethod
    def _http_error(status: int, error_code: str | None, trace_code: str | None,
                    messages: list[FieldMessage], method: str, path: str, changes: bool,
                    answered: bool = True) -> PaySimpleError:
        detail = "; ".join((f"{m.field}: {m.message}" if m.field else m.message).strip().rstrip(".")
                           for m in messages)
        code = f"HTTP {status}" + (f" {error_code}" if error_code else "")
        where = f"{method} {path}"
        # A 4xx is decided before anything happens, but only PaySimple's own 4xx says so: a proxy's page may
        # have been sent while (or after) PaySimple worked on the request.
        maybe = changes and (status >= 500 or not answered)
        cls: type[PaySimpleError]
        if status == 401:
            cls = AuthenticationError
            text = (f"PaySimple refused the API credentials ({code}) for {where}: check the API user and key,"
                    " and that this computer's clock is correct.")
        elif status == 400:
            cls = InvalidInputError
            text = f"PaySimple rejected the request ({code}) for {where}: {detail or 'no details given'}."
        elif status == 403:
            cls = PermissionDeniedError
            text = f"PaySimple does not allow this API user to do {where} ({code})."
        elif status == 404:
            cls = NotFoundError
            text = f"PaySimple found nothing at {where} ({code})."
        elif status >= 500:
            cls = ServerError
            text = f"PaySimple had a server error ({code}) on {where}."
        else:
            cls = PaySimpleError
            text = f"PaySimple answered {code} to {where}."
        if not answered:
            text = (f"Something between this computer and PaySimple answered {code} to {where} (not PaySimple's "
                    "own reply); PaySimple may still be working on it.")
        if maybe:
            text += " It MAY HAVE TAKEN EFFECT: look it up before trying again."
        if detail and status != 400:
            text += f" Details: {detail}."
        if trace_code:
            text += f" Trace code: {trace_code}."
        return cls(text, status=status, error_code=error_code, messages=messages, trace_code=trace_code,
                   method=method, path=path, may_have_taken_effect=maybe, paysimple_answered=answered)

    @staticmethod
    def _format_error(reply: _Reply, problem: str) -> ResponseFormatError:
        text = f"PaySimple's reply to {reply.method} {reply.path} could not be read: {problem}."
        if reply.changes:
            text += " The request probably took effect: look it up before trying again."
        return ResponseFormatError(text, status=reply.status, method=reply.method, path=reply.path,
                                   may_have_taken_effect=reply.changes, paysimple_answered=reply.envelope is not None)

    def _one(self, reply: _Reply, parse: Callable[[Any], T]) -> T:
        if reply.envelope is None:
            raise self._format_error(reply, f"the reply (HTTP {reply.status}) has no body")
        try:
            return parse(reply.envelope.response)
        except FormatProblem as problem:
            raise self._format_error(reply, str(problem)) from None

    def _optional(self, reply: _Reply, parse: Callable[[Any], T]) -> T | None:
        if reply.envelope is None or reply.envelope.response is None:
            return None
        return self._one(reply, parse)

    def _page(self, reply: _Reply, parse: Callable[[Any], T], page: int, page_size: int) -> Page[T]:
        def parse_list(data: Any) -> list[T]:
            if data is None:
                return []
            if not isinstance(data, list):
                raise FormatProblem(f"Response must be a list, got {type(data).__name__}")
            return [parse(item) for item in data]

        items = self._one(reply, parse_list)
        paging = reply.envelope.paging if reply.envelope else None
        if paging is None:  # decision: a list without PagingDetails is complete (the last page)
            return Page(items, (page - 1) * page_size + len(items), page, page_size)
        return Page(items, paging.total_items, paging.page, paging.items_per_page)

    @staticmethod
    def _walk(fetch: Callable[[int], Page[T]], path: str) -> Iterator[T]:
        """Every item of a paged list. Stops at the page count the first page announced + 1; a server still
        announcing more pages there raises ``ResponseFormatError`` (the list was not read completely)."""
        number, last_allowed = 1, None
        while True:
            page = fetch(number)
            yield from page.items
            if last_allowed is None:
                last_allowed = page.total_pages + 1
            # Use the page number WE asked for, so a server echoing a wrong Page cannot loop us forever.
            if not page.items or number >= page.total_pages:
                return
            if number >= last_allowed:
                raise ResponseFormatError(
                    f"PaySimple's list at GET {path} kept announcing more pages ({page.total_pages}) than its "
                    f"first page did ({last_allowed - 1}); stopped after {number} pages, the list is incomplete.",
                    method="GET", path=path)
            number += 1
