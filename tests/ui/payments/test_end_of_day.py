"""End of day over the real gateway: totals, a mismatch made on purpose, CSV and PDF export, cancel."""

from __future__ import annotations

import csv
from decimal import Decimal

from pos_app.clerks import Role
from pos_app.payments import Approval
from pos_app.paysimple.models import PaymentRequest
from pos_app.ui.payments.eod_view import EndOfDayDialog
from tests.fixtures.payments import make_service, new_shopper
from tests.ui.payments.conftest import close_dialog
from tests.ui.payments.pdftools import assert_valid_pdf, pdf_pages


def test_end_of_day_shows_totals_and_a_mismatch_and_exports(qtbot, payments, bus, service, journal, client, gateway,
                                                            registry, shopper, trainer, trainee, tmp_path):
    sold = service.charge(shopper.customer, shopper.card, Decimal("30.00"), str(trainee.id))
    voided = service.charge(shopper.customer, shopper.card, Decimal("8.00"), str(trainer.id))
    service.void(voided, Approval.from_clerk(trainer, "wrong amount"))
    grace = new_shopper(client, "Grace", "Hopper", "5454545454545454")
    service.charge(grace.customer, grace.card, Decimal("9999.01"), str(trainee.id))  # declined
    lane2 = make_service(journal, client, gateway, lane="LANE2")
    lane2.charge(grace.customer, grace.card, Decimal("11.00"), str(trainee.id))
    # On purpose: a payment made straight through the client, never journaled (someone used PaySimple's site)
    stray = client.create_payment(PaymentRequest(account_id=grace.card.id, amount=Decimal("77.77")))

    dialog = EndOfDayDialog(payments, events=bus)
    dialog.show()
    try:
        assert dialog.chosen_day() == gateway.clock.now().astimezone(payments.tz).date()  # store-zone today
        with qtbot.waitSignal(dialog.finished_run, timeout=15_000) as run:
            dialog.run_button.click()
        report = run.args[0]
        assert report is not None and not report.reconciled
        assert (report.gross.count, report.gross.total) == (3, Decimal("49.00"))  # the voided sale too
        assert (report.voids.count, report.voids.total) == (1, Decimal("8.00"))
        assert report.by_status["declined"].count == 1 and report.net == Decimal("41.00")
        assert set(report.by_lane) == {"LANE1", "LANE2"}
        [mismatch] = report.mismatches
        assert (mismatch.kind, mismatch.payment_id) == ("paysimple_only", stray.id)

        shown = dialog.view.toPlainText()
        for text in ("Only at PaySimple", str(stray.id), "Mismatches with PaySimple: 1.", "$41.00", "$8.00",
                     "Trainer", "Trainee", "LANE2", "Voided", "Declined"):
            assert text in shown, text
        assert "mismatches" in dialog.state.text()
        assert sold.id not in shown  # only mismatches are listed one by one

        with qtbot.waitSignal(dialog.saver.finished, timeout=10_000) as saved:
            dialog.export_csv(tmp_path / "eod.csv")
        csv_path = saved.args[0]
        rows = list(csv.reader(csv_path.open(encoding="utf-8")))
        assert ["mismatch", "paysimple_only", "", "", "", "", "", str(stray.id)] == rows[-1][:8]
        assert ["total", "voids", "", "", "1", "8.00"] == next(r for r in rows if r[1] == "voids")[:6]

        with qtbot.waitSignal(dialog.saver.finished, timeout=10_000) as saved:
            dialog.export_pdf(tmp_path / "eod.pdf")
        pdf_path = saved.args[0]
        assert pdf_path == tmp_path / "eod.pdf" and pdf_path.stat().st_size > 0
        assert_valid_pdf(pdf_path)
        text = " ".join(page[2] for page in pdf_pages(pdf_path))
        for needle in ("End of day", "Only at PaySimple", str(stray.id), "$41.00", "Trainer"):
            assert needle in text, needle
        assert dialog.location.field.text() == str(pdf_path) and dialog.state.text() == "Report saved."
    finally:
        close_dialog(dialog)
    assert registry.get(trainer.id).role is Role.MANAGER


