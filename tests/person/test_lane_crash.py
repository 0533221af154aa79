"""A store-mode counter killed mid-charge like a person meets it (issue 20, decision 0465): the real app on
Xvfb + openbox set up for a real ``pos-app-server`` process with real keys; PaySimple (the training gateway) is
slow, and the app is SIGKILLed while its charge is in flight. Started again, the clerk is told the outcome of
that payment, and charging the same customer the same amount again shows the "Already charged?" warning. The
gateway's own records show exactly one payment."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tests.fixtures.server import CLERK, new_code, paysimple_client
from tests.person.conftest import ROOT
from tests.person.test_store_mode import another_counter_saves_a_customer

PAY = "/v4/payment"


def app(phase: str, home, shots, options, x_display) -> subprocess.Popen:
    """The app as its own process. Its stderr goes to a file (``<shots>/<phase>.stderr``), never to a pipe nobody
    reads while the test waits: a full pipe stops the app mid-write (Chromium's and Qt's warnings fill it)."""
    env = dict(os.environ, DISPLAY=x_display, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="xcb")
    with open(shots / f"{phase}.stderr", "w") as err:
        return subprocess.Popen([sys.executable, "-m", "tests.person.lane_crash", phase, str(home), str(shots),
                                 json.dumps(options)], stdout=subprocess.PIPE, stderr=err, text=True,
                                env=env, cwd=ROOT)


def said(shots, phase: str) -> str:
    return (shots / f"{phase}.stderr").read_text(errors="replace")[-4000:]


def test_a_counter_killed_mid_charge_tells_the_clerk_the_outcome_and_warns_before_charging_again(
        x_display, fresh_server, store_gateway, tmp_path):
    store = fresh_server  # this test's own store server process
    ps = paysimple_client(store_gateway)
    first = None
    try:
        query, customer_id = another_counter_saves_a_customer(store, ps)
        home, shots = tmp_path / "lane", tmp_path / "shots"
        shots.mkdir()
        options = {"url": store.url, "code": new_code(store.data, "LANE1"), "query": query, "pin": CLERK[1],
                   "clerk": CLERK[0], "keyring_file": str(tmp_path / "keyring.json")}
        store_gateway.faults.add("POST", PAY, "stall_after", 1, delay_s=12)
        first = app("charge", home, shots, options, x_display)
        ends = time.monotonic() + 100
        pending = []
        while not (pending and ps.customer_payments(customer_id)):  # sent, PaySimple's reply stalls
            assert first.poll() is None, said(shots, "charge")
            if time.monotonic() > ends:
                first.kill()
                raise AssertionError("the charge never reached PaySimple; the app's steps:\n"
                                     + first.communicate(timeout=10)[0][-4000:] + said(shots, "charge"))
            time.sleep(0.1)
            pending = list(home.rglob("pending-charge.json"))
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        record = json.loads(pending[0].read_text())
        assert record["amount_cents"] == 2345 and record["account_last4"] == "5454"
        out = app("again", home, shots, options, x_display).communicate(timeout=280)[0]
        lines = [x for x in out.splitlines() if x.startswith("RESULT ")]
        assert lines, out[-3000:]
        r = json.loads(lines[-1][len("RESULT "):])
        assert "error" not in r, f"{r.get('trace')}\nsteps: {r.get('steps')}"
        told = [" ".join(t["texts"]) for t in r["told"]]
        final = [t for t in told if "still unknown" not in t]
        assert len(final) == 1, (told, r)  # told once
        assert "The last payment before the counter closed: $23.45 for Olive" in final[0], told
        assert final[0].endswith("approved"), told
        assert not any("not charged" in t for t in told), told
        assert r["repeat"] and r["repeat"]["title"] == "Already charged?", r["repeat"]
        assert "$23.45" in " ".join(r["repeat"]["texts"]), r["repeat"]
        assert not r["charging"]
        payments = ps.customer_payments(customer_id)
        assert [str(p.amount) for p in payments] == ["23.45"] and payments[0].order_id == record["attempt_id"]
        assert not list(home.rglob("pending-charge.json"))
    finally:
        if first is not None and first.poll() is None:
            first.kill()
        ps.close()
