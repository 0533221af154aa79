"""Receipts on paper and as PDF: one per attempt (approved, declined, not charged, voided, refunded).

``receipt_document(receipt)`` turns ``pos_app.payments.Receipt`` (built by ``receipt_for``) into a
``QTextDocument``: merchant header from settings, date/time in the store's zone, lane, clerk, customer, masked
account, amount, status, failure reason, auth code, trace number, PaySimple payment id and the attempt id
(= PaySimple OrderId). Labels are translated and dates follow the UI locale (``QLocale``); the amount is in
the store's money format the receipt was built with (``Receipt.money_format``), as on the printed text.

Decisions:
- PDF: Qt's own writer (``QPdfWriter``), no extra library. A receipt PDF is one page 80 mm wide (a till roll)
  whose height fits the receipt: the document is drawn at 96 dpi with ``drawContents`` so nothing is split
  across pages. Printing goes through ``QPrintDialog`` and lets Qt paginate on whatever paper the printer has.
- The account is only ever the masked one (brand + last 4) the journal holds; no token or number exists here.
- A bank (ACH) debit is "POSTED - PENDING" (never "APPROVED"), followed by the notice that the bank can still
  return it and the authorization text the clerk read to the customer, exactly as journaled (its language is
  the one it was read in), with who read it.
- No value can forge a line (docs/decisions/0142): every value is ``text_safety.one_line`` (control and bidi
  characters → U+FFFD), and the clerk's and customer's names stay on their label's row, cut with "…".
- Saved PDFs go where the person chooses, with a readable name ("Receipt 2026-12-05 1432 Mary Clark.pdf",
  ``receipt_file_name``); the PDF is drawn in memory on the GUI thread and written by a worker
  (``ui.common.save_files``). E-mailing a receipt is PaySimple's (``ui.payments.receipt_email``).
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QCoreApplication, QDate, QIODevice, QLocale, QMarginsF, QSizeF, Qt, QTime
from PySide6.QtGui import QKeySequence, QPageLayout, QPageSize, QPainter, QPdfWriter, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pos_app.counter import STATUS_TEXT, Receipt, State
from pos_app.private_files import write_user_file
from pos_app.text_safety import neutralise, one_line
from pos_app.ui.common.i18n import Retranslating, fmt, format_money, tr
from pos_app.ui.common.save_files import (
    FileLocation,
    FileSaver,
    SaveFolder,
    ask_save_path,
    file_name,
    save_failed_text,
)
from pos_app.ui.common.theme import AMBER, GREEN, RED

translate = QCoreApplication.translate

RECEIPT_WIDTH_MM = 80.0
SCREEN_DPI = 96  # the document's pixel unit
_MM_PER_INCH = 25.4


def status_label(state: State | str) -> str:
    """The receipt's status line for an attempt state, in the UI language."""
    labels = {
        State.CREATED: translate("Receipt", "NOT SENT"),
        State.SENDING: translate("Receipt", "IN PROGRESS"),
        State.UNKNOWN: translate("Receipt", "UNKNOWN - CHECKING WITH PAYSIMPLE"),
        State.RECONCILING: translate("Receipt", "UNKNOWN - CHECKING WITH PAYSIMPLE"),
        State.APPROVED: translate("Receipt", "APPROVED"),
        State.DECLINED: translate("Receipt", "DECLINED"),
        State.ABSENT: translate("Receipt", "NOT CHARGED"),
        State.REJECTED: translate("Receipt", "NOT CHARGED - REFUSED"),
        State.VOID_PENDING: translate("Receipt", "APPROVED - VOID IN PROGRESS"),
        State.VOIDED: translate("Receipt", "VOIDED"),
        State.REFUND_PENDING: translate("Receipt", "APPROVED - REFUND IN PROGRESS"),
        State.REFUNDED: translate("Receipt", "REFUNDED"),
        State.REVIEW: translate("Receipt", "NOT CONFIRMED - NEEDS REVIEW"),
    }
    return labels[State(state)]


