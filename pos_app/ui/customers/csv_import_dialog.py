"""Manager → Import customers from CSV…: choose a file, import it on a worker, show what happened.

    dialog = CsvImportDialog(backend, parent)     # backend: CounterBackend (its directory)
    dialog.open()                                 # Choose file… → Import → summary + Open report

Decisions:
- Who may open it: importing changes the counter's customer list in bulk, so the shell asks for a manager
  (a signed-in manager opens it directly; a clerk needs a manager's PIN, recorded as a SETTINGS approval with
  the subject "Import customers from CSV"). See ``Shell.import_customers``.
- The import is ``customers.import_csv`` on a worker (``ui.common.ops.BackgroundOp``) with a progress bar; Cancel
  asks it to stop at the next batch boundary: rows of finished batches are kept (the core commits per batch)
  and the summary says so. Closing the window while it runs is the same as Cancel (the dialog stays until the
  worker has stopped, so the directory is never left mid-batch by us).
- The report file (CSV: line, status, reason, name) is written next to the directory
  (``<data>/import-reports/``) by the back end; "Open report" opens it with the desktop's CSV viewer
  (``QDesktopServices.openUrl``); on a PC with no program for CSV files the summary stays and the report's
  path is shown below it, selectable, with "Copy path". "Save report…" copies it where the manager chooses
  ("Import report 2026-12-05 1432 old-register.csv" in Documents or the last folder; ``ui.common.save_files``).
  A file with the wrong columns imports nothing: the dialog names the missing
  columns and the ones it found (``CsvColumnsError``). Every refused file (wrong columns, a header line over
  128 KiB, an empty file) still has a report saying why, and "Open report" shows it.
- Progress moves and Cancel is honoured every batch of lines read, good or bad (a file of only bad rows
  included); the summary counts every bad row (``ImportReport.rejected_count``) and shows the first few.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_app.counter import CounterApi, CsvColumnsError, CsvImportError, ImportReport
from pos_app.text_safety import one_line
from pos_app.ui.common.i18n import Retranslating, fmt, tr
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.save_files import (
    FileLocation,
    FileSaver,
    SaveFolder,
    ask_save_path,
    file_name,
    open_file,
    save_failed_text,
)
from pos_app.ui.common.theme import AMBER, GREEN, RED

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

SHOWN_PROBLEMS = 5  # the rest are in the report file


class _CancelFlag:
    """``import_csv`` wants ``cancel.is_set()``; the worker's context knows whether Cancel was pressed."""

    def __init__(self, ctx) -> None:
        self._ctx = ctx

    def is_set(self) -> bool:
        return self._ctx.cancelled


