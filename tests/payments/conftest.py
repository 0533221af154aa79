"""Fixtures for payments tests: a REAL training gateway over TCP, a real client, a real SQLite journal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from pos_app.payments import AccountRef, CustomerRef, Journal, PaymentService

API_USER, API_KEY = "apiuser", "training-key-0123456789"
ROOT = Path(__file__).resolve().parents[2]
PAYER = ROOT / "bench" / "payer.py"


@pytest.fixture
def gateway():
    from pos_app.training import TrainingGateway

    gw = TrainingGateway(API_USER, API_KEY, data=None)
    gw.start()
    try:
        yield gw
    finally:
        gw.stop()


def make_client(gateway, read: float = 1.0):
    from pos_app.paysimple import PaySimpleClient, Timeouts

    return PaySimpleClient(gateway.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=2, read=read),
                           max_retries=1, backoff_base=0.01, clock=gateway.clock.now)


@pytest.fixture
def client(gateway):
    c = make_client(gateway)
    yield c
    c.close()


@dataclass
class Shopper:
    customer: CustomerRef
    card: AccountRef


def new_shopper(client, first="Ada", last="Lovelace", number="4111111111111111") -> Shopper:
    from pos_app.paysimple.models import CreditCardInput, CustomerInput

    cust = client.create_customer(CustomerInput(first_name=first, last_name=last, email="ada@example.com"))
    card = client.create_credit_card(CreditCardInput(customer_id=cust.id, credit_card_number=number,
                                                     expiration_date="12/2030"))
    return Shopper(CustomerRef(cust.id, f"{first} {last}"), AccountRef.from_paysimple(card))


@pytest.fixture
def shopper(client) -> Shopper:
    return new_shopper(client)


@pytest.fixture
def journal(tmp_path):
    j = Journal(tmp_path / "journal.db")
    yield j
    j.close()


class JournalBackend:
    """One journal database of either kind: ``open()`` gives another ``JournalStore`` on it (a fresh connection,
    as another process would have); ``raw(sql)`` runs SQL behind the store's back; ``dump()`` is every byte
    of it that a store could have written (files, or every row as text). Opened stores close at teardown."""

    def __init__(self, kind: str, where) -> None:
        self.kind, self.where, self._opened = kind, where, []

    def open(self, **kw):
        if self.kind == "sqlite":
            store = Journal(self.where, **kw)
        else:
            from pos_app.payments.journal_pg import PgJournal

            store = PgJournal(self.where, **kw)
        self._opened.append(store)
        return store

    def raw(self, sql: str, params=()):
        if self.kind == "sqlite":
            import sqlite3

            db = sqlite3.connect(self.where, isolation_level=None)
            try:
                return db.execute(sql, params).fetchall()
            finally:
                db.close()
        import psycopg

        with psycopg.connect(self.where, autocommit=True) as con:
            cur = con.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def dump(self) -> bytes:
        if self.kind == "sqlite":
            path = Path(self.where)
            return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())
        rows = []
        for table in ("attempts", "transitions", "reversals", "legal_transitions", "schema_versions"):
            rows += [r[0] for r in self.raw(f"SELECT row_to_json(t)::text FROM {table} t")]
        return "\n".join(rows).encode()

    def close_all(self) -> None:
        for store in self._opened:
            store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_backend(request, tmp_path):
    """A fresh journal database: a SQLite file, or a database in the session's PostgreSQL cluster."""
    where = tmp_path / "journal.db" if request.param == "sqlite" else request.getfixturevalue("pg_database")
    backend = JournalBackend(request.param, where)
    yield backend
    backend.close_all()


@pytest.fixture
def journal_store(journal_backend):
    """A ``JournalStore`` on a fresh journal, once per backend (SQLite, PostgreSQL)."""
    return journal_backend.open()


