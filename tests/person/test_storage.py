"""Issue 15 as a person meets it: a damaged payment journal at start-up. Real app, real X display with a window
manager, real keys (see README.md); the verdict is read on the screen, in the journal and in the clerk file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

from pos_app.payments import AccountRef, CustomerRef, Journal, State
from pos_app.payments.backups import take_backup
from tests.storage_faults import garbage


def _damaged_journal_with_a_backup(home) -> bytes:
    """Test set-up: yesterday's journal (3 finished attempts), its automatic backup, then damage."""
    data = home / "data"
    now = datetime.now(UTC)
    card = AccountRef(id=11, kind="cc", last4="1111", brand="Visa")
    with Journal(data / "journal.db") as j:
        for n in range(3):
            a = j.create_attempt("LANE1", "2", CustomerRef(900 + n, f"Earlier {n}"), card, Decimal("3.00") + n, now)
            j.transition(a.id, State.CREATED, State.SENDING, "test set-up", "2", now)
            j.transition(a.id, State.SENDING, State.ABSENT, "test set-up", "2", now)
    take_backup(data / "journal.db", "end-of-day")
    return garbage(data / "journal.db")


def test_damaged_journal_is_said_kept_and_a_manager_restores_the_backup_with_the_keyboard(run_scenario, tmp_path):
    home = tmp_path / "home"
    damaged = _damaged_journal_with_a_backup(home)
    r = run_scenario("damaged_journal_restored_by_a_manager")
    assert r["problem_shown"], r["steps"]
    assert r["active_at_start"] == "The counter could not start"
    assert f"({home / 'data' / 'journal.db'}) is damaged" in r["message"]
    assert "The file was not changed." in r["message"] and "sqlite" not in r["message"].lower()
    assert "(3 payment attempts)" in r["backup_info"] and "journal-backups" in r["backup_info"]
    assert r["backend_before"] is False and "payment journal" in r["status_bar"]
    assert r["approval_active"] == "Manager approval"
    assert r["restarted"], r["restore_state"]
    assert "Restored 3 payment attempts" in r["restore_state"]
    assert r["damage_text_after_restore"] is False  # "is damaged … not changed" is gone once restored
    assert r["active_after_close"] in ("Sign in", "Counter · PaySimple (Training)")
    assert r["signed_in"] and r["picked"], r["steps"]
    assert r["result"] == "Approved"
    journal = [(row["state"], row["amount_cents"]) for row in r["journal"]]
    assert journal == [("absent", 300), ("absent", 400), ("absent", 500), ("approved", 555)]
    [kept] = (home / "data").glob("journal.db.replaced-*")
    assert kept.read_bytes() == damaged  # the damaged journal is kept as it was
    with sqlite3.connect(home / "data" / "clerks-training.db") as db:
        approvals = db.execute("SELECT action, reason FROM approvals WHERE action = 'restore_journal'").fetchall()
    assert approvals == [("restore_journal", "journal damaged, restoring the backup")]


def test_a_damaged_settings_file_is_kept_and_the_first_clerk_is_told(run_scenario):
    r = run_scenario("damaged_settings_are_said_after_sign_in")
    assert r["signed_in"] and r["told"], r["steps"]
    assert "could not be read" in r["text"] and "settings-training.json.bad" in r["text"], r["text"]
    assert "Manager → Settings…" in r["text"]
    assert r["closed"] and r["active_after"] == "Counter · PaySimple (Training)"
    assert r["kept"] == ["settings-training.json.bad"]


def test_a_read_only_journal_file_is_said_at_start_naming_the_file(run_scenario, tmp_path):
    """Decision 0493 as the person-like trial met it: only journal.db read-only (a read-only bind mount as
    root, chmod 0400 otherwise). The counter used to start silently and fail the first charge with "not
    known"; now it says at start which file is read-only and takes no payment."""
    from tests.storage_faults import read_only_file

    journal = tmp_path / "home" / "data" / "journal.db"
    Journal(journal).close()
    before = journal.read_bytes()
    with read_only_file(journal):
        r = run_scenario("read_only_journal_said_at_start")
    assert r["problem_shown"], r["steps"]
    assert r["active_at_start"] == "The counter could not start"
    message = r["message"]
    assert f"The payment journal ({journal}) cannot be written: the file {journal} is read-only." in message
    assert f"Make the file {journal} writable" in message and "Make the folder" not in message
    assert "sqlite" not in message.lower() and r["restore_visible"] is False
    assert r["backend_before"] is False and r["backend_after_close"] is False
    assert r["status_bar"] == f"No payments: the payment journal ({journal}) has a problem."
    assert r["active_after_close"] != "The counter could not start"
    assert journal.read_bytes() == before
