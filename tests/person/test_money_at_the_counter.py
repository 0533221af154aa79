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


def test_the_clerk_can_stop_waiting_and_the_lane_stays_guarded(run_scenario):
    r = run_scenario("stop_waiting_for_a_slow_payment")
    assert r["signed_in"] and r["picked"] and r["charging"], r["steps"]
    assert r["stop_button"] == "Stop waiting"
    assert r["free_after_s"] is not None and r["free_after_s"] < 2
    assert r["screen_after_stop"] == "Not confirmed yet"
    assert "no answer yet" in r["message_after_stop"] and "Do not charge again" in r["message_after_stop"]
    assert "could not be reached" not in r["message_after_stop"]
    # The second charge was refused while the first is in flight; the screen shows the first payment.
    assert r["screen_after_second"][1] == r["picked"]["name"]
    assert r["final_screen"] == "Approved"
    assert r["journal"] == [["approved", 880]]
    assert r["gateway"] == [["Authorized", "8.80"]]
