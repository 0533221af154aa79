"""Test-wide set-up. Qt environment variables must be set before any QApplication exists, and
QtWebEngineWidgets must be imported before pytest-qt creates the QApplication."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")

import PySide6.QtWebEngineWidgets  # noqa: E402,F401  (must precede QApplication creation)
import pytest  # noqa: E402

pytest_plugins = ["tests.fixtures.gateway", "tests.fixtures.payments",  # shared fixtures (tests/fixtures/)
                  "tests.fixtures.clerks", "tests.fixtures.customer_stores", "tests.fixtures.server",
                  "tests.fixtures.web"]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own data/log dirs; no test touches the user's real files."""
    monkeypatch.setenv("POS_APP_HOME", str(tmp_path / "home"))
    yield


@pytest.fixture(autouse=True)
def _young_garbage_after_each_test():
    """Once a Qt test started a background op, automatic cyclic collection is off for the process (the GUI
    thread collects on a timer: ``pos_app.ui.common.ops._Hub``); tests that run no event loop collect their
    young garbage here, on the main thread."""
    yield
    import gc

    if not gc.isenabled():
        gc.collect(1)


@pytest.fixture
def memory_keyring():
    """An in-memory keyring for one test (the OS keyring is never touched)."""
    import keyring

    from pos_app.credentials import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    """keyring's ``fail`` backend, as on a bare Linux desktop."""
    import keyring
    import keyring.backends.fail

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _store_money_format():
    """Tests that set the store's money format (``pos_app.money.set_store_format``) leave the default behind."""
    from pos_app import money

    money.set_store_format(money.DEFAULT_FORMAT)
    yield
    money.set_store_format(money.DEFAULT_FORMAT)


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory):
    """One throwaway PostgreSQL cluster for the session (tests/pg_cluster.py), started on first use.

    Skips when the server binaries are missing, except under ``POS_REQUIRE_POSTGRES=1`` (``scripts/pos.sh test``
    installs Debian's postgresql and sets it): there a missing server fails the test instead."""
    import pg_cluster as pgc

    pgc.require()
    cluster = pgc.PgCluster().start()
    yield cluster
    cluster.remove()


@pytest.fixture
def pg_database(pg_cluster, request):
    """A fresh, empty database in the session's cluster for one test; returns its DSN."""
    import re
    import uuid

    name = "t_" + re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:40] + "_" + uuid.uuid4().hex[:8]
    return pg_cluster.create_database(name)
