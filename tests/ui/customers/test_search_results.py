"""The counter's result list shows what the search found: near matches (typos) marked as such, and the phone
number that matched a phone search."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pos_app.customers.models import CustomerRecord


def _rows(qtbot, window, query: str) -> list[tuple[str, str]]:
    """(name, accessible row text) of each row once the window shows the results for ``query``."""
    window.search.setText(query)
    qtbot.waitUntil(lambda: window.shown_query == query, timeout=5000)
    rows = []
    for n in range(window.results.count()):
        item = window.results.item(n)
        rows.append((item.data(Qt.ItemDataRole.UserRole + 1).display_name,
                     item.data(Qt.ItemDataRole.AccessibleTextRole)))
    return rows


def test_a_typo_lists_near_matches_marked_and_a_phone_search_shows_the_number_it_matched(qtbot, counter):
    shell, window = counter
    backend = window.counter
    backend.create_customer(CustomerRecord("Mary", "Clarkson", phone="3035550100", mobile_phone="7205550199"))
    backend.create_customer(CustomerRecord("Mary", "Clarkson", phone="3035550100", mobile_phone="7205550142"))
    rows = _rows(qtbot, window, "mray clarkson")
    assert [name for name, _ in rows] == ["Mary Clarkson", "Mary Clarkson"]
    assert all(text.startswith("Mary Clarkson Near match") for _, text in rows), rows
    assert window.results.currentRow() == 0  # Enter picks the first, as for any result
    # the count says nothing matched as typed: these are guesses, not "2 found"
    assert window.results_count.text() == "No exact match — 2 near matches"
    backend.create_customer(CustomerRecord("Quentin", "Ozymandias"))
    assert [name for name, _ in _rows(qtbot, window, "quentin ozymnadias")] == ["Quentin Ozymandias"]
    assert window.results_count.text() == "No exact match — 1 near match"

    rows = _rows(qtbot, window, "mary clarkson")
    assert [name for name, _ in rows] == ["Mary Clarkson", "Mary Clarkson"]
    assert not any("Near match" in text for _, text in rows)
    assert window.results_count.text() == "2 found"

    rows = _rows(qtbot, window, "720 555 0142")
    assert len(rows) == 1 and "0142" in rows[0][1] and "(303)" not in rows[0][1]
    rows = [r for r in _rows(qtbot, window, "720555") if r[0] == "Mary Clarkson"]
    assert sorted("0142" in text for _, text in rows) == [False, True]  # each row its own matching number
    assert all("0100" not in text for _, text in rows)
