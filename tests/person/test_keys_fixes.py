"""Issue 18 "Screen and keys", one fix at a time, as a clerk meets it (real app, Xvfb + openbox, real keys)."""

from __future__ import annotations

TITLE = "Counter · PaySimple (Training)"
SCENARIOS = "tests.person.screen_and_keys:"


def test_ctrl_e_edits_the_customer_just_saved(run_scenario):
    r = run_scenario(SCENARIOS + "ctrl_e_after_saving_a_customer")
    assert r["signed_in"] and r["new_dialog"] == "New customer", r["steps"]
    assert r["f5_refused"] == "First find the customer: Ctrl+F, then ↑↓ and Enter."
    assert r["back_at_counter"] and r["shown"] == "Luis Zamora"
    assert r["focus_after_save"] == "amountEdit"  # a text box: Ctrl+E is "end of line" there on X11
    assert r["after_ctrl_e"] == "Edit customer" and r["editing"] == "Luis Zamora"
    assert r["from_search_box"] == "Edit customer"


def test_enter_after_a_decline_tries_another_card(run_scenario):
    r = run_scenario(SCENARIOS + "decline_then_enter")
    assert r["signed_in"] and r["picked"], r["steps"]
    declined = r["declined"]
    assert declined["title"] == "Declined"
    assert declined["buttons"] == {"Try another card  [Enter]": True, "New sale": False,
                                   "Back to customer  [Esc]": False}
    assert declined["none_label"] is False  # "None: Enter" would mean a new sale
    after = r["after_enter"]
    assert after["page"] == "form" and after["mode"] == "cc" and after["customer"] == r["picked"]["name"]
    assert after["amount"] == "9,999.01"  # the same sale, another card
    assert r["journal"] == [["declined", 999901]]  # Enter charged nothing


def test_messages_go_with_the_screen_they_belong_to(run_scenario):
    r = run_scenario(SCENARIOS + "stale_messages_cleared")
    assert r["signed_in"] and r["picked"], r["steps"]
    assert r["question"] == "Remove payment method"
    assert r["removed_said"].endswith("removed.")
    assert "removed" not in r["after_form"]  # left the customer screen for the form: the note went with it
    assert r["result_status_bar"].startswith("Approved · $5.55")
    assert r["back_status_bar"] == "" and r["back_customer_status"] == ""


def test_sign_out_lets_the_next_clerk_sign_in(run_scenario):
    r = run_scenario(SCENARIOS + "sign_out_for_the_next_clerk")
    assert r["signed_in"] and r["banner_trainee"] == "Signed in: Trainee", r["steps"]
    assert "Sign out" in r["menu"] and "Quit" in r["menu"] and "Lock screen" in r["menu"]
    assert r["after_sign_out"] == "Sign in"
    assert r["state"] == {"dialog": "Sign in", "clerk": None, "window_locked": True}
    assert r["banner_nobody"] == "" and r["cover"] == "Signed out"
    assert r["trainer"] and r["banner_trainer"] == "Signed in: Trainer"
    assert r["trainee_picked"]  # Trainee's customer and amount were on screen; Trainer starts with nothing
    assert r["left_for_trainer"] == {"customer": False, "search": "", "amount": ""}
    assert r["journal"] == [["approved", 330, r["clerk_ids"]["Trainer"]]]  # Trainer's payment, not Trainee's
    assert ["sign_out", "Trainee"] in r["events"]


def test_approvals_are_titled_start_in_pin_and_the_history_keys_do_what_the_footer_says(run_scenario):
    r = run_scenario(SCENARIOS + "approvals_and_history_keys", timeout=250)
    assert r["signed_in"] and r["import_dialog"] == "Manager approval", r["steps"]
    assert r["import_approval"]["title"] == "Import customers from CSV"
    assert r["import_approval"]["focus"] == "managerPin"
    assert r["history_focus"] == "historyList"
    assert (r["selected_first"], r["selected_after_down"]) == ("4.20", "4.10")
    assert r["receipt"].startswith("Receipt") and r["receipt_amount"] == "4.10"
    assert r["void_dialog"] == "Manager approval"
    assert r["void_approval"]["title"] == "Void a payment" and r["void_approval"]["focus"] == "managerPin"
    after = r["after_void"]
    assert after["detail"] == "Voided: $4.10 will not be charged."
    assert after["message"] == "Void approved by Trainer and recorded."
    assert after["voided_lines"] == 1  # said once
    assert after["focus"] == "historyList"  # the keyboard is back in the list
