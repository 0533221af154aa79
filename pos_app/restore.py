"""``pos-app --restore-journal FILE``: put a journal backup back in place, approved by a manager (no Qt).

Works in a terminal (also over SSH, with no display): it names the environment, the journal it replaces and
the backup (attempts and newest attempt time of each), asks a manager of THAT environment's clerk file
(training: ``clerks-training.db``; sandbox/live: ``clerks.db``) for name, PIN and reason, records the
approval (``approvals``, action ``restore_journal``) and the restore (``events``), and then restores with
``payments.backups.restore_journal``: the current journal is kept (renamed), never deleted.

Options: ``--home DIR`` (as for the app), ``--training`` or ``--environment training|sandbox|live``
(default: the environment in the settings), ``--manager NAME`` and ``--reason TEXT`` (else asked), ``--yes``
(do not ask to confirm). The PIN is always asked (``getpass``; read from stdin when there is no terminal).
Exit codes: 0 restored, 2 refused (bad backup, journal in use, bad arguments), 3 approval refused,
4 storage fault (the message names the file and the next step).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from pos_app.clerks import ClerkError, ClerkRegistry, ManagerAction, clerks_db_path
from pos_app.config import Environment, Paths, app_paths
from pos_app.payments import backups
from pos_app.payments.locks import JournalUse
from pos_app.settings import load_settings
from pos_app.storage_errors import StorageError


def environment_paths(paths: Paths, env: Environment) -> Paths:
    """Where an environment keeps its journal and directory (as ``ui.shell.Shell.environment_paths``)."""
    return paths if env is Environment.TRAINING else Paths(paths.data_dir / env.value, paths.log_dir)


def _summary(path: Path) -> str:
    info = backups.describe(path)
    if info is None:
        problems = backups.journal_problems(path)
        return "cannot be read" + (f" ({'; '.join(problems[:2])})" if problems else "")
    count, newest = info
    when = newest.astimezone().strftime("%Y-%m-%d %H:%M") if newest else "-"
    return f"{count} payment attempts, newest {when}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pos-app --restore-journal",
                                     description="Restore the payment journal from a backup (manager PIN).")
    parser.add_argument("--restore-journal", dest="backup", required=True, metavar="FILE")
    parser.add_argument("--home")
    parser.add_argument("--training", action="store_true")
    parser.add_argument("--environment", choices=[e.value for e in Environment])
    parser.add_argument("--manager")
    parser.add_argument("--reason")
    parser.add_argument("--yes", action="store_true")
    return parser.parse_args(argv)


def _read_line(prompt: str) -> str:
    print(prompt, end="", flush=True)
    return sys.stdin.readline().rstrip("\r\n")


def main(argv: list[str], *, ask: Callable[[str], str] | None = None,
         ask_pin: Callable[[str], str] | None = None, out=None) -> int:
    out = out or sys.stdout
    interactive = sys.stdin is not None and sys.stdin.isatty()
    ask = ask or (input if interactive else _read_line)
    ask_pin = ask_pin or (getpass.getpass if interactive else _read_line)  # a script may pipe the answers in

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    try:
        args = parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    try:
        paths = app_paths(args.home)
        settings = load_settings(paths.settings_file)
        env = Environment.TRAINING if args.training else Environment(args.environment or settings.environment)
        journal = environment_paths(paths, env).journal_db
        backup = Path(args.backup).expanduser()
        say(f"Environment: {env.value}")
        say(f"Journal to replace: {journal} ({_summary(journal) if journal.exists() else 'none yet'})")
        say(f"Backup to restore:  {backup} ({_summary(backup) if backup.exists() else 'not found'})")
        problems = backups.journal_problems(backup)
        if problems:
            say(f"Refused: the backup cannot be used ({'; '.join(problems[:3])}). Nothing was changed. "
                f"Backups are in {backups.backup_dir(journal)}.")
            return 2
        probe = JournalUse(journal)
        journal.parent.mkdir(parents=True, exist_ok=True)
        if not probe.try_exclusive():
            say("Refused: the payment journal is in use (the app is running). Close the app on this computer, "
                "then run this again. Nothing was changed.")
            return 2
        probe.release()
        registry = ClerkRegistry(clerks_db_path(paths.data_dir, env.value))
        try:
            if not registry.has_manager():
                say(f"Refused: no manager is set up in {registry.path}. Nothing was changed.")
                return 2
            say("The current journal is kept next to it (renamed), never deleted. After the restore, payments "
                "made since the backup are in PaySimple, not in the journal: run End of day to see them.")
            if not args.yes and ask("Restore this backup? [y/N] ").strip().lower() not in ("y", "yes"):
                say("Cancelled. Nothing was changed.")
                return 2
            name = args.manager or ask("Manager name: ").strip()
            pin = ask_pin("Manager PIN: ")
            reason = args.reason or ask("Reason: ").strip()
            try:
                manager = registry.approve(name, pin, ManagerAction.RESTORE_JOURNAL, reason,
                                           subject=f"restore journal from {backup.name}")
            except ClerkError as exc:
                say(f"Not approved: {exc} Nothing was changed.")
                return 3
            try:
                report = backups.restore_journal(journal, backup, manager=manager, reason=reason, registry=registry)
            except backups.RestoreRefused as exc:
                registry.record("restore_journal", manager.name, manager.id, "refused", exc.code)
                say(f"Refused: {exc}")
                return 2
        finally:
            registry.close()
    except StorageError as exc:
        say(str(exc))
        return 4
    when = report.newest.astimezone().strftime("%Y-%m-%d %H:%M") if report.newest else "-"
    say(f"Restored {report.attempts} payment attempts (newest {when}) from {report.restored_from}.")
    if report.kept_as is not None:
        say(f"The replaced journal is kept as {report.kept_as}.")
    say("Next: start the app; it checks unfinished payments with PaySimple. Then run End of day for the days "
        "since the backup.")
    return 0
