"""Receipts for approved and declined attempts: every required field on screen, in the document and in the PDF."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from pos_app.payments import State
from pos_app.ui.payments.history import HistoryDialog
from pos_app.ui.payments.receipt_print import (
    RECEIPT_WIDTH_MM,
    format_local,
    receipt_document,
    write_receipt_pdf,
)
from tests.fixtures.payments import new_shopper
from tests.ui.payments.conftest import MERCHANT, close_dialog
from tests.ui.payments.pdftools import assert_valid_pdf, pdf_pages


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def required_fields(attempt, payments, clerk_name: str) -> list[str]:
    return [squash(field) for field in (MERCHANT.name, MERCHANT.address, MERCHANT.phone, MERCHANT.footer,
            format_local((attempt.sent_at or attempt.created_at).astimezone(payments.tz), seconds=True),
            clerk_name, attempt.customer_name, attempt.account_masked, f"${attempt.amount:,.2f}",
            attempt.id, attempt.lane)]


def test_approved_receipt_has_every_field_on_screen_and_in_the_pdf(qtbot, payments, bus, service, shopper, trainer,
                                                                   tmp_path):
    sale = service.charge(shopper.customer, shopper.card, Decimal("1042.50"), str(trainer.id))
    assert sale.state is State.APPROVED and sale.auth_code and sale.trace_number
    dialog = HistoryDialog(payments, events=bus)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    try:
        receipt_dialog = dialog.receipt_dialog()
        text = squash(receipt_dialog.document.toPlainText())
        expected = required_fields(sale, payments, "Trainer") + [
            "APPROVED", sale.auth_code, sale.trace_number, str(sale.payment_id)]
        for field in expected:
            assert field in text, field
        assert "4111111111111111" not in text and "****1111" in text
        assert "MST" in text or "MDT" in text  # store time zone (America/Denver), not the computer's

        with qtbot.waitSignal(receipt_dialog.saver.finished, timeout=10_000) as saved:
            assert receipt_dialog.save_pdf(tmp_path / "from-dialog.pdf")  # from the receipt dialog, no file dialog
        pdf = saved.args[0]
        assert pdf == tmp_path / "from-dialog.pdf" and pdf.stat().st_size > 0
        assert_valid_pdf(pdf)
        assert receipt_dialog.location.field.text() == str(pdf) and not receipt_dialog.location.isHidden()
        with qtbot.waitSignal(dialog.saver.finished, timeout=10_000) as saved:
            dialog.save_pdf(tmp_path / "receipt.pdf")  # from the history (Ctrl+S)
        pdf = saved.args[0]
        assert_valid_pdf(pdf)
        [(width, height, pdf_text)] = pdf_pages(pdf)  # one page: a till roll
        assert abs(width - RECEIPT_WIDTH_MM / 25.4 * 72) < 1.5 and height > width
        for field in expected:
            assert field in pdf_text, field
        assert dialog.location.field.text() == str(pdf) and "saved" in dialog.message.text()
        receipt_dialog.close()
    finally:
        close_dialog(dialog)


def test_declined_receipt_says_declined_and_why(qtbot, payments, bus, service, client, trainee, tmp_path):
    grace = new_shopper(client, "Grace", "Hopper", "5454545454545454")
    declined = service.charge(grace.customer, grace.card, Decimal("9999.01"), str(trainee.id))
    assert declined.state is State.DECLINED
    receipt = payments.receipt(declined)
    text = squash(receipt_document(receipt).toPlainText())
    for field in required_fields(declined, payments, "Trainee") + ["DECLINED", "Do Not Honor"]:
        assert field in text, field
    assert "Reason Do Not Honor" in text
    for value in (declined.auth_code, declined.trace_number):  # whatever PaySimple returned for the decline
        assert value is None or squash(value) in text
    pdf = write_receipt_pdf(receipt_document(receipt), tmp_path / "declined.pdf")
    [(_w, _h, pdf_text)] = pdf_pages(assert_valid_pdf(pdf) and pdf)
    assert "DECLINED" in pdf_text and declined.id in pdf_text and "Do Not Honor" in pdf_text


def test_receipt_in_spanish_has_spanish_words_and_the_stores_money(qtbot, qapp, payments, bus, service, shopper,
                                                                   trainer):
    from pos_app import money
    from pos_app.ui.common.i18n import install_translator

    sale = service.charge(shopper.customer, shopper.card, Decimal("1042.50"), str(trainer.id))
    try:
        assert install_translator(qapp, "es") == "es"
        text = squash(receipt_document(payments.receipt(sale)).toPlainText())
        assert "APROBADO" in text and "Cliente" in text
        assert "$1,042.50" in text and "1.042,50" not in text  # a US store: US money, whatever the language
        money.set_store_format("es_ES")
        receipt = payments.receipt(sale)
        text = squash(receipt_document(receipt).toPlainText())
        assert "$1.042,50" in text and "$1.042,50" in receipt.text()  # a comma store: on screen and on paper
    finally:
        install_translator(qapp, "en")


def test_printing_goes_through_a_qprinter(qtbot, payments, bus, service, shopper, trainer, tmp_path):
    """The Print path (QPrinter + QTextDocument.print_) without the modal print dialog: a PDF printer."""
    from PySide6.QtPrintSupport import QPrinter

    from pos_app.ui.payments.receipt_print import print_document

    sale = service.charge(shopper.customer, shopper.card, Decimal("15.00"), str(trainer.id))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_document(receipt_document(payments.receipt(sale)), printer=printer, ask=False)
    [(_w, _h, text)] = pdf_pages(assert_valid_pdf(tmp_path / "printed.pdf") and tmp_path / "printed.pdf")
    assert sale.id in text and "APPROVED" in text and "$15.00" in text


def pdf_lines(path) -> list[str]:
    """The PDF's text as QtPdf extracts it, line by line (not collapsed)."""
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    assert doc.load(str(path)) == QPdfDocument.Error.None_
    try:
        text = "\n".join(doc.getAllText(i).text() for i in range(doc.pageCount()))
    finally:
        doc.close()
    return [line.strip() for line in re.split(r"[\r\n\u2028\u2029]+", text) if line.strip()]


