from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_app.clerks import (
    MAX_FAILURES,
    ClerkError,
    ClerkRegistry,
    LockedOut,
    ManagerAction,
    NotAllowed,
    Role,
)


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


@pytest.fixture
def registry(clerk_backend):
    """A registry on each backend (tests/fixtures/clerks.py) with a clock the test moves."""
    clock = Clock()
    reg = clerk_backend.open(clock=clock)
    reg.clock = clock
    return reg


def test_first_manager_then_only_managers_add_clerks(registry):
    with pytest.raises(NotAllowed):
        registry.add("Ann", "1234", Role.CLERK, by=None)
    boss = registry.add("Maria", "482913", Role.MANAGER, by=None)
    with pytest.raises(NotAllowed):
        registry.add("Other", "482913", Role.MANAGER, by=None)
    ann = registry.add("Ann", "1234", Role.CLERK, by=boss)
    with pytest.raises(NotAllowed):
        registry.add("Bob", "5678", Role.CLERK, by=ann)
    assert [c.name for c in registry.list()] == ["Ann", "Maria"]


def test_pin_is_hashed_salted_and_checked(registry, clerk_backend):
    boss = registry.add("Maria", "482913", Role.MANAGER, by=None)
    registry.add("Ann", "482913", Role.CLERK, by=boss)
    rows = clerk_backend.sql("SELECT salt, pin_hash FROM clerks")
    assert rows[0][0] != rows[1][0] and rows[0][1] != rows[1][1]  # same PIN, different salt and hash
    stored = repr([clerk_backend.sql(f"SELECT * FROM {t}") for t in ("clerks", "approvals", "audit_trail")])
    assert "482913" not in stored and b"482913".hex() not in stored
    if clerk_backend.kind == "sqlite":
        assert b"482913" not in Path(clerk_backend.target).read_bytes()
    assert registry.login("maria", "482913").role is Role.MANAGER
    with pytest.raises(ClerkError, match="Wrong name or PIN"):
        registry.login("Maria", "000000")
    with pytest.raises(ClerkError, match="Wrong name or PIN"):
        registry.login("Nobody", "000000")
    with pytest.raises(ClerkError, match="4 to 8 digits"):
        registry.add("Zed", "12a4", Role.CLERK, by=boss)


def test_lockout_after_repeated_failures_and_expiry(registry):
    registry.add("Maria", "482913", Role.MANAGER, by=None)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(ClerkError):
            registry.login("Maria", "111111")
    with pytest.raises(LockedOut):
        registry.login("Maria", "111111")
    with pytest.raises(LockedOut):  # even the right PIN is refused while locked
        registry.login("Maria", "482913")
    registry.clock.now += timedelta(minutes=6)
    assert registry.login("Maria", "482913").name == "Maria"


def test_manager_approval_is_recorded_and_clerks_cannot_approve(registry):
    boss = registry.add("Maria", "482913", Role.MANAGER, by=None)
    ann = registry.add("Ann", "1234", Role.CLERK, by=boss)
    for action in ManagerAction:
        with pytest.raises(NotAllowed):
            registry.approve("Ann", "1234", action, "because", clerk=ann)
    with pytest.raises(ClerkError, match="reason"):
        registry.approve("Maria", "482913", ManagerAction.VOID, "  ", clerk=ann)
    registry.approve("Maria", "482913", ManagerAction.VOID, "customer changed mind", clerk=ann, subject="A1")
    (row,) = registry.approvals()
    assert row[1:] == (boss.id, ann.id, "void", "customer changed mind", "A1")


def test_demo_clerks_only_in_the_training_file(tmp_path):
    from pos_app.clerks import TRAINING_CLERK, TRAINING_MANAGER, clerks_db_path

    real = ClerkRegistry(clerks_db_path(tmp_path, "live"))
    real.ensure_training_clerks()
    assert real.list() == [] and not real.has_manager()  # never a published PIN where money moves
    training = ClerkRegistry(clerks_db_path(tmp_path, "training"))
    training.ensure_training_clerks()
    training.ensure_training_clerks()  # idempotent
    assert {(c.name, c.role) for c in training.list()} == {(TRAINING_MANAGER[0], Role.MANAGER),
                                                           (TRAINING_CLERK[0], Role.CLERK)}
    assert training.login(*TRAINING_MANAGER).is_manager
    assert clerks_db_path(tmp_path, "sandbox") == clerks_db_path(tmp_path, "live")
    real.close()
    training.close()


def test_events_attribute_every_attempt_without_pins(registry):
    boss = registry.add("Maria", "482913", Role.MANAGER, by=None)
    with pytest.raises(ClerkError):
        registry.login("Maria", "999999")
    registry.login("Maria", "482913")
    registry.record("lock", boss.name, boss.id, "locked")
    events = registry.events()
    assert [(e.kind, e.name, e.clerk_id, e.outcome) for e in events] == [
        ("add", "Maria", boss.id, "ok"), ("login", "Maria", boss.id, "wrong_pin"),
        ("login", "Maria", boss.id, "ok"), ("lock", "Maria", boss.id, "locked")]
    assert all(e.at.tzinfo is not None for e in events)
    assert not any("482913" in e.detail or "999999" in e.detail for e in events)


