"""Automatic journal backups (online backup API, WAL rows included), their 30-day keep rule, and the
manager-approved restore (``payments.backups``, ``pos-app --restore-journal``) on real SQLite files."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pos_app.clerks import ClerkRegistry, Role, clerks_db_path
from pos_app.payments import AccountRef, CustomerRef, Journal, State
from pos_app.payments import backups as bk
from pos_app.payments.locks import JournalUse
from pos_app.storage_errors import Fault, StorageError, What
from tests.storage_faults import fill, garbage, small_disk

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
CARD = AccountRef(id=11, kind="cc", last4="1111", brand="Visa")


def _add(j: Journal, n: int, start: int = 0) -> list[str]:
    ids = []
    for i in range(start, start + n):
        a = j.create_attempt("LANE1", "clerk1", CustomerRef(i + 1, f"Customer {i}"), CARD, Decimal("1.00") + i, NOW)
        j.transition(a.id, State.CREATED, State.SENDING, "test", "clerk1", NOW)
        j.transition(a.id, State.SENDING, State.ABSENT, "test", "clerk1", NOW)
        ids.append(a.id)
    return ids


def _attempt_ids(path: Path) -> set[str]:
    """The attempt ids a file holds (none when it does not even have the table)."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'attempts'").fetchone() is None:
            return set()
        return {r[0] for r in con.execute("SELECT id FROM attempts")}
    finally:
        con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manager(tmp_path: Path):
    registry = ClerkRegistry(tmp_path / "clerks.db")
    manager = registry.add("Maria", "246813", Role.MANAGER, by=None)
    return registry, manager


# ---- backups -----------------------------------------------------------------------------------------------

def test_backup_has_the_rows_still_in_the_wal_which_a_file_copy_loses(tmp_path):
    path = tmp_path / "journal.db"
    with Journal(path) as j:
        ids = _add(j, 5)
        assert Path(f"{path}-wal").stat().st_size > 0  # the rows are in the WAL, not yet in journal.db
        shutil.copy(path, tmp_path / "copy.db")  # what a plain file copy would keep
        backup = bk.take_backup(path, "startup", now=NOW)
    assert _attempt_ids(tmp_path / "copy.db") != set(ids)  # control: the copy misses WAL rows
    assert _attempt_ids(backup.path) == set(ids)
    assert backup.path.parent == tmp_path / "journal-backups"
    assert backup.path.name == "journal-20260302T150000.000000Z-startup.db"
    assert bk.journal_problems(backup.path) == []
    assert [b.path for b in bk.list_backups(path)] == [backup.path]
    assert not list(backup.path.parent.glob("*.part"))


def test_backup_on_a_full_disk_leaves_no_partial_file_and_the_older_backups(tmp_path):
    with small_disk(tmp_path / "disk", "8m") as disk:
        path = disk / "journal.db"
        with Journal(path) as j:
            _add(j, 20)
            old = bk.take_backup(path, "startup", now=NOW)
            old_digest = _digest(old.path)
            filler = fill(disk)
            with pytest.raises(StorageError) as caught:
                bk.take_backup(path, "end-of-day", now=NOW + timedelta(hours=8))
            exc = caught.value
            assert exc.fault is Fault.DISK_FULL and exc.what is What.BACKUP
            assert "journal backup" in str(exc) and "the disk is full" in str(exc)
            assert sorted(p.name for p in (disk / "journal-backups").iterdir()) == [old.path.name]
            assert _digest(old.path) == old_digest
            filler.unlink()
            new = bk.take_backup(path, "end-of-day", now=NOW + timedelta(hours=8))  # with space again
            assert _attempt_ids(new.path) == _attempt_ids(old.path)


def test_a_damaged_journal_is_never_backed_up(tmp_path):
    path = tmp_path / "journal.db"
    with Journal(path) as j:
        _add(j, 3)
    good = bk.take_backup(path, "startup", now=NOW)
    garbage(path)
    with pytest.raises(StorageError) as caught:
        bk.take_backup(path, "startup", now=NOW + timedelta(days=1))
    assert caught.value.fault is Fault.CORRUPT and caught.value.what is What.JOURNAL
    assert caught.value.path == path
    assert [b.path for b in bk.list_backups(path)] == [good.path]
    assert sorted(p.name for p in bk.backup_dir(path).iterdir()) == [good.path.name]


