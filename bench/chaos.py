"""Chaos benchmark: N checkouts against the training gateway, through a misbehaving proxy, with random faults,
crashes of the paying process, then reconcile, then count what went wrong.

    python bench/chaos.py --runs 1000 [--seed 7]

Each checkout is one sale a clerk rings up. The clerk charges; on "not charged" (absent/rejected) they charge
again (a new attempt); on "unknown" or "needs review" they press "check again" until it is resolved. Every
request of the counter goes through ``pos_app.training.proxy.MisbehavingProxy`` in front of the gateway; the
verdict reads the gateway's own records directly. Faults are drawn per checkout (seeded):
- gateway: 500 before/after the charge, dropped connection, stall past the read timeout, slow reply, 401,
  failing look-ups, and kill -9 of the paying process (a subprocess, ``bench/payer.py``) mid-payment, after
  which the lane is restarted (start-up reconcile); some approved sales are voided or refunded (after
  settling) with the void/reverse reply lost;
- proxy: 502/503/504 (HTML, empty, foreign JSON or PaySimple-shaped pages) before the gateway saw the charge
  and after it charged; 504 while the gateway is still processing (the payment lands later); 4xx HTML pages;
  a reply dripped one byte at a time (minutes long without the overall deadline); replies for another order
  or amount (replayed or altered); a look-up answered with another customer's list; a request held longer
  than the in-flight window (the proxy drops it once its client has gone) and a reply held that long.

Printed JSON (figures are per checkout unless noted):
  runs, approved, declined, voided, refunded     how checkouts ended
  double_charges   checkouts with more than one successful payment at the gateway
  lost             money taken that the journal says was not (or no journal attempt at all), or a sale the
                   journal calls paid that the gateway never captured
  unresolved       attempts still created/sending/unknown/reconciling/…_pending after the final reconcile
  journal_mismatches  attempts whose journal state/amount/payment id disagree with the gateway
  eod_mismatches   the same question asked through end_of_day() (its own matching code), days in UTC
  hung             charge / check-again calls that did not return within their budget: the client's overall
                   deadline per request + the in-flight window + the look-ups' own deadlines + a grace
  proxy_faults     how many times each proxy fault kind was applied
  reviews          attempts that went to needs_review (every one was then settled by a look-up)
  max_call_seconds the slowest charge / check-again call
  kills, faults    how much chaos was injected;  seconds   wall time
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pos_app.payments import (  # noqa: E402
    AccountRef,
    Approval,
    CustomerRef,
    Journal,
    LaneBusy,
    NotAllowed,
    State,
    end_of_day,
)
from pos_app.payments.service import PaymentService  # noqa: E402
from pos_app.paysimple import PaySimpleClient, Timeouts  # noqa: E402
from pos_app.paysimple.gateway import PaySimpleGateway  # noqa: E402
from pos_app.paysimple.models import CreditCardInput, CustomerInput  # noqa: E402
from pos_app.training import TrainingGateway  # noqa: E402
from pos_app.training.proxy import MisbehavingProxy  # noqa: E402

API_USER, API_KEY = "chaos", "chaos-key-0123456789"
PAY = "/v4/payment"
LANE = "CHAOS"
READ_TIMEOUT = 0.5
TOTAL = 1.0  # the client's overall deadline per request (connect + whole reply)
MAX_RETRIES = 1
MAX_DELAY = READ_TIMEOUT * 1.5  # longest injected "delay" fault (a request in flight at the gateway)
# A request unanswered for longer than this is taken as finished at the gateway (the production default is
# 120 s; here every injected gateway delay is shorter, which is what makes the window a proof). Proxy holds are
# LONGER than it on purpose: a held request is dropped when its client gives up, a held reply is looked up.
IN_FLIGHT_WINDOW = timedelta(seconds=MAX_DELAY + 0.75)
LOOKUP_TRIES = 3
# Budget of one charge / check-again call: the POST, the in-flight window, and every look-up (two walks of a
# few requests, each retried once, each request ending by TOTAL), plus a grace for a loaded machine.
LOOKUP_BOUND = 3 * (MAX_RETRIES + 1) * TOTAL + 0.2
CALL_BUDGET = TOTAL + IN_FLIGHT_WINDOW.total_seconds() + (LOOKUP_TRIES + 2) * LOOKUP_BOUND + 3.0
CHARGED = {"authorized", "posted", "settled", "voided", "reversed"}  # money moved at some point

# (scenario, weight). Kills are ~5% of checkouts, proxy faults ~24%.
SCENARIOS = [
    ("clean", 40), ("decline", 6), ("error_before", 7), ("error_after", 7), ("drop_after", 7),
    ("stall_after", 5), ("delay", 4), ("unauthorized", 4), ("lookup_fails", 6), ("void_lost", 4), ("refund_lost", 3),
    ("kill_stalled", 3), ("kill_in_flight", 2), ("kill_in_lookup", 1), ("kill_in_void", 1),
    ("proxy_before", 5), ("proxy_after", 5), ("proxy_early", 5), ("proxy_4xx_page", 2), ("proxy_drip", 3),
    ("proxy_other_reply", 5), ("proxy_hold_request", 2), ("proxy_hold_reply", 2), ("lookup_replayed", 2),
]
PAGES = ["html", "empty", "json", "envelope"]


class Chaos:
    def __init__(self, runs: int, seed: int, workdir: Path) -> None:
        self.rng = random.Random(seed)
        self.runs = runs
        self.workdir = workdir
        self.gateway = TrainingGateway(API_USER, API_KEY, data=None)
        self.gateway.start()
        self.proxy = MisbehavingProxy(self.gateway.base_url, upstream_timeout=10).start()
        # The counter's client talks through the proxy; ``direct`` reads the gateway's own records.
        self.client = PaySimpleClient(self.proxy.api_url, API_USER, API_KEY,
                                      timeouts=Timeouts(connect=2, read=READ_TIMEOUT, total=TOTAL),
                                      max_retries=MAX_RETRIES, backoff_base=0.01, clock=self.gateway.clock.now)
        self.direct = PaySimpleClient(self.gateway.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=2, read=10),
                                      clock=self.gateway.clock.now)
        self.calls: list[float] = []  # wall seconds of every charge / check-again call
        self.journal = Journal(workdir / "journal.db")
        self.service = self._service()
        self.service.reconcile_unresolved()
        self.shoppers = [self._shopper(i) for i in range(25)]
        self.checkouts: list[dict] = []
        self.counts: Counter = Counter()

    def _service(self) -> PaymentService:
        return PaymentService(self.journal, PaySimpleGateway(self.client), LANE, clock=self.gateway.clock.now,
                              settle_after=timedelta(seconds=0.15), in_flight_window=IN_FLIGHT_WINDOW,
                              poll_interval=0.25, lookup_tries=LOOKUP_TRIES, lookup_backoff=0.05)

    def _shopper(self, i: int) -> tuple[CustomerRef, AccountRef]:
        cust = self.direct.create_customer(CustomerInput(first_name=f"Chaos{i}", last_name="Shopper",
                                                         email=f"c{i}@example.com"))
        card = self.direct.create_credit_card(CreditCardInput(customer_id=cust.id,
                                                              credit_card_number="4111111111111111",
                                                              expiration_date="12/2030", issuer="Visa"))
        return CustomerRef(cust.id, f"Chaos{i} Shopper"), AccountRef.from_paysimple(card)

    def close(self) -> None:
        self.journal.close()
        self.client.close()
        self.direct.close()
        self.proxy.stop()
        self.gateway.stop()

    # ---- one checkout ----------------------------------------------------------------------------------

    def checkout(self, n: int, scenario: str | None = None) -> None:
        customer, account = self.rng.choice(self.shoppers)
        if scenario is None:
            scenario = self.rng.choices([s for s, _ in SCENARIOS], [w for _, w in SCENARIOS])[0]
        amount = Decimal("9999.01") if scenario == "decline" else Decimal(self.rng.randint(100, 50000)) / 100
        record = {"n": n, "scenario": scenario, "customer": customer.id, "attempts": [], "amount": amount}
        self.checkouts.append(record)
        self.counts[scenario] += 1
        faults = self.gateway.faults
        pay_lookup = f"/v4/customer/{customer.id}/payments"
        if scenario in ("error_before", "error_after", "drop_after", "unauthorized"):
            faults.add("POST", PAY, scenario, 1)
        elif scenario == "stall_after":
            faults.add("POST", PAY, "stall_after", 1, delay_s=READ_TIMEOUT * 3)
        elif scenario == "delay":
            faults.add("POST", PAY, "delay", 1, delay_s=self.rng.uniform(0.05, MAX_DELAY))
        elif scenario == "lookup_fails":
            faults.add("POST", PAY, self.rng.choice(["error_after", "error_before", "drop_after"]), 1)
            faults.add("GET", pay_lookup, self.rng.choice(["error_before", "unauthorized", "drop_after"]),
                       self.rng.randint(1, 5))
        elif scenario.startswith("kill_") and scenario != "kill_in_void":
            self._killed_payer(scenario, customer, account, amount, record)
        elif scenario.startswith("proxy_") or scenario == "lookup_replayed":
            self._proxy_fault(scenario, pay_lookup)
        self._clerk_charges(customer, account, amount, record)
        if scenario == "kill_in_void" and record.get("final") == "approved":
            self._killed_voider(record)
        if scenario in ("void_lost", "refund_lost") and record.get("final") == "approved":
            self._reverse_with_lost_reply(record, "void" if scenario == "void_lost" else "refund")
        faults.clear()
        self.proxy.faults.clear()

    def _proxy_fault(self, scenario: str, pay_lookup: str) -> None:
        proxy, rng = self.proxy.faults, self.rng
        window = IN_FLIGHT_WINDOW.total_seconds()
        if scenario == "proxy_before":
            proxy.add("POST", PAY, "status_before", status=rng.choice([502, 503, 504]), body=rng.choice(PAGES))
        elif scenario == "proxy_after":
            proxy.add("POST", PAY, "status_after", status=rng.choice([502, 503, 504]), body=rng.choice(PAGES))
        elif scenario == "proxy_early":  # the gateway is still working when the proxy gives up
            self.gateway.faults.add("POST", PAY, "delay", 1, delay_s=rng.uniform(0.1, MAX_DELAY))
            proxy.add("POST", PAY, "status_early", status=504, delay_s=rng.uniform(0.01, 0.08),
                      body=rng.choice(PAGES))
        elif scenario == "proxy_4xx_page":
            proxy.add("POST", PAY, rng.choice(["status_before", "status_after"]), status=rng.choice([400, 403, 404]),
                      body="html")
        elif scenario == "proxy_drip":  # ~1,300 bytes at 20 per second: a minute without the overall deadline
            proxy.add("POST", PAY, rng.choice(["drip", "drip_body"]), delay_s=0.05)
        elif scenario == "proxy_other_reply":
            proxy.add("POST", PAY, rng.choice(["replay", "other_amount", "other_order"]))
        elif scenario == "proxy_hold_request":  # longer than the client's deadline AND the in-flight window
            proxy.add("POST", PAY, "hold_request", delay_s=TOTAL + window + rng.uniform(0.1, 1.0))
        elif scenario == "proxy_hold_reply":
            proxy.add("POST", PAY, "hold_reply", delay_s=window + rng.uniform(0.1, 1.0))
        elif scenario == "lookup_replayed":  # the reply is lost, then a look-up gets another customer's list
            proxy.add("POST", PAY, "status_after", status=502)
            proxy.add("GET", r"^/v4/customer/[0-9]+/payments$", "replay", rng.randint(1, 2))

    def _timed(self, call, *args):
        started = time.monotonic()
        try:
            return call(*args)
        finally:
            self.calls.append(time.monotonic() - started)

    def _clerk_charges(self, customer, account, amount, record) -> None:
        """What a clerk does: charge; check again while unknown; charge again while not charged."""
        for _ in range(6):
            blocking = self.journal.open_attempt(LANE)
            if blocking is not None:
                self.service.reconcile_unresolved()
                blocking = self.journal.open_attempt(LANE)
                if blocking is not None:
                    time.sleep(0.05)
                    continue
            if record.get("final") in ("approved", "declined"):
                return
            try:
                attempt = self._timed(self.service.charge, customer, account, amount, "clerk")
            except LaneBusy:
                continue
            record["attempts"].append(attempt.id)
            if attempt.state is State.REVIEW:
                self.counts["reviews"] += 1
            for _ in range(50):  # "check again" (a real conflict would stay in review: counted unresolved)
                if attempt.state not in (State.UNKNOWN, State.REVIEW):
                    break
                attempt = self._timed(self.service.resolve, attempt, "clerk")
            record["final"] = attempt.state.value
            if attempt.state in (State.APPROVED, State.DECLINED):
                return
        record.setdefault("final", "gave_up")

    def _killed_payer(self, scenario, customer, account, amount, record) -> None:
        faults = self.gateway.faults
        if scenario == "kill_stalled":
            faults.add("POST", PAY, "stall_after", 1, delay_s=30)
            phase = "sending"
        elif scenario == "kill_in_flight":
            faults.add("POST", PAY, "delay", 1, delay_s=self.rng.uniform(0.1, MAX_DELAY))
            phase = "sending"
        else:
            faults.add("POST", PAY, "error_after", 1)
            faults.add("GET", f"/v4/customer/{customer.id}/payments", "stall_after", 1, delay_s=30)
            phase = "checking"
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "payer.py"), "--journal", str(self.journal.path), "--lane", LANE,
             "--api-url", self.proxy.api_url, "--api-user", API_USER, "--customer-id", str(customer.id),
             "--customer-name", customer.name, "--account-id", str(account.id), "--last4", account.last4,
             "--brand", account.brand, "--amount", str(amount), "--read-timeout", "60", "--total", "60",
             "--in-flight-window", str(IN_FLIGHT_WINDOW.total_seconds()),
             "--clock-offset", str(self.gateway.clock.offset.total_seconds())],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "POS_PAYER_API_KEY": API_KEY})
        try:
            for line in proc.stdout:
                event = json.loads(line)
                if "attempt" in event and event["attempt"] not in record["attempts"]:
                    record["attempts"].append(event["attempt"])
                if event.get("phase") == phase or "result" in event or "error" in event:
                    break
            time.sleep(self.rng.uniform(0.0, 0.15))
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            proc.stdout.close()
        self.counts["kills"] += 1
        faults.clear()
        self.service.reconcile_unresolved()  # the lane restarts
        if record["attempts"]:
            final = self.journal.get(record["attempts"][-1]).state
            record["final"] = final.value

    def _killed_voider(self, record) -> None:
        """A manager's void process is killed while PaySimple holds the answer; the lane restarts."""
        attempt = self.journal.get(record["attempts"][-1])
        kind = self.rng.choice(["stall_after", "delay"])  # done then silent / still in flight when killed
        self.gateway.faults.add("PUT", f"/v4/payment/{attempt.payment_id}/void", kind, 1,
                                delay_s=30 if kind == "stall_after" else self.rng.uniform(0.1, MAX_DELAY))
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "payer.py"), "--journal", str(self.journal.path), "--lane", LANE,
             "--api-url", self.proxy.api_url, "--api-user", API_USER, "--reverse", "void",
             "--attempt", attempt.id, "--in-flight-window", str(IN_FLIGHT_WINDOW.total_seconds()),
             "--clock-offset", str(self.gateway.clock.offset.total_seconds())],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "POS_PAYER_API_KEY": API_KEY})
        try:
            deadline = time.monotonic() + 20
            while self.journal.get(attempt.id).state is not State.VOID_PENDING and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(self.rng.uniform(0.0, 0.15))
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        self.counts["kills"] += 1
        self.gateway.faults.clear()
        self.service.reconcile_unresolved()
        record["final"] = self.journal.get(attempt.id).state.value

    def _reverse_with_lost_reply(self, record, kind: str) -> None:
        attempt = self.journal.get(record["attempts"][-1])
        if kind == "refund":
            self.direct.mark_payment_status(attempt.payment_id)  # settle it now, as the nightly batch would
        path = f"/v4/payment/{attempt.payment_id}/{'void' if kind == 'void' else 'reverse'}"
        self.gateway.faults.add("PUT", path, self.rng.choice(["error_after", "drop_after", "error_before"]), 1)
        approval = Approval("mgr", "manager", f"chaos {kind}")
        try:
            done = self.service.void(attempt, approval) if kind == "void" else self.service.refund(attempt, approval)
        except NotAllowed:
            return
        while done.state in (State.VOID_PENDING, State.REFUND_PENDING):
            done = self.service.resolve(done, "mgr")
        record["final"] = done.state.value

    def _explain(self, checkout, attempts, by_order) -> None:
        """A problem checkout, on stderr: its scenario, attempts, their transitions and gateway payments."""
        print(f"PROBLEM checkout {checkout['n']} ({checkout['scenario']}):", file=sys.stderr)
        for aid in checkout["attempts"]:
            found = [(p.id, str(p.status), str(p.amount)) for p in by_order.get(aid, [])]
            print(f"  {aid} journal={attempts[aid].state.value if aid in attempts else None} gateway={found}",
                  file=sys.stderr)
            for t in self.journal.transitions(aid):
                print(f"    {t.at:%H:%M:%S.%f} {t.from_state} -> {t.to_state}: {t.cause}", file=sys.stderr)

    # ---- verdict -----------------------------------------------------------------------------------------

    def verdict(self) -> dict:
        self.gateway.faults.clear()
        self.proxy.faults.clear()
        # Let any request still held by the gateway land first, and any request held by the proxy be dropped.
        time.sleep(IN_FLIGHT_WINDOW.total_seconds() + TOTAL + 1.0)
        self.service.reconcile_unresolved()
        payments = list(self.direct.iter_payments())
        by_order: dict[str, list] = {}
        for p in payments:
            if p.amount > 0:
                by_order.setdefault(p.order_id or f"<none {p.id}>", []).append(p)
        attempts = {a.id: a for a in self.journal.history(limit=None)}
        unresolved = sum(1 for a in attempts.values() if not a.is_resolved)

        journal_mismatches = 0
        expect = {"approved": {"authorized", "posted", "settled"}, "declined": {"failed"}, "voided": {"voided"},
                  "refunded": {"reversed"}}
        for a in attempts.values():
            found = by_order.get(a.id, [])
            want = expect.get(a.state.value)
            if want is None:
                journal_mismatches += bool(found)
            elif (len(found) != 1 or found[0].id != a.payment_id or str(found[0].status).lower() not in want
                  or int(found[0].amount * 100) != a.amount_cents):
                journal_mismatches += 1
        strays = [o for o in by_order if o not in attempts]
        journal_mismatches += len(strays)

        double, lost = 0, len(strays)
        for c in self.checkouts:
            took = [p for aid in c["attempts"] for p in by_order.get(aid, []) if str(p.status).lower() in CHARGED]
            states = [attempts[aid].state for aid in c["attempts"] if aid in attempts]
            paid_in_journal = any(s in (State.APPROVED, State.VOIDED, State.REFUNDED) for s in states)
            if len(took) > 1 or bool(took) != paid_in_journal:
                double += len(took) > 1
                lost += bool(took) != paid_in_journal
                self._explain(c, attempts, by_order)
        finals = Counter(c.get("final") for c in self.checkouts)
        # Cross-check with the end-of-day report (its own matching code): should find nothing either.
        days = {a.created_at.date() for a in attempts.values()}
        eod_mismatches = sum(len(end_of_day(self.journal, PaySimpleGateway(self.direct), d, tz=UTC).mismatches) for d in days)
        hung = sum(1 for seconds in self.calls if seconds > CALL_BUDGET)
        return {
            "runs": len(self.checkouts), "approved": finals["approved"], "declined": finals["declined"],
            "voided": finals["voided"], "refunded": finals["refunded"], "double_charges": double, "lost": lost, "unresolved": unresolved,
            "journal_mismatches": journal_mismatches, "eod_mismatches": eod_mismatches, "attempts": len(attempts),
            "gateway_payments": len(payments), "hung": hung, "reviews": self.counts["reviews"],
            "max_call_seconds": round(max(self.calls, default=0.0), 2), "call_budget_seconds": round(CALL_BUDGET, 1),
            "kills": self.counts["kills"], "faults": len(self.gateway.faults.fired),
            "proxy_faults": dict(sorted(self.proxy.faults.counts().items())),
            "scenarios": dict(sorted(Counter(c["scenario"] for c in self.checkouts).items())),
            "other_endings": {k: v for k, v in finals.items()
                                                                        if k not in ("approved", "declined",
                                                                                     "voided", "refunded")},
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--each", action="store_true",
                        help="run every scenario once first (in table order), then random ones")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # the service warns on every lost answer: expected here
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pos-chaos-") as tmp:
        chaos = Chaos(args.runs, args.seed, Path(tmp))
        try:
            for n in range(args.runs):
                chaos.checkout(n, SCENARIOS[n][0] if args.each and n < len(SCENARIOS) else None)
            result = chaos.verdict()
        finally:
            chaos.close()
    result["seed"] = args.seed
    result["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result))
    failures = (result["double_charges"] + result["lost"] + result["unresolved"] + result["journal_mismatches"]
                + result["hung"] + result["eod_mismatches"])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
