"""``pos-app --selftest``: prove an installed copy (venv or PyInstaller bundle) can take a payment.

What it does, in order, each step timed (``steps`` in the summary):
1. ``gateway``  start the training gateway in memory on a loopback port;
2. ``tokens``   through :class:`PaySimpleClient`: create a customer, get a checkout and a customer token;
3. ``page``     open the real payment page (``app://pos/payment.html``) in a hidden/offscreen web view and
   wait for the page's ``bridge.ready()`` (page -> Python);
4. ``form``     send ``configure`` (Python -> page); the page starts PaySimpleJS from the gateway, whose
   iframe reports the form shown (page -> Python): a full bridge round trip;
5. ``card``     type a public test card into the cross-origin iframe with ``QWebEngineFrame.runJavaScript``
   (as the UI tests do) until the form says it is valid;
6. ``account``  ``submit`` -> the page asks for a customer token -> Python answers -> the SDK's
   ``matchOrCreateAccount`` -> ``accountRetrieved`` {account id, payment token};
7. ``payment``  POST /payment with that token through the client: must come back ``Authorized``;
8. ``keyring``  the chosen keyring backend and the discovered backend plug-ins. A bundle that lost keyring's
   entry-point metadata has no plug-ins at all (and raises NoKeyringError even on a desktop): that fails.
   A machine without a password store (``fail`` backend) is reported, not failed: the app handles it.
   ``--keyring-roundtrip`` also stores, reads back and deletes a random value (service "pos-app selftest")
   and fails without a usable keyring; off by default because it touches the user's real keyring.

Also reported: Qt version, whether Qt's Spanish translation loads, the app's .qm files, and that the data/log
dirs are outside the bundle. Output: one JSON line on stdout (``"ok": true|false``); on failure also a plain
message on stderr naming the step. Exit 0 = passed, 1 = a step failed, 2 = hard timeout (a watchdog thread
ends the process after ``HARD_TIMEOUT_S`` whatever Qt is doing, so it never hangs).
Nothing is written to disk: the gateway and the web profile live in memory. No token or card number is
printed. Environment: :func:`prepare_environment` picks offscreen Qt when there is no display and disables
Chromium's sandbox when running as root; it must run before Qt is imported.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

HARD_TIMEOUT_S = 60.0
STEP_TIMEOUT_S = 20.0
TEST_CARD = {"cardNumber": "4111111111111111", "expiration": "1230", "cvv": "123", "postalCode": "80202"}
AMOUNT = Decimal("1.00")
KEYRING_PROBE_SERVICE = "pos-app selftest"


class SelftestFailed(RuntimeError):
    pass


def prepare_environment(env: dict[str, str] | None = None) -> None:
    """Qt/Chromium settings for a headless or root run; existing values win. Call before importing Qt."""
    env = os.environ if env is None else env
    has_display = bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")) or sys.platform in ("win32", "darwin")
    if not has_display:
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if env.get("QT_QPA_PLATFORM") == "offscreen" and "QTWEBENGINE_CHROMIUM_FLAGS" not in env:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = "--disable-gpu"


def _emit(summary: dict) -> None:
    line = json.dumps(summary, sort_keys=True)
    if sys.stdout is not None:  # a windowed Windows build has no stdout: leave the result in the log dir
        print(line, flush=True)
        return
    from pos_app.config import app_paths
    from pos_app.private_files import write_private_text

    log_dir = app_paths().ensure().log_dir
    write_private_text(log_dir / "selftest.json", line + "\n")


def _start_watchdog(seconds: float, summary: dict) -> threading.Timer:
    def expire() -> None:
        summary.update(ok=False, error=f"self-test did not finish within {seconds:.0f} s")
        sys.stderr.write(f"pos-app self-test FAILED: timed out after {seconds:.0f} s "
                         f"(last step: {summary.get('failed_step') or summary.get('step')})\n")
        sys.stderr.flush()
        _emit(summary)
        os._exit(2)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    return timer


def keyring_roundtrip() -> bool:
    """Store, read back and delete a random value in the OS keyring (only with ``--keyring-roundtrip``)."""
    import secrets

    import keyring

    value = secrets.token_urlsafe(16)
    keyring.set_password(KEYRING_PROBE_SERVICE, "selftest", value)
    try:
        return keyring.get_password(KEYRING_PROBE_SERVICE, "selftest") == value
    finally:
        keyring.delete_password(KEYRING_PROBE_SERVICE, "selftest")


def keyring_report() -> dict:
    """Selected backend + the ``keyring.backends`` entry points; raises if the plug-in metadata is missing."""
    from importlib.metadata import entry_points

    from pos_app.counter import Setup

    plugins = sorted(ep.name for ep in entry_points(group="keyring.backends"))
    if not plugins:
        raise SelftestFailed("keyring has no backend plug-ins (its entry-point metadata is missing), "
                             "so it could never reach the OS password store")
    if sys.platform.startswith("linux"):
        import keyring.backends.SecretService  # noqa: F401 - must import, else no desktop keyring either
        import secretstorage  # noqa: F401
    return {"keyring_backend": Setup.key_store_name(), "keyring_usable": Setup.keyring_available(),
            "keyring_plugins": plugins}


def _data_outside_bundle() -> dict:
    """A frozen app must keep data and logs in the user's dirs, never next to the executable."""
    from pos_app.config import app_paths

    paths = app_paths()
    if getattr(sys, "frozen", False):
        bundle = Path(sys.executable).resolve().parent
        for path in (paths.data_dir, paths.log_dir):
            if path.resolve().is_relative_to(bundle):
                raise SelftestFailed(f"data/log dir {path} is inside the bundle; it must be a user dir")
    return {"data_dir": str(paths.data_dir), "log_dir": str(paths.log_dir)}