def make_service(journal, client, gateway, lane="LANE1", **kw) -> PaymentService:
    kw.setdefault("settle_after", timedelta(seconds=0.3))
    kw.setdefault("in_flight_window", timedelta(seconds=2))
    kw.setdefault("poll_interval", 0.2)
    kw.setdefault("lookup_backoff", 0.05)
    service = PaymentService(journal, client, lane, clock=gateway.clock.now, **kw)
    service.reconcile_unresolved()
    return service


@pytest.fixture
def service(journal, client, gateway) -> PaymentService:
    return make_service(journal, client, gateway)


def payments_at_gateway(client, customer_id: int) -> list:
    return client.customer_payments(customer_id)


def charged(payments) -> list:
    return [p for p in payments if str(p.status).lower() in ("authorized", "posted", "settled")]


def assert_journal_agrees(journal: Journal, client, customer_id: int) -> None:
    """Every gateway payment of the customer is one journal attempt with the same amount/status, and every
    journal attempt that claims a payment has exactly one."""
    payments = payments_at_gateway(client, customer_id)
    by_order, credits = {}, {}
    for p in payments:
        assert p.order_id, f"gateway payment {p.id} has no OrderId"
        (credits if p.amount < 0 else by_order).setdefault(p.order_id, []).append(p)
    attempts = journal.history(customer_id=customer_id, limit=None)
    ids = {a.id for a in attempts}
    assert set(by_order) <= ids, f"gateway payments not in the journal: {set(by_order) - ids}"
    for a in attempts:
        found = by_order.get(a.id, [])
        if a.state.value in ("approved", "declined", "voided", "refunded"):
            assert len(found) == 1, f"{a.id} is {a.state} but the gateway has {len(found)} payments"
            assert found[0].id == a.payment_id
            assert int(found[0].amount * 100) == a.amount_cents
            expected = {"approved": {"Authorized", "Posted", "Settled"}, "declined": {"Failed"},
                        "voided": {"Voided"}, "refunded": {"Reversed"}}[a.state.value]
            assert str(found[0].status) in expected
            if a.state.value == "refunded":
                [credit] = credits[a.id]
                assert credit.id == a.refund_payment_id and credit.amount == -found[0].amount
            else:
                assert a.id not in credits
        else:
            assert found == [], f"{a.id} is {a.state} but the gateway has {found}"


def run_payer(gateway, journal_path, shopper: Shopper, amount="10.00", lane="LANE1", read_timeout=30.0,
              wait_for: Path | None = None) -> subprocess.Popen:
    args = [sys.executable, str(PAYER), "--journal", str(journal_path), "--lane", lane,
            "--api-url", gateway.api_url, "--api-user", API_USER,
            "--customer-id", str(shopper.customer.id), "--customer-name", shopper.customer.name,
            "--account-id", str(shopper.card.id), "--last4", shopper.card.last4, "--brand", shopper.card.brand,
            "--amount", amount, "--read-timeout", str(read_timeout),
            "--clock-offset", str(gateway.clock.offset.total_seconds())]
    if wait_for is not None:
        args += ["--wait-for", str(wait_for)]
    env = {**os.environ, "POS_PAYER_API_KEY": API_KEY}
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def run_reverser(gateway, journal_path, kind: str, attempt_id: str, lane="LANE1") -> subprocess.Popen:
    """A process that voids/refunds ``attempt_id`` (to be killed mid-call)."""
    args = [sys.executable, str(PAYER), "--journal", str(journal_path), "--lane", lane,
            "--api-url", gateway.api_url, "--api-user", API_USER, "--reverse", kind, "--attempt", attempt_id,
            "--clock-offset", str(gateway.clock.offset.total_seconds())]
    env = {**os.environ, "POS_PAYER_API_KEY": API_KEY}
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def read_events(proc: subprocess.Popen, until_phase: str | None = None) -> list[dict]:
    events = []
    for line in proc.stdout:
        event = json.loads(line)
        events.append(event)
        if until_phase and event.get("phase") == until_phase:
            break
    return events
