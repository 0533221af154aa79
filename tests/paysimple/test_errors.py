"""Each typed error with its fields; declines are not errors; unreadable replies name the field."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from pos_app.paysimple import (
    AuthenticationError,
    FieldMessage,
    InvalidInputError,
    NotFoundError,
    PaymentRequest,
    PaySimpleError,
    PermissionDeniedError,
    ResponseFormatError,
    ServerError,
)

from .conftest import CUSTOMER, KEY, PAYMENT, error_reply, reply


def test_401_empty_body_is_authentication_error(api, client):
    api.get("/customer/1").respond(401, content=b"")
    with pytest.raises(AuthenticationError) as err:
        client.get_customer(1)
    e = err.value
    assert e.status == 401 and e.error_code is None and e.messages == [] and e.trace_code is None
    assert not e.may_have_taken_effect
    assert "API user and key" in str(e) and "clock" in str(e)
    assert KEY not in str(e)


def test_400_invalid_input_names_each_field(api, client):
    api.post("/payment").mock(return_value=error_reply(
        400, "InvalidInput", [("Amount", "Amount must be greater than 0.00."), ("", "Request is invalid.")]))
    with pytest.raises(InvalidInputError) as err:
        client.create_payment(PaymentRequest(1, Decimal("1.00")))
    e = err.value
    assert e.status == 400 and e.error_code == "InvalidInput"
    assert e.messages == [FieldMessage("Amount", "Amount must be greater than 0.00."),
                          FieldMessage("", "Request is invalid.")]
    assert e.field_messages() == {"Amount": ["Amount must be greater than 0.00."], "": ["Request is invalid."]}
    assert str(e) == ("PaySimple rejected the request (HTTP 400 InvalidInput) for POST /payment: "
                      "Amount: Amount must be greater than 0.00; Request is invalid.")
    assert e.may_have_taken_effect is False  # 4xx is decided before anything happens
    assert (e.method, e.path) == ("POST", "/payment")


def test_403_permission_denied(api, client):
    api.put("/payment/5/void").mock(return_value=error_reply(403, "InvalidPermissions",
                                                             [("", "Not allowed.")]))
    with pytest.raises(PermissionDeniedError) as err:
        client.void_payment(5)
    assert err.value.status == 403 and err.value.error_code == "InvalidPermissions"
    assert "PUT /payment/5/void" in str(err.value) and "Not allowed" in str(err.value)


def test_404_not_found(api, client):
    api.get("/customer/99").mock(return_value=error_reply(404, "NotFound", [("CustomerId", "Customer not found")]))
    with pytest.raises(NotFoundError) as err:
        client.get_customer(99)
    assert err.value.status == 404 and err.value.messages[0].field == "CustomerId"
    assert "GET /customer/99" in str(err.value)


def test_500_on_payment_carries_trace_code_and_may_have_taken_effect(api, client):
    route = api.post("/payment").mock(return_value=error_reply(500, "UnexpectedError", [], trace="TRACE-77"))
    with pytest.raises(ServerError) as err:
        client.create_payment(PaymentRequest(1, Decimal("5.00")))
    e = err.value
    assert e.status == 500 and e.trace_code == "TRACE-77" and e.error_code == "UnexpectedError"
    assert e.may_have_taken_effect is True
    assert "TRACE-77" in str(e) and "MAY HAVE TAKEN EFFECT" in str(e)
    assert route.call_count == 1


def test_502_html_from_proxy_on_a_read(api, client):
    api.get("/customer/1").respond(502, text="<html>Bad gateway</html>")
    with pytest.raises(ServerError) as err:
        client.get_customer(1)
    assert err.value.status == 502 and err.value.error_code is None and not err.value.may_have_taken_effect


def test_other_4xx_is_base_error(api, client):
    api.delete("/customer/1").respond(405)
    with pytest.raises(PaySimpleError) as err:
        client.delete_customer(1)
    assert type(err.value) is PaySimpleError and err.value.status == 405


def test_decline_is_a_payment_not_an_exception(api, client):
    declined = {**PAYMENT, "Status": "Failed", "Amount": Decimal("9999.01"),
                "FailureData": {"Code": "4005", "Description": "Do Not Honor",
                                "MerchantActionText": "Try a different payment method", "IsDecline": True}}
    api.post("/payment").mock(return_value=httpx.Response(201, content=_json(declined)))
    payment = client.create_payment(PaymentRequest(1, Decimal("9999.01")))
    assert payment.status == "Failed" and payment.is_failed
    assert payment.failure is not None
    assert (payment.failure.code, payment.failure.description, payment.failure.is_decline) == (
        "4005", "Do Not Honor", True)
    assert payment.failure.merchant_action_text == "Try a different payment method"
    assert payment.amount == Decimal("9999.01")


def _json(payment: dict) -> bytes:
    from pos_app.paysimple.wire import dumps
    return dumps({"Meta": {"Errors": None, "HttpStatus": "Created", "HttpStatusCode": 201,
                           "PagingDetails": None}, "Response": payment}).encode()


@pytest.mark.parametrize("code", [4005, "4005"])
def test_failure_code_number_or_string_becomes_string(api, client, code):
    api.get("/payment/1").mock(return_value=reply({**PAYMENT, "Status": "Failed", "FailureData": {
        "Code": code, "Description": "Do Not Honor", "MerchantActionText": None, "IsDecline": True}}))
    assert client.get_payment(1).failure.code == "4005"


def test_failure_without_code(api, client):
    api.get("/payment/1").mock(return_value=reply({**PAYMENT, "Status": "Failed", "FailureData": {
        "Code": None, "Description": "Unknown error", "MerchantActionText": None, "IsDecline": False}}))
    failure = client.get_payment(1).failure
    assert failure is not None and failure.code is None and failure.description == "Unknown error"


def test_null_failure_data(api, client):
    api.get("/payment/1").mock(return_value=reply({**PAYMENT, "FailureData": None}))
    assert client.get_payment(1).failure is None


def test_missing_required_field_names_it(api, client):
    broken = {k: v for k, v in CUSTOMER.items() if k != "LastName"}
    api.get("/customer/1").mock(return_value=reply(broken))
    with pytest.raises(ResponseFormatError) as err:
        client.get_customer(1)
    assert "Customer.LastName" in str(err.value) and "missing" in str(err.value)
    assert not err.value.may_have_taken_effect


def test_null_required_amount_on_payment_write(api, client):
    api.post("/payment").mock(return_value=reply({**PAYMENT, "Amount": None}, status=201))
    with pytest.raises(ResponseFormatError) as err:
        client.create_payment(PaymentRequest(1, Decimal("1.00")))
    assert "Payment.Amount" in str(err.value)
    assert err.value.may_have_taken_effect is True  # the 201 says it happened; we just cannot read it


@pytest.mark.parametrize("content, needle", [
    (b"not json", "not valid JSON"),
    (b"[1, 2]", "Meta and Response"),
    (b'{"Response": {}}', "no Meta"),
    (b'{"Meta": {}}', "no Response"),
    (b'{"Meta": {"PagingDetails": {"Page": 1}}, "Response": []}', "PagingDetails needs"),
])
def test_unreadable_envelopes(api, client, content, needle):
    api.get("/customer").respond(200, content=content)
    with pytest.raises(ResponseFormatError, match=needle):
        client.list_customers()


def test_wrong_type_names_field(api, client):
    api.get("/customer/1").mock(return_value=reply({**CUSTOMER, "Id": "abc"}))
    with pytest.raises(ResponseFormatError, match=r"Customer\.Id must be a whole number"):
        client.get_customer(1)


def test_bad_datetime_names_field(api, client):
    api.get("/payment/1").mock(return_value=reply({**PAYMENT, "CanVoidUntil": "tomorrow"}))
    with pytest.raises(ResponseFormatError, match=r"Payment\.CanVoidUntil is not an ISO-8601"):
        client.get_payment(1)


def test_null_response_for_single_object(api, client):
    api.get("/payment/1").mock(return_value=reply(None))
    with pytest.raises(ResponseFormatError, match="Payment is missing"):
        client.get_payment(1)


def test_empty_2xx_where_an_object_is_needed(api, client):
    api.put("/payment/3/void").respond(200, content=b"")
    with pytest.raises(ResponseFormatError, match="has no body") as err:
        client.void_payment(3)
    assert err.value.may_have_taken_effect is True


def test_unknown_extra_fields_tolerated(api, client):
    api.get("/payment/1").mock(return_value=httpx.Response(200, json={
        "Meta": {"Errors": None, "HttpStatus": "OK", "HttpStatusCode": 200, "PagingDetails": None,
                 "Brand New": {"x": 1}},
        "Response": {**PAYMENT, "EncryptedCvv": "zzz", "KeyId": 7, "PaymentHasRecaptchaValidation": False,
                     "FailureData": {"Code": None, "Description": None, "MerchantActionText": None,
                                     "IsDecline": None, "Extra": None}},
        "Extra": True}))
    payment = client.get_payment(1)
    assert payment.id == 555 and payment.failure is None
