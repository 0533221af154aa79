"""Receipts and reports are saved where the person chooses: the Save dialog starts in their Documents folder
(then in the folder they last used), suggests a readable name, and the file is written on a worker; a folder
that went away is said plainly and nothing is written. Real gateway, real journal, real Qt file dialog."""

from __future__ import annotations

import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from pos_app.ui.common.save_files import SaveFolder
from pos_app.ui.payments.eod_view import EndOfDayDialog
from pos_app.ui.payments.history import HistoryDialog
from tests.ui.payments.conftest import close_dialog
from tests.ui.payments.pdftools import assert_valid_pdf, pdf_pages
from tests.ui.shell.helpers import when_modal


@pytest.fixture
def person_home(tmp_path, monkeypatch):
    """A person's home with a Documents folder (what QStandardPaths.DocumentsLocation finds)."""
    home = tmp_path / "ana"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # no user-dirs.dirs: ~/Documents
    return home


def save_as(qtbot, saver, start, choose=None, replace: bool = False) -> tuple[dict, object]:
    """Run ``start()`` (which opens the Save dialog); in the dialog note where it starts and what it suggests,
    optionally pick another folder (``choose``), accept (and answer Yes when asked to replace a file: then
    ``seen["asked"]`` holds the question); wait for the worker's answer."""
    seen: dict = {}

    def yes(box: QMessageBox) -> None:
        seen["asked"] = box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    def in_dialog(d: QFileDialog) -> None:
        seen["title"] = d.windowTitle()
        seen["folder"] = Path(d.directory().absolutePath())
        seen["name"] = Path(d.selectedFiles()[0]).name
        if choose is not None:
            d.setDirectory(str(choose))
            d.selectFile(seen["name"])
        if replace:
            when_modal(QMessageBox, yes)
        d.accept()

    def unstick() -> None:  # a question nobody expected fails the test instead of hanging it
        while (modal := QApplication.activeModalWidget()) is not None and not finished:
            seen.setdefault("unexpected", []).append(modal.windowTitle())
            modal.reject()

    finished: list[bool] = []
    state = when_modal(QFileDialog, in_dialog)
    QTimer.singleShot(10_000, unstick)
    try:
        with qtbot.waitSignal(saver.finished, timeout=15_000) as done:
            start()
    finally:
        finished.append(True)
    assert state["done"] and state["error"] is None and "unexpected" not in seen, (state, seen)
    return seen, done.args[0]


def run_report(qtbot, dialog: EndOfDayDialog):
    with qtbot.waitSignal(dialog.finished_run, timeout=15_000) as run:
        dialog.run_button.click()
    assert run.args[0] is not None
    return run.args[0]


def test_end_of_day_is_saved_in_documents_then_where_the_manager_saved_last(qtbot, payments, bus, service, shopper,
                                                                            trainee, person_home, tmp_path):
    service.charge(shopper.customer, shopper.card, Decimal("25.00"), str(trainee.id))
    documents = person_home / "Documents"
    remembered: list[str] = []
    folder = SaveFolder("", remembered.append)
    dialog = EndOfDayDialog(payments, save_folder=folder, events=bus)
    dialog.show()
    try:
        report = run_report(qtbot, dialog)
        day = report.day.isoformat()
        seen, saved = save_as(qtbot, dialog.saver, lambda: dialog.pdf_button.click())
        assert seen["folder"] == documents and seen["title"] == "Export end of day"
        assert seen["name"] == f"End of day {day} all lanes.pdf"
        assert saved == documents / f"End of day {day} all lanes.pdf"
        assert_valid_pdf(saved)
        assert "$25.00" in " ".join(page[2] for page in pdf_pages(saved))
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        assert remembered == [str(documents)]   # Documents is now the last folder
        assert dialog.state.text() == "Report saved." and dialog.location.field.text() == str(saved)

        # One lane, as CSV, into the bookkeeper's folder: the next dialog starts there.
        books = tmp_path / "Bookkeeping"
        books.mkdir()
        dialog.lane.setCurrentIndex(1)
        report = run_report(qtbot, dialog)
        seen, saved = save_as(qtbot, dialog.saver, lambda: dialog.csv_button.click(), choose=books)
        assert (seen["folder"], seen["name"]) == (documents, f"End of day {day} LANE1.csv")
        assert saved == books / f"End of day {day} LANE1.csv" and saved.read_text().startswith("section,")
        assert remembered == [str(documents), str(books)] and folder.start() == books
        saved.write_text("older export")
        seen, saved = save_as(qtbot, dialog.saver, lambda: dialog.csv_button.click(), replace=True)
        assert seen["folder"] == books and len(remembered) == 2   # same folder: nothing new to remember
        assert "already exists" in seen["asked"] and saved.read_text().startswith("section,")  # asked, replaced

        # The bookkeeping folder was on a stick that is gone: back to Documents.
        for f in books.iterdir():
            f.unlink()
        books.rmdir()
        seen, _saved = save_as(qtbot, dialog.saver, lambda: dialog.csv_button.click())
        assert seen["folder"] == documents
    finally:
        close_dialog(dialog)


