"""End of day (Manager → End of day…): counts and totals of one store day, reconciled with PaySimple.

Pick a day (default: today in the store's time zone, on the service's clock) and a lane (all / one), press
Run: ``payments.end_of_day`` runs on a worker with progress (PaySimple's payment list is read page by page)
and Cancel. The report names the store's time zone ("America/Denver") and shows gross sales − voids −
refunds = net with counts, the same split by cards / bank debits and by card brand, every mismatch with
PaySimple, and counts and totals by status, lane and clerk. Export to CSV (``EodReport.to_csv``) and PDF (the same HTML as on
screen → ``QTextDocument`` → ``QPdfWriter``, Letter, paginated by Qt), saved where the manager chooses
("End of day 2026-12-05 LANE1.pdf" in Documents or the last folder; ``ui.common.save_files``), on a worker.

Decisions:
- Cancel stops reading PaySimple's list at the next payment (the wrapped client raises ``Cancelled``);
  nothing is written anywhere by an end-of-day run, so a cancelled run leaves nothing behind.
- The dialog reads and shows; it approves nothing, so it needs no manager PIN (the Manager menu is where a
  manager looks for it). Clerk ids in the journal are shown as names from the clerk registry.
- It follows the counter's change broadcast (``PaymentRecorded`` / ``PaymentResolved``): a report on screen
  whose day a payment changed afterwards says so, and Run (Enter) makes it again; it never runs again by itself,
  since a run reads PaySimple's payment list (decision 0472).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pos_app.counter import EodReport, EventBus, PaymentRecorded, PaymentResolved, PaymentsApi
from pos_app.text_safety import one_line
from pos_app.ui.common.events import EventRelay
from pos_app.ui.common.i18n import Retranslating, fmt, format_money, tr
from pos_app.ui.common.keys import command_key
from pos_app.ui.common.ops import BackgroundOp, Cancelled
from pos_app.ui.common.save_files import (
    FileLocation,
    FileSaver,
    SaveFolder,
    ask_save_path,
    file_name,
    save_failed_text,
)
from pos_app.ui.common.screen import fit_to_screen
from pos_app.ui.common.theme import AMBER, GREEN, RED
from pos_app.ui.common.widgets import add_labelled_fields
from pos_app.ui.payments.payment_texts import state_label
from pos_app.ui.payments.receipt_print import document_pdf, long_year, status_colour

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def mismatch_kind(kind: str) -> str:
    names = {
        "paysimple_only": translate("EndOfDayDialog", "Only at PaySimple"),
        "journal_only": translate("EndOfDayDialog", "Missing at PaySimple"),
        "amount": translate("EndOfDayDialog", "Different amount"),
        "status": translate("EndOfDayDialog", "Different status"),
        "duplicate": translate("EndOfDayDialog", "Charged more than once"),
        "unresolved": translate("EndOfDayDialog", "Not resolved yet"),
    }
    return names.get(kind, kind)


def count_text(count: int) -> str:
    if count == 1:
        return translate("EndOfDayDialog", "1 payment")
    return fmt(translate("EndOfDayDialog", "%1 payments"), count)


def method_name(method: str) -> str:
    return {"card": translate("EndOfDayDialog", "Cards"),
            "bank": translate("EndOfDayDialog", "Bank debits")}.get(method, method)


def splits_table(report: EodReport, esc, th: str, td: str) -> str:
    """Gross / voids / refunds / net per method (cards, bank debits) and per card brand."""
    money = format_money
    heads = [(translate("EndOfDayDialog", "Split"), "left"), (translate("EndOfDayDialog", "Gross sales"), "right"),
             (translate("EndOfDayDialog", "Voids"), "right"), (translate("EndOfDayDialog", "Refunds"), "right"),
             (translate("EndOfDayDialog", "Net"), "right")]
    head = "".join(f"<th align='{a}' style='{th}'>{esc(h)}</th>" for h, a in heads)
    rows = [(method_name("card"), report.by_method["card"], False)]
    rows += [(brand, t, True) for brand, t in sorted(report.by_brand.items())]
    rows += [(method_name("bank"), report.by_method["bank"], False)]

    def amount(bucket) -> str:
        return f"{esc(money(bucket.total))} <span style='color:#52606d'>({bucket.count})</span>"

    body = "".join(
        f"<tr><td style='{td}{'; padding-left:26px' if brand else '; font-weight:600'}'>{esc(name.strip())}</td>"
        f"<td align='right' style='{td}'>{amount(t.gross)}</td>"
        f"<td align='right' style='{td}'>{amount(t.voids)}</td>"
        f"<td align='right' style='{td}'>{amount(t.refunds)}</td>"
        f"<td align='right' style='{td}; font-weight:600'>{esc(money(t.net))}</td></tr>"
        for name, t, brand in rows)
    title = translate("EndOfDayDialog", "Cards and bank debits, cards by brand")
    return (f"<h3 style='margin-top:16px; margin-bottom:6px'>{esc(title)}</h3>"
            f"<table width='100%' cellspacing='0' cellpadding='0' border='0'><tr>{head}</tr>{body}</table>")


def report_html(report: EodReport, payments: PaymentsApi, store: str = "") -> str:
    """The report as HTML: the same text on screen and in the PDF."""
    def esc(value) -> str:  # every value one line, no control/bidi character (clerk names, PaySimple texts)
        return html.escape(one_line(str(value)))

    money = format_money
    locale = QLocale()
    day = locale.toString(QDate(report.day.year, report.day.month, report.day.day),
                          long_year(locale.dateFormat(QLocale.FormatType.ShortFormat)))
    lane = report.lane or translate("EndOfDayDialog", "all lanes")
    # lupdate does not see translate() inside f-string braces: every text is taken out first
    title = translate("EndOfDayDialog", "End of day")
    zone_text = translate("EndOfDayDialog", "Time zone %1 · %2")
    net_text = translate("EndOfDayDialog", "Net")
    net_rule = translate("EndOfDayDialog", "Net = gross sales − voids − refunds. Gross counts every payment of "
                                           "the payment journal that PaySimple took today; voids and refunds are "
                                           "those finished today. A payment found only at PaySimple is not in "
                                           "these totals: it is listed under Mismatches.")
    no_payments = translate("EndOfDayDialog", "No payments")
    mismatches_title = translate("EndOfDayDialog", "Mismatches with PaySimple")
    none_text = translate("EndOfDayDialog", "None.")
    parts = [
        f"<h2 style='margin:0'>{esc(title)} · {esc(day)}</h2>",
        f"<p style='color:#52606d; margin-top:2px'>{esc(tr(store))}{' · ' if store else ''}"
        f"{esc(fmt(zone_text, report.timezone, lane))}</p>",
    ]
    if report.paysimple_error:
        verdict, colour = fmt(translate("EndOfDayDialog", "Not reconciled: %1"), tr(report.paysimple_error)), RED
    elif report.mismatches:
        verdict = fmt(translate("EndOfDayDialog", "Mismatches with PaySimple: %1. Check each one below."),
                      len(report.mismatches))
        colour = RED
    else:
        verdict = fmt(translate("EndOfDayDialog", "Reconciled: the journal and PaySimple agree (%1 PaySimple "
                                                  "payments)."), report.paysimple_payments)
        colour = GREEN
    parts.append(f"<p style='font-weight:700; color:{colour}; font-size:11pt'>{esc(verdict)}</p>")

    minus = "\u2212"
    cards = [(translate("EndOfDayDialog", "Gross sales"), report.gross, ""),
             (translate("EndOfDayDialog", "Voids"), report.voids, minus),
             (translate("EndOfDayDialog", "Refunds"), report.refunds, minus)]
    cells = "".join(
        f"<td style='padding:6px 18px 6px 0'><span style='color:#52606d'>{esc(sign) + '&nbsp;' if sign else ''}"
        f"{esc(name)}</span><br/>"
        f"<span style='font-size:14pt; font-weight:700'>{esc(money(bucket.total))}</span>"
        f"<span style='color:#52606d'> · {esc(count_text(bucket.count))}</span></td>"
        for name, bucket, sign in cards)
    cells += (f"<td style='padding:6px 0'><span style='color:#52606d'>= {esc(net_text)}"
              f"</span><br/><span style='font-size:14pt; font-weight:800'>{esc(money(report.net))}</span></td>")
    parts.append(f"<table cellspacing='0'><tr>{cells}</tr></table>")
    parts.append(f"<p style='color:#52606d; margin-top:0'>{esc(net_rule)}</p>")

    th = "padding:5px 10px; background:#f3f4f6; color:#3e4c59; font-weight:600"
    td = "padding:4px 10px; border-bottom:1px solid #e5e7eb"
    parts.append(splits_table(report, esc, th, td))

    def table(title: str, first: str | None, rows: list[tuple[str, str, int, object]]) -> str:
        heads = [(translate("EndOfDayDialog", "Status"), "left"), (translate("EndOfDayDialog", "Count"), "right"),
                 (translate("EndOfDayDialog", "Amount"), "right")]
        if first is not None:
            heads.insert(0, (first, "left"))
        head = "".join(f"<th align='{a}' style='{th}'>{esc(h)}</th>" for h, a in heads)
        body = "".join(
            "<tr>" + (f"<td style='{td}'>{esc(key)}</td>" if first is not None else "")
            + f"<td style='{td}; color:{status_colour(status)}'>{esc(state_label(status))}</td>"
            f"<td align='right' style='{td}'>{count}</td>"
            f"<td align='right' style='{td}'>{esc(money(total))}</td></tr>"
            for key, status, count, total in rows)
        if not rows:
            body = (f"<tr><td colspan='{len(heads)}' style='{td}; color:#52606d'>"
                    f"{esc(no_payments)}</td></tr>")
        return (f"<h3 style='margin-top:16px; margin-bottom:6px'>{esc(title)}</h3>"
                f"<table width='100%' cellspacing='0' cellpadding='0' border='0'><tr>{head}</tr>{body}</table>")

    parts.append(f"<h3 style='margin-top:16px; margin-bottom:6px'>"
                 f"{esc(mismatches_title)}</h3>")
    if report.mismatches:
        head = "".join(f"<th align='left' style='padding:5px 10px; background:#fef2f2; color:{RED}'>{esc(h)}</th>"
                       for h in (translate("EndOfDayDialog", "Kind"), translate("EndOfDayDialog", "Reference"),
                                 translate("EndOfDayDialog", "PaySimple payment"),
                                 translate("EndOfDayDialog", "Detail")))
        rows = "".join(
            f"<tr><td style='{td}; font-weight:700; color:{RED}'>{esc(mismatch_kind(m.kind))}</td>"
            f"<td style='{td}'>{esc(m.attempt_id or '–')}</td>"
            f"<td style='{td}'>{esc(str(m.payment_id or '–'))}</td>"
            f"<td style='{td}'>{esc(tr(m.detail))}</td></tr>" for m in report.mismatches)
        parts.append(f"<table width='100%' cellspacing='0' cellpadding='0' border='0'><tr>{head}</tr>{rows}</table>")
    else:
        parts.append(f"<p style='color:#52606d'>{esc(none_text)}</p>")

    parts.append(table(translate("EndOfDayDialog", "By status"), None, [
        ("", s, b.count, b.total) for s, b in sorted(report.by_status.items())]))
    parts.append(table(translate("EndOfDayDialog", "By lane"), translate("EndOfDayDialog", "Lane"), [
        (lane_name, s, b.count, b.total) for lane_name, statuses in sorted(report.by_lane.items())
        for s, b in sorted(statuses.items())]))
    parts.append(table(translate("EndOfDayDialog", "By clerk"), translate("EndOfDayDialog", "Clerk"), [
        (payments.clerk_name(c), s, b.count, b.total) for c, statuses in sorted(report.by_clerk.items())
        for s, b in sorted(statuses.items())]))
    return ("<html><body style='font-family:\"DejaVu Sans\", sans-serif; font-size:10pt; color:#1f2933'>"
            + "".join(parts) + "</body></html>")


class EndOfDayDialog(Retranslating, QDialog):
    finished_run = Signal(object)  # EodReport, or None when cancelled / failed (tests wait on it)

    def __init__(self, payments: PaymentsApi, parent: QWidget | None = None, store: str = "",
                 save_folder: SaveFolder | None = None, *, events: EventBus) -> None:
        """``events``: the counter's change broadcast, where ``payments`` publishes its changes."""
        super().__init__(parent)
        self.payments = payments
        self.save_folder = save_folder
        self.saver = FileSaver(self)
        self.saver.finished.connect(self._saved)
        self.store = store or payments.merchant.name
        self.report: EodReport | None = None
        self.backup_problem = None  # StorageError when the journal backup after the run failed
        self._op: BackgroundOp | None = None
        self.setObjectName("endOfDayDialog")
        self.live(self.setWindowTitle, lambda: translate("EndOfDayDialog", "End of day"))
        fit_to_screen(self, 980, 760)  # the buttons stay above the edge of a 1280x720 screen
        self._build()
        self.stale = False  # a payment of the report's day changed after the report was made
        self._relay = EventRelay(self)
        self._relay.event.connect(self._counter_event)
        self._relay.attach(events)
        self.finished.connect(lambda _result: self._relay.detach())

    def _counter_event(self, event) -> None:
        """The change broadcast: a payment of the shown report's day (store time zone) was recorded or changed."""
        report = self.report
        if not isinstance(event, PaymentRecorded | PaymentResolved) or report is None or self.running:
            return
        attempt = event.attempt
        if self.stale or attempt.created_at.astimezone(self.payments.tz).date() != report.day \
                or report.lane not in (None, attempt.lane):
            return
        self.stale = True
        self.state.setStyleSheet(f"color: {AMBER}; font-weight: 600;")
        self.live(self.state.setText, lambda: translate(
            "EndOfDayDialog", "A payment of this day changed after this report was made: Run again (Enter) to "
                              "include it."))

    def _build(self) -> None:
        from pos_app.ui.common.banner import EnvironmentBanner

        self.banner = EnvironmentBanner(self.payments.environment, self)
        today = self.payments.today()
        self.day = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat(long_year(QLocale().dateFormat(QLocale.FormatType.ShortFormat)))
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        self.lane = QComboBox(self)
        self.lane.addItem("", None)
        self.live(lambda text: self.lane.setItemText(0, text), lambda: translate("EndOfDayDialog", "All lanes"),
                  key="all lanes")
        self.lane.addItem(self.payments.lane, self.payments.lane)
        self.run_button = self.with_live(QPushButton(self), lambda: translate("EndOfDayDialog", "Run  [Enter]"))
        self.run_button.setObjectName("primary")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.cancel_button = self.with_live(QPushButton(self), lambda: translate("EndOfDayDialog", "Cancel run"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setVisible(False)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.state = QLabel(self)
        self.state.setObjectName("muted")
        self.state.setWordWrap(True)

        controls = QHBoxLayout()
        add_labelled_fields(controls, self, ((lambda: translate("EndOfDayDialog", "&Day"), self.day),
                                             (lambda: translate("EndOfDayDialog", "&Lane"), self.lane)), spacing=8)
        controls.addWidget(self.run_button)
        controls.addWidget(self.cancel_button)
        controls.addWidget(self.progress)
        controls.addStretch(1)

        self.view = QTextBrowser(self)
        self.view.setObjectName("eodReport")
        self.view.setStyleSheet("QTextBrowser { background: #ffffff; border: 1px solid #d9dee5; "
                                "border-radius: 8px; }")
        self.view.document().setDocumentMargin(16)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the report wraps
        self.live(self.view.setHtml, lambda: "<p style='color:#52606d'>"
                  + html.escape(translate("EndOfDayDialog", "Pick a day and press Run.")) + "</p>")

        self.csv_button = self.with_live(QPushButton(self), lambda: translate("EndOfDayDialog", "Export CSV…"))
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self.pdf_button = self.with_live(QPushButton(self), lambda: translate("EndOfDayDialog", "Export PDF…  [Ctrl+S]"))
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        close = self.with_live(QPushButton(self), lambda: translate("EndOfDayDialog", "Close  [Esc]"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(close)
        buttons.addStretch(1)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        for b in (self.csv_button, self.pdf_button, self.cancel_button):
            b.setAutoDefault(False)

        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 12)
        body.setSpacing(10)
        title = self.with_live(QLabel(self), lambda: translate("EndOfDayDialog", "End of day"))
        title.setObjectName("formHeader")
        body.addWidget(title)
        body.addLayout(controls)
        body.addWidget(self.state)
        self.location = FileLocation(self)  # where the exported report went
        body.addWidget(self.location)
        body.addWidget(self.view, 1)
        body.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.banner)
        outer.addLayout(body, 1)
        self.setStyleSheet("#endOfDayDialog { background: #f3f4f6; }")
        QShortcut(QKeySequence("Ctrl+S"), self, lambda: self.export_pdf())
        self._set_running(False)
        self.day.setFocus()
        self.day.installEventFilter(self)  # Alt+letter would be typed into the date: it is a command key here

    # ---- running -------------------------------------------------------------------------------------

    def chosen_day(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())

    @property
    def running(self) -> bool:
        return self._op is not None and not self._op.finished

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.progress.setVisible(running)
        self.day.setEnabled(not running)
        self.lane.setEnabled(not running)
        have = self.report is not None and not running
        self.csv_button.setEnabled(have)
        self.pdf_button.setEnabled(have)

    def run(self) -> None:
        if self.running:
            return
        day, lane, payments = self.chosen_day(), self.lane.currentData(), self.payments

        def work(ctx):
            ctx.progress(0, 0, lambda: translate("EndOfDayDialog", "Reading the journal and PaySimple's payments…"))

            def read(done: int) -> None:  # each PaySimple payment read: stop on cancel, progress every 25
                ctx.check()
                if done % 25 == 0:
                    ctx.progress(done, 0, lambda: fmt(translate("EndOfDayDialog", "Reading PaySimple's payments: "
                                                                                  "%1…"), done))

            report, self.backup_problem = payments.end_of_day(day, lane, read)
            ctx.check()  # a cancel while reading PaySimple ends up as report.paysimple_error: drop it
            return report

        self.report = None
        self.stale = False
        self.location.hide()
        self._op = BackgroundOp(work, on_done=self._done, on_error=self._failed,
                                on_progress=lambda d, t, text: self.live(self.state.setText, text), label="end of day")
        self._op.on_finish.append(lambda op: self._cancelled_finish(op))
        self._set_running(True)
        self.state.setStyleSheet("")
        self.live(self.state.setText, lambda: translate("EndOfDayDialog", "Running…"))
        self._op.start()

    def cancel(self) -> None:
        if self.running:
            self._op.cancel()
            self.live(self.state.setText, lambda: translate("EndOfDayDialog", "Cancelling…"))

    def _cancelled_finish(self, op: BackgroundOp) -> None:
        if op.cancelled:
            self._set_running(False)
            self.live(self.state.setText, lambda: translate("EndOfDayDialog", "Cancelled. Nothing was changed."))
            self.finished_run.emit(None)

    def _done(self, report: EodReport) -> None:
        if self._op is not None and self._op.cancelled:
            return
        self.report = report
        self._set_running(False)
        self.live(self.view.setHtml, lambda: report_html(report, self.payments, self.store))
        self.state.setStyleSheet(f"color: {GREEN if report.reconciled else RED}; font-weight: 600;")
        backup_problem = self.backup_problem

        def state() -> str:
            text = (translate("EndOfDayDialog", "Done: reconciled with PaySimple.") if report.reconciled
                    else translate("EndOfDayDialog", "Done: see the mismatches with PaySimple below."))
            if backup_problem is not None:  # the report stands; the backup is what failed
                text += "\n" + translate("EndOfDayDialog", "The automatic backup of the payment journal could not "
                                                           "be written:") + " " + tr(backup_problem)
            return text

        self.live(self.state.setText, state)
        self.finished_run.emit(report)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            return
        log.error("end of day failed: %s", type(exc).__name__)
        self._set_running(False)
        self.state.setStyleSheet(f"color: {RED}; font-weight: 600;")
        self.live(self.state.setText, lambda: fmt(translate("EndOfDayDialog", "The report could not be made: %1"), tr(exc)))
        self.finished_run.emit(None)

    # ---- export --------------------------------------------------------------------------------------

    def suggested_name(self, extension: str) -> str:
        """"End of day 2026-12-05 LANE1.pdf" ("… all lanes" when the report covers every lane)."""
        lane = self.report.lane or translate("EndOfDayDialog", "all lanes")
        return file_name(translate("EndOfDayDialog", "End of day"), self.report.day.isoformat(), lane,
                         extension=extension)

    def _ask(self, extension: str, filter_text: Callable[[], str]) -> Path | None:
        return ask_save_path(self, self.save_folder, lambda: translate("EndOfDayDialog", "Export end of day"),
                             self.suggested_name(extension), filter_text)

    def export_csv(self, path: str | Path | None = None):
        """The report as CSV where the person chooses (``path``: no dialog), written on a worker;
        ``saver.finished`` says how it went. The started op or None."""
        if self.report is None or self.saver.busy:
            return None
        path = path or self._ask("csv", lambda: translate("EndOfDayDialog", "CSV files (*.csv)"))
        if not path:
            return None
        return self._save(Path(path), write=self.report.to_csv)

    def export_pdf(self, path: str | Path | None = None):
        """The report as PDF (the same text as on screen), like ``export_csv``."""
        if self.report is None or self.saver.busy:
            return None
        path = path or self._ask("pdf", lambda: translate("EndOfDayDialog", "PDF files (*.pdf)"))
        if not path:
            return None
        doc = QTextDocument()
        doc.setHtml(report_html(self.report, self.payments, self.store))
        title = fmt(translate("EndOfDayDialog", "End of day %1"), self.report.day.isoformat())
        return self._save(Path(path), data=document_pdf(doc, title))

    def _save(self, path: Path, **what):
        self.location.hide()
        self.state.setStyleSheet(f"color: {AMBER}; font-weight: 600;")
        self.live(self.state.setText, lambda: translate("EndOfDayDialog", "Saving…"))
        return self.saver.save(path, **what)

    def _saved(self, result) -> None:
        if isinstance(result, Path):
            self.state.setStyleSheet(f"color: {GREEN}; font-weight: 600;")
            self.live(self.state.setText, lambda: translate("EndOfDayDialog", "Report saved."))
            self.location.show_path(result)
        else:
            self.state.setStyleSheet(f"color: {RED}; font-weight: 600;")
            path = self.saver.path
            self.live(self.state.setText, lambda: save_failed_text(result, path))

    def reject(self) -> None:
        self.cancel()
        super().reject()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        from PySide6.QtCore import QEvent

        if watched is self.day and event.type() == QEvent.Type.KeyPress \
                and event.modifiers() & Qt.KeyboardModifier.AltModifier \
                and (Qt.Key.Key_A <= event.key() <= Qt.Key.Key_Z or Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_9):
            # Alt+letter (no mnemonic of this window: those never get here); Alt+Down still opens the calendar
            self.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Enter runs the report from any field
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.running:
            self.run()
            return
        key = command_key(event)
        if key is not None:  # a counter key (F5, Ctrl+N, …): it does nothing here, and the person is told
            self.state.setStyleSheet(f"color: {AMBER}; font-weight: 600;")
            self.live(self.state.setText, lambda: fmt(translate("EndOfDayDialog", "%1 does nothing in End of day: "
                                                                          "Enter runs the report, Ctrl+S saves a PDF, "
                                                                          "Esc closes."), key))
            event.accept()
            return
        super().keyPressEvent(event)
