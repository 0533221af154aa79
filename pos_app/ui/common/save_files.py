"""Saving receipts, reports and copies of import reports where the person chooses, and showing where a file is.

    folder = SaveFolder(last=settings.save_folder, remember=shell.remember_save_folder)   # one per run
    path = ask_save_path(parent, folder, title, "End of day 2026-12-05 LANE1.pdf", filter_text)  # None: cancelled
    saver = FileSaver(parent)                  # one per dialog; saver.finished(Path | OSError) when done
    saver.save(path, data=pdf_bytes)  /  saver.save(path, write=report.to_csv)  /  saver.save(path, copy_of=src)
    location = FileLocation(parent); location.show_path(path)   # the path, selectable, with "Copy path"

Contracts:
- A Save dialog starts in the folder the person last saved to (``Settings.save_folder``, remembered per
  settings file) while it still exists, else their Documents folder (``QStandardPaths.DocumentsLocation``)
  when it exists, else their home folder. The suggested name is readable and safe on Windows and Linux
  (``text_safety.safe_file_name``); the dialog adds the extension when the name typed has none, before it
  asks about replacing a file.
- The file is written on a worker (``private_files.write_user_file``: 0600, whole or not at all, the folder
  never created or changed; decision 0353); the GUI thread only renders (PDF bytes) and reports. A failure
  says what is wrong and what to do next, and that nothing was saved.
- ``open_file`` asks the desktop's program for the file type; when there is none (``QDesktopServices.openUrl``
  says False, as on a PC without one) the caller shows the path with ``FileLocation`` next to what is already
  on screen, never instead of it.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.private_files import copy_user_file, write_user_file
from pos_app.text_safety import one_line, safe_file_name
from pos_app.ui.common.i18n import Retranslating, fmt
from pos_app.ui.common.ops import BackgroundOp

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def documents_folder() -> Path:
    """The person's Documents folder when it exists, else their home folder."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


class SaveFolder:
    """Where the next Save dialog starts; ``remember(folder)`` is called (GUI thread) when the person saved
    into another folder than the last one (the shell records it in the settings file, on a worker)."""

    def __init__(self, last: str = "", remember: Callable[[str], None] | None = None) -> None:
        self.last = last
        self._remember = remember

    def start(self) -> Path:
        if self.last and Path(self.last).is_dir():
            return Path(self.last)
        return documents_folder()

    def chose(self, path: Path) -> None:
        folder = str(path.parent)
        if folder != self.last:
            self.last = folder
            if self._remember is not None:
                self._remember(folder)


def file_name(*parts: str, extension: str) -> str:
    """A readable, safe file name from its words: ``file_name("Receipt", "2026-12-05", "1432", "Mary Clark",
    extension="pdf")`` → "Receipt 2026-12-05 1432 Mary Clark.pdf"."""
    return safe_file_name(" ".join(p for p in parts if p), extension)


class SaveFileDialog(Retranslating, QFileDialog):
    """The Save dialog; its title and file-type filter are live texts (Qt's own words follow a switch too)."""


