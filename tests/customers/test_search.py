"""Search: routing by query shape, ranking, accents, phones, same names, bounded result lists."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.customers.directory import DEFER_MIN, Directory
from pos_app.customers.normalize import fold
from tests.customers.conftest import names, person


def load(directory: Directory, *records):
    return directory.upsert_many(records).ids


def found(hits) -> list[str]:
    """Names of the normal matches (near matches — typos — are listed after them, marked "near")."""
    return [h.display_name for h in hits if h.matched != "near"]


def test_every_word_is_a_prefix_in_any_order(directory):
    load(directory, person("John", "Smith"), person("Joan", "Smithers"), person("Mary", "Smith"))
    assert names(directory.search("smi jo")) == ["John Smith", "Joan Smithers"]
    assert names(directory.search("jo smi")) == ["John Smith", "Joan Smithers"]
    assert found(directory.search("JOHN SMITH")) == ["John Smith"]
    assert names(directory.search("john x")) == []
    assert names(directory.search("mary")) == ["Mary Smith"]


def test_each_query_word_needs_its_own_name_word(directory):
    load(directory, person("John", "Smith"), person("John", "Jones"))
    assert names(directory.search("john jo")) == ["John Jones"]  # "john" cannot also serve as "jo"


def test_accents_and_case_are_ignored_both_ways(directory):
    load(directory, person("José", "Núñez"), person("Jose", "Nunez", email="jn@example.com"),
         person("Anna", "Müller"), person("Otto", "Muller"), person("Eva", "Mueller"))
    assert sorted(names(directory.search("jose nunez"))) == ["Jose Nunez", "José Núñez"]
    assert sorted(names(directory.search("JOSÉ"))) == ["Jose Nunez", "José Núñez"]
    # decision: ü folds to u, so "muller" finds Müller and Muller; "mueller" is a different spelling
    assert sorted(found(directory.search("muller"))) == ["Anna Müller", "Otto Muller"]
    assert found(directory.search("mueller")) == ["Eva Mueller"]
    assert names(directory.search("müll")) == names(directory.search("mull"))


def test_apostrophes_and_hyphens(directory):
    load(directory, person("Sean", "O'Brien"), person("Mary-Kate", "Smith-Jones"))
    assert names(directory.search("obrien")) == ["Sean O'Brien"]
    assert names(directory.search("o'bri")) == ["Sean O'Brien"]
    assert names(directory.search("jones kate")) == ["Mary-Kate Smith-Jones"]
    assert names(directory.search("smithjones")) == ["Mary-Kate Smith-Jones"]


def test_phone_route_normalises_what_is_typed(directory):
    load(directory, person("Ada", "Lovelace", phone="3035550100"), person("Alan", "Turing", mobile_phone="7205550199"),
         person("Grace", "Hopper", phone="13035550142"))  # 11 digits with the country code: stored without it
    for typed in ("3035550100", "+1 (303) 555-0100", "1-303-555-0100", "303.555.0100", "(303) 555 0100",
                  "1 303 555 0100", "+13035550100"):
        hits = directory.search(typed)
        assert names(hits)[:1] == ["Ada Lovelace"], typed
        assert hits[0].matched == "phone"
    assert sorted(names(directory.search("(303) 555"))) == ["Ada Lovelace", "Grace Hopper"]
    assert names(directory.search("0199")) == ["Alan Turing"]  # last digits
    assert names(directory.search("720-555")) == ["Alan Turing"]
    assert directory.search("3035550100")[0].phone == "(303) 555-0100"
    assert directory.search("3035550142")[0].phone == "(303) 555-0142"


def test_exact_account_number_or_barcode_comes_first(directory):
    load(directory, person("Phone", "Match", phone="4000123456"),
         person("Prefix", "Match", customer_account="40001234"),
         person("Exact", "Match", customer_account="4000123"),
         person("Scan", "Code", customer_account="LOY-0042-A"))
    hits = directory.search("4000123")
    assert names(hits) == ["Exact Match", "Phone Match", "Prefix Match"]
    assert hits[0].matched == "account"
    # a scanned alphanumeric loyalty card, with or without the dash, is an exact match too
    assert names(directory.search("LOY-0042-A")) == ["Scan Code"]
    assert names(directory.search("loy0042a")) == ["Scan Code"]


def test_paysimple_id_typed_as_digits(directory):
    load(directory, person("Ada", "Lovelace", pid=8041997))
    assert names(directory.search("8041997")) == ["Ada Lovelace"]


def test_email_route_exact_before_prefix(directory):
    load(directory, person("Bo", "Two", email="ann.lee@example.org"), person("Al", "One", email="ann@example.org"),
         person("Cy", "Alt", alt_email="ANN@example.com"))
    assert names(directory.search("ann@example.org")) == ["Al One"]
    assert names(directory.search("ann@")) == ["Cy Alt", "Al One"]  # both exact-prefix; phonebook order
    assert names(directory.search("Ann.Lee@Ex")) == ["Bo Two"]


def test_exact_word_beats_prefix_then_phonebook_order(directory):
    load(directory, person("Johnny", "Aaron"), person("John", "Zeller"), person("John", "Baker"),
         person("Joan", "Adams"), person("Jo", "Young"))
    # "jo": the exact word first, then the completions in (word, name) order
    assert names(directory.search("jo")) == ["Jo Young", "Joan Adams", "John Baker", "John Zeller", "Johnny Aaron"]
    assert found(directory.search("john")) == ["John Baker", "John Zeller", "Johnny Aaron"]


def test_words_in_name_order_beat_other_orders(directory):
    # both match "john smith" with whole words; only the first has them in name order (first..last or last, first)
    load(directory, person("Smith", "Adams", middle_name="John"), person("John", "Smith"))
    assert names(directory.search("john smith")) == ["John Smith", "Smith John Adams"]
    assert names(directory.search("john adams")) == ["Smith John Adams"]


def test_name_matches_beat_company_matches(directory):
    load(directory, person("John", "Davis", company="Smith Plumbing"), person("John", "Smith"))
    assert names(directory.search("john smith")) == ["John Smith", "John Davis"]
    assert names(directory.search("smith plumb")) == ["John Davis"]


def test_recently_seen_first_within_the_same_tier(directory):
    ids = load(directory, person("Anna", "Adams"), person("Anna", "Baker"), person("Anna", "Clark"),
               person("Annabel", "Aaron"))
    assert names(directory.search("anna")) == ["Anna Adams", "Anna Baker", "Anna Clark", "Annabel Aaron"]
    now = datetime.now(UTC)
    directory.mark_seen(ids[2], now - timedelta(minutes=5))
    directory.mark_seen(ids[1], now)
    directory.mark_seen(ids[3], now)  # seen, but only a prefix match: stays below the exact "anna"s
    assert names(directory.search("anna")) == ["Anna Baker", "Anna Clark", "Anna Adams", "Annabel Aaron"]
    assert directory.get(ids[1]).last_seen_at is not None
    # an empty query lists the recently seen, newest first
    assert [h.id for h in directory.search("")][:2] in ([ids[1], ids[3]], [ids[3], ids[1]])
    assert directory.search("")[-1].id == ids[2]


def test_same_names_are_told_apart(directory):
    load(directory, person("John", "Smith", phone="3035550100", city="Denver", email="js1@example.com"),
         person("John", "Smith", phone="7205550199", city="Denver", email="js2@example.com"),
         person("Jóhn", "SMITH", phone="3035550100", city="Boulder", email="js1@example.com"),
         person("John", "Smithers", city="Denver"))
    hits = directory.search("john smith")
    by_text = {h.disambiguation for h in hits if h.display_name.lower() != "john smithers"}
    assert len(by_text) == 3 and "" not in by_text  # three different, non-empty texts
    smithers = [h for h in hits if h.display_name == "John Smithers"][0]
    assert smithers.disambiguation == ""  # a unique name needs no disambiguation
    texts = sorted(h.disambiguation for h in hits if h.disambiguation)
    assert any("0199" in t for t in texts) and any("Boulder" in t for t in texts)
    assert all("Denver" not in t or "0100" in t or "0199" in t for t in texts)


def test_identical_twins_fall_back_to_the_paysimple_id(directory):
    load(directory, person("Ann", "Lee", pid=11), person("Ann", "Lee", pid=12))
    assert sorted(h.disambiguation for h in directory.search("ann lee")) == ["PaySimple #11", "PaySimple #12"]


def test_a_customer_never_loaded_anywhere_is_still_found(directory):
    """Odoo's failure: customers beyond what the client had loaded were invisible. Here a query either
    returns all its matches (at most the limit) or is narrowed by typing more; nobody is out of reach."""
    crowd = [person("John", "Smith", phone=f"303555{n:04d}") for n in range(300)]
    crowd += [person("John", f"Smith{chr(97 + n % 26)}x{n}") for n in range(300)]
    target = person("John", "Smith", phone="9705559876", city="Telluride")
    load(directory, *crowd, target)
    hits = directory.search("john smith")
    assert len(hits) == 50 and all(h.display_name == "John Smith" for h in hits)  # exact words first
    assert names(directory.search("9705559876")) == ["John Smith"]
    assert names(directory.search("9876")) == ["John Smith"]
    wide = directory.search("john smith", limit=400)
    assert names(wide[:301]) == ["John Smith"] * 301 and all(n != "John Smith" for n in names(wide[301:]))
    assert any(h.city == "Telluride" for h in wide[:301])


def test_results_are_capped_and_the_best_come_first(directory):
    load(directory, *[person(f"J{chr(97 + n % 26)}{n}", "Doe") for n in range(400)], person("J", "Zed"))
    hits = directory.search("j")
    assert len(hits) == 50
    assert hits[0].display_name == "J Zed"  # the one exact word, although alphabetically last
    assert len(directory.search("j", limit=7)) == 7
    assert directory.search("j", limit=0) == []


def test_deleted_and_renamed_customers_leave_the_old_entries(directory):
    a, b = load(directory, person("Old", "Name", pid=501, phone="3035550111"), person("Gone", "Soon", pid=502))
    directory.upsert_many([person("New", "Name", pid=501, phone="3035550112")])
    assert names(directory.search("old")) == [] and names(directory.search("new")) == ["New Name"]
    assert names(directory.search("3035550111")) == [] and names(directory.search("3035550112")) == ["New Name"]
    assert directory.mark_deleted([b]) == 1
    assert names(directory.search("gone")) == []
    assert directory.get(b).deleted and directory.get(a).record.first_name == "New"


def test_bulk_batches_are_searchable_when_upsert_returns(directory):
    records = [person("Bulk", f"Person{n}") for n in range(DEFER_MIN * 3)]
    directory.upsert_many(records, batch_size=DEFER_MIN + 1)
    assert directory.pending_count() == 0
    assert len(directory.search("bulk", limit=1000)) == DEFER_MIN * 3
    assert names(directory.search("person299")) == ["Bulk Person299"]


def test_a_bulk_load_cut_short_is_finished_at_the_next_open(tmp_path):
    path = tmp_path / "d.db"
    first = Directory(path)
    with first._transaction() as con:  # a batch big enough to defer, and no finish_indexing (the process died)
        first._upsert(con, [person("Late", f"Comer{n}") for n in range(DEFER_MIN)])
    assert first.pending_count() == DEFER_MIN and first.search("late") == []
    first.close()
    again = Directory(path)
    assert again.pending_count() == 0
    assert len(again.search("late", limit=500)) == DEFER_MIN
    again.close()


def test_index_entries_match_the_rows_after_mixed_writes(directory):
    """The search tables are derived data: after inserts, updates, renames and deletes they equal what a
    rebuild from the rows gives."""
    ids = load(directory, *[person("Ann", f"Lee{n}", pid=900 + n, phone=f"30355501{n:02d}") for n in range(30)])
    directory.upsert_many([person("Anne", f"Leigh{n}", pid=900 + n, email=f"a{n}@x.org") for n in range(0, 30, 3)])
    directory.mark_deleted(ids[1:30:4])
    con = directory.connection()
    before = (con.execute("SELECT * FROM terms ORDER BY 1, 2, 3").fetchall(),
              con.execute("SELECT * FROM keys ORDER BY 1, 2").fetchall())
    with directory._transaction() as con:
        con.execute("DELETE FROM terms")
        con.execute("DELETE FROM keys")
        con.execute("INSERT INTO pending_index (lo, hi) VALUES (1, 1000)")
        directory._merge_pending(con)
    after = (con.execute("SELECT * FROM terms ORDER BY 1, 2, 3").fetchall(),
             con.execute("SELECT * FROM keys ORDER BY 1, 2").fetchall())
    assert before == after and len(before[0]) > 30


def test_word_statistics_pick_the_rare_word_and_results_stay_complete(directory):
    from pos_app.customers import stats

    crowd = [person("James", f"Common{n % 7}", phone=f"303555{n:04d}") for n in range(1200)]
    rare = [person("Xena", f"Warrior{n}") for n in range(3)] + [person("James", "Xavier")]
    directory.upsert_many(crowd + rare, batch_size=500)  # bulk: merged and counted at the end
    word_stats = directory.word_stats()
    con = directory.connection()
    real = con.execute("SELECT count(*) FROM terms WHERE term >= 'j' AND term < 'k'").fetchone()[0]
    assert stats.estimate(con, word_stats, "j", exact=False) == real
    assert stats.estimate(con, word_stats, "james", exact=True) == 1201
    assert stats.estimate(con, word_stats, "x", exact=False) == 4  # three xena, one xavier
    assert names(directory.search("james x")) == ["James Xavier"]
    assert names(directory.search("x james")) == ["James Xavier"]
    assert len(directory.search("james common3", limit=500)) == len([c for c in crowd if c.last_name == "Common3"])
    # growth by half recounts on an ordinary write; smaller growth does not
    before = stats.current_version(con)
    directory.upsert_many([person("Zed", f"Z{n}") for n in range(50)], batch_size=10)
    assert stats.current_version(con) == before
    directory.upsert_many([person("Zed", f"Y{n}") for n in range(700)], batch_size=50)
    assert stats.current_version(con) != before
    assert 50 < stats.estimate(con, directory.word_stats(), "zed", exact=True) <= 750  # as of the recount


def test_recent_entries_follow_renames_deletes_and_the_cap(directory, monkeypatch):
    import pos_app.customers.directory as directory_module

    monkeypatch.setattr(directory_module, "RECENT_LIMIT", 3)
    ids = load(directory, *[person(f"Pat{n}", "Cole", pid=700 + n, phone=f"72055501{n:02d}") for n in range(5)])
    for n, cid in enumerate(ids):
        directory.mark_seen(cid, datetime(2026, 11, 25, 10, n, tzinfo=UTC))
    con = directory.connection()
    kept = {r[0] for r in con.execute("SELECT DISTINCT customer_id FROM recent_entries")}
    assert kept == set(ids[2:])  # the two oldest fell out of the cap, with their entries
    directory.upsert_many([person("Renamed", "Cole", pid=704, phone="7205550199")])
    assert ("pat4",) not in con.execute("SELECT entry FROM recent_entries WHERE customer_id = ?", (ids[4],)).fetchall()
    assert ("renamed",) in con.execute("SELECT entry FROM recent_entries WHERE customer_id = ?", (ids[4],)).fetchall()
    hits = directory.search("cole")
    assert [h.display_name for h in hits[:3]] == ["Renamed Cole", "Pat3 Cole", "Pat2 Cole"]  # newest first
    assert names(directory.search("7205550199")) == ["Renamed Cole"]
    directory.mark_deleted([ids[3]])
    assert con.execute("SELECT count(*) FROM recent_entries WHERE customer_id = ?", (ids[3],)).fetchone()[0] == 0
    assert names(directory.search("pat3")) == []


_NAMES = ["Jo", "John", "Johnson", "Jon", "Smith", "Smithers", "Ann", "Anna", "Van", "José", "Müller", "Lee"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(_NAMES), st.sampled_from(_NAMES), st.sampled_from([None, "J", "Ann"]),
                          st.sampled_from([None, "Smith Plumbing", "Van Lines"])), min_size=1, max_size=25),
       st.data())
def test_every_customer_is_found_by_any_typed_form_of_its_name(tmp_path_factory, people, data):
    """Completeness, whatever path a query takes (seek, whole-word walk, prefix walk, recent): with a limit
    above the directory size, every customer is found by its name typed in any order, any prefix length,
    and by its phone; and every hit really matches."""
    directory = Directory(tmp_path_factory.mktemp("prop") / "d.db")
    try:
        records = [person(f, s, middle_name=m, company=c, phone=f"30355{n:05d}") for n, (f, s, m, c) in
                   enumerate(people)]
        ids = load(directory, *records)
        if data.draw(st.booleans()):
            directory.mark_seen(data.draw(st.sampled_from(ids)))
        n = data.draw(st.integers(0, len(records) - 1))
        target, cid = records[n], ids[n]
        first, last = target.first_name, target.last_name
        cut1 = data.draw(st.integers(1, len(first)))
        cut2 = data.draw(st.integers(1, len(last)))
        for typed in (f"{first} {last}", f"{last} {first}", f"{first[:cut1]} {last[:cut2]}",
                      f"{last[:cut2]} {first[:cut1]}", last[:cut2], f"{target.phone[:3]} {target.phone[3:]}"):
            hits = directory.search(typed, limit=1000)
            assert cid in [h.id for h in hits], typed
            words = fold(typed).split()
            for h in hits:  # nothing that does not match
                stored = directory.get(h.id).record
                text = fold(" ".join(filter(None, (stored.first_name, stored.middle_name, stored.last_name,
                                                   stored.company))))
                if h.matched == "name":
                    assert all(any(x.startswith(w) for x in text.split()) for w in words), (typed, text)
    finally:
        directory.close()


# --- issue 16: the person the clerk means ------------------------------------------------------------------

def test_people_named_like_the_word_come_before_people_who_only_work_there(directory):
    load(directory, person("Aaron", "Abbott", company="Smith Plumbing"), person("Zoe", "Young", company="Smith Plumbing"),
         person("Ann", "Smith"), person("Smith", "Baker"), person("Bo", "Smithers"),
         person("Cy", "Adams", company="Smithson Builders"), person("Di", "Smith", company="Smith Plumbing"))
    hits = directory.search("smith")
    # last name Smith (phonebook order), first name Smith, a longer name word, then the company: whole, longer
    assert names(hits) == ["Ann Smith", "Di Smith", "Smith Baker", "Bo Smithers", "Aaron Abbott", "Zoe Young",
                           "Cy Adams"]
    assert all(h.matched == "name" for h in hits)
    # the company is still found by its words, and a name + company query finds the people who work there
    assert names(directory.search("smith plumbing")) == ["Aaron Abbott", "Di Smith", "Zoe Young"]
    assert names(directory.search("plumb")) == ["Aaron Abbott", "Di Smith", "Zoe Young"]
    assert names(directory.search("di plumbing")) == ["Di Smith"]


def test_a_surname_alone_lists_that_surname_first_at_scale(directory):
    """The issue's case: with many people who work at "Smith ..." companies, people named Smith lead."""
    crowd = [person(f"Worker{n:03d}", f"Aaa{n:03d}", company=f"Smith {kind}")
             for n in range(120) for kind in ("Plumbing",)]
    smiths = [person(f"Pat{n:02d}", "Smith") for n in range(60)]
    load(directory, *crowd, *smiths)
    hits = directory.search("smith")
    assert len(hits) == 50 and all(h.display_name.endswith(" Smith") for h in hits)
    assert len(directory.search("smith", limit=500)) == 180
    assert names(directory.search("smith", limit=500))[60:] == sorted(h.display_name for h in
                                                                     directory.search("smith", limit=500)[60:])