def test_keep_rule_thirty_days_newest_per_day_and_reason_and_always_the_last_three(tmp_path):
    path = tmp_path / "journal.db"
    with Journal(path) as j:
        _add(j, 1)
    folder = bk.backup_dir(path)
    made = []
    for days_ago in range(0, 60):
        for hour, reason in ((8, "startup"), (12, "startup"), (21, "end-of-day")):
            when = NOW - timedelta(days=days_ago) + timedelta(hours=hour - 15)
            made.append(bk.take_backup(path, reason, now=when, prune=False))
    (folder / "notes.txt").write_text("not a backup")
    deleted = bk.prune_backups(path, now=NOW)
    kept = bk.list_backups(path)
    newest_made = sorted(made, key=lambda b: b.taken_at, reverse=True)
    slots: dict[tuple, datetime] = {}
    for b in made:
        if NOW - b.taken_at <= timedelta(days=30):
            slot = (b.taken_at.date(), b.reason)
            slots[slot] = max(slots.get(slot, b.taken_at), b.taken_at)
    expected = {b.path for b in newest_made[:bk.KEEP_AT_LEAST]} | {
        b.path for b in made if slots.get((b.taken_at.date(), b.reason)) == b.taken_at}
    assert {b.path for b in kept} == expected
    assert len(slots) == 61  # 31 days x 2 reasons, less the two start-ups just over 30 days old
    assert all(NOW - b.taken_at <= timedelta(days=30) for b in kept)
    assert not any(b.reason == "startup" and b.taken_at.hour == 8 and b.taken_at.date() < NOW.date() for b in kept)
    assert len(kept) + len(deleted) == len(made)
    assert (folder / "notes.txt").read_text() == "not a backup"
    # a store closed for two months still keeps its last backups
    much_later = bk.prune_backups(path, now=NOW + timedelta(days=90))
    assert [b.path for b in bk.list_backups(path)] == [b.path for b in kept[:bk.KEEP_AT_LEAST]]
    assert len(much_later) == len(kept) - bk.KEEP_AT_LEAST


# ---- restore -----------------------------------------------------------------------------------------------

def test_restore_keeps_the_replaced_journal_with_every_row_and_records_who(tmp_path):
    path = tmp_path / "journal.db"
    registry, manager = _manager(tmp_path)
    with Journal(path) as j:
        first = _add(j, 3)
        backup = bk.take_backup(path, "startup", now=NOW)
        later = _add(j, 2, start=3)
    report = bk.restore_journal(path, backup.path, manager=manager, reason="damaged after power cut",
                                registry=registry, now=NOW + timedelta(hours=1))
    assert _attempt_ids(path) == set(first)
    assert report.attempts == 3 and report.replaced_attempts == 5
    assert report.kept_as == tmp_path / "journal.db.replaced-20260302T160000.000000Z"
    assert _attempt_ids(report.kept_as) == set(first) | set(later)  # nothing deleted
    assert backup.path.exists() and _attempt_ids(backup.path) == set(first)  # the backup itself unchanged
    with Journal(path) as j:  # the restored journal opens, passes its check and takes new attempts
        _add(j, 1, start=10)
    [event] = [e for e in registry.events() if e.kind == "restore_journal"]
    assert event.clerk_id == manager.id and event.outcome == "ok"
    assert "damaged after power cut" in event.detail and report.kept_as.name in event.detail
    registry.close()


def test_restore_is_refused_while_another_process_has_the_journal_open(tmp_path):
    path = tmp_path / "journal.db"
    registry, manager = _manager(tmp_path)
    with Journal(path) as j:
        _add(j, 2)
    backup = bk.take_backup(path, "startup", now=NOW)
    with Journal(path) as j:
        _add(j, 1, start=5)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from pos_app.payments import Journal
            j = Journal({str(path)!r})
            print("open", flush=True)
            sys.stdin.readline()
            j.close()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "open"
        before = _digest(path)
        with pytest.raises(bk.RestoreRefused) as caught:
            bk.restore_journal(path, backup.path, manager=manager, reason="test", registry=registry)
        assert caught.value.code == "in_use" and "Close the app" in str(caught.value)
        assert _digest(path) == before and not list(tmp_path.glob("journal.db.replaced-*"))
    finally:
        holder.stdin.close()
        holder.wait(20)
    report = bk.restore_journal(path, backup.path, manager=manager, reason="test", registry=registry)
    assert report.attempts == 2  # the same restore once nobody has it open
    registry.close()


def test_a_journal_cannot_be_opened_while_a_restore_holds_it(tmp_path):
    path = tmp_path / "journal.db"
    with Journal(path) as j:
        _add(j, 1)
    use = JournalUse(path)
    assert use.try_exclusive()
    try:
        with pytest.raises(StorageError) as caught:
            Journal(path)
        assert caught.value.fault is Fault.BUSY and "restore is running" in str(caught.value)
    finally:
        use.release()
    Journal(path).close()


