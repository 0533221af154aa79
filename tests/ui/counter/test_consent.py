"""Cards on file with the customer's consent, and bank debits that are posted and authorized (issue 13 §5, §6).

Through the real counter window, the real web view with PaySimpleJS's stand-in iframe, keys into Qt widgets,
and the real training gateway over TCP. The proof is read where an auditor would: the gateway's own account
list (kept / removed, default flag), its payments, and the journal (attempts, on-file records)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from pos_app.payments.store import OnFileState
from pos_app.ui.counter.payment_panel import FormState
from tests.ui.counter.webtools import MASTERCARD, VISA

pytestmark = pytest.mark.webview

DISCOVER = "6011000995504101"


def at_gateway(counter, customer_id) -> dict[int, object]:
    """The customer's accounts as PaySimple (the gateway) has them, hidden ones included."""
    accounts = counter.backend.client.get_accounts(customer_id)
    return {a.id: a for a in [*accounts.credit_cards, *accounts.ach_accounts]}


def shown(counter) -> list[tuple[str, ...]]:
    methods = counter.window.customer_page.methods
    return [tuple(methods.topLevelItem(i).text(c) for c in range(5)) for i in range(methods.topLevelItemCount())]


def shown_ids(counter) -> set[int]:
    return {a.id for a in counter.window.customer_page.methods.accounts()}


def no_accounts(accounts) -> bool:
    return not accounts.credit_cards and not accounts.ach_accounts


def has_default_card(accounts) -> bool:
    return any(c.is_default for c in accounts.credit_cards) and not accounts.ach_accounts


def note(counter) -> str:
    label = counter.window.result.on_file
    return label.text() if label.isVisible() else ""


def back_to_customer(counter) -> None:
    with counter.qtbot.waitSignal(counter.window.accountsShown, timeout=5000):
        counter.key(Qt.Key.Key_Escape)


def new_card_charge(counter, amount: str, number: str = VISA, keep: bool = False) -> str:
    counter.amount(amount)
    counter.open_form(Qt.Key.Key_F6)
    panel = counter.window.panel
    assert panel.keep_box.isVisible() and panel.keep_box.isEnabled() and not panel.keep_box.isChecked()
    assert "keep this card on file" in panel.keep_box.text()
    counter.fill_card(number)
    if keep:  # the clerk ticks it from the keyboard while the cursor is still in PaySimple's form
        counter.key(Qt.Key.Key_K, modifier=Qt.KeyboardModifier.AltModifier)
        assert panel.keep_box.isChecked()
    return counter.submit_and_wait()


def test_new_card_without_consent_is_hidden_then_removed_after_the_void_window(counter):
    hit = counter.pick_with_cards("a", want=no_accounts)
    assert new_card_charge(counter, "23.40") == "approved"
    [card] = at_gateway(counter, hit.paysimple_id).values()  # PaySimpleJS stored it (and made it default)
    assert card.last4 == "1111" and card.is_default
    [payment] = counter.payments(hit.paysimple_id)
    assert payment.account_id == card.id and payment.status == "Authorized"
    text = note(counter)
    assert text.startswith("Not kept on file: hidden at this counter now and removed from PaySimple after")
    record = counter.backend.onfile.get(card.id)
    assert record.state == "pending" and not record.consent and record.remove_after == payment.can_void_until
    back_to_customer(counter)
    assert shown(counter) == [] and "No cards or bank accounts on file" in counter.window.customer_page.methods_note.text()
    assert not counter.window.customer_page.charge_file_button.isEnabled()

    counter.gateway.clock.set(payment.can_void_until + timedelta(seconds=1))
    counter.backend.sweep_on_file()  # what the background sweeper does every few minutes
    assert at_gateway(counter, hit.paysimple_id) == {}
    assert counter.backend.onfile.get(card.id).state == "removed"
    assert counter.payments(hit.paysimple_id)[0].status == "Settled"  # the sale itself stands