class _Listener:
    """BridgeListener recording what the page sent; answers the customer-token request itself."""

    def __init__(self, bridge, customer_token: str) -> None:
        self.bridge = bridge
        self.customer_token = customer_token
        self.seen: list[str] = []
        self.valid = False
        self.account = None
        self.error = None

    def page_ready(self) -> None:
        self.seen.append("ready")

    def form_shown(self) -> None:
        self.seen.append("formShown")

    def validity_changed(self, valid: bool) -> None:
        self.valid = valid

    def customer_token_requested(self) -> None:
        self.seen.append("getCustomerToken")
        self.bridge.send_customer_token(self.customer_token)

    def account_retrieved(self, message) -> None:
        self.account = message

    def sdk_error(self, message) -> None:
        self.error = message

    def page_cancelled(self) -> None:
        self.seen.append("cancel")


def _wait(app, predicate: Callable[[], object], what: str, timeout: float = STEP_TIMEOUT_S, fail=None):
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while True:
        if fail is not None and (problem := fail()):
            raise SelftestFailed(f"{what}: {problem}")
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SelftestFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)


def _run_js(app, target, code: str, what: str):
    box: dict = {}
    target.runJavaScript(code, 0, lambda result: box.setdefault("r", result))
    _wait(app, lambda: "r" in box, what, timeout=5)
    return box["r"]


def _frame_ready_js() -> str:
    return "!!(document.getElementById('cardNumber') && !document.getElementById('card-form').hidden)"


def _type_card_js() -> str:
    fields = json.dumps(TEST_CARD)
    return (
        f"(function () {{ var f = {fields}; for (var k in f) {{ var el = document.getElementById(k);"
        " el.focus(); el.value = f[k]; el.dispatchEvent(new Event('input', {bubbles: true}));"
        " el.dispatchEvent(new Event('change', {bubbles: true})); el.dispatchEvent(new FocusEvent('blur')); }"
        " return true; })()"
    )


def _web_payment(app, gateway_origin: str, checkout: str, customer_token: str, step) -> object:
    from PySide6.QtCore import Qt

    from pos_app.ui.web.view import PaymentWebView

    step("page")
    view = PaymentWebView(gateway_origin)
    listener = _Listener(view.bridge, customer_token)
    view.bridge.listener = listener
    sdk_failed = lambda: listener.error and f"PaySimpleJS reported {listener.error.error_key}"  # noqa: E731
    try:
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)  # never a window on a counter
        view.resize(640, 420)
        view.show()
        loaded: list[bool] = []
        view.loaded.connect(loaded.append)
        view.load_payment_page()
        _wait(app, lambda: loaded, "the payment page to load")
        if not loaded[0]:
            raise SelftestFailed("the payment page (app://pos/payment.html) failed to load")
        _wait(app, lambda: "ready" in listener.seen, "the page's bridge.ready()")

        step("form")
        view.bridge.send_configure(json.dumps({"checkoutToken": checkout, "mode": "cc", "use": "charge"}))
        _wait(app, lambda: "formShown" in listener.seen, "PaySimpleJS to show its form", fail=sdk_failed)

        step("card")
        page = view.page()

        def ready_frame():
            for frame in page.mainFrame().children():
                if "/paysimplejs/v1/frame" in frame.url().toString() and \
                        _run_js(app, frame, _frame_ready_js(), "the iframe form"):
                    return frame
            return None

        frame = _wait(app, ready_frame, "the PaySimpleJS iframe form")
        _run_js(app, frame, _type_card_js(), "typing the test card")
        _wait(app, lambda: listener.valid, "the form to become valid", fail=sdk_failed)

        step("account")
        view.bridge.send_submit()
        _wait(app, lambda: listener.account, "accountRetrieved", fail=sdk_failed)
        if "getCustomerToken" not in listener.seen:
            raise SelftestFailed("the page never asked Python for the customer token")
        if view.bridge.rejected:
            raise SelftestFailed(f"the bridge refused {view.bridge.rejected} message(s) from the page")
        return listener.account
    finally:
        view.teardown()


