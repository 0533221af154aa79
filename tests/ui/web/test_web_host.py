"""The payment page host on its own: app:// scheme, CSP, bridge, top-frame-only channel, allow-listing.

PaySimple's origin is played by a plain loopback server here (these tests are about the host, not the SDK);
tests/ui/counter/test_payment_flow.py runs the same view against the real training gateway.
"""

from __future__ import annotations

import json

import pytest

from pos_app.config import resources_dir
from pos_app.ui.web.view import PAGE_URL, PaymentWebView
from tests.fixtures.web import CountingServer, allowed_probe_ms, wait_child_frame

pytestmark = pytest.mark.webview

FAKE_SDK = b"""
window.paysimpleJs = function (options) {
  var iframe = document.createElement('iframe');
  iframe.src = new URL(document.currentScript ? document.currentScript.src : '/', location.href).origin;
  return { on: function () {}, send: { setMode: function () {}, matchOrCreateAccount: function () {} } };
};
"""


class Listener:
    def __init__(self):
        self.calls: list[tuple] = []

    def __getattr__(self, name):
        return lambda *args: self.calls.append((name, *args))

    def names(self):
        return [c[0] for c in self.calls]


def add_frame(js, page, url: str) -> None:
    js(page, "var f=document.createElement('iframe'); f.src=" + json.dumps(url) + "; document.body.appendChild(f); 1")


@pytest.fixture
def paysimple_server():
    sdk = (resources_dir() / "training" / "client.js").read_bytes()
    server = CountingServer({
        "/paysimplejs/v1/scripts/client.js": ("text/javascript", sdk),
        "/paysimplejs/v1/frame": ("text/html", b"<!doctype html><p id=f>frame</p>"),
    })
    yield server
    server.close()


@pytest.fixture
def view(qtbot, paysimple_server):
    v = PaymentWebView(paysimple_server.origin)
    listener = Listener()
    v.bridge.listener = listener
    v.listener = listener
    v.resize(600, 400)
    v.show()
    with qtbot.waitSignal(v.loaded, timeout=10000) as blocker:
        v.load_payment_page()
    assert blocker.args == [True]
    qtbot.waitUntil(lambda: "page_ready" in listener.names(), timeout=5000)
    yield v
    v.teardown()


def test_page_has_app_origin_and_csp(view, js):
    page = view.page()
    assert js(page, "location.origin") == "app://pos"
    assert page.url().toString() == PAGE_URL
    # The CSP forbids inline script: an injected <script> element does not run.
    js(page, "var s=document.createElement('script'); s.textContent='window.__inline=1';"
             "document.head.appendChild(s); 1")
    assert js(page, "typeof window.__inline") == "undefined"
    assert js(page, "typeof window.paysimpleJs") == "function"  # PaySimple's script is allowed


def test_scheme_serves_only_known_files(view, js, qtbot):
    page = view.page()
    # fetch() is blocked by connect-src 'none', so probe with <script>/<img> loads and onerror/onload.
    probe = """
      new Promise(function (resolve) {
        var s = document.createElement('script');
        s.src = %s; s.onload = function () { resolve('loaded'); }; s.onerror = function () { resolve('error'); };
        document.head.appendChild(s);
      })
    """
    def load(url):
        js(page, "window.__r = null; (%s).then(function (r) { window.__r = r; }); 1" % (probe % json.dumps(url)))
        qtbot.waitUntil(lambda: js(page, "window.__r") is not None, timeout=5000)
        return js(page, "window.__r")

    assert load("app://pos/payment.js") == "loaded"
    for bad in ("app://pos/../pos_app/config.py", "app://pos/%2e%2e/%2e%2e/pyproject.toml",
                "app://pos/nope.js", "app://other/payment.js", "app://pos/..%2fpayment.js"):
        assert load(bad) == "error", bad


def test_channel_only_in_top_frame(view, js, qtbot, paysimple_server):
    page = view.page()
    assert js(page, "typeof qt === 'object' && typeof QWebChannel") == "function"
    add_frame(js, page, paysimple_server.origin + "/paysimplejs/v1/frame")
    frame = wait_child_frame(qtbot, page, "!!document.getElementById('f')")
    assert js(frame, "typeof QWebChannel") == "undefined"
    assert js(frame, "typeof qt === 'undefined' || typeof qt.webChannelTransport === 'undefined'") is True


