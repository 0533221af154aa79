"""The counter window: search on the left; customer, payment methods, amount and actions on the right.

Screens on the right (a stack): welcome → customer → payment form → result. Everything slow (gateway
start, sync, accounts, tokens, charges) runs on workers (``ui.ops``); the window never blocks. One charge at
a time: every charge action is disabled while one is in flight, and the payments service refuses a second
one for the lane anyway (``LaneBusy``).
Keyboard: Ctrl+F/F2 search, ↑/↓ + Enter pick a customer, F5 charge the card on file, F6 new card, F7 bank
account, F8 update payment details, F9 submit the form, Esc cancel/back; the hint line lists them. A key that
cannot act now says why in the status bar (``refuse``, ``why_no_payment``; decision 0361); the window's shortcuts
win over the text boxes' own line-edit keys (``ui.common.keys``, 0360). Status-bar messages about a page go
when the page is left (``say_on_page``, 0365); who is signed in is in the banner.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.config import Environment
from pos_app.ui.common.banner import environment_name
from pos_app.ui.common.events import EventRelay
from pos_app.ui.common.i18n import Retranslating, fmt, format_amount, tr
from pos_app.ui.common.keys import shortcuts_first
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.save_files import SaveFolder
from pos_app.ui.common.theme import AMBER, RED
from pos_app.ui.common.widgets import EnvBanner, ResultsList, TaskBar, account_label
from pos_app.ui.counter.cards import card_expired, is_card
from pos_app.ui.counter.customer_panel import CustomerPanel, CvvDialog, section
from pos_app.ui.counter.payment_panel import (
    Cancelled,
    Charged,
    ChargeFailed,
    FormOutcome,
    FormRequest,
    FormState,
    PaymentPanel,
    Saved,
)
from pos_app.ui.counter.result_view import ResultView
from pos_app.ui.customers.add_to_paysimple import AddToPaySimple

if TYPE_CHECKING:  # the core packages load on a worker after the window shows (start-up time)
    from pathlib import Path

    from pos_app.counter import (
        Approval,
        Attempt,
        ClerksApi,
        CounterApi,
        CounterStart,
        CreditCardAccount,
        CustomerHit,
        CustomerRef,
        RestoreReport,
        Settings,
    )

log = logging.getLogger(__name__)
SEARCH_SLOW_MS = 400  # a search still unanswered after this says "Searching…"

translate = QCoreApplication.translate


def hint_text() -> str:
    """The key line at the bottom (in the UI language)."""
    return "   ·   ".join((
        translate("MainWindow", "Ctrl+F Search"), translate("MainWindow", "↑↓ Enter Select"),
        translate("MainWindow", "F5 Charge card on file"), translate("MainWindow", "F6 New card"),
        translate("MainWindow", "F7 Bank account"), translate("MainWindow", "F8 Update payment details"),
        translate("MainWindow", "F9 Submit"), translate("MainWindow", "Esc Cancel / back")))


def welcome_html() -> str:
    step1 = fmt(translate("MainWindow", "Find the customer (%1), choose with %2 and %3"),
                "<b>Ctrl+F</b>", "<b>↑ ↓</b>", "<b>" + translate("MainWindow", "Enter", "the key") + "</b>")
    step3 = fmt(translate("MainWindow", "%1 card on file · %2 new card · %3 bank account"),
                "<b>F5</b>", "<b>F6</b>", "<b>F7</b>")
    return ("<div style='font-size:22px; font-weight:700; color:#111827'>"
            + translate("MainWindow", "Take a payment") + "</div>"
            "<table align='center' cellpadding='6' style='margin-top:14px; font-size:15px; color:#3e4c59'>"
            f"<tr><td><b>1</b></td><td>{step1}</td></tr>"
            "<tr><td><b>2</b></td><td>" + translate("MainWindow", "Type the amount") + "</td></tr>"
            f"<tr><td><b>3</b></td><td>{step3}</td></tr></table>")


@dataclass(frozen=True)
class CounterSession:
    """What the window needs from the shell beyond its counter: the run's settings (merchant, store time zone,
    for receipts), where Save dialogs start (``ui.common.save_files.SaveFolder``) and, for a counter that could
    not start (a damaged journal), the run's clerk desk to approve the restore and the restore itself
    (``Setup.restore_journal``). Clerk names and who is signed in come from the counter (``CounterApi``
    includes the clerk desk)."""

    settings: Callable[[], Settings | None] = lambda: None
    clerks: ClerksApi | None = None
    restore_journal: Callable[[Path, Path, Approval], RestoreReport] | None = None
    save_folder: SaveFolder | None = None


def _panel() -> QFrame:
    frame = QFrame()
    frame.setObjectName("panel")
    return frame


class MainWindow(Retranslating, QMainWindow):
    counterReady = Signal()  # noqa: N815 - the application service is attached (``counter``)
    selectionChanged = Signal(object)  # noqa: N815 - the customer on screen (CustomerHit) or None
    resultShown = Signal(str)  # noqa: N815 - "approved" | "declined" | ... (tests and benchmarks wait on it)
    accountsShown = Signal()  # noqa: N815
    customerShown = Signal()  # noqa: N815 - the selected customer's stored details (address) are on screen
    lockedChanged = Signal(bool)  # noqa: N815
    # The native window was re-created (Qt does this when the payment web view first joins the window): modal
    # dialogs and event filters attached to the old one must be attached again (the shell listens).
    nativeWindowChanged = Signal()  # noqa: N815
    signInRequested = Signal()  # noqa: N815 - the cover's "Sign in" button (the shell raises its dialog)
    userActivity = Signal()  # noqa: N815 - input the windows' event filters cannot see (shortcut keys)
    keyRefused = Signal(str)  # noqa: N815 - a key or menu entry that cannot act now; the reason (status bar)

    def __init__(self, environment: Environment = Environment.TRAINING, lane: str = "LANE1") -> None:
        super().__init__()
        self.environment = environment
        self.lane = lane
        self.counter: CounterApi | None = None
        self._start_request: CounterStart | None = None
        self.events = EventRelay(self)
        self.events.event.connect(self._counter_event)
        self.hit: CustomerHit | None = None
        self.charging = False
        self.last_mode = "cc"
        self._replacing: CreditCardAccount | None = None
        self._search_seq = 0
        self._search_answered = 0  # the newest search whose answer (hits or error) is on screen
        self.shown_query: str | None = None  # the query whose results are on screen
        self._startup_op: BackgroundOp | None = None
        self._repeat_check_running = False
        self._charge_op: BackgroundOp | None = None  # the charge the clerk is waiting for
        self._charge_seen: dict[str, str] = {}
        self._detached_charges: set[BackgroundOp] = set()  # charges the clerk stopped waiting for
        self.locked = True  # nobody signed in yet: the counter shows and accepts nothing (``set_locked``)
        self.session = CounterSession()
        self.shell = None  # the app keeps its shell here for shutdown; the window itself never uses it
        self.live(self.setWindowTitle, lambda: fmt(translate("MainWindow", "Counter · PaySimple (%1)"), environment_name(environment)))
        self.resize(1280, 800)
        self._page_message = ""  # the status bar's message that belongs to the page on screen
        self._last_page: QWidget | None = None
        self._build()
        self._shortcuts()
        self._set_enabled_for_backend(False)
        self._apply_locked()

    # ---- layout --------------------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget(self)
        central.setObjectName("central")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.banner = EnvBanner(self.environment, self.lane, central)
        # Who is signed in, at the right end of the banner (the banner's colours; empty while nobody is).
        self.signed_in = QLabel(central)
        self.signed_in.setObjectName("signedIn")
        self.signed_in.setStyleSheet(self.banner.styleSheet().replace("#banner", "#signedIn"))
        self.signed_in.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        banner_row = QHBoxLayout()
        banner_row.setSpacing(0)
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.signed_in)
        outer.addLayout(banner_row)

        body = QSplitter(Qt.Orientation.Horizontal, central)
        body.setChildrenCollapsible(False)
        body.setHandleWidth(10)

        left = _panel()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(14, 14, 14, 14)
        ll.setSpacing(8)
        ll.addWidget(self.with_live(section(""), lambda: translate("MainWindow", "Find customer").upper()))
        self.search = QLineEdit(left)
        self.search.setObjectName("searchEdit")
        self.live(self.search.setPlaceholderText, lambda: translate("MainWindow", "Name, phone, e-mail or account no."))
        self.search.setClearButtonEnabled(True)
        self.live(self.search.setAccessibleName, lambda: translate("MainWindow", "Search customers"))
        self.search.installEventFilter(self)
        ll.addWidget(self.search)
        self.results = ResultsList(left)
        self.results.itemActivated.connect(lambda item: self.select_current_hit())
        self.results.installEventFilter(self)
        ll.addWidget(self.results, 1)
        self.results_count = QLabel(left)
        self.results_count.setObjectName("muted")
        self.results_count.setWordWrap(True)  # a longer note (or language) wraps rather than being cut
        ll.addWidget(self.results_count)
        left.setMinimumWidth(330)
        body.addWidget(left)

        self.stack = QStackedWidget(central)
        self.stack.setObjectName("panel")
        self.welcome = QLabel(self.stack)
        self.welcome.setObjectName("welcome")
        self.welcome.setTextFormat(Qt.TextFormat.RichText)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.live(self.welcome.setText, welcome_html)
        self.stack.addWidget(self.welcome)
        self.customer_page = CustomerPanel(self.stack)
        self._wire_customer_page()
        self.stack.addWidget(self.customer_page)
        self.panel = PaymentPanel(lambda: self.counter, self.stack, settings=lambda: self.session.settings())
        self.panel.finished.connect(self._form_finished)
        self.panel.busyChanged.connect(self._form_busy)
        self.panel.on_charge_status = lambda text: self.say_on_page(text, 8000)
        self.stack.addWidget(self.panel)
        self.result = ResultView(self.stack)
        self.result.newSale.connect(self.new_sale)
        self.result.tryAnother.connect(lambda: self.new_account_form(self.last_mode))
        self.result.backToCustomer.connect(self.back_to_customer)
        self.result.checkAgain.connect(self.check_again)
        self.result.receipt.connect(self.show_receipt)
        self.result.emailReceipt.connect(self.email_result_receipt)
        self.result.printAndEmail.connect(self._print_and_email)
        self._emailing = None
        self.stack.addWidget(self.result)
        body.addWidget(self.stack)
        body.setStretchFactor(0, 2)
        body.setStretchFactor(1, 3)
        body.setSizes([440, 820])
        self._body = body

        counter_screen = QWidget(central)
        counter_screen.setObjectName("counterScreen")
        wrap = QHBoxLayout(counter_screen)
        wrap.setContentsMargins(12, 12, 12, 12)
        wrap.addWidget(body)
        self.counter_screen = counter_screen
        self.cover = self._build_cover(central)
        self.screens = QStackedWidget(central)
        self.screens.addWidget(self.counter_screen)
        self.screens.addWidget(self.cover)
        outer.addWidget(self.screens, 1)
        self.hint = self.with_live(QLabel(central), hint_text)
        self.hint.setObjectName("hint")
        self.hint.setMinimumWidth(0)
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        outer.addWidget(self.hint)
        self.setCentralWidget(central)

        self.task = TaskBar(self)
        self.statusBar().addPermanentWidget(self.task)
        self.task.cancelRequested.connect(self._cancel_task)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(60)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        # A search not answered within SEARCH_SLOW_MS says so; a counter whose copy of the store's customers is
        # still loading says that, and searches again when the copy is complete.
        self._copy_timer = QTimer(self)
        self._copy_timer.setInterval(1000)
        self._copy_timer.timeout.connect(self._copy_loaded_yet)
        self._last_page = self.stack.currentWidget()
        self.stack.currentChanged.connect(lambda _i: self._page_changed())
        # The window's shortcuts win over the text boxes' own line-edit keys (X11: Ctrl+E = end of line).
        shortcuts_first(self.search, self.customer_page.amount.edit)

    def _build_cover(self, parent: QWidget) -> QWidget:
        """What shows while nobody is signed in or the counter is locked: no customer, no search, no keys."""
        cover = QFrame(parent)
        cover.setObjectName("cover")
        layout = QVBoxLayout(cover)
        layout.addStretch(1)
        self.cover_title = self.with_live(QLabel(cover), lambda: translate("MainWindow", "Signed out"))
        self.cover_title.setObjectName("coverTitle")
        self.cover_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cover_title.setStyleSheet("font-size: 24px; font-weight: 700; color: #111827;")
        layout.addWidget(self.cover_title)
        self.cover_text = self.with_live(QLabel(cover), lambda: translate("MainWindow", "Sign in to use the counter."))
        self.cover_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cover_text.setStyleSheet("font-size: 15px; color: #3e4c59;")
        layout.addWidget(self.cover_text)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cover_button = self.with_live(QPushButton(cover), lambda: translate("MainWindow", "Sign in"))
        self.cover_button.setObjectName("primary")
        self.cover_button.setDefault(True)
        self.cover_button.setAutoDefault(True)
        self.cover_button.clicked.connect(self.signInRequested.emit)
        row.addWidget(self.cover_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return cover

    # ---- signed out / locked ---------------------------------------------------------------------------

    def set_locked(self, locked: bool, title: str | Callable[[], str] | None = None) -> None:
        """Locked (nobody signed in, or the lock screen is up): the counter is replaced by a cover, every key
        and menu is off, and no customer data (search results, recently served, the customer) is visible.
        A payment already running goes on behind it; an open payment form is kept and shown again after
        sign-in. ``title``: the cover's heading (a callable follows a language switch)."""
        self.locked = locked
        if title is not None:
            self.live(self.cover_title.setText, title if callable(title) else (lambda: title))
        self._apply_locked()
        self.lockedChanged.emit(locked)

    def _apply_locked(self) -> None:
        locked = self.locked
        self.screens.setCurrentWidget(self.cover if locked else self.counter_screen)
        self.hint.setVisible(not locked)
        self.menuBar().setEnabled(not locked)
        for shortcut in self._shortcut_objects:
            shortcut.setEnabled(not locked)
        if locked:
            self.cover_button.setFocus()

    def show_status(self, text: str | Callable[[], str], timeout_ms: int = 0, page: bool = False) -> None:
        """A status-bar message (``timeout_ms`` 0: until replaced). A callable is asked again on a language
        switch while its message is still showing. ``page``: the message is about the page on screen and goes
        when the clerk leaves that page."""
        producer = text if callable(text) else (lambda: text)
        shown = producer()
        until = time.monotonic() + timeout_ms / 1000 if timeout_ms else None
        self._status = (producer, shown, until, page)
        self.statusBar().showMessage(shown, timeout_ms)

    def retranslate(self) -> None:
        """Every text of the window in the current language (``QEvent.LanguageChange``): live texts and the
        status-bar message still showing (for the rest of its time)."""
        super().retranslate()
        QTimer.singleShot(0, self, self._retranslate_status)  # after the screens below (a status may quote them)

    def _retranslate_status(self) -> None:
        status = getattr(self, "_status", None)
        if status is not None and status[1] and self.statusBar().currentMessage() == status[1]:
            producer, _shown, until, page = status
            left = 0 if until is None else max(1, int((until - time.monotonic()) * 1000))
            self.show_status(producer, left, page)

    def show_signed_in(self, name: str | None) -> None:
        """Who is signed in, in the banner (``None``: nobody)."""
        self.live(self.signed_in.setText, lambda: fmt(translate("MainWindow", "Signed in: %1"), name) if name else "")

    # ---- messages that belong to a page -----------------------------------------------------------------

    def say_on_page(self, text: str | Callable[[], str], timeout_ms: int = 10_000) -> None:
        """A status-bar message about the page on screen: it goes when the clerk leaves that page (a callable
        follows a language switch)."""
        self.show_status(text, timeout_ms, page=True)

    def refuse(self, reason: str | Callable[[], str]) -> None:
        """A key or menu entry cannot act now: say why (status bar, until the page changes) and tell
        listeners (``keyRefused``, with the reason in the language of the moment). A callable reason follows a
        language switch."""
        said = reason() if callable(reason) else reason
        log.info("refused: %s", said)
        self.say_on_page(reason, 12_000)
        self.keyRefused.emit(said)

    def _page_changed(self) -> None:
        """The clerk left a page: its messages go with it (a removed card's note, "Approved · $99.99")."""
        left, self._last_page = self._last_page, self.stack.currentWidget()
        if left is self.customer_page and self._last_page is not self.customer_page:
            self._say("")
        status = getattr(self, "_status", None)
        if status is not None and status[3]:
            if self.statusBar().currentMessage() == status[1]:
                self.statusBar().clearMessage()
            self._status = None

    def busy(self) -> bool:
        """A payment is in flight or a payment form is open (the idle lock waits for it)."""
        return self.charging or (self.stack.currentWidget() is self.panel and self.panel.state is not FormState.IDLE)

    def event(self, event: QEvent) -> bool:  # noqa: D102
        if event.type() == QEvent.Type.WinIdChange and getattr(self, "_native_seen", False):
            QTimer.singleShot(0, self, self.nativeWindowChanged.emit)  # dropped if the window is gone
        elif event.type() == QEvent.Type.WinIdChange:
            self._native_seen = True
        return super().event(event)

    def _wire_customer_page(self) -> None:
        """The customer page owns its widgets; the window connects to their signals."""
        page = self.customer_page
        page.methods.currentItemChanged.connect(lambda *_: self._update_actions())
        page.default_button.clicked.connect(self.set_default)
        page.remove_button.clicked.connect(self.remove_account)
        page.replace_button.clicked.connect(self.replace_expired)
        page.update_button.clicked.connect(self.update_details)
        page.amount.changed.connect(self._update_actions)
        page.amount.edit.returnPressed.connect(self._amount_entered)
        page.charge_file_button.clicked.connect(self.charge_on_file)
        page.new_card_button.clicked.connect(lambda: self.new_account_form("cc"))
        page.new_ach_button.clicked.connect(lambda: self.new_account_form("ach"))
        self.adder = AddToPaySimple(page.add_button, self._say, self.show_customer, self)
        self.adder.finished.connect(lambda _outcome: self._update_actions())
        page.add_button.clicked.connect(self.add_to_paysimple)

    def _shortcuts(self) -> None:
        self._shortcut_objects: list[QShortcut] = []

        def add(keys: str, fn) -> None:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda: None if self.locked else fn())
            # A key taken by a shortcut never reaches the window as a key press: tell the idle lock.
            shortcut.activated.connect(self.userActivity.emit)
            self._shortcut_objects.append(shortcut)

        add("Ctrl+F", self.focus_search)
        add("F2", self.focus_search)
        add("F5", self._key_f5)
        add("F6", self._key_f6)
        add("F7", self._key_f7)
        add("F8", self._key_f8)
        add("F9", self._key_f9)
        add("Escape", self._key_escape)
        add("Ctrl+D", self.set_default)
        add("Ctrl+P", self._key_receipt)
        add("Ctrl+M", lambda: self._key_email(print_too=False))
        add("Ctrl+B", lambda: self._key_email(print_too=True))
        add("Delete", self._key_delete)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and not self.locked:
            key = event.key()
            if watched is self.search and key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown,
                                                  Qt.Key.Key_PageUp):
                row = self.results.currentRow()
                step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 8, Qt.Key.Key_PageUp: -8}[key]
                if self.results.count():
                    self.results.setCurrentRow(max(0, min(self.results.count() - 1, row + step)))
                return True
            if watched in (self.search, self.results) and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.select_current_hit()
                return True
        return super().eventFilter(watched, event)

    # ---- start-up ------------------------------------------------------------------------------------

    def start_counter(self, start: CounterStart) -> BackgroundOp:
        """The one start-up path (Training, Sandbox, Live): ``Counter.open(start)`` on a worker with this window's
        progress line (cancellable), then :meth:`attach_counter`; :meth:`restart_counter` runs it again."""
        self._start_request = start
        self.show_status(lambda: translate("MainWindow", "Starting…"))
        self.task.show_progress(lambda: translate("MainWindow", "Starting the training gateway…")
                                if start.environment is Environment.TRAINING
                                else translate("MainWindow", "Connecting to the store server…")
                                if start.store is not None
                                else translate("MainWindow", "Connecting to PaySimple…"), cancellable=True)

        def work(ctx):
            from pos_app.counter import Counter

            return Counter.open(start, progress=ctx.progress, cancelled=lambda: ctx.cancelled)

        self._startup_op = BackgroundOp(work, on_done=self.attach_counter, on_error=self._startup_failed,
                                        on_progress=lambda d, t, text: self.task.show_progress(lambda: tr(text), d, t),
                                        label="start-up")
        return self._startup_op.start()

    def restart_counter(self) -> BackgroundOp | None:
        """Start again with the last start request (e.g. after a journal restore); None if never started."""
        if self._start_request is None:
            return None
        if self.counter is not None:
            counter, self.counter = self.counter, None
            counter.close()
        return self.start_counter(self._start_request)

    def attach_counter(self, counter: CounterApi) -> None:
        """The application service is up: enable the counter; its start-up state is read on a worker. Charges
        are attributed to whoever is signed in at the counter's clerk desk (nobody: the counter refuses)."""
        self.counter = counter
        self.events.attach(counter.events)
        self._startup_op = None
        self.task.done()
        self._set_enabled_for_backend(True)
        self.focus_search()
        self._run_search()

        def ready(state) -> None:
            count, blocking = state
            if self.counter is not counter:
                return
            self.show_status(lambda: fmt(translate("MainWindow", "Ready · %1 customers"), count), 6000)
            if blocking is not None:  # start-up reconcile could not settle it: the clerk sees it first
                self._show_blocking(blocking)

        BackgroundOp(lambda ctx: (counter.count_customers(), counter.open_attempt()), on_done=ready,
                     on_error=lambda e: log.error("start-up state unreadable: %s", type(e).__name__),
                     label="start-up state").start()
        from pos_app.ui.counter.last_charge import LastChargeCheck

        if getattr(self, "last_charge", None) is not None:
            self.last_charge.stop()
        self.last_charge = LastChargeCheck(self, counter)  # store mode: a charge the last run left unanswered
        self.last_charge.start()
        # Pre-warm the payment view and fetch a checkout token while the clerk is still searching.
        QTimer.singleShot(50, self.panel.prewarm)
        BackgroundOp(lambda ctx: counter.prefetch_checkout_token(), on_error=lambda e: None,
                     label="checkout token").start()
        self.counterReady.emit()

    def _counter_event(self, event) -> None:
        """The change broadcast (GUI thread): what is on screen follows the change, whoever made it."""
        from pos_app.counter import AccountsChanged, CustomerSaved

        if isinstance(event, CustomerSaved):
            if self.hit is not None and self.hit.id == event.customer.id:
                hit = self._hit_for(event.customer)
                if hit != self.hit and not self.locked and not self.charging \
                        and self.stack.currentWidget() is self.customer_page:
                    self.select_customer(hit)  # the customer on screen changed: show the new details
        elif isinstance(event, AccountsChanged):
            hit = self.hit
            if hit is not None and hit.paysimple_id is not None and event.paysimple_id in (None, hit.paysimple_id) \
                    and self.stack.currentWidget() is self.customer_page:
                self.reload_accounts()

    @staticmethod
    def _hit_for(stored) -> CustomerHit:
        from pos_app.counter import CustomerHit, format_phone

        r = stored.record
        return CustomerHit(stored.id, stored.paysimple_id, stored.display_name, r.company, format_phone(r.phone),
                           r.email, r.city, r.customer_account, stored.last_seen_at, "id")

    def show_customer(self, stored) -> None:
        """Open a customer the clerk just saved (the customer dialog's ``saved``): the search lists them and,
        unless a payment is under way, they are on screen."""
        if stored is None or self.counter is None or self.locked or self.charging:
            return
        r = stored.record
        self.search.setText(" ".join(p for p in (r.first_name, r.last_name) if p))  # debounced, on its worker
        self.select_customer(self._hit_for(stored))

    def _startup_failed(self, exc: BaseException) -> None:
        self._startup_op = None
        self.task.done()
        log.error("start-up failed: %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
        from pos_app.ui.shell.storage_messages import show_startup_failure
        if show_startup_failure(self, exc) is None:  # storage faults: file, next step, backup to restore
            QMessageBox.critical(self, translate("MainWindow", "Could not start"),
                                 fmt(translate("MainWindow", "The counter could not start:\n%1"), tr(exc)))

    def _cancel_task(self) -> None:
        if self._charge_op is not None:
            self.stop_waiting()
            return
        if self._startup_op is not None:
            self._startup_op.cancel()
            self.task.show_progress(lambda: translate("MainWindow", "Cancelling…"), cancellable=False)

    def _set_enabled_for_backend(self, ready: bool) -> None:
        self.search.setEnabled(ready)
        self.results.setEnabled(ready)
        self._update_actions()

    # ---- search --------------------------------------------------------------------------------------

    def focus_search(self) -> None:
        if self.locked:
            return
        if self._form_open():
            self.refuse(lambda: translate("MainWindow", "The payment form is open: F9 submits it, Esc cancels it."))
            return
        self.search.setFocus()
        self.search.selectAll()

    def _run_search(self) -> None:
        backend = self.counter
        if backend is None:
            return
        self._search_seq += 1
        seq, query = self._search_seq, self.search.text()

        def count_text(hits) -> str:
            if not query.strip() and not hits and backend.customers_loading:
                return translate("MainWindow", "Loading the store's customers… search works meanwhile.")
            if query.strip() and not hits:
                return translate("MainWindow", "Nobody found · Ctrl+N: new customer")
            if query.strip() and all(hit.matched == "near" for hit in hits):  # typo fallback only
                return (fmt(translate("MainWindow", "No exact match — %1 near matches"), len(hits)) if len(hits) > 1
                        else translate("MainWindow", "No exact match — 1 near match"))
            if query.strip():
                return fmt(translate("MainWindow", "%1 found"), len(hits))
            if hits:
                return translate("MainWindow", "Recently served")
            return translate("MainWindow", "Type a name, phone, email or account no.")

        def show(hits):
            if seq == self._search_seq:
                self._search_answered = seq
                self.shown_query = query
                self.results.show_hits(hits)
                self.live(self.results_count.setText, lambda: count_text(hits))
                if backend.customers_loading and not self._copy_timer.isActive():
                    self._copy_timer.start()

        def failed(exc: BaseException) -> None:
            if seq == self._search_seq:
                self._search_answered = seq
                self.live(self.results_count.setText, lambda: fmt(translate("MainWindow", "Search failed: %1"),
                                                                  tr(exc)))

        def slow() -> None:
            if seq == self._search_seq and self._search_answered < seq and self.counter is backend:
                self.live(self.results_count.setText, lambda: translate(
                    "MainWindow", "Searching the store server…") if backend.customers_loading
                    else translate("MainWindow", "Searching…"))

        BackgroundOp(lambda ctx: backend.search(query), on_done=show, on_error=failed, label="search").start()
        QTimer.singleShot(SEARCH_SLOW_MS, self, slow)

    def _copy_loaded_yet(self) -> None:
        """While the counter's copy of the store's customers loads (a plain value, no storage read): once it is
        complete, the search on screen runs again, from the copy."""
        counter = self.counter
        if counter is None or not counter.customers_loading:
            self._copy_timer.stop()
            if counter is not None:
                self._run_search()

    def select_current_hit(self) -> None:
        hit = self.results.current_hit()
        if hit is not None:
            self.select_customer(hit)

    def select_customer(self, hit: CustomerHit) -> None:
        if self.locked:
            return
        if self.charging or self._form_open():
            self.refuse(lambda: translate("MainWindow", "A payment is under way: finish it before choosing another "
                                                "customer."))
            return
        if self.hit is None or self.hit.id != hit.id:
            self.customer_page.amount.clear()  # an amount typed for one customer is never charged to the next one
        self.hit = hit
        self.selectionChanged.emit(hit)
        self.customer_page.customer_name.setText(hit.display_name)
        self._show_customer_meta(hit, None)
        counter = self.counter
        if counter is not None:  # the stored row (address) and "seen at this counter": on a worker

            def stored(row) -> None:
                if self.hit is hit and row is not None:
                    self._show_customer_meta(hit, row)
                    self.customerShown.emit()

            BackgroundOp(lambda ctx: counter.customer(hit.id), on_done=stored, on_error=lambda e: log.warning(
                "customer %s unreadable: %s", hit.id, type(e).__name__), label="customer").start()
        self.customer_page.methods.clear()
        self.customer_page.customer_status.setText("")
        self.stack.setCurrentWidget(self.customer_page)
        self.customer_page.add_button.setVisible(hit.local_only)
        if hit.local_only:
            self.live(self.customer_page.methods_note.setText, lambda: translate(
                "MainWindow", "This customer came from an import and is not in PaySimple yet. Add to PaySimple "
                              "(Enter) to take payments."))
        else:
            self.live(self.customer_page.methods_note.setText, lambda: translate("MainWindow", "Loading cards and bank accounts…"))
            self.reload_accounts()
            backend = self.counter
            BackgroundOp(lambda ctx: backend.prefetch_checkout_token(), on_error=lambda e: None,
                         label="checkout token").start()
        self._update_actions()
        if hit.local_only and self.customer_page.add_button.isEnabled():
            self.customer_page.add_button.setFocus()
            return
        self.customer_page.amount.edit.setFocus()
        self.customer_page.amount.edit.selectAll()

    def add_to_paysimple(self) -> None:
        """The imported customer on screen into PaySimple (``ui.customers.add_to_paysimple``)."""
        if self.locked or self.charging or self.hit is None or self.stack.currentWidget() is not self.customer_page:
            return
        self.adder.start(self.counter, self.hit)

    def _show_customer_meta(self, hit: CustomerHit, stored) -> None:
        self.live(self.customer_page.customer_meta.setText, lambda: self._customer_meta(hit, stored))

    @staticmethod
    def _customer_meta(hit: CustomerHit, stored) -> str:
        meta = []
        if hit.company:
            meta.append(hit.company)
        meta += [p for p in (hit.phone, hit.email) if p]
        if stored is not None:
            r = stored.record
            address = ", ".join(p for p in (r.street1, r.city, r.state_code, r.zip_code) if p)
            if address:
                meta.append(address)
        if hit.customer_account:
            # one piece, never broken across lines (only the separators wrap)
            meta.append(fmt(translate("MainWindow", "Account no. %1"), hit.customer_account).replace(" ", "\u00a0"))
        return "  ·  ".join(meta)

    def reload_accounts(self) -> None:
        hit, backend = self.hit, self.counter
        if hit is None or backend is None or hit.paysimple_id is None:
            return

        def show(accounts):
            if self.hit is not hit:
                return
            self.customer_page.methods.show_accounts(accounts.credit_cards, accounts.ach_accounts, self._today())
            count = len(accounts.credit_cards) + len(accounts.ach_accounts)
            expired = sum(1 for c in accounts.credit_cards if card_expired(c, self._today()))

            def note() -> str:
                text = translate("MainWindow", "No cards or bank accounts on file.") if count == 0 else \
                    fmt(translate("MainWindow", "%1 on file"), count)
                if expired:
                    text += " · " + (translate("MainWindow", "1 expired card: replace or remove") if expired == 1
                                     else fmt(translate("MainWindow", "%1 expired cards: replace or remove"), expired))
                return text

            self.live(self.customer_page.methods_note.setText, note)
            self._update_actions()
            self.accountsShown.emit()

        def failed(exc):
            if self.hit is hit:
                self.live(self.customer_page.methods_note.setText, lambda: fmt(translate("MainWindow", "Could not load the payment methods: %1"), tr(exc)))

        BackgroundOp(lambda ctx: backend.accounts(hit.paysimple_id), on_done=show, on_error=failed,
                     label="accounts").start()

    def _customer_ref(self) -> CustomerRef | None:
        if self.hit is None or self.hit.paysimple_id is None:
            return None
        from pos_app.counter import CustomerRef

        return CustomerRef(self.hit.paysimple_id, self.hit.display_name)

    # ---- actions -------------------------------------------------------------------------------------

    def _today(self):
        return self.counter.today() if self.counter is not None else None

    def _update_actions(self) -> None:
        on_file = self.customer_page.methods.current_account() if self.hit else None
        can_pay = bool(self.counter and self.hit and self.hit.paysimple_id and not self.charging)
        expired = is_card(on_file) and card_expired(on_file, self._today())
        self.customer_page.charge_file_button.setEnabled(can_pay and on_file is not None and not expired)
        self.live(self.customer_page.charge_file_button.setText, lambda: translate("MainWindow", "Charge bank account on file  [F5]")
                                        if on_file is not None and not is_card(on_file)
                                        else translate("MainWindow", "Charge card on file  [F5]"))
        self.customer_page.new_card_button.setEnabled(can_pay)
        self.customer_page.new_ach_button.setEnabled(can_pay)
        self.customer_page.update_button.setEnabled(can_pay)
        self.customer_page.default_button.setEnabled(can_pay and on_file is not None and not on_file.is_default and not expired)
        self.customer_page.remove_button.setEnabled(can_pay and on_file is not None)
        self.customer_page.replace_button.setEnabled(can_pay and expired)
        self.customer_page.add_button.setEnabled(bool(self.counter and self.hit and self.hit.local_only
                                                      and not self.charging and self.adder.running is None))

    def _amount_entered(self) -> None:
        """Enter in the amount box: on to "Charge card on file" (its Enter charges), or why it cannot."""
        reason = self.why_no_payment()
        if reason is not None:
            self.refuse(reason)
        elif self.customer_page.amount.require() is not None and self.customer_page.charge_file_button.isEnabled():
            self.customer_page.charge_file_button.setFocus()

    def _say(self, text: str | Callable[[], str], color: str = "#3e4c59") -> None:
        """The customer page's status line; a callable makes the text follow a language switch."""
        self.live(self.customer_page.customer_status.setText, text if callable(text) else (lambda: text))
        self.customer_page.customer_status.setStyleSheet(f"color: {color}; font-weight: 600;")

    def _why_not_on_file(self, account) -> Callable[[], str] | None:
        """Why the selected account on file cannot be charged (None: it can)."""
        if account is None:
            return lambda: translate("MainWindow", "No card or bank account on file is selected: F6 new card, F7 "
                                                   "bank account.")
        if is_card(account) and card_expired(account, self._today()):
            return lambda: translate("MainWindow", "This card has expired: replace it or choose another.")
        return None

    def charge_on_file(self) -> None:
        customer, account = self._customer_ref(), self.customer_page.methods.current_account()
        if self.locked:
            return
        reason = self.why_no_payment() or self._why_not_on_file(account)
        if reason is not None:
            self.refuse(reason)
            return
        if customer is None or account is None or not self.customer_page.charge_file_button.isEnabled():
            return
        amount = self.customer_page.amount.require()
        if amount is None:
            return
        self._unless_repeat(customer, amount, lambda: self._confirm_on_file(customer, account, amount))

    def _unless_repeat(self, customer: CustomerRef, amount: Decimal, then) -> None:
        """Issue 13 §3: before a charge, look for the same customer + amount in the last 10 minutes (any lane,
        on a worker). Found: the clerk sees it and must choose "Charge again" explicitly (Enter does not)."""
        backend = self.counter
        if backend is None or self._repeat_check_running:
            return
        self._repeat_check_running = True
        self._say(lambda: translate("MainWindow", "Checking recent payments…"))

        def done(earlier) -> None:
            self._repeat_check_running = False
            self._say("")
            if self.locked or self.hit is None or self._customer_ref() != customer:
                return  # locked or another customer picked meanwhile: the clerk starts again
            if earlier:
                from pos_app.ui.counter.repeat_charge import RepeatChargeDialog

                dialog = RepeatChargeDialog(self, customer.name, amount, earlier, backend.clerk_name)
                dialog.exec()
                if not dialog.charge_again:
                    self._say(lambda: translate("MainWindow", "Not charged again."))
                    return
            then()

        def failed(exc) -> None:
            self._repeat_check_running = False
            self._say(lambda: fmt(translate("MainWindow", "Could not check recent payments: %1"), tr(exc)), RED)

        BackgroundOp(lambda ctx: backend.recent_charges(customer.id, amount), on_done=done, on_error=failed,
                     label="repeat check").start()

    def _confirm_on_file(self, customer: CustomerRef, account, amount: Decimal) -> None:
        current = self.customer_page.methods.current_account()
        if self.locked or self.charging or current is None or current.id != account.id:
            return  # locked, busy, or the clerk chose another account meanwhile (the list may have reloaded)
        account = current
        if not is_card(account):  # a bank debit: the customer's authorization first (issue 13 §6)
            from pos_app.ui.counter.ach_authorization import AchAuthorizationDialog, authorization_for

            now, settings = self.counter.now(), self.session.settings()
            dialog = AchAuthorizationDialog(
                self, lambda: fmt(translate("MainWindow", "Charge %1 to %2 %3 for %4?"), format_amount(amount),
                                  *account_label(account), customer.name),
                lambda: authorization_for(settings, customer.name, account, amount, now))
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.text is None:
                return
            self._charge(customer, account, amount, None, ach_authorization=dialog.text)
            return
        amex = is_card(account) and (account.issuer or "").lower().startswith("amex")
        dialog = CvvDialog(self, lambda: fmt(translate("MainWindow", "Charge %1 to %2 %3 for %4?"),
                                             format_amount(amount), *account_label(account), customer.name),
                           cvv_digits=4 if amex else 3)
        dialog.cvv.setVisible(is_card(account))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._charge(customer, account, amount, dialog.value() if is_card(account) else None)

    def _charge(self, customer: CustomerRef, account, amount: Decimal, cvv: str | None,
                ach_authorization: str | None = None) -> None:
        backend = self.counter
        self._set_charging(True)
        self._say(lambda: translate("MainWindow", "Sending the payment to PaySimple…"))
        self.task.show_progress(lambda: translate("MainWindow", "Charging…"), cancellable=False)
        seen: dict[str, str] = {}

        def status(event) -> None:  # worker thread
            seen["attempt_id"] = event.attempt_id

        def work(ctx):
            return backend.charge(customer, account, amount, cvv=cvv,
                                  on_status=lambda event: (status(event), ctx.progress(0, 0, event.message)),
                                  ach_authorization=ach_authorization)

        def progress(_d, _t, message):
            if op is not self._charge_op:
                return  # the clerk stopped waiting; the worker goes on in the background
            self._say(lambda: tr(message))
            # Once the payment has been sent, the clerk may stop waiting for PaySimple (issue 13 §4).
            self.task.show_progress(lambda: tr(message), cancellable="attempt_id" in seen)
            self.task.set_cancel_text(lambda: translate("MainWindow", "Stop waiting"))

        op = BackgroundOp(work, on_done=lambda attempt: self._charged(attempt, op),
                          on_error=lambda exc: self._charge_failed(exc, op), on_progress=progress,
                          label="charge on file")
        self._charge_op, self._charge_seen = op, seen
        op.start()

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
        self.task.done()
        self._say("")
        attempt_id, backend = seen["attempt_id"], self.counter
        log.info("clerk stopped waiting for payment %s; it goes on in the background", attempt_id)
        BackgroundOp(lambda ctx: backend.attempt(attempt_id), on_done=self._show_detached,
                     on_error=lambda e: None, label="payment status").start()

    def _show_detached(self, attempt: Attempt) -> None:
        self._sale_finished(attempt)
        if attempt.is_resolved:
            self.show_result_attempt(attempt)
            return
        self.show_result_attempt(attempt)
        self.live(self.result.message.setText, lambda: translate("MainWindow", "Sent to PaySimple; no answer yet.") + "\n"
            + translate("MainWindow", "Do not charge again. Still being checked in the background: this screen "
                                      "changes when PaySimple answers."))

    def _finished_detached(self, attempt: Attempt | None, op) -> bool:
        """A payment the clerk stopped waiting for has finished. True when it was one of those."""
        if op not in self._detached_charges:
            return False
        self._detached_charges.discard(op)
        if attempt is None:
            return True
        shown = self.stack.currentWidget() is self.result and self.result.attempt is not None \
            and self.result.attempt.id == attempt.id
        if shown:
            self.show_result_attempt(attempt)
        else:
            from pos_app.ui.payments.payment_texts import state_label

            self.show_status(lambda: fmt(translate("MainWindow", "Payment %1 for %2: %3"), attempt.id,
                                         attempt.customer_name, state_label(attempt.state)), 30000)
        return True

    def _set_charging(self, charging: bool) -> None:
        self.charging = charging
        self.results.setEnabled(not charging and self.counter is not None)
        self._update_actions()

    def _charged(self, attempt: Attempt, op=None) -> None:
        if self._finished_detached(attempt, op):
            return
        self._charge_op = None
        self._set_charging(False)
        self.task.done()
        self._say("")
        self._sale_finished(attempt)
        self.show_result_attempt(attempt)

    def _charge_failed(self, exc: BaseException, op=None) -> None:
        if self._finished_detached(None, op):
            log.error("a payment the clerk stopped waiting for failed: %s", type(exc).__name__)
            return
        self._charge_op = None
        self._set_charging(False)
        self.task.done()
        from pos_app.counter import LaneBusy, PaymentError

        if isinstance(exc, LaneBusy) and exc.blocking is not None:
            self._show_blocking(exc.blocking)
        elif isinstance(exc, LaneBusy):
            self._say(tr(exc), AMBER)
        elif isinstance(exc, PaymentError | ValueError):
            self._say(tr(exc), RED)
        else:
            self.result.show_error(lambda: fmt(translate("MainWindow", "The payment could not be completed: %1"), tr(exc)),
                                   charge_started=True)
            self.stack.setCurrentWidget(self.result)
            self.resultShown.emit("error")

    def _show_blocking(self, attempt: Attempt) -> None:
        """Another payment on this lane is not settled yet: show it, so the clerk can check it (F5)."""
        self.show_result_attempt(attempt)
        self.say_on_page(lambda: translate("MainWindow", "An earlier payment on this lane must be confirmed before a "
                                                         "new one."), 15000)

    def _sale_finished(self, attempt: Attempt) -> None:
        """This sale's charge came back: unless it surely took no money, its amount is not offered again."""
        from pos_app.counter import State

        if attempt.state not in (State.DECLINED, State.ABSENT, State.REJECTED):
            self.customer_page.amount.clear()

    def show_result_attempt(self, attempt: Attempt) -> None:
        self.result.show_attempt(attempt)
        self.stack.setCurrentWidget(self.result)
        # The keyboard goes to the result screen, never stays in the search box (Enter there would pick the
        # customer again and leave a payment that is not confirmed): "Check again" is not an Enter button.
        (self.result.default_button() or self.result.check_button).setFocus()
        self.say_on_page(lambda: f"{self.result.title.text()} · {format_amount(attempt.amount)}", 10000)
        self.resultShown.emit(self.result.kind)

    def new_account_form(self, mode: str) -> None:
        if self.locked:
            return
        reason = self.why_no_payment()
        if reason is not None:
            self.refuse(reason)
            return
        customer = self._customer_ref()
        amount = self.customer_page.amount.require() if self.stack.currentWidget() is self.customer_page else self.customer_page.amount.value()
        if amount is None:
            self.stack.setCurrentWidget(self.customer_page)
            self.customer_page.amount.require()
            return
        self._unless_repeat(customer, amount, lambda: self._open_charge_form(customer, mode, amount))

    def _open_charge_form(self, customer: CustomerRef, mode: str, amount: Decimal) -> None:
        if self.locked or self.charging or (self.stack.currentWidget() is self.panel and self.panel.state is not FormState.IDLE):
            return
        self.last_mode = mode
        self._replacing = None
        self.stack.setCurrentWidget(self.panel)
        self.panel.open(FormRequest(customer, mode, "charge", amount))

    def update_details(self, replacing: CreditCardAccount | None = None) -> None:
        if self.locked:
            return
        reason = self.why_no_payment()
        if reason is not None:
            self.refuse(reason)
            return
        customer = self._customer_ref()
        self._replacing = replacing
        self.stack.setCurrentWidget(self.panel)
        self.panel.open(FormRequest(customer, "cc", "update"))

    def replace_expired(self) -> None:
        account = self.customer_page.methods.current_account()
        if is_card(account) and card_expired(account, self._today()):
            self.update_details(replacing=account)

    def _why_not_this_account(self, action: str) -> Callable[[], str] | None:
        """Why the account selected in the customer's list cannot be made the default / removed now (None: it
        can)."""
        reason = self.why_no_payment()
        if reason is not None:
            return reason
        if self._page() is not self.customer_page:
            return lambda: translate("MainWindow", "Cards and bank accounts are changed on the customer screen: Esc "
                                                   "goes back to it.")
        account = self.customer_page.methods.current_account()
        if account is None:
            return lambda: translate("MainWindow", "No card or bank account is selected in the customer's list.")
        if action == "default" and account.is_default:
            return lambda: translate("MainWindow", "The selected card or bank account is already the default.")
        if action == "default" and is_card(account) and card_expired(account, self._today()):
            return lambda: translate("MainWindow", "This card has expired: replace it or choose another.")
        return None

    def set_default(self) -> None:
        account, hit, backend = self.customer_page.methods.current_account(), self.hit, self.counter
        reason = self._why_not_this_account("default")
        if reason is not None:
            self.refuse(reason)
            return
        if not self.customer_page.default_button.isEnabled() or account is None or hit is None:
            return
        self._say(lambda: translate("MainWindow", "Making it the default…"))
        BackgroundOp(lambda ctx: backend.set_default(hit.paysimple_id, account),
                     on_done=lambda _r: (self._say(lambda: translate("MainWindow", "Default payment method changed.")),
                                          self.reload_accounts()),
                     on_error=lambda e: self._say(lambda: fmt(translate("MainWindow", "Could not change the default: %1"),
                                                              tr(e)), RED),
                     label="set default").start()

    def remove_account(self) -> None:
        account, backend = self.customer_page.methods.current_account(), self.counter
        reason = self._why_not_this_account("remove")
        if reason is not None:
            self.refuse(reason)
            return
        if not self.customer_page.remove_button.isEnabled() or account is None:
            return
        kind, number = account_label(account)
        answer = QMessageBox.question(self, translate("MainWindow", "Remove payment method"),
                                      fmt(translate("MainWindow", "Remove %1 %2 from %3's account?"), kind, number,
                                          self.hit.display_name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._say(lambda: translate("MainWindow", "Removing…"))
        BackgroundOp(lambda ctx: backend.remove_account(account),
                     on_done=lambda _r: (self._say(lambda: fmt(translate("MainWindow", "%1 %2 removed."),
                                                                 *account_label(account))),
                                          self.reload_accounts()),
                     on_error=lambda e: self._say(lambda: fmt(translate("MainWindow", "Could not remove it: %1"), tr(e)), RED),
                     label="remove account").start()

    # ---- form results --------------------------------------------------------------------------------

    def _form_busy(self, busy: bool) -> None:
        self._set_charging(busy)

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
            from pos_app.counter import LaneBusy

            error = outcome.error
            if isinstance(error, LaneBusy) and error.blocking is not None:
                self._show_blocking(error.blocking)
                return
            self.result.show_error(lambda: tr(error), charge_started=isinstance(error, ChargeFailed))
            self.result.set_on_file_note(note)
            self.stack.setCurrentWidget(self.result)
            self.resultShown.emit("error")

    def _saved(self, account) -> None:
        old, hit, backend = self._replacing, self.hit, self.counter
        self._replacing = None
        if old is not None and backend is not None and hit is not None:
            def swap(ctx):
                if old.is_default:
                    backend.set_default(hit.paysimple_id, account)
                backend.remove_account(old)
            BackgroundOp(swap, on_done=lambda _r: self.reload_accounts(),
                         on_error=lambda e: self._say(lambda: fmt(translate(
                             "MainWindow", "The new card is saved, but the old one could not be removed: %1"), e),
                             AMBER), label="replace card").start()
        else:
            self.reload_accounts()
        self.result.show_saved(account, hit.display_name if hit else "")
        self.stack.setCurrentWidget(self.result)
        self.result.back_button.setFocus()
        self.resultShown.emit("saved")

    def back_to_customer(self) -> None:
        if self.hit is None:
            self.stack.setCurrentWidget(self.welcome)
            self.focus_search()
            return
        self.stack.setCurrentWidget(self.customer_page)
        self.reload_accounts()
        self.customer_page.amount.edit.setFocus()

    def new_sale(self) -> None:
        self.hit = None
        self.selectionChanged.emit(None)
        self.customer_page.amount.clear()
        self.customer_page.customer_status.setText("")
        self.stack.setCurrentWidget(self.welcome)
        self.search.clear()
        self.focus_search()
        self._update_actions()

    def check_again(self) -> None:
        attempt, backend = self.result.attempt, self.counter
        if attempt is None or backend is None:
            return
        self.task.show_progress(lambda: translate("MainWindow", "Checking with PaySimple…"), cancellable=False)
        BackgroundOp(lambda ctx: backend.resolve(attempt), on_done=lambda a: (self.task.done(),
                                                                              self.show_result_attempt(a)),
                     on_error=lambda e: (self.task.done(), self.say_on_page(
                         lambda: fmt(translate("MainWindow", "Still could not check: %1"), tr(e)), 8000)),
                     label="check again").start()

    # ---- keys ----------------------------------------------------------------------------------------

    def _page(self) -> QWidget:
        return self.stack.currentWidget()

    def _form_open(self) -> bool:
        return self._page() is self.panel and self.panel.state is not FormState.IDLE

    def why_no_payment(self) -> Callable[[], str] | None:
        """Why no payment, payment form or card change can start now (None: one can), as a producer of the
        sentence in the language of the moment. Every key and button that would start one says this instead
        of doing nothing."""
        if self.counter is None:
            return lambda: translate("MainWindow", "The counter is still starting; try again in a moment.")
        if self.charging:
            return lambda: translate("MainWindow", "A payment is being sent to PaySimple: wait for its answer.")
        if self._form_open():
            return lambda: translate("MainWindow", "The payment form is open: F9 submits it, Esc cancels it.")
        if self.hit is None:
            return lambda: translate("MainWindow", "First find the customer: Ctrl+F, then ↑↓ and Enter.")
        if self.hit.paysimple_id is None:
            return lambda: translate("MainWindow", "This customer came from an import and is not in PaySimple yet. Add to "
                                           "PaySimple (Enter) to take payments.")
        if self._page() is self.result and self.result.kind == "unknown":
            return lambda: translate("MainWindow", "This payment is not confirmed yet: F5 checks it with PaySimple. "
                                           "Do not charge again.")
        return None

    def _key_f5(self) -> None:
        if self._page() is self.result and self.result.kind == "unknown":
            self.check_again()
            return
        reason = self.why_no_payment()
        if reason is None and self._page() is not self.customer_page:
            self.refuse(lambda: translate("MainWindow", "F5 charges the card on file on the customer screen: Esc goes "
                                                        "back to it."))
            return
        if reason is not None:
            self.refuse(reason)
            return
        self.charge_on_file()

    def _key_f6(self) -> None:
        self.new_account_form("cc")

    def _key_f7(self) -> None:
        if self._page() is self.panel and self.panel.state is not FormState.IDLE:
            if not self.panel.switch_mode():
                self.refuse(lambda: translate("MainWindow", "The form cannot switch now: the payment is being sent."))
            return
        self.new_account_form("ach")

    def _key_f8(self) -> None:
        self.update_details()

    def _key_f9(self) -> None:
        if self._form_open():
            self.panel.submit()
        elif self.charging:
            self.refuse(lambda: translate("MainWindow", "A payment is being sent to PaySimple: wait for its answer."))
        else:
            self.refuse(lambda: translate("MainWindow", "F9 submits the payment form, and none is open (F6 new card, "
                                                "F7 bank account)."))

    def _key_escape(self) -> None:
        if self._charge_op is not None and self.task.cancel_button.isVisible():
            self.stop_waiting()
            return
        page = self._page()
        if self.charging and page is not self.panel:
            self.refuse(lambda: translate("MainWindow", "The payment is being sent to PaySimple and cannot be stopped "
                                                "yet: wait for its answer."))
        elif page is self.panel:
            self.panel.cancel()
        elif page is self.result and self.result.kind == "unknown":
            self.refuse(lambda: translate("MainWindow", "This payment is not confirmed yet: F5 checks it with PaySimple. "
                                                "Do not charge again."))
        elif page is self.result:
            self.back_to_customer()
        else:  # the customer page or the start page: back to the search box
            self.focus_search()

    def _why_no_receipt(self, email: bool) -> Callable[[], str] | None:
        if self._page() is not self.result:
            return lambda: translate("MainWindow", "Receipts are printed or e-mailed on the payment's result screen, or "
                                           "from Payment history (Ctrl+H).")
        if not self.result.receipt_button.isVisible():
            return lambda: translate("MainWindow", "This screen has no receipt: no payment was recorded, or it is not "
                                           "confirmed yet.")
        if email and not self.result.email_button.isVisible():
            return lambda: translate("MainWindow", "PaySimple e-mails receipts only for payments it recorded; print this "
                                           "one (Ctrl+P).")
        return None

    def _key_receipt(self) -> None:
        reason = self._why_no_receipt(email=False)
        if reason is not None:
            self.refuse(reason)
            return
        self.show_receipt()

    def _key_email(self, print_too: bool) -> None:
        reason = self._why_no_receipt(email=True)
        if reason is not None:
            self.refuse(reason)
            return
        self._print_and_email() if print_too else self.email_result_receipt()

    def _print_and_email(self) -> None:
        self.email_result_receipt()
        self.show_receipt()

    def email_result_receipt(self) -> None:
        """PaySimple e-mails the result screen's receipt to the customer's address on file (named, asked)."""
        attempt = self.result.attempt
        if attempt is None or self.counter is None or (self._emailing is not None and not self._emailing.finished):
            return
        from pos_app.ui.payments.receipt_email import EmailReceipt

        result = self.result

        def said(text, colour: str, _outcome: str) -> None:
            if result.attempt is attempt:  # still this payment's screen
                result.set_receipt_message(text, colour)

        self._emailing = EmailReceipt(self, self.counter, attempt, said)
        self._emailing.start()

    def show_receipt(self):
        """The receipt of the payment on the result screen (print / PDF come with the dialog)."""
        attempt = self.result.attempt
        if attempt is None:
            return None
        from pos_app.counter import Settings, receipt_for, store_timezone
        from pos_app.ui.payments.receipt_print import ReceiptDialog

        settings = self.session.settings() or Settings()
        signed_in = self.counter.signed_in if self.counter is not None else None
        receipt = receipt_for(attempt, settings.merchant, store_timezone(settings.store_timezone),
                              clerk_name=signed_in.name if signed_in is not None else None)
        dialog = ReceiptDialog(receipt, self, save_folder=self.session.save_folder)
        dialog.open()
        return dialog

    def _key_delete(self) -> None:
        if self.customer_page.methods.hasFocus():
            self.remove_account()
        else:
            self.refuse(lambda: translate("MainWindow", "Del removes the card or bank account selected in the customer's "
                                                "list: select it there first."))

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if self.locked:
            super().keyPressEvent(event)
            return
        if self._page() is self.result and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._result_enter()
            return
        super().keyPressEvent(event)

    def _result_enter(self) -> None:
        """Enter on the result screen (no button has the keyboard): the screen's default button — "Try another
        card" after a decline, "New sale" after a payment — and never a new sale while the outcome is unknown."""
        button = self.result.default_button()
        if button is None:
            self.refuse(lambda: translate("MainWindow", "This payment is not confirmed yet: F5 checks it with PaySimple. "
                                                "Do not charge again."))
        elif button.isEnabled():
            button.click()

    # ---- shutdown ------------------------------------------------------------------------------------

    def shutdown(self) -> None:
        from PySide6.QtCore import QCoreApplication

        from pos_app.ui.common.ops import wait_for_all

        wait_for_all(15_000)  # let running work (never a charge cut in half) finish while the back end is open
        QCoreApplication.processEvents()
        self.charging = False  # nothing runs any more
        self.panel.shutdown()
        self.events.detach()
        if self.counter is not None:
            counter, self.counter = self.counter, None
            counter.close()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.charging:
            QMessageBox.warning(self, translate("MainWindow", "Payment in progress"),
                                translate("MainWindow", "Wait until the payment has finished."))
            event.ignore()
            return
        super().closeEvent(event)
