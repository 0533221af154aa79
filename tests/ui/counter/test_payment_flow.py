"""End to end through the real window, the real web view and PaySimpleJS stand-in, and the real training
gateway over TCP: search → select → amount → new card in the iframe → charge; declines, ACH, card on file,
update details, expired customer token, cancel. The gateway's own payment list is the proof."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from pos_app.ui.counter.payment_panel import FormState
from tests.fixtures.web import allowed_probe_ms, run_js
from tests.ui.counter.webtools import MASTERCARD

pytestmark = pytest.mark.webview


def _record(counter):
    """Every bridge message both ways, every URL the page and its frames load, and the top frame's DOM."""
    seen = {"bridge": [], "urls": [], "dom": []}
    view = counter.window.panel.view
    view.bridge.recorder = lambda direction, name, args: seen["bridge"].append(
        json.dumps([direction, name, [a if isinstance(a, str | int | bool | float) or a is None else repr(a)
                                      for a in args]]))
    view.page().urlChanged.connect(lambda url: seen["urls"].append(url.toString()))
    view.page().loadStarted.connect(lambda: seen["urls"].append(view.page().url().toString()))
    view.interceptor.record = seen["requests"] = []  # every request of the page and PaySimple's frame
    return seen


def _snapshot_dom(counter, seen) -> None:
    page = counter.window.panel.view.page()
    seen["dom"].append(run_js(counter.qtbot, page, "document.documentElement.outerHTML"))
    for frame in page.mainFrame().children():
        seen["urls"].append(frame.url().toString())


