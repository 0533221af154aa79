"""A whole scripted client session over real TCP, logged at DEBUG by every logger (ours, httpx, httpcore),
WITHOUT the redaction filter: the log and every exception text must hold no key, signature, JWT, payment
token or full card/bank number. (The filter in pos_app.logs is only the second line of defence.)"""

from __future__ import annotations

import json
import logging
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pos_app.paysimple import (
    AchInput,
    CreditCardInput,
    InvalidInputError,
    PaymentRequest,
    PaySimpleClient,
    PaySimpleError,
    ServerError,
    Timeouts,
)

from .conftest import ACH, CARD, CUSTOMER, KEY, PAYMENT, USER, envelope

JWT_CHECKOUT = "eyJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6ImNoZWNrb3V0In0.c2lnbmF0dXJlMQ"
JWT_CUSTOMER = "eyJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6ImN1c3RvbWVyIn0.c2lnbmF0dXJlMg"
PAYMENT_TOKEN = "e1f1bb19-9fe4-4c96-a35e-cd921298d8e6"
PAN = "4111111111111111"
BANK_ACCOUNT = "751111111"


class FakePaySimple(BaseHTTPRequestHandler):
    routes: dict[tuple[str, str], list[tuple[int, object]]] = {}
    seen_auth: list[str] = []

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen_auth.append(self.headers.get("Authorization", ""))
        path = self.path.split("?")[0]
        queue = self.routes.get((self.command, path))
        status, body = queue.pop(0) if queue else (404, None)
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


@pytest.fixture
def fake_api():
    FakePaySimple.routes = {
        ("POST", "/v4/checkouttoken"): [(200, envelope({"JwtToken": JWT_CHECKOUT}))],
        ("GET", "/v4/customer/8041997/token"): [(200, envelope({"JwtToken": JWT_CUSTOMER}))],
        ("GET", "/v4/customer"): [(200, envelope([CUSTOMER], paging={"TotalItems": 1, "Page": 1,
                                                                       "ItemsPerPage": 200}))],
        ("POST", "/v4/account/creditcard"): [(201, envelope(CARD, 201))],
        ("POST", "/v4/account/ach"): [(400, envelope(None, 400, errors={
            "ErrorCode": "InvalidInput", "ErrorMessages": [{"Field": "RoutingNumber",
                                                            "Message": "Invalid Routing Number."}],
            "TraceCode": None}))],
        ("GET", "/v4/customer/8041997/accounts"): [(503, None), (200, envelope(
            {"CreditCardAccounts": [CARD], "AchAccounts": [ACH]}))],
        ("POST", "/v4/payment"): [(201, envelope(PAYMENT, 201)), (500, envelope(None, 500, errors={
            "ErrorCode": "UnexpectedError", "ErrorMessages": [], "TraceCode": "TR-1"}))],
        ("PUT", "/v4/payment/555/void"): [(200, envelope({**PAYMENT, "Status": "Voided"}))],
    }
    FakePaySimple.seen_auth = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePaySimple)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v4"
    server.shutdown()
    server.server_close()
    thread.join(timeout=2)


def test_debug_log_of_a_whole_session_has_no_secrets(fake_api, caplog, sleeps):
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "pos_app"):
        caplog.set_level(logging.DEBUG, logger=name)  # restored by caplog after the test
    errors: list[str] = []
    with PaySimpleClient(fake_api, USER, KEY, timeouts=Timeouts(connect=2, read=5), sleep=sleeps) as client:
        checkout = client.checkout_token()
        customer_token = client.customer_token(8041997)
        customers = list(client.iter_customers())
        card = client.create_credit_card(CreditCardInput(8041997, PAN, "12/2029"))
        with pytest.raises(InvalidInputError) as bad_ach:
            client.create_ach(AchInput(8041997, "123456789", BANK_ACCOUNT, "Bank"))
        errors.append(str(bad_ach.value))
        accounts = client.get_accounts(8041997)  # one 503, retried
        payment = client.create_payment(PaymentRequest(card.id, Decimal("12.50"), order_id="A-1",
                                                       payment_token=PAYMENT_TOKEN, cvv="996"))
        voided = client.void_payment(payment.id)
        with pytest.raises(ServerError) as lost:
            client.create_payment(PaymentRequest(card.id, Decimal("3.00"), payment_token=PAYMENT_TOKEN))
        errors.append(str(lost.value))
        logging.getLogger("pos_app.test").debug("objects: %r %r %r", checkout, customer_token, client)

    # The session really happened, over TCP, with our headers.
    assert checkout.jwt_token == JWT_CHECKOUT and customer_token.jwt_token == JWT_CUSTOMER
    assert len(customers) == 1 and len(accounts.credit_cards) == 1 and voided.status == "Voided"
    assert len(FakePaySimple.seen_auth) == 10 and all(a.startswith("PSSERVER accessid=")
                                                      for a in FakePaySimple.seen_auth)
    assert lost.value.may_have_taken_effect
    assert len(sleeps.waits) == 1 and 0.125 <= sleeps.waits[0] <= 0.25  # the one 503 retry, jittered

    text = caplog.text + "\n".join(errors)
    # ... and it was logged at DEBUG: method, path, status, trace code.
    assert "POST /payment -> 201" in text and "GET /customer/8041997/accounts -> 503" in text
    assert "TR-1" in text
    signatures = [a.rsplit("signature=", 1)[1] for a in FakePaySimple.seen_auth]
    forbidden = [KEY, JWT_CHECKOUT, JWT_CUSTOMER, "eyJhbGciOiJIUzI1NiJ9", PAYMENT_TOKEN, PAN, BANK_ACCOUNT,
                 "PSSERVER", "accessid", *signatures]
    leaks = [secret for secret in forbidden if secret in text]
    assert leaks == []


def test_exception_chain_text_has_no_key(fake_api, sleeps):
    with PaySimpleClient(fake_api, USER, KEY, sleep=sleeps) as client:
        try:
            client.get_payment(999)  # not routed: 404
        except PaySimpleError as exc:
            chain = [repr(exc), str(exc), repr(exc.__cause__), str(exc.__context__)]
        else:
            pytest.fail("expected a NotFoundError")
    assert all(KEY not in part for part in chain)
