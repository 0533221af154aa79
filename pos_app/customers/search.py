"""Search as you type: one query string → at most ``limit`` ranked ``CustomerHit``s, with bounded work.

Routing by the shape of the query:
- contains ``@``                      → email (exact, then prefix; email and alternate email)
- only digits and ``+ - ( ) . / space`` → phone (exact number, prefix, last digits when 4+ digits were
  typed), then the PaySimple id and account / loyalty number prefixes
- anything else                        → names and company: every query word must be a prefix of a
  different word of the customer, in any order ("smi jo" finds John Smith); accent- and case-insensitive.
  A query of one token that can be an e-mail's local part ("mary.clark31", "jsmith2") also finds the
  e-mails that start with it. When fewer than ``NEAR_BELOW`` customers match, near matches follow (below).
In every route an exact account / loyalty number (a barcode scan) is looked up first.

Ranking: a tier first, then recently seen at this counter (the last ``RECENT_LIMIT`` customers served, most
recent first), then an order inside the tier: for one word, the matched word then phonebook order (last
name, first name, middle, company); for several words, the customers whose name has the open last word
whole ("danie mar": Daniel Mar), then the likelier name — the commoner first name × last name by the word
statistics (Daniel Martinez before Daniel Marabel: what was typed fits both equally, more customers are
named like the first) —, then phonebook order.
Tiers, best first:
1. an exact account / loyalty number (a scan).
2. names route — ``(1, near, group, prefix_only, order_class, mixed)``:
   - near: 0, or for a near match (below) the number of query words it needed corrected: every normal
     match comes before every near match, one correction before two;
   - group: 0 an e-mail's local part typed whole or started, when the text cannot be a name ("mary.clark31",
     "jsmith2": a dot, digit, "_"...); 1 every query word on the person's own name; 2 an e-mail local part
     that is also a name-like word ("jsmith"); 3 a query word found only in the company name — people named
     Smith before people who only work at Smith Plumbing;
   - prefix_only: how many query words matched only as a prefix (all words whole first); with several
     words, the last one does not count while it may still be being typed (no space after it);
   - order_class: one word — 0 the last name starts with it, 1 another name word (prefixes: 0, listed in
     (word, name) order: "jo" gives Joan before John before Jones); several words — 0 in name order
     (first..last), 1 last name first as clerks often type it, 2 any other order; with a comma ("Clark,
     Mary") last name first is 0 and first..last 1;
   - mixed: 0 when every query word is on the name, or every one on the company ("smith plumbing": the
     company Smith Plumbing before Ann Smith of Lee Plumbing); 1 when the query mixes name and company.
   phone route — exact whole number; a prefix of the number; its last digits (4+ digits typed; four bare
   digits are "the last four": their last-digit matches come before the prefixes); then the PaySimple id;
   then an account / loyalty number prefix. A phone hit shows the number that matched (phone, mobile or
   alternate).
   email route — exact, then prefix.

Near matches (typos): a name query with fewer than ``NEAR_BELOW`` matches also lists customers whose words
are within one edit per query word — an adjacent transposition ("smiht"), a missing, a doubled (extra) or a
wrong letter — of query words of ``NEAR_MIN_LEN``+ letters without digits that start no indexed word as
typed (a word that does is not a typo: "robert rab" looks for Roberts whose name starts "rab", not for
Robert Robinson) — or of every such word when the query found nobody at all ("inda boyd": every word exists,
the pair does not) —, after every normal match, marked ``matched == "near"``. The corrections are prefixes,
like the words typed: "mray cla" finds Mary Clark. An edit is only tried where the typed word up to it is
still the start of some indexed word, the corrections that exist are found with one SQL statement, at most
``NEAR_PATTERNS`` per word are kept (whole words, then the most frequent first); two words are first read
as a first and a last name by seeks of contiguous ranges (as for normal matches), and the walks read at
most ``NEAR_BUDGET`` index rows: a query with enough normal matches never runs any of it.

Bounded work (the point of the design, see ``schema``): no query sorts a large match set.
- One word: seeks in the ``terms`` index, each stopping after ``limit`` customers: people whose last name
  starts with the word (contiguous inside the word's rows, since ``words`` starts with the last name), the
  word's other people, people with a longer word (the prefix range, in index order), then the company
  ranges ("~smith"). A step is skipped once the list holds ``limit`` customers it cannot beat.
  Recently seen customers come from ``recent_entries`` (an index of only their words and keys): a seek,
  then at most ``limit``, newest first.
- Two words: first seeks, not walks. ``words`` starts " last . first ", so for an index word T the people
  whose first name starts with F ([" T . F"...) and those whose last name starts with L ([" L"... inside
  T's rows) are contiguous: "smith jo", "james smith", "robert jo" read only their 50 rows. Exact words
  are sought first, their completions ("smi" → smith, smithers) only if the list is not yet full of the
  best possible tier; when a prefix has more than ``SEEK_TERMS`` completions, the ``SEEK_PAIRS`` likeliest
  (first, last) pairs of popular completions are sought too ("jos mar" → Joseph Martinez, Joseph Mark…):
  the likeliest names are read even when rarer ones fill the list first in phonebook order.
- Several words (and two-word queries the seeks did not settle): the word with the fewest index rows
  (``stats.estimate``: kept counts for short prefixes and popular words, a capped live count otherwise)
  drives the walk; the other words are checked on the row's ``words`` text inside SQLite (``instr``;
  ``GLOB '* jo* jo*'`` when query words share a prefix, so "james j" needs two j-words), so rows are read
  at C speed and the walk stops after ``limit`` matches. When every query word is a whole word of someone,
  a first walk over whole-word rows only collects that tier (and, if it fills the list, nothing else is
  read), so "john smith" is not crowded out by Johnny Smithers. Matches that need a company word come from
  a last walk over the driver's name and company ranges, only when the list is not full of better ones.
  Walks read at most about ``EXACT_BUDGET`` / ``WALK_BUDGET`` / ``COMPANY_BUDGET`` index rows (SQLite's
  progress handler stops them; a third of that after the two-word seeks, which already read every match
  in name order); only two very common prefixes that seldom occur together can reach that,
  and the matches found so far are returned, still ranked.
- Digits / email: index range walks of at most ``limit`` rows per source.
- Then one lookup of the pool's recency and one read of the ``limit`` result rows.

So any query with at most ``limit`` matches returns all of them (nobody is missed because they were not
"loaded"), ranked as above; with more matches the list holds the best ``limit`` of the walk order, re-ranked
by tier, recency and name. Customers written by a bulk load become searchable when it merges (``directory``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pos_app.customers import index, stats
from pos_app.customers.models import CustomerHit
from pos_app.customers.normalize import (
    account_key,
    fold,
    format_phone,
    looks_like_phone_or_number,
    phone_key,
    phone_query,
)

EXACT_BUDGET = 5_000  # index rows the whole-words walk may read (its tier is then filled by the next walk)
WALK_BUDGET = 15_000  # index rows the all-matches walk may read
SEEKS_SHARE = 3  # two-word queries: the walks after the name-order seeks read a third of those budgets
COMPANY_BUDGET = 10_000  # index rows the walk for matches through the company name may read
NEAR_BUDGET = 10_000  # index rows the near-match walk may read
NEAR_BELOW = 8  # a name query with fewer matches than this also lists near matches
NEAR_MIN_LEN = 3  # shorter query words are taken as typed (one edit of "jo" matches half the alphabet)
NEAR_PATTERNS = 24  # corrections kept per query word (whole words, then the most frequent first)
NEAR_SEEK_PAIRS = 96  # two words: (whole word, pattern) pairs read by seeks before any walk (_near_seeks)
NEAR_KNOWN = 6  # corrections kept for a word somebody has as typed (the query found nobody at all)
NEAR_AFTER_SEEKS = 2_000  # ... after which the walks (other orders, middle names, company) read at most this
_TICK = 1000  # SQLite VM instructions between budget checks
_OPS_PER_ROW = 6  # VM instructions per terms row read with one word check (bench/README.md, "Customer search")


def _ops_per_row(checks: int) -> int:
    """VM instructions per index row read with ``checks`` instr() tests (about 3 each beyond the first)."""
    return _OPS_PER_ROW + 3 * max(0, checks - 1)
SEEK_TERMS = 4  # a partially typed word is completed by at most this many words (else: general walk)
SEEK_POPULAR = 3  # ... when it completes to more: its most popular completions make the likeliest pairs
SEEK_PAIRS = 4  # two words: the likeliest (first, last) pairs of completions sought (_seek_name_order)
SEEK_POPULAR_FROM = 2  # letters a word needs before its popular completions are sought (one letter: typing on)
MAX_WORDS = 6
_TOP = "\U0010ffff"  # sorts after every character: [p, p + _TOP) is "starts with p"
_CO = index.COMPANY
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LOCAL_PART = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")

ACCOUNT_TIER = (0,)
# names route: (1, near, group, prefix_only, order_class, mixed)
EMAIL_SHAPED, PERSON, EMAIL_LOCAL, COMPANY_ONLY = 0, 1, 2, 3


class Searchable(Protocol):
    """What a search reads: the directory database (``customers.directory.Directory`` is one)."""

    def connection(self) -> sqlite3.Connection:
        """This thread's connection to the directory database."""

    def reading(self) -> AbstractContextManager[None]:
        """Held while a search runs (bulk writers in other threads pause meanwhile)."""

    def word_stats(self) -> stats.WordStats:
        """Word counts for choosing the word that drives a walk."""

    def ids_by_key(self, key: str, con: sqlite3.Connection | None = None) -> list[int]:
        """Local ids of the live customers with this tagged lookup key."""


