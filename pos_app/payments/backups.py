"""Automatic backups of the payment journal, and the manager-approved restore (no Qt).

Backups (decision 0231):
- Taken with SQLite's online backup API from a connection on the live journal, so rows committed but still
  in ``journal.db-wal`` are in the copy (a file copy of ``journal.db`` alone loses them). The copy is
  written as ``*.part``, checked (``PRAGMA quick_check`` and the ``attempts`` table readable), fsync'd and
  then renamed, so a backup file that exists is whole.
- Where: ``<journal folder>/journal-backups/journal-<UTC time>-<reason>.db`` (reasons ``startup``,
  ``end-of-day``, ``before-restore``). Taken at start-up (after the journal opened and passed its check) and
  after each end-of-day run. A journal that fails its check is never backed up (it would push good backups
  out of the 30 days).
- Kept: every backup of the last ``KEEP_DAYS`` (30) days, thinned to the newest of each reason per UTC
  day, plus always the newest ``KEEP_AT_LEAST`` (so a store closed for two months still has one). Only
  files named like our backups are ever deleted; a ``.part`` left by a crash is removed at the next backup.

Restore (decision 0232): :func:`restore_journal` replaces the journal with a backup. It needs the journal
closed by everyone (``locks.JournalUse`` exclusive), a sound backup, and a manager's approval (checked by
the caller with ``ClerkRegistry.approve(..., ManagerAction.RESTORE_JOURNAL, ...)``; recorded there and as a
``restore_journal`` event). The current journal is never deleted: it is renamed to
``journal.db.replaced-<UTC time>`` (with its ``-wal``/``-shm`` renamed alongside, so it still opens with
every row it had) and kept. The backup is copied in with the backup API (the backup file is not moved or
changed), checked, and renamed into place.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pos_app.payments.locks import JournalUse
from pos_app.private_files import fsync_folder
from pos_app.storage_errors import CHECK_FAILED, Fault, StorageError, What, storage_errors

log = logging.getLogger(__name__)

KEEP_DAYS = 30
KEEP_AT_LEAST = 3
BACKUP_DIR = "journal-backups"
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_NAME = re.compile(r"^journal-(\d{8}T\d{6}\.\d{6}Z)-([a-z-]+)\.db$")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    kept_as: Path | None        # the journal that was replaced (never deleted); None: there was none
    attempts: int               # attempts in the restored journal
    newest: datetime | None     # the newest attempt in the restored journal
    replaced_attempts: int | None  # attempts in the replaced journal (None: it could not be read)


class RestoreRefused(Exception):
    """The restore was not done (nothing changed). ``code``: ``in_use`` (the app or another program has the
    journal open), ``bad_backup`` (the backup is missing, damaged or not a journal), ``same_file``."""

    def __init__(self, message: str, code: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.path = path


def backup_dir(journal_path: str | os.PathLike[str]) -> Path:
    return Path(journal_path).parent / BACKUP_DIR


def list_backups(journal_path: str | os.PathLike[str]) -> list[Backup]:
    """The journal's backups, newest first (only whole ones: ``.part`` files are not listed)."""
    folder = backup_dir(journal_path)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match and entry.is_file():
            taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
            found.append(Backup(entry, taken, match.group(2)))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def latest_backup(journal_path: str | os.PathLike[str]) -> Backup | None:
    backups = list_backups(journal_path)
    return backups[0] if backups else None


