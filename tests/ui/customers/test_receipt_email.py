"""``CounterBackend.charge(send_receipt=...)`` reaches PaySimple: the training gateway keeps the payment's
SuccessReceiptOptions and answers them on GET /payment/{id}."""

from __future__ import annotations

from decimal import Decimal

from pos_app.customers.models import CustomerRecord
from pos_app.payments import CustomerRef
from pos_app.paysimple import CreditCardInput


def _receipt_options(backend, payment_id: int) -> dict:
    return backend.client._get(f"/payment/{payment_id}").envelope.response["SuccessReceiptOptions"]


def test_charge_asks_paysimple_to_email_the_receipt_only_when_told(backend):
    stored = backend.create_customer(CustomerRecord("Katherine", "Johnson", email="kj@example.com"))
    card = backend.client.create_credit_card(CreditCardInput(
        customer_id=stored.paysimple_id, credit_card_number="4111111111111111", expiration_date="12/2031",
        billing_zip_code="80301"))
    who = CustomerRef(stored.paysimple_id, stored.display_name)
    emailed = backend.charge(who, card, Decimal("12.34"), send_receipt=True)
    plain = backend.charge(who, card, Decimal("5.00"))
    assert emailed.state.value == "approved" and plain.state.value == "approved"
    assert _receipt_options(backend, emailed.payment_id)["SendToCustomer"] is True
    assert _receipt_options(backend, plain.payment_id)["SendToCustomer"] is False


def test_email_receipt_box_in_the_counter_window(qtbot, counter):
    from pos_app.ui.counter.customer_panel import CvvDialog
    from tests.ui.shell.helpers import when_modal

    shell, window = counter
    backend = window.counter
    with_email = backend.create_customer(CustomerRecord("Dorothy", "Vaughan", email="dv@example.com"))
    backend.create_customer(CustomerRecord("Mary", "Jackson"))
    backend.client.create_credit_card(CreditCardInput(
        customer_id=with_email.paysimple_id, credit_card_number="4111111111111111", expiration_date="12/2031",
        billing_zip_code="80301", is_default=True))
    box = window.customer_page.email_receipt

    window.search.setText("Mary Jackson")
    qtbot.waitUntil(lambda: window.shown_query == "Mary Jackson" and window.results.count() == 1, timeout=5000)
    window.select_current_hit()
    assert not box.isEnabled() and "no e-mail" in box.toolTip()

    window.new_sale()
    window.search.setText("Dorothy Vaughan")
    qtbot.waitUntil(lambda: window.shown_query == "Dorothy Vaughan" and window.results.count() == 1, timeout=5000)
    with qtbot.waitSignal(window.accountsShown, timeout=10_000):
        window.select_current_hit()
    assert box.isEnabled() and not box.isChecked()
    box.setChecked(True)
    window.customer_page.amount.edit.setText("21.00")
    state = when_modal(CvvDialog, lambda d: d.accept())
    with qtbot.waitSignal(window.resultShown, timeout=20_000) as shown:
        window.charge_on_file()
    assert state["error"] is None and shown.args == ["approved"]
    attempt = window.result.attempt
    assert _receipt_options(backend, attempt.payment_id)["SendToCustomer"] is True
    window.new_sale()
    window.search.setText("Dorothy Vaughan")
    qtbot.waitUntil(lambda: window.shown_query == "Dorothy Vaughan" and window.results.count() == 1, timeout=5000)
    window.select_current_hit()
    assert not box.isChecked()   # every sale starts unticked


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
        window.charge_on_file()
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
