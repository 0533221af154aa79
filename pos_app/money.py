"""Money as the store writes it: one format per store, used to show every amount and to read what the
clerk types. No Qt; importing this module costs nothing beyond the standard library.

Formats (``FORMATS``; the store picks one in settings, ``Settings.money_format``; default ``en_US``):

============  ===============  ======================================================================
code          shown as         who writes money this way
============  ===============  ======================================================================
``en_US``     ``$1,234.56``    United States (also es_US and most US stores whatever their language)
``es_ES``     ``$1.234,56``    comma for cents, point for thousands (Spain, Germany, Latin America...)
============  ===============  ======================================================================

The currency is always US dollars (PaySimple charges USD), so the symbol is always ``$`` in front, with a
minus before it for negative amounts (``-$12.50``). The format is the STORE's, never the interface
language's: a Spanish-speaking clerk in a US store sees and types ``12.50``.

Reading (``MoneyFormat.parse``) is strict and never guesses. What it accepts, after blanks at either end
are dropped:

- an optional ``$`` in front (blanks may follow it), then
- ASCII digits ``0-9`` only, with either no group separator at all (``1234``) or a group separator before
  every group of exactly three digits, the first group 1-3 digits not starting with 0 (``1,234,567``), then
- optionally the store's decimal separator and one or two digits (``12.5``, ``12.50``, ``.50``).

Everything else is refused with a :class:`MoneyParseError` whose ``reason`` says what is wrong and whose
``example`` shows the right way in the store's format: the other decimal separator (``12,34`` in a US
store: "Use a point for cents: 12.34"), a group separator not followed by exactly three digits
(``1,2345``), more than two decimals, a separator with nothing after it (``12.``), other digit forms
(``١٢``, fullwidth ``１２``: refused, never normalised), signs, exponents, ``NaN``, blanks or hidden
characters inside, a second or trailing ``$``, other currency symbols.

Invariants (property-tested in tests/test_money.py): every accepted text round-trips (``parse(format(
parse(t))) == parse(t)``); every accepted text means what a person reads in it (the last separator
followed by one or two digits is the decimal mark, other separators group thousands), so no input is ever
read as a power-of-ten multiple of its plain reading; a text accepted by both formats means the same
amount in both; no formatted amount is refused.

Showing (``MoneyFormat.format``) takes a ``Decimal`` in whole cents (``format_cents`` takes integer
cents); floats, ints (dollars or cents?) and sub-cent values raise instead of being rounded. Machine
formats (CSV exports) use :func:`plain` (``1234.50``: point, no grouping, no symbol), whatever the store.

The store's format for this process is :func:`store_format`; the app sets it from settings at start-up
and when a manager changes it (:func:`set_store_format`). Reading the current format is safe from any
thread.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

CENT = Decimal("0.01")
#: The example in messages that show both separators at once ("1,234.56").
EXAMPLE = Decimal("1234.56")
#: PaySimple's largest payment (``pos_app.paysimple.rules.MAX_AMOUNT``; a test keeps them equal).
MAX_CHARGE = Decimal("2000000.00")
#: Longer input is refused before it is looked at (the widest amount, "$2,000,000.00", has 13 characters).
MAX_INPUT = 40

_SIGNS = frozenset("+-\u2212\u2010\u2011\u2012\u2013\u2014\ufe62\ufe63\uff0b\uff0d")


class Reason:
    """Why a text is not an amount (``MoneyParseError.reason``); the UI translates by reason."""

    EMPTY = "empty"  # nothing typed
    DIGITS = "digits"  # digits other than ASCII 0-9 (Arabic-Indic, fullwidth, superscript...)
    HIDDEN = "hidden"  # control or invisible formatting characters (pasted text)
    SIGN = "sign"  # + or - (or another dash)
    SYMBOL = "symbol"  # a $ not in front, a second $, or another currency's symbol
    SPACE = "space"  # blanks between the digits
    DECIMAL_SEPARATOR = "decimal_separator"  # the other format's decimal separator (12,34 in a US store)
    GROUP = "group"  # a group separator not followed by exactly three digits, or groups inconsistent
    DECIMALS = "decimals"  # more than two digits after the decimal separator
    NO_CENTS = "no_cents"  # a decimal separator with no digits after it (12.)
    NOT_AMOUNT = "not_amount"  # letters, exponents, NaN, other punctuation, no digits at all
    ZERO = "zero"  # parse_charge: not more than 0.00
    TOO_LARGE = "too_large"  # parse_charge: more than PaySimple's maximum


class MoneyParseError(ValueError):
    """A text that is not an amount in ``money_format``. ``str()`` is an English sentence for non-Qt callers
    (it never repeats the input, which might be a card number typed into the wrong field); screens translate
    ``reason`` and show ``example`` (the right way, in the store's format). ``text`` is the input."""

    def __init__(self, reason: str, text: str, example: str, money_format: MoneyFormat) -> None:
        self.reason, self.text, self.example, self.money_format = reason, text, example, money_format
        super().__init__(_english(reason, example, money_format))


@dataclass(frozen=True)
class MoneyFormat:
    code: str
    decimal: str
    group: str
    symbol: str = "$"
    _amount_re: re.Pattern = field(init=False, repr=False, compare=False)
    _int_re: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if {self.decimal, self.group} - {".", ","} or self.decimal == self.group:
            raise ValueError("a money format uses '.' and ',' as its two separators")
        d, g = re.escape(self.decimal), re.escape(self.group)
        integer = rf"(?:[0-9]+|[1-9][0-9]{{0,2}}(?:{g}[0-9]{{3}})+)"
        object.__setattr__(self, "_int_re", re.compile(integer))
        object.__setattr__(self, "_amount_re",
                           re.compile(rf"(?P<int>{integer})(?:{d}(?P<frac>[0-9]{{1,2}}))?|{d}(?P<only>[0-9]{{1,2}})"))

    # --- showing --------------------------------------------------------------------------------------

    def format(self, amount: Decimal, symbol: bool = True) -> str:
        """``$1,234.50`` / ``$1.234,50``; negative ``-$12.50``. A Decimal in whole cents only."""
        value = _whole_cents(amount)
        whole, _, cents = f"{abs(value):f}".partition(".")
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        text = self.group.join(groups) + self.decimal + cents
        sign = "-" if value < 0 else ""
        return f"{sign}{self.symbol if symbol else ''}{text}"

    def format_cents(self, cents: int, symbol: bool = True) -> str:
        return self.format(from_cents(cents), symbol)

    # --- reading --------------------------------------------------------------------------------------

    def parse(self, text: str) -> Decimal:
        """The amount (>= 0, two decimal places) ``text`` means in this format, or MoneyParseError."""
        if not isinstance(text, str):
            raise TypeError("parse() reads text")
        s = text.strip()
        if s.startswith(self.symbol):
            s = s[len(self.symbol):].lstrip()
        if not s:
            raise self._error(Reason.EMPTY, text, Decimal("12.34"))
        if len(s) > MAX_INPUT:
            raise self._error(Reason.NOT_AMOUNT, text, EXAMPLE)
        for ch in s:
            if ch.isnumeric() and ch not in "0123456789":
                raise self._error(Reason.DIGITS, text, Decimal("12.34"))
        for ch in s:
            if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp") and not ch.isspace():
                raise self._error(Reason.HIDDEN, text, Decimal("12.34"))
        if any(ch in _SIGNS for ch in s):
            raise self._error(Reason.SIGN, text, Decimal("12.34"))
        if any(unicodedata.category(ch) == "Sc" for ch in s):
            raise self._error(Reason.SYMBOL, text, Decimal("12.34"))
        if any(ch.isspace() or unicodedata.category(ch).startswith("Z") for ch in s):
            raise self._error(Reason.SPACE, text, EXAMPLE)
        if s.strip("0123456789.,") or not any(ch in "0123456789" for ch in s):
            raise self._error(Reason.NOT_AMOUNT, text, EXAMPLE)
        value = self._read(s)
        if value is not None:
            return value
        raise self._diagnose(s, text)

    def could_continue(self, text: str) -> bool:
        """True when typing more digits could still make ``text`` an amount (``1,2`` on the way to
        ``1,234``; ``12.`` on the way to ``12.50``): a screen may wait with its message until the clerk
        stops typing. Says nothing about whether ``text`` itself is accepted."""
        s = text.strip()
        if s.startswith(self.symbol):
            s = s[len(self.symbol):].lstrip()
        if not s:
            return True
        if len(s) > MAX_INPUT or s.strip("0123456789.,"):
            return False
        return any(self._read(s + tail) is not None for tail in ("0", "00", "000"))

    def parse_cents(self, text: str) -> int:
        return to_cents(self.parse(text))

    def parse_charge(self, text: str) -> Decimal:
        """``parse`` plus PaySimple's limits for a payment: more than 0.00, at most ``MAX_CHARGE``."""
        value = self.parse(text)
        if value <= 0:
            raise self._error(Reason.ZERO, text, Decimal("0.00"), symbol=True)
        if value > MAX_CHARGE:
            raise self._error(Reason.TOO_LARGE, text, MAX_CHARGE, symbol=True)
        return value

    def _read(self, s: str) -> Decimal | None:
        match = self._amount_re.fullmatch(s)
        if match is None:
            return None
        whole = (match["int"] or "0").replace(self.group, "")
        frac = (match["frac"] or match["only"] or "").ljust(2, "0")
        return Decimal(f"{int(whole)}.{frac}")

    def _diagnose(self, s: str, text: str) -> MoneyParseError:
        d = self.decimal
        other = mirror(self)
        other_value = other._read(s)
        if other_value is not None and other.decimal in s:
            # valid in the other format, with its decimal mark: show the same amount written our way
            return self._error(Reason.DECIMAL_SEPARATOR, text, other_value)
        head, sep, tail = s.rpartition(d)
        if sep and head.count(d) == 0:
            head_ok = head == "" or self._int_re.fullmatch(head) is not None
            if head_ok and tail == "" and head:
                return self._error(Reason.NO_CENTS, text, Decimal(int(head.replace(self.group, ""))))
            if head_ok and tail.isdigit() and len(tail) > 2:
                return self._error(Reason.DECIMALS, text, EXAMPLE)
        if s.count(d) > 1:
            return self._error(Reason.NOT_AMOUNT, text, EXAMPLE)
        return self._error(Reason.GROUP, text, EXAMPLE)

    def _error(self, reason: str, text: str, example: Decimal, symbol: bool = False) -> MoneyParseError:
        return MoneyParseError(reason, text.strip(), self.format(example, symbol=symbol), self)


US = MoneyFormat("en_US", ".", ",")
COMMA = MoneyFormat("es_ES", ",", ".")
FORMATS: dict[str, MoneyFormat] = {f.code: f for f in (US, COMMA)}
DEFAULT_FORMAT = US.code

_store = US


def mirror(money_format: MoneyFormat) -> MoneyFormat:
    """The format with the two separators the other way round."""
    return COMMA if money_format.decimal == "." else US


def get_format(code: str) -> MoneyFormat:
    try:
        return FORMATS[code]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown money format {code!r}; use one of {', '.join(FORMATS)}.") from None


def store_format() -> MoneyFormat:
    """The store's money format for this process (set from settings at start-up)."""
    return _store


def set_store_format(money_format: MoneyFormat | str) -> MoneyFormat:
    """Make ``money_format`` (or its code) the store's format; returns it. Unknown codes raise ValueError."""
    global _store
    _store = money_format if isinstance(money_format, MoneyFormat) else get_format(money_format)
    return _store


def format_money(amount: Decimal, symbol: bool = True, money_format: MoneyFormat | None = None) -> str:
    """``amount`` in the store's format (or ``money_format``)."""
    return (money_format or _store).format(amount, symbol)


def plain(amount: Decimal) -> str:
    """The machine format for files (CSV): ``1234.50``, ``-5.00``: point, no grouping, no symbol."""
    value = _whole_cents(amount)
    return f"{value:f}"


def to_cents(amount: Decimal) -> int:
    return int(_whole_cents(amount) * 100)


def from_cents(cents: int) -> Decimal:
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise TypeError(f"cents must be an int, not {type(cents).__name__}")
    return (Decimal(cents) / 100).quantize(CENT)


def _whole_cents(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal):
        hint = " (for integer cents use format_cents)" if isinstance(amount, int) else ""
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}{hint}")
    if not amount.is_finite():
        raise ValueError(f"{amount} is not an amount of money")
    value = amount.quantize(CENT)
    if value != amount:
        raise ValueError(f"{amount} has more than two decimals; money is shown in whole cents")
    return value


