"""Search as you type: one query string → at most ``limit`` ranked ``CustomerHit``s, with bounded work.

Routing by the shape of the query:
- contains ``@``                      → email (exact, then prefix; email and alternate email)
- only digits and ``+ - ( ) . / space`` → phone (exact number, then prefix, then last-digits suffix when 4+
  digits were typed), account / loyalty number prefix, PaySimple id
- anything else                        → names and company: every query word must be a prefix of a
  different word of the customer, in any order ("smi jo" finds John Smith); accent- and case-insensitive
In every route an exact account / loyalty number (a barcode scan) is looked up first.

Ranking (smaller is better), applied in this order:
1. tier: an exact account / loyalty number first; then, by route —
   names: fewer query words matched only as a prefix (all words whole > some partial); then words in name
   order (first-middle-last, or last-first as clerks often type it) before any other order; then fewer
   query words found only in the company name ("john smith": John Smith before John Davis of Smith
   Plumbing). One-word queries: whole word > prefix.
   phone: exact whole number (or PaySimple id) > number prefix / account prefix > last-digits suffix;
   email: exact > prefix.
2. recently seen at this counter (the last ``RECENT_LIMIT`` customers served), most recent first.
3. name, phonebook order: last name, first name, middle, company. For a one-word prefix query the matched
   word comes before the name ("jo" lists Joan before John before Jones), which is the index order.

Bounded work (the point of the design, see ``schema``): no query sorts a large match set.
- One word: one walk of the ``terms`` index from the prefix, which yields whole-word matches first and then
  prefix matches in (word, name) order; it stops after ``limit`` customers. Recently seen customers come from
  ``recent_entries`` (an index of only their words and keys): a seek, then at most ``limit``, newest first.
- Two words: first seeks, not walks. ``words`` starts " last . first ", so for an index word T the people
  whose first name starts with F ([" T . F"...) and those whose last name starts with L ([" L"... inside
  T's rows) are contiguous: "smith jo", "james smith", "robert jo" read only their 50 rows. Exact words
  are sought first, their completions ("smi" → smith, smithers) only if the list is not yet full of the
  best possible tier.
- Several words (and two-word queries the seeks did not settle): the word with the fewest index rows (``stats.estimate``: kept counts for short prefixes
  and popular words, a capped live count otherwise) drives the walk; the other words are checked on the
  row's ``words`` text inside SQLite (``instr``; ``GLOB '* jo* jo*'`` when query words share a prefix, so
  "james j" needs two j-words), so rows are read at C speed and the walk stops after ``limit`` matches.
  When every query word is a whole word of someone, a first walk over whole-word rows only collects that
  tier (and, if it fills the list, nothing else is read), so "john smith" is not crowded out by Johnny
  Smithers. Walks read at most about ``EXACT_BUDGET`` / ``WALK_BUDGET`` index rows (SQLite's progress
  handler stops them); only two very common prefixes that seldom occur together can reach that, and the
  matches found so far are returned, still ranked. A walk is skipped when the list already holds
  ``limit`` matches of a tier it cannot beat.
- Digits / email: index range walks of at most ``limit`` rows per source.
- Then one lookup of the pool's recency and one read of the ``limit`` result rows.

So any query with at most ``limit`` matches returns all of them (nobody is missed because they were not
"loaded"), ranked as above; with more matches the list holds the best ``limit`` of the walk order, re-ranked
by tier, recency and name. Customers written by a bulk load become searchable when it merges (``directory``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pos_app.customers import index, stats
from pos_app.customers.directory import Directory
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
_TICK = 1000  # SQLite VM instructions between budget checks
_OPS_PER_ROW = 6  # measured: a terms row with a word check costs about 5-6 VM instructions
SEEK_TERMS = 4  # a partially typed word is completed by at most this many words (else: general walk)
MAX_WORDS = 6
_TOP = "\U0010ffff"  # sorts after every character: [p, p + _TOP) is "starts with p"


@dataclass(slots=True)
class _Candidate:
    tier: tuple
    order: tuple
    matched: str

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


def search(directory: Directory, query: str, limit: int = 50) -> list[CustomerHit]:
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
            pool.offer(cid, _Candidate((0,), (), "account"))
    if "@" in text:
        _email(con, pool, text, limit)
    elif looks_like_phone_or_number(text):
        _digits(con, pool, text, limit)
    else:
        _names(directory, con, pool, text, limit)
    return _hits(con, [(cid, cand.matched) for cid, cand in pool.best(con, limit)])


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
    return _hits(con, [(cid, "recent") for cid in ids])


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


def _names(directory: Directory, con: sqlite3.Connection, pool: _Pool, text: str, limit: int) -> None:
    words = _query_words(text)
    if not words:
        return
    # recently seen: matches with every word whole first, then the others; newest first; bounded
    if len(words) == 1:  # the tier is just "whole word or not": SQLite can tell, no Python per row
        w = words[0]
        for cid, is_whole in con.execute(
                "SELECT r.customer_id, max(e.entry = ?) AS whole FROM recent_entries e JOIN recent r "
                "ON r.customer_id = e.customer_id WHERE e.entry >= ? AND e.entry < ? GROUP BY r.customer_id "
                "ORDER BY whole DESC, r.seen_at DESC LIMIT ?", (w, w, w + _TOP, limit)):
            pool.offer(cid, _Candidate((0,) if is_whole else (1,), (), "name"))
        _walk_one(con, pool, words[0], limit)
        return
    any_where, any_params = _word_checks(words, None, exact=False, column="text")
    exact_where, exact_params = _word_checks(words, None, exact=True, column="text")
    seek = max(words, key=len)  # candidates: recent customers with a word starting like the longest query word
    sql = (f"SELECT customer_id, text FROM recent WHERE customer_id IN (SELECT customer_id FROM recent_entries "
           f"WHERE entry >= ? AND entry < ?) AND {any_where} ORDER BY ({exact_where}) DESC, seen_at DESC LIMIT ?")
    for cid, rtext in con.execute(sql, (seek, seek + _TOP, *any_params, *exact_params, limit)):
        match = name_match(words, _split_recent_text(rtext)[0])
        if match is not None:
            pool.offer(cid, _Candidate(match[0], match[1], "name"))
    _walk_many(directory, con, pool, words, limit)


def _word_checks(words: list[str], driver: str | None, exact: bool, column: str = "words") -> tuple[str, list]:
    """SQL that checks query words against a words text inside SQLite (C speed, before any Python).

    Exact: every word appears as a whole word. Prefix: every word starts some word; when several query
    words share a prefix ("james j", "john jo"), the text must contain that prefix as many times — a
    necessary condition for giving each query word its own name word, so rows that can only match
    by reusing one word ("James Smith" for "james j") are dropped in SQLite, not in Python.
    The driver's own check is implied by the index range being walked, unless it needs a count.
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


