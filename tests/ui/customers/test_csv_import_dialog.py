"""Manager → Import customers from CSV…: real CSV files, the real directory, through the dialog."""

from __future__ import annotations

import csv
import threading

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QDesktopServices

from pos_app.ui.customers.csv_import_dialog import CsvImportDialog
from pos_app.ui.shell.manager_approval import ManagerApprovalDialog
from tests.ui.shell.helpers import when_modal

GOOD_AND_BAD = """First Name,Last Name,Phone,E-mail,Loyalty #,City,Card Number
Ada,Lovelace,(303) 555-0100,ada@example.com,L-1,Boulder,4111111111111111
Alan,Turing,303.555.0101,alan@example.com,L-2,Denver,
Grace,Hopper,,grace@,L-3,Arlington,
,Nobody,3035550102,nobody@example.com,L-4,,
Edsger,Dijkstra,3035550103,,L-1,Austin,
Barbara,Liskov,3035550104,barbara@example.com,L-5,Boston,
"""


def _import(qtbot, dialog: CsvImportDialog, path):
    dialog.set_file(path)
    with qtbot.waitSignal(dialog.finished_import, timeout=20_000) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls = []

    @Slot("QUrl")
    def open(self, url) -> None:
        self.urls.append(url)


def test_manager_imports_good_and_bad_rows(qtbot, counter, tmp_path):
    shell, window = counter
    backend = window.counter
    shell.clerks.sign_in("Trainer", "1234")   # a signed-in manager opens it without a PIN
    source = tmp_path / "old-register.csv"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    before = backend.directory.count()
    shell.import_action.trigger()
    dialog = shell.import_dialog
    assert dialog.isVisible() and not dialog.import_button.isEnabled()   # nothing chosen yet
    report = _import(qtbot, dialog, source)
    assert not report.cancelled and report.rows == 6
    assert (report.imported, len(report.rejected)) == (3, 3)
    assert backend.directory.count() == before + 3
    summary = dialog.summary.text()
    assert "6 rows read" in summary and "New customers: 3" in summary and "Bad rows skipped: 3" in summary
    assert "Line 4:" in summary and "Line 5:" in summary and "Line 6:" in summary   # which rows and why
    for name in ("Ada Lovelace", "Alan Turing", "Barbara Liskov"):
        hits = backend.search(name)
        assert hits and hits[0].display_name == name and hits[0].local_only
    assert backend.search("4111111111111111") == []   # card numbers never enter the directory
    # the report file is next to the directory and lists every bad line
    assert report.report_path.parent == backend.directory.path.parent / "import-reports"
    with report.report_path.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert sorted(int(r["line"]) for r in rows if r["status"] == "rejected") == [4, 5, 6]
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        assert not dialog.report_button.isHidden()
        qtbot.mouseClick(dialog.report_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in catcher.urls] == [str(report.report_path)]
    assert dialog.location.isHidden() and dialog.file_note.isHidden()   # it opened: nothing else to say
    # the same file again adds nobody
    again = _import(qtbot, dialog, source)
    assert again.imported == 0 and again.unchanged == 3 and backend.directory.count() == before + 3
    dialog.close()


def test_wrong_columns_are_named_and_nothing_is_imported(qtbot, backend, english, tmp_path):
    source = tmp_path / "phones.csv"
    source.write_text("Phone,Email\n3035550100,a@example.com\n", encoding="utf-8")
    before = backend.directory.count()
    dialog = CsvImportDialog(backend)
    qtbot.addWidget(dialog)
    dialog.show()
    error = _import(qtbot, dialog, source)
    assert error.missing and backend.directory.count() == before
    text = dialog.summary.text()
    assert text.startswith("Wrong columns") and "“First Name” and “Last Name”" in text
    # the file's own headers, quoted as they are written in it (never a Python repr, never translated)
    assert "'Phone'" not in text and "“Phone”, “Email”" in text and "Nothing was imported" in text
    assert dialog.import_button.isEnabled()
    # a refused file still has a report saying why (issue 15), and Open report shows it
    assert not dialog.report_button.isHidden() and error.report_path.exists()
    assert "no column for First Name and Last Name" in error.report_path.read_text(encoding="utf-8-sig")


def test_a_header_line_over_128_kib_is_refused_with_a_reason_and_a_report(qtbot, backend, english, tmp_path):
    source = tmp_path / "one-long-line.csv"
    source.write_text("First Name,Last Name," + "x" * 200_000 + "\nAda,Lovelace\n", encoding="utf-8")
    before = backend.directory.count()
    dialog = CsvImportDialog(backend)
    qtbot.addWidget(dialog)
    dialog.show()
    error = _import(qtbot, dialog, source)
    text = dialog.summary.text()
    assert "header" in text and "at most 131,072" in text and "Nothing was imported" in text
    assert "_csv" not in text and "field larger" not in text and backend.directory.count() == before
    assert not dialog.report_button.isHidden() and dialog.report_path == error.report_path


class _GatedBackend:
    """The real back end; the worker pauses after the first batch until the test has pressed Cancel."""

    def __init__(self, real) -> None:
        self.real = real
        self.reached, self.go = threading.Event(), threading.Event()

    def import_csv(self, path, progress=None, cancel=None, report_path=None, batch_size=None):
        def gated(done, total):
            progress(done, total)
            if not self.reached.is_set():
                self.reached.set()
                self.go.wait(10)

        return self.real.import_csv(path, progress=gated, cancel=cancel, report_path=report_path,
                                    batch_size=batch_size)


