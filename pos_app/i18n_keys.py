"""The core's clerk-facing sentences, each with the key a screen translates it by (no Qt, no I/O).

The core (payments, customers, paysimple rules, the application layer) never translates: it says what it has
to say as a :class:`Message`, and the screens translate it into the UI language at their edge
(``pos_app.ui.common.i18n.tr``). A ``Message`` is a ``str`` — its value is the English sentence, so logs,
the journal, the wire and every caller that treats it as text keep working unchanged — that also carries its
key: the Qt Linguist context, the English source with ``%1``..``%9`` placeholders, and the values for them.

    NOT_REACHED = N_("Payments", "Could not reach PaySimple; nothing was sent (%1).")   # module level
    note = NOT_REACHED.fill(detail)          # "Could not reach PaySimple; nothing was sent (HTTP 503)."
    raise PaymentError(note)                 # str(exc) is English; the screen shows tr(exc) in Spanish

Contracts:
- ``N_(context, source)`` takes exactly two string literals: ``pyside6-lupdate`` extracts it as an alias of
  ``QT_TRANSLATE_NOOP`` (``scripts/update_translations.sh`` passes ``-tr-function-alias``); a call with more
  arguments would silently not be extracted, so values go in with :meth:`Message.fill`.
- Values may be Messages themselves (a translated part inside a sentence) or anything ``str()`` can show; the
  screen translates nested Messages too.
- Templates made at module level are registered (import time) so that :func:`recognise` can turn an English
  sentence that was stored as plain text (a journal note, a saved default) back into its Message. Recognition
  is exact: the text must be a template with every ``%n`` filled; otherwise it stays plain text.
- Operations that build new text from a Message (slicing, ``+``, f-strings) give a plain ``str``: the key is
  lost and the text shows in English. Build sentences with ``fill`` instead.
"""

from __future__ import annotations

import re
import threading

_PLACEHOLDER = re.compile(r"%([1-9])")


def fill(text: str, values: tuple) -> str:
    """``text`` with ``%1``..``%9`` replaced by ``str(values[n-1])`` (one pass, so a value containing "%2" is
    never filled again). A placeholder without a value stays as it is."""
    def one(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        return str(values[index]) if index < len(values) else match.group(0)

    return _PLACEHOLDER.sub(one, text)


class Message(str):
    """An English sentence (the ``str`` value) with its translation key: ``context``, ``source`` and ``args``."""

    __slots__ = ("context", "source", "args")
    context: str
    source: str
    args: tuple

    def __new__(cls, context: str, source: str, args: tuple = ()) -> Message:
        args = tuple(args)
        obj = super().__new__(cls, fill(source, args))
        obj.context, obj.source, obj.args = context, source, args
        return obj

    def fill(self, *values: object) -> Message:
        """This template with its placeholders filled (``%1`` = the first value)."""
        return Message(self.context, self.source, values)

    def __repr__(self) -> str:
        return f"Message({self.context!r}, {self.source!r}, {self.args!r})"

    def __reduce__(self):
        return Message, (self.context, self.source, self.args)


def joined(parts: list | tuple, separator: str = " ") -> str:
    """Sentences side by side (``separator`` between them) as one Message whose parts stay translatable; a
    single part is returned as it is, none gives "". The joining template is not registered (it would
    recognise any text)."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    if len(parts) > 9:
        parts = parts[:8] + [joined(parts[8:], separator)]
    template = separator.join(f"%{n}" for n in range(1, len(parts) + 1))
    return Message("", template, tuple(parts))


_lock = threading.Lock()
_templates: dict[tuple[str, str], Message] = {}
_patterns: list[tuple[re.Pattern[str], Message]] | None = None


def N_(context: str, source: str) -> Message:  # noqa: N802 - the gettext-style marker lupdate knows
    """Mark ``source`` (English, with ``%n`` placeholders) for translation in ``context`` and return it as an
    unfilled :class:`Message` (registered for :func:`recognise`)."""
    global _patterns
    if not any(ch.isalpha() for ch in _PLACEHOLDER.sub("", source)):
        raise ValueError(f"N_({context!r}, {source!r}): a template needs words besides its placeholders")
    message = Message(context, source)
    with _lock:
        if (context, source) not in _templates:
            _templates[(context, source)] = message
            _patterns = None
    return message


def templates() -> list[Message]:
    """Every registered template (for tests and tooling)."""
    with _lock:
        return list(_templates.values())


def _compiled() -> list[tuple[re.Pattern[str], Message]]:
    global _patterns
    with _lock:
        if _patterns is None:
            made = []
            for template in _templates.values():
                pieces = _PLACEHOLDER.split(template.source)  # text, digit, text, digit, ...
                regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<v{p}_{i}>.*?)"
                                for i, p in enumerate(pieces))
                numbers = [int(p) for i, p in enumerate(pieces) if i % 2 == 1]
                made.append((re.compile(regex, re.DOTALL), template, numbers))
            # Longer fixed text first: the most specific template wins when two could match.
            made.sort(key=lambda item: -len(_PLACEHOLDER.sub("", item[1].source)))
            _patterns = [(pattern, (template, numbers)) for pattern, template, numbers in made]
        return _patterns


def recognise(text: object) -> Message | None:
    """The Message ``text`` is (itself, when it is one), or the registered template that gives exactly this
    English text once filled; None when no template does (e.g. PaySimple's own words)."""
    if isinstance(text, Message):
        return text
    if not isinstance(text, str) or not text:
        return None
    for pattern, (template, numbers) in _compiled():
        match = pattern.fullmatch(text)
        if match is None:
            continue
        groups = match.groups()
        if not numbers:
            return template
        values: dict[int, str] = {}
        for number, value in zip(numbers, groups, strict=True):
            if values.setdefault(number, value) != value:  # "%1 ... %1" must hold the same value twice
                break
        else:
            count = max(values)
            if all(n in values for n in range(1, count + 1)):
                return template.fill(*(values[n] for n in range(1, count + 1)))
    return None
