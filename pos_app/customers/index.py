"""What a customer contributes to the search tables (pure functions; see ``schema`` for the tables).

``words`` lays a customer's folded name words out as " last . first . middle . ~company ~words ": company
words carry the tag ``COMPANY`` ("~", never the start of a folded word), so the ``terms`` index keeps a
person's own name words ("smith") apart from the words of the company they work at ("~smith"). A search can
then list people named Smith before people who only work at Smith Plumbing, by walking two index ranges,
and a word check inside SQLite (``instr(words, ' smith')``) only sees name words unless it asks for
``' ~smith'`` too.
"""

from __future__ import annotations

from pos_app.customers.models import CustomerRecord
from pos_app.customers.normalize import account_key, email_key, phone_key, words_of

FIELD_SEP = " . "
PHONE, REVERSED, EMAIL, ACCOUNT = "+", "<", "%", "="
COMPANY = "~"  # tags company words in ``words`` and ``terms`` (see module doc)


def words_text(first: str | None, middle: str | None, last: str | None, company: str | None) -> str:
    """" last . first . middle . ~company " of folded words (the phonebook key and the verification text)."""
    return f" {_field(last)} . {_field(first)} . {_field(middle)} . {_company(company)} "


def _company(text: str | None) -> str:
    folded = _field(text)
    return COMPANY + folded.replace(" ", " " + COMPANY) if folded else ""


def name_prefix(first: str | None, last: str | None) -> str:
    """The start of ``words`` for a person: " last . first ." (to match people by name)."""
    return f" {_field(last)} . {_field(first)} ."


_FOLDED: dict[str, str] = {}  # name field → folded words: names repeat a lot (a bulk load folds each once)
_FOLDED_MAX = 200_000  # entries; the cache is simply emptied when full


def _field(text: str | None) -> str:
    if not text:
        return ""
    folded = _FOLDED.get(text)
    if folded is None:
        if text.isascii() and text.isalpha():  # the common case: one plain word, folded by lower()
            folded = text.lower()
        else:
            folded = " ".join(words_of(text))
        if len(_FOLDED) >= _FOLDED_MAX:
            _FOLDED.clear()
        _FOLDED[text] = folded
    return folded


def record_words(r: CustomerRecord) -> str:
    return words_text(r.first_name, r.middle_name, r.last_name, r.company)


def terms_of(words: str) -> set[str]:
    """The distinct ``terms`` index words of a ``words`` text (company words tagged with ``COMPANY``)."""
    return {w for w in words.split() if w != "."}


def fields_of(words: str) -> list[list[str]]:
    """[last words, first words, middle words, company words] from a ``words`` text (company words
    without their tag)."""
    parts = words.strip().split(FIELD_SEP.strip())
    fields = [p.split() for p in parts] + [[]] * (4 - len(parts))
    fields[3] = [w[1:] if w.startswith(COMPANY) else w for w in fields[3]]
    return fields


def keys_of(phone: str | None, alt_phone: str | None, mobile_phone: str | None, email: str | None,
            alt_email: str | None, customer_account: str | None) -> str:
    """Tagged lookup keys, space-separated with a space on both ends (fax is not searched: nobody finds a
    customer by fax). Email keys lose whitespace, quotes and backslashes (search form only)."""
    keys: list[str] = []
    for raw in (phone, alt_phone, mobile_phone):
        if raw:
            digits = raw if len(raw) == 10 and raw.isdigit() and raw.isascii() else phone_key(raw)
            if digits and PHONE + digits not in keys:
                keys += (PHONE + digits, REVERSED + digits[::-1])
    for raw in (email, alt_email):
        if raw:
            value = email_entry(raw)
            if value and EMAIL + value not in keys:
                keys.append(EMAIL + value)
    if customer_account:
        account = account_key(customer_account)
        if account:
            keys.append(ACCOUNT + account)
    return " " + " ".join(keys) + " " if keys else " "


def record_keys(r: CustomerRecord) -> str:
    return keys_of(r.phone, r.alt_phone, r.mobile_phone, r.email, r.alt_email, r.customer_account)


def recent_text(words: str, keys: str) -> str:
    """Words and keys in one string (the ``recent`` table); the same as ``_RECENT_TEXT`` in SQL. Every item
    is preceded by a space, so ``instr(text, ' ' || x)`` is a prefix test; keys are tagged with characters
    that never start a name word."""
    return words + keys.strip() + " "


def email_entry(raw: str | None) -> str:
    """An email as stored in ``keys`` and as searched: lower case, without whitespace, quotes or
    backslashes (so keys stay space-separated and JSON-safe)."""
    value = email_key(raw)
    if value and (not value.isascii() or not value.isprintable() or '"' in value or "\\" in value
                  or " " in value):
        value = "".join(ch for ch in value if ch.isprintable() and not ch.isspace() and ch not in '"\\')
    return value
