"""A new store-mode counter while its copy of the store's customers loads: the real counter window on a
``RemoteCounter`` of a real server process says so where the clerk looks (the line under the search box),
search typed with real keys is answered by the server (every customer, not the half copy), and once the copy
is complete the window searches again, from the copy, without a keystroke."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from pos_app.counter.remote import RemoteCounter
from pos_app.customers.models import CustomerRecord
from pos_app.serverlink.client import StoreLink, Timeouts, enroll
from tests.fixtures.server import CLERK, new_code
from tests.server.test_copy_loading import HeldAfterFirstPage
from tests.server.test_replica import open_counter

pytestmark = pytest.mark.slow


def test_the_counter_says_its_copy_is_loading_and_finds_everyone_meanwhile(qtbot, server, tmp_path, english):
    from PySide6.QtWidgets import QApplication

    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.counter.main_window import MainWindow

    writer = open_counter(server, "LOADW", tmp_path / "w")
    last = f"Load{uuid.uuid4().hex[:6]}".replace("0", "o")
    try:
        for n in range(12):
            writer.create_customer(CustomerRecord(first_name=f"Early{n}", last_name=last))
    finally:
        writer.close()
    enrolled = enroll(server.url, new_code(server.data, "LOAD1"), "LOAD1")
    copy = HeldAfterFirstPage(tmp_path / "lane", enrolled.url, enrolled.fingerprint, enrolled.credential, 5,
                              page=5, snapshot=False)
    counter = RemoteCounter(StoreLink(enrolled.url, enrolled.fingerprint, enrolled.credential,
                                      Timeouts(connect=1, read=10, total=12)), "LOAD1", replica=copy)
    counter.sign_in(*CLERK)
    copy.start()
    assert copy.holding.wait(20)

    QApplication.instance().setStyleSheet(STYLE)
    window = MainWindow()
    window.set_locked(False)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    try:
        window.attach_counter(counter)
        qtbot.waitUntil(lambda: "Loading the store's customers" in window.results_count.text(), timeout=10_000)
        window.search.setFocus()
        qtbot.keyClicks(window.search, last)
        qtbot.waitUntil(lambda: window.results_count.text() == "12 found", timeout=10_000)
        assert window.results.count() == 12  # the server's answer: the half copy holds fewer
        assert len(copy.search(last)) < 12 and counter.customers_loading

        copy.release.set()
        assert copy.caught_up.wait(20) and not counter.customers_loading
        qtbot.waitUntil(lambda: not window._copy_timer.isActive(), timeout=5_000)  # searched again, from the copy
        assert window.results_count.text() == "12 found" and window.results.count() == 12
        window.search.clear()
        qtbot.waitUntil(lambda: "Loading" not in window.results_count.text() and window.results_count.text() != "",
                        timeout=5_000)
    finally:
        copy.release.set()
        window.shutdown()
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        counter.close()
