"""Void and refund from the history: the option that applies, manager PIN + reason, the real gateway."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import Qt

from pos_app.clerks import ManagerAction
from pos_app.payments import State
from pos_app.ui.payments.history import HistoryDialog
from pos_app.ui.shell.manager_approval import ManagerApprovalDialog
from tests.fixtures.payments import assert_journal_agrees
from tests.ui.payments.conftest import close_dialog
from tests.ui.shell.helpers import when_modal


def open_history(qtbot, payments, bus) -> HistoryDialog:
    dialog = HistoryDialog(payments, events=bus)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    return dialog


def wait_until_enabled(button, timeout_s: float = 10.0) -> None:
    """As a person would: wait (events running) until the button can be pressed."""
    import time

    from PySide6.QtTest import QTest

    deadline = time.monotonic() + timeout_s
    while not button.isEnabled():
        assert time.monotonic() < deadline, "the button stayed disabled"
        QTest.qWait(20)


def wait_until_checked(dialog, timeout_s: float = 10.0) -> None:
    """Until the PIN check the dialog started on a worker has answered."""
    import time

    from PySide6.QtTest import QTest

    deadline = time.monotonic() + timeout_s
    while dialog.checking:
        assert time.monotonic() < deadline, "the PIN check did not answer"
        QTest.qWait(20)


def approve_with(steps: list[tuple[str, str]], seen: dict):
    """Drive the approval dialog: each (pin, reason) is typed and Approve pressed; the texts shown are kept."""
    def fill(dialog: ManagerApprovalDialog) -> None:
        seen["title"], seen["explain"] = dialog.title.text(), dialog.explain.text()
        seen["managers"] = [dialog.manager.itemText(i) for i in range(dialog.manager.count())]
        seen["messages"] = []
        for pin, reason in steps:
            dialog.reason.setText(reason)
            dialog.pin.setText(pin)
            wait_until_enabled(dialog.approve_button)  # after a wrong PIN the dialog holds Approve a moment
            dialog.approve_button.click()
            wait_until_checked(dialog)  # the PIN is checked on a worker
            seen["messages"].append(dialog.message.text())
        seen["still_open"] = dialog.isVisible()
        if dialog.isVisible():
            dialog.reject()
    return fill


def test_void_needs_a_manager_pin_and_reason(qtbot, payments, bus, service, journal, client, registry, shopper, trainee):
    sale = service.charge(shopper.customer, shopper.card, Decimal("42.50"), str(trainee.id))
    dialog = open_history(qtbot, payments, bus)
    try:
        dialog.select(sale.id)
        assert dialog.reverse_button.isEnabled()
        seen: dict = {}
        # the clerk's own PIN (Trainee 0000) under the manager's name is refused; then no reason; then Trainer
        state = when_modal(ManagerApprovalDialog, approve_with(
            [("0000", "customer changed their mind"), ("1234", ""), ("1234", "customer changed their mind")],
            seen))
        with qtbot.waitSignal(dialog.actionFinished, timeout=15_000) as outcome:
            qtbot.keyClick(dialog.table, Qt.Key.Key_F8)
        assert state["error"] is None, state["error"]
        assert outcome.args == ["voided"]
        assert seen["title"] == "Void a payment" and seen["managers"] == ["Trainer"]
        assert "$42.50 · Ada Lovelace · " + sale.account_masked in seen["explain"]
        assert "a void cancels it before PaySimple's batch" in seen["explain"]
        assert "refund is possible only after the payment settles" in seen["explain"]
        assert seen["messages"][0].startswith("Wrong name or PIN") and seen["messages"][1] == "Please give a reason."
        assert not seen["still_open"]

        voided = journal.get(sale.id)
        assert voided.state is State.VOIDED
        assert client.get_payment(sale.payment_id).status == "Voided"
        [reversal] = journal.reversals()
        trainer = next(c for c in registry.list() if c.name == "Trainer")
        assert (reversal.kind, reversal.manager_id, reversal.reason, reversal.outcome) == (
            "void", str(trainer.id), "customer changed their mind", "voided")
        [approval] = registry.approvals()
        assert approval[1:] == (trainer.id, trainee.id, ManagerAction.VOID.value, "customer changed their mind",
                                sale.id)
        refused = [e for e in registry.events("approve") if e.outcome == "wrong_pin"]
        assert len(refused) == 1 and refused[0].name == "Trainer"
        assert dialog.table.currentItem().text(4) == "Voided"
        # the outcome once (the detail pane), the approval beside it: not the same sentence twice
        assert dialog.detail_text.text() == "Voided: $42.50 will not be charged."
        assert dialog.message.text() == "Void approved by Trainer and recorded."
        assert not dialog.reverse_button.isEnabled()
        assert_journal_agrees(journal, client, shopper.customer.id)
    finally:
        close_dialog(dialog)


def test_refund_is_offered_only_after_settlement(qtbot, payments, bus, service, journal, client, gateway, shopper,
                                                 trainee):
    # late evening in the store: PaySimple's batch (23:00 New York) falls on the next store day
    gateway.clock.set(datetime.now(payments.tz).replace(hour=22, minute=30, second=0, microsecond=0))
    sale = service.charge(shopper.customer, shopper.card, Decimal("19.99"), str(trainee.id))
    dialog = open_history(qtbot, payments, bus)
    try:
        with qtbot.waitSignal(dialog.loaded, timeout=5000):
            dialog.period.setCurrentIndex(dialog.period.findData("7"))
        assert dialog.select(sale.id)
        seen: dict = {}
        state = when_modal(ManagerApprovalDialog, lambda d: (seen.update(title=d.title.text()), d.reject()))
        with qtbot.waitSignal(dialog.actionFinished, timeout=15_000) as outcome:
            dialog.reverse_button.click()
        assert state["error"] is None and outcome.args == ["cancelled"]
        assert seen["title"] == "Void a payment"  # before the batch: a void, not a refund
        assert journal.get(sale.id).state is State.APPROVED and "nothing was changed" in dialog.message.text()

        gateway.clock.advance((sale.can_void_until - gateway.clock.now()).total_seconds() + 60)  # batch ran
        seen.clear()
        state = when_modal(ManagerApprovalDialog, approve_with([("1234", "returned the goods")], seen))
        dialog.activateWindow()  # the closed approval dialog had the focus
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        with qtbot.waitSignal(dialog.actionFinished, timeout=15_000) as outcome:
            qtbot.keyClick(dialog.table, Qt.Key.Key_F8)
        assert state["error"] is None, state["error"]
        assert outcome.args == ["refunded"]
        assert seen["title"] == "Refund a payment"
        assert "Settled: a refund returns the money" in seen["explain"]
        assert "A void is no longer possible" in seen["explain"]
        refunded = journal.get(sale.id)
        assert refunded.state is State.REFUNDED and refunded.refund_payment_id
        assert client.get_payment(sale.payment_id).status == "Reversed"
        assert client.get_payment(refunded.refund_payment_id).amount == Decimal("-19.99")
        assert dialog.table.currentItem().text(4) == "Refunded"
        assert_journal_agrees(journal, client, shopper.customer.id)
    finally:
        close_dialog(dialog)


def test_nothing_to_reverse_is_explained_without_asking_a_manager(qtbot, payments, bus, service, journal, client,
                                                                  gateway, shopper, trainee):
    """A payment voided elsewhere (PaySimple's own site) since the list loaded: no approval is asked."""
    sale = service.charge(shopper.customer, shopper.card, Decimal("5.00"), str(trainee.id))
    dialog = open_history(qtbot, payments, bus)
    try:
        dialog.select(sale.id)
        client.void_payment(sale.payment_id)
        state = when_modal(ManagerApprovalDialog, lambda d: d.reject(), timeout_ms=1500)
        with qtbot.waitSignal(dialog.actionFinished, timeout=15_000) as outcome:
            dialog.reverse_button.click()
        assert outcome.args == ["not_offered"]
        assert "PaySimple status is Voided: neither a void nor a refund applies." == dialog.message.text()
        qtbot.waitUntil(lambda: state["error"] is not None, timeout=3000)  # no approval dialog ever appeared
        assert isinstance(state["error"], TimeoutError)
        assert journal.get(sale.id).state is State.APPROVED and not journal.reversals()
    finally:
        close_dialog(dialog)
