"""Relevance benchmark: does the search put the customer the clerk means where the clerk looks? Prints JSON.

    .venv/bin/python bench/relevance.py [--customers N] [--per-kind Q] [--seed S] [--db PATH]

1. Builds a directory (the app's own settings: ``Directory(path)``) from N generated customers
   (``bench.synthetic``: Zipf-like name frequencies with hundreds of same-name people per
   million, companies named after families — "Smith Plumbing" —, accented names, surnames shared by
   thousands, phones, mobiles, e-mails, account numbers).
2. For each query kind, picks Q random customers that have what the kind needs and types the query a
   clerk would type for them:
   full_name "Mary Clark" · last_first "Clark Mary" · last_comma_first "Clark, Mary" · lower_case
   "mary clark" · prefixes "Mar Cla" (both names cut, 3 letters up to one short of the whole) · surname "Clark" · phone_digits
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
Output: customers, per_kind, pass_rate {kind: share}, min_pass_rate, goal_met (every kind >= 0.98, typo
>= 0.90), group_overflow {kind: passes where the group filled the list}, prefixes_ambiguous (prefix
queries that failed although every customer above the target fits the typed prefixes just as well — "Patric
Smit" for Patrick Smith below the Patricia Smiths: only more letters can tell them apart), failures {kind:
first few queries that failed, with the rank found}, p99_ms / max_ms of the queries, load_avg_1min.
"""

from __future__ import annotations

import argparse
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
    """A typed start of the word: 3 letters up to one short of the whole (a word of 3 or fewer: whole)."""
    return word if len(word) <= 3 else word[:rng.randint(3, len(word) - 1)]


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


def fits_as_well(query: str, hits: list[CustomerHit], rank: int | None, by_pid: dict[int, CustomerRecord]) -> bool:
    """A prefix query that cannot tell the customers above the target from it: every one of them has a first
    name starting with the first typed word and a last name starting with the second ("Patric Smit" fits
    Patricia Smith as well as Patrick Smith), so only more letters can bring the target up."""
    first, last = fold(query).split()[:2]
    above = hits if rank is None else hits[:rank]
    return all(h.paysimple_id in by_pid and fold(by_pid[h.paysimple_id].first_name).startswith(first)
               and fold(by_pid[h.paysimple_id].last_name).startswith(last) for h in above)


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
    pass_rate, overflow, failures, times = {}, {}, {}, []
    unclear = 0
    for kind, (needs, make, in_group, top) in KINDS.items():
        eligible = [r for r in records if needs(r)]
        passed = tried = full = ambiguous = 0
        failed: list[dict] = []
        attempts = 0
        while tried < args.per_kind and eligible and attempts < args.per_kind * 20:
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
            if not ok and kind == "prefixes" and fits_as_well(query, hits, rank, by_pid):
                ambiguous += 1
            if not ok and len(failed) < 5:
                failed.append({"query": query, "rank": rank, "first": hits[0].display_name if hits else None})
        pass_rate[kind] = round(passed / tried, 4) if tried else None
        overflow[kind] = full
        if kind == "prefixes":
            unclear = ambiguous
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
        "prefixes_ambiguous": unclear,
        "p99_ms": round(percentile(times, 99), 3),
        "max_ms": round(max(times), 3) if times else 0.0,
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "failures": failures,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
