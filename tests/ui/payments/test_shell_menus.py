"""The shell puts the history and end of day in the counter window's menus, on the window's own back end."""

from __future__ import annotations

from decimal import Decimal

from pos_app.config import Environment
from pos_app.counter import Counter
from pos_app.settings import Settings
from pos_app.ui.counter.main_window import MainWindow
from pos_app.ui.payments.eod_view import EndOfDayDialog
from pos_app.ui.payments.history import HistoryDialog
from pos_app.ui.shell.shell import Shell
from tests.ui.payments.conftest import MERCHANT, close_dialog


def test_counter_and_manager_menus_open_history_and_end_of_day(qtbot, qapp, tmp_path, journal, service, shopper):
    from pos_app.config import app_paths

    paths = app_paths().ensure()
    settings = Settings(merchant=MERCHANT, store_timezone="America/Denver")
    shell = Shell(qapp, paths, settings, force_training=True)
    window = MainWindow()
    try:
        trainee = shell.clerks.sign_in("Trainee", "0000").clerk
        sale = service.charge(shopper.customer, shopper.card, Decimal("9.99"), str(trainee.id))
        # the application service around this test's journal and service (no directory: not used here), with
        # the shell's clerk desk (as when the shell starts the counter)
        window.counter = Counter(Environment.TRAINING, service.gateway.client, None, journal, service, "http://127.0.0.1",
                                 clerks=shell.clerks)
        shell.attach(window)
        menus = {a.text(): a.menu() for a in window.menuBar().actions()}
        counter = [a.text() for a in menus["&Counter"].actions()]
        assert "Payment history…" in counter and shell.history_action.shortcut().toString() == "Ctrl+H"
        assert "End of day…" in [a.text() for a in menus["&Manager"].actions()]

        shell.history_action.trigger()
        history = shell.history_dialog
        assert isinstance(history, HistoryDialog) and history.isVisible()
        qtbot.waitUntil(lambda: history.table.topLevelItemCount() == 1, timeout=5000)
        item = history.table.topLevelItem(0)
        assert (item.text(5), item.text(7)) == ("Trainee", sale.id)  # clerk name from the shell's clerk desk
        assert history.payments.tz.key == "America/Denver" and history.payments.lane == service.lane
        assert history.payments.receipt(sale).merchant_name == MERCHANT.name
        close_dialog(history)

        shell.eod_action.trigger()
        eod = shell.eod_dialog
        assert isinstance(eod, EndOfDayDialog) and eod.isVisible()
        with qtbot.waitSignal(eod.finished_run, timeout=15_000) as run:
            eod.run()
        assert run.args[0].gross.count == 1 and run.args[0].reconciled
        close_dialog(eod)
    finally:
        shell.close()
        window.close()
        window.deleteLater()
