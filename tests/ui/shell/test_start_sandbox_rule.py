"""Sandbox/Live refuse to start while Chromium's sandbox is off (issue 14 §8; decision 0203).

Reproduced before the fix: as root, a finished Live set-up opened the counter and rendered PaySimple's form
with the sandbox silently turned off (``prepare_environment`` set QTWEBENGINE_DISABLE_SANDBOX). Now the
real start (``pos_app.ui.shell.app.build``, in its own process, keyring holding the Live key) stops before the
counter, says why on stderr, and exits with code 3; training keeps starting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pos_app.config import Environment
from pos_app.settings import Settings, save_settings
from pos_app.ui.shell import app as app_module
from pos_app.ui.shell.app import SandboxRefusal, chromium_sandbox_off, refusal_box, sandbox_refusal

ROOT = Path(__file__).resolve().parents[3]


def live_setup(home: Path) -> None:
    (home / "data").mkdir(parents=True)
    save_settings(Settings(environment="live", api_users={"live": "APIUser1"}, setup_done=True),
                  home / "data" / "settings.json")


def test_live_with_the_sandbox_off_does_not_open_the_counter(tmp_path):
    live_setup(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(ROOT), QTWEBENGINE_DISABLE_SANDBOX="1")  # as root it is set anyway
    out = subprocess.run([sys.executable, "-m", "tests.ui.shell.app_start_child", "live-ready", str(tmp_path)],
                         capture_output=True, text=True, timeout=90, env=env, cwd=ROOT)
    assert out.returncode == 3, out.stderr[-3000:]
    assert '"wizard"' not in out.stdout           # the set-up was complete: refused for the sandbox alone
    assert "Live will not start" in out.stderr and "--allow-no-sandbox" in out.stderr
    assert "normal user" in out.stderr and "--training" in out.stderr
    # The counter never opened: nothing of Live's was created (no journal, no customer directory).
    live = tmp_path / "data" / "live"
    assert not live.exists() or not any(live.iterdir())


@pytest.mark.parametrize("env, off", [
    ({}, False), ({"QTWEBENGINE_DISABLE_SANDBOX": "1"}, True), ({"QTWEBENGINE_DISABLE_SANDBOX": "0"}, True),
    ({"QTWEBENGINE_DISABLE_SANDBOX": ""}, True), ({"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu --no-sandbox"}, True),
    ({"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu"}, False)])
def test_what_counts_as_sandbox_off(env, off):
    # QtWebEngine switches the sandbox off when the variable exists at all, whatever its value.
    assert (chromium_sandbox_off(env) is not None) is off


def test_rule_per_environment():
    off = {"QTWEBENGINE_DISABLE_SANDBOX": "1"}
    assert sandbox_refusal(Environment.TRAINING, False, off) is None          # training keeps running
    assert sandbox_refusal(Environment.LIVE, True, off) is None               # explicit --allow-no-sandbox
    assert sandbox_refusal(Environment.SANDBOX, False, {}) is None            # sandbox on
    for env in (Environment.SANDBOX, Environment.LIVE):
        refusal = sandbox_refusal(env, False, off)
        assert refusal is not None and refusal.environment is env
        text = refusal.text()
        assert "--allow-no-sandbox" in text and "--training" in text and "normal user" in text
        if os.geteuid() == 0:
            assert "root" in refusal.why


def test_allow_flag_is_parsed():
    assert app_module.parse_args(["--allow-no-sandbox"]).allow_no_sandbox is True
    assert app_module.parse_args([]).allow_no_sandbox is False


def test_the_on_screen_message(qtbot):
    box = refusal_box(SandboxRefusal(Environment.LIVE, "running as root: Chromium's sandbox cannot run as root"))
    qtbot.addWidget(box)
    assert box.windowTitle() == "pos-app cannot start"
    assert box.text() == "Live will not start: Chromium's sandbox is off."
    info = box.informativeText()
    assert "running as root" in info and "--allow-no-sandbox" in info and "Training mode" in info


def test_a_tampered_clerk_file_opens_no_counter(tmp_path):
    """Issue 14 §3: a Live clerk file edited with sqlite3 (a clerk made manager) stops the real start with
    the reason (exit 4); the keyring holding the file's key persists across processes as the OS one does."""
    import sqlite3

    import keyring

    from pos_app.clerks import ClerkRegistry, Role, clerks_db_path
    from pos_app.credentials import CredentialStore, clerk_file_key
    from tests.file_keyring import FileKeyring

    live_setup(tmp_path)
    data = tmp_path / "data"
    store = tmp_path / "keyring.json"
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring(store))
    try:
        CredentialStore.for_data_dir(data).save("live", "APIUser1", "live-key-from-the-keyring")
        path = clerks_db_path(data, "live")
        key, made_now = clerk_file_key(path)
        registry = ClerkRegistry(path, integrity_key=key, key_is_new=made_now)
        boss = registry.add("Maria", "739164", Role.MANAGER, by=None)
        registry.add("Ann", "2468", Role.CLERK, by=boss)
        registry.close()
    finally:
        keyring.set_keyring(previous)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE clerks SET role='manager' WHERE name='Ann'")
    env = dict(os.environ, PYTHONPATH=str(ROOT), POS_TEST_KEYRING=str(store))
    out = subprocess.run([sys.executable, "-m", "tests.ui.shell.app_start_child", "live-allowed", str(tmp_path)],
                         capture_output=True, text=True, timeout=90, env=env, cwd=ROOT)
    assert out.returncode == 4, (out.returncode, out.stderr[-3000:])
    assert "The clerk file was changed outside this app (clerk 'Ann'" in out.stderr
    assert '"wizard"' not in out.stdout
    live = data / "live"
    assert not live.exists() or not any(live.iterdir())   # no Live journal or customer list was opened