def test_phone_matches_come_before_id_and_account_coincidences(directory):
    load(directory, person("Id", "Coincidence", pid=3034), person("Id", "Three", pid=303),
         person("Acct", "Coincidence", customer_account="303499"),
         person("Ada", "Prefix", phone="3034445566"), person("Bo", "Lastfour", phone="7205553034"),
         person("Cy", "Mobile", phone="3035550100", mobile_phone="7205550199"))
    # exactly four digits are "the last four": those first, then numbers starting so, then id, then account
    assert names(directory.search("3034")) == ["Bo Lastfour", "Ada Prefix", "Id Coincidence", "Acct Coincidence"]
    assert [h.matched for h in directory.search("3034")] == ["phone", "phone", "id", "account"]
    # an area code: the numbers, then the customer whose PaySimple id is 303
    assert names(directory.search("303")) == ["Cy Mobile", "Ada Prefix", "Id Three", "Acct Coincidence"]
    # formatted, it is the start of a number: prefixes first
    assert names(directory.search("(303) 4")) == ["Ada Prefix", "Bo Lastfour", "Acct Coincidence"]


def test_a_phone_hit_shows_the_number_that_matched(directory):
    ids = load(directory, person("Cy", "Mobile", phone="3035550100", mobile_phone="7205550199"),
               person("Di", "Alt", phone="3035550111", alt_phone="(720) 555-0142"))
    hits = directory.search("720555")
    assert [(h.display_name, h.phone) for h in hits] == [("Di Alt", "(720) 555-0142"), ("Cy Mobile", "(720) 555-0199")]
    assert directory.search("0199")[0].phone == "(720) 555-0199"
    assert directory.search("3035550100")[0].phone == "(303) 555-0100"
    assert directory.search("cy")[0].phone == "(303) 555-0100"  # a name hit shows the main number
    directory.mark_seen(ids[0])  # recently seen: found through recent_entries, same rule
    assert directory.search("720 555 0199")[0].phone == "(720) 555-0199"
    assert directory.search("0199")[0].phone == "(720) 555-0199"


