"""Helpers for UI tests: a counting loopback server and JavaScript runners for pages and frames."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class CountingServer:
    """A loopback HTTP server that answers everything with a tiny page and counts the requests it saw."""

    def __init__(self, routes: dict[str, tuple[str, bytes]] | None = None) -> None:
        self.requests: list[str] = []
        self.routes = routes or {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.requests.append(self.path)
                ctype, body = outer.routes.get(self.path.split("?")[0], ("text/html", b"<p>hello</p>"))
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def run_js(qtbot, target, code: str, timeout: int = 5000):
    """Run ``code`` in a QWebEnginePage or QWebEngineFrame (main world) and return its result."""
    box: dict = {}

    def done(result):
        box["result"] = result

    if hasattr(target, "mainFrame"):
        target.runJavaScript(code, 0, done)
    else:
        target.runJavaScript(code, 0, done)
    qtbot.waitUntil(lambda: "result" in box, timeout=timeout)
    return box["result"]


def allowed_probe_ms(qtbot, server: CountingServer, code: str, expect: int, timeout: int = 10_000) -> float:
    """Positive control for "nothing reached the server" tests: run the same probe ``code`` in a plain,
    unguarded web view whose page is on ``server``'s own origin (so everything is allowed) and wait until
    ``server`` saw at least ``expect`` requests. Returns how long that took (ms); the server's request list is
    cleared afterwards. A zero-request test then waits at least twice that long."""
    import time

    from PySide6.QtCore import QCoreApplication, QEvent, QUrl
    from PySide6.QtWebEngineWidgets import QWebEngineView

    view = QWebEngineView()
    try:
        with qtbot.waitSignal(view.loadFinished, timeout=timeout):
            view.setHtml("<!doctype html><html><head></head><body><p>control</p></body></html>",
                         QUrl(server.origin + "/control"))
        server.requests.clear()
        started = time.monotonic()
        view.page().runJavaScript(code, 0)
        qtbot.waitUntil(lambda: len(server.requests) >= expect, timeout=timeout)
        elapsed = (time.monotonic() - started) * 1000
    finally:
        view.close()
        view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    server.requests.clear()
    return elapsed


def try_js(qtbot, target, code: str, timeout: int = 1000):
    """Like run_js but returns None when no answer comes (a frame that was just replaced never answers)."""
    try:
        return run_js(qtbot, target, code, timeout)
    except Exception:  # noqa: BLE001 - pytest-qt's TimeoutError
        return None


def wait_child_frame(qtbot, page, ready_js: str, timeout: int = 10000):
    """The first child frame once ``ready_js`` is truthy in it. The frame object is looked up afresh on every
    try: a cross-origin navigation replaces the frame, and the old handle stops answering."""
    found = {}

    def check():
        children = page.mainFrame().children()
        if not children:
            return False
        frame = children[0]
        if try_js(qtbot, frame, ready_js, 700):
            found["frame"] = frame
            return True
        return False

    qtbot.waitUntil(check, timeout=timeout)
    return found["frame"]


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
