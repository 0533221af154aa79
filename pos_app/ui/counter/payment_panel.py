"""The "new card / bank account" screen: the Qt frame (who, how much, buttons) around the PaySimple form.

The web page only ever sees a checkout token, the mode (cc/ach), the use (charge/update) and, when it asks
during a submit, a customer token. The customer, the name and the amount stay here in Python: the header
shows them, and the charge uses the customer the clerk selected and the amount typed in the Qt widget.

A form session: ``open()`` → (page ready) configure → formShown → clerk fills the iframe → F9 → page asks
for a customer token → ``accountRetrieved`` → Python checks the account belongs to the customer (GET
accounts) → charge (or, for "update", just report the new account). Messages that arrive in the wrong
state (an account before any submit, a second account, a token request while idle) are refused and logged.

Keeping the account on file (issue 13 §5, ``payments.onfile``): PaySimpleJS stores every card or bank account
it is given. For a charge, the clerk ticks "Customer agrees to keep this card on file" (off at every form);
the accounts on file when the form opened are the snapshot that tells a new account from one already on
file. A new account is planned (kept with consent, else hidden at once and removed after the void window;
removed at once when the charge is declined or refused) before the payment is sent, and settled when it
returns; ``on_file_note`` then says what happened to it (and whether PaySimple made it the default). A save
with "Update payment details" (F8, no charge) is itself the customer's consent, and the form says so.

Bank debits (§6): once PaySimple has stored the bank account (its last 4 are known only then) and it is
verified, the form shows the authorization to read to the customer (``ach_authorization``) in place of the
entry form; F9 charges only after the clerk ticked that it was read and agreed to; Esc cancels (nothing is
charged). The text goes with the charge to the journal and the receipt.

Keyboard first: when the form becomes interactive the view takes Qt focus, the host page focuses PaySimple's
iframe (payment.js) and the training frame its first field, so the clerk types the card number at once; Tab
leaves the last field for the "keep on file" box (charge forms; Alt+K from anywhere), Submit, Cancel, then the
card/bank switch. Visible strings are translated (context
``PaymentPanel``); the host page's own status lines are sent translated in ``configure`` (``texts``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.ui.common.i18n import Retranslating, fmt, format_amount, format_datetime, tr
from pos_app.ui.common.keys import ShortcutsFirst
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.theme import AMBER, RED
from pos_app.ui.counter.ach_authorization import AchAuthorizationBox, authorization_for
from pos_app.ui.counter.cards import is_card
from pos_app.ui.web.messages import AccountRetrieved, SdkError
from pos_app.ui.web.view import PaymentWebView

if TYPE_CHECKING:
    from pos_app.counter import AchAccount, CounterApi, CreditCardAccount, CustomerRef, OnFileRecord, Settings

    Account = CreditCardAccount | AchAccount

log = logging.getLogger(__name__)

MAX_TOKEN_REQUESTS = 3

translate = QCoreApplication.translate


def page_texts() -> dict[str, str]:
    """The host page's own words in the UI language: its title, language tag and status lines (PaySimple's
    iframe has its own words; it follows the browser's language, ``PaymentWebView.set_language``)."""
    return {
        "lang": QLocale().bcp47Name(),
        "title": translate("PaymentPanel", "Payment details"),
        "card": translate("PaymentPanel", "Enter the card details."),
        "ach": translate("PaymentPanel", "Enter the bank account details."),
        "noSdk": translate("PaymentPanel", "The secure payment form could not be loaded. Check the connection to "
                                           "PaySimple."),
        "startFailed": translate("PaymentPanel", "The secure payment form could not start."),
    }


def keep_box_text(mode: PayMode) -> str:
    return (translate("PaymentPanel", "Customer agrees to keep this bank account on file  [Alt+K]") if mode is PayMode.BANK
            else translate("PaymentPanel", "Customer agrees to keep this card on file  [Alt+K]"))


def update_note_text(mode: PayMode) -> str:
    return (translate("PaymentPanel", "Saving keeps this bank account on file: the customer agrees to it by asking "
                                      "you to add it. Nothing is charged.") if mode is PayMode.BANK
            else translate("PaymentPanel", "Saving keeps this card on file: the customer agrees to it by asking you "
                                           "to add it. Nothing is charged."))


