"""The throwaway PostgreSQL cluster the shared-storage tests run on (tests/pg_cluster.py): a real server from
Debian's package, reachable only with its password, that survives a crash-restart with every committed row."""

import time

import pg_cluster as pgc
import psycopg
import pytest


def test_a_fresh_database_takes_writes_and_refuses_a_wrong_password(pg_database, pg_cluster):
    with psycopg.connect(pg_database) as con:
        con.execute("CREATE TABLE t (id bigint PRIMARY KEY, note text NOT NULL)")
        con.execute("INSERT INTO t VALUES (1, 'one')")
    with psycopg.connect(pg_database) as con:
        assert con.execute("SELECT note FROM t").fetchall() == [("one",)]
        assert con.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
    wrong = pg_database.replace(pg_cluster.password, "not-the-password")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong, connect_timeout=5)


def test_advisory_locks_are_exclusive_between_connections(pg_database):
    with psycopg.connect(pg_database, autocommit=True) as a, psycopg.connect(pg_database, autocommit=True) as b:
        assert a.execute("SELECT pg_try_advisory_lock(42)").fetchone() == (True,)
        assert b.execute("SELECT pg_try_advisory_lock(42)").fetchone() == (False,)
        a.close()  # a lane that dies drops its lock with its connection (once the server has seen it go)
        deadline = time.monotonic() + 10
        while b.execute("SELECT pg_try_advisory_lock(42)").fetchone() != (True,):
            assert time.monotonic() < deadline, "the lock of a closed connection was never released"
            time.sleep(0.01)


def test_committed_rows_survive_an_immediate_stop(tmp_path):
    pgc.require()
    with pgc.PgCluster() as cluster:
        dsn = cluster.create_database("crash")
        with psycopg.connect(dsn) as con:
            con.execute("CREATE TABLE j (id serial PRIMARY KEY)")
            con.execute("INSERT INTO j DEFAULT VALUES")
        held = psycopg.connect(dsn)
        cluster.restart("immediate")
        with pytest.raises(psycopg.OperationalError):
            held.execute("SELECT 1")
        pgc.wait_until_accepting(dsn)
        with psycopg.connect(dsn) as con:
            assert con.execute("SELECT count(*) FROM j").fetchone() == (1,)
        folder = cluster.folder
    assert not folder.exists()


def test_require_fails_when_postgresql_is_required_and_missing_and_skips_otherwise(monkeypatch):
    monkeypatch.setenv("POS_PG_BIN", "/nonexistent")
    monkeypatch.setenv("POS_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL server binaries not found"):
        pgc.require()
    monkeypatch.delenv("POS_REQUIRE_POSTGRES")
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        pgc.require()
    monkeypatch.delenv("POS_PG_BIN")
    pgc.require()  # installed here: returns


def test_no_test_decides_on_its_own_to_skip_when_postgresql_is_missing():
    """Every test that needs PostgreSQL asks ``pg_cluster.require()`` (fails under POS_REQUIRE_POSTGRES=1): a test
    that skips on ``why_unavailable()``/``available()`` itself would pass unnoticed where the server is required."""
    import re
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    own = re.compile(r"\bwhy_unavailable\s*\(|\b(?:pgc|pg_cluster)\s*\.\s*available\s*\(")
    offenders = [f"{path.relative_to(tests)}:{n}" for path in sorted(tests.rglob("*.py"))
                 if path.name != "pg_cluster.py" and path.resolve() != Path(__file__).resolve()
                 for n, line in enumerate(path.read_text().splitlines(), 1) if own.search(line)]
    assert offenders == []