def _jwt_claims(token: str) -> dict:
    import base64

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_new_card_is_charged_and_the_page_sees_only_what_it_must(counter):
    """What the payment page (our page + PaySimpleJS in it) and the requests it causes carry, checked against
    what matters: never the amount, the API user or key, or any other customer; the selected customer only
    where PaySimple's own protocol puts them (the customer token's claims, the accountRetrieved event)."""
    hit = counter.pick_with_cards("smith", want=lambda a: True)
    seen = _record(counter)
    counter.gateway.recorded = recorded = []
    counter.amount("37.19")
    counter.open_form(Qt.Key.Key_F6)
    page = counter.window.panel.view.page()
    run_js(counter.qtbot, page, "window.__seen = []; window.addEventListener('message', function (e) {"
                                " window.__seen.push(JSON.stringify(e.data)); }); 1")
    _snapshot_dom(counter, seen)
    counter.fill_card()
    # The form reloads its page as it ends (a fresh document for the next form): held back until the page's
    # record of what it received is read, or the reload would race the read.
    panel = counter.window.panel
    reloads: list[int] = []
    panel._reload_page = lambda: reloads.append(1)
    try:
        assert counter.submit_and_wait() == "approved"
        page_messages = json.loads(run_js(counter.qtbot, panel.view.page(), "JSON.stringify(window.__seen || [])"))
        _snapshot_dom(counter, seen)
    finally:
        del panel._reload_page
    assert reloads == [1]  # the ended form asked for a fresh document
    panel._reload_page()
    counter.gateway.recorded = None

    payments = counter.payments(hit.paysimple_id)
    assert [(p.amount, p.status) for p in payments] == [(Decimal("37.19"), "Authorized")]
    result = counter.window.result
    assert result.title.text() == "Approved" and result.amount.text() == "$37.19"
    details = {result.details.itemAtPosition(r, 0).widget().text(): result.details.itemAtPosition(r, 1).widget().text()
               for r in range(result.details.rowCount()) if result.details.itemAtPosition(r, 0)}
    assert details["Account"].endswith("****1111")
    assert details["Trace number"] == payments[0].trace_number and details["Auth code"]

    # The requests the form sent to PaySimple (the gateway's own record): the card and the mode, authorised
    # by the customer token; never the amount, the API user/key (no PSSERVER), or any other customer.
    form_posts = [(path, headers, body.decode()) for method, path, headers, body in recorded
                  if method == "POST" and path.startswith("/paysimplejs/")]
    assert [path for path, _, _ in form_posts] == ["/paysimplejs/v1/api/accounts/match-or-create"]
    (_, headers, body), = form_posts
    assert set(json.loads(body)) <= {"mode", "card", "bypassPostalCodeValidation"} and "4111111111111111" in body
    customer_token = headers["authorization"].removeprefix("Bearer ")
    claims = _jwt_claims(customer_token)
    assert claims["kind"] == "customer" and claims["customer_id"] == hit.paysimple_id  # the selected one only
    assert "psserver" not in json.dumps(headers).lower()

    # What the page received from PaySimple's frame: the selected customer's id, name and e-mail come back in
    # accountRetrieved (PaySimpleJS's protocol); payment.js hands Python only {accountId, paymentToken}.
    retrieved = [json.loads(m) for m in page_messages if '"result"' in m]
    assert len(retrieved) == 1 and retrieved[0]["payload"]["customer"]["id"] == hit.paysimple_id
    names = [json.loads(m)[1] for m in seen["bridge"]]
    assert names.count("accountRetrieved") == 1 and "customerToken" in names and "configure" in names
    handed = [json.loads(json.loads(m)[2][0]) for m in seen["bridge"] if json.loads(m)[1] == "accountRetrieved"]
    assert set(handed[0]) == {"accountId", "paymentToken"}

    everything = "\n".join(seen["bridge"] + seen["urls"] + seen["requests"] + seen["dom"] + page_messages
                           + [json.dumps(h) + b for _, h, b in form_posts]
                           + [json.dumps(_jwt_claims(customer_token))])
    api_key, api_user = counter.gateway._api_key, counter.gateway.api_user   # random per run
    assert len(api_key) > 20 and api_key not in everything and api_user not in everything
    assert "37.19" not in everything and "37,19" not in everything and "3719" not in everything
    customers = counter.gateway.store.list_customers(page_size=1000)[0]
    me = next(c for c in customers if c["Id"] == hit.paysimple_id)
    mine = {me["Email"], me["FirstName"], me["LastName"]}
    others = [c for c in customers if c["Id"] != hit.paysimple_id]
    assert len(others) >= 10
    for other in others:
        for value in (other["Email"], f'"{other["FirstName"]}"', f'"{other["LastName"]}"'):
            if value and value.strip('"') and value.strip('"') not in mine:   # same-name people exist
                assert value not in everything, value
        assert not re.search(rf'"(customer_id|id)":\s*{other["Id"]}\b', everything)
    assert counter.window.panel.view.bridge.rejected == 0
    # The whole form (our page + the gateway's iframe) ran without one Content-Security-Policy console report.
    assert counter.window.panel.view.guarded_page.policy_refusals == 0


def test_decline_then_another_card_is_approved(counter):
    hit = counter.pick_with_cards("a", want=lambda a: True)
    counter.amount("9999.01")
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card()
    assert counter.submit_and_wait() == "declined"
    result = counter.window.result
    assert result.title.text() == "Declined"
    assert "Do Not Honor" in result.message.text()
    assert "different payment method" in result.message.text().lower()
    assert result.try_button.isVisible()
    # The gateway declines by amount, so the clerk corrects the sale to 45.00 before the other card.
    counter.window.customer_page.amount.set_value(Decimal("45.00"))
    counter.open_form(Qt.Key.Key_F6)  # one key from the declined screen
    counter.fill_card(MASTERCARD, "0631", "996", "10001")
    assert counter.submit_and_wait() == "approved"
    statuses = sorted((p.amount, p.status) for p in counter.payments(hit.paysimple_id))
    assert statuses == [(Decimal("45.00"), "Authorized"), (Decimal("9999.01"), "Failed")]


