"""What every screen test room (counter, customers, payments, shell) shares: the app:// scheme registered
before pytest-qt's QApplication exists, and the ``english`` / ``spanish`` translators (English restored after
each test)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from pos_app.ui.web.scheme import register_schemes

register_schemes()  # the counter window's app:// scheme must exist before pytest-qt's QApplication


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


@pytest.fixture(autouse=True)
def _collect_qt_garbage_between_tests(qapp):
    """Windows, dialogs and web views a screen test leaves behind are collected here, at the end of the test that
    made them (after pytest-qt closed its widgets, with no worker of that test still running), not by a cyclic
    garbage collection that happens to run inside a later test's modal loop: two CI runs died with a segfault
    "Garbage-collecting" inside the set-up wizard's exec() while its worker was saving."""
    import gc

    from PySide6.QtCore import QEvent

    from pos_app.ui.common.ops import wait_for_all

    yield
    wait_for_all(2000)
    for _ in range(2):
        QCoreApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # deleteLater() of closed windows
        gc.collect()