@pytest.mark.parametrize("forged, shown_start", [
    ("Grace\r\nAPPROVED - NO SIGNATURE NEEDED\r\n\u202eDEDEEN ERUTANGIS ON - DEVORPPA", "Grace\ufffd\ufffdAPPR"),
    ("Grace Wolfeschlegelsteinhausen APPROVED - NO SIGNATURE NEEDED", "Grace Wolfe"),  # wrap, no control
])
def test_a_name_with_line_breaks_cannot_forge_an_approval_on_the_declined_receipt_pdf(
        qtbot, payments, bus, service, client, trainee, tmp_path, journal, forged, shown_start):
    """The reproduced defect, where a person reads it: the receipt on screen and the PDF of a DECLINED payment
    whose customer name carries CR/LF + "APPROVED - NO SIGNATURE NEEDED" (an old journal row, so the name
    reaches the receipt unneutralised) show no line saying APPROVED; nor does a long name that would wrap."""
    import sqlite3

    from pos_app.payments import CustomerRef

    grace = new_shopper(client, "Grace", "Hopper", "5454545454545454")
    declined = service.charge(CustomerRef(grace.customer.id, forged), grace.card, Decimal("9999.01"),
                              str(trainee.id))
    assert declined.state is State.DECLINED
    with sqlite3.connect(journal.path) as con:  # as an older version stored it: raw
        con.execute("UPDATE attempts SET customer_name = ? WHERE id = ?", (forged, declined.id))
    receipt = payments.receipt(journal.get(declined.id))
    document = receipt_document(receipt)
    lines = [line.strip() for line in document.toPlainText().splitlines() if line.strip()]
    pdf = write_receipt_pdf(receipt_document(receipt), tmp_path / "declined.pdf")
    assert_valid_pdf(pdf)
    for shown in (lines, pdf_lines(pdf)):
        # the document's plain text puts a table row's cells on lines of their own, the PDF on one line
        rows = "\n".join(shown).replace("Customer\n", "Customer ").replace("Status\n", "Status ").splitlines()
        assert "Status DECLINED" in rows, "\n".join(shown)
        assert not [line for line in rows if line.startswith(("APPROVED", "NO SIGNATURE", "DEDEEN"))], rows
        assert not any(ch in line for line in rows for ch in "\u202e\r")
        (at,) = [i for i, line in enumerate(rows) if line.startswith("Customer ")]
        assert rows[at].startswith("Customer " + shown_start) and rows[at].endswith("…"), rows
        assert rows[at + 1].startswith("Account"), rows  # the name took one line

    dialog = HistoryDialog(payments, events=bus)  # the history shows the same row on one line, neutralised
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    try:
        names = [dialog.table.topLevelItem(i).text(1) for i in range(dialog.table.topLevelItemCount())]
        assert any(n.startswith(shown_start) for n in names), names
        assert not any(ch in n for n in names for ch in "\r\n\u202e")
    finally:
        close_dialog(dialog)