def _walk_one(con: sqlite3.Connection, pool: _Pool, word: str, limit: int) -> None:
    cur = con.execute("SELECT term, words, customer_id FROM terms WHERE term >= ? AND term < ?",
                      (word, word + _TOP))
    found = 0
    while found < limit:
        rows = cur.fetchmany(limit)
        if not rows:
            break
        for term, words, cid in rows:
            tier = (0,) if term == word else (1,)
            if pool.offer(cid, _Candidate(tier, (term, words), "name")):
                found += 1
    cur.close()


def _walk_many(directory: Directory, con: sqlite3.Connection, pool: _Pool, words: list[str], limit: int) -> None:
    word_stats = directory.word_stats()
    exact = {w: stats.estimate(con, word_stats, w, exact=True) for w in words}
    # The fewest prefix-only words any match can have: words that are nobody's whole word stay prefixes.
    best_prefix = sum(1 for w in words if not exact[w])
    if len(words) == 2:
        _seek_name_order(con, pool, words, limit, completions=False)
    # Tier "every word whole": walk the rarest word's exact rows, other words checked as whole words.
    ran_exact = False
    if all(exact.values()) and _good(pool, 0) < limit:
        ran_exact = True
        driver = min(words, key=lambda w: (exact[w], -len(w)))
        where, params = _word_checks(words, driver, exact=True)
        sql = f"SELECT words, customer_id FROM terms WHERE term = ? AND {where}"
        _collect(con, sql, (driver, *params), pool, words, limit, EXACT_BUDGET)
    # After the whole-word walk, what is left to find has at least one prefix-only word.
    enough = max(best_prefix, 1) if ran_exact else best_prefix
    if _good(pool, enough) >= limit:
        return  # the list is full of matches no other walk can beat
    if len(words) == 2:
        _seek_name_order(con, pool, words, limit, completions=True)
        if _good(pool, enough) >= limit:
            return
    # All matches: the most selective prefix drives, the others are checked as word prefixes.
    counts = {w: stats.estimate(con, word_stats, w, exact=False) for w in words}
    driver = min(words, key=lambda w: (counts[w], -len(w)))
    where, params = _word_checks(words, driver, exact=False)
    sql = f"SELECT words, customer_id FROM terms WHERE term >= ? AND term < ? AND {where}"
    _collect(con, sql, (driver, driver + _TOP, *params), pool, words, limit, WALK_BUDGET)


