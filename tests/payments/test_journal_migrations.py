"""Journals written before numbered migrations open and are upgraded in place; a crash mid-migration leaves
the old journal intact; a newer journal is refused untouched; the code's states match the migrated schema."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pos_app.migrations import SchemaTooNew
from pos_app.payments.journal import SCHEMA_VERSION, Journal
from pos_app.payments.model import LEGAL, OPEN_STATES, AccountRef, CustomerRef, LaneBusy, State

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
CUSTOMER = CustomerRef(101, "Ada Lovelace")
CARD = AccountRef(555, "cc", "1111", "Visa")

# The schema of the first released journal (user_version 1): no absent_after / ACH columns, no needs_review.
V1_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id TEXT PRIMARY KEY CHECK (length(id) <= 50),
    lane TEXT NOT NULL,
    clerk TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    customer_name TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    account_kind TEXT NOT NULL CHECK (account_kind IN ('cc', 'ach')),
    account_last4 TEXT NOT NULL CHECK (length(account_last4) = 4),
    account_brand TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    payment_id INTEGER,
    ps_status TEXT,
    auth_code TEXT,
    trace_number TEXT,
    failure_code TEXT,
    failure_description TEXT,
    failure_action TEXT,
    can_void_until TEXT,
    refund_payment_id INTEGER,
    note TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS one_open_charge_per_lane ON attempts(lane) WHERE state IN ('created','reconciling','sending','unknown');
CREATE INDEX IF NOT EXISTS attempts_created ON attempts(created_at);
CREATE INDEX IF NOT EXISTS attempts_state ON attempts(state);
CREATE TABLE IF NOT EXISTS transitions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id TEXT NOT NULL REFERENCES attempts(id),
    at TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    cause TEXT NOT NULL,
    clerk TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transitions_attempt ON transitions(attempt_id, seq);
CREATE INDEX IF NOT EXISTS transitions_at ON transitions(at);
CREATE TABLE IF NOT EXISTS legal_transitions (
    from_state TEXT NOT NULL, to_state TEXT NOT NULL, PRIMARY KEY (from_state, to_state)
);
CREATE TRIGGER IF NOT EXISTS attempts_legal_state BEFORE UPDATE OF state ON attempts
WHEN NOT EXISTS (SELECT 1 FROM legal_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
BEGIN SELECT RAISE(ABORT, 'illegal state transition'); END;
CREATE TABLE IF NOT EXISTS reversals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id TEXT NOT NULL REFERENCES attempts(id),
    kind TEXT NOT NULL CHECK (kind IN ('void', 'refund')),
    manager_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT,
    payment_id INTEGER
);
CREATE INDEX IF NOT EXISTS reversals_finished ON reversals(finished_at);
"""
V1_LEGAL = [
    ("created", "sending"), ("created", "reconciling"), ("sending", "approved"), ("sending", "declined"),
    ("sending", "unknown"), ("sending", "absent"), ("sending", "rejected"), ("unknown", "reconciling"),
    ("reconciling", "approved"), ("reconciling", "declined"), ("reconciling", "absent"), ("reconciling", "unknown"),
    ("approved", "void_pending"), ("void_pending", "voided"), ("void_pending", "approved"),
    ("approved", "refund_pending"), ("refund_pending", "refunded"), ("refund_pending", "approved"),
]
# The schema the journal had just before numbered migrations (user_version 2, every column, needs_review).
V2_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id TEXT PRIMARY KEY CHECK (length(id) <= 50),
    lane TEXT NOT NULL,
    clerk TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    customer_name TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    account_kind TEXT NOT NULL CHECK (account_kind IN ('cc', 'ach')),
    account_last4 TEXT NOT NULL CHECK (length(account_last4) = 4),
    account_brand TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    payment_id INTEGER,
    ps_status TEXT,
    auth_code TEXT,
    trace_number TEXT,
    failure_code TEXT,
    failure_description TEXT,
    failure_action TEXT,
    can_void_until TEXT,
    refund_payment_id INTEGER,
    absent_after TEXT,
    note TEXT,
    ach_authorization TEXT,
    ach_authorized_by TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS one_open_charge_per_lane ON attempts(lane) WHERE state IN ('created','needs_review','reconciling','sending','unknown');
