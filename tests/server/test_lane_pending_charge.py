"""A store-mode lane killed mid-charge (issue 20, decision 0465): the lane's pending-charge record is on disk
before the charge is sent; the next start asks about it with the same key (never re-sent), the outcome appears
once, and the gateway's own records show exactly one payment. A real server process (TLS, SQLite), the
training gateway as PaySimple, the lane as a real process killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pos_app.counter import ChargeOutcome
from pos_app.counter.pending import FILE_NAME, PendingCharge, PendingCharges
from pos_app.counter.remote import RemoteCounter
from pos_app.customers.models import CustomerRecord
from pos_app.payments import CustomerRef, LaneBusy, State, ids
from pos_app.serverlink.client import ServerRefused, Timeouts, enroll
from tests.fixtures.server import (
    CLERK,
    ROOT,
    new_code,
    server_env,
)

pytestmark = pytest.mark.slow
PAY = "/v4/payment"
LANE = "LANE7"



@pytest.fixture(scope="module")
def enrolled(server):
    return enroll(server.url, new_code(server.data, LANE), LANE)


def open_lane(enrolled, folder) -> RemoteCounter:
    counter = RemoteCounter.connect(enrolled.url, enrolled.fingerprint, enrolled.credential, LANE,
                                    timeouts=Timeouts(connect=1, read=10, total=12), replica_dir=folder, ask_for=30)
    counter.sign_in(*CLERK)
    return counter


def new_customer(counter, ps, first="Olive"):
    from pos_app.paysimple.models import CreditCardInput

    last = f"Quimby{uuid.uuid4().hex[:6]}"
    made = counter.create_customer(CustomerRecord(first_name=first, last_name=last, email="olive@example.com"))
    stored = counter.customer(made.id)  # picked: selected on the server
    card = ps.create_credit_card(CreditCardInput(customer_id=stored.paysimple_id,
                                                 credit_card_number="4111111111111111", expiration_date="12/2030"))
    return stored, counter.verify_account(stored.paysimple_id, card.id)


def lane_process(enrolled, folder, stored, account, amount: str) -> subprocess.Popen:
    """The lane as its own process: signs in, picks the customer, charges once (the credential and PIN on
    standard input, never on the command line)."""
    script = (
        "import sys\n"
        "from decimal import Decimal\n"
        "from pos_app.counter.remote import RemoteCounter\n"
        "from pos_app.payments import CustomerRef\n"
        "from pos_app.serverlink.client import Timeouts\n"
        "a = sys.stdin.read().split('\\n')\n"
        "c = RemoteCounter.connect(a[0], a[1], a[2], a[3], timeouts=Timeouts(connect=1, read=10, total=12),"
        " replica_dir=a[4], ask_for=60)\n"
        "c.sign_in(a[5], a[6])\n"
        "s = c.customer(int(a[7]))\n"
        "acc = c.verify_account(s.paysimple_id, int(a[8]))\n"
        "print('charging', flush=True)\n"
        "print(c.charge(CustomerRef(s.paysimple_id, s.display_name), acc, Decimal(a[9])).state, flush=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=server_env(), cwd=ROOT)
    proc.stdin.write("\n".join([enrolled.url, enrolled.fingerprint, enrolled.credential, LANE, str(folder),
                                CLERK[0], CLERK[1], str(stored.id), str(account.id), amount]))
    proc.stdin.close()
    return proc


def until_final(counter, seconds: float = 60):
    ends = time.monotonic() + seconds
    while True:
        last = counter.last_charge()
        if last is None or last.final:
            return last
        assert time.monotonic() < ends, f"still unknown: {last.detail}"
        time.sleep(0.5)


def test_a_lane_killed_while_paysimple_is_slow_learns_the_one_outcome_at_its_next_start(enrolled, ps,
                                                                                       store_gateway, tmp_path):
    folder = tmp_path / "store"
    counter = open_lane(enrolled, folder)
    stored, account = new_customer(counter, ps)
    counter.close()
    store_gateway.faults.add("POST", PAY, "stall_after", 1, delay_s=8)
    proc = lane_process(enrolled, folder, stored, account, "23.45")
    try:
        assert proc.stdout.readline().strip() == "charging", proc.stderr.read()
        deadline = time.monotonic() + 30
        while not ps.customer_payments(stored.paysimple_id):  # the charge is at PaySimple, its reply stalls
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        record = PendingCharges(folder).read()
        assert record is not None and record.amount == Decimal("23.45") and record.account_last4 == "1111"
        text = (folder / FILE_NAME).read_text()
        assert stat.S_IMODE(os.stat(folder / FILE_NAME).st_mode) == 0o600
        assert "4111111111111111" not in text and enrolled.credential not in text and "token" not in text
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    again = open_lane(enrolled, folder)
    try:
        with pytest.raises(LaneBusy) as busy:  # an unsettled record: no new charge until its outcome is known
            again.customer(stored.id)
            again.charge(CustomerRef(stored.paysimple_id, stored.display_name), account, Decimal("1.00"))
        assert busy.value.blocking.id == record.attempt_id
        [earlier] = again.recent_charges(stored.paysimple_id, Decimal("23.45"))  # the repeat check sees it
        assert earlier.id == record.attempt_id
        last = until_final(again)
        assert last.outcome is ChargeOutcome.APPROVED and last.attempt_id == record.attempt_id
        assert last.amount == Decimal("23.45") and last.customer_name == stored.display_name
        assert last.attempt.state is State.APPROVED
        assert again.last_charge() is None  # shown once
        assert not (folder / FILE_NAME).exists()
        [seen] = again.recent_charges(stored.paysimple_id, Decimal("23.45"))
        assert seen.id == record.attempt_id and seen.state is State.APPROVED
    finally:
        again.close()
    [payment] = ps.customer_payments(stored.paysimple_id)
    assert payment.order_id == record.attempt_id and payment.amount == Decimal("23.45")


def pending_for(stored, account, amount: str, key: str | None = None) -> PendingCharge:
    return PendingCharge(key or ids.attempt_id(LANE), stored.id, stored.paysimple_id, stored.display_name,
                         int(Decimal(amount) * 100), "cc", "1111", "Visa", "1", datetime.now(UTC))


def test_a_key_that_never_reached_the_server_is_not_charged_and_is_closed_for_good(enrolled, ps, tmp_path):
    """Killed after the record was fsynced and before the request left: the server says it never saw the key,
    closes it, and the request arriving late with it charges nothing."""
    folder = tmp_path / "store"
    counter = open_lane(enrolled, folder)
    try:
        stored, account = new_customer(counter, ps)
        record = pending_for(stored, account, "12.00")
        PendingCharges(folder).write(record)
        last = counter.last_charge()
        assert last.outcome is ChargeOutcome.NOT_CHARGED and last.final and last.attempt is None
        assert counter.last_charge() is None
        with pytest.raises(ServerRefused) as late:
            counter.link.request("POST", "/v1/charges", {"customer_id": stored.id, "account_id": account.id,
                                                         "amount": "12.00"},
                                 headers={"Idempotency-Key": record.attempt_id})
        assert late.value.status == 409 and late.value.code == "key_reused"
        assert ps.customer_payments(stored.paysimple_id) == []
        fresh = counter.charge(CustomerRef(stored.paysimple_id, stored.display_name), account, Decimal("12.00"))
        assert fresh.state is State.APPROVED and fresh.id != record.attempt_id
        assert not (folder / FILE_NAME).exists()  # settled by its answer
    finally:
        counter.close()
    assert [p.order_id for p in ps.customer_payments(stored.paysimple_id)] == [fresh.id]


def test_while_the_server_is_down_the_outcome_stays_unknown_and_the_record_stays(enrolled, ps, tmp_path, server):
    folder = tmp_path / "store"
    counter = open_lane(enrolled, folder)
    try:
        stored, account = new_customer(counter, ps)
        record = pending_for(stored, account, "3.00")
        PendingCharges(folder).write(record)
        server.kill()
        try:
            last = counter.last_charge()
            assert last.outcome is ChargeOutcome.UNKNOWN and not last.final
            assert "not charged" not in last.detail.lower()
            assert PendingCharges(folder).read() == record
        finally:
            server.start()
        counter.sign_in(*CLERK)
        assert until_final(counter).outcome is ChargeOutcome.NOT_CHARGED
    finally:
        counter.close()


def test_a_claimed_key_never_written_is_unknown_until_its_window_passed(enrolled, ps, tmp_path, server):
    """The server claimed the key and stopped before writing its attempt: "still working" for a while (the
    request may still be on its way), then closed as never arrived."""
    folder = tmp_path / "store"
    counter = open_lane(enrolled, folder)
    try:
        stored, account = new_customer(counter, ps)
        record = pending_for(stored, account, "4.00")
        PendingCharges(folder).write(record)
        claim_key(server, record.attempt_id, datetime.now(UTC))
        assert counter.last_charge().outcome is ChargeOutcome.UNKNOWN
        claim_key(server, record.attempt_id, datetime.now(UTC) - timedelta(minutes=6), update=True)
        assert counter.last_charge().outcome is ChargeOutcome.NOT_CHARGED
        assert ps.customer_payments(stored.paysimple_id) == []
    finally:
        counter.close()


def claim_key(server, key: str, at: datetime, update: bool = False) -> None:
    """Write a charge-key claim straight into the server's SQLite database (the state a server killed between
    its claim and its attempt leaves)."""
    import sqlite3

    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # the server's SQLite time format
    with sqlite3.connect(server.data / "server.db") as db:
        if update:
            db.execute("UPDATE server_charge_keys SET created_at = ? WHERE attempt_id = ?", (stamp, key))
        else:
            db.execute("INSERT INTO server_charge_keys (attempt_id, lane, fingerprint, session_id, clerk_id,"
                       " created_at) VALUES (?, ?, ?, ?, ?, ?)", (key, LANE, "f" * 64, "s", 1, stamp))


def test_an_unreadable_record_is_set_aside_not_guessed(enrolled, tmp_path):
    folder = tmp_path / "store"
    counter = open_lane(enrolled, folder)
    try:
        folder.mkdir(exist_ok=True)
        (folder / FILE_NAME).write_text('{"attempt_id": "LANE7-x", "amount_cents": 12')  # torn
        assert counter.last_charge() is None
        assert not (folder / FILE_NAME).exists()
        assert [p.name for p in folder.glob("pending-charge.unreadable-*")]
    finally:
        counter.close()