def test_same_name_hint_uses_the_number_that_matched(directory):
    load(directory, person("Ann", "Lee", phone="3035550100", mobile_phone="7205550199"),
         person("Ann", "Lee", phone="3035550100", mobile_phone="7205550177"))
    hits = directory.search("720555")
    assert sorted(h.disambiguation for h in hits) == ["…0177", "…0199"]


def test_an_email_local_part_without_the_domain_finds_the_email(directory):
    load(directory, person("Mary", "Clark", email="mary.clark31@example.com"),
         person("Jo", "Smith", email="jsmith2@example.org"), person("Jay", "Smith", email="jsmith22@example.org"),
         person("Kim", "Smith", email="kim@example.org"))
    hits = directory.search("mary.clark31")
    assert names(hits) == ["Mary Clark"] and hits[0].matched == "email"
    assert names(directory.search("MARY.CLARK31")) == ["Mary Clark"]
    # the whole local part first, then longer ones
    assert names(directory.search("jsmith2")) == ["Jo Smith", "Jay Smith"]
    # a name still comes before an e-mail that merely starts with the word
    load(directory, person("Jsmith", "Person"))
    assert names(directory.search("jsmith"))[0] == "Jsmith Person"


def test_typos_find_near_matches_after_the_exact_ones_marked(directory):
    load(directory, person("John", "Smith"), person("Mary", "Clark"), person("Ann", "Smithers"),
         person("Joe", "Doe", email="smiht@example.com"))
    hits = directory.search("smiht")
    assert names(hits) == ["Joe Doe", "John Smith", "Ann Smithers"]  # exact first; whole words before longer
    assert [h.matched for h in hits] == ["email", "near", "near"]
    for typo in ("smtih", "smith", "smth", "smmith", "smuth", "msith"):  # transposed, missing, doubled, wrong
        assert "John Smith" in names(directory.search(typo)), typo
    for typo in ("mray clark", "mary clrak", "mray clrak", "clark mray", "clark, mray", "mray cla", "Máry Clrak"):
        assert names(directory.search(typo)) == ["Mary Clark"], typo
        assert directory.search(typo)[0].matched in ("near", "name")
    assert directory.search("mray clark")[0].matched == "near"
    assert directory.search("mary clark")[0].matched == "name"
    # a three-letter word is corrected too; two edits in one word, or a two-letter word, are not near
    assert names(directory.search("jhn")) == ["John Smith"]
    assert directory.search("smhti") == [] and directory.search("jh") == []


