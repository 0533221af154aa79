"""The proof that another implementation of the application layer can stand in (issue 20's store-server
client): the real counter window and sign-in dialog, driven like a clerk, run a sale against an object that
has the ``CounterApi`` protocol's members and nothing else; the payment history (void with a manager's
approval) and end of day then run on a ``PaymentsApi``-only object the same way. Each member forwards to the local ``Counter`` on
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


def _on_a_worker(call):
    import threading

    out: list = []

    def run() -> None:
        try:
            out.append(("ok", call()))
        except Exception as exc:  # noqa: BLE001 - raised again on the test's thread
            out.append(("error", exc))
    worker = threading.Thread(target=run)
    worker.start()
    worker.join(60)
    assert out, "the call did not return"
    kind, value = out[0]
    if kind == "error":
        raise value
    return value


def test_history_and_end_of_day_run_on_a_protocol_only_payments_object(qtbot, stand_in):
    """The history lists the sale, a manager's approval voids it through ``PaymentsApi.void``, and the end of
    day counts it as voided: every call on an object with ``PaymentsApi``'s members and nothing else."""
    from datetime import UTC

    from pos_app.counter import ManagerAction, PaymentsApi, Settings, State
    from pos_app.payments import AccountRef, CustomerRef
    from pos_app.paysimple.models import CreditCardInput
    from pos_app.ui.payments.eod_view import EndOfDayDialog
    from pos_app.ui.payments.history import HistoryDialog

    real, _fake = stand_in
    _on_a_worker(lambda: real.sign_in("Trainee", "0000"))
    hit = next(h for h in _on_a_worker(lambda: real.search("a")) if h.paysimple_id)
    card = real.client.create_credit_card(CreditCardInput(customer_id=hit.paysimple_id,
                                                          credit_card_number="4111111111111111",
                                                          expiration_date="12/2030"))
    sale = _on_a_worker(lambda: real.service.charge(CustomerRef(hit.paysimple_id, hit.display_name),
                                                    AccountRef.from_paysimple(card), Decimal("9.87"), real.clerk))
    assert sale.state is State.APPROVED
    approval = _on_a_worker(lambda: real.approve(ManagerAction.VOID, "Trainer", "1234", "wrong amount",
                                                 subject=sale.id))
    asked = []

    def approve(action, subject="", detail="", parent=None):  # the shell's dialog, answered by the manager
        asked.append((action, subject))
        return approval

    payments = ProtocolOnly(real.payments(Settings().merchant, UTC, approve=approve), PaymentsApi)
    assert isinstance(payments, PaymentsApi)
    for behind in ("journal", "service", "_journal", "counter", "events"):  # the local stores are not reachable
        with pytest.raises(AttributeError):
            getattr(payments, behind)
    payments.refused.clear()

    history = HistoryDialog(payments, events=real.events)
    qtbot.addWidget(history)
    with qtbot.waitSignal(history.loaded, timeout=10_000):
        history.show()
    try:
        assert history.select(sale.id)
        with qtbot.waitSignal(history.actionFinished, timeout=15_000) as outcome:
            qtbot.keyClick(history.table, Qt.Key.Key_F8)
        assert outcome.args == ["voided"] and asked == [(ManagerAction.VOID, sale.id)]
        assert real.client.get_payment(sale.payment_id).status == "Voided"  # PaySimple itself voided it
        assert history.table.currentItem().text(4) == "Voided"
    finally:
        history.close()

    eod = EndOfDayDialog(payments, events=real.events)
    qtbot.addWidget(eod)
    with qtbot.waitSignal(eod.finished_run, timeout=20_000) as run:
        eod.run()
    report = run.args[0]
    assert report is not None and report.by_status[State.VOIDED.value].count >= 1
    eod.close()

    assert payments.refused == []  # neither screen reached past the protocol
    assert {"history", "reversal_option", "void", "end_of_day", "approve", "tz", "clerk_name"} <= payments.used