def test_new_card_with_consent_is_kept_and_the_default_is_said(counter):
    hit = counter.pick_with_cards("a", want=no_accounts)
    assert new_card_charge(counter, "18.00", keep=True) == "approved"
    [card] = at_gateway(counter, hit.paysimple_id).values()
    assert note(counter) == ("Kept on file: the customer agreed. It is now the customer's default card (PaySimple "
                             "makes a customer's first card the default).")
    assert counter.backend.onfile.get(card.id).state is OnFileState.KEPT
    back_to_customer(counter)
    assert shown(counter) == [("Visa", "•••• 1111", "12/2030", "Default card", "OK")]


def test_second_card_kept_is_not_made_default(counter):
    hit = counter.pick_with_cards("a", want=has_default_card)
    before = at_gateway(counter, hit.paysimple_id)
    old_default = next(a for a in before.values() if a.is_default)
    number = MASTERCARD if old_default.last4 != "5454" else DISCOVER
    assert new_card_charge(counter, "11.00", number=number, keep=True) == "approved"
    assert note(counter) == "Kept on file: the customer agreed."
    after = at_gateway(counter, hit.paysimple_id)
    [new] = [a for a in after.values() if a.id not in before]
    assert not new.is_default and after[old_default.id].is_default
    back_to_customer(counter)
    rows = {a.id: row for a, row in zip(counter.window.customer_page.methods.accounts(), shown(counter), strict=True)}
    assert rows[new.id][3] == "" and rows[old_default.id][3] == "Default card"


@pytest.mark.parametrize("keep", [True, False])
def test_declined_new_card_is_removed_and_the_clerk_is_told(counter, keep):
    hit = counter.pick_with_cards("a", want=lambda a: True)
    before = at_gateway(counter, hit.paysimple_id)
    number = next(n for n in (MASTERCARD, DISCOVER, VISA) if n[-4:] not in {getattr(a, "last4", "") for a in
                                                                               before.values()})
    assert new_card_charge(counter, "9999.01", number=number, keep=keep) == "declined"
    assert note(counter) == "Not kept on file: the charge was declined, so the card was removed."
    assert at_gateway(counter, hit.paysimple_id).keys() == before.keys()
    assert [p.status for p in counter.payments(hit.paysimple_id)] == ["Failed"]
    back_to_customer(counter)
    assert shown_ids(counter) == set(before)


def test_card_already_on_file_entered_again_stays(counter):
    hit = counter.pick_with_cards("a", want=no_accounts)
    with counter.qtbot.waitSignal(counter.window.panel.formShown, timeout=15000):
        counter.key(Qt.Key.Key_F8)  # the customer asks to keep their card on file
    counter.fill_card(MASTERCARD)
    assert counter.submit_and_wait() == "saved"
    assert note(counter) == ("It is now the customer's default card (PaySimple makes a customer's first card the "
                             "default).")
    [card] = at_gateway(counter, hit.paysimple_id).values()
    back_to_customer(counter)
    counter.window.customer_page.amount.clear()
    # Later the same card is typed into a new-card form, the consent box left unticked: it stays on file.
    assert new_card_charge(counter, "7.00", number=MASTERCARD) == "approved"
    assert note(counter) == "This card was already on file for this customer; it stays on file."
    assert counter.payments(hit.paysimple_id)[0].account_id == card.id
    counter.backend.sweep_on_file()
    assert set(at_gateway(counter, hit.paysimple_id)) == {card.id}
    assert counter.backend.onfile.get(card.id) is None


def test_consent_is_asked_again_on_every_form(counter):
    counter.pick_with_cards("a", want=lambda a: True)
    counter.amount("5.00")
    panel = counter.window.panel
    counter.open_form(Qt.Key.Key_F6)
    counter.key(Qt.Key.Key_K, modifier=Qt.KeyboardModifier.AltModifier)
    assert panel.keep_box.isChecked()
    counter.key(Qt.Key.Key_Escape)
    counter.qtbot.waitUntil(lambda: counter.window.stack.currentWidget() is counter.window.customer_page,
                            timeout=5000)
    counter.open_form(Qt.Key.Key_F7)
    assert not panel.keep_box.isChecked() and "keep this bank account on file" in panel.keep_box.text()