def test_a_cancelled_save_dialog_writes_nothing(qtbot, payments, bus, person_home):
    dialog = EndOfDayDialog(payments, save_folder=SaveFolder(), events=bus)
    dialog.show()
    try:
        run_report(qtbot, dialog)
        state = when_modal(QFileDialog, lambda d: d.reject())
        assert dialog.export_pdf() is None
        assert state["done"] and list((person_home / "Documents").iterdir()) == []
        assert dialog.location.isHidden() and not dialog.saver.busy
    finally:
        close_dialog(dialog)


def test_a_folder_that_went_away_is_said_and_nothing_is_written(qtbot, payments, bus, person_home, tmp_path):
    dialog = EndOfDayDialog(payments, save_folder=SaveFolder(), events=bus)
    dialog.show()
    try:
        run_report(qtbot, dialog)
        stick = tmp_path / "USB-STICK"
        with qtbot.waitSignal(dialog.saver.finished, timeout=10_000) as done:
            dialog.export_pdf(stick / "End of day.pdf")
        assert isinstance(done.args[0], FileNotFoundError) and not stick.exists()
        text = dialog.state.text()
        assert str(stick) in text and "not there any more" in text and "Nothing was saved" in text
        assert dialog.location.isHidden()
        # a folder where the file should be: named, and the folder is kept as it was
        (person_home / "Documents" / "End of day.pdf").mkdir()
        with qtbot.waitSignal(dialog.saver.finished, timeout=10_000):
            dialog.export_csv(person_home / "Documents" / "End of day.pdf")
        assert "End of day.pdf is a folder" in dialog.state.text()
        assert [p.name for p in (person_home / "Documents").iterdir()] == ["End of day.pdf"]
    finally:
        close_dialog(dialog)


def test_history_ctrl_s_saves_the_receipt_under_the_customers_name(qtbot, payments, bus, service, shopper, trainee,
                                                                   person_home):
    sale = service.charge(shopper.customer, shopper.card, Decimal("12.34"), str(trainee.id))
    when = sale.sent_at.astimezone(payments.tz)
    dialog = HistoryDialog(payments, save_folder=SaveFolder(), events=bus)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    try:
        dialog.table.setFocus()
        seen, saved = save_as(qtbot, dialog.saver,
                              lambda: qtbot.keyClick(dialog.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier))
        name = f"Receipt {when:%Y-%m-%d} {when:%H%M} Ada Lovelace.pdf"
        assert seen == {"title": "Save as PDF", "folder": person_home / "Documents", "name": name}
        assert saved == person_home / "Documents" / name
        [(_w, _h, text)] = pdf_pages(assert_valid_pdf(saved) and saved)
        assert "$12.34" in text and "APPROVED" in text
        assert dialog.location.field.text() == str(saved)
        dialog.location.copy_button.click()
        assert QApplication.clipboard().text() == str(saved)
        # the receipt dialog (Enter) saves the same way, into the folder used last; the same name asks first
        receipt = dialog.receipt_dialog()
        seen, saved_again = save_as(qtbot, receipt.saver, lambda: receipt.pdf_button.click(), replace=True)
        assert seen["folder"] == person_home / "Documents" and seen["name"] == name and saved_again == saved
        assert "already exists" in seen["asked"]
        receipt.close()
    finally:
        close_dialog(dialog)
    assert sorted(os.listdir(person_home / "Documents")) == [name]