def _default_text(account) -> str:
    return (translate("PaymentPanel", "It is now the customer's default card (PaySimple makes a customer's first "
                                      "card the default).") if is_card(account)
            else translate("PaymentPanel", "It is now the customer's default bank account (PaySimple makes a "
                                           "customer's first bank account the default)."))


def on_file_note(account: Account, new: bool, record: OnFileRecord | None, charged: bool | None = True) -> str:
    """What happened to the card / bank account the form produced (``record``: its ``OnFileRecord``;
    ``charged``: False when nothing was sent, None when the charge's outcome is not known here)."""
    card = is_card(account)
    if not new:
        return (translate("PaymentPanel", "This card was already on file for this customer; it stays on file.")
                if card else translate("PaymentPanel", "This bank account was already on file for this customer; "
                                                       "it stays on file."))
    if record is None:
        return translate("PaymentPanel", "Whether it stays on file could not be settled now (see the log); it is "
                                         "hidden at this counter until it is.")
    from pos_app.counter import DECLINED_REASON, REFUSED_REASON, OnFileState

    state = record.state
    reason = record.reason or ""
    if state is OnFileState.KEPT:
        text = (translate("PaymentPanel", "Kept on file: the customer agreed. Nothing was charged.")
                if charged is False else translate("PaymentPanel", "Kept on file: the customer agreed."))
        return text + (" " + _default_text(account) if account.is_default else "")
    if state is OnFileState.REMOVED:
        if reason.startswith(DECLINED_REASON):
            return (translate("PaymentPanel", "Not kept on file: the charge was declined, so the card was removed.")
                    if card else translate("PaymentPanel", "Not kept on file: the charge was declined, so the bank "
                                                           "account was removed."))
        if reason.startswith(REFUSED_REASON):
            return (translate("PaymentPanel", "Not kept on file: PaySimple refused the charge, so the card was "
                                              "removed.") if card
                    else translate("PaymentPanel", "Not kept on file: PaySimple refused the charge, so the bank "
                                                   "account was removed."))
        return (translate("PaymentPanel", "Not kept on file: the card was removed from PaySimple.") if card
                else translate("PaymentPanel", "Not kept on file: the bank account was removed from PaySimple."))
    if record.tries:
        return translate("PaymentPanel", "Not kept on file: hidden at this counter now; removing it from PaySimple "
                                         "failed and is retried automatically.")
    if record.consent:  # waiting for the payment's outcome
        return translate("PaymentPanel", "The customer agreed to keep it on file: it shows in the list once "
                                         "PaySimple confirms the payment (it is removed if the payment was "
                                         "declined).")
    remove_after = record.remove_after
    if remove_after is not None:
        return fmt(translate("PaymentPanel", "Not kept on file: hidden at this counter now and removed from "
                                             "PaySimple after %1, when the payment can no longer be voided."),
                   format_datetime(remove_after))
    return translate("PaymentPanel", "Not kept on file: hidden at this counter now and removed from PaySimple once "
                                     "the payment's outcome is confirmed.")


def saved_note(account: Account, new: bool) -> str:
    """After "Update payment details" saved an account: on file at the customer's request; default or not."""
    if not new:
        return (translate("PaymentPanel", "This card was already on file; its details were updated.") if is_card(account)
                else translate("PaymentPanel", "This bank account was already on file."))
    if account.is_default:
        return _default_text(account)
    return (translate("PaymentPanel", "The default card did not change (select this one and press Ctrl+D to make "
                                      "it the default).") if is_card(account)
            else translate("PaymentPanel", "The default bank account did not change (select this one and press "
                                           "Ctrl+D to make it the default)."))


class ChargeFailed(Exception):
    """An unexpected error after the charge was handed to the payments service: outcome not known here."""


class PayMode(StrEnum):
    """What the form takes: a card or a bank account (the values are PaySimpleJS's ``mode``)."""

    CARD = "cc"
    BANK = "ach"


