"""Issue 16 as a clerk meets it in the counter's search box (real app, X display, window manager, real keys)."""

from __future__ import annotations


def test_the_search_box_lists_the_person_meant(run_scenario):
    r = run_scenario("search_finds_the_person_meant")
    assert r["signed_in"], r["steps"]
    # a surname: the people named Qorvath, then those who only work at Qorvath Plumbing
    assert [name for name, _ in r["surname"]] == ["Lee Qorvath", "Pat Qorvath", "Aaron Abbott", "Zoe Abel"]
    assert "Qorvath Plumbing" not in r["surname"][0][1]
    # a typo: near matches, each row saying so
    typo = r["typo"]
    assert [name for name, _ in typo][:2] == ["Lee Qorvath", "Pat Qorvath"], typo
    assert all("Near match" in text for _, text in typo), typo
    assert r["typo_count_text"] == f"No exact match — {len(typo)} near matches", r["typo_count_text"]
    # a mobile number: the row shows that number, not the main phone
    assert [name for name, _ in r["mobile"]] == ["Pat Qorvath"]
    assert "(720) 555-0199" in r["mobile"][0][1] and "(970) 555-0101" not in r["mobile"][0][1]
    # an e-mail's local part, without the domain
    assert [name for name, _ in r["local_part"]] == ["Mary Quillon"]
    assert r["picked"] == "Lee Qorvath", r["steps"]
    # Enter typed in the same burst as the name opens who the box names, not the old list's highlighted row
    assert r["list_before_burst"] == "Lee Qorvath"
    assert r["picked_after_burst"] == "Mary Quillon" and "Mary Quillon" in r["page_after_burst"], r["steps"]
