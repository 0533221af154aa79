"""The data folder is 0700 and every file in it 0600 (issue 14 §3 files part, decision 0205), read by stat.

Reproduced before the fix: after a normal training start the data and log folders were 0755 and
settings.json, clerks-training.db, journal.db(-wal/-shm), directory.db, training.db and pos-app.log were 0644
(any local account could read customers, payments and PIN hashes, and see the roles). Each test runs the real
code that writes a kind of file, with the ordinary umask 022 in force, and stats what it left behind.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pos_app.private_files import private_file, secure_tree

ROOT = Path(__file__).resolve().parents[3]


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode)
            for p in sorted([root, *root.rglob("*")]) if not p.is_symlink()}


def not_private(root: Path) -> dict[str, str]:
    """Everything under ``root`` that another local account could read or write."""
    wrong = {}
    for name, mode in modes(root).items():
        want = 0o700 if (root / name).is_dir() else 0o600
        if mode != want:
            wrong[name] = oct(mode)
    return wrong


@pytest.fixture
def usual_umask():
    previous = os.umask(0o022)  # what a desktop session has: files 0644 unless the code says otherwise
    yield
    os.umask(previous)


def test_a_real_start_leaves_only_private_files(tmp_path):
    """The app itself (first start, training set-up, sign-in, gateway, sync, journal), in its own process,
    started with umask 022 and an older version's world-readable file in the data folder."""
    old = tmp_path / "data" / "exports" / "old-report.csv"
    old.parent.mkdir(parents=True)
    old.write_text("name\nAda\n")
    os.chmod(old, 0o644)
    os.chmod(old.parent, 0o755)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = "import os, runpy, sys; os.umask(0o022); sys.argv = sys.argv[1:]; runpy.run_module(sys.argv[0], run_name='__main__')"
    out = subprocess.run([sys.executable, "-c", code, "tests.ui.shell.app_start_child", "first", str(tmp_path)],
                         capture_output=True, text=True, timeout=90, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])
    assert result["training_gateway"]
    data, logs = tmp_path / "data", tmp_path / "logs"
    names = set(modes(data))
    assert {"settings.json", "settings-training.json", "clerks-training.db", "journal.db", "directory.db",
            "training.db"} <= names
    assert (logs / "pos-app.log").exists()
    assert not_private(data) == {} and not_private(logs) == {}
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


def test_each_writer_makes_private_files_without_the_apps_umask(usual_umask, tmp_path, qapp):
    from PySide6.QtGui import QTextDocument

    from pos_app.clerks import ClerkRegistry
    from pos_app.config import app_paths
    from pos_app.credentials import installation_id
    from pos_app.customers.csv_import import import_csv
    from pos_app.customers.directory import Directory
    from pos_app.logs import PrivateRotatingFileHandler
    from pos_app.payments import Journal
    from pos_app.payments.eod import EodReport
    from pos_app.payments.locks import OwnerLock
    from pos_app.settings import Settings, save_settings
    from pos_app.training.store import Store
    from pos_app.ui.payments.receipt_print import write_document_pdf, write_receipt_pdf
    from pos_app.ui.shell.crash import CrashHandler

    paths = app_paths(tmp_path / "home").ensure()
    data = paths.data_dir
    save_settings(Settings(), paths.settings_file)
    installation_id(data)
    journal = Journal(data / "live" / "journal.db")
    journal.history(limit=1)
    directory = Directory(data / "live" / "directory.db")
    directory.search("")
    ClerkRegistry(private_file(data / "clerks.db")).close()   # how the shell opens the clerk file
    store = Store(data / "training.db")
    lock = OwnerLock(data / "live" / "journal.db.locks" / "lane-LANE1.lock")
    assert lock.try_acquire()
    lock.release()
    csv_in = tmp_path / "customers.csv"
    csv_in.write_text("FirstName,LastName,Email\nAda,Lovelace,ada@example.com\n", encoding="utf-8")
    report = import_csv(directory, csv_in, report_path=data / "import-reports" / "r.csv")
    assert report.report_path is not None
    outside = tmp_path / "Documents"   # saved where the manager chose (decision 0353)
    outside.mkdir()
    os.chmod(outside, 0o755)
    EodReport(day=date(2026, 12, 5), timezone="UTC", lane=None, clerk=None).to_csv(outside / "eod.csv")
    handler = PrivateRotatingFileHandler(paths.log_dir / "pos-app.log", maxBytes=200, backupCount=2)
    for i in range(20):
        handler.stream.write("x" * 50 + "\n")
        handler.doRollover() if i % 7 == 6 else None
    handler.close()
    crash = CrashHandler(paths.crash_dir)
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        assert crash.write_report(type(exc), exc, exc.__traceback__, "MainThread") is not None
    doc = QTextDocument()
    doc.setPlainText("RECEIPT\nAda Lovelace\n$12.34")
    write_receipt_pdf(doc, outside / "receipt.pdf")
    write_document_pdf(doc, outside / "end-of-day.pdf")
    # the files are private; the person's folder keeps its own mode and holds nothing else
    assert modes(outside) == {".": 0o755, "eod.csv": 0o600, "end-of-day.pdf": 0o600, "receipt.pdf": 0o600}
    assert not_private(data) == {} and not_private(paths.log_dir) == {}
    assert any(n.endswith("journal.db-wal") for n in modes(data)) and any(n.endswith("-shm") for n in modes(data))
    assert len(list(paths.log_dir.glob("pos-app.log*"))) >= 2 and list(paths.crash_dir.iterdir())
    journal.close()
    directory.close()
    store.close()


def test_secure_tree_tightens_an_older_install(tmp_path):
    root = tmp_path / "data"
    (root / "live").mkdir(parents=True)
    for name in ("settings.json", "clerks.db", "live/journal.db", "live/journal.db-wal"):
        (root / name).write_text("x")
        os.chmod(root / name, 0o644)
    os.chmod(root / "live", 0o775)
    elsewhere = tmp_path / "not-ours.txt"
    elsewhere.write_text("x")
    os.chmod(elsewhere, 0o644)
    (root / "link").symlink_to(elsewhere)
    assert secure_tree(root) == 6
    assert not_private(root) == {}
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o644            # a symlink is never followed
    assert secure_tree(root) == 0
