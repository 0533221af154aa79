"""What a person can read on a screen, and which of it is English.

``visible_texts(widget)`` collects every text a window shows or can show on a look or a hover: its title,
labels, buttons, placeholders, read-only fields, combo-box entries, list/table/tree cells and headers, menus
(with their submenus), tab and group titles, tooltips, the status bar and a wizard page's titles.
``page_texts`` does the same for a web page and its frames (text, placeholders, titles, labels).

``EnglishWords`` reads the shipped catalogue (``resources/i18n/pos_app_es.ts``): a word is English when it
occurs in the catalogue's English sources but in none of its Spanish translations (so shared names such as
PaySimple, Visa or CVV are never English), minus a small allow-list of names. ``english_in(texts)`` lists the
texts that hold such a word, with the words.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QTabBar,
    QTextEdit,
    QWidget,
    QWizard,
)

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "resources" / "i18n" / "pos_app_es.ts"

#: Names and codes that read the same in both languages but happen not to occur in any translation.
ALLOWED = frozenset({
    "paysimple", "paysimplejs", "visa", "mastercard", "master", "amex", "discover", "american", "express", "cvv",
    "zip", "ach", "api", "csv", "pdf", "pin", "sqlite", "postgresql", "keyring", "qt", "pyside", "python", "linux",
    "windows", "ok", "id", "url", "json", "utc", "email", "e", "mail", "jwt", "http", "https", "www", "com",
    "sandbox", "live", "training", "trainee", "trainer", "ctrl", "alt", "shift", "tab", "f", "lane", "orderid",
})

_TOKEN = re.compile(r"\w+(?:'\w+)?")
_TAG = re.compile(r"<[^>]+>")


def words(text: str) -> list[str]:
    """The words of ``text``: runs of letters (HTML tags, entities, mnemonics and %1 placeholders dropped);
    a token with a digit or an underscore in it is a code or a reference (F6, LANE1-01M9…, 3035550100), and so
    is one or two capital letters (a state's code: OR, IN), not a word."""
    text = html.unescape(_TAG.sub(" ", text)).replace("&", "")
    text = re.sub(r"%\d+", " ", text)
    return [w.lower() for w in _TOKEN.findall(text)
            if not any(ch.isdigit() or ch == "_" for ch in w) and not (len(w) <= 2 and w.isupper())]


@dataclass
class EnglishWords:
    english: frozenset[str]
    sources: int = 0

    @classmethod
    def from_catalogue(cls, path: Path = CATALOGUE, allowed: frozenset[str] = ALLOWED) -> EnglishWords:
        root = ET.parse(path).getroot()
        source_words: set[str] = set()
        spanish_words: set[str] = set()
        count = 0
        for message in root.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            source_words.update(words(source))
            if translation is not None:
                texts = [translation.text or ""] + [n.text or "" for n in translation.findall("numerusform")]
                for text in texts:
                    spanish_words.update(words(text))
            count += 1
        return cls(frozenset(source_words - spanish_words - allowed), count)

    def in_text(self, text: str) -> list[str]:
        return sorted({w for w in words(text) if w in self.english})


@dataclass(frozen=True)
class Seen:
    where: str  # e.g. "CustomerPanel > QPushButton 'default_button'"
    text: str


@dataclass
class Findings:
    """English found on screens. ``data`` holds values that are the shop's data, not the app's words (a
    customer's e-mail, street or bank name): they are taken out of a text before it is checked."""

    english: EnglishWords
    hits: list[tuple[str, str, list[str]]] = field(default_factory=list)
    data: set[str] = field(default_factory=set)
    words_seen: dict[str, int] = field(default_factory=dict)  # screen -> how many words were read there

    def check(self, screen: str, texts: list[Seen]) -> None:
        self.words_seen[screen] = self.words_seen.get(screen, 0) + sum(len(words(t.text)) for t in texts)
        for seen in texts:
            text = seen.text
            for value in sorted(self.data, key=len, reverse=True):
                text = text.replace(value, " ")
            found = self.english.in_text(text)
            if found:
                self.hits.append((screen, f"{seen.where}: {seen.text!r}", found))

    def report(self) -> str:
        return "\n".join(f"[{screen}] {where}  <- {', '.join(found)}" for screen, where, found in self.hits)


def _plain(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    if fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _name(widget: QWidget) -> str:
    name = widget.objectName()
    return f"{type(widget).__name__}{' ' + repr(name) if name else ''}"


def _menu_texts(menu: QMenu, where: str, out: list[Seen]) -> None:
    if menu.title():
        out.append(Seen(f"{where} menu", menu.title()))
    for action in menu.actions():
        if not action.isVisible() or action.isSeparator():
            continue
        if action.text():
            out.append(Seen(f"{where} > {menu.title()!r} action", action.text()))
        if action.toolTip() and action.toolTip() != action.text().replace("&", ""):
            out.append(Seen(f"{where} > {menu.title()!r} tooltip", action.toolTip()))
        if action.menu() is not None:
            _menu_texts(action.menu(), f"{where} > {menu.title()!r}", out)


def _columns(model, parent: QModelIndex) -> int:
    try:
        return model.columnCount(parent)
    except TypeError:  # a list model keeps columnCount private: one column
        return 1


def _model_texts(view: QAbstractItemView, where: str, out: list[Seen], max_rows: int = 300) -> None:
    model = view.model()
    if model is None:
        return
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        count = (_columns(model, QModelIndex()) if orientation == Qt.Orientation.Horizontal
                 else min(model.rowCount(QModelIndex()), max_rows))
        for section in range(count):
            value = model.headerData(section, orientation, Qt.ItemDataRole.DisplayRole)
            if isinstance(value, str) and value and not value.isdigit():
                out.append(Seen(f"{where} header", value))

    def walk(parent: QModelIndex, depth: int) -> None:
        for row in range(min(model.rowCount(parent), max_rows)):
            for column in range(_columns(model, parent)):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if isinstance(value, str) and value:
                        out.append(Seen(f"{where} cell", value))
                widget = view.indexWidget(index)
                if widget is not None:
                    out.extend(visible_texts(widget, f"{where} cell widget"))
            if depth < 3 and model.rowCount(model.index(row, 0, parent)) > 0:
                walk(model.index(row, 0, parent), depth + 1)

    walk(QModelIndex(), 0)


def visible_texts(root: QWidget, where: str = "") -> list[Seen]:
    """Every text ``root`` and its visible children show (see the module docstring)."""
    out: list[Seen] = []
    where = where or _name(root)
    if root.isWindow() and root.windowTitle():
        out.append(Seen(f"{where} title", root.windowTitle()))
    if isinstance(root, QMainWindow) and root.menuWidget() is not None:
        for action in root.menuBar().actions():
            if action.isVisible() and action.menu() is not None:
                _menu_texts(action.menu(), f"{where} menubar", out)
    if isinstance(root, QMainWindow) and root.statusBar().currentMessage():
        out.append(Seen(f"{where} status bar", root.statusBar().currentMessage()))
    widgets = [root] + [w for w in root.findChildren(QWidget) if w.isVisibleTo(root) or w is root]
    for widget in widgets:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        label = f"{where} > {_name(widget)}"
        if widget.toolTip():
            out.append(Seen(f"{label} tooltip", _plain(widget.toolTip())))
        if isinstance(widget, QLabel) and widget.text():
            out.append(Seen(label, _plain(widget.text(), widget.textFormat())))
        elif isinstance(widget, QAbstractButton) and widget.text():
            out.append(Seen(label, widget.text()))
        elif isinstance(widget, QLineEdit):
            if widget.placeholderText():
                out.append(Seen(f"{label} placeholder", widget.placeholderText()))
            if widget.isReadOnly() and widget.text():
                out.append(Seen(label, widget.text()))
        elif isinstance(widget, QTextEdit | QPlainTextEdit):
            if widget.placeholderText():
                out.append(Seen(f"{label} placeholder", widget.placeholderText()))
            if widget.isReadOnly() and widget.toPlainText():
                out.append(Seen(label, widget.toPlainText()))
        elif isinstance(widget, QComboBox):
            out += [Seen(f"{label} item", widget.itemText(i)) for i in range(widget.count()) if widget.itemText(i)]
            if widget.isEditable() and widget.lineEdit() is not None and widget.lineEdit().placeholderText():
                out.append(Seen(f"{label} placeholder", widget.lineEdit().placeholderText()))
        elif isinstance(widget, QGroupBox) and widget.title():
            out.append(Seen(label, widget.title()))
        elif isinstance(widget, QTabBar):
            out += [Seen(f"{label} tab", widget.tabText(i)) for i in range(widget.count()) if widget.tabText(i)]
        elif isinstance(widget, QAbstractItemView):
            _model_texts(widget, label, out)
        elif isinstance(widget, QAbstractSpinBox):
            out += [Seen(label, t) for t in (getattr(widget, "prefix", lambda: "")(),
                                              getattr(widget, "suffix", lambda: "")(), widget.specialValueText()) if t]
        elif isinstance(widget, QProgressBar) and widget.isTextVisible() and widget.text():
            out.append(Seen(label, widget.text()))
        elif isinstance(widget, QMessageBox):
            for text in (widget.informativeText(), widget.detailedText()):
                if text:
                    out.append(Seen(label, _plain(text)))
        elif isinstance(widget, QWizard) and widget.currentPage() is not None:
            page = widget.currentPage()
            out += [Seen(f"{label} page", t) for t in (page.title(), page.subTitle()) if t]
        if isinstance(widget, QWidget) and widget.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu:
            out += [Seen(f"{label} context menu", a.text()) for a in widget.actions() if a.text() and a.isVisible()]
    return out


#: JavaScript that returns (as JSON) what a page (or frame) shows: text, placeholders, titles, aria labels,
#: values of buttons, options and the document title.
PAGE_TEXT_JS = r"""(function () {
  var out = [];
  if (document.title) out.push(document.title);
  if (document.body) out.push(document.body.innerText);
  document.querySelectorAll('[placeholder],[title],[aria-label],input[type=button],input[type=submit],option')
    .forEach(function (el) {
      if (el.closest('[hidden]')) return;
      ['placeholder', 'title', 'aria-label'].forEach(function (a) { if (el.getAttribute(a)) out.push(el.getAttribute(a)); });
      if (el.tagName === 'OPTION') out.push(el.textContent);
      else if (el.type === 'button' || el.type === 'submit') out.push(el.value);
    });
  return JSON.stringify(out);
})()"""