def test_update_details_says_saving_keeps_it_and_the_default_is_unchanged(counter):
    hit = counter.pick_with_cards("a", want=has_default_card)
    before = at_gateway(counter, hit.paysimple_id)
    old_default = next(a for a in before.values() if a.is_default)
    panel = counter.window.panel
    with counter.qtbot.waitSignal(panel.formShown, timeout=15000):
        counter.key(Qt.Key.Key_F8)
    assert not panel.keep_box.isVisible() and panel.update_note.isVisible()
    assert panel.update_note.text() == ("Saving keeps this card on file: the customer agrees to it by asking you to "
                                        "add it. Nothing is charged.")
    number = MASTERCARD if old_default.last4 != "5454" else DISCOVER
    counter.fill_card(number, "0930", "321", "30301")
    assert counter.submit_and_wait() == "saved"
    assert note(counter).startswith("The default card did not change")
    after = at_gateway(counter, hit.paysimple_id)
    [new] = [a for a in after.values() if a.id not in before]
    assert after[old_default.id].is_default and not new.is_default
    assert counter.backend.onfile.get(new.id) is None  # kept: no removal planned
    counter.backend.sweep_on_file()
    assert new.id in at_gateway(counter, hit.paysimple_id)


def test_removal_that_fails_is_retried_at_start_up(counter):
    hit = counter.pick_with_cards("a", want=no_accounts)
    counter.gateway.faults.add("DELETE", "/v4/account/creditcard/*", "error_before", 1)
    assert new_card_charge(counter, "9999.01") == "declined"
    assert note(counter) == ("Not kept on file: hidden at this counter now; removing it from PaySimple failed and is "
                             "retried automatically.")
    [card] = at_gateway(counter, hit.paysimple_id).values()
    record = counter.backend.onfile.get(card.id)
    assert record.state == "pending" and record.tries == 1 and "HTTP 500" in record.last_error
    back_to_customer(counter)
    assert shown(counter) == []  # hidden while it waits
    counter.gateway.clock.advance(61)
    done = counter.backend.sweeps
    counter.backend.reconcile()  # the start-up path: reconcile, and the sweeper sweeps at once
    counter.qtbot.waitUntil(lambda: counter.backend.sweeps > done, timeout=10000)
    assert at_gateway(counter, hit.paysimple_id) == {}
    assert counter.backend.onfile.get(card.id).state == "removed"


# ---- bank debits -----------------------------------------------------------------------------------------


def authorize_new_bank(counter, amount: str):
    counter.amount(amount)
    counter.open_form(Qt.Key.Key_F7)
    counter.fill_ach()
    panel = counter.window.panel
    counter.key(Qt.Key.Key_F9)
    counter.qtbot.waitUntil(lambda: panel.state is FormState.AUTHORIZING, timeout=15000)
    assert panel.auth_box.isVisible() and not panel.view.isVisible()
    return panel


def test_new_bank_account_authorization_read_then_posted_pending(counter):
    hit = counter.pick_with_cards("e", want=no_accounts)
    panel = authorize_new_bank(counter, "120.50")
    text = panel.auth_box.text.text()
    assert "$120.50" in text and "ending in 1111" in text and "PaySimple Bank" in text and hit.display_name in text
    from pos_app.ui.counter.ach_authorization import revoke_deadline
    from pos_app.ui.payments.receipt_print import format_local

    deadline = format_local(revoke_deadline(counter.gateway.clock.now()).astimezone())
    assert f"I can revoke this authorization by telling Training Store before {deadline}" in text
    assert counter.payments(hit.paysimple_id) == []  # nothing sent while the clerk reads
    counter.key(Qt.Key.Key_F9)  # not ticked: refused
    assert panel.state is FormState.AUTHORIZING and "Tick that you read" in panel.status.text()
    assert counter.payments(hit.paysimple_id) == []
    counter.key(Qt.Key.Key_A, modifier=Qt.KeyboardModifier.AltModifier)
    assert panel.auth_box.agreed.isChecked()
    assert counter.submit_and_wait() == "posted"

    result = counter.window.result
    assert result.title.text() == "Posted — pending" and "Approved" not in result.title.text()
    assert "can still return it" in result.message.text() and "insufficient funds" in result.message.text()
    [payment] = counter.payments(hit.paysimple_id)
    assert (payment.status, payment.payment_type, payment.amount) == ("Posted", "ACH", Decimal("120.50"))
    attempt = counter.backend.journal.get(result.attempt.id)
    assert attempt.ach_authorization == text and attempt.ach_authorized_by == counter.backend.clerk
    assert "confirmed by clerk" in counter.backend.journal.transitions(attempt.id)[0].cause
    assert note(counter).startswith("Not kept on file: hidden at this counter now")

    counter.key(Qt.Key.Key_P, counter.window, Qt.KeyboardModifier.ControlModifier)
    from pos_app.ui.payments.receipt_print import ReceiptDialog

    counter.qtbot.waitUntil(lambda: any(d.isVisible() for d in counter.window.findChildren(ReceiptDialog)),
                            timeout=5000)
    dialog = counter.window.findChildren(ReceiptDialog)[-1]
    receipt = " ".join(dialog.document.toPlainText().split())
    assert "POSTED - PENDING" in receipt and "APPROVED" not in receipt
    assert "BANK DEBIT AUTHORIZATION" in receipt and " ".join(text.split()) in receipt
    assert "can still return it" in receipt
    dialog.reject()