def test_cancel_keeps_finished_batches(qtbot, backend, english, tmp_path):
    source = tmp_path / "big.csv"
    lines = ["First Name,Last Name,Email"]
    lines += [f"Person{i},Family{i % 97},p{i}@example.com" for i in range(1000)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = backend.directory.count()
    gated = _GatedBackend(backend)
    dialog = CsvImportDialog(gated, batch_size=100)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_file(source)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.text() == "Cancel" and not dialog.choose_button.isEnabled()
    assert gated.reached.wait(10)
    qtbot.waitUntil(lambda: dialog.progress.maximum() == 1000 and dialog.progress.value() == 100, timeout=5000)
    with qtbot.waitSignal(dialog.finished_import, timeout=20_000) as blocker:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)   # Cancel, not Close
        assert dialog.isVisible() and "Stopping" in dialog.summary.text()
        gated.go.set()
    report = blocker.args[0]
    assert report.cancelled and report.imported == 100
    assert backend.directory.count() == before + 100
    assert dialog.summary.text().startswith("Import cancelled") and dialog.cancel_button.text() == "Close"
    assert dialog.progress.isHidden() and dialog.isVisible()


def test_clerk_needs_a_manager_pin(qtbot, counter, tmp_path):
    shell, window = counter
    assert not shell.clerk.is_manager   # Trainee
    state = when_modal(ManagerApprovalDialog, lambda d: d.reject())
    assert shell.import_customers() is None and state["done"] and state["error"] is None

    def approve(d: ManagerApprovalDialog) -> None:
        d.manager.setCurrentText("Trainer")
        d.pin.setText("1234")
        d.reason.setText("moving from the old register")
        d.try_approve()

    state = when_modal(ManagerApprovalDialog, approve)
    dialog = shell.import_customers()
    assert state["error"] is None and isinstance(dialog, CsvImportDialog) and dialog.isVisible()
    from pos_app.clerks import ClerkRegistry

    registry = ClerkRegistry(shell.paths.data_dir / "clerks-training.db")  # read as an auditor would
    recorded = registry.approvals()[-1]
    registry.close()
    assert recorded[3] == "settings" and recorded[5] == "Import customers from CSV"
    dialog.close()


def test_a_file_of_only_bad_rows_moves_the_progress_bar_and_cancels(qtbot, backend, english, tmp_path):
    """Issue 15: a file of only bad rows showed no progress until the end and could not be cancelled."""
    source = tmp_path / "bad.csv"
    lines = ["First Name,Last Name,Email"] + [f"Person{i},,p{i}@example.com" for i in range(1000)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gated = _GatedBackend(backend)
    dialog = CsvImportDialog(gated, batch_size=100)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_file(source)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert gated.reached.wait(10)  # the first batch of 100 bad rows reported progress
    qtbot.waitUntil(lambda: dialog.progress.maximum() == 1000 and dialog.progress.value() == 100, timeout=5000)
    with qtbot.waitSignal(dialog.finished_import, timeout=20_000) as blocker:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        gated.go.set()
    report = blocker.args[0]
    assert report.cancelled and report.rows == 200 and report.rejected_count == 200 and report.imported == 0
    assert dialog.summary.text().startswith("Import cancelled") and "Bad rows skipped: 200" in dialog.summary.text()
    assert "…and 195 more bad rows" in dialog.summary.text()


def test_without_a_csv_program_the_report_path_is_shown_and_the_summary_stays(qtbot, counter, tmp_path,
                                                                             monkeypatch):
    """Issue 18: "Open report" on a PC with no program for CSV files wiped the summary. This platform has no
    program to open files with (QDesktopServices.openUrl answers False, as a bare PC does): the summary stays,
    the path is shown selectable with "Copy path", and "Save report…" puts a copy where the manager chooses
    (Documents first) under a readable name, remembered for the next Save dialog in training's settings."""
    from PySide6.QtWidgets import QApplication, QFileDialog

    from pos_app.settings import load_settings

    home = tmp_path / "ana"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    shell, window = counter
    shell.clerks.sign_in("Trainer", "1234")
    source = tmp_path / "old-register.csv"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    shell.import_action.trigger()
    dialog = shell.import_dialog
    report = _import(qtbot, dialog, source)
    summary = dialog.summary.text()
    assert "New customers: 3" in summary and not dialog.report_button.isHidden()
    qtbot.mouseClick(dialog.report_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.text() == summary                         # nothing wiped
    assert dialog.file_note.text().startswith("No program on this computer opens CSV files")
    assert not dialog.location.isHidden() and dialog.location.field.text() == str(report.report_path)
    assert dialog.location.field.isReadOnly()
    qtbot.mouseClick(dialog.location.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == str(report.report_path)
    assert dialog.location.copy_button.text() == "Copied"

    seen = {}

    def in_dialog(d: QFileDialog) -> None:
        seen["folder"] = d.directory().absolutePath()
        seen["name"] = d.selectedFiles()[0].rsplit("/", 1)[-1]
        d.accept()

    state = when_modal(QFileDialog, in_dialog)
    with qtbot.waitSignal(dialog.saver.finished, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.save_report_button, Qt.MouseButton.LeftButton)
    assert state["done"] and state["error"] is None
    when = dialog.started_at
    name = f"Import report {when:%Y-%m-%d} {when:%H%M} old-register.csv"
    assert seen == {"folder": str(home / "Documents"), "name": name}
    copy = saved.args[0]
    assert copy == home / "Documents" / name and copy.read_bytes() == report.report_path.read_bytes()
    assert dialog.file_note.text() == "Report saved." and dialog.location.field.text() == str(copy)
    assert dialog.summary.text() == summary
    assert shell.save_folder.start() == home / "Documents"
    settings_file = shell.paths.training_settings_file
    qtbot.waitUntil(lambda: settings_file.exists()
                    and load_settings(settings_file).save_folder == str(home / "Documents"), timeout=5000)
    dialog.close()
