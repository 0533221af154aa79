"""The counter's use cases over a store server (``pos_app.counter.remote.RemoteCounter``): a real server process
(TLS, SQLite), the training gateway as PaySimple, the lane's application layer as screens call it. The lane holds
no PaySimple key; outcomes are counted from the gateway's records."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_app.counter.events import PaymentRecorded
from pos_app.counter.remote import RemoteCounter, StoreServerUnreachable
from pos_app.customers.models import CustomerRecord
from pos_app.payments import CustomerRef, NotAllowed, NotSignedIn, State
from pos_app.serverlink.client import Timeouts, enroll
from tests.fixtures.server import (
    API_KEY,
    CLERK,
    MANAGER,
    ServerProcess,
    init_server,
    new_code,
)

pytestmark = pytest.mark.slow
PAY = "/v4/payment"


@pytest.fixture(scope="module")
def enrolled(server):
    return enroll(server.url, new_code(server.data, "LANE3"), "LANE3")


@pytest.fixture(scope="module")
def counter(enrolled):
    remote = RemoteCounter.connect(enrolled.url, enrolled.fingerprint, enrolled.credential, "LANE3",
                                   timeouts=Timeouts(connect=1, read=10, total=12), ask_for=45)
    remote.sign_in(*CLERK)
    yield remote
    remote.close()


def new_customer(counter, ps, first="Grace"):
    """Created through the counter (the server saves it to PaySimple), found by search, picked (selected on
    the server), a card added at the gateway as PaySimpleJS's form would, and verified through the counter."""
    from pos_app.paysimple.models import CreditCardInput

    last = f"Hopper{uuid.uuid4().hex[:6]}"
    counter.create_customer(CustomerRecord(first_name=first, last_name=last, email="grace@example.com"))
    [hit] = [h for h in counter.search(f"{first} {last}") if last in h.display_name]
    stored = counter.customer(hit.id)
    card = ps.create_credit_card(CreditCardInput(customer_id=stored.paysimple_id,
                                                 credit_card_number="5454545454545454", expiration_date="12/2030"))
    account = counter.verify_account(stored.paysimple_id, card.id)
    return stored, account


def ref(stored) -> CustomerRef:
    return CustomerRef(stored.paysimple_id, stored.display_name)


def test_the_counter_takes_a_payment_through_the_server(counter, ps):
    events = []
    unsubscribe = counter.events.subscribe(events.append)
    stored, account = new_customer(counter, ps)
    assert counter.signed_in.name == CLERK[0] and counter.lane == "LANE3"
    accounts = counter.accounts(stored.paysimple_id)
    assert [a.id for a in accounts.credit_cards] == [account.id]
    assert counter.take_checkout_token() and counter.customer_token(stored.paysimple_id)
    statuses = []
    attempt = counter.charge(ref(stored), account, Decimal("42.10"), on_status=statuses.append)
    unsubscribe()
    assert attempt.state is State.APPROVED and attempt.lane == "LANE3" and attempt.account_last4 == "5454"
    assert attempt.clerk == str(counter.signed_in.id)
    assert [s.phase for s in statuses][0] == "sending" and statuses[-1].phase == "done"
    assert any(isinstance(e, PaymentRecorded) and e.attempt.id == attempt.id for e in events)
    [payment] = ps.customer_payments(stored.paysimple_id)
    assert payment.order_id == attempt.id and payment.amount == Decimal("42.10")
    assert counter.attempt(attempt.id) == attempt
    assert counter.open_attempt() is None
    assert [a.id for a in counter.recent_charges(stored.paysimple_id, Decimal("42.10"))] == [attempt.id]


def test_a_decline_is_not_charged_and_the_next_try_is_a_new_payment(counter, ps):
    stored, account = new_customer(counter, ps)
    declined = counter.charge(ref(stored), account, Decimal("9999.01"))
    assert declined.state is State.DECLINED and declined.failure_code == "4005"
    approved = counter.charge(ref(stored), account, Decimal("10.00"))
    assert approved.state is State.APPROVED and approved.id != declined.id
    assert sorted(p.status for p in ps.customer_payments(stored.paysimple_id)) == ["Authorized", "Failed"]


def test_only_the_picked_customer_can_be_charged(counter, ps):
    stored, account = new_customer(counter, ps)
    other, other_account = new_customer(counter, ps, "Other")  # now the picked one
    with pytest.raises(NotAllowed):
        counter.charge(ref(stored), account, Decimal("5.00"))
    counter.customer(stored.id)
    with pytest.raises(Exception) as foreign:  # another customer's card: the server refuses, nothing charged
        counter.charge(ref(stored), other_account, Decimal("5.00"))
    assert "not read as the selected customer's" in str(foreign.value)
    assert ps.customer_payments(stored.paysimple_id) == [] and ps.customer_payments(other.paysimple_id) == []


