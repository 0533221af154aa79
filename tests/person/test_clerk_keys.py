"""Manager → Clerks… with real keys: Enter in the add form adds, removes nobody; Remove asks and Enter keeps
(the scenario is ``tests/person/clerk_keys.py``; the outcome is read from the clerk file)."""

from __future__ import annotations


def test_enter_in_the_add_form_adds_and_remove_asks(run_scenario):
    r = run_scenario("tests.person.clerk_keys:enter_adds_a_clerk_and_removes_nobody")
    assert r["signed_in"] and r["dialog"] == "Clerks" and r["listed"], r["steps"]
    assert r["trainee_selected"], r["steps"]
    assert r["after_alice"]["message"] == "Alice was added.", r["after_alice"]
    assert "Trainee (clerk)" in r["after_alice"]["rows"] and "Alice (clerk)" in r["after_alice"]["rows"]
    assert r["alice_selected"], r["after_alice"]
    assert r["after_bob"]["message"] == "Bob was added.", r["after_bob"]
    assert r["trainee_selected_again"] and r["on_remove"], r["steps"]
    assert r["question"] == "Remove clerk" and r["question_focus"] != "", r["steps"]
    assert r["after_question"]["message"] == "Trainee was kept." and r["active_after_question"] == "Clerks"
    assert r["closed"]
    active = {name: bool(flag) for name, flag in r["clerks"]}
    assert active == {"Alice": True, "Bob": True, "Trainee": True, "Trainer": True}, r["clerks"]
    changes = r["changes"]
    assert ["add", "Alice", "ok"] in changes and ["add", "Bob", "ok"] in changes, changes
    assert [c for c in changes if c[0] != "add"] == [], changes
