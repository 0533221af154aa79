"""Nothing the counter window does touches storage or the network on the GUI thread: with the application
layer's guard on, every such call on the main thread raises ``GuiThreadCall``; a real flow (start-up state,
search, pick a customer, accounts, repeat check, payment history, end of day, customer edit) runs clean."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from pos_app.counter import GuiThreadCall, set_gui_thread_guard


@pytest.fixture
def guard():
    set_gui_thread_guard(True)
    yield
    set_gui_thread_guard(False)


def test_the_guard_refuses_a_storage_call_on_the_gui_thread(counter, guard):
    with pytest.raises(GuiThreadCall):
        counter.window.counter.search("a")
    with pytest.raises(GuiThreadCall):
        counter.window.counter.count_customers()


def test_a_counter_flow_never_reads_storage_or_the_network_on_the_gui_thread(qtbot, counter, guard, caplog):
    from decimal import Decimal

    from PySide6.QtWidgets import QApplication

    from pos_app.counter import Settings
    from pos_app.ui.common.ops import BackgroundOp
    from pos_app.ui.customers.customer_edit import CustomerEditDialog
    from pos_app.ui.payments.eod_view import EndOfDayDialog
    from pos_app.ui.payments.history import HistoryDialog

    caplog.set_level(logging.ERROR)
    window = counter.window
    hits = [h for h in counter.search("a") if h.paysimple_id]  # the window's own debounced search
    assert hits
    with qtbot.waitSignal(window.customerShown, timeout=10_000):
        with qtbot.waitSignal(window.accountsShown, timeout=10_000):
            window.sale.select_customer(hits[0])
    hit = window.hit
    assert hit is not None and window.customer_page.customer_meta.text()

    # the repeat check before a charge (journal read) runs on a worker
    window.customer_page.amount.set_value(Decimal("3.21"))
    done = []
    window.sale.unless_repeat(window.sale._customer_ref(), Decimal("3.21"), lambda: done.append(True))
    qtbot.waitUntil(lambda: done == [True], timeout=10_000)

    # after the sale: history and end of day through the application layer
    payments = window.counter.payments(Settings().merchant, UTC, approve=None)
    history = HistoryDialog(payments, window)
    with qtbot.waitSignal(history.loaded, timeout=10_000):
        history.reload()
    history.close()
    eod = EndOfDayDialog(payments, window)
    with qtbot.waitSignal(eod.finished_run, timeout=20_000) as run:
        eod.run()
    assert run.args[0] is not None and run.args[0].day == datetime.now(UTC).date()
    eod.close()

    # the edit dialog's stored row and its save run on workers too
    got = []
    BackgroundOp(lambda ctx: window.counter.customer(hit.id), on_done=got.append).start()
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    dialog = CustomerEditDialog(window.counter, window, customer=got[0])
    dialog.open()
    QApplication.processEvents()
    dialog.close()
    assert not [r for r in caplog.records if "GuiThreadCall" in r.getMessage() or
                (r.exc_info and isinstance(r.exc_info[1], GuiThreadCall))]
