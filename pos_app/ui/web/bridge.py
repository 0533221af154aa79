"""The one object the payment page can talk to (published on a QWebChannel as ``bridge``).

Page -> Python (slots; every argument arrives as a QVariant and is type-checked here):
  ready()                     the page and its channel are up
  formShown()                 PaySimpleJS showed its entry form (first formValidityChanged)
  validityChanged(bool)       the form became valid / invalid
  getCustomerToken()          the page needs a customer token (submit, or the SDK's customerAuth after 401)
  accountRetrieved(json)      {"accountId": int, "paymentToken": GUID}
  sdkError(json)              {"errorKey": str, "status": int, "messages": [str], "fields": [str]}
  cancel()                    the clerk cancelled inside the page
Python -> page (signals): configure(json) {checkoutToken, mode: cc|ach, use: charge|update} (the iframe styles
  are constants of payment.js, and ``texts``: the page's own words in the UI language),
  texts(json) {lang, title, card, ach, noSdk, startFailed}: the page's words again (a language switch),
  customerToken(str), submit().

What the page has (issue 14 §10): it never gets the amount, the API user or key, or any customer but the
selected one, and Python picks the customer and the amount. It does see the selected customer: the customer
token is a JWT whose claims carry that customer's PaySimple id, and PaySimpleJS's ``accountRetrieved`` event
brings back that customer's id, name and e-mail (payment.js forwards only ``{accountId, paymentToken}``).
Anything malformed is refused and logged by kind and reason only (no content) and counted in
``rejected``. The listener decides whether a well-formed message is welcome in the current state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal, Slot

from pos_app.ui.web.messages import (
    AccountRetrieved,
    BadMessage,
    SdkError,
    parse_account_retrieved,
    parse_sdk_error,
)

log = logging.getLogger(__name__)


class BridgeListener(Protocol):
    def page_ready(self) -> None: ...
    def form_shown(self) -> None: ...
    def validity_changed(self, valid: bool) -> None: ...
    def customer_token_requested(self) -> None: ...
    def account_retrieved(self, message: AccountRetrieved) -> None: ...
    def sdk_error(self, message: SdkError) -> None: ...
    def page_cancelled(self) -> None: ...


Recorder = Callable[[str, str, tuple], None]


class PaymentBridge(QObject):
    configure = Signal(str)
    texts = Signal(str)
    customerToken = Signal(str)  # noqa: N815 (JS-facing name)
    submit = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bridge")
        self.listener: BridgeListener | None = None
        self.recorder: Recorder | None = None  # tests: sees every message both ways
        self.rejected = 0

    # ---- Python -> page -------------------------------------------------------------------------
    def send_configure(self, config_json: str) -> None:
        self._record("out", "configure", (config_json,))
        self.configure.emit(config_json)

    def send_texts(self, texts_json: str) -> None:
        self._record("out", "texts", (texts_json,))
        self.texts.emit(texts_json)

    def send_customer_token(self, token: str) -> None:
        self._record("out", "customerToken", (token,))
        self.customerToken.emit(token)

    def send_submit(self) -> None:
        self._record("out", "submit", ())
        self.submit.emit()

    # ---- page -> Python -------------------------------------------------------------------------
    def _record(self, direction: str, name: str, args: tuple) -> None:
        if self.recorder is not None:
            self.recorder(direction, name, args)

    def _reject(self, name: str, reason: str) -> None:
        self.rejected += 1
        log.warning("payment page: refused %s message (%s)", name, reason)

    def _deliver(self, name: str, call: Callable[[BridgeListener], None]) -> None:
        if self.listener is None:
            self._reject(name, "no form is open")
            return
        call(self.listener)

    @Slot()
    def ready(self) -> None:
        self._record("in", "ready", ())
        self._deliver("ready", lambda lst: lst.page_ready())

    @Slot()
    def formShown(self) -> None:  # noqa: N802
        self._record("in", "formShown", ())
        self._deliver("formShown", lambda lst: lst.form_shown())

    @Slot("QVariant")
    def validityChanged(self, valid) -> None:  # noqa: N802
        self._record("in", "validityChanged", (valid,))
        if not isinstance(valid, bool):
            self._reject("validityChanged", "not a boolean")
            return
        self._deliver("validityChanged", lambda lst: lst.validity_changed(valid))

    @Slot()
    def getCustomerToken(self) -> None:  # noqa: N802
        self._record("in", "getCustomerToken", ())
        self._deliver("getCustomerToken", lambda lst: lst.customer_token_requested())

    @Slot("QVariant")
    def accountRetrieved(self, raw) -> None:  # noqa: N802
        self._record("in", "accountRetrieved", (raw,))
        try:
            message = parse_account_retrieved(raw)
        except BadMessage as exc:
            self._reject("accountRetrieved", str(exc))
            return
        self._deliver("accountRetrieved", lambda lst: lst.account_retrieved(message))

    @Slot("QVariant")
    def sdkError(self, raw) -> None:  # noqa: N802
        self._record("in", "sdkError", (raw,))
        try:
            message = parse_sdk_error(raw)
        except BadMessage as exc:
            self._reject("sdkError", str(exc))
            return
        self._deliver("sdkError", lambda lst: lst.sdk_error(message))

    @Slot()
    def cancel(self) -> None:
        self._record("in", "cancel", ())
        self._deliver("cancel", lambda lst: lst.page_cancelled())
