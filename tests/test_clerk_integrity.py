"""The clerk file protects itself (issue 14 §3, decision 0208): integrity tags, manager PIN length, PIN cost.

Reproduced before the fix: ``UPDATE clerks SET role='manager' WHERE name='Ann'`` with the sqlite3 shell made
the clerk Ann a manager: she could approve her own refunds; a PIN hash copied from one row to another let a
known PIN sign in as someone else; a 4-digit manager PIN was accepted; one PIN guess cost ~37-66 ms here.
Each test edits a real clerk file with sqlite3, or the PostgreSQL database with psql-like SQL, the way an
attacker would, and shows the registry refuses it (both backends: ``clerk_backend``, tests/fixtures/clerks.py).
"""

from __future__ import annotations

import hashlib
import os
import statistics
import time

import pytest

from pos_app.clerks import (
    KDF,
    LEGACY_KDF,
    MANAGER_PIN_MIN,
    ClerkError,
    ClerkFileTampered,
    ClerkRegistry,
    ManagerAction,
    Role,
    hash_pin,
)

KEY = bytes(range(32))


@pytest.fixture
def staffed(clerk_backend):
    """A Sandbox/Live clerk store with its key: manager Maria, clerk Ann. Returns (raw SQL, opener)."""
    reg = clerk_backend.open(integrity_key=KEY, key_is_new=True)
    boss = reg.add("Maria", "739164", Role.MANAGER, by=None)
    reg.add("Ann", "2468", Role.CLERK, by=boss)

    def open_(key=KEY, new=False):
        return clerk_backend.open(integrity_key=key, key_is_new=new)

    return clerk_backend.sql, open_


def test_a_clerk_made_manager_with_sqlite_is_refused(staffed):
    sql, open_ = staffed
    sql("UPDATE clerks SET role='manager' WHERE name='Ann'")
    reg = open_()
    with pytest.raises(ClerkFileTampered) as refused:
        reg.approve("Ann", "2468", ManagerAction.REFUND, "my own refund")
    assert refused.value.code == "clerk_file_tampered" and refused.value.values["name"] == "Ann"
    assert "changed outside this app" in str(refused.value) and "backup" in str(refused.value)
    for action in (reg.list, reg.has_manager, lambda: reg.login("Maria", "739164"),
                   lambda: reg.add("Eve", "1111", Role.CLERK, by=reg.get(1))):
        with pytest.raises(ClerkFileTampered):
            action()
    assert reg.approvals() == []


def test_tampering_while_the_app_runs_is_refused_at_the_next_use(staffed):
    sql, open_ = staffed
    reg = open_()
    assert reg.login("Ann", "2468").role is Role.CLERK
    sql("UPDATE clerks SET role='manager' WHERE name='Ann'")
    with pytest.raises(ClerkFileTampered):
        reg.login("Ann", "2468")
    with pytest.raises(ClerkFileTampered):
        reg.get(2)


@pytest.mark.parametrize("attack", ["copy_hash", "insert_row", "reactivate", "drop_fingerprint", "null_tags"])
def test_other_edits_are_refused(staffed, attack):
    sql, open_ = staffed
    if attack == "copy_hash":      # Ann's (known) PIN hash into Maria's row
        sql("UPDATE clerks SET salt=(SELECT salt FROM clerks WHERE name='Ann'), "
                  "pin_hash=(SELECT pin_hash FROM clerks WHERE name='Ann') WHERE name='Maria'")
        probe = ("Maria", "2468")
    elif attack == "insert_row":    # a new manager with a PIN hash made outside the app
        salt, digest = hash_pin("999999")
        sql("INSERT INTO clerks(name, role, salt, pin_hash, kdf) VALUES ('Eve','manager',?,?,?)", salt, digest, KDF)
        probe = ("Eve", "999999")
    elif attack == "reactivate":    # a removed manager brought back
        reg = open_()
        maria = reg.login("Maria", "739164")
        carl = reg.add("Carl", "123456", Role.MANAGER, by=maria)
        reg.deactivate(carl.id, maria)
        sql("UPDATE clerks SET active=TRUE WHERE name='Carl'")
        probe = ("Carl", "123456")
    elif attack == "drop_fingerprint":   # pretend the file was never protected, then edit it
        sql("DELETE FROM integrity")
        sql("UPDATE clerks SET role='manager' WHERE name='Ann'")
        probe = ("Ann", "2468")
    else:
        sql("UPDATE clerks SET tag=NULL")
        probe = ("Maria", "739164")
    with pytest.raises(ClerkFileTampered):
        open_().login(*probe)


