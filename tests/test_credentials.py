import pytest

from pos_app import credentials
from pos_app.credentials import CredentialStore, KeyringUnavailable

INSTALL = "0123456789abcdef0123456789abcdef"


def test_key_round_trips_through_the_keyring_only(memory_keyring, tmp_path):
    store = CredentialStore(INSTALL)
    store.save("sandbox", "APIUser1", "k3y-Secret-Value")
    assert memory_keyring._data == {(credentials.SERVICE, f"{INSTALL}:sandbox:APIUser1"): "k3y-Secret-Value"}
    assert store.load("sandbox", "APIUser1") == "k3y-Secret-Value"
    assert "k3y-Secret-Value" not in repr(store)
    store.delete("sandbox", "APIUser1")
    assert store.load("sandbox", "APIUser1") is None
    assert credentials.keyring_available()


def test_missing_keyring_explains_and_offers_session_only(no_keyring):
    store = CredentialStore(INSTALL)
    assert not credentials.keyring_available()
    with pytest.raises(KeyringUnavailable) as err:
        store.save("live", "APIUser1", "k3y-Secret-Value")
    assert "gnome-keyring" in str(err.value) and "k3y" not in str(err.value)
    store.keep_for_session("live", "APIUser1", "k3y-Secret-Value")
    assert store.load("live", "APIUser1") == "k3y-Secret-Value"
    assert "k3y-Secret-Value" not in repr(store)
    # a new store (= next start) has forgotten it
    assert CredentialStore(INSTALL).load("live", "APIUser1") is None
