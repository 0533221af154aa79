"""Store mode like a person (issue 20): a real ``pos-app-server`` process (SQLite, the training gateway as its
PaySimple, a manager's enrollment code from its CLI), the app started as a new user would on Xvfb + openbox at
1366x768, the set-up answered with real keys, a clerk's payment read on the screen, from PaySimple's own records
and from the server's journal; then the server stopped: search still answers, charging is refused with the
reason. Screenshots of the wizard page and the counter in store mode go to docs/screenshots/."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

from tests.fixtures.server import (
    API_KEY,
    CLERK,
    MANAGER,
    new_code,
    paysimple_client,
)
from tests.person.conftest import ROOT

SHOTS = ROOT / "docs" / "screenshots"


def another_counter_saves_a_customer(store, ps) -> tuple[str, int]:
    """A customer with a card on file, saved at another counter of the store (its own lane, the server's API)."""
    from pos_app.counter.remote import RemoteCounter
    from pos_app.customers.models import CustomerRecord
    from pos_app.paysimple.models import CreditCardInput
    from pos_app.serverlink.client import enroll

    enrolled = enroll(store.url, new_code(store.data, "LANE9"), "LANE9")
    other = RemoteCounter.connect(enrolled.url, enrolled.fingerprint, enrolled.credential, "LANE9")
    try:
        other.sign_in(*MANAGER)
        last = f"Quimby{uuid.uuid4().hex[:4]}"
        other.create_customer(CustomerRecord(first_name="Olive", last_name=last, email="olive@example.com"))
        [hit] = [h for h in other.search(last) if last in h.display_name]
        stored = other.customer(hit.id)
        ps.create_credit_card(CreditCardInput(customer_id=stored.paysimple_id, credit_card_number="5454545454545454",
                                              expiration_date="12/2030"))
        return last, stored.paysimple_id
    finally:
        other.close()


def test_a_new_counter_set_up_for_the_store_server_takes_a_payment_and_survives_the_server_going_away(
        x_display, fresh_server, store_gateway, tmp_path):
    store = fresh_server  # this test's own store server process
    ps = paysimple_client(store_gateway)
    try:
        query, customer_id = another_counter_saves_a_customer(store, ps)
        code = new_code(store.data, "LANE1")  # what the manager read off pos-app-server enroll-code
        home, shots = tmp_path / "lane", tmp_path / "shots"
        shots.mkdir()
        options = {"url": store.url, "code": code, "server_pid": store.proc.pid, "query": query,
                   "pin": CLERK[1], "clerk": CLERK[0]}
        env = dict(os.environ, DISPLAY=x_display, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="xcb")
        out = subprocess.run([sys.executable, "-m", "tests.person.store_mode", str(home), str(shots),
                              json.dumps(options)], capture_output=True, text=True, timeout=280, env=env, cwd=ROOT)
        lines = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")]
        assert lines, f"no result (exit {out.returncode}):\n{out.stderr[-4000:]}"
        r = json.loads(lines[-1][len("RESULT "):])
        assert "error" not in r, f"{r.get('trace')}\nsteps: {r.get('steps')}\n{out.stderr[-3000:]}"
        for name in ("store-wizard-enrolled", "store-counter-paid", "store-counter-server-down"):
            SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(shots / f"{name}.png", SHOTS / f"{name}.png")
        # the wizard: the fourth choice, enrolled on a worker, the pinned fingerprint shown as the server printed it
        from pos_app.server.tls import certificate_fingerprint
        from pos_app.serverlink.pinning import pretty

        assert r["store_chosen"] and r["store_page"], r
        assert "Enrolled as LANE1" in r["enroll_status"], r
        assert r["next_focused_after_enroll"], r  # Enter goes on (not Back)
        assert pretty(certificate_fingerprint(store.data / "tls" / "cert.pem")) in r["fingerprint_shown"]
        assert r["merchant_lane"] == "LANE1" and store.url in r["summary"]
        # the counter in store mode: the banner names the server; the clerk signed in against it
        host = store.url.split("://")[1]
        assert f"Store server: {host}" in r["banner"], r["banner"]
        assert r["signed_in"] and r["clerk"] == CLERK[0]
        assert r["picked"] and r["picked"]["paysimple_id"] == customer_id, (r.get("steps"), out.stderr[-3000:])
        assert r["result"]["page"] == "result" and "Approved" in json.dumps(r["result"]), r["result"]
        # PaySimple's own records and the server's journal: one payment of 23.45 by LANE1
        payments = ps.customer_payments(customer_id)
        assert [str(p.amount) for p in payments] == ["23.45"]
        with sqlite3.connect(f"file:{store.data / 'journal.db'}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT id, lane, amount_cents, state FROM attempts WHERE customer_id = ?",
                              (customer_id,)).fetchall()
        assert [(row[1], row[2], row[3]) for row in rows] == [("LANE1", 2345, "approved")], rows
        assert payments[0].order_id == rows[0][0]
        # the server stopped: search still answers from the lane's copy; charging says the server cannot be reached
        assert r["offline_hits"] >= 1 and query in (r["offline_customer"] or "")
        said = json.dumps([r["offline_screen"], r["offline_status"], r["offline_said"], r["offline_texts"]])
        assert "store server cannot be reached" in said.lower(), said
        assert [str(p.amount) for p in ps.customer_payments(customer_id)] == ["23.45"]  # nothing more charged
        # the lane holds no PaySimple key and no journal of record
        assert not any("journal" in f for f in r["data_files"]), r["data_files"]
        for path in Path(home).rglob("*"):
            assert not path.is_file() or API_KEY.encode() not in path.read_bytes(), path
    finally:
        ps.close()
