"""The counter window in Spanish, screen by screen, on the real training gateway: customer panel (cards table
headers, buttons), the payment form's frame (title, buttons and status around the web view, and the host page's
status line), approved and declined results. Spanish is longer than English: every visible button and one-line
label must get at least the width its text needs (nothing cut off at 1280x800).

``POS_SCREENSHOTS=1`` also writes docs/screenshots/07-counter-es.png, 07b-customer-es.png .. 07e-declined-es.png.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from pos_app import money
from pos_app.config import Environment, app_paths
from tests.fixtures.web import run_js
from tests.ui.counter.webtools import CounterDriver

pytestmark = pytest.mark.webview

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def spanish_counter(qtbot, tmp_path, spanish):
    from pos_app.counter import Counter, CounterStart
    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.counter.main_window import MainWindow

    QApplication.instance().setStyleSheet(STYLE)
    money.set_store_format("es_ES")  # a store that writes 1.234,50 (the autouse fixture restores en_US)
    window = MainWindow(Environment.TRAINING, "LANE1")
    window.set_locked(False)
    window.resize(1280, 800)
    window.show()
    backend = Counter.open(CounterStart(Environment.TRAINING, app_paths(tmp_path / "home"), demo_customers=40, in_memory=True))
    backend.sign_in("Trainee", "0000")  # a training clerk signs in (the counter refuses charges otherwise)
    window.attach_counter(backend)
    qtbot.waitUntil(lambda: window.panel._page_ready, timeout=15000)
    yield CounterDriver(qtbot, window)
    window.shutdown()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def cut_off(page) -> list[str]:
    """Visible buttons and one-line labels on ``page`` narrower than their text needs."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # layouts settled first
    QApplication.processEvents()
    short = []
    for widget in page.findChildren(QPushButton) + page.findChildren(QLabel):
        if not widget.isVisible() or not widget.text():
            continue
        if isinstance(widget, QLabel) and (widget.wordWrap() or widget.textFormat() == Qt.TextFormat.RichText):
            continue
        if widget.width() < widget.sizeHint().width():
            short.append(f"{widget.text()!r}: {widget.width()} < {widget.sizeHint().width()}")
    return short


def shot(counter, tmp_path, name: str) -> None:
    counter.qtbot.wait(200)
    folder = DOCS if os.environ.get("POS_SCREENSHOTS") == "1" else tmp_path
    assert counter.window.grab().save(str(folder / f"{name}.png"))