def journal_problems(path: str | os.PathLike[str]) -> list[str]:
    """Why ``path`` is not a sound journal ([] = it is): quick_check problems, not a database, no
    ``attempts`` table. Opens read-only (never creates or changes the file)."""
    path = Path(path)
    if not path.is_file():
        return ["the file does not exist"]
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return ["the file cannot be opened"]
    try:
        rows = [str(r[0]) for r in con.execute("PRAGMA quick_check(10)")]
        if rows != ["ok"]:
            return rows
        con.execute("SELECT count(*) FROM attempts").fetchone()
        return []
    except sqlite3.DatabaseError as exc:
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        if code == 26:
            return ["not a SQLite database"]
        if code == 11:
            return ["damaged pages"]
        if code == 1:  # SQLITE_ERROR: no such table
            return ["not a payment journal (no attempts table)"]
        return [f"unreadable ({exc.sqlite_errorname})" if hasattr(exc, "sqlite_errorname") else "unreadable"]
    finally:
        con.close()


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Online-backup ``source`` into ``target`` (created), fsync'd. Raises on failure (target removed)."""
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)  # all pages in one step: a consistent snapshot, WAL rows included
        dest.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
    finally:
        dest.close()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)



def take_backup(journal_path: str | os.PathLike[str], reason: str, now: datetime | None = None,
                prune: bool = True) -> Backup:
    """Back up the journal now (see the module docstring); returns the new backup. Raises ``StorageError``
    (what = journal backup) when it cannot be written, and ``JournalCorrupt``-like ``StorageError`` (fault
    corrupt, what = payment journal) when the journal itself fails the check: then nothing is written."""
    journal_path = Path(journal_path)
    if not re.fullmatch(r"[a-z-]+", reason):
        raise ValueError("reason: lower-case letters and '-' only")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    folder = backup_dir(journal_path)
    final = folder / f"journal-{now.strftime(_STAMP)}-{reason}.db"
    part = final.with_name(final.name + ".part")
    with storage_errors(folder, What.BACKUP):
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("journal-*.db.part"):
            stale.unlink(missing_ok=True)
    with storage_errors(journal_path, What.JOURNAL):
        if not journal_path.is_file():
            raise StorageError(Fault.CANNOT_OPEN, journal_path, What.JOURNAL, "There is no journal file to back up.")
        source = sqlite3.connect(f"{journal_path.resolve().as_uri()}?mode=rw", uri=True, timeout=15.0)
    try:
        with storage_errors(journal_path, What.JOURNAL):
            problems = [str(r[0]) for r in source.execute("PRAGMA quick_check(10)")]
        if problems != ["ok"]:
            log.error("journal %s failed its check; not backed up: %s", journal_path, " | ".join(problems)[:2000])
            raise StorageError(Fault.CORRUPT, journal_path, What.JOURNAL, CHECK_FAILED)
        with storage_errors(part, What.BACKUP):
            try:
                _copy(source, part)
            except BaseException:
                part.unlink(missing_ok=True)
                raise
    finally:
        source.close()
    problems = journal_problems(part)
    if problems:
        part.unlink(missing_ok=True)
        raise StorageError(Fault.CORRUPT, journal_path, What.JOURNAL,
                           "Its automatic backup failed the check: " + "; ".join(problems[:3]) + ".")
    with storage_errors(final, What.BACKUP):
        os.replace(part, final)
        fsync_folder(folder)
    log.info("journal backup written: %s", final.name)
    if prune:
        prune_backups(journal_path, now)
    return Backup(final, now, reason)


def prune_backups(journal_path: str | os.PathLike[str], now: datetime | None = None,
                  keep_days: int = KEEP_DAYS, keep_at_least: int = KEEP_AT_LEAST) -> list[Path]:
    """Delete backups the keep rule (module docstring) does not keep; returns what was deleted. A backup
    that cannot be deleted is logged and left."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    backups = list_backups(journal_path)  # newest first
    keep: set[Path] = {b.path for b in backups[:keep_at_least]}
    seen: set[tuple[str, str]] = set()
    for b in backups:
        if now - b.taken_at > timedelta(days=keep_days):
            continue
        slot = (b.taken_at.date().isoformat(), b.reason)
        if slot not in seen:
            seen.add(slot)
            keep.add(b.path)
    deleted = []
    for b in backups:
        if b.path not in keep:
            try:
                b.path.unlink()
                deleted.append(b.path)
            except OSError as exc:
                log.warning("could not delete old journal backup %s: %s", b.path.name, exc.strerror)
    return deleted


def _count(path: Path) -> tuple[int, datetime | None] | None:
    """(attempts, newest created_at) of a journal file, read-only; None when it cannot be read."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        n, newest = con.execute("SELECT count(*), max(created_at) FROM attempts").fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    when = datetime.strptime(newest, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) if newest else None
    return int(n), when


