"""Two store server instances on one PostgreSQL (a private throwaway cluster this module may restart), the
training gateway as PaySimple: an instance killed mid-charge and the lane's retry answered by the other one; a
PostgreSQL restart between charges. Outcomes from the gateway's records."""

from __future__ import annotations

import threading
import time
import uuid
from decimal import Decimal

import pytest

from pos_app.payments import ids
from pos_app.serverlink.client import ServerRefused, ServerUnreachable
from tests.fixtures.server import (
    CLERK,
    Lane,
    ServerProcess,
    enroll_lane,
    init_server,
    other_door,
    second_instance,
)

pytestmark = pytest.mark.slow
PAY = "/v4/payment"


@pytest.fixture(scope="module")
def cluster():
    import pg_cluster as pgc

    pgc.require()
    c = pgc.PgCluster().start()
    yield c
    c.remove()


@pytest.fixture(scope="module")
def instances(tmp_path_factory, store_gateway, cluster):
    dsn = cluster.create_database("two_" + uuid.uuid4().hex[:8])
    data = tmp_path_factory.mktemp("two") / "data"
    a = ServerProcess(data, init_server(data, store_gateway, dsn)).start()
    b = ServerProcess(*second_instance(data, data.parent / "data-b")).start()
    yield a, b
    a.stop()
    b.stop()


def shopper(lane: Lane, ps):
    from pos_app.paysimple.models import CreditCardInput

    _, stored, _ = lane.call("POST", "/v1/customers", {"first_name": "Lin", "last_name": uuid.uuid4().hex[:8]})
    card = ps.create_credit_card(CreditCardInput(customer_id=stored["record"]["paysimple_id"],
                                                 credit_card_number="4111111111111111", expiration_date="12/2030"))
    lane.call("POST", "/v1/selection", {"customer_id": stored["id"]})
    lane.call("GET", "/v1/selection/accounts", params={"paysimple_id": stored["record"]["paysimple_id"]})
    return stored, card


def ask_until_done(lane: Lane, body: dict, key: str, seconds: float = 40) -> dict:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        try:
            _, reply, _ = lane.call("POST", "/v1/charges", body, headers={"Idempotency-Key": key})
            if reply["done"]:
                return reply["attempt"]
        except ServerUnreachable:
            pass
        except ServerRefused as exc:
            assert exc.status == 503, exc  # storage or "not ready": ask again; anything else is a failure
        time.sleep(0.3)
    raise AssertionError(f"{key} not answered in {seconds} s")


def test_an_instance_killed_mid_charge_and_the_retry_answered_by_the_other(instances, ps, store_gateway):
    a, b = instances
    lane = enroll_lane(a, "LANE1")
    lane.sign_in(CLERK)
    via_b = other_door(lane, b)
    try:
        stored, card = shopper(lane, ps)
        body = {"customer_id": stored["id"], "account_id": card.id, "amount": "31.00"}
        key = ids.attempt_id("LANE1")
        store_gateway.faults.add("POST", PAY, "stall_after", 1, delay_s=30)
        first = threading.Thread(target=lambda: _swallow(lane, body, key))
        first.start()
        ends = time.monotonic() + 20
        while not ps.customer_payments(stored["record"]["paysimple_id"]):
            assert time.monotonic() < ends
            time.sleep(0.05)
        a.kill()
        first.join(30)
        attempt = ask_until_done(via_b, body, key)
        assert attempt["state"] == "approved" and attempt["id"] == key
        [payment] = ps.customer_payments(stored["record"]["paysimple_id"])
        assert payment.order_id == key
        with pytest.raises(ServerRefused) as replay:  # B knows the key too: another amount is refused
            via_b.call("POST", "/v1/charges", {**body, "amount": "99.00"}, headers={"Idempotency-Key": key})
        assert replay.value.code == "key_reused"
    finally:
        lane.close()
        via_b.close()
        a.start()


def test_a_postgresql_restart_loses_nothing_and_the_lane_goes_on(instances, cluster, ps):
    a, b = instances
    lane = enroll_lane(b, "LANE2")
    lane.sign_in(CLERK)
    try:
        stored, card = shopper(lane, ps)
        body = {"customer_id": stored["id"], "account_id": card.id, "amount": "12.00"}
        first = ask_until_done(lane, body, ids.attempt_id("LANE2"))
        cluster.restart("immediate")  # a crash as far as the servers can tell
        second_key = ids.attempt_id("LANE2")
        second = ask_until_done(lane, {**body, "amount": "13.00"}, second_key)
        assert first["state"] == second["state"] == "approved"
        amounts = sorted(p.amount for p in ps.customer_payments(stored["record"]["paysimple_id"]))
        assert amounts == [Decimal("12.00"), Decimal("13.00")]
        _, history, _ = lane.call("GET", "/v1/payments", params={"limit": "500"})
        assert {first["id"], second_key} <= {h["id"] for h in history}
    finally:
        lane.close()


def _swallow(lane: Lane, body: dict, key: str) -> None:
    try:
        lane.call("POST", "/v1/charges", body, headers={"Idempotency-Key": key})
    except ServerUnreachable:
        pass
