"""Adding an imported (local-only) customer to PaySimple: recorded before it is sent, looked up after a lost or
unconfirmed answer, never two PaySimple customers for one row. Real training gateway over TCP, real SQLite."""

from __future__ import annotations

import threading

import httpx
import pytest
import respx

from pos_app.customers.counter import CustomerValidationError
from pos_app.customers.paysimple_add import (
    IN_FLIGHT_WINDOW,
    AddAmbiguous,
    AddNotConfirmed,
    add_to_paysimple,
    settles_at,
)
from pos_app.customers.store import AddInProgress
from pos_app.customers.sync import sync
from pos_app.paysimple import InvalidInputError
from pos_app.paysimple.rules import FieldMessage
from pos_app.training.envelope import error_body
from tests.customers.conftest import imported as import_one
from tests.customers.conftest import names, person
from tests.fixtures.gateway import make_client


def imported(directory, first="Margaret", last="Hamilton", notes=None, **fields) -> int:
    return import_one(directory, person(first, last, pid=None, **fields), notes)


def at_paysimple(gateway, last: str) -> list[dict]:
    return [c for c in gateway.store.list_customers(page_size=5000)[0] if c["LastName"] == last]


def adds(directory) -> list[tuple]:
    return directory.connection().execute(
        "SELECT customer_id, outcome, paysimple_id, ended_at IS NOT NULL FROM paysimple_adds ORDER BY id").fetchall()


def test_an_imported_customer_is_created_once_and_keeps_its_local_id(directory, client, gateway):
    local_id = imported(directory, phone="3035550177", email="margaret@example.com", customer_account="OLD-9")
    added = add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    assert added.how == "created" and added.customer.id == local_id and not added.customer.local_only
    [ps] = at_paysimple(gateway, "Hamilton")
    assert ps["Id"] == added.customer.paysimple_id and ps["Phone"] == "3035550177" and ps["CustomerAccount"] == "OLD-9"
    assert adds(directory) == [(local_id, "created", ps["Id"], 1)]
    # pressed again (another window still showing it): nothing is sent
    again = add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    assert again.how == "already" and len(at_paysimple(gateway, "Hamilton")) == 1


def test_a_field_the_rules_refuse_is_named_and_nothing_is_sent_or_recorded(directory, client, gateway):
    local_id = imported(directory, zip_code="802", street1="1 Main St", city="Denver")  # an older import's row
    with pytest.raises(CustomerValidationError) as err:
        add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    assert list(err.value.by_field()) == ["BillingAddress.ZipCode"]
    assert "ZIP code must be 5 to 10 characters" in err.value.by_field()["BillingAddress.ZipCode"]
    assert at_paysimple(gateway, "Hamilton") == [] and adds(directory) == []
    fixed = directory.get(local_id).record
    added = add_to_paysimple(directory, client, local_id, fixed.__class__(**{**_fields(fixed), "zip_code": "80202"}),
                             now=gateway.clock.now)
    assert added.how == "created" and at_paysimple(gateway, "Hamilton")[0]["BillingAddress"]["ZipCode"] == "80202"


def _fields(record) -> dict:
    from dataclasses import asdict

    return asdict(record)


def test_paysimple_refusing_a_field_closes_the_add_and_a_fixed_try_creates_one(directory, client, gateway):
    local_id = imported(directory, email="margaret@example.com")
    body = error_body(400, "InvalidInput", [FieldMessage("Email", "Email domain does not accept mail.")])
    with respx.mock(assert_all_called=False) as router:
        refused = router.post(f"{gateway.api_url}/customer").mock(
            return_value=httpx.Response(400, content=body, headers={"Content-Type": "application/json"}))
        router.route().pass_through()
        with pytest.raises(InvalidInputError) as err:
            add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    assert refused.call_count == 1 and err.value.messages[0].field == "Email"
    assert adds(directory) == [(local_id, "refused", None, 1)] and directory.get(local_id).local_only
    added = add_to_paysimple(directory, client, local_id, now=gateway.clock.now)  # no look-up needed: refused
    assert added.how == "created" and len(at_paysimple(gateway, "Hamilton")) == 1


def test_no_connection_is_not_sent_and_closed(directory, gateway, closed_port_url):
    from pos_app.paysimple import PaySimpleClient, Timeouts, TransportError

    local_id = imported(directory)
    with PaySimpleClient(closed_port_url, "u", "k", timeouts=Timeouts(connect=1, read=1), max_retries=0) as dead:
        with pytest.raises(TransportError) as err:
            add_to_paysimple(directory, dead, local_id, now=gateway.clock.now)
    assert not err.value.may_have_taken_effect and adds(directory) == [(local_id, "not_sent", None, 1)]


def test_a_lost_answer_is_looked_up_and_linked_without_a_second_post(directory, client, gateway):
    local_id = imported(directory, phone="3035550177")
    gateway.faults.add("POST", "/v4/customer", "drop_after")  # PaySimple created it; the answer never came
    added = add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    [ps] = at_paysimple(gateway, "Hamilton")
    assert added.how == "found" and added.customer.id == local_id and added.customer.paysimple_id == ps["Id"]
    assert adds(directory) == [(local_id, "found", ps["Id"], 1)]