def describe(path: str | os.PathLike[str]) -> tuple[int, datetime | None] | None:
    """(attempts, newest attempt time) of a journal or backup file; None when it cannot be read."""
    return _count(Path(path))


def restore_journal(journal_path: str | os.PathLike[str], backup: str | os.PathLike[str], *, manager,
                    reason: str, registry=None, now: datetime | None = None) -> RestoreReport:
    """Replace the journal with ``backup`` (see the module docstring). ``manager`` is the approving manager
    (a ``clerks.Clerk`` whose approval the caller obtained); ``registry`` (a ``ClerkRegistry``) records the
    ``restore_journal`` event. Raises ``RestoreRefused`` (nothing changed) or ``StorageError``."""
    journal_path = Path(journal_path)
    backup = Path(backup)
    if not getattr(manager, "is_manager", False):
        raise RestoreRefused("Only a manager can restore the payment journal.", "not_allowed")
    if not reason.strip():
        raise RestoreRefused("A reason is required.", "reason_required")
    if backup.exists() and journal_path.exists() and backup.resolve() == journal_path.resolve():
        raise RestoreRefused("The backup is the journal itself.", "same_file", backup)
    problems = journal_problems(backup)
    if problems:
        raise RestoreRefused(f"The backup {backup} cannot be used: {'; '.join(problems[:3])}. Nothing was "
                             "changed. Choose another backup.", "bad_backup", backup)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    use = JournalUse(journal_path)
    with storage_errors(journal_path, What.JOURNAL):
        journal_path.parent.mkdir(parents=True, exist_ok=True)
        if not use.try_exclusive():
            raise RestoreRefused(f"The payment journal ({journal_path}) is in use: the app (or another program) "
                                 "has it open. Close the app on this computer, then restore again. Nothing was "
                                 "changed.", "in_use", journal_path)
    try:
        replaced = _count(journal_path) if journal_path.exists() else (0, None)
        stamp = now.strftime("%Y%m%dT%H%M%S.%fZ")
        kept = journal_path.with_name(f"{journal_path.name}.replaced-{stamp}")
        incoming = journal_path.with_name(f"{journal_path.name}.restoring-{stamp}")
        with storage_errors(incoming, What.JOURNAL):
            src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
            try:
                _copy(src, incoming)
            except BaseException:
                incoming.unlink(missing_ok=True)
                raise
            finally:
                src.close()
        if journal_problems(incoming):
            incoming.unlink(missing_ok=True)
            raise RestoreRefused(f"The copy of {backup} failed its check; nothing was changed.", "bad_backup",
                                 backup)
        with storage_errors(journal_path, What.JOURNAL):
            moved = []
            if journal_path.exists():
                for suffix in ("", "-wal", "-shm"):  # main file first: its WAL goes with it, same names
                    src_file = Path(f"{journal_path}{suffix}")
                    if src_file.exists():
                        os.rename(src_file, Path(f"{kept}{suffix}"))
                        moved.append(suffix)
            os.replace(incoming, journal_path)
            fsync_folder(journal_path.parent)
        if not moved:
            kept = None
        counted = _count(journal_path) or (0, None)
    finally:
        use.release()
    detail = (f"backup={backup} kept_as={kept.name if kept else '-'} restored_attempts={counted[0]} "
              f"replaced_attempts={replaced[0] if replaced else 'unreadable'} reason={reason.strip()}")
    log.warning("payment journal restored from %s by manager %s; the replaced journal is kept as %s",
                backup, getattr(manager, "id", "?"), kept.name if kept else "-")
    if registry is not None:
        registry.record("restore_journal", manager.name, manager.id, "ok", detail)
    return RestoreReport(backup, kept, counted[0], counted[1], replaced[0] if replaced else None)
