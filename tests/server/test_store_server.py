"""The store server as it runs in a store: a real ``pos-app-server`` process over TLS on PostgreSQL (a throwaway
cluster) or SQLite, set up by its own ``init`` and ``enroll-code`` commands, the training gateway as PaySimple,
lanes using the real client with the pinned certificate. One server per backend for the module; each test makes
its own customers.

Outcomes are counted from the gateway's own records (its payments by customer), never from the server's word.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from decimal import Decimal

import httpx
import pytest

from pos_app.payments import ids
from pos_app.serverlink.client import (
    CertificateChanged,
    EnrollmentFailed,
    ServerRefused,
    ServerUnreachable,
    StoreLink,
    enroll,
)
from tests.fixtures.server import (
    API_KEY,
    CLERK,
    MANAGER,
    ServerProcess,
    enroll_lane,
    free_port,
    init_server,
    new_code,
    run_cli,
)

pytestmark = pytest.mark.slow
PAY = "/v4/payment"


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def server(request, tmp_path_factory, store_gateway):
    """One server per backend: its records and journal in PostgreSQL, or in SQLite files in its data folder."""
    database = "sqlite"
    if request.param == "postgresql":
        database = request.getfixturevalue("pg_cluster").create_database("store_" + uuid.uuid4().hex[:10])
    data = tmp_path_factory.mktemp("store") / "data"
    port = init_server(data, store_gateway, database)
    proc = ServerProcess(data, port).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def lane1(server):
    lane = enroll_lane(server, "LANE1")
    lane.sign_in()
    yield lane
    lane.close()


@pytest.fixture(scope="module")
def lane2(server):
    lane = enroll_lane(server, "LANE2")
    lane.sign_in()
    yield lane
    lane.close()


def shopper(lane, ps, first="Ada"):
    """A customer made through the server, a card added at the gateway (as PaySimpleJS's form does), the
    customer selected and the card listed by the server at this lane."""
    from pos_app.paysimple.models import CreditCardInput

    _, stored, _ = lane.call("POST", "/v1/customers", {"first_name": first, "last_name": f"Test{uuid.uuid4().hex[:6]}",
                                                       "email": "ada@example.com"})
    card = ps.create_credit_card(CreditCardInput(customer_id=stored["record"]["paysimple_id"],
                                                 credit_card_number="4111111111111111", expiration_date="12/2030"))
    lane.call("POST", "/v1/selection", {"customer_id": stored["id"]})
    lane.call("GET", "/v1/selection/accounts", params={"paysimple_id": stored["record"]["paysimple_id"]})
    return stored, card


def charge(lane, stored, card, amount="25.00", key=None, **extra):
    key = key or ids.attempt_id(lane.name)
    body = {"customer_id": stored["id"], "account_id": card.id, "amount": amount, **extra}
    status, reply, _ = lane.call("POST", "/v1/charges", body, headers={"Idempotency-Key": key})
    return key, status, reply


def until_done(lane, stored, card, key, amount="25.00", tries=40):
    """Ask again with the same key and body until the server says done (a lane that lost its reply)."""
    for _ in range(tries):
        try:
            _, status, reply = charge(lane, stored, card, amount, key)
        except ServerUnreachable:
            continue
        if reply["done"]:
            return reply["attempt"]
    raise AssertionError(f"{key} still working after {tries} asks")


def gateway_payments(ps, stored):
    return ps.customer_payments(stored["record"]["paysimple_id"])


def test_a_charge_is_answered_and_every_retry_gets_the_same_outcome(lane1, ps):
    stored, card = shopper(lane1, ps)
    key, status, reply = charge(lane1, stored, card)
    assert status == 200 and reply["done"] and reply["attempt"]["state"] == "approved"
    assert reply["attempt"]["id"] == key and reply["attempt"]["account_last4"] == "1111"
    for _ in range(3):
        _, again, same = charge(lane1, stored, card, key=key)
        assert again == 200 and same["attempt"]["id"] == key and same["attempt"]["state"] == "approved"
    _, found, _ = lane1.call("GET", f"/v1/charges/{key}")
    assert found["attempt"]["payment_id"] == reply["attempt"]["payment_id"]
    [payment] = gateway_payments(ps, stored)
    assert payment.order_id == key and payment.amount == Decimal("25.00")


def test_a_replayed_key_with_another_amount_is_refused_and_charges_nothing(lane1, ps):
    stored, card = shopper(lane1, ps)
    key, _, first = charge(lane1, stored, card, "10.00")
    with pytest.raises(ServerRefused) as replay:
        charge(lane1, stored, card, "1000.00", key)
    assert replay.value.status == 409 and replay.value.code == "key_reused"
    assert "nothing was charged" in str(replay.value)
    with pytest.raises(ServerRefused) as other_account:
        charge(lane1, stored, card, "10.00", key, ach_authorization="read to the customer: 1111")
    assert other_account.value.code == "key_reused"
    [payment] = gateway_payments(ps, stored)
    assert payment.amount == Decimal("10.00") and payment.order_id == key


def test_a_lost_reply_from_paysimple_is_looked_up_never_sent_twice(lane1, ps, store_gateway):
    stored, card = shopper(lane1, ps)
    store_gateway.faults.add("POST", PAY, "error_after", 1)
    key, status, reply = charge(lane1, stored, card)
    attempt = reply["attempt"] if reply["done"] else until_done(lane1, stored, card, key)
    assert attempt["state"] == "approved"
    assert len(gateway_payments(ps, stored)) == 1


def test_a_server_killed_mid_charge_gives_the_real_outcome_to_the_lanes_retry(server, lane1, ps, store_gateway):
    """The gateway takes the money and stalls its reply; the server is SIGKILLed while it waits. The lane's
    request is cut; it asks again with the same key once the server is back: the server looks the charge up
    (it never re-sends) and answers approved. The gateway has one payment."""
    import threading
    import time

    stored, card = shopper(lane1, ps)
    store_gateway.faults.add("POST", PAY, "stall_after", 1, delay_s=30)
    key = ids.attempt_id("LANE1")
    cut = {}

    def first_try():
        try:
            cut["reply"] = charge(lane1, stored, card, key=key)[2]
        except ServerUnreachable as exc:
            cut["error"] = exc

    sender = threading.Thread(target=first_try)
    sender.start()
    deadline = time.monotonic() + 20
    while not gateway_payments(ps, stored):
        assert time.monotonic() < deadline, "the gateway never got the charge"
        time.sleep(0.05)
    server.kill()
    sender.join(30)
    # the lane cannot know: its request was cut after sending (or the server had said "still working")
    assert cut["error"].sent is True if "error" in cut else cut["reply"]["done"] is False
    server.start()  # the clerk's session is the server's record: it survives the restart
    attempt = until_done(lane1, stored, card, key)
    assert attempt["state"] == "approved" and attempt["id"] == key
    [payment] = gateway_payments(ps, stored)
    assert payment.order_id == key and attempt["payment_id"] == payment.id


def test_requests_without_a_lane_credential_are_refused(server, lane1):
    plain = httpx.Client(verify=False, trust_env=False)
    try:
        for method, path in (("GET", "/v1/clerks"), ("GET", "/v1/payments"), ("POST", "/v1/tokens/checkout")):
            reply = plain.request(method, server.url + path)
            assert reply.status_code == 401 and reply.json()["error"]["code"] == "no_credential"
        forged = plain.get(server.url + "/v1/clerks", headers={"Authorization": "Lane LANE1.not-the-secret"})
        assert forged.status_code == 401 and forged.json()["error"]["code"] == "bad_credential"
    finally:
        plain.close()


def test_a_revoked_lane_is_refused_at_once(server, ps):
    lane = enroll_lane(server, "LANE7")
    try:
        lane.sign_in()
        lane.call("GET", "/v1/payments/open")
        out = run_cli("revoke-lane", "--data", str(server.data), "LANE7")
        assert out.returncode == 0, out.stderr
        with pytest.raises(ServerRefused) as revoked:
            lane.call("GET", "/v1/payments/open")
        assert revoked.value.status == 401 and revoked.value.code == "lane_revoked"
        with pytest.raises(ServerRefused):
            lane.call("GET", "/v1/clerks")
    finally:
        lane.close()


def test_another_lanes_clerk_session_is_refused(lane1, lane2, ps):
    stolen = lane1.link.session
    borrower = StoreLink(lane2.link.url, lane2.enrollment.fingerprint, lane2.enrollment.credential)
    borrower.session = stolen
    try:
        with pytest.raises(ServerRefused) as other:
            borrower.request("POST", "/v1/tokens/checkout")
        assert other.value.status == 403 and other.value.code == "other_lane_session"
    finally:
        borrower.close()


def test_a_clerk_cannot_do_a_managers_work(server, lane1, lane2, ps):
    stored, card = shopper(lane2, ps)  # lane2: the clerk Carl
    _, _, reply = charge(lane2, stored, card)
    attempt = reply["attempt"]
    with pytest.raises(ServerRefused) as as_manager:  # the clerk's own PIN is not a manager's approval
        lane2.call("POST", "/v1/approvals", {"action": "void", "manager": CLERK[0], "pin": CLERK[1],
                                             "reason": "customer asked", "subject": attempt["id"]})
    assert as_manager.value.status == 403 and as_manager.value.code == "not_allowed"
    with pytest.raises(ServerRefused) as unapproved:
        lane2.call("POST", f"/v1/payments/{attempt['id']}/void", {"approval": "made-up-token"})
    assert unapproved.value.status == 403 and unapproved.value.code == "approval_unknown"
    for path, body in (("/v1/enrollment-codes", {}), ("/v1/lanes/LANE1/revoke", None)):
        with pytest.raises(ServerRefused) as manager_only:
            lane2.call("POST", path, body)
        assert manager_only.value.status == 403 and manager_only.value.code == "manager_only"
    with pytest.raises(ServerRefused):
        lane2.call("GET", "/v1/audit")
    assert [p.status for p in gateway_payments(ps, stored)] == ["Authorized"]  # still standing


def test_a_void_needs_the_servers_approval_for_that_payment_once(lane1, ps):
    stored, card = shopper(lane1, ps)
    _, _, first = charge(lane1, stored, card, "11.00")
    _, _, second = charge(lane1, stored, card, "12.00")
    a, b = first["attempt"], second["attempt"]
    _, grant, _ = lane1.call("POST", "/v1/approvals", {"action": "void", "manager": MANAGER[0], "pin": MANAGER[1],
                                                       "reason": "wrong amount", "subject": a["id"]})
    with pytest.raises(ServerRefused) as other_payment:  # the approval names payment a, not b
        lane1.call("POST", f"/v1/payments/{b['id']}/void", {"approval": grant["token"]})
    assert other_payment.value.code == "approval_other_action"
    _, voided, _ = lane1.call("POST", f"/v1/payments/{a['id']}/void", {"approval": grant["token"]})
    assert voided["state"] == "voided"
    with pytest.raises(ServerRefused) as again:
        lane1.call("POST", f"/v1/payments/{b['id']}/void", {"approval": grant["token"]})
    assert again.value.code in ("approval_used", "approval_other_action")
    statuses = {p.order_id: p.status for p in gateway_payments(ps, stored)}
    assert statuses == {a["id"]: "Voided", b["id"]: "Authorized"}


def test_a_customer_token_only_for_the_customer_the_clerk_selected(lane1, lane2, ps):
    mine, _ = shopper(lane1, ps, "Mine")
    theirs, their_card = shopper(lane2, ps, "Theirs")
    with pytest.raises(ServerRefused) as not_selected:
        lane1.call("POST", "/v1/tokens/customer", {"paysimple_id": theirs["record"]["paysimple_id"]})
    assert not_selected.value.status == 403 and not_selected.value.code == "not_selected_customer"
    _, token, _ = lane1.call("POST", "/v1/tokens/customer", {})
    assert token["token"]  # the selected customer's
    with pytest.raises(ServerRefused) as foreign:  # an account of a customer this clerk did not select
        charge(lane1, theirs, their_card)
    assert foreign.value.code == "not_selected_customer"
    with pytest.raises(ServerRefused) as foreign_account:
        charge(lane1, mine, their_card)
    assert foreign_account.value.code == "account_not_verified"
    with pytest.raises(ServerRefused) as verify:
        lane1.call("POST", f"/v1/selection/accounts/{their_card.id}/verify",
                   {"paysimple_id": mine["record"]["paysimple_id"]})
    assert verify.value.code == "foreign_account"
    assert gateway_payments(ps, theirs) == [] and gateway_payments(ps, mine) == []


def test_a_locked_or_signed_out_session_stops_working(server, ps):
    lane = enroll_lane(server, "LANE8")
    try:
        lane.sign_in()
        lane.call("POST", "/v1/sessions/current/lock")
        with pytest.raises(ServerRefused) as locked:
            lane.call("POST", "/v1/tokens/checkout")
        assert locked.value.code == "session_locked"
        lane.sign_in(MANAGER)
        lane.call("DELETE", "/v1/sessions/current")
        with pytest.raises(ServerRefused) as out:
            lane.call("POST", "/v1/tokens/checkout")
        assert out.value.code == "signed_out"
        with pytest.raises(ServerRefused) as wrong_pin:
            lane.sign_in((CLERK[0], "9999"))
        assert wrong_pin.value.status == 401
    finally:
        lane.close()


def test_enrollment_codes_work_once_and_only_for_the_server_that_made_them(server, tmp_path, store_gateway):
    code = new_code(server.data, "LANE9")
    enroll(server.url, code, "LANE9")
    with pytest.raises(ServerRefused) as twice:
        enroll(server.url, code, "LANE9")
    assert twice.value.code in ("code_used", "lane_enrolled")
    with pytest.raises(ServerRefused) as wrong_lane:
        enroll(server.url, new_code(server.data, "LANE10"), "LANE11")
    assert wrong_lane.value.code == "code_other_lane"
    other_data = tmp_path / "other"
    other = ServerProcess(other_data, init_server(other_data, store_gateway)).start()  # another store (SQLite)
    try:
        with pytest.raises(EnrollmentFailed):  # this server did not make the code: nothing secret was sent
            enroll(other.url, new_code(server.data, "LANE12"), "LANE12")
        enrolled = enroll(server.url, new_code(server.data), "LANE12")
        pinned_elsewhere = StoreLink(other.url, enrolled.fingerprint, enrolled.credential)
        with pytest.raises(CertificateChanged):  # another certificate at the address: nothing sent
            pinned_elsewhere.request("GET", "/v1/clerks")
        pinned_elsewhere.close()
        assert all(b"LANE12" not in p.read_bytes() for p in other_data.rglob("*") if p.is_file())
    finally:
        other.stop()


def test_plain_http_is_for_loopback_only(server, tmp_path):
    """``--plain-http`` off loopback is refused at start; a plain-HTTP server refuses any client that is not on
    this machine (here: a connection from the host's own non-loopback address); the client refuses http://
    to anything but loopback."""
    import subprocess

    out = run_cli("run", "--data", str(server.data), "--plain-http", "--host", "0.0.0.0", "--port", "1")
    assert out.returncode == 2 and "loopback" in out.stderr
    with pytest.raises(ValueError):
        StoreLink("http://192.0.2.10:8443", None, None)
    with pytest.raises(ValueError):
        enroll("http://server.example:8443", "0000-0000-0000-0000", "LANE1")
    outside = next((ip for ip in subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
                    if "." in ip and not ip.startswith("127.")), None)
    plain = ServerProcess(server.data, free_port(), "--plain-http").start()
    try:
        local = httpx.Client(trust_env=False)
        assert local.get(plain.url + "/v1/server").status_code == 200
        local.close()
        if outside is not None:
            remote = httpx.Client(transport=httpx.HTTPTransport(local_address=outside), trust_env=False)
            refused = remote.get(plain.url + "/v1/clerks")
            remote.close()
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "plain_http_off_loopback"
    finally:
        plain.stop()


def test_malformed_requests_get_a_clear_4xx_and_change_nothing(lane1, ps):
    stored, card = shopper(lane1, ps)
    key = ids.attempt_id("LANE1")
    bad = [({"customer_id": stored["id"], "account_id": card.id, "amount": 25.0}, "amount"),
           ({"customer_id": stored["id"], "account_id": card.id, "amount": "25.001"}, "amount"),
           ({"customer_id": stored["id"], "account_id": card.id, "amount": "1e3"}, "amount"),
           ({"customer_id": stored["id"], "account_id": card.id}, "amount"),
           ({"customer_id": str(stored["id"]), "account_id": card.id, "amount": "1.00"}, "customer_id"),
           ({"customer_id": stored["id"], "account_id": card.id, "amount": "1.00", "tip": "1"}, "tip")]
    for body, field in bad:
        with pytest.raises(ServerRefused) as refused:
            lane1.call("POST", "/v1/charges", body, headers={"Idempotency-Key": key})
        assert refused.value.status == 400 and field in str(refused.value), (body, str(refused.value))
    for wrong_key in ("", "LANE2-" + key.split("-")[1], "LANE1-nope"):
        with pytest.raises(ServerRefused) as refused:
            lane1.call("POST", "/v1/charges", {"customer_id": stored["id"], "account_id": card.id,
                                               "amount": "1.00"}, headers={"Idempotency-Key": wrong_key})
        assert refused.value.status == 400
    assert gateway_payments(ps, stored) == []
    _, _, fine = charge(lane1, stored, card, "1.00", key)  # the key was never taken by the bad requests
    assert fine["attempt"]["state"] == "approved"


def test_the_audit_trail_names_every_action_and_no_secret(server, lane1, ps):
    stored, card = shopper(lane1, ps)
    _, _, reply = charge(lane1, stored, card, "13.00")
    key = reply["attempt"]["id"]
    manager = enroll_lane(server, "LANE5")
    try:
        manager.sign_in(MANAGER)
        _, entries, _ = manager.call("GET", "/v1/audit", params={"limit": "5000"})
    finally:
        manager.close()
    actions = {(e["event"]["action"], e["event"]["outcome"], e["event"]["lane"]) for e in entries}
    assert {("enroll", "ok", "LANE1"), ("sign_in", "ok", "LANE1"), ("select_customer", "ok", "LANE1"),
            ("charge", "approved", "LANE1")} <= actions
    assert any(e["event"]["subject_id"] == key and e["event"]["action"] == "charge" for e in entries)
    text = json.dumps(entries)
    secrets = [MANAGER[1], CLERK[1], API_KEY, lane1.enrollment.credential.split(".")[1], lane1.link.session,
               "4111111111111111"]
    for secret in secrets:
        assert secret not in text
    stored_bytes = b"".join(p.read_bytes() for p in server.data.rglob("*") if p.is_file() and p.suffix != ".json")
    for secret in secrets[:2] + secrets[3:]:
        assert secret.encode() not in stored_bytes
    assert hashlib.sha256(API_KEY.encode()).hexdigest() not in text
    key_file = server.data / "paysimple.json"
    assert key_file.stat().st_mode & 0o077 == 0 and (server.data / "tls" / "key.pem").stat().st_mode & 0o077 == 0


def test_the_openapi_document_lists_exactly_the_servers_routes(server):
    from pos_app.server.app import Api

    plain = httpx.Client(verify=False, trust_env=False)
    try:
        doc = plain.get(server.url + "/openapi.json").json()
    finally:
        plain.close()
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    served = {(r.path, m) for r in Api(None).routes() for m in r.methods - {"HEAD"}}
    assert documented == served
    assert doc["components"]["schemas"]["ChargeBody"]["properties"]["amount"]["type"] == "string"


def test_a_lane_that_dies_mid_charge_loses_nothing(server, lane1, ps, store_gateway):
    """The lane gives up after a second (as a killed counter would); the server goes on with the charge (the
    gateway took it and then dropped its reply: the server looks it up). The counter, started again with its
    credential, finds the payment as this lane's open one or by its key, approved, once."""
    import time

    from pos_app.serverlink.client import Timeouts

    stored, card = shopper(lane1, ps)
    store_gateway.faults.add("POST", PAY, "stall_after", 1, delay_s=2)
    dying = StoreLink(server.url, lane1.enrollment.fingerprint, lane1.enrollment.credential,
                      Timeouts(connect=1, read=1, total=1))
    dying.session = lane1.link.session
    key = ids.attempt_id("LANE1")
    with pytest.raises(ServerUnreachable) as cut:
        dying.request("POST", "/v1/charges", {"customer_id": stored["id"], "account_id": card.id, "amount": "6.00"},
                      headers={"Idempotency-Key": key})
    assert cut.value.sent is True
    dying.close()
    _, still_open, _ = lane1.call("GET", "/v1/payments/open")
    assert still_open["attempt"] is None or still_open["attempt"]["id"] == key
    ends = time.monotonic() + 30
    while True:
        status, reply, _ = lane1.call("GET", f"/v1/charges/{key}")
        if reply["done"]:
            break
        assert time.monotonic() < ends
        time.sleep(0.3)
    assert reply["attempt"]["state"] == "approved"
    [payment] = gateway_payments(ps, stored)
    assert payment.order_id == key