def test_bank_account_is_charged(counter):
    """Issue 13 §6: after PaySimple stored the bank account, the clerk reads the authorization and ticks it
    (Alt+A); the result is "Posted — pending". The account was not kept on file (consent box left off)."""
    hit = counter.pick_with_cards("e", want=lambda a: True)
    counter.amount("120.50")
    counter.open_form(Qt.Key.Key_F7)
    counter.fill_ach()
    counter.key(Qt.Key.Key_F9)
    counter.qtbot.waitUntil(lambda: counter.window.panel.state is FormState.AUTHORIZING, timeout=15000)
    counter.key(Qt.Key.Key_A, modifier=Qt.KeyboardModifier.AltModifier)
    assert counter.submit_and_wait() == "posted"
    payments = counter.payments(hit.paysimple_id)
    assert [(p.amount, p.status, p.payment_type) for p in payments] == [(Decimal("120.50"), "Posted", "ACH")]
    accounts = counter.backend.client.get_accounts(hit.paysimple_id)
    [bank] = [a for a in accounts.ach_accounts if a.id == payments[0].account_id]
    assert bank.account_number.endswith("1111")  # still at PaySimple until the void window closes
    assert bank.id not in {a.id for a in counter.backend.accounts(hit.paysimple_id).ach_accounts}  # hidden


def test_card_on_file_is_charged_without_a_form(counter, monkeypatch):
    hit = counter.pick_with_cards("o")
    account = counter.window.customer_page.methods.current_account()
    assert account is not None and account.customer_id == hit.paysimple_id
    counter.amount("18.00")
    from pos_app.ui.counter import customer_panel

    def accept_with_cvv(dialog):
        dialog.cvv.setText("1234" if dialog.cvv_digits == 4 else "123")
        dialog._check()
        return dialog.result()

    monkeypatch.setattr(customer_panel.CvvDialog, "exec", accept_with_cvv)
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=15000) as blocker:
        counter.key(Qt.Key.Key_F5)
    assert blocker.args == ["approved"], counter.window.result.message.text()
    payments = counter.payments(hit.paysimple_id)
    assert [(p.amount, p.account_id) for p in payments] == [(Decimal("18.00"), account.id)]
    assert counter.window.panel.view.bridge.recorder is None  # no web form involved


def test_clerk_cancels_mid_form_and_nothing_is_charged(counter):
    hit = counter.pick_with_cards("a", want=lambda a: True)
    counter.amount("22.00")
    counter.open_form(Qt.Key.Key_F6)
    counter.type("cardNumber", "4111111111111111")
    counter.key(Qt.Key.Key_Escape)
    counter.qtbot.waitUntil(lambda: counter.window.stack.currentWidget() is counter.window.customer_page,
                            timeout=5000)
    assert "Nothing was charged" in counter.window.customer_page.customer_status.text()
    assert counter.payments(hit.paysimple_id) == []


def test_expired_customer_token_is_refreshed_through_customer_auth(counter):
    hit = counter.pick_with_cards("a", want=lambda a: True)
    counter.amount("5.00")
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card()
    assert counter.submit_and_wait() == "approved"
    # 16 minutes later on the gateway's clock the cached customer token (15-minute life) has expired.
    counter.gateway.clock.advance(16 * 60)
    requests = []
    counter.window.panel.view.bridge.recorder = lambda d, name, args: requests.append(name)
    counter.window.sale.back_to_customer()
    counter.amount("6.00")
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card()
    assert counter.submit_and_wait() == "approved"
    assert requests.count("getCustomerToken") == 2 and requests.count("customerToken") == 2
    assert sorted(p.amount for p in counter.payments(hit.paysimple_id)) == [Decimal("5.00"), Decimal("6.00")]


