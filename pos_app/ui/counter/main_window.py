"""The counter window: search on the left; customer, payment methods, amount and actions on the right.

Screens on the right (a stack): welcome → customer → payment form → result; the sale moving through them is
``ui.counter.sale.SaleFlow``'s (``window.sale``). The window owns the search, the lock cover, the status and
task bars, the keys and start-up. Everything slow (gateway start, sync, search) runs on workers
(``ui.common.ops``); the window never blocks.
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
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
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
from pos_app.ui.common.i18n import Retranslating, fmt, tr
from pos_app.ui.common.keys import shortcuts_first
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.save_files import SaveFolder
from pos_app.ui.common.widgets import EnvBanner, ResultsList, TaskBar
from pos_app.ui.counter.customer_panel import CustomerPanel, section
from pos_app.ui.counter.payment_panel import PaymentPanel, PayMode
from pos_app.ui.counter.result_view import ResultView
from pos_app.ui.counter.sale import SaleFlow
from pos_app.ui.web.view import web_surface_from_the_start

if TYPE_CHECKING:  # the core packages load on a worker after the window shows (start-up time)
    from pathlib import Path

    from pos_app.counter import (
        Approval,
        ClerksApi,
        CounterApi,
        CounterStart,
        CustomerHit,
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
    resultShown = Signal(str)  # noqa: N815 - a ResultKind (tests and benchmarks wait on it)
    accountsShown = Signal()  # noqa: N815
    customerShown = Signal()  # noqa: N815 - the selected customer's stored details (address) are on screen
    lockedChanged = Signal(bool)  # noqa: N815
    # The native window was re-created (Qt does this when the payment web view first joins the window): modal
    # dialogs and event filters attached to the old one must be attached again (the shell listens).
    nativeWindowChanged = Signal()  # noqa: N815
    signInRequested = Signal()  # noqa: N815 - the cover's "Sign in" button (the shell raises its dialog)
    userActivity = Signal()  # noqa: N815 - input the windows' event filters cannot see (shortcut keys)
    keyRefused = Signal(str)  # noqa: N815 - a key or menu entry that cannot act now; the reason (status bar)
    setupAgainRequested = Signal()  # noqa: N815 - the store-problem box's "Set up again…" (the shell connects)

    def __init__(self, environment: Environment = Environment.TRAINING, lane: str = "LANE1") -> None:
        super().__init__()
        self._web_surface = web_surface_from_the_start(self)  # the payment view joins later without a re-creation
        self.environment = environment
        self.lane = lane
        self.counter: CounterApi | None = None
        self._start_request: CounterStart | None = None
        self.events = EventRelay(self)
        self.events.event.connect(self._counter_event)
        self._search_seq = 0
        self._search_answered = 0  # the newest search whose answer (hits or error) is on screen
        self.settings_notice: QWidget | None = None  # "Settings were reset" (the shell shows it after sign-in)
        self._pick_when_shown: str | None = None  # Enter came before this query's answer: pick from that answer
        self.shown_query: str | None = None  # the query whose results are on screen
        self._startup_op: BackgroundOp | None = None
        self.locked = True  # nobody signed in yet: the counter shows and accepts nothing (``set_locked``)
        self.session = CounterSession()
        self.shell: QObject | None = None  # the run's ``Shell``, kept for shutdown (``ui.shell.app``); never used here
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
        self.stack.addWidget(self.customer_page)
        self.panel = PaymentPanel(lambda: self.counter, self.stack, settings=lambda: self.session.settings())
        self.stack.addWidget(self.panel)
        self.result = ResultView(self.stack)
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
        self.sale = SaleFlow(self, self, self.stack, self.welcome, self.customer_page, self.panel, self.result)
        self.sale.selectionChanged.connect(self.selectionChanged)
        self.sale.resultShown.connect(self.resultShown)
        self.sale.accountsShown.connect(self.accountsShown)
        self.sale.customerShown.connect(self.customerShown)

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
        shortcuts_first(self.search, self.customer_page.amount_edit())

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
            self.customer_page.say("")
        status = getattr(self, "_status", None)
        if status is not None and status[3]:
            if self.statusBar().currentMessage() == status[1]:
                self.statusBar().clearMessage()
            self._status = None

    def busy(self) -> bool:
        """A payment is in flight or a payment form is open (the idle lock waits for it)."""
        return self.sale.busy()

    @property
    def hit(self) -> CustomerHit | None:
        """The customer on screen (None: none), as the sale flow has it."""
        return self.sale.hit

    @property
    def charging(self) -> bool:
        """A payment is being sent or checked and the clerk waits for it."""
        return self.sale.charging

    def search_text(self) -> str:
        """What the search box holds (the new-customer dialog starts from it)."""
        return self.search.text()

    def show_search(self, text: str) -> None:
        """Put ``text`` in the search box (the search runs, debounced, on its worker)."""
        if text:
            self.search.setText(text)
        else:
            self.search.clear()

    def set_results_enabled(self, enabled: bool) -> None:
        self.results.setEnabled(enabled)

    def show_store(self, host: str) -> None:
        """Store mode: the banner names the store server."""
        self.banner.show_store(host)

    def show_customer(self, stored) -> None:
        """Open a customer the clerk just saved (the customer dialog's ``saved``): see ``SaleFlow.show_customer``."""
        self.sale.show_customer(stored)

    def event(self, event: QEvent) -> bool:  # noqa: D102
        if event.type() == QEvent.Type.WinIdChange and getattr(self, "_native_seen", False):
            QTimer.singleShot(0, self, self.nativeWindowChanged.emit)  # dropped if the window is gone
        elif event.type() == QEvent.Type.WinIdChange:
            self._native_seen = True
        return super().event(event)

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
        add("Ctrl+D", self.sale.set_default)
        add("Ctrl+P", lambda: self.sale.receipt_key(email=False))
        add("Ctrl+M", lambda: self.sale.receipt_key(email=True))
        add("Ctrl+B", lambda: self.sale.receipt_key(email=True, print_too=True))
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
            if watched is self.search and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.enter_in_search()
                return True
            if watched is self.results and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.select_current_hit()  # the clerk is in the list: the row they highlighted
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
                self.sale.show_blocking(blocking)

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
        """The change broadcast (GUI thread): the sale flow's pages follow it."""
        self.sale.on_event(event)

    def _startup_failed(self, exc: BaseException) -> None:
        self._startup_op = None
        self.task.done()
        log.error("start-up failed: %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
        from pos_app.ui.shell.storage_messages import show_startup_failure
        if show_startup_failure(self, exc) is None:  # storage faults: file, next step, backup to restore
            QMessageBox.critical(self, translate("MainWindow", "Could not start"),
                                 fmt(translate("MainWindow", "The counter could not start:\n%1"), tr(exc)))

    def _cancel_task(self) -> None:
        if self.sale.waiting_for_charge():
            self.sale.stop_waiting()
            return
        if self._startup_op is not None:
            self._startup_op.cancel()
            self.task.show_progress(lambda: translate("MainWindow", "Cancelling…"), cancellable=False)

    def _set_enabled_for_backend(self, ready: bool) -> None:
        self.search.setEnabled(ready)
        self.results.setEnabled(ready)
        self.sale.update_actions()

    # ---- search --------------------------------------------------------------------------------------

    def focus_search(self) -> None:
        if self.locked:
            return
        if self.sale.form_open():
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
        if self._pick_when_shown is not None and self._pick_when_shown != query:
            self._pick_when_shown = None  # the clerk typed on after Enter: that Enter was for another query

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
                if self._pick_when_shown == query:
                    self._pick_when_shown = None
                    if not self.locked:
                        self.select_current_hit()
                if backend.customers_loading and not self._copy_timer.isActive():
                    self._copy_timer.start()

        def failed(exc: BaseException) -> None:
            if seq == self._search_seq:
                self._search_answered = seq
                self._pick_when_shown = None
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

    def enter_in_search(self) -> None:
        """Enter in the search box: open the highlighted customer of the list that answers what the box holds
        now. When the clerk typed or pasted faster than the search answered, the Enter waits for that answer and
        opens its first row (nobody when nobody is found): it never opens a row of an earlier query's list (a
        customer the clerk did not mean). Typing on after Enter cancels it."""
        text = self.search.text()
        if self.shown_query != text or self._search_timer.isActive() or self._search_answered < self._search_seq:
            self._pick_when_shown = text
            if self._search_timer.isActive():  # no need to wait for the typing pause: Enter ends the typing
                self._search_timer.stop()
                self._run_search()
            return
        self.select_current_hit()

    def select_current_hit(self) -> None:
        """Open the customer highlighted in the list (Enter in the list, a double click, or the search's Enter
        once its answer is on screen)."""
        hit = self.results.current_hit()
        if hit is not None:
            self.sale.select_customer(hit)

    # ---- keys ----------------------------------------------------------------------------------------

    def _key_f5(self) -> None:
        sale = self.sale
        if sale.unconfirmed_on_screen():
            sale.check_again()
            return
        reason = sale.why_no_payment()
        if reason is None and sale.page() is not self.customer_page:
            self.refuse(lambda: translate("MainWindow", "F5 charges the card on file on the customer screen: Esc goes "
                                                        "back to it."))
            return
        if reason is not None:
            self.refuse(reason)
            return
        sale.charge_on_file()

    def _key_f6(self) -> None:
        self.sale.new_account_form(PayMode.CARD)

    def _key_f7(self) -> None:
        if self.sale.form_open():
            self.sale.switch_form_mode()
            return
        self.sale.new_account_form(PayMode.BANK)

    def _key_f8(self) -> None:
        self.sale.update_details()

    def _key_f9(self) -> None:
        if self.sale.form_open():
            self.panel.submit()
        elif self.charging:
            self.refuse(lambda: translate("MainWindow", "A payment is being sent to PaySimple: wait for its answer."))
        else:
            self.refuse(lambda: translate("MainWindow", "F9 submits the payment form, and none is open (F6 new card, "
                                                "F7 bank account)."))

    def _key_escape(self) -> None:
        sale = self.sale
        if sale.waiting_for_charge() and self.task.can_cancel():
            sale.stop_waiting()
            return
        page = sale.page()
        if self.charging and page is not self.panel:
            self.refuse(lambda: translate("MainWindow", "The payment is being sent to PaySimple and cannot be stopped "
                                                "yet: wait for its answer."))
        elif page is self.panel:
            self.panel.cancel()
        elif sale.unconfirmed_on_screen():
            self.refuse(lambda: translate("MainWindow", "This payment is not confirmed yet: F5 checks it with PaySimple. "
                                                "Do not charge again."))
        elif page is self.result:
            sale.back_to_customer()
        else:  # the customer page or the start page: back to the search box
            self.focus_search()

    def _key_delete(self) -> None:
        if self.customer_page.account_list_has_focus():
            self.sale.remove_account()
        else:
            self.refuse(lambda: translate("MainWindow", "Del removes the card or bank account selected in the customer's "
                                                "list: select it there first."))

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if self.locked:
            super().keyPressEvent(event)
            return
        if self.sale.page() is self.result and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.sale.result_enter()
            return
        super().keyPressEvent(event)

    # ---- shutdown ------------------------------------------------------------------------------------

    def shutdown(self) -> None:
        from PySide6.QtCore import QCoreApplication

        from pos_app.ui.common.ops import wait_for_all

        wait_for_all(15_000)  # let running work (never a charge cut in half) finish while the back end is open
        QCoreApplication.processEvents()
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
