"""A payment whose answer was for another amount (a real charge through the misbehaving proxy) on the result
screen and in the history texts: "Needs review", never "Approved"; F5 still checks it; Check again settles it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pos_app.payments import State
from pos_app.paysimple import PaySimpleClient, Timeouts
from pos_app.training.proxy import MisbehavingProxy
from pos_app.ui.counter.result_view import ResultView
from pos_app.ui.payments.payment_texts import attempt_summary, state_label, status_groups
from tests.fixtures.gateway import API_KEY, API_USER
from tests.fixtures.payments import make_service


@pytest.fixture
def reviewed(gateway, journal, shopper):
    with MisbehavingProxy(gateway.base_url) as proxy:
        via = PaySimpleClient(proxy.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=1, read=1, total=2),
                              clock=gateway.clock.now)
        service = make_service(journal, via, gateway, in_flight_window=timedelta(seconds=1))
        proxy.faults.add("POST", "/v4/payment", "other_amount")
        attempt = service.charge(shopper.customer, shopper.card, Decimal("12.00"), "clerk1")
        yield service, attempt
        via.close()


def test_the_result_screen_says_needs_review_and_keeps_the_lane_guarded(qtbot, reviewed):
    service, attempt = reviewed
    assert attempt.state is State.REVIEW
    view = ResultView()
    qtbot.addWidget(view)
    view.show_attempt(attempt)
    assert view.title.text() == "Needs review"
    assert "does not match this payment" in view.message.text() and "Do not charge again" in view.message.text()
    assert "amount 13.0" in view.message.text()  # the reason, from the journal
    assert view.kind == "unknown"  # F5 = check again; Enter/Esc do not leave the screen
    assert view.check_button.isVisibleTo(view) and not view.new_sale_button.isEnabled()
    assert not view.receipt_button.isVisibleTo(view)

    view.show_attempt(service.resolve(attempt))  # Check again: PaySimple's own records settle it
    assert view.title.text() == "Approved" and view.kind == "approved"


def test_history_texts_name_the_state_and_list_it_under_needs_checking(reviewed):
    _service, attempt = reviewed
    assert state_label(State.REVIEW) == "Needs review"
    assert attempt_summary(attempt).startswith("Needs review: the answer did not match")
    needs_checking = dict(status_groups())["Needs checking"]
    assert State.REVIEW in needs_checking


def test_a_manager_closes_a_review_from_history_with_paysimples_own_payment(qtbot, reviewed, registry, desk, trainee,
                                                                           client, shopper, tmp_path):
    """History → Close review… (F9): the manager types the PaySimple payment that is this sale (after looking
    it up), approves with PIN + reason; the service checks PaySimple again and the sale becomes approved."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QInputDialog

    from pos_app.clerks import ManagerAction
    from pos_app.config import Environment
    from pos_app.counter import EventBus
    from pos_app.counter.payments import CounterPayments
    from pos_app.ui.payments.history import HistoryDialog
    from pos_app.ui.shell.manager_approval import ManagerApprovalDialog, request_approval
    from tests.ui.payments.conftest import MERCHANT, STORE_TZ, close_dialog
    from tests.ui.payments.test_void_refund import approve_with
    from tests.ui.shell.helpers import when_modal

    service, attempt = reviewed
    [real] = [p for p in client.customer_payments(shopper.customer.id) if p.order_id == attempt.id]
    bus = EventBus()
    payments = CounterPayments(
        events=bus, journal=service.journal, service=service, merchant=MERCHANT, tz=STORE_TZ, lane=service.lane,
        environment=Environment.TRAINING, clerk_name=lambda c: c, clerk_id=lambda: str(trainee.id),
        approve=lambda action, subject="", detail="", parent=None: request_approval(
            parent, desk, action, Environment.TRAINING, subject=subject, detail=detail))
    dialog = HistoryDialog(payments, events=bus)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    try:
        assert dialog.select(attempt.id)
        assert dialog.review_button.isVisible() and dialog.review_button.isEnabled()
        assert not dialog.reverse_button.isEnabled()
        typed = when_modal(QInputDialog, lambda box: (box.setTextValue(str(real.id)), box.accept()))
        seen: dict = {}
        approved = when_modal(ManagerApprovalDialog, approve_with([("1234", "checked in PaySimple")], seen))
        with qtbot.waitSignal(dialog.actionFinished, timeout=15_000) as outcome:
            qtbot.keyClick(dialog.table, Qt.Key.Key_F9)
        assert typed["error"] is None and approved["error"] is None
        assert seen["title"] == "Close a payment that needs review"
        assert outcome.args == ["approved"]
        closed = service.journal.get(attempt.id)
        assert closed.state is State.APPROVED and closed.payment_id == real.id
        assert [a[3] for a in registry.approvals()] == [ManagerAction.CLOSE_REVIEW.value]
        assert not dialog.review_button.isVisible()
    finally:
        close_dialog(dialog)
