"""Issue 13 §6 as a person meets it: a bank debit is read to the customer and confirmed before anything is sent,
and is "Posted — pending" (never "Approved") on screen and on the receipt, which carries the authorization.
Bank details are typed with real keys into PaySimple's form; F9, Alt+A, Enter and Ctrl+P are real keys."""

from __future__ import annotations

POSTED = "Posted — pending"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _charged_as_posted(r: dict, amount: str, cents: int, last4: str) -> None:
    """The end of both scenarios: result, receipt, journal and PaySimple agree it is posted, not approved."""
    assert r["result"]["page"] == "result" and r["result"]["kind"] == "posted"
    assert (r["result"]["title"], r["result"]["amount"]) == (POSTED, amount)
    assert "can still return it" in r["result"]["message"]
    assert "approved" not in (r["result"]["title"] + r["result"]["message"] + r["result"]["statusbar"]).lower()
    receipt = r["receipt"]
    assert receipt is not None and r["receipt_active"] == receipt["title"]  # Ctrl+P put the receipt on top
    [attempt] = r["attempts"]
    assert (attempt["state"], attempt["amount_cents"], attempt["account_kind"], attempt["account_last4"]) == \
        ("approved", cents, "ach", last4)
    # The authorization as read is journaled with the signed-in clerk who confirmed it, and printed.
    assert attempt["ach_authorized_by"] == r["clerk_id"] == attempt["clerk"] and r["clerk_id"]
    authorization = attempt["ach_authorization"]
    assert f"ending in {last4}" in authorization and f"one time for {amount}" in authorization
    assert "POSTED - PENDING" in receipt["text"] and "approved" not in receipt["text"].lower()
    # (the receipt's text layout turns the time's narrow no-break space into a plain one)
    assert _flat("BANK DEBIT AUTHORIZATION\n" + authorization) in _flat(receipt["text"])
    assert "Read to the customer by Trainee" in receipt["text"]
    assert r["payments"] == [["Posted", amount.lstrip("$"), attempt["id"]]]
    assert r["screen_after_receipt"]  # Esc closed the receipt, not the result


def test_new_bank_account_needs_the_read_authorization_ticked_before_anything_is_charged(run_scenario):
    r = run_scenario("new_bank_account_debit")
    assert r["signed_in"] and r["picked"], r["steps"]
    assert r["form_shown"] and r["form"]["header"] == "Charge $45.67 to a new bank account"
    assert r["form_complete"], "the bank details typed with real keys did not complete PaySimple's form"
    # F9: PaySimple stored the account; the authorization (amount, last 4) replaces the form, unticked.
    auth = r["authorization"]
    assert auth["state"] == "authorizing" and auth["visible"] and not auth["view_visible"]
    assert "ending in 1111" in auth["text"] and "one time for $45.67" in auth["text"]
    assert auth["ticked"] is False and r["focus_at_authorization"] == "achAgreed"
    assert r["journal_at_authorization"] == [] and r["payments_at_authorization"] == []
    # F9 without the tick: refused with the reason; nothing journaled, nothing at PaySimple.
    unticked = r["after_f9_unticked"]
    assert unticked["state"] == "authorizing" and unticked["ticked"] is False
    assert unticked["form_status"] == ("Tick that you read the authorization to the customer and they agreed "
                                       "(Alt+A). Nothing is charged without it.")
    assert r["journal_after_f9_unticked"] == [] and r["payments_after_f9_unticked"] == []
    # Alt+A, F9: charged, posted and pending.
    assert r["ticked"] is True
    _charged_as_posted(r, "$45.67", 4567, "1111")
    assert r["attempts"][0]["ach_authorization"] == auth["text"]  # exactly what was on screen


def test_bank_account_on_file_authorization_is_on_top_and_enter_does_nothing_until_ticked(run_scenario):
    r = run_scenario("bank_account_on_file_debit")
    assert r["signed_in"] and r["picked"] and r["amount_has_focus"], r["steps"]
    assert r["charge_button"] == "Charge bank account on file  [F5]"
    assert r["active"] == "Bank debit authorization"
    dialog = r["dialog"]
    assert dialog["class"] == "AchAuthorizationDialog" and r["dialog_focus"] == "achAgreed"
    last4 = r["selected"][-4:]
    assert dialog["texts"][0] == f"Charge $61.50 to {r['selected']} for {r['picked']['name']}?"
    assert f"ending in {last4}" in dialog["texts"][2] and "one time for $61.50" in dialog["texts"][2]
    assert dialog["buttons"]["Charge  [Enter]"] is False
    # Enter and keypad Enter, unticked: still there, nothing written or sent.
    after = r["after_enter"]
    assert after["active"] == "Bank debit authorization" and after["dialog"] == dialog
    assert after["journal"] == [] and after["payments"] == []
    assert r["after_tick"]["buttons"]["Charge  [Enter]"] is True
    _charged_as_posted(r, "$61.50", 6150, last4)
    assert r["attempts"][0]["ach_authorization"] == dialog["texts"][2]
