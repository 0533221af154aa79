"""Issue 13 §1 as a person meets it: nobody signed in, nothing happens; the sign-in and lock screens are on top
with the keyboard; the idle lock sees all input and never cuts into a payment. Real app, real X display with a
window manager, real keys (see README.md)."""

from __future__ import annotations

TITLE = "Counter · PaySimple (Training)"


def test_sign_in_is_on_top_and_the_counter_does_nothing_before_it(run_scenario):
    r = run_scenario("sign_in_first")
    assert r["active_at_start"] == "Sign in", r["steps"]
    assert r["login_at_start"] == {"dialog": "Sign in", "clerk": None, "window_locked": True}
    assert r["customer_data_visible_at_start"] == []
    # The clerk clicked into the counter and typed a name and every payment key: nothing happened.
    assert r["search_text_after_typing"] == ""
    assert r["customer_data_visible_after_typing"] == []
    assert r["journal_before_sign_in"] == []
    # Signing in gives the counter, with the keyboard in the search box, and it works.
    assert r["signed_in"] and r["login_after"]["clerk"] == "Trainee"
    assert r["active_after_sign_in"] == TITLE
    assert r["focus_after_sign_in"] == "searchEdit"
    assert r["results_after_sign_in"] > 0
    assert "results" in r["customer_data_visible_after_sign_in"]


def test_a_pin_typed_the_moment_the_sign_in_screen_shows_signs_in(run_scenario):
    r = run_scenario("pin_typed_as_the_screen_shows")
    assert r["sign_in_shown"], r["steps"]
    assert r["signed_in"] and r["login_after"]["clerk"] == "Trainee", r
    assert r["active_after_sign_in"] == TITLE and r["focus_after_sign_in"] == "searchEdit"
    assert r["results_after_sign_in"] > 0
    # the payment view, pre-warmed behind the sign-in screen, did not re-create the counter's X window
    assert r["x_window_after_page"] == r["x_window_at_sign_in"] == r["x_window_active"]


def test_idle_lock_sees_real_input_everywhere_then_locks_and_hides_the_counter(run_scenario):
    r = run_scenario("idle_lock_sees_real_input")
    assert r["signed_in"] and r["picked"], r["steps"]
    assert r["form_opened"]
    assert r["idle_timer_reset_by_web_view_typing"], "typing into the payment form must count as activity"
    assert r["locks_while_working"] == [], "locked while the clerk was typing"
    assert r["locks_after_idle"] == [True]
    assert r["active_after_idle"] == "Screen locked"
    assert r["login_after_idle"]["window_locked"] is True
    assert r["customer_data_visible_when_locked"] == []
    assert r["unlocked"] and r["login_after_unlock"]["clerk"] == "Trainer"
    assert r["active_after_unlock"] == TITLE


def test_idle_lock_waits_for_a_payment_in_flight(run_scenario):
    r = run_scenario("lock_waits_for_a_payment")
    assert r["signed_in"] and r["picked"] and r["charging"], r["steps"]
    assert r["locked_during_payment"] is False
    assert r["result"] == "Approved"
    assert r["lock_events"] and r["lock_events"][0] == [False, True]  # locked only once nothing was in flight
    assert [(row["state"], row["amount_cents"]) for row in r["journal"]] == [("approved", 725)]
    assert r["journal"][0]["clerk"] not in ("", "counter", "None")


def test_lock_screen_is_on_top_with_the_pin_focused(run_scenario):
    r = run_scenario("lock_screen_is_on_top")
    assert r["signed_in"], r["steps"]
    assert r["active"] == "Screen locked"
    assert r["focus"] == "clerkPin"
    assert r["customer_data_visible"] == []
    assert r["search_text"] == "smith"  # what was typed before the lock; nothing typed at the lock reached it
    assert r["unlocked"] and r["active_after"] == TITLE
