"""``python -m pos_app --selftest`` from the checkout: a real training payment through the real payment web view
(subprocesses, offscreen), its failure messages, and its hard timeout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pos_app.ui.shell.selftest import prepare_environment

pytestmark = pytest.mark.webview

ROOT = Path(__file__).resolve().parents[2]


def run(code: str | None = None, timeout: float = 90) -> tuple[subprocess.CompletedProcess, dict]:
    cmd = [sys.executable, "-m", "pos_app", "--selftest"] if code is None else [sys.executable, "-c", code]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, (proc.stdout, proc.stderr[-2000:])
    return proc, json.loads(lines[0])


def test_selftest_passes_from_the_checkout():
    proc, summary = run()
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert summary["ok"] is True and summary["frozen"] is False
    assert summary["payment_status"] == "Authorized"
    # every step ran, in the checkout as in the bundle
    assert set(summary["steps"]) == {"gateway", "tokens", "qt", "page", "form", "card", "account", "payment",
                                     "keyring"}
    assert {"SecretService", "chainer"} <= set(summary["keyring_plugins"])
    # the in-memory test keyring must never be picked on its own (it would "save" the API key in memory)
    assert "MemoryKeyring" not in summary["keyring_backend"]
    assert summary["qt_es_translation"] is True
    assert 0 < summary["selftest_s"] < 60
    # nothing secret is printed: no JWT, no card number
    assert "eyJ" not in proc.stdout + proc.stderr and "4111111111111111" not in proc.stdout + proc.stderr


def test_a_failing_step_exits_non_zero_and_names_the_step():
    # A zero amount is refused: the self-test must say which step failed and why, and exit 1.
    proc, summary = run("import sys; from decimal import Decimal; import pos_app.ui.shell.selftest as s; "
                        "s.AMOUNT = Decimal('0.00'); sys.exit(s.run())")
    assert proc.returncode == 1
    assert summary["ok"] is False and summary["failed_step"] == "payment"
    assert "self-test FAILED at step 'payment'" in proc.stderr
    assert summary["error"]


def test_hard_timeout_ends_the_process():
    proc, summary = run("import sys; import pos_app.ui.shell.selftest as s; s.HARD_TIMEOUT_S = 0.3; sys.exit(s.run())")
    assert proc.returncode == 2
    assert summary["ok"] is False and "did not finish within" in summary["error"]
    assert "timed out" in proc.stderr


def test_environment_for_a_headless_root_run(monkeypatch):
    env: dict[str, str] = {}
    prepare_environment(env)
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    assert env["QTWEBENGINE_CHROMIUM_FLAGS"] == "--disable-gpu"
    assert ("QTWEBENGINE_DISABLE_SANDBOX" in env) == (os.geteuid() == 0)
    shown = {"DISPLAY": ":0", "QTWEBENGINE_CHROMIUM_FLAGS": "--foo"}
    prepare_environment(shown)
    assert "QT_QPA_PLATFORM" not in shown and shown["QTWEBENGINE_CHROMIUM_FLAGS"] == "--foo"


def test_keyring_round_trip_from_the_checkout_against_a_real_secret_service(tmp_path):
    """The app's own keyring check (store, read back, delete a secret) against gnome-keyring's Secret Service
    on a private D-Bus session. ``bash scripts/pos.sh test`` installs gnome-keyring and dbus and sets
    POS_REQUIRE_SECRET_SERVICE=1: there a missing daemon fails instead of skipping."""
    import shutil

    missing = [tool for tool in ("gnome-keyring-daemon", "dbus-run-session") if shutil.which(tool) is None]
    if missing:
        why = f"{' and '.join(missing)} not installed (apt-get install gnome-keyring dbus dbus-x11)"
        if os.environ.get("POS_REQUIRE_SECRET_SERVICE") == "1":
            pytest.fail(why + ": bash scripts/pos.sh test installs them as root")
        pytest.skip(why)
    (tmp_path / ".cache").mkdir()
    script = ("echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
              f"exec '{sys.executable}' -m pos_app --selftest --keyring-roundtrip")
    env = dict(os.environ, HOME=str(tmp_path), PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(["dbus-run-session", "--", "bash", "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads([line for line in proc.stdout.splitlines() if line.startswith("{")][-1])
    assert summary["keyring_backend"] == "keyring.backends.SecretService.Keyring"
    assert summary["keyring_usable"] is True and summary["keyring_roundtrip"] is True