def bank_status_label(state: State | str, settled: bool = False) -> str:
    """A bank debit's status line: posted / pending where a card's says approved."""
    state = State(state)
    if state is State.APPROVED:
        return translate("Receipt", "SETTLED") if settled else translate("Receipt", "POSTED - PENDING")
    if state is State.VOID_PENDING:
        return translate("Receipt", "POSTED - VOID IN PROGRESS")
    if state is State.REFUND_PENDING:
        return translate("Receipt", "SETTLED - REFUND IN PROGRESS")
    return status_label(state)


def receipt_status(receipt: Receipt) -> str:
    state = _state_of(receipt)
    if state is None:
        return receipt.status
    if receipt.account_kind == "ach":
        return bank_status_label(state, settled=receipt.status == "SETTLED")
    return status_label(state)


def _state_of(receipt: Receipt) -> State | None:
    if receipt.state is not None:
        return State(receipt.state)
    for state, text in STATUS_TEXT.items():
        if text == receipt.status:
            return state
    return None


def status_colour(state: State | None, bank: bool = False) -> str:
    if bank and state is State.APPROVED:
        return AMBER  # posted, pending: the bank can still return it
    if state in (State.APPROVED, State.VOID_PENDING, State.REFUND_PENDING):
        return GREEN
    if state in (State.DECLINED, State.ABSENT, State.REJECTED):
        return RED
    if state in (State.VOIDED, State.REFUNDED):
        return "#3e4c59"
    return AMBER


def long_year(pattern: str) -> str:
    """A locale's short date pattern with a four-digit year (receipts and reports outlive the century)."""
    return pattern if "yyyy" in pattern else pattern.replace("yy", "yyyy")


def format_local(value: datetime, locale: QLocale | None = None, seconds: bool = False, zone: bool = True) -> str:
    """A time already converted to the store's zone, in the locale's format, with the zone's abbreviation."""
    locale = locale or QLocale()
    date_text = locale.toString(QDate(value.year, value.month, value.day),
                                long_year(locale.dateFormat(QLocale.FormatType.ShortFormat)))
    time_pattern = locale.timeFormat(QLocale.FormatType.ShortFormat)
    if seconds and ":ss" not in time_pattern:
        time_pattern = time_pattern.replace(":mm", ":mm:ss")
    time_text = locale.toString(QTime(value.hour, value.minute, value.second), time_pattern)
    zone_text = value.strftime("%Z") if value.tzinfo and zone else ""
    return " ".join(part for part in (date_text, time_text, zone_text) if part)


NAME_FONT_PT = 9.0
DOCUMENT_MARGIN = 12


def _name_metrics():
    from PySide6.QtGui import QFont, QFontMetricsF

    font = QFont("DejaVu Sans")
    font.setPointSizeF(NAME_FONT_PT)
    return QFontMetricsF(font)


def fit_name(value: str, labels: list[str]) -> str:
    """A person's name stays on its label's row, never wrapped: cut with "…" to the width the 80 mm receipt
    leaves beside the widest label (measured with the receipt's font, with a safety margin)."""
    value = one_line(value)
    metrics = _name_metrics()
    page = RECEIPT_WIDTH_MM / _MM_PER_INCH * SCREEN_DPI - 2 * DOCUMENT_MARGIN
    widest = max(metrics.horizontalAdvance(label + "  ") for label in labels)
    room = 0.85 * (page - widest)
    return metrics.elidedText(value, Qt.TextElideMode.ElideRight, max(room, metrics.horizontalAdvance("MM…")))


def row_fits(label: str, value: str, size: float = NAME_FONT_PT, bold: bool = False) -> bool:
    """Whether a label and its value fit one 80 mm line side by side (measured with the receipt's font)."""
    from PySide6.QtGui import QFont, QFontMetricsF

    label_font = QFont("DejaVu Sans")  # sized in the document's pixels (96 per inch), whatever the screen
    label_font.setPixelSize(round(NAME_FONT_PT * SCREEN_DPI / 72))
    value_font = QFont("DejaVu Sans")
    value_font.setPixelSize(round(size * SCREEN_DPI / 72))
    value_font.setBold(bold)
    page = RECEIPT_WIDTH_MM / _MM_PER_INCH * SCREEN_DPI - 2 * DOCUMENT_MARGIN
    needed = (QFontMetricsF(label_font).horizontalAdvance(label + "   ")
              + QFontMetricsF(value_font).horizontalAdvance(value))
    return needed <= 0.92 * page


