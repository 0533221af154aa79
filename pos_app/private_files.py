"""Private files: the data and log folders are 0700, everything in them 0600 (decision 0205).

The counter's files hold customers, payments, clerk PIN hashes and roles, receipts and reports: nobody but
the account that runs the app may read or change them. Three layers, each enough on its own:

- :func:`use_private_umask` at app start: everything the process creates (SQLite ``-wal``/``-shm``, logs,
  Qt's PDF writer, crash reports) is born 0600/0700;
- the code that creates a file says so itself (:func:`private_dir`, :func:`private_file` before SQLite opens
  a database, :func:`write_private_text`, :func:`tighten` after a third-party writer), so library use and
  tests get the same modes without the app's umask;
- :func:`secure_tree` at start-up tightens what an older version left world-readable.

Files a person saves where they choose (a receipt PDF, an end-of-day report, a copy of an import report in
Documents or on a USB stick) go through :func:`write_user_file` / :func:`copy_user_file`: 0600 like the rest
(decision 0353), written whole or not at all (a temporary file in the same folder, fsync, rename: a full disk
or a pulled stick leaves any older file of that name as it was), and the chosen folder itself is never
created or changed (its mode is the person's business).

POSIX only: on Windows the modes are ignored (the user profile's ACLs apply). Symlinks are never followed
when tightening. No Qt here (core module).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def use_private_umask() -> int:
    """Make every file/dir this process creates private (umask 077). Returns the previous umask."""
    return os.umask(0o077)


def _chmod(path: Path, mode: int) -> None:
    try:
        if path.is_symlink():
            return
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        pass
    except PermissionError:
        log.warning("could not make %s private (owned by another user?)", path.name)


def private_dir(path: Path | str) -> Path:
    """Create ``path`` (and missing parents) and make the folder itself 0700."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _chmod(path, DIR_MODE)
    return path


def tighten(path: Path | str) -> Path:
    """Make an existing file 0600 (and an SQLite database's side files, if present)."""
    path = Path(path)
    _chmod(path, FILE_MODE)
    for suffix in SQLITE_SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            _chmod(side, FILE_MODE)
    return path


def private_file(path: Path | str) -> Path:
    """Create ``path`` empty with mode 0600 if it does not exist, else make it 0600. Call before an SQLite
    connection opens a database: SQLite gives its ``-wal``/``-shm`` files the database file's mode."""
    path = Path(path)
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    return tighten(path)


def write_private_text(path: Path | str, text: str, encoding: str = "utf-8", newline: str | None = None) -> Path:
    """Write a text file that is 0600 from its first byte (created 0600, then written)."""
    path = Path(path)
    private_file(path)
    with open(path, "w", encoding=encoding, newline=newline) as fh:
        fh.write(text)
    return path


def _write_user_file(path: Path | str, fill: Callable[[BinaryIO], None]) -> Path:
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "the folder does not exist (any more)", str(folder))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "a folder has that name", str(path))
    return replace_whole(path, fill)


def replace_whole(path: Path, fill: Callable[[BinaryIO], None], prefix: str = ".saving-") -> Path:
    """Write ``path`` whole or not at all: ``fill`` writes a temporary file in ``path``'s folder (0600, made
    with O_EXCL), which is flushed to disk and renamed over ``path``; the rename is then made durable. When
    anything raises, the temporary file is removed, ``path`` is as it was and the error goes to the caller."""
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_folder(folder)
    return path


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (POSIX; Windows has no directory handles to sync;
    a folder that cannot be opened or synced is left as it is)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_user_file(path: Path | str, data: bytes) -> Path:
    """Save ``data`` as ``path`` in a folder the person chose: 0600, whole or not at all (an existing file of
    that name is replaced only once the new one is complete), the folder neither created nor changed.
    Raises ``OSError`` (``FileNotFoundError`` when the folder is gone, ``IsADirectoryError``, a full disk,
    no permission, the file open in a program that locks it)."""
    return _write_user_file(path, lambda fh: fh.write(data))


def copy_user_file(source: Path | str, path: Path | str) -> Path:
    """Copy ``source`` to ``path`` the way :func:`write_user_file` saves (streamed: reports can be large)."""
    with open(source, "rb") as src:
        return _write_user_file(path, lambda fh: shutil.copyfileobj(src, fh, 1024 * 1024))


def secure_tree(root: Path | str) -> int:
    """Make ``root`` and every folder under it 0700, every file 0600 (symlinks left alone). Returns how many
    entries were changed. For start-up: tightens what an older version created."""
    root = Path(root)
    if not root.is_dir():
        return 0
    changed = 0

    def fix(path: Path, mode: int) -> None:
        nonlocal changed
        try:
            if path.is_symlink():
                return
            if stat.S_IMODE(path.stat().st_mode) != mode:
                os.chmod(path, mode)
                changed += 1
        except (FileNotFoundError, PermissionError):
            pass

    fix(root, DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            fix(Path(folder, name), DIR_MODE)
        for name in files:
            fix(Path(folder, name), FILE_MODE)
    if changed:
        log.info("made %d file(s)/folder(s) under %s private", changed, root.name)
    return changed
