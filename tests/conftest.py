"""Test-wide set-up. Qt environment variables must be set before any QApplication exists, and
QtWebEngineWidgets must be imported before pytest-qt creates the QApplication."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")

import PySide6.QtWebEngineWidgets  # noqa: E402,F401  (must precede QApplication creation)
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own data/log dirs; no test touches the user's real files."""
    monkeypatch.setenv("POS_APP_HOME", str(tmp_path / "home"))
    yield
