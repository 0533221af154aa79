"""Counters in store mode keep their own search copy of the store's customers (``pos_app.counter.replica``),
filled from the server's change feed (``GET /v1/customers/changes``). A real server process (TLS, SQLite), the
training gateway as PaySimple, two ``RemoteCounter``s with their own data folders."""

from __future__ import annotations

import stat
import threading
import time
import uuid
from decimal import Decimal

import pytest

from pos_app.counter.remote import RemoteCounter, StoreServerUnreachable
from pos_app.customers.models import CustomerRecord
from pos_app.payments import CustomerRef
from pos_app.serverlink import feed
from pos_app.serverlink.client import ServerRefused, StoreLink, Timeouts, enroll
from tests.fixtures.server import CLERK, enroll_lane, new_code, paysimple_client, until

pytestmark = pytest.mark.slow


def open_counter(server, lane: str, folder, wait_s: int = 5) -> RemoteCounter:
    enrolled = enroll(server.url, new_code(server.data, lane), lane)
    remote = RemoteCounter.connect(enrolled.url, enrolled.fingerprint, enrolled.credential, lane,
                                   timeouts=Timeouts(connect=1, read=10, total=12), ask_for=5,
                                   replica_dir=folder, replica_wait_s=wait_s)
    remote.sign_in(*CLERK)
    return remote


def found(counter, text: str) -> bool:
    return any(text in h.display_name for h in counter.search(text))


def test_the_feed_needs_a_lane_credential_and_bounds_its_pages_and_waits(server):
    lane = enroll_lane(server, "FEED1")
    anonymous = StoreLink(server.url, lane.enrollment.fingerprint, None)
    try:
        with pytest.raises(ServerRefused) as no_credential:
            anonymous.request("GET", "/v1/customers/changes")
        assert no_credential.value.status == 401
        for bad in ({"limit": "0"}, {"limit": "5001"}, {"wait": "26"}, {"after": "-1"}, {"after": "x"}):
            with pytest.raises(ServerRefused) as refused:
                lane.call("GET", "/v1/customers/changes", params=bad)
            assert refused.value.status == 400 and refused.value.values.get("field") in bad
        _, page, _ = lane.call("GET", "/v1/customers/changes", params={"after": "0", "limit": "5"})
        assert set(page) == {"feed_id", "changes", "next_position"} and len(page["changes"]) <= 5
        _, end, _ = lane.call("GET", "/v1/customers/changes", params={"after": str(10**12)})
        assert end["changes"] == [] and end["next_position"] == 10**12
        _, doc, _ = lane.call("GET", "/openapi.json")
        assert doc["paths"]["/v1/customers/changes"]["get"]["security"] == [{"lane": []}]
    finally:
        anonymous.close()
        lane.close()


def test_the_rows_form_carries_exactly_the_object_form_and_old_lanes_still_get_objects(server, tmp_path):
    writer = open_counter(server, "ROWS0", tmp_path / "w")
    lane = enroll_lane(server, "ROWS1")
    try:
        for n in range(3):
            writer.create_customer(CustomerRecord(first_name=f"Row{n}", last_name="Form", email=f"r{n}@example.com",
                                                  phone="3035550100" if n else None))
        asked = {"after": "0", "limit": "5000"}
        _, objects, _ = lane.call("GET", "/v1/customers/changes", params=asked)  # a lane that does not ask
        _, rows, _ = lane.call("GET", "/v1/customers/changes", params={**asked, "form": feed.FORM})
        assert set(objects) == {"feed_id", "changes", "next_position"}
        assert set(rows) == {"feed_id", "columns", "rows", "next_position"} and rows["columns"] == list(feed.COLUMNS)
        assert len(rows["rows"]) == len(objects["changes"]) >= 3
        assert feed.read_page(rows) == feed.read_page(objects)  # the same page, field for field
        with pytest.raises(ServerRefused) as refused:
            lane.call("GET", "/v1/customers/changes", params={**asked, "form": "csv"})
        assert refused.value.status == 400 and refused.value.values.get("field") == "form"
    finally:
        lane.close()
        writer.close()


def test_a_long_poll_answers_when_a_change_is_written(server, tmp_path):
    lane = enroll_lane(server, "FEED2")
    writer = open_counter(server, "FEED3", tmp_path / "w")
    try:
        _, head, _ = lane.call("GET", "/v1/customers/changes", params={"after": "0", "limit": "5000"})
        while len(head["changes"]) == 5000:
            _, head, _ = lane.call("GET", "/v1/customers/changes",
                                   params={"after": str(head["next_position"]), "limit": "5000"})
        got: dict = {}

        def poll():
            start = time.monotonic()
            _, got["page"], _ = lane.call("GET", "/v1/customers/changes",
                                          params={"after": str(head["next_position"]), "wait": "20"})
            got["s"], got["end"] = time.monotonic() - start, time.monotonic()

        waiter = threading.Thread(target=poll)
        waiter.start()
        time.sleep(0.5)
        last = f"Poll{uuid.uuid4().hex[:6]}"
        made = time.monotonic()
        writer.create_customer(CustomerRecord(first_name="Lena", last_name=last))
        waiter.join(25)
        assert [c["customer"]["record"]["last_name"] for c in got["page"]["changes"]] == [last]
        assert got["s"] >= 0.5, "the long-poll answered before anything changed"
        assert got["end"] - made < 2.0, "the long-poll did not answer promptly after the change"
    finally:
        lane.close()
        writer.close()


