"""Payment history over the real payments service: what it lists, its filters, keyboard use, Check again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from PySide6.QtCore import Qt

from pos_app.payments import State
from pos_app.paysimple.models import PaymentRequest
from pos_app.ui.payments.history import HistoryDialog
from tests.fixtures.payments import make_service, new_shopper
from tests.ui.payments.conftest import close_dialog


def open_history(qtbot, payments, bus) -> HistoryDialog:
    dialog = HistoryDialog(payments, events=bus)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    return dialog


def rows(dialog) -> list[list[str]]:
    table = dialog.table
    return [[table.topLevelItem(i).text(c) for c in range(table.columnCount())]
            for i in range(table.topLevelItemCount())]


def test_history_lists_attempts_made_through_the_service(qtbot, payments, bus, service, journal, client, gateway,
                                                         shopper, trainer, trainee):
    old = service.charge(shopper.customer, shopper.card, Decimal("12.00"), str(trainee.id))
    gateway.clock.advance(2 * 86400)  # two days later
    grace = new_shopper(client, "Grace", "Hopper", "5454545454545454")
    approved = service.charge(shopper.customer, shopper.card, Decimal("1234.50"), str(trainer.id))
    declined = service.charge(grace.customer, grace.card, Decimal("9999.01"), str(trainee.id))
    lane2 = make_service(journal, client, gateway, lane="LANE2")
    other_lane = lane2.charge(grace.customer, grace.card, Decimal("7.25"), str(trainee.id))
    assert (approved.state, declined.state, other_lane.state) == (State.APPROVED, State.DECLINED, State.APPROVED)

    dialog = open_history(qtbot, payments, bus)
    try:
        shown = rows(dialog)  # Today: newest first, the payment of two days ago left out
        assert [r[7] for r in shown] == [other_lane.id, declined.id, approved.id]
        time_text, customer, amount, account, status, clerk, lane, ref = shown[2]
        assert (customer, amount, account, status, clerk, lane) == (
            "Ada Lovelace", "$1,234.50", approved.account_masked, "Approved", "Trainer", "LANE1")
        assert "****1111" in account and str(gateway.clock.now().astimezone(payments.tz).year) in time_text
        assert shown[1][4] == "Declined" and shown[1][5] == "Trainee" and shown[0][6] == "LANE2"
        assert "Do Not Honor" in (dialog.select(declined.id) and dialog.detail_text.text())
        assert not dialog.reverse_button.isEnabled() and not dialog.check_button.isEnabled()

        dialog.period.setCurrentIndex(dialog.period.findData("7"))  # Alt+P: last 7 days
        qtbot.waitSignal(dialog.loaded, timeout=5000).wait() if len(rows(dialog)) != 4 else None
        qtbot.waitUntil(lambda: len(rows(dialog)) == 4, timeout=5000)
        assert rows(dialog)[-1][7] == old.id

        dialog.status.setCurrentIndex(dialog.status.findText("Declined"))
        assert [r[7] for r in rows(dialog)] == [declined.id]
        dialog.status.setCurrentIndex(0)
        dialog.lane.setCurrentIndex(dialog.lane.findData("LANE2"))
        assert [r[7] for r in rows(dialog)] == [other_lane.id]
        dialog.lane.setCurrentIndex(0)
        dialog.clerk.setCurrentIndex(dialog.clerk.findText("Trainer"))
        assert [r[7] for r in rows(dialog)] == [approved.id]
        dialog.clerk.setCurrentIndex(0)
        assert "4 of 4 payments" in dialog.count_label.text()

        # keyboard: Ctrl+F, type, ↓ into the list, Enter opens the receipt
        qtbot.keyClick(dialog, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert dialog.find.hasFocus()
        qtbot.keyClicks(dialog.find, "grace")
        assert {r[1] for r in rows(dialog)} == {"Grace Hopper"} and len(rows(dialog)) == 2
        qtbot.keyClick(dialog.find, Qt.Key.Key_Down)
        assert dialog.table.hasFocus()
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
        assert dialog.current_attempt().id == declined.id
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: getattr(dialog, "receipt_shown", None) is not None and dialog.receipt_shown.isVisible())
        assert declined.id in dialog.receipt_shown.document.toPlainText()
        dialog.receipt_shown.close()
    finally:
        close_dialog(dialog)


def test_check_again_resolves_an_unconfirmed_payment(qtbot, payments, bus, service, journal, client, gateway, shopper,
                                                     trainee):
    """The app stopped after POST /payment reached PaySimple: the journal says unknown, PaySimple has it."""
    now = gateway.clock.now()
    attempt = journal.create_attempt("LANE1", str(trainee.id), shopper.customer, shopper.card, Decimal("40.00"), now)
    journal.transition(attempt.id, State.CREATED, State.SENDING, "POST /payment", str(trainee.id), now, sent_at=now,
                       absent_after=now + timedelta(seconds=2))
    payment = client.create_payment(PaymentRequest(account_id=shopper.card.id, amount=Decimal("40.00"),
                                                   order_id=attempt.id))
    journal.transition(attempt.id, State.SENDING, State.UNKNOWN, "reply lost", str(trainee.id), now)

    dialog = open_history(qtbot, payments, bus)
    try:
        assert rows(dialog)[0][4] == "Unconfirmed"
        assert "Do not charge again" in dialog.detail_text.text()
        assert dialog.check_button.isEnabled() and not dialog.reverse_button.isEnabled()
        with qtbot.waitSignal(dialog.actionFinished, timeout=10_000) as outcome:
            qtbot.keyClick(dialog.table, Qt.Key.Key_F6)
        assert outcome.args == ["resolved"]
        found = journal.get(attempt.id)
        assert found.state is State.APPROVED and found.payment_id == payment.id
        assert rows(dialog)[0][4] == "Approved" and dialog.current_attempt().id == attempt.id
        assert "Checked with PaySimple: Approved" in dialog.message.text()
        assert len(client.customer_payments(shopper.customer.id)) == 1  # looked up, never re-sent
    finally:
        close_dialog(dialog)


def test_ctrl_e_emails_the_selected_receipt_again_to_the_address_on_file(qtbot, payments, bus, service, client,
                                                                          gateway, shopper, trainee):
    """Issue 18: re-send by e-mail from history. Ctrl+E names the address PaySimple has on file, Enter sends;
    the gateway's outbox is the proof. Esc sends nothing; a customer without an address is told, not mailed."""
    from PySide6.QtWidgets import QApplication

    from pos_app.paysimple.models import CreditCardInput, CustomerInput

    sale = service.charge(shopper.customer, shopper.card, Decimal("19.99"), str(trainee.id))
    nomail = client.create_customer(CustomerInput(first_name="Nora", last_name="Mail"))
    card = client.create_credit_card(CreditCardInput(customer_id=nomail.id, credit_card_number="4111111111111111",
                                                     expiration_date="12/2030"))
    from pos_app.payments import AccountRef, CustomerRef

    nora = service.charge(CustomerRef(nomail.id, "Nora Mail"), AccountRef.from_paysimple(card), Decimal("2.00"),
                          str(trainee.id))
    dialog = open_history(qtbot, payments, bus)
    try:
        assert dialog.select(sale.id) and dialog.email_button.isEnabled()
        dialog.table.setFocus()

        def question():
            box = QApplication.activeModalWidget()
            return box if box is not None and box.objectName() == "emailReceiptQuestion" else None

        qtbot.keyClick(dialog.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: question() is not None, timeout=5000)
        assert "ada@example.com" in question().text()
        with qtbot.waitSignal(dialog.actionFinished, timeout=5000) as done:
            qtbot.keyClick(question(), Qt.Key.Key_Escape)
        assert done.args == ["cancelled"] and gateway.outbox == []

        dialog.activateWindow()  # offscreen has no window manager to hand the focus back
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        qtbot.keyClick(dialog.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: question() is not None, timeout=5000)
        with qtbot.waitSignal(dialog.actionFinished, timeout=5000) as done:
            qtbot.keyClick(question(), Qt.Key.Key_Return)
        assert done.args == ["emailed"]
        assert dialog.message.text() == "Receipt e-mailed to ada@example.com."
        assert [(m["payment_id"], m["to"]) for m in gateway.outbox] == [(sale.payment_id, "ada@example.com")]

        assert dialog.select(nora.id)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        with qtbot.waitSignal(dialog.actionFinished, timeout=5000) as done:
            qtbot.keyClick(dialog.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert done.args == ["no_email"] and "Nora Mail has no e-mail address on file" in dialog.message.text()
        assert len(gateway.outbox) == 1
    finally:
        close_dialog(dialog)


def test_the_list_follows_payments_recorded_while_it_is_open(qtbot, payments, bus, service, shopper, trainee):
    """A payment made at the counter while the history is open shows without a reload: the counter publishes
    ``PaymentRecorded`` from its worker (as ``Counter.charge`` does) and the dialog follows the broadcast; two
    changes close together load the list once."""
    import threading

    from pos_app.counter import PaymentRecorded

    dialog = open_history(qtbot, payments, bus)
    try:
        assert dialog.attempts == []
        loads: list[int] = []
        dialog.loaded.connect(lambda: loads.append(len(dialog.attempts)))
        made = []

        def counter_worker() -> None:  # the counter's charge, on a worker thread, then its event
            for amount in ("5.00", "6.00"):
                attempt = service.charge(shopper.customer, shopper.card, Decimal(amount), str(trainee.id))
                made.append(attempt)
            for attempt in made:
                bus.publish(PaymentRecorded(attempt))

        worker = threading.Thread(target=counter_worker)
        worker.start()
        qtbot.waitUntil(lambda: len(dialog.attempts) == 2, timeout=15_000)
        worker.join()
        qtbot.wait(400)  # a second load would have come by now
        assert loads == [2]  # one reload for both changes
        assert {a.id for a in dialog.attempts} == {a.id for a in made}
        assert rows(dialog)[0][4] == "Approved"
    finally:
        close_dialog(dialog)
    bus.publish(PaymentRecorded(made[0]))  # a closed dialog no longer follows (no error, no load)
    qtbot.wait(300)
    assert loads == [2]
