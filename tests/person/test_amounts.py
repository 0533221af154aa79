"""Issue 13 §2 as a person meets it: amounts mean what the clerk typed, in the STORE's money format whatever the
interface language (real app, X display with a window manager, real keys; the store's settings written before
the app starts, as a set-up would have left them)."""

from __future__ import annotations

US_STORE_SPANISH = {"settings": {"language": "es", "money_format": "en_US"}}
COMMA_STORE_ENGLISH = {"settings": {"language": "en", "money_format": "es_ES"}}


def test_us_store_with_a_spanish_interface_refuses_12_comma_34_and_charges_12_34(run_scenario):
    r = run_scenario("amounts_us_store_spanish_ui", **US_STORE_SPANISH)
    assert r["signed_in"] and r["picked"], r["steps"]
    # The interface is Spanish everywhere, the counter's own buttons and title included.
    assert r["ui"]["new_card_button"] == "Tarjeta nueva  [F6]"
    assert r["ui"]["window"] == "Caja · PaySimple (Práctica)"
    # "12,34": refused with the right way shown (a US store writes cents after a point), never 1,234.00.
    assert r["comma_field"]["message"] == "Use un punto para los centavos: 12.34"
    assert r["comma_field"]["message_visible"] and r["comma_field"]["has_focus"]
    assert r["comma_modal"] is None, "a confirmation opened for an amount the store's format refuses"
    assert r["comma_active"] == r["ui"]["window"]
    assert r["comma_screen"]["page"] == "customer"
    assert r["comma_journal"] == [] and r["comma_gateway"] == []
    # Tab took the keyboard to a button; "12.34" typed there went to the amount box, replacing "12,34"
    assert r["focus_before_retyping"].startswith("QPushButton:"), r["focus_before_retyping"]
    assert r["amount_after_retyping"] == "12.34"
    # "12.34": the confirmation and the result say $12.34; PaySimple charged 12.34 for this journal attempt.
    assert r["confirm"]["class"] == "CvvDialog" and r["confirm"]["title"] == "Cobrar a la tarjeta guardada"
    [question] = r["confirm"]["texts"]
    assert question.startswith("¿Cobrar $12.34 a ") and r["picked"]["name"] in question
    assert (r["result"]["page"], r["result"]["title"], r["result"]["amount"]) == ("result", "Aprobado", "$12.34")
    [[attempt_id, state, cents]] = r["journal"]
    assert (state, cents) == ("approved", 1234)
    assert r["gateway"] == [["Authorized", "12.34", attempt_id]]


def test_comma_store_with_an_english_interface_refuses_12_point_50_and_charges_1234_50(run_scenario):
    r = run_scenario("amounts_comma_store_english_ui", **COMMA_STORE_ENGLISH)
    assert r["signed_in"] and r["picked"], r["steps"]
    # "12.50" in a comma store: refused, shown the store's way; nothing asked, opened or sent (F5 nor F6).
    assert r["point_field"]["message"] == "Use a comma for cents: 12,50"
    assert r["point_field"]["message_visible"]
    assert r["point_modal"] is None
    assert r["point_screen"]["page"] == "customer" and r["point_f6_screen"]["page"] == "customer"
    assert r["point_journal"] == [] and r["point_gateway"] == []
    # "1.234,5": the new-card form's title and button name the amount the store's way, with the customer.
    name = r["picked"]["name"]
    assert r["form"]["page"] == "form"
    assert r["form"]["header"] == "Charge $1.234,50 to a new card"
    assert r["form_submit_button"] == "Charge $1.234,50  [F9]"
    assert r["form"]["customer"] == f"Customer: {name}"
    assert r["field_after_form"]["text"] == "1.234,50"  # Esc kept the amount, tidied the store's way
    # The confirmation, the result and PaySimple agree: one thousand two hundred thirty-four dollars fifty.
    assert r["confirm"]["title"] == "Charge card on file"
    [question] = r["confirm"]["texts"]
    assert question.startswith("Charge $1.234,50 to ") and question.endswith(f" for {name}?")
    assert (r["result"]["title"], r["result"]["amount"]) == ("Approved", "$1.234,50")
    [[attempt_id, state, cents]] = r["journal"]
    assert (state, cents) == ("approved", 123450)
    assert r["gateway"] == [["Authorized", "1234.50", attempt_id]]
