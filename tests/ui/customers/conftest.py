"""Fixtures for the counter's customer features: a real training back end (in-process gateway over TCP,
real SQLite directory and journal) and the real counter window with the shell's menus."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from pos_app.config import Environment, app_paths


@pytest.fixture
def backend(tmp_path):
    from pos_app.config import Environment
    from pos_app.counter import Counter, CounterStart

    b = Counter.open(CounterStart(Environment.TRAINING, app_paths(tmp_path / "home"), demo_customers=6))
    b.sign_in("Trainee", "0000")  # the back end refuses changes with nobody signed in
    yield b
    b.close()


@pytest.fixture
def counter(qtbot, qapp, backend, english):
    """The real counter window attached to ``backend``, with the shell's menus; a signed-in demo clerk."""
    from PySide6.QtWidgets import QApplication

    from pos_app.settings import Settings
    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.counter.main_window import MainWindow
    from pos_app.ui.shell.shell import Shell

    QApplication.instance().setStyleSheet(STYLE)
    shell = Shell(qapp, app_paths().ensure(), Settings(), force_training=True)
    shell.clerks.sign_in("Trainee", "0000")  # the shell's desk; the back end signed in on its own already
    window = MainWindow(Environment.TRAINING, "LANE1")
    window.resize(1280, 800)
    window.show()
    shell.attach(window)
    window.attach_counter(backend)
    yield shell, window
    shell.close()
    window.counter = None  # the backend fixture closes it
    window.shutdown()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