@dataclass(slots=True)
class _Candidate:
    tier: tuple
    order: tuple
    matched: str
    shown: str | None = None  # phone digits to show (the number that matched)

    def key(self, customer_id: int) -> tuple:
        return (self.tier, self.order, customer_id)


class _Pool:
    def __init__(self) -> None:
        self.items: dict[int, _Candidate] = {}

    def offer(self, customer_id: int, candidate: _Candidate) -> bool:
        """Keep the better candidate per customer; True if the customer is new to the pool."""
        old = self.items.get(customer_id)
        if old is None:
            self.items[customer_id] = candidate
            return True
        if candidate.key(customer_id) < old.key(customer_id):
            self.items[customer_id] = candidate
        return False

    def at_most(self, bound: tuple) -> int:
        """Members whose tier is at least as good as ``bound``."""
        return sum(1 for c in self.items.values() if c.tier <= bound)

    def below(self, bound: tuple) -> int:
        """Members whose tier is strictly better than ``bound``."""
        return sum(1 for c in self.items.values() if c.tier < bound)

    def best(self, con: sqlite3.Connection, limit: int) -> list[tuple[int, _Candidate]]:
        """Rank by (tier, recently seen first — newest first, order, id); recency looked up for the pool only."""
        ids = list(self.items)
        seen: dict[int, float] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for cid, seen_at in con.execute(
                    f"SELECT customer_id, seen_at FROM recent WHERE customer_id IN ({','.join('?' * len(chunk))})",
                    chunk):
                seen[cid] = datetime.fromisoformat(seen_at).timestamp()

        def key(kv: tuple[int, _Candidate]) -> tuple:
            cid, cand = kv
            ts = seen.get(cid)
            return (cand.tier, 0 if ts is not None else 1, -(ts or 0.0), cand.order, cid)

        return sorted(self.items.items(), key=key)[:limit]


def search(directory: Searchable, query: str, limit: int = 50) -> list[CustomerHit]:
    with directory.reading():  # bulk writers in other threads pause meanwhile (see Searchable.reading)
        return _search(directory, query, limit)


def _search(directory: Searchable, query: str, limit: int) -> list[CustomerHit]:
    con = directory.connection()
    text = (query or "").strip()
    if limit <= 0:
        return []
    if not text:
        return _recent_hits(con, limit)
    pool = _Pool()
    account = account_key(text)
    if account:
        for cid in directory.ids_by_key(index.ACCOUNT + account, con):
            pool.offer(cid, _Candidate(ACCOUNT_TIER, (), "account"))
    if "@" in text:
        _email(con, pool, text, limit)
    elif looks_like_phone_or_number(text):
        _digits(con, pool, text, limit)
    else:
        _names(directory, con, pool, text, limit, open_last=not query[-1:].isspace())
    return _hits(con, [(cid, cand.matched, cand.shown) for cid, cand in pool.best(con, limit)])


# --- recently seen -------------------------------------------------------------------------------------------

def _recent(con: sqlite3.Connection, prefixes: list[str], limit: int) -> list[tuple[int, str]]:
    """The most recently seen customers with an entry (word or tagged key) starting with one of
    ``prefixes``: (id, text), newest first, at most ``limit`` — index seeks in ``recent_entries``."""
    ranges = " OR ".join("(entry >= ? AND entry < ?)" for _ in prefixes)
    params = [v for p in prefixes for v in (p, p + _TOP)]
    sql = (f"SELECT customer_id, text FROM recent WHERE customer_id IN (SELECT customer_id FROM recent_entries "
           f"WHERE {ranges}) ORDER BY seen_at DESC LIMIT ?")
    return con.execute(sql, (*params, limit)).fetchall()


def _recent_hits(con: sqlite3.Connection, limit: int) -> list[CustomerHit]:
    ids = [r[0] for r in con.execute("SELECT customer_id FROM recent ORDER BY seen_at DESC LIMIT ?", (limit,))]
    return _hits(con, [(cid, "recent", None) for cid in ids])


def _split_recent_text(text: str) -> tuple[str, set[str]]:
    """Inverse of ``index.recent_text``: (words text, keys). Keys start with a tag, words never do."""
    items = text.split()
    keys = {w for w in items if w[0] in _TAGS}
    return " " + " ".join(w for w in items if w[0] not in _TAGS) + " ", keys


