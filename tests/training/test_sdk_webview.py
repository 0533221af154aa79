"""PaySimpleJS stand-in in a real QWebEngineView (offscreen), the way the app will use it.

The host page is served from ``app://pos`` (a scheme handler in this test, like the app's) and loads
client.js from the training gateway on ``http://127.0.0.1:PORT``, a different origin. The test types into the
cross-origin iframe through ``QWebEngineFrame.runJavaScript`` like a clerk would, and checks what the host
page receives. One web view serves the whole module; every test starts a fresh SDK instance in it.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QEvent, QEventLoop, QUrl
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)
from PySide6.QtWebEngineWidgets import QWebEngineView

from pos_app.paysimple import InvalidInputError, Payment, PaymentRequest, PaySimpleClient
from tests.fixtures.gateway import gateway_fixture

pytestmark = pytest.mark.webview

PAGES = Path(__file__).parent / "sdk_pages"
API_USER, API_KEY = "APIUser1000", "training-key-sdk"
VISA = "4111111111111111"
AMEX = "371449635398456"
SCREENSHOT = Path("/tmp/paysimplejs-form.png")


def _register_app_scheme() -> None:
    """``app://`` must be registered before the QApplication exists (this runs at collection time).
    The app's own registration is used when present, so the scheme is registered once per process."""
    try:
        from pos_app.ui.web.scheme import register_schemes
    except ImportError:
        register_schemes = None
    if register_schemes is not None:
        register_schemes()
    elif QWebEngineUrlScheme.schemeByName(QByteArray(b"app")).name().isEmpty():
        scheme = QWebEngineUrlScheme(QByteArray(b"app"))
        scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
        scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme | QWebEngineUrlScheme.Flag.CorsEnabled)
        QWebEngineUrlScheme.registerScheme(scheme)


_register_app_scheme()


class PagesHandler(QWebEngineUrlSchemeHandler):
    """Serves sdk_pages/: app://pos/<file> and app://evil/<file> (two origins, one folder)."""

    TYPES = {".html": b"text/html", ".js": b"text/javascript"}

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt name)
        url = job.requestUrl()
        path = PAGES / url.path().lstrip("/")
        if url.host() not in ("pos", "evil") or not path.is_file() or path.parent != PAGES:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(path.read_bytes()))
        job.reply(self.TYPES.get(path.suffix, b"application/octet-stream"), buffer)


def wait_until(predicate, timeout: float = 5.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)


def run_js(target, script: str, timeout: float = 5.0):
    """Run the function body ``script`` in a page or frame; return what it returns (through JSON)."""
    box: dict[str, object] = {}
    wrapped = f"(function () {{ var r = (function () {{ {script} }})(); return JSON.stringify(r === undefined ? null : r); }})()"
    target.runJavaScript(wrapped, 0, lambda result: box.setdefault("result", result))
    wait_until(lambda: "result" in box, timeout, f"script {script[:60]!r}")
    result = box["result"]
    assert isinstance(result, str) and result, f"script failed: {script[:80]!r}"
    return json.loads(result)