def test_update_details_adds_a_card_then_default_and_remove(counter, monkeypatch):
    hit = counter.pick_with_cards("a")
    before = counter.backend.accounts(hit.paysimple_id)
    with counter.qtbot.waitSignal(counter.window.panel.formShown, timeout=15000):
        counter.key(Qt.Key.Key_F8)
    assert counter.window.panel.submit_button.text().startswith("Save card")
    counter.fill_card(MASTERCARD, "0930", "321", "30301")
    assert counter.submit_and_wait() == "saved"
    after = counter.backend.accounts(hit.paysimple_id)
    new = [c for c in after.credit_cards if c.id not in {x.id for x in before.credit_cards}]
    assert len(new) == 1 and new[0].last4 == "5454" and new[0].expiration_date == "09/2030"
    assert counter.payments(hit.paysimple_id) == []  # "update" never charges

    # Back on the customer: choose the new card, make it the default (Ctrl+D), then remove it (Del).
    with counter.qtbot.waitSignal(counter.window.accountsShown, timeout=5000):
        counter.key(Qt.Key.Key_Escape)
    methods = counter.window.customer_page.methods
    row = [a.id for a in methods.accounts()].index(new[0].id)
    methods.setCurrentItem(methods.topLevelItem(row))
    methods.setFocus()
    loads: list[bool] = []
    counter.window.accountsShown.connect(lambda: loads.append(True))
    with counter.qtbot.waitSignal(counter.window.accountsShown, timeout=5000):
        counter.key(Qt.Key.Key_D, methods, Qt.KeyboardModifier.ControlModifier)
    assert counter.backend.client.get_default_credit_card(hit.paysimple_id).id == new[0].id
    counter.qtbot.wait(500)  # a second load (a hand reload besides the broadcast's) would have come by now
    assert loads == [True]  # the list loads once: on the counter's AccountsChanged
    assert methods.current_account().id == new[0].id and methods.current_account().is_default
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    row = [a.id for a in methods.accounts()].index(new[0].id)
    methods.setCurrentItem(methods.topLevelItem(row))
    methods.setFocus()
    with counter.qtbot.waitSignal(counter.window.accountsShown, timeout=5000):
        counter.key(Qt.Key.Key_Delete, methods)
    left = counter.backend.accounts(hit.paysimple_id).credit_cards
    assert new[0].id not in {c.id for c in left}


def test_expired_card_is_flagged_and_replaced(counter):
    from pos_app.paysimple import CreditCardInput
    from pos_app.ui.counter.cards import card_expired

    client = counter.backend.client
    hit = counter.search("a")[0]
    # A card good through next month; then the gateway's clock moves 70 days on, past its expiry.
    month = counter.backend.today().replace(day=1)
    next_month = f"{(month.month % 12) + 1:02d}/{month.year + (month.month == 12)}"
    old = client.create_credit_card(CreditCardInput(customer_id=hit.paysimple_id, credit_card_number=MASTERCARD,
                                                    expiration_date=next_month, issuer=13))
    client.set_default_account(hit.paysimple_id, old.id)
    counter.gateway.clock.advance(70 * 86400)
    hit = counter.pick_with_cards("a", want=lambda a: any(c.id == old.id for c in a.credit_cards))
    methods = counter.window.customer_page.methods
    row = [a.id for a in methods.accounts()].index(old.id)
    assert methods.topLevelItem(row).text(4) == "Expired"
    assert "expired" in counter.window.customer_page.methods_note.text()
    methods.setCurrentItem(methods.topLevelItem(row))
    assert not counter.window.customer_page.charge_file_button.isEnabled() and counter.window.customer_page.replace_button.isEnabled()
    with counter.qtbot.waitSignal(counter.window.panel.formShown, timeout=15000):
        counter.window.customer_page.replace_button.click()
    counter.fill_card()
    assert counter.submit_and_wait() == "saved"
    assert counter.window.result.on_file.text() == ("It replaces the expired card, which is removed; it is now the "
                                                    "default card.")
    counter.qtbot.waitUntil(lambda: old.id not in {c.id for c in client.get_accounts(hit.paysimple_id).credit_cards},
                            timeout=5000)
    default = client.get_default_credit_card(hit.paysimple_id)
    assert default.last4 == "1111" and not card_expired(default)


def _forge(counter, body: str) -> None:
    """Send messages as a hostile script in the page would: through a second QWebChannel on the same
    transport (the page's own channel gets its message handler back afterwards, so the form keeps working)."""
    page = counter.window.panel.view.page()
    run_js(counter.qtbot, page, "(function () { var t = qt.webChannelTransport, saved = t.onmessage;"
           " new QWebChannel(t, function (c) { var bridge = c.objects.bridge; " + body + "; t.onmessage = saved; });"
           " return 1; })()")