def test_new_bank_account_cancelled_at_the_authorization_charges_nothing_and_is_removed(counter):
    hit = counter.pick_with_cards("e", want=no_accounts)
    authorize_new_bank(counter, "40.00")
    [bank] = at_gateway(counter, hit.paysimple_id).values()  # PaySimpleJS stored it on submit
    counter.key(Qt.Key.Key_Escape)
    w = counter.window
    counter.qtbot.waitUntil(lambda: w.stack.currentWidget() is w.customer_page, timeout=10000)
    assert w.customer_page.customer_status.text() == ("Cancelled. Nothing was charged. Not kept on file: the bank account was "
                                        "removed from PaySimple.")
    assert counter.payments(hit.paysimple_id) == []
    assert at_gateway(counter, hit.paysimple_id) == {}
    assert counter.backend.onfile.get(bank.id).state == "removed"


def _answer_dialog(counter, steps, seen):
    """Drive the modal authorization dialog with keys once it is up (exec() blocks the test)."""
    def run():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, run)
            return
        seen.append(dialog)
        for step in steps:
            step(dialog)
    QTimer.singleShot(50, run)


def test_bank_account_on_file_needs_the_authorization_ticked(counter):
    hit = counter.pick_with_cards("e", want=lambda a: bool(a.ach_accounts))
    methods = counter.window.customer_page.methods
    bank = next(a for a in methods.accounts() if not hasattr(a, "credit_card_number"))
    methods.setCurrentItem(methods.topLevelItem([a.id for a in methods.accounts()].index(bank.id)))
    rows = dict(zip((a.id for a in methods.accounts()), shown(counter), strict=True))
    assert rows[bank.id][3] == ("Default bank account" if bank.is_default else "")
    assert counter.window.customer_page.charge_file_button.text().startswith("Charge bank account on file")
    counter.amount("31.25")
    qtbot = counter.qtbot
    seen: list = []

    def enter_without_tick(dialog):
        assert not dialog.charge_button.isEnabled() and dialog.box.agreed.hasFocus()
        assert "$31.25" in dialog.box.text.text() and bank.last4 in dialog.box.text.text()
        qtbot.keyClick(dialog.box.agreed, Qt.Key.Key_Return)
        assert dialog.isVisible()  # Enter alone never charges
        qtbot.keyClick(dialog.box.agreed, Qt.Key.Key_Escape)

    _answer_dialog(counter, [enter_without_tick], seen)
    counter.key(Qt.Key.Key_F5, counter.window.customer_page.amount.edit)
    qtbot.waitUntil(lambda: bool(seen) and QApplication.activeModalWidget() is None, timeout=10000)
    assert counter.payments(hit.paysimple_id) == []

    def tick_and_charge(dialog):
        qtbot.keyClick(dialog.box.agreed, Qt.Key.Key_Space)
        assert dialog.charge_button.isEnabled()
        qtbot.keyClick(dialog.box.agreed, Qt.Key.Key_Return)

    counter.window.activateWindow()  # offscreen has no window manager to give the focus back after a dialog
    qtbot.waitUntil(counter.window.isActiveWindow, timeout=5000)
    _answer_dialog(counter, [tick_and_charge], seen)
    with qtbot.waitSignal(counter.window.resultShown, timeout=15000) as blocker:
        counter.key(Qt.Key.Key_F5, counter.window.customer_page.amount.edit)
    assert blocker.args == ["posted"]
    [payment] = counter.payments(hit.paysimple_id)
    assert (payment.status, payment.account_id) == ("Posted", bank.id)
    attempt = counter.window.result.attempt
    assert bank.last4 in attempt.ach_authorization and attempt.ach_authorized_by == counter.backend.clerk


