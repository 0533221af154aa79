"""The real start-up path (pos_app.ui.shell.app.build) in a subprocess: window first, gateway + sync on workers,
the shell's sign-in over the window, then a payment form opens. Guards against start-up crashes such as
PySide6 6.11.3's SIGSEGV with an application-wide Python event filter next to a web view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.webview


def test_app_starts_signs_in_and_opens_the_form(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "startup.py"), "--child", "app",
                          "--home", str(tmp_path), "--demo-customers", "20"],
                         capture_output=True, text=True, timeout=90, env=env, cwd=ROOT)
    events = {}
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            data = json.loads(line)
            events[data.pop("event")] = data
    assert out.returncode == 0, out.stderr[-3000:]
    assert "error" not in events, events
    assert {"window", "backend", "form"} <= set(events)
    assert events["window"]["t"] <= events["backend"]["t"]  # the window does not wait for the gateway
    assert 0 < events["form"]["s"] < 10
    assert (tmp_path / "data" / "directory.db").exists() and (tmp_path / "data" / "journal.db").exists()