def test_forged_messages_charge_nothing(counter):
    """A page that sends another customer's account, a message before any submit, oversized or mistyped
    JSON: all refused, no payment anywhere."""
    hit = counter.pick_with_cards("a")
    other = next(h for h in counter.search("jo") if h.paysimple_id != hit.paysimple_id
                 and counter.backend.accounts(h.paysimple_id).credit_cards)
    counter.window.sale.select_customer(hit)
    other_account = counter.backend.accounts(other.paysimple_id).credit_cards[0]
    counter.amount("61.00")
    counter.open_form(Qt.Key.Key_F6)
    panel = counter.window.panel
    sent = []
    panel.view.bridge.recorder = lambda direction, name, args: sent.append(name)
    token = "e1f1bb19-9fe4-4c96-a35e-cd921298d8e6"
    forged_account = json.dumps(json.dumps({"accountId": other_account.id, "paymentToken": token}))
    # 1) before any submit: refused by state
    _forge(counter, f"bridge.accountRetrieved({forged_account}); bridge.getCustomerToken()")
    counter.qtbot.waitUntil(lambda: panel.view.bridge.rejected >= 2, timeout=5000)
    # 2) malformed: refused by shape
    _forge(counter, "bridge.accountRetrieved('x'.repeat(5000)); bridge.accountRetrieved(JSON.stringify("
                    "{accountId: 'one', paymentToken: 'x'})); bridge.validityChanged('yes')")
    counter.qtbot.waitUntil(lambda: panel.view.bridge.rejected >= 5, timeout=5000)
    # 3) during a real submit (PaySimple's own answer held back 3 s), another customer's account arrives
    #    first: refused by the ownership check; the form is closed (the page reloads), so PaySimple's
    #    late answer has nobody to go to.
    counter.fill_card()
    counter.gateway.faults.add("POST", "/paysimplejs/v1/api/*", "delay", 1, 3.0)
    counter.key(Qt.Key.Key_F9)
    counter.qtbot.waitUntil(lambda: "customerToken" in sent, timeout=5000)
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=10000) as blocker:
        _forge(counter, f"bridge.accountRetrieved({forged_account})")
    assert blocker.args == ["error"]
    assert "does not belong" in counter.window.result.message.text()
    counter.qtbot.wait(3500)  # past the held-back answer
    assert panel.state is FormState.IDLE
    assert counter.payments(hit.paysimple_id) == [] and counter.payments(other.paysimple_id) == []


def test_page_that_deletes_the_bridge_is_closed_without_charging(counter):
    hit = counter.pick_with_cards("a")
    counter.amount("13.00")
    counter.open_form(Qt.Key.Key_F6)
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=10000) as blocker:
        _forge(counter, "bridge.deleteLater()")
    assert blocker.args == ["error"]
    assert "Nothing was charged" in counter.window.result.message.text()
    assert counter.payments(hit.paysimple_id) == []
    # The next form gets a fresh view and works.
    counter.window.sale.back_to_customer()
    counter.qtbot.waitUntil(lambda: counter.window.panel.view is None, timeout=5000)
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card()
    assert counter.submit_and_wait() == "approved"


