"""Numbered schema migrations for the app's stores on PostgreSQL: one runner, each store (component) its own
ordered list. The PostgreSQL counterpart of ``pos_app.migrations`` (SQLite), with the same rules and the same
``Migration`` / ``SchemaTooNew`` types.

A component's schema version is its row in ``schema_versions`` (component, version, migrated_at); no row means
version 0 (a new, empty database). ``migrate`` applies, in order, every migration whose number is above it,
each in its own transaction together with the version bump, so an error, a lost connection or a server crash
in the middle of one leaves the database exactly at the previous version (PostgreSQL rolls the transaction
back, DDL included) and the next start runs that migration again from the start.

Two lanes starting together: the runner holds a session advisory lock (``MIGRATION_LOCK``, waited for up to
the connection's ``lock_timeout``/``statement_timeout``) from reading the version to the last commit, so one
migrates and the other then finds the work done. A database whose version is above the last migration this
code knows was written by a newer app: ``SchemaTooNew`` before anything is written (never downgraded).

A migration's SQL is sent as one simple-query string (several statements and ``$$`` bodies are fine); a
callable gets the psycopg connection inside the transaction. It must not COMMIT or touch ``schema_versions``.
Migrations are history: once released, a migration's text never changes.

The connection must be a psycopg 3 connection in autocommit mode with no transaction open. psycopg is not
imported here (the counter without the ``store`` extra never loads it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pos_app.migrations import Migration, SchemaTooNew, check_order

log = logging.getLogger(__name__)

# pg_advisory_lock(int4, int4) key space of this app: (namespace, key). Namespaces are listed here, once.
LOCK_NAMESPACE_MIGRATIONS = 0x504F5300  # "POS\0"
LOCK_NAMESPACE_LANE = 0x504F5301
LOCK_NAMESPACE_REVERSAL = 0x504F5302
LOCK_NAMESPACE_CUSTOMERS = 0x504F5303  # key 1: customer writes that match by account/name;
#                                       key 2: the store's one PaySimple sync (customers.pg_store.sync_lease)
MIGRATION_LOCK = (LOCK_NAMESPACE_MIGRATIONS, 1)

_VERSIONS = """CREATE TABLE IF NOT EXISTS schema_versions (
    component text PRIMARY KEY,
    version integer NOT NULL CHECK (version >= 0),
    migrated_at timestamptz NOT NULL DEFAULT now())"""


def version(con, component: str) -> int:
    """The component's schema version (0 when it has none yet, or the versions table does not exist)."""
    if not _scalar(con.execute("SELECT to_regclass('schema_versions') IS NOT NULL").fetchone()):
        return 0
    row = con.execute("SELECT version FROM schema_versions WHERE component = %s", (component,)).fetchone()
    return int(_scalar(row)) if row else 0


def _scalar(row):
    """The first value of a row, whatever the connection's row factory (tuples or dicts)."""
    return next(iter(row.values())) if isinstance(row, dict) else row[0]


def migrate(con, component: str, migrations: Sequence[Migration], what: str) -> int:
    """Bring ``component`` to the last migration's version; returns the version found before. Raises
    ``SchemaTooNew`` (nothing written) for a newer database; an error inside a migration is raised after that
    migration's transaction was rolled back (the migrations before it stay applied)."""
    check_order(migrations)
    if not con.autocommit or con.info.transaction_status != 0:  # 0 = IDLE
        raise RuntimeError("migrate() needs an autocommit connection with no transaction open")
    known = migrations[-1].version
    found = version(con, component)  # a quick look first: the usual case (up to date) takes no lock
    if found > known:
        raise SchemaTooNew(what, found, known)
    if found == known:
        return found
    con.execute("SELECT pg_advisory_lock(%s, %s)", MIGRATION_LOCK)
    try:
        con.execute(_VERSIONS)
        found = version(con, component)  # again, under the lock: another lane may have migrated meanwhile
        if found > known:
            raise SchemaTooNew(what, found, known)
        for migration in migrations:
            if migration.version <= found:
                continue
            with con.transaction():
                if callable(migration.apply):
                    migration.apply(con)
                else:
                    con.execute(migration.apply.encode())  # bytes: sent as is, no parameter parsing
                con.execute("INSERT INTO schema_versions (component, version) VALUES (%s, %s)"
                            " ON CONFLICT (component) DO UPDATE SET version = excluded.version, migrated_at = now()",
                            (component, migration.version))
            log.info("%s: schema migration %d (%s) applied", what, migration.version, migration.name)
        return found
    finally:
        try:
            con.execute("SELECT pg_advisory_unlock(%s, %s)", MIGRATION_LOCK)
        except Exception:  # noqa: BLE001 - a lost connection took the lock with it; the first error is the one
            log.debug("migration lock not released (connection gone)")