@pytest.mark.parametrize("bad", ["garbage", "not-a-journal", "missing"])
def test_a_bad_backup_is_refused_and_nothing_changes(tmp_path, bad):
    path = tmp_path / "journal.db"
    registry, manager = _manager(tmp_path)
    with Journal(path) as j:
        _add(j, 2)
    candidate = tmp_path / "candidate.db"
    if bad == "garbage":
        garbage(candidate)
    elif bad == "not-a-journal":
        con = sqlite3.connect(candidate)
        con.execute("CREATE TABLE something (x)")
        con.commit()
        con.close()
    before = _digest(path)
    with pytest.raises(bk.RestoreRefused) as caught:
        bk.restore_journal(path, candidate, manager=manager, reason="test", registry=registry)
    assert caught.value.code == "bad_backup" and "Nothing was changed" in str(caught.value)
    assert _digest(path) == before and not list(tmp_path.glob("journal.db.*-*"))
    registry.close()


def test_only_a_manager_restores(tmp_path):
    path = tmp_path / "journal.db"
    registry, manager = _manager(tmp_path)
    clerk = registry.add("Tom", "1357", Role.CLERK, by=manager)
    with Journal(path) as j:
        _add(j, 1)
    backup = bk.take_backup(path, "startup", now=NOW)
    with pytest.raises(bk.RestoreRefused) as caught:
        bk.restore_journal(path, backup.path, manager=clerk, reason="test", registry=registry)
    assert caught.value.code == "not_allowed"
    registry.close()


# ---- the command line ------------------------------------------------------------------------------------

def _cli(home: Path, backup: Path, answers: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pos_app", "--restore-journal", str(backup), "--home", str(home),
                           "--training"], input=answers, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)


@pytest.fixture
def training_home(tmp_path):
    home = tmp_path / "home"
    data = home / "data"
    registry = ClerkRegistry(clerks_db_path(data, "training"))
    registry.ensure_training_clerks()  # Trainer/1234 (manager), Trainee/0000 (clerk)
    registry.close()
    with Journal(data / "journal.db") as j:
        first = _add(j, 4)
        backup = bk.take_backup(data / "journal.db", "startup", now=NOW)
        _add(j, 1, start=9)
    garbage(data / "journal.db")  # the journal is damaged now
    return home, data, backup, set(first)


def _damaged_digest(data: Path) -> str:
    return _digest(data / "journal.db")


def test_cli_restores_with_the_manager_pin_of_that_environment_and_records_it(training_home):
    home, data, backup, first = training_home
    damaged = _damaged_digest(data)
    done = _cli(home, backup.path, "y\nTrainer\n1234\njournal damaged by a power cut\n")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Environment: training" in out and str(data / "journal.db") in out and "cannot be read" in out
    assert "4 payment attempts" in out and "kept as" in out
    assert "1234" not in out + done.stderr  # the PIN is never echoed
    assert _attempt_ids(data / "journal.db") == first
    [kept] = data.glob("journal.db.replaced-*")
    assert _digest(kept) == damaged  # the damaged file is kept as it was, not deleted
    registry = ClerkRegistry(clerks_db_path(data, "training"))
    try:
        [approval] = [a for a in registry.approvals() if a[3] == "restore_journal"]
        assert approval[4] == "journal damaged by a power cut" and backup.path.name in approval[5]
        assert [e.outcome for e in registry.events("restore_journal")] == ["ok"]
    finally:
        registry.close()


@pytest.mark.parametrize("answers, why", [("y\nTrainer\n9999\nreason\n", "Wrong name or PIN"),
                                          ("y\nTrainee\n0000\nreason\n", "Only a manager")])
def test_cli_refuses_a_wrong_pin_or_a_clerk_and_changes_nothing(training_home, answers, why):
    home, data, backup, _first = training_home
    before = _digest(data / "journal.db")
    done = _cli(home, backup.path, answers)
    assert done.returncode == 3, done.stdout + done.stderr
    assert why in done.stdout and "Nothing was changed" in done.stdout
    assert _digest(data / "journal.db") == before and not list(data.glob("journal.db.replaced-*"))
    registry = ClerkRegistry(clerks_db_path(data, "training"))
    try:
        assert [a for a in registry.approvals() if a[3] == "restore_journal"] == []
    finally:
        registry.close()


def test_cli_cancel_changes_nothing(training_home):
    home, data, backup, _first = training_home
    before = _digest(data / "journal.db")
    done = _cli(home, backup.path, "n\n")
    assert done.returncode == 2 and "Cancelled. Nothing was changed." in done.stdout
    assert _digest(data / "journal.db") == before
