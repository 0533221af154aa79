"""Shared fixtures for the PaySimple client tests: a respx router on a fake base URL, a client whose
backoff sleeps are recorded instead of slept, and JSON builders for PaySimple's {Meta, Response} envelope."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from pos_app.paysimple import PaySimpleClient, Timeouts

BASE = "https://sandbox-api.paysimple.com/v4"
USER = "APIUser1000"
KEY = "k3y-Sup3rSecret-0123456789abcdef"

STATUS_NAMES = {200: "OK", 201: "Created", 203: "NonAuthoritativeInformation", 400: "BadRequest",
                403: "Forbidden", 404: "NotFound", 500: "InternalServerError"}


def envelope(response: Any, status: int = 200, paging: dict | None = None, errors: dict | None = None) -> dict:
    return {"Meta": {"Errors": errors, "HttpStatus": STATUS_NAMES.get(status, "Other"), "HttpStatusCode": status,
                     "PagingDetails": paging}, "Response": response}


def reply(response: Any = None, status: int = 200, paging: dict | None = None) -> httpx.Response:
    return httpx.Response(status, json=envelope(response, status, paging))


def error_reply(status: int, code: str | None, messages: list[tuple[str, str]] = (),
                trace: str | None = None) -> httpx.Response:
    errors = {"ErrorCode": code, "ErrorMessages": [{"Field": f, "Message": m} for f, m in messages],
              "TraceCode": trace}
    return httpx.Response(status, json=envelope(None, status, errors=errors))


def raw_json(response: httpx.Response) -> Any:
    return json.loads(response.content)


def sent_json(call) -> Any:
    return json.loads(call.request.content)


CUSTOMER = {
    "Id": 8041997, "FirstName": "Ada", "LastName": "Lovelace", "MiddleName": None, "Company": "Engines Ltd",
    "CustomerAccount": "C-17", "Email": "ada@example.com", "AltEmail": None, "Phone": "3035550100",
    "AltPhone": None, "MobilePhone": None, "Fax": None, "Website": None, "Notes": None,
    "BillingAddress": {"StreetAddress1": "1 Main St", "StreetAddress2": None, "City": "Denver",
                       "StateCode": "CO", "ZipCode": "80202", "Country": "US"},
    "ShippingAddress": {"StreetAddress1": "1 Main St", "StreetAddress2": None, "City": "Denver",
                        "StateCode": "CO", "ZipCode": "80202", "Country": "US"},
    "ShippingSameAsBilling": True,
    "CreatedOn": "2013-10-11T17:41:36.6661404Z", "LastModified": "2013-10-15T06:00:00Z",
}

CARD = {"Id": 7313702, "CustomerId": 8041997, "CreditCardNumber": "************1111",
        "ExpirationDate": "12/2029", "Issuer": "Visa", "BillingZipCode": "80202", "IsDefault": True,
        "CreatedOn": "2013-10-11T17:41:36.6661404Z", "LastModified": None}

ACH = {"Id": 7313703, "CustomerId": 8041997, "RoutingNumber": "131111114", "AccountNumber": "*****1111",
       "BankName": "PaySimple Bank", "IsCheckingAccount": True, "IsDefault": False,
       "CreatedOn": "2013-10-11T17:41:36Z", "LastModified": "2013-10-11T17:41:36Z"}

PAYMENT = {
    "Id": 555, "Status": "Authorized", "ProviderAuthCode": "Approved", "TraceNumber": "abc123",
    "FailureData": {"Code": None, "Description": None, "MerchantActionText": None, "IsDecline": None},
    "CustomerId": 8041997, "CustomerFirstName": "Ada", "CustomerLastName": "Lovelace", "CustomerCompany": None,
    "ReferenceId": 0, "RecurringScheduleId": 0, "PaymentType": "CC", "PaymentSubType": "Moto",
    "PaymentDate": "2026-11-25T00:00:00Z", "ReturnDate": None, "EstimatedSettleDate": "2026-11-27T00:00:00Z",
    "ActualSettledDate": None, "CanVoidUntil": "2026-11-26T04:00:00Z", "AccountId": 7313702, "InvoiceId": None,
    "Amount": 12.5, "IsDebit": False, "InvoiceNumber": None, "PurchaseOrderNumber": None, "OrderId": "A-1",
    "Description": "Counter sale", "Latitude": None, "Longitude": None, "SuccessReceiptOptions": None,
    "FailureReceiptOptions": None, "CreatedOn": "2026-11-25T15:04:05.1234567Z",
    "LastModified": "2026-11-25T15:04:05.1234567Z",
}


class SleepRecorder:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def api():
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client(sleeps):
    with PaySimpleClient(BASE, USER, KEY, timeouts=Timeouts(connect=2, read=5), max_retries=2,
                         sleep=sleeps, random=lambda: 1.0) as c:
        yield c