def test_lost_reply_is_checked_with_paysimple_not_charged_twice(counter, monkeypatch):
    """PaySimple takes the payment but the reply is lost: the clerk sees "checking with PaySimple…", the
    charge buttons stay disabled meanwhile, and the look-up finds the one payment."""
    hit = counter.pick_with_cards("a")
    counter.amount("77.00")
    from pos_app.ui.counter import customer_panel

    monkeypatch.setattr(customer_panel.CvvDialog, "exec", lambda self: 1)
    counter.gateway.faults.add("POST", "/v4/payment", "drop_after", 1)
    statuses = []  # (text, any charge action enabled) at each status the clerk sees
    w = counter.window
    original = w.task.show_progress

    def show_progress(text, *args, **kwargs):
        buttons = (w.customer_page.charge_file_button, w.customer_page.new_card_button, w.customer_page.new_ach_button, w.customer_page.update_button)
        original(text, *args, **kwargs)
        statuses.append((w.task.label.text(), any(b.isEnabled() for b in buttons)))  # what the clerk reads

    monkeypatch.setattr(w.task, "show_progress", show_progress)
    with counter.qtbot.waitSignal(w.resultShown, timeout=30000) as blocker:
        counter.key(Qt.Key.Key_F5)
    assert blocker.args == ["approved"]
    assert any("Checking with PaySimple" in text for text, _ in statuses), statuses
    assert not any(enabled for _, enabled in statuses)
    assert [p.amount for p in counter.payments(hit.paysimple_id)] == [Decimal("77.00")]


def test_real_paysimple_frame_cannot_reach_other_origins(counter, counting_server):
    """The training gateway's own entry iframe (PaySimple's origin) tries fetch, img, XHR, navigation and
    window.open towards a second loopback server: it sees no request, and the form still works."""
    counter.pick_with_cards("a")
    counter.amount("3.00")
    counter.open_form(Qt.Key.Key_F6)
    other = json.dumps(counting_server.origin + "/steal")
    probe = (f"fetch({other}).catch(function () {{}}); new Image().src = {other};"
             f"var x = new XMLHttpRequest(); x.open('GET', {other}); x.send(); window.open({other});"
             f"setTimeout(function () {{ location.href = {other}; }}, 10); 1")
    # Positive control: where it is allowed, the same probe reaches the server (fetch, img, XHR, navigation)
    control_ms = allowed_probe_ms(counter.qtbot, counting_server, probe, expect=4)
    run_js(counter.qtbot, counter.frame(), probe)
    counter.qtbot.wait(max(800, int(2 * control_ms)))
    assert counting_server.requests == []
    assert counter.window.panel.view.page().url().toString() == "app://pos/payment.html"
    # (The gateway frame's own CSP stops most of these first; test_web_host proves our interceptor alone.)
    counter.fill_card()
    assert counter.submit_and_wait() == "approved"


def test_keyboard_only_shortcuts(counter):
    w = counter.window
    assert "F5 Charge card on file" in w.hint.text() and "Esc" in w.hint.text()
    counter.pick_with_cards("a")
    assert w.customer_page.amount.edit.hasFocus()  # choosing a customer puts the cursor on the amount
    counter.key(Qt.Key.Key_F, w.customer_page.amount.edit, Qt.KeyboardModifier.ControlModifier)
    assert w.search.hasFocus()
    counter.key(Qt.Key.Key_F6, w.search)  # no amount yet: the amount field says why and takes the cursor
    assert w.stack.currentWidget() is w.customer_page
    assert "Enter the amount" in w.customer_page.amount.message.text() and w.customer_page.amount.edit.hasFocus()
    counter.amount("8.25")
    counter.open_form(Qt.Key.Key_F7)  # bank account form
    assert "bank account" in w.panel.header.text()
    # F7 on the form switches card <-> bank; twice quickly, then once more: one card form, which works.
    counter.key(Qt.Key.Key_F7)
    counter.key(Qt.Key.Key_F7)
    counter.open_form(Qt.Key.Key_F7)
    assert "card" in w.panel.header.text() and "bank" not in w.panel.header.text()
    counter.fill_card()
    assert counter.submit_and_wait() == "approved"
    counter.key(Qt.Key.Key_Escape)
    counter.qtbot.waitUntil(lambda: w.stack.currentWidget() is w.customer_page, timeout=5000)
    assert w.customer_page.amount.edit.text() == ""  # the sale is done: its amount is not offered again (issue 13 §3)
    counter.amount("9.10")
    counter.open_form(Qt.Key.Key_F6)
    counter.key(Qt.Key.Key_Escape)
    counter.qtbot.waitUntil(lambda: w.stack.currentWidget() is w.customer_page, timeout=5000)


