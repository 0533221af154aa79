"""Fixtures for the counter screen tests: the real counter window on the training gateway with clean teardown
of every web view (the app:// scheme: tests/ui/conftest.py). Loopback servers and JavaScript helpers
(``counting_server``, ``js``) are shared from ``tests.fixtures.web``."""

from __future__ import annotations

import pytest


@pytest.fixture
def counter(qtbot, tmp_path):
    """The real counter window on a real in-memory training gateway with 40 demo customers, its payment
    view pre-warmed; everything stopped and deleted afterwards."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from pos_app.config import Environment, app_paths
    from pos_app.counter import Counter, CounterStart
    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.counter.main_window import MainWindow
    from tests.ui.counter.webtools import CounterDriver

    QApplication.instance().setStyleSheet(STYLE)  # qtbot made the QApplication
    window = MainWindow()
    window.set_locked(False)
    window.resize(1280, 800)
    window.show()
    backend = Counter.open(CounterStart(Environment.TRAINING, app_paths(tmp_path / "home"), demo_customers=40, in_memory=True))
    backend.sign_in("Trainee", "0000")  # a training clerk signs in (the counter refuses charges otherwise)
    window.attach_counter(backend)
    qtbot.waitUntil(lambda: window.panel._page_ready, timeout=15000)
    driver = CounterDriver(qtbot, window)
    yield driver
    window.shutdown()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
