"""Lanes benchmark: N lane processes share one payment journal (one SQLite file, or one PostgreSQL database),
each charging through ``PaymentService`` against one training gateway, with faults, SIGKILLs of lane processes
and (PostgreSQL) one server restart mid-run; outcomes are counted from the gateway's own records.

    python bench/lanes.py --backend sqlite|postgresql --lanes N --runs R [--seed S]
    python bench/lanes.py --backend sqlite|postgresql --writes 500     # the journal writes alone

``--runs`` is the total number of checkouts, shared out between the lanes. Each lane process runs its own
``MisbehavingProxy`` in front of the shared gateway (the faults it injects are that lane's: 502/503/504 before
and after the charge, replies for another order or amount, replies held past the in-flight window, a
replayed look-up) and adds the chaos bench's gateway-side faults for its own requests only (the gateway's fault
queue is shared: a payment fault matches the lane's OrderIds, ``"OrderId":"LANE3-…``, a look-up fault the path of
the checkout's customer, and every lane has customers of its own): a reply stalled past the client's deadline
after the charge, a 500 before or after it, a 500 after it followed by failing look-ups. It does what a clerk
does (chaos bench): charge; "check again" while unknown or in review;
charge again while not charged; after a storage error or a lost lane lock, wait a moment and go on. The parent
kills a random lane process with SIGKILL now and then and starts it again (start-up reconcile), and with
PostgreSQL restarts the server once ("immediate": a crash as far as the lanes can tell) half-way through.
At the end every lane is reconciled once more and the gateway's payments are compared with the journal.

Printed JSON: lanes, runs (checkouts finished or cut by a kill), double_charges (a checkout with more than one
charged payment), lost (money taken that the journal says was not, a sale the journal calls paid that the
gateway never captured, or a gateway payment with no attempt), unresolved (attempts still open after the final
reconcile), charges_per_s (approved charges per wall second), journal_write_p50_ms / _p95_ms (the journal
writes of one charge call, summed, the POST excluded), kills, restarts, storage_errors, seconds, backend.
What the journal itself adds, apart from waiting for a CPU on a shared machine: journal_write_cpu_p50_ms (the
lane's own CPU time in those writes), journal_read_p50_ms (one read of one attempt, timed in the same process
right after each charge: what any round trip to the store costs at that moment — the network, the server's turn,
waiting for a CPU), journal_write_beyond_read_p50_ms (per charge, the writes' time minus one such read per write:
what writing adds — locks, WAL, fsync, triggers — beyond a round trip under the same load),
journal_writes_per_charge_p50; the load the figures were taken under: cpus, processes (lanes, their proxies,
the gateway, the PostgreSQL server), load_avg (1-minute load average sampled while the lanes ran);
gateway_faults (gateway-side faults that fired).
PostgreSQL runs with ``durable=True`` (fsync on), like a store's server; SQLite with ``synchronous=FULL``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # pg_cluster: the throwaway cluster the tests use

from pos_app.payments import (  # noqa: E402
    AccountRef,
    CustomerRef,
    LaneBusy,
    LaneOwnershipLost,
    PaymentError,
    PaymentService,
    State,
)
from pos_app.paysimple import PaySimpleClient, Timeouts  # noqa: E402
from pos_app.paysimple.gateway import PaySimpleGateway  # noqa: E402
from pos_app.storage_errors import StorageError  # noqa: E402

API_USER, API_KEY = "lanes", "lanes-key-0123456789"
PAY = "/v4/payment"
READ_TIMEOUT, TOTAL = 0.5, 1.0
IN_FLIGHT_WINDOW = timedelta(seconds=1.5)
CHARGED = {"authorized", "posted", "settled", "voided", "reversed"}
SCENARIOS = [("clean", 58), ("decline", 5), ("proxy_before", 5), ("proxy_after", 6), ("proxy_other_reply", 5),
             ("proxy_hold_reply", 2), ("proxy_early", 3), ("lookup_replayed", 4), ("gateway_stall", 3),
             ("gateway_500_before", 3), ("gateway_500_after", 3), ("gateway_lookup_fails", 3)]
PAGES = ["html", "empty", "json", "envelope"]
DSN_ENV = "POS_LANES_DSN"
ADMIN_ENV = "POS_LANES_GATEWAY_ADMIN"  # the gateway's admin token (its fault queue), never on the command line


def open_store(backend: str, where: str):
    if backend == "sqlite":
        from pos_app.payments import Journal

        return Journal(where)
    from pos_app.payments.journal_pg import PgJournal

    return PgJournal(where)


class TimedStore:
    """The store, with its writes of one charge call added up: wall time (``spent``), this thread's CPU time in them
    (``cpu``: the lane's own work — driver, SQL, rows) and how many there were (``calls``)."""

    WRITES = ("create_attempt", "transition", "update_details")

    def __init__(self, store) -> None:
        self._store = store
        self.reset()

    def reset(self) -> None:
        self.spent, self.cpu, self.calls = 0.0, 0.0, 0

    def __getattr__(self, name):
        attr = getattr(self._store, name)
        if name not in self.WRITES:
            return attr

        def timed(*args, **kwargs):
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return attr(*args, **kwargs)
            finally:
                self.spent += time.perf_counter() - started
                self.cpu += time.thread_time() - cpu
                self.calls += 1
        return timed

    def read_round_trip(self, attempt_id: str) -> float:
        """Seconds one read of one attempt takes now (a round trip to the store under the same load)."""
        started = time.perf_counter()
        self._store.get(attempt_id)
        return time.perf_counter() - started


# ---- one lane process ----------------------------------------------------------------------------------------

def say(**data) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def lane_main(args) -> int:
    from pos_app.training.proxy import MisbehavingProxy

    logging.basicConfig(level=logging.CRITICAL)
    rng = random.Random(args.seed)
    shoppers = json.loads(args.shoppers)
    offset = timedelta(seconds=args.clock_offset)
    clock = lambda: datetime.now(UTC) + offset  # noqa: E731
    proxy = MisbehavingProxy(args.gateway, upstream_timeout=10).start()
    admin = GatewayFaults(args.gateway, os.environ[ADMIN_ENV], args.lane)
    client = PaySimpleClient(proxy.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=2, read=READ_TIMEOUT,
                             total=TOTAL), max_retries=1, backoff_base=0.01, clock=clock)
    where = os.environ[DSN_ENV] if args.backend == "postgresql" else args.journal
    store = None
    while store is None:  # the server may be restarting
        try:
            store = TimedStore(open_store(args.backend, where))
        except StorageError:
            say(storage_error="open")
            time.sleep(0.5)
    mine: list[str] = []  # this checkout's attempts

    def saved(event) -> None:
        if event.phase == "saved":
            mine.append(event.attempt_id)
            say(attempt=event.attempt_id)

    service = PaymentService(store, PaySimpleGateway(client), args.lane, clock=clock, settle_after=timedelta(seconds=0.15),
                             in_flight_window=IN_FLIGHT_WINDOW, poll_interval=0.25, lookup_tries=3,
                             lookup_backoff=0.05, on_status=saved)
    reconciled = False
    for n in range(args.first, args.first + args.count):
        customer_id, name, account_id = rng.choice(shoppers)
        customer, account = CustomerRef(customer_id, name), AccountRef(account_id, "cc", "1111", "Visa")
        scenario = rng.choices([s for s, _ in SCENARIOS], [w for _, w in SCENARIOS])[0]
        amount = Decimal("9999.01") if scenario == "decline" else Decimal(rng.randint(100, 50000)) / 100
        say(start=n, scenario=scenario)
        proxy_fault(proxy, rng, scenario)
        admin.add(rng, scenario, customer_id)
        final = None
        mine.clear()
        for _ in range(12):
            try:
                if not reconciled:
                    service.reconcile_unresolved()
                    reconciled = True
                if store.open_attempt(args.lane) is not None:
                    service.reconcile_unresolved()
                    if store.open_attempt(args.lane) is not None:
                        time.sleep(0.1)
                        continue
                if mine:  # after an error: what became of this sale's last attempt? (never charge twice)
                    last = store.get(mine[-1])
                    final = last.state.value
                    if last.state in (State.APPROVED, State.DECLINED):
                        break
                store.reset()
                attempt = service.charge(customer, account, amount, "clerk")
                spent, cpu, calls = store.spent, store.cpu, store.calls
                read = store.read_round_trip(attempt.id)  # the same process, the same moment, no write
                say(write_ms=round(spent * 1000, 3), write_cpu_ms=round(cpu * 1000, 3), writes=calls,
                    read_ms=round(read * 1000, 3))
                for _ in range(50):
                    if attempt.state not in (State.UNKNOWN, State.REVIEW):
                        break
                    attempt = service.resolve(attempt, "clerk")
                final = attempt.state.value
                if attempt.state in (State.APPROVED, State.DECLINED):
                    break
            except (StorageError, LaneOwnershipLost) as exc:  # the clerk sees the message, waits, tries again
                say(storage_error=type(exc).__name__)
                time.sleep(0.3)
            except (LaneBusy, PaymentError):
                time.sleep(0.05)
        proxy.faults.clear()
        say(done=n, final=final)
    store.close()
    client.close()
    admin.close()
    proxy.stop()
    return 0


