"""The SQLite journal's owner locks (payments/locks.py): portable (SQLite's own file locking, no fcntl or msvcrt
on the payment path), exclusive between threads and processes, released by the OS when the holder dies."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from pos_app.payments import locks
from pos_app.payments.journal import Journal

ROOT = Path(__file__).resolve().parents[2]

HOLDER = """
import sys, time
from pathlib import Path
from pos_app.payments import locks
lock = locks.lane_lock(Path(sys.argv[1]), "LANE1")
print("held" if lock.try_acquire() else "busy", flush=True)
time.sleep(60)
"""


def test_payment_code_uses_no_platform_specific_locking():
    offenders = []
    for path in (ROOT / "pos_app" / "payments").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in {"fcntl", "msvcrt", "win32file"}]
    assert offenders == []


def test_a_lock_excludes_other_holders_in_this_process_and_threads(tmp_path):
    journal = tmp_path / "journal.db"
    first = locks.lane_lock(journal, "LANE1")
    assert first.try_acquire() and first.still_held()
    assert not locks.lane_lock(journal, "LANE1").try_acquire()  # another holder, same thread
    seen = []
    t = threading.Thread(target=lambda: seen.append(locks.lane_lock(journal, "LANE1").try_acquire()))
    t.start()
    t.join()
    assert seen == [False]  # another thread
    assert locks.lane_lock(journal, "LANE2").try_acquire()  # other lanes are free
    first.release()
    assert not first.still_held()
    again = locks.lane_lock(journal, "LANE1")
    assert again.try_acquire()
    again.release()
    lock_file = Path(f"{journal}.locks") / "lane-LANE1.lock"
    assert oct(lock_file.stat().st_mode & 0o777) == oct(0o600)


def test_a_lock_held_by_a_killed_process_is_free_at_once(tmp_path):
    journal = tmp_path / "journal.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(journal)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "held"
        assert not locks.lane_lock(journal, "LANE1").try_acquire()  # another process holds it
        second = subprocess.run([sys.executable, "-c", HOLDER.replace("time.sleep(60)", ""), str(journal)],
                                capture_output=True, text=True, env=env, timeout=60)
        assert second.stdout.strip() == "busy"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    mine = locks.lane_lock(journal, "LANE1")
    assert mine.try_acquire()  # kill -9 released it; no hot journal, nothing to clean up
    mine.release()
    assert sorted(p.name for p in Path(f"{journal}.locks").iterdir()) == ["lane-LANE1.lock"]


def test_an_older_empty_lock_file_still_works(tmp_path):
    journal = tmp_path / "journal.db"
    folder = Path(f"{journal}.locks")
    folder.mkdir()
    (folder / "lane-LANE1.lock").write_bytes(b"")  # as the earlier flock files were left
    lock = locks.lane_lock(journal, "LANE1")
    assert lock.try_acquire() and not locks.lane_lock(journal, "LANE1").try_acquire()
    lock.release()


def test_journal_use_shared_while_open_exclusive_for_a_restore(tmp_path):
    path = tmp_path / "journal.db"
    with Journal(path), Journal(path):  # two users at once share it
        use = locks.JournalUse(path)
        assert not use.try_exclusive()
    use = locks.JournalUse(path)
    assert use.try_exclusive()  # nobody has it open
    other = locks.JournalUse(path)
    assert not other.try_shared()
    use.release()
    assert other.try_shared()
    other.release()