def test_near_matches_only_for_words_nobody_has(directory):
    load(directory, person("Pat", "Smiht"), person("John", "Smith"), person("Robert", "Rabe"),
         person("Robert", "Robinson"))
    # a word somebody has as typed is not a typo: no near list, however few the matches
    assert [(h.display_name, h.matched) for h in directory.search("smiht")] == [("Pat Smiht", "name")]
    assert names(directory.search("robert rab")) == ["Robert Rabe"]  # not Robert Robinson ("rab" ~ "rob")
    assert names(directory.search("robert rxb")) == ["Robert Rabe", "Robert Robinson"]  # "rxb" is a typo
    # ...but when the query finds nobody at all, words that exist are corrected too ("inda" starts Indara)
    load(directory, person("Linda", "Boyd"), person("Indara", "Cole"))
    assert [(h.display_name, h.matched) for h in directory.search("inda boyd")] == [("Linda Boyd", "near")]


def test_the_typo_fallback_does_not_run_for_a_query_with_enough_matches(directory):
    load(directory, *[person(f"Ann{n}", "Smith") for n in range(20)], person("Bob", "Smiht"))
    statements: list[str] = []
    con = directory.connection()
    con.set_trace_callback(statements.append)
    try:
        directory.search("smith")
        common = list(statements)
        statements.clear()
        directory.search("smtih")
        typo = list(statements)
    finally:
        con.set_trace_callback(None)
    assert not any("json_each" in s for s in common) and len(common) <= 14
    assert any("json_each" in s for s in typo) and len(typo) <= 40  # bounded: a few dozen statements