def test_a_lost_reply_at_the_server_is_asked_again_with_the_same_key(counter, ps, store_gateway):
    """The gateway takes the money and stalls past the server's wait: the server answers "still working", the
    counter asks again with the same key until the server's look-up (or the late reply) settles it."""
    stored, account = new_customer(counter, ps)
    store_gateway.faults.add("POST", PAY, "delay", 1, delay_s=4.5)
    statuses = []
    attempt = counter.charge(ref(stored), account, Decimal("7.00"), on_status=statuses.append)
    assert attempt.state is State.APPROVED
    assert "checking" in [s.phase for s in statuses] or "waiting" in [s.phase for s in statuses]
    assert len(ps.customer_payments(stored.paysimple_id)) == 1


def test_a_restarted_counter_asks_again_with_the_key_it_recorded_and_gets_the_first_outcome(enrolled, counter,
                                                                                           ps):
    """The lane recorded its key before charging and died after sending: its next process (a new counter, a
    new sign-in) charges the same sale with that key and gets the first request's payment, not a second one;
    the key with another amount is refused and charges nothing."""
    from pos_app.counter.remote import StoreServerRefused
    from pos_app.payments import ids

    stored, account = new_customer(counter, ps)
    key = ids.attempt_id("LANE3")
    first = counter.charge(ref(stored), account, Decimal("6.50"), attempt_id=key)
    assert first.id == key and first.state is State.APPROVED
    again = RemoteCounter.connect(enrolled.url, enrolled.fingerprint, enrolled.credential, "LANE3",
                                  timeouts=Timeouts(connect=1, read=10, total=12))
    try:
        again.sign_in(*CLERK)
        again.customer(stored.id)
        same = again.charge(ref(stored), again.verify_account(stored.paysimple_id, account.id), Decimal("6.50"),
                            attempt_id=key)
        assert same.id == key and same.state is State.APPROVED and same.payment_id == first.payment_id
        with pytest.raises(StoreServerRefused) as other_amount:
            again.charge(ref(stored), account, Decimal("65.00"), attempt_id=key)
        assert other_amount.value.code == "key_reused"
    finally:
        again.close()
        counter.sign_in(*CLERK)  # the new sign-in at this lane ended the module counter's session
    [payment] = ps.customer_payments(stored.paysimple_id)
    assert payment.order_id == key and payment.amount == Decimal("6.50")


def test_the_server_killed_mid_charge_and_back_gives_the_one_real_outcome(server, counter, ps, store_gateway):
    stored, account = new_customer(counter, ps)
    store_gateway.faults.add("POST", PAY, "stall_after", 1, delay_s=30)
    result = {}

    def pay():
        try:
            result["attempt"] = counter.charge(ref(stored), account, Decimal("8.00"))
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            result["error"] = exc

    payer = threading.Thread(target=pay)
    payer.start()
    deadline = time.monotonic() + 20
    while not ps.customer_payments(stored.paysimple_id):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    server.kill()
    time.sleep(1.0)  # the counter keeps asking (connections refused) while the server is down
    server.start()
    payer.join(60)
    assert "error" not in result, result.get("error")
    attempt = result["attempt"]
    assert attempt.state is State.APPROVED
    [payment] = ps.customer_payments(stored.paysimple_id)
    assert payment.order_id == attempt.id


def test_a_server_that_cannot_be_reached_charges_nothing(tmp_path, store_gateway, ps):
    data = tmp_path / "down"
    proc = ServerProcess(data, init_server(data, store_gateway)).start()
    enrolled = enroll(proc.url, new_code(data, "LANE4"), "LANE4")
    remote = RemoteCounter.connect(enrolled.url, enrolled.fingerprint, enrolled.credential, "LANE4",
                                   timeouts=Timeouts(connect=1, read=5, total=6), ask_for=3)
    try:
        remote.sign_in(*MANAGER)
        stored, account = new_customer(remote, ps)
        proc.stop()
        with pytest.raises(StoreServerUnreachable) as down:
            remote.charge(ref(stored), account, Decimal("3.00"))
        assert down.value.charged is False and "nothing was charged" in str(down.value)
        assert ps.customer_payments(stored.paysimple_id) == []
        # a look-up that takes no money says only that the server cannot be reached, once, not "charged"
        with pytest.raises(StoreServerUnreachable) as lookup:
            remote.accounts(stored.paysimple_id)
        said = str(lookup.value)
        assert "charged" not in said and said.count("cannot be reached") == 1, said
    finally:
        remote.close()
        proc.stop()