# --- PINs: digits, escalation, races, approvals (issue 13 §7) -----------------------------------------------

@pytest.mark.parametrize("pin", ["４８２９１３", "٤٨٢٩١٣", "۴۸۲۹۱۳", "४८२९१३", "48291３", "⁴⁸²⁹¹³"])
def test_pins_are_ascii_digits_only_and_other_digits_are_not_counted(registry, pin):
    boss = registry.add("Maria", "482913", Role.MANAGER, by=None)
    for _ in range(MAX_FAILURES + 2):  # never counted: they cannot be a PIN
        with pytest.raises(ClerkError) as err:
            registry.login("Maria", pin)
        assert err.value.code == "pin_digits" and "digits 0-9" in str(err.value)
    assert registry.login("Maria", "482913") == boss
    with pytest.raises(ClerkError) as err:
        registry.add("Ann", pin, Role.CLERK, by=boss)
    assert err.value.code == "pin_digits"
    with pytest.raises(ClerkError) as err:
        registry.approve("Maria", pin, ManagerAction.VOID, "typo")
    assert err.value.code == "pin_digits"
    assert registry.approvals() == [] and "482913" not in str(registry.events())


@pytest.mark.parametrize("pin", ["4829 13", "482913\n", "+482913", "482.913"])
def test_a_pin_with_anything_but_digits_is_refused_at_sign_in_without_counting(registry, pin):
    registry.add("Maria", "482913", Role.MANAGER, by=None)
    for _ in range(MAX_FAILURES + 1):
        with pytest.raises(ClerkError) as err:
            registry.login("Maria", pin)
        assert err.value.code == "pin_digits"
    assert registry.login("Maria", "482913").name == "Maria"


def test_clerk_names_refuse_control_and_bidi_characters(registry):
    boss = registry.add("Maria", "482913", Role.MANAGER, by=None)
    for name in ("Ann\r\nAPPROVED", "Ann\u202e", "Ann\x00", "Ann\x1b[2J"):
        with pytest.raises(ClerkError) as err:
            registry.add(name, "1234", Role.CLERK, by=boss)
        assert err.value.code == "name_invalid"
    assert [c.name for c in registry.list()] == ["Maria"]


def lock_out(registry, name="Maria") -> datetime:
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(ClerkError):
            registry.login(name, "111111")
    with pytest.raises(LockedOut) as err:
        registry.login(name, "111111")
    return err.value.until


def test_lockouts_grow_and_a_successful_sign_in_resets_the_escalation(registry):
    registry.add("Maria", "482913", Role.MANAGER, by=None)
    start = registry.clock.now
    assert lock_out(registry) == start + timedelta(minutes=5)
    registry.clock.now = start + timedelta(minutes=6)
    assert lock_out(registry) == registry.clock.now + timedelta(minutes=10)  # the second lockout is longer
    registry.clock.now += timedelta(minutes=11)
    assert registry.login("Maria", "482913").name == "Maria"  # resets the count and the escalation
    assert lock_out(registry) == registry.clock.now + timedelta(minutes=5)


def test_the_last_try_is_locked_even_before_its_pin_is_checked_and_a_right_pin_lifts_it(registry, clerk_backend):
    registry.add("Maria", "482913", Role.MANAGER, by=None)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(ClerkError):
            registry.login("Maria", "111111")
    assert registry.login("Maria", "482913").name == "Maria"  # the 5th try, right: no lockout left behind
    row = clerk_backend.sql("SELECT failures, lockouts, locked_until FROM clerks WHERE name='Maria'")
    assert row == [(0, 0, None)]


CHILD = r"""
import sys, time, json
from pathlib import Path
from pos_app.clerks import ClerkError, LockedOut
from tests.fixtures.clerks import open_registry
target, me, tries, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
reg = open_registry(target)
(go.parent / f"ready-{me}").touch()
while not go.exists():
    time.sleep(0.001)
out = []
for n in range(tries):
    try:
        reg.login("Maria", f"{me}{n}999"[:6])
        out.append("ok")
    except LockedOut:
        out.append("locked")
    except ClerkError as exc:
        out.append(exc.code)
print(json.dumps(out))
"""


def test_eight_processes_guessing_at_once_get_at_most_five_wrong_tries(clerk_backend, tmp_path):
    """8 real processes on one real clerk file, or on one PostgreSQL database (each its own connections),
    started together: the PIN is checked at most MAX_FAILURES times before the lockout, every other try is
    refused unchecked."""
    import json
    import os
    import subprocess
    import sys
    import time

    reg = clerk_backend.open()
    reg.add("Maria", "482913", Role.MANAGER, by=None)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, clerk_backend.target, str(i), "3", str(go)],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for i in range(8)]
    deadline = time.monotonic() + 60
    while sum(1 for i in range(8) if (tmp_path / f"ready-{i}").exists()) < 8:
        assert time.monotonic() < deadline and all(c.poll() is None for c in children)
        time.sleep(0.01)
    go.touch()  # all 8 start guessing at the same moment
    results = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        results += json.loads(out)
    checked = [e for e in reg.events("login") if e.detail.startswith("failures=")]
    assert len(results) == 24 and "ok" not in results
    assert len(checked) == MAX_FAILURES, [(e.outcome, e.detail) for e in reg.events("login")]  # never more
    assert results.count("wrong_pin") == MAX_FAILURES - 1 and results.count("locked") == 24 - (MAX_FAILURES - 1)
    assert sorted(int(e.detail.split()[0].split("=")[1]) for e in checked) == list(range(1, MAX_FAILURES + 1))
    with pytest.raises(LockedOut):
        reg.login("Maria", "482913")  # locked for everyone, the right PIN included