class FormUse(StrEnum):
    """What the form is for: a charge, or only adding the account on file (Update payment details); the values
    are the page's ``use``."""

    CHARGE = "charge"
    UPDATE = "update"


class FormState(Enum):
    """Where a form session is. IDLE: no form. LOADING: the page is being configured. SHOWN: the clerk can type.
    SUBMITTING: F9 was pressed, PaySimpleJS is storing the account. VERIFYING: the account it returned is being
    checked against the customer. AUTHORIZING: a bank debit's authorization is on screen. CHARGING: the payment
    was handed to the payments service. CANCELLING: Esc at the authorization, the new account is being settled.
    From VERIFYING on, nothing cancels the form (the account exists at PaySimple, or a payment may be on its way)."""

    IDLE = "idle"
    LOADING = "loading"
    SHOWN = "shown"
    SUBMITTING = "submitting"
    VERIFYING = "verifying"
    AUTHORIZING = "authorizing"
    CHARGING = "charging"
    CANCELLING = "cancelling"


EDITABLE = frozenset({FormState.LOADING, FormState.SHOWN})  # the clerk may still switch card/bank or tick consent
COMMITTED = frozenset({FormState.VERIFYING, FormState.AUTHORIZING, FormState.CHARGING, FormState.CANCELLING})
BUSY = COMMITTED | {FormState.SUBMITTING}  # the window holds other actions back


@dataclass(frozen=True)
class Charged:
    """The form's charge ended with this journal ``Attempt`` (approved, declined, unknown... as it says)."""

    attempt: object


@dataclass(frozen=True)
class Saved:
    """"Update payment details" stored this account (a ``paysimple.models`` account) for the customer."""

    account: object


@dataclass(frozen=True)
class Cancelled:
    """The clerk cancelled before anything was sent; nothing was charged."""


@dataclass(frozen=True)
class FormFailed:
    """The form ended without a charge result. ``error``: a message for the clerk (nothing was charged), a
    ``LaneBusy`` (another charge holds the lane), a ``NotSent`` (the journal could not record the charge: nothing
    was sent) or a ``ChargeFailed`` (the charge's outcome is not known here)."""

    error: str | Exception


FormOutcome = Charged | Saved | Cancelled | FormFailed


@dataclass(frozen=True)
class Sending:
    """Progress of a charge before the payments service reports its own steps: the payment is on its way."""


@dataclass
class FormRequest:
    customer: CustomerRef  # PaySimple id + display name (never sent to the page)
    mode: PayMode
    use: FormUse
    amount: Decimal | None = None
    keep_on_file: bool = False  # the consent box as it was at submit
    on_file_before: frozenset[int] | None = None  # accounts on file when the form opened (None: not known yet)


def form_token_expired(message: SdkError) -> bool:
    """PaySimpleJS refused the submit because this form's checkout token is no longer valid: error key
    ``unauthorized`` with HTTP 401 that is not about the customer token (those the SDK renews itself through
    ``customerAuth``). Decided on keys only: the message text is for people and may be in any language."""
    return message.error_key == "unauthorized" and message.status == 401 and "customerToken" not in message.fields


