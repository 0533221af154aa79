"""A counter's search replica: a SQLite ``Directory`` kept from another store's change feed (catch-up).

``follow(source, replica)`` reads ``source.changes(after, limit)`` from the position the replica reached and
writes each page with ``Directory.apply_changes``: the records with the source's local ids, origins, notes and
written times, and the page's ``next_position``, in one transaction. So a crash between pages loses nothing
and repeats nothing (the next call resumes after the last page written), and search finds a record once its
page is written (a large catch-up is indexed as a bulk load: searchable when ``follow`` returns). Edits and
deletions arrive as new states of the same local id (a deleted record leaves the search). The replica's own
"recently seen" ranking stays its own.

``check_copy(path, feed_id, position)`` decides whether a file received whole (a server's snapshot) may become a
replica: sound (``PRAGMA quick_check``), a schema this version reads, a copy of ``feed_id`` at ``position``;
opened once as a ``Directory`` (migrated, pending indexing done). ``SnapshotRefused`` says what is wrong.

A replica follows one feed: a source with another ``feed_id`` (rebuilt, replaced) raises
``directory.FeedMismatch`` and changes nothing; start a fresh replica then. A replica starts empty: a directory
that holds customers of its own (local ids of its own) is refused with ``NotAReplica``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pos_app.customers.directory import Directory, FeedMismatch
from pos_app.customers.schema import SCHEMA_VERSION
from pos_app.customers.store import CustomerStore
from pos_app.storage_errors import StorageError

PAGE = 5000
COPY_MIN_VERSION = 5  # the first directory schema with the change feed a replica follows


class NotAReplica(ValueError):
    """The directory has customers of its own; it cannot become another store's copy (nothing written)."""

    def __init__(self, path) -> None:
        super().__init__(f"The customer list {path} holds customers of its own, so it cannot become a copy of the "
                         "store's list; nothing was changed. Use a new, empty customer list file for the copy.")


@dataclass(frozen=True)
class FollowReport:
    pages: int  # pages written by this call
    changed: int  # records changed in the replica
    position: int  # the source's feed position the replica has reached


def follow(source: CustomerStore, replica: Directory, limit: int = PAGE, max_pages: int | None = None) -> FollowReport:
    """Apply the source's changes after the replica's position until a page comes back short (caught up as of
    that read) or ``max_pages`` pages were written."""
    feed = source.feed_id()
    have, position = replica.replica_position()
    if have is None and replica.count(include_deleted=True):
        raise NotAReplica(replica.path)
    if have is not None and have != feed:
        raise FeedMismatch(have, feed)
    pages = changed = 0
    with replica.bulk():
        while max_pages is None or pages < max_pages:
            page = source.changes(position, limit)
            if page.changes or page.next_position != position:
                changed += replica.apply_changes(feed, page)
                pages += 1
            position = page.next_position
            if len(page.changes) < limit:
                break
    return FollowReport(pages, changed, position)


class SnapshotRefused(ValueError):
    """A file offered as a replica failed a check (``str()`` says which); it must not be used."""


def check_copy(path: Path, feed_id: str, position: int) -> None:
    """Raise ``SnapshotRefused`` unless ``path`` is a sound replica of ``feed_id`` complete up to ``position``
    in a schema this version reads (module docstring); then open it once as a ``Directory``."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise SnapshotRefused(f"not a database ({exc})") from None
    try:
        problems = [str(r[0]) for r in con.execute("PRAGMA quick_check(5)")]
        version = con.execute("PRAGMA user_version").fetchone()[0]
        meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('replica_of', 'replica_position')"))
    except sqlite3.Error as exc:
        raise SnapshotRefused(f"not a sound database ({exc})") from None
    finally:
        con.close()
    if problems != ["ok"]:
        raise SnapshotRefused(f"the file failed its integrity check ({'; '.join(problems)[:300]})")
    if not COPY_MIN_VERSION <= version <= SCHEMA_VERSION:
        raise SnapshotRefused(f"schema version {version}; this version reads {COPY_MIN_VERSION} to {SCHEMA_VERSION}")
    if meta.get("replica_of") != feed_id or meta.get("replica_position") != str(position):
        raise SnapshotRefused("the file is not a copy of the feed and position the server named")
    try:
        Directory(path).close()  # migrates and indexes what was pending, before the file is put in place
    except (sqlite3.Error, StorageError) as exc:
        raise SnapshotRefused(f"the file could not be opened as a customer list ({exc})") from None
