"""Numbered schema migrations for the app's SQLite files (the customer directory, the payment journal, the
clerk file): one runner, each file its own ordered list.

A file's schema version is its ``PRAGMA user_version`` (0 for a new, empty file). ``migrate`` applies, in
order, every migration whose number is above it. Each migration runs in its own ``BEGIN IMMEDIATE``
transaction together with the version bump, so:
- a crash, a full disk or an error in the middle of a migration leaves the file exactly at the previous
  version (SQLite rolls the transaction back; ``user_version`` lives in the database header, which the
  transaction covers) and the next open runs that migration again from the start;
- two processes opening one old file at once migrate it once: the version is read again after the write lock
  is taken, and a migration someone else finished is skipped.
A file whose version is above the last migration this code knows was written by a newer app: ``migrate``
raises ``SchemaTooNew`` before writing anything (never guessed at, never downgraded).

A migration is SQL (one or more statements; trigger bodies may contain ``;``) or a callable that gets the
connection inside the transaction. It must not COMMIT, ROLLBACK or change ``user_version`` itself, and SQL
runs statement by statement (``executescript`` would commit the transaction). Migrations are history: once
released, a migration's text never changes; a change of schema is a new migration at the end of the list.
Numbers are strictly increasing and need not start at 1 (a file kind whose older versions were made without
this runner starts its list above them; see docs/decisions/0311-one-migration-runner.md).

The connection must be in autocommit mode (``isolation_level=None``) with no transaction open.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: str | Callable[[sqlite3.Connection], None]


class SchemaTooNew(RuntimeError):
    """The file was written by a newer version of the app; nothing was changed. ``what`` names the file's kind
    ("customer directory"), ``found`` its version, ``known`` the newest this code knows."""

    def __init__(self, what: str, found: int, known: int) -> None:
        self.what, self.found, self.known = what, found, known
        super().__init__(
            f"The {what} was written by a newer version of the app (schema {found}, this app knows {known}). "
            "Update the app; the file was not changed.")


def check_order(migrations: Sequence[Migration]) -> None:
    """Raise ValueError unless the list is non-empty with strictly increasing positive numbers."""
    if not migrations:
        raise ValueError("a migration list needs at least one migration")
    numbers = [m.version for m in migrations]
    if numbers[0] < 1 or any(b <= a for a, b in zip(numbers, numbers[1:], strict=False)):
        raise ValueError(f"migration numbers must be positive and strictly increasing: {numbers}")


def version(con: sqlite3.Connection) -> int:
    return con.execute("PRAGMA user_version").fetchone()[0]


def refuse_newer(con: sqlite3.Connection, migrations: Sequence[Migration], what: str) -> int:
    """Raise ``SchemaTooNew`` when the file is newer than ``migrations``; else return its version. Reads only:
    call it before a setting that writes the file's header (``journal_mode=WAL``) to leave a newer file
    byte for byte as it was."""
    found = version(con)
    if found > migrations[-1].version:
        raise SchemaTooNew(what, found, migrations[-1].version)
    return found


def migrate(con: sqlite3.Connection, migrations: Sequence[Migration], what: str) -> int:
    """Bring the file to the last migration's version; returns the version found before. Raises
    ``SchemaTooNew`` (nothing written) for a newer file; an error inside a migration is raised after that
    migration's transaction was rolled back (the migrations before it stay applied)."""
    check_order(migrations)
    if con.in_transaction:
        raise RuntimeError("migrate() needs a connection with no transaction open")
    known = migrations[-1].version
    found = refuse_newer(con, migrations, what)
    for migration in migrations:
        if migration.version <= found:
            continue
        con.execute("BEGIN IMMEDIATE")
        try:
            current = version(con)
            if current > known:  # a newer app migrated it meanwhile
                raise SchemaTooNew(what, current, known)
            if current < migration.version:
                if callable(migration.apply):
                    migration.apply(con)
                else:
                    for statement in statements(migration.apply):
                        con.execute(statement)
                con.execute(f"PRAGMA user_version={int(migration.version)}")
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                try:
                    con.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the original error is the one to report
            raise
        if current < migration.version:
            log.info("%s: schema migration %d (%s) applied", what, migration.version, migration.name)
    return found


def statements(script: str) -> Iterator[str]:
    """The complete SQL statements of ``script`` in order (a ``;`` inside a string or a trigger body does not
    end a statement). Raises ValueError for text left over after the last complete statement."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                yield buffer.strip()
            buffer = ""
    if buffer[:-1].strip():
        raise ValueError(f"incomplete SQL statement at the end of a migration: {buffer[:-1].strip()[:80]!r}")
