"""End of day over the real gateway: totals, a mismatch made on purpose, CSV and PDF export, cancel."""

from __future__ import annotations

import csv
from decimal import Decimal

from pos_app.clerks import Role
from pos_app.payments import Approval
from pos_app.paysimple.models import PaymentRequest
from pos_app.ui.eod_view import EndOfDayDialog
from tests.payments.conftest import make_service, new_shopper
from tests.ui_payments.conftest import close_dialog
from tests.ui_payments.pdftools import assert_valid_pdf, pdf_pages


def test_end_of_day_shows_totals_and_a_mismatch_and_exports(qtbot, payments, service, journal, client, gateway,
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

    dialog = EndOfDayDialog(payments)
    dialog.show()
    try:
        assert dialog.chosen_day() == gateway.clock.now().astimezone(payments.tz).date()  # store-zone today
        with qtbot.waitSignal(dialog.finished_run, timeout=15_000) as run:
            dialog.run_button.click()
        report = run.args[0]
        assert report is not None and not report.reconciled
        assert (report.sales.count, report.sales.total) == (2, Decimal("41.00"))
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

        csv_path = dialog.export_csv(tmp_path / "eod.csv")
        rows = list(csv.reader(csv_path.open(encoding="utf-8")))
        assert ["mismatch", "paysimple_only", "", "", "", "", "", str(stray.id)] == rows[-1][:8]
        assert ["total", "voids", "", "", "1", "8.00"] == next(r for r in rows if r[1] == "voids")[:6]

        pdf_path = dialog.export_pdf(tmp_path / "eod.pdf")
        assert pdf_path == tmp_path / "eod.pdf" and pdf_path.stat().st_size > 0
        assert_valid_pdf(pdf_path)
        text = " ".join(page[2] for page in pdf_pages(pdf_path))
        for needle in ("End of day", "Only at PaySimple", str(stray.id), "$41.00", "Trainer"):
            assert needle in text, needle
        assert str(pdf_path) in dialog.state.text()
    finally:
        close_dialog(dialog)
    assert registry.get(trainer.id).role is Role.MANAGER


def test_end_of_day_can_be_cancelled_while_reading_paysimple(qtbot, payments, service, gateway, shopper, trainee):
    service.charge(shopper.customer, shopper.card, Decimal("3.00"), str(trainee.id))
    gateway.faults.add("GET", "/v4/payment", "delay", count=1)  # PaySimple's list answers after 1 s
    dialog = EndOfDayDialog(payments)
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