def receipt_rows(receipt: Receipt, locale: QLocale | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs below the header, in receipt order; empty values are left out. Every value is
    one line without control/bidi characters; names never wrap or get a line of their own (``fit_name``)."""
    locale = locale or QLocale()
    rows = [
        (translate("Receipt", "Date"), format_local(receipt.when, locale, seconds=True)),
        (translate("Receipt", "Lane"), receipt.lane),
        (translate("Receipt", "Clerk"), receipt.clerk),
        (translate("Receipt", "Customer"), receipt.customer_name),
        (translate("Receipt", "Account"), receipt.account),
        (translate("Receipt", "Amount"), format_money(receipt.amount, receipt.money_format)),
        (translate("Receipt", "Status"), receipt_status(receipt)),
        (translate("Receipt", "Reason"), tr(receipt.failure)),
        (translate("Receipt", "Auth code"), receipt.auth_code or ""),
        (translate("Receipt", "Trace number"), receipt.trace_number or ""),
        (translate("Receipt", "PaySimple payment"), str(receipt.payment_id or "")),
        (translate("Receipt", "Reference"), receipt.attempt_id),
    ]
    rows = [(label, one_line(value)) for label, value in rows if value]
    names = (translate("Receipt", "Clerk"), translate("Receipt", "Customer"))
    labels = [label for label, _value in rows]
    return [(label, fit_name(value, labels) if label in names else value) for label, value in rows]


def receipt_html(receipt: Receipt, locale: QLocale | None = None) -> str:
    locale = locale or QLocale()
    esc = html.escape
    state = _state_of(receipt)
    head = [f"<div style='font-size:15pt; font-weight:700'>{esc(one_line(tr(receipt.merchant_name)))}</div>"]
    head += [f"<div>{esc(one_line(tr(part)))}</div>" for part in (receipt.merchant_address, receipt.merchant_phone)
             if part]
    rows = []
    names = (translate("Receipt", "Clerk"), translate("Receipt", "Customer"))
    date_label = translate("Receipt", "Date")
    cell = "padding:2px 0 2px 0; vertical-align:bottom"
    for label, value in receipt_rows(receipt, locale):
        style = cell
        size, bold = NAME_FONT_PT, False
        if label == translate("Receipt", "Amount"):
            style += "; font-size:13pt; font-weight:700"
            size, bold = 13.0, True
        elif label == translate("Receipt", "Status"):
            style += f"; font-weight:700; color:{status_colour(state, receipt.account_kind == 'ach')}"
            bold = True
        # labels never wrap; a value stays on its label's row when the two fit the 80 mm line (measured)
        name = f"<td style='{cell}; color:#52606d; white-space:nowrap'>{esc(label)}</td>"
        if label in names or (label != date_label and row_fits(label, value, size, bold)):
            rows.append(f"<tr>{name}<td align='right' style='{style}; white-space:nowrap'>{esc(value)}</td></tr>")
        elif label == date_label:  # the date and time: one piece, right under its label when the row is full
            if row_fits(label, value, size, bold):
                rows.append(f"<tr>{name}<td align='right' style='{style}; white-space:nowrap'>{esc(value)}</td>"
                            "</tr>")
            else:
                rows.append(f"<tr>{name}<td></td></tr><tr><td colspan='2' align='right' "
                            f"style='{style}; white-space:nowrap'>{esc(value)}</td></tr>")
        else:  # trace GUID, reference, reason: value on its own line
            rows.append(f"<tr>{name}<td></td></tr>"
                        f"<tr><td colspan='2' align='right' style='{style}'>{esc(value)}</td></tr>")
    bank = ""
    if receipt.notice:
        bank += "<hr/>" + "<p>" + esc(translate(
            "Receipt", "Bank payment: posted, not yet settled. The bank can still return it (for example for "
                       "insufficient funds), usually within 2 business days, and up to 60 days if the account holder "
                       "disputes it.")) + "</p>"
    if receipt.ach_authorization:
        paragraphs = "".join(f"<p style='margin:2px 0'>{esc(one_line(line))}</p>"
                             for line in neutralise(receipt.ach_authorization, multiline=True).splitlines()
                             if line.strip())
        bank += ("<hr/><p style='font-weight:700'>" + esc(translate("Receipt", "BANK DEBIT AUTHORIZATION")) + "</p>"
                 + paragraphs)
        if receipt.ach_authorized_by:
            bank += "<p style='color:#52606d'>" + esc(fmt(translate("Receipt", "Read to the customer by %1"),
                                                          one_line(receipt.ach_authorized_by))) + "</p>"
    footer = (f"<p align='center' style='margin-top:10px'>{esc(one_line(tr(receipt.footer)))}</p>"
              if receipt.footer else "")
    title = esc(translate("Receipt", "PAYMENT RECEIPT"))
    return (
        "<html><body style='font-family:\"DejaVu Sans\", sans-serif; font-size:9pt; color:#111827'>"
        f"<div align='center'>{''.join(head)}</div>"
        "<hr/>"
        f"<p align='center' style='font-weight:700; letter-spacing:1px'>{title}</p>"
        # one table per row: a long label elsewhere never narrows this row's value column
        + "".join(f"<table width='100%' cellspacing='0' style='margin:0'>{row}</table>" for row in rows) +
        f"{bank}"
        "<hr/>"
        f"{footer}"
        "</body></html>"
    )


def receipt_document(receipt: Receipt, locale: QLocale | None = None) -> QTextDocument:
    doc = QTextDocument()
    doc.setDocumentMargin(DOCUMENT_MARGIN)
    doc.setHtml(receipt_html(receipt, locale))
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle,
                           fmt(translate("Receipt", "Receipt %1"), receipt.attempt_id))
    return doc


def receipt_pdf(doc: QTextDocument, width_mm: float = RECEIPT_WIDTH_MM) -> bytes:
    """The receipt as PDF bytes: one 80 mm page whose height fits the whole receipt (no page breaks on a till
    roll). Drawn in memory (no file: the GUI thread renders, a worker writes)."""
    width_px = width_mm / _MM_PER_INCH * SCREEN_DPI
    doc.setTextWidth(width_px)
    height_mm = doc.size().height() / SCREEN_DPI * _MM_PER_INCH
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(SCREEN_DPI)
    writer.setTitle(doc.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
    writer.setCreator("pos-app")
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(width_mm, height_mm), QPageSize.Unit.Millimeter),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(translate("Receipt", "The PDF could not be drawn."))
    try:
        doc.drawContents(painter)
    finally:
        painter.end()
    del writer  # flushes the PDF's trailer into the buffer
    return bytes(buffer.data())


def document_pdf(doc: QTextDocument, title: str = "") -> bytes:
    """A multi-page document (reports) as PDF bytes on Letter paper, paginated by Qt."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("pos-app")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Portrait,
                                     QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter))
    doc.print_(writer)
    del writer
    data = bytes(buffer.data())
    if not data.startswith(b"%PDF"):
        raise OSError(translate("Receipt", "The PDF could not be drawn."))
    return data