def test_end_of_day_can_be_cancelled_while_reading_paysimple(qtbot, payments, bus, service, gateway, shopper, trainee):
    service.charge(shopper.customer, shopper.card, Decimal("3.00"), str(trainee.id))
    gateway.faults.add("GET", "/v4/payment", "delay", count=1)  # PaySimple's list answers after 1 s
    dialog = EndOfDayDialog(payments, events=bus)
    dialog.show()
    try:
        dialog.run()
        assert dialog.running and dialog.cancel_button.isVisible() and not dialog.run_button.isEnabled()
        with qtbot.waitSignal(dialog.finished_run, timeout=10_000) as run:
            dialog.cancel_button.click()
        assert run.args == [None] and dialog.report is None
        assert "Cancelled" in dialog.state.text() and not dialog.pdf_button.isEnabled()
        with qtbot.waitSignal(dialog.finished_run, timeout=15_000) as again:  # and it runs again afterwards
            dialog.run()
        assert again.args[0] is not None and again.args[0].reconciled
    finally:
        close_dialog(dialog)


def test_end_of_day_on_screen_and_in_the_pdf_neutralises_names_and_paysimple_texts(qtbot, payments, bus, registry,
                                                                                   desk, trainee, tmp_path):
    """A clerk name from an older clerk file and a mismatch detail carrying CR/LF or a bidi override stay on
    their own line, visibly damaged, in the report a manager reads and prints."""
    import sqlite3
    from datetime import date

    from PySide6.QtGui import QTextDocument

    from pos_app.payments.eod import EodReport, Mismatch
    from pos_app.ui.payments.eod_view import report_html
    from pos_app.ui.payments.receipt_print import write_document_pdf

    with sqlite3.connect(registry.path) as con:  # written before names were checked
        con.execute("UPDATE clerks SET name = ? WHERE id = ?", ("Eve\r\nAPPROVED BY MANAGER\u202e", trainee.id))
    desk.clerks()  # the counter reads its clerk list again (as at the next sign-in screen)
    report = EodReport(day=date(2026, 12, 5), timezone="UTC", lane=None, clerk=None)
    report.by_clerk[str(trainee.id)]["approved"].add(1234)
    report.by_status["approved"].add(1234)
    report.mismatches.append(Mismatch("paysimple_only", None, 42, "PaySimple Authorized\r\nRECONCILED OK\u2066"))
    doc = QTextDocument()
    doc.setHtml(report_html(report, payments))
    lines = [line.strip() for line in doc.toPlainText().splitlines() if line.strip()]
    pdf = write_document_pdf(doc, tmp_path / "eod.pdf")
    [(_w, _h, pdf_text)] = pdf_pages(assert_valid_pdf(pdf) and pdf)
    assert any("Eve\ufffd\ufffdAPPROVED BY MANAGER\ufffd" in line for line in lines), lines
    assert any("PaySimple Authorized\ufffd\ufffdRECONCILED OK\ufffd" in line for line in lines), lines
    assert not [line for line in lines if line.startswith(("APPROVED", "RECONCILED"))], lines
    assert not any(ch in pdf_text for ch in "\u202e\u2066") and "Eve" in pdf_text


def test_a_report_on_screen_says_when_a_payment_of_its_day_changes_afterwards(qtbot, payments, bus, service, gateway,
                                                                              shopper, trainer, trainee):
    """The dialog follows the change broadcast: a payment recorded / voided after the report was made marks
    it out of date (it never reads PaySimple again by itself); Run makes it again and the mark goes."""
    import dataclasses
    from datetime import timedelta

    from pos_app.counter import PaymentRecorded, PaymentResolved

    service.charge(shopper.customer, shopper.card, Decimal("30.00"), str(trainee.id))
    dialog = EndOfDayDialog(payments, events=bus)
    dialog.show()
    try:
        with qtbot.waitSignal(dialog.finished_run, timeout=15_000) as run:
            dialog.run_button.click()
        assert run.args[0].gross.count == 1 and not dialog.stale
        small = service.charge(shopper.customer, shopper.card, Decimal("1.00"), str(trainee.id))
        yesterday = dataclasses.replace(small, created_at=small.created_at - timedelta(days=1))
        bus.publish(PaymentRecorded(yesterday))  # another day: the report stands
        qtbot.wait(200)
        assert not dialog.stale and dialog.state.text().startswith("Done")
        later = service.charge(shopper.customer, shopper.card, Decimal("5.00"), str(trainee.id))
        voided = service.void(later, Approval.from_clerk(trainer, "wrong amount"))
        bus.publish(PaymentResolved(voided))  # as the counter publishes it, from any thread
        qtbot.waitUntil(lambda: dialog.stale, timeout=5000)
        assert "changed after this report was made" in dialog.state.text()
        with qtbot.waitSignal(dialog.finished_run, timeout=15_000) as again:
            dialog.run_button.click()
        assert again.args[0].gross.count == 3 and not dialog.stale
        assert dialog.state.text().startswith("Done")
    finally:
        close_dialog(dialog)