def test_history_void_with_the_servers_approval_and_end_of_day(counter, ps):
    from pos_app.clerks import ManagerAction
    from pos_app.payments import store_timezone

    stored, account = new_customer(counter, ps)
    attempt = counter.charge(ref(stored), account, Decimal("19.99"))
    payments = counter.payments(None, store_timezone("UTC"))
    assert attempt.id in [a.id for a in payments.history(None, 50)]
    option = payments.reversal_option(attempt)
    assert option.action == "void"
    with pytest.raises(Exception) as clerk_pin:
        counter.approve(ManagerAction.VOID, CLERK[0], CLERK[1], "asked", attempt.id)
    assert getattr(clerk_pin.value, "code", "") == "not_allowed"
    approval = counter.approve(ManagerAction.VOID, MANAGER[0], MANAGER[1], "customer asked", attempt.id)
    voided = payments.void(attempt, approval)
    assert voided.state is State.VOIDED
    with pytest.raises(NotAllowed):  # the approval was used
        payments.void(attempt, approval)
    report, backup_problem = payments.end_of_day(datetime.now(UTC).date(), "LANE3")
    assert backup_problem is None and report.lane == "LANE3"
    assert report.by_status["voided"].count >= 1
    assert {p.status for p in ps.customer_payments(stored.paysimple_id)} == {"Voided"}


def test_signed_out_the_counter_charges_nothing_and_holds_no_key(counter, ps, server):
    stored, account = new_customer(counter, ps)
    counter.sign_out()
    try:
        with pytest.raises(NotSignedIn):
            counter.charge(ref(stored), account, Decimal("1.00"))
        with pytest.raises(NotSignedIn):
            counter.accounts(stored.paysimple_id)
    finally:
        counter.sign_in(*CLERK)
    assert ps.customer_payments(stored.paysimple_id) == []
    assert API_KEY not in repr(vars(counter)) and API_KEY not in repr(vars(counter.link))


def test_receipt_e_mail_and_possible_duplicates_through_the_server(counter, ps):
    from pos_app.payments.receipts import ReceiptEmailError

    stored, account = new_customer(counter, ps)
    attempt = counter.charge(ref(stored), account, Decimal("4.00"))
    assert counter.receipt_address(attempt) == "grace@example.com"
    payments = counter.payments(None, UTC)
    assert payments.receipt_address(attempt) == "grace@example.com"
    with pytest.raises(ReceiptEmailError) as changed:  # not the address on file: nothing sent
        counter.email_receipt(attempt, "someone.else@example.com")
    assert changed.value.code == "address_changed"
    twins = counter.possible_duplicates(stored.record.__class__(first_name=stored.record.first_name,
                                                                last_name=stored.record.last_name,
                                                                email="grace@example.com"))
    assert stored.id in [t.id for t in twins]
    assert counter.possible_duplicates(stored.record, exclude_id=stored.id) == []


def test_an_enrolled_counter_keeps_its_credential_in_the_keyring_only(server, memory_keyring, tmp_path):
    """Enrollment keeps the credential in the keyring (the settings get the address, lane and fingerprint);
    ``RemoteCounter.open`` reads it from there and learns PaySimple's origin from the server. Without the
    keyring entry the counter does not start."""
    from pos_app.counter.errors import MissingCredentials
    from pos_app.counter.remote import StoreAccess, enroll_counter
    from pos_app.credentials import CredentialStore

    credentials = CredentialStore.for_data_dir(tmp_path)
    access = enroll_counter(server.url, new_code(server.data, "LANE6"), "LANE6", credentials)
    assert isinstance(access, StoreAccess) and access.lane == "LANE6" and len(access.fingerprint) == 64
    secret = credentials.load("store", "LANE6")
    assert secret.startswith("LANE6.") and secret.split(".")[1] not in repr(access)
    counter = RemoteCounter.open(access, credentials, tmp_path / "lane")
    try:
        assert counter.paysimple_origin.startswith("http://127.0.0.1:") and counter.environment.value == "sandbox"
        assert [c.name for c in counter.clerks()] == sorted([CLERK[0], MANAGER[0]])
    finally:
        counter.close()
    credentials.delete("store", "LANE6")
    with pytest.raises(MissingCredentials):
        RemoteCounter.open(access, credentials, tmp_path / "lane")


def test_another_certificate_at_the_address_is_told_by_type_not_by_its_words(enrolled):
    """A counter pinned to another certificate than the server's: every call is refused before anything is
    sent, as ``StoreServerUnreachable(charged=False, certificate_changed=True)``; a server merely down says
    ``certificate_changed=False`` (the screens choose "Set up again…" by that flag, never by the sentence)."""
    from tests.fixtures.server import free_port

    wrong = "ab" * 32
    assert wrong != enrolled.fingerprint
    pinned_elsewhere = RemoteCounter.connect(enrolled.url, wrong, enrolled.credential, "LANE3",
                                             timeouts=Timeouts(connect=1, read=5, total=6), ask_for=2)
    down = RemoteCounter.connect(f"https://127.0.0.1:{free_port()}", enrolled.fingerprint, enrolled.credential,
                                 "LANE3", timeouts=Timeouts(connect=1, read=5, total=6), ask_for=2)
    try:
        with pytest.raises(StoreServerUnreachable) as refused:
            pinned_elsewhere.search("a")
        assert refused.value.certificate_changed and refused.value.charged is False
        with pytest.raises(StoreServerUnreachable) as unreachable:
            down.search("a")
        assert not unreachable.value.certificate_changed and unreachable.value.charged is False
    finally:
        pinned_elsewhere.close()
        down.close()
