"""Picking a customer in the real counter window feeds "recently seen at this counter"."""

from __future__ import annotations

from pos_app.customers.models import CustomerRecord


def _pick(qtbot, window, query: str, row: int):
    window.search.setText(query)
    qtbot.waitUntil(lambda: window.shown_query == query and window.results.count() > row, timeout=5000)
    window.results.setCurrentRow(row)
    hit = window.results.current_hit()
    with qtbot.waitSignal(window.customerShown, timeout=5000):  # the pick is read and recorded on a worker
        window.select_current_hit()
    assert window.hit is not None and window.hit.id == hit.id
    window.counter.wait_seen()
    return hit


def test_picked_customer_ranks_first(qtbot, counter):
    shell, window = counter
    backend = window.counter
    assert backend.search("") == []  # nobody served yet at this counter
    twins = [backend.create_customer(CustomerRecord("Sam", "Rivera", email=f"sam{i}@example.com"))
             for i in range(2)]
    before = [h.id for h in backend.search("Sam Rivera")]
    assert sorted(before) == sorted(t.id for t in twins)

    second = _pick(qtbot, window, "Sam Rivera", 1)   # the one ranked second
    assert second.id == before[1]
    assert [h.id for h in backend.search("Sam Rivera")][0] == second.id   # same-name query: picked one first
    assert [h.id for h in backend.search("")] == [second.id]              # recently seen list

    window.sale.new_sale()
    other = _pick(qtbot, window, backend.search("a")[0].display_name, 0)
    assert [h.id for h in backend.search("")][:2] == [other.id, second.id]
    assert backend.directory.get(second.id).last_seen_at is not None


def test_customer_lookup_records_a_pick_without_blocking(backend):
    hit = backend.search("a")[0]
    stored = backend.customer(hit.id)   # what the window calls on selection
    assert stored is not None and stored.id == hit.id
    backend.wait_seen()
    assert [h.id for h in backend.search("")] == [hit.id]
    assert backend.customer(10**9) is None   # unknown id: nothing recorded, nothing raised
    backend.wait_seen()
    assert [h.id for h in backend.search("")] == [hit.id]


def test_enter_typed_faster_than_the_search_opens_the_customer_the_box_names(qtbot, counter):
    """A clerk types (or pastes) a name and presses Enter before the search has answered: the counter opened
    the highlighted row of the list still on screen (the previous query's, or "recently served"), a customer
    the clerk did not mean. Now the Enter waits for the answer to what the box holds and opens its first row;
    a query that finds nobody opens nobody. Real key events into the search box."""
    from PySide6.QtCore import Qt

    shell, window = counter
    backend = window.counter
    backend.create_customer(CustomerRecord("Quentin", "Zyxwell", email="qz@example.com"))
    served = _pick(qtbot, window, backend.search("a")[0].display_name, 0)  # now first in "recently served"
    window.sale.new_sale()
    qtbot.waitUntil(lambda: window.shown_query == "" and window.results.current_hit() is not None, timeout=5000)
    assert window.results.current_hit().id == served.id
    opened = []
    window.selectionChanged.connect(lambda hit: opened.append(None if hit is None else hit.display_name))
    window.search.setFocus()
    qtbot.keyClicks(window.search, "quentin zyx")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # before the search ran: the list is still the old one
    qtbot.waitUntil(lambda: window.hit is not None, timeout=5000)
    assert window.hit.display_name == "Quentin Zyxwell"
    assert [name for name in opened if name is not None] == ["Quentin Zyxwell"]  # never the one on screen before

    window.sale.new_sale()
    window.search.setFocus()
    qtbot.keyClicks(window.search, "nobody by this name xq")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.shown_query == "nobody by this name xq", timeout=5000)
    qtbot.wait(200)
    assert window.hit is None and window.results_count.text().startswith("Nobody found")
