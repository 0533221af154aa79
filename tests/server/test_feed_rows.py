"""The compact rows form of the customer feed (``pos_app.serverlink.feed``): what the server sends reads back as
the same page, and a page from a broken or hostile peer is refused whole with the row and column named."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.customers.models import CustomerRecord, StoredCustomer
from pos_app.serverlink import feed
from pos_app.serverlink import messages as m
from pos_app.serverlink.wire import WireError, encode

text = st.text(max_size=40)
maybe = st.none() | text
records = st.builds(CustomerRecord, first_name=text, last_name=text,
                    paysimple_id=st.none() | st.integers(1, 2**63 - 1), email=maybe, phone=maybe, city=maybe,
                    last_modified=maybe, deleted=st.booleans())
stored = st.builds(StoredCustomer, id=st.integers(1, 2**63 - 1), record=records,
                   origin=st.sampled_from(["paysimple", "import", "counter"]), written_at=text,
                   last_seen_at=maybe, local_notes=maybe)


def wire(value):
    return json.loads(json.dumps(value))


def page(n: int = 3) -> m.ChangesReply:
    return m.ChangesReply("feed-1", [m.FeedEntry(10 + i, StoredCustomer(
        i + 1, CustomerRecord(f"First{i}", "Last", paysimple_id=100 + i, email=f"p{i}@example.com"),
        "paysimple", "2026-01-02T03:04:05+00:00", None, "note" if i else None)) for i in range(n)], 13)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**63 - 1), stored), max_size=8), st.integers(0, 2**63 - 1))
def test_any_page_reads_back_the_same_in_both_forms(entries, next_position):
    reply = m.ChangesReply("feed-x", [m.FeedEntry(p, c) for p, c in entries], next_position)
    assert feed.read_page(wire(feed.encode_rows(reply))) == reply
    assert feed.read_page(wire(encode(reply))) == reply  # an older server's object form


def test_columns_in_another_order_or_without_optional_ones_are_read_by_name():
    data = wire(feed.encode_rows(page()))
    order = list(reversed(data["columns"]))
    data["rows"] = [[dict(zip(data["columns"], row, strict=True))[c] for c in order] for row in data["rows"]]
    data["columns"] = order
    assert feed.read_page(data) == page()
    lean = wire(feed.encode_rows(page()))  # a server that sends only what has no default
    keep = [i for i, c in enumerate(lean["columns"]) if c not in feed.OPTIONAL]
    lean["columns"] = [lean["columns"][i] for i in keep]
    lean["rows"] = [[row[i] for i in keep] for row in lean["rows"]]
    got = feed.read_page(lean)
    assert [e.customer.record.email for e in got.changes] == [None] * 3
    assert [e.customer.record.deleted for e in got.changes] == [False] * 3


def _set(data, row: int, column: str, value):
    data["rows"][row][data["columns"].index(column)] = value
    return data


BAD_VALUES = [
    ("position", "12", "rows[1].position", "whole number"),
    ("position", -1, "rows[1].position", "from 0"),
    ("id", 0, "rows[1].id", "from 1"),
    ("id", True, "rows[1].id", "whole number"),  # a truth value is not a number
    ("id", 2**63, "rows[1].id", "from 1"),
    ("paysimple_id", 1.5, "rows[1].paysimple_id", "whole number"),
    ("first_name", None, "rows[1].first_name", "null"),
    ("email", 7, "rows[1].email", "text"),
    ("email", "x" * (feed.TEXT_MAX + 1), "rows[1].email", "longer than"),
    ("deleted", 0, "rows[1].deleted", "true or false"),
    ("deleted", None, "rows[1].deleted", "null"),
    ("origin", ["paysimple"], "rows[1].origin", "text"),
]


@pytest.mark.parametrize(("column", "value", "where", "says"), BAD_VALUES)
def test_a_bad_value_refuses_the_whole_page_naming_row_and_column(column, value, where, says):
    with pytest.raises(WireError) as refused:
        feed.read_page(_set(wire(feed.encode_rows(page())), 1, column, value))
    assert refused.value.path == f"ChangesReply.{where}" and says in refused.value.problem


def test_a_page_of_the_wrong_shape_is_refused_with_what_is_wrong():
    good = wire(feed.encode_rows(page()))
    cases = [
        ({**good, "extra": 1}, "ChangesReply", "unknown field(s) extra"),
        ({k: v for k, v in good.items() if k != "columns"}, "ChangesReply", "missing columns"),
        ({**good, "feed_id": ""}, "ChangesReply.feed_id", "non-empty"),
        ({**good, "next_position": "13"}, "ChangesReply.next_position", "whole number"),
        ({**good, "columns": good["columns"] + ["ssn"]}, "ChangesReply.columns", "unknown column(s) ssn"),
        ({**good, "columns": good["columns"][:-1] + ["id"]}, "ChangesReply.columns", "twice"),
        ({**good, "columns": [c for c in good["columns"] if c != "last_name"]}, "ChangesReply.columns",
         "missing last_name"),
        ({**good, "columns": "position,id"}, "ChangesReply.columns", "list of column names"),
        ({**good, "rows": {"0": []}}, "ChangesReply.rows", "must be a list"),
        ({**good, "rows": good["rows"][:2] + [good["rows"][2][:-1]]}, "ChangesReply.rows[2]", "26 values"),
        ({**good, "rows": good["rows"][:2] + [dict(enumerate(good["rows"][2]))]}, "ChangesReply.rows[2]",
         "a list of"),
    ]
    for data, path, says in cases:
        with pytest.raises(WireError) as refused:
            feed.read_page(copy.deepcopy(data))
        assert refused.value.path == path and says in refused.value.problem, (path, str(refused.value))


def test_an_empty_page_and_the_end_of_the_feed():
    reply = m.ChangesReply("feed-1", [], 10**12)
    data = wire(feed.encode_rows(reply))
    assert data["rows"] == [] and feed.read_page(data) == reply
