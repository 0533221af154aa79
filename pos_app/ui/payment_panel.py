"""The "new card / bank account" screen: the Qt frame (who, how much, buttons) around the PaySimple form.

The web page only ever sees a checkout token, the mode (cc/ach), the use (charge/update) and, when it asks
during a submit, a customer token. The customer, the name and the amount stay here in Python: the header
shows them, and the charge uses the customer the clerk selected and the amount typed in the Qt widget.

A form session: ``open()`` → (page ready) configure → formShown → clerk fills the iframe → F9 → page asks
for a customer token → ``accountRetrieved`` → Python checks the account belongs to the customer (GET
accounts) → charge (or, for "update", just report the new account). Messages that arrive in the wrong
state (an account before any submit, a second account, a token request while idle) are refused and logged.

Keyboard first: when the form becomes interactive the view takes Qt focus, the host page focuses PaySimple's
iframe (payment.js) and the training frame its first field, so the clerk types the card number at once; Tab
leaves the last field for Submit, Cancel, then the card/bank switch. Visible strings are translated (context
``PaymentPanel``); the host page's own status lines are sent translated in ``configure`` (``texts``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.ui.amount import format_amount
from pos_app.ui.i18n import fmt
from pos_app.ui.ops import BackgroundOp
from pos_app.ui.theme import AMBER, RED
from pos_app.ui.web.messages import AccountRetrieved, SdkError
from pos_app.ui.web.view import PaymentWebView

if TYPE_CHECKING:
    from pos_app.payments import CustomerRef
    from pos_app.ui.backend import CounterBackend

log = logging.getLogger(__name__)

MAX_TOKEN_REQUESTS = 3

translate = QCoreApplication.translate


def page_texts() -> dict[str, str]:
    """The host page's own status lines, in the UI language (PaySimple's iframe has its own words)."""
    return {
        "card": translate("PaymentPanel", "Enter the card details."),
        "ach": translate("PaymentPanel", "Enter the bank account details."),
        "noSdk": translate("PaymentPanel", "The secure payment form could not be loaded. Check the connection to "
                                           "PaySimple."),
        "startFailed": translate("PaymentPanel", "The secure payment form could not start."),
    }


class ChargeFailed(Exception):
    """An unexpected error after the charge was handed to the payments service: outcome not known here."""


@dataclass
class FormRequest:
    customer: CustomerRef  # PaySimple id + display name (never sent to the page)
    mode: str  # "cc" | "ach"
    use: str  # "charge" | "update"
    amount: Decimal | None = None
    send_receipt: bool = False  # PaySimple e-mails its receipt to the customer


class PaymentPanel(QWidget):
    """Emits ``finished(kind, payload)``: ("charged", Attempt) | ("saved", account) | ("cancelled", None)
    | ("error", message)."""

    finished = Signal(str, object)
    formShown = Signal()  # noqa: N815 - the iframe form is interactive (benchmarks and tests wait on it)
    busyChanged = Signal(bool)  # noqa: N815

    def __init__(self, backend_getter: Callable[[], CounterBackend | None], parent=None) -> None:
        super().__init__(parent)
        self._backend = backend_getter
        self.view: PaymentWebView | None = None
        self.request: FormRequest | None = None
        self.state = "idle"  # idle | loading | shown | submitting | verifying | charging
        self._session = 0  # bumped by every open(): late answers for an older form are dropped
        self._token_failure = False
        self._page_ready = False
        self._pending_config: str | None = None
        self._token_requests = 0
        self._valid = False
        self._restarted = False
        self.opened_at = 0.0
        self.shown_at = 0.0
        self.on_charge_status: Callable[[str], None] | None = None
        self.debug = False  # --debug: the web view keeps its context menu (Inspect)
        self._build()

    # ---- layout --------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.header = QLabel(self)
        self.header.setObjectName("formHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.subheader = QLabel(self)
        self.subheader.setObjectName("muted")
        self.subheader.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel(self)
        self.status.setObjectName("formStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.web_holder = QVBoxLayout()
        self.web_holder.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel(translate("PaymentPanel", "Loading the secure form…"), self)
        self.placeholder.setObjectName("muted")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setMinimumHeight(240)
        self.web_holder.addWidget(self.placeholder)
        self.submit_button = QPushButton(self)
        self.submit_button.setObjectName("primary")
        self.submit_button.clicked.connect(self.submit)
        self.switch_button = QPushButton(self)
        self.switch_button.clicked.connect(self.switch_mode)
        self.cancel_button = QPushButton(translate("PaymentPanel", "Cancel  [Esc]"), self)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addWidget(self.subheader)
        layout.addLayout(self.web_holder, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    # ---- the web view (pre-warmed hidden, re-used, reloaded after each form) -------------------------

    def prewarm(self) -> None:
        backend = self._backend()
        if backend is None or self.view is not None:
            return
        self.view = PaymentWebView(backend.paysimple_origin, debug=self.debug, parent=self)
        self.view.setMinimumHeight(260)
        self.view.bridge.listener = self
        self.view.bridgeLost.connect(self._bridge_lost)
        self.view.pageBroken.connect(self._bridge_lost)
        self.view.setVisible(False)
        self.web_holder.addWidget(self.view)
        self._set_tab_order()
        self._page_ready = False
        self.view.load_payment_page()

    def _set_tab_order(self) -> None:
        """Tab leaves PaySimple's last field for Submit, then Cancel, then the card/bank switch. Chromium hands
        focus back to Qt from the widget it draws into (the view's focus proxy, re-created with each page), so
        the order is set from that widget, every time a form is shown."""
        chain = [w for w in (self.view.focusProxy(), self.view) if w is not None]
        for first in chain:
            QWidget.setTabOrder(first, self.submit_button)
        QWidget.setTabOrder(self.submit_button, self.cancel_button)
        QWidget.setTabOrder(self.cancel_button, self.switch_button)

    def _reload_page(self) -> None:
        if self.view is not None and self.view.bridge_alive:
            self._page_ready = False
            self.view.load_payment_page()

    def _drop_view(self) -> None:
        if self.view is not None:
            view, self.view = self.view, None
            self.web_holder.removeWidget(view)
            view.teardown()
        self._page_ready = False

    def shutdown(self) -> None:
        self._drop_view()

    # ---- opening / closing a form --------------------------------------------------------------------

    def open(self, request: FormRequest) -> None:
        backend = self._backend()
        if backend is None:
            return
        self.request = request
        self._session += 1
        session = self._session
        self.state = "loading"
        self._token_requests = 0
        self._valid = False
        self._restarted = False
        self.opened_at = time.perf_counter()
        self.shown_at = 0.0
        self._render_header()
        self._set_status(translate("PaymentPanel", "Loading the secure form…"))
        self.placeholder.setVisible(True)
        if self.view is None:
            self.prewarm()
        self.view.setVisible(False)
        self._update_buttons()
        BackgroundOp(lambda ctx: backend.take_checkout_token(),
                     on_done=lambda token: self._got_checkout_token(token, session),
                     on_error=lambda exc: self._form_failed(exc, session), label="checkout token").start()

    def _render_header(self) -> None:
        r = self.request
        ach = r.mode == "ach"
        if r.use == "charge":
            amount = format_amount(r.amount)
            self.header.setText(fmt(translate("PaymentPanel", "Charge %1 to a new bank account"), amount) if ach
                                else fmt(translate("PaymentPanel", "Charge %1 to a new card"), amount))
            self.submit_button.setText(fmt(translate("PaymentPanel", "Charge %1  [F9]"), amount))
        else:
            self.header.setText(translate("PaymentPanel", "Add a bank account") if ach
                                else translate("PaymentPanel", "Add a card"))
            self.submit_button.setText(translate("PaymentPanel", "Save bank account  [F9]") if ach
                                       else translate("PaymentPanel", "Save card  [F9]"))
        self.subheader.setText(fmt(translate("PaymentPanel", "Customer: %1"), r.customer.name))
        self.switch_button.setText(translate("PaymentPanel", "Use a card instead  [F7]") if ach
                                   else translate("PaymentPanel", "Use a bank account  [F7]"))

    def _got_checkout_token(self, token: str, session: int) -> None:
        if session != self._session or self.state != "loading" or self.request is None:
            return  # a newer form (switch card/bank, cancel) replaced the one this token was for
        config = json.dumps({"checkoutToken": token, "mode": self.request.mode, "use": self.request.use,
                             "texts": page_texts()})
        if self._page_ready:
            self.view.bridge.send_configure(config)
        else:
            self._pending_config = config

    def _form_failed(self, exc: BaseException, session: int) -> None:
        if session != self._session or self.state != "loading":
            return
        log.warning("payment form could not start: %s", type(exc).__name__)
        self._end("error", fmt(translate("PaymentPanel", "The secure form could not start: %1"), exc))

    def _end(self, kind: str, payload) -> None:
        self.state = "idle"
        self.request = None
        self._pending_config = None
        if self.view is not None:
            self.view.setVisible(False)
            self._reload_page()  # next form starts from a fresh document
        self.placeholder.setVisible(True)
        self._update_buttons()
        self.finished.emit(kind, payload)

    def cancel(self) -> None:
        if self.state in ("idle",):
            return
        if self.state in ("verifying", "charging"):
            self._set_status(translate("PaymentPanel", "A payment is being sent; it cannot be cancelled now."), AMBER)
            return
        self._end("cancelled", None)

    def switch_mode(self) -> None:
        if self.request is None or self.state not in ("loading", "shown"):
            return
        self.request.mode = "cc" if self.request.mode == "ach" else "ach"
        self.open(self.request)

    def submit(self) -> None:
        if self.state != "shown" or self.view is None:
            return
        if not self._valid:
            self._set_status(translate("PaymentPanel", "Complete the details in the form first."), RED)
            return
        self.state = "submitting"
        self._token_requests = 0
        self._token_failure = False
        self._set_status(translate("PaymentPanel", "Checking the details with PaySimple…"))
        self._update_buttons()
        self.view.bridge.send_submit()

    def _update_buttons(self) -> None:
        self.submit_button.setEnabled(self.state == "shown" and self._valid)
        self.switch_button.setEnabled(self.state in ("loading", "shown"))
        self.cancel_button.setEnabled(self.state in ("loading", "shown", "submitting"))
        self.busyChanged.emit(self.state in ("submitting", "verifying", "charging"))

    def _set_status(self, text: str, color: str = "#3e4c59") -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {color};")

    # ---- BridgeListener (page -> Python, already shape-checked by the bridge) -------------------------

    def page_ready(self) -> None:
        self._page_ready = True
        if self._pending_config is not None and self.state == "loading":
            config, self._pending_config = self._pending_config, None
            self.view.bridge.send_configure(config)

    def form_shown(self) -> None:
        if self.state != "loading":
            return
        self.state = "shown"
        self.shown_at = time.perf_counter()
        self.placeholder.setVisible(False)
        self.view.setVisible(True)
        # Keyboard first: the view takes focus now; the page then focuses PaySimple's iframe (payment.js).
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self._set_tab_order()
        if self._restarted:
            self._set_status(translate("PaymentPanel", "The secure form timed out; type the details again, then press F9."),
                             AMBER)
        else:
            self._set_status(translate("PaymentPanel", "Type the details in the form, then press F9."))
        self._update_buttons()
        self.formShown.emit()

    def validity_changed(self, valid: bool) -> None:
        if self.state not in ("shown", "loading"):
            return
        self._valid = valid
        self._update_buttons()

    def customer_token_requested(self) -> None:
        backend = self._backend()
        if self.state != "submitting" or self.request is None or backend is None:
            self._refuse("getCustomerToken")
            return
        self._token_requests += 1
        if self._token_requests > MAX_TOKEN_REQUESTS:
            self._refuse("getCustomerToken (too many)")
            return
        fresh = self._token_requests > 1  # a second request means PaySimple refused the first token
        customer_id = self.request.customer.id
        request = self.request

        def done(token: str) -> None:
            if self.request is request and self.state == "submitting" and self.view is not None:
                self.view.bridge.send_customer_token(token)

        def failed(exc: BaseException) -> None:
            if self.request is request and self.state == "submitting":
                self.state = "shown"
                self._token_failure = True  # the SDK's own "no token" error that follows adds nothing
                self._set_status(fmt(translate("PaymentPanel", "PaySimple did not give permission for this customer "
                                                               "(%1). Press F9 to try again."), exc), RED)
                self._update_buttons()
                if self.view is not None:
                    self.view.bridge.send_customer_token("")

        BackgroundOp(lambda ctx: backend.customer_token(customer_id, fresh=fresh), on_done=done,
                     on_error=failed, label="customer token").start()

    def account_retrieved(self, message: AccountRetrieved) -> None:
        backend = self._backend()
        if self.state != "submitting" or self.request is None or backend is None:
            self._refuse("accountRetrieved")
            return
        self.state = "verifying"
        self._update_buttons()
        request = self.request
        self._set_status(translate("PaymentPanel", "Checking the account…"))

        def verify_and_charge(ctx):
            account = backend.verify_account(request.customer.id, message.account_id)
            if request.use != "charge":
                return ("saved", account)
            ctx.progress(0, 0, "charging")
            from pos_app.payments import PaymentError

            try:
                attempt = backend.charge(request.customer, account, request.amount,
                                         payment_token=message.payment_token, send_receipt=request.send_receipt,
                                         on_status=lambda event: ctx.progress(0, 0, event.message))
            except PaymentError:
                raise  # refused before anything was sent (lane busy, invalid amount...)
            except Exception as exc:
                raise ChargeFailed(str(exc) or type(exc).__name__) from exc
            return ("charged", attempt)

        def progress(_done, _total, text):
            if text == "charging":
                self.state = "charging"
                self._update_buttons()
                text = translate("MainWindow", "Sending the payment to PaySimple…")
            self._set_status(text)
            if self.on_charge_status is not None:
                self.on_charge_status(text)

        def done(result) -> None:
            self._end(*result)

        def failed(exc: BaseException) -> None:
            from pos_app.payments import LaneBusy

            if isinstance(exc, LaneBusy | ChargeFailed):
                self._end("error", exc)
            else:
                self._end("error", str(exc) or type(exc).__name__)

        BackgroundOp(verify_and_charge, on_done=done, on_error=failed, on_progress=progress,
                     label="charge new account").start()

    def sdk_error(self, message: SdkError) -> None:
        if self.state not in ("loading", "shown", "submitting"):
            self._refuse("sdkError")
            return
        if self._token_failure and message.error_key == "unauthorized":
            self._token_failure = False
            return
        text = "; ".join(message.messages) or translate("PaymentPanel", "PaySimple could not process the details.")
        if message.error_key == "unauthorized" and self.state == "submitting" and not self._restarted \
                and "checkout" in text.lower():
            # The 5-minute checkout token ran out while the form was open: start a fresh form once.
            request = self.request
            self.open(request)
            self._restarted = True
            self._set_status(translate("PaymentPanel", "The secure form timed out; enter the details again."), AMBER)
            return
        if self.state == "submitting":
            self.state = "shown"
        self._set_status(text, RED)
        self._update_buttons()

    def page_cancelled(self) -> None:
        self.cancel()

    def _refuse(self, what: str) -> None:
        log.warning("payment page: %s refused in state %s", what, self.state)
        if self.view is not None:
            self.view.bridge.rejected += 1

    def _bridge_lost(self) -> None:
        active = self.state != "idle"
        QTimer.singleShot(0, self._drop_view)
        if active and self.state not in ("verifying", "charging"):
            self._end("error", translate("PaymentPanel", "The payment form stopped working and was closed. "
                                                          "Nothing was charged."))