def test_an_edit_at_one_counter_is_searchable_at_another_within_2_s(server, tmp_path):
    a = open_counter(server, "LANEA", tmp_path / "a")
    b = open_counter(server, "LANEB", tmp_path / "b")
    try:
        assert b.replica.caught_up.wait(30)
        copy = tmp_path / "b" / "store-customers.sqlite"
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        last = f"Prop{uuid.uuid4().hex[:6]}"
        stored = a.create_customer(CustomerRecord(first_name="Ada", last_name=last))
        took = until(lambda: found(b, last), 2.0)
        assert took is not None and took < 2.0, "a new customer was not searchable at the other counter in 2 s"
        renamed = f"Edit{uuid.uuid4().hex[:6]}"
        start = time.monotonic()
        a.update_customer(stored.id, CustomerRecord(first_name="Ada", last_name=renamed))
        took = until(lambda: found(b, renamed) and not found(b, last), 2.0)
        assert took is not None and time.monotonic() - start < 2.0
    finally:
        a.close()
        b.close()


def test_server_down_search_works_charging_says_so_and_the_copy_follows_after_a_restart(server, tmp_path,
                                                                                       store_gateway):
    from pos_app.paysimple.models import CreditCardInput

    a = open_counter(server, "LANEC", tmp_path / "c", wait_s=2)
    b = open_counter(server, "LANED", tmp_path / "d", wait_s=2)
    ps = paysimple_client(store_gateway)
    try:
        last = f"Down{uuid.uuid4().hex[:6]}"
        stored = a.create_customer(CustomerRecord(first_name="Otto", last_name=last))
        card = ps.create_credit_card(CreditCardInput(customer_id=stored.paysimple_id,
                                                     credit_card_number="5454545454545454",
                                                     expiration_date="12/2030"))
        assert until(lambda: found(b, last), 5.0) is not None
        b.customer(stored.id)
        account = b.verify_account(stored.paysimple_id, card.id)
        server.kill()
        [hit] = [h for h in b.search(last) if last in h.display_name]  # search reads the copy
        picked = b.customer(hit.id)  # the copy's record while the server is down
        assert picked.id == stored.id and picked.record.last_name == last
        with pytest.raises(StoreServerUnreachable) as down:
            b.charge(CustomerRef(stored.paysimple_id, picked.display_name), account, Decimal("2.50"))
        assert down.value.charged is False and "store server cannot be reached" in str(down.value)
        assert until(lambda: not b.replica.connected, 10.0) is not None
        assert ps.customer_payments(stored.paysimple_id) == []

        server.start()
        a.sign_in(*CLERK)
        later = f"Back{uuid.uuid4().hex[:6]}"
        a.create_customer(CustomerRecord(first_name="Otto", last_name=later))
        assert until(lambda: found(b, later), 15.0) is not None, "the copy did not follow after a restart"
        # the customer picked while the server was down is selected on the server before the accounts are read
        account = b.verify_account(stored.paysimple_id, card.id)
        attempt = b.charge(CustomerRef(stored.paysimple_id, picked.display_name), account, Decimal("2.50"))
        assert [p.order_id for p in ps.customer_payments(stored.paysimple_id)] == [attempt.id]
    finally:
        ps.close()
        a.close()
        b.close()


def test_a_counter_reopened_resumes_from_its_stored_position_and_searches_before_the_server_answers(
        server, tmp_path):
    a = open_counter(server, "LANEE", tmp_path / "e")
    last = f"Keep{uuid.uuid4().hex[:6]}"
    try:
        a.create_customer(CustomerRecord(first_name="Ida", last_name=last))
        assert until(lambda: found(a, last), 5.0) is not None
        feed, position = a.replica.position()
    finally:
        a.close()
    assert feed and position > 0
    from pos_app.counter.replica import ReplicaFollower

    offline = ReplicaFollower(tmp_path / "e", "https://127.0.0.1:9", "0" * 64, "LANEE.x", connect_s=0.5)
    try:
        assert offline.ready and offline.position() == (feed, position)
        assert any(last in h.display_name for h in offline.search(last))
        offline.start()
        assert until(lambda: offline.problem is not None, 5.0) is not None and not offline.connected
        assert offline.position() == (feed, position)
    finally:
        offline.close()