def ask_save_path(parent: QWidget | None, folder: SaveFolder | None, title: str | Callable[[], str], name: str,
                  filter_text: str | Callable[[], str]) -> Path | None:
    """The Save dialog (native where the desktop has one) in ``folder.start()`` with ``name`` suggested; the
    chosen path (with the extension of ``name`` when the person typed none), or None when cancelled.
    ``title`` and ``filter_text``: callables follow a language switch."""
    folder = folder or SaveFolder()
    dialog = SaveFileDialog(parent, "", str(folder.start() / name))
    dialog.live(dialog.setWindowTitle, title if callable(title) else (lambda: title))
    dialog.live(dialog.setNameFilter, filter_text if callable(filter_text) else (lambda: filter_text))
    dialog.setObjectName("saveFileDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setDefaultSuffix(Path(name).suffix.lstrip("."))
    dialog.selectFile(name)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    path = Path(dialog.selectedFiles()[0])
    folder.chose(path)
    return path


def save_failed_text(exc: BaseException, path: Path) -> str:
    """Why a file could not be saved and what to do next (nothing was saved; an older file is unchanged)."""
    name, where = path.name, str(path.parent)
    code = getattr(exc, "errno", None)
    if isinstance(exc, FileNotFoundError):
        text = fmt(translate("SaveFiles", "The folder %1 is not there any more (a USB stick taken out?). "
                                          "Choose another folder."), where)
    elif isinstance(exc, IsADirectoryError):
        text = fmt(translate("SaveFiles", "%1 is a folder. Choose another name."), name)
    elif code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        text = fmt(translate("SaveFiles", "The disk of %1 is full. Free some space or choose another "
                                          "folder."), where)
    elif isinstance(exc, PermissionError) or code == errno.EROFS:
        text = fmt(translate("SaveFiles", "%1 cannot be written here (no permission, a read-only drive, or the "
                                          "file is open in another program). Close it there or choose another "
                                          "folder, for example Documents."), name)
    else:
        text = fmt(translate("SaveFiles", "%1 could not be saved (%2)."), name,
                   one_line(getattr(exc, "strerror", None) or type(exc).__name__))
    return text + " " + translate("SaveFiles", "Nothing was saved; a file that was there already is unchanged.")


class FileSaver(QObject):
    """Writes one file at a time on a worker; ``finished`` carries the saved ``Path`` or the ``OSError``."""

    finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.op: BackgroundOp | None = None
        self.path: Path | None = None  # of the last save started

    @property
    def busy(self) -> bool:
        return self.op is not None and not self.op.finished

    def save(self, path: Path, data: bytes | None = None, write: Callable[[Path], object] | None = None,
             copy_of: Path | None = None) -> BackgroundOp | None:
        """Exactly one of: ``data`` (bytes), ``write(path)`` (a writer that saves like ``write_user_file``),
        ``copy_of`` (a file to copy). None when a save is still running."""
        if self.busy:
            return None
        path = self.path = Path(path)

        def work(ctx) -> Path:
            if data is not None:
                return write_user_file(path, data)
            if copy_of is not None:
                return copy_user_file(copy_of, path)
            write(path)
            return path

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, OSError):
                log.error("saving a file failed", exc_info=(type(exc), exc, exc.__traceback__))
            self.finished.emit(exc)

        self.op = BackgroundOp(work, on_done=self.finished.emit, on_error=failed, label="save file")
        self.op.start()
        return self.op


def open_file(path: Path) -> bool:
    """The desktop's program for the file's type opens it; False when there is none (show the path then)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class FileLocation(Retranslating, QWidget):
    """Where a file is: a line of text, the full path (selectable, read-only) and "Copy path". Hidden until
    ``show_path``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fileLocation")
        self.path: Path | None = None
        self.label = QLabel(self)
        self.label.setObjectName("muted")
        self.label.setWordWrap(True)
        self.field = QLineEdit(self)
        self.field.setObjectName("filePath")
        self.field.setReadOnly(True)
        self.copy_button = self.with_live(QPushButton(self), lambda: translate("SaveFiles", "Copy path"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_path)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addLayout(row)
        self.hide()

    def show_path(self, path: Path, text: str | Callable[[], str] = "") -> None:
        """Show where ``path`` is; ``text`` (a callable follows a language switch) says what it is."""
        self.path = Path(path)
        self.live(self.label.setText, lambda: (text() if callable(text) else text)
                  or translate("SaveFiles", "The file is here:"))
        self.field.setText(str(path))
        self.field.setToolTip(str(path))
        self.field.setCursorPosition(len(str(path)))  # the file's name in view; the folder scrolls
        self.live(self.copy_button.setText, lambda: translate("SaveFiles", "Copy path"))
        self.show()

    def copy_path(self) -> None:
        if self.path is not None:
            QGuiApplication.clipboard().setText(str(self.path))
            self.live(self.copy_button.setText, lambda: translate("SaveFiles", "Copied"))
