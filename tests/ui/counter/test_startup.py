"""Start-up from the window: the gateway start and customer sync run on a worker with visible progress, the
GUI thread stays responsive, Cancel stops the sync; same-name customers are told apart in the results."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer

from pos_app.config import Environment, app_paths
from pos_app.counter import CounterStart
from pos_app.ui.counter.main_window import MainWindow

pytestmark = pytest.mark.webview


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    w.resize(1280, 800)
    w.show()
    yield w
    w.shutdown()
    w.close()
    w.deleteLater()


def test_startup_shows_progress_and_never_blocks_the_window(window, qtbot, tmp_path):
    texts, gaps = [], []
    original = window.task.show_progress
    # what the clerk reads on the task bar after each step (the text follows the UI language: a callable)
    window.task.show_progress = lambda text, *a, **k: (original(text, *a, **k), texts.append(window.task.label.text()))[0]
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    with qtbot.waitSignal(window.counterReady, timeout=60000):
        window.start_counter(CounterStart(Environment.TRAINING, app_paths(tmp_path / "home"), demo_customers=400))
    timer.stop()
    assert any(t.startswith("Starting the training gateway") for t in texts)
    assert any(t.startswith("Syncing customers") for t in texts)
    assert not window.task.isVisible()
    assert window.counter.directory.count() == 400
    assert window.search.isEnabled()
    assert max(gaps) < 0.25, f"the GUI thread was blocked for {max(gaps):.3f} s"


def test_cancel_stops_the_sync(window, qtbot, tmp_path):
    def cancel_once_syncing(text, *args, **kwargs):
        # after the first page has landed ("Syncing customers 200/3000…")
        if text.startswith("Syncing customers ") and not text.startswith("Syncing customers 0/") \
                and window.task.cancel_button.isVisible():
            window.task.cancel_button.click()

    original = window.task.show_progress
    window.task.show_progress = lambda text, *a, **k: (original(text, *a, **k),
                                                       cancel_once_syncing(window.task.label.text()))[0]
    with qtbot.waitSignal(window.counterReady, timeout=60000):
        window.start_counter(CounterStart(Environment.TRAINING, app_paths(tmp_path / "home"), demo_customers=3000))
    # The counter still starts (it can resume the sync later) with the pages synced before Cancel.
    assert 0 < window.counter.directory.count() < 3000


def test_same_name_customers_show_what_tells_them_apart(qtbot, counter):
    hits = counter.search("Michael Johnson")
    same = [h for h in hits if h.display_name == "Michael Johnson"]
    assert len(same) >= 2
    from pos_app.ui.common.widgets import hit_subtitle

    subtitles = [hit_subtitle(h) for h in same]
    assert all(h.disambiguation for h in same)
    assert len(set(subtitles)) == len(subtitles)
    assert all(h.disambiguation in s for h, s in zip(same, subtitles, strict=True))
