"""The proof that another implementation of the application layer can stand in (issue 20's store-server
client): the real counter window and sign-in dialog, driven like a clerk, run a sale against an object that
has the ``CounterApi`` protocol's members and nothing else. Each member forwards to the local ``Counter`` on
the real training gateway (as a remote client forwards to its server); anything else a screen reached for
would be refused and recorded, and the sale would not complete."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt

from tests.test_architecture import protocol_members


class ProtocolOnly:
    """Only ``proto``'s members, each the ``real`` object's; every other name is an AttributeError (kept in
    ``refused``). ``used``: the members the screens called."""

    def __init__(self, real, proto) -> None:
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "_members", frozenset(protocol_members(proto)))
        object.__setattr__(self, "used", set())
        object.__setattr__(self, "refused", [])

    def __getattr__(self, name: str):
        if name not in self._members:
            self.refused.append(name)
            raise AttributeError(f"{name!r} is not part of the protocol")
        self.used.add(name)
        return getattr(self._real, name)

    def __setattr__(self, name: str, value) -> None:
        self.refused.append(name)
        raise AttributeError(f"cannot set {name!r} on the application layer")


@pytest.fixture
def stand_in(qtbot, tmp_path, english):
    """A real training Counter (gateway over TCP, real SQLite files) behind a protocol-only stand-in."""
    from pos_app.config import Environment, app_paths
    from pos_app.counter import Counter, CounterApi, CounterStart

    real = Counter.open(CounterStart(Environment.TRAINING, app_paths(tmp_path / "home"), demo_customers=30,
                                     in_memory=True))
    fake = ProtocolOnly(real, CounterApi)
    yield real, fake
    real.close()


def test_a_protocol_only_counter_signs_in_searches_selects_and_charges(qtbot, stand_in):
    from PySide6.QtWidgets import QApplication

    from pos_app.config import Environment
    from pos_app.counter import CounterApi, State
    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.counter.main_window import MainWindow
    from pos_app.ui.shell.login import LoginDialog
    from tests.ui.counter.webtools import CounterDriver

    real, fake = stand_in
    assert isinstance(fake, CounterApi)  # structurally a counter: every member is there
    for behind in ("service", "client", "journal", "directory", "desk", "gateway"):  # the local stores are not
        with pytest.raises(AttributeError):
            getattr(fake, behind)
    fake.refused.clear()

    # sign in: the shell's dialog, on the stand-in's clerk calls (list, PIN check on a worker)
    login = LoginDialog(fake, Environment.TRAINING)
    qtbot.addWidget(login)
    login.show()
    qtbot.waitUntil(lambda: login.ready, timeout=10_000)
    login.name.setCurrentText("Trainee")
    qtbot.keyClicks(login.pin, "0000")
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: login.result() == LoginDialog.DialogCode.Accepted, timeout=10_000)
    assert fake.signed_in == login.clerk and real.clerk == str(login.clerk.id)

    # the counter window on the stand-in: search, pick a customer with a card, a new card, charge
    QApplication.instance().setStyleSheet(STYLE)
    window = MainWindow()
    window.set_locked(False)
    window.resize(1280, 800)
    window.show()
    window.attach_counter(fake)
    try:
        qtbot.waitUntil(lambda: window.panel._page_ready, timeout=15_000)
        driver = CounterDriver(qtbot, window)
        hit = driver.pick_with_cards()
        driver.amount("12.34")
        driver.open_form(Qt.Key.Key_F6)
        driver.fill_card()
        assert driver.submit_and_wait() == "approved"

        # what PaySimple (the training gateway) and the journal hold: one charge, by the signed-in clerk
        [payment] = [p for p in real.client.customer_payments(hit.paysimple_id) if p.amount == Decimal("12.34")]
        assert payment.status == "Authorized"
        [attempt] = [a for a in real.journal.history(limit=None) if a.payment_id == payment.id]
        assert attempt.state is State.APPROVED and attempt.clerk == str(login.clerk.id)
    finally:
        window.shutdown()  # closes the counter through the protocol too
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    assert fake.refused == []  # no screen reached past the protocol
    assert {"clerks", "sign_in", "search", "accounts", "take_checkout_token", "customer_token", "verify_account",
            "plan_new_account", "charge", "settle_new_account", "close"} <= fake.used
