"""Directory database: connection settings and schema migrations.

Migrations are numbered by ``PRAGMA user_version``; each one runs in its own ``BEGIN IMMEDIATE`` transaction
together with the version bump, so a crash mid-migration leaves the previous version intact. A database
newer than this code is refused (never guessed at).

Tables (v1):
- ``customers``: one row per customer (local id = rowid). Mirrored PaySimple fields, ``deleted``,
  ``origin`` (paysimple/import/counter), ``written_at`` (last local write of mirrored fields), local ``last_seen_at`` and
  ``local_notes``, and ``words``: the folded name words, laid out " last . first . middle . company "
  (fields separated by " . "). ``words`` doubles as the phonebook sort key and as the text the search
  verifies extra query words against with ``instr``. ``keys``: the row's tagged lookup keys, space-separated
  (see ``keys``). The ``terms``/``keys`` entries of a batch are expanded from these two columns by SQLite
  itself, and removed the same way, so entries and rows cannot drift apart.
- ``terms(term, words, customer_id)``: one row per distinct folded name/company word of a live customer.
  WITHOUT ROWID, primary key in that order: a prefix range ``term >= 'jo' AND term < 'jo\\U0010ffff'`` walks
  exact matches first, then longer words alphabetically, each in phonebook order, and can stop after 50.
  Company words are tagged (v3: "~smith", see ``index``), so people's own name words and the words of
  their company are separate ranges; inside one word's rows, the people whose last name starts with that
  word are the contiguous range ``words >= ' smith ' AND words < ' smith \\U0010ffff'``.
- ``keys(key, customer_id)``: exact/prefix lookups for the other routes, tagged by a first character that
  folded name words never start with: ``+`` phone digits, ``<`` reversed phone digits (suffix search),
  ``%`` lower-cased email, ``=`` account/loyalty number (letters and digits).
- ``recent(customer_id, seen_at, text)``: the customers most recently served at this counter (capped), with
  their words and tagged keys in one string, so "seen recently first" is one scan of a small table.
- ``pending_index(lo, hi)``: id ranges written by a bulk load but not yet in ``terms``/``keys`` (see
  ``directory``).
- ``recent_entries(entry, customer_id)`` (v2): every word and key of the recently seen customers, kept
  by triggers on ``recent``, so "recently seen first" is an index seek, not a scan of ``recent``.
- ``term_stats`` / ``meta``: word counts that choose the driving word of multi-word searches (``stats``).
- ``sync_runs`` / ``sync_seen``: PaySimple sync progress (see ``sync``).
- ``paysimple_adds`` (v4): each "Add to PaySimple" of a local-only customer, written before the POST and
  closed with its outcome; at most one open (outcome NULL: sending or unconfirmed) per customer
  (``paysimple_add``).

v3 tags company words in ``words`` (rewritten for the rows that have a company) and rebuilds ``terms``
through ``pending_index``: the next ``Directory()`` re-indexes every customer in one sorted pass (at 1M
customers a one-time wait of the order of a bulk load's indexing pass), before anyone searches.

v5 adds the change feed: ``customers.change_pos`` (unique: each write of a record gives it the next position,
see ``directory``), existing rows numbered in id order, and ``meta.feed_id`` (random, names this file's feed).
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from pos_app import migrations
from pos_app.customers import index
from pos_app.migrations import Migration
from pos_app.sqlite_support import sqlite_open
from pos_app.storage_errors import What

# Space-separated words/keys text → JSON array → rows (texts hold no quote or backslash, see ``index``).
_EXPAND = "json_each('[\"' || replace(trim(replace({t}, ' . ', ' ')), ' ', '\",\"') || '\"]')"

def _v3_tag_company_words(con: sqlite3.Connection) -> None:
    """Rewrite ``words`` of customers with a company (tagged company words), drop ``terms`` and queue every
    customer for re-indexing; the recently seen texts follow their rows."""
    rows = con.execute("SELECT id, first_name, middle_name, last_name, company FROM customers "
                       "WHERE company IS NOT NULL AND company != ''").fetchall()
    con.executemany("UPDATE customers SET words = ? WHERE id = ?",
                    [(index.words_text(first, middle, last, company), cid)
                     for cid, first, middle, last, company in rows])
    con.execute("DELETE FROM terms")
    con.execute("DELETE FROM pending_index")
    con.execute("INSERT INTO pending_index (lo, hi) SELECT min(id), max(id) FROM customers HAVING count(*) > 0")
    con.execute("UPDATE recent SET text = (SELECT c.words || trim(c.keys) || ' ' FROM customers c "
                "WHERE c.id = recent.customer_id)")


def _v5_change_feed(con: sqlite3.Connection) -> None:
    """Number every customer in the feed (id order), index the positions, name the feed."""
    con.execute("ALTER TABLE customers ADD COLUMN change_pos INTEGER NOT NULL DEFAULT 0")
    con.execute("UPDATE customers SET change_pos = id")
    con.execute("CREATE UNIQUE INDEX customers_by_change ON customers(change_pos)")
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('feed_id', ?)", (uuid.uuid4().hex,))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "customers, search index, recently seen, word statistics, sync progress", ";\n".join([
        """CREATE TABLE customers (
            id INTEGER PRIMARY KEY,
            paysimple_id INTEGER UNIQUE,
            first_name TEXT NOT NULL,
            middle_name TEXT,
            last_name TEXT NOT NULL,
            company TEXT,
            customer_account TEXT,
            email TEXT,
            alt_email TEXT,
            phone TEXT,
            alt_phone TEXT,
            mobile_phone TEXT,
            fax TEXT,
            street1 TEXT,
            street2 TEXT,
            city TEXT,
            state_code TEXT,
            zip_code TEXT,
            country TEXT,
            last_modified TEXT,
            deleted INTEGER NOT NULL DEFAULT 0,
            origin TEXT NOT NULL,
            written_at TEXT NOT NULL,
            last_seen_at TEXT,
            local_notes TEXT,
            words TEXT NOT NULL,
            keys TEXT NOT NULL
        )""",
        """CREATE TABLE terms (
            term TEXT NOT NULL,
            words TEXT NOT NULL,
            customer_id INTEGER NOT NULL,
            PRIMARY KEY (term, words, customer_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE keys (
            key TEXT NOT NULL,
            customer_id INTEGER NOT NULL,
            PRIMARY KEY (key, customer_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE recent (
            customer_id INTEGER PRIMARY KEY,
            seen_at TEXT NOT NULL,
            text TEXT NOT NULL
        )""",
        "CREATE INDEX recent_by_time ON recent(seen_at)",
        """CREATE TABLE term_stats (
            prefix TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('p', 'w')),
            n INTEGER NOT NULL,
            PRIMARY KEY (prefix, kind)
        ) WITHOUT ROWID""",
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value
        )""",
        """CREATE TABLE pending_index (
            lo INTEGER NOT NULL,
            hi INTEGER NOT NULL
        )""",
        """CREATE TABLE sync_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'cancelled', 'failed')),
            page_size INTEGER NOT NULL,
            last_page INTEGER NOT NULL DEFAULT 0,
            total_items INTEGER,
            shifted INTEGER NOT NULL DEFAULT 0,
            inserted INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            deleted INTEGER NOT NULL DEFAULT 0,
            error TEXT
        )""",
        """CREATE TABLE sync_seen (
            run_id INTEGER NOT NULL,
            paysimple_id INTEGER NOT NULL,
            PRIMARY KEY (run_id, paysimple_id)
        ) WITHOUT ROWID""",
    ])),
    Migration(2, "an index over the recently seen customers' words and keys, kept by triggers on recent",
              ";\n".join([
        """CREATE TABLE recent_entries (
            entry TEXT NOT NULL,
            customer_id INTEGER NOT NULL,
            PRIMARY KEY (entry, customer_id)
        ) WITHOUT ROWID""",
        f"""CREATE TRIGGER recent_added AFTER INSERT ON recent BEGIN
            INSERT OR IGNORE INTO recent_entries (entry, customer_id)
            SELECT value, NEW.customer_id FROM {_EXPAND.format(t="NEW.text")} WHERE value NOT IN ('', '.');
        END""",
        """CREATE TRIGGER recent_removed AFTER DELETE ON recent BEGIN
            DELETE FROM recent_entries WHERE customer_id = OLD.customer_id;
        END""",
        f"""CREATE TRIGGER recent_changed AFTER UPDATE OF text ON recent BEGIN
            DELETE FROM recent_entries WHERE customer_id = OLD.customer_id;
            INSERT OR IGNORE INTO recent_entries (entry, customer_id)
            SELECT value, NEW.customer_id FROM {_EXPAND.format(t="NEW.text")} WHERE value NOT IN ('', '.');
        END""",
        f"""INSERT OR IGNORE INTO recent_entries (entry, customer_id)
            SELECT j.value, r.customer_id FROM recent r, {_EXPAND.format(t="r.text")} j
            WHERE j.value NOT IN ('', '.')""",
    ])),
    Migration(3, "company words tagged '~' (people before company-only matches), terms rebuilt",
              _v3_tag_company_words),
    Migration(4, "adds of local-only customers to PaySimple, recorded before they are sent", ";\n".join([
        """CREATE TABLE paysimple_adds (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            outcome TEXT CHECK (outcome IN ('created', 'found', 'refused', 'not_sent', 'absent')),
            paysimple_id INTEGER,
            first_name TEXT NOT NULL,
            last_name TEXT NOT NULL,
            email TEXT,
            phone TEXT,
            customer_account TEXT
        )""",
        "CREATE UNIQUE INDEX paysimple_adds_open ON paysimple_adds (customer_id) WHERE outcome IS NULL",
    ])),
    Migration(5, "change feed: a position per customer write, the feed's id", _v5_change_feed),
)

SCHEMA_VERSION = MIGRATIONS[-1].version


def connect(path: Path | str, cache_mib: int = 64, busy_timeout_s: float = 10.0) -> sqlite3.Connection:
    """A connection with the directory's settings (``sqlite_support.sqlite_open``: autocommit, WAL; ``synchronous=NORMAL``:
    durable at checkpoints, never corrupt; 1 GiB memory-mapped reads; temporary data in memory). Storage faults while
    opening come out as ``StorageError`` on the customer list."""
    return sqlite_open(path, What.DIRECTORY, synchronous="NORMAL", busy_timeout_s=busy_timeout_s, cache_mib=cache_mib,
                   mmap_mib=1024, memory_temp=True)


def migrate(con: sqlite3.Connection) -> int:
    """Bring the schema to SCHEMA_VERSION (``pos_app.migrations``); returns the version found before. A newer
    file raises ``pos_app.migrations.SchemaTooNew`` and is left unchanged."""
    return migrations.migrate(con, MIGRATIONS, "customer directory")
