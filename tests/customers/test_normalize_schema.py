"""Normalisation properties (hypothesis) and schema migrations."""

from __future__ import annotations

import sqlite3
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.customers import index
from pos_app.customers.directory import Directory
from pos_app.customers.normalize import account_key, fold, phone_key, phone_query, words_of
from pos_app.customers.schema import SCHEMA_VERSION
from pos_app.migrations import Migration, SchemaTooNew, statements

digits10 = st.text(alphabet="0123456789", min_size=10, max_size=10)


@given(digits10, st.sampled_from(["{d}", "({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "+1 ({a}) {b} {c}",
                                  "1-{a}-{b}-{c}", "+1{d}", "1 {a} {b} {c}", " ( {a} ) {b}  {c} "]))
def test_every_common_way_of_writing_a_phone_gives_the_same_digits(digits, shape):
    typed = shape.format(d=digits, a=digits[:3], b=digits[3:6], c=digits[6:])
    assert phone_query(typed) == digits
    assert phone_key(typed) == digits


@given(st.text(alphabet="0123456789", min_size=1, max_size=9))
def test_a_partial_number_keeps_its_leading_digits(digits):
    # a bare leading 1 is kept: "1234" may be the start of an account number or a last-4 search
    assert phone_query(digits) == digits
    assert phone_query("+1 " + digits) == digits


@given(st.text(max_size=40))
def test_fold_is_idempotent_lowercase_and_accent_free(text):
    once = fold(text)
    assert fold(once) == once
    assert once == once.lower().strip()
    assert not any(unicodedata.combining(ch) for ch in once)
    assert "  " not in once


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12), st.sampled_from(
    ["\u0301", "\u0300", "\u0308", "\u0302", "\u0303", "\u030c"]))
def test_an_accent_anywhere_folds_away(word, mark):
    accented = unicodedata.normalize("NFC", word[0] + mark + word[1:])
    assert fold(accented) == word
    assert fold(accented.upper()) == word


@settings(max_examples=60)
@given(st.lists(st.text(alphabet="abcdefgh ÉéüÜñ'-", min_size=1, max_size=10), min_size=2, max_size=4))
def test_words_text_holds_every_word_and_round_trips_its_fields(parts):
    first, middle, last, company = (parts + [None, None])[:4]
    words = index.words_text(first, middle, last, company)
    fields = index.fields_of(words)
    assert fields == [words_of(last), words_of(first), words_of(middle), words_of(company)]
    # company words are index terms of their own, tagged: "smith" (a name) is not "~smith" (a company)
    assert index.terms_of(words) == {w for f in fields[:3] for w in f} | {index.COMPANY + w for w in fields[3]}
    assert '"' not in words and "\\" not in words  # safe to wrap as JSON in SQL


@given(st.text(max_size=30))
def test_keys_are_space_free_and_json_safe(email):
    keys = index.keys_of("(303) 555-0100", None, "+1 720 555 0199", email, None, "ACC 001-x")
    items = keys.split()
    assert keys.startswith(" ") and keys.endswith(" ")
    assert "+3035550100" in items and "<0010555303" in items and "+7205550199" in items and "=acc001x" in items
    assert all('"' not in k and "\\" not in k and k.isprintable() for k in items)


def test_special_letters_fold_by_table():
    assert [fold(x) for x in ("Straße", "Ærø", "Łódź", "Þór", "Œuvre", "Nguyễn")] == \
        ["strasse", "aero", "lodz", "thor", "oeuvre", "nguyen"]
    assert account_key(" LOY-0042 a ") == "loy0042a"


def test_new_file_is_migrated_and_reopening_is_idempotent(tmp_path):
    path = tmp_path / "d.db"
    Directory(path).close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"customers", "terms", "keys", "recent", "sync_runs", "sync_seen", "pending_index"} <= tables
    con.close()
    Directory(path).close()  # no error, nothing re-run
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "d.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE future (x)")
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(SchemaTooNew, match="newer version"):
        Directory(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")} == {"future"}


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    from pos_app.customers import schema

    extra = Migration(SCHEMA_VERSION + 1, "extra", "CREATE TABLE extra (x); THIS IS NOT SQL")
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, extra))
    with pytest.raises(sqlite3.OperationalError):
        Directory(tmp_path / "d.db")
    con = sqlite3.connect(tmp_path / "d.db")
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # ours done, the extra rolled back
    assert "extra" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_v1_file_is_upgraded_and_its_recent_customers_indexed(tmp_path):
    from pos_app.customers import schema

    path = tmp_path / "d.db"
    con = sqlite3.connect(path, isolation_level=None)
    for statement in statements(schema.MIGRATIONS[0].apply):
        con.execute(statement)
    con.execute("PRAGMA user_version=1")
    con.execute("INSERT INTO customers (id, first_name, last_name, origin, written_at, words, keys) VALUES "
                "(1, 'Ada', 'Lovelace', 'paysimple', 'x', ' lovelace . ada .  .  ', ' +3035550100 <0010555303 ')")
    con.execute("INSERT INTO terms VALUES ('ada', ' lovelace . ada .  .  ', 1), ('lovelace', ' lovelace . ada .  .  ', 1)")
    con.execute("INSERT INTO recent VALUES (1, '2026-11-25T10:00:00+00:00', ' lovelace . ada .  . +3035550100 ')")
    con.close()
    directory = Directory(path)
    entries = directory.connection().execute("SELECT entry FROM recent_entries ORDER BY 1").fetchall()
    # v3 rewrote the recent texts from the rows (words and every key of the row)
    assert entries == [("+3035550100",), ("<0010555303",), ("ada",), ("lovelace",)]
    assert [h.matched for h in directory.search("")] == ["recent"]
    directory.close()


def test_a_v4_file_gets_the_change_feed_with_every_customer_in_id_order(tmp_path):
    """Migration 5 on a directory written by the previous version: every customer is in the feed (id order),
    the file names its feed, and the next write comes after them."""
    from pos_app import migrations
    from pos_app.customers import schema
    from pos_app.customers.models import CustomerRecord

    path = tmp_path / "d.db"
    con = schema.connect(path)
    migrations.migrate(con, schema.MIGRATIONS[:4], "customer directory")
    con.close()
    con = sqlite3.connect(path, isolation_level=None)  # rows as version 4 wrote them (no change_pos yet)
    for cid, (first, last) in enumerate([("Ada", "Lovelace"), ("Bob", "Ray"), ("Cy", "Young")], start=1):
        con.execute("INSERT INTO customers (id, paysimple_id, first_name, last_name, origin, written_at, words, keys)"
                    " VALUES (?, ?, ?, ?, 'paysimple', '2026-11-01T00:00:00+00:00', ?, ' ')",
                    (cid, 100 + cid, first, last, index.words_text(first, None, last, None)))
    con.execute("INSERT INTO pending_index (lo, hi) VALUES (1, 3)")  # indexed at the next open
    con.close()
    with Directory(path) as directory:
        assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 5
        page = directory.changes(0, 10)
        assert [(c.position, c.local_id) for c in page.changes] == [(1, 1), (2, 2), (3, 3)]
        assert page.changes[0].customer.record.first_name == "Ada" and len(directory.feed_id()) == 32
        [cid] = directory.upsert_paysimple([CustomerRecord("Di", "Ross", paysimple_id=200)]).ids
        assert [(c.position, c.local_id) for c in directory.changes(3).changes] == [(4, cid)]
        assert [h.display_name for h in directory.search("ada")] == ["Ada Lovelace"]
