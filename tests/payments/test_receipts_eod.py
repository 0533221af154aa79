"""Receipts (data + plain text) and end of day reconciled against the gateway's payment list."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pos_app import money
from pos_app.money import COMMA
from pos_app.payments import Approval, State, end_of_day, receipt_for, store_timezone
from pos_app.paysimple import PaymentRequest
from pos_app.paysimple.gateway import PaySimpleGateway
from pos_app.settings import Merchant
from tests.fixtures.payments import make_service, new_shopper


@pytest.fixture
def journal(journal_store):
    """Receipts and end of day run on both journal stores (SQLite, PostgreSQL)."""
    return journal_store


PAY = "/v4/payment"
MERCHANT = Merchant(name="Corner Store", address="1 Main St", phone="555-0100", footer="Thanks!")


def test_receipt_for_an_approved_payment(service, shopper):
    a = service.charge(shopper.customer, shopper.card, Decimal("1234.50"), "clerk1")
    r = receipt_for(a, MERCHANT, tz=ZoneInfo("America/Denver"))
    assert (r.customer_name, r.account, r.amount, r.status) == ("Ada Lovelace", "Visa ****1111",
                                                                Decimal("1234.50"), "APPROVED")
    assert r.auth_code == a.auth_code and r.trace_number == a.trace_number and r.attempt_id == a.id
    assert r.when.utcoffset() == a.sent_at.astimezone(ZoneInfo("America/Denver")).utcoffset()
    text = r.text()
    for piece in ("Corner Store", "1 Main St", "clerk1", "Ada Lovelace", "Visa ****1111", "$1,234.50", "APPROVED",
                  a.auth_code, a.id, "Thanks!"):
        assert piece in text
    assert "4111111111111111" not in text
    assert max(len(line) for line in text.splitlines()) <= 40


def test_receipts_use_the_store_money_format_fixed_when_built(service, shopper):
    a = service.charge(shopper.customer, shopper.card, Decimal("1234.50"), "clerk1")
    us = receipt_for(a, MERCHANT, tz=UTC)
    money.set_store_format("es_ES")
    comma = receipt_for(a, MERCHANT, tz=UTC)
    assert "$1,234.50" in us.text() and "$1.234,50" not in us.text()  # built before the change: as printed
    assert comma.money_format is COMMA and "$1.234,50" in comma.text() and "$1,234.50" not in comma.text()
    assert "$1,234.50" in receipt_for(a, MERCHANT, tz=UTC, money_format=money.US).text()


def test_receipt_for_a_declined_payment_says_why(service, shopper):
    a = service.charge(shopper.customer, shopper.card, Decimal("9999.01"), "clerk1")
    text = receipt_for(a, MERCHANT, tz=UTC).text()
    assert "DECLINED" in text and "Do Not Honor" in text


def test_store_timezone_setting():
    assert store_timezone("America/Denver") == ZoneInfo("America/Denver")
    assert store_timezone("").utcoffset(datetime.now()) is not None
    with pytest.raises(ValueError, match="Mars/Base"):
        store_timezone("Mars/Base")


def test_end_of_day_totals_and_every_mismatch(gateway, journal, client, tmp_path):
    ada, bob = new_shopper(client), new_shopper(client, "Bob", "Stone", "5454545454545454")
    lane1 = make_service(journal, client, gateway, "LANE1")
    lane2 = make_service(journal, client, gateway, "LANE2")
    a1 = lane1.charge(ada.customer, ada.card, Decimal("10.00"), "c1")
    a2 = lane1.charge(ada.customer, ada.card, Decimal("9999.01"), "c1")
    gateway.faults.add("POST", PAY, "error_before", 1)
    a3 = lane2.charge(bob.customer, bob.card, Decimal("7.00"), "c2")
    a4 = lane2.charge(bob.customer, bob.card, Decimal("20.00"), "c2")
    a5 = lane2.charge(bob.customer, bob.card, Decimal("3.50"), "c2")
    lane2.void(a4, Approval("m1", "manager", "wrong item"))
    assert [x.state for x in (a1, a2, a3, a5)] == [State.APPROVED, State.DECLINED, State.ABSENT, State.APPROVED]
    day = gateway.clock.now().astimezone(UTC).date()

    report = end_of_day(journal, PaySimpleGateway(client), day, tz=UTC, page_size=2)  # PaySimple's list in pages of 2
    assert report.reconciled, report.mismatches
    assert report.by_status["approved"].count == 2 and report.by_status["approved"].total == Decimal("13.50")
    assert report.by_status["declined"].count == 1 and report.by_status["absent"].count == 1
    assert report.by_status["voided"].total == Decimal("20.00")
    assert report.voids.count == 1 and report.voids.total == Decimal("20.00")
    assert report.by_lane["LANE2"]["approved"].total == Decimal("3.50")
    assert report.by_clerk["c1"]["approved"].total == Decimal("10.00")
    assert (report.gross.count, report.gross.total) == (3, Decimal("33.50"))  # the voided sale was taken too
    assert report.net == Decimal("13.50")
    assert report.paysimple_payments == 4  # approved x2, declined, voided

    # Now PaySimple and the journal disagree in three ways.
    stray = client.create_payment(PaymentRequest(account_id=ada.card.id, amount=Decimal("99.00")))  # no OrderId
    client.void_payment(a5.payment_id)  # voided behind the app's back
    report = end_of_day(journal, PaySimpleGateway(client), day, tz=UTC, page_size=2)
    kinds = sorted((m.kind, m.attempt_id or str(m.payment_id)) for m in report.mismatches)
    assert kinds == sorted([("paysimple_only", str(stray.id)), ("status", a5.id)])

    lane1_only = end_of_day(journal, PaySimpleGateway(client), day, lane="LANE1", tz=UTC)
    assert lane1_only.by_status["approved"].count == 1 and lane1_only.mismatches == []  # the stray has no lane

    rows = list(csv.DictReader(io.StringIO(report.csv_text())))
    assert {"section": "total", "group": "status", "status": "approved"}.items() <= next(
        r for r in rows if r["group"] == "status" and r["status"] == "approved").items()
    assert [r["group"] for r in rows if r["section"] == "mismatch"] == [m.kind for m in report.mismatches]
    path = report.to_csv(tmp_path / "eod.csv")
    assert path.read_text().startswith("section,group,key")


def test_end_of_day_flags_a_journal_only_attempt_and_unresolved(gateway, journal, client):
    ada = new_shopper(client)
    lane = make_service(journal, client, gateway, "LANE1", lookup_tries=1)
    ok = lane.charge(ada.customer, ada.card, Decimal("10.00"), "c1")
    gateway.faults.add("POST", PAY, "error_after", 1)
    gateway.faults.add("GET", f"/v4/customer/{ada.customer.id}/payments", "error_before", 5)
    stuck = lane.charge(ada.customer, ada.card, Decimal("11.00"), "c1")
    assert stuck.state is State.UNKNOWN
    gateway.faults.clear()
    # Pretend the journal thinks a payment exists that PaySimple does not have:
    fake = journal.create_attempt("LANE9", "c1", ada.customer, ada.card, "1.00", gateway.clock.now())
    journal.transition(fake.id, State.CREATED, State.SENDING, "POST", "c1", gateway.clock.now())
    journal.transition(fake.id, State.SENDING, State.APPROVED, "test", "c1", gateway.clock.now(), payment_id=1)
    day = gateway.clock.now().astimezone(UTC).date()
    report = end_of_day(journal, PaySimpleGateway(client), day, tz=UTC)
    kinds = sorted((m.kind, m.attempt_id) for m in report.mismatches)
    assert kinds == sorted([("unresolved", stuck.id), ("journal_only", fake.id)])
    assert ok.state is State.APPROVED


def test_clerk_messages_say_what_to_do(gateway, service, shopper):
    from pos_app.payments import clerk_message

    ok = service.charge(shopper.customer, shopper.card, Decimal("5.00"), "c1")
    assert clerk_message(ok) == "Approved: $5.00 charged to Visa ****1111."
    assert clerk_message(ok, COMMA) == "Approved: $5,00 charged to Visa ****1111."
    declined = service.charge(shopper.customer, shopper.card, Decimal("9999.01"), "c1")
    assert clerk_message(declined).startswith("Declined: Do Not Honor")
    gateway.faults.add("POST", PAY, "unauthorized", 1)
    refused = service.charge(shopper.customer, shopper.card, Decimal("5.00"), "c1")
    assert "You may charge again" in clerk_message(refused)
    gateway.faults.add("POST", PAY, "error_after", 1)
    gateway.faults.add("GET", "^/v4/(customer/\\d+/)?payment", "error_before", 100)
    unknown = service.charge(shopper.customer, shopper.card, Decimal("5.00"), "c1")
    assert unknown.state is State.UNKNOWN and "Do NOT charge again" in clerk_message(unknown)
    assert "clerk one" in receipt_for(ok, MERCHANT, tz=UTC, clerk_name="clerk one").text()


def test_end_of_day_counts_a_refund_and_matches_its_credit(gateway, journal, client):
    ada = new_shopper(client)
    lane = make_service(journal, client, gateway, "LANE1")
    sale = lane.charge(ada.customer, ada.card, Decimal("40.00"), "c1")
    keep = lane.charge(ada.customer, ada.card, Decimal("2.00"), "c1")
    client.mark_payment_status(sale.payment_id)
    refunded = lane.refund(sale, Approval("m1", "manager", "returned goods"))
    assert refunded.state is State.REFUNDED and keep.state is State.APPROVED
    day = gateway.clock.now().astimezone(UTC).date()
    report = end_of_day(journal, PaySimpleGateway(client), day, tz=UTC)
    assert report.reconciled, report.mismatches  # the credit (same OrderId, negative) is the refund, not a charge
    assert report.refunds.count == 1 and report.refunds.total == Decimal("40.00")
    assert report.gross.total == Decimal("42.00") and report.net == Decimal("2.00")
    assert report.by_status["refunded"].count == 1


def test_the_day_is_the_store_zones_calendar_day(gateway, journal, client):
    ada = new_shopper(client)
    late_evening = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # 22:00 on the 24th in Denver
    early_morning = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 01:00 on the 25th in Denver
    for when in (late_evening, early_morning):
        a = journal.create_attempt("LANE1", "c1", ada.customer, ada.card, "5.00", when)
        journal.transition(a.id, State.CREATED, State.RECONCILING, "test", "c1", when)
        journal.transition(a.id, State.RECONCILING, State.ABSENT, "test", "c1", when)
    denver = ZoneInfo("America/Denver")
    from datetime import date

    assert end_of_day(journal, PaySimpleGateway(client), date(2026, 11, 24), tz=denver).by_status["absent"].count == 1
    assert end_of_day(journal, PaySimpleGateway(client), date(2026, 11, 25), tz=denver).by_status["absent"].count == 1
    assert end_of_day(journal, PaySimpleGateway(client), date(2026, 11, 25), tz=UTC).by_status["absent"].count == 2
    assert end_of_day(journal, PaySimpleGateway(client), date(2026, 11, 25), tz="America/Denver").timezone == "America/Denver"


FORGED = "Ada\r\nAPPROVED - NO SIGNATURE NEEDED\r\n"


def forged_lines(text: str) -> list[str]:
    """Lines of a receipt that start with something only the status line may say."""
    return [line for line in text.splitlines() if line.strip().startswith(("APPROVED", "NO SIGNATURE"))]


def test_a_name_with_line_breaks_cannot_forge_an_approval_on_a_declined_receipt(journal, journal_backend, client,
                                                                              gateway):
    """The reproduced defect: a declined receipt printed "APPROVED - NO SIGNATURE NEEDED" from a customer name
    with CR/LF. The name reaches the journal neutralised, and the receipt neutralises whatever it is given."""
    grace = new_shopper(client, "Grace", "Hopper", "5454545454545454")
    service = make_service(journal, client, gateway)
    from pos_app.payments import CustomerRef

    declined = service.charge(CustomerRef(grace.customer.id, FORGED), grace.card, Decimal("9999.01"), "clerk1")
    assert declined.state is State.DECLINED
    stored = journal.get(declined.id).customer_name
    assert stored == "Ada\ufffd\ufffdAPPROVED - NO SIGNATURE NEEDED\ufffd\ufffd"  # one line, the damage visible
    text = receipt_for(declined, MERCHANT, tz=UTC).text()
    assert forged_lines(text) == [], text
    (status,) = [line for line in text.splitlines() if line.startswith("Status")]
    assert status.endswith("DECLINED")
    assert max(len(line) for line in text.splitlines()) <= 40

    # an older journal row written before names were neutralised: the receipt still cannot be forged
    journal_backend.raw("UPDATE attempts SET customer_name = ? WHERE id = ?",
                        (FORGED + "\u202eDEDEEN ERUTANGIS ON - DEVORPPA\u2028APPROVED", declined.id))
    old = journal.get(declined.id)
    assert "\r\n" in old.customer_name
    receipt = receipt_for(old, MERCHANT, tz=UTC)
    assert not any(ch in receipt.customer_name for ch in "\r\n\u202e\u2028")
    text = receipt.text()
    assert forged_lines(text) == [] and "Customer" in text and "\u202e" not in text


def test_a_long_name_stays_on_its_label_line_on_the_receipt(service, client):
    padded = "Zed " + " " * 30 + "APPROVED - NO SIGNATURE NEEDED"  # no control character at all
    from pos_app.payments import CustomerRef

    shopper = new_shopper(client, "Zed", "Padding")
    sale = service.charge(CustomerRef(shopper.customer.id, padded), shopper.card, Decimal("9999.01"), "clerk1")
    text = receipt_for(sale, MERCHANT, tz=UTC).text()
    assert forged_lines(text) == [], text
    (line,) = [line for line in text.splitlines() if line.startswith("Customer")]
    assert "Zed APPROVED" in line and line.endswith("…") and len(line) == 40
    hand_made = receipt_for(sale, MERCHANT, tz=UTC).__class__(**{**receipt_for(sale, MERCHANT, tz=UTC).__dict__,
                                                                "clerk": "x\r\nAPPROVED"})
    assert forged_lines(hand_made.text()) == []  # built by hand, not by receipt_for: text() neutralises too


def test_end_of_day_csv_cells_cannot_run_formulas_or_break_rows(service, shopper, journal, client):
    service.charge(shopper.customer, shopper.card, Decimal("10.00"), "=HYPERLINK(\"http://evil\",\"x\")")
    service.charge(shopper.customer, shopper.card, Decimal("11.00"), "@clerk\r\nforged,row")
    report = end_of_day(journal, PaySimpleGateway(client), datetime.now(UTC).date(), tz=UTC)
    rows = list(csv.reader(io.StringIO(report.csv_text())))
    clerks = [r[2] for r in rows if r[:2] == ["total", "clerk"]]
    assert sorted(clerks) == ["'=HYPERLINK(\"http://evil\",\"x\")", "'@clerk\ufffd\ufffdforged,row"]
    assert all(len(r) == 9 for r in rows)  # no cell broke a row
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not (cell.startswith("-") and not cell.replace("-", "", 1).replace(".", "").isdigit()), cell


def test_end_of_day_csv_amounts_are_machine_format_and_details_are_the_stores(gateway, journal, client):
    money.set_store_format("es_ES")
    ada = new_shopper(client)
    lane = make_service(journal, client, gateway, "LANE1")
    lane.charge(ada.customer, ada.card, Decimal("1234.50"), "c1")
    stray = client.create_payment(PaymentRequest(account_id=ada.card.id, amount=Decimal("1099.00")))
    report = end_of_day(journal, PaySimpleGateway(client), gateway.clock.now().astimezone(UTC).date(), tz=UTC)
    [mismatch] = report.mismatches
    assert mismatch.payment_id == stray.id and "$1.099,00" in mismatch.detail  # read by people: store format
    rows = list(csv.DictReader(io.StringIO(report.csv_text())))
    amounts = {(r["group"], r["status"]): r["amount"] for r in rows if r["section"] == "total"}
    assert amounts[("status", "approved")] == "1234.50" and amounts[("net", "")] == "1234.50"
    assert amounts[("voids", "")] == "0.00"
    assert all(re.fullmatch(r"-?[0-9]+\.[0-9]{2}", a) for a in amounts.values()), amounts  # point, no grouping


def test_brands_are_written_as_their_issuers_write_them(service, client):
    from pos_app.payments.brands import brand_name

    mary = new_shopper(client, "Mary", "Clark", "5454545454545454")
    sale = service.charge(mary.customer, mary.card, Decimal("12.00"), "clerk1")
    assert mary.card.brand == "Master"  # PaySimple's wire name, journaled as it came
    assert sale.account_masked == "Mastercard ****5454" == mary.card.masked
    text = receipt_for(sale, MERCHANT, tz=UTC).text()
    assert "Mastercard ****5454" in text and "Master ****" not in text
    assert [brand_name(b) for b in ("Visa", "master", "Amex", "DISCOVER", "Mastercard")] == [
        "Visa", "Mastercard", "American Express", "Discover", "Mastercard"]
    assert brand_name("First Bank", kind="ach") == "First Bank" and brand_name("Acme") == "Acme"


def test_the_auth_code_line_shows_a_code_never_a_response_word(service, shopper, journal, journal_backend):
    """Issue 18: "Auth code: Approved". A card's receipt prints PaySimple's authorization code (the training
    gateway gives six digits, as processors do); a response word is left out; a long decline reason is
    printed whole, on its own lines."""
    from pos_app.payments.brands import authorization_code

    sale = service.charge(shopper.customer, shopper.card, Decimal("5.00"), "clerk1")
    assert re.fullmatch(r"[0-9]{6}", sale.auth_code)
    assert f"Auth code{' ' * 25}{sale.auth_code}" in receipt_for(sale, MERCHANT, tz=UTC).text()
    # what a processor's response text looks like
    journal_backend.raw("UPDATE attempts SET auth_code = 'Approved' WHERE id = ?", (sale.id,))
    text = receipt_for(journal.get(sale.id), MERCHANT, tz=UTC).text()
    assert "Auth code" not in text and "Approved" not in text
    assert [authorization_code(v) for v in ("123456", "T4X9Z1", "Approved", "APPROVED", "", None, "12 34",
                                            "1234567890123")] == ["123456", "T4X9Z1", None, None, None, None,
                                                                  None, None]
    declined = service.charge(shopper.customer, shopper.card, Decimal("9999.01"), "clerk1")
    text = receipt_for(declined, MERCHANT, tz=UTC).text()
    assert "Auth code" not in text  # PaySimple puts the decline text there: not a code
    assert "Do Not Honor Try a different payment method." in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 40


def test_end_of_day_gross_voids_refunds_net_with_card_bank_and_brand_splits(gateway, journal, client):
    """Issue 18: "Net" equalled sales with voids beside it. On a real journal with approved, declined,
    voided, refunded and bank (ACH) payments: gross − voids − refunds = net, with counts, split by method
    and by brand (as issuers write them), every split adding up to the totals; the zone is named."""
    from pos_app.paysimple.models import AchInput

    ada = new_shopper(client)  # Visa
    mary = new_shopper(client, "Mary", "Clark", "5454545454545454")  # Mastercard
    ach = client.create_ach(AchInput(customer_id=ada.customer.id, routing_number="131111114",
                                     account_number="12345678", bank_name="First Bank"))
    from pos_app.payments import AccountRef

    bank = AccountRef.from_paysimple(ach)
    lane = make_service(journal, client, gateway, "LANE1")
    visa_sale = lane.charge(ada.customer, ada.card, Decimal("10.00"), "c1")
    lane.charge(ada.customer, ada.card, Decimal("9999.01"), "c1")  # declined: in no total
    visa_voided = lane.charge(ada.customer, ada.card, Decimal("20.00"), "c1")
    lane.void(visa_voided, Approval("m1", "manager", "wrong item"))
    mc_refunded = lane.charge(mary.customer, mary.card, Decimal("40.00"), "c1")
    client.mark_payment_status(mc_refunded.payment_id)
    lane.refund(mc_refunded, Approval("m1", "manager", "returned"))
    mc_sale = lane.charge(mary.customer, mary.card, Decimal("5.25"), "c1")
    debit = lane.charge(ada.customer, bank, Decimal("100.00"), "c1",
                        ach_authorization="I authorize First Bank ****5678 to be debited $100.00 today.")
    assert [a.state for a in (visa_sale, mc_sale, debit)] == [State.APPROVED] * 3

    denver = ZoneInfo("America/Denver")
    report = end_of_day(journal, PaySimpleGateway(client), gateway.clock.now().astimezone(denver).date(), tz=denver)
    assert report.reconciled, report.mismatches
    assert report.timezone == "America/Denver"

    def parts(t):
        return (t.gross.count, t.gross.total, t.voids.count, t.voids.total, t.refunds.count, t.refunds.total,
                t.net)

    assert parts(report.totals) == (5, Decimal("175.25"), 1, Decimal("20.00"), 1, Decimal("40.00"),
                                    Decimal("115.25"))
    assert report.net == report.gross.total - report.voids.total - report.refunds.total
    assert parts(report.by_method["card"]) == (4, Decimal("75.25"), 1, Decimal("20.00"), 1, Decimal("40.00"),
                                               Decimal("15.25"))
    assert parts(report.by_method["bank"]) == (1, Decimal("100.00"), 0, Decimal("0.00"), 0, Decimal("0.00"),
                                               Decimal("100.00"))
    assert set(report.by_brand) == {"Visa", "Mastercard"}
    assert parts(report.by_brand["Visa"]) == (2, Decimal("30.00"), 1, Decimal("20.00"), 0, Decimal("0.00"),
                                              Decimal("10.00"))
    assert parts(report.by_brand["Mastercard"]) == (2, Decimal("45.25"), 0, Decimal("0.00"), 1,
                                                    Decimal("40.00"), Decimal("5.25"))
    for part in ("gross", "voids", "refunds"):  # the splits add up to the totals
        total = getattr(report.totals, part)
        assert sum(getattr(t, part).cents for t in report.by_method.values()) == total.cents
        assert sum(getattr(t, part).count for t in report.by_method.values()) == total.count
        assert sum(getattr(t, part).cents for t in report.by_brand.values()) == getattr(
            report.by_method["card"], part).cents

    rows = list(csv.DictReader(io.StringIO(report.csv_text())))
    totals = {(r["group"], r["key"]): (r["count"], r["amount"]) for r in rows if r["section"] == "total"}
    assert totals[("gross", "")] == ("5", "175.25") and totals[("net", "")] == ("", "115.25")
    assert totals[("method:gross", "bank")] == ("1", "100.00")
    assert totals[("brand:refunds", "Mastercard")] == ("1", "40.00")
    assert "timezone=America/Denver" in report.csv_text()


def test_an_empty_zone_setting_is_named_not_localtime(monkeypatch, journal, client, gateway):
    from pos_app.payments.receipts import zone_name

    monkeypatch.setenv("TZ", "America/Denver")
    assert zone_name(store_timezone("")) == "America/Denver"
    report = end_of_day(journal, PaySimpleGateway(client), gateway.clock.now().date(), tz="")
    assert report.timezone == "America/Denver"
    monkeypatch.delenv("TZ")
    assert zone_name(store_timezone("")) != "localtime"


def test_a_receipt_is_emailed_by_paysimple_to_the_address_on_file_only(gateway, service, client, shopper):
    """Issue 18: e-mail after the payment (and again from history) through PaySimple; never without an
    address on file; the clerk is told which address. The gateway's own outbox is the proof."""
    from pos_app.payments.receipts import ReceiptEmailError, email_receipt, receipt_address
    from pos_app.paysimple.models import CreditCardInput, CustomerInput

    sale = service.charge(shopper.customer, shopper.card, Decimal("12.00"), "clerk1")
    assert receipt_address(PaySimpleGateway(client), sale) == "ada@example.com"
    assert email_receipt(PaySimpleGateway(client), sale) == "ada@example.com"
    assert [(m["payment_id"], m["to"]) for m in gateway.outbox] == [(sale.payment_id, "ada@example.com")]
    declined = service.charge(shopper.customer, shopper.card, Decimal("9999.01"), "clerk1")
    assert email_receipt(PaySimpleGateway(client), declined) == "ada@example.com"  # PaySimple recorded the declined payment

    noemail = client.create_customer(CustomerInput(first_name="Nora", last_name="Mail"))
    card = client.create_credit_card(CreditCardInput(customer_id=noemail.id, credit_card_number="4111111111111111",
                                                     expiration_date="12/2030"))
    from pos_app.payments import AccountRef, CustomerRef

    nora = service.charge(CustomerRef(noemail.id, "Nora Mail"), AccountRef.from_paysimple(card), Decimal("3.00"),
                          "clerk1")
    with pytest.raises(ReceiptEmailError, match="Nora Mail has no e-mail address on file") as no_email:
        email_receipt(PaySimpleGateway(client), nora)
    assert no_email.value.code == "no_email"
    gateway.faults.add("POST", PAY, "error_before", 1)
    absent = service.charge(shopper.customer, shopper.card, Decimal("4.00"), "clerk1")
    with pytest.raises(ReceiptEmailError) as not_recorded:
        email_receipt(PaySimpleGateway(client), absent)
    assert not_recorded.value.code == "not_recorded"
    assert len(gateway.outbox) == 2  # nothing else was sent

    gateway.faults.add("POST", "/v4/payment/*/sendreceipt", "error_after", 1)  # sent, answer lost
    with pytest.raises(ReceiptEmailError, match="may have been sent to ada@example.com") as lost:
        email_receipt(PaySimpleGateway(client), sale)
    assert lost.value.may_have_sent and len(gateway.outbox) == 3
    gateway.faults.add("POST", "/v4/payment/*/sendreceipt", "error_before", 1)  # PaySimple's own 5xx? no: before
    with pytest.raises(ReceiptEmailError) as failed:
        email_receipt(PaySimpleGateway(client), sale)
    assert len(gateway.outbox) == 3 and failed.value.code in ("lost", "refused", "unreachable")
