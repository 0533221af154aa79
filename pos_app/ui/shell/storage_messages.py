"""Storage faults on screen: which file, what is wrong, what to do next, in the clerk's language.

- :func:`install` makes ``str(StorageError)`` read in the UI language (``storage_errors.set_describer``), so
  every screen that shows an error's text (a failed charge, a failed save) shows this text, never SQLite's.
- :func:`show_startup_failure` is the counter's answer when its back end could not start. A damaged payment
  journal (``JournalCorrupt``) gets :class:`StorageProblemDialog` with the latest automatic backup and a
  "Restore this backup…" button: a manager approves with name + PIN + reason (``ManagerAction
  .RESTORE_JOURNAL``, recorded), the restore runs on a worker (``payments.backups.restore_journal``: the
  damaged journal is kept, renamed), and the counter's back end starts again (``window.restart_backend``).
  Without a backup it says so and where it looked. The status bar keeps a one-line note of the problem: no
  payment can be taken until the journal is sound.
- :func:`show_backend_notices` after the back end started: the customer list was damaged and rebuilt (what
  was kept and recovered), or the start-up journal backup could not be written.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from pos_app import storage_errors
from pos_app.storage_errors import Fault, JournalCorrupt, StorageError, What
from pos_app.ui.common.i18n import Retranslating, fmt

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def what_name(what: What) -> str:
    return {
        What.JOURNAL: translate("StorageMessages", "payment journal"),
        What.DIRECTORY: translate("StorageMessages", "customer list"),
        What.CLERKS: translate("StorageMessages", "clerk file"),
        What.SETTINGS: translate("StorageMessages", "settings file"),
        What.TRAINING: translate("StorageMessages", "training data"),
        What.BACKUP: translate("StorageMessages", "journal backup"),
        What.DATA_FOLDER: translate("StorageMessages", "data folder"),
        What.LOG_FOLDER: translate("StorageMessages", "log folder"),
        What.SERVER: translate("StorageMessages", "store server records"),
    }[What(what)]


def _fault_sentence(fault: Fault) -> str:
    return {
        Fault.READ_ONLY: translate("StorageMessages", "The %1 (%2) cannot be written: the folder or disk is "
                                   "read-only."),
        Fault.DISK_FULL: translate("StorageMessages", "The %1 (%2) cannot be written: the disk is full."),
        Fault.CORRUPT: translate("StorageMessages", "The %1 (%2) is damaged."),
        Fault.CANNOT_OPEN: translate("StorageMessages", "The %1 (%2) cannot be opened."),
        Fault.BUSY: translate("StorageMessages", "The %1 (%2) is in use by another program."),
        Fault.DISK_ERROR: translate("StorageMessages", "The %1 (%2) could not be read or written: the disk "
                                    "reported an error."),
        Fault.UNREACHABLE: translate("StorageMessages", "The %1 (%2) cannot be reached: the connection to its "
                                     "database server failed."),
        Fault.SERVER: translate("StorageMessages", "The %1 (%2) could not be read or written: its database "
                                "server reported a problem."),
    }[fault]


def _detail(exc: StorageError) -> str:
    known = {
        storage_errors.CHECK_FAILED: translate("StorageMessages", "It failed the integrity check."),
        "A journal restore is running.": translate("StorageMessages", "A journal restore is running."),
        "There is no journal file to back up.": translate("StorageMessages", "There is no journal file to "
                                                          "back up."),
    }
    if exc.detail in known:
        return known[exc.detail]
    if exc.detail.startswith("Its automatic backup failed the check"):
        return translate("StorageMessages", "Its automatic backup failed the integrity check.")
    return exc.detail


def next_step(exc: StorageError) -> str:
    folder = str(exc.folder)
    only_file = exc.read_only_file
    if only_file is not None:
        return fmt(translate("StorageMessages", "Make the file %1 writable for the user who runs the app (or call "
                             "support), then try again."), only_file)
    if exc.fault is Fault.CORRUPT and exc.what is What.JOURNAL:
        return translate("StorageMessages", "A manager can restore the latest automatic backup (Restore backup, "
                         "or pos-app --restore-journal FILE); otherwise call support.")
    if exc.fault is Fault.CORRUPT and exc.what is What.TRAINING:
        return translate("StorageMessages", "It holds practice data only: move the file away (or rename it) "
                         "and start the app again for fresh training data.")
    return fmt({
        Fault.READ_ONLY: translate("StorageMessages", "Make the folder %1 writable for the user who runs the app "
                                   "(or move the data to a disk that is not read-only), then try again."),
        Fault.DISK_FULL: translate("StorageMessages", "Free some space on the disk that holds %1, then try "
                                   "again."),
        Fault.CORRUPT: translate("StorageMessages", "Keep the file as it is and call support."),
        Fault.CANNOT_OPEN: translate("StorageMessages", "Check that the folder %1 exists, is a folder and that "
                                     "the user who runs the app may write to it, then try again."),
        Fault.BUSY: translate("StorageMessages", "Another program is using the file (a second copy of the "
                              "app?). Close it, then try again."),
        Fault.DISK_ERROR: translate("StorageMessages", "The disk reported an error. Check the disk (or its "
                                    "cable), then try again; call support if it happens again."),
        Fault.UNREACHABLE: translate("StorageMessages", "Check the network, that the database server is running "
                                     "and that the app's database settings (server, database, user, password) "
                                     "are right, then try again; call support if it happens again."),
        Fault.SERVER: translate("StorageMessages", "Ask whoever looks after the database server to check it "
                                "(its log says why), then try again."),
    }[exc.fault], folder)


def describe(exc: StorageError) -> str:
    """The translated message: file, fault, what was (not) changed, next step."""
    only_file = exc.read_only_file
    if only_file is not None:
        parts = [fmt(translate("StorageMessages", "The %1 (%2) cannot be written: the file %3 is read-only."),
                     what_name(exc.what), exc.path, only_file)]
    else:
        parts = [fmt(_fault_sentence(exc.fault), what_name(exc.what), exc.path)]
    if exc.detail:
        parts.append(_detail(exc))
    parts.append(translate("StorageMessages", "The file was not changed.") if exc.fault is Fault.CORRUPT
                 else translate("StorageMessages", "What was saved before is intact."))
    parts.append(next_step(exc))
    return " ".join(parts)


def install() -> None:
    """``str(StorageError)`` in the UI language from now on."""
    storage_errors.set_describer(describe)


def _when(dt) -> str:
    from pos_app.ui.common.i18n import format_datetime

    return format_datetime(dt)


class StorageProblemDialog(Retranslating, QDialog):
    """A storage fault the counter cannot start with; for a damaged journal, the backup to restore."""

    restored = Signal(object)  # backups.RestoreReport

    def __init__(self, exc: StorageError, parent: QWidget | None = None, environment=None, clerks=None,
                 restore=None, restart=None) -> None:
        """``clerks``: the run's clerk desk (``ClerksApi``) that approves the restore and ``restore(journal,
        backup, approval)`` the run's ``Setup.restore_journal`` (None: the data folder's clerk file of
        ``environment``); ``restart()`` starts the counter again after a restore."""
        from pos_app.counter import backup_dir, describe_backup, latest_backup

        super().__init__(parent)
        self.exc = exc
        self.clerks, self.restore_call, self.restart = clerks, restore, restart
        self.environment = environment
        self.report = None
        self._op = None
        self.setObjectName("storageProblemDialog")
        self.live(self.setWindowTitle, lambda: translate("StorageMessages", "The counter could not start"))
        self.setMinimumWidth(560)
        self.message = self.with_live(QLabel(self), lambda: str(exc))  # StorageError says itself in the UI language
        self.message.setObjectName("storageMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup = None
        self.backup_info = QLabel(self)
        self.backup_info.setObjectName("backupInfo")
        self.backup_info.setWordWrap(True)
        self.backup_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = QLabel(self)
        self.state.setObjectName("restoreState")
        self.state.setWordWrap(True)
        self.restore_button = self.with_live(QPushButton(self), lambda: translate("StorageMessages", "Restore this backup…"))
        self.restore_button.setObjectName("restoreBackup")
        self.restore_button.clicked.connect(self.restore)
        self.close_button = self.with_live(QPushButton(self), lambda: translate("StorageMessages", "Close"))
        self.close_button.setObjectName("closeProblem")
        self.close_button.clicked.connect(self.reject)
        journal_damaged = exc.fault is Fault.CORRUPT and exc.what is What.JOURNAL
        if journal_damaged:
            self.backup = latest_backup(exc.path)
            if self.backup is not None:
                info = describe_backup(self.backup.path)
                count = info[0] if info else 0
                self.live(self.backup_info.setText, lambda: fmt(translate(
                    "StorageMessages", "Latest automatic backup: %1 (%2 payment attempts), file %3. Restoring it "
                    "keeps the damaged journal next to it; payments made after the backup stay in PaySimple "
                    "and show in End of day."), _when(self.backup.taken_at), count, self.backup.path))
            else:
                self.live(self.backup_info.setText, lambda: fmt(translate(
                    "StorageMessages", "No automatic backup was found in %1. Keep the journal as it is and call "
                    "support."), backup_dir(exc.path)))
        self.backup_info.setVisible(journal_damaged)
        self.restore_button.setVisible(self.backup is not None)
        # Enter presses the button that has the keyboard (Restore at first when there is a backup, else Close)
        self.restore_button.setDefault(self.backup is not None)
        self.close_button.setDefault(self.backup is None)

        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        body = QVBoxLayout(self)
        body.setContentsMargins(24, 16, 24, 16)
        body.setSpacing(12)
        self.title = self.with_live(QLabel(self), lambda: f"<b>{html.escape(self.windowTitle())}</b>")
        body.addWidget(self.title)
        body.addWidget(self.message)
        body.addWidget(self.backup_info)
        body.addWidget(self.state)
        body.addLayout(buttons)
        (self.restore_button if self.backup is not None else self.close_button).setFocus()

    def _desk(self):
        """(clerk desk, restore call, environment): the run's, or the data folder's own clerk file."""
        from pos_app.config import Environment

        env = Environment(self.environment or Environment.TRAINING)
        if self.clerks is not None and self.restore_call is not None:
            return self.clerks, self.restore_call, env
        from pos_app.counter import LocalClerks, restore_journal

        data_dir = self.exc.path.parent if env is Environment.TRAINING else self.exc.path.parent.parent
        clerks = LocalClerks.for_data_dir(data_dir, env)
        return clerks, lambda journal, backup, approval: restore_journal(journal, backup, approval, clerks), env

    def restore(self) -> None:
        """Manager approval, then the restore on a worker; the back end starts again when it is done."""
        from pos_app.counter import ManagerAction
        from pos_app.ui.common.ops import BackgroundOp
        from pos_app.ui.shell.manager_approval import request_approval

        if self.backup is None or self._op is not None:
            return
        clerks, restore, environment = self._desk()
        approved = request_approval(
            self, clerks, ManagerAction.RESTORE_JOURNAL, environment,
            subject=f"restore journal from {self.backup.path.name}",
            detail=lambda: fmt(translate("StorageMessages", "Replace the damaged payment journal with the backup of "
                                         "%1. The damaged journal is kept."), _when(self.backup.taken_at)))
        if approved is None:
            return
        journal, backup = Path(self.exc.path), self.backup.path
        self.restore_button.setEnabled(False)
        self._say(lambda: translate("StorageMessages", "Restoring…"))

        def work(_ctx):
            return restore(journal, backup, approved)

        self._op = BackgroundOp(work, on_done=self._restored, on_error=self._failed, label="restore journal")
        self._op.start()

    def _say(self, text: str | Callable[[], str], error: bool = False) -> None:
        """The restore's state (a callable follows a language switch)."""
        self.state.setStyleSheet("color: #b42318; font-weight: 600;" if error else "font-weight: 600;")
        self.live(self.state.setText, text if callable(text) else (lambda: text))

    def _restored(self, report) -> None:
        self._op = None
        self.report = report
        self._say(lambda: fmt(translate("StorageMessages", "Restored %1 payment attempts. The damaged journal is kept "
                                        "as %2. The counter starts again now."), report.attempts,
                              report.kept_as if report.kept_as else "-"))
        self.live(self.setWindowTitle, lambda: translate("StorageMessages", "Payment journal restored"))
        self.live(self.title.setText, lambda: "<b>" + html.escape(translate("StorageMessages",
                                                                            "Payment journal restored")) + "</b>")
        self.restore_button.setVisible(False)
        self.message.setVisible(False)  # "is damaged … not changed" is no longer true; the state line says what is
        self.backup_info.setVisible(False)
        self.live(self.close_button.setText, lambda: translate("StorageMessages", "Close"))
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        QTimer.singleShot(0, self, self.adjustSize)  # no empty space where the hidden texts were
        self.restored.emit(report)
        if self.restart is not None:
            self.restart()

    def _failed(self, exc: BaseException) -> None:
        from pos_app.counter import RestoreRefused

        self._op = None
        self.restore_button.setEnabled(True)
        if not isinstance(exc, RestoreRefused | StorageError):
            log.error("journal restore failed", exc_info=(type(exc), exc, exc.__traceback__))

        def text() -> str:
            if isinstance(exc, RestoreRefused) and exc.code == "in_use":
                return translate("StorageMessages", "The journal is in use by another program (another copy of the "
                                 "app?). Close it, then restore again. Nothing was changed.")
            if isinstance(exc, RestoreRefused):
                return fmt(translate("StorageMessages", "This backup cannot be used (%1). Nothing was changed. Call "
                                     "support."), exc.code)
            if isinstance(exc, StorageError):
                return str(exc)
            return fmt(translate("StorageMessages", "The restore did not finish (%1). Nothing was changed."),
                       type(exc).__name__)

        self._say(text, error=True)


