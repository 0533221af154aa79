"""Issue 18 "Customers" as a clerk meets it (real app, X display, window manager, real keys and clicks): each
fix its own test, on two app runs (one per scenario, shared by the tests of this module)."""

from __future__ import annotations

import pytest

from tests.person.conftest import scenario_result


@pytest.fixture(scope="module")
def form(x_display, tmp_path_factory):
    return scenario_result(x_display, tmp_path_factory.mktemp("form"), "new_customer_form", timeout=280)


@pytest.fixture(scope="module")
def imported(x_display, tmp_path_factory):
    return scenario_result(x_display, tmp_path_factory.mktemp("imported"), "add_imported_customers", timeout=280)


# --- New customer ------------------------------------------------------------------------------------------

def test_new_customer_is_prefilled_from_the_search_box_in_proper_case(form):
    assert form["signed_in"] and form["dialog"] == "New customer", form["steps"]
    assert form["prefill"] == ["Maria", "de la Cruz"]


def test_the_form_says_what_is_required_when(form):
    assert "First and last name are required (*)" in form["intro"]
    assert "once any part of it is filled in, street, city and ZIP code are needed too" in form["intro"]
    before, started = form["captions_before"], form["captions_with_address"]
    assert (before["first_name"], before["last_name"], before["street1"], before["city"]) == \
        ("First name *", "Last name *", "Billing street", "City")
    assert (started["street1"], started["city"], started["zip_code"], started["state_code"]) == \
        ("Billing street *", "City *", "ZIP code *", "State")


def test_a_short_phone_and_a_wrong_state_are_named_and_nothing_is_cut(form):
    problems = form["problems"]
    assert problems["phone"] == "Phone needs 10 digits with the area code, e.g. 303 555 0100 (+1 is fine). " \
                                "This one has 2."
    assert problems["state_code"].startswith('State "Colorad" is not a US state')
    assert form["state_as_typed"] == "Colorad" and form["open_after_escape"]


def test_messages_never_move_the_fields_so_clicks_land_where_aimed(form):
    assert form["layout_kept"] and form["layout_kept_with_notice"]
    assert form["zip_typed"] == "80202"  # clicked where the ZIP box was before the messages: it was still there


def test_colorado_and_plus_one_are_saved_as_code_and_ten_digits(form):
    assert form["saved"], form["steps"]
    [cruz] = form["gateway_cruz"]
    assert (cruz["FirstName"], cruz["LastName"], cruz["Phone"], cruz["StateCode"], cruz["ZipCode"]) == \
        ("Maria", "de la Cruz", "3035550188", "CO", "80202")


def test_this_customer_may_already_exist_and_enter_opens_them(form):
    notice = form["duplicate_notice"]
    assert notice.startswith("This customer may already exist:")
    assert "Luis Garcia · (303) 555-0142 · luis.garcia@example.com" in notice
    assert form["duplicate_buttons"] == ["&Open Luis Garcia", True, "Save as new customer", False]
    assert form["opened"] and form["shown_after_open"] == ["Luis Garcia", True]
    assert form["gateway_garcia"] == form["gateway_garcia_before"]  # nobody was created


# --- Add to PaySimple -----------------------------------------------------------------------------------------

def test_an_imported_customer_has_one_visible_action_with_the_keyboard_on_it(imported):
    assert imported["imported"] == 4 and imported["signed_in"], imported["steps"]
    before = imported["margaret_before"]
    assert before["add_visible"] and before["add_enabled"] and before["focus"] == "addToPaySimple"
    assert before["local_only"] is True and not before["new_card"] and not before["bank"]
    assert "not in PaySimple yet. Add to PaySimple (Enter) to take payments." in before["note"]


def test_enter_adds_them_to_paysimple_and_the_payment_buttons_work(imported):
    after = imported["margaret_after"]
    assert after["local_only"] is False and not after["add_visible"] and after["new_card"] and after["bank"]
    assert after["status"] == "Added to PaySimple. Payments can be taken now."
    [margaret] = imported["margaret_gateway"]
    assert imported["margaret_row"]["paysimple_id"] == margaret["Id"] and imported["margaret_same_row"]
    assert margaret["StateCode"] == "MA"  # the old POS wrote "Massachusetts": sent as its code


def test_a_field_paysimple_refuses_is_named_and_opened_for_fixing(imported):
    assert imported["fix_window"] == "Edit customer", imported["steps"]
    assert imported["fix_status"] == ("PaySimple needs these details fixed first: Billing street, ZIP code. "
                                      "Correct them in the window that opened, then Save.")
    assert set(imported["fix_problems"]) == {"street1", "zip_code"}
    assert "or leave the whole address empty" in imported["fix_problems"]["zip_code"]
    assert imported["fix_focus"] == "edit_street1"
    assert imported["hedy_after"]["local_only"] is False and imported["hedy_after"]["new_card"]
    [hedy] = imported["hedy_gateway"]
    assert (hedy["Street"], hedy["ZipCode"]) == ("1 Ring Strasse", "10115")
    assert imported["hedy_row"]["paysimple_id"] == hedy["Id"]


def test_an_unconfirmed_add_says_when_to_press_again_and_is_never_sent_twice(imported):
    unconfirmed = imported["grace_unconfirmed"]
    assert "nothing was sent twice. Press Add to PaySimple again in about 2 min" in unconfirmed["status"]
    assert unconfirmed["local_only"] is True and unconfirmed["add_enabled"] and unconfirmed["focus"] == "addToPaySimple"
    too_early = imported["grace_again_too_early"]
    assert too_early["posts"] == 0 and too_early["local_only"] is True and "did not confirm" in too_early["status"]
    assert imported["grace_after"]["local_only"] is False
    [grace] = imported["grace_gateway"]  # exactly one PaySimple customer
    assert imported["grace_row"]["paysimple_id"] == grace["Id"]


def test_a_lost_answer_is_found_and_linked_not_doubled(imported):
    after = imported["ada_after"]
    assert after["local_only"] is False and "nothing was added twice" in after["status"]
    [ada] = imported["ada_gateway"]
    assert imported["ada_row"]["paysimple_id"] == ada["Id"]
