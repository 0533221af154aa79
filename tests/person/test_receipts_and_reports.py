"""Issue 18, receipts and reports, as a clerk and a manager meet them: the receipt choice after a payment
(keys only), e-mail through PaySimple to the address on file (the training gateway's outbox is the proof),
the receipt PDF saved through the Save dialog into Documents, the receipt e-mailed again from the history,
and End of day read from the screen against the journal file."""

from __future__ import annotations

import re
from datetime import date

from tests.ui.payments.pdftools import assert_valid_pdf, pdf_pages


def test_receipt_choice_after_the_payment_and_resend_from_history(run_scenario):
    r = run_scenario("receipt_choice_and_resend")
    assert r["signed_in"] and r["picked"] and r["email_on_file"], r["steps"]
    assert not any("receipt" in text.lower() for text in r["checkboxes_on_customer_page"])  # nothing asked before
    assert r["result"]["title"] == "Approved" and r["result"]["amount"] == "$23.45"
    assert r["outbox_after_charge"] == []                                   # charging e-mails nothing
    assert r["choice"]["visible"] == [True, True, True, True]
    assert (r["choice"]["print"], r["choice"]["email"], r["choice"]["both"], r["choice"]["none"]) == (
        "Print  [Ctrl+P]", "E-mail  [Ctrl+M]", "Both  [Ctrl+B]", "None: Enter")
    # Ctrl+M: the address on file is named before anything is sent; Enter sends it once.
    question = r["email_question"]
    assert question["title"] == "E-mail receipt" and any(r["email_on_file"] in t for t in question["texts"])
    assert r["outbox_after_email"] == [[r["payment_id"], r["email_on_file"]]]
    assert r["receipt_message"] == f"Receipt e-mailed to {r['email_on_file']}."
    # Ctrl+P, Ctrl+S: the Save dialog starts in Documents with a readable name; Enter saves it there.
    home = r["home"]
    save = r["save_dialog"]
    assert save["title"] == "Save as PDF" and save["folder"] == str(home / "Documents")
    assert re.fullmatch(r"Receipt \d{4}-\d{2}-\d{2} \d{4} .+\.pdf", save["name"]), save
    assert save["name"].endswith(f" {r['picked']['name']}.pdf")
    assert r["documents"] == [save["name"]]
    pdf = home / "Documents" / save["name"]
    assert_valid_pdf(pdf)
    [(_w, _h, text)] = pdf_pages(pdf)
    [attempt_id] = [a[0] for a in r["attempts"]]
    assert "$23.45" in text and "APPROVED" in text and attempt_id in text
    assert (pdf.stat().st_mode & 0o777) == 0o600
    assert r["saved_message"] == ["PDF saved.", str(pdf)]
    # Enter on the result (none): a new sale.
    assert r["after_enter"]["page"] in ("welcome", "customer") and r["after_enter"]["page"] != "result"
    # History: the newest payment, Ctrl+E: asked, then sent again to the same address.
    assert r["history_selected"] == attempt_id and r["history_email_button"][1]
    assert any(r["email_on_file"] in t for t in r["history_question"]["texts"])
    assert r["outbox"] == [[r["payment_id"], r["email_on_file"]]] * 2
    assert r["history_message"] == f"Receipt e-mailed to {r['email_on_file']}."
    assert r["attempts"] == [[attempt_id, "approved", 2345]]   # one charge, whatever was e-mailed or saved


def _money(text: str) -> int:
    return round(float(text.replace("$", "").replace(",", "")) * 100)


def test_end_of_day_on_screen_matches_the_journal(run_scenario):
    r = run_scenario("end_of_day_matches_the_journal", settings={"store_timezone": "America/Denver"})
    assert r["signed_in"] and r["dialog"] == "End of day" and r["ran"] == [True], r["steps"]
    attempts = r["attempts"]
    # What the journal says, computed here: gross = every payment PaySimple took today (approved, voided,
    # refunded); voids and refunds apart; net = gross − voids − refunds.
    took = [a for a in attempts if a[0] in ("approved", "voided", "refunded")]
    gross, voids = sum(a[1] for a in took), sum(a[1] for a in attempts if a[0] == "voided")
    refunds = sum(a[1] for a in attempts if a[0] == "refunded")
    assert (len(took), gross, voids, refunds) == (5, 17525, 2000, 4000) and ["declined", 999901, "cc", "1111"] in [
        a[:4] for a in attempts]
    text = r["screen_text"]
    flat = " ".join(text.split())
    saved_day = re.fullmatch(r"End of day (\d{4})-(\d{2})-(\d{2}) all lanes\.pdf", r["save_dialog"]["name"])
    assert saved_day, r["save_dialog"]
    day = date(*(int(part) for part in saved_day.groups()))  # the store's day on the training gateway's clock
    assert flat.startswith(f"End of day · {day.month}/{day.day}/{day.year} ")
    assert "Time zone America/Denver" in flat and "localtime" not in flat
    # the headline: Gross sales / − Voids / − Refunds / = Net, each with its count
    m = re.search(r"Gross sales (\$[\d,.]+) · (\d+) payments − Voids (\$[\d,.]+) · (\d+) payments? "
                  r"− Refunds (\$[\d,.]+) · (\d+) payments? = Net (\$[\d,.]+)", flat)
    assert m, flat[:600]
    assert (_money(m[1]), int(m[2]), _money(m[3]), int(m[4]), _money(m[5]), int(m[6]), _money(m[7])) == (
        gross, len(took), voids, 1, refunds, 1, gross - voids - refunds)
    # the splits: cards (by brand) and bank debits, each gross / voids / refunds / net
    def split(name: str) -> list[int]:
        row = re.search(re.escape(name) + r" (\$[\d,.]+) \((\d+)\) (\$[\d,.]+) \((\d+)\) (\$[\d,.]+) \((\d+)\) "
                        r"(\$[\d,.]+)", flat)
        assert row, (name, flat)
        return [_money(row[1]), int(row[2]), _money(row[3]), int(row[4]), _money(row[5]), int(row[6]),
                _money(row[7])]

    assert split("Cards") == [7525, 4, 2000, 1, 4000, 1, 1525]
    assert split("Visa") == [3000, 2, 2000, 1, 0, 0, 1000]
    assert split("Mastercard") == [4525, 2, 0, 0, 4000, 1, 525]
    assert split("Bank debits") == [10000, 1, 0, 0, 0, 0, 10000]
    assert "Reconciled" in r["state"] or "reconciled" in r["state"]
    # Ctrl+S: the Save dialog in Documents, "End of day <day> all lanes.pdf"; Enter saves it there.
    save = r["save_dialog"]
    name = f"End of day {day.isoformat()} all lanes.pdf"
    assert (save["title"], save["folder"], save["name"]) == ("Export end of day", str(r["home"] / "Documents"), name)
    assert r["documents"] == [name] and r["saved"] == ["Report saved.", str(r["home"] / "Documents" / name)]
    pdf = r["home"] / "Documents" / name
    pdf_text = " ".join(" ".join(page[2] for page in pdf_pages(assert_valid_pdf(pdf) and pdf)).split())
    assert "America/Denver" in pdf_text and "$115.25" in pdf_text