def status_note(exc: StorageError) -> str:
    """One line for the status bar while the counter cannot take payments."""
    if exc.what is What.JOURNAL:
        return fmt(translate("StorageMessages", "No payments: the payment journal (%1) has a problem."), exc.path)
    return fmt(translate("StorageMessages", "Not started: the %1 (%2) has a problem."), what_name(exc.what),
               exc.path)


def show_startup_failure(window, exc: BaseException) -> QWidget | None:
    """What the counter shows when its back end could not start because of a storage fault
    (``MainWindow._startup_failed``) or a store server fault (``ui/shell/store_setup.show_store_failure``); None
    for any other error (the window says it its own way)."""
    from pos_app.ui.shell.store_setup import show_store_failure

    store = show_store_failure(window, exc)
    if store is not None:
        return store
    if isinstance(exc, StorageError):
        if isinstance(exc, JournalCorrupt):
            log.error("payment journal %s failed its check: %s", exc.path, " | ".join(exc.problems)[:2000])
        window.statusBar().showMessage(status_note(exc))  # stays until the back end starts
        session = window.session
        dialog = StorageProblemDialog(exc, window, environment=window.environment, clerks=session.clerks,
                                      restore=session.restore_journal, restart=window.restart_counter)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        window.storage_problem = dialog
        dialog.open()
        dialog.raise_()
        dialog.activateWindow()
        return dialog
    return None