def write_receipt_pdf(doc: QTextDocument, path: str | Path, width_mm: float = RECEIPT_WIDTH_MM) -> Path:
    """``receipt_pdf`` saved as ``path`` (``private_files.write_user_file``: 0600, whole or not at all). Blocks
    on the disk: call it on a worker, or with the bytes rendered first (``save_files.FileSaver``)."""
    return write_user_file(path, receipt_pdf(doc, width_mm))


def write_document_pdf(doc: QTextDocument, path: str | Path, title: str = "") -> Path:
    """``document_pdf`` saved as ``path`` (as ``write_receipt_pdf``)."""
    return write_user_file(path, document_pdf(doc, title))


def print_document(doc: QTextDocument, parent: QWidget | None = None, printer=None, ask: bool = True) -> bool:
    """Qt's print dialog, then print. False when the clerk cancelled. ``printer``/``ask=False``: print
    straight to a given ``QPrinter`` (tests print to a PDF file this way)."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(doc.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
    if ask:
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(translate("Receipt", "Print receipt"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    doc.print_(printer)
    return True


def receipt_file_name(receipt: Receipt) -> str:
    """"Receipt 2026-12-05 1432 Mary Clark.pdf": the payment's day and time in the store's zone and the
    customer's name (nothing else of theirs), safe on Windows and Linux."""
    when = receipt.when
    return file_name(translate("Receipt", "Receipt"), f"{when:%Y-%m-%d}", f"{when:%H%M}",
                     one_line(receipt.customer_name), extension="pdf")


