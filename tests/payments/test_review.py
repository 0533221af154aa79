"""The needs_review state around the journal: an old journal learns that it blocks the lane, what the clerk and
the receipt say, the end-of-day CSV, and a look-up that cannot be done keeps it in review."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_app.payments import Approval, LaneBusy, NotAllowed, State, clerk_message, end_of_day, receipt_for
from pos_app.payments.journal import SCHEMA_VERSION, Journal
from pos_app.payments.model import AccountRef, CustomerRef
from pos_app.paysimple.gateway import PaySimpleGateway
from pos_app.settings import Merchant
from tests.fixtures.payments import make_service

T0 = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
CUSTOMER = CustomerRef(101, "Ada Lovelace")
CARD = AccountRef(555, "cc", "1111", "Visa")
OLD_INDEX = ("CREATE UNIQUE INDEX one_open_charge_per_lane ON attempts(lane) WHERE state IN "
             "('created','reconciling','sending','unknown')")


def in_review(journal: Journal, lane: str = "LANE1", customer=CUSTOMER, card=CARD):
    a = journal.create_attempt(lane, "clerk7", customer, card, "12.34", T0)
    journal.transition(a.id, State.CREATED, State.SENDING, "POST /payment", "clerk7", T0, sent_at=T0)
    return journal.transition(a.id, State.SENDING, State.REVIEW, "the answer received was for order X",
                              "clerk7", T0, note="Needs review: the answer received was for order X.")


def test_an_old_journal_gets_the_new_one_open_charge_per_lane_index(tmp_path):
    path = tmp_path / "journal.db"
    Journal(path).close()
    db = sqlite3.connect(path)  # as a journal written before needs_review existed
    db.executescript(f"DROP INDEX one_open_charge_per_lane; {OLD_INDEX}; PRAGMA user_version=1;")
    db.close()
    with Journal(path) as j:
        sql = j._query("SELECT sql FROM sqlite_master WHERE name = 'one_open_charge_per_lane'")[0][0]
        assert "'needs_review'" in sql
        assert j._query("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        a = in_review(j)
        with pytest.raises(LaneBusy) as busy:
            j.create_attempt("LANE1", "clerk7", CUSTOMER, CARD, "1.00", T0)
        assert busy.value.blocking.id == a.id
        j.create_attempt("LANE2", "clerk7", CUSTOMER, CARD, "1.00", T0)  # other lanes are free


def test_the_clerk_and_the_receipt_are_told_it_is_not_confirmed(tmp_path):
    with Journal(tmp_path / "j.db") as j:
        a = in_review(j)
    message = clerk_message(a)
    assert message.startswith("NEEDS REVIEW") and "Do NOT charge again" in message and "manager" in message
    assert "order X" in message
    receipt = receipt_for(a, Merchant(name="Shop"), tz=UTC)
    assert receipt.status == "NOT CONFIRMED - NEEDS REVIEW" and "order X" in receipt.failure
    assert "APPROVED" not in receipt.text() and "DECLINED" not in receipt.text()


def test_end_of_day_lists_the_review_and_writes_it_to_the_csv(tmp_path, gateway, client):
    with Journal(tmp_path / "j.db") as j:
        a = in_review(j)
        report = end_of_day(j, PaySimpleGateway(client), T0.date(), tz=UTC)
    assert [(m.kind, m.attempt_id) for m in report.mismatches] == [("review", a.id)]
    assert not report.reconciled
    [review] = report.reviews
    assert (review.attempt_id, review.state, review.amount, review.lane) == (a.id, "needs_review",
                                                                            Decimal("12.34"), "LANE1")
    rows = list(csv.reader(io.StringIO(report.csv_text())))
    assert ["review", "LANE1", "clerk7", "needs_review", "", "12.34", a.id] == rows[-1][:7]
    assert report.by_status["needs_review"].count == 1


def test_a_failed_lookup_keeps_it_in_review_and_the_lane_blocked(tmp_path, gateway, client):
    journal = Journal(tmp_path / "j.db")
    a = in_review(journal)
    gateway.faults.add("GET", "/v4/customer/*/payments", "error_before", count=10)
    service = make_service(journal, client, gateway, lookup_tries=2)  # start-up reconcile checks it too
    a = journal.get(a.id)
    assert a.state is State.REVIEW and a.note == "Needs review: the answer received was for order X."
    assert "Could not check" in journal.transitions(a.id)[-1].cause
    assert not service.ready
    journal.close()


def test_only_a_payment_in_review_can_be_closed_and_only_by_a_manager(tmp_path, gateway, client, shopper):
    journal = Journal(tmp_path / "j.db")
    service = make_service(journal, client, gateway)
    a = journal.create_attempt("LANE9", "clerk7", CUSTOMER, CARD, "1.00", T0)
    with pytest.raises(NotAllowed, match="only a payment that needs review"):
        service.close_review(a, Approval("m1", "manager", "why"))
    b = in_review(journal, customer=shopper.customer, card=shopper.card)
    with pytest.raises(NotAllowed, match="Only a manager"):
        service.close_review(b, Approval("c1", "clerk", "why"))
    with pytest.raises(NotAllowed, match="reason"):
        service.close_review(b, Approval("m1", "manager", " "))
    gateway.faults.add("GET", "/v4/customer/*/payments", "error_before", count=10)
    with pytest.raises(NotAllowed, match="Could not check"):
        service.close_review(b, Approval("m1", "manager", "why"))
    gateway.faults.clear()
    with pytest.raises(NotAllowed, match="no payment 424242"):
        service.close_review(b, Approval("m1", "manager", "why"), payment_id=424242)
    done = service.close_review(b, Approval("m1", "manager", "nothing at PaySimple"))
    assert done.state is State.ABSENT and "Closed by a manager" in done.note
    assert journal.transitions(done.id)[-1].clerk == "m1"
    journal.close()
