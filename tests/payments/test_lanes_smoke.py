"""The lanes benchmark, small: lane processes sharing one journal (SQLite file or PostgreSQL database), proxy
faults, gateway faults matched to each lane's own requests, SIGKILLs of lanes and (PostgreSQL) a server restart;
nothing double-charged, lost or left open; the JSON has the issue's fields and what separates the journal's own
cost from waiting for a CPU. The
exit code is checked before the JSON is read: a crash must show its own traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pg_cluster as pgc
import pytest

from tests.payments.processes import ROOT


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_lanes_benchmark_small_run_has_no_failures(backend):
    if backend == "postgresql":
        pgc.require()
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "lanes.py"), "--backend", backend, "--lanes", "2",
                          "--runs", "24", "--kills", "2", "--seed", "5"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, (out.stdout[-2000:], out.stderr[-4000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["lanes"] == 2 and result["runs"] == 24 and result["kills"] >= 1
    assert result["restarts"] == (1 if backend == "postgresql" else 0)
    for key in ("double_charges", "lost", "unresolved"):
        assert result[key] == 0, (key, result, out.stderr[-2000:])
    assert result["approved"] > 0 and result["journal_write_p50_ms"] > 0
    # what the journal itself adds: its CPU share of the write time, a read round trip at the same moments
    assert 0 < result["journal_write_cpu_p50_ms"] <= result["journal_write_p50_ms"]
    assert 0 < result["journal_read_p50_ms"] and result["journal_writes_per_charge_p50"] >= 3
    assert result["journal_write_beyond_read_p50_ms"] <= result["journal_write_p50_ms"]
    assert result["cpus"] >= 1 and result["processes"] == 5 + (backend == "postgresql") and result["load_avg"] >= 0
    assert isinstance(result["gateway_faults"], int)
