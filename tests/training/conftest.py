"""Fixtures for the training gateway tests: a real gateway on a loopback TCP port, the real client, and a raw
httpx client that signs requests itself (for the protocol edge cases the typed client never produces)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from pos_app.paysimple.auth import psserver_header, utc_timestamp
from tests.fixtures.gateway import API_KEY, API_USER, make_client

CARD = "4111111111111111"


@pytest.fixture
def client(gateway):
    """The shared client (``tests.fixtures.gateway``, where ``gateway`` also comes from: options by indirect
    parametrisation, e.g. ``{"admin": True}`` for the admin routes) with a 5 s read and no retries."""
    c = make_client(gateway, read=5, max_retries=0)
    yield c
    c.close()


class Raw:
    """httpx against the gateway with a fresh PSSERVER header per request (gateway clock); JSON helpers."""

    def __init__(self, gateway) -> None:
        self.gw = gateway
        self.http = httpx.Client(base_url=gateway.base_url, timeout=5)

    def auth(self) -> str:
        return psserver_header(API_USER, API_KEY, utc_timestamp(self.gw.clock.now()))

    def call(self, method: str, path: str, body: Any = None, headers: dict | None = None, **kw) -> httpx.Response:
        hdrs = {"Authorization": self.auth(), **(headers or {})}
        content = None if body is None else (body if isinstance(body, bytes | str) else json.dumps(body))
        if content is not None:
            hdrs.setdefault("Content-Type", "application/json")
        return self.http.request(method, path, content=content, headers=hdrs, **kw)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200, **kw) -> Any:
        """Call, assert the status and a success envelope, return Response."""
        r = self.call(method, path, body, **kw)
        assert r.status_code == status, r.text
        data = r.json(parse_float=Decimal)
        assert data["Meta"]["Errors"] is None and data["Meta"]["HttpStatusCode"] == status
        return data["Response"]

    def error(self, method: str, path: str, body: Any = None, status: int = 400, **kw) -> list[tuple[str, str]]:
        """Call, assert an error envelope with this status, return [(Field, Message)]."""
        r = self.call(method, path, body, **kw)
        assert r.status_code == status, r.text
        data = r.json()
        assert data["Response"] is None and data["Meta"]["HttpStatusCode"] == status
        return [(m["Field"], m["Message"]) for m in data["Meta"]["Errors"]["ErrorMessages"]]

    def customer(self, **fields) -> dict:
        return self.ok("POST", "/v4/customer", {"FirstName": "Ada", "LastName": "Lovelace", **fields}, 201)

    def card(self, customer_id: int, number: str = CARD, **fields) -> dict:
        body = {"CustomerId": customer_id, "CreditCardNumber": number, "ExpirationDate": "12/2030", **fields}
        return self.ok("POST", "/v4/account/creditcard", body, 201)

    def ach(self, customer_id: int, **fields) -> dict:
        body = {"CustomerId": customer_id, "RoutingNumber": "131111114", "AccountNumber": "751111111",
                "BankName": "PaySimple Bank", "IsCheckingAccount": True, **fields}
        return self.ok("POST", "/v4/account/ach", body, 201)

    def pay(self, account_id: int, amount: str | Decimal = "10.00", **fields) -> dict:
        body = json.dumps({"AccountId": account_id, **fields})[:-1] + f', "Amount": {amount}}}'
        return self.ok("POST", "/v4/payment", body, 201)


@pytest.fixture
def raw(gateway):
    r = Raw(gateway)
    yield r
    r.http.close()
