"""The sale flow on the counter window's right side: select a customer → amount → charge on file or payment
form → result, and the account changes made on the customer page (default, remove, replace expired, update
details, add an imported customer to PaySimple).

Contract:
- ``SaleFlow`` owns the sale's state (the customer on screen ``hit``, ``charging``, the charge the clerk waits
  for) and the pages it moves between (welcome, ``CustomerPanel``, ``PaymentPanel``, ``ResultView``); it
  talks to them through their methods and signals only.
- Everything slow runs on workers (``ui.common.ops.BackgroundOp``); one charge at a time: every charge action
  is refused while one is in flight (the payments service refuses a second one for the lane anyway).
- Its host (``MainWindow``) gives the counter, the lock, the status bar and the task bar (``SaleHost``); the
  flow re-emits what the window tells the shell and tests (``selectionChanged``, ``resultShown`` …).
- The accounts on screen follow the counter's ``AccountsChanged`` event (``on_event``), not the action that
  changed them; a customer edited elsewhere is shown again after ``CustomerSaved``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QStackedWidget, QWidget

from pos_app.ui.common.i18n import fmt, format_amount, tr
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.theme import AMBER, RED
from pos_app.ui.common.widgets import TaskBar, account_label
from pos_app.ui.counter.cards import card_expired, is_card
from pos_app.ui.counter.customer_panel import CustomerPanel, CvvDialog, PanelActions
from pos_app.ui.counter.payment_panel import (
    Cancelled,
    Charged,
    ChargeFailed,
    FormOutcome,
    FormRequest,
    FormState,
    FormUse,
    PaymentPanel,
    PayMode,
    Saved,
)
from pos_app.ui.counter.result_view import ResultKind, ResultView
from pos_app.ui.customers.add_to_paysimple import AddToPaySimple

if TYPE_CHECKING:
    from pos_app.counter import Attempt, CounterApi, CreditCardAccount, CustomerHit, CustomerRef, Settings
    from pos_app.ui.common.save_files import SaveFolder

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
Text = str | Callable[[], str]


class SaleSession(Protocol):
    """The run's settings (receipts, bank authorization wording) and where Save dialogs start
    (``ui.counter.main_window.CounterSession``)."""

    settings: Callable[[], Settings | None]
    save_folder: SaveFolder | None


class SaleHost(Protocol):
    """What the sale flow needs from the window around it."""

    counter: CounterApi | None
    locked: bool
    session: SaleSession
    task: TaskBar

    def refuse(self, reason: Text) -> None: ...
    def say_on_page(self, text: Text, timeout_ms: int = ...) -> None: ...
    def show_status(self, text: Text, timeout_ms: int = ..., page: bool = ...) -> None: ...
    def focus_search(self) -> None: ...
    def show_search(self, text: str) -> None: ...
    def set_results_enabled(self, enabled: bool) -> None: ...


class SaleFlow(QObject):
    selectionChanged = Signal(object)  # noqa: N815 - the customer on screen (CustomerHit) or None
    resultShown = Signal(str)  # noqa: N815 - a ResultKind (tests and benchmarks wait on it)
    accountsShown = Signal()  # noqa: N815
    customerShown = Signal()  # noqa: N815 - the selected customer's stored details (address) are on screen

    def __init__(self, host: SaleHost, parent: QWidget, stack: QStackedWidget, welcome: QWidget,
                 customer_page: CustomerPanel, panel: PaymentPanel, result: ResultView) -> None:
        super().__init__(parent)
        self.host, self.parent_widget = host, parent
        self.stack, self.welcome, self.customer_page, self.panel, self.result = (stack, welcome, customer_page,
                                                                                 panel, result)
        self.hit: CustomerHit | None = None
        self.charging = False
        self.last_mode = PayMode.CARD
        self._replacing: CreditCardAccount | None = None
        self._repeat_check_running = False
        self._charge_op: BackgroundOp | None = None  # the charge the clerk is waiting for
        self._charge_seen: dict[str, str] = {}
        self._detached_charges: set[BackgroundOp] = set()  # charges the clerk stopped waiting for
        self._emailing = None
        page = customer_page
        page.accountChosen.connect(self.update_actions)
        page.amountChanged.connect(self.update_actions)
        page.amountEntered.connect(self._amount_entered)
        page.makeDefault.connect(self.set_default)
        page.removeAccount.connect(self.remove_account)
        page.replaceExpired.connect(self.replace_expired)
        page.updateDetails.connect(self.update_details)
        page.chargeOnFile.connect(self.charge_on_file)
        page.newCard.connect(lambda: self.new_account_form(PayMode.CARD))
        page.newBankAccount.connect(lambda: self.new_account_form(PayMode.BANK))
        self.adder = AddToPaySimple(page.add_button, page.say, self.show_customer, parent)
        self.adder.finished.connect(lambda _outcome: self.update_actions())
        page.addToPaySimple.connect(self.add_to_paysimple)
        panel.finished.connect(self._form_finished)
        panel.busyChanged.connect(self._set_charging)
        panel.on_charge_status = lambda text: host.say_on_page(text, 8000)
        result.newSale.connect(self.new_sale)
        result.tryAnother.connect(lambda: self.new_account_form(self.last_mode))
        result.backToCustomer.connect(self.back_to_customer)
        result.checkAgain.connect(self.check_again)
        result.receipt.connect(self.show_receipt)
        result.emailReceipt.connect(self.email_result_receipt)
        result.printAndEmail.connect(self._print_and_email)

    # ---- where the flow is ------------------------------------------------------------------------------

    def page(self) -> QWidget:
        return self.stack.currentWidget()

    def form_open(self) -> bool:
        return self.page() is self.panel and self.panel.state is not FormState.IDLE

    def busy(self) -> bool:
        """A payment is in flight or a payment form is open (the idle lock waits for it)."""
        return self.charging or self.form_open()

    def unconfirmed_on_screen(self) -> bool:
        """The result screen shows a payment whose outcome is not known (F5 checks it; no new sale)."""
        return self.page() is self.result and self.result.kind is ResultKind.UNKNOWN

    def why_no_payment(self) -> Callable[[], str] | None:
        """Why no payment, payment form or card change can start now (None: one can), as a producer of the
        sentence in the language of the moment. Every key and button that would start one says this instead
        of doing nothing."""
        if self.host.counter is None:
            return lambda: translate("MainWindow", "The counter is still starting; try again in a moment.")
        if self.charging:
            return lambda: translate("MainWindow", "A payment is being sent to PaySimple: wait for its answer.")
        if self.form_open():
            return lambda: translate("MainWindow", "The payment form is open: F9 submits it, Esc cancels it.")
        if self.hit is None:
            return lambda: translate("MainWindow", "First find the customer: Ctrl+F, then ↑↓ and Enter.")
        if self.hit.paysimple_id is None:
            return lambda: translate("MainWindow", "This customer came from an import and is not in PaySimple yet. Add to "
                                           "PaySimple (Enter) to take payments.")
        if self.unconfirmed_on_screen():
            return lambda: translate("MainWindow", "This payment is not confirmed yet: F5 checks it with PaySimple. "
                                           "Do not charge again.")
        return None

    def _say(self, text: Text, color: str = "#3e4c59") -> None:
        self.customer_page.say(text, color)

    def _today(self):
        counter = self.host.counter
        return counter.today() if counter is not None else None

    def _customer_ref(self) -> CustomerRef | None:
        if self.hit is None or self.hit.paysimple_id is None:
            return None
        from pos_app.counter import CustomerRef

        return CustomerRef(self.hit.paysimple_id, self.hit.display_name)

    # ---- the customer ---------------------------------------------------------------------------------

    def select_customer(self, hit: CustomerHit) -> None:
        if self.host.locked:
            return
        if self.charging or self.form_open():
            self.host.refuse(lambda: translate("MainWindow", "A payment is under way: finish it before choosing another "
                                                "customer."))
            return
        page = self.customer_page
        if self.hit is None or self.hit.id != hit.id:
            page.clear_amount()  # an amount typed for one customer is never charged to the next one
        self.hit = hit
        self.selectionChanged.emit(hit)
        page.show_customer(hit)
        counter = self.host.counter
        if counter is not None:  # the stored row (address) and "seen at this counter": on a worker

            def stored(row) -> None:
                if self.hit is hit and row is not None:
                    page.show_customer(hit, row)
                    self.customerShown.emit()

            BackgroundOp(lambda ctx: counter.customer(hit.id), on_done=stored, on_error=lambda e: log.warning(
                "customer %s unreadable: %s", hit.id, type(e).__name__), label="customer").start()
        page.show_local_only(hit.local_only)
        page.say("")
        self.stack.setCurrentWidget(page)
        if hit.local_only:
            page.show_note(lambda: translate(
                "MainWindow", "This customer came from an import and is not in PaySimple yet. Add to PaySimple "
                              "(Enter) to take payments."))
        else:
            page.show_note(lambda: translate("MainWindow", "Loading cards and bank accounts…"))
            self.reload_accounts()
            BackgroundOp(lambda ctx: counter.prefetch_checkout_token(), on_error=lambda e: None,
                         label="checkout token").start()
        self.update_actions()
        if hit.local_only and page.focus_add_to_paysimple():
            return
        page.focus_amount(select=True)

    @staticmethod
    def hit_for(stored) -> CustomerHit:
        from pos_app.counter import CustomerHit, format_phone

        r = stored.record
        return CustomerHit(stored.id, stored.paysimple_id, stored.display_name, r.company, format_phone(r.phone),
                           r.email, r.city, r.customer_account, stored.last_seen_at, "id")

    def show_customer(self, stored) -> None:
        """Open a customer the clerk just saved (the customer dialog's ``saved``): the search lists them and,
        unless a payment is under way, they are on screen."""
        if stored is None or self.host.counter is None or self.host.locked or self.charging:
            return
        r = stored.record
        self.host.show_search(" ".join(p for p in (r.first_name, r.last_name) if p))  # debounced, on its worker
        self.select_customer(self.hit_for(stored))

    def add_to_paysimple(self) -> None:
        """The imported customer on screen into PaySimple (``ui.customers.add_to_paysimple``)."""
        if self.host.locked or self.charging or self.hit is None or self.page() is not self.customer_page:
            return
        self.adder.start(self.host.counter, self.hit)

    def reload_accounts(self) -> None:
        hit, counter = self.hit, self.host.counter
        if hit is None or counter is None or hit.paysimple_id is None:
            return

        def show(accounts):
            if self.hit is not hit:
                return
            self.customer_page.show_accounts(accounts.credit_cards, accounts.ach_accounts, self._today())
            self.update_actions()
            self.accountsShown.emit()

        def failed(exc):
            if self.hit is hit:
                self.customer_page.show_note(lambda: fmt(translate("MainWindow", "Could not load the payment methods: %1"),
                                                         tr(exc)))

        BackgroundOp(lambda ctx: counter.accounts(hit.paysimple_id), on_done=show, on_error=failed,
                     label="accounts").start()

    def on_event(self, event) -> None:
        """The change broadcast (GUI thread): what is on screen follows the change, whoever made it."""
        from pos_app.counter import AccountsChanged, CustomerSaved

        if isinstance(event, CustomerSaved):
            if self.hit is not None and self.hit.id == event.customer.id:
                hit = self.hit_for(event.customer)
                if hit != self.hit and not self.host.locked and not self.charging \
                        and self.page() is self.customer_page:
                    self.select_customer(hit)  # the customer on screen changed: show the new details
        elif isinstance(event, AccountsChanged):
            hit = self.hit
            if hit is not None and hit.paysimple_id is not None and event.paysimple_id in (None, hit.paysimple_id) \
                    and self.page() is self.customer_page:
                self.reload_accounts()

    def update_actions(self) -> None:
        on_file = self.customer_page.current_account() if self.hit else None
        counter = self.host.counter
        can_pay = bool(counter and self.hit and self.hit.paysimple_id and not self.charging)
        expired = is_card(on_file) and card_expired(on_file, self._today())
        self.customer_page.set_actions(PanelActions(
            charge_on_file=can_pay and on_file is not None and not expired,
            new_account=can_pay,
            make_default=can_pay and on_file is not None and not on_file.is_default and not expired,
            remove=can_pay and on_file is not None,
            replace_expired=can_pay and expired,
            add_to_paysimple=bool(counter and self.hit and self.hit.local_only and not self.charging
                                  and self.adder.running is None),
            bank_on_file=on_file is not None and not is_card(on_file)))

    def _amount_entered(self) -> None:
        """Enter in the amount box: on to "Charge card on file" (its Enter charges), or why it cannot."""
        reason = self.why_no_payment()
        if reason is not None:
            self.host.refuse(reason)
        elif self.customer_page.require_amount() is not None and self.customer_page.can_charge_on_file():
            self.customer_page.focus_charge_on_file()

    # ---- charge on file ---------------------------------------------------------------------------------

    def _why_not_on_file(self, account) -> Callable[[], str] | None:
        """Why the selected account on file cannot be charged (None: it can)."""
        if account is None:
            return lambda: translate("MainWindow", "No card or bank account on file is selected: F6 new card, F7 "
                                                   "bank account.")
        if is_card(account) and card_expired(account, self._today()):
            return lambda: translate("MainWindow", "This card has expired: replace it or choose another.")
        return None

    def charge_on_file(self) -> None:
        customer, account = self._customer_ref(), self.customer_page.current_account()
        if self.host.locked:
            return
        reason = self.why_no_payment() or self._why_not_on_file(account)
        if reason is not None:
            self.host.refuse(reason)
            return
        if customer is None or account is None or not self.customer_page.can_charge_on_file():
            return
        amount = self.customer_page.require_amount()
        if amount is None:
            return
        self.unless_repeat(customer, amount, lambda: self._confirm_on_file(customer, account, amount))

    def unless_repeat(self, customer: CustomerRef, amount: Decimal, then) -> None:
        """Issue 13 §3: before a charge, look for the same customer + amount in the last 10 minutes (any lane,
        on a worker). Found: the clerk sees it and must choose "Charge again" explicitly (Enter does not)."""
        counter = self.host.counter
        if counter is None or self._repeat_check_running:
            return
        self._repeat_check_running = True
        self._say(lambda: translate("MainWindow", "Checking recent payments…"))

        def done(earlier) -> None:
            self._repeat_check_running = False
            self._say("")
            if self.host.locked or self.hit is None or self._customer_ref() != customer:
                return  # locked or another customer picked meanwhile: the clerk starts again
            if earlier:
                from pos_app.ui.counter.repeat_charge import RepeatChargeDialog

                dialog = RepeatChargeDialog(self.parent_widget, customer.name, amount, earlier, counter.clerk_name)
                dialog.exec()
                if not dialog.charge_again:
                    self._say(lambda: translate("MainWindow", "Not charged again."))
                    return
            then()

        def failed(exc) -> None:
            self._repeat_check_running = False
            self._say(lambda: fmt(translate("MainWindow", "Could not check recent payments: %1"), tr(exc)), RED)

        BackgroundOp(lambda ctx: counter.recent_charges(customer.id, amount), on_done=done, on_error=failed,
                     label="repeat check").start()

    def _confirm_on_file(self, customer: CustomerRef, account, amount: Decimal) -> None:
        current = self.customer_page.current_account()
        if self.host.locked or self.charging or current is None or current.id != account.id:
            return  # locked, busy, or the clerk chose another account meanwhile (the list may have reloaded)
        account = current
        if not is_card(account):  # a bank debit: the customer's authorization first (issue 13 §6)
            from pos_app.ui.counter.ach_authorization import AchAuthorizationDialog, authorization_for

            now, settings = self.host.counter.now(), self.host.session.settings()
            dialog = AchAuthorizationDialog(
                self.parent_widget, lambda: fmt(translate("MainWindow", "Charge %1 to %2 %3 for %4?"),
                                                format_amount(amount), *account_label(account), customer.name),
                lambda: authorization_for(settings, customer.name, account, amount, now))
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.text is None:
                return
            self._charge(customer, account, amount, None, ach_authorization=dialog.text)
            return
        amex = is_card(account) and (account.issuer or "").lower().startswith("amex")
        dialog = CvvDialog(self.parent_widget, lambda: fmt(translate("MainWindow", "Charge %1 to %2 %3 for %4?"),
                                                           format_amount(amount), *account_label(account),
                                                           customer.name),
                           cvv_digits=4 if amex else 3)
        dialog.cvv.setVisible(is_card(account))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._charge(customer, account, amount, dialog.value() if is_card(account) else None)

    def _charge(self, customer: CustomerRef, account, amount: Decimal, cvv: str | None,
                ach_authorization: str | None = None) -> None:
        counter, task = self.host.counter, self.host.task
        self._set_charging(True)
        self._say(lambda: translate("MainWindow", "Sending the payment to PaySimple…"))
        task.show_progress(lambda: translate("MainWindow", "Charging…"), cancellable=False)
        seen: dict[str, str] = {}

        def status(event) -> None:  # worker thread
            seen["attempt_id"] = event.attempt_id

        def work(ctx):
            return counter.charge(customer, account, amount, cvv=cvv,
                                  on_status=lambda event: (status(event), ctx.progress(0, 0, event.message)),
                                  ach_authorization=ach_authorization)

        def progress(_d, _t, message):
            if op is not self._charge_op:
                return  # the clerk stopped waiting; the worker goes on in the background
            self._say(lambda: tr(message))
            # Once the payment has been sent, the clerk may stop waiting for PaySimple (issue 13 §4).
            task.show_progress(lambda: tr(message), cancellable="attempt_id" in seen)
            task.set_cancel_text(lambda: translate("MainWindow", "Stop waiting"))

        op = BackgroundOp(work, on_done=lambda attempt: self._charged(attempt, op),
                          on_error=lambda exc: self._charge_failed(exc, op, amount), on_progress=progress,
                          label="charge on file")
        self._charge_op, self._charge_seen = op, seen
        op.start()

    def waiting_for_charge(self) -> bool:
        """A charge the clerk waits for is running (the task bar's Cancel is "Stop waiting")."""
        return self._charge_op is not None

    def stop_waiting(self) -> None:
        """The clerk stops waiting for a payment that is still being sent or checked. The worker goes on (the
        lane stays blocked by the journal and the lane lock, so no second charge can start); the screen shows
        the payment as not confirmed, and the outcome replaces it when it arrives."""
        op, seen = self._charge_op, self._charge_seen
        if op is None or "attempt_id" not in seen:
            return
        self._charge_op = None
        self._detached_charges.add(op)
        self._set_charging(False)
        self.host.task.done()
        self._say("")
        attempt_id, counter = seen["attempt_id"], self.host.counter
        log.info("clerk stopped waiting for payment %s; it goes on in the background", attempt_id)
        BackgroundOp(lambda ctx: counter.attempt(attempt_id), on_done=self._show_detached,
                     on_error=lambda e: None, label="payment status").start()

    def _show_detached(self, attempt: Attempt) -> None:
        self._sale_finished(attempt)
        self.show_result_attempt(attempt)
        if not attempt.is_resolved:
            self.result.show_message(lambda: translate("MainWindow", "Sent to PaySimple; no answer yet.") + "\n"
                + translate("MainWindow", "Do not charge again. Still being checked in the background: this screen "
                                          "changes when PaySimple answers."))

    def _finished_detached(self, attempt: Attempt | None, op) -> bool:
        """A payment the clerk stopped waiting for has finished. True when it was one of those."""
        if op not in self._detached_charges:
            return False
        self._detached_charges.discard(op)
        if attempt is None:
            return True
        shown = self.page() is self.result and self.result.attempt is not None \
            and self.result.attempt.id == attempt.id
        if shown:
            self.show_result_attempt(attempt)
        else:
            from pos_app.ui.payments.payment_texts import state_label

            self.host.show_status(lambda: fmt(translate("MainWindow", "Payment %1 for %2: %3"), attempt.id,
                                              attempt.customer_name, state_label(attempt.state)), 30000)
        return True

    def _set_charging(self, charging: bool) -> None:
        self.charging = charging
        self.host.set_results_enabled(not charging and self.host.counter is not None)
        self.update_actions()

    def _charged(self, attempt: Attempt, op=None) -> None:
        if self._finished_detached(attempt, op):
            return
        self._charge_op = None
        self._set_charging(False)
        self.host.task.done()
        self._say("")
        self._sale_finished(attempt)
        self.show_result_attempt(attempt)

    def _charge_failed(self, exc: BaseException, op=None, amount: Decimal | None = None) -> None:
        if self._finished_detached(None, op):
            log.error("a payment the clerk stopped waiting for failed: %s", type(exc).__name__)
            return
        self._charge_op = None
        self._set_charging(False)
        self.host.task.done()
        from pos_app.counter import LaneBusy, NotSent, PaymentError

        if isinstance(exc, NotSent):  # the journal refused the attempt before anything was sent: not charged
            self._show_not_sent(exc, amount)
        elif isinstance(exc, LaneBusy) and exc.blocking is not None:
            self.show_blocking(exc.blocking)
        elif isinstance(exc, LaneBusy):
            self._say(tr(exc), AMBER)
        elif isinstance(exc, PaymentError | ValueError):
            self._say(tr(exc), RED)
        else:
            self.result.show_error(lambda: fmt(translate("MainWindow", "The payment could not be completed: %1"), tr(exc)),
                                   charge_started=True)
            self.stack.setCurrentWidget(self.result)
            self.resultShown.emit(ResultKind.ERROR)

    def _show_not_sent(self, exc, amount: Decimal | None = None) -> None:
        self.result.show_not_sent(exc, amount)
        self.stack.setCurrentWidget(self.result)
        self.resultShown.emit(ResultKind.NOT_CHARGED)

    def show_blocking(self, attempt: Attempt) -> None:
        """Another payment on this lane is not settled yet: show it, so the clerk can check it (F5)."""
        self.show_result_attempt(attempt)
        self.host.say_on_page(lambda: translate("MainWindow", "An earlier payment on this lane must be confirmed before a "
                                                              "new one."), 15000)

    def _sale_finished(self, attempt: Attempt) -> None:
        """This sale's charge came back: unless it surely took no money, its amount is not offered again."""
        from pos_app.counter import State

        if attempt.state not in (State.DECLINED, State.ABSENT, State.REJECTED):
            self.customer_page.clear_amount()

    def show_result_attempt(self, attempt: Attempt) -> None:
        self.result.show_attempt(attempt)
        self.stack.setCurrentWidget(self.result)
        # The keyboard goes to the result screen, never stays in the search box (Enter there would pick the
        # customer again and leave a payment that is not confirmed): "Check again" is not an Enter button.
        self.result.focus_default()
        self.host.say_on_page(lambda: f"{self.result.headline()} · {format_amount(attempt.amount)}", 10000)
        self.resultShown.emit(self.result.kind)

    # ---- the payment form -------------------------------------------------------------------------------

    def _may_open_form(self) -> bool:
        """Whether a payment form may open now; when not, the clerk is told why (nothing while locked)."""
        if self.host.locked:
            return False
        reason = self.why_no_payment()
        if reason is not None:
            self.host.refuse(reason)
            return False
        return True

    def new_account_form(self, mode: PayMode) -> None:
        if not self._may_open_form():
            return
        customer, page = self._customer_ref(), self.customer_page
        amount = page.require_amount() if self.page() is page else page.amount_value()
        if amount is None:
            self.stack.setCurrentWidget(page)
            page.require_amount()
            return
        self.unless_repeat(customer, amount, lambda: self._open_charge_form(customer, mode, amount))

    def _open_charge_form(self, customer: CustomerRef, mode: PayMode, amount: Decimal) -> None:
        if self.host.locked or self.charging or self.form_open():
            return
        self.last_mode = mode
        self._replacing = None
        self.stack.setCurrentWidget(self.panel)
        self.panel.open(FormRequest(customer, mode, FormUse.CHARGE, amount))

    def switch_form_mode(self) -> None:
        """F7 on an open form: card ⇄ bank account (refused while the payment is being sent)."""
        if not self.panel.switch_mode():
            self.host.refuse(lambda: translate("MainWindow", "The form cannot switch now: the payment is being sent."))

    def update_details(self, replacing: CreditCardAccount | None = None) -> None:
        if not self._may_open_form():
            return
        customer = self._customer_ref()
        self._replacing = replacing
        self.stack.setCurrentWidget(self.panel)
        self.panel.open(FormRequest(customer, PayMode.CARD, FormUse.UPDATE))

    def replace_expired(self) -> None:
        account = self.customer_page.current_account()
        if is_card(account) and card_expired(account, self._today()):
            self.update_details(replacing=account)

    def _form_finished(self, outcome: FormOutcome) -> None:
        self._set_charging(False)
        note = self.panel.on_file_note  # what happened to the form's card / bank account on file
        if isinstance(outcome, Charged):
            self._sale_finished(outcome.attempt)
            self.show_result_attempt(outcome.attempt)
            self.result.set_on_file_note(note)
        elif isinstance(outcome, Saved):
            replacing = self._replacing
            self._saved(outcome.account)
            if replacing is not None:  # "Replace expired": the new card takes the old one's place (and default)
                note = ((lambda: translate("MainWindow", "It replaces the expired card, which is removed; it is now "
                                                         "the default card.")) if replacing.is_default
                        else (lambda: translate("MainWindow", "It replaces the expired card, which is removed.")))
            self.result.set_on_file_note(note)
        elif isinstance(outcome, Cancelled):
            self.back_to_customer()
            self._say(lambda: " ".join(p for p in (translate("MainWindow", "Cancelled. Nothing was charged."),
                                                   note() if callable(note) else note) if p))
        else:
            from pos_app.counter import LaneBusy, NotSent

            error = outcome.error
            if isinstance(error, LaneBusy) and error.blocking is not None:
                self.show_blocking(error.blocking)
                return
            if isinstance(error, NotSent):
                self._show_not_sent(error)
                self.result.set_on_file_note(note)
                return
            self.result.show_error(lambda: tr(error), charge_started=isinstance(error, ChargeFailed))
            self.result.set_on_file_note(note)
            self.stack.setCurrentWidget(self.result)
            self.resultShown.emit(ResultKind.ERROR)

    def _saved(self, account) -> None:
        """A card saved by "Update payment details". The list on the customer page follows the counter's
        ``AccountsChanged`` (published by the save and by the swap of a replaced card)."""
        old, hit, counter = self._replacing, self.hit, self.host.counter
        self._replacing = None
        if old is not None and counter is not None and hit is not None:
            def swap(ctx):
                if old.is_default:
                    counter.set_default(hit.paysimple_id, account)
                counter.remove_account(old)
            BackgroundOp(swap, on_error=lambda e: self._say(lambda: fmt(translate(
                "MainWindow", "The new card is saved, but the old one could not be removed: %1"), e), AMBER),
                label="replace card").start()
        self.result.show_saved(account, hit.display_name if hit else "")
        self.stack.setCurrentWidget(self.result)
        self.result.focus_back()
        self.resultShown.emit(ResultKind.SAVED)

    # ---- accounts on file -------------------------------------------------------------------------------

    def why_not_this_account(self, make_default: bool) -> Callable[[], str] | None:
        """Why the account selected in the customer's list cannot be made the default (``make_default``) or
        removed now (None: it can)."""
        reason = self.why_no_payment()
        if reason is not None:
            return reason
        if self.page() is not self.customer_page:
            return lambda: translate("MainWindow", "Cards and bank accounts are changed on the customer screen: Esc "
                                                   "goes back to it.")
        account = self.customer_page.current_account()
        if account is None:
            return lambda: translate("MainWindow", "No card or bank account is selected in the customer's list.")
        if make_default and account.is_default:
            return lambda: translate("MainWindow", "The selected card or bank account is already the default.")
        if make_default and is_card(account) and card_expired(account, self._today()):
            return lambda: translate("MainWindow", "This card has expired: replace it or choose another.")
        return None

    def set_default(self) -> None:
        """The selected account becomes the default; the list follows ``AccountsChanged``."""
        account, hit, counter = self.customer_page.current_account(), self.hit, self.host.counter
        reason = self.why_not_this_account(make_default=True)
        if reason is not None:
            self.host.refuse(reason)
            return
        if not self.customer_page.can_make_default() or account is None or hit is None:
            return
        self._say(lambda: translate("MainWindow", "Making it the default…"))
        BackgroundOp(lambda ctx: counter.set_default(hit.paysimple_id, account),
                     on_done=lambda _r: self._say(lambda: translate("MainWindow", "Default payment method changed.")),
                     on_error=lambda e: self._say(lambda: fmt(translate("MainWindow", "Could not change the default: %1"),
                                                              tr(e)), RED),
                     label="set default").start()

    def remove_account(self) -> None:
        """The selected account leaves the customer's file (asked first); the list follows ``AccountsChanged``."""
        account, counter = self.customer_page.current_account(), self.host.counter
        reason = self.why_not_this_account(make_default=False)
        if reason is not None:
            self.host.refuse(reason)
            return
        if not self.customer_page.can_remove() or account is None:
            return
        kind, number = account_label(account)
        answer = QMessageBox.question(self.parent_widget, translate("MainWindow", "Remove payment method"),
                                      fmt(translate("MainWindow", "Remove %1 %2 from %3's account?"), kind, number,
                                          self.hit.display_name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._say(lambda: translate("MainWindow", "Removing…"))
        BackgroundOp(lambda ctx: counter.remove_account(account),
                     on_done=lambda _r: self._say(lambda: fmt(translate("MainWindow", "%1 %2 removed."),
                                                              *account_label(account))),
                     on_error=lambda e: self._say(lambda: fmt(translate("MainWindow", "Could not remove it: %1"), tr(e)), RED),
                     label="remove account").start()

    # ---- after the result -------------------------------------------------------------------------------

    def back_to_customer(self) -> None:
        if self.hit is None:
            self.stack.setCurrentWidget(self.welcome)
            self.host.focus_search()
            return
        self.stack.setCurrentWidget(self.customer_page)
        self.reload_accounts()
        self.customer_page.focus_amount()

    def new_sale(self) -> None:
        self.hit = None
        self.selectionChanged.emit(None)
        self.customer_page.clear_amount()
        self.customer_page.say("")
        self.stack.setCurrentWidget(self.welcome)
        self.host.show_search("")
        self.host.focus_search()
        self.update_actions()

    def check_again(self) -> None:
        attempt, counter, task = self.result.attempt, self.host.counter, self.host.task
        if attempt is None or counter is None:
            return
        task.show_progress(lambda: translate("MainWindow", "Checking with PaySimple…"), cancellable=False)
        BackgroundOp(lambda ctx: counter.resolve(attempt), on_done=lambda a: (task.done(), self.show_result_attempt(a)),
                     on_error=lambda e: (task.done(), self.host.say_on_page(
                         lambda: fmt(translate("MainWindow", "Still could not check: %1"), tr(e)), 8000)),
                     label="check again").start()

    def why_no_receipt(self, email: bool) -> Callable[[], str] | None:
        if self.page() is not self.result:
            return lambda: translate("MainWindow", "Receipts are printed or e-mailed on the payment's result screen, or "
                                           "from Payment history (Ctrl+H).")
        if not self.result.has_receipt():
            return lambda: translate("MainWindow", "This screen has no receipt: no payment was recorded, or it is not "
                                           "confirmed yet.")
        if email and not self.result.can_email():
            return lambda: translate("MainWindow", "PaySimple e-mails receipts only for payments it recorded; print this "
                                           "one (Ctrl+P).")
        return None

    def _print_and_email(self) -> None:
        self.email_result_receipt()
        self.show_receipt()

    def receipt_key(self, email: bool, print_too: bool = False) -> None:
        """Ctrl+P (print), Ctrl+M (e-mail), Ctrl+B (both) on the result screen, or why not."""
        reason = self.why_no_receipt(email=email)
        if reason is not None:
            self.host.refuse(reason)
        elif not email:
            self.show_receipt()
        elif print_too:
            self._print_and_email()
        else:
            self.email_result_receipt()

    def email_result_receipt(self) -> None:
        """PaySimple e-mails the result screen's receipt to the customer's address on file (named, asked)."""
        attempt, counter = self.result.attempt, self.host.counter
        if attempt is None or counter is None or (self._emailing is not None and not self._emailing.finished):
            return
        from pos_app.ui.payments.receipt_email import EmailReceipt

        result = self.result

        def said(text, colour: str, _outcome: str) -> None:
            if result.attempt is attempt:  # still this payment's screen
                result.set_receipt_message(text, colour)

        self._emailing = EmailReceipt(self.parent_widget, counter, attempt, said)
        self._emailing.start()

    def show_receipt(self):
        """The receipt of the payment on the result screen (print / PDF come with the dialog)."""
        attempt = self.result.attempt
        if attempt is None:
            return None
        from pos_app.counter import Settings, receipt_for, store_timezone
        from pos_app.ui.payments.receipt_print import ReceiptDialog

        session, counter = self.host.session, self.host.counter
        settings = session.settings() or Settings()
        signed_in = counter.signed_in if counter is not None else None
        receipt = receipt_for(attempt, settings.merchant, store_timezone(settings.store_timezone),
                              clerk_name=signed_in.name if signed_in is not None else None)
        dialog = ReceiptDialog(receipt, self.parent_widget, save_folder=session.save_folder)
        dialog.open()
        return dialog

    def result_enter(self) -> None:
        """Enter on the result screen (no button has the keyboard): the screen's default button — "Try another
        card" after a decline, "New sale" after a payment — and never a new sale while the outcome is unknown."""
        button = self.result.default_button()
        if button is None:
            self.host.refuse(lambda: translate("MainWindow", "This payment is not confirmed yet: F5 checks it with "
                                                             "PaySimple. Do not charge again."))
        elif button.isEnabled():
            button.click()
