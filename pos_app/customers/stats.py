"""Word statistics that pick the driving word of a multi-word search.

A multi-word search walks the index range of ONE query word and checks the others inside SQLite, so its
cost is the number of rows of the word it walks: "james x" must walk "x" (a few thousand rows per million
customers), never "james" (tens of thousands). Counting rows exactly costs as much as walking them, so:

- ``term_stats`` (table) holds, as of the last refresh, the row count of every 1-3 letter prefix and of
  every full word with at least ``POPULAR`` rows. Refreshed after each bulk merge and whenever the
  directory has grown by half since the last count (one grouped scan of the index in its own order, no
  sort; amortised O(1) per customer); in between, small changes make it slightly stale, which only
  matters for choosing between two words of similar size.
- ``estimate`` uses the table where it knows (short prefixes, popular words and words they start) and a
  capped live count otherwise (cheap exactly when the word is rare).
The statistics are cached per ``Directory`` and reloaded when ``meta.stats_version`` changes.
"""

from __future__ import annotations

import bisect
import sqlite3
from dataclasses import dataclass, field
from itertools import accumulate

POPULAR = 200  # full words with at least this many rows are listed
SHORT = 3  # prefixes up to this length are listed
COUNT_CAP = 2_000  # a live count stops here
_TOP = "\U0010ffff"


@dataclass
class WordStats:
    version: str | None = None
    short: dict[str, int] = field(default_factory=dict)
    popular: dict[str, int] = field(default_factory=dict)
    _terms: list[str] = field(default_factory=list)
    _cumulative: list[int] = field(default_factory=list)

    @classmethod
    def load(cls, con: sqlite3.Connection, version: str | None) -> WordStats:
        stats = cls(version)
        for prefix, kind, n in con.execute("SELECT prefix, kind, n FROM term_stats ORDER BY prefix"):
            (stats.short if kind == "p" else stats.popular)[prefix] = n
        stats._terms = sorted(stats.popular)
        stats._cumulative = list(accumulate(stats.popular[t] for t in stats._terms))
        return stats

    def popular_starting(self, prefix: str, most: int) -> list[str]:
        """The ``most`` popular words starting with ``prefix`` (other than itself), the most rows first."""
        lo = bisect.bisect_left(self._terms, prefix)
        hi = bisect.bisect_left(self._terms, prefix + _TOP)
        found = [t for t in self._terms[lo:hi] if t != prefix]
        return sorted(found, key=lambda t: (-self.popular[t], t))[:most]

    def popular_rows_under(self, prefix: str) -> int:
        lo = bisect.bisect_left(self._terms, prefix)
        hi = bisect.bisect_left(self._terms, prefix + _TOP)
        if hi <= lo:
            return 0
        return self._cumulative[hi - 1] - (self._cumulative[lo - 1] if lo else 0)


def capped_count(con: sqlite3.Connection, where: str, args: tuple, cap: int = COUNT_CAP) -> int:
    return con.execute(f"SELECT count(*) FROM (SELECT 1 FROM terms WHERE {where} LIMIT {cap})", args).fetchone()[0]


def estimate(con: sqlite3.Connection, stats: WordStats, word: str, exact: bool) -> int:
    """Rows of ``terms`` for ``word`` (exact: the word itself; else every word it starts)."""
    if exact:
        known = stats.popular.get(word)
        return known if known is not None else capped_count(con, "term = ?", (word,))
    if len(word) <= SHORT and stats.short:
        return stats.short.get(word, 0)
    known = stats.popular_rows_under(word)
    if known >= COUNT_CAP:
        return known
    return max(known, capped_count(con, "term >= ? AND term < ?", (word, word + _TOP)))


def refresh(con: sqlite3.Connection) -> None:
    """Recount (inside the caller's transaction) and bump ``meta.stats_version``."""
    short: dict[str, int] = {}
    popular: list[tuple[str, str, int]] = []
    for term, n in con.execute("SELECT term, count(*) FROM terms GROUP BY term"):
        for k in range(1, min(SHORT, len(term)) + 1):
            short[term[:k]] = short.get(term[:k], 0) + n
        if n >= POPULAR:
            popular.append((term, "w", n))
    con.execute("DELETE FROM term_stats")
    con.executemany("INSERT OR REPLACE INTO term_stats (prefix, kind, n) VALUES (?, ?, ?)",
                    [(p, "p", n) for p, n in short.items()] + popular)
    con.execute("INSERT INTO meta (key, value) VALUES ('stats_version', '1') ON CONFLICT(key) DO UPDATE "
                "SET value = CAST(value AS INTEGER) + 1")
    rows = con.execute("SELECT coalesce(max(id), 0) FROM customers").fetchone()[0]
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('stats_rows', ?)", (rows,))


def refresh_if_grown(con: sqlite3.Connection, min_rows: int = 1000) -> bool:
    """Recount when the directory grew by half since the last count (amortised: geometric growth)."""
    rows = con.execute("SELECT coalesce(max(id), 0) FROM customers").fetchone()[0]
    if rows < min_rows:
        return False
    row = con.execute("SELECT value FROM meta WHERE key = 'stats_rows'").fetchone()
    if row is not None and rows < 1.5 * int(row[0]):
        return False
    refresh(con)
    return True


def current_version(con: sqlite3.Connection) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = 'stats_version'").fetchone()
    return None if row is None else str(row[0])
