"""The application layer's set-up and session use cases on real parts: ``Setup`` on a real data folder
(settings files, clerk files, an in-memory keyring, the real training gateway standing in for PaySimple's
API), and a training ``Counter`` that shares the run's clerk desk: charges are attributed to whoever signed
in there, nobody signed in means nothing is charged, and a receipt is e-mailed only to the address the clerk
confirmed. No Qt."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_app.clerks import ClerkRegistry, clerks_db_path
from pos_app.config import Environment, app_paths
from pos_app.counter import (
    ClerkError,
    Counter,
    CustomerRef,
    KeyringUnavailable,
    ManagerAction,
    MissingCredentials,
    NotSignedIn,
    ReceiptEmailError,
    ReceiptMail,
    Settings,
    Setup,
    State,
)
from pos_app.credentials import CredentialStore
from pos_app.paysimple import AuthenticationError
from pos_app.settings import load_settings
from tests.fixtures.gateway import API_KEY, API_USER

INSTALL = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def paths():
    return app_paths().ensure()


def test_settings_go_where_their_environment_says_and_a_training_run_writes_only_training(paths):
    setup = Setup(paths, credentials=CredentialStore(INSTALL))
    real = Settings(environment="live", api_users={"live": "LiveUser"}, setup_done=True, lane="FRONT")
    setup.save_settings(real)
    practice = Settings(environment="training", setup_done=True, lane="PRACTICE")
    setup.save_settings(practice)  # a counter switched to Training: its Live details stay for later
    counter = load_settings(paths.settings_file)
    assert counter.environment == "training" and counter.api_users == {"live": "LiveUser"}
    assert load_settings(paths.training_settings_file).lane == "PRACTICE"
    assert setup.load_settings().env is Environment.TRAINING

    before = paths.settings_file.read_bytes()
    training = Setup(paths, force_training=True)
    assert training.environments == (Environment.TRAINING,)
    with pytest.raises(PermissionError):
        training.save_settings(real)
    with pytest.raises(PermissionError):
        training.clerks_for(Environment.LIVE)
    with pytest.raises(ClerkError):  # the set-up use case refuses it before anything is written
        training.apply(real)
    assert paths.settings_file.read_bytes() == before
    assert not clerks_db_path(paths.data_dir, "live").exists()
    setup.close()
    training.close()


def test_a_settings_save_is_announced_on_the_runs_broadcast_once_written_and_a_refused_one_is_not(paths):
    from pos_app.counter import SettingsChanged

    setup = Setup(paths, credentials=CredentialStore(INSTALL))
    seen: list = []
    setup.events.subscribe(lambda event: seen.append((event, load_settings(paths.training_settings_file).lane)))
    practice = Settings(environment="training", setup_done=True, lane="PRACTICE")
    setup.save_settings(practice)
    assert len(seen) == 1 and isinstance(seen[0][0], SettingsChanged) and seen[0][0].settings is practice
    assert seen[0][1] == "PRACTICE"  # published after the file was written
    training = Setup(paths, force_training=True)
    told: list = []
    training.events.subscribe(told.append)
    with pytest.raises(PermissionError):
        training.save_settings(Settings(environment="live", setup_done=True))
    assert told == []  # nothing written, nothing announced
    setup.close()
    training.close()


def test_api_keys_stay_behind_the_setup_and_the_connection_test_uses_the_saved_one_unseen(
        paths, gateway, memory_keyring):
    setup = Setup(paths, credentials=CredentialStore(INSTALL), base_urls={Environment.SANDBOX: gateway.api_url})
    settings = Settings(environment="sandbox", api_users={"sandbox": API_USER}, setup_done=True)
    assert setup.api_access(settings) is None and not setup.has_saved_key(Environment.SANDBOX, API_USER)
    with pytest.raises(MissingCredentials):
        setup.counter_start(settings, "LANE1")
    with pytest.raises(AuthenticationError):
        setup.test_connection(Environment.SANDBOX, API_USER, "not-the-key")
    assert setup.save_key(Environment.SANDBOX, API_USER, API_KEY) == "keyring"
    assert setup.has_saved_key(Environment.SANDBOX, API_USER)
    assert setup.test_connection(Environment.SANDBOX, API_USER, None) >= 0  # the saved key, never handed out
    access = setup.api_access(settings)
    assert (access.base_url, access.user, access.key) == (gateway.api_url, API_USER, API_KEY)
    assert API_KEY not in repr(access) and API_KEY not in repr(setup.counter_start(settings, "LANE1"))
    start = setup.counter_start(settings, "LANE1")
    assert start.clerks is setup.clerks_for(Environment.SANDBOX)  # the run's desk goes with the start
    setup.close()


def test_no_keyring_keeps_the_key_for_this_session_only(paths, no_keyring):
    setup = Setup(paths, credentials=CredentialStore(INSTALL))
    assert not setup.keyring_available() and "fail" in setup.key_store_name().lower()
    with pytest.raises(KeyringUnavailable):
        setup.save_key(Environment.LIVE, "LiveUser", "k-123")
    assert setup.save_key(Environment.LIVE, "LiveUser", "k-123", session_only=True) == "session"
    assert setup.api_access(Settings(environment="live", api_users={"live": "LiveUser"})).key == "k-123"
    assert Setup(paths, credentials=CredentialStore(INSTALL)).api_access(
        Settings(environment="live", api_users={"live": "LiveUser"})) is None  # the next run asks again
    setup.close()


def test_a_first_live_set_up_makes_its_manager_who_approves_it_and_it_is_recorded(paths, memory_keyring):
    setup = Setup(paths, credentials=CredentialStore(INSTALL))
    settings = Settings(environment="live", api_users={"live": "LiveUser"}, lane="FRONT")
    setup.apply(settings, first_manager=("Maria", "739164"), go_live_subject="override: no test")
    reg = ClerkRegistry(clerks_db_path(paths.data_dir, "live"))
    assert [(a[3], a[5]) for a in reg.approvals()] == [("settings", "settings: live"),
                                                        ("go_live", "override: no test")]
    assert [(e.name, e.detail) for e in reg.events("settings")] == [("Maria", "environment=live api_user=LiveUser")]
    reg.close()
    assert load_settings(paths.settings_file).environment == "live"

    # a change later: the file has a manager now, so an approval given with its desk is required
    with pytest.raises(ClerkError) as refused:
        setup.apply(Settings(environment="live", api_users={"live": "Other"}))
    assert refused.value.code == "not_allowed"
    desk = setup.clerks_for(Environment.LIVE)
    approval = desk.approve(ManagerAction.SETTINGS, "Maria", "739164", "new API user")
    setup.apply(Settings(environment="live", api_users={"live": "Other"}),
                approvals={ManagerAction.SETTINGS: approval})
    assert load_settings(paths.settings_file).api_users == {"live": "Other"}
    setup.close()


@pytest.fixture
def counter(paths):
    """A training counter started the one way the app starts it, sharing the run's clerk desk."""
    setup = Setup(paths, force_training=True)
    c = Counter.open(setup.counter_start(Settings(), "LANE1", demo_customers=12))
    yield setup, c
    c.close()
    setup.close()


