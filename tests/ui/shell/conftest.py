"""Fixtures for the shell dialogs: keyrings (memory / none), the real training gateway on loopback, clerk
registries, and a closed loopback port for "network down"."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import QCoreApplication

from pos_app.clerks import ClerkRegistry, clerks_db_path
from pos_app.config import Environment, app_paths
from pos_app.training import TrainingGateway
from pos_app.ui.web.scheme import register_schemes

register_schemes()  # the counter window's app:// scheme must exist before pytest-qt's QApplication

API_USER = "APIUser77"
API_KEY = "Sb0x-Secret-Key-9f8e7d6c5b4a"
INSTALL = "0123456789abcdef0123456789abcdef"  # an installation id for stores the tests pass explicitly


@pytest.fixture(scope="module")
def gateway():
    """The real training gateway, accepting only API_USER / API_KEY."""
    gw = TrainingGateway(API_USER, API_KEY, demo_customers=3)
    gw.start()
    yield gw
    gw.stop()


@pytest.fixture
def closed_port_url():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now: connection refused
    return f"http://127.0.0.1:{port}/v4"


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
def english(qapp):
    from pos_app.ui.common.i18n import install_translator

    install_translator(qapp, "en")
    yield
    install_translator(qapp, "en")


@pytest.fixture
def spanish(qapp):
    from pos_app.ui.common.i18n import install_translator

    assert install_translator(qapp, "es") == "es"
    yield
    install_translator(qapp, "en")
    QCoreApplication.processEvents()