class Host:
    """The test host page plus helpers to drive the SDK and the iframe form."""

    def __init__(self, page: QWebEnginePage, view: QWebEngineView) -> None:
        self.page = page
        self.view = view

    def js(self, script: str):
        return run_js(self.page, script)

    def start(self, checkout_token: str, mode: str = "cc-key-enter", **options) -> None:
        self.js(f"return hostStart({json.dumps(checkout_token)}, {json.dumps(mode)}, {json.dumps(options)});")
        wait_until(self._frame_ready, 10, "the payment iframe")
        self.wait_event("formValidityChanged")

    def _frame_ready(self):
        frame = self.frame(optional=True)
        if frame is None:
            return False
        return run_js(frame, "var c = document.getElementById('card-form'), a = document.getElementById('ach-form');"
                             "return !!(c && a && (!c.hidden || !a.hidden));")

    def frame(self, optional: bool = False):
        frames = [f for f in self.page.mainFrame().children() if "/paysimplejs/v1/frame" in f.url().toString()]
        if not frames and optional:
            return None
        assert len(frames) == 1, [f.url().toString() for f in self.page.mainFrame().children()]
        return frames[0]

    def frame_js(self, script: str):
        return run_js(self.frame(), script)

    def type(self, field: str, text: str) -> str:
        """Focus, type the whole text, leave the field (as a clerk tabbing on); returns the shown value."""
        return self.frame_js(
            f"var el = document.getElementById({json.dumps(field)}); el.focus();"
            f"el.value = {json.dumps(text)}; el.dispatchEvent(new Event('input', {{bubbles: true}}));"
            "el.dispatchEvent(new Event('change', {bubbles: true}));"
            # offscreen the window may have no focus, so blur() alone may not fire the event
            "var left = false; el.addEventListener('blur', function () { left = true; }, {once: true});"
            "el.blur(); if (!left) { el.dispatchEvent(new FocusEvent('blur')); }"
            "return el.value;")

    def fill_card(self, number: str = VISA, expiry: str = "1230", cvv: str = "123", postal: str = "80202"):
        self.type("cardNumber", number)
        self.type("expiration", expiry)
        self.type("cvv", cvv)
        self.type("postalCode", postal)

    def events(self, name: str | None = None) -> list:
        events = self.js("return window.events;")
        return [e["payload"] for e in events if name is None or e["event"] == name]

    def wait_event(self, name: str, count: int = 1, timeout: float = 10.0):
        return wait_until(lambda: len(self.events(name)) >= count and self.events(name), timeout, name)[count - 1]

    def wait_result(self, count: int = 1):
        """The count-th accountRetrieved/httpError event."""
        def results():
            found = [e for e in self.js("return window.events;") if e["event"] in ("accountRetrieved", "httpError")]
            return found if len(found) >= count else None
        result = wait_until(results, 15, "accountRetrieved or httpError")[count - 1]
        return result["event"], result["payload"]

    def pause(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    def validities(self) -> list[str]:
        return [p["validity"] for p in self.events("formValidityChanged")]


gateway = gateway_fixture(API_USER, API_KEY)  # one real training gateway for the module


@pytest.fixture(scope="module")
def host(qapp, gateway):
    profile = QWebEngineProfile()  # off the record, with its own app:// handler
    handler = PagesHandler(profile)
    profile.installUrlSchemeHandler(QByteArray(b"app"), handler)
    page = QWebEnginePage(profile)
    view = QWebEngineView()
    view.setPage(page)
    view.resize(620, 330)
    view.show()  # offscreen platform: nothing appears, but the view renders (needed for grab())
    page.load(QUrl(f"app://pos/host.html?gateway={gateway.base_url}"))
    h = Host(page, view)
    try:
        wait_until(lambda: h.js("return window.sdkLoaded === true;"), 10, "client.js from the gateway")
        yield h
    finally:
        view.close()
        view.setPage(None)
        page.deleteLater()
        view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        profile.removeAllUrlSchemeHandlers()
        profile.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def pay(gateway, account_id: int, token: str, amount: str = "12.34") -> Payment:
    """POST /payment through the app's PaySimple client (signed on the gateway's clock, which tests move)."""
    with PaySimpleClient(gateway.api_url, API_USER, API_KEY, clock=gateway.clock.now) as client:
        return client.create_payment(PaymentRequest(account_id, Decimal(amount), payment_token=token))


def new_customer(gateway, first: str, last: str, email: str) -> int:
    return gateway.store.create_customer({"FirstName": first, "LastName": last, "Email": email})["Id"]


def test_card_entry_validity_account_and_payment(host, gateway):
    host.start(gateway.tokens.issue_checkout_token())
    assert host.validities() == ["false"]

    shown = host.type("cardNumber", VISA)
    assert shown == "4111 1111 1111 1111"
    assert host.frame_js("return document.getElementById('brand').textContent;") == "Visa"
    assert host.type("expiration", "1230") == "12/30"
    host.type("cvv", "123")
    assert host.validities() == ["false"]
    host.type("postalCode", "80202")
    wait_until(lambda: host.validities() == ["false", "true"], what="validity true")

    host.type("cvv", "12")  # too short now: the form turns invalid and says why, inline
    wait_until(lambda: host.validities() == ["false", "true", "false"], what="validity false again")
    assert host.frame_js("return document.getElementById('validation-cvv').textContent;") == "CVV must be 3 digits."
    host.type("cvv", "123")
    wait_until(lambda: host.validities()[-1] == "true", what="validity true again")

    host.pause(0.4)  # let the compositor paint the latest input before the screenshot
    assert host.view.grab().save(str(SCREENSHOT))

    host.js("sdk.send.retrieveAccount({firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com'});")
    event, payload = host.wait_result()
    assert event == "accountRetrieved", payload
    assert set(payload) == {"account", "customer", "paymentToken"}
    customer = payload["customer"]
    assert customer["firstName"] == "Ada" and customer["lastName"] == "Lovelace"
    assert customer["email"] == "ada@example.com"
    assert gateway.store.get_customer(customer["id"])["LastName"] == "Lovelace"

    # The full card number never reached the host page, in any message from any origin.
    seen = json.dumps(host.js("return window.messagesSeen;"))
    assert VISA not in seen and "4111 1111" not in seen

    payment = pay(gateway, payload["account"]["id"], payload["paymentToken"])
    assert payment.status == "Authorized" and payment.payment_type == "CC"
    assert payment.customer_id == customer["id"] and payment.account_id == payload["account"]["id"]
    with pytest.raises(InvalidInputError):  # a payment token is single use
        pay(gateway, payload["account"]["id"], payload["paymentToken"])

    # Same person again: the same customer and the same (identical) card account, a new payment token.
    host.js("sdk.send.retrieveAccount({firstName: 'ada', lastName: 'LOVELACE', email: 'Ada@Example.com'});")
    event, again = host.wait_result(2)
    assert event == "accountRetrieved", again
    assert again["customer"]["id"] == customer["id"]
    assert again["account"]["id"] == payload["account"]["id"]
    assert again["paymentToken"] != payload["paymentToken"]


def test_invalid_card_is_refused_inline_without_reaching_the_gateway(host, gateway):
    host.start(gateway.tokens.issue_checkout_token())
    host.fill_card(number="4111111111111112", expiry="0120", cvv="1", postal="802")
    errors = host.frame_js(
        "return ['cardNumber','expiration','cvv','postalCode'].map(function (f) {"
        " return document.getElementById('validation-' + f).textContent; });")
    assert errors == ["Card number is not valid (check the digits).", "The card has expired.",
                      "CVV must be 3 digits.", "ZIP must be 5 or 9 digits."]
    assert host.validities() == ["false"]

    host.js("sdk.send.retrieveAccount({firstName: 'No', lastName: 'Body', email: 'nobody@example.com'});")
    event, payload = host.wait_result()
    assert event == "httpError"
    assert payload["errorKey"] == "bad_request" and payload["status"] == 400
    assert {e["field"] for e in payload["errors"]} == {"cardNumber", "expiration", "cvv", "postalCode"}
    assert gateway.store.find_customer("No", "Body", "nobody@example.com") is None


def test_amex_needs_four_digit_cvv_and_match_or_create_returns_same_account(host, gateway):
    customer_id = new_customer(gateway, "Grace", "Hopper", "grace@example.com")
    host.start(gateway.tokens.issue_checkout_token())
    assert host.type("cardNumber", AMEX) == "3714 496353 98456"
    host.type("expiration", "0931")
    assert host.type("cvv", "12345") == "1234"
    host.type("postalCode", "802021234")
    wait_until(lambda: host.validities()[-1] == "true", what="valid Amex form")

    token = gateway.tokens.issue_customer_token(customer_id)
    host.js(f"sdk.send.matchOrCreateAccount({json.dumps(token)});")
    event, first = host.wait_result()
    assert event == "accountRetrieved", first
    assert first["customer"]["id"] == customer_id
    host.js(f"sdk.send.matchOrCreateAccount({json.dumps(token)});")
    event, second = host.wait_result(2)
    assert event == "accountRetrieved", second
    assert second["account"]["id"] == first["account"]["id"]
    assert second["paymentToken"] != first["paymentToken"]
    assert host.js("return window.customerAuthCalls;") == 0

    payment = pay(gateway, first["account"]["id"], second["paymentToken"], "5.00")
    assert payment.status == "Authorized" and payment.customer_id == customer_id


def test_ach_mode_adds_a_bank_account_to_the_customer(host, gateway):
    customer_id = new_customer(gateway, "Alan", "Turing", "alan@example.com")
    host.start(gateway.tokens.issue_checkout_token(), "ach-key-enter")
    assert host.frame_js("return document.getElementById('card-form').hidden;") is True
    host.type("routingNumber", "131111115")
    assert host.frame_js("return document.getElementById('validation-routingNumber').textContent;") == \
        "Routing number is not valid (check the digits)."
    host.type("routingNumber", "131111114")
    host.type("accountNumber", "751111111")
    host.frame_js("var s = document.getElementById('accountType'); s.value = 'savings';"
                  "s.dispatchEvent(new Event('change')); return true;")
    host.type("bankName", "PaySimple Bank")
    wait_until(lambda: host.validities()[-1] == "true", what="valid ACH form")

    host.js(f"sdk.send.matchOrCreateAccount({json.dumps(gateway.tokens.issue_customer_token(customer_id))});")
    event, payload = host.wait_result()
    assert event == "accountRetrieved", payload
    assert payload["customer"]["id"] == customer_id
    payment = pay(gateway, payload["account"]["id"], payload["paymentToken"], "20.00")
    assert payment.status == "Posted" and payment.payment_type == "ACH" and payment.customer_id == customer_id
    account = gateway.store.get_account(payload["account"]["id"])
    assert (account["AccountNumber"], account["IsCheckingAccount"]) == ("*****1111", False)
    seen = json.dumps(host.js("return window.messagesSeen;"))
    assert "751111111" not in seen


def test_expired_checkout_token_is_unauthorized(host, gateway):
    host.start(gateway.tokens.issue_checkout_token())
    host.fill_card()
    gateway.clock.advance(6 * 60)
    host.js("sdk.send.retrieveAccount({firstName: 'Late', lastName: 'Clerk', email: 'late@example.com'});")
    event, payload = host.wait_result()
    assert event == "httpError"
    assert payload["errorKey"] == "unauthorized" and payload["status"] == 401
    assert payload["errors"][0]["field"] == "checkoutToken"
    assert "expired" in payload["errors"][0]["message"]


def test_expired_customer_token_asks_customer_auth_and_retries(host, gateway):
    customer_id = new_customer(gateway, "Edsger", "Dijkstra", "ed@example.com")
    stale = gateway.tokens.issue_customer_token(customer_id)
    gateway.clock.advance(16 * 60)
    host.start(gateway.tokens.issue_checkout_token())
    host.fill_card(number="5454545454545454")
    host.js(f"window.customerTokens = [{json.dumps(gateway.tokens.issue_customer_token(customer_id))}];")
    host.js(f"sdk.send.matchOrCreateAccount({json.dumps(stale)});")
    event, payload = host.wait_result()
    assert event == "accountRetrieved", payload
    assert payload["customer"]["id"] == customer_id
    assert host.js("return window.customerAuthCalls;") == 1

    # customerAuth answering with another stale token: one retry only, then the 401 reaches the host.
    host.js(f"window.customerTokens = [{json.dumps(stale)}];")
    host.js(f"sdk.send.matchOrCreateAccount({json.dumps(stale)});")
    event, payload = host.wait_result(2)
    assert event == "httpError"
    assert (payload["errorKey"], payload["status"]) == ("unauthorized", 401)
    assert host.js("return window.customerAuthCalls;") == 2


def test_messages_from_other_origins_are_ignored(host, gateway):
    checkout = gateway.tokens.issue_checkout_token()
    host.start(checkout)
    host.fill_card()
    wait_until(lambda: host.validities()[-1] == "true", what="valid form")
    before = host.js("return window.events.length;")

    # 1. A page on another origin (app://evil) inside the host page posts commands to the payment iframe
    #    and forged answers to the SDK.
    host.js(f"return addEvilFrame('app://evil/evil.html?token=' + {json.dumps(checkout)});")
    wait_until(lambda: any('"evil"' in m["data"] for m in host.js("return window.messagesSeen;")),
               what="the evil frame to finish")
    # 2. A message to the iframe from its own (gateway) origin, not from the parent.
    host.frame_js("window.postMessage({source: 'paysimplejs', type: 'retrieveAccount', requestId: 1,"
                  " customer: {firstName: 'Eve', lastName: 'Evil', email: 'eve@example.com'}}, '*');"
                  " return true;")
    host.pause(1.0)  # give any forged message time to (wrongly) take effect
    assert host.js("return window.events.length;") == before
    assert gateway.store.find_customer("Eve", "Evil", "eve@example.com") is None
    assert host.frame_js("return document.getElementById('status').textContent;") == ""

    # The real parent still works afterwards.
    host.js("sdk.send.retrieveAccount({firstName: 'Real', lastName: 'Parent', email: 'real@example.com'});")
    event, payload = host.wait_result()
    assert event == "accountRetrieved", payload
    assert payload["customer"]["lastName"] == "Parent"


def test_styles_and_prevent_autocomplete_are_applied(host, gateway):
    styles = {"label": {"color": "rgb(1, 2, 3)"}, "field.cardNumber": {"backgroundColor": "rgb(4, 5, 6)"},
              "validation": {"fontSize": "13px"},
              "field": {"borderRadius": "2px", "placeholder": {"color": "rgb(7, 8, 9)"}}}
    host.start(gateway.tokens.issue_checkout_token(), styles=styles, preventAutocomplete=True,
               bypassPostalCodeValidation=True)
    looks = host.frame_js(
        "var c = function (id) { return getComputedStyle(document.getElementById(id)); };"
        "return [c('label-cvv').color, c('cardNumber').backgroundColor, c('validation-cvv').fontSize,"
        " c('expiration').borderTopLeftRadius, document.getElementById('cardNumber').autocomplete,"
        " document.getElementById('postalCode').autocomplete, getComputedStyle(document.getElementById('cvv'),"
        " '::placeholder').color];")
    assert looks == ["rgb(1, 2, 3)", "rgb(4, 5, 6)", "13px", "2px", "off", "off", "rgb(7, 8, 9)"]
    host.fill_card(postal="SW1A 1AA")  # international postal code allowed by bypassPostalCodeValidation
    wait_until(lambda: host.validities()[-1] == "true", what="valid form with a UK postcode")


def test_gateway_failures_reach_the_host_as_http_errors(host, gateway):
    path = "/paysimplejs/v1/api/accounts/retrieve"
    host.start(gateway.tokens.issue_checkout_token(), requestTimeoutMs=400)
    host.fill_card()
    submit = "sdk.send.retrieveAccount({firstName: 'Fault', lastName: 'Line', email: 'fault@example.com'});"
    expected = [("error_before", "server_error", 500), ("unauthorized", "unauthorized", 401),
                ("delay", "timeout", 0)]
    try:
        for n, (kind, error_key, status) in enumerate(expected, start=1):
            gateway.faults.add("POST", path, kind, delay_s=3.0 if kind == "delay" else 0.0)
            host.js(submit)
            event, payload = host.wait_result(n)
            assert event == "httpError", (kind, payload)
            assert (payload["errorKey"], payload["status"]) == (error_key, status), kind
            assert payload["errors"] and payload["errors"][0]["message"]
    finally:
        gateway.faults.clear()
    # The clerk sees the failure inside the form too, and can submit again once the gateway is back.
    assert host.frame_js("return document.getElementById('status').textContent;") == \
        "The gateway did not answer in time."
    host.js(submit)
    event, payload = host.wait_result(4)
    assert event == "accountRetrieved", payload


@pytest.mark.parametrize("declared_parent", ["app://pos", "app://evil"])
def test_another_origin_cannot_embed_the_form(host, gateway, declared_parent):
    """CSP frame-ancestors: inside an app://evil frame the form does not load, whatever parent it names."""
    host.start(gateway.tokens.issue_checkout_token())
    src = f"{gateway.base_url}/paysimplejs/v1/frame?parent={declared_parent}"
    host.js(f"document.getElementById('extra').textContent = ''; "
            f"return addEvilFrame('app://evil/embed.html?src=' + encodeURIComponent({json.dumps(src)}));")

    def embedded():
        evil = [f for f in host.page.mainFrame().children() if f.url().host() == "evil"]
        inner = evil[0].children() if evil else []
        return inner[0] if inner and inner[0].url().toString() else None

    inner = wait_until(embedded, what="the embedded frame")
    host.pause(0.5)
    assert run_js(inner, "return !!document.getElementById('cardNumber');") is False
    # control: the legitimately embedded form in the same page did load
    assert host.frame_js("return !!document.getElementById('cardNumber');") is True
    host.js("document.getElementById('extra').textContent = ''; return true;")