def show_startup_notices(window, notices) -> QMessageBox | None:
    """After start-up: a rebuilt customer list or a failed start-up backup (``counter.StartupNotices``;
    non-blocking message)."""
    lines = []
    recovery = notices.recovery
    if recovery is not None:
        text = fmt(translate("StorageMessages", "The customer list was damaged. It was kept as %1 and a new one "
                             "was made: %2 customers added at this counter (not in PaySimple) and %3 others were "
                             "recovered; the rest come back from PaySimple with the sync."),
                   recovery.damaged_file, recovery.local_only, recovery.from_paysimple)
        if recovery.unreadable_from or recovery.nothing_readable:
            text += " " + translate("StorageMessages", "Part of the damaged file could not be read; customers "
                                    "added at this counter in that part must be entered again.")
        lines.append(text)
    problem = notices.backup_problem
    if problem is not None:
        lines.append(translate("StorageMessages", "The automatic backup of the payment journal could not be "
                               "written:") + " " + str(problem))
    if not lines:
        return None
    box = QMessageBox(QMessageBox.Icon.Warning, translate("StorageMessages", "Storage"), "\n\n".join(lines),
                      parent=window)
    box.setObjectName("storageNotice")
    window.storage_notice = box
    box.open()
    return box


def tell_settings_set_aside(window: QWidget) -> QMessageBox | None:
    """Once, after a clerk signs in: a damaged settings file was set aside at start (``settings.take_set_aside``)
    and defaults are in use. Says which file was kept and that a manager should check the settings (the lane,
    the store's name on receipts, the money format and the language may not be the store's). None when
    nothing was set aside. Memory only: no file is read here."""
    from pos_app.counter import take_set_aside

    set_aside = take_set_aside()
    if not set_aside:
        return None
    kept = ", ".join(str(path) for path in set_aside)
    box = QMessageBox(QMessageBox.Icon.Warning, translate("StorageMessages", "Settings were reset"),
                      fmt(translate("StorageMessages", "The settings file could not be read, so the counter started "
                                    "with default settings: the lane, the store's name on receipts, the money "
                                    "format and the language may not be this store's. The damaged file was kept "
                                    "as %1. A manager should check Manager → Settings… now."), kept), parent=window)
    box.setObjectName("settingsSetAside")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.open()
    return box

