"""Two store server processes, each with its own data folder (a copy: key file, certificate, ``clerks.key``), on
one throwaway PostgreSQL, the training gateway as PaySimple: they serve the same lanes, clerk sessions, clerks,
customers, change feed and journal; the store's PaySimple sync runs once, and an instance killed mid-sync leaves
it to the other. Outcomes from the gateway's records and the database's own tables."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest

from pos_app.clerks import MAX_FAILURES, Role
from pos_app.payments import ids
from pos_app.paysimple.models import CreditCardInput, CustomerInput
from pos_app.serverlink.client import ServerRefused
from tests.fixtures.server import (
    CLERK,
    MANAGER,
    ServerProcess,
    enroll_lane,
    init_server,
    other_door,
    paysimple_client,
    second_instance,
)

pytestmark = pytest.mark.slow
LOU = ("Lou", "24681357")  # the clerk these tests lock out
QUICK_SYNC = {"sync_every_s": 3600.0, "sync_check_s": 0.3}


def rows(dsn: str, sql: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as con:
        return con.execute(sql, params).fetchall()


def until(predicate, seconds: float, what: str):
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {seconds} s")


def add_clerk(data, dsn: str, who) -> None:
    from pos_app.server.config import ServerPaths
    from pos_app.server.service import open_clerks

    clerks = open_clerks(ServerPaths(data), dsn)
    try:
        clerks.add(who[0], who[1], Role.CLERK, by=clerks.login(*MANAGER))
    finally:
        clerks.close()


@pytest.fixture(scope="module")
def ps(store_gateway):
    client = paysimple_client(store_gateway)
    for n in range(3):  # customers PaySimple already has: what the store's sync brings in
        client.create_customer(CustomerInput(first_name="Synced", last_name=f"Before{n}"))
    yield client
    client.close()


@pytest.fixture(scope="module")
def pair(tmp_path_factory, store_gateway, pg_cluster, ps):
    dsn = pg_cluster.create_database("pair_" + uuid.uuid4().hex[:8])
    root = tmp_path_factory.mktemp("pair")
    data_a = root / "a"
    port_a = init_server(data_a, store_gateway, dsn, **QUICK_SYNC)
    add_clerk(data_a, dsn, LOU)
    a = ServerProcess(data_a, port_a)
    b = ServerProcess(*second_instance(data_a, root / "b"))
    a.start(), b.start()
    yield a, b, dsn
    a.stop()
    b.stop()


def test_the_second_instance_holds_no_customer_file_of_its_own(pair):
    a, b, _ = pair
    for server in (a, b):
        assert not (server.data / "directory.db").exists()
        assert not (server.data / "journal.db").exists() and not (server.data / "clerks.db").exists()


def test_enrolled_at_a_charged_through_b_and_the_same_key_at_a_answers_the_same(pair, ps):
    a, b, _ = pair
    lane = enroll_lane(a, "LANE1")
    lane.sign_in(CLERK)  # the session is opened at A ...
    via_b = other_door(lane, b)  # ... and used at B: one set of lanes and sessions
    try:
        _, stored, _ = lane.call("POST", "/v1/customers", {"first_name": "Bo", "last_name": uuid.uuid4().hex[:8]})
        pid = stored["record"]["paysimple_id"]
        card = ps.create_credit_card(CreditCardInput(customer_id=pid, credit_card_number="4111111111111111",
                                                     expiration_date="12/2030"))
        _, got, _ = via_b.call("GET", f"/v1/customers/{stored['id']}")  # created at A, read at B
        assert got["record"]["last_name"] == stored["record"]["last_name"]
        via_b.call("POST", "/v1/selection", {"customer_id": stored["id"]})
        via_b.call("GET", "/v1/selection/accounts", params={"paysimple_id": str(pid)})
        key = ids.attempt_id("LANE1")
        body = {"customer_id": stored["id"], "account_id": card.id, "amount": "12.34"}
        _, first, _ = via_b.call("POST", "/v1/charges", body, headers={"Idempotency-Key": key})
        assert first["done"] and first["attempt"]["state"] == "approved"
        _, again, _ = lane.call("POST", "/v1/charges", body, headers={"Idempotency-Key": key})
        assert again["done"] and again["attempt"]["id"] == key
        assert again["attempt"]["payment_id"] == first["attempt"]["payment_id"]
        with pytest.raises(ServerRefused) as replay:  # the same key, another amount, at the other instance
            lane.call("POST", "/v1/charges", {**body, "amount": "99.00"}, headers={"Idempotency-Key": key})
        assert replay.value.code == "key_reused"
        [payment] = ps.customer_payments(pid)
        assert payment.order_id == key and payment.amount == Decimal("12.34")
    finally:
        via_b.close()
        lane.close()


def test_a_clerk_locked_out_at_a_is_locked_out_at_b(pair):
    a, b, _ = pair
    at_a, at_b = enroll_lane(a, "LOCKA"), enroll_lane(b, "LOCKB")
    try:
        for _ in range(MAX_FAILURES):
            with pytest.raises(ServerRefused) as wrong:
                at_a.sign_in((LOU[0], "13572468"))
            assert wrong.value.status == 401
        with pytest.raises(ServerRefused) as locked:
            at_b.sign_in(LOU)  # the right PIN, at the other instance
        assert locked.value.status == 401 and locked.value.code == "locked_out", locked.value.code
        assert at_b.sign_in(CLERK)["token"]  # only Lou is locked
    finally:
        at_a.close()
        at_b.close()


def test_an_edit_through_a_is_in_bs_change_feed_and_search(pair):
    a, b, _ = pair
    at_a, at_b = enroll_lane(a, "FEEDA"), enroll_lane(b, "FEEDB")
    try:
        at_a.sign_in(CLERK)
        at_b.sign_in(CLERK)
        _, stored, _ = at_a.call("POST", "/v1/customers", {"first_name": "Eda", "last_name": "Firstname"})
        renamed = "Zq" + uuid.uuid4().hex[:8]
        at_a.call("PUT", f"/v1/customers/{stored['id']}", {"first_name": "Eda", "last_name": renamed})
        _, a_page, _ = at_a.call("GET", "/v1/customers/changes", params={"after": "0", "limit": "5000"})
        _, b_page, _ = at_b.call("GET", "/v1/customers/changes", params={"after": "0", "limit": "5000"})
        assert a_page["feed_id"] == b_page["feed_id"]  # one feed for the store
        mine = [c for c in b_page["changes"] if c["customer"]["id"] == stored["id"]]
        assert [c["customer"]["record"]["last_name"] for c in mine] == [renamed]

        def found_at_b():
            _, hits, _ = at_b.call("GET", "/v1/customers", params={"q": renamed})
            return [h for h in hits if h["id"] == stored["id"]]

        until(found_at_b, 2.0, "the edit searchable at B")
    finally:
        at_a.close()
        at_b.close()


def test_a_new_counter_fills_its_copy_from_bs_snapshot_of_the_databases_feed(pair, tmp_path):
    """On PostgreSQL the snapshot is B's own search copy of the database's feed: a lane filled from it follows
    the database's feed (one feed id for the store) from the position the copy had reached."""
    import sqlite3

    from pos_app.counter.replica import ReplicaFollower

    a, b, _ = pair
    at_a, at_b = enroll_lane(a, "SNAPA"), enroll_lane(b, "SNAPB")
    copy = None
    try:
        at_a.sign_in(CLERK)
        at_b.sign_in(CLERK)
        before = "Sb" + uuid.uuid4().hex[:8]
        at_a.call("POST", "/v1/customers", {"first_name": "Sol", "last_name": before})
        until(lambda: at_b.call("GET", "/v1/customers", params={"q": before})[1], 5.0, "B's copy has it")
        with open(tmp_path / "snap.db", "wb") as out:
            headers = at_b.link.download("/v1/customers/snapshot", out, max_bytes=1 << 30, total=30)
        _, page, _ = at_a.call("GET", "/v1/customers/changes", params={"after": "0", "limit": "5000"})
        assert headers["x-feed-id"] == page["feed_id"]
        assert 0 < int(headers["x-feed-position"]) <= page["next_position"]
        con = sqlite3.connect(tmp_path / "snap.db")
        try:
            meta = dict(con.execute("SELECT key, value FROM meta"))
        finally:
            con.close()
        assert (meta["replica_of"], meta["replica_position"]) == (page["feed_id"], headers["x-feed-position"])
        e = at_b.enrollment
        copy = ReplicaFollower(tmp_path / "lane", e.url, e.fingerprint, e.credential, wait_s=1).start()
        assert copy.caught_up.wait(20) and copy.filled_by == "snapshot"
        after = "Sa" + uuid.uuid4().hex[:8]
        at_a.call("POST", "/v1/customers", {"first_name": "Sol", "last_name": after})
        until(lambda: copy.search(after) and copy.search(before), 5.0, "the lane's copy has both")
        _, end, _ = at_a.call("GET", "/v1/customers/changes", params={"after": "0", "limit": "5000"})
        until(lambda: copy.position() == (end["feed_id"], end["next_position"]), 5.0, "the copy at the feed's end")
        assert copy.count() == len({c["customer"]["id"] for c in end["changes"]})
    finally:
        if copy is not None:
            copy.close()
        at_a.close()
        at_b.close()


