"""UI test fixtures: the app:// scheme (registered before the QApplication exists), loopback servers,
JavaScript helpers, and clean teardown of every web view."""

from __future__ import annotations

import pytest

from pos_app.ui.web.scheme import register_schemes
from tests.ui.webtools import CountingServer, run_js

register_schemes()  # must precede pytest-qt's QApplication


@pytest.fixture
def counting_server():
    server = CountingServer()
    yield server
    server.close()


@pytest.fixture
def js(qtbot):
    return lambda target, code, timeout=5000: run_js(qtbot, target, code, timeout)
