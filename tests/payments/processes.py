"""Payments in other processes (``bench/payer.py``): a payer or reverser that a test can kill mid-call, and
its JSON event stream. ``journal`` is where the journal is: a SQLite file's path or a PostgreSQL DSN (handed over
in the environment, never on the command line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.gateway import API_KEY, API_USER
from tests.fixtures.payments import Shopper

ROOT = Path(__file__).resolve().parents[2]
PAYER = ROOT / "bench" / "payer.py"


def _journal(where) -> tuple[list[str], dict[str, str]]:
    if str(where).startswith("postgresql://"):
        return ["--journal-dsn-env", "POS_PAYER_JOURNAL_DSN"], {"POS_PAYER_JOURNAL_DSN": str(where)}
    return ["--journal", str(where)], {}


def run_payer(gateway, journal, shopper: Shopper, amount="10.00", lane="LANE1", read_timeout=30.0,
              wait_for: Path | None = None) -> subprocess.Popen:
    where, env = _journal(journal)
    args = [sys.executable, str(PAYER), *where, "--lane", lane,
            "--api-url", gateway.api_url, "--api-user", API_USER,
            "--customer-id", str(shopper.customer.id), "--customer-name", shopper.customer.name,
            "--account-id", str(shopper.card.id), "--last4", shopper.card.last4, "--brand", shopper.card.brand,
            "--amount", amount, "--read-timeout", str(read_timeout),
            "--clock-offset", str(gateway.clock.offset.total_seconds())]
    if wait_for is not None:
        args += ["--wait-for", str(wait_for)]
    env = {**os.environ, **env, "POS_PAYER_API_KEY": API_KEY}
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def run_reverser(gateway, journal, kind: str, attempt_id: str, lane="LANE1") -> subprocess.Popen:
    """A process that voids/refunds ``attempt_id`` (to be killed mid-call)."""
    where, env = _journal(journal)
    args = [sys.executable, str(PAYER), *where, "--lane", lane,
            "--api-url", gateway.api_url, "--api-user", API_USER, "--reverse", kind, "--attempt", attempt_id,
            "--clock-offset", str(gateway.clock.offset.total_seconds())]
    env = {**os.environ, **env, "POS_PAYER_API_KEY": API_KEY}
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def read_events(proc: subprocess.Popen, until_phase: str | None = None) -> list[dict]:
    events = []
    for line in proc.stdout:
        event = json.loads(line)
        events.append(event)
        if until_phase and event.get("phase") == until_phase:
            break
    return events
