"""The chaos benchmark, small: random faults and kill -9 of the payer, then every failure count must be 0."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.payments.conftest import ROOT


def test_chaos_benchmark_small_run_has_no_failures():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "chaos.py"), "--runs", "30", "--seed", "3"],
                         capture_output=True, text=True, timeout=110, cwd=ROOT)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert out.returncode == 0, out.stderr[-2000:]
    assert result["runs"] == 30 and result["approved"] + result["declined"] + result["voided"] \
        + result["refunded"] == 30
    assert result["faults"] > 0 and result["kills"] > 0
    for key in ("double_charges", "lost", "unresolved", "journal_mismatches", "eod_mismatches"):
        assert result[key] == 0, (key, result, out.stderr[-2000:])