def test_near_matching_is_bounded_in_a_crowd(directory):
    """Every name starting with the corrections' letters: the walk stops at the list size, never reads
    everything (and the result is still the best ones, ranked)."""
    load(directory, *[person(f"Pat{n:03d}", f"Smith{n:03d}") for n in range(600)], person("Joe", "Smith"))
    hits = directory.search("smiht")
    assert len(hits) == 50 and hits[0].display_name == "Joe Smith" and all(h.matched == "near" for h in hits)


def test_v2_file_is_upgraded_company_words_tagged_and_reindexed(tmp_path):
    from pos_app.customers import schema
    from pos_app.migrations import statements

    path = tmp_path / "d.db"
    con = sqlite3.connect(path, isolation_level=None)
    for migration in schema.MIGRATIONS[:2]:
        for statement in statements(migration.apply):
            con.execute(statement)
    con.execute("PRAGMA user_version=2")
    old = [(1, "Aaron", "Abbott", "Smith Plumbing", " abbott . aaron .  . smith plumbing "),
           (2, "Ann", "Smith", None, " smith . ann .  .  ")]
    for cid, first, last, company, words in old:
        con.execute("INSERT INTO customers (id, first_name, last_name, company, origin, written_at, words, keys) "
                    "VALUES (?, ?, ?, ?, 'paysimple', 'x', ?, ' ')", (cid, first, last, company, words))
        for term in {w for w in words.split() if w != "."}:
            con.execute("INSERT INTO terms VALUES (?, ?, ?)", (term, words, cid))
    con.execute("INSERT INTO recent VALUES (1, '2026-11-25T10:00:00+00:00', ' abbott . aaron .  . smith plumbing ')")
    con.close()
    directory = Directory(path)
    try:
        con = directory.connection()
        assert con.execute("SELECT words FROM customers WHERE id = 1").fetchone()[0] == \
            " abbott . aaron .  . ~smith ~plumbing "
        assert directory.pending_count() == 0
        assert {r[0] for r in con.execute("SELECT term FROM terms WHERE customer_id = 1")} == \
            {"abbott", "aaron", "~smith", "~plumbing"}
        assert ("~plumbing",) in con.execute("SELECT entry FROM recent_entries WHERE customer_id = 1").fetchall()
        # the recently seen company-only match stays below the person named Smith
        assert names(directory.search("smith")) == ["Ann Smith", "Aaron Abbott"]
        assert names(directory.search("plumbing")) == ["Aaron Abbott"]
    finally:
        directory.close()


