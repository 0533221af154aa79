"""A new store-mode counter while its copy of the store's customers loads: the real counter window on a
``RemoteCounter`` of a real server process says so where the clerk looks (the line under the search box),
search typed with real keys is answered by the server (every customer, not the half copy), and once the copy
is complete the window searches again, from the copy, without a keystroke."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from tests.server.test_copy_loading import counter_with_held_copy

pytestmark = pytest.mark.slow


def test_the_counter_says_its_copy_is_loading_and_finds_everyone_meanwhile(qtbot, server, tmp_path, english):
    from PySide6.QtWidgets import QApplication

    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.counter.main_window import MainWindow

    counter, copy, last = counter_with_held_copy(server, tmp_path, "LOAD1", "Early")
    QApplication.instance().setStyleSheet(STYLE)
    window = MainWindow()
    window.set_locked(False)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    try:
        copy.start()
        assert copy.holding.wait(20)
        window.attach_counter(counter)
        qtbot.waitUntil(lambda: "Loading the store's customers" in window.results_count.text(), timeout=10_000)
        window.search.setFocus()
        qtbot.keyClicks(window.search, last)
        qtbot.waitUntil(lambda: window.results_count.text() == "12 found", timeout=10_000)
        assert window.results.count() == 12  # the server's answer: the half copy holds fewer
        assert len(copy.search(last)) < 12 and counter.customers_loading

        copy.release.set()
        assert copy.caught_up.wait(20) and not counter.customers_loading
        qtbot.waitUntil(lambda: not window._copy_timer.isActive(), timeout=5_000)  # searched again, from the copy
        assert window.results_count.text() == "12 found" and window.results.count() == 12
        window.search.clear()
        qtbot.waitUntil(lambda: "Loading" not in window.results_count.text() and window.results_count.text() != "",
                        timeout=5_000)
    finally:
        copy.release.set()
        window.shutdown()
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        counter.close()