CREATE INDEX IF NOT EXISTS attempts_created ON attempts(created_at);
CREATE INDEX IF NOT EXISTS attempts_state ON attempts(state);
CREATE TABLE IF NOT EXISTS transitions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id TEXT NOT NULL REFERENCES attempts(id),
    at TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    cause TEXT NOT NULL,
    clerk TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transitions_attempt ON transitions(attempt_id, seq);
CREATE INDEX IF NOT EXISTS transitions_at ON transitions(at);
CREATE TABLE IF NOT EXISTS legal_transitions (
    from_state TEXT NOT NULL, to_state TEXT NOT NULL, PRIMARY KEY (from_state, to_state)
);
CREATE TRIGGER IF NOT EXISTS attempts_legal_state BEFORE UPDATE OF state ON attempts
WHEN NOT EXISTS (SELECT 1 FROM legal_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
BEGIN SELECT RAISE(ABORT, 'illegal state transition'); END;
CREATE TRIGGER IF NOT EXISTS ach_needs_authorization BEFORE INSERT ON attempts
WHEN NEW.account_kind = 'ach' AND (NEW.ach_authorization IS NULL OR NEW.ach_authorized_by IS NULL)
BEGIN SELECT RAISE(ABORT, 'a bank debit needs the customer''s authorization'); END;
CREATE TABLE IF NOT EXISTS reversals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id TEXT NOT NULL REFERENCES attempts(id),
    kind TEXT NOT NULL CHECK (kind IN ('void', 'refund')),
    manager_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT,
    payment_id INTEGER
);
CREATE INDEX IF NOT EXISTS reversals_finished ON reversals(finished_at);
"""
V2_LEGAL = sorted((a.value, b.value) for a, b in LEGAL)
ATTEMPT = ("INSERT INTO attempts (id, lane, clerk, customer_id, customer_name, account_id, account_kind, "
           "account_last4, account_brand, amount_cents, state, created_at, updated_at, sent_at, payment_id) "
           "VALUES (?, ?, 'clerk7', 101, 'Ada Lovelace', 555, 'cc', '1111', 'Visa', ?, ?, ?, ?, ?, ?)")
STAMP = "2026-11-25T15:00:00.000000Z"


def _old_journal(path: Path, schema: str, legal: list[tuple[str, str]], version: int) -> None:
    """A journal as the old code left it: one approved charge and one in flight on LANE1."""
    db = sqlite3.connect(path)
    db.executescript(schema)
    db.executemany("INSERT INTO legal_transitions VALUES (?, ?)", legal)
    db.execute(ATTEMPT, ("A-approved", "LANE1", 1234, "approved", STAMP, STAMP, STAMP, 3000001))
    db.execute(ATTEMPT, ("A-sending", "LANE1", 500, "sending", STAMP, STAMP, STAMP, None))
    db.execute("INSERT INTO transitions (attempt_id, at, from_state, to_state, cause, clerk) "
               "VALUES ('A-sending', ?, 'created', 'sending', 'POST /payment', 'clerk7')", (STAMP,))
    db.execute(f"PRAGMA user_version={version}")
    db.commit()
    db.close()


def _read(path: Path, sql: str) -> list[tuple]:
    """The rows of ``sql`` on the file at ``path``, read past the Journal (its own connection, closed after)."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def _columns(path: Path) -> set[str]:
    return {r[1] for r in _read(path, "PRAGMA table_info(attempts)")}


def _user_version(path: Path) -> int:
    return _read(path, "PRAGMA user_version")[0][0]


def _schema(path: Path) -> list[tuple]:
    return sorted(_read(path, "SELECT type, name, sql FROM sqlite_master"))


