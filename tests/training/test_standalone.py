"""``python -m pos_app.training`` as a real subprocess: the ready line, a complete card payment and an ACH
payment through the client, demo data, a SQLite file that keeps state across restarts, clean SIGTERM/SIGINT."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pos_app.paysimple import PaySimpleClient, Timeouts
from pos_app.paysimple.models import AchInput, CreditCardInput, CustomerInput, PaymentRequest

ROOT = Path(__file__).resolve().parents[2]
READY = re.compile(r"^training gateway ready at (http://127\.0\.0\.1:(\d+))\n$")


def launch(*args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "pos_app.training", "--host", "127.0.0.1", "--port", "0", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = proc.stdout.readline()
    match = READY.match(line)
    if not match:
        proc.kill()
        raise AssertionError(f"no ready line: {line!r} {proc.stderr.read()!r}")
    return proc, match.group(1)


def finish(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> tuple[int, str]:
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=15)
    return proc.returncode, out


def test_ready_line_then_a_card_and_an_ach_payment(tmp_path):
    proc, url = launch("--api-user", "counter1", "--api-key", "k-123", "--memory")
    try:
        with PaySimpleClient(url + "/v4", "counter1", "k-123", timeouts=Timeouts(connect=2, read=5),
                             max_retries=0) as client:
            cust = client.create_customer(CustomerInput(first_name="Ada", last_name="Lovelace", email="a@example.com"))
            card = client.create_credit_card(CreditCardInput(customer_id=cust.id, credit_card_number="4111111111111111",
                                                             expiration_date="12/2030"))
            paid = client.create_payment(PaymentRequest(card.id, Decimal("42.10"), order_id="S-1"))
            assert (paid.status, paid.amount, paid.payment_type) == ("Authorized", Decimal("42.10"), "CC")
            bank = client.create_ach(AchInput(customer_id=cust.id, routing_number="307075259",
                                              account_number="751111111", bank_name="PaySimple Bank"))
            debit = client.create_payment(PaymentRequest(bank.id, Decimal("15.00"), order_id="S-2"))
            assert (debit.status, debit.payment_type) == ("Posted", "ACH")
            assert {p.order_id for p in client.customer_payments(cust.id)} == {"S-1", "S-2"}
            assert client.void_payment(paid.id).status == "Voided"
        with PaySimpleClient(url + "/v4", "counter1", "wrong", max_retries=0) as bad:
            with pytest.raises(Exception, match="401|uthenticat"):
                bad.checkout_token()
    finally:
        code, out = finish(proc)
    assert code == 0 and out == ""                      # exactly one line was printed


def test_defaults_demo_data_and_a_data_file_that_survives_restarts(tmp_path):
    data = tmp_path / "training.sqlite"
    proc, url = launch("--data", str(data), "--demo-customers", "25")
    try:
        with PaySimpleClient(url + "/v4", "training", "training-key", max_retries=0) as client:
            customers = list(client.iter_customers(page_size=10))
            assert len(customers) == 25
            with_card = next(c for c in customers if client.get_default_credit_card(c.id))
            card = client.get_default_credit_card(with_card.id)
            client.create_payment(PaymentRequest(card.id, Decimal("1.00"), order_id="persist-1"))
    finally:
        assert finish(proc, signal.SIGINT)[0] == 0
    proc, url = launch("--data", str(data), "--demo-customers", "25")   # demo data is not added twice
    try:
        with PaySimpleClient(url + "/v4", "training", "training-key", max_retries=0) as client:
            assert client.list_customers(page_size=1).total_items == 25
            assert [p.order_id for p in client.list_payments().items] == ["persist-1"]
    finally:
        finish(proc)
    with sqlite3.connect(data) as db:                   # only hashes and last 4 digits at rest
        dump = "\n".join(db.iterdump())
    assert "4111111111111111" not in dump and "5454545454545454" not in dump and "751111111" not in dump


def test_bad_arguments_exit_nonzero():
    r = subprocess.run([sys.executable, "-m", "pos_app.training", "--data", "x", "--memory"], cwd=ROOT,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "not allowed with" in r.stderr
