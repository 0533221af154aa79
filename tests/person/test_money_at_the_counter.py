"""Issue 13 §3 as a person meets it: one sale, one charge (real app, X display, window manager, real keys)."""

from __future__ import annotations


def test_a_repeated_f5_enter_never_charges_twice_and_charge_again_is_explicit(run_scenario):
    r = run_scenario("one_sale_one_charge")
    assert r["signed_in"] and r["picked"], r["steps"]
    assert r["confirm_title"] == "Charge card on file"
    assert r["first_result"] == "Approved"
    assert r["amount_after_sale"] == ""
    assert r["active_after_f5_with_no_amount"] != "Charge card on file"
    assert r["repeat_question"] == "Already charged?"
    assert "$12.34" in r["repeat_text"] and "Approved" in r["repeat_text"]
    assert r["active_after_enter"] != "Charge card on file"
    assert r["journal_after_enter"] == [["approved", 1234]]  # Enter did not charge again
    assert r["repeat_question_f6"] == "Already charged?" and r["form_opened_after_escape"] is False
    assert r["confirm_after_charge_again"] == "Charge card on file"
    assert r["second_result"] == "Approved"
    assert r["journal"] == [["approved", 1234], ["approved", 1234]]
    assert sorted(r["gateway"]) == [["Authorized", "12.34"], ["Authorized", "12.34"]]
    assert r["amount_after_other_customer"] == ""