def test_the_stores_sync_ran_once_for_both_instances(pair, ps):
    a, b, dsn = pair
    until(lambda: rows(dsn, "SELECT 1 FROM sync_runs WHERE status = 'complete'"), 30, "a complete sync pass")
    time.sleep(1.5)  # several check rounds of both instances
    assert len(rows(dsn, "SELECT id FROM sync_runs")) == 1
    assert len(rows(dsn, "SELECT position FROM server_audit WHERE action = 'sync_customers'")) == 1
    assert rows(dsn, "SELECT count(*) FROM customers WHERE last_name LIKE 'Before%%'")[0][0] == 3


def test_an_instance_killed_mid_sync_leaves_the_pass_to_the_other(tmp_path, store_gateway, pg_cluster, ps):
    dsn = pg_cluster.create_database("takeover_" + uuid.uuid4().hex[:8])
    data_a = tmp_path / "a"
    a = ServerProcess(data_a, init_server(data_a, store_gateway, dsn, **QUICK_SYNC))
    b = ServerProcess(*second_instance(data_a, tmp_path / "b"))
    store_gateway.faults.add("GET", "/v4/customer", "delay", 1, delay_s=8)  # A's first page hangs
    try:
        a.start()
        until(lambda: rows(dsn, "SELECT 1 FROM sync_runs WHERE status = 'running'"), 30, "A's pass started")
        time.sleep(0.5)
        a.kill()  # mid-pass, holding the store's sync lease
        b.start()
        until(lambda: rows(dsn, "SELECT 1 FROM sync_runs WHERE status = 'complete'"), 30, "B's pass completed")
        [(run_id, status)] = rows(dsn, "SELECT id, status FROM sync_runs")  # A's pass, resumed by B
        assert status == "complete"
        assert rows(dsn, "SELECT count(*) FROM customers WHERE last_name LIKE 'Before%%'")[0][0] == 3
        assert len(rows(dsn, "SELECT position FROM server_audit WHERE action = 'sync_customers'")) == 1
    finally:
        store_gateway.faults.clear()
        a.stop()
        b.stop()
