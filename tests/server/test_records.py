"""The store server's records and its rules about time, on both databases (a SQLite file, a PostgreSQL database
in the session's throwaway cluster), without HTTP: enrollment codes, lanes, sessions, approvals, charge keys, the
append-only audit trail; and the server's use cases with a clock the test moves (session idle and absolute
expiry, approval life, code life)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.audit import AuditQuery
from pos_app.clerks import Role
from pos_app.server.db import PgDb, SqliteDb
from pos_app.server.records import MAX_CODE_FAILURES, ChargeKey, Refused, ServerRecords, digest
from pos_app.serverlink import enrollment

T0 = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        database = SqliteDb(tmp_path / "server.db")
    else:
        database = PgDb(request.getfixturevalue("pg_database"))
    yield database
    database.close()


@pytest.fixture
def records(db):
    return ServerRecords(db)


def raw(db, sql: str):
    if db.kind == "sqlite":
        import sqlite3

        con = sqlite3.connect(db.path)
        try:
            con.execute(sql)
            con.commit()
        finally:
            con.close()
    else:
        db.transaction(lambda x: x(sql))


def code(records, lane=None, now=T0, ttl=timedelta(minutes=30)) -> tuple[str, str]:
    text = enrollment.new_code()
    code_id, secret = enrollment.split(text)
    records.add_code(code_id, enrollment.code_key(secret), lane, "Maria", now, now + ttl)
    return code_id, text


def test_a_code_enrolls_once_for_its_lane_and_not_after_it_expired(records):
    code_id, _ = code(records, "LANE1")
    lane = records.enroll(code_id, "LANE1", digest("secret-1"), T0)
    assert lane.active and records.lane("LANE1")[1] == digest("secret-1")
    with pytest.raises(Refused) as used:
        records.enroll(code_id, "LANE1", digest("secret-2"), T0)
    assert used.value.code == "code_used" and records.lane("LANE1")[1] == digest("secret-1")
    other, _ = code(records, "LANE2")
    with pytest.raises(Refused) as wrong_lane:
        records.enroll(other, "LANE3", digest("x"), T0)
    assert wrong_lane.value.code == "code_other_lane"
    late, _ = code(records)
    with pytest.raises(Refused) as expired:
        records.enroll(late, "LANE4", digest("x"), T0 + timedelta(minutes=30))
    assert expired.value.code == "code_expired" and records.lane("LANE4") is None


def test_an_enrolled_lane_is_not_replaced_until_it_is_revoked(records):
    first, _ = code(records)
    records.enroll(first, "LANE1", digest("old"), T0)
    second, _ = code(records)
    with pytest.raises(Refused) as enrolled:
        records.enroll(second, "LANE1", digest("new"), T0)
    assert enrolled.value.code == "lane_enrolled"
    assert records.code(second)[0].used_at is None  # the refusal used nothing up
    records.revoke_lane("LANE1", "Maria", T0)
    assert not records.lane("LANE1")[0].active
    records.enroll(second, "LANE1", digest("new"), T0 + timedelta(minutes=1))
    lane, secret_hash = records.lane("LANE1")
    assert lane.active and secret_hash == digest("new")


def test_wrong_secrets_burn_a_code(records):
    code_id, _ = code(records)
    for _ in range(MAX_CODE_FAILURES):
        records.code_failed(code_id, T0, "wrong")
    with pytest.raises(Refused) as burnt:
        records.enroll(code_id, "LANE1", digest("x"), T0)
    assert burnt.value.code == "code_burnt"


def test_one_active_session_per_lane_and_revocation_ends_them(records):
    code_id, _ = code(records)
    records.enroll(code_id, "LANE1", digest("s"), T0)
    a = records.open_session(digest("a"), "pa", "LANE1", 2, "Carl", "clerk", T0, T0 + timedelta(minutes=30))
    b = records.open_session(digest("b"), "pb", "LANE1", 1, "Maria", "manager", T0, T0 + timedelta(minutes=30))
    assert records.session(digest("a")).ended_at is not None and b.ended_at is None and a.ended_at is None
    records.end_session(digest("b"), T0, "lock")
    assert records.session(digest("b")).locked_at == T0
    c = records.open_session(digest("c"), "pc", "LANE1", 2, "Carl", "clerk", T0, T0 + timedelta(minutes=30))
    records.revoke_lane("LANE1", "Maria", T0 + timedelta(seconds=1))
    assert records.session(digest("c")).ended_at is not None and c.ended_at is None


def test_an_approval_works_once_there_and_then_for_that_and_in_time(records):
    code_id, _ = code(records)
    records.enroll(code_id, "LANE1", digest("s"), T0)
    grant = dict(lane="LANE1", session_id="p1", manager_id=1, manager_name="Maria", action="void",
                 subject="LANE1-01J", reason="asked", now=T0, expires_at=T0 + timedelta(minutes=2))
    records.grant_approval(digest("t1"), **grant)
    for lane, session, action, subject, why in (("LANE2", "p1", "void", "LANE1-01J", "approval_elsewhere"),
                                                 ("LANE1", "p2", "void", "LANE1-01J", "approval_elsewhere"),
                                                 ("LANE1", "p1", "refund", "LANE1-01J", "approval_other_action"),
                                                 ("LANE1", "p1", "void", "LANE1-02K", "approval_other_action")):
        with pytest.raises(Refused) as refused:
            records.use_approval(digest("t1"), lane, session, action, subject, T0)
        assert refused.value.code == why
    records.use_approval(digest("t1"), "LANE1", "p1", "void", "LANE1-01J", T0)
    with pytest.raises(Refused) as twice:
        records.use_approval(digest("t1"), "LANE1", "p1", "void", "LANE1-01J", T0)
    assert twice.value.code == "approval_used"
    records.grant_approval(digest("t2"), **grant)
    with pytest.raises(Refused) as late:
        records.use_approval(digest("t2"), "LANE1", "p1", "void", "LANE1-01J", T0 + timedelta(minutes=2))
    assert late.value.code == "approval_expired"
    with pytest.raises(Refused) as unknown:
        records.use_approval(digest("never"), "LANE1", "p1", "void", "LANE1-01J", T0)
    assert unknown.value.code == "approval_unknown"


def test_a_charge_key_is_claimed_once_when_many_ask_at_once(db):
    """Eight threads with their own records object (as several requests or server instances would) claim one
    key at once: one claim is made, the others get that first claim back."""
    results = []
    start = threading.Barrier(8)

    def claim(n: int):
        mine = ServerRecords(db)
        start.wait()
        results.append(mine.claim_charge(ChargeKey("LANE1-01JAAAAAAAAAAAAAAAAAAAAAAA", "LANE1", f"fp{n}", "p1", 2,
                                                   T0)))

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    made = [key for key, created in results if created]
    assert len(results) == 8 and len(made) == 1
    assert {key.fingerprint for key, _ in results} == {made[0].fingerprint}  # everyone sees the first claim


def test_the_audit_trail_is_append_only_in_the_database(db, records):
    records.audit(T0, "charge", "approved", who="Carl", who_id=2, lane="LANE1", subject_id="LANE1-01J")
    for sql in ("UPDATE server_audit SET outcome = 'declined'", "DELETE FROM server_audit"):
        with pytest.raises(Exception, match="append-only"):
            raw(db, sql)
    [entry] = records.trail.read(AuditQuery(lane="LANE1"))
    assert entry.event.outcome == "approved" and entry.event.at == T0 and entry.event.who_id == 2
    assert records.trail.read(AuditQuery(lane="LANE2")) == []
    assert records.trail.read(AuditQuery(after=entry.position)) == []


# ---- the server's use cases with a clock the test moves --------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def server(tmp_path):
    """A StoreServer on SQLite files and a clerk file (no HTTP, no PaySimple call in these tests: its client
    points at a closed port)."""
    from pos_app.payments import Journal
    from pos_app.paysimple import PaySimpleClient
    from pos_app.server.config import ServerPaths, ServerSettings
    from pos_app.server.customers import ServerCustomers
    from pos_app.server.service import StoreServer, open_clerks
    from tests.fixtures.gateway import closed_port

    paths = ServerPaths(tmp_path / "data").ensure()
    clerks = open_clerks(paths)
    manager = clerks.add("Maria", "97531864", Role.MANAGER, by=None)
    clerks.add("Carl", "86420975", Role.CLERK, by=manager)
    clock = Clock()
    settings = ServerSettings(session_idle_s=600, session_max_s=3600, approval_ttl_s=60, code_ttl_s=300)
    store = StoreServer(paths, settings, SqliteDb(paths.data_dir / "server.db"), Journal(paths.journal),
                        PaySimpleClient(f"http://127.0.0.1:{closed_port()}/v4", "u", "k"),
                        ServerCustomers.open(paths.directory, paths.search_copy, "sqlite"), clerks, "ab" * 32,
                        clock)
    store.test_clock = clock
    yield store
    store.close()


def enrolled(server, lane="LANE1"):
    from pos_app.server.service import Caller

    code_text, _ = server.new_enrollment_code("Maria", lane)
    credential, _ = server.enroll(code_text, lane)
    caller = server.lane_from(f"Lane {credential}")
    assert caller == Caller(lane)
    return caller


def test_a_session_ends_after_its_idle_time_and_its_longest_life(server):
    from pos_app.server.service import ApiError

    caller = enrolled(server)
    token, _ = server.sign_in(caller, "Carl", "86420975")
    for _ in range(5):  # busy: every request within the idle time slides it
        server.test_clock.now += timedelta(seconds=500)
        server.session_from(caller, token)
    server.test_clock.now += timedelta(seconds=601)
    with pytest.raises(ApiError) as idle:
        server.session_from(caller, token)
    assert idle.value.code == "session_expired"
    token, _ = server.sign_in(caller, "Carl", "86420975")
    for _ in range(7):  # 3500 s of steady work
        server.test_clock.now += timedelta(seconds=500)
        server.session_from(caller, token)
    server.test_clock.now += timedelta(seconds=500)  # 4000 s after sign-in, only 500 s after the last request
    with pytest.raises(ApiError) as too_long:
        server.session_from(caller, token)
    assert too_long.value.code == "session_expired"


def test_an_approval_and_a_code_expire_on_the_servers_clock(server):
    from pos_app.server.service import ApiError

    caller = enrolled(server)
    token, _ = server.sign_in(caller, "Carl", "86420975")
    me = server.session_from(caller, token)
    approval, _ = server.approve(me, "void", "Maria", "97531864", "asked", "LANE1-01JZZZZZZZZZZZZZZZZZZZZZZZ")
    server.test_clock.now += timedelta(seconds=61)
    with pytest.raises(ApiError) as late:
        server._use_approval(me, approval, "void", "LANE1-01JZZZZZZZZZZZZZZZZZZZZZZZ")
    assert late.value.code == "approval_expired"
    code_text, _ = server.new_enrollment_code("Maria", "LANE2")
    server.test_clock.now += timedelta(seconds=301)
    with pytest.raises(ApiError) as expired:
        server.enroll(code_text, "LANE2")
    assert expired.value.code == "code_expired"
    wrong = code_text[:-1] + ("0" if code_text[-1] != "0" else "1")
    with pytest.raises(ApiError) as wrong_code:
        server.enroll(wrong, "LANE2")
    assert wrong_code.value.code == "wrong_code"


def test_the_enrollment_proof_binds_the_certificate_and_tells_no_code_apart(server):
    code_text, _ = server.new_enrollment_code("Maria")
    code_id, secret = enrollment.split(code_text)
    nonce = "0f" * 16
    proof = server.enrollment_proof(code_id, nonce)
    assert proof == enrollment.proof(enrollment.code_key(secret), server.fingerprint, nonce)
    assert proof != enrollment.proof(enrollment.code_key(secret), "cd" * 32, nonce)  # another certificate
    unknown = server.enrollment_proof("ZZZZ" if code_id != "ZZZZ" else "YYYY", nonce)
    assert len(unknown) == 64 and unknown != server.enrollment_proof("ZZZZ" if code_id != "ZZZZ" else "YYYY", nonce)