_TAGS = (index.PHONE, index.REVERSED, index.EMAIL, index.ACCOUNT)


# --- names -------------------------------------------------------------------------------------------------

def _query_words(text: str) -> list[str]:
    seen: list[str] = []
    for w in fold(text).split():
        if w not in seen:
            seen.append(w)
    return seen[:MAX_WORDS]


def _names(directory: Searchable, con: sqlite3.Connection, pool: _Pool, text: str, limit: int,
           open_last: bool = True) -> None:
    """Names and company (and an e-mail local part). ``open_last``: the last word may still be being typed
    (no space after it), so whether it is a whole word or a prefix does not rank ("willia john" is
    William Johnson as much as John Williams; in name order, William Johnson comes first)."""
    words = _query_words(text)
    local = _local_part(text)
    shaped = any(not ch.isalpha() for ch in local)  # "mary.clark31", "jsmith2": no name looks like that
    if shaped:
        _email_local(con, pool, local, limit, EMAIL_SHAPED)
    if words:
        if len(words) == 1:
            _one_word(con, pool, words[0], limit)
        else:
            _many_words(directory, con, pool, words, limit, last_first="," in text, open_last=open_last)
    if local and not shaped:
        _email_local(con, pool, local, limit, EMAIL_LOCAL)
    normal = sum(1 for c in pool.items.values() if len(c.tier) < 2 or c.tier[1] == 0)
    if words and normal < NEAR_BELOW:
        _near(directory, con, pool, words, limit, last_first="," in text, open_last=open_last,
              every_word=not normal)


def _one_word(con: sqlite3.Connection, pool: _Pool, w: str, limit: int) -> None:
    """One word: recently seen first, then index seeks in tier order, each of at most ``limit`` customers."""
    for cid, rtext in con.execute(
            "SELECT r.customer_id, r.text FROM recent_entries e JOIN recent r ON r.customer_id = e.customer_id "
            "WHERE (e.entry >= ? AND e.entry < ?) OR (e.entry >= ? AND e.entry < ?) GROUP BY r.customer_id "
            "ORDER BY max(substr(e.entry, 1, 1) != ?) DESC, max(e.entry = ?) DESC, r.seen_at DESC LIMIT ?",
            (w, w + _TOP, _CO + w, _CO + w + _TOP, _CO, w, limit)):
        match = name_match([w], _split_recent_text(rtext)[0])
        if match is not None:
            pool.offer(cid, _Candidate(match[0], match[1], "name"))
    last = f" {w} "
    co = _CO + w
    steps = (  # (tier, SQL condition, arguments), best tier first
        ((1, 0, PERSON, 0, 0, 0), "term = ? AND words >= ? AND words < ?", (w, last, last + _TOP)),
        ((1, 0, PERSON, 0, 1, 0), "term = ? AND words < ?", (w, last)),
        ((1, 0, PERSON, 0, 1, 0), "term = ? AND words >= ?", (w, last + _TOP)),
        ((1, 0, PERSON, 1, 0, 0), "term > ? AND term < ?", (w, w + _TOP)),
        ((1, 0, COMPANY_ONLY, 0, 0, 0), "term = ?", (co,)),
        ((1, 0, COMPANY_ONLY, 1, 0, 0), "term > ? AND term < ?", (co, co + _TOP)),
    )
    for tier, where, args in steps:
        if pool.at_most(tier) >= limit:
            return  # the list is full of customers no later step can beat
        _walk_step(con, pool, where, args, tier, limit, "name")


def _walk_step(con: sqlite3.Connection, pool: _Pool, where: str, args: tuple, tier: tuple, limit: int,
               matched: str) -> None:
    """Offer the rows of one index range with a known tier until ``limit`` new customers were added."""
    cur = con.execute(f"SELECT term, words, customer_id FROM terms WHERE {where}", args)
    found = 0
    while found < limit:
        rows = cur.fetchmany(limit)
        if not rows:
            break
        for term, words, cid in rows:
            if pool.offer(cid, _Candidate(tier, (term, words), matched)):
                found += 1
    cur.close()


