from datetime import UTC, datetime, timedelta

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
def registry(tmp_path):
    clock = Clock()
    reg = ClerkRegistry(tmp_path / "clerks.db", clock=clock)
    reg.clock = clock
    yield reg
    reg.close()


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


def test_pin_is_hashed_salted_and_checked(registry, tmp_path):
    boss = registry.add("Maria", "482913", Role.MANAGER, by=None)
    registry.add("Ann", "482913", Role.CLERK, by=boss)
    rows = registry._db.execute("SELECT salt, pin_hash FROM clerks").fetchall()
    assert rows[0][0] != rows[1][0] and rows[0][1] != rows[1][1]  # same PIN, different salt and hash
    raw = (tmp_path / "clerks.db").read_bytes()
    assert b"482913" not in raw
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