@pytest.mark.parametrize("where", ["top-page", "paysimple-iframe"])
def test_other_origins_are_unreachable(view, js, qtbot, counting_server, paysimple_server, where):
    """fetch, img, script, iframe, XHR, beacon, top navigation and window.open towards a second loopback
    server: it sees nothing. The PaySimple iframe has no CSP of ours, so that case proves the request
    interceptor and the navigation guard on their own."""
    page = view.page()
    target = page
    if where == "paysimple-iframe":
        add_frame(js, page, paysimple_server.origin + "/paysimplejs/v1/frame")
        target = wait_child_frame(qtbot, page, "!!document.getElementById('f')")
    other = counting_server.origin
    attempts = f"""
      fetch({json.dumps(other + '/fetch')}).catch(function () {{}});
      var i = new Image(); i.src = {json.dumps(other + '/img.png')};
      var s = document.createElement('script'); s.src = {json.dumps(other + '/x.js')}; document.head.appendChild(s);
      var f = document.createElement('iframe'); f.src = {json.dumps(other + '/frame')}; document.body.appendChild(f);
      var x = new XMLHttpRequest(); x.open('GET', {json.dumps(other + '/xhr')}); x.send();
      window.open({json.dumps(other + '/popup')});
      navigator.sendBeacon && navigator.sendBeacon({json.dumps(other + '/beacon')}, 'x');
      1
    """
    navigate = f"setTimeout(function () {{ location.href = {json.dumps(other + '/navigate')}; }}, 10); 1"
    # Positive control: the same probe on a page where it is allowed reaches the server (fetch, img, script,
    # iframe, XHR, beacon, navigation), and how long that takes sets the wait below.
    control_ms = allowed_probe_ms(qtbot, counting_server, attempts + ";" + navigate, expect=7)
    js(target, attempts)
    js(target, navigate)
    qtbot.wait(max(800, int(2 * control_ms)))
    assert counting_server.requests == []
    assert page.url().toString() == PAGE_URL  # still on our page
    if where == "paysimple-iframe":
        assert view.interceptor.blocked_count >= 4
        assert view.guarded_page.refused_navigations >= 1


def test_forged_bridge_messages_are_refused(view, js, qtbot):
    page = view.page()
    listener = view.listener
    token = "e1f1bb19-9fe4-4c96-a35e-cd921298d8e6"
    forged = [m.replace("TOKEN", json.dumps(token)) for m in [
        "bridge.accountRetrieved('{not json')",
        "bridge.accountRetrieved(JSON.stringify({accountId: 5, paymentToken: TOKEN, padding: 'x'.repeat(5000)}))",
        "bridge.accountRetrieved(JSON.stringify({accountId: '5', paymentToken: TOKEN}))",
        "bridge.accountRetrieved(JSON.stringify({accountId: -5, paymentToken: TOKEN}))",
        "bridge.accountRetrieved(JSON.stringify({accountId: 5.5, paymentToken: TOKEN}))",
        "bridge.accountRetrieved(JSON.stringify({accountId: true, paymentToken: TOKEN}))",
        "bridge.accountRetrieved(JSON.stringify({accountId: 5, paymentToken: 'not-a-guid'}))",
        "bridge.accountRetrieved(JSON.stringify({accountId: 5, paymentToken: TOKEN, customerId: 7}))",
        "bridge.accountRetrieved({accountId: 5, paymentToken: TOKEN})",
        "bridge.sdkError(JSON.stringify({errorKey: 'evil'}))",
        "bridge.sdkError(JSON.stringify({errorKey: 'unknown', messages: ['x'.repeat(400)]}))",
        "bridge.sdkError(JSON.stringify({errorKey: 'unauthorized', status: 401, fields: ['a b<script>']}))",
        "bridge.sdkError(JSON.stringify({errorKey: 'unauthorized', status: 401, fields: 'checkoutToken'}))",
        "bridge.validityChanged('true')",
        "bridge.validityChanged(1)",
    ]]
    code = ("new QWebChannel(qt.webChannelTransport, function (c) { var bridge = c.objects.bridge; "
            + "; ".join(forged) + "; }); 1")
    js(page, code)
    qtbot.waitUntil(lambda: view.bridge.rejected == len(forged), timeout=5000)
    # An unknown method on the raw transport is dropped by Qt (not ours to see) and reaches no listener.
    js(page, "qt.webChannelTransport.send(JSON.stringify({type: 6, object: 'bridge', method: 999, args: []})); "
             "qt.webChannelTransport.send(JSON.stringify({type: 6, object: 'nobody', method: 1, args: []})); 1")
    qtbot.wait(300)
    assert [n for n in listener.names() if n != "page_ready"] == []
    # A well-formed message does reach the listener (so the refusals above were about the content).
    js(page, "new QWebChannel(qt.webChannelTransport, function (c) { c.objects.bridge.accountRetrieved("
             "JSON.stringify({accountId: 5, paymentToken: " + json.dumps(token) + "})); }); 1")
    qtbot.waitUntil(lambda: "account_retrieved" in listener.names(), timeout=5000)
    assert listener.calls[-1][1].account_id == 5