def _good(pool: _Pool, max_prefix_only: int) -> int:
    """Pool members in name order, not matched through the company, with at most that many prefix words."""
    return sum(1 for c in pool.items.values() if len(c.tier) == 3 and c.tier[1:] == (0, 0)
               and c.tier[0] <= max_prefix_only)


def _seek_name_order(con: sqlite3.Connection, pool: _Pool, words: list[str], limit: int,
                     completions: bool) -> None:
    """Two words typed as a first and a last name, in either order: the rows are contiguous in the index.

    ``words`` starts " last . first ", so inside the rows of one index word T the matches form a range:
    - T is the last name, the other word starts the first name: [" T . F", " T . F" + top) — "smith jo";
    - T is the first name, the other word starts the last name: [" L", " L" + top) — "robert jo".
    Each is a seek of at most ``limit`` rows, not a walk: "robert jo" never reads the Roberts from Aaron to
    Johns. T is the typed word itself (``completions=False``) or the longer index words it completes to (up
    to ``SEEK_TERMS``; more means a very short prefix, left to the general walk).
    """
    for this, other in ((words[0], words[1]), (words[1], words[0])):
        if completions:
            found = _terms_starting(con, this, SEEK_TERMS + 1)
            terms = [t for t in found if t != this] if found is not None else []
        else:
            terms = [this]
        for term in terms:
            # (when the word itself starts with the other one, the second range is mostly that same word)
            ranges = (f" {term} . {other}",) if term.startswith(other) else (f" {term} . {other}", f" {other}")
            for low in ranges:
                rows = con.execute("SELECT words, customer_id FROM terms WHERE term = ? AND words >= ? AND words < ? "
                                   "LIMIT ?", (term, low, low + _TOP, limit)).fetchall()
                for cwords, cid in rows:
                    match = name_match(words, cwords)
                    if match is not None:
                        pool.offer(cid, _Candidate(match[0], match[1], "name"))


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