class CsvImportDialog(Retranslating, QDialog):
    finished_import = Signal(object)   # ImportReport, or the exception that refused the file (tests)

    def __init__(self, backend: CounterApi, parent: QWidget | None = None, start_dir: str = "",
                 batch_size: int | None = None, save_folder: SaveFolder | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.start_dir = start_dir
        self.save_folder = save_folder
        self.saver = FileSaver(self)
        self.saver.finished.connect(self._report_saved)
        self.started_at = None  # when the last import started (the saved report's name)
        self.batch_size = batch_size
        self.path: Path | None = None
        self.report: ImportReport | None = None
        self.report_path: Path | None = None  # of the last run, also when the file was refused
        self.op: BackgroundOp | None = None
        self._close_when_stopped = False
        self.live(self.setWindowTitle, lambda: translate("CsvImportDialog", "Import customers from CSV"))
        self.setMinimumWidth(560)
        self.resize(680, 480)  # a window manager gives a top-level its size hint, which ignores wrapped labels

        layout = QVBoxLayout(self)
        intro = self.with_live(QLabel(self), lambda: translate("CsvImportDialog", "Bring customers over from another register or a "
                                 "spreadsheet. The file needs a header line with first and last name columns "
                                 "(or one Name column); phone, e-mail, account no. and address columns are used "
                                 "when present. Card numbers are never imported. Importing the same file again "
                                 "adds nobody twice."))
        intro.setWordWrap(True)
        intro.setObjectName("importIntro")
        intro.setMinimumHeight(intro.fontMetrics().lineSpacing() * 5)
        self.intro = intro
        layout.addWidget(intro)

        row = QHBoxLayout()
        self.choose_button = self.with_live(QPushButton(self), lambda: translate("CsvImportDialog", "Choose file…"))
        self.choose_button.clicked.connect(self.choose_file)
        row.addWidget(self.choose_button)
        self.file_label = self.with_live(QLabel(self), lambda: translate("CsvImportDialog", "No file chosen"))
        self.file_label.setObjectName("muted")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.file_label, 1)
        layout.addLayout(row)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.hide()
        layout.addWidget(self.progress)

        self.summary = QLabel(self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary_area = QScrollArea(self)  # a long summary scrolls instead of being cut
        self.summary_area.setObjectName("importSummaryArea")
        self.summary_area.setWidgetResizable(True)
        self.summary_area.setFrameShape(QFrame.Shape.NoFrame)
        self.summary_area.setWidget(self.summary)
        self.summary_area.setMinimumHeight(180)
        layout.addWidget(self.summary_area, 1)
        self.file_note = QLabel(self)  # about the report file: saved, not opened, could not be saved
        self.file_note.setObjectName("importFileNote")
        self.file_note.setWordWrap(True)
        self.file_note.setTextFormat(Qt.TextFormat.PlainText)
        self.file_note.hide()
        layout.addWidget(self.file_note)
        self.location = FileLocation(self)
        layout.addWidget(self.location)

        buttons = QHBoxLayout()
        self.report_button = self.with_live(QPushButton(self), lambda: translate("CsvImportDialog", "Open report"))
        self.report_button.clicked.connect(self.open_report)
        self.report_button.hide()
        buttons.addWidget(self.report_button)
        self.save_report_button = self.with_live(QPushButton(self), lambda: translate("CsvImportDialog", "Save report…"))
        self.save_report_button.clicked.connect(lambda: self.save_report())
        self.save_report_button.hide()
        buttons.addWidget(self.save_report_button)
        buttons.addStretch(1)
        self.import_button = self.with_live(QPushButton(self), lambda: translate("CsvImportDialog", "Import"))
        self.import_button.setObjectName("primary")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start)
        buttons.addWidget(self.import_button)
        self.cancel_button = self.with_live(QPushButton(self), lambda: translate("CsvImportDialog", "Close"))
        self.cancel_button.clicked.connect(self.cancel_or_close)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

    # ---- choosing ------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.op is not None and not self.op.finished

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, translate("CsvImportDialog", "Choose the customer file"), self.start_dir,
            translate("CsvImportDialog", "CSV files (*.csv *.txt);;All files (*)"))
        if path:
            self.set_file(path)

    def set_file(self, path: str | Path) -> None:
        self.path = Path(path)
        self.start_dir = str(self.path.parent)
        self.file_label.setText(str(self.path))
        self._say("")
        self._show_report_buttons(None)
        self.import_button.setEnabled(True)
        self.import_button.setFocus()

    # ---- importing -----------------------------------------------------------------------------------

    def start(self) -> None:
        if self.path is None or self.running:
            return
        path, backend, batch_size = self.path, self.backend, self.batch_size
        self.report, self.report_path = None, None
        self._show_report_buttons(None)
        self.started_at = datetime.now().astimezone()
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.live(self.cancel_button.setText, lambda: translate("CsvImportDialog", "Cancel"))
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first batch reports a total
        self.progress.show()
        self._say(lambda: fmt(translate("CsvImportDialog", "Importing %1…"), path.name))

        def work(ctx):
            return backend.import_csv(path, progress=lambda done, total: ctx.progress(done, total, ""),
                                      cancel=_CancelFlag(ctx), batch_size=batch_size)

        self.op = BackgroundOp(work, on_done=self._done, on_error=self._failed,
                               on_progress=self._progressed, label="CSV import")
        self.op.start()

    def _progressed(self, done: int, total: int, _text: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            name = self.path.name
            self._say(lambda: fmt(translate("CsvImportDialog", "Importing %1… %2 of %3 rows"), name, done, total))

    def cancel_or_close(self) -> None:
        if self.running:
            self.op.cancel()
            self.cancel_button.setEnabled(False)
            self._say(lambda: translate("CsvImportDialog", "Stopping after the current batch…"))
        else:
            self.reject()

    def _finished_running(self) -> None:
        self.progress.hide()
        self.choose_button.setEnabled(True)
        self.import_button.setEnabled(self.path is not None)
        self.live(self.cancel_button.setText, lambda: translate("CsvImportDialog", "Close"))
        self.cancel_button.setEnabled(True)
        if self._close_when_stopped:
            self.reject()

    def _done(self, report: ImportReport) -> None:
        self.report = report
        self._finished_running()
        color = RED if report.cancelled else AMBER if report.rejected_count else GREEN
        self._say(lambda: summary_text(report), color)
        self._show_report_buttons(report.report_path)
        self.finished_import.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._finished_running()
        self._say(lambda: explain_import_error(exc), RED)
        # a refused file still has a report saying why
        self._show_report_buttons(exc.report_path if isinstance(exc, CsvImportError) else None)
        self.finished_import.emit(exc)

    def _say(self, text: str | Callable[[], str], color: str = "#1f2933") -> None:
        """The summary line (a callable follows a language switch)."""
        self.summary.setStyleSheet(f"color: {color}; font-weight: 600;")
        self.live(self.summary.setText, text if callable(text) else (lambda: text))

    def _show_report_buttons(self, path: Path | None) -> None:
        self.report_path = path
        self.report_button.setVisible(path is not None)
        self.save_report_button.setVisible(path is not None)
        self.file_note.hide()
        self.location.hide()

    def _note(self, text: str | Callable[[], str], color: str = "#1f2933") -> None:
        self.file_note.setStyleSheet(f"color: {color}; font-weight: 600;")
        self.live(self.file_note.setText, text if callable(text) else (lambda: text))
        self.file_note.show()

    def open_report(self) -> QUrl | None:
        """The desktop's CSV program opens the report; with none, its path is shown (the summary stays)."""
        if self.report_path is None:
            return None
        if open_file(self.report_path):
            self.file_note.hide()
            self.location.hide()
        else:
            self._note(lambda: translate("CsvImportDialog", "No program on this computer opens CSV files. Copy the path "
                                                    "below, or save the report where you keep files and open it "
                                                    "from another computer."), AMBER)
            self.location.show_path(self.report_path, lambda: translate("CsvImportDialog", "The report is here:"))
        return QUrl.fromLocalFile(str(self.report_path))

    def suggested_report_name(self) -> str:
        """"Import report 2026-12-05 1432 old-register.csv": when the import ran and the file it read."""
        when = self.started_at
        stamp = (f"{when:%Y-%m-%d}", f"{when:%H%M}") if when is not None else ()
        source = self.path.stem if self.path is not None else ""
        return file_name(translate("CsvImportDialog", "Import report"), *stamp, source, extension="csv")

    def save_report(self, path: str | Path | None = None):
        """A copy of the report where the manager chooses (``path``: no dialog), written on a worker;
        ``saver.finished`` says how it went. The started op or None."""
        if self.report_path is None or self.running or self.saver.busy:
            return None
        path = path or ask_save_path(self, self.save_folder,
                                     lambda: translate("CsvImportDialog", "Save the import report"),
                                     self.suggested_report_name(), lambda: translate("CsvImportDialog",
                                                                                     "CSV files (*.csv)"))
        if not path:
            return None
        self.location.hide()
        self._note(lambda: translate("CsvImportDialog", "Saving the report…"), AMBER)
        return self.saver.save(Path(path), copy_of=self.report_path)

    def _report_saved(self, result) -> None:
        if isinstance(result, Path):
            self._note(lambda: translate("CsvImportDialog", "Report saved."), GREEN)
            self.location.show_path(result)
        else:
            path = self.saver.path
            self._note(lambda: save_failed_text(result, path), RED)

    # ---- closing while it runs ----------------------------------------------------------------------------

    def reject(self) -> None:
        if self.running:  # Esc / window close while importing: stop first, then close
            self._close_when_stopped = True
            self.cancel_or_close()
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.running:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)


