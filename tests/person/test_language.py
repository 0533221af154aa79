"""Issue 18, "Spanish, completely": switching the language applies at once, without a restart, as a clerk does it
(the Counter menu with real keys on a real X display with a window manager; see README.md)."""

from __future__ import annotations


def test_switching_to_spanish_from_the_menu_applies_at_once_without_a_restart(run_scenario):
    r = run_scenario("switch_to_spanish_live")
    assert r["signed_in"] and r["picked"] and r["form_opened"], r["steps"]
    assert r["english_words_before"] > 20  # the reading sees English while the screen is English
    assert r["switched"] and r["settings_language"] == "es"
    assert r["english_after_switch"] == [], r["english_after_switch"]
    assert r["title_after"] == "Caja · PaySimple (Práctica)"
    assert r["menus_after"][-3:] == ["&Caja", "&Gerente", "A&yuda"]
    assert r["hint_after"].startswith("Ctrl+F Buscar")
    # Nothing was lost and nothing restarted: the same window, the customer, the amount, the open form.
    assert r["window_id_after"] == r["window_id_before"]
    assert r["customer_after"] == r["picked"]["name"]
    assert r["amount_after"]["text"] == "23.45"
    assert r["form_state_after"] == "shown" and r["after"]["page"] == "form"
    assert r["after"]["header"].startswith("Cobrar $23.45") and r["after"]["form_status"]
    assert r["switched_back"] and r["title_back"] == "Counter · PaySimple (Training)"
    assert r["menus_back"][-3:] == ["&Counter", "&Manager", "&Help"]
