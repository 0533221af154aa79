"""The counter window when the payment journal cannot be written (real window offscreen, real training gateway
over TCP, the real journal on a real small disk that fills up): a charge the journal refused before anything
was sent is "Not charged" (nothing at PaySimple), never "not known" / "do not charge again"; a journal that
fails after the payment was sent keeps the honest "not known" (decision 0493)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from tests.storage_faults import fill, small_disk


@pytest.fixture
def counter_on_small_disk(qtbot, tmp_path):
    """The real counter window whose data folder (journal, customer list, clerk file) is a 4 MiB tmpfs."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from pos_app.config import Environment, app_paths
    from pos_app.counter import Counter, CounterStart
    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.counter.main_window import MainWindow
    from tests.ui.counter.webtools import CounterDriver

    home = tmp_path / "home"
    with small_disk(home / "data", "4m"):
        QApplication.instance().setStyleSheet(STYLE)
        window = MainWindow()
        window.set_locked(False)
        window.resize(1280, 800)
        window.show()
        backend = Counter.open(CounterStart(Environment.TRAINING, app_paths(home), demo_customers=40, in_memory=True))
        backend.sign_in("Trainee", "0000")
        window.attach_counter(backend)
        qtbot.waitUntil(lambda: window.panel._page_ready, timeout=15000)
        try:
            yield CounterDriver(qtbot, window)
        finally:
            window.shutdown()
            window.close()
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _fill_journal_disk(backend):
    """Cut the journal's WAL to 0 bytes and fill its disk: the next journal write needs space it cannot get."""
    path = backend.journal.path
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        con.close()
    return fill(path.parent)


def _card_on_file_charge(counter, monkeypatch, amount: str):
    from pos_app.ui.counter import customer_panel

    hit = counter.pick_with_cards("a")

    def accept_with_cvv(dialog):
        dialog.cvv.setText("1234" if dialog.cvv_digits == 4 else "123")
        dialog._check()
        return dialog.result()

    monkeypatch.setattr(customer_panel.CvvDialog, "exec", accept_with_cvv)
    counter.amount(amount)
    return hit


def test_a_charge_the_journal_could_not_record_is_not_charged_and_says_why(counter_on_small_disk, monkeypatch):
    counter = counter_on_small_disk
    hit = _card_on_file_charge(counter, monkeypatch, "4.00")
    filler = _fill_journal_disk(counter.backend)
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=15000) as blocker:
        counter.key(Qt.Key.Key_F5)
    result = counter.window.result
    text = result.message.text()
    assert blocker.args == ["not_charged"], text
    assert result.headline() == "Not charged"
    assert "4.00" in result.amount.text()
    journal = counter.backend.journal.path
    # The lane's first charge: its lock file beside the journal is the first thing written, and it is refused.
    assert f"The payment journal ({journal}.locks/lane-LANE1.lock) cannot be written: the disk is full." in text
    assert "Nothing was sent to PaySimple" in text and "Free some space" in text
    assert "not known" not in text.lower() and "do not charge again" not in text.lower()
    assert not result.check_button.isVisible()
    assert result.try_button.isVisible() and result.default_button() is result.try_button
    assert counter.payments(hit.paysimple_id) == []  # the training gateway never saw it
    # Space again: back to the customer (Esc) and the same charge goes through.
    filler.unlink()
    counter.key(Qt.Key.Key_Escape)
    counter.amount("4.00")
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=15000) as blocker:
        counter.key(Qt.Key.Key_F5)
    assert blocker.args == ["approved"], counter.window.result.message.text()
    assert [p.amount for p in counter.payments(hit.paysimple_id)] == [Decimal("4.00")]


def test_a_journal_that_fails_after_the_payment_was_sent_stays_not_known(counter_on_small_disk, monkeypatch):
    counter = counter_on_small_disk
    hit = _card_on_file_charge(counter, monkeypatch, "6.00")
    service = counter.backend.service
    real_create = service.gateway.create_payment
    fillers = []

    def create_then_disk_full(request):  # the real POST to the training gateway, then the disk fills up
        payment = real_create(request)
        fillers.append(_fill_journal_disk(counter.backend))
        return payment

    monkeypatch.setattr(service.gateway, "create_payment", create_then_disk_full)
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=15000) as blocker:
        counter.key(Qt.Key.Key_F5)
    text = counter.window.result.message.text()
    assert blocker.args == ["error"], text
    assert "It is not known whether PaySimple took this payment. Do not charge again" in text
    assert "Not charged" not in text and "Nothing was sent" not in text
    assert [p.amount for p in counter.payments(hit.paysimple_id)] == [Decimal("6.00")]
    fillers[0].unlink()


def test_a_new_card_the_journal_could_not_charge_is_not_charged(counter_on_small_disk, monkeypatch):
    """The form path: the card is stored at PaySimple by the form and recorded on file, then, as the charge
    starts, the disk fills up and the charge's journal write is refused: "Not charged" (nothing sent), never
    "not known"."""
    counter = counter_on_small_disk
    hit = counter.pick_with_cards("a", want=lambda a: True)
    counter.amount("8.00")
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card()
    backend, fillers = counter.backend, []
    real_charge = backend.charge

    def charge_on_a_full_disk(*args, **kwargs):  # the real charge; its disk fills up just before it starts
        fillers.append(_fill_journal_disk(backend))
        return real_charge(*args, **kwargs)

    monkeypatch.setattr(backend, "charge", charge_on_a_full_disk)
    try:
        shown = counter.submit_and_wait()
    finally:
        for filler in fillers:
            filler.unlink()
    assert fillers, "the form never reached the charge"
    result = counter.window.result
    text = result.message.text()
    assert shown == "not_charged", text
    assert result.headline() == "Not charged" and "Nothing was sent to PaySimple" in text
    assert "not known" not in text.lower() and "do not charge again" not in text.lower()
    assert [p for p in counter.payments(hit.paysimple_id) if p.amount == Decimal("8.00")] == []