def summary_text(report: ImportReport) -> str:
    rejected = report.rejected  # the first ones (all are counted in rejected_count and listed in the report)
    lines = []
    if report.cancelled:
        lines.append(translate("CsvImportDialog", "Import cancelled. Customers of the rows read before Cancel "
                               "were kept; import the file again to finish (nobody is added twice)."))
    else:
        lines.append(fmt(translate("CsvImportDialog", "Import finished: %1 rows read."), report.rows))
    lines.append(fmt(translate("CsvImportDialog", "New customers: %1 · Updated: %2 · Already imported: %3"),
                     report.imported, report.updated, report.unchanged))
    lines.append(fmt(translate("CsvImportDialog", "Already in PaySimple: %1 · Bad rows skipped: %2"),
                     report.already_in_paysimple, report.rejected_count))
    shown = sorted(rejected, key=lambda p: p.line)[:SHOWN_PROBLEMS]
    for problem in shown:
        lines.append(fmt(translate("CsvImportDialog", "Line %1: %2"), problem.line, one_line(tr(problem.reason))))
    if report.rejected_count > len(shown):
        lines.append(fmt(translate("CsvImportDialog", "…and %1 more bad rows: see the report."),
                         report.rejected_count - len(shown)))
    warnings = report.warning_count
    if warnings:
        lines.append(fmt(translate("CsvImportDialog", "%1 rows imported with a warning (see the report)."), warnings))
    return "\n".join(lines)


def explain_import_error(exc: BaseException) -> str:
    from pos_app.storage_errors import StorageError

    if isinstance(exc, StorageError):  # the customer list or the report file: names it and the next step
        return str(exc) + " " + translate("CsvImportDialog", "Customers of finished batches were kept.")
    if isinstance(exc, CsvColumnsError):
        # Column names are the file's own words (the headers it must have): quoted, never translated.
        found = ", ".join(f"“{h}”" for h in exc.found) or translate("CsvImportDialog", "(none)")
        return fmt(translate("CsvImportDialog", "Wrong columns: the file has no column %1 (or one “Name” column). "
                             "Columns found: %2. Nothing was imported."),
                   translate("CsvImportDialog", " and ").join(f"“{m}”" for m in exc.missing), found)
    if isinstance(exc, CsvImportError):
        return tr(exc)
    if isinstance(exc, OSError):
        return fmt(translate("CsvImportDialog", "The file could not be read (%1). Nothing was imported."),
                   exc.strerror or type(exc).__name__)
    log.error("CSV import failed", exc_info=(type(exc), exc, exc.__traceback__))
    return fmt(translate("CsvImportDialog", "The import stopped because of an error (%1). Customers of "
                         "finished batches were kept; the next import of this file adds nobody twice."),
               type(exc).__name__)
