"""Money, times and model mapping rules that the client relies on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.paysimple import Address, Customer, Page, Payment, PaymentRequest
from pos_app.paysimple.wire import FormatProblem, date_param, dumps, loads, parse_datetime

from .conftest import CUSTOMER, PAYMENT


@pytest.mark.parametrize("text, expected", [
    ("2013-10-11T17:41:36.6661404Z", datetime(2013, 10, 11, 17, 41, 36, 666140, tzinfo=UTC)),
    ("2013-10-11T17:41:36.6661404", datetime(2013, 10, 11, 17, 41, 36, 666140, tzinfo=UTC)),
    ("2013-10-15T06:00:00Z", datetime(2013, 10, 15, 6, 0, tzinfo=UTC)),
    ("2013-10-15T06:00:00", datetime(2013, 10, 15, 6, 0, tzinfo=UTC)),
    ("2013-10-15T06:00", datetime(2013, 10, 15, 6, 0, tzinfo=UTC)),
    ("2013-10-15", datetime(2013, 10, 15, tzinfo=UTC)),
    ("2018-04-19T10:04:50.6882019-06:00",
     datetime(2018, 4, 19, 10, 4, 50, 688201, tzinfo=timezone(timedelta(hours=-6)))),
    ("2017-07-20T20:45:44+00:00", datetime(2017, 7, 20, 20, 45, 44, tzinfo=UTC)),
    ("2017-07-20T20:45:44.1Z", datetime(2017, 7, 20, 20, 45, 44, 100000, tzinfo=UTC)),
])
def test_datetimes_are_timezone_aware(text, expected):
    parsed = parse_datetime(text, "X")
    assert parsed == expected and parsed.utcoffset() is not None


@pytest.mark.parametrize("bad", ["yesterday", "2013-13-01T00:00:00Z", "2013-10-11T25:00:00", 12345])
def test_bad_datetimes_name_the_field(bad):
    with pytest.raises(FormatProblem, match="Payment.PaymentDate"):
        parse_datetime(bad, "Payment.PaymentDate")


def test_json_numbers_become_decimals_exactly():
    data = loads(b'{"Amount": 0.10, "Other": 1999999.99, "Id": 7}')
    assert data["Amount"] == Decimal("0.10") and isinstance(data["Amount"], Decimal)
    assert data["Other"] == Decimal("1999999.99") and data["Id"] == 7 and isinstance(data["Id"], int)


@pytest.mark.parametrize("raw, expected", [(b"12", Decimal("12")), (b"0.1", Decimal("0.1")),
                                           (b'"7.25"', Decimal("7.25")), (b"-12.50", Decimal("-12.50"))])
def test_payment_amount_forms(raw, expected):
    payment = Payment.from_json({**PAYMENT, "Amount": loads(raw)})
    assert payment.amount == expected and isinstance(payment.amount, Decimal)


def test_dumps_writes_money_with_two_decimals_and_refuses_floats():
    assert dumps({"Amount": Decimal("5"), "B": [Decimal("0.1"), 3, None, True, "é\""]}) == \
        '{"Amount":5.00,"B":[0.10,3,null,true,"é\\""]}'
    with pytest.raises(TypeError, match="Decimal"):
        dumps({"Amount": 0.1})


def test_payment_request_amount_rules():
    assert PaymentRequest(1, Decimal("10")).to_json()["Amount"] == Decimal("10")
    assert PaymentRequest(1, 10).amount == Decimal("10")
    with pytest.raises(TypeError, match="never a float"):
        PaymentRequest(1, 10.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="more than 2 decimal places"):
        PaymentRequest(1, Decimal("10.005"))
    with pytest.raises(ValueError, match="finite"):
        PaymentRequest(1, Decimal("NaN"))


def test_date_param():
    assert date_param(date(2026, 1, 5)) == "2026-01-05"
    with pytest.raises(TypeError):
        date_param("2026-01-05")  # type: ignore[arg-type]


@pytest.mark.parametrize("sent, canonical", [("ChargeBack", "Chargeback"), ("chargeback", "Chargeback"),
                                             ("AUTHORIZED", "Authorized"), ("reversensf", "ReverseNSF"),
                                             ("SomethingNew", "SomethingNew")])
def test_status_is_case_insensitive(sent, canonical):
    assert Payment.from_json({**PAYMENT, "Amount": Decimal("1"), "Status": sent}).status == canonical


def test_all_null_address_reads_as_none_and_defaults():
    customer = Customer.from_json({"Id": 1, "FirstName": "A", "LastName": "B",
                                   "BillingAddress": {k: None for k in CUSTOMER["BillingAddress"]},
                                   "ShippingSameAsBilling": None})
    assert customer.billing_address is None and customer.shipping_address is None
    assert customer.shipping_same_as_billing is True and customer.email is None


def test_lite_customer_with_only_required_fields():
    assert Customer.from_json({"Id": 3, "FirstName": "A", "LastName": "B"}) == Customer(id=3, first_name="A", last_name="B")


def test_address_round_trip():
    address = Address("1 Main", "Apt 2", "Denver", "CO", "80202", "US")
    assert Address.from_json(address.to_json()) == address


def test_models_are_frozen():
    customer = Customer(id=1, first_name="A", last_name="B")
    with pytest.raises(AttributeError):
        customer.first_name = "C"  # type: ignore[misc]


@pytest.mark.parametrize("total, per_page, page, pages, more", [
    (0, 200, 1, 0, False), (200, 200, 1, 1, False), (201, 200, 1, 2, True), (201, 200, 2, 2, False)])
def test_page_arithmetic(total, per_page, page, pages, more):
    p = Page(items=[object()] if total else [], total_items=total, page=page, items_per_page=per_page)
    assert p.total_pages == pages and p.has_next is more


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("-2000000"), max_value=Decimal("2000000"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_money_round_trips_exactly_through_json(amount):
    text = dumps({"Amount": amount})
    assert "e" not in text.lower()  # never exponent notation
    assert loads(text)["Amount"] == amount
    assert len(text.rstrip("}").split(".")[-1]) == 2  # always two decimals


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-6)),
                                               timezone(timedelta(hours=5, minutes=30))])))
def test_datetimes_round_trip(moment):
    assert parse_datetime(moment.isoformat(), "X") == moment
    naive_utc = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    assert parse_datetime(naive_utc, "X") == moment  # no offset means UTC


def test_timeouts():
    from pos_app.paysimple import Timeouts
    t = Timeouts(connect=3, read=20).to_httpx()
    assert (t.connect, t.read, t.write, t.pool) == (3, 20, 20, 3)
    with pytest.raises(ValueError, match="Timeouts.read"):
        Timeouts(read=0)
