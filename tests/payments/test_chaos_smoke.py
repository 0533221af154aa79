"""The chaos benchmark, small: random gateway and proxy faults and kill -9 of the payer, then every failure count
must be 0. The exit code is checked before the JSON is read: a crash must show its own traceback."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.payments.processes import ROOT


def test_chaos_benchmark_small_run_has_no_failures():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "chaos.py"), "--runs", "40", "--seed", "3",
                          "--each"],
                         capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert out.returncode == 0, (out.stdout[-2000:], out.stderr[-4000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["runs"] == 40 and result["approved"] + result["declined"] + result["voided"] \
        + result["refunded"] == 40
    assert result["faults"] > 0 and result["kills"] > 0
    assert result["scenarios"]["proxy_other_reply"] >= 1 and result["reviews"] >= 1
    assert {"status_before", "status_after", "status_early", "hold_request", "hold_reply"} <= set(
        result["proxy_faults"]), result["proxy_faults"]
    for key in ("double_charges", "lost", "unresolved", "hung", "journal_mismatches", "eod_mismatches"):
        assert result[key] == 0, (key, result, out.stderr[-2000:])
    assert result["max_call_seconds"] <= result["call_budget_seconds"]
