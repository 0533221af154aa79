"""The misbehaving proxy in front of the real training gateway, over TCP: each fault kind does what it says,
seen from both sides (the reply the client gets, the payments the gateway holds)."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import httpx
import pytest

from pos_app.training.proxy import MisbehavingProxy
from tests.training.conftest import Raw

PAY = "/v4/payment"


@pytest.fixture
def proxy(gateway):
    with MisbehavingProxy(gateway.base_url, upstream_timeout=5) as p:
        yield p


class ViaProxy(Raw):
    """Raw signed requests sent to the proxy instead of the gateway."""

    def __init__(self, gateway, proxy, timeout: float = 5) -> None:
        super().__init__(gateway)
        self.http.close()
        self.http = httpx.Client(base_url=proxy.base_url, timeout=timeout)


@pytest.fixture
def via(gateway, proxy):
    v = ViaProxy(gateway, proxy)
    yield v
    v.http.close()


@pytest.fixture
def account(raw):
    return raw.card(raw.customer(Email="ada@example.com")["Id"])["Id"]


def pay_body(account_id: int, order: str, amount: str = "10.00") -> str:
    return json.dumps({"AccountId": account_id, "OrderId": order})[:-1] + f', "Amount": {amount}}}'


def gateway_orders(client) -> list[str]:
    return sorted(p.order_id for p in client.iter_payments())


def wait_for(predicate, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_without_faults_requests_and_replies_pass_unchanged(via, raw, proxy, account, client):
    direct = raw.call("GET", f"/v4/account/creditcard/{account}")
    through = via.call("GET", f"/v4/account/creditcard/{account}")
    assert through.status_code == direct.status_code == 200
    assert through.json() == direct.json()
    r = via.call("POST", PAY, pay_body(account, "P-1"))
    assert r.status_code == 201 and r.json()["Response"]["OrderId"] == "P-1"
    assert gateway_orders(client) == ["P-1"] and proxy.forwarded == 2 and proxy.faults.fired == []


@pytest.mark.parametrize("status", [502, 503, 504])
def test_status_before_never_reaches_the_gateway(via, proxy, account, client, status):
    proxy.faults.add("POST", PAY, "status_before", status=status)
    r = via.call("POST", PAY, pay_body(account, "P-1"))
    assert r.status_code == status and "<html>" in r.text
    assert gateway_orders(client) == [] and proxy.forwarded == 0
    assert proxy.faults.counts() == {"status_before": 1}


@pytest.mark.parametrize("body, check", [
    ("html", lambda r: r.text.startswith("<html>")),
    ("empty", lambda r: r.content == b""),
    ("json", lambda r: r.json() == {"message": "Bad Gateway"}),
    ("envelope", lambda r: r.json()["Meta"]["HttpStatusCode"] == 502),
])
def test_status_after_the_gateway_charged_with_each_kind_of_page(via, proxy, account, client, body, check):
    proxy.faults.add("POST", PAY, "status_after", body=body)
    r = via.call("POST", PAY, pay_body(account, "P-1"))
    assert r.status_code == 502 and check(r)
    assert gateway_orders(client) == ["P-1"]


def test_status_early_answers_while_the_gateway_still_works_and_the_payment_lands_later(gateway, via, proxy,
                                                                                         account, client):
    gateway.faults.add("POST", PAY, "delay", delay_s=0.8)
    proxy.faults.add("POST", PAY, "status_early", status=504, delay_s=0.1)
    started = time.monotonic()
    r = via.call("POST", PAY, pay_body(account, "P-1"))
    assert r.status_code == 504 and time.monotonic() - started < 0.6
    assert gateway_orders(client) == []  # not yet ...
    assert wait_for(lambda: gateway_orders(client) == ["P-1"])  # ... but it lands


def test_replay_answers_with_the_previous_reply_for_another_order(via, proxy, account, client):
    first = via.call("POST", PAY, pay_body(account, "P-1", "10.00")).json()["Response"]
    proxy.faults.add("POST", PAY, "replay")
    second = via.call("POST", PAY, pay_body(account, "P-2", "20.00"))
    assert second.status_code == 201
    assert second.json()["Response"] == first  # P-1's reply, 10.00
    assert gateway_orders(client) == ["P-1", "P-2"]  # yet P-2 was charged


def test_replay_with_nothing_seen_yet_changes_the_amount(via, proxy, account):
    proxy.faults.add("POST", PAY, "replay")
    reply = via.call("POST", PAY, pay_body(account, "P-1", "10.00")).json()["Response"]
    assert Decimal(str(reply["Amount"])) == Decimal("11.00") and reply["OrderId"] == "P-1"


def test_other_amount_and_other_order(via, proxy, account, client):
    proxy.faults.add("POST", PAY, "other_amount")
    reply = via.call("POST", PAY, pay_body(account, "P-1", "10.00")).json()["Response"]
    assert (Decimal(str(reply["Amount"])), reply["OrderId"]) == (Decimal("11.00"), "P-1")
    proxy.faults.add("POST", PAY, "other_order")
    reply = via.call("POST", PAY, pay_body(account, "P-2", "10.00")).json()["Response"]
    assert (Decimal(str(reply["Amount"])), reply["OrderId"]) == (Decimal("10.00"), "OTHER-ORDER")
    assert gateway_orders(client) == ["P-1", "P-2"]


def test_a_held_request_whose_client_left_is_never_passed_on(gateway, proxy, account, client):
    proxy.faults.add("POST", PAY, "hold_request", delay_s=1.0)
    impatient = ViaProxy(gateway, proxy, timeout=0.3)
    with pytest.raises(httpx.ReadTimeout):
        impatient.call("POST", PAY, pay_body(account, "P-1"))
    impatient.http.close()
    assert wait_for(lambda: proxy.dropped == 1)
    time.sleep(0.3)
    assert gateway_orders(client) == [] and proxy.forwarded == 0


def test_a_held_request_whose_client_waits_is_passed_on_late(via, proxy, account, client):
    proxy.faults.add("POST", PAY, "hold_request", delay_s=0.6)
    started = time.monotonic()
    r = via.call("POST", PAY, pay_body(account, "P-1"))
    assert r.status_code == 201 and time.monotonic() - started >= 0.6
    assert gateway_orders(client) == ["P-1"] and proxy.dropped == 0


def test_a_held_reply_comes_late_but_the_charge_happened_at_once(via, proxy, account, client, gateway):
    proxy.faults.add("POST", PAY, "hold_reply", delay_s=2.0)
    impatient = ViaProxy(gateway, proxy, timeout=0.4)
    with pytest.raises(httpx.ReadTimeout):
        impatient.call("POST", PAY, pay_body(account, "P-1"))
    impatient.http.close()
    assert gateway_orders(client) == ["P-1"]


@pytest.mark.parametrize("kind", ["drip", "drip_body"])
def test_drip_sends_the_whole_reply_slowly(via, proxy, account, kind):
    proxy.faults.add("POST", PAY, kind, delay_s=0.001)
    started = time.monotonic()
    r = via.call("POST", PAY, pay_body(account, "P-1"))
    assert r.status_code == 201 and r.json()["Response"]["OrderId"] == "P-1"
    assert time.monotonic() - started > len(r.content) * 0.001


def test_upstream_trouble_is_answered_like_nginx(gateway, account, client):
    gateway.faults.add("POST", PAY, "drop_after")
    gateway.faults.add("POST", PAY, "stall_after", delay_s=5)
    with MisbehavingProxy(gateway.base_url, upstream_timeout=0.5) as proxy:
        via = ViaProxy(gateway, proxy)
        assert via.call("POST", PAY, pay_body(account, "P-1")).status_code == 502  # closed without a reply
        assert via.call("POST", PAY, pay_body(account, "P-2")).status_code == 504  # no reply in time
        via.http.close()
    assert gateway_orders(client) == ["P-1", "P-2"]


def test_upstream_down_is_502():
    with MisbehavingProxy("http://127.0.0.1:9") as proxy:
        r = httpx.get(proxy.base_url + "/v4/customer", timeout=5)
    assert r.status_code == 502


def test_loopback_only_and_known_kinds(gateway):
    with pytest.raises(ValueError, match="loopback"):
        MisbehavingProxy("http://10.0.0.1:80")
    with pytest.raises(ValueError, match="loopback"):
        MisbehavingProxy(gateway.base_url, host="0.0.0.0")
    proxy = MisbehavingProxy(gateway.base_url)
    with pytest.raises(ValueError, match="unknown proxy fault"):
        proxy.faults.add("POST", PAY, "teleport")
    with pytest.raises(ValueError, match="error page body"):
        proxy.faults.add("POST", PAY, "status_before", body="xml")
