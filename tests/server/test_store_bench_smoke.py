"""The store benchmark, tiny (``bench/store.py --smoke``): PostgreSQL, 2 server instances, 2 lane processes,
40 checkouts with proxy faults, one SIGKILL of a lane, one of a server instance and one PostgreSQL restart;
nothing double-charged, lost or left open; every measurement present and the API key on no lane. The exit
code is checked before the JSON is read: a crash must show its own traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pg_cluster as pgc
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(320)]


def test_store_benchmark_smoke_run_has_no_failures():
    pgc.require()
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "store.py"), "--smoke", "--seed", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        stdout, stderr = proc.communicate(timeout=280)
    except subprocess.TimeoutExpired:
        proc.terminate()  # SIGTERM: the bench removes its cluster, servers and lanes
        stdout, stderr = proc.communicate(timeout=30)
        pytest.fail(f"the store bench did not finish in 280 s: {stderr[-3000:]}")
    out = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    assert out.returncode == 0, (out.stdout[-2000:], out.stderr[-4000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["lanes"] == 2 and result["server_instances"] == 2 and result["runs"] == 40
    assert result["lane_kills"] == 1 and result["server_kills"] == 1 and result["pg_restarts"] == 1
    for key in ("double_charges", "lost", "unresolved", "api_key_on_lanes"):
        assert result[key] == 0, (key, result, out.stderr[-2000:])
    assert result["approved"] > 0 and result["faults"] > 0
    assert result["replica_customers"] == 2000 and 0 < result["replica_catchup_s"] < 60
    assert result["replica_filled_by"] == "snapshot"  # the first fill came from the server's snapshot
    assert result["propagation_samples"] > 0 and 0 < result["propagation_s"] < 2
    assert result["server_p50_ms"] > 0 and result["direct_p50_ms"] > 0 and result["hop_overhead_ms"] is not None