def ask_pdf_path(parent: QWidget | None, folder: SaveFolder | None, name: str) -> Path | None:
    return ask_save_path(parent, folder, lambda: translate("Receipt", "Save as PDF"), name,
                         lambda: translate("Receipt", "PDF files (*.pdf)"))


class ReceiptDialog(Retranslating, QDialog):
    """A receipt on screen, with Print… (Ctrl+P) and Save PDF… (Ctrl+S: a Save dialog, see ``save_files``)."""

    def __init__(self, receipt: Receipt, parent: QWidget | None = None,
                 save_folder: SaveFolder | None = None) -> None:
        super().__init__(parent)
        self.receipt = receipt
        self.save_folder = save_folder
        self.saver = FileSaver(self)
        self.saver.finished.connect(self._saved)
        self.setObjectName("receiptDialog")
        self.live(self.setWindowTitle, lambda: fmt(translate("ReceiptDialog", "Receipt · %1"), one_line(receipt.customer_name)))
        self.document = receipt_document(receipt)
        self.view = QTextBrowser(self)
        self.view.setObjectName("receiptPreview")
        self.view.setDocument(self.document)
        self.view.setFixedWidth(int(RECEIPT_WIDTH_MM / _MM_PER_INCH * SCREEN_DPI) + 40)
        self.view.setMinimumHeight(470)
        self.view.setStyleSheet("QTextBrowser { background: #ffffff; border: 1px solid #d9dee5; "
                                "border-radius: 4px; padding: 8px; }")
        self.message = QLabel(self)
        self.message.setObjectName("muted")
        self.message.setWordWrap(True)
        self.location = FileLocation(self)
        self.print_button = self.with_live(QPushButton(self), lambda: translate("ReceiptDialog", "Print…  [Ctrl+P]"))
        self.print_button.setObjectName("primary")
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button = self.with_live(QPushButton(self), lambda: translate("ReceiptDialog", "Save PDF…  [Ctrl+S]"))
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        close = self.with_live(QPushButton(self), lambda: translate("ReceiptDialog", "Close  [Esc]"))
        close.clicked.connect(self.reject)
        for button in (self.print_button, self.pdf_button, close):
            button.setAutoDefault(False)  # a stray Enter never prints; Ctrl+P does
        buttons = QHBoxLayout()
        buttons.addWidget(close)
        buttons.addStretch(1)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.print_button)
        page = QHBoxLayout()
        page.addStretch(1)
        page.addWidget(self.view)
        page.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addLayout(page, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.location)
        layout.addLayout(buttons)
        self.setStyleSheet("#receiptDialog { background: #f3f4f6; }")
        QShortcut(QKeySequence("Ctrl+P"), self, self.print_receipt)
        QShortcut(QKeySequence("Ctrl+S"), self, lambda: self.save_pdf())
        self.print_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        """Buttons and the receipt itself in the current language (it is printed as shown)."""
        super().retranslate()
        self.document = receipt_document(self.receipt)
        self.view.setDocument(self.document)

    def suggested_name(self) -> str:
        return receipt_file_name(self.receipt)

    def print_receipt(self) -> None:
        if print_document(receipt_document(self.receipt), self):
            self.live(self.message.setText, lambda: translate("ReceiptDialog", "Sent to the printer."))

    def save_pdf(self, path: str | Path | None = None):
        """Ask where (unless ``path`` is given), then write on a worker; ``saver.finished`` says how it went.
        The started op, or None (cancelled, or a save still running)."""
        if self.saver.busy:
            return None
        path = path or ask_pdf_path(self, self.save_folder, self.suggested_name())
        if not path:
            return None
        self.location.hide()
        self.live(self.message.setText, lambda: translate("ReceiptDialog", "Saving the PDF…"))
        return self.saver.save(Path(path), data=receipt_pdf(receipt_document(self.receipt)))

    def _saved(self, result) -> None:
        if isinstance(result, Path):
            self.live(self.message.setText, lambda: translate("ReceiptDialog", "PDF saved."))
            self.location.show_path(result)
        else:
            path = self.saver.path
            self.live(self.message.setText, lambda: save_failed_text(result, path))
