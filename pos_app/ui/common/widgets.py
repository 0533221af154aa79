"""Small widgets of the counter window: environment banner, search results, payment methods, task bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from pos_app.config import Environment
from pos_app.counter import brand_name
from pos_app.ui.common.banner import environment_detail, environment_name, environment_title
from pos_app.ui.common.i18n import Retranslating, fmt
from pos_app.ui.common.theme import BANNER, GREEN, RED
from pos_app.ui.counter.cards import card_expired, is_card

if TYPE_CHECKING:
    from pos_app.counter import AchAccount, CreditCardAccount, CustomerHit

translate = QCoreApplication.translate

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
ACCOUNT_ROLE = Qt.ItemDataRole.UserRole + 2


class EnvBanner(Retranslating, QLabel):
    def __init__(self, environment: Environment, lane: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        bg, fg, _english = BANNER[environment]
        # Same words and layout as the shell's banner (pos_app.ui.common.banner), in the UI language.
        self._environment, self._lane, self._store = environment, lane, ""
        self.live(self.setText, self._words)
        self.setStyleSheet(f"#banner {{ background: {bg}; color: {fg}; }}")
        self.live(self.setAccessibleName, lambda: fmt(translate("EnvBanner", "Environment: %1"), environment_name(environment)))

    def _words(self) -> str:
        env = self._environment
        text = f"{environment_title(env)} · {environment_detail(env)}      " + fmt(translate("EnvBanner", "Lane %1"),
                                                                                  self._lane)
        if self._store:
            text += "      " + fmt(translate("EnvBanner", "Store server: %1"), self._store)
        return text

    def show_store(self, host: str) -> None:
        """Store mode: the banner also names the store server this counter works through (``host:port``)."""
        self._store = host
        self.live(self.setText, self._words)


class _HitDelegate(QStyledItemDelegate):
    """Two lines per customer: the name in bold, then what tells same-name customers apart. A near match
    (the search corrected a typo) has its name in italics and its second line starts with "Near match"."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        return QSize(0, 52)  # the list's width decides; the text is elided to fit

    def paint(self, painter: QPainter, option, index) -> None:
        hit: CustomerHit | None = index.data(HIT_ROLE)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(option.rect, QColor("#dbeafe" if selected else ("#ffffff" if index.row() % 2 == 0
                                                                        else "#f8fafc")))
        if selected:
            painter.fillRect(QRect(option.rect.left(), option.rect.top(), 4, option.rect.height()), QColor("#2563eb"))
        if hit is not None:
            r = option.rect.adjusted(12, 6, -10, -6)
            bold = QFont(option.font)
            if option.font.pixelSize() > 0:
                bold.setPixelSize(option.font.pixelSize() + 1)
            else:
                bold.setPointSizeF(option.font.pointSizeF() + 1)
            bold.setBold(True)
            near = hit.matched == "near"
            bold.setItalic(near)
            painter.setFont(bold)
            painter.setPen(QColor("#374151" if near else "#111827"))
            title = hit.display_name + (f"  ·  {hit.company}" if hit.company else "")
            title = QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight, r.width())
            painter.drawText(QRect(r.left(), r.top(), r.width(), r.height() // 2),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
            painter.setFont(option.font)
            painter.setPen(QColor("#52606d"))
            subtitle = QFontMetrics(option.font).elidedText(hit_subtitle(hit), Qt.TextElideMode.ElideRight,
                                                            r.width())
            painter.drawText(QRect(r.left(), r.top() + r.height() // 2, r.width(), r.height() // 2),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, subtitle)
        painter.restore()


def add_labelled_fields(layout, parent: QWidget, fields, spacing: int) -> None:
    """Add ``label widget`` pairs to a horizontal layout; each label is the buddy of its widget (Alt+key). A
    label's text may be a callable: it then follows a language switch (``parent`` is ``Retranslating``)."""
    for text, widget in fields:
        label = parent.with_live(QLabel(parent), text) if callable(text) else QLabel(text, parent)
        label.setBuddy(widget)
        layout.addWidget(label)
        layout.addWidget(widget)
        layout.addSpacing(spacing)


def hit_subtitle(hit: CustomerHit) -> str:
    """The second line of a result: "Near match" for a typo's match, then what tells same-name customers
    apart, or the phone (the number that matched, for a phone search), e-mail and city."""
    parts = [translate("ResultsList", "Near match")] if hit.matched == "near" else []
    if hit.disambiguation:
        parts.append(hit.disambiguation)
    else:
        parts += [p for p in (hit.phone, hit.email, hit.city) if p]
    if hit.local_only:
        parts.append(translate("ResultsList", "not in PaySimple yet"))
    return "  ·  ".join(parts)


class ResultsList(Retranslating, QListWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("results")
        self.setItemDelegate(_HitDelegate(self))
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.live(self.setAccessibleName, lambda: translate("ResultsList", "Customers found"))

    def retranslate(self) -> None:
        """The rows are painted in the current language ("Near match", "not in PaySimple yet")."""
        super().retranslate()
        for i in range(self.count()):
            hit = self.item(i).data(HIT_ROLE)
            self.item(i).setData(Qt.ItemDataRole.AccessibleTextRole, f"{hit.display_name} {hit_subtitle(hit)}")
        self.viewport().update()

    def show_hits(self, hits: list[CustomerHit]) -> None:
        self.clear()
        for hit in hits:
            item = QListWidgetItem()
            item.setData(HIT_ROLE, hit)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{hit.display_name} {hit_subtitle(hit)}")
            item.setText("")
            self.addItem(item)
        if hits:
            self.setCurrentRow(0)

    def current_hit(self) -> CustomerHit | None:
        item = self.currentItem()
        return item.data(HIT_ROLE) if item is not None else None


def account_label(account) -> tuple[str, str]:
    if is_card(account):
        return (brand_name(account.issuer) or translate("MethodsList", "Card"), "•••• " + account.last4)
    bank = account.bank_name or translate("MethodsList", "Bank")
    if account.is_checking_account:
        return (fmt(translate("MethodsList", "%1 (checking)"), bank), "•••• " + account.last4)
    return (fmt(translate("MethodsList", "%1 (savings)"), bank), "•••• " + account.last4)


def default_label(account) -> str:
    """The default flag, per kind: a customer has one default card and one default bank account."""
    return (translate("MethodsList", "Default card") if is_card(account)
            else translate("MethodsList", "Default bank account"))


class MethodsList(Retranslating, QTreeWidget):
    """Cards and bank accounts on file: type, number (masked), expiry, default flag, status.

    The default flag names its kind ("Default card", "Default bank account"): PaySimple keeps one of each, so
    a customer may have both. Accounts waiting for removal (no consent to keep them) never reach this list
    (``CounterBackend.accounts`` leaves them out)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("methods")
        self.setColumnCount(5)
        self.live(self.setHeaderLabels, lambda: [translate("MethodsList", "Type"), translate("MethodsList", "Number"),
                               translate("MethodsList", "Expires"), translate("MethodsList", "Default"),
                               translate("MethodsList", "Status")])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.live(self.setAccessibleName, lambda: translate("CustomerPanel", "Cards and bank accounts on file"))
        header = self.header()
        header.setStretchLastSection(True)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """At least the preset width, and never narrower than the (translated) header or the cells need."""
        header = self.header()
        for col, width in enumerate((230, 130, 100, 150)):
            self.setColumnWidth(col, max(width, header.sectionSizeHint(col), self.sizeHintForColumn(col)))

    @staticmethod
    def _cells(account, today) -> list[str]:
        kind, number = account_label(account)
        expired = is_card(account) and card_expired(account, today)
        expires = account.expiration_date if is_card(account) else "—"
        return [kind, number, expires, default_label(account) if account.is_default else "",
                translate("MethodsList", "Expired") if expired else translate("MethodsList", "OK")]

    def retranslate(self) -> None:
        """Headers and every row's words in the current language; the rows and the selection stay."""
        super().retranslate()
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            for column, text in enumerate(self._cells(item.data(0, ACCOUNT_ROLE), getattr(self, "_today", None))):
                item.setText(column, text)
        self._fit_columns()

    def show_accounts(self, cards: list[CreditCardAccount], ach: list[AchAccount], today=None) -> None:
        self.clear()
        self._today = today
        accounts = sorted(cards, key=lambda a: (not a.is_default, a.id)) + sorted(
            ach, key=lambda a: (not a.is_default, a.id))
        default_item = None
        for account in accounts:
            expired = is_card(account) and card_expired(account, today)
            item = QTreeWidgetItem(self._cells(account, today))
            item.setData(0, ACCOUNT_ROLE, account)
            item.setForeground(4, QColor(RED if expired else GREEN))
            if account.is_default:
                font = item.font(3)
                font.setBold(True)
                item.setFont(3, font)
            self.addTopLevelItem(item)
            if default_item is None and account.is_default and not expired:
                default_item = item
        self._fit_columns()
        first = default_item or (self.topLevelItem(0) if self.topLevelItemCount() else None)
        if first is not None:
            self.setCurrentItem(first)

    def current_account(self):
        item = self.currentItem()
        return item.data(0, ACCOUNT_ROLE) if item is not None else None

    def accounts(self) -> list:
        return [self.topLevelItem(i).data(0, ACCOUNT_ROLE) for i in range(self.topLevelItemCount())]


class TaskBar(Retranslating, QWidget):
    """Status-bar piece for long work: text + progress bar + Cancel."""

    cancelRequested = Signal()  # noqa: N815

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(False)
        self.cancel_button = self.with_live(QPushButton(self), lambda: translate("TaskBar", "Cancel"))
        self.cancel_button.clicked.connect(self.cancelRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)

    def show_progress(self, text: str | Callable[[], str], done: int = 0, total: int = 0,
                      cancellable: bool = True) -> None:
        """Show the work's text (a callable follows a language switch) and its progress."""
        self.setVisible(True)
        self.live(self.label.setText, text if callable(text) else (lambda: text))
        self.bar.setRange(0, total if total > 0 else 0)
        if total > 0:
            self.bar.setValue(done)
        self.cancel_button.setVisible(cancellable)

    def can_cancel(self) -> bool:
        """The task on the bar can be cancelled now (its Cancel button shows)."""
        return self.cancel_button.isVisible()

    def set_cancel_text(self, text: Callable[[], str]) -> None:
        """What the cancel button says (in the UI language, also after a switch)."""
        self.live(self.cancel_button.setText, text)

    def done(self) -> None:
        self.setVisible(False)
        self.set_cancel_text(lambda: translate("TaskBar", "Cancel"))
