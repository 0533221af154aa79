"""Translations (Qt Linguist) and locale-aware formatting.

Every visible string goes through ``QCoreApplication.translate(context, text)`` (``translate`` below, which
``pyside6-lupdate`` recognises) with the class name as context, so ``scripts/update_translations.sh`` can
extract it into ``resources/i18n/pos_app_<lang>.ts``; ``pyside6-lrelease`` compiles the ``.qm`` shipped next
to it. Placeholders are Qt style (``%1``, ``%2``) and filled with :func:`fmt`, so a translator can move them.

``install_translator(app, language)`` installs our ``.qm`` plus Qt's own (``qtbase_<lang>.qm``: standard
buttons such as Cancel/OK), and makes the language's ``QLocale`` the default so dates follow it. Money does
NOT follow the language: it is shown in the store's money format (``pos_app.money``, settings
``money_format``).
``language=""`` means the computer's locale; English needs no file.

The core's sentences (``pos_app.i18n_keys.Message``: English text + context + source + values) are translated
here, at the screen edge, by :func:`tr`; so is an English sentence the core stored as text (a journal note),
when it is one of the core's templates, and an exception carrying one.

Switching the language applies at once: ``install_translator`` makes Qt post ``QEvent.LanguageChange`` to every
widget, and each of our screens is a :class:`Retranslating` widget whose ``retranslate()`` sets its texts again.
A text shown with ``self.live(setter, producer)`` is set now and re-made by every ``retranslate()`` (static
labels and dynamic ones alike: the latest producer per setter wins); a screen that renders from state (a
result, a report) also re-renders in its ``retranslate()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QEvent,
    QLibraryInfo,
    QLocale,
    QTimeZone,
    QTranslator,
)

from pos_app import money
from pos_app.config import resources_dir
from pos_app.i18n_keys import Message, recognise
from pos_app.money import MoneyFormat

log = logging.getLogger(__name__)

translate = QCoreApplication.translate

#: Languages shipped; the first is the source language.
LANGUAGES = {"en": "English", "es": "Español"}

_installed: list[QTranslator] = []


def i18n_dir():
    return resources_dir() / "i18n"


def resolve_language(language: str) -> str:
    """``""`` -> the system locale's language if we ship it, else English."""
    if language:
        return language.split("_")[0].lower()
    system = QLocale.system().name().split("_")[0].lower()
    return system if system in LANGUAGES else "en"


def install_translator(app: QCoreApplication, language: str = "") -> str:
    """Switch the UI language (removing a previous one). Returns the language in effect."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    lang = resolve_language(language)
    if lang not in LANGUAGES:
        log.warning("no translation for language %r; using English", lang)
        lang = "en"
    QLocale.setDefault(QLocale(lang) if lang != "en" else QLocale(QLocale.Language.English,
                                                                    QLocale.Country.UnitedStates))
    if lang != "en":
        ours = QTranslator(app)
        if ours.load(f"pos_app_{lang}", str(i18n_dir())):
            app.installTranslator(ours)
            _installed.append(ours)
        else:
            log.error("translation file pos_app_%s.qm is missing from %s", lang, i18n_dir())
        qt = QTranslator(app)
        if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            _installed.append(qt)
    log.info("UI language: %s", lang)
    return lang


class Retranslating:
    """Mixin for our widgets (first base: ``class ResultView(Retranslating, QWidget)``): on
    ``QEvent.LanguageChange`` (posted once per language switch) ``retranslate()`` runs; by default it re-makes
    every text shown with :meth:`live`. Subclasses that render from state extend it (call ``super()`` first)."""

    def live(self, setter: Callable[[Any], Any], producer: Callable[[], Any], key: object = None) -> None:
        """``setter(producer())`` now and on every ``retranslate()``; a later ``live`` for the same setter (same
        object and method, or the same ``key``) replaces it. A setter whose widget is gone is dropped."""
        texts = self.__dict__.setdefault("_live_texts", {})
        if key is None:
            target = getattr(setter, "__self__", None)
            key = (id(target), getattr(setter, "__name__", "")) if target is not None else setter
        texts[key] = (setter, producer)
        setter(producer())

    def with_live(self, widget, producer: Callable[[], Any], setter: str = "setText"):
        """``widget`` with its ``setter`` text live (see :meth:`live`); returns the widget."""
        self.live(getattr(widget, setter), producer)
        return widget

    def retranslate(self) -> None:
        """Set every live text again in the current language."""
        texts = self.__dict__.get("_live_texts", {})
        for key, (setter, producer) in list(texts.items()):
            try:
                setter(producer())
            except RuntimeError:  # the widget behind the setter was deleted (Qt owns it): forget it
                texts.pop(key, None)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def fmt(text: str, *values: object) -> str:
    """Fill Qt-style ``%1``..``%9`` placeholders (highest first, so %1 never eats %10)."""
    for index in range(len(values), 0, -1):
        text = text.replace(f"%{index}", str(values[index - 1]))
    return text


def tr(said: object) -> str:
    """What the core said, in the UI language: a ``Message`` (values translated too when they are Messages),
    an English sentence that is one of the core's templates (``i18n_keys.recognise``), or an exception whose
    first argument is either (a ``StorageError`` describes itself in the UI language). Anything else (e.g.
    PaySimple's own words) is shown as it is; None is "".
    """
    if said is None:
        return ""
    if isinstance(said, BaseException):
        from pos_app.storage_errors import StorageError

        first = said.args[0] if said.args else None
        if isinstance(first, Message) and not isinstance(said, StorageError):
            return tr(first)
        text = str(said)
        return tr(text) if text else type(said).__name__
    message = recognise(said)
    if message is None:
        return str(said)
    return fmt(translate(message.context, message.source), *(tr(value) for value in message.args))


def checked_money_format(money_format: MoneyFormat | None) -> MoneyFormat:
    """``money_format``, or the store's (``pos_app.money.store_format()``) when None; anything else (e.g. a
    QLocale: the UI language must not decide money) is a TypeError."""
    if money_format is None:
        return money.store_format()
    if not isinstance(money_format, MoneyFormat):
        raise TypeError(f"expected a pos_app.money.MoneyFormat, not {type(money_format).__name__}")
    return money_format


def format_amount(value: Decimal, money_format: MoneyFormat | None = None, symbol: bool = True) -> str:
    """``value`` in the store's money format (or ``money_format``): ``$1,234.50`` / ``$1.234,50``."""
    return checked_money_format(money_format).format(value, symbol)


def format_money(value: Decimal, money_format: MoneyFormat | None = None) -> str:
    """US dollars in the STORE's money format (``pos_app.money.store_format()``, or ``money_format``), not
    the UI language's; a Decimal in whole cents (never a float)."""
    return format_amount(value, money_format)


def format_datetime(value: datetime, locale: QLocale | None = None, long: bool = False) -> str:
    """A timezone-aware time shown in the computer's zone, in the locale's own format."""
    if value.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    locale = locale or QLocale()
    qdt = QDateTime.fromMSecsSinceEpoch(int(value.timestamp() * 1000), QTimeZone.systemTimeZone())
    kind = QLocale.FormatType.LongFormat if long else QLocale.FormatType.ShortFormat
    return locale.toString(qdt, kind)


def format_date(value: date, locale: QLocale | None = None) -> str:
    locale = locale or QLocale()
    return locale.toString(QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat)
