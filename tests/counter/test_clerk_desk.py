"""The application layer's clerk use cases (``pos_app.counter.LocalClerks``, part of ``CounterApi``) on real
clerk files: sign-in and the session the counter attributes charges to, lock, typed refusals, approvals the
payments core accepts, clerk management only by a manager (signed in, or an approval this desk issued), and
the GUI-thread guard. No Qt."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest

from pos_app.clerks import MAX_FAILURES, ClerkRegistry
from pos_app.config import Environment
from pos_app.counter import (
    Approval,
    ApprovalPaused,
    ApprovalWait,
    ClerkError,
    ClerkFileTampered,
    ClerkNotAllowed,
    ClerksApi,
    ClerkSignedIn,
    ClerkSignedOut,
    GuiThreadCall,
    LocalClerks,
    LockedOut,
    ManagerAction,
    Role,
    WrongPin,
    set_gui_thread_guard,
)

MANAGER_PIN, CLERK_PIN = "739164", "2468"


@pytest.fixture
def store(tmp_path):
    """A Sandbox/Live-kind clerk file with Maria (manager) and Ann (clerk), and a desk on it."""
    reg = ClerkRegistry(tmp_path / "clerks.db")
    boss = reg.add("Maria", MANAGER_PIN, Role.MANAGER, by=None)
    reg.add("Ann", CLERK_PIN, Role.CLERK, by=boss)
    reg.close()
    desk = LocalClerks(tmp_path / "clerks.db", Environment.LIVE)
    events = []
    desk.events.subscribe(events.append)
    yield desk, events
    desk.close()


def audit(desk: LocalClerks, kind: str | None = None) -> list[tuple[str, str, str]]:
    reg = ClerkRegistry(desk.path)  # the file itself, as an auditor reads it
    try:
        return [(e.kind, e.name, e.outcome) for e in reg.events(kind)]
    finally:
        reg.close()


def test_the_desk_is_a_clerks_api_and_opens_nothing_until_asked(tmp_path):
    desk = LocalClerks.for_data_dir(tmp_path, Environment.LIVE)
    assert isinstance(desk, ClerksApi)
    assert desk.signed_in is None and not desk.locked and desk.clerk_name("7") == "7"
    assert desk.has_manager() is False
    assert not (tmp_path / "clerks.db").exists()  # asking whether there is a manager made no file
    desk.close()


def test_sign_in_makes_the_session_and_says_whether_it_switched(store):
    desk, events = store
    first = desk.sign_in("Ann", CLERK_PIN)
    assert first.clerk.name == "Ann" and first.switched and desk.signed_in == first.clerk
    assert first.at.tzinfo is not None
    again = desk.sign_in("Ann", CLERK_PIN)
    assert not again.switched
    boss = desk.sign_in("Maria", MANAGER_PIN)
    assert boss.switched and desk.signed_in.is_manager
    assert events == [ClerkSignedIn(str(first.clerk.id)), ClerkSignedIn(str(first.clerk.id)),
                      ClerkSignedIn(str(boss.clerk.id))]
    assert desk.clerk_name(str(first.clerk.id)) == "Ann"


def test_wrong_pins_are_typed_refusals_that_keep_the_session(store):
    desk, events = store
    desk.sign_in("Maria", MANAGER_PIN)
    with pytest.raises(WrongPin) as unknown:
        desk.sign_in("Nobody", CLERK_PIN)
    assert unknown.value.left is None and unknown.value.code == "wrong_pin"  # same words as a wrong PIN
    for n in range(1, MAX_FAILURES):
        with pytest.raises(WrongPin) as wrong:
            desk.sign_in("Ann", "1111")
        assert wrong.value.left == MAX_FAILURES - n
    with pytest.raises(LockedOut):
        desk.sign_in("Ann", "1111")
    with pytest.raises(LockedOut):  # the right PIN too, while locked out
        desk.sign_in("Ann", CLERK_PIN)
    with pytest.raises(ClerkError) as digits:
        desk.sign_in("Ann", "２４６８")
    assert digits.value.code == "pin_digits"
    assert desk.signed_in.name == "Maria"  # none of that signed anybody out or in
    assert len(events) == 1


def test_lock_is_recorded_and_the_next_sign_in_ends_it_sign_out_ends_the_session(store):
    desk, events = store
    desk.lock()  # nobody signed in yet: recorded all the same
    ann = desk.sign_in("Ann", CLERK_PIN).clerk
    desk.lock()
    assert desk.locked and desk.signed_in == ann  # work already running stays Ann's
    unlocked = desk.sign_in("Maria", MANAGER_PIN)
    assert not desk.locked and unlocked.switched
    desk.sign_out()
    assert desk.signed_in is None and not desk.locked and events[-1] == ClerkSignedOut()
    trail = audit(desk)
    assert ("lock", "-", "locked") in trail and ("lock", "Ann", "locked") in trail
    assert ("sign_out", "Maria", "ok") in trail
    assert not any(MANAGER_PIN in str(row) or CLERK_PIN in str(row) for row in trail)


def test_an_approval_is_checked_recorded_and_accepted_by_payments(store):
    desk, _events = store
    ann = desk.sign_in("Ann", CLERK_PIN).clerk
    approval = desk.approve(ManagerAction.VOID, "Maria", MANAGER_PIN, "  wrong amount ", subject="LANE1-01X")
    assert (approval.manager_name, approval.role, approval.action, approval.reason) == (
        "Maria", "manager", "void", "wrong amount")
    approval.check()  # what the payments core asks of it
    reg = ClerkRegistry(desk.path)
    [(_at, manager_id, clerk_id, action, reason, subject)] = reg.approvals()
    reg.close()
    assert (str(manager_id), clerk_id, action, reason, subject) == (approval.manager_id, ann.id, "void",
                                                                     "wrong amount", "LANE1-01X")
    with pytest.raises(ClerkNotAllowed):  # a clerk's own PIN never approves
        desk.approve(ManagerAction.REFUND, "Ann", CLERK_PIN, "customer asked")
    with pytest.raises(ClerkError) as no_reason:
        desk.approve(ManagerAction.REFUND, "Maria", MANAGER_PIN, "   ")
    assert no_reason.value.code == "reason_required"


def test_wrong_approval_pins_wait_then_pause_that_manager_never_her_sign_in(store, tmp_path):
    """On the desk's clock: each wrong approval PIN makes the next try wait longer (an early try is refused
    unchecked); the fifth pauses approvals by Maria; her sign-in is untouched."""
    from datetime import UTC, datetime

    desk, _events = store
    desk.close()
    now = [datetime(2026, 12, 5, 15, 0, tzinfo=UTC)]
    desk = LocalClerks(desk.path, Environment.LIVE, clock=lambda: now[0])
    waits = []
    for n in range(1, MAX_FAILURES):
        with pytest.raises(WrongPin) as wrong:
            desk.approve(ManagerAction.REFUND, "Maria", "111111", "x")
        assert wrong.value.code == "approval_wrong_pin" and wrong.value.left == MAX_FAILURES - n
        waits.append(wrong.value.values["wait_ms"])
        with pytest.raises(ApprovalWait):  # too soon, even with the right PIN: refused unchecked
            desk.approve(ManagerAction.REFUND, "Maria", MANAGER_PIN, "x")
        now[0] += timedelta(milliseconds=wrong.value.values["wait_ms"] + 1)
    assert waits == sorted(waits) and waits[-1] > waits[0]  # the wait grows
    with pytest.raises(ApprovalPaused):
        desk.approve(ManagerAction.REFUND, "Maria", "111111", "x")
    now[0] += timedelta(seconds=30)
    with pytest.raises(ApprovalPaused):  # paused: the right PIN does not approve either
        desk.approve(ManagerAction.REFUND, "Maria", MANAGER_PIN, "x")
    assert desk.sign_in("Maria", MANAGER_PIN).clerk.is_manager  # her sign-in was never counted
    assert ("approve", "Maria", "approval_locked") in audit(desk, "approve")
    desk.close()


def test_clerk_changes_need_the_signed_in_manager_or_an_approval_this_desk_gave(store):
    desk, _events = store
    with pytest.raises(ClerkNotAllowed):  # nobody signed in
        desk.add_clerk("Bob", "1357", Role.CLERK)
    desk.sign_in("Ann", CLERK_PIN)
    with pytest.raises(ClerkNotAllowed):  # a clerk
        desk.add_clerk("Bob", "1357", Role.CLERK)
    made_up = Approval("1", "manager", "trust me", "Maria", "manage_clerks")
    with pytest.raises(ClerkNotAllowed):  # an approval this desk never gave (a screen's, a replay)
        desk.add_clerk("Bob", "1357", Role.CLERK, made_up)
    void = desk.approve(ManagerAction.VOID, "Maria", MANAGER_PIN, "refund")
    with pytest.raises(ClerkNotAllowed):  # given, but for another action
        desk.add_clerk("Bob", "1357", Role.CLERK, void)
    manage = desk.approve(ManagerAction.MANAGE_CLERKS, "Maria", MANAGER_PIN, "new starter")
    bob = desk.add_clerk("Bob", "1357", Role.CLERK, manage)
    assert desk.clerk_name(str(bob.id)) == "Bob"
    assert desk.reset_pin(bob.id, "8642", manage).name == "Bob"
    assert desk.sign_in("Bob", "8642").clerk == bob
    desk.sign_in("Maria", MANAGER_PIN)
    assert desk.remove_clerk(bob.id).name == "Bob"  # the signed-in manager, no approval needed
    with pytest.raises(ClerkError) as gone:
        desk.remove_clerk(bob.id)
    assert gone.value.code == "no_such_clerk"
    with pytest.raises(ClerkError) as last:
        desk.remove_clerk(desk.signed_in.id)
    assert last.value.code == "remove_self"
    assert [c.name for c in desk.clerks()] == ["Ann", "Maria"]


def test_every_pin_check_and_file_access_is_refused_on_the_gui_thread(store):
    desk, _events = store
    set_gui_thread_guard(True)
    try:
        for call in (lambda: desk.clerks(), lambda: desk.has_manager(), lambda: desk.sign_in("Ann", CLERK_PIN),
                     lambda: desk.lock(), lambda: desk.sign_out(),
                     lambda: desk.approve(ManagerAction.VOID, "Maria", MANAGER_PIN, "x"),
                     lambda: desk.add_clerk("Bob", "1357", Role.CLERK)):
            with pytest.raises(GuiThreadCall):
                call()
        assert desk.signed_in is None and not desk.locked and desk.clerk_name("1") == "1"  # plain values: fine
        done = []
        worker = threading.Thread(target=lambda: done.append(desk.sign_in("Ann", CLERK_PIN)))
        worker.start()
        worker.join(30)
        assert done and done[0].clerk.name == "Ann"  # the same call on a worker
    finally:
        set_gui_thread_guard(False)


def test_a_tampered_file_is_refused_at_the_first_call(tmp_path):
    path = tmp_path / "clerks.db"
    reg = ClerkRegistry(path, integrity_key=b"k" * 32, key_is_new=True)
    boss = reg.add("Maria", MANAGER_PIN, Role.MANAGER, by=None)
    reg.add("Ann", CLERK_PIN, Role.CLERK, by=boss)
    reg.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE clerks SET role='manager' WHERE name='Ann'")
    desk = LocalClerks(path, Environment.LIVE, integrity_key=lambda _p: (b"k" * 32, False))
    with pytest.raises(ClerkFileTampered):
        desk.clerks()
    with pytest.raises(ClerkFileTampered):
        desk.sign_in("Ann", CLERK_PIN)
    assert desk.signed_in is None
    desk.close()


def test_training_file_gets_the_demo_clerks_on_first_use(tmp_path):
    desk = LocalClerks.for_data_dir(tmp_path, Environment.TRAINING)
    assert [(c.name, c.role) for c in desk.clerks()] == [("Trainee", Role.CLERK), ("Trainer", Role.MANAGER)]
    assert (tmp_path / "clerks-training.db").exists() and not (tmp_path / "clerks.db").exists()
    desk.close()