def test_unconfirmed_earlier_payment_blocks_the_lane_until_checked(counter, monkeypatch):
    """An earlier attempt on this lane is still unknown (e.g. the app stopped mid-send): a new charge shows
    that attempt instead, F5 checks it with PaySimple (not there: not charged), then charging works again."""
    from datetime import UTC, datetime, timedelta

    from pos_app.payments import AccountRef, CustomerRef, State
    from pos_app.ui.counter import customer_panel

    hit = counter.pick_with_cards("a")
    account = counter.window.customer_page.methods.current_account()
    journal, lane = counter.backend.journal, counter.backend.service.lane
    long_ago = datetime.now(UTC) - timedelta(minutes=30)
    stuck = journal.create_attempt(lane, "2", CustomerRef(hit.paysimple_id, hit.display_name),
                                   AccountRef.from_paysimple(account), Decimal("19.99"), long_ago)
    journal.transition(stuck.id, State.CREATED, State.SENDING, "POST /payment", "2", long_ago,
                       sent_at=long_ago, absent_after=long_ago + timedelta(minutes=2))
    journal.transition(stuck.id, State.SENDING, State.UNKNOWN, "the app stopped", "2", long_ago)

    monkeypatch.setattr(customer_panel.CvvDialog, "exec", lambda self: 1)
    counter.amount("20.00")
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=10000) as blocker:
        counter.key(Qt.Key.Key_F5)
    assert blocker.args == ["unknown"]
    assert counter.window.result.attempt.id == stuck.id
    assert "Do not charge again" in counter.window.result.message.text()
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=20000) as blocker:
        counter.key(Qt.Key.Key_F5)  # Check again
    assert blocker.args == ["not_charged"]
    assert journal.get(stuck.id).state is State.ABSENT
    # back to the customer: the clerk sees the accounts list again (it reloads) before pressing F5
    with counter.qtbot.waitSignal(counter.window.accountsShown, timeout=10000):
        counter.window.sale.back_to_customer()
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=10000) as blocker:
        counter.key(Qt.Key.Key_F5)
    assert blocker.args == ["approved"]
    assert [p.amount for p in counter.payments(hit.paysimple_id)] == [Decimal("20.00")]


def test_receipt_from_the_result_screen(counter, monkeypatch):
    hit = counter.pick_with_cards("a")
    from pos_app.ui.counter import customer_panel

    monkeypatch.setattr(customer_panel.CvvDialog, "exec", lambda self: 1)
    counter.amount("64.10")
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=15000):
        counter.key(Qt.Key.Key_F5)
    assert counter.window.result.receipt_button.isVisible()
    counter.key(Qt.Key.Key_P, counter.window, Qt.KeyboardModifier.ControlModifier)
    from pos_app.ui.payments.receipt_print import ReceiptDialog

    counter.qtbot.waitUntil(lambda: any(isinstance(w, ReceiptDialog) and w.isVisible()
                                        for w in counter.window.findChildren(ReceiptDialog)), timeout=5000)
    dialog = counter.window.findChildren(ReceiptDialog)[-1]
    text = dialog.document.toPlainText()
    assert "64.10" in text and hit.display_name in text
    assert counter.payments(hit.paysimple_id)[0].trace_number in text
    dialog.reject()


def test_form_renderer_crash_closes_the_form_and_the_next_one_works(counter):
    import os
    import signal

    hit = counter.pick_with_cards("a")
    counter.amount("11.00")
    counter.open_form(Qt.Key.Key_F6)
    counter.type("cardNumber", "4111111111111111")
    pid = counter.window.panel.view.page().renderProcessPid()
    assert pid > 0
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=10000) as blocker:
        os.kill(pid, signal.SIGKILL)
    assert blocker.args == ["error"] and "Nothing was charged" in counter.window.result.message.text()
    counter.window.sale.back_to_customer()
    counter.qtbot.waitUntil(lambda: counter.window.panel.view is None, timeout=5000)
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card()
    assert counter.submit_and_wait() == "approved"
    assert [p.amount for p in counter.payments(hit.paysimple_id)] == [Decimal("11.00")]


