"""The customer feed benchmark, small, on both backends: it runs and its figures are consistent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_customer_feed_benchmark_runs_and_misses_nothing(backend):
    if backend == "postgresql":
        sys.path.insert(0, str(ROOT / "tests"))
        import pg_cluster

        pg_cluster.require()
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "customer_feed.py"), "--backend", backend,
                          "--customers", "3000", "--writers", "2", "--seconds", "1.5"], capture_output=True, text=True,
                         timeout=180, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["backend"] == backend and result["customers"] == 3000 and result["missed"] == 0
    assert result["load_per_s"] > 0 and result["feed_read_per_s"] > 0 and result["replica_catchup_s"] > 0
    assert result["write_per_s"] > 0 and 0 < result["write_p50_ms"] <= result["write_p99_ms"]
    assert 0 <= result["feed_lag_p50_ms"] <= result["feed_lag_p99_ms"]
    if backend == "postgresql":
        assert result["xid_tx_per_s"] > 0 and result["counter_row_tx_per_s"] > 0
