"""BackgroundOp: work runs on a worker thread; results, errors and progress arrive on the GUI thread."""

from __future__ import annotations

import threading
import time

from pos_app.ui.common.ops import BackgroundOp


def test_result_and_progress_arrive_on_gui_thread(qtbot):
    gui = threading.get_ident()
    seen = {"progress": []}

    def work(ctx):
        seen["worker"] = threading.get_ident()
        for i in range(3):
            ctx.progress(i + 1, 3, f"step {i + 1}")
            time.sleep(0.01)
        return 42

    def done(result):
        seen["done"] = (result, threading.get_ident())

    def progress(done_, total, text):
        seen["progress"].append((done_, total, text, threading.get_ident()))

    BackgroundOp(work, on_done=done, on_progress=progress).start()
    qtbot.waitUntil(lambda: "done" in seen, timeout=3000)
    assert seen["worker"] != gui
    assert seen["done"] == (42, gui)
    assert [p[:3] for p in seen["progress"]] == [(1, 3, "step 1"), (2, 3, "step 2"), (3, 3, "step 3")]
    assert all(p[3] == gui for p in seen["progress"])


def test_error_arrives_on_gui_thread(qtbot):
    gui = threading.get_ident()
    box = {}
    BackgroundOp(lambda ctx: 1 / 0, on_done=lambda r: box.setdefault("done", r),
                 on_error=lambda e: box.setdefault("error", (type(e), threading.get_ident()))).start()
    qtbot.waitUntil(lambda: "error" in box, timeout=3000)
    assert box == {"error": (ZeroDivisionError, gui)}


def test_cancel_stops_work_and_reports_nothing(qtbot):
    box = {"steps": 0}
    started = threading.Event()

    def work(ctx):
        started.set()
        while True:
            ctx.check()
            box["steps"] += 1
            time.sleep(0.005)

    op = BackgroundOp(work, on_done=lambda r: box.setdefault("done", r),
                      on_error=lambda e: box.setdefault("error", e))
    op.start()
    assert started.wait(2)
    op.cancel()
    qtbot.waitUntil(lambda: op.finished, timeout=3000)
    assert "done" not in box and "error" not in box
    assert op.cancelled


def test_a_result_for_a_closed_window_is_dropped_and_later_results_still_arrive(qtbot):
    """The window that asked was deleted before the answer came: its callback's RuntimeError is dropped
    (told by ``shiboken6.isValid`` on the label it closes over), and the next op is delivered as usual."""
    import shiboken6
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    gate = threading.Event()
    op = BackgroundOp(lambda ctx: gate.wait(5) and "late", on_done=lambda text: label.setText(text))
    op.start()
    shiboken6.delete(label)  # the window closed while the worker ran
    gate.set()
    qtbot.waitUntil(lambda: op.finished, timeout=3000)
    box = {}
    BackgroundOp(lambda ctx: 7, on_done=lambda r: box.setdefault("done", r)).start()
    qtbot.waitUntil(lambda: "done" in box, timeout=3000)
    assert box == {"done": 7}


def test_a_runtime_error_of_a_live_window_is_not_taken_for_a_closed_one():
    """Only a deleted Qt object makes a callback's RuntimeError harmless; the same words from a callback whose
    widgets all exist are a fault and are raised."""
    import pytest
    from PySide6.QtWidgets import QLabel

    label = QLabel()

    def fails(_result):
        label.setText("x")
        raise RuntimeError("Internal C++ object (QLabel) already deleted.")

    with pytest.raises(RuntimeError):
        BackgroundOp._deliver(fails, None)
    shown = []
    BackgroundOp._deliver(lambda r: shown.append(label.text()), None)
    assert shown == ["x"]
    label.deleteLater()