def test_bridge_exposes_only_its_messages(view, js, qtbot):
    page = view.page()
    js(page, "window.__m = null; new QWebChannel(qt.webChannelTransport, function (c) {"
             " var keys = []; for (var k in c.objects.bridge) { keys.push(k); } window.__m = keys.join(','); }); 1")
    qtbot.waitUntil(lambda: js(page, "window.__m") is not None, timeout=5000)
    names = set(js(page, "window.__m").split(","))
    expected_in = {"ready", "formShown", "validityChanged", "getCustomerToken", "accountRetrieved", "sdkError", "cancel"}
    expected_out = {"configure", "texts", "customerToken", "submit"}
    assert expected_in | expected_out <= names
    assert "reset" not in names and "send_reset" not in names  # nothing Python never sends
    # QWebChannel also publishes QObject's deleteLater and lets the page call it: the view notices, so the
    # owner can close that form (tests/ui/counter/test_payment_flow.py checks nothing is charged then).
    with qtbot.waitSignal(view.bridgeLost, timeout=5000):
        js(page, "new QWebChannel(qt.webChannelTransport, function (c) { c.objects.bridge.deleteLater(); }); 1")
    assert view.bridge_alive is False


def test_page_loads_without_policy_errors(qtbot, paysimple_server):
    """The CSP reaches the page once, well-formed: a load that prints any Content-Security-Policy console
    message (a malformed header, an unknown directive, a refusal) fails. Each response header is sent once."""
    from pos_app.ui.web.guard import is_policy_message

    v = PaymentWebView(paysimple_server.origin)
    v.guarded_page.console_record = []
    listener = Listener()
    v.bridge.listener = listener
    try:
        with qtbot.waitSignal(v.loaded, timeout=10000):
            v.load_payment_page()
        qtbot.waitUntil(lambda: "page_ready" in listener.names(), timeout=5000)
        qtbot.wait(300)
        messages = v.guarded_page.console_record
        assert [m for _, m in messages if is_policy_message(m)] == []
        assert v.guarded_page.policy_refusals == 0
    finally:
        v.teardown()


def test_header_policy_arrives_whole_and_enforced(view, js, qtbot, paysimple_server):
    """The response header carries the full policy once (frame-ancestors included), and it is enforced on
    its own: an inline script is refused by two policies, the header's and the <meta> copy, each exactly
    the policy we wrote. A header split into one directive per byte would show up here as junk policies."""
    from pos_app.ui.web.scheme import content_security_policy

    page = view.page()
    js(page, "window.__v = []; document.addEventListener('securitypolicyviolation', function (e) {"
             " window.__v.push(e.originalPolicy + ' || ' + e.effectiveDirective); });"
             " var s = document.createElement('script'); s.textContent = 'window.__inline = 1';"
             " document.head.appendChild(s); 1")
    for _ in range(50):  # events are queued tasks; run_js cannot be nested inside qtbot.waitUntil
        violations = sorted(json.loads(js(page, "JSON.stringify(window.__v)")))
        if len(violations) >= 2:
            break
        qtbot.wait(100)
    qtbot.wait(200)
    violations = sorted(json.loads(js(page, "JSON.stringify(window.__v)")))
    header = content_security_policy(paysimple_server.origin)
    meta = content_security_policy(paysimple_server.origin, meta=True)
    assert "frame-ancestors 'none'" in header and "frame-ancestors" not in meta
    assert violations == sorted([header + " || script-src-elem", meta + " || script-src-elem"])