def _collect(con: sqlite3.Connection, sql: str, args: tuple, pool: _Pool, words: list[str], limit: int,
             budget_rows: int) -> int:
    """Offer matching rows until ``limit`` new customers were added or the walk has read about
    ``budget_rows`` index rows; returns how many were added.

    The budget is enforced by SQLite's progress handler (it interrupts the statement), so the walk runs
    as one plain index scan: a LIMIT in a subquery would cost a co-routine hop per row (measured +40%).
    """
    found = 0
    ticks = 0
    budget_ticks = max(1, budget_rows * _OPS_PER_ROW // _TICK)

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
                match = name_match(words, cwords)
                if match is not None and pool.offer(cid, _Candidate(match[0], match[1], "name")):
                    found += 1
        cur.close()
    except sqlite3.OperationalError as exc:
        if "interrupt" not in str(exc):
            raise
    finally:
        con.set_progress_handler(None, 0)
    return found


def name_match(query_words: list[str], words: str) -> tuple[tuple, tuple] | None:
    """(tier, order) of a customer for name query words, or None when the words do not all match.

    Each query word must be a prefix of a different customer word. One query word: tier = (0 exact word,
    1 prefix), order = (matched word, words). Several: tier = (query words matched only as a prefix,
    0 in name order / 1 not, query words found only in the company name), order = (words,), the phonebook
    key — so "john smith" lists John Smith before John Davis of Smith Plumbing.
    """
    parts = words.split(" . ")  # " last", "first", "middle", "company " (see index.words_text)
    last, first, middle = parts[0].split(), parts[1].split(), parts[2].split()
    company = parts[3].split() if len(parts) > 3 else []
    natural = first + middle + last + company
    if len(query_words) == 1:
        w = query_words[0]
        if w in natural:
            return (0,), (w, words)
        matched = [x for x in natural if x.startswith(w)]
        return ((1,), (min(matched), words)) if matched else None
    if _in_sequence(query_words, natural) or _in_sequence(query_words, last + first + middle + company):
        in_order = True
    elif _assignable(query_words, natural):
        in_order = False
    else:
        return None
    whole = set(natural)
    prefix_only = sum(1 for w in query_words if w not in whole)
    company_only = 0
    if company:
        person = first + middle + last
        company_only = sum(1 for w in query_words if not any(x.startswith(w) for x in person))
    return (prefix_only, 0 if in_order else 1, company_only), (words,)


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
    # exact words first keeps the search short; correctness does not depend on it
    return place(0, frozenset())


# --- digits and email --------------------------------------------------------------------------------------

def _walk_keys(con: sqlite3.Connection, lo: str, hi: str, limit: int) -> list[tuple[str, int]]:
    return con.execute("SELECT key, customer_id FROM keys WHERE key >= ? AND key < ? LIMIT ?",
                       (lo, hi, limit)).fetchall()


def _offer_keys(con: sqlite3.Connection, pool: _Pool, found: Iterable[tuple[int, tuple, str]]) -> None:
    """Offer (id, tier, matched) triples, ordered by name (words fetched in one query)."""
    found = list(found)
    if not found:
        return
    ids = sorted({cid for cid, _, _ in found})
    words = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for cid, w in con.execute(f"SELECT id, words FROM customers WHERE id IN ({','.join('?' * len(chunk))})",
                                  chunk):
            words[cid] = w
    for cid, tier, matched in found:
        if cid in words:
            pool.offer(cid, _Candidate(tier, (words[cid],), matched))


def _digits(con: sqlite3.Connection, pool: _Pool, text: str, limit: int) -> None:
    digits = phone_query(text)
    account = account_key(text)
    found: list[tuple[int, tuple, str]] = []
    if not digits:
        return
    exact_phone = index.PHONE + digits
    for key, cid in _walk_keys(con, exact_phone, exact_phone + _TOP, limit):
        found.append((cid, (1,) if key == exact_phone else (2,), "phone"))
    if len(digits) >= 4:
        rev = index.REVERSED + digits[::-1]
        found += [(cid, (3,), "phone") for _, cid in _walk_keys(con, rev, rev + _TOP, limit)]
    if account:
        acc = index.ACCOUNT + account
        found += [(cid, (2,), "account") for _, cid in _walk_keys(con, acc, acc + _TOP, limit)]
    raw = "".join(ch for ch in text if ch.isdigit())
    if raw and text.strip().isdigit() and len(raw) <= 18:
        row = con.execute("SELECT id FROM customers WHERE paysimple_id = ? AND deleted = 0", (int(raw),)).fetchone()
        if row:
            found.append((row[0], (1,), "id"))
    prefixes = [exact_phone]
    if len(digits) >= 4:
        prefixes.append(index.REVERSED + digits[::-1])
    if account:
        prefixes.append(index.ACCOUNT + account)
    for cid, rtext in _recent(con, prefixes, limit):
        _, keys = _split_recent_text(rtext)
        tier = _digit_tier(keys, digits, account)
        if tier is not None:
            found.append((cid, tier, "phone"))
    _offer_keys(con, pool, found)


def _digit_tier(keys: set[str], digits: str, account: str) -> tuple | None:
    if index.PHONE + digits in keys:
        return (1,)
    if any(k.startswith(index.PHONE + digits) for k in keys):
        return (2,)
    if account and any(k.startswith(index.ACCOUNT + account) for k in keys):
        return (2,)
    if len(digits) >= 4 and any(k.startswith(index.REVERSED + digits[::-1]) for k in keys):
        return (3,)
    return None


def _email(con: sqlite3.Connection, pool: _Pool, text: str, limit: int) -> None:
    key = index.EMAIL + index.email_entry(text)
    found = [(cid, (1,) if k == key else (2,), "email") for k, cid in _walk_keys(con, key, key + _TOP, limit)]
    for cid, rtext in _recent(con, [key], limit):
        found.append((cid, (1,) if key in _split_recent_text(rtext)[1] else (2,), "email"))
    _offer_keys(con, pool, found)


# --- hits --------------------------------------------------------------------------------------------------

_HIT_COLUMNS = ("id, paysimple_id, first_name, middle_name, last_name, company, phone, mobile_phone, alt_phone, "
                "email, city, customer_account, last_seen_at, words")


def _hits(con: sqlite3.Connection, ranked: list[tuple[int, str]]) -> list[CustomerHit]:
    """CustomerHits for (id, matched) pairs, in the given order, with same-name groups disambiguated."""
    if not ranked:
        return []
    ids = [cid for cid, _ in ranked]
    rows = {r[0]: r for r in con.execute(
        f"SELECT {_HIT_COLUMNS} FROM customers WHERE id IN ({','.join('?' * len(ids))})", ids)}
    found, names, details = [], [], []
    for cid, matched in ranked:
        r = rows.get(cid)
        if r is None:
            continue
        phone = format_phone(phone_key(r[6]) or phone_key(r[7]) or phone_key(r[8]))
        found.append((cid, r[1], " ".join(p for p in (r[2], r[3], r[4]) if p), r[5], phone, r[9], r[10], r[11],
                      r[12], matched))
        names.append(r[13].rsplit(index.FIELD_SEP, 1)[0])  # folded " last . first . middle"
        details.append((phone, r[9], r[10], r[5], r[11]))
    if len(set(names)) < len(names):  # same names in the list: say what tells them apart
        texts = _disambiguations([_details_of(*d) for d in details], [f[1] for f in found], names)
    else:
        texts = [""] * len(found)
    return [CustomerHit(*f, disambiguation=t) for f, t in zip(found, texts, strict=True)]


def disambiguate(hits: list[CustomerHit], names: list[str] | None = None) -> list[CustomerHit]:
    """Fill ``disambiguation`` for hits whose name (folded: case and accents ignored) occurs more than once
    in the list. ``names`` are the folded names when the caller has them.

    Shown: what differs inside the same-name group, from phone tail (…0100), email, city, company and
    account number, in that order; when nothing differs, the PaySimple id (or "not in PaySimple yet").
    """
    from dataclasses import replace

    if names is None:
        names = [fold(hit.display_name) for hit in hits]
    details = [_details_of(h.phone, h.email, h.city, h.company, h.customer_account) for h in hits]
    texts = _disambiguations(details, [h.paysimple_id for h in hits], names)
    return [replace(h, disambiguation=t) if t != h.disambiguation else h for h, t in zip(hits, texts, strict=True)]


def _disambiguations(details: list[tuple[str, ...]], paysimple_ids: list[int | None],
                     names: list[str]) -> list[str]:
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
