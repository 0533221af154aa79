"""The numbered-migration runner on real SQLite files: order, one transaction per migration, a newer file
refused untouched, a process killed mid-migration, two processes migrating one file at once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from pos_app.migrations import Migration, SchemaTooNew, check_order, migrate, statements, version

ROOT = Path(__file__).resolve().parents[1]

STEPS = (
    Migration(1, "people", "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
                           "INSERT INTO people (name) VALUES ('a;b'), ('it''s')"),
    Migration(2, "audit trigger", """
        CREATE TABLE audit (person INTEGER, what TEXT);
        CREATE TRIGGER people_added AFTER INSERT ON people BEGIN
            INSERT INTO audit VALUES (NEW.id, 'added; by trigger');
        END;
    """),
    Migration(4, "a column, by code", lambda con: con.execute("ALTER TABLE people ADD COLUMN phone TEXT")),
)


def _open(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=10)


def _tables(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}


def test_a_new_file_gets_every_migration_in_order_and_a_second_run_does_nothing(tmp_path):
    con = _open(tmp_path / "db.sqlite")
    assert migrate(con, STEPS, "test file") == 0
    assert version(con) == 4
    assert _tables(con) == {"people", "audit", "people_added"}
    con.execute("INSERT INTO people (name, phone) VALUES ('c', '555')")
    assert con.execute("SELECT what FROM audit").fetchall() == [("added; by trigger",)]
    assert [r[0] for r in con.execute("SELECT name FROM people ORDER BY id")] == ["a;b", "it's", "c"]
    assert migrate(con, STEPS, "test file") == 4
    assert con.execute("SELECT count(*) FROM people").fetchone()[0] == 3  # v1's inserts did not run again
    con.close()


def test_an_old_file_gets_only_the_migrations_above_its_version(tmp_path):
    con = _open(tmp_path / "db.sqlite")
    migrate(con, STEPS[:1], "test file")
    con.execute("INSERT INTO people (name) VALUES ('kept')")
    assert migrate(con, STEPS, "test file") == 1
    assert version(con) == 4
    assert [r[0] for r in con.execute("SELECT name FROM people ORDER BY id")] == ["a;b", "it's", "kept"]
    con.close()


def test_a_list_starting_above_1_migrates_files_made_before_it(tmp_path):
    """A file kind versioned without this runner (user_version 2 by hand) gets the list's first migration."""
    con = _open(tmp_path / "db.sqlite")
    con.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    con.execute("PRAGMA user_version=2")
    assert migrate(con, STEPS[2:], "test file") == 2
    assert version(con) == 4
    assert "phone" in {r[1] for r in con.execute("PRAGMA table_info(people)")}
    con.close()


def test_a_newer_file_is_refused_with_a_clear_error_and_not_changed(tmp_path):
    path = tmp_path / "db.sqlite"
    con = _open(path)
    con.execute("CREATE TABLE future (x)")
    con.execute("PRAGMA user_version=9")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew) as refused:
        migrate(con, STEPS, "customer directory")
    assert (refused.value.what, refused.value.found, refused.value.known) == ("customer directory", 9, 4)
    assert str(refused.value) == ("The customer directory was written by a newer version of the app (schema 9, "
                                  "this app knows 4). Update the app; the file was not changed.")
    assert _tables(con) == {"future"} and version(con) == 9
    con.close()
    assert path.read_bytes() == before


def test_a_failing_migration_is_rolled_back_whole_and_the_ones_before_it_stay(tmp_path):
    def half_then_fail(con: sqlite3.Connection) -> None:
        con.execute("ALTER TABLE people ADD COLUMN phone TEXT")
        con.execute("UPDATE people SET name = 'changed'")
        raise sqlite3.IntegrityError("a row the migration cannot convert")

    con = _open(tmp_path / "db.sqlite")
    with pytest.raises(sqlite3.IntegrityError, match="cannot convert"):
        migrate(con, (*STEPS[:2], Migration(3, "fails", half_then_fail)), "test file")
    assert version(con) == 2 and not con.in_transaction
    assert "phone" not in {r[1] for r in con.execute("PRAGMA table_info(people)")}
    assert [r[0] for r in con.execute("SELECT name FROM people ORDER BY id")] == ["a;b", "it's"]
    assert migrate(con, STEPS, "test file") == 2  # fixed code: the next open goes on from v2
    assert version(con) == 4
    con.close()


def test_a_process_killed_mid_migration_leaves_the_old_version_and_the_next_open_finishes(tmp_path):
    path = tmp_path / "db.sqlite"
    con = _open(path)
    migrate(con, STEPS[:2], "test file")
    con.execute("INSERT INTO people (name) VALUES ('before the crash')")
    con.close()
    code = textwrap.dedent(f"""
        import os, signal, sqlite3
        from pos_app.migrations import Migration, migrate
        def crash(con):
            con.execute("ALTER TABLE people ADD COLUMN phone TEXT")
            con.execute("UPDATE people SET phone = '555'")
            con.execute("CREATE TABLE half (x)")
            os.kill(os.getpid(), signal.SIGKILL)   # no rollback, no close: the power goes
        con = sqlite3.connect({str(path)!r}, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        migrate(con, [Migration(3, "crashes", crash)], "test file")
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == -9, proc.stderr
    con = _open(path)
    assert version(con) == 2
    assert "half" not in _tables(con) and "phone" not in {r[1] for r in con.execute("PRAGMA table_info(people)")}
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert migrate(con, STEPS, "test file") == 2 and version(con) == 4
    assert [r[0] for r in con.execute("SELECT name FROM people ORDER BY id")] == ["a;b", "it's", "before the crash"]
    con.close()


def test_two_connections_migrating_one_file_at_once_apply_each_migration_once(tmp_path):
    path = tmp_path / "db.sqlite"
    ran: list[str] = []
    started = threading.Event()

    def slow(con: sqlite3.Connection) -> None:
        ran.append(threading.current_thread().name)
        started.set()
        time.sleep(0.3)  # the other opener arrives meanwhile and waits for the write lock
        con.execute("CREATE TABLE once (x)")

    steps = (Migration(1, "slow", slow),)
    errors: list[BaseException] = []

    def opener() -> None:
        con = _open(path)
        try:
            migrate(con, steps, "test file")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            con.close()

    first = threading.Thread(target=opener, name="first")
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=opener, name="second")
    second.start()
    first.join(10)
    second.join(10)
    assert errors == [] and ran == ["first"]
    assert version(_open(path)) == 1


def test_statements_split_on_semicolons_outside_strings_and_trigger_bodies():
    script = "CREATE TABLE t (x); INSERT INTO t VALUES ('a;b');\nCREATE TRIGGER g AFTER INSERT ON t BEGIN " \
             "SELECT 1; SELECT 2; END;\n  ;  "
    assert list(statements(script)) == [
        "CREATE TABLE t (x);", "INSERT INTO t VALUES ('a;b');",
        "CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;"]
    assert list(statements("SELECT 1")) == ["SELECT 1;"]
    with pytest.raises(ValueError, match="incomplete"):
        list(statements("CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1;"))


def test_a_list_out_of_order_or_empty_is_refused_before_touching_the_file(tmp_path):
    for bad in ((), (STEPS[1], STEPS[0]), (STEPS[0], STEPS[0]), (Migration(0, "zero", "SELECT 1"),)):
        with pytest.raises(ValueError):
            check_order(bad)
    con = _open(tmp_path / "db.sqlite")
    with pytest.raises(ValueError):
        migrate(con, (STEPS[1], STEPS[0]), "test file")
    assert version(con) == 0 and _tables(con) == set()
    con.close()
