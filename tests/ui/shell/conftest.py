"""Fixtures for the shell dialogs: the real training gateway on loopback (one per module, the shell's own
credentials), the data folder and clerk registries. Keyrings, ``closed_port_url`` ("network down") and the
translators come from the shared fixtures (tests/conftest.py, tests/fixtures/, tests/ui/conftest.py)."""

from __future__ import annotations

import pytest

from pos_app.clerks import ClerkRegistry, clerks_db_path
from pos_app.config import Environment, app_paths
from tests.fixtures.gateway import running_gateway

API_USER = "APIUser77"
API_KEY = "Sb0x-Secret-Key-9f8e7d6c5b4a"
INSTALL = "0123456789abcdef0123456789abcdef"  # an installation id for stores the tests pass explicitly


@pytest.fixture(scope="module")
def gateway():
    """The real training gateway, accepting only API_USER / API_KEY."""
    with running_gateway(API_USER, API_KEY, demo_customers=3) as gw:
        yield gw


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