class PaymentPanel(Retranslating, QWidget):
    """Emits ``finished(outcome)`` once per form session, ``outcome`` a ``FormOutcome`` (``Charged`` |
    ``Saved`` | ``Cancelled`` | ``FormFailed``); ``state`` is a ``FormState``."""

    finished = Signal(object)
    formShown = Signal()  # noqa: N815 - the iframe form is interactive (benchmarks and tests wait on it)
    busyChanged = Signal(bool)  # noqa: N815

    def __init__(self, backend_getter: Callable[[], CounterApi | None], parent=None,
                 settings: Callable[[], Settings | None] = lambda: None) -> None:
        """``settings``: the run's settings (the merchant and store time zone a bank debit's authorization
        names; None: the defaults)."""
        super().__init__(parent)
        self._backend = backend_getter
        self._settings = settings
        self.view: PaymentWebView | None = None
        self.request: FormRequest | None = None
        self.state = FormState.IDLE
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
        # what happened to the form's account, in the UI language when asked (the result screen shows it)
        self.on_file_note: str | Callable[[], str] = ""
        self._verified = None  # (account, new, payment token) while the bank debit authorization is shown
        self._snapshot_waiters: list[Callable[[], None]] = []
        self._shortcuts_first = ShortcutsFirst(self)  # on the web view's focus proxy (see _set_tab_order)
        self._build()

    # ---- layout --------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.header = QLabel(self)
        self.header.setObjectName("formHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.subheader = QLabel(self)
        self.subheader.setObjectName("formCustomer")  # the customer, as prominent as the amount (issue 13 §3)
        self.subheader.setStyleSheet("font-size: 17px; font-weight: 700; color: #111827;")
        self.subheader.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel(self)
        self.status.setObjectName("formStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.web_holder = QVBoxLayout()
        self.web_holder.setContentsMargins(0, 0, 0, 0)
        self.placeholder = self.with_live(QLabel(self), lambda: translate("PaymentPanel", "Loading the secure form…"))
        self.placeholder.setObjectName("muted")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setMinimumHeight(240)
        self.web_holder.addWidget(self.placeholder)
        self.auth_box = AchAuthorizationBox(self)
        self.auth_box.setVisible(False)
        self.web_holder.addWidget(self.auth_box)
        self.keep_box = QCheckBox(self)
        self.keep_box.setObjectName("keepOnFile")
        # A window shortcut, so it works while the cursor is in PaySimple's iframe (mnemonics do not reach it).
        keep_key = QShortcut(QKeySequence("Alt+K"), self.keep_box)
        keep_key.setContext(Qt.ShortcutContext.WindowShortcut)
        keep_key.activated.connect(self._toggle_keep)
        self.update_note = QLabel(self)
        self.update_note.setObjectName("updateNote")
        self.update_note.setWordWrap(True)
        self.update_note.setTextFormat(Qt.TextFormat.PlainText)
        self.update_note.setStyleSheet("font-weight: 600;")
        self.submit_button = QPushButton(self)
        self.submit_button.setObjectName("primary")
        self.submit_button.clicked.connect(self.submit)
        self.switch_button = QPushButton(self)
        self.switch_button.clicked.connect(self.switch_mode)
        self.cancel_button = self.with_live(QPushButton(self), lambda: translate("PaymentPanel", "Cancel  [Esc]"))
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
        layout.addWidget(self.keep_box)
        layout.addWidget(self.update_note)
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
        """Tab leaves PaySimple's last field for the consent box, Submit, Cancel, then the card/bank switch. Chromium hands
        focus back to Qt from the widget it draws into (the view's focus proxy, re-created with each page), so
        the order is set from that widget, every time a form is shown."""
        chain = [w for w in (self.view.focusProxy(), self.view) if w is not None]
        for first in chain:
            QWidget.setTabOrder(first, self.keep_box)
            # The counter's shortcuts win over Chromium's editing keys (X11: Ctrl+E = end of line).
            first.installEventFilter(self._shortcuts_first)
        QWidget.setTabOrder(self.keep_box, self.submit_button)
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
        self.state = FormState.LOADING
        self._token_requests = 0
        self._valid = False
        self._restarted = False
        self.opened_at = time.perf_counter()
        self.shown_at = 0.0
        self.on_file_note = ""
        self._verified = None
        self._snapshot_waiters = []
        request.keep_on_file = False
        request.on_file_before = None
        self.keep_box.setChecked(False)  # consent is asked anew for every form
        self.live(self.keep_box.setText, lambda: keep_box_text(request.mode))
        self.keep_box.setVisible(request.use is FormUse.CHARGE)
        self.live(self.update_note.setText, lambda: update_note_text(request.mode))
        self.update_note.setVisible(request.use is not FormUse.CHARGE)
        self.auth_box.setVisible(False)
        self._render_header()
        self._set_status(lambda: translate("PaymentPanel", "Loading the secure form…"))
        self.placeholder.setVisible(True)
        if self.view is None:
            self.prewarm()
        self.view.setVisible(False)
        self._update_buttons()
        BackgroundOp(lambda ctx: backend.take_checkout_token(),
                     on_done=lambda token: self._got_checkout_token(token, session),
                     on_error=lambda exc: self._form_failed(exc, session), label="checkout token").start()
        self._load_snapshot(session)

    def _load_snapshot(self, session: int) -> None:
        """The accounts on file now (in parallel with the token): what the form returns later is new unless
        listed here. A failure is retried at submit (nothing is charged without it)."""
        backend, request = self._backend(), self.request
        if backend is None or request is None:
            return

        def done(ids) -> None:
            if session == self._session and self.request is request:
                request.on_file_before = ids
                waiters, self._snapshot_waiters = self._snapshot_waiters, []
                for waiter in waiters:
                    waiter()

        def failed(exc: BaseException) -> None:
            log.warning("accounts on file could not be read for the form: %s", type(exc).__name__)
            if session == self._session and self._snapshot_waiters:
                self._snapshot_waiters = []
                self.state = FormState.SHOWN
                self.keep_box.setEnabled(True)
                self._set_status(lambda: fmt(translate("PaymentPanel", "The customer's cards on file could not be read "
                                                               "(%1). Press F9 to try again."), tr(exc)), RED)
                self._update_buttons()

        BackgroundOp(lambda ctx: backend.on_file_ids(request.customer.id), on_done=done, on_error=failed,
                     label="accounts on file").start()

    def _render_header(self) -> None:
        r = self.request
        ach = r.mode is PayMode.BANK
        if r.use is FormUse.CHARGE:
            amount = format_amount(r.amount)
            self.live(self.header.setText, lambda: fmt(translate("PaymentPanel", "Charge %1 to a new bank account"), amount) if ach
                                else fmt(translate("PaymentPanel", "Charge %1 to a new card"), amount))
            self.live(self.submit_button.setText, lambda: fmt(translate("PaymentPanel", "Charge %1  [F9]"), amount))
        else:
            self.live(self.header.setText, lambda: translate("PaymentPanel", "Add a bank account") if ach
                                else translate("PaymentPanel", "Add a card"))
            self.live(self.submit_button.setText, lambda: translate("PaymentPanel", "Save bank account  [F9]") if ach
                                       else translate("PaymentPanel", "Save card  [F9]"))
        self.live(self.subheader.setText, lambda: fmt(translate("PaymentPanel", "Customer: %1"), r.customer.name))
        self.live(self.switch_button.setText, lambda: translate("PaymentPanel", "Use a card instead  [F7]") if ach
                                   else translate("PaymentPanel", "Use a bank account  [F7]"))

    def _got_checkout_token(self, token: str, session: int) -> None:
        if session != self._session or self.state is not FormState.LOADING or self.request is None:
            return  # a newer form (switch card/bank, cancel) replaced the one this token was for
        config = json.dumps({"checkoutToken": token, "mode": self.request.mode, "use": self.request.use,
                             "texts": page_texts()})
        if self._page_ready:
            self.view.bridge.send_configure(config)
        else:
            self._pending_config = config

    def _form_failed(self, exc: BaseException, session: int) -> None:
        if session != self._session or self.state is not FormState.LOADING:
            return
        log.warning("payment form could not start: %s", type(exc).__name__)
        self._end(FormFailed(fmt(translate("PaymentPanel", "The secure form could not start: %1"), tr(exc))))

    def _end(self, outcome: FormOutcome) -> None:
        self.state = FormState.IDLE
        self.request = None
        self._pending_config = None
        self._verified = None
        self._snapshot_waiters = []
        self.auth_box.setVisible(False)
        self.keep_box.setEnabled(True)
        if self.view is not None:
            self.view.setVisible(False)
            self._reload_page()  # next form starts from a fresh document
        self.placeholder.setVisible(True)
        self._update_buttons()
        self.finished.emit(outcome)

    def cancel(self) -> None:
        if self.state in (FormState.IDLE, FormState.CANCELLING):
            return
        if self.state is FormState.AUTHORIZING:
            self._abandon_verified()
            return
        if self.state in (FormState.VERIFYING, FormState.CHARGING):
            self._set_status(lambda: translate("PaymentPanel", "A payment is being sent; it cannot be cancelled now."), AMBER)
            return
        self._end(Cancelled())

    def switch_mode(self) -> bool:
        """Card form ↔ bank account form (F7). False when the form cannot switch now (being sent)."""
        if self.request is None or self.state not in EDITABLE:
            return False
        self.request.mode = PayMode.CARD if self.request.mode is PayMode.BANK else PayMode.BANK
        self.open(self.request)
        return True

    def submit(self) -> None:
        if self.state is FormState.AUTHORIZING:
            self._authorized()
            return
        if self.state is not FormState.SHOWN or self.view is None:
            return
        if not self._valid:
            self._set_status(lambda: translate("PaymentPanel", "Complete the details in the form first."), RED)
            return
        request = self.request
        if request.on_file_before is None:  # the snapshot is still loading (or failed): submit once it is here
            self.state = FormState.SUBMITTING
            self.keep_box.setEnabled(False)
            self._set_status(lambda: translate("PaymentPanel", "Reading the customer's cards on file…"))
            self._update_buttons()
            self._snapshot_waiters.append(self._submit_now)
            if len(self._snapshot_waiters) == 1:
                self._load_snapshot(self._session)
            return
        self._submit_now()

    def _submit_now(self) -> None:
        if self.state not in (FormState.SHOWN, FormState.SUBMITTING) or self.view is None or self.request is None:
            return
        self.request.keep_on_file = self.request.use is FormUse.CHARGE and self.keep_box.isChecked()
        self.keep_box.setEnabled(False)  # the choice goes with this submit
        self.state = FormState.SUBMITTING
        self._token_requests = 0
        self._token_failure = False
        self._set_status(lambda: translate("PaymentPanel", "Checking the details with PaySimple…"))
        self._update_buttons()
        self.view.bridge.send_submit()

    def _toggle_keep(self) -> None:
        if self.keep_box.isVisible() and self.keep_box.isEnabled():
            self.keep_box.toggle()

    def _update_buttons(self) -> None:
        self.submit_button.setEnabled((self.state is FormState.SHOWN and self._valid)
                                       or self.state is FormState.AUTHORIZING)
        self.switch_button.setEnabled(self.state in EDITABLE)
        self.cancel_button.setEnabled(self.state in (FormState.LOADING, FormState.SHOWN, FormState.SUBMITTING, FormState.AUTHORIZING))
        self.keep_box.setEnabled(self.state in EDITABLE)
        self.busyChanged.emit(self.state in BUSY)

    def _set_status(self, text: str | Callable[[], str], color: str = "#3e4c59") -> None:
        """The line under the form (a callable follows a language switch)."""
        self.live(self.status.setText, text if callable(text) else (lambda: text))
        self.status.setStyleSheet(f"color: {color};")

    def retranslate(self) -> None:
        """The frame's texts, and the page in the web view: its own words over the bridge, and the language
        PaySimple's form is asked for (``PaymentWebView.set_language``: the training stand-in follows it at
        once; PaySimple's real form from its next load)."""
        super().retranslate()
        if self.view is not None:
            self.view.set_language()
            if self._page_ready:
                self.view.bridge.send_texts(json.dumps(page_texts()))

    # ---- BridgeListener (page -> Python, already shape-checked by the bridge) -------------------------

    def page_ready(self) -> None:
        self._page_ready = True
        if self._pending_config is not None and self.state is FormState.LOADING:
            config, self._pending_config = self._pending_config, None
            self.view.bridge.send_configure(config)

    def form_shown(self) -> None:
        if self.state is not FormState.LOADING:
            return
        self.state = FormState.SHOWN
        self.shown_at = time.perf_counter()
        self.placeholder.setVisible(False)
        self.view.setVisible(True)
        # Keyboard first: the view takes focus now; the page then focuses PaySimple's iframe (payment.js).
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self._set_tab_order()
        if self._restarted:
            self._set_status(lambda: translate("PaymentPanel", "The secure form timed out; type the details again, then press F9."),
                             AMBER)
        else:
            self._set_status(lambda: translate("PaymentPanel", "Type the details in the form, then press F9."))
        self._update_buttons()
        self.formShown.emit()

    def validity_changed(self, valid: bool) -> None:
        if self.state not in (FormState.SHOWN, FormState.LOADING):
            return
        self._valid = valid
        self._update_buttons()

    def customer_token_requested(self) -> None:
        backend = self._backend()
        if self.state is not FormState.SUBMITTING or self.request is None or backend is None:
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
            if self.request is request and self.state is FormState.SUBMITTING and self.view is not None:
                self.view.bridge.send_customer_token(token)

        def failed(exc: BaseException) -> None:
            if self.request is request and self.state is FormState.SUBMITTING:
                self.state = FormState.SHOWN
                self._token_failure = True  # the SDK's own "no token" error that follows adds nothing
                self._set_status(lambda: fmt(translate("PaymentPanel", "PaySimple did not give permission for this customer "
                                                               "(%1). Press F9 to try again."), tr(exc)), RED)
                self._update_buttons()
                if self.view is not None:
                    self.view.bridge.send_customer_token("")

        BackgroundOp(lambda ctx: backend.customer_token(customer_id, fresh=fresh), on_done=done,
                     on_error=failed, label="customer token").start()

    def account_retrieved(self, message: AccountRetrieved) -> None:
        backend = self._backend()
        if self.state is not FormState.SUBMITTING or self.request is None or backend is None \
                or self.request.on_file_before is None:
            self._refuse("accountRetrieved")
            return
        self.state = FormState.VERIFYING
        self._update_buttons()
        request = self.request
        self._set_status(lambda: translate("PaymentPanel", "Checking the account…"))

        def verify(ctx):
            account = backend.verify_account(request.customer.id, message.account_id)
            new = account.id not in request.on_file_before
            if request.use is not FormUse.CHARGE:
                # Saving with "Update payment details" is the customer's request to keep it.
                backend.keep_on_file(request.customer.id, account, "saved with Update payment details")
                return ("saved", account, new)
            if new:  # planned BEFORE anything is charged: kept with consent, else removed later
                backend.plan_new_account(request.customer.id, account, request.keep_on_file)
            return ("verified", account, new)

        def done(result) -> None:
            if self.request is not request or self.state is not FormState.VERIFYING:
                return
            kind, account, new = result
            if kind == "saved":
                self.on_file_note = lambda: saved_note(account, new)
                self._end(Saved(account))
            elif request.mode is PayMode.BANK or not is_card(account):
                self._ask_authorization(account, new, message.payment_token)
            else:
                self._charge(account, new, message.payment_token, None)

        def failed(exc: BaseException) -> None:
            if self.request is request:
                self._end(FormFailed(tr(exc)))

        BackgroundOp(verify, on_done=done, on_error=failed, label="verify new account").start()

    # ---- bank debit authorization (after the account is known, before the payment is sent) ------------

    def _ask_authorization(self, account, new: bool, payment_token: str) -> None:
        backend, request = self._backend(), self.request
        now = backend.now()
        text = authorization_for(self._settings(), request.customer.name, account, request.amount, now)
        self._verified = (account, new, payment_token)
        self.state = FormState.AUTHORIZING
        if self.view is not None:
            self.view.setVisible(False)
        self.placeholder.setVisible(False)
        self.auth_box.show_text(text)
        self.auth_box.setVisible(True)
        self._set_status(lambda: translate("PaymentPanel", "Read the authorization to the customer. Tick the box when they "
                                                   "agree (Alt+A), then press F9 to charge. Esc cancels."))
        self._update_buttons()
        self.auth_box.agreed.setFocus(Qt.FocusReason.OtherFocusReason)

    def _authorized(self) -> None:
        text = self.auth_box.authorization()
        if text is None or self._verified is None:
            self._set_status(lambda: translate("PaymentPanel", "Tick that you read the authorization to the customer and "
                                                       "they agreed (Alt+A). Nothing is charged without it."), RED)
            self.auth_box.agreed.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        account, new, payment_token = self._verified
        self._charge(account, new, payment_token, text)

    def _abandon_verified(self) -> None:
        """Esc at the authorization: nothing is charged; the new account follows the consent box."""
        backend, request = self._backend(), self.request
        account, new, _token = self._verified
        self.state = FormState.CANCELLING
        self._update_buttons()

        def settle(ctx):
            return backend.settle_new_account(account.id) if new and backend is not None else None

        def done(record) -> None:
            if self.request is request:
                self.on_file_note = lambda: on_file_note(account, new, record, charged=False)
                self._end(Cancelled())

        BackgroundOp(settle, on_done=done, on_error=lambda exc: done(None), label="cancel new account").start()

    # ---- the charge ------------------------------------------------------------------------------------

    def _charge(self, account, new: bool, payment_token: str, authorization: str | None) -> None:
        backend, request = self._backend(), self.request
        self.state = FormState.CHARGING
        self._verified = None
        self._update_buttons()

        def work(ctx):
            ctx.progress(0, 0, Sending())
            from pos_app.counter import PaymentError

            error, attempt = None, None
            try:
                attempt = backend.charge(request.customer, account, request.amount,
                                         payment_token=payment_token,
                                         on_status=lambda event: ctx.progress(0, 0, event),
                                         ach_authorization=authorization)
            except PaymentError as exc:
                error = exc  # refused before anything was sent (lane busy, invalid amount...)
            except Exception as exc:  # noqa: BLE001
                error = ChargeFailed(tr(exc))
                error.__cause__ = exc
            record = backend.settle_new_account(account.id) if new else None
            if error is not None:
                error.on_file = (account, new, record)
                raise error
            return attempt, record

        def progress(_done, _total, event) -> None:  # Sending, then the service's StatusEvents
            def text() -> str:
                return (translate("MainWindow", "Sending the payment to PaySimple…") if isinstance(event, Sending)
                        else tr(event.message))

            self._set_status(text)
            if self.on_charge_status is not None:
                self.on_charge_status(text)

        def done(result) -> None:
            attempt, record = result
            self.on_file_note = lambda: on_file_note(account, new, record)
            self._end(Charged(attempt))

        def failed(exc: BaseException) -> None:
            from pos_app.counter import LaneBusy, NotSent

            on_file = getattr(exc, "on_file", None)
            if on_file is not None:  # ChargeFailed: outcome unknown; a PaymentError: nothing was sent
                charged = None if isinstance(exc, ChargeFailed) else False
                self.on_file_note = lambda: on_file_note(*on_file, charged=charged)
            if isinstance(exc, LaneBusy | ChargeFailed | NotSent):
                self._end(FormFailed(exc))
            else:
                self._end(FormFailed(tr(exc)))

        BackgroundOp(work, on_done=done, on_error=failed, on_progress=progress, label="charge new account").start()

    def sdk_error(self, message: SdkError) -> None:
        if self.state not in (FormState.LOADING, FormState.SHOWN, FormState.SUBMITTING):
            self._refuse("sdkError")
            return
        if self._token_failure and message.error_key == "unauthorized":
            self._token_failure = False
            return
        text = "; ".join(message.messages) or translate("PaymentPanel", "PaySimple could not process the details.")
        if self.state is FormState.SUBMITTING and not self._restarted and form_token_expired(message):
            # The 5-minute checkout token ran out while the form was open: start a fresh form once.
            request, keep = self.request, self.keep_box.isChecked()
            self.open(request)
            self.keep_box.setChecked(keep)  # the customer's answer stands; only the details are typed again
            self._restarted = True
            self._set_status(lambda: translate("PaymentPanel", "The secure form timed out; enter the details again."), AMBER)
            return
        if self.state is FormState.SUBMITTING:
            self.state = FormState.SHOWN
        self._set_status(text, RED)
        self._update_buttons()  # the consent box is open again for the next submit

    def page_cancelled(self) -> None:
        self.cancel()

    def _refuse(self, what: str) -> None:
        log.warning("payment page: %s refused in state %s", what, self.state)
        if self.view is not None:
            self.view.bridge.rejected += 1

    def _bridge_lost(self) -> None:
        active = self.state is not FormState.IDLE
        QTimer.singleShot(0, self._drop_view)
        if active and self.state not in COMMITTED:
            self._end(FormFailed(translate("PaymentPanel", "The payment form stopped working and was closed. "
                                                           "Nothing was charged.")))