class GatewayFaults:
    """One lane's gateway-side faults: added through the gateway's admin route, each matching this lane's requests
    only (its OrderIds in a payment's body; a look-up's path names the checkout's customer, who is this lane's)."""

    def __init__(self, gateway_url: str, token: str, lane: str) -> None:
        import httpx

        from pos_app.training.server import ADMIN_TOKEN_HEADER

        self._http = httpx.Client(base_url=gateway_url, headers={ADMIN_TOKEN_HEADER: token}, timeout=10)
        self._order = f'"OrderId": ?"{lane}-'

    def _post(self, **fault) -> None:
        self._http.post("/_training/faults", json=fault).raise_for_status()

    def add(self, rng: random.Random, scenario: str, customer_id: int) -> None:
        if scenario == "gateway_stall":  # charged, then no reply until past the client's overall deadline
            self._post(method="POST", path=PAY, kind="stall_after", delay_s=TOTAL + 1, body=self._order)
        elif scenario == "gateway_500_before":
            self._post(method="POST", path=PAY, kind="error_before", body=self._order)
        elif scenario == "gateway_500_after":
            self._post(method="POST", path=PAY, kind="error_after", body=self._order)
        elif scenario == "gateway_lookup_fails":
            self._post(method="POST", path=PAY, kind="error_after", body=self._order)
            self._post(method="GET", path=f"^/v4/customer/{customer_id}/payments$", kind="error_before",
                       count=rng.randint(1, 2))

    def close(self) -> None:
        self._http.close()