def test_bank_debit_is_posted_pending_with_its_authorization_in_history_receipt_and_pdf(qtbot, payments, bus, service,
                                                                                        client, shopper, trainee,
                                                                                        tmp_path):
    """Issue 13 §6: a bank debit is never "Approved": history and receipt say posted / pending, the receipt
    carries the return notice and the authorization text exactly as journaled, with who read it."""
    from pos_app.payments import AccountRef
    from pos_app.paysimple.models import AchInput
    from tests.ui.payments.test_history import rows

    ach = AccountRef.from_paysimple(client.create_ach(AchInput(customer_id=shopper.customer.id,
                                                               routing_number="131111114",
                                                               account_number="751111111",
                                                               bank_name="PaySimple Bank")))
    text = ("Today, 12/5/2026, I, Ada Lovelace, authorize Corner Hardware to debit my checking account ending in "
            "1111 at PaySimple Bank one time for $88.00.\nI can revoke this authorization by telling Corner "
            "Hardware before 12/5/2026 3:00 PM MST.")
    debit = service.charge(shopper.customer, ach, Decimal("88.00"), str(trainee.id), ach_authorization=text)
    assert debit.state is State.APPROVED and debit.ps_status == "Posted"
    dialog = HistoryDialog(payments, events=bus)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    try:
        [row] = rows(dialog)
        assert row[4] == "Posted — pending" and "Approved" not in row
        assert dialog.detail_title.text().startswith("Posted — pending")
        assert "The bank can still return it" in dialog.detail_text.text()
        receipt_text = squash(dialog.receipt_dialog().document.toPlainText())
        assert "POSTED - PENDING" in receipt_text and "approved" not in receipt_text.lower()
        assert "can still return it (for example for insufficient funds)" in receipt_text
        assert "BANK DEBIT AUTHORIZATION" in receipt_text and squash(text) in receipt_text
        assert "Read to the customer by Trainee" in receipt_text
        with qtbot.waitSignal(dialog.saver.finished, timeout=10_000) as saved:
            dialog.save_pdf(tmp_path / "debit.pdf")
        pdf = saved.args[0]
        [(_w, _h, pdf_text)] = pdf_pages(assert_valid_pdf(pdf) and pdf)
        flat = squash(pdf_text)
        assert "POSTED - PENDING" in flat and "BANK DEBIT AUTHORIZATION" in flat and "ending in 1111" in flat
        assert "approved" not in flat.lower()
    finally:
        close_dialog(dialog)


@pytest.mark.parametrize("locale_name", ["en_US", "es_ES"])
def test_every_receipt_value_stays_beside_its_label_and_inside_the_roll(qtbot, locale_name):
    """Issue 18: the date wrapped away from its label in the PDF. Laid out at 80 mm in English and Spanish:
    the date (and every short value) sits on its label's line, on one line, inside the page."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from PySide6.QtCore import QLocale

    from pos_app.payments import Receipt

    receipt = Receipt(merchant_name="Corner Hardware", merchant_address="12 Elm Street", merchant_phone="555",
                      footer="", when=datetime(2026, 12, 5, 14, 32, 10, tzinfo=ZoneInfo("America/Denver")),
                      lane="LANE1", clerk="Trainer", customer_name="Mary Clark", account="American Express ****0005",
                      amount=Decimal("1042.50"), status="APPROVED", auth_code="123456",
                      trace_number="8d3c7c1e-6c0a-4a53-9a57-0f1f5a1b2c3d", attempt_id="LANE1-01JEXAMPLE00000000000000",
                      payment_id=100234, failure=None, state=State.APPROVED)
    locale = QLocale(locale_name)
    doc = receipt_document(receipt, locale)
    width = RECEIPT_WIDTH_MM / 25.4 * 96
    doc.setTextWidth(width)
    layout = doc.documentLayout()

    def box(text: str):
        cursor = doc.find(text)
        assert not cursor.isNull(), text
        block = cursor.block()
        return layout.blockBoundingRect(block), block.layout().lineCount()

    label_rect, _ = box("Date")  # labels in English here (the test's translator); the locale's date format
    value_rect, lines = box("2026")  # the date and time: one text, laid out as one line
    assert lines == 1 and value_rect.y() == label_rect.y(), (label_rect, value_rect)
    assert value_rect.right() <= width + 0.5
    for value in ("****0005", "123456", "100234"):
        rect, lines = box(value)
        assert lines == 1 and rect.right() <= width + 0.5, value
