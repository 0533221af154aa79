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
