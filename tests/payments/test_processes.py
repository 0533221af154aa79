"""Crashes and concurrency across processes: kill -9 mid-payment then restart; two processes on one lane. Every
test runs on both journals (a SQLite file; a PostgreSQL database in the session's cluster)."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import timedelta
from decimal import Decimal

import pytest

from pos_app.payments import State
from tests.fixtures.payments import assert_journal_agrees, make_service, payments_at_gateway
from tests.payments.processes import read_events, run_payer, run_reverser

PAY = "/v4/payment"


@pytest.fixture
def journal(journal_backend):
    """This test's journal, once per backend; a payer process is given ``journal_backend.where``."""
    return journal_backend.open()


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_killed_after_the_charge_before_the_reply_then_restart_reconciles(gateway, client, journal, journal_backend,
                                                                          shopper):
    gateway.faults.add("POST", PAY, "stall_after", 1)  # the gateway charges, then never answers
    proc = run_payer(gateway, journal_backend.where, shopper, amount="42.00")
    try:
        events = read_events(proc, until_phase="sending")
        attempt_id = events[-1]["attempt"]
        assert wait_until(lambda: len(payments_at_gateway(client, shopper.customer.id)) == 1)
        assert journal.get(attempt_id).state is State.SENDING  # write-ahead is on disk
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL

    restarted = make_service(journal, client, gateway)  # start-up reconcile runs here
    a = journal.get(attempt_id)
    assert a.state is State.APPROVED and a.payment_id is not None
    assert restarted.ready
    causes = [t.cause for t in journal.transitions(a.id)]
    assert any("stopped" in c for c in causes)
    assert len(payments_at_gateway(client, shopper.customer.id)) == 1
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_killed_before_the_gateway_charged_reconciles_to_absent(gateway, client, journal, journal_backend,
                                                                shopper):
    gateway.faults.add("POST", PAY, "error_before", 1)
    gateway.faults.add("GET", f"/v4/customer/{shopper.customer.id}/payments", "stall_after", 1)
    # The payer gets a 500 before any charge, then stalls in its look-up: killed there, state unknown/reconciling.
    proc = run_payer(gateway, journal_backend.where, shopper, amount="13.00", read_timeout=30)
    try:
        events = read_events(proc, until_phase="checking")
        attempt_id = events[-1]["attempt"]
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert journal.get(attempt_id).state in (State.UNKNOWN, State.RECONCILING)
    restarted = make_service(journal, client, gateway)
    assert journal.get(attempt_id).state is State.ABSENT
    assert restarted.ready
    assert payments_at_gateway(client, shopper.customer.id) == []
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_killed_while_the_request_is_in_flight_agrees_either_way(gateway, client, journal, journal_backend,
                                                                 shopper):
    """Killed while the gateway delays the POST: whether or not it charged, reconcile agrees with it."""
    gateway.faults.add("POST", PAY, "delay", 1)
    proc = run_payer(gateway, journal_backend.where, shopper, amount="7.00")
    try:
        attempt_id = read_events(proc, until_phase="sending")[-1]["attempt"]
        time.sleep(0.1)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    make_service(journal, client, gateway, in_flight_window=timedelta(seconds=3))
    a = journal.get(attempt_id)
    assert a.state in (State.APPROVED, State.ABSENT)
    assert len(payments_at_gateway(client, shopper.customer.id)) == (1 if a.state is State.APPROVED else 0)
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_startup_reconcile_leaves_a_live_senders_attempt_alone(gateway, client, journal, journal_backend,
                                                               shopper):
    gateway.faults.add("POST", PAY, "stall_after", 1)
    proc = run_payer(gateway, journal_backend.where, shopper)
    try:
        attempt_id = read_events(proc, until_phase="sending")[-1]["attempt"]
        other = make_service(journal, client, gateway)  # a second window starting up on the same lane
        assert journal.get(attempt_id).state is State.SENDING
        assert not other.ready
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    report = other.reconcile_unresolved()
    assert [a.id for a in report.resolved] == [attempt_id] and other.ready
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_two_processes_on_one_lane_only_one_charges(gateway, client, journal, journal_backend, shopper,
                                                    tmp_path):
    gateway.faults.add("POST", PAY, "delay", 1)
    go = tmp_path / "go"
    procs = [run_payer(gateway, journal_backend.where, shopper, amount="5.00", wait_for=go) for _ in range(2)]
    for p in procs:  # both started and ran their start-up reconcile
        assert "reconciled" in json.loads(p.stdout.readline())
    go.touch()
    finals = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        finals.append(json.loads(out.strip().splitlines()[-1]))
    assert sorted(f.get("result") or f.get("error") for f in finals) == ["LaneBusy", "approved"]
    assert len(payments_at_gateway(client, shopper.customer.id)) == 1
    assert_journal_agrees(journal, client, shopper.customer.id)


def test_crash_between_write_ahead_and_sending_is_absent_on_restart(gateway, client, journal, shopper):
    a = journal.create_attempt("LANE1", "clerk1", shopper.customer, shopper.card, "4.00", gateway.clock.now())
    restarted = make_service(journal, client, gateway)
    a = journal.get(a.id)
    assert a.state is State.ABSENT and "never sent" in a.note and restarted.ready
    assert payments_at_gateway(client, shopper.customer.id) == []


def _kill(proc):
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()
    proc.stderr.close()


@pytest.mark.parametrize("kind, pending, done, gateway_status", [
    ("void", State.VOID_PENDING, State.VOIDED, "Voided"),
    ("refund", State.REFUND_PENDING, State.REFUNDED, "Reversed"),
])
def test_killed_during_a_void_or_refund_then_restart_finds_the_result(gateway, client, journal, journal_backend,
                                                                      shopper, kind,
                                                                      pending, done, gateway_status):
    sale = make_service(journal, client, gateway).charge(shopper.customer, shopper.card, Decimal("19.99"), "c1")
    if kind == "refund":
        client.mark_payment_status(sale.payment_id)
    path = f"/v4/payment/{sale.payment_id}/{'void' if kind == 'void' else 'reverse'}"
    gateway.faults.add("PUT", path, "stall_after", 1)  # PaySimple does it, the answer never comes
    proc = run_reverser(gateway, journal_backend.where, kind, sale.id)
    try:
        assert wait_until(lambda: journal.get(sale.id).state is pending
                          and client.get_payment(sale.payment_id).status == gateway_status)
    finally:
        _kill(proc)
    restarted = make_service(journal, client, gateway)
    a = journal.get(sale.id)
    assert a.state is done and restarted.ready
    [rev] = journal.reversals()
    assert (rev.kind, rev.outcome, rev.manager_id) == (kind, done.value, "payer-manager")
    assert_journal_agrees(journal, client, shopper.customer.id)