def _customer_with_card(c: Counter):
    for hit in c.search("a"):
        if hit.paysimple_id:
            cards = c.accounts(hit.paysimple_id).credit_cards
            if cards:
                return CustomerRef(hit.paysimple_id, hit.display_name), cards[0]
    raise AssertionError("no demo customer with a card")


def test_the_counter_charges_for_whoever_signed_in_at_the_runs_desk_and_nobody_means_nothing(counter):
    setup, c = counter
    desk = setup.clerks_for(Environment.TRAINING)
    assert c.desk is desk and c.clerk is None
    customer, card = _customer_with_card(c)
    with pytest.raises(NotSignedIn):
        c.charge(customer, card, Decimal("5.00"))
    assert c.journal.history(limit=None) == []  # nothing journaled, nothing sent
    trainee = desk.sign_in("Trainee", "0000").clerk  # the shell's sign-in ...
    sale = c.charge(customer, card, Decimal("5.00"))
    assert sale.state is State.APPROVED and sale.clerk == str(trainee.id)  # ... is the counter's clerk
    trainer = c.sign_in("Trainer", "1234").clerk  # and the counter's own clerk call is the desk's
    assert desk.signed_in == trainer and c.clerk_name(sale.clerk) == "Trainee"
    c.sign_out()
    with pytest.raises(NotSignedIn):
        c.set_default(customer.id, card)
    assert len(c.journal.history(limit=None)) == 1


def _set_email(c: Counter, customer_id: int, email: str) -> None:
    """Change the address on file at PaySimple (another counter, or PaySimple's own screens)."""
    from dataclasses import replace

    from pos_app.paysimple.models import CustomerInput

    current = CustomerInput.from_customer(c.client.get_customer(customer_id))
    c.client.update_customer(customer_id, replace(current, email=email))


def test_a_receipt_goes_only_to_the_address_the_clerk_confirmed(counter):
    from datetime import UTC

    setup, c = counter
    setup.clerks_for(Environment.TRAINING).sign_in("Trainee", "0000")
    customer, card = _customer_with_card(c)
    _set_email(c, customer.id, "ada@example.com")
    sale = c.charge(customer, card, Decimal("7.00"))
    payments = c.payments(Settings().merchant, UTC)
    for mail in (c, payments):
        assert isinstance(mail, ReceiptMail)
    shown = payments.receipt_address(sale)
    assert shown == "ada@example.com"
    _set_email(c, customer.id, "new@example.com")  # meanwhile, before the clerk pressed Send
    with pytest.raises(ReceiptEmailError) as changed:
        payments.email_receipt(sale, shown)
    assert changed.value.code == "address_changed" and "new@example.com" in str(changed.value)
    assert c.gateway.outbox == []  # nothing was sent to an address nobody confirmed
    assert c.email_receipt(sale, "NEW@example.com") == "new@example.com"  # the same address, any case
    assert [m["to"] for m in c.gateway.outbox] == ["new@example.com"]