def test_customer_token_failure_is_explained_and_f9_tries_again(counter):
    hit = counter.pick_with_cards("a")
    counter.amount("14.00")
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card()
    counter.gateway.faults.add("GET", "/v4/customer/*/token", "error_before", 3)  # the client retries twice
    panel = counter.window.panel
    counter.key(Qt.Key.Key_F9)
    counter.qtbot.waitUntil(lambda: "did not give permission" in panel.status.text(), timeout=15000)
    counter.qtbot.wait(500)  # the SDK's own "no token" error must not replace the explanation
    assert "did not give permission" in panel.status.text() and panel.state is FormState.SHOWN
    assert counter.submit_and_wait() == "approved"
    assert [p.amount for p in counter.payments(hit.paysimple_id)] == [Decimal("14.00")]


def test_form_left_open_past_the_checkout_token_restarts_once(counter):
    hit = counter.pick_with_cards("a")
    counter.amount("16.00")
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card()
    counter.gateway.clock.advance(6 * 60)  # the checkout token (5 minutes) ran out while the form sat open
    panel = counter.window.panel
    with counter.qtbot.waitSignal(panel.formShown, timeout=15000):
        counter.key(Qt.Key.Key_F9)
    assert "timed out" in panel.status.text() and panel.state is FormState.SHOWN
    counter.fill_card()
    assert counter.submit_and_wait() == "approved"
    assert [p.amount for p in counter.payments(hit.paysimple_id)] == [Decimal("16.00")]


def test_restart_is_decided_on_keys_not_on_the_message_language(counter, monkeypatch):
    """Issue 14 §4: PaySimple's texts may change or be translated; the restart uses errorKey/status/field."""
    from pos_app.training import sdk

    original = sdk._error
    monkeypatch.setattr(sdk, "_error", lambda field, message: original(field, "El token ha caducado."))
    hit = counter.pick_with_cards("a")
    counter.amount("17.00")
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card()
    counter.gateway.clock.advance(6 * 60)
    panel = counter.window.panel
    with counter.qtbot.waitSignal(panel.formShown, timeout=15000):
        counter.key(Qt.Key.Key_F9)
    assert "timed out" in panel.status.text() and panel.state is FormState.SHOWN
    counter.fill_card()
    assert counter.submit_and_wait() == "approved"
    assert [p.amount for p in counter.payments(hit.paysimple_id)] == [Decimal("17.00")]


def test_form_token_expired_reads_keys_only():
    from pos_app.ui.counter.payment_panel import form_token_expired
    from pos_app.ui.web.messages import SdkError

    assert form_token_expired(SdkError("unauthorized", 401, ("Le jeton a expiré",), ("checkoutToken",)))
    assert form_token_expired(SdkError("unauthorized", 401, (), ()))               # no field given at all
    assert not form_token_expired(SdkError("unauthorized", 401, ("checkout token expired",), ("customerToken",)))
    assert not form_token_expired(SdkError("unauthorized", 403, ("checkout token expired",), ()))
    assert not form_token_expired(SdkError("bad_request", 400, ("checkout token expired",), ("checkoutToken",)))


def test_unexpected_failure_inside_the_charge_never_says_nothing_was_charged(counter, monkeypatch):
    """If something unforeseen breaks after the charge was handed to the payments service (here: the
    journal's disk), the clerk is told the outcome is unknown, not "nothing was charged"."""
    counter.pick_with_cards("a")
    from pos_app.ui.counter import customer_panel

    monkeypatch.setattr(customer_panel.CvvDialog, "exec", lambda self: 1)

    def broken_charge(*args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(counter.backend.service, "charge", broken_charge)
    counter.amount("9.00")
    with counter.qtbot.waitSignal(counter.window.resultShown, timeout=10000) as blocker:
        counter.key(Qt.Key.Key_F5)
    assert blocker.args == ["error"]
    text = counter.window.result.message.text()
    assert "not known whether PaySimple took" in text and "Nothing was charged" not in text