def _check_upgraded(j: Journal) -> None:
    assert j._query("PRAGMA user_version")[0][0] == SCHEMA_VERSION
    approved = j.get("A-approved")
    assert (approved.state, approved.amount_cents, approved.payment_id) == (State.APPROVED, 1234, 3000001)
    assert approved.absent_after is None and approved.ach_authorization is None
    # the charge in flight still holds the lane, and it may now go to review (a state the old journal lacked)
    with pytest.raises(LaneBusy):
        j.create_attempt("LANE1", "clerk7", CUSTOMER, CARD, "1.00", T0)
    j.transition("A-sending", State.SENDING, State.REVIEW, "the answer was for another order", "clerk7", T0)
    with pytest.raises(LaneBusy):  # needs_review is an open state in the rebuilt index
        j.create_attempt("LANE1", "clerk7", CUSTOMER, CARD, "1.00", T0)
    with pytest.raises(sqlite3.IntegrityError, match="authorization"), j._tx() as db:  # the ACH trigger is there
        db.execute(ATTEMPT.replace("'cc'", "'ach'"), ("A-ach", "LANE2", 100, "created", STAMP, STAMP, None, None))


def test_a_first_release_journal_is_upgraded_in_place(tmp_path):
    path = tmp_path / "journal.db"
    _old_journal(path, V1_SCHEMA, V1_LEGAL, version=1)
    assert "absent_after" not in _columns(path)
    with Journal(path) as j:
        _check_upgraded(j)
    assert {"absent_after", "ach_authorization", "ach_authorized_by"} <= _columns(path)
    with Journal(path) as j:  # a second open changes nothing
        assert j.get("A-sending").state is State.REVIEW


def test_a_journal_made_just_before_numbered_migrations_opens_unchanged_but_for_its_version(tmp_path):
    path = tmp_path / "journal.db"
    _old_journal(path, V2_SCHEMA, V2_LEGAL, version=2)
    before = _schema(path)
    with Journal(path) as j:
        _check_upgraded(j)
    legal = sorted(_read(path, "SELECT from_state, to_state FROM legal_transitions"))
    assert _schema(path) == before and legal == V2_LEGAL


def test_the_migrated_schema_holds_exactly_the_codes_open_states_and_legal_transitions(tmp_path):
    """A change of OPEN_STATES or LEGAL in payments.model fails here until a migration brings journals along."""
    with Journal(tmp_path / "journal.db") as j:
        legal = {(r[0], r[1]) for r in j._query("SELECT from_state, to_state FROM legal_transitions")}
        index = j._query("SELECT sql FROM sqlite_master WHERE name = 'one_open_charge_per_lane'")[0][0]
    assert legal == {(a.value, b.value) for a, b in LEGAL}
    listed = index.split("IN (", 1)[1].rstrip(")").replace("'", "").split(",")
    assert sorted(listed) == sorted(s.value for s in OPEN_STATES)


def test_a_crash_mid_migration_leaves_the_old_journal_intact_and_the_next_open_upgrades_it(tmp_path):
    path = tmp_path / "journal.db"
    _old_journal(path, V1_SCHEMA, V1_LEGAL, version=1)
    code = textwrap.dedent(f"""
        import os, signal
        from pos_app.migrations import Migration
        from pos_app.payments import journal

        real = journal.MIGRATIONS[-1]
        def crash(con):
            real.apply(con)                       # every statement of the upgrade done, not committed
            os.kill(os.getpid(), signal.SIGKILL)  # the power goes
        journal.MIGRATIONS = (*journal.MIGRATIONS[:-1], Migration(real.version, real.name, crash))
        journal.Journal({str(path)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == -9, proc.stderr
    assert _user_version(path) == 1 and "absent_after" not in _columns(path)
    with Journal(path) as j:
        _check_upgraded(j)


def test_a_journal_from_a_newer_app_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "journal.db"
    _old_journal(path, V2_SCHEMA, V2_LEGAL, version=SCHEMA_VERSION + 1)
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="payment journal was written by a newer version"):
        Journal(path)
    assert path.read_bytes() == before
    assert _read(path, "SELECT count(*) FROM attempts") == [(2,)]
