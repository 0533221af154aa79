"""Issue 13 §5 as a person meets it: a new card is kept on file only when the clerk ticks that the customer
agreed (Alt+K), and a declined card is never left on file. The card is typed with real keys into PaySimple's
iframe (the form has the caret in its first field; Tab moves on; F9 submits). What stays on file is read where
the clerk sees it (the result line, the methods list) and where an auditor does (PaySimple's own account
list, the journal's on-file plan)."""

from __future__ import annotations

KEEP_BOX = "Customer agrees to keep this card on file  [Alt+K]"


def _form_was_ready(r: dict) -> None:
    assert r["signed_in"] and r["picked"] and r["picked"]["accounts"] == 0, r["steps"]
    assert r["gateway_before"] == []
    assert r["form_shown"] and r["form"]["customer"] == f"Customer: {r['picked']['name']}"
    assert r["keep_box"] == {"text": KEEP_BOX, "visible": True, "checked": False}  # off at every form
    assert r["form_complete"], "the card typed with real keys did not complete PaySimple's form"


def test_new_card_without_consent_is_not_kept_and_hidden_until_the_void_window_closes(run_scenario):
    r = run_scenario("new_card_without_consent")
    _form_was_ready(r)
    assert r["keep_ticked"] is False
    assert (r["result"]["title"], r["result"]["amount"]) == ("Approved", "$23.40")
    assert r["result"]["on_file"].startswith("Not kept on file: hidden at this counter now and removed from "
                                             "PaySimple after ")
    # Back at the customer (Esc): the card is not offered.
    assert r["list_after"] == [] and r["note_after"] == "No cards or bank accounts on file."
    # PaySimple still holds it (it was charged with it; decision 0160: removed once the payment cannot be voided).
    [card] = r["gateway_after"]
    assert (card["kind"], card["last4"]) == ("cc", "1111")
    [[attempt_id, state, cents, account_id]] = r["attempts"]
    assert (state, cents, account_id) == ("approved", 2340, card["id"])
    assert r["payments"] == [["Authorized", "23.40", attempt_id]]
    [plan] = r["onfile"]
    assert (plan["account_id"], plan["consent"], plan["state"]) == (card["id"], 0, "pending")
    assert plan["remove_after"] == r["void_until"][0] and plan["remove_after"] is not None


def test_new_card_with_consent_alt_k_is_kept_and_shown_as_the_default_card(run_scenario):
    r = run_scenario("new_card_with_consent")
    _form_was_ready(r)
    assert r["keep_ticked"] is True  # Alt+K from inside PaySimple's form
    assert (r["result"]["title"], r["result"]["amount"]) == ("Approved", "$18.00")
    assert r["result"]["on_file"] == ("Kept on file: the customer agreed. It is now the customer's default card "
                                      "(PaySimple makes a customer's first card the default).")
    assert r["list_after"] == [["Visa", "•••• 1111", "12/2030", "Default card", "OK"]]
    [card] = r["gateway_after"]
    assert (card["kind"], card["last4"], card["default"]) == ("cc", "1111", True)
    [[attempt_id, state, _cents, account_id]] = r["attempts"]
    assert (state, account_id) == ("approved", card["id"])
    assert r["payments"] == [["Authorized", "18.00", attempt_id]]
    [plan] = r["onfile"]
    assert (plan["account_id"], plan["consent"], plan["state"]) == (card["id"], 1, "kept")


def test_declined_new_card_is_removed_from_paysimple_even_with_consent(run_scenario):
    r = run_scenario("declined_new_card")
    _form_was_ready(r)
    assert r["keep_ticked"] is True
    assert (r["result"]["title"], r["result"]["amount"]) == ("Declined", "$9,999.01")
    assert r["result"]["on_file"] == "Not kept on file: the charge was declined, so the card was removed."
    assert r["list_after"] == [] and r["note_after"] == "No cards or bank accounts on file."
    assert r["gateway_after"] == []  # gone from PaySimple, not just hidden here
    [[attempt_id, state, cents, account_id]] = r["attempts"]
    assert (state, cents) == ("declined", 999901)
    assert r["payments"] == [["Failed", "9999.01", attempt_id]]
    [plan] = r["onfile"]
    assert (plan["account_id"], plan["consent"], plan["state"]) == (account_id, 1, "removed")
