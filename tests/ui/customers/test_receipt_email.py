"""The receipt is chosen after the payment (issue 18): a charge never asks PaySimple to e-mail one (the
training gateway keeps each payment's SuccessReceiptOptions and answers them on GET /payment/{id}); the result
screen offers print / e-mail / both / none, and the e-mail goes to the address on file."""

from __future__ import annotations

from decimal import Decimal

from pos_app.customers.models import CustomerRecord
from pos_app.payments import CustomerRef
from pos_app.paysimple import CreditCardInput


def _receipt_options(backend, payment_id: int) -> dict:
    return backend.client._get(f"/payment/{payment_id}").envelope.response["SuccessReceiptOptions"]


def test_a_charge_never_has_paysimple_email_a_receipt(backend):
    stored = backend.create_customer(CustomerRecord("Katherine", "Johnson", email="kj@example.com"))
    card = backend.client.create_credit_card(CreditCardInput(
        customer_id=stored.paysimple_id, credit_card_number="4111111111111111", expiration_date="12/2031",
        billing_zip_code="80301"))
    who = CustomerRef(stored.paysimple_id, stored.display_name)
    sale = backend.charge(who, card, Decimal("12.34"))
    assert sale.state.value == "approved"
    assert _receipt_options(backend, sale.payment_id)["SendToCustomer"] is False
    assert backend.gateway.outbox == []   # nothing e-mailed until someone chooses it


def test_the_customer_page_asks_nothing_about_receipts_before_the_charge(qtbot, counter):
    from PySide6.QtWidgets import QCheckBox

    from pos_app.ui.counter.customer_panel import CvvDialog
    from tests.ui.shell.helpers import when_modal

    shell, window = counter
    backend = window.counter
    who = backend.create_customer(CustomerRecord("Dorothy", "Vaughan", email="dv@example.com"))
    backend.client.create_credit_card(CreditCardInput(
        customer_id=who.paysimple_id, credit_card_number="4111111111111111", expiration_date="12/2031",
        billing_zip_code="80301", is_default=True))
    window.search.setText("Dorothy Vaughan")
    qtbot.waitUntil(lambda: window.shown_query == "Dorothy Vaughan" and window.results.count() == 1, timeout=5000)
    with qtbot.waitSignal(window.accountsShown, timeout=10_000):
        window.select_current_hit()
    boxes = [b.text() for b in window.customer_page.findChildren(QCheckBox) if b.isVisible()]
    assert not any("receipt" in text.lower() for text in boxes), boxes
    window.customer_page.amount.edit.setText("21.00")
    state = when_modal(CvvDialog, lambda d: d.accept())
    with qtbot.waitSignal(window.resultShown, timeout=20_000) as shown:
        window.sale.charge_on_file()
    assert state["error"] is None and shown.args == ["approved"]
    attempt = window.result.attempt
    assert _receipt_options(backend, attempt.payment_id)["SendToCustomer"] is False and backend.gateway.outbox == []
    assert window.result.email_button.isVisible()   # the choice comes now, after the payment


def test_the_result_screen_offers_the_receipt_choice_and_ctrl_m_emails_it(qtbot, counter):
    """Issue 18: the receipt is chosen after the payment. On the result screen Ctrl+M asks PaySimple for the
    address on file, names it, and Enter sends; the training gateway's outbox is the proof."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from pos_app.ui.counter.customer_panel import CvvDialog
    from tests.ui.shell.helpers import when_modal

    shell, window = counter
    backend = window.counter
    who = backend.create_customer(CustomerRecord("Annie", "Easley", email="ae@example.com"))
    backend.client.create_credit_card(CreditCardInput(
        customer_id=who.paysimple_id, credit_card_number="5454545454545454", expiration_date="12/2031",
        billing_zip_code="80301", is_default=True))
    window.search.setText("Annie Easley")
    qtbot.waitUntil(lambda: window.shown_query == "Annie Easley" and window.results.count() == 1, timeout=5000)
    with qtbot.waitSignal(window.accountsShown, timeout=10_000):
        window.select_current_hit()
    window.customer_page.amount.edit.setText("8.00")
    state = when_modal(CvvDialog, lambda d: d.accept())
    with qtbot.waitSignal(window.resultShown, timeout=20_000):
        window.sale.charge_on_file()
    assert state["error"] is None
    result = window.result
    assert result.email_button.isVisible() and result.both_button.isVisible() and result.receipt_button.isVisible()
    assert "Mastercard ****5454" in [result.details.itemAt(i).widget().text() for i in range(result.details.count())]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)

    def question():
        box = QApplication.activeModalWidget()
        return box if box is not None and box.objectName() == "emailReceiptQuestion" else None

    qtbot.waitUntil(lambda: question() is not None, timeout=5000)
    assert "ae@example.com" in question().text()
    qtbot.keyClick(question(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "e-mailed to ae@example.com" in result.receipt_message.text(), timeout=5000)
    attempt = result.attempt
    assert [(m["payment_id"], m["to"]) for m in backend.gateway.outbox] == [(attempt.payment_id, "ae@example.com")]