def test_cards_on_file_unreadable_means_no_submit_until_they_are_read(counter):
    """The form must know which accounts were on file before it (else a card already on file could be taken
    for a new one and removed): if PaySimple cannot list them, F9 says so and sends nothing."""
    # a customer without this Discover card on file (an earlier test of the module may have kept it on one):
    # else the new card is "already on file" and stays, which is another test's subject
    hit = counter.pick_with_cards("a", want=lambda a: all(c.last4 != DISCOVER[-4:] for c in a.credit_cards))
    before = at_gateway(counter, hit.paysimple_id)
    counter.gateway.faults.add("GET", "/v4/customer/*/accounts", "error_before", 50)
    counter.amount("6.50")
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card(DISCOVER)
    panel = counter.window.panel
    counter.key(Qt.Key.Key_F9)
    counter.qtbot.waitUntil(lambda: "cards on file could not be read" in panel.status.text(), timeout=15000)
    assert panel.state is FormState.SHOWN and panel.keep_box.isEnabled()
    counter.gateway.faults.clear()
    assert at_gateway(counter, hit.paysimple_id).keys() == before.keys()  # nothing reached PaySimpleJS
    assert counter.payments(hit.paysimple_id) == []
    assert counter.submit_and_wait() == "approved"
    assert note(counter).startswith("Not kept on file")


def test_a_failing_sweep_never_turns_an_approved_sale_into_an_error(counter, monkeypatch):
    hit = counter.pick_with_cards("a", want=no_accounts)

    def broken(*args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(counter.backend.onfile, "sweep", broken)
    assert new_card_charge(counter, "19.00") == "approved"
    assert note(counter).startswith("Whether it stays on file could not be settled now")
    [card] = at_gateway(counter, hit.paysimple_id).values()
    assert counter.backend.onfile.get(card.id).state == "pending"  # planned before the charge: not forgotten
    monkeypatch.undo()
    counter.gateway.clock.set(counter.payments(hit.paysimple_id)[0].can_void_until + timedelta(seconds=1))
    counter.backend.sweep_on_file()
    assert at_gateway(counter, hit.paysimple_id) == {}


def test_plan_not_recorded_means_nothing_charged_and_the_card_is_removed(counter, monkeypatch):
    hit = counter.pick_with_cards("a", want=no_accounts)

    def broken(*args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(counter.backend.onfile, "record_new", broken)
    assert new_card_charge(counter, "21.00") == "error"
    assert "Nothing was charged" in counter.window.result.message.text()
    assert counter.payments(hit.paysimple_id) == []
    assert at_gateway(counter, hit.paysimple_id) == {}


def test_consent_with_an_unconfirmed_charge_waits_then_keeps(counter):
    """PaySimple took the payment but the answer and the look-ups failed: the outcome is unknown, so the card
    (the customer agreed to keep it) waits hidden; once Check again confirms the payment, it is kept."""
    hit = counter.pick_with_cards("a", want=no_accounts)
    service = counter.backend.service
    service.lookup_backoff = 0.05
    counter.gateway.faults.add("POST", "/v4/payment", "error_after", 1)
    counter.gateway.faults.add("GET", "/v4/customer/*/payments", "error_before", 15)
    assert new_card_charge(counter, "33.00", keep=True) == "unknown"
    assert note(counter).startswith("The customer agreed to keep it on file: it shows in the list once")
    [card] = at_gateway(counter, hit.paysimple_id).values()
    assert counter.backend.onfile.get(card.id).state == "pending"
    counter.gateway.faults.clear()
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=20000) as blocker:
        counter.key(Qt.Key.Key_F5)  # Check again
    assert blocker.args == ["approved"]
    counter.backend.sweep_on_file()
    assert counter.backend.onfile.get(card.id).state is OnFileState.KEPT
    back_to_customer(counter)
    assert shown_ids(counter) == {card.id}