def proxy_fault(proxy, rng: random.Random, scenario: str) -> None:
    faults, window = proxy.faults, IN_FLIGHT_WINDOW.total_seconds()
    if scenario == "proxy_before":
        faults.add("POST", PAY, "status_before", status=rng.choice([502, 503, 504]), body=rng.choice(PAGES))
    elif scenario == "proxy_after":
        faults.add("POST", PAY, "status_after", status=rng.choice([502, 503, 504]), body=rng.choice(PAGES))
    elif scenario == "proxy_early":
        faults.add("POST", PAY, "status_early", status=504, delay_s=rng.uniform(0.0, 0.05), body=rng.choice(PAGES))
    elif scenario == "proxy_other_reply":
        faults.add("POST", PAY, rng.choice(["replay", "other_amount", "other_order"]))
    elif scenario == "proxy_hold_reply":
        faults.add("POST", PAY, "hold_reply", delay_s=window + rng.uniform(0.1, 0.5))
    elif scenario == "lookup_replayed":
        faults.add("POST", PAY, "status_after", status=502)
        faults.add("GET", r"^/v4/customer/[0-9]+/payments$", "replay", rng.randint(1, 2))


# ---- the parent ------------------------------------------------------------------------------------------------

class Lane:
    def __init__(self, bench: Bench, index: int, first: int, count: int) -> None:
        self.bench, self.name = bench, f"LANE{index}"
        self.first, self.count, self.index = first, count, index
        self.proc: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None
        self.current: int | None = None
        self.starts = 0
        self.shoppers = bench.shoppers[3 * (index - 1):3 * index]  # its own: a look-up fault is this lane's only

    def start(self) -> None:
        b = self.bench
        self.starts += 1
        cmd = [sys.executable, str(Path(__file__).resolve()), "--lane-worker", "--backend", b.backend,
               "--lane", self.name, "--gateway", b.gateway.base_url, "--shoppers", json.dumps(self.shoppers),
               "--first", str(self.first), "--count", str(self.count), "--seed", str(b.seed * 1000 + self.index
                                                                                    * 10 + self.starts),
               "--clock-offset", str(b.gateway.clock.offset.total_seconds())]
        if b.backend == "sqlite":
            cmd += ["--journal", str(b.where)]
        env = {**os.environ, DSN_ENV: str(b.where) if b.backend == "postgresql" else "",
               ADMIN_ENV: b.gateway.admin_token}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        self.reader = threading.Thread(target=self._read, args=(self.proc,), daemon=True)
        self.reader.start()

    def _read(self, proc) -> None:
        b = self.bench
        for line in proc.stdout:
            event = json.loads(line)
            with b.lock:
                if "start" in event:
                    self.current = event["start"]
                    b.checkouts[self.current] = {"lane": self.name, "attempts": [], "final": None,
                                                 "scenario": event["scenario"]}
                elif "attempt" in event and self.current is not None:
                    b.checkouts[self.current]["attempts"].append(event["attempt"])
                elif "write_ms" in event:
                    b.write_ms.append(event["write_ms"])
                    b.write_cpu_ms.append(event["write_cpu_ms"])
                    b.read_ms.append(event["read_ms"])
                    b.writes.append(event["writes"])
                    b.beyond_ms.append(event["write_ms"] - event["writes"] * event["read_ms"])
                elif "storage_error" in event:
                    b.counts["storage_errors"] += 1
                elif "done" in event:
                    b.checkouts[event["done"]]["final"] = event["final"]
                    self.first, self.count = event["done"] + 1, self.first + self.count - event["done"] - 1
                    self.current = None

    def kill_and_restart(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self.reader.join(30)
        with self.bench.lock:
            if self.current is not None:  # the checkout it was in is cut short (the clerk starts over)
                self.bench.checkouts[self.current]["final"] = "killed"
                self.first, self.count = self.current + 1, self.first + self.count - self.current - 1
                self.current = None
            self.bench.counts["kills"] += 1
        if self.count > 0:
            self.start()

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Bench:
    def __init__(self, backend: str, lanes: int, runs: int, seed: int, workdir: Path) -> None:
        from pos_app.training import TrainingGateway

        self.backend, self.seed, self.runs = backend, seed, runs
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.checkouts: dict[int, dict] = {}
        self.write_ms: list[float] = []
        self.write_cpu_ms: list[float] = []  # the lane's own CPU time in those writes
        self.read_ms: list[float] = []  # one read round trip right after each charge, same process
        self.writes: list[int] = []  # journal writes per charge call
        self.beyond_ms: list[float] = []  # write_ms - writes * read_ms, per charge
        self.load: list[float] = []  # 1-minute load average, sampled while the lanes run
        self.counts: Counter = Counter()
        self.gateway = TrainingGateway(API_USER, API_KEY, data=None, admin=True)
        self.gateway.start()
        self.direct = PaySimpleClient(self.gateway.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=2, read=30),
                                      clock=self.gateway.clock.now)
        self.cluster = None
        if backend == "postgresql":
            import pg_cluster

            self.cluster = pg_cluster.PgCluster(durable=True, base_dir=str(workdir)).start()
            self.where = self.cluster.create_database("lanes")
        else:
            self.where = workdir / "journal.db"
        open_store(backend, str(self.where)).close()  # schema once, before the lanes start
        self.shoppers = [self._shopper(i) for i in range(lanes * 3)]
        share, extra = divmod(runs, lanes)
        self.lanes, first = [], 0
        for i in range(lanes):
            count = share + (i < extra)
            self.lanes.append(Lane(self, i + 1, first, count))
            first += count

    def _shopper(self, i: int) -> list:
        from pos_app.paysimple.models import CreditCardInput, CustomerInput

        cust = self.direct.create_customer(CustomerInput(first_name=f"Lane{i}", last_name="Shopper",
                                                         email=f"l{i}@example.com"))
        card = self.direct.create_credit_card(CreditCardInput(customer_id=cust.id, credit_card_number="4111111111111111",
                                                              expiration_date="12/2030", issuer="Visa"))
        return [cust.id, f"Lane{i} Shopper", card.id]

    def run(self, kills: int) -> None:
        for lane in self.lanes:
            lane.start()
        kill_at = sorted(self.rng.uniform(0.1, 0.9) for _ in range(kills))
        restart_at = 0.5 if self.cluster is not None else None
        while any(lane.running() for lane in self.lanes):
            time.sleep(0.2)
            self.load.append(os.getloadavg()[0])
            with self.lock:
                done = sum(1 for c in self.checkouts.values() if c["final"] is not None) / max(1, self.runs)
            if kill_at and done >= kill_at[0]:
                kill_at.pop(0)
                self.rng.choice([lane for lane in self.lanes if lane.running()] or self.lanes).kill_and_restart()
            if restart_at is not None and done >= restart_at:
                restart_at = None
                self.cluster.restart("immediate")
                self.counts["restarts"] += 1

    def verdict(self, seconds: float) -> dict:
        time.sleep(IN_FLIGHT_WINDOW.total_seconds() + TOTAL + 0.5)
        fired = len(self.gateway.faults.fired)
        self.gateway.faults.clear()  # a fault a killed lane left behind is not for the final reconcile
        client = PaySimpleClient(self.gateway.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=2, read=5),
                                 clock=self.gateway.clock.now)
        store = open_store(self.backend, str(self.where))
        try:
            for lane in self.lanes:
                PaymentService(store, PaySimpleGateway(client), lane.name, clock=self.gateway.clock.now, settle_after=timedelta(
                    seconds=0.15), in_flight_window=IN_FLIGHT_WINDOW, poll_interval=0.25,
                    lookup_backoff=0.05).reconcile_unresolved()
            attempts = {a.id: a for a in store.history(limit=None)}
        finally:
            store.close()
            client.close()
        by_order: dict[str, list] = {}
        for p in self.direct.iter_payments():
            if p.amount > 0:
                by_order.setdefault(p.order_id or f"<none {p.id}>", []).append(p)
        strays = [o for o in by_order if o not in attempts]
        double, lost = 0, len(strays)
        for c in self.checkouts.values():
            took = [p for aid in c["attempts"] for p in by_order.get(aid, []) if str(p.status).lower() in CHARGED]
            paid = any(attempts[aid].state in (State.APPROVED, State.VOIDED, State.REFUNDED)
                       for aid in c["attempts"] if aid in attempts)
            double += len(took) > 1
            lost += bool(took) != paid
            if len(took) > 1 or bool(took) != paid:
                print(f"PROBLEM {c}", file=sys.stderr)
                for aid in c["attempts"]:
                    a = attempts.get(aid)
                    print(f"  {aid} {a.state if a else None} gateway={[(x.id, str(x.status), str(x.amount), x.order_id) for x in by_order.get(aid, [])]}",
                          file=sys.stderr)
                    for t in (self._transitions(aid) if a else []):
                        print(f"    {t.at:%H:%M:%S.%f} {t.from_state} -> {t.to_state}: {t.cause} ({t.clerk})",
                              file=sys.stderr)
        for a in attempts.values():  # every attempt against the gateway, also those of cut checkouts
            took = [p for p in by_order.get(a.id, []) if str(p.status).lower() in CHARGED]
            if (a.state is State.APPROVED) != bool(took) and not any(a.id in c["attempts"]
                                                                      for c in self.checkouts.values()):
                lost += 1
        approved = sum(1 for a in attempts.values() if a.state is State.APPROVED)
        return {
            "backend": self.backend, "lanes": len(self.lanes), "runs": len(self.checkouts),
            "double_charges": double, "lost": lost,
            "unresolved": sum(1 for a in attempts.values() if not a.is_resolved),
            "charges_per_s": round(approved / seconds, 2),
            "journal_write_p50_ms": _pct(self.write_ms, 50), "journal_write_p95_ms": _pct(self.write_ms, 95),
            "journal_write_cpu_p50_ms": _pct(self.write_cpu_ms, 50),
            "journal_read_p50_ms": _pct(self.read_ms, 50),
            "journal_write_beyond_read_p50_ms": _pct(self.beyond_ms, 50),
            "journal_writes_per_charge_p50": _pct(self.writes, 50),
            "cpus": os.cpu_count(), "processes": 2 * len(self.lanes) + 1 + (self.cluster is not None),
            "load_avg": round(statistics.mean(self.load), 2) if self.load else None,
            "approved": approved, "attempts": len(attempts), "kills": self.counts["kills"],
            "restarts": self.counts["restarts"], "storage_errors": self.counts["storage_errors"],
            "gateway_faults": fired,
            "endings": dict(Counter(str(c["final"]) for c in self.checkouts.values())),
        }

    def _transitions(self, attempt_id: str):
        store = open_store(self.backend, str(self.where))
        try:
            return store.transitions(attempt_id)
        finally:
            store.close()

    def close(self) -> None:
        for lane in self.lanes:
            if lane.running():
                os.kill(lane.proc.pid, signal.SIGKILL)
                lane.proc.wait(30)
        self.direct.close()
        self.gateway.stop()
        if self.cluster is not None:
            self.cluster.remove()