def run(argv: list[str] | None = None) -> int:
    """Run the self-test; print the summary; return the exit status."""
    started = time.monotonic()
    summary: dict = {"ok": False, "frozen": bool(getattr(sys, "frozen", False)), "steps": {}}
    watchdog = _start_watchdog(HARD_TIMEOUT_S, summary)
    step_started = [started]

    def step(name: str) -> None:
        now = time.monotonic()
        if summary.get("step"):
            summary["steps"][summary["step"]] = round(now - step_started[0], 3)
        summary["step"] = name
        step_started[0] = now

    gateway = client = app = None
    try:
        prepare_environment()
        from pos_app.paysimple import CustomerInput, PaymentRequest, PaySimpleClient
        from pos_app.training import DEFAULT_API_KEY, DEFAULT_API_USER, TrainingGateway

        step("gateway")
        gateway = TrainingGateway(DEFAULT_API_USER, DEFAULT_API_KEY)
        gateway.start()

        step("tokens")
        client = PaySimpleClient(gateway.api_url, DEFAULT_API_USER, DEFAULT_API_KEY)
        customer = client.create_customer(CustomerInput("Self", "Test", email="selftest@example.com"))
        checkout = client.checkout_token().jwt_token
        customer_token = client.customer_token(customer.id).jwt_token

        step("qt")
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import QLibraryInfo, QTranslator
        from PySide6.QtWidgets import QApplication

        from pos_app.ui.web.scheme import register_schemes

        register_schemes()
        app = QApplication.instance() or QApplication(["pos-app", "--selftest"])
        translator = QTranslator()
        summary["qt"] = pyside_version
        summary["qt_es_translation"] = translator.load(
            "qtbase_es", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))

        account = _web_payment(app, gateway.base_url, checkout, customer_token, step)

        step("payment")
        payment = client.create_payment(PaymentRequest(account.account_id, AMOUNT, order_id="SELFTEST-1",
                                                       payment_token=account.payment_token))
        if payment.status != "Authorized":
            raise SelftestFailed(f"the training payment came back {payment.status!r}, not 'Authorized'")
        summary["payment_status"] = payment.status

        step("keyring")
        summary.update(keyring_report())
        if "--keyring-roundtrip" in (argv or []):
            if not summary["keyring_usable"]:
                raise SelftestFailed(f"--keyring-roundtrip: no usable keyring ({summary['keyring_backend']})")
            if not keyring_roundtrip():
                raise SelftestFailed("--keyring-roundtrip: the keyring gave back a different value")
            summary["keyring_roundtrip"] = True
        from pos_app.config import resources_dir

        summary["translations_qm"] = len(list((resources_dir() / "i18n").glob("*.qm")))
        summary.update(_data_outside_bundle())
        step("")
        summary.update(ok=True)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a clear message and exit 1
        summary["failed_step"] = summary.get("step")
        summary["error"] = f"{type(exc).__name__}: {exc}" if not isinstance(exc, SelftestFailed) else str(exc)
    finally:
        for closer in (client and client.close, gateway and gateway.stop):
            if closer:
                try:
                    closer()
                except Exception as exc:  # noqa: BLE001
                    summary.setdefault("cleanup_error", f"{type(exc).__name__}: {exc}")
        summary.pop("step", None)
        summary["selftest_s"] = round(time.monotonic() - started, 3)
    watchdog.cancel()
    if not summary["ok"]:
        sys.stderr.write(f"pos-app self-test FAILED at step '{summary['failed_step']}': {summary['error']}\n")
    _emit(summary)
    return 0 if summary["ok"] else 1
