"""The counter window driven as a clerk would (``CounterDriver``) and the test card numbers. The web-page tools
(loopback server, JavaScript runners) are in ``tests.fixtures.web``."""

from __future__ import annotations

from tests.fixtures.web import run_js, wait_child_frame

VISA = "4111111111111111"
MASTERCARD = "5454545454545454"


class CounterDriver:
    """Drives the counter window the way a clerk does: keys into Qt widgets, typing into PaySimple's iframe."""

    def __init__(self, qtbot, window) -> None:
        self.qtbot = qtbot
        self.window = window

    @property
    def backend(self):
        return self.window.counter

    @property
    def gateway(self):
        return self.window.counter.gateway

    def key(self, key, widget=None, modifier=None) -> None:
        from PySide6.QtCore import Qt

        target = widget or self.window.focusWidget() or self.window
        self.qtbot.keyClick(target, key, modifier or Qt.KeyboardModifier.NoModifier)

    def search(self, text: str) -> list:
        w = self.window
        w.search.clear()
        self.qtbot.keyClicks(w.search, text)
        self.qtbot.waitUntil(lambda: w.shown_query == text and not w._search_timer.isActive(), timeout=5000)
        return self.hits()

    def hits(self) -> list:
        from pos_app.ui.common.widgets import HIT_ROLE

        return [self.window.results.item(i).data(HIT_ROLE) for i in range(self.window.results.count())]

    def pick_with_cards(self, query: str = "a", want=None):
        """Search, then move down the results with the arrow key until a customer matching ``want``
        (judged by the gateway's accounts; default: has a card that has not expired) is current; Enter
        selects it. Returns the hit."""
        from pos_app.ui.counter.cards import card_expired

        if want is None:
            def want(accounts):
                return any(not card_expired(c) for c in accounts.credit_cards)
        for q in [query, "a", "e", "o", "i", "n", "r"]:
            hit = self._pick(q, want)
            if hit is not None:
                return hit
        raise AssertionError("no customer matches")

    def _pick(self, query, want):
        from PySide6.QtCore import Qt

        self.search(query)
        for row, hit in enumerate(self.hits()):
            if hit.paysimple_id and want(self.backend.accounts(hit.paysimple_id)):
                while self.window.results.currentRow() < row:
                    self.key(Qt.Key.Key_Down, self.window.search)
                with self.qtbot.waitSignal(self.window.accountsShown, timeout=5000):
                    self.key(Qt.Key.Key_Return, self.window.search)
                assert self.window.hit == hit
                return hit
        return None

    def amount(self, text: str) -> None:
        edit = self.window.customer_page.amount.edit
        edit.setFocus()
        edit.selectAll()
        self.qtbot.keyClicks(edit, text)

    def open_form(self, key) -> None:
        with self.qtbot.waitSignal(self.window.panel.formShown, timeout=15000):
            self.key(key)
        self.frame()

    def frame(self):
        page = self.window.panel.view.page()
        return wait_child_frame(self.qtbot, page,
                                "(function(){var c=document.getElementById('card-form'),a=document.getElementById('ach-form');"
                                "return !!(c && a && (!c.hidden || !a.hidden));})()")

    def type(self, field: str, text: str):
        import json

        return run_js(self.qtbot, self.frame(),
                      "(function(){var el = document.getElementById(" + json.dumps(field) + "); el.focus();"
                      "el.value = " + json.dumps(text) + "; el.dispatchEvent(new Event('input', {bubbles: true}));"
                      "el.dispatchEvent(new Event('change', {bubbles: true}));"
                      "var left = false; el.addEventListener('blur', function () { left = true; }, {once: true});"
                      "el.blur(); if (!left) { el.dispatchEvent(new FocusEvent('blur')); } return el.value;})()")

    def fill_card(self, number: str = VISA, expiry: str = "1230", cvv: str = "123", postal: str = "80202") -> None:
        self.type("cardNumber", number)
        self.type("expiration", expiry)
        self.type("cvv", cvv)
        self.type("postalCode", postal)
        self.qtbot.waitUntil(lambda: self.window.panel.submit_button.isEnabled(), timeout=5000)

    def fill_ach(self, routing: str = "131111114", account: str = "751111111", bank: str = "PaySimple Bank") -> None:
        self.type("routingNumber", routing)
        self.type("accountNumber", account)
        self.type("bankName", bank)
        self.qtbot.waitUntil(lambda: self.window.panel.submit_button.isEnabled(), timeout=5000)

    def submit_and_wait(self, timeout: int = 20000) -> str:
        from PySide6.QtCore import Qt

        with self.qtbot.waitSignal(self.window.resultShown, timeout=timeout) as blocker:
            self.key(Qt.Key.Key_F9)
        return blocker.args[0]

    def payments(self, customer_id: int) -> list:
        return self.backend.client.customer_payments(customer_id)
