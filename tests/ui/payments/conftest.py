"""Fixtures for the history / receipt / end-of-day dialogs: the REAL training gateway over TCP, a real client,
a real SQLite journal and payments service (``tests.fixtures``), a real clerk file with the training manager
(Trainer/1234) and clerk (Trainee/0000), the application layer's clerk desk on it (Trainee signed in), and the
approval dialog the shell uses."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from pos_app.clerks import ClerkRegistry
from pos_app.config import Environment
from pos_app.counter import EventBus, LocalClerks
from pos_app.counter.payments import CounterPayments
from pos_app.settings import Merchant
from pos_app.ui.shell.manager_approval import request_approval

STORE_TZ = ZoneInfo("America/Denver")
MERCHANT = Merchant(name="Corner Hardware", address="12 Elm Street, Springfield", phone="(555) 010-2030",
                    footer="Thank you for your business")


@pytest.fixture(autouse=True)
def _style_and_english(qapp):
    from pos_app.ui.common.i18n import install_translator
    from pos_app.ui.common.theme import STYLE

    qapp.setStyleSheet(STYLE)
    install_translator(qapp, "en")
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def registry(tmp_path):
    reg = ClerkRegistry(tmp_path / "clerks-training.db")
    reg.ensure_training_clerks()
    yield reg
    reg.close()


@pytest.fixture
def desk(registry, tmp_path):
    """The application layer's clerk desk on the same clerk file, with Trainee signed in."""
    clerks = LocalClerks(tmp_path / "clerks-training.db", Environment.TRAINING)
    clerks.sign_in("Trainee", "0000")
    yield clerks
    clerks.close()


@pytest.fixture
def trainer(registry):
    return next(c for c in registry.list() if c.name == "Trainer")


@pytest.fixture
def trainee(registry):
    return next(c for c in registry.list() if c.name == "Trainee")


@pytest.fixture
def bus():
    """The change broadcast the ``payments`` fixture publishes to (the dialogs follow it)."""
    return EventBus()


@pytest.fixture
def payments(journal, service, desk, trainee, tmp_path, bus):
    """What the shell hands the dialogs (``Shell.counter_payments``), on the test's journal and service."""

    def approve(action, subject="", detail="", parent=None):
        return request_approval(parent, desk, action, Environment.TRAINING, subject=subject, detail=detail)

    return CounterPayments(journal=journal, service=service, merchant=MERCHANT, tz=STORE_TZ, lane=service.lane,
                           environment=Environment.TRAINING, clerk_name=desk.clerk_name,
                           clerk_id=lambda: str(trainee.id), approve=approve, events=bus)


def close_dialog(dialog) -> None:
    dialog.close()
    dialog.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
