"""Store benchmark (issue 20): PostgreSQL, 2 store server instances, the training gateway behind the chaos faults,
N lane processes charging through the servers; SIGKILLs of lanes and of server instances and one PostgreSQL
restart; outcomes counted from the gateway's own records.

    python bench/store.py [--lanes 20] [--runs 2000] [--replica-customers 1000000] [--seed 1]
    python bench/store.py --smoke        # 2 lanes, 40 checkouts, 1 kill of each kind, 2,000 customers

Set-up: a throwaway PostgreSQL cluster (``durable=True``: fsync on, like a store's server); one training gateway
(PaySimple) behind one ``MisbehavingProxy`` that both server instances use as PaySimple's address; instance A set
up with the real ``pos-app-server init``, instance B a copy of A's data folder on its own port (one database).
The lanes are enrolled with real enrollment codes; each lane process holds its lane credential in a file in its
own data folder (its keyring stand-in) and charges with ``RemoteCounter`` (select the customer, read the
accounts, ``charge(..., attempt_id=key)``): the key is written to the lane's folder (``pending.json``, fsync)
before the charge is sent, so a lane killed mid-charge asks again with the same key after its restart; the
server not answering, the lane asks the other instance with the same key; only a "not charged" answer
(absent, rejected) leads to a new key. Faults: the parent puts one of ``lanes.SCENARIOS``' proxy faults into the
proxy every ``--fault-every`` s (502/503/504 before or after the charge, replies for another order or amount,
replies held past the in-flight window, replayed look-ups); 5 % of the checkouts are declines. The parent
SIGKILLs random lanes (restarted at once), SIGKILLs a server instance now and then (restarted after 1-2 s) and
restarts PostgreSQL once ("immediate") half-way through.

Measured in the same run: ``replica_catchup_s`` (N synthetic customers written into the store's customer
table, then a new counter's copy filled from the server's snapshot and the change feed after it: from its start
until it has caught up; ``replica_filled_by`` says the snapshot was used; ``--catchup-pages`` also times the
fill read page by page, ``replica_catchup_pages_s``; ``--replica-only``: the set-up and these two only),
``propagation_s`` (p99 over edits made at one counter through instance A until searchable in another
counter's copy fed by instance B, during the chaos; samples overlapping a server kill or the PostgreSQL restart
are left out and counted), ``hop_overhead_ms`` (after the lanes: p50 of charges through the server minus p50
of direct ``PaymentService`` charges to the same proxy, alternating, faults off), ``api_key_on_lanes`` (lane
folders, with their credential files and customer copies, holding the PaySimple API key).

Verdict: the servers are stopped, each lane's attempts are reconciled once more (``PaymentService`` on the
store's journal, straight to the gateway) and compared with the gateway's payments: ``double_charges`` (a
checkout with more than one charged payment), ``lost`` (money taken that the journal says was not, a sale the
journal calls paid that the gateway never captured, a gateway payment with no attempt), ``unresolved`` (attempts
still open). Prints ONE JSON object. Goals: 0 / 0 / 0, hop <= 5 ms, catch-up < 60 s, propagation < 2 s, key 0.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

IN_FLIGHT_S = 1.5  # the servers' in-flight window (lanes.proxy_fault holds replies past it)
SERVER_SETTINGS = {"in_flight_window_s": IN_FLIGHT_S, "settle_after_s": 0.15, "poll_interval_s": 0.25,
                   "lookup_tries": 3, "charge_wait_s": 3.0, "sync_every_s": 86400.0, "sync_check_s": 5.0}
CHARGED = {"authorized", "posted", "settled", "voided", "reversed"}
NOT_CHARGED = {"absent", "rejected"}  # the server said so: a new key may be used
CREDENTIAL_FILE, PENDING_FILE = "credential", "pending.json"
MARKER = "Zzlastloaded"  # written after the synthetic customers: found in a copy = the load is in it


def lane_clerk(index: int) -> tuple[str, str]:
    """Lane ``index``'s own clerk (name, PIN). One clerk signing in at 20 lanes at once would spend the
    lockout's guess slots (``clerks.MAX_FAILURES``, counted before each PIN check) and be refused."""
    return f"Clerk{index}", f"{40_000_000 + index * 7_919:08d}"


