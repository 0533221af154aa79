"""Drive modal dialogs from tests: run ``fn(dialog)`` once a modal of ``kind`` is up (polling) and, for the
dialogs that read from the application layer first (a clerk list on a worker: ``ready``), once it has."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def when_modal(kind, fn, timeout_ms: int = 5000) -> dict:
    state = {"done": False, "error": None}
    waited = {"ms": 0}

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and getattr(widget, "ready", True):
            try:
                fn(widget)
            except Exception as exc:  # noqa: BLE001 - reported by the test
                state["error"] = exc
                widget.reject()
            state["done"] = True
            return
        waited["ms"] += 20
        if waited["ms"] < timeout_ms:
            QTimer.singleShot(20, poll)
        else:
            state["error"] = TimeoutError(f"no modal {kind.__name__} appeared")

    QTimer.singleShot(0, poll)
    return state


def wait_checked(qtbot, dialog, timeout_ms: int = 10_000) -> None:
    """Until the PIN check a dialog started on a worker has answered (``checking`` is False again)."""
    qtbot.waitUntil(lambda: not dialog.checking, timeout=timeout_ms)
