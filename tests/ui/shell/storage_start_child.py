"""Child process for test_storage_screens: runs the real ``pos_app.ui.shell.app.build`` against a home whose data
folder cannot be written, reads the message the clerk gets, closes it like a clerk, and prints one JSON line.

    python -m tests.ui.shell.storage_start_child <home>
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")


def main(home: str) -> int:
    from PySide6.QtWidgets import QMessageBox

    from pos_app.ui.shell import app as app_module
    from tests.ui.shell.helpers import when_modal

    result: dict = {}

    def read(box: QMessageBox) -> None:
        result["title"] = box.windowTitle()
        result["text"] = box.text()
        box.accept()

    state = when_modal(QMessageBox, read, timeout_ms=30_000)
    app, window = app_module.build(["--home", home, "--training"])
    result["window"] = None if window is None else type(window).__name__
    result["exit_code"] = getattr(app, "pos_exit_code", 0)
    result["modal_error"] = None if state["error"] is None else str(state["error"])
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
