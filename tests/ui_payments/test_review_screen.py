"""A payment whose answer was for another amount (a real charge through the misbehaving proxy) on the result
screen and in the history texts: "Needs review", never "Approved"; F5 still checks it; Check again settles it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pos_app.payments import State
from pos_app.paysimple import PaySimpleClient, Timeouts
from pos_app.training.proxy import MisbehavingProxy
from pos_app.ui.payment_texts import attempt_summary, state_label, status_groups
from pos_app.ui.result_view import ResultView
from tests.payments.conftest import API_KEY, API_USER, make_service


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