def _letters(n: int) -> str:
    """A distinct lower-case tail for generated names: 0 → "aa", 1 → "ab", ..."""
    return "abcdefghijklmnopqrstuvwxyz"[n // 26] + "abcdefghijklmnopqrstuvwxyz"[n % 26]


def test_prefixes_that_fit_many_list_the_commoner_name_first(directory):
    """"Danie Mar" fits every Daniel Mar…: the typed letters cannot decide, so the likeliest meant leads —
    the commoner name (Martinez, a word of hundreds of customers), although sixty rarer Daniel Mara… come
    first in the phonebook and would fill the list; a whole word typed (Daniel Mar) and a customer recently
    served come before that."""
    rare = [person("Daniel", f"Mara{_letters(n)}") for n in range(60)]
    common = [person(first, "Martinez") for first in ("Ana", "Luis", "Rosa", "Jorge") * 55]
    daniels = [person("Daniel", last) for last in ("Brown", "Lee", "King", "Young") * 55]
    meant = [person("Daniel", "Martinez", phone=f"30355501{n:02d}") for n in range(3)]
    ids = directory.upsert_many(rare + common + daniels + meant, batch_size=1000).ids  # bulk: counted
    hits = directory.search("danie mar")
    assert [h.display_name for h in hits[:3]] == ["Daniel Martinez"] * 3
    assert len(hits) == 50 and all(h.display_name.startswith("Daniel Mar") for h in hits)
    assert {h.display_name for h in hits[3:]} <= {f"Daniel Mara{_letters(n)}" for n in range(60)}
    # "mar" is somebody's whole last name: that customer first (the word typed so far is all of it)
    directory.upsert_many([person("Daniel", "Mar")])
    assert [h.display_name for h in directory.search("danie mar")[:4]] == ["Daniel Mar"] + ["Daniel Martinez"] * 3
    # recently served first, however rare the name
    directory.mark_seen(ids[7])
    assert directory.search("danie mar")[0].display_name == "Daniel Maraah"
    assert [h.display_name for h in directory.search("danie mar")[1:5]] == ["Daniel Mar"] + ["Daniel Martinez"] * 3


def test_commoner_names_never_pass_a_better_tier(directory):
    """The likelier-name order only breaks ties: whole words typed before prefixes, name order before last
    name first, people before company-only matches — whatever the names' frequencies."""
    crowd = [person(first, "Martinez") for first in ("Ana", "Luis", "Rosa", "Jorge") * 55]
    crowd += [person("Daniel", last) for last in ("Brown", "Lee", "King", "Young") * 55]
    crowd += [person("Daniel", "Martinez"), person("Danny", "Marz"), person("Martinez", "Daniels"),
              person("Zoe", "Quill", company="Daniel Martinez Plumbing")]
    directory.upsert_many(crowd, batch_size=1000)
    hits = directory.search("dan mar ")  # both words complete: prefixes of both
    order = [h.display_name for h in hits if h.display_name in ("Daniel Martinez", "Danny Marz", "Martinez Daniels",
                                                                   "Zoe Quill")]
    # name order first (Daniel Martinez the commoner of the two), then last name first, then the company
    assert order == ["Daniel Martinez", "Danny Marz", "Martinez Daniels", "Zoe Quill"]
    hits = directory.search("danny mar")  # "danny" whole beats the commoner Daniel
    assert hits[0].display_name == "Danny Marz"


def test_the_likeliest_pair_is_read_when_a_rarer_name_fills_the_range(directory, monkeypatch):
    """"jos mar": both words complete to many names. Read in order, the range of Martinez whose first name
    starts "jos" is sixty Jose Martinez before any Joseph Martinez, and the range of Josephs whose last name
    starts "mar" is fifty-five Joseph Mara… first; Joseph and Martinez are the commonest words, so the pair
    (Joseph, Martinez) is sought by itself and leads the list. Without that seek it is not even read."""
    crowd = [person("Jose", "Martinez") for _ in range(60)] + [person("Joseph", "Martinez") for _ in range(5)]
    crowd += [person("Joseph", f"Mara{_letters(n)}") for n in range(55)]
    crowd += [person("Joseph", last) for last in ("Brown", "Lee", "King", "Young") * 55]
    crowd += [person(first, "Martinez") for first in ("Ana", "Luis", "Rosa", "Jorge") * 55]
    crowd += [person(f"Jos{_letters(n)}", "Quill") for n in range(6)]  # "jos" completes to many words
    crowd += [person("Zed", f"Mar{_letters(n)}") for n in range(6)]  # and so does "mar"
    directory.upsert_many(crowd, batch_size=1000)
    assert [h.display_name for h in directory.search("jos mar")[:5]] == ["Joseph Martinez"] * 5
    import pos_app.customers.search as search_module

    monkeypatch.setattr(search_module, "SEEK_PAIRS", 0)
    assert "Joseph Martinez" not in {h.display_name for h in directory.search("jos mar")}


def test_only_the_budgets_own_interrupt_ends_a_walk_quietly(tmp_path):
    """A walk stopped by its read budget returns what it found; any other SQLite error is raised, even one
    whose words say "interrupted" (told apart by ``sqlite_errorcode``, not by the message)."""
    import pytest

    from pos_app.customers.search import _collect, _Pool

    con = sqlite3.connect(tmp_path / "walk.db")
    con.execute("CREATE TABLE words (w TEXT, id INTEGER)")
    con.executemany("INSERT INTO words VALUES (?, ?)", [(f"w{i}", i) for i in range(20_000)])
    walk = lambda budget: _collect(con, "SELECT w, id FROM words", (), _Pool(), lambda text: (1, 0),  # noqa: E731
                                   limit=20_000, budget_rows=budget)
    assert walk(100) < 20_000  # the budget interrupted the scan part-way: no error
    assert walk(10**6) == 20_000  # the same walk with room for every row
    with pytest.raises(sqlite3.OperationalError) as fault:
        _collect(con, "SELECT w, id FROM interrupted_walk", (), _Pool(), lambda text: (1, 0), limit=10,
                 budget_rows=100)
    assert "interrupted_walk" in str(fault.value) and fault.value.sqlite_errorcode != sqlite3.SQLITE_INTERRUPT
    con.close()
