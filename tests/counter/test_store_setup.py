"""Set-up's "Store server" choice through the application layer (``Setup.enroll_store`` / ``apply_store`` /
``store_desk``, ``Counter.open`` of a store start): a real server process (TLS, SQLite) made by its own ``init``,
codes from its ``enroll-code`` command, the training gateway as PaySimple, the lane's real settings file and an
in-memory keyring. The lane keeps no PaySimple key and no journal."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest

from pos_app.config import Environment, Paths
from pos_app.counter import Counter, Settings, Setup, StoreUrlError, check_store_url
from pos_app.counter.remote import StoreServerRefused, StoreServerUnreachable
from pos_app.credentials import CredentialStore
from pos_app.customers.models import CustomerRecord
from pos_app.payments import CustomerRef
from pos_app.serverlink.client import EnrollmentFailed, ServerRefused, ServerUnreachable, Timeouts
from tests.fixtures.server import (
    API_KEY,
    CLERK,
    ServerProcess,
    free_port,
    init_server,
    new_code,
    paysimple_client,
    run_cli,
)

pytestmark = pytest.mark.slow
QUICK = Timeouts(connect=2, read=10, total=12)


@pytest.fixture
def lane(tmp_path, memory_keyring):
    paths = Paths(tmp_path / "data", tmp_path / "logs").ensure()
    setup = Setup(paths, credentials=CredentialStore.for_data_dir(paths.data_dir))
    yield setup
    setup.close()


def files_holding(folder, needle: bytes) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_enrolled_counter_starts_signs_in_against_the_server_and_keeps_no_key(server, lane, memory_keyring):
    enrolled = lane.enroll_store(server.url, new_code(server.data, "LANE7"), "LANE7", QUICK)
    assert enrolled.environment is Environment.SANDBOX and enrolled.lane == "LANE7"
    from pos_app.server.tls import certificate_fingerprint

    # what a manager compares: the certificate pos-app-server printed at init (SHA-256)
    assert enrolled.fingerprint == certificate_fingerprint(server.data / "tls" / "cert.pem")
    settings = Settings()
    lane.apply_store(settings, enrolled)
    saved = lane.load_settings()
    assert saved.store_server == {"url": server.url, "fingerprint": enrolled.fingerprint}
    assert saved.lane == "LANE7" and saved.env is Environment.SANDBOX and lane.store_mode(saved)
    assert lane.api_access(saved) is None and lane.store_access(saved) is not None
    start = lane.counter_start(saved, saved.lane)
    assert start.api is None and start.store is start.clerks
    counter = Counter.open(start)
    assert counter is start.store and counter.paysimple_origin.startswith("http://127.0.0.1:")
    signed = counter.sign_in(*CLERK)  # the server checks the PIN
    assert signed.clerk.name == CLERK[0]
    assert counter.count_customers() >= 0
    # No PaySimple key and no journal of record on the lane: search its data folder and its keyring.
    data = lane.paths.data_dir
    assert files_holding(data, API_KEY.encode()) == []
    assert not (data / "journal.db").exists() and not list(data.rglob("journal*.db"))
    kept = list(memory_keyring._data.values())
    assert kept and not any(API_KEY in value for value in kept)
    [credential] = [value for value in kept if value.startswith("LANE7.")]
    assert files_holding(data, credential.encode()) == []  # the lane credential: the keyring only


def test_a_code_works_once_and_a_wrong_code_or_address_is_named(server, lane):
    code = new_code(server.data, "LANE8")
    lane.enroll_store(server.url, code, "LANE8", QUICK)
    with pytest.raises(ServerRefused) as used:
        lane.enroll_store(server.url, code, "LANE8", QUICK)
    assert used.value.code in ("code_used", "lane_enrolled")
    from pos_app.serverlink.enrollment import canonical

    other = canonical(new_code(server.data))
    wrong = other[:4] + ("0" if other[4] != "0" else "1") + other[5:]  # the right id, a wrong secret
    with pytest.raises(EnrollmentFailed):  # the server cannot prove a code it did not make: nothing secret sent
        lane.enroll_store(server.url, wrong, "LANE9", QUICK)
    with pytest.raises(StoreUrlError, match="https") as plain:
        lane.enroll_store("http://192.0.2.7:8443", other, "LANE9", QUICK)
    assert plain.value.plain_http  # the screen tells this one by its type, never by its words
    for typed in ("server:8443", "", "https://", "ftp://server:8443"):
        with pytest.raises(StoreUrlError) as bad:
            lane.enroll_store(typed, other, "LANE9", QUICK)
        assert not bad.value.plain_http and isinstance(bad.value, ValueError)
    assert check_store_url(" http://127.0.0.1:8443/ ") == "http://127.0.0.1:8443"  # plain http to this PC itself
    with pytest.raises(ServerUnreachable) as down:
        lane.enroll_store(f"https://127.0.0.1:{free_port()}", other, "LANE9", QUICK)
    assert down.value.sent is False
    assert lane.load_settings().store_server == {}  # nothing was written


def test_a_revoked_lane_is_told_and_set_up_again(server, lane, memory_keyring):
    enrolled = lane.enroll_store(server.url, new_code(server.data, "LANE10"), "LANE10", QUICK)
    settings = Settings()
    lane.apply_store(settings, enrolled)
    out = run_cli("revoke-lane", "--data", str(server.data), "LANE10")
    assert out.returncode == 0, out.stderr
    start = lane.counter_start(lane.load_settings(), "LANE10")
    with pytest.raises(StoreServerRefused) as revoked:
        Counter.open(start)
    assert revoked.value.code == "lane_revoked"
    lane.forget_store(lane.load_settings())
    after = lane.load_settings()
    assert not after.setup_done and lane.store_access(after) is None
    assert not any(v.startswith("LANE10.") for v in memory_keyring._data.values())


def wait_until(check, seconds: float = 30.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("not in time")


def test_server_down_after_start_search_still_answers_and_charging_is_refused(store_gateway, tmp_path, lane):
    from pos_app.paysimple.models import CreditCardInput

    data = tmp_path / "server"
    proc = ServerProcess(data, init_server(data, store_gateway)).start()
    ps = paysimple_client(store_gateway)
    try:
        enrolled = lane.enroll_store(proc.url, new_code(data, "LANE11"), "LANE11", QUICK)
        lane.apply_store(Settings(), enrolled)
        counter = Counter.open(lane.counter_start(lane.load_settings(), "LANE11"))
        counter.sign_in(*CLERK)
        last = f"Lovelace{uuid.uuid4().hex[:6]}"
        counter.create_customer(CustomerRecord(first_name="Ada", last_name=last, email="ada@example.com"))
        wait_until(lambda: counter.replica.ready and counter.replica.search(last))  # in the lane's own copy
        [hit] = counter.search(last)
        stored = counter.customer(hit.id)
        card = ps.create_credit_card(CreditCardInput(customer_id=stored.paysimple_id,
                                                     credit_card_number="5454545454545454",
                                                     expiration_date="12/2030"))
        account = counter.verify_account(stored.paysimple_id, card.id)
        proc.stop()
        assert [h.id for h in counter.search(last)] == [hit.id]  # search answers from the copy
        assert counter.customer(hit.id).paysimple_id == stored.paysimple_id
        with pytest.raises(StoreServerUnreachable) as down:
            counter.charge(CustomerRef(stored.paysimple_id, stored.display_name), account, Decimal("5.00"))
        assert down.value.charged is False and "cannot be reached" in str(down.value)
        assert ps.customer_payments(stored.paysimple_id) == []  # PaySimple's own records
    finally:
        proc.stop()
        ps.close()
