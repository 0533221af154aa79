"""Payment history (Counter → Payment history…, Ctrl+H): recent attempts from the journal, filters, and what
a clerk or manager does with one afterwards: receipt (view / print / PDF), Check again, Void or Refund.

Keyboard first: the list has the focus (↑↓, Enter = receipt), Ctrl+F filters by text (customer, last 4,
reference), Alt+P/L/K/S pick period / lane / clerk / status, F5 reloads, F6 checks an unconfirmed payment
again, F8 voids or refunds, Ctrl+P prints, Ctrl+S saves a PDF, Esc closes.

Decisions:
- Every journal read and every PaySimple call runs on a worker (``ui.common.ops.BackgroundOp``); the dialog never
  blocks. The list follows the counter's change broadcast (``PaymentRecorded`` / ``PaymentResolved``, on the
  GUI thread through ``ui.common.events.EventRelay``): a payment made at the counter, or checked / voided /
  refunded here or elsewhere, shows without a hand reload (changes close together load once). The period is a
  query (store time zone days); lane / clerk / status / text filter what was loaded
  (at most ``MAX_ROWS`` attempts, newest first; the dialog says when older ones are left out).
- Void / Refund: first ``service.refund_or_void_option`` (asks PaySimple for the payment's current status) on a
  worker; only the action that applies is offered, with why the other does not; then the manager approval
  (``PaymentsApi.approve``, the shell's dialog: manager + PIN + reason, checked and recorded by the clerk
  desk), then ``PaymentsApi.void`` / ``refund`` with that ``Approval`` on a worker,
  journaled write-ahead by the payments service. Nothing is ever re-sent from here: a lost answer is resolved
  by the service's look-up, and "Check again" (``PaymentsApi.resolve``) is the only follow-up.
- The texts for the option are written here (translated) from the option's action, PaySimple status and
  CanVoidUntil, not taken from the core's English sentences.
- E-mail receipt… (Ctrl+E) asks the application layer to have PaySimple send a payment it recorded to the
  customer's address on file, named first (``PaymentsApi.receipt_address`` / ``email_receipt``,
  ``ui/payments/receipt_email.py``, decision 0351); the screen never sees the gateway. Save PDF… asks where
  (``ui.common.save_files``: Documents or the last folder, a readable name) and writes on a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.counter import (
    EMAILABLE_STATES,
    PENDING_REVERSAL_STATES,
    Approval,
    Attempt,
    EventBus,
    LaneBusy,
    ManagerAction,
    NotAllowed,
    PaymentRecorded,
    PaymentResolved,
    PaymentsApi,
    State,
)
from pos_app.text_safety import one_line
from pos_app.ui.common.banner import EnvironmentBanner
from pos_app.ui.common.events import EventRelay
from pos_app.ui.common.i18n import Retranslating, fmt, format_money, tr
from pos_app.ui.common.keys import command_key, shortcuts_first
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.save_files import FileLocation, FileSaver, SaveFolder, save_failed_text
from pos_app.ui.common.screen import fit_to_screen
from pos_app.ui.common.theme import AMBER, GREEN, RED
from pos_app.ui.common.widgets import add_labelled_fields
from pos_app.ui.payments.payment_texts import (
    approval_detail,
    attempt_label,
    attempt_summary,
    option_text,
    status_groups,
)
from pos_app.ui.payments.receipt_email import EmailReceipt
from pos_app.ui.payments.receipt_print import (
    ReceiptDialog,
    ask_pdf_path,
    format_local,
    print_document,
    receipt_document,
    receipt_file_name,
    receipt_pdf,
    status_colour,
)

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

MAX_ROWS = 1000
CHANGE_RELOAD_MS = 150  # payments changed: the list reloads this long after the last change
ATTEMPT_ROLE = Qt.ItemDataRole.UserRole + 1


class HistoryDialog(Retranslating, QDialog):
    loaded = Signal()  # the list shows fresh data (tests wait on it)
    actionFinished = Signal(str)  # noqa: N815 - "voided" | "refunded" | "resolved" | "refused" | ...

    PERIODS = ("today", "7", "30", "all")

    def __init__(self, payments: PaymentsApi, parent: QWidget | None = None,
                 save_folder: SaveFolder | None = None, *, events: EventBus) -> None:
        """``events``: the counter's change broadcast, where ``payments`` publishes its changes (the list
        follows it)."""
        super().__init__(parent)
        self.payments = payments
        self.save_folder = save_folder
        self.saver = FileSaver(self)
        self.saver.finished.connect(self._saved)
        self.attempts: list[Attempt] = []
        self.truncated = False
        self.busy = False
        self._op: BackgroundOp | None = None
        self._select_after_load: str | None = None
        self._load_seq = 0
        self.setObjectName("historyDialog")
        self.live(self.setWindowTitle, lambda: translate("HistoryDialog", "Payment history"))
        fit_to_screen(self, 1180, 720)  # the footer and buttons stay above the edge of a 1280x720 screen
        self._build()
        self._shortcuts()
        shortcuts_first(self.find)  # Ctrl+E (e-mail receipt) also from the find box
        self.table.setFocus()  # as the footer says: ↑↓ select, Enter opens the receipt
        self._changes = QTimer(self)  # payments changed: one reload for changes close together
        self._changes.setSingleShot(True)
        self._changes.setInterval(CHANGE_RELOAD_MS)
        self._changes.timeout.connect(self.reload)
        self._relay = EventRelay(self)
        self._relay.event.connect(self._counter_event)
        self._relay.attach(events)
        self.finished.connect(lambda _result: self._relay.detach())
        QTimer.singleShot(0, self.reload)

    def _counter_event(self, event) -> None:
        """The change broadcast: a payment was recorded or changed (here or anywhere on this counter)."""
        if isinstance(event, PaymentRecorded | PaymentResolved):
            self._changes.start()

    # ---- layout --------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = EnvironmentBanner(self.payments.environment, self)
        title = self.with_live(QLabel(self), lambda: translate("HistoryDialog", "Payment history"))
        title.setObjectName("formHeader")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("muted")

        self.period = QComboBox(self)
        for key, text in zip(self.PERIODS, self._period_names(), strict=True):
            self.period.addItem(text, key)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        self.lane = QComboBox(self)
        self.clerk = QComboBox(self)
        self.status = QComboBox(self)
        for text, states in status_groups():
            self.status.addItem(text, states)
        self.find = QLineEdit(self)
        self.find.setObjectName("historyFind")
        self.live(self.find.setPlaceholderText, lambda: translate("HistoryDialog", "Customer, last 4 digits or reference"))
        self.find.setClearButtonEnabled(True)
        self.find.installEventFilter(self)
        for combo in (self.period, self.lane, self.clerk, self.status):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(9)
        for combo in (self.lane, self.clerk, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.find.textChanged.connect(lambda _t: self.apply_filters())

        filters = QHBoxLayout()
        filters.setSpacing(8)
        add_labelled_fields(filters, self, ((lambda: translate("HistoryDialog", "&Period"), self.period),
                                            (lambda: translate("HistoryDialog", "&Lane"), self.lane),
                                            (lambda: translate("HistoryDialog", "Cler&k"), self.clerk),
                                            (lambda: translate("HistoryDialog", "&Status"), self.status)), spacing=6)
        filters.addWidget(self.find, 1)

        self.table = QTreeWidget(self)
        self.table.setObjectName("historyList")
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.live(self.table.setAccessibleName, lambda: translate("HistoryDialog", "Payments"))
        zone = self.payments.now().strftime("%Z")
        self.live(self.table.setHeaderLabels, lambda: [
            fmt(translate("HistoryDialog", "Time (%1)"), zone) if zone else translate("HistoryDialog", "Time"),
            translate("HistoryDialog", "Customer"), translate("HistoryDialog", "Amount"),
            translate("HistoryDialog", "Account"), translate("HistoryDialog", "Status"),
            translate("HistoryDialog", "Clerk"), translate("HistoryDialog", "Lane"),
            translate("HistoryDialog", "Reference")])
        self.table.headerItem().setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = self.table.header()
        header.setStretchLastSection(True)
        for column, width in enumerate((170, 180, 100, 140, 110, 110, 70)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.currentItemChanged.connect(lambda *_: self._show_selected())
        self.table.itemActivated.connect(lambda *_: self.show_receipt())

        self.detail = QFrame(self)
        self.detail.setObjectName("panel")
        self.detail_title = QLabel(self.detail)
        self.detail_title.setObjectName("formStatus")
        self.detail_title.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_text = QLabel(self.detail)
        self.detail_text.setObjectName("customerMeta")
        self.detail_text.setWordWrap(True)
        self.detail_text.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel(self.detail)
        self.message.setObjectName("historyMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        dl = QVBoxLayout(self.detail)
        dl.setContentsMargins(14, 10, 14, 10)
        dl.setSpacing(4)
        dl.addWidget(self.detail_title)
        dl.addWidget(self.detail_text)
        dl.addWidget(self.message)
        self.location = FileLocation(self.detail)  # where a saved PDF went
        dl.addWidget(self.location)

        self.receipt_button = self.with_live(QPushButton(self), lambda: translate("HistoryDialog", "Receipt  [Enter]"))
        self.receipt_button.clicked.connect(self.show_receipt)
        self.print_button = self.with_live(QPushButton(self), lambda: translate("HistoryDialog", "Print…  [Ctrl+P]"))
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button = self.with_live(QPushButton(self), lambda: translate("HistoryDialog", "Save PDF…  [Ctrl+S]"))
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.email_button = self.with_live(QPushButton(self), lambda: translate("HistoryDialog", "E-mail receipt…  [Ctrl+E]"))
        self.email_button.clicked.connect(self.email_receipt)
        self.emailing: EmailReceipt | None = None
        self.check_button = self.with_live(QPushButton(self), lambda: translate("HistoryDialog", "Check again  [F6]"))
        self.check_button.clicked.connect(self.check_again)
        self.reverse_button = self.with_live(QPushButton(self), lambda: translate("HistoryDialog", "Void / refund…  [F8]"))
        self.reverse_button.setObjectName("primary")
        self.reverse_button.clicked.connect(self.void_or_refund)
        self.review_button = self.with_live(QPushButton(self), lambda: translate("HistoryDialog", "Close review…  [F9]"))
        self.review_button.setObjectName("reviewButton")
        self.review_button.clicked.connect(self.close_review)
        close = self.with_live(QPushButton(self), lambda: translate("HistoryDialog", "Close  [Esc]"))
        close.clicked.connect(self.reject)
        close.setAutoDefault(False)
        for button in (self.receipt_button, self.print_button, self.pdf_button, self.email_button,
                       self.check_button, self.reverse_button, self.review_button):
            button.setAutoDefault(False)
        # Two rows, so the window fits a 1280x720 screen in every language: the receipt, then what changes
        # the payment (and Close).
        receipts = QHBoxLayout()
        receipts.addStretch(1)
        for button in (self.receipt_button, self.print_button, self.pdf_button, self.email_button):
            receipts.addWidget(button)
        buttons = QHBoxLayout()
        buttons.addWidget(close)
        buttons.addStretch(1)
        for button in (self.check_button, self.reverse_button, self.review_button):
            buttons.addWidget(button)

        hint = self.with_live(QLabel(self), lambda: translate("HistoryDialog", "↑↓ Select   ·   Enter Receipt   ·   Ctrl+F Find   ·   "
                                                 "Alt+P/L/K/S Filters   ·   Ctrl+E E-mail receipt   ·   F5 Refresh   ·   "
                                                 "F6 Check again   ·   F8 Void / refund   ·   Esc Close"))
        hint.setObjectName("hint")
        hint.setWordWrap(True)  # one line where the window is wide enough; never wider than a small screen

        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 12)
        body.setSpacing(10)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.count_label)
        body.addLayout(heading)
        body.addLayout(filters)
        body.addWidget(self.table, 1)
        body.addWidget(self.detail)
        body.addLayout(receipts)
        body.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.banner)
        outer.addLayout(body, 1)
        outer.addWidget(hint)
        self.setStyleSheet("#historyDialog { background: #f3f4f6; }")
        self._update_buttons()

    def _shortcuts(self) -> None:
        for keys, fn in (("Ctrl+F", self.focus_find), ("F5", self.reload), ("F6", self.check_again),
                         ("F8", self.void_or_refund), ("F9", self.close_review), ("Ctrl+P", self.print_receipt),
                         ("Ctrl+S", lambda: self.save_pdf()), ("Ctrl+E", self.email_receipt)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(fn)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        from PySide6.QtCore import QEvent

        if watched is self.find and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.table.setFocus()
                if self.table.currentItem() is None and self.table.topLevelItemCount():
                    self.table.setCurrentItem(self.table.topLevelItem(0))
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # Enter belongs to the list (itemActivated = receipt); QDialog would press a default button instead,
        # even one of the receipt dialog just opened (it searches all descendant buttons).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        key = command_key(event)
        if key is not None:  # a counter key (F7, Ctrl+N, …): it does nothing here, and the clerk is told
            self._say(lambda: fmt(translate("HistoryDialog", "%1 does nothing in Payment history: its keys are in "
                                                             "the line at the bottom; Esc closes it."), key), AMBER)
            event.accept()
            return
        super().keyPressEvent(event)

    def focus_find(self) -> None:
        self.find.setFocus()
        self.find.selectAll()

    # ---- loading and filtering -----------------------------------------------------------------------

    def since(self) -> datetime | None:
        key = self.period.currentData()
        today = self.payments.today()
        if key == "today":
            return self.payments.day_start(today)
        if key in ("7", "30"):
            return self.payments.day_start(today - timedelta(days=int(key) - 1))
        return None

    def reload(self, select: str | None = None) -> None:
        current = self.current_attempt()
        self._select_after_load = select or (current.id if current else None)
        since, payments = self.since(), self.payments
        self.live(self.count_label.setText, lambda: translate("HistoryDialog", "Loading…"))
        self._load_seq += 1
        seq = self._load_seq
        BackgroundOp(lambda ctx: payments.history(since, MAX_ROWS + 1),
                     on_done=lambda attempts: self._loaded(attempts, seq), on_error=self._load_failed,
                     label="payment history").start()

    @staticmethod
    def _period_names() -> tuple[str, ...]:
        return (translate("HistoryDialog", "Today"), translate("HistoryDialog", "Last 7 days"),
                translate("HistoryDialog", "Last 30 days"), translate("HistoryDialog", "All"))

    def retranslate(self) -> None:
        """Every word in the current language: filters, list, detail; the message under it stays."""
        said = self.__dict__.get("_live_texts", {}).get((id(self.message), "setText"))
        super().retranslate()
        if not hasattr(self, "table"):
            return
        for index, text in enumerate(self._period_names()):
            self.period.setItemText(index, text)
        for index, (text, _states) in enumerate(status_groups()):
            self.status.setItemText(index, text)
        self.lane.setItemText(0, translate("HistoryDialog", "All lanes"))
        self.clerk.setItemText(0, translate("HistoryDialog", "All clerks"))
        location = self.location.isVisible()
        self.apply_filters()
        if said is not None:
            self.live(*said)
        self.location.setVisible(location)

    def _loaded(self, attempts: list[Attempt], seq: int | None = None) -> None:
        if seq is not None and seq != self._load_seq:
            return  # an older load finished after a newer one started (period changed meanwhile)
        self.truncated = len(attempts) > MAX_ROWS
        self.attempts = attempts[:MAX_ROWS]
        self._fill_combo(self.lane, sorted({a.lane for a in self.attempts} | {self.payments.lane}),
                         translate("HistoryDialog", "All lanes"), lambda lane: lane)
        self._fill_combo(self.clerk, sorted({a.clerk for a in self.attempts},
                                            key=lambda c: self.payments.clerk_name(c).lower()),
                         translate("HistoryDialog", "All clerks"), self.payments.clerk_name)
        self.apply_filters()
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        log.error("loading the payment history failed: %s", exc)
        self.count_label.setText("")
        self._say(lambda: fmt(translate("HistoryDialog", "Could not read the payment journal: %1"), tr(exc)), RED)
        self.loaded.emit()

    @staticmethod
    def _fill_combo(combo: QComboBox, keys: list[str], all_text: str, name: Callable[[str], str]) -> None:
        keep = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_text, None)
        for key in keys:
            combo.addItem(name(key), key)
        index = combo.findData(keep) if keep is not None else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def visible_attempts(self) -> list[Attempt]:
        lane, clerk, states = self.lane.currentData(), self.clerk.currentData(), self.status.currentData()
        needle = self.find.text().strip().lower()
        shown = []
        for a in self.attempts:
            if (lane is not None and a.lane != lane) or (clerk is not None and a.clerk != clerk):
                continue
            if states is not None and a.state not in states:
                continue
            if needle and needle not in " ".join((a.customer_name, a.account_last4, a.id, a.account_brand)).lower():
                continue
            shown.append(a)
        return shown

    def apply_filters(self) -> None:
        keep = self._select_after_load or (self.current_attempt().id if self.current_attempt() else None)
        self._select_after_load = None
        self.table.clear()
        shown = self.visible_attempts()
        selected = None
        for a in shown:
            item = QTreeWidgetItem([
                format_local(a.created_at.astimezone(self.payments.tz), zone=False), one_line(a.customer_name),
                format_money(a.amount),
                a.account_masked, attempt_label(a), one_line(self.payments.clerk_name(a.clerk)), a.lane, a.id])
            item.setData(0, ATTEMPT_ROLE, a)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setForeground(4, _brush(status_colour(a.state)))
            self.table.addTopLevelItem(item)
            if a.id == keep:
                selected = item
        if selected is None and self.table.topLevelItemCount():
            selected = self.table.topLevelItem(0)
        if selected is not None:
            self.table.setCurrentItem(selected)
        count, total, truncated = len(shown), len(self.attempts), self.truncated

        def text() -> str:
            words = fmt(translate("HistoryDialog", "%1 of %2 payments"), count, total)
            if truncated:
                words += " · " + fmt(translate("HistoryDialog", "older than the newest %1 not shown"), MAX_ROWS)
            return words

        self.live(self.count_label.setText, text)
        self._show_selected()

    def select(self, attempt_id: str) -> bool:
        for index in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(index)
            if item.data(0, ATTEMPT_ROLE).id == attempt_id:
                self.table.setCurrentItem(item)
                return True
        return False

    def current_attempt(self) -> Attempt | None:
        item = self.table.currentItem() if hasattr(self, "table") else None
        return item.data(0, ATTEMPT_ROLE) if item is not None else None

    def _show_selected(self) -> None:
        a = self.current_attempt()
        if a is None:
            self.live(self.detail_title.setText, lambda: translate("HistoryDialog", "No payment selected"))
            self.live(self.detail_text.setText, lambda: translate("HistoryDialog", "No payments match these filters."))
        else:
            self.live(self.detail_title.setText, lambda: f"{attempt_label(a)} · {format_money(a.amount)} · "
                                                         f"{one_line(a.customer_name)}")
            self.detail_title.setStyleSheet(f"color: {status_colour(a.state)};")
            self.live(self.detail_text.setText, lambda: attempt_summary(a))
        self._say("")
        self.location.hide()
        self._update_buttons()

    def _update_buttons(self) -> None:
        a = self.current_attempt() if hasattr(self, "table") else None
        have = a is not None and not self.busy
        for button in (self.receipt_button, self.print_button, self.pdf_button):
            button.setEnabled(have)
        self.email_button.setEnabled(have and a.payment_id is not None and a.state in EMAILABLE_STATES)
        self.check_button.setEnabled(have and not a.is_resolved)
        self.reverse_button.setEnabled(have and a.state is State.APPROVED)
        self.review_button.setVisible(a is not None and a.state is State.REVIEW)
        self.review_button.setEnabled(have and a.state is State.REVIEW)

    def _say(self, text: str | Callable[[], str], colour: str = "#3e4c59") -> None:
        """The line under the detail (a callable follows a language switch)."""
        self.message.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.live(self.message.setText, text if callable(text) else (lambda: text))

    def _set_busy(self, busy: bool, text: str | Callable[[], str] = "") -> None:
        self.busy = busy
        if text:
            self._say(text, AMBER if busy else "#3e4c59")
        self.table.setEnabled(not busy)
        if not busy and not self.find.hasFocus():
            self.table.setFocus()  # the disabled list lost the keyboard: ↑↓ and Enter work on it again
        self._update_buttons()

    # ---- receipts ------------------------------------------------------------------------------------

    def receipt_dialog(self) -> ReceiptDialog | None:
        a = self.current_attempt()
        if a is None:
            return None
        return ReceiptDialog(self.payments.receipt(a), self, save_folder=self.save_folder)

    def show_receipt(self) -> None:
        dialog = self.receipt_dialog()
        if dialog is not None:
            self.receipt_shown = dialog
            dialog.open()

    def print_receipt(self) -> None:
        a = self.current_attempt()
        if a is not None and not self.busy and print_document(receipt_document(self.payments.receipt(a)), self):
            self._say(lambda: translate("HistoryDialog", "Receipt sent to the printer."), GREEN)

    def save_pdf(self, path: str | Path | None = None):
        """The selected receipt as a PDF where the person chooses (``path``: no dialog); written on a worker,
        ``saver.finished`` says how it went. The started op or None."""
        a = self.current_attempt()
        if a is None or self.busy or self.saver.busy:
            return None
        receipt = self.payments.receipt(a)
        path = path or ask_pdf_path(self, self.save_folder, receipt_file_name(receipt))
        if not path:
            return None
        self.location.hide()
        self._say(lambda: translate("HistoryDialog", "Saving the PDF…"), AMBER)
        return self.saver.save(Path(path), data=receipt_pdf(receipt_document(receipt)))

    def _saved(self, result) -> None:
        if isinstance(result, Path):
            self._say(lambda: translate("HistoryDialog", "Receipt saved as a PDF."), GREEN)
            self.location.show_path(result)
        else:
            path = self.saver.path
            self._say(lambda: save_failed_text(result, path), RED)

    def _refuse(self, a: Attempt | None, why: Callable[[], str] | None) -> bool:
        """Say why a key or button does nothing for the selected payment (``why``: the reason, in the language of
        the moment, or None when the payment itself allows it); True when it was refused."""
        if a is None:
            self._say(lambda: translate("HistoryDialog", "No payment is selected: ↑↓ select one in the list."), AMBER)
            return True
        if self.busy:
            self._say(lambda: translate("HistoryDialog", "Wait: PaySimple is still answering the last request."), AMBER)
            return True
        if why is not None:
            self._say(why, AMBER)
            return True
        return False

    def email_receipt(self) -> None:
        """PaySimple e-mails the selected payment's receipt again, to the address on file (asked first)."""
        a = self.current_attempt()
        if self._refuse(a, None if self.email_button.isEnabled() else lambda: translate(
                "HistoryDialog", "PaySimple e-mails receipts only for payments it recorded; print this one "
                                 "(Ctrl+P).")):
            return
        if self.emailing is not None and not self.emailing.finished:
            return

        def said(text, colour: str, outcome: str) -> None:
            self._say(text, colour)
            if outcome not in ("asking", "sending"):
                self.actionFinished.emit(outcome)

        self.emailing = EmailReceipt(self, self.payments, a, said)
        self.emailing.start()

    # ---- check again ---------------------------------------------------------------------------------

    def check_again(self) -> None:
        a = self.current_attempt()
        if self._refuse(a, (lambda: translate("HistoryDialog", "This payment's outcome is known: there is nothing "
                                                               "to check."))
                        if a is not None and a.is_resolved else None):
            return
        payments = self.payments
        self._set_busy(True, lambda: translate("HistoryDialog", "Checking with PaySimple…"))
        BackgroundOp(lambda ctx: payments.resolve(a), on_done=self._resolved,
                     on_error=self._action_failed, label="check again").start()

    # After an action the list reloads on the change it published (``PaymentResolved``); the message waits for
    # that reload (``_say_later``), and the acted-on payment stays selected.

    def _resolved(self, attempt: Attempt) -> None:
        self._set_busy(False)
        if attempt.is_resolved:
            self._say_later(lambda: fmt(translate("HistoryDialog", "Checked with PaySimple: %1"),
                                attempt_label(attempt)), status_colour(attempt.state), "resolved")
        else:
            self._say_later(lambda: translate("HistoryDialog", "PaySimple could not confirm it yet. Do not charge again; "
                                                       "check again in a moment."), AMBER, "unresolved")

    # ---- void / refund -------------------------------------------------------------------------------

    def void_or_refund(self) -> None:
        a = self.current_attempt()
        if self._refuse(a, (lambda: translate("HistoryDialog", "Only an approved payment can be voided or refunded."))
                        if a is not None and a.state is not State.APPROVED else None):
            return
        payments = self.payments
        self._set_busy(True, lambda: translate("HistoryDialog", "Asking PaySimple whether a void or a refund applies…"))
        BackgroundOp(lambda ctx: payments.reversal_option(a), on_done=lambda option: self._option(a, option),
                     on_error=self._action_failed, label="void/refund option").start()

    def _option(self, attempt: Attempt, option) -> None:
        self._set_busy(False)
        applies, other = option_text(option, attempt, self.payments.tz)
        if option.action is None:
            tz = self.payments.tz
            self._say(lambda: option_text(option, attempt, tz)[0], AMBER)
            self.actionFinished.emit("not_offered")
            return
        action = ManagerAction.VOID if option.action == "void" else ManagerAction.REFUND
        tz = self.payments.tz

        def detail() -> str:  # what the manager reads, in the UI language (also after a switch)
            return approval_detail(attempt, *option_text(option, attempt, tz))
        approval: Approval | None = None
        if self.payments.approve is not None:
            approval = self.payments.approve(action, subject=attempt.id, detail=detail, parent=self)
        if approval is None:
            self._say(lambda: translate("HistoryDialog", "Cancelled: nothing was changed."))
            self.actionFinished.emit("cancelled")
            return
        call = self.payments.void if option.action == "void" else self.payments.refund
        self._set_busy(True, lambda: translate("HistoryDialog", "Voiding with PaySimple…") if option.action == "void"
                       else translate("HistoryDialog", "Refunding with PaySimple…"))
        manager = approval.manager_name
        BackgroundOp(lambda ctx: call(attempt, approval), on_done=lambda a: self._reversed(a, manager),
                     on_error=self._action_failed, label=option.action).start()

    # ---- needs review ---------------------------------------------------------------------------------

    def close_review(self) -> None:
        """A manager closes a payment that needs review after checking PaySimple's own records: either with
        the PaySimple payment that is this sale, or as not charged (``PaymentService.close_review`` checks
        PaySimple again and refuses what does not match)."""
        a = self.current_attempt()
        if self._refuse(a, (lambda: translate("HistoryDialog", "F9 closes a payment that needs review; this one "
                                                               "does not."))
                        if a is not None and a.state is not State.REVIEW else None):
            return
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        text, ok = QInputDialog.getText(
            self, translate("HistoryDialog", "Close review"),
            translate("HistoryDialog", "Look the sale up in PaySimple first.\nPaySimple payment id of this sale "
                                       "(leave empty if PaySimple has no payment for it):"),
            QLineEdit.EchoMode.Normal, "")
        if not ok:
            return
        text = text.strip()
        if text and not (text.isascii() and text.isdigit()):
            self._say(lambda: translate("HistoryDialog", "A PaySimple payment id is digits only: nothing was changed."), RED)
            return
        payment_id = int(text) if text else None
        detail = (fmt(translate("HistoryDialog", "%1 is PaySimple payment %2"), a.id, payment_id) if payment_id
                  else fmt(translate("HistoryDialog", "%1 was not charged"), a.id))
        approval: Approval | None = None
        if self.payments.approve is not None:
            approval = self.payments.approve(ManagerAction.CLOSE_REVIEW, subject=a.id, detail=detail, parent=self)
        if approval is None:
            self._say(lambda: translate("HistoryDialog", "Cancelled: nothing was changed."))
            self.actionFinished.emit("cancelled")
            return
        payments = self.payments
        self._set_busy(True, lambda: translate("HistoryDialog", "Checking with PaySimple…"))
        manager = approval.manager_name
        BackgroundOp(lambda ctx: payments.close_review(a, approval, payment_id),
                     on_done=lambda done: self._review_closed(done, manager), on_error=self._action_failed,
                     label="close review").start()

    # After an action the detail pane above already says what became of the payment (``attempt_summary``);
    # the message line says who approved it, so the outcome is not written twice.

    def _review_closed(self, attempt: Attempt, manager: str = "") -> None:
        self._set_busy(False)
        self._say_later(lambda: fmt(translate("HistoryDialog", "Review closed, approved by %1 and recorded."), manager),
                        GREEN if attempt.state is State.APPROVED else AMBER, attempt.state.value)

    def _reversed(self, attempt: Attempt, manager: str = "") -> None:
        self._set_busy(False)
        voided = attempt.state in (State.VOIDED, State.VOID_PENDING)

        def done() -> str:
            return (fmt(translate("HistoryDialog", "Void approved by %1 and recorded."), manager) if voided
                    else fmt(translate("HistoryDialog", "Refund approved by %1 and recorded."), manager))
        if attempt.state in (State.VOIDED, State.REFUNDED):
            self._say_later(done, GREEN, attempt.state.value)
        elif attempt.state in PENDING_REVERSAL_STATES:
            self._say_later(done, AMBER, "pending")
        else:  # back to approved: PaySimple did not apply it
            self._say_later(lambda: fmt(translate("HistoryDialog", "It did not take effect: %1"), tr(attempt.note) or "-"), RED,
                            "not_applied")

    def _action_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, NotAllowed):
            self._say(lambda: fmt(translate("HistoryDialog", "Not allowed: %1"), tr(exc)), RED)
            self.actionFinished.emit("refused")
        elif isinstance(exc, LaneBusy):
            self._say(lambda: translate("HistoryDialog", "This payment is being sent or checked right now; try again in a "
                                                 "moment."), AMBER)
            self.actionFinished.emit("busy")
        else:
            log.warning("history action failed: %s", type(exc).__name__)
            self._say(lambda: fmt(translate("HistoryDialog", "PaySimple could not be reached (%1). Nothing was sent twice; "
                                                     "try again."), type(exc).__name__), RED)
            self.actionFinished.emit("failed")

    def _say_later(self, text: str | Callable[[], str], colour: str, outcome: str) -> None:
        """Show ``text`` once the reload that follows an action has refreshed the list and detail pane."""
        def show() -> None:
            self.loaded.disconnect(show)
            self._say(text, colour)
            self.actionFinished.emit(outcome)
        self.loaded.connect(show)


def _brush(colour: str):
    from PySide6.QtGui import QBrush, QColor

    return QBrush(QColor(colour))