def test_an_unconfirmed_add_waits_for_the_in_flight_window_then_creates_exactly_one(directory, client, gateway):
    local_id = imported(directory)
    gateway.faults.add("POST", "/v4/customer", "error_before")  # 500: PaySimple did nothing, but who can tell?
    with pytest.raises(AddNotConfirmed) as first:
        add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    pending = directory.open_add(local_id)
    assert first.value.check_after == settles_at(pending) == pending.ended_at + IN_FLIGHT_WINDOW
    gateway.clock.advance(60)  # the clerk presses again too early: a look-up, no POST
    tripwire = gateway.faults.add("POST", "/v4/customer", "error_before")  # counts a POST if one were sent
    with pytest.raises(AddNotConfirmed):
        add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    assert at_paysimple(gateway, "Hamilton") == [] and tripwire.fired == 0
    gateway.faults.clear()
    gateway.clock.advance(61)  # past the window: the look-up proves absence, then one POST
    added = add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    assert added.how == "created" and len(at_paysimple(gateway, "Hamilton")) == 1
    assert [a[1] for a in adds(directory)] == ["absent", "created"]


def test_a_request_paysimple_processes_after_the_client_gave_up_is_found_not_doubled(directory, gateway):
    slow_client = make_client(gateway, read=0.5)
    local_id = imported(directory, email="margaret@example.com")
    gateway.faults.add("POST", "/v4/customer", "delay", delay_s=1.5)  # reply later than the client waits
    try:
        with pytest.raises(AddNotConfirmed):  # the look-up right after the time-out finds nothing yet
            add_to_paysimple(directory, slow_client, local_id, now=gateway.clock.now)
        deadline = threading.Event()
        for _ in range(40):  # PaySimple finishes the request on its own time
            if at_paysimple(gateway, "Hamilton"):
                break
            deadline.wait(0.1)
        added = add_to_paysimple(directory, slow_client, local_id, now=gateway.clock.now)
    finally:
        slow_client.close()
    assert added.how == "found" and len(at_paysimple(gateway, "Hamilton")) == 1


def test_a_process_that_died_while_sending_is_looked_up_first(directory, client, gateway):
    local_id = imported(directory)
    directory.begin_add(local_id, directory.get(local_id).record, gateway.clock.now())  # what a killed app leaves
    with pytest.raises(AddNotConfirmed) as err:
        add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    assert err.value.check_after == settles_at(directory.open_add(local_id))
    assert at_paysimple(gateway, "Hamilton") == []
    gateway.clock.advance(181)  # started + the POST's deadline + the window
    assert add_to_paysimple(directory, client, local_id, now=gateway.clock.now).how == "created"
    assert len(at_paysimple(gateway, "Hamilton")) == 1


def test_a_second_add_of_the_same_row_at_the_same_moment_is_refused(directory, gateway):
    local_id = imported(directory)
    record = directory.get(local_id).record
    directory.begin_add(local_id, record, gateway.clock.now())
    with pytest.raises(AddInProgress):
        directory.begin_add(local_id, record, gateway.clock.now())


def test_a_sync_that_brought_the_customer_in_first_leaves_one_row(directory, client, gateway):
    local_id = imported(directory, phone="3035550177", notes="pays on Fridays")
    gateway.faults.add("POST", "/v4/customer", "drop_after")
    gateway.faults.add("GET", "/v4/customer", "error_before", count=4)  # the look-up fails too
    with pytest.raises(AddNotConfirmed):
        add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    gateway.faults.clear()
    assert sync(directory, client).inserted == 1  # the start-up sync lists the new PaySimple customer
    added = add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    [ps] = at_paysimple(gateway, "Hamilton")
    assert added.how == "found" and added.customer.id != local_id and added.customer.paysimple_id == ps["Id"]
    assert added.customer.local_notes == "pays on Fridays"
    assert directory.get(local_id).deleted and names(directory.search("hamilton")) == ["Margaret Hamilton"]


def test_two_matching_customers_since_the_first_try_are_not_guessed_between(directory, client, gateway):
    local_id = imported(directory, email="margaret@example.com")
    gateway.faults.add("POST", "/v4/customer", "error_before")
    with pytest.raises(AddNotConfirmed):
        add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    for _ in range(2):  # someone created her twice by hand in PaySimple meanwhile
        gateway.store.create_customer({"FirstName": "Margaret", "LastName": "Hamilton",
                                       "Email": "margaret@example.com"})
    with pytest.raises(AddAmbiguous) as err:
        add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    assert len(err.value.paysimple_ids) == 2 and len(at_paysimple(gateway, "Hamilton")) == 2
    assert directory.get(local_id).local_only


def test_a_namesake_created_before_the_first_try_is_not_taken_for_it(directory, client, gateway):
    gateway.store.create_customer({"FirstName": "Margaret", "LastName": "Hamilton"})  # another Margaret
    gateway.clock.advance(3600)
    local_id = imported(directory)
    gateway.faults.add("POST", "/v4/customer", "error_before")
    with pytest.raises(AddNotConfirmed):
        add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    gateway.clock.advance(IN_FLIGHT_WINDOW.total_seconds() + 1)
    added = add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    assert added.how == "created" and len(at_paysimple(gateway, "Hamilton")) == 2


def test_a_stopped_look_up_sends_nothing(directory, client, gateway):
    local_id = imported(directory)
    gateway.faults.add("POST", "/v4/customer", "error_before")
    with pytest.raises(AddNotConfirmed):
        add_to_paysimple(directory, client, local_id, now=gateway.clock.now)
    gateway.clock.advance(IN_FLIGHT_WINDOW.total_seconds() + 1)
    with pytest.raises(AddNotConfirmed, match="stopped"):
        add_to_paysimple(directory, client, local_id, now=gateway.clock.now, cancelled=lambda: True)
    assert at_paysimple(gateway, "Hamilton") == [] and directory.open_add(local_id) is not None
