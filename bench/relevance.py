"""Relevance benchmark: does the search put the customer the clerk means where the clerk looks? Prints JSON.

    .venv/bin/python bench/relevance.py [--customers N] [--per-kind Q] [--seed S] [--db PATH]

1. Builds a directory (the app's own settings: ``Directory(path)``) from N generated customers
   (``bench.synthetic``: Zipf-like name frequencies with hundreds of same-name people per
   million, companies named after families — "Smith Plumbing" —, accented names, surnames shared by
   thousands, phones, mobiles, e-mails, account numbers).
2. For each query kind, picks Q random customers that have what the kind needs and types the query a
   clerk would type for them:
   full_name "Mary Clark" · last_first "Clark Mary" · last_comma_first "Clark, Mary" · lower_case
   "mary clark" · prefixes "Mar Cla" (the first 3-5 letters of each name, as clerks type them; never the whole
   of a longer name; a name of 3 letters or fewer typed whole) · surname "Clark" · phone_digits
   "3035550100" · phone_formatted "(303) 555-0100" · phone_plus1 "+1 303 555 0100" · phone_last4 "0100" ·
   email · email_local "mary.clark31" · account_strict "7000012345" · account_loose "7000-012 345" ·
   accents_left_out "Jose Munoz" for José Muñoz · typo "Mray Clark" (one transposition, missing, doubled or
   wrong letter in one name word of 4+ letters).
3. A query passes when the customer lands where the clerk looks: first (top 8 for prefixes and typos), or
   inside its group when the group leads the list — every hit above the customer is in the group, or, when
   the group is larger than the list, the whole list is the group (the clerk then tells them apart by the
   line under the name, or types more). Groups: same first and last name (folded) for name kinds, same
   last name for a surname, the customers having that number / ending in those 4 digits / having that
   e-mail / that local part / that account for the others.
4. Prefixes are judged by what was typed (decision 0268). A customer *fits* "Mar Cla" when the first name
   starts with "mar" and the last name with "cla" (counted over the generated customers, not by the
   search). A query is *decidable* when at most 8 customers fit it: a list that puts the customers who fit
   first shows the target in the top 8, whatever order it gives them.
   - ``prefixes_decidable`` (the goal's criterion): of the decidable queries, the share with the target in
     the top 8.
   - ``prefixes_all``: every prefix query; passed when the target is in the top 8, or — more than 8 fit —
     every hit above it fits too (it lies inside the tie that the typed letters cannot break; the search
     orders that tie by its own rule: recently served, whole words, likelier names, phonebook), and when
     it is not in the list at all, the list is full of customers who fit.
   - ``prefixes_same_name`` (reported outside ``pass_rate``): the strict rule of the other kinds (top 8, or
     its same-name group leads): how often the search's tie order guesses the target's name group.
Output: customers, per_kind, pass_rate {kind: share} (prefixes as ``prefixes_decidable`` and
``prefixes_all``), min_pass_rate, goal_met (every kind >= 0.98, typo >= 0.90), group_overflow {kind: passes
where the group filled the list}, prefixes {queries, decidable, same_name}, failures {kind: first few
queries that failed, with the rank found}, p99_ms / max_ms of the queries, load_avg_1min.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import generate  # noqa: E402
from pos_app.customers.directory import Directory  # noqa: E402
from pos_app.customers.models import CustomerHit, CustomerRecord  # noqa: E402
from pos_app.customers.normalize import account_key, fold, phone_key  # noqa: E402

LIMIT = 50
TOP = 8  # rows a clerk takes in at a glance
GOAL, TYPO_GOAL = 0.98, 0.90
_PLAIN = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "æ": "ae", "Æ": "Ae", "đ": "d"})
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def without_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def numbers(r: CustomerRecord) -> set[str]:
    return {k for k in (phone_key(r.phone), phone_key(r.mobile_phone), phone_key(r.alt_phone)) if k}


def name_key(r: CustomerRecord) -> tuple[str, str]:
    return fold(r.first_name), fold(r.last_name)


def local_part(email: str | None) -> str:
    return email.lower().split("@")[0] if email else ""


def typo(word: str, rng: random.Random) -> str | None:
    """One clerk's slip in ``word`` (4+ letters): adjacent letters swapped, one missing, one doubled or one
    wrong; None if the word is too short or the slip would leave it unchanged."""
    if len(word) < 4:
        return None
    kind = rng.choice(("transposed", "missing", "doubled", "wrong"))
    i = rng.randrange(len(word) - (1 if kind == "transposed" else 0))
    if kind == "transposed":
        out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    elif kind == "missing":
        out = word[:i] + word[i + 1:]
    elif kind == "doubled":
        out = word[:i] + word[i] + word[i:]
    else:
        out = word[:i] + rng.choice([c for c in _LETTERS if c != word[i].lower()]) + word[i + 1:]
    return out if out.lower() != word.lower() else None


# kind -> (needs(record) -> bool, query(record, rng) -> str | None, group(target, other) -> bool, top)
Kind = tuple[Callable[[CustomerRecord], bool], Callable[[CustomerRecord, random.Random], "str | None"],
             Callable[[CustomerRecord, CustomerRecord], bool], int]


def _same_name(a: CustomerRecord, b: CustomerRecord) -> bool:
    return name_key(a) == name_key(b)


def _cut(word: str, rng: random.Random) -> str:
    """A clerk's typed start of the word: its first 3-5 letters, never the whole of a longer word (a word of
    3 letters or fewer: whole)."""
    return word if len(word) <= 3 else word[:rng.randint(3, min(5, len(word) - 1))]


def _typo_query(r: CustomerRecord, rng: random.Random) -> str | None:
    words = [r.first_name, r.last_name]
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isascii() and w.isalpha()]
    if not candidates:
        return None
    i = rng.choice(candidates)
    slipped = typo(words[i], rng)
    if slipped is None:
        return None
    words[i] = slipped
    return " ".join(words)


def _loose_account(r: CustomerRecord, rng: random.Random) -> str:
    a = r.customer_account or ""
    cut1, cut2 = sorted(rng.sample(range(1, len(a)), 2))
    sep = rng.choice(("-", " ", "."))
    out = f"{a[:cut1]}{sep}{a[cut1:cut2]}{rng.choice(('-', ' '))}{a[cut2:]}"
    return out.lower() if rng.random() < 0.5 else out


def _phone(r: CustomerRecord) -> str:
    return phone_key(r.phone) or phone_key(r.mobile_phone)


KINDS: dict[str, Kind] = {
    "full_name": (lambda r: True, lambda r, g: f"{r.first_name} {r.last_name}", _same_name, 1),
    "last_first": (lambda r: True, lambda r, g: f"{r.last_name} {r.first_name}", _same_name, 1),
    "last_comma_first": (lambda r: True, lambda r, g: f"{r.last_name}, {r.first_name}", _same_name, 1),
    "lower_case": (lambda r: True, lambda r, g: f"{r.first_name} {r.last_name}".lower(), _same_name, 1),
    "prefixes": (lambda r: len(r.first_name) >= 2 and len(r.last_name) >= 2,
                 lambda r, g: f"{_cut(r.first_name, g)} {_cut(r.last_name, g)}", _same_name, TOP),
    "surname": (lambda r: True, lambda r, g: r.last_name,
                lambda a, b: fold(a.last_name) == fold(b.last_name), 1),
    "phone_digits": (lambda r: bool(_phone(r)), lambda r, g: _phone(r), lambda a, b: _phone(a) in numbers(b), 1),
    "phone_formatted": (lambda r: len(_phone(r)) == 10,
                        lambda r, g: f"({_phone(r)[:3]}) {_phone(r)[3:6]}-{_phone(r)[6:]}",
                        lambda a, b: _phone(a) in numbers(b), 1),
    "phone_plus1": (lambda r: len(_phone(r)) == 10,
                    lambda r, g: f"+1 {_phone(r)[:3]} {_phone(r)[3:6]} {_phone(r)[6:]}",
                    lambda a, b: _phone(a) in numbers(b), 1),
    "phone_last4": (lambda r: len(_phone(r)) >= 4, lambda r, g: _phone(r)[-4:],
                    lambda a, b: any(n.endswith(_phone(a)[-4:]) for n in numbers(b)), 1),
    "email": (lambda r: bool(r.email), lambda r, g: r.email if g.random() < 0.7 else r.email.upper(),
              lambda a, b: (b.email or "").lower() == a.email.lower(), 1),
    "email_local": (lambda r: bool(r.email), lambda r, g: local_part(r.email),
                    lambda a, b: local_part(b.email) == local_part(a.email), 1),
    "account_strict": (lambda r: bool(r.customer_account), lambda r, g: r.customer_account,
                       lambda a, b: account_key(b.customer_account) == account_key(a.customer_account), 1),
    "account_loose": (lambda r: bool(r.customer_account) and len(r.customer_account) >= 3, _loose_account,
                      lambda a, b: account_key(b.customer_account) == account_key(a.customer_account), 1),
    "accents_left_out": (lambda r: without_accents(f"{r.first_name} {r.last_name}") != f"{r.first_name} {r.last_name}",
                         lambda r, g: without_accents(f"{r.first_name} {r.last_name}"), _same_name, 1),
    "typo": (lambda r: True, _typo_query, _same_name, TOP),
}


def lands(hits: list[CustomerHit], target: CustomerRecord, by_pid: dict[int, CustomerRecord],
          in_group: Callable[[CustomerRecord, CustomerRecord], bool], top: int) -> tuple[bool, int | None, bool]:
    """(passed, rank of the target or None, passed because the group filled the whole list)."""
    ranks = [n for n, h in enumerate(hits) if h.paysimple_id == target.paysimple_id]
    rank = ranks[0] if ranks else None
    if rank is not None and rank < top:
        return True, rank, False
    above = hits if rank is None else hits[:rank]
    grouped = all(h.paysimple_id in by_pid and in_group(target, by_pid[h.paysimple_id]) for h in above)
    if rank is not None:
        return grouped, rank, False
    full = len(hits) >= LIMIT and grouped
    return full, None, full


def fits(query: str, record: CustomerRecord) -> bool:
    """The customer fits a prefix query: first name starts with the first typed word, last name with the
    second ("Patric Smit" fits Patricia Smith as well as Patrick Smith)."""
    first, last = fold(query).split()[:2]
    return fold(record.first_name).startswith(first) and fold(record.last_name).startswith(last)


def fits_as_well(query: str, hits: list[CustomerHit], rank: int | None, by_pid: dict[int, CustomerRecord]) -> bool:
    """Every hit above the target (the whole list when it is not there) fits the typed prefixes as the target
    does: only more letters can bring the target up."""
    above = hits if rank is None else hits[:rank]
    return all(h.paysimple_id in by_pid and fits(query, by_pid[h.paysimple_id]) for h in above)


class FitCounter:
    """How many generated customers fit a prefix query, counted from the records (independent of the search):
    first names sorted once, each with its sorted last names, so a count is two bisections per first name
    that starts with the first typed word."""

    def __init__(self, records: list[CustomerRecord]) -> None:
        lasts: dict[str, list[str]] = {}
        for r in records:
            lasts.setdefault(fold(r.first_name), []).append(fold(r.last_name))
        self._firsts = sorted(lasts)
        self._lasts = {f: sorted(v) for f, v in lasts.items()}

    def count(self, query: str) -> int:
        first, last = fold(query).split()[:2]
        lo = bisect.bisect_left(self._firsts, first)
        hi = bisect.bisect_left(self._firsts, first + "\U0010ffff")
        total = 0
        for f in self._firsts[lo:hi]:
            names = self._lasts[f]
            total += bisect.bisect_left(names, last + "\U0010ffff") - bisect.bisect_left(names, last)
        return total


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))] if values else 0.0


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--db", type=Path, default=None, help="directory file to create (default: a temp dir)")
    args = parser.parse_args(argv)

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="pos-relevance-")
        args.db = Path(tmp.name) / "directory.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(args.db) + suffix).unlink(missing_ok=True)
    records = list(generate(args.customers, seed=args.seed))
    by_pid = {r.paysimple_id: r for r in records}
    directory = Directory(args.db)
    directory.upsert_many(records)

    rng = random.Random(args.seed)
    fit_counter = FitCounter(records)
    pass_rate, overflow, failures, times = {}, {}, {}, []
    prefixes: dict = {}
    for kind, (needs, make, in_group, top) in KINDS.items():
        eligible = [r for r in records if needs(r)]
        passed = tried = full = 0
        decidable = decided = tie_placed = 0  # prefixes only
        failed: list[dict] = []
        attempts = 0
        # prefix queries are drawn until per_kind of them are decidable; every one drawn counts for prefixes_all
        while (decidable if kind == "prefixes" else tried) < args.per_kind and eligible and attempts < args.per_kind * 20:
            attempts += 1
            target = rng.choice(eligible)
            query = make(target, rng)
            if not query:
                continue
            tried += 1
            started = time.perf_counter()
            hits = directory.search(query, LIMIT)
            times.append((time.perf_counter() - started) * 1000)
            ok, rank, by_overflow = lands(hits, target, by_pid, in_group, top)
            passed += ok
            full += by_overflow
            if kind == "prefixes":
                in_top = rank is not None and rank < top
                if fit_counter.count(query) <= top:
                    decidable += 1
                    decided += in_top
                    ok = in_top
                else:  # the typed letters cannot decide: the target must lie inside the tie (module doc, 4.)
                    ok = in_top or (fits_as_well(query, hits, rank, by_pid) and (rank is not None or len(hits) >= LIMIT))
                tie_placed += ok
            if not ok and len(failed) < 5:
                failed.append({"query": query, "rank": rank, "first": hits[0].display_name if hits else None})
        if kind == "prefixes":
            pass_rate["prefixes_decidable"] = round(decided / decidable, 4) if decidable else None
            pass_rate["prefixes_all"] = round(tie_placed / tried, 4) if tried else None
            prefixes = {"queries": tried, "decidable": decidable,
                        "same_name": round(passed / tried, 4) if tried else None}
        else:
            pass_rate[kind] = round(passed / tried, 4) if tried else None
        overflow[kind] = full
        if failed:
            failures[kind] = failed
    directory.close()
    if tmp is not None:
        tmp.cleanup()
    rates = {k: v for k, v in pass_rate.items() if v is not None}
    result = {
        "customers": args.customers,
        "per_kind": args.per_kind,
        "pass_rate": pass_rate,
        "min_pass_rate": min(rates.values()) if rates else None,
        "goal_met": all(v >= (TYPO_GOAL if k == "typo" else GOAL) for k, v in rates.items()),
        "group_overflow": overflow,
        "prefixes": prefixes,
        "p99_ms": round(percentile(times, 99), 3),
        "max_ms": round(max(times), 3) if times else 0.0,
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "failures": failures,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
