"""A saved Live key stays with its data folder and never enters a form (issue 14 §2, decision 0204).

Reproduced before the fix: a new ``--home`` folder with a hand-written settings file naming the store's Live
API user made the set-up wizard fill the key field with the Live key from the keyring (it passed "Test
connection" at once); the person then created a "first manager" there and approved going Live themselves.
These tests perform that attack against the real shell, wizard, keyring (in memory) and the real training
gateway standing in for PaySimple, and show it fails; then that the rightful counter still works without
ever showing the key.
"""

from __future__ import annotations

import json
import os
import stat

import keyring
import pytest

from pos_app import credentials as creds
from pos_app.config import Environment, app_paths
from pos_app.counter import Setup
from pos_app.credentials import CredentialStore, installation_id
from pos_app.settings import Settings, load_run_settings, save_settings
from pos_app.ui.shell.setup_wizard import PAGE_CREDENTIALS, PAGE_MERCHANT, SetupWizard
from pos_app.ui.shell.shell import Shell
from tests.ui.shell.conftest import API_KEY, API_USER
from tests.ui.shell.helpers import when_modal


def set_up_live(paths) -> None:
    save_settings(Settings(environment="live", api_users={"live": API_USER}, setup_done=True), paths.settings_file)
    CredentialStore.for_data_dir(paths.data_dir).save("live", API_USER, API_KEY)


def test_a_new_data_folder_cannot_use_the_stored_key(qapp, qtbot, tmp_path, gateway, memory_keyring, english):
    real = app_paths(tmp_path / "store").ensure()
    set_up_live(real)
    def api_keys():
        return {k: v for k, v in memory_keyring._data.items() if k[0] == creds.SERVICE}

    keyring_before = api_keys()
    # The attack: another folder, a hand-written settings file naming the store's API user.
    other = app_paths(tmp_path / "elsewhere").ensure()
    other.settings_file.write_text(json.dumps({"environment": "live", "api_users": {"live": API_USER},
                                               "setup_done": True}))
    shell = Shell(qapp, other, load_run_settings(other, force_training=False),
                  base_urls={Environment.LIVE: gateway.api_url})
    assert shell.setup.api_access(shell.settings) is None and shell.needs_setup()  # not found from here
    seen = {}

    def attacker(wizard: SetupWizard) -> None:
        flow = wizard.flow
        flow.next()                                                     # Live is preselected from the file
        page = flow.credentials_page
        seen["page"] = flow.currentId()
        seen["user"], seen["key"] = page.user.text(), page.key.text()
        seen["placeholder"] = page.key.placeholderText()
        page.test_button.click()                                        # with the empty key field
        seen["status"] = page.status.text()
        seen["complete"] = page.isComplete()
        flow.next()
        seen["stuck"] = flow.currentId() == PAGE_CREDENTIALS
        flow.reject()

    state = when_modal(SetupWizard, attacker)
    assert shell.ensure_setup() is False and state["error"] is None
    assert seen["page"] == PAGE_CREDENTIALS and seen["user"] == API_USER
    assert seen["key"] == "" and seen["placeholder"] == ""              # nothing pre-filled, nothing "saved"
    assert seen["status"] == "Type the API user and the API key first."
    assert not seen["complete"] and seen["stuck"]
    assert api_keys() == keyring_before       # (the other folder's clerk file got its own integrity key)
    assert installation_id(other.data_dir) != installation_id(real.data_dir)
    shell.close()


def test_the_store_keeps_its_key_without_seeing_it(qapp, qtbot, tmp_path, gateway, memory_keyring, english):
    paths = app_paths(tmp_path / "store").ensure()
    set_up_live(paths)
    store = CredentialStore.for_data_dir(paths.data_dir)
    settings = load_run_settings(paths, force_training=False)
    setup = Setup(paths, credentials=store, base_urls={Environment.LIVE: gateway.api_url})
    wizard = SetupWizard(settings, setup)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.ready, timeout=10_000)
    flow = wizard.flow
    flow.next()
    page = flow.credentials_page
    assert flow.currentId() == PAGE_CREDENTIALS
    assert page.user.text() == API_USER and page.key.text() == ""
    assert "Saved on this computer" in page.key.placeholderText()
    page.test_button.click()                                            # tests the saved key, unseen
    qtbot.waitUntil(lambda: "Connected" in page.status.text(), timeout=10_000)
    assert page.isComplete() and page.key.text() == ""
    # Another API user: the saved key does not come along; it must be typed.
    page.user.setText("SomeoneElse")
    assert not page.isComplete() and "type its API key" in page.key.placeholderText()
    page.test_button.click()
    assert page.status.text() == "Type the API user and the API key first."
    page.user.setText(API_USER)
    page.test_button.click()
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    flow.next()
    assert flow.currentId() == PAGE_MERCHANT
    assert store.load("live", API_USER) == API_KEY                      # kept, untouched
    setup.close()


def test_keys_saved_before_the_binding_are_not_read_and_go_away(tmp_path, memory_keyring):
    paths = app_paths(tmp_path).ensure()
    keyring.set_password(creds.SERVICE, f"live:{API_USER}", API_KEY)    # an entry from an older version
    store = CredentialStore.for_data_dir(paths.data_dir)
    assert store.load("live", API_USER) is None and not store.has("live", API_USER)
    store.save("live", API_USER, API_KEY)                               # typed again once
    assert list(memory_keyring._data) == [(creds.SERVICE, f"{store.installation}:live:{API_USER}")]


def test_installation_id_file(tmp_path):
    first = installation_id(tmp_path)
    path = tmp_path / creds.INSTALLATION_FILE
    assert len(first) == 32 and installation_id(tmp_path) == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    path.write_text("not an id")
    second = installation_id(tmp_path)
    assert second != first and len(second) == 32                        # damaged: a new id, keys typed again
    with pytest.raises(ValueError):
        CredentialStore("")


def test_the_shell_and_the_wizard_read_the_keyring_off_the_gui_thread(qapp, qtbot, tmp_path, gateway, memory_keyring,
                                                                       english):
    """The start-up check (``needs_setup``), the counter's start request and the wizard's credentials page ask
    the keyring on a worker: the keyring may be slow or ask the OS to unlock it, and the GUI keeps painting."""
    import threading

    paths = app_paths(tmp_path / "store").ensure()
    set_up_live(paths)
    threads: list[threading.Thread] = []
    reads = memory_keyring.get_password

    def recorded(service, username):
        threads.append(threading.current_thread())
        return reads(service, username)

    memory_keyring.get_password = recorded
    shell = Shell(qapp, paths, load_run_settings(paths, force_training=False),
                  base_urls={Environment.LIVE: gateway.api_url})
    try:
        assert shell.needs_setup() is False  # the saved key was found...
        assert shell.counter_start("LANE1").api.key == API_KEY  # ...and handed to the counter's start
        seen = {}

        def look(wizard: SetupWizard) -> None:
            flow = wizard.flow
            flow.next()  # Live (from the settings) → the credentials page asks whether a key is saved
            seen["placeholder"] = flow.credentials_page.key.placeholderText()
            flow.reject()

        state = when_modal(SetupWizard, look)
        shell.run_setup()
        assert state["error"] is None and seen["placeholder"].startswith("Saved on this computer")
        assert threads and all(t is not threading.main_thread() for t in threads)  # every read on a worker
    finally:
        shell.close()
