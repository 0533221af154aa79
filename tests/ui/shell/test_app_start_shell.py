"""The real app start (pos_app.ui.shell.app.build) with the shell, each in its own process: the first start
without --training shows the set-up wizard (Training preselected) before the counter; --training never asks;
a Sandbox set-up whose key is missing reopens the wizard, and choosing Training there starts training."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pos_app.settings import Settings, load_settings, save_settings

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.webview


def child(scenario: str, home: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "tests.ui.shell.app_start_child", scenario, str(home)],
                         capture_output=True, text=True, timeout=90, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    assert lines, out.stderr[-3000:]
    return json.loads(lines[-1])


def sandbox_without_key(home: Path) -> None:
    (home / "data").mkdir(parents=True)
    save_settings(Settings(environment="sandbox", api_users={"sandbox": "APIUser1"}, setup_done=True),
                  home / "data" / "settings.json")


def test_first_start_shows_the_setup_then_the_training_counter(tmp_path):
    result = child("first", tmp_path)
    assert result["wizard"] and result["wizard_default"] == "training"
    assert result["environment"] == "training" and result["lane"] == "FRONT"
    assert result["sign_in_banner"] == "TRAINING"
    assert result["backend_clerk_is_signed_in_clerk"] and result["training_gateway"]
    assert load_settings(tmp_path / "data" / "settings.json").setup_done


def test_missing_sandbox_key_reopens_setup_and_training_can_be_chosen(tmp_path):
    sandbox_without_key(tmp_path)
    result = child("switch", tmp_path)
    assert result["wizard"] and result["wizard_default"] == "sandbox"
    assert result["environment"] == "training"  # what the wizard chose, not the stale setting
    assert result["training_gateway"] and result["backend_clerk_is_signed_in_clerk"]


def test_training_flag_asks_nothing_even_with_a_broken_sandbox_setup(tmp_path):
    sandbox_without_key(tmp_path)
    result = child("training-flag", tmp_path)
    assert "wizard" not in result and result["environment"] == "training"
    assert result["training_gateway"]


def test_cancelled_setup_opens_no_counter(tmp_path):
    result = child("cancel", tmp_path)
    assert result["wizard"] and result["window"] is None
