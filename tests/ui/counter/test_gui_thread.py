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


def _refused_here_done_on_a_worker(calls: dict) -> dict:
    """Each call raises ``GuiThreadCall`` on the main thread; on a worker it runs (its result, or the error
    it raised for another reason)."""
    import threading

    for call in calls.values():
        with pytest.raises(GuiThreadCall):
            call()
    results: dict = {}

    def run() -> None:
        for name, call in calls.items():
            try:
                results[name] = call()
            except Exception as exc:  # noqa: BLE001 - kept for the test to look at
                results[name] = exc
    worker = threading.Thread(target=run)
    worker.start()
    worker.join(60)
    assert set(results) == set(calls)
    assert not [r for r in results.values() if isinstance(r, GuiThreadCall)]
    return results


def test_the_guard_covers_the_payments_use_cases(counter, guard):
    """History, check again, reversals, receipts and end of day read the journal or call PaySimple: refused
    on the GUI thread, done on a worker; the plain values (clock, names, receipt text) stay free."""
    from pos_app.counter import Settings

    payments = counter.window.counter.payments(Settings().merchant, UTC, approve=None)
    today = payments.today()
    assert payments.clerk_name("1") and payments.day_start(today).tzinfo is UTC  # plain values: fine here
    results = _refused_here_done_on_a_worker({
        "history": lambda: payments.history(None, 10),
        "end_of_day": lambda: payments.end_of_day(today, None),
    })
    assert results["history"] == []  # nothing charged yet
    report, backup_problem = results["end_of_day"]
    assert report.day == today and backup_problem is None
    attempt = object()  # never reached: the guard refuses before the call looks at it
    for call in (payments.resolve, payments.reversal_option, payments.receipt_address):
        with pytest.raises(GuiThreadCall):
            call(attempt)
    for call in (payments.void, payments.refund):
        with pytest.raises(GuiThreadCall):
            call(attempt, None)
    with pytest.raises(GuiThreadCall):
        payments.close_review(attempt, None, None)
    with pytest.raises(GuiThreadCall):
        payments.email_receipt(attempt, "a@example.com")


def test_the_guard_covers_the_set_up_use_cases(tmp_path, guard, memory_keyring):
    """Settings files, the keyring and the Sandbox reports are refused on the GUI thread and work on a
    worker; loading the settings stays allowed (start-up, before any window)."""
    from pos_app.config import Environment, app_paths
    from pos_app.counter import Settings, Setup

    setup = Setup(app_paths(tmp_path / "home"))
    settings = setup.load_settings()  # start-up: before any window exists, on the main thread
    settings.api_users = {"sandbox": "ann"}
    results = _refused_here_done_on_a_worker({
        "save_key": lambda: setup.save_key(Environment.SANDBOX, "ann", "k" * 32),
        "has_saved_key": lambda: setup.has_saved_key(Environment.SANDBOX, "ann"),
        "save_settings": lambda: setup.save_settings(Settings()),
        "remember_save_folder": lambda: setup.remember_save_folder(Settings(), str(tmp_path)),
        "sandbox_report": lambda: setup.sandbox_report(),
        "store_access": lambda: setup.store_access(settings),
    })
    assert results["save_key"] == "keyring" and results["has_saved_key"] is True
    assert results["sandbox_report"] is None and results["store_access"] is None
    assert setup.paths.training_settings_file.exists()  # written by the worker
    for call in (lambda: setup.api_access(settings), lambda: setup.test_connection(Environment.SANDBOX, "ann", None),
                 lambda: setup.apply(settings), lambda: setup.forget_store(settings),
                 lambda: setup.enroll_store("https://store.invalid", "code", "LANE1"),
                 lambda: setup.write_conformance_report(None)):
        with pytest.raises(GuiThreadCall):
            call()
    setup.close()


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
    history = HistoryDialog(payments, window, events=window.counter.events)
    with qtbot.waitSignal(history.loaded, timeout=10_000):
        history.reload()
    history.close()
    eod = EndOfDayDialog(payments, window, events=window.counter.events)
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
