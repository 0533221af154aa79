"""Real storage faults for tests: a read-only folder, a full disk, a damaged file.

- Read-only folder: tests run as root here, and root ignores permission bits, so ``chmod`` proves nothing.
  As root the folder gets a read-only bind mount over itself (``mount --bind`` + ``remount,ro``): every write
  then fails with EROFS exactly as on a read-only disk or a write-protected USB stick, whoever runs the app.
  As another user, ``chmod 0555`` (EACCES) is the real thing. Skipped (with the reason) when neither works.
- Read-only file (its folder writable): as root a read-only bind mount of the file over itself (EROFS on every
  write, whoever writes); as another user ``chmod 0400`` on the file (EACCES).
- Full disk: a tmpfs of a few hundred KiB mounted on a folder (root only; skipped otherwise), filled by a
  filler file until the kernel answers ENOSPC; deleting the filler frees the space again.
- Damaged file: garbage bytes over the whole file, or over one leaf page of one table's B-tree (parsed from
  the file itself, so no SQLite build option is needed).
Every mount is undone at the end, also when the test fails.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=30)


def _umount(path: Path) -> None:
    if _run("umount", str(path)).returncode != 0:
        _run("umount", "-l", str(path))  # something still had a file open: detach anyway


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@contextmanager
def _read_only_bind_mount(path: Path, what: str, still_writable) -> Iterator[str]:
    """As root: ``path`` (a folder or a file) bind-mounted read-only over itself inside the block (EROFS on every
    write); skipped where mounting is not allowed or ``still_writable(path)`` says a write still got through."""
    if shutil.which("mount") is None:
        pytest.skip(f"no mount command: cannot make a {what} read-only as root")
    bind = _run("mount", "--bind", str(path), str(path))
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount (not allowed here?): {bind.stderr.strip()}")
    try:
        ro = _run("mount", "-o", "remount,bind,ro", str(path))
        if ro.returncode != 0:
            pytest.skip(f"cannot remount read-only: {ro.stderr.strip()}")
        if still_writable(path):
            pytest.skip(f"the read-only mount still accepted a write to the {what}")
        yield "mount"
    finally:
        _umount(path)


@contextmanager
def _chmod(path: Path, mode: int) -> Iterator[str]:
    saved = path.stat().st_mode
    path.chmod(mode)
    try:
        yield "chmod"
    finally:
        path.chmod(saved)


def _folder_takes_a_write(path: Path) -> bool:
    probe = path / ".write-probe"
    try:
        probe.write_bytes(b"x")
    except OSError:
        return False
    probe.unlink()
    return True


def _file_opens_for_writing(path: Path) -> bool:
    try:
        with open(path, "r+b"):
            return True
    except OSError:
        return False


@contextmanager
def read_only_folder(path: Path) -> Iterator[str]:
    """``path`` (an existing folder, its files kept) is read-only inside the block. Yields how: "mount"
    (EROFS) or "chmod" (EACCES)."""
    path = Path(path)
    with (_read_only_bind_mount(path, "folder", _folder_takes_a_write) if is_root() else _chmod(path, 0o555)) as how:
        yield how


@contextmanager
def read_only_file(path: Path) -> Iterator[str]:
    """The file ``path`` (existing) is read-only inside the block; its folder stays writable. Yields how:
    "mount" (EROFS) or "chmod" (EACCES)."""
    path = Path(path)
    with (_read_only_bind_mount(path, "file", _file_opens_for_writing) if is_root() else _chmod(path, 0o400)) as how:
        yield how


@contextmanager
def small_disk(path: Path, size: str = "512k") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``path`` (created) for the block."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    if not is_root():
        pytest.skip("mounting a small file system needs root")
    done = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        _umount(path)


def fill(folder: Path, name: str = "filler.bin") -> Path:
    """Write a file in ``folder`` until the disk is full (ENOSPC). Returns it: delete it to free the space."""
    filler = Path(folder) / name
    block = b"\0" * 4096
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while True:
            os.write(fd, block)
    except OSError as exc:
        assert exc.errno == 28, exc  # ENOSPC: the disk is full now
    finally:
        os.close(fd)
    return filler


def garbage(path: Path, size: int = 16384, seed: int = 7) -> bytes:
    """Replace the whole file with ``size`` pseudo-random bytes; returns them."""
    import random

    data = random.Random(seed).randbytes(size)
    Path(path).write_bytes(data)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return data


def _page(path: Path, number: int, size: int) -> bytes:
    with open(path, "rb") as fh:
        fh.seek((number - 1) * size)
        return fh.read(size)


def _leaves(path: Path, root: int, size: int) -> list[int]:
    page = _page(path, root, size)
    off = 100 if root == 1 else 0
    kind = page[off]
    if kind == 13:  # table leaf
        return [root]
    assert kind == 5, f"page {root} is not a table b-tree page ({kind})"
    cells = struct.unpack(">H", page[off + 3:off + 5])[0]
    pointers = [struct.unpack(">H", page[off + 12 + 2 * i:off + 14 + 2 * i])[0] for i in range(cells)]
    children = [struct.unpack(">I", page[p:p + 4])[0] for p in pointers]
    children.append(struct.unpack(">I", page[off + 8:off + 12])[0])
    found: list[int] = []
    for child in children:
        found += _leaves(path, child, size)
    return found


def damage_table(path: Path, table: str, which: float = 0.5, seed: int = 11) -> int:
    """Overwrite one leaf page of ``table`` (at fraction ``which`` of its leaves, in key order) with garbage.
    The database must be checkpointed (no -wal rows). Returns the page number."""
    import random
    import sqlite3

    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?",
                           (table,)).fetchone()[0]
    finally:
        con.close()
    leaves = _leaves(Path(path), root, size)
    assert len(leaves) >= 3, f"{table} has only {len(leaves)} leaf pages: too small to damage one in the middle"
    victim = leaves[min(len(leaves) - 1, int(len(leaves) * which))]
    with open(path, "r+b") as fh:
        fh.seek((victim - 1) * size)
        fh.write(random.Random(seed).randbytes(size))
    return victim
