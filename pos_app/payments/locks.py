"""Owner locks: OS file locks the kernel releases when the holding process dies (even on ``kill -9``).

The journal's unique index already allows one open charge per lane. These locks answer a different
question for reconcile: "is the process that is sending this payment still alive?". A charge holds its lane's
lock from write-ahead until the attempt is resolved or left unknown; start-up reconcile only touches an
attempt whose lock it can take, so it never declares absent a payment another live process is still sending.

``flock`` locks belong to the open file description, so two threads of one process exclude each other as
well. Where ``fcntl`` is missing (Windows) the lock is process-local only (decision: counters run Debian).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pos_app.private_files import private_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - not on the supported platform
    fcntl = None

_local_guard = threading.Lock()
_local_held: set[str] = set()


class OwnerLock:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            raise RuntimeError("lock already held by this object")
        private_dir(self.path.parent)
        if fcntl is None:  # pragma: no cover
            with _local_guard:
                if str(self.path) in _local_held:
                    return False
                _local_held.add(str(self.path))
                self._fd = -1
                return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        if fcntl is None:  # pragma: no cover
            with _local_guard:
                _local_held.discard(str(self.path))
        else:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
        self._fd = None

    def __enter__(self) -> OwnerLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def lane_lock(journal_path: Path, lane: str) -> OwnerLock:
    return OwnerLock(Path(f"{journal_path}.locks") / f"lane-{lane}.lock")


def reversal_lock(journal_path: Path, attempt_id: str) -> OwnerLock:
    # A fixed set of lock files (no clean-up races); a shared bucket only makes two reversals wait.
    bucket = sum(attempt_id.encode()) % 64
    return OwnerLock(Path(f"{journal_path}.locks") / f"reversal-{bucket:02d}.lock")


class JournalUse:
    """Who has a journal open: every open ``Journal`` holds a SHARED lock on ``<journal>.locks/open.lock``;
    a restore takes it EXCLUSIVE (non-blocking), so it never replaces a journal that a running app (or any
    other process) is writing to. Released by the kernel when a process dies."""

    def __init__(self, journal_path: Path) -> None:
        self.path = Path(f"{journal_path}.locks") / "open.lock"
        self._fd: int | None = None

    def _take(self, flags: int) -> bool:
        if self._fd is not None:
            raise RuntimeError("already held by this object")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            try:
                fcntl.flock(fd, flags | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
        self._fd = fd
        return True

    def try_shared(self) -> bool:
        return self._take(fcntl.LOCK_SH if fcntl is not None else 0)

    def try_exclusive(self) -> bool:
        return self._take(fcntl.LOCK_EX if fcntl is not None else 0)

    def release(self) -> None:
        if self._fd is None:
            return
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