def _many_words(directory: Searchable, con: sqlite3.Connection, pool: _Pool, words: list[str], limit: int,
                last_first: bool, open_last: bool) -> None:
    word_stats = directory.word_stats()
    match = _normal(words, last_first, open_last, word_stats.popular)
    _recent_many(con, pool, words, limit, match)
    exact = {w: stats.estimate(con, word_stats, w, exact=True) for w in words}
    # The fewest prefix-only words any match can have: words that are nobody's whole word stay prefixes
    # (an open last word is not counted either way).
    best_prefix = sum(1 for w in (words[:-1] if open_last else words) if not exact[w])
    # Two words: the seeks read every match in name order (either way round); the walks after them only
    # add matches in another order, on middle names or beyond the completions sought, so they get less.
    share = SEEKS_SHARE if len(words) == 2 else 1
    if len(words) == 2:
        _seek_name_order(con, pool, words, limit, match, completions=False)
    # Tier "every word whole": walk the rarest word's exact rows, other words checked as whole words.
    ran_exact = False
    if all(exact.values()) and pool.at_most((1, 0, PERSON, 0, 0, 0)) < limit:
        ran_exact = True
        driver = min(words, key=lambda w: (exact[w], -len(w)))
        where, params = _word_checks(words, driver, exact=True)
        sql = f"SELECT words, customer_id FROM terms WHERE term = ? AND {where}"
        _collect(con, sql, (driver, *params), pool, match, limit, EXACT_BUDGET // share)
    # After the whole-word walk, what is left to find has at least one prefix-only word — or only the open
    # last word as a prefix, which ranks the same but comes after in name order ("john smith": Smith, John
    # before Smithers, John), so a list already full of that tier stays as it is.
    enough = max(best_prefix, 1) if ran_exact and not open_last else best_prefix
    if pool.at_most((1, 0, PERSON, enough, 0, 0)) >= limit:
        return  # the list is full of matches no other walk can beat
    if len(words) == 2:
        _seek_name_order(con, pool, words, limit, match, completions=True, word_stats=word_stats)
        if pool.at_most((1, 0, PERSON, enough, 0, 0)) >= limit:
            return
    # All matches on the person's name: the most selective prefix drives, the others are checked as prefixes.
    counts = {w: stats.estimate(con, word_stats, w, exact=False) for w in words}
    driver = min(words, key=lambda w: (counts[w], -len(w)))
    where, params = _word_checks(words, driver, exact=False)
    sql = f"SELECT words, customer_id FROM terms WHERE term >= ? AND term < ? AND {where}"
    _collect(con, sql, (driver, driver + _TOP, *params), pool, match, limit, WALK_BUDGET // share)
    if pool.below((1, 0, COMPANY_ONLY)) >= limit:
        return
    # Matches through the company name: the driver's name and company ranges, other words anywhere, and
    # some word on the company (matches on the name alone were the walks above).
    in_company = {w: stats.estimate(con, word_stats, _CO + w, exact=False) for w in words}
    if not any(in_company.values()):
        return
    every = {w: counts[w] + in_company[w] for w in words}
    driver = min(words, key=lambda w: (every[w], -len(w)))
    checks, params = _any_word_checks([[w] for w in words if w != driver])
    checks += " AND (" + " OR ".join("instr(words, ?) > 0" for _ in words) + ")"
    params += [f" {_CO}{w}" for w in words]
    sql = f"SELECT words, customer_id FROM terms WHERE term >= ? AND term < ? AND {checks}"
    budget = [COMPANY_BUDGET // share]
    for start in (driver, _CO + driver):
        _collect(con, sql, (start, start + _TOP, *params), pool, match, limit, budget[0], budget,
                 ops_per_row=_ops_per_row(checks.count("instr")))


def _recent_many(con: sqlite3.Connection, pool: _Pool, words: list[str], limit: int, match: Matcher) -> None:
    """Recently seen customers matching every word (name or company), whole-word matches first, newest first."""
    any_where, any_params = _any_word_checks([[w] for w in words], column="text")
    exact_where = " AND ".join("(instr(text, ?) > 0 OR instr(text, ?) > 0)" for _ in words)
    exact_params = [v for w in words for v in (f" {w} ", f" {_CO}{w} ")]
    seek = max(words, key=len)  # candidates: recent customers with a word starting like the longest query word
    sql = (f"SELECT customer_id, text FROM recent WHERE customer_id IN (SELECT customer_id FROM recent_entries "
           f"WHERE (entry >= ? AND entry < ?) OR (entry >= ? AND entry < ?)) AND {any_where} "
           f"ORDER BY ({exact_where}) DESC, seen_at DESC LIMIT ?")
    args = (seek, seek + _TOP, _CO + seek, _CO + seek + _TOP, *any_params, *exact_params, limit)
    for cid, rtext in con.execute(sql, args):
        m = match(_split_recent_text(rtext)[0])
        if m is not None:
            pool.offer(cid, _Candidate(m[0], m[1], "name"))


def _word_checks(words: list[str], driver: str | None, exact: bool, column: str = "words") -> tuple[str, list]:
    """SQL that checks query words against the person's name words inside SQLite (C speed, before any Python).

    Exact: every word appears as a whole word. Prefix: every word starts some word; when several query
    words share a prefix ("james j", "john jo"), the text must contain that prefix as many times — a
    necessary condition for giving each query word its own name word, so rows that can only match
    by reusing one word ("James Smith" for "james j") are dropped in SQLite, not in Python.
    The driver's own check is implied by the index range being walked, unless it needs a count.
    Company words are tagged (" ~smith"), so none of these checks can match them.
    """
    parts, params = [], []
    for w in words:
        needle = f" {w} " if exact else f" {w}"
        needed = 1 if exact else sum(1 for q in words if q.startswith(w))
        if needed > 1:  # GLOB '* jo* jo*': as many occurrences (words are folded: no GLOB metacharacters)
            parts.append(f"{column} GLOB ?")
            params.append("*" + f"{needle}*" * needed)
        elif w != driver:
            parts.append(f"instr({column}, ?) > 0")
            params.append(needle)
    return " AND ".join(parts) or "1", params


def _any_word_checks(patterns: list[list[str]], column: str = "words") -> tuple[str, list]:
    """SQL: for each list, one of its prefixes starts a name or company word (a necessary condition only)."""
    parts, params = [], []
    for alternatives in patterns:
        parts.append("(" + " OR ".join(f"instr({column}, ?) > 0" for _ in alternatives for _ in (0, 1)) + ")")
        params += [v for p in alternatives for v in (f" {p}", f" {_CO}{p}")]
    return " AND ".join(parts) or "1", params


def _seek_name_order(con: sqlite3.Connection, pool: _Pool, words: list[str], limit: int, match: Matcher,
                     completions: bool, word_stats: stats.WordStats | None = None) -> None:
    """Two words typed as a first and a last name, in either order: the rows are contiguous in the index.

    ``words`` starts " last . first ", so inside the rows of one index word T the matches form a range:
    - T is the last name, the other word starts the first name: [" T . F", " T . F" + top) — "smith jo";
    - T is the first name, the other word starts the last name: [" L", " L" + top) — "robert jo".
    Each is a seek of at most ``limit`` rows, not a walk: "robert jo" never reads the Roberts from Aaron to
    Johns. T is the typed word itself (``completions=False``) or the longer index words it completes to (up
    to ``SEEK_TERMS``).

    A word of ``SEEK_POPULAR_FROM``+ letters that completes to more (a crowded word: "mar") would leave the
    list to the other word's ranges, read in phonebook order ("danie mar": Daniel Mar… up to Marshall, never
    Daniel Martinez). Its ``SEEK_POPULAR`` most popular completions are then T too (a common name with any
    name the other word starts). When both words are crowded, those ranges still fill up in phonebook order
    ("jos mar": fifty Jose Martinez before any Joseph Martinez), so the ``SEEK_PAIRS`` likeliest (first
    name, last name) pairs of their popular completions — as either name, ranked by the product of their
    row counts — are sought as well: [" L . F", ...) inside L's rows, at most ``limit`` each. A crowded word
    of one letter is left to the general walk, as the clerk is still typing it.
    """
    options: list[list[str]] = []
    crowded = 0
    for this, other in ((words[0], words[1]), (words[1], words[0])):
        if completions:
            found = _terms_starting(con, this, SEEK_TERMS + 1)
            if found is not None:
                terms = [t for t in found if t != this]
                options.append(found)
            elif len(this) >= SEEK_POPULAR_FROM and word_stats is not None:
                # its popular completions, each with the other word as a prefix (popular + any name)
                terms = word_stats.popular_starting(this, SEEK_POPULAR)
                options.append(terms)
                crowded += 1
            else:
                terms = []
        else:
            terms = [this]
        for term in terms:
            # (when the word itself starts with the other one, the second range is mostly that same word)
            ranges = (f" {term} . {other}",) if term.startswith(other) else (f" {term} . {other}", f" {other}")
            for low in ranges:
                _seek(con, pool, term, low, limit, match)
    if crowded == 2 and word_stats is not None:  # both words crowded: the likeliest pairs of their completions
        counts = word_stats.popular
        pairs = sorted(((counts.get(first, 1) * counts.get(last, 1), first, last)
                        for a, b in ((0, 1), (1, 0)) for first in options[a] for last in options[b] if first != last),
                       reverse=True)
        for _, first, last in pairs[:SEEK_PAIRS]:
            _seek(con, pool, last, f" {last} . {first}", limit, match)


def _seek(con: sqlite3.Connection, pool: _Pool, term: str, low: str, limit: int, match: Matcher) -> None:
    """Offer the matches among the first ``limit`` rows of ``term`` whose words start with ``low``."""
    rows = con.execute("SELECT words, customer_id FROM terms WHERE term = ? AND words >= ? AND words < ? LIMIT ?",
                       (term, low, low + _TOP, limit)).fetchall()
    for cwords, cid in rows:
        m = match(cwords)
        if m is not None:
            pool.offer(cid, _Candidate(m[0], m[1], "name"))


def _terms_starting(con: sqlite3.Connection, prefix: str, most: int) -> list[str] | None:
    """The distinct index words starting with ``prefix`` (one seek each), or None if more than ``most``."""
    found: list[str] = []
    row = con.execute("SELECT term FROM terms WHERE term >= ? AND term < ? LIMIT 1",
                      (prefix, prefix + _TOP)).fetchone()
    while row is not None:
        if len(found) == most:
            return None
        found.append(row[0])
        row = con.execute("SELECT term FROM terms WHERE term > ? AND term < ? LIMIT 1",
                          (row[0], prefix + _TOP)).fetchone()
    return found


Matcher = Callable[[str], "tuple[tuple, tuple] | None"]


def _normal(words: list[str], last_first: bool = False, open_last: bool = False,
            counts: Mapping[str, int] | None = None) -> Matcher:
    return lambda text: name_match(words, text, last_first, open_last, counts)


def _collect(con: sqlite3.Connection, sql: str, args: tuple, pool: _Pool, match: Matcher, limit: int,
             budget_rows: int, remaining: list[int] | None = None, matched: str = "name",
             ops_per_row: int = _OPS_PER_ROW) -> int:
    """Offer matching rows until ``limit`` new customers were added or the walk has read about
    ``budget_rows`` index rows; returns how many were added. ``remaining`` (a one-item list) shares one
    budget between several walks: it is decreased by what this walk read.

    The budget is enforced by SQLite's progress handler (it interrupts the statement), so the walk runs
    as one plain index scan (a LIMIT in a subquery would add a co-routine hop per row).
    """
    found = 0
    ticks = 0
    budget_ticks = max(1, budget_rows * ops_per_row // _TICK)
    if budget_rows <= 0:
        return 0

    def tick() -> int:
        nonlocal ticks
        ticks += 1
        return 1 if ticks > budget_ticks else 0

    con.set_progress_handler(tick, _TICK)
    try:
        cur = con.execute(sql, args)
        while found < limit:
            rows = cur.fetchmany(limit)
            if not rows:
                break
            for cwords, cid in rows:
                m = match(cwords)
                if m is not None and pool.offer(cid, _Candidate(m[0], m[1], matched)):
                    found += 1
        cur.close()
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode != sqlite3.SQLITE_INTERRUPT:  # the budget's interrupt ends the scan; else a fault
            raise
    finally:
        con.set_progress_handler(None, 0)
        if remaining is not None:
            remaining[0] -= max(1, min(ticks, budget_ticks) * _TICK // ops_per_row)
    return found


def _fields(words: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """(last, first, middle, company) words of a ``words`` text; company words without their tag."""
    parts = words.split(" . ")  # " last", "first", "middle", "~company ~words " (see index.words_text)
    company = [w[1:] for w in parts[3].split()] if len(parts) > 3 else []
    return parts[0].split(), parts[1].split(), parts[2].split(), company


def name_match(query_words: list[str], words: str, last_first: bool = False,
               open_last: bool = False, counts: Mapping[str, int] | None = None) -> tuple[tuple, tuple] | None:
    """(tier, order) of a customer for name query words, or None when the words do not all match.

    Each query word must be a prefix of a different customer word (name or company). The tier is the
    names-route tier of the module doc: ``(1, 0, group, prefix_only, order_class, mixed)``.
    Order: one word — (the matched word, words); several — (open, -likelihood, words): ``open`` 0 when the
    open last word is a whole word of the customer (else 1; always 0 with no open word), ``likelihood`` the
    product of the index row counts of the first name's and the last name's first words in ``counts``
    (popular words; any other word counts 1), then the phonebook key.
    """
    last, first, middle, company = _fields(words)
    person = first + middle + last
    if len(query_words) == 1:
        w = query_words[0]
        if w in person:
            return (1, 0, PERSON, 0, 0 if last and last[0] == w else 1, 0), (w, words)
        matched = [x for x in person if x.startswith(w)]
        if matched:
            return (1, 0, PERSON, 1, 0, 0), (min(matched), words)
        if w in company:
            return (1, 0, COMPANY_ONLY, 0, 0, 0), (_CO + w, words)
        matched = [x for x in company if x.startswith(w)]
        return ((1, 0, COMPANY_ONLY, 1, 0, 0), (_CO + min(matched), words)) if matched else None
    natural = person + company
    reverse = last + first + middle + company
    if not (_in_sequence(query_words, natural) or _in_sequence(query_words, reverse)
            or _assignable(query_words, natural)):
        return None
    company_only = 0
    if company:
        company_only = sum(1 for w in query_words if not any(x.startswith(w) for x in person))
        if not company_only:  # the order is judged on the name's own words when no query word needs the company
            natural, reverse = person, last + first + middle
    orders = (reverse, natural) if last_first else (natural, reverse)  # "clark, mary": last name first
    order_class = 0 if _in_sequence(query_words, orders[0]) else 1 if _in_sequence(query_words, orders[1]) else 2
    natural = person + company
    whole = set(natural)
    prefix_only = sum(1 for w in (query_words[:-1] if open_last else query_words) if w not in whole)
    order = (1 if open_last and query_words[-1] not in whole else 0, -_likelihood(first, last, counts), words)
    if not company_only:
        return (1, 0, PERSON, prefix_only, order_class, 0), order
    all_company = _assignable(query_words, company)
    return (1, 0, COMPANY_ONLY, prefix_only, order_class, 0 if all_company else 1), order


def _likelihood(first: list[str], last: list[str], counts: Mapping[str, int] | None) -> int:
    """How common the name is: rows of its first name's word times rows of its last name's (1 when unknown).
    Among customers that fit what was typed equally, the commoner name is the likelier one meant."""
    if not counts:
        return 1
    return (counts.get(first[0], 1) if first else 1) * (counts.get(last[0], 1) if last else 1)


def _mixed(company_words: int, n: int) -> int:
    """0 when the query is all name words or all company words ("smith plumbing": the company Smith
    Plumbing before Ann Smith of Lee Plumbing), 1 when it mixes them."""
    return 0 if company_words in (0, n) else 1


def _in_sequence(query_words: list[str], sequence: list[str]) -> bool:
    """Each query word matches a later word of ``sequence`` than the previous query word did."""
    pos = 0
    for w in query_words:
        while pos < len(sequence) and not sequence[pos].startswith(w):
            pos += 1
        if pos == len(sequence):
            return False
        pos += 1
    return True


def _assignable(query_words: list[str], sequence: list[str]) -> bool:
    """Distinct customer words for every query word, any order (small: at most MAX_WORDS words)."""
    def place(i: int, used: frozenset[int]) -> bool:
        if i == len(query_words):
            return True
        return any(place(i + 1, used | {j}) for j, word in enumerate(sequence)
                   if j not in used and word.startswith(query_words[i]))
    return place(0, frozenset())


# --- e-mail local part typed in the names box ------------------------------------------------------------

def _local_part(text: str) -> str:
    """The text as an e-mail local part to look up ("" when it cannot be one: spaces, other characters,
    fewer than 3 characters, no letter or digit)."""
    value = text.strip().lower()
    if len(value) < 3 or not set(value) <= _LOCAL_PART or not any(ch.isalnum() for ch in value):
        return ""
    return index.email_entry(value)


def _email_local(con: sqlite3.Connection, pool: _Pool, local: str, limit: int, group: int) -> None:
    """E-mails whose local part is ``local`` (then starts with it): before the people named like that when
    the text cannot be a name (``EMAIL_SHAPED``: a dot, digit, "_", "+"...), else after them."""
    whole = index.EMAIL + local + "@"
    for tier, lo, hi in (((1, 0, group, 0, 0, 0), whole, whole + _TOP),
                         ((1, 0, group, 1, 0, 0), index.EMAIL + local, index.EMAIL + local + _TOP)):
        if pool.at_most(tier) >= limit:
            return
        _offer_keys(con, pool, [(cid, tier, "email", None) for _, cid in _walk_keys(con, lo, hi, limit)])


# --- near matches (typos) ---------------------------------------------------------------------------------

def edits(word: str, upto: int) -> set[str]:
    """Strings one edit away from ``word`` (adjacent transposition, deletion, replacement or insertion of a
    letter) whose edit is at a position <= ``upto``; none starting with ``word`` (as a prefix that would only
    repeat what ``word`` itself matches), none shorter than 3."""
    n = len(word)
    out: set[str] = set()
    for i in range(min(upto, n - 1) + 1):
        head, tail = word[:i], word[i + 1:]
        out.add(head + tail)
        if i + 1 < n:
            out.add(head + word[i + 1] + word[i] + word[i + 2:])
        for c in _LETTERS:
            out.add(head + c + tail)
    for i in range(min(upto, n) + 1):
        head, tail = word[:i], word[i:]
        for c in _LETTERS:
            out.add(head + c + tail)
    return {e for e in out if len(e) >= 3 and not e.startswith(word)}


def _known_prefix_length(con: sqlite3.Connection, word: str) -> int:
    """Length of the longest start of ``word`` that starts an index word (name or company)."""
    for n in range(len(word), 0, -1):
        p = word[:n]
        if con.execute("SELECT 1 FROM terms WHERE (term >= ? AND term < ?) OR (term >= ? AND term < ?) LIMIT 1",
                       (p, p + _TOP, _CO + p, _CO + p + _TOP)).fetchone():
            return n
    return 0


def _corrections(con: sqlite3.Connection, word_stats: stats.WordStats, word: str,
                 even_known: bool = False) -> list[tuple[str, bool]]:
    """The edits of ``word`` that start some index word (name or company), whole index words first, then the
    most frequent, at most ``NEAR_PATTERNS``; none when ``word`` itself starts an index word (it is not a
    typo) unless ``even_known`` (the query found nobody at all: "inda boyd" for Linda Boyd; then at most
    ``NEAR_KNOWN``). Each as (pattern, is a whole index word). An edit at position i needs word[:i] to start
    an index word: one seek per shorter start tells how far that holds, and the edits that exist are found
    in one statement."""
    if len(word) < NEAR_MIN_LEN or not word.isalpha() or not word.isascii():
        return []
    known = _known_prefix_length(con, word)
    if known == len(word) and not even_known:
        return []  # the word starts some name or company word as typed: not a typo, nothing to correct
    candidates = edits(word, known)
    if not candidates:
        return []
    found = con.execute(
        "SELECT value, EXISTS (SELECT 1 FROM terms WHERE term = value OR term = '~' || value) FROM json_each(?) "
        "WHERE EXISTS (SELECT 1 FROM terms WHERE term >= value AND term < value || char(1114111)) "
        "OR EXISTS (SELECT 1 FROM terms WHERE term >= '~' || value AND term < '~' || value || char(1114111))",
        (json.dumps(sorted(candidates)),)).fetchall()
    # Whole words before mere starts of words ("jones" before "jon" for "jons"), then the most frequent.
    found.sort(key=lambda r: (not r[1], -(word_stats.popular_rows_under(r[0])
                                          + word_stats.popular_rows_under(_CO + r[0])), len(r[0]) != len(word), r[0]))
    return [(r[0], bool(r[1])) for r in found[:NEAR_KNOWN if known == len(word) else NEAR_PATTERNS]]


def _near(directory: Searchable, con: sqlite3.Connection, pool: _Pool, words: list[str], limit: int,
          last_first: bool = False, open_last: bool = False, every_word: bool = False) -> None:
    """Near matches: every query word matches as typed or through one of its corrections, at least one
    through a correction; tier (1, 1, ...) after every normal match; bounded by ``NEAR_BUDGET`` rows.

    As for normal matches, the walks go best tier first (whole name words, then prefixes of name words, then
    company words), so a list filled by one phase holds the best near matches, not the first ones read."""
    word_stats = directory.word_stats()
    corrections = [_corrections(con, word_stats, w, every_word) for w in words]
    if not any(corrections):
        return
    alternatives = [[w, *(p for p, _ in c)] for w, c in zip(words, corrections, strict=True)]
    match = _near_matcher(words, alternatives, last_first, open_last)
    budget = [NEAR_BUDGET]
    select = "SELECT words, customer_id FROM terms WHERE "
    if len(words) == 1:  # each correction's rows, as a one-word search would read them
        corrections = alternatives[0][1:]
        phases = [((1, 1, PERSON, 0, 0, 0), "term = ?", [(p,) for p in corrections]),
                  ((1, 1, PERSON, 1, 0, 0), "term > ? AND term < ?", [(p, p + _TOP) for p in corrections]),
                  ((1, 1, COMPANY_ONLY, 0, 0, 0), "term >= ? AND term < ?",
                   [(_CO + p, _CO + p + _TOP) for p in corrections])]
        for tier, where, ranges in phases:
            if pool.at_most(tier) >= limit:
                return
            for args in ranges:  # every correction of the phase: equally near, the final order decides
                if budget[0] > 0:
                    _collect(con, select + where, args, pool, match, limit, budget[0], budget, "near")
        return

    seeks = False
    if len(words) == 2:
        typed = [con.execute("SELECT 1 FROM terms WHERE term = ?", (w,)).fetchone() is not None for w in words]
        wholes = [[w] * typed[i] + [p for p, whole in corrections[i] if whole] for i, w in enumerate(words)]
        seeks = len(wholes[0]) * len(alternatives[1]) + len(wholes[1]) * len(alternatives[0]) <= NEAR_SEEK_PAIRS
        if seeks:
            _near_seeks(con, pool, alternatives, wholes, match, limit)
    # The driver: the word whose patterns (as typed and corrected) have the fewest index rows.
    def rows(patterns: list[str]) -> int:
        return sum(stats.estimate(con, word_stats, p, exact=False)
                   + stats.estimate(con, word_stats, _CO + p, exact=False) for p in patterns)

    driver = min(range(len(words)), key=lambda i: (rows(alternatives[i]), -len(words[i])))
    if seeks:
        budget[0] = NEAR_AFTER_SEEKS  # the seeks found the name-order matches; the walks look for the rest
    others = [a for i, a in enumerate(alternatives) if i != driver]
    patterns = alternatives[driver]
    whole, whole_params = _alternative_checks(others, whole=True, company=False)
    named, named_params = _alternative_checks(others, whole=False, company=False)
    anywhere, any_params = _alternative_checks(others, whole=False, company=True)
    anywhere += " AND (" + " OR ".join("instr(words, ?) > 0" for a in alternatives for _ in a) + ")"
    any_params += [f" {_CO}{p}" for a in alternatives for p in a]  # some word on the company
    phases = [
        ((1, 1, PERSON, 0, 0, 0), f"term = ? AND {whole}", [(p, *whole_params) for p in patterns]),
        ((1, 1, PERSON, 1, 0, 0), f"term >= ? AND term < ? AND {named}",
         [(p, p + _TOP, *named_params) for p in patterns]),
        ((1, 1, COMPANY_ONLY, 0, 0, 0), f"term >= ? AND term < ? AND {anywhere}",
         [(start, start + _TOP, *any_params) for p in patterns for start in (p, _CO + p)]),
    ]
    for tier, where, ranges in phases:
        if pool.at_most(tier) >= limit:
            return
        ops = _ops_per_row(where.count("instr"))
        for args in ranges:  # every pattern of the phase: equally near, the final order decides
            if budget[0] > 0:
                _collect(con, select + where, args, pool, match, limit, budget[0], budget, "near", ops)


def _near_seeks(con: sqlite3.Connection, pool: _Pool, alternatives: list[list[str]], wholes: list[list[str]],
                match: Matcher, limit: int) -> None:
    """Two words, as a first and a last name in either order: for each pair of patterns, the two contiguous
    ranges ``_seek_name_order`` reads (" T . F…" and " L…" inside the rows of the whole word T) — "micahel
    smith" reads the Smiths whose first name starts "michael", never the fifteen thousand Smiths."""
    sql = "SELECT words, customer_id FROM terms WHERE term = ? AND words >= ? AND words < ? LIMIT ?"
    best = (1, 1, PERSON, 0, 0, 0)  # one correction, whole words, in name order: nothing near is better
    for this, other in ((wholes[0], alternatives[1]), (wholes[1], alternatives[0])):
        for term in this:  # whole index words only (a seek reads one word's rows), likeliest first
            for start in other:
                for low in (f" {term} . {start}", f" {start}"):
                    for cwords, cid in con.execute(sql, (term, low, low + _TOP, limit)).fetchall():
                        m = match(cwords)
                        if m is not None:
                            pool.offer(cid, _Candidate(m[0], m[1], "near"))
                if pool.at_most(best) >= limit:
                    return


def _alternative_checks(patterns: list[list[str]], whole: bool, company: bool) -> tuple[str, list]:
    """SQL: for each list, one of its patterns is a name word (``whole``) or starts one; with ``company``
    company words count too (a necessary condition: distinct words are checked in Python)."""
    parts, params = [], []
    for alternatives in patterns:
        needles = [f" {p} " if whole else f" {p}" for p in alternatives]
        if company:
            needles += [f" {_CO}{p}" for p in alternatives]
        parts.append("(" + " OR ".join("instr(words, ?) > 0" for _ in needles) + ")")
        params += needles
    return " AND ".join(parts) or "1", params


def _near_matcher(words: list[str], alternatives: list[list[str]], last_first: bool = False,
                  open_last: bool = False) -> Matcher:
    """(tier, order) for near matching: the best assignment of distinct customer words to query words,
    where a query word matches a customer word it starts as typed, or one of its corrections starts; None
    when nothing matches or the best assignment needs no correction (a normal match, listed by the normal
    walks)."""
    n = len(words)
    starts = [tuple(a) for a in alternatives]  # one C call rules out a customer word that no pattern starts

    def match(text: str) -> tuple[tuple, tuple] | None:
        last, first, middle, company = _fields(text)
        person = first + middle + last
        sequence = person + company
        n_person = len(person)
        options: list[list[tuple[int, int, int, int]]] = []  # per query word: (word, edited, prefix, rank)
        for i in range(n):
            found = []
            for j, x in enumerate(sequence):
                if not x.startswith(starts[i]):
                    continue
                best = None
                for k, p in enumerate(alternatives[i]):
                    if x.startswith(p):
                        q = (0 if k == 0 else 1, 0 if x == p else 1, k)
                        if best is None or q < best:
                            best = q
                if best is not None:
                    found.append((j, *best))  # (a whole corrected word is the evidence: the open word counts)
            if not found:
                return None
            options.append(found)
        best_key: list[tuple | None] = [None]
        best_assign: list[tuple[int, ...]] = [()]

        def place(i: int, used: tuple[int, ...], edited: int, prefixes: int, in_company: int, ranks: int) -> None:
            if i == n:
                key = (edited, 1 if in_company else 0, prefixes, _mixed(in_company, n), ranks)
                if best_key[0] is None or key < best_key[0]:
                    best_key[0], best_assign[0] = key, used
                return
            for j, e, p, k in options[i]:
                if j not in used:
                    place(i + 1, (*used, j), edited + e, prefixes + p, in_company + (j >= n_person), ranks + k)

        place(0, (), 0, 0, 0, 0)
        if best_key[0] is None:
            return None
        near, company_any, prefixes, mixed, ranks = best_key[0]
        chosen = best_assign[0]
        natural = list(chosen) == sorted(chosen)
        given = len(first) + len(middle)  # "last first": last-name words, then first and middle, then company
        rank = {j: r for r, j in enumerate([*range(given, n_person), *range(given), *range(n_person, len(sequence))])}
        reverse = [rank[j] for j in chosen] == sorted(rank[j] for j in chosen)
        if last_first:
            natural, reverse = reverse, natural
        order_class = 0 if natural else 1 if reverse else 2
        if n == 1:  # as a one-word search: a whole last name first
            order_class = 0 if prefixes == 1 or chosen[0] == given else 1
        if not near:
            return None  # a normal match: the normal walks list those, with their own order
        group = COMPANY_ONLY if company_any else PERSON
        tier = (1, near, group, prefixes, order_class, mixed)
        # inside a tier, the likelier correction first (whole, frequent words: "jones" before "jona")
        return tier, (ranks, text) if n > 1 else (ranks, "", text)

    return match


# --- digits and email --------------------------------------------------------------------------------------

def _walk_keys(con: sqlite3.Connection, lo: str, hi: str, limit: int) -> list[tuple[str, int]]:
    return con.execute("SELECT key, customer_id FROM keys WHERE key >= ? AND key < ? LIMIT ?",
                       (lo, hi, limit)).fetchall()


def _offer_keys(con: sqlite3.Connection, pool: _Pool, found: Iterable[tuple[int, tuple, str, str | None]]) -> None:
    """Offer (id, tier, matched, shown phone) items, ordered by name (words fetched in one query)."""
    found = list(found)
    if not found:
        return
    ids = sorted({cid for cid, _, _, _ in found})
    words = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for cid, w in con.execute(f"SELECT id, words FROM customers WHERE id IN ({','.join('?' * len(chunk))})",
                                  chunk):
            words[cid] = w
    for cid, tier, matched, shown in found:
        if cid in words:
            pool.offer(cid, _Candidate(tier, (words[cid],), matched, shown))


# phone route tiers: (1, k)
_EXACT, _ID, _ACCOUNT_PREFIX = (1, 0), (1, 3), (1, 4)


def _phone_tiers(text: str) -> tuple[tuple, tuple]:
    """(prefix tier, last-digits tier): four bare digits are "the last four", so their suffix matches lead;
    anything else typed ("303", "(303) 4", "3035") is read from the start of the number."""
    four = len(text) == 4 and text.isdigit() and text.isascii()
    return ((1, 2), (1, 1)) if four else ((1, 1), (1, 2))


def _digits(con: sqlite3.Connection, pool: _Pool, text: str, limit: int) -> None:
    digits = phone_query(text)
    account = account_key(text)
    found: list[tuple[int, tuple, str, str | None]] = []
    if not digits:
        return
    prefix_tier, suffix_tier = _phone_tiers(text.strip())
    exact_phone = index.PHONE + digits
    for key, cid in _walk_keys(con, exact_phone, exact_phone + _TOP, limit):
        found.append((cid, _EXACT if key == exact_phone else prefix_tier, "phone", key[1:]))
    if len(digits) >= 4:
        rev = index.REVERSED + digits[::-1]
        found += [(cid, suffix_tier, "phone", key[1:][::-1]) for key, cid in _walk_keys(con, rev, rev + _TOP, limit)]
    if account:
        acc = index.ACCOUNT + account
        found += [(cid, _ACCOUNT_PREFIX, "account", None) for _, cid in _walk_keys(con, acc, acc + _TOP, limit)]
    raw = "".join(ch for ch in text if ch.isdigit())
    if raw and text.strip().isdigit() and len(raw) <= 18:
        row = con.execute("SELECT id FROM customers WHERE paysimple_id = ? AND deleted = 0", (int(raw),)).fetchone()
        if row:
            found.append((row[0], _ID, "id", None))
    prefixes = [exact_phone]
    if len(digits) >= 4:
        prefixes.append(index.REVERSED + digits[::-1])
    if account:
        prefixes.append(index.ACCOUNT + account)
    for cid, rtext in _recent(con, prefixes, limit):
        _, keys = _split_recent_text(rtext)
        best = _digit_tier(keys, digits, account, text.strip())
        if best is not None:
            found.append((cid, *best))
    _offer_keys(con, pool, found)


def _digit_tier(keys: set[str], digits: str, account: str, text: str) -> tuple[tuple, str, str | None] | None:
    """(tier, matched, shown phone digits) of a recently seen customer's keys, or None."""
    prefix_tier, suffix_tier = _phone_tiers(text)
    phones = sorted(k[1:] for k in keys if k[0] == index.PHONE)
    options = [(_EXACT, "phone", p) for p in phones if p == digits]
    options += [(prefix_tier, "phone", p) for p in phones if p.startswith(digits)]
    if len(digits) >= 4:
        options += [(suffix_tier, "phone", p) for p in phones if p.endswith(digits)]
    if account and any(k.startswith(index.ACCOUNT + account) for k in keys):
        options.append((_ACCOUNT_PREFIX, "account", None))
    return min(options, key=lambda o: o[0]) if options else None


def _email(con: sqlite3.Connection, pool: _Pool, text: str, limit: int) -> None:
    key = index.EMAIL + index.email_entry(text)
    found = [(cid, (1, 0) if k == key else (1, 1), "email", None) for k, cid in _walk_keys(con, key, key + _TOP, limit)]
    for cid, rtext in _recent(con, [key], limit):
        found.append((cid, (1, 0) if key in _split_recent_text(rtext)[1] else (1, 1), "email", None))
    _offer_keys(con, pool, found)


# --- hits --------------------------------------------------------------------------------------------------

_HIT_COLUMNS = ("id, paysimple_id, first_name, middle_name, last_name, company, phone, mobile_phone, alt_phone, "
                "email, city, customer_account, last_seen_at, words")


def _hits(con: sqlite3.Connection, ranked: Sequence[tuple[int, str, str | None]]) -> list[CustomerHit]:
    """CustomerHits for (id, matched, shown phone) items, in the given order, with same-name groups
    disambiguated. A hit shows the phone number that matched, else the first of phone, mobile, alternate."""
    if not ranked:
        return []
    ids = [cid for cid, _, _ in ranked]
    rows = {r[0]: r for r in con.execute(
        f"SELECT {_HIT_COLUMNS} FROM customers WHERE id IN ({','.join('?' * len(ids))})", ids)}
    found, names, details = [], [], []
    for cid, matched, shown in ranked:
        r = rows.get(cid)
        if r is None:
            continue
        phone = format_phone(shown or phone_key(r[6]) or phone_key(r[7]) or phone_key(r[8]))
        found.append((cid, r[1], " ".join(p for p in (r[2], r[3], r[4]) if p), r[5], phone, r[9], r[10], r[11],
                      r[12], matched))
        names.append(r[13].rsplit(index.FIELD_SEP, 1)[0])  # folded " last . first . middle"
        details.append((phone, r[9], r[10], r[5], r[11]))
    if len(set(names)) < len(names):  # same names in the list: say what tells them apart
        texts = _disambiguations([_details_of(*d) for d in details], [f[1] for f in found], names)
    else:
        texts = [""] * len(found)
    return [CustomerHit(*f, disambiguation=t) for f, t in zip(found, texts, strict=True)]


def _disambiguations(details: list[tuple[str, ...]], paysimple_ids: list[int | None],
                     names: list[str]) -> list[str]:
    """The disambiguation text of each hit whose folded name occurs more than once in the list: what differs
    inside its same-name group, from phone tail (…0100), email, city, company and account number, in that
    order; when nothing differs, the PaySimple id (or "not in PaySimple yet"). "" for a unique name."""
    groups: dict[str, list[int]] = {}
    for n, name in enumerate(names):
        groups.setdefault(name, []).append(n)
    out = [""] * len(details)
    for members in groups.values():
        if len(members) < 2:
            continue
        differing = [i for i in range(len(details[members[0]])) if len({details[n][i] for n in members}) > 1]
        for n in members:
            parts = [details[n][i] for i in differing if details[n][i]]
            if not parts:
                pid = paysimple_ids[n]
                parts = [f"PaySimple #{pid}" if pid else "not in PaySimple yet"]
            out[n] = " · ".join(parts)
    return out


def _details_of(phone: str, email: str | None, city: str | None, company: str | None,
                account: str | None) -> tuple[str, ...]:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return (f"…{digits[-4:]}" if digits else "", email or "", city or "", company or "",
            f"acct {account}" if account else "")
