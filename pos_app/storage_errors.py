"""Storage faults as the people at the counter need them: which file, what is wrong, what to do next.

Every place that reads or writes the app's files (payment journal, customer list, clerk file, settings,
training data, journal backups, the data and log folders) turns a storage failure into a
:class:`StorageError`; raw SQLite or OS text never reaches a screen (it stays in the log, and in
``__cause__``).

Recognition is by error code, never by message text:
- SQLite: the primary result code (``exc.sqlite_errorcode & 0xFF``): READONLY/PERM → read-only,
  FULL → disk full, CORRUPT/NOTADB → damaged file, BUSY/LOCKED → in use by another program, IOERR → disk
  error, CANTOPEN → the folder is probed (a temporary file is created and removed there) to tell a
  read-only, full, missing or not-a-folder place apart. Any other SQLite error (a constraint, a trigger, a
  programming error) is not a storage fault and passes through unchanged.
- OS: ``errno``: EROFS/EACCES/EPERM → read-only, ENOSPC/EDQUOT → disk full, ENOENT/ENOTDIR/EISDIR → cannot
  open (EEXIST too: a file where a folder should be), EIO → disk error.
- Read-only: which part refuses writes is found by asking the system (``os.access``) when the error is
  classified (:func:`read_only_file`): when the file itself (or its SQLite ``-wal``/``-shm`` companion) cannot
  be written but its folder can, ``StorageError.read_only_file`` names that file and the message says the
  file is read-only; otherwise the folder or disk is.

``str(StorageError)`` is one plain English paragraph naming the file, the fault and the next step. The UI
installs a translating describer with :func:`set_describer` (this module never imports Qt), so every screen
that shows ``str(exc)`` shows the translated text.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path


class Fault(StrEnum):
    READ_ONLY = "read_only"      # the folder, file or file system refuses writes
    DISK_FULL = "disk_full"      # no space left (or a quota)
    CORRUPT = "corrupt"          # the file is damaged / not a database of ours
    CANNOT_OPEN = "cannot_open"  # the folder is missing or is not a folder, or the file cannot be opened
    BUSY = "busy"                # another program holds the file's lock past the wait
    DISK_ERROR = "disk_error"    # the disk reported an I/O error
    UNREACHABLE = "unreachable"  # a database server: cannot connect, connection lost, or no answer in time
    SERVER = "server"            # a database server refused or failed the work (its disk, a read-only standby)


class What(StrEnum):
    """Which of the app's files (the UI names it in the clerk's language)."""

    JOURNAL = "payment journal"
    DIRECTORY = "customer list"
    CLERKS = "clerk file"
    SETTINGS = "settings file"
    TRAINING = "training data"
    BACKUP = "journal backup"
    DATA_FOLDER = "data folder"
    LOG_FOLDER = "log folder"
    SERVER = "store server records"  # the store server's lanes, sessions, approvals and audit trail


# SQLite primary result codes (https://sqlite.org/rescode.html)
_SQLITE = {3: Fault.READ_ONLY,    # SQLITE_PERM
           5: Fault.BUSY,         # SQLITE_BUSY
           6: Fault.BUSY,         # SQLITE_LOCKED
           8: Fault.READ_ONLY,    # SQLITE_READONLY
           10: Fault.DISK_ERROR,  # SQLITE_IOERR
           11: Fault.CORRUPT,     # SQLITE_CORRUPT
           13: Fault.DISK_FULL,   # SQLITE_FULL
           14: None,              # SQLITE_CANTOPEN: probe the folder
           26: Fault.CORRUPT}     # SQLITE_NOTADB
_ERRNO = {errno.EROFS: Fault.READ_ONLY, errno.EACCES: Fault.READ_ONLY, errno.EPERM: Fault.READ_ONLY,
          errno.ENOSPC: Fault.DISK_FULL, errno.EDQUOT: Fault.DISK_FULL,
          errno.ENOENT: Fault.CANNOT_OPEN, errno.ENOTDIR: Fault.CANNOT_OPEN, errno.EISDIR: Fault.CANNOT_OPEN,
          errno.EEXIST: Fault.CANNOT_OPEN,  # a file where a folder should be (mkdir)
          errno.EIO: Fault.DISK_ERROR}


class StorageError(Exception):
    """A storage fault on one of the app's files or databases. ``path`` is the file (or folder) — for a store
    on a database server, its name ("database pos on db1:5432", never a password) —, ``what`` which it
    is, ``fault`` what went wrong, ``detail`` an optional plain-English fact (never raw SQLite text), e.g.
    the first problem an integrity check found. Nothing was changed by the failed operation: a write
    transaction that failed was rolled back whole."""

    def __init__(self, fault: Fault, path: str | os.PathLike[str], what: What | str, detail: str = "",
                 read_only_file: str | os.PathLike[str] | None = None) -> None:
        self.fault = Fault(fault)
        self.path = Path(path)
        self.what = What(what)
        self.detail = detail
        # READ_ONLY only (None for any other fault): the one file that refuses writes while its folder accepts
        # them (None: the folder or the disk is read-only).
        self.read_only_file = (Path(read_only_file) if read_only_file is not None and self.fault is Fault.READ_ONLY
                               else None)
        super().__init__(self.fault.value, str(self.path))

    @property
    def code(self) -> str:
        return self.fault.value

    @property
    def folder(self) -> Path:
        return self.path if self.what in (What.DATA_FOLDER, What.LOG_FOLDER) else self.path.parent

    def __str__(self) -> str:
        return _describer(self)


class JournalCorrupt(StorageError):
    """The payment journal failed its integrity check (or is not a database). It was not opened for
    writing and was not changed; ``problems`` are the first lines ``PRAGMA quick_check`` reported."""

    def __init__(self, path: str | os.PathLike[str], problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])  # SQLite's own words: for the log and support, not the screen
        super().__init__(Fault.CORRUPT, path, What.JOURNAL, CHECK_FAILED)


CHECK_FAILED = "It failed the integrity check."

NEXT_STEP = {
    Fault.READ_ONLY: "Make the folder {folder} writable for the user who runs the app (or move the data to a "
                     "disk that is not read-only), then try again.",
    Fault.DISK_FULL: "Free some space on the disk that holds {folder}, then try again.",
    Fault.CORRUPT: "Keep the file as it is and call support.",
    Fault.CANNOT_OPEN: "Check that the folder {folder} exists, is a folder and that the user who runs the app "
                       "may write to it, then try again.",
    Fault.BUSY: "Another program is using the file (a second copy of the app?). Close it, then try again.",
    Fault.DISK_ERROR: "The disk reported an error. Check the disk (or its cable), then try again; call support "
                      "if it happens again.",
    Fault.UNREACHABLE: "Check the network, that the database server is running and that the app's database "
                       "settings (server, database, user, password) are right, then try again; call support if it "
                       "happens again.",
    Fault.SERVER: "Ask whoever looks after the database server to check it (its log says why), then try again.",
}
READ_ONLY_FILE_TEXT = "cannot be written: the file {file} is read-only"
READ_ONLY_FILE_STEP = ("Make the file {file} writable for the user who runs the app (or call support), then try "
                       "again.")
JOURNAL_CORRUPT_STEP = ("A manager can restore the latest automatic backup (Restore backup, or "
                        "pos-app --restore-journal FILE); otherwise call support.")
TRAINING_CORRUPT_STEP = ("It holds practice data only: move the file away (or rename it) and start the app "
                         "again for fresh training data.")
_FAULT_TEXT = {
    Fault.READ_ONLY: "cannot be written: the folder or disk is read-only",
    Fault.DISK_FULL: "cannot be written: the disk is full",
    Fault.CORRUPT: "is damaged",
    Fault.CANNOT_OPEN: "cannot be opened",
    Fault.BUSY: "is in use by another program",
    Fault.DISK_ERROR: "could not be read or written: the disk reported an error",
    Fault.UNREACHABLE: "cannot be reached: the connection to its database server failed",
    Fault.SERVER: "could not be read or written: its database server reported a problem",
}


def english(exc: StorageError) -> str:
    """The plain English message: file, fault, that what was saved before is intact (a damaged file: that it
    was not changed), and the next step."""
    what = exc.what.value
    only_file = exc.read_only_file
    fault_text = READ_ONLY_FILE_TEXT.format(file=only_file) if only_file else _FAULT_TEXT[exc.fault]
    text = f"The {what} ({exc.path}) {fault_text}."
    if exc.detail:
        text += f" {exc.detail}"
    if exc.fault is Fault.CORRUPT:
        text += " The file was not changed."
        step = {What.JOURNAL: JOURNAL_CORRUPT_STEP, What.TRAINING: TRAINING_CORRUPT_STEP}.get(exc.what,
                                                                                         NEXT_STEP[exc.fault])
    else:
        text += " What was saved before is intact."
        step = READ_ONLY_FILE_STEP if only_file else NEXT_STEP[exc.fault]
    return f"{text} {step.format(folder=exc.folder, file=only_file)}"


_describer: Callable[[StorageError], str] = english


def set_describer(describe: Callable[[StorageError], str] | None) -> None:
    """Install how ``str(StorageError)`` reads (the UI installs its translated texts); None = English."""
    global _describer
    _describer = describe or english


def probe_folder(folder: str | os.PathLike[str], sync: bool = True) -> Fault | None:
    """Why files cannot be created in ``folder``, found by trying (a temporary 4 KiB file, removed at once;
    ``sync``: also fsync'd, which a disk with delayed allocation needs to report that it is full):
    None = a file can be created there."""
    folder = Path(folder)
    if not folder.exists():
        return Fault.CANNOT_OPEN
    if not folder.is_dir():
        return Fault.CANNOT_OPEN
    try:
        fd, name = tempfile.mkstemp(prefix=".pos-probe-", dir=folder)
    except OSError as exc:
        return _ERRNO.get(exc.errno, Fault.CANNOT_OPEN)
    try:
        os.write(fd, b"\0" * 4096)  # a full disk may still allow creating an empty file
        if sync:
            os.fsync(fd)
    except OSError as exc:
        return _ERRNO.get(exc.errno, Fault.DISK_ERROR)
    finally:
        os.close(fd)
        os.unlink(name)
    return None


def read_only_file(path: str | os.PathLike[str]) -> Path | None:
    """The file that refuses writes while its folder accepts them: ``path`` itself, else its SQLite ``-wal`` /
    ``-shm`` companion (when they exist); None when none of them is read-only on its own or the folder itself
    cannot be written (then the folder or the disk is the read-only part). Asks ``os.access``, so a
    read-only mount of the file counts, and so does a file mode that refuses the user who runs the app."""
    path = Path(path)
    if not os.access(path.parent, os.W_OK):
        return None
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.is_file() and not os.access(candidate, os.W_OK):
            return candidate
    return None


def classify(exc: BaseException, path: str | os.PathLike[str]) -> Fault | None:
    """The storage fault behind ``exc`` (an error raised while using ``path``), or None when ``exc`` is not a
    storage fault (a constraint, a trigger, a bug): those must not be dressed up as disk trouble."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is None:
            return None
        primary = code & 0xFF
        if primary not in _SQLITE:
            return None
        fault = _SQLITE[primary]
        if fault is None or fault is Fault.DISK_ERROR:  # CANTOPEN / IOERR: what does the folder say?
            folder = Path(path).parent
            probed = probe_folder(folder)
            if probed is not None:
                return probed
            return fault or Fault.CANNOT_OPEN
        return fault
    if isinstance(exc, OSError):
        return _ERRNO.get(exc.errno) if exc.errno is not None else None
    return None


def as_storage_error(exc: BaseException, path: str | os.PathLike[str], what: What | str) -> StorageError | None:
    """``exc`` as a :class:`StorageError` on ``path`` (cause kept), or None when it is not a storage fault."""
    if isinstance(exc, StorageError):
        return exc
    fault = classify(exc, path)
    if fault is None:
        return None
    what = What(what)
    only_file = read_only_file(path) if fault is Fault.READ_ONLY and what not in (What.DATA_FOLDER,
                                                                                   What.LOG_FOLDER) else None
    error = StorageError(fault, path, what, read_only_file=only_file)
    error.__cause__ = exc
    return error


@contextmanager
def storage_errors(path: str | os.PathLike[str], what: What | str) -> Iterator[None]:
    """Inside the block, storage faults (SQLite or OS) on ``path`` are raised as :class:`StorageError`;
    every other exception passes through unchanged."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        error = as_storage_error(exc, path, what)
        if error is None:
            raise
        raise error from exc