def test_counter_screens_in_spanish(spanish_counter, tmp_path):
    counter, w = spanish_counter, spanish_counter.window
    assert w.windowTitle() == "Caja · PaySimple (Práctica)"
    assert w.banner.text().startswith("PRÁCTICA · Modo de práctica") and w.banner.text().endswith("Caja LANE1")
    assert "Cobrar un pago" in w.welcome.text() and "<b>Intro</b>" in w.welcome.text()
    shot(counter, tmp_path, "07-counter-es")

    # Customer panel: the cards table, its buttons, the amount in the store's (comma) format.
    counter.pick_with_cards("Mar", want=lambda a: len(a.credit_cards) >= 1 and len(a.ach_accounts) >= 1)
    header = w.customer_page.methods.headerItem()
    assert [header.text(i) for i in range(5)] == ["Tipo", "Número", "Caduca", "Predeterminada", "Estado"]
    assert w.customer_page.default_button.text() == "Predeterminar  [Ctrl+D]"
    assert w.customer_page.remove_button.text() == "Quitar  [Supr]"
    assert w.customer_page.update_button.text() == "Añadir tarjeta  [F8]"
    assert w.customer_page.new_ach_button.text() == "Cuenta bancaria nueva  [F7]"
    assert w.customer_page.methods_note.text().split(" · ")[0].endswith("guardadas")
    statuses = {w.customer_page.methods.topLevelItem(i).text(4) for i in range(w.customer_page.methods.topLevelItemCount())}
    assert statuses <= {"Válida", "Caducada"} and statuses
    kinds = [w.customer_page.methods.topLevelItem(i).text(0) for i in range(w.customer_page.methods.topLevelItemCount())]
    assert any(k.endswith("(corriente)") or k.endswith("(ahorros)") for k in kinds)
    counter.amount("1234,5")
    w.customer_page.amount.edit.editingFinished.emit()
    assert w.customer_page.amount.value() == Decimal("1234.50") and w.customer_page.amount.edit.text() == "1.234,50"
    assert w.customer_page.charge_file_button.text() in ("Cobrar a la tarjeta guardada  [F5]", "Cobrar a la cuenta guardada  [F5]")
    counter.qtbot.keyClicks(w.customer_page.amount.edit, "x")
    assert w.customer_page.amount.message.text() == "Eso no es un importe. Escríbalo así: 1.234,56"
    counter.amount("12.50")
    counter.qtbot.keyClick(w.customer_page.amount.edit, Qt.Key.Key_Return)
    assert w.customer_page.amount.value() is None and w.customer_page.amount.message.text() == "Use una coma para los centavos: 12,50"
    w.customer_page.amount.set_value(Decimal("42.50"))
    assert cut_off(w.customer_page) == []
    for col in range(4):  # "Predeterminada" and its cells are wider than the English "Default"
        assert w.customer_page.methods.columnWidth(col) >= max(w.customer_page.methods.header().sectionSizeHint(col),
                                                 w.customer_page.methods.sizeHintForColumn(col)), col
    assert "Cuenta\u00a0n.º\u00a0" in w.customer_page.customer_meta.text()  # never broken between "n.º" and the number
    shot(counter, tmp_path, "07b-customer-es")

    # The payment form's frame around the web view, and the host page's own status line.
    counter.open_form(Qt.Key.Key_F6)
    panel = w.panel
    assert panel.header.text() == "Cobrar $42,50 a una tarjeta nueva"
    assert panel.subheader.text().startswith("Cliente: ")
    assert panel.submit_button.text() == "Cobrar $42,50  [F9]"
    assert panel.cancel_button.text() == "Cancelar  [Esc]"
    assert panel.switch_button.text() == "Usar una cuenta bancaria  [F7]"
    assert panel.status.text() == "Escriba los datos en el formulario y pulse F9."
    assert run_js(counter.qtbot, panel.view.page(), "document.getElementById('status').textContent") \
        == "Escriba los datos de la tarjeta."
    assert cut_off(panel) == []
    counter.fill_card()
    shot(counter, tmp_path, "07c-payment-form-es")
    assert counter.submit_and_wait() == "approved"

    result = w.result
    assert result.title.text() == "Aprobado" and result.amount.text() == "$42,50"
    assert result.message.text() == "El pago fue aprobado."
    assert result.new_sale_button.text() == "Venta nueva  [Intro]"
    assert result.receipt_button.text() == "Imprimir  [Ctrl+P]"
    assert result.back_button.text() == "Volver al cliente  [Esc]"
    keys = [result.details.itemAtPosition(r, 0).widget().text() for r in range(result.details.rowCount())
            if result.details.itemAtPosition(r, 0) is not None]
    assert keys[:4] == ["Cliente", "Cuenta", "Código de autorización", "Número de seguimiento"]
    shot(counter, tmp_path, "07d-approved-es")
    assert cut_off(result) == []

    counter.key(Qt.Key.Key_Escape)
    counter.qtbot.waitUntil(lambda: w.stack.currentWidget() is w.customer_page, timeout=5000)
    w.customer_page.amount.set_value(Decimal("9999.01"))  # the training gateway declines amounts ending in .01
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card("5454545454545454", "0631", "996", "10001")
    assert counter.submit_and_wait() == "declined"
    assert result.title.text() == "Rechazado"
    lines = result.message.text().split("\n")
    assert lines[0].startswith("PaySimple dice: ") and lines[1].startswith("Siguiente paso: ")
    assert result.try_button.text() == "Probar otra tarjeta  [Intro]"  # Enter tries another card after a decline
    assert result.new_sale_button.text() == "Venta nueva"
    assert "Código de rechazo" in [result.details.itemAtPosition(r, 0).widget().text()
                                   for r in range(result.details.rowCount())
                                   if result.details.itemAtPosition(r, 0) is not None]
    shot(counter, tmp_path, "07e-declined-es")
    assert cut_off(result) == []