def test_the_apps_own_changes_keep_the_file_valid(staffed):
    _sql, open_ = staffed
    reg = open_()
    maria = reg.login("Maria", "739164")
    ann = reg.get(2)
    bob = reg.add("Bob", "5678", Role.CLERK, by=maria)
    reg.reset_pin(ann.id, "8642", by=maria)
    reg.deactivate(bob.id, maria)
    for _ in range(2):
        with pytest.raises(ClerkError):
            reg.login("Ann", "0000")        # failures/lockouts are not part of the tag
    assert reg.login("Ann", "8642").name == "Ann"
    assert reg.approve("Maria", "739164", ManagerAction.VOID, "customer asked").name == "Maria"
    open_().verify()
    assert [c.name for c in open_().list()] == ["Ann", "Maria"]


def test_a_new_key_adopts_an_existing_file_once_and_an_old_key_never_does(clerk_backend):
    plain = clerk_backend.open()                      # before this change: no tags
    boss = plain.add("Maria", "739164", Role.MANAGER, by=None)
    plain.add("Ann", "2468", Role.CLERK, by=boss)
    adopted = clerk_backend.open(integrity_key=KEY, key_is_new=True)
    assert adopted.adopted and [c.name for c in adopted.list()] == ["Ann", "Maria"]
    assert [e.outcome for e in adopted.events("integrity")] == ["adopted"]
    again = clerk_backend.open(integrity_key=KEY, key_is_new=True)  # the same key again: nothing to adopt
    assert not again.adopted and [e.outcome for e in again.events("integrity")] == ["adopted"]
    with pytest.raises(ClerkFileTampered):            # another key (not new): the file is not its file
        clerk_backend.open(integrity_key=bytes(32)).list()


def test_legacy_pin_hashes_check_and_are_upgraded(clerk_backend):
    sql = clerk_backend.sql
    plain = clerk_backend.open()                         # a file from before the tags and the higher cost
    plain.add("Maria", "739164", Role.MANAGER, by=None)
    salt, digest = hash_pin("739164", kdf=LEGACY_KDF)   # as an older version stored it (n = 2**14)
    sql("UPDATE clerks SET salt=?, pin_hash=?, kdf=? WHERE name='Maria'", salt, digest, LEGACY_KDF)
    reg = clerk_backend.open(integrity_key=KEY, key_is_new=True)   # its key is made now: adopted
    assert reg.login("Maria", "739164").name == "Maria"
    assert sql("SELECT kdf FROM clerks WHERE name='Maria'") == [(KDF,)]
    again = clerk_backend.open(integrity_key=KEY)
    assert again.login("Maria", "739164").name == "Maria"


def test_manager_pins_have_at_least_six_digits(tmp_path, staffed):
    _sql, open_ = staffed
    reg = open_()
    maria = reg.login("Maria", "739164")
    for pin in ("1234", "12345"):
        with pytest.raises(ClerkError) as short:
            reg.add("Carl", pin, Role.MANAGER, by=maria)
        assert short.value.code == "pin_format" and short.value.values["min"] == MANAGER_PIN_MIN == 6
    assert reg.add("Carl", "123456", Role.MANAGER, by=maria).is_manager
    assert reg.add("Dee", "1234", Role.CLERK, by=maria).role is Role.CLERK   # clerks keep 4-8 digits
    with pytest.raises(ClerkError, match="6 to 8 digits"):
        reg.reset_pin(maria.id, "4321", by=reg.get(3))
    training = ClerkRegistry(tmp_path / "clerks-training.db")
    training.ensure_training_clerks()                 # the published demo manager keeps PIN 1234
    assert training.login("Trainer", "1234").is_manager
    training.close()


def test_one_pin_guess_costs_at_least_50_ms_here():
    salt = os.urandom(16)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        hash_pin("2468", salt)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) >= 0.050, times
    # The parameters, not just this machine: scrypt with 2**15 x 8 x 128 bytes = 32 MiB per guess.
    assert KDF == "scrypt:15:8:1"
    assert hash_pin("2468", salt)[1] == hashlib.scrypt(b"2468", salt=salt, n=2**15, r=8, p=1, dklen=32,
                                                       maxmem=2**26)
