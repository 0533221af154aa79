"""Unhandled exceptions: log them, write a crash report without secrets, tell the clerk what to do.

``CrashHandler.install()`` replaces ``sys.excepthook`` (which PySide6 also calls for an exception in a
slot) and ``threading.excepthook``. For each exception it logs the traceback (the log filter redacts it),
writes ``crash-<UTC time>-<pid>.txt`` into ``paths.crash_dir`` (passed through ``pos_app.logs.redact``:
registered secrets such as the API key, JWTs, Authorization values, payment tokens and card/bank numbers
are masked; no local variables are included), and shows :class:`CrashDialog` on the GUI thread (a worker
thread's exception is queued there by a signal).

The app does not exit: a payment in flight is finished by its worker and the journal stays open and
consistent; anything unfinished is reconciled at the next start. Repeated exceptions while a dialog is
open only update its count (no dialog storm).
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from pos_app import __version__
from pos_app.logs import redact
from pos_app.private_files import private_dir, write_private_text
from pos_app.ui.common.banner import EnvironmentBanner
from pos_app.ui.common.i18n import Retranslating, fmt
from pos_app.ui.shell.login import heading

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def crash_report_text(exc_type, exc, tb, thread_name: str, context: dict[str, str]) -> str:
    lines = [
        "pos-app crash report",
        f"time (UTC): {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"version: {__version__}",
        f"python: {sys.version.split()[0]}  PySide6: {pyside_version}  platform: {platform.platform()}",
        f"thread: {thread_name}",
    ]
    lines += [f"{key}: {value}" for key, value in sorted(context.items())]
    lines.append("")
    lines += traceback.format_exception(exc_type, exc, tb)
    return redact("\n".join(line.rstrip("\n") for line in lines)) + "\n"


class CrashDialog(Retranslating, QDialog):
    def __init__(self, summary: str, report: Path | None, parent: QWidget | None = None,
                 environment: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.live(self.setWindowTitle, lambda: translate("CrashDialog", "Something went wrong"))
        self.setMinimumWidth(520)
        self.report = report
        self.count = 1
        title = self.with_live(heading("", self, 1.3), lambda: translate("CrashDialog", "Something went wrong"))
        self.what = self.with_live(QLabel(self), lambda: fmt(translate("CrashDialog",
                                         "The app hit an unexpected problem (%1) and could not finish what it "
                                         "was doing."), summary))
        safe = self.with_live(QLabel(self), lambda: translate("CrashDialog",
                                "Your payments are safe: every payment is saved before it is sent, and anything "
                                "unfinished is checked with PaySimple automatically."))
        todo = self.with_live(QLabel(self), lambda: translate("CrashDialog",
                                "What to do: close this message and carry on. If a payment was in progress, look "
                                "at its status before charging again. If this keeps happening, restart the app "
                                "and send the crash report to your support contact."))
        self.where = self.with_live(QLabel(self), lambda: fmt(translate("CrashDialog", "Crash report: %1"), str(report))
                                    if report else translate("CrashDialog", "The crash report could not be written."))
        self.where.setObjectName("crashReportPath")
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setStyleSheet("color: #4b5563;")
        self.repeats = QLabel(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = EnvironmentBanner(environment, self) if environment else None
        if self.banner is not None:
            outer.addWidget(self.banner)
        layout = QVBoxLayout()
        outer.addLayout(layout)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        for label in (self.what, safe, todo, self.where):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        for widget in (title, self.what, safe, todo, self.where, self.repeats):
            layout.addWidget(widget)
        buttons = QDialogButtonBox(self)
        self.open_folder = self.with_live(buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole), lambda: translate("CrashDialog", "Open report folder"))
        self.open_folder.setEnabled(report is not None)
        self.open_folder.clicked.connect(self._open_folder)
        close = self.with_live(buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole), lambda: translate("CrashDialog", "Close"))
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def again(self) -> None:
        self.count += 1
        self.live(self.repeats.setText, lambda: fmt(translate("CrashDialog", "This happened %1 times."), self.count))

    def _open_folder(self) -> None:
        if self.report is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report.parent)))


class CrashHandler(QObject):
    """Create on the GUI thread (its slot runs there), then ``install()``."""

    crashed = Signal(str, str)  # summary, report path ("" if not written)

    def __init__(self, crash_dir: Path, context: Callable[[], dict[str, str]] | None = None,
                 parent_widget: Callable[[], QWidget | None] | None = None, show_dialog: bool = True,
                 environment: Callable[[], str] | None = None) -> None:
        super().__init__()
        self.crash_dir = Path(crash_dir)
        self._context = context or (lambda: {})
        self._parent = parent_widget or (lambda: None)
        self.show_dialog = show_dialog
        self._environment = environment or (lambda: None)
        self.dialog: CrashDialog | None = None
        self.reports: list[Path] = []
        self._previous: tuple | None = None
        self.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> CrashHandler:
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
            sys.excepthook = self.handle
            threading.excepthook = self._thread_hook
        return self

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "thread"
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, thread_name=name)

    def handle(self, exc_type, exc, tb, thread_name: str | None = None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        thread_name = thread_name or threading.current_thread().name
        try:
            log.critical("unhandled exception in %s", thread_name, exc_info=(exc_type, exc, tb))
            path = self.write_report(exc_type, exc, tb, thread_name)
        except Exception:  # noqa: BLE001 - the crash handler itself must never raise
            path = None
        self.crashed.emit(exc_type.__name__, str(path) if path else "")

    def write_report(self, exc_type, exc, tb, thread_name: str) -> Path | None:
        try:
            context = {k: str(v) for k, v in self._context().items()}
        except Exception:  # noqa: BLE001
            context = {}
        text = crash_report_text(exc_type, exc, tb, thread_name, context)
        try:
            private_dir(self.crash_dir)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            path = self.crash_dir / f"crash-{stamp}-{os.getpid()}.txt"
            tmp = path.with_suffix(".tmp")
            write_private_text(tmp, text)
            os.replace(tmp, path)
        except OSError as err:
            log.error("could not write the crash report: %s", err)
            return None
        self.reports.append(path)
        log.error("crash report written to %s", path)
        return path

    def _show(self, summary: str, report: str) -> None:
        if not self.show_dialog:
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.again()
            return
        try:
            environment = self._environment()
        except Exception:  # noqa: BLE001 - the banner is a nicety; the dialog must show
            environment = None
        self.dialog = CrashDialog(summary, Path(report) if report else None, self._parent(), environment)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.show()
