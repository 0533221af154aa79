"""Fixtures for the shell dialogs: the real training gateway on loopback (one per module, the shell's own
credentials), the data folder and clerk registries. Keyrings, ``closed_port_url`` ("network down") and the
translators come from the shared fixtures (tests/conftest.py, tests/fixtures/, tests/ui/conftest.py)."""

from __future__ import annotations

import pytest

from pos_app.clerks import ClerkRegistry, clerks_db_path
from pos_app.config import Environment, app_paths
from tests.fixtures.gateway import gateway_fixture

API_USER = "APIUser77"
API_KEY = "Sb0x-Secret-Key-9f8e7d6c5b4a"
INSTALL = "0123456789abcdef0123456789abcdef"  # an installation id for stores the tests pass explicitly


gateway = gateway_fixture(API_USER, API_KEY, demo_customers=3)  # the real training gateway, one per module


@pytest.fixture
def paths():
    return app_paths().ensure()


@pytest.fixture
def registries(paths):
    opened: dict[Environment, ClerkRegistry] = {}

    def registry_for(env: Environment) -> ClerkRegistry:
        env = Environment(env)
        if env not in opened:
            opened[env] = ClerkRegistry(clerks_db_path(paths.data_dir, env.value))
        return opened[env]

    yield registry_for
    for reg in opened.values():
        reg.close()




@pytest.fixture
def window_factory(qtbot):
    """``make(environment=TRAINING, lane="LANE1")``: a shown counter window (no counter yet); every window
    made is shut down, closed and deleted afterwards."""
    from PySide6.QtCore import QCoreApplication, QEvent

    made = []

    def make(environment: Environment = Environment.TRAINING, lane: str = "LANE1"):
        from pos_app.ui.counter.main_window import MainWindow

        window = MainWindow(environment, lane)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        window.shutdown()
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
