"""Storage faults on the counter's screens (offscreen, real window, real shell, real training gateway, real
files): a damaged journal is said so, kept, and a manager restores the latest automatic backup; a damaged
customer list is rebuilt and the counter says what was kept; a data folder that cannot be written stops the
start with the folder's name and the next step."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from pos_app.config import Environment
from pos_app.counter import CounterStart
from pos_app.payments import backups
from pos_app.settings import Settings
from pos_app.ui.shell.shell import Shell
from tests.storage_faults import damage_table, garbage, read_only_folder

ROOT = Path(__file__).resolve().parents[3]


def _journal_with_a_backup(paths, charges: int = 3):
    """A real training start (its start-up backup), charges in the journal, an end-of-day backup of them."""
    from decimal import Decimal

    from pos_app.config import Environment
    from pos_app.counter import Counter, CounterStart
    from pos_app.payments import CustomerRef

    backend = Counter.open(CounterStart(Environment.TRAINING, paths, demo_customers=20))
    try:
        backend.sign_in("Trainee", "0000")
        with_card = [(c, backend.accounts(c.paysimple_id).credit_cards)
                     for c in (backend.directory.get(i) for i in range(1, 21))]
        customer, cards = next((c, cards) for c, cards in with_card if cards)
        for n in range(charges):
            backend.charge(CustomerRef(customer.paysimple_id, customer.display_name), cards[0],
                           Decimal("10.00") + n)
        assert backend.backup_journal("end-of-day") is None
    finally:
        backend.close()
    return backups.latest_backup(paths.journal_db)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_damaged_journal_counter_says_so_and_a_manager_restores_the_latest_backup(qtbot, qapp, paths,
                                                                                   window_factory, english):
    from pos_app.ui.shell.manager_approval import ManagerApprovalDialog
    from tests.ui.shell.helpers import when_modal

    backup = _journal_with_a_backup(paths)
    assert backup is not None and backup.reason == "end-of-day"
    garbage(paths.journal_db)
    damaged = _digest(paths.journal_db)
    shell = Shell(qapp, paths, Settings(), force_training=True)
    try:
        shell.clerks.sign_in("Trainee", "0000")
        window = window_factory()
        shell.attach(window)
        window.start_counter(CounterStart(Environment.TRAINING, paths, demo_customers=20))
        qtbot.waitUntil(lambda: getattr(window, "storage_problem", None) is not None, timeout=30_000)
        dialog = window.storage_problem
        assert window.counter is None  # no payment can be taken
        text = dialog.message.text()
        assert f"The payment journal ({paths.journal_db}) is damaged." in text
        assert "The file was not changed." in text and "sqlite" not in text.lower()
        info = dialog.backup_info.text()
        assert "Latest automatic backup" in info and "(3 payment attempts)" in info and str(backup.path) in info
        assert dialog.restore_button.isVisible() and dialog.restore_button.isDefault()
        assert "payment journal" in window.statusBar().currentMessage()

        def approve(d: ManagerApprovalDialog) -> None:
            d.manager.setCurrentText("Trainer")
            d.pin.setText("1234")
            d.reason.setText("journal damaged; restoring last night's backup")
            d.approve_button.click()

        state = when_modal(ManagerApprovalDialog, approve)
        with qtbot.waitSignal(window.counterReady, timeout=60_000):
            qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        assert state["done"] and state["error"] is None
        assert "Restored 3 payment attempts" in dialog.state.text()
        assert len(window.counter.journal.history(limit=None)) == 3
        [kept] = paths.data_dir.glob("journal.db.replaced-*")
        assert _digest(kept) == damaged and kept.name in dialog.state.text()
        assert not dialog.message.isVisible() and not dialog.backup_info.isVisible()  # "is damaged" no more
        assert dialog.close_button.isDefault()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter closes the message
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
        from pos_app.clerks import ClerkRegistry

        registry = ClerkRegistry(paths.data_dir / "clerks-training.db")  # the clerk file, read as an auditor would
        approvals = [a for a in registry.approvals() if a[3] == "restore_journal"]
        assert len(approvals) == 1 and approvals[0][4] == "journal damaged; restoring last night's backup"
        assert [e.outcome for e in registry.events("restore_journal")] == ["ok"]
        registry.close()
    finally:
        shell.close()


def test_damaged_journal_without_a_backup_says_where_it_looked(qtbot, qapp, paths, window_factory, english):
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    garbage(paths.journal_db)
    window = window_factory()
    window.start_counter(CounterStart(Environment.TRAINING, paths, demo_customers=5))
    qtbot.waitUntil(lambda: getattr(window, "storage_problem", None) is not None, timeout=30_000)
    dialog = window.storage_problem
    assert "No automatic backup was found in" in dialog.backup_info.text()
    assert str(backups.backup_dir(paths.journal_db)) in dialog.backup_info.text()
    assert not dialog.restore_button.isVisible() and dialog.close_button.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter closes it (Close is the only button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert window.counter is None and "payment journal" in window.statusBar().currentMessage()


def test_damaged_customer_list_is_rebuilt_and_the_counter_says_what_was_kept(qtbot, qapp, paths, window_factory,
                                                                                english):
    from pos_app.config import Environment
    from pos_app.counter import Counter, CounterStart
    from pos_app.customers.models import CustomerRecord
    from pos_app.customers.store import ImportRow

    first = Counter.open(CounterStart(Environment.TRAINING, paths, demo_customers=100))
    try:
        first.directory.import_batch([
            ImportRow(CustomerRecord(first_name=f"Imported{i:03d}", last_name="Oldpos", customer_account=f"OLD{i}",
                                     street1=f"{i} Long Street Name For Bigger Rows")) for i in range(400)])
    finally:
        first.close()
    damage_table(paths.directory_db, "customers", which=0.9)
    shell = Shell(qapp, paths, Settings(), force_training=True)
    try:
        shell.clerks.sign_in("Trainee", "0000")
        window = window_factory()
        shell.attach(window)
        with qtbot.waitSignal(window.counterReady, timeout=60_000):
            window.start_counter(CounterStart(Environment.TRAINING, paths, demo_customers=100))
        qtbot.waitUntil(lambda: getattr(window, "storage_notice", None) is not None, timeout=5000)
        text = window.storage_notice.text()
        report = window.counter.directory.recovery
        assert report is not None and str(report.damaged_file) in text
        assert f"{report.local_only} customers added at this counter" in text and report.local_only >= 360
        assert "must be entered again" in text  # part of the damaged file was unreadable
        assert window.counter.search("Imported001")  # the counter works on the rebuilt list
    finally:
        shell.close()


@pytest.mark.parametrize("folder, what", [("data", "data folder"), ("logs", "log folder")])
def test_a_folder_that_cannot_be_written_stops_the_start_with_its_name(tmp_path, folder, what):
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    (home / "logs").mkdir()
    with read_only_folder(home / folder):
        out = subprocess.run([sys.executable, "-m", "tests.ui.shell.storage_start_child", str(home)],
                             capture_output=True, text=True, timeout=90, cwd=ROOT,
                             env=dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen"))
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])
    assert result["window"] is None and result["exit_code"] == 1
    assert result["title"] == "The counter could not start"
    text = result["text"]
    assert f"The {what} ({home / folder})" in text and "read-only" in text and "Make the folder" in text
    assert "sqlite" not in text.lower() and "Errno" not in text


def test_sign_in_on_a_full_disk_names_the_clerk_file_then_works_with_space(qtbot, tmp_path, english):
    from pos_app.clerks import ClerkRegistry
    from pos_app.counter import LocalClerks
    from pos_app.storage_errors import StorageError
    from pos_app.ui.shell.login import LoginDialog
    from tests.storage_faults import fill, small_disk

    with small_disk(tmp_path / "disk", "1m") as disk:
        registry = ClerkRegistry(disk / "clerks-training.db")
        try:
            registry.ensure_training_clerks()
            filler = fill(disk)
            with pytest.raises(StorageError):  # use up what the WAL still had room for
                for _ in range(5000):
                    registry.record("lock", "Trainee", None, "test")
            desk = LocalClerks(disk / "clerks-training.db", Environment.TRAINING)
            dialog = LoginDialog(desk, Environment.TRAINING)
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitUntil(lambda: dialog.ready, timeout=10_000)
            dialog.name.setCurrentText("Trainer")
            qtbot.keyClicks(dialog.pin, "1234")
            qtbot.mouseClick(dialog.sign_in, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)
            text = dialog.message.text()
            assert dialog.clerk is None and dialog.isVisible()
            assert f"The clerk file ({disk / 'clerks-training.db'}) cannot be written: the disk is full." in text
            assert "Free some space" in text and "sqlite" not in text.lower()
            filler.unlink()
            qtbot.keyClicks(dialog.pin, "1234")
            qtbot.mouseClick(dialog.sign_in, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)
            assert dialog.clerk is not None and dialog.clerk.name == "Trainer"
            desk.close()
        finally:
            registry.close()
