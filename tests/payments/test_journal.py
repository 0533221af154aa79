"""Journal: write-ahead records, the state machine (unit + hypothesis stateful), the one-open-per-lane rule.

Every guarantee is checked on both ``JournalStore`` implementations (``journal_backend``: SQLite, PostgreSQL)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pos_app.payments import ids
from pos_app.payments.journal import Journal
from pos_app.payments.model import (
    LEGAL,
    OPEN_STATES,
    AccountRef,
    CustomerRef,
    DuplicateAttempt,
    IllegalTransition,
    InvalidCharge,
    LaneBusy,
    State,
)

T0 = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
CUSTOMER = CustomerRef(101, "Ada Lovelace")
CARD = AccountRef(555, "cc", "1111", "Visa")


def new(journal: Journal, lane: str = "LANE1", amount="12.34", now=T0):
    return journal.create_attempt(lane, "clerk7", CUSTOMER, CARD, amount, now)


def test_attempt_is_written_with_everything_and_a_first_transition(journal_backend):
    j = journal_backend.open()
    a = new(j, amount=Decimal("12.34"))
    j.close()
    j = journal_backend.open()  # a fresh connection (another process would see the same)
    b = j.get(a.id)
    assert b == a
    assert b.state is State.CREATED and b.amount == Decimal("12.34") and b.amount_cents == 1234
    assert (b.lane, b.clerk, b.customer_id, b.customer_name) == ("LANE1", "clerk7", 101, "Ada Lovelace")
    assert (b.account_id, b.account_kind, b.account_last4, b.account_brand) == (555, "cc", "1111", "Visa")
    assert b.created_at == T0 and b.created_at.tzinfo is not None
    [t] = j.transitions(a.id)
    assert (t.from_state, t.to_state, t.clerk, t.at) == (None, State.CREATED, "clerk7", T0)


def test_the_sqlite_journal_syncs_every_commit(tmp_path):
    with Journal(tmp_path / "journal.db") as j:
        assert j._query("PRAGMA journal_mode")[0][0] == "wal"
        assert j._query("PRAGMA synchronous")[0][0] == 2  # FULL


def test_attempt_id_is_a_valid_order_id_and_time_ordered():
    a = ids.attempt_id("LANE_20_CHARS_MAXXXX", T0)
    b = ids.attempt_id("LANE_20_CHARS_MAXXXX", T0 + timedelta(milliseconds=1))
    assert len(a) <= 50 and a < b
    assert ids.lane_of(a) == "LANE_20_CHARS_MAXXXX"
    assert ids.lane_of("ORDER-123") is None and ids.lane_of(None) is None


@pytest.mark.parametrize("amount, message", [
    ("0", "more than 0"), ("-1", "more than 0"), ("1.234", "2 decimal"), ("abc", "not a number"),
    (1.5, "not a float"), ("2000000.01", "at most"), ("NaN", "finite"),
])
def test_bad_amounts_are_refused_and_nothing_is_written(journal_store, amount, message):
    j = journal_store
    with pytest.raises(InvalidCharge, match=message):
        new(j, amount=amount)
    assert j.history() == []


def test_bad_lane_and_account_are_refused(journal_store):
    j = journal_store
    with pytest.raises(InvalidCharge, match="Lane"):
        new(j, lane="LANE 1")
    with pytest.raises(InvalidCharge, match="Lane"):
        new(j, lane="L" * 21)
    with pytest.raises(InvalidCharge, match="last 4"):
        AccountRef(1, "cc", "4111111111111111", "Visa")
    with pytest.raises(InvalidCharge, match="kind"):
        AccountRef(1, "card", "1111", "Visa")


def test_full_happy_path_and_illegal_edges(journal_store):
    j = journal_store
    a = new(j)
    a = j.transition(a.id, State.CREATED, State.SENDING, "POST", "clerk7", T0, sent_at=T0)
    with pytest.raises(IllegalTransition):
        j.transition(a.id, State.SENDING, State.VOIDED, "nope", "clerk7", T0)
    with pytest.raises(IllegalTransition):  # stale expectation (compare-and-set)
        j.transition(a.id, State.CREATED, State.SENDING, "again", "clerk7", T0)
    a = j.transition(a.id, State.SENDING, State.APPROVED, "ok", "clerk7", T0, payment_id=9, ps_status="Authorized",
                     auth_code="A1", trace_number="T1", can_void_until=T0 + timedelta(hours=8))
    assert (a.payment_id, a.ps_status, a.auth_code, a.trace_number) == (9, "Authorized", "A1", "T1")
    assert a.can_void_until == T0 + timedelta(hours=8)
    assert [t.to_state for t in j.transitions(a.id)] == [State.CREATED, State.SENDING, State.APPROVED]


def test_database_trigger_refuses_illegal_state_changes_even_behind_the_api(journal_backend):
    a = new(journal_backend.open())
    b = new(journal_backend.open(), lane="LANE2")
    with pytest.raises(Exception) as refused:
        journal_backend.raw("UPDATE attempts SET state = 'approved' WHERE id = ?", (a.id,))
    if journal_backend.kind == "sqlite":
        assert isinstance(refused.value, sqlite3.IntegrityError) and "illegal state transition" in str(refused.value)
    else:
        assert refused.value.sqlstate == "PJ001"  # the trigger's own code, not its text
    with pytest.raises(Exception) as second:  # a second open attempt on a lane, written behind the API
        journal_backend.raw("UPDATE attempts SET lane = 'LANE1' WHERE id = ?", (b.id,))
    assert isinstance(second.value, sqlite3.IntegrityError) or second.value.sqlstate == "23505"
    journal_backend.raw("UPDATE attempts SET state = 'sending' WHERE id = ?", (a.id,))  # a legal edge passes
    fresh = journal_backend.open()
    assert fresh.get(a.id).state is State.SENDING and fresh.get(b.id).lane == "LANE2"


def test_one_open_attempt_per_lane_other_lanes_free(journal_backend):
    j, other_connection = journal_backend.open(), journal_backend.open()
    a = new(j)
    with pytest.raises(LaneBusy) as busy:
        new(other_connection)
    assert busy.value.blocking.id == a.id
    new(j, lane="LANE2")  # another lane is independent
    j.transition(a.id, State.CREATED, State.SENDING, "POST", "c", T0)
    j.transition(a.id, State.SENDING, State.UNKNOWN, "lost", "c", T0)
    with pytest.raises(LaneBusy):  # unknown still blocks the lane
        new(j)
    j.transition(a.id, State.UNKNOWN, State.RECONCILING, "check", "c", T0)
    j.transition(a.id, State.RECONCILING, State.ABSENT, "not there", "c", T0)
    b = new(j)  # absent frees the lane: a NEW attempt
    assert b.id != a.id


def test_an_attempt_id_collision_is_refused_and_not_taken_for_a_busy_lane(journal_backend, monkeypatch):
    """LaneBusy is decided by the database's error code (the lane index's unique violation), not its message: a
    clash on the id (primary key) is a different fault (``DuplicateAttempt``, naming the attempt that has the id)
    and must not be reported as another payment in progress."""
    j = journal_backend.open()
    monkeypatch.setattr(ids, "attempt_id", lambda lane, now: f"{lane}-01JDUPLICATEID0000000000000")
    a = new(j)
    j.transition(a.id, State.CREATED, State.SENDING, "POST", "c", T0)
    a = j.transition(a.id, State.SENDING, State.DECLINED, "declined", "c", T0)  # the lane is free again
    with pytest.raises(DuplicateAttempt) as clash:
        new(j)
    assert not isinstance(clash.value, LaneBusy)
    assert clash.value.existing == a and clash.value.attempt_id == a.id
    assert [x.id for x in j.history(limit=None)] == [a.id]  # nothing half-written


def test_a_caller_chosen_attempt_id_is_kept_once_and_must_be_the_lanes(journal_backend):
    """A store server journals a lane's charge under the lane's own id (its idempotency key): the id is stored
    as given, a second attempt with it is refused whatever its amount, and an id of another lane or of another
    shape is refused before anything is written."""
    j = journal_backend.open()
    key = ids.attempt_id("LANE2", T0)
    a = j.create_attempt("LANE2", "clerk7", CUSTOMER, CARD, "12.34", T0, attempt_id=key)
    assert a.id == key and j.get(key) == a
    j.transition(a.id, State.CREATED, State.SENDING, "POST", "c", T0)
    a = j.transition(a.id, State.SENDING, State.APPROVED, "ok", "c", T0)
    with pytest.raises(DuplicateAttempt) as twice:
        j.create_attempt("LANE2", "clerk7", CUSTOMER, CARD, "99.00", T0, attempt_id=key)
    assert twice.value.existing == a
    for bad in (ids.attempt_id("LANE1", T0), "LANE2-short", f"LANE2-{'Z' * 25}!", key + "0", 12345):
        with pytest.raises(InvalidCharge):
            j.create_attempt("LANE2", "clerk7", CUSTOMER, CARD, "1.00", T0, attempt_id=bad)
    assert [x.id for x in j.history(limit=None)] == [key]


def test_history_filters(journal_store):
    j = journal_store
    made = []
    for i, lane in enumerate(["L1", "L2", "L1"]):
        a = j.create_attempt(lane, f"c{i % 2}", CUSTOMER, CARD, "1.00", T0 + timedelta(hours=i))
        j.transition(a.id, State.CREATED, State.SENDING, "POST", "c", T0)
        j.transition(a.id, State.SENDING, State.DECLINED, "no", "c", T0)
        made.append(a.id)
    assert [a.id for a in j.history()] == made[::-1]
    assert [a.id for a in j.history(lane="L1")] == [made[2], made[0]]
    assert [a.id for a in j.history(clerk="c1")] == [made[1]]
    assert [a.id for a in j.history(since=T0 + timedelta(hours=1))] == [made[2], made[1]]
    assert [a.id for a in j.history(until=T0 + timedelta(hours=1))] == [made[0]]
    assert len(j.history(limit=1)) == 1


class JournalMachine(RuleBasedStateMachine):
    """Random walks over the state machine: legal edges succeed, everything else raises and changes nothing;
    the transitions table is exactly the walk; at most one open attempt per lane."""

    backend = None  # set by the test: each run opens its own store on the backend's journal
    runs = 0

    def __init__(self):
        super().__init__()
        JournalMachine.runs += 1
        self.journal = self.backend.open()
        self.lanes = {"A": f"A{self.runs}", "B": f"B{self.runs}"}  # runs share one database: own lanes
        self.model: dict[str, list[State]] = {}
        self.lane_of: dict[str, str] = {}
        self.now = T0

    def teardown(self):
        self.journal.close()

    def tick(self):
        self.now += timedelta(seconds=1)
        return self.now

    @rule(lane=st.sampled_from(["A", "B"]))
    def create(self, lane):
        lane = self.lanes[lane]
        open_here = [i for i, h in self.model.items() if self.lane_of[i] == lane and h[-1] in OPEN_STATES]
        if open_here:
            with pytest.raises(LaneBusy):
                self.journal.create_attempt(lane, "c", CUSTOMER, CARD, "5.00", self.tick())
        else:
            a = self.journal.create_attempt(lane, "c", CUSTOMER, CARD, "5.00", self.tick())
            self.model[a.id] = [State.CREATED]
            self.lane_of[a.id] = lane

    @precondition(lambda self: self.model)
    @rule(data=st.data(), to=st.sampled_from(list(State)), stale=st.booleans())
    def move(self, data, to, stale):
        attempt_id = data.draw(st.sampled_from(sorted(self.model)))
        current = self.model[attempt_id][-1]
        expected = data.draw(st.sampled_from(list(State))) if stale else current
        if expected == current and (current, to) in LEGAL:
            a = self.journal.transition(attempt_id, expected, to, "walk", "c", self.tick())
            assert a.state is to
            self.model[attempt_id].append(to)
        else:
            with pytest.raises(IllegalTransition):
                self.journal.transition(attempt_id, expected, to, "walk", "c", self.tick())

    @invariant()
    def journal_matches_model(self):
        for attempt_id, history in self.model.items():
            assert self.journal.get(attempt_id).state is history[-1]
            assert [t.to_state for t in self.journal.transitions(attempt_id)] == history
        for lane in self.lanes.values():
            open_count = sum(1 for i, h in self.model.items() if self.lane_of[i] == lane and h[-1] in OPEN_STATES)
            assert open_count <= 1


def test_random_walks_keep_the_state_machine(journal_backend, monkeypatch):
    monkeypatch.setattr(JournalMachine, "backend", journal_backend)
    run_state_machine_as_test(JournalMachine, settings=settings(max_examples=25, stateful_step_count=25,
                                                               deadline=None))


def test_service_refuses_a_lane_that_cannot_start_an_order_id(tmp_path):
    from pos_app.payments import PaymentService

    with Journal(tmp_path / "j.db") as j:
        for bad in ("", "../etc", "LANE 1", "L" * 21):
            with pytest.raises(InvalidCharge, match="Lane"):
                PaymentService(j, gateway=None, lane=bad)
    # no lane lock file was made for a refused lane (only the journal's own open-use lock exists)
    assert sorted(p.name for p in (tmp_path / "j.db.locks").iterdir()) == ["open.lock"]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("j.db")) == []