def _english(reason: str, example: str, f: MoneyFormat) -> str:
    """The sentence for ``reason``; an example ends it without a full stop (``12.34.`` would mislead)."""
    point = "point" if f.decimal == "." else "comma"
    group = "comma" if f.group == "," else "point"
    return {
        Reason.EMPTY: "Enter the amount to charge.",
        Reason.DIGITS: f"Type the amount with the digits 0 to 9 (switch the keyboard to standard digits): {example}",
        Reason.HIDDEN: f"The amount contains a hidden character (pasted text?). Clear the field and type it, "
                       f"e.g. {example}",
        Reason.SIGN: f"No + or - in the amount (to give money back, refund the payment): {example}",
        Reason.SYMBOL: f"Amounts are in US dollars: type the number, at most one $ in front: {example}",
        Reason.SPACE: f"No spaces inside the amount: {example}",
        Reason.DECIMAL_SEPARATOR: f"Use a {point} for cents: {example}",
        Reason.GROUP: f"A {group} separates thousands and is followed by exactly three digits; cents come "
                      f"after a {point}: {example}",
        Reason.DECIMALS: f"At most two digits after the {point} (cents); a {group} separates thousands: {example}",
        Reason.NO_CENTS: f"Type the cents after the {point}, or leave the {point} out: {example}",
        Reason.NOT_AMOUNT: f"That is not an amount. Type it like this: {example}",
        Reason.ZERO: f"The amount must be more than {example}",
        Reason.TOO_LARGE: f"The amount can be at most {example} per payment.",
    }[reason]
