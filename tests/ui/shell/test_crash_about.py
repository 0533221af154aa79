"""Unhandled exceptions (GUI and worker threads) and the About box."""

from __future__ import annotations

import sys
import threading

from pos_app import __version__
from pos_app.config import Environment
from pos_app.logs import register_secret
from pos_app.ui.shell.about import AboutDialog
from pos_app.ui.shell.crash import CrashDialog, CrashHandler

SECRET_KEY = "Crash-Api-Key-5d41402abc4b2a76"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaGVja291dCJ9.c2lnbmF0dXJlLXZhbHVl"
CARD = "4111 1111 1111 1111"


def _raise_with_secrets():
    api_key = SECRET_KEY  # noqa: F841 - a local that must NOT reach the report
    raise RuntimeError(f"token {JWT} for card {CARD} with key {SECRET_KEY}")


def test_gui_thread_exception_writes_a_redacted_report_and_shows_a_dialog(qtbot, paths, english):
    register_secret(SECRET_KEY)
    handler = CrashHandler(paths.crash_dir, context=lambda: {"environment": "sandbox", "lane": "LANE1"},
                           environment=lambda: "sandbox")
    handler.install()
    try:
        assert sys.excepthook == handler.handle
        try:
            _raise_with_secrets()
        except RuntimeError:
            handler.handle(*sys.exc_info())
        qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(), timeout=3000)
    finally:
        handler.uninstall()
    assert sys.excepthook is not handler.handle
    (report,) = handler.reports
    assert report.parent == paths.crash_dir
    text = report.read_text()
    assert "RuntimeError" in text and "_raise_with_secrets" in text and "environment: sandbox" in text
    assert f"version: {__version__}" in text
    assert SECRET_KEY not in text and JWT not in text and "4111 1111 1111 1111" not in text
    assert "[secret]" in text and "[jwt]" in text and "****1111" in text
    dialog = handler.dialog
    assert "RuntimeError" in dialog.what.text() and str(report) in dialog.where.text()
    assert dialog.banner.title.text() == "SANDBOX"
    handler.handle(RuntimeError, RuntimeError("again"), None)  # a second one while the dialog is open
    qtbot.waitUntil(lambda: "2 times" in dialog.repeats.text(), timeout=3000)
    assert handler.dialog is dialog
    dialog.close()


def test_worker_thread_exception_reaches_the_gui_thread(qtbot, paths, english):
    handler = CrashHandler(paths.crash_dir).install()
    shown_on = []
    original = handler._show

    def spy(summary, report):
        shown_on.append(threading.current_thread() is threading.main_thread())
        original(summary, report)

    handler.crashed.disconnect()
    handler.crashed.connect(spy)
    try:
        worker = threading.Thread(target=lambda: 1 / 0, name="charger")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(shown_on), timeout=3000)
    finally:
        handler.uninstall()
    assert shown_on == [True]
    assert isinstance(handler.dialog, CrashDialog) and "ZeroDivisionError" in handler.dialog.what.text()
    assert "thread: charger" in handler.reports[0].read_text()
    handler.dialog.close()


def test_about_shows_version_environment_keyring_and_log_folder(qtbot, paths, memory_keyring, english):
    dialog = AboutDialog(Environment.SANDBOX, paths)
    qtbot.addWidget(dialog)
    assert dialog.values["version"].text() == __version__
    assert dialog.values["environment"].text() == "Sandbox"
    assert dialog.values["keyring"].text() == "pos_app.credentials.MemoryKeyring"
    assert dialog.values["log_dir"].text() == str(paths.log_dir)
    assert dialog.banner.title.text() == "SANDBOX"


def test_about_says_when_there_is_no_keyring(qtbot, paths, no_keyring, english):
    dialog = AboutDialog(Environment.TRAINING, paths)
    qtbot.addWidget(dialog)
    assert dialog.values["keyring"].text().endswith("not available")