def test_wrong_approval_pins_pause_approvals_not_the_managers_sign_in(registry):
    """Someone else typing wrong PINs into the approval dialog: a growing wait, then approvals by that
    manager pause (recorded); the manager can still sign in, and a right approval PIN resets it all."""
    from pos_app.clerks import ApprovalPaused, ApprovalWait

    boss = registry.add("Maria", "482913", Role.MANAGER, by=None)
    other = registry.add("Omar", "135790", Role.MANAGER, by=boss)
    ann = registry.add("Ann", "2468", Role.CLERK, by=boss)
    waits = []
    for n in range(1, MAX_FAILURES):
        with pytest.raises(ClerkError) as err:
            registry.approve("Maria", "000000", ManagerAction.VOID, "x", clerk=ann)
        assert err.value.code == "approval_wrong_pin" and err.value.values["left"] == MAX_FAILURES - n
        waits.append(err.value.values["wait"])
        with pytest.raises(ApprovalWait) as wait:  # the next try right away: refused unchecked, not counted
            registry.approve("Maria", "482913", ManagerAction.VOID, "x", clerk=ann)
        assert wait.value.seconds == waits[-1]
        registry.clock.now += timedelta(seconds=waits[-1])
    assert waits == [1, 2, 4, 8]  # growing
    with pytest.raises(ApprovalPaused) as paused:
        registry.approve("Maria", "000000", ManagerAction.VOID, "x", clerk=ann)
    assert paused.value.until == registry.clock.now + timedelta(minutes=5) and "can still sign in" in str(paused.value)
    assert registry.login("Maria", "482913") == boss  # her own sign-in is not locked
    with pytest.raises(ApprovalPaused):  # ...but approvals by her are paused, even with the right PIN
        registry.approve("Maria", "482913", ManagerAction.VOID, "x", clerk=ann)
    assert registry.approve("Omar", "135790", ManagerAction.VOID, "x", clerk=ann) == other  # another manager
    events = [(e.kind, e.outcome) for e in registry.events("approve")]
    assert ("approve", "approval_locked") in events
    registry.clock.now += timedelta(minutes=5, seconds=1)
    assert registry.approve("Maria", "482913", ManagerAction.VOID, "ok now", clerk=ann) == boss
    with pytest.raises(ClerkError) as err:  # reset: a fresh count and a 1 s wait again
        registry.approve("Maria", "000000", ManagerAction.VOID, "x", clerk=ann)
    assert err.value.values == {"left": MAX_FAILURES - 1, "wait": 1, "wait_ms": 1000}
    # and a locked-out sign-in does not pause approvals either
    registry.clock.now += timedelta(seconds=2)
    lock_out(registry)
    assert registry.approve("Maria", "482913", ManagerAction.VOID, "still fine", clerk=ann) == boss


def test_a_clerk_file_made_before_numbered_migrations_gains_its_columns_and_keeps_its_clerks(tmp_path):
    """The first clerk files had no ``kdf`` (their PINs use the older scrypt cost) and no ``tag`` column."""
    import sqlite3

    from pos_app.clerks import LEGACY_KDF, ClerkRegistry, hash_pin
    from pos_app.clerkstore.sqlite import MIGRATIONS
    from pos_app.migrations import SchemaTooNew

    path = tmp_path / "clerks.db"
    salt, digest = hash_pin("739164", kdf=LEGACY_KDF)
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE clerks (
          id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, role TEXT NOT NULL,
          salt BLOB NOT NULL, pin_hash BLOB NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
          lockouts INTEGER NOT NULL DEFAULT 0, locked_until TEXT, active INTEGER NOT NULL DEFAULT 1);
    """)
    db.execute("INSERT INTO clerks (name, role, salt, pin_hash) VALUES ('Maria', 'manager', ?, ?)", (salt, digest))
    db.commit()
    db.close()
    registry = ClerkRegistry(path)
    try:
        assert registry.login("Maria", "739164").name == "Maria"  # checked with the older cost
    finally:
        registry.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1].version
    assert {"kdf", "tag"} <= {r[1] for r in db.execute("PRAGMA table_info(clerks)")}
    assert {"approvals", "audit_trail", "integrity", "approval_guard"} <= {
        r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.execute(f"PRAGMA user_version={MIGRATIONS[-1].version + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="clerk file was written by a newer version"):
        ClerkRegistry(path)
    assert path.read_bytes() == before