def _pct(values: list[float], pct: int) -> float | None:
    """The ``pct`` percentile (50: the median) of ``values``, rounded to 0.01; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return round(statistics.median(ordered) if pct == 50 else ordered[int(len(ordered) * pct / 100)], 2)


def writes_only(backend: str, charges: int) -> dict:
    """The journal writes of ``charges`` charges on one lane (created, sending, approved), nothing else: what
    the journal adds to a charge, without the gateway, the faults or other lanes."""
    with tempfile.TemporaryDirectory(prefix="pos-lanes-") as tmp:
        os.chmod(tmp, 0o755)
        cluster = None
        if backend == "postgresql":
            import pg_cluster

            cluster = pg_cluster.PgCluster(durable=True, base_dir=tmp).start()
            where = cluster.create_database("writes")
        else:
            where = str(Path(tmp) / "journal.db")
        store = open_store(backend, where)
        try:
            spent = []
            for i in range(charges):
                now = datetime.now(UTC)
                started = time.perf_counter()
                a = store.create_attempt("LANE1", "clerk", CustomerRef(1, "Ada"), AccountRef(2, "cc", "1111", "Visa"),
                                         "12.34", now)
                store.transition(a.id, State.CREATED, State.SENDING, "POST /payment", "clerk", now, sent_at=now)
                store.transition(a.id, State.SENDING, State.APPROVED, "PaySimple answered", "clerk", now,
                                 payment_id=i + 1, ps_status="Authorized")
                spent.append((time.perf_counter() - started) * 1000)
        finally:
            store.close()
            if cluster is not None:
                cluster.remove()
    spent.sort()
    return {"backend": backend, "charges": charges, "journal_write_p50_ms": round(statistics.median(spent), 2),
            "journal_write_p95_ms": round(spent[int(len(spent) * 0.95)], 2)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--lanes", type=int, default=2)
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--kills", type=int, default=None, help="SIGKILLs of lane processes (default: runs / 25)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lane-worker", action="store_true", help=argparse.SUPPRESS)
    for name in ("--lane", "--gateway", "--shoppers", "--journal"):
        p.add_argument(name, help=argparse.SUPPRESS)
    p.add_argument("--first", type=int, help=argparse.SUPPRESS)
    p.add_argument("--count", type=int, help=argparse.SUPPRESS)
    p.add_argument("--clock-offset", type=float, default=0.0, help=argparse.SUPPRESS)
    p.add_argument("--writes", type=int, default=0, help="only time the journal writes of this many charges")
    args = p.parse_args(argv)
    if args.lane_worker:
        return lane_main(args)
    if args.writes:
        print(json.dumps(writes_only(args.backend, args.writes)))
        return 0
    logging.basicConfig(level=logging.CRITICAL)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pos-lanes-") as tmp:
        os.chmod(tmp, 0o755)  # the PostgreSQL server runs as its own user below it
        bench = Bench(args.backend, args.lanes, args.runs, args.seed, Path(tmp))
        try:
            bench.run(args.kills if args.kills is not None else max(1, args.runs // 25))
            result = bench.verdict(time.monotonic() - started)
        finally:
            bench.close()
    result["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result))
    return 1 if result["double_charges"] + result["lost"] + result["unresolved"] else 0


if __name__ == "__main__":
    sys.exit(main())
