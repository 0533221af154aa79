"""A counter's search copy of the store server's customers (issue 20, store mode): a SQLite ``Directory`` in the
lane's data folder, kept by a background ``ReplicaFollower`` from the server's change feed
(``GET /v1/customers/changes``).

Contracts:
- The copy is a ``customers.replica`` replica: each page of the feed is written with its position in one
  transaction (``Directory.apply_changes``), so a crash or a cut connection loses nothing and repeats nothing;
  the follower resumes from the stored position at its next start.
- Pages are asked for in the compact rows form (``serverlink.feed``; an older server's object form is read
  too); a page that is not what the feed promises is refused whole (``WireError``, nothing of it written) and
  asked for again after the backoff.
- Catch-up first (pages without waiting, written as one bulk load: searchable when the catch-up ends), then
  live: long-polls of ``wait`` s; a change written at the server is searchable here as soon as its page arrives.
- The server unreachable, restarted or answering 5xx: the follower tries again with backoff (``BACKOFF_S``
  doubling up to ``BACKOFF_MAX_S``); searches keep reading the copy meanwhile. ``connected`` says whether the
  last request reached the server.
- Another feed id (the server's customer list was rebuilt or replaced): the follower fills a new copy next to
  the old one and switches searches to it once it has caught up; the old file is then removed (decision 0412).
- The files are created readable by this user only (0600; SQLite gives its -wal/-shm files the same mode).
- First fill from a snapshot (decision 0461): when the copy is empty (no copy yet) or a new feed id replaces it,
  the follower first asks for ``GET /v1/customers/snapshot`` (a consistent copy of the server's search
  directory, complete up to a feed position): downloaded into a private temp file (0600) in the lane's folder
  under ``SNAPSHOT_MAX_BYTES`` and an overall ``SNAPSHOT_TOTAL_S``, checked (``PRAGMA quick_check``, it is a
  copy of the feed id and at the position the server's headers name, a schema this version reads, opened and
  indexed as a ``Directory``), then moved into place with one rename and followed from that position by the
  catch-up, so changes written while it downloaded are read from the feed. Anything wrong (an older server's
  404, a refusal, a cut or oversized download, a file that fails a check) is logged and the page-by-page
  catch-up fills the copy instead; a half copy is never in place (the temp file is removed). ``filled_by`` says
  how the last first fill went ("snapshot" or "pages").
- The follower's link is its own (``StoreLink`` with the lane credential): its long-polls never hold up a
  clerk's calls. It never sees a clerk session.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pos_app.customers.directory import Directory, FeedMismatch
from pos_app.customers.models import CustomerHit, StoredCustomer
from pos_app.customers.replica import NotAReplica, SnapshotRefused, check_copy
from pos_app.customers.store import Change, ChangePage
from pos_app.serverlink import feed
from pos_app.serverlink import messages as m
from pos_app.serverlink.client import LinkError, ServerRefused, StoreLink, Timeouts
from pos_app.storage_errors import StorageError

log = logging.getLogger(__name__)

FILE_NAME = "store-customers.sqlite"
PAGE = 2000  # records per feed request
WAIT_S = 10  # a live long-poll waits this long on the server
BACKOFF_S, BACKOFF_MAX_S = 0.5, 10.0
SNAPSHOT_PATH = "/v1/customers/snapshot"
SNAPSHOT_MAX_BYTES = 16 << 30  # a snapshot larger than this is refused (1M customers: about 1 GiB)
SNAPSHOT_TOTAL_S = 900.0  # the whole download ends by this


def _create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (then its mode is set to 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        os.chmod(path, 0o600)


def open_copy(path: Path) -> Directory:
    """The copy at ``path`` (created empty, 0600, when missing)."""
    _create_private(path)
    return Directory.open_or_recover(path)


def _remove_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class ReplicaFollower:
    """The lane's copy and the thread that keeps it (module docstring)."""

    snapshot_path = SNAPSHOT_PATH

    def __init__(self, folder: Path | str, url: str, fingerprint: str, credential: str, wait_s: int = WAIT_S,
                 page: int = PAGE, connect_s: float = 3.0, snapshot: bool = True,
                 snapshot_max_bytes: int = SNAPSHOT_MAX_BYTES, snapshot_total_s: float = SNAPSHOT_TOTAL_S) -> None:
        self.folder = Path(folder)
        self.snapshot, self.snapshot_max_bytes, self.snapshot_total_s = snapshot, snapshot_max_bytes, snapshot_total_s
        self.filled_by: str | None = None  # how the last first fill went: "snapshot" | "pages"
        self.path = self.folder / FILE_NAME
        self.wait_s, self.page = int(wait_s), int(page)
        self._link = StoreLink(url, fingerprint, credential,
                               Timeouts(connect=connect_s, read=self.wait_s + 10.0, total=self.wait_s + 15.0))
        self._swap = threading.RLock()
        self._dir = open_copy(self.path)
        self._complete = self._dir.replica_complete()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = False
        self.caught_up = threading.Event()  # set once a catch-up reached the end of the feed
        self.problem: str | None = None  # the last error that stopped following (None while all is well)

    # ---- reading (any worker thread) -------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """The copy is complete: it has caught up with the feed at least once, now or in an earlier run (kept
        in the copy: ``Directory.replica_complete``). While it is not, searches go to the server: a first fill's
        rows are not searchable until it ends. A plain attribute (no storage read): the GUI thread may ask."""
        return self._complete

    def search(self, query: str, limit: int = 50) -> list[CustomerHit]:
        with self._swap:
            return self._dir.search(query, limit)

    def get(self, local_id: int) -> StoredCustomer | None:
        with self._swap:
            return self._dir.get(local_id)

    def count(self) -> int:
        with self._swap:
            return self._dir.count()

    def position(self) -> tuple[str | None, int]:
        with self._swap:
            return self._dir.replica_position()

    # ---- following ------------------------------------------------------------------------------------

    def start(self) -> ReplicaFollower:
        self._thread = threading.Thread(target=self._run, name="customer-copy", daemon=True)
        self._thread.start()
        return self

    def close(self, join_s: float = 2.0) -> None:
        self._stop.set()
        self._link.close()
        if self._thread is not None:
            self._thread.join(join_s)
        with self._swap:
            self._dir.close()

    def _ask(self, after: int, wait: int) -> m.ChangesReply:
        _, data, _ = self._link.request("GET", "/v1/customers/changes",
                                        params={"after": str(after), "limit": str(self.page), "wait": str(wait),
                                                "form": feed.FORM})
        return feed.read_page(data)

    def _step(self, directory: Directory, wait: int) -> int:
        """One request and its page written; returns how many changes it brought. ``FeedMismatch`` when the
        server's feed is not the one this copy follows (nothing written)."""
        have, position = directory.replica_position()
        if have is None and directory.count(include_deleted=True):
            raise NotAReplica(directory.path)
        reply = self._ask(position, wait)
        self.connected = True
        if have is not None and reply.feed_id != have:
            raise FeedMismatch(have, reply.feed_id)
        page = ChangePage([Change(e.position, e.customer) for e in reply.changes], reply.next_position)
        if page.changes or page.next_position != position or have is None:
            directory.apply_changes(reply.feed_id, page)
        return len(reply.changes)

    def catch_up(self, directory: Directory | None = None) -> bool:
        """Pages without waiting until one comes back short (one bulk load). The next page is asked for while
        this one is written (the server reads and encodes it meanwhile); pages are still written one by one, in
        order, each with its position, as ``_step`` writes them. True when it reached the end of the feed;
        False when the follower was stopped first."""
        directory = directory or self._dir
        have, position = directory.replica_position()
        if have is None and directory.count(include_deleted=True):
            raise NotAReplica(directory.path)
        with directory.bulk(), ThreadPoolExecutor(1, thread_name_prefix="customer-copy-ask") as asker:
            ahead = asker.submit(self._ask, position, 0)
            while not self._stop.is_set():
                reply = ahead.result()
                self.connected = True
                if have is not None and reply.feed_id != have:
                    raise FeedMismatch(have, reply.feed_id)
                full = len(reply.changes) >= self.page
                if full:
                    ahead = asker.submit(self._ask, reply.next_position, 0)
                page = ChangePage([Change(e.position, e.customer) for e in reply.changes], reply.next_position)
                if page.changes or page.next_position != position or have is None:
                    directory.apply_changes(reply.feed_id, page)
                have, position = reply.feed_id, reply.next_position
                if not full:
                    return True
        return False

    def _run(self) -> None:
        backoff = BACKOFF_S
        while not self._stop.is_set():
            try:
                if self._empty(self._dir):
                    self._first_fill()
                if not self.catch_up():
                    return  # stopped
                if not self._complete:
                    self._dir.mark_replica_complete()
                    self._complete = True
                self.caught_up.set()
                self.problem, backoff = None, BACKOFF_S
                while not self._stop.is_set():
                    if self._step(self._dir, self.wait_s) >= self.page:
                        self.catch_up()
            except FeedMismatch:
                self._replace()
                continue
            except ServerRefused as exc:
                self.connected = exc.status < 500
                self.problem = str(exc)
                log.warning("customer copy: the store server refused the feed (%s)", exc.code)
            except LinkError as exc:
                self.connected = False
                self.problem = str(exc)
            except (StorageError, NotAReplica, ValueError) as exc:
                self.problem = str(exc)
                log.warning("customer copy: %s", exc)
            except Exception:  # noqa: BLE001 - the follower outlives any one fault; searches go on
                if self._stop.is_set():
                    return  # closed under a request in flight
                log.exception("customer copy: unexpected failure")
            if self._stop.wait(backoff):
                return
            backoff = min(backoff * 2, BACKOFF_MAX_S)

    @staticmethod
    def _empty(directory: Directory) -> bool:
        return directory.replica_position()[0] is None and not directory.count(include_deleted=True)

    def _first_fill(self) -> None:
        """The empty copy from a snapshot when the server has one (module docstring); else left empty for the
        page-by-page catch-up."""
        temp = self._fetch_snapshot()
        if temp is None:
            return
        try:
            with self._swap:
                self._dir.close()
                try:
                    _remove_files(self.path)
                    os.replace(temp, self.path)
                    self._dir = Directory(self.path)
                except BaseException:
                    self._dir = open_copy(self.path)  # an empty copy again: the catch-up fills it
                    raise
        finally:
            _remove_files(temp)

    def _fetch_snapshot(self) -> Path | None:
        """A checked snapshot in a private temp file in the folder (the caller moves or removes it), or None
        (logged; nothing left behind) when there is none to use."""
        self.filled_by = "pages"
        if not self.snapshot or self._stop.is_set():
            return None
        started = time.monotonic()
        fd, name = tempfile.mkstemp(prefix=f"{FILE_NAME}.snapshot-", dir=self.folder)  # 0600
        temp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                feed_id, position = self._download(out)
                out.flush()
                os.fsync(out.fileno())
            check_copy(temp, feed_id, position)
        except ServerRefused as exc:
            _remove_files(temp)
            self.connected = exc.status < 500
            if exc.status == 404:
                log.info("customer copy: the store server has no snapshots (older version): reading the feed")
            else:
                log.warning("customer copy: no snapshot (%s %s): reading the feed instead", exc.status, exc.code)
            return None
        except (LinkError, SnapshotRefused, StorageError, OSError) as exc:
            _remove_files(temp)
            log.warning("customer copy: the snapshot could not be used (%s): reading the feed instead", exc)
            return None
        except BaseException:
            _remove_files(temp)
            raise
        self.filled_by = "snapshot"
        log.info("customer copy: snapshot of feed position %d downloaded and checked in %.1f s", position,
                 time.monotonic() - started)
        return temp

    def _download(self, out) -> tuple[str, int]:
        """The snapshot's bytes into ``out``; (its feed id, the position it is complete up to)."""
        headers = self._link.download(self.snapshot_path, out, max_bytes=self.snapshot_max_bytes,
                                      total=self.snapshot_total_s)
        self.connected = True
        feed_id, position = headers.get("x-feed-id", ""), headers.get("x-feed-position", "")
        if not feed_id or len(feed_id) > 100 or not position.isdigit() or len(position) > 18:
            raise SnapshotRefused("the server did not say which feed and position the snapshot holds")
        return feed_id, int(position)

    def _replace(self) -> None:
        """Fill a new copy from the server's (new) feed, then switch searches to it (decision 0412)."""
        fresh_path = self.folder / f"{FILE_NAME}.new"
        _remove_files(fresh_path)
        temp = self._fetch_snapshot()
        if temp is not None:
            os.replace(temp, fresh_path)
        fresh = open_copy(fresh_path)
        try:
            if self.catch_up(fresh):
                fresh.mark_replica_complete()
        finally:
            fresh.close()
        if self._stop.is_set():
            return
        with self._swap:
            self._dir.close()
            _remove_files(self.path)
            os.replace(fresh_path, self.path)
            self._dir = open_copy(self.path)
            self._complete = self._dir.replica_complete()
        log.info("customer copy: the store's customer list was replaced; this counter's copy was rebuilt")