def say(**data) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def write_synced(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# ---- one lane process ----------------------------------------------------------------------------------------

class LaneWorker:
    def __init__(self, args) -> None:
        self.args, self.folder = args, Path(args.folder)
        self.urls = args.urls.split(",")
        self.at = args.index % len(self.urls)
        self.credential = (self.folder / CREDENTIAL_FILE).read_text().strip()
        self.counter = None

    def connect(self):
        from pos_app.counter.remote import RemoteCounter
        from pos_app.serverlink.client import Timeouts

        if self.counter is None:
            self.counter = RemoteCounter.connect(self.urls[self.at], self.args.fingerprint, self.credential,
                                                 self.args.lane, timeouts=Timeouts(connect=1, read=6, total=8),
                                                 ask_for=12.0)
            self.counter.sign_in(*lane_clerk(self.args.index))
        return self.counter

    def switch(self) -> None:
        if self.counter is not None:
            self.counter.close()
        self.counter = None
        self.at = (self.at + 1) % len(self.urls)

    def run(self) -> int:
        from pos_app.counter.remote import StoreServerRefused, StoreServerUnreachable
        from pos_app.payments import CustomerRef, LaneBusy, NotSignedIn, ids

        rng = random.Random(self.args.seed)
        shoppers = json.loads(self.args.shoppers)
        pending_path = self.folder / PENDING_FILE
        pending = json.loads(pending_path.read_text()) if pending_path.exists() else {}
        for n in range(self.args.first, self.args.first + self.args.count):
            if pending.get("n") == n:  # killed during this checkout: the same sale, asked again with its key
                key, local_id, pid, name, account_id = (pending.get("key"), pending["local_id"], pending["pid"],
                                                        pending["name"], pending["account_id"])
                amount = Decimal(pending["amount"])
            else:
                local_id, pid, name, account_id = rng.choice(shoppers)
                amount = Decimal("9999.01") if rng.random() < 0.05 else Decimal(rng.randint(100, 50000)) / 100
                key = None
                pending = {"n": n, "key": None, "local_id": local_id, "pid": pid, "name": name,
                           "account_id": account_id, "amount": str(amount)}
                write_synced(pending_path, json.dumps(pending))
            say(start=n)
            final = None
            for _ in range(40):
                try:
                    counter = self.connect()
                    if key is None:
                        key = ids.attempt_id(self.args.lane)
                        pending["key"] = key
                        write_synced(pending_path, json.dumps(pending))  # before anything is sent
                        say(attempt=key)
                    counter.customer(local_id)
                    accounts = counter.accounts(pid)
                    [account] = [a for a in accounts.credit_cards if a.id == account_id]
                    attempt = counter.charge(CustomerRef(pid, name), account, amount, attempt_id=key)
                    for _ in range(30):
                        if attempt.is_resolved:
                            break
                        time.sleep(0.2)
                        attempt = counter.resolve(attempt)
                    final = attempt.state.value
                    if final in NOT_CHARGED:
                        key = None  # the server said "not charged": this sale may be charged under a new key
                        continue
                    if attempt.is_resolved:
                        break
                except StoreServerUnreachable:
                    say(unreachable=self.urls[self.at])
                    self.switch()
                    time.sleep(0.2)
                except NotSignedIn:
                    self.switch()
                except LaneBusy:  # another of this lane's payments is open (a checkout cut earlier): settle it
                    try:
                        blocking = self.connect().open_attempt()
                        if blocking is not None and blocking.id != key:
                            self.connect().resolve(blocking)
                    except Exception:  # noqa: BLE001 - tried again in the next round
                        pass
                    time.sleep(0.3)
                except StoreServerRefused as exc:
                    say(refused=exc.code)
                    time.sleep(0.3)
                except Exception as exc:  # noqa: BLE001 - anything else: the clerk tries again
                    say(error=f"{type(exc).__name__}: {exc}"[:200])
                    time.sleep(0.3)
            say(done=n, final=final)
            pending = {}
        if self.counter is not None:
            self.counter.close()
        return 0


# ---- the parent ------------------------------------------------------------------------------------------------

class LaneProc:
    def __init__(self, bench: Bench, index: int, first: int, count: int) -> None:
        self.bench, self.index, self.name = bench, index, f"LANE{index}"
        self.first, self.count = first, count
        self.folder = bench.work / "lanes" / self.name
        self.proc: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None
        self.current: int | None = None
        self.starts = 0

    def start(self) -> None:
        b = self.bench
        self.starts += 1
        cmd = [sys.executable, str(Path(__file__).resolve()), "--lane-worker", "--lane", self.name,
               "--index", str(self.index), "--folder", str(self.folder), "--urls", ",".join(b.urls),
               "--fingerprint", b.fingerprint, "--shoppers", json.dumps(b.shoppers), "--first", str(self.first),
               "--count", str(self.count), "--seed", str(b.seed * 1000 + self.index * 10 + self.starts)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=open(self.folder / "stderr.log", "a"),  # noqa: SIM115
                                     text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
        self.reader = threading.Thread(target=self._read, args=(self.proc,), daemon=True)
        self.reader.start()

    def _read(self, proc) -> None:
        b = self.bench
        for line in proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with b.lock:
                if "start" in event:
                    self.current = event["start"]
                    b.checkouts.setdefault(self.current, {"lane": self.name, "attempts": [], "final": None})
                elif "attempt" in event and self.current is not None:
                    b.checkouts[self.current]["attempts"].append(event["attempt"])
                elif "done" in event:
                    b.checkouts[event["done"]]["final"] = event["final"]
                    self.first, self.count = event["done"] + 1, self.first + self.count - event["done"] - 1
                    self.current = None
                elif "unreachable" in event:
                    b.counts["lane_server_unreachable"] += 1
                elif "error" in event or "refused" in event:
                    b.counts["lane_errors"] += 1
                    b.errors[str(event.get("error") or event.get("refused"))[:60]] += 1

    def kill_and_restart(self) -> None:
        if not self.running():
            return
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self.reader.join(30)
        with self.bench.lock:
            if self.current is not None:  # the checkout it was in goes on after the restart (same key)
                self.first, self.count = self.current, self.first + self.count - self.current
                self.current = None
            self.bench.counts["lane_kills"] += 1
        if self.count > 0:
            self.start()

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Bench:
    def __init__(self, args, work: Path) -> None:
        self.args, self.work, self.seed = args, work, args.seed
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.checkouts: dict[int, dict] = {}
        self.counts: Counter = Counter()
        self.errors: Counter = Counter()
        self.disruptions = 0  # server kills and the PostgreSQL restart, for the propagation samples
        self.lanes, self.servers, self.cluster, self.proxy, self.direct, self.gateway = [], [], None, None, None, None
        try:
            self._set_up(args, work)
        except BaseException:
            self.close()
            raise

    def _set_up(self, args, work: Path) -> None:
        import pg_cluster

        from pos_app.paysimple import PaySimpleClient, Timeouts
        from pos_app.training import TrainingGateway
        from pos_app.training.proxy import MisbehavingProxy
        from tests.fixtures.server import API_KEY, API_USER, ServerProcess, init_server, second_instance

        self.gateway = TrainingGateway(API_USER, API_KEY).start()
        self.proxy = MisbehavingProxy(self.gateway.base_url, upstream_timeout=30).start()
        self.direct = PaySimpleClient(self.gateway.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=2, read=30))
        self.cluster = pg_cluster.PgCluster(durable=True, base_dir=str(work)).start()
        self.dsn = self.cluster.create_database("store")
        data_a = work / "server-a"
        port = init_server(data_a, SimpleNamespace(api_url=self.proxy.api_url), self.dsn, **SERVER_SETTINGS)
        self.add_clerks(data_a, args.lanes)
        self.servers = [ServerProcess(data_a, port), ServerProcess(*second_instance(data_a, work / "server-b"))]
        for s in self.servers:
            s.start()
        self.wait_for_first_sync()  # a pass before the load: it would mark the synthetic customers deleted
        self.load_customers(args.replica_customers)
        self.urls = [s.url for s in self.servers]
        from pos_app.server.tls import certificate_fingerprint

        self.fingerprint = certificate_fingerprint(data_a / "tls" / "cert.pem")
        self._setup = self.counter("SETUP", 0, replica=False)
        self.server_copies_s = self.wait_for_server_copies()
        if args.replica_only:
            self._setup.close()
            return
        self.shoppers = [self._shopper(i) for i in range(max(8, args.lanes * 2))]
        self._setup.close()
        share, extra = divmod(args.runs, args.lanes)
        first = 0
        for i in range(args.lanes):
            count = share + (i < extra)
            lane = LaneProc(self, i + 1, first, count)
            self._enroll(lane.folder, lane.name)
            self.lanes.append(lane)
            first += count

    # ---- set-up ------------------------------------------------------------------------------------------

    def add_clerks(self, data: Path, lanes: int) -> None:
        from pos_app.clerks import Role
        from pos_app.server.config import ServerPaths
        from pos_app.server.service import open_clerks
        from tests.fixtures.server import MANAGER

        clerks = open_clerks(ServerPaths(data), self.dsn)
        try:
            manager = clerks.login(*MANAGER)
            for i in range(1, lanes + 1):
                clerks.add(*lane_clerk(i), Role.CLERK, by=manager)
        finally:
            clerks.close()

    def wait_for_first_sync(self) -> None:
        import psycopg

        ends = time.monotonic() + 120
        with psycopg.connect(self.dsn, autocommit=True) as con:
            while not con.execute("SELECT 1 FROM sync_runs WHERE status = 'complete'").fetchone():
                if time.monotonic() > ends:
                    raise RuntimeError("the store's first customer sync did not complete within 120 s")
                time.sleep(0.2)

    def load_customers(self, n: int) -> None:
        """N synthetic PaySimple-linked customers straight into the store's customer table, after the store's
        first sync (the next, which would mark them deleted, is a day away here); the instances' copies follow."""
        from synthetic import generate

        from pos_app.customers.models import CustomerRecord
        from pos_app.customers.pg_store import PgCustomerStore

        started = time.monotonic()
        store = PgCustomerStore(self.dsn)
        try:
            batch: list = []
            for record in generate(n, seed=self.seed, first_id=50_000_000):
                batch.append(record)
                if len(batch) == 5000:
                    store.upsert_paysimple(batch)
                    batch.clear()
            if batch:
                store.upsert_paysimple(batch)
            store.upsert_paysimple([CustomerRecord(paysimple_id=49_999_999, first_name="Copy", last_name=MARKER)])
        finally:
            store.close()
        self.load_s = time.monotonic() - started

    def wait_for_server_copies(self) -> float:
        """Until both instances' search copies hold the loaded customers (searched through each instance), so the
        new counter's catch-up is not timed against the instances' own first fill."""
        from pos_app.serverlink.client import StoreLink, Timeouts

        started = time.monotonic()
        setup = self._setup.link
        for url in self.urls:
            link = StoreLink(url, self.fingerprint, setup.credential, Timeouts(connect=2, read=30, total=35))
            link.session = setup.session
            try:
                while True:
                    _, hits, _ = link.request("GET", "/v1/customers", params={"q": MARKER})
                    if hits:
                        break
                    if time.monotonic() - started > 3600:
                        raise RuntimeError("the server instances' search copies did not fill within an hour")
                    time.sleep(0.5)
            finally:
                link.close()
        return time.monotonic() - started

    def _enroll(self, folder: Path, name: str) -> tuple[str, str]:
        from pos_app.private_files import private_dir, write_private_text
        from pos_app.serverlink.client import enroll
        from tests.fixtures.server import new_code

        private_dir(folder)
        enrolled = enroll(self.urls[0], new_code(self.servers[0].data, name), name)
        write_private_text(folder / CREDENTIAL_FILE, enrolled.credential)
        return enrolled.credential, enrolled.fingerprint

    def _shopper(self, i: int) -> list:
        """A customer created through the server (so it is in the store's list) with a card on file."""
        from pos_app.customers.models import CustomerRecord
        from pos_app.paysimple.models import CreditCardInput

        stored = self._setup.create_customer(CustomerRecord(first_name=f"Lane{i}", last_name="Shopper",
                                                        email=f"l{i}@example.com"))
        card = self.direct.create_credit_card(CreditCardInput(customer_id=stored.paysimple_id,
                                                              credit_card_number="4111111111111111",
                                                              expiration_date="12/2030", issuer="Visa"))
        return [stored.id, stored.paysimple_id, f"Lane{i} Shopper", card.id]

    def counter(self, name: str, server: int, replica: bool, wait_s: int = 10, enrolled: tuple | None = None):
        """A signed-in ``RemoteCounter`` for a new lane ``name`` on instance ``server`` (with a copy)."""
        from pos_app.counter.remote import RemoteCounter
        from pos_app.serverlink.client import Timeouts
        from tests.fixtures.server import CLERK

        folder = self.work / "lanes" / name
        credential, fingerprint = enrolled or self._enroll(folder, name)
        c = RemoteCounter.connect(self.urls[server], fingerprint, credential, name,
                                  timeouts=Timeouts(connect=1, read=20, total=25),
                                  replica_dir=folder if replica else None, replica_wait_s=wait_s)
        c.sign_in(*CLERK)
        return c

    # ---- measurements ------------------------------------------------------------------------------------

    def replica_catchup(self) -> tuple[float, object]:
        enrolled = self._enroll(self.work / "lanes" / "COPY", "COPY")
        started = time.monotonic()  # a new, enrolled counter opens: its copy starts empty
        reader = self.counter("COPY", 1, replica=True, wait_s=2, enrolled=enrolled)
        if not reader.replica.caught_up.wait(3600):
            raise RuntimeError("the new counter's copy did not catch up within an hour")
        return time.monotonic() - started, reader

    def replica_catchup_pages(self) -> float:
        """The same first fill read page by page from the feed (no snapshot), for comparison."""
        from pos_app.counter.replica import ReplicaFollower

        folder = self.work / "lanes" / "PAGES"
        credential, fingerprint = self._enroll(folder, "PAGES")
        started = time.monotonic()
        copy = ReplicaFollower(folder, self.urls[1], fingerprint, credential, wait_s=2, snapshot=False).start()
        try:
            if not copy.caught_up.wait(3600):
                raise RuntimeError("the page-by-page copy did not catch up within an hour")
            return time.monotonic() - started
        finally:
            copy.close()

    def propagation(self, reader, stop: threading.Event, samples: list, dropped: Counter) -> None:
        from pos_app.customers.models import CustomerRecord

        writer = self.counter("EDIT", 0, replica=False)
        stored = writer.create_customer(CustomerRecord(first_name="Prop", last_name="Agation"))
        i = 0
        while not stop.is_set():
            i += 1
            name = f"Zz{self.seed}x{i}q"
            before = self.disruptions
            try:
                started = time.monotonic()
                writer.update_customer(stored.id, CustomerRecord(first_name="Prop", last_name=name))
                while time.monotonic() - started < 30 and not any(h.id == stored.id
                                                                   for h in reader.search(name, 5)):
                    time.sleep(0.01)
                took = time.monotonic() - started
            except Exception:  # noqa: BLE001 - the writer's instance was killed: the sample is left out
                dropped["write_failed"] += 1
                time.sleep(0.5)
                continue
            if self.disruptions != before:
                dropped["disrupted"] += 1
            else:
                samples.append(took)
            stop.wait(0.5)
        writer.close()

    def hop(self, charges: int) -> dict:
        from pos_app.customers.models import CustomerRecord
        from pos_app.payments import AccountRef, CustomerRef, PaymentService, ids
        from pos_app.payments.journal_pg import PgJournal
        from pos_app.paysimple import PaySimpleClient
        from pos_app.paysimple.gateway import PaySimpleGateway
        from pos_app.paysimple.models import CreditCardInput, CustomerInput
        from tests.fixtures.server import API_KEY, API_USER

        self.proxy.faults.clear()
        journal = PgJournal(self.cluster.create_database("direct"))
        client = PaySimpleClient(self.proxy.api_url, API_USER, API_KEY)
        counter = self.counter("HOP", 0, replica=False)
        try:
            service = PaymentService(journal, PaySimpleGateway(client), "DIRECT")
            service.reconcile_unresolved()
            other = client.create_customer(CustomerInput(first_name="Direct", last_name="Hop"))
            card = client.create_credit_card(CreditCardInput(customer_id=other.id, credit_card_number="4111111111111111",
                                                             expiration_date="12/2030"))
            direct_ref, direct_account = CustomerRef(other.id, "Direct Hop"), AccountRef.from_paysimple(card)
            stored = counter.create_customer(CustomerRecord(first_name="Server", last_name="Hop"))
            scard = client.create_credit_card(CreditCardInput(customer_id=stored.paysimple_id,
                                                              credit_card_number="4111111111111111",
                                                              expiration_date="12/2030"))
            counter.customer(stored.id)
            [account] = [a for a in counter.accounts(stored.paysimple_id).credit_cards if a.id == scard.id]
            server_ref = CustomerRef(stored.paysimple_id, "Server Hop")
            direct_ms, server_ms = [], []
            for i in range(charges + 10):
                t = time.perf_counter()
                a = service.charge(direct_ref, direct_account, Decimal("1.00"), "bench")
                took = (time.perf_counter() - t) * 1000
                assert a.state.value == "approved", a
                if i >= 10:
                    direct_ms.append(took)
                t = time.perf_counter()
                a = counter.charge(server_ref, account, Decimal("1.00"), attempt_id=ids.attempt_id("HOP"))
                took = (time.perf_counter() - t) * 1000
                assert a.state.value == "approved", a
                if i >= 10:
                    server_ms.append(took)
            p50 = statistics.median
            return {"hop_overhead_ms": round(p50(server_ms) - p50(direct_ms), 2),
                    "direct_p50_ms": round(p50(direct_ms), 2), "server_p50_ms": round(p50(server_ms), 2)}
        finally:
            counter.close()
            client.close()
            journal.close()

    # ---- the run -----------------------------------------------------------------------------------------

    def chaos(self, lane_kills: int, server_kills: int, fault_every: float) -> None:
        from lanes import SCENARIOS, proxy_fault

        for lane in self.lanes:
            lane.start()
        lane_at = sorted(self.rng.uniform(0.05, 0.95) for _ in range(lane_kills))
        server_at = sorted(self.rng.uniform(0.1, 0.9) for _ in range(server_kills))
        restart_at = 0.5
        faulty = [(s, w) for s, w in SCENARIOS if s.startswith(("proxy", "lookup"))]
        next_fault = time.monotonic()
        while any(lane.running() for lane in self.lanes):
            time.sleep(0.1)
            with self.lock:
                done = sum(1 for c in self.checkouts.values() if c["final"] is not None) / max(1, self.args.runs)
            if time.monotonic() >= next_fault:
                next_fault = time.monotonic() + fault_every
                if len(self.proxy.faults.pending()) < 3:
                    scenario = self.rng.choices([s for s, _ in faulty], [w for _, w in faulty])[0]
                    proxy_fault(self.proxy, self.rng, scenario)
                    self.counts["faults"] += 1
            if lane_at and done >= lane_at[0]:
                lane_at.pop(0)
                self.rng.choice([x for x in self.lanes if x.running()] or self.lanes).kill_and_restart()
            if server_at and done >= server_at[0]:
                server_at.pop(0)
                server = self.rng.choice(self.servers)
                self.disruptions += 1
                server.kill()
                self.counts["server_kills"] += 1
                time.sleep(self.rng.uniform(1.0, 2.0))
                server.start()
                self.disruptions += 1
            if restart_at is not None and done >= restart_at:
                restart_at = None
                self.disruptions += 1
                self.cluster.restart("immediate")
                self.counts["pg_restarts"] += 1
                self.disruptions += 1
        self.proxy.faults.clear()

    def verdict(self) -> dict:
        from pos_app.payments import PaymentService, State
        from pos_app.payments.journal_pg import PgJournal
        from pos_app.paysimple.gateway import PaySimpleGateway

        for s in self.servers:
            s.stop()
        time.sleep(IN_FLIGHT_S + 0.5)
        journal = PgJournal(self.dsn)
        try:
            for lane in self.lanes:
                PaymentService(journal, PaySimpleGateway(self.direct), lane.name, settle_after=timedelta(seconds=0.15),
                               in_flight_window=timedelta(seconds=IN_FLIGHT_S), poll_interval=0.25,
                               lookup_backoff=0.05).reconcile_unresolved()
            attempts = {a.id: a for a in journal.history(limit=None) if a.lane.startswith("LANE")}
        finally:
            journal.close()
        by_order: dict[str, list] = {}
        for p in self.direct.iter_payments():
            if p.amount > 0:
                by_order.setdefault(p.order_id or f"<none {p.id}>", []).append(p)
        lane_orders = {o for o in by_order if o.startswith("LANE") or o.startswith("<none")}
        strays = [o for o in lane_orders if o not in attempts]
        double, lost = 0, len(strays)
        for c in self.checkouts.values():
            took = [p for aid in c["attempts"] for p in by_order.get(aid, []) if str(p.status).lower() in CHARGED]
            paid = any(attempts[aid].state in (State.APPROVED, State.VOIDED, State.REFUNDED)
                       for aid in c["attempts"] if aid in attempts)
            double += len(took) > 1
            lost += bool(took) != paid
            if len(took) > 1 or bool(took) != paid:
                print(f"PROBLEM {c} took={[(p.id, str(p.status), p.order_id) for p in took]}", file=sys.stderr)
        return {"attempts": attempts, "double": double, "lost": lost,
                "unresolved": sum(1 for a in attempts.values() if not a.is_resolved)}

    def api_key_on_lanes(self) -> int:
        from tests.fixtures.server import API_KEY

        needle = API_KEY.encode()
        hits = 0
        for folder in (self.work / "lanes").iterdir():
            if any(needle in p.read_bytes() for p in folder.rglob("*") if p.is_file()):
                hits += 1
        return hits

    def close(self) -> None:
        for lane in self.lanes:
            if lane.running():
                os.kill(lane.proc.pid, signal.SIGKILL)
                lane.proc.wait(30)
        for s in self.servers:
            s.stop()
        for part, how in ((self.direct, "close"), (self.proxy, "stop"), (self.gateway, "stop"),
                          (self.cluster, "remove")):
            if part is not None:
                getattr(part, how)()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lanes", type=int, default=20)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--replica-customers", type=int, default=1_000_000)
    parser.add_argument("--lane-kills", type=int, default=None)
    parser.add_argument("--server-kills", type=int, default=None)
    parser.add_argument("--fault-every", type=float, default=0.25)
    parser.add_argument("--hop-charges", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replica-only", action="store_true",
                        help="set up, then only the new counter's first fill: from the snapshot and page by page")
    parser.add_argument("--catchup-pages", action="store_true",
                        help="also time the first fill read page by page (replica_catchup_pages_s)")
    parser.add_argument("--smoke", action="store_true", help="2 lanes, 40 checkouts, 2,000 customers, 1 kill each")
    parser.add_argument("--lane-worker", action="store_true", help=argparse.SUPPRESS)
    for name in ("--lane", "--folder", "--urls", "--fingerprint", "--shoppers"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)
    if args.lane_worker:
        return LaneWorker(args).run()
    if args.smoke:
        args.lanes, args.runs, args.replica_customers, args.hop_charges = 2, 40, 2000, 20
        args.lane_kills = args.lane_kills if args.lane_kills is not None else 1
        args.server_kills = args.server_kills if args.server_kills is not None else 1
    lane_kills = args.lane_kills if args.lane_kills is not None else max(1, args.runs // 100)
    server_kills = args.server_kills if args.server_kills is not None else max(1, args.runs // 500)
    def stop(signum, frame):  # a SIGTERM (a test's timeout) still removes the cluster and the processes
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    work = Path(tempfile.mkdtemp(prefix="store-bench-"))
    os.chmod(work, 0o755)  # the cluster's folder inside is handed to the postgres user when run as root
    bench = None
    started = time.monotonic()
    try:
        bench = Bench(args, work)
        catchup_s, reader = bench.replica_catchup()
        filled_by = reader.replica.filled_by
        if args.replica_only:
            reader.close()
            pages_s = bench.replica_catchup_pages()
            print(json.dumps({"replica_customers": args.replica_customers, "replica_catchup_s": round(catchup_s, 2),
                              "replica_filled_by": filled_by, "replica_catchup_pages_s": round(pages_s, 2),
                              "load_avg_1min": os.getloadavg()[0], "seconds": round(time.monotonic() - started, 1)}))
            return 0
        stop, samples, dropped = threading.Event(), [], Counter()
        prop = threading.Thread(target=bench.propagation, args=(reader, stop, samples, dropped), daemon=True)
        prop.start()
        bench.chaos(lane_kills, server_kills, args.fault_every)
        stop.set()
        prop.join(60)
        reader.close()
        hop = bench.hop(args.hop_charges)
        key_on_lanes = bench.api_key_on_lanes()
        pages_s = bench.replica_catchup_pages() if args.catchup_pages else None
        v = bench.verdict()
        samples.sort()
        result = {
            "lanes": args.lanes, "server_instances": len(bench.servers),
            "runs": sum(1 for c in bench.checkouts.values() if c["final"] is not None),
            "double_charges": v["double"], "lost": v["lost"], "unresolved": v["unresolved"],
            "hop_overhead_ms": hop["hop_overhead_ms"],
            "replica_catchup_s": round(catchup_s, 2), "replica_customers": args.replica_customers,
            "replica_filled_by": filled_by,
            "propagation_s": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 3) if samples else None,
            "propagation_samples": len(samples), "propagation_left_out": dict(dropped),
            "api_key_on_lanes": key_on_lanes,
            "direct_p50_ms": hop["direct_p50_ms"], "server_p50_ms": hop["server_p50_ms"],
            "approved": sum(1 for a in v["attempts"].values() if a.state.value == "approved"),
            "attempts": len(v["attempts"]), "lane_kills": bench.counts["lane_kills"],
            "server_kills": bench.counts["server_kills"], "pg_restarts": bench.counts["pg_restarts"],
            "faults": bench.counts["faults"], "lane_server_unreachable": bench.counts["lane_server_unreachable"],
            "lane_errors": bench.counts["lane_errors"], "endings": dict(Counter(str(c["final"])
                                                                              for c in bench.checkouts.values())),
            "replica_catchup_pages_s": round(pages_s, 2) if pages_s is not None else None,
            "customer_load_s": round(bench.load_s, 1), "server_copies_s": round(bench.server_copies_s, 1),
            "seconds": round(time.monotonic() - started, 1),
        }
        if bench.errors:
            print(f"lane errors: {dict(bench.errors.most_common(8))}", file=sys.stderr)
        print(json.dumps(result))
        return 0
    finally:
        if bench is not None:
            bench.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
