"""The bank debit (ACH) authorization the clerk reads to the customer before any bank account is charged.

Before a bank debit is sent (a bank account on file, F5; or a new bank account, after PaySimple has stored it
and its last 4 digits are known), the counter shows the authorization: amount, date, the account (bank,
checking/savings, last 4), the merchant, and how to revoke it. The clerk reads it to the customer and ticks
that they agreed; no tick, no charge. The exact text shown is what the payments core journals with the
attempt (with the signed-in clerk) and prints on the receipt.

Decisions (docs/decisions/0165):
- Revoking: a one-time debit can be stopped until PaySimple's ACH void cut-off (5:00 PM Eastern, reference
  §5.2 "typically"), so the text names the next 5:00 PM Eastern, shown in the store's time zone, and the
  merchant's phone when settings have one; after that the customer asks for a refund.
- The text is written in the UI language (the clerk reads it aloud); the receipt carries it as read.
- Widgets: ``AchAuthorizationBox`` (text + tick box) is used inline by the new-bank-account form and inside
  ``AchAuthorizationDialog`` for a bank account on file. The dialog's Charge button stays disabled until the
  box is ticked, so Enter alone never charges.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common.i18n import Retranslating, fmt, format_amount, tr
from pos_app.ui.payments.receipt_print import format_local, long_year

if TYPE_CHECKING:
    from pos_app.counter import AchAccount, Settings

translate = QCoreApplication.translate

EASTERN = ZoneInfo("America/New_York")
ACH_CUTOFF = time(17, 0)  # PaySimple: ACH can typically be voided until 5 PM Eastern (reference §5.2)


def revoke_deadline(now: datetime) -> datetime:
    """The next 5:00 PM US/Eastern after ``now`` (until then a one-time debit can be voided)."""
    local = now.astimezone(EASTERN)
    cutoff = datetime.combine(local.date(), ACH_CUTOFF, EASTERN)
    if local >= cutoff:
        cutoff = datetime.combine(local.date() + timedelta(days=1), ACH_CUTOFF, EASTERN)
    return cutoff


def account_words(account: AchAccount) -> tuple[str, str, str]:
    """(bank name, "checking"/"savings" in the UI language, last 4) of an ``AchAccount``."""
    bank = (account.bank_name or "").strip() or translate("AchAuthorization", "my bank")
    kind = (translate("AchAuthorization", "checking") if account.is_checking_account
            else translate("AchAuthorization", "savings"))
    number = "".join(ch for ch in (account.account_number or "") if ch.isdigit())
    return bank, kind, number[-4:]


def authorization_text(*, merchant_name: str, merchant_phone: str, customer_name: str, amount: Decimal,
                       account, now: datetime, tz: tzinfo) -> str:
    """The words the clerk reads to the customer (and the receipt prints)."""
    bank, kind, last4 = account_words(account)
    day = now.astimezone(tz)
    locale = QLocale()
    today = locale.toString(QDate(day.year, day.month, day.day),
                            long_year(locale.dateFormat(QLocale.FormatType.ShortFormat)))
    deadline = format_local(revoke_deadline(now).astimezone(tz))
    merchant = tr(merchant_name).strip() or translate("AchAuthorization", "this store")
    lines = [
        fmt(translate("AchAuthorization", "Today, %1, I, %2, authorize %3 to debit my %4 account ending in %5 "
                                          "at %6 one time for %7."),
            today, customer_name, merchant, kind, last4, bank, format_amount(amount)),
        translate("AchAuthorization", "The debit may be returned by my bank (for example for insufficient "
                                      "funds); returned payments are not paid."),
    ]
    if merchant_phone.strip():
        lines.append(fmt(translate("AchAuthorization", "I can revoke this authorization by telling %1 before %2, "
                                                       "in person or by phone at %3; after that I can ask for a "
                                                       "refund."), merchant, deadline, merchant_phone.strip()))
    else:
        lines.append(fmt(translate("AchAuthorization", "I can revoke this authorization by telling %1 before %2; "
                                                       "after that I can ask for a refund."), merchant, deadline))
    return "\n".join(lines)


def authorization_for(settings: Settings | None, customer_name: str, account: AchAccount, amount: Decimal,
                      now: datetime) -> str:
    """``authorization_text`` with the merchant and the store time zone of the run's ``settings`` (None: the
    defaults, e.g. a screen without the shell)."""
    from pos_app.counter import Settings, store_timezone

    settings = settings or Settings()
    try:
        tz = store_timezone(settings.store_timezone)
    except ValueError:
        tz = store_timezone("")
    merchant = settings.merchant
    return authorization_text(merchant_name=merchant.name, merchant_phone=merchant.phone or "",
                              customer_name=customer_name, amount=amount, account=account, now=now, tz=tz)


class AchAuthorizationBox(Retranslating, QFrame):
    """The authorization to read aloud and the tick box that says it was read and agreed to."""

    toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("achAuthorization")
        self.title = self.with_live(QLabel(self), lambda: translate("AchAuthorization", "Read this to the customer before the bank debit:"))
        self.title.setObjectName("formHeader")
        self.title.setWordWrap(True)
        self.text = QLabel(self)
        self.text.setObjectName("achAuthorizationText")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setStyleSheet("QLabel { background: #ffffff; border: 1px solid #d9dee5; border-radius: 4px; "
                                "padding: 10px; font-size: 15px; }")
        self.agreed = self.with_live(QCheckBox(self), lambda: translate("AchAuthorization", "I read this to the customer and they agreed  "
                                                              "[Alt+A]"))
        self.agreed.setObjectName("achAgreed")
        agree_key = QShortcut(QKeySequence("Alt+A"), self.agreed)
        agree_key.setContext(Qt.ShortcutContext.WindowShortcut)
        agree_key.activated.connect(self._toggle)
        self.agreed.toggled.connect(self.toggled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.agreed)
        layout.addStretch(1)

    def _toggle(self) -> None:
        if self.agreed.isVisible() and self.agreed.isEnabled():
            self.agreed.toggle()
            self.agreed.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_text(self, text: str | Callable[[], str]) -> None:
        """The authorization to read (a callable follows a language switch); the tick box starts unticked."""
        self.live(self.text.setText, text if callable(text) else (lambda: text))
        self.agreed.setChecked(False)

    def retranslate(self) -> None:
        """The words in the current language. The customer has not heard the new words: a tick goes."""
        before = self.text.text()
        super().retranslate()
        if self.text.text() != before:
            self.agreed.setChecked(False)

    def authorization(self) -> str | None:
        """The text, only once the clerk ticked that it was read and agreed to."""
        return self.text.text() if self.agreed.isChecked() and self.text.text() else None


class AchAuthorizationDialog(Retranslating, QDialog):
    """Charge a bank account on file: who, how much, the authorization, the tick box; Charge only when ticked."""

    def __init__(self, parent: QWidget | None, summary: str | Callable[[], str], text: str | Callable[[], str]) -> None:
        """``summary`` (what is charged to whom) and ``text`` (the authorization): callables follow a language
        switch."""
        super().__init__(parent)
        self.setObjectName("achAuthorizationDialog")
        self.live(self.setWindowTitle, lambda: translate("AchAuthorization", "Bank debit authorization"))
        header = self.with_live(QLabel(self), summary if callable(summary) else (lambda: summary))
        header.setObjectName("formHeader")
        header.setWordWrap(True)
        self.box = AchAuthorizationBox(self)
        self.box.show_text(text)
        self.buttons = QDialogButtonBox(self)
        self.charge_button = self.with_live(self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole),
                                            lambda: translate("AchAuthorization", "Charge  [Enter]"))
        self.charge_button.setObjectName("primary")
        self.charge_button.setEnabled(False)
        self.charge_button.setDefault(True)
        self.with_live(self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole),
                       lambda: translate("AchAuthorization", "Cancel  [Esc]"))
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        self.box.toggled.connect(self.charge_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.box, 1)
        layout.addWidget(self.buttons)
        self.resize(560, 380)
        self.box.agreed.setFocus()

    def _check(self) -> None:
        if self.box.authorization() is None:
            return
        self.accept()

    @property
    def text(self) -> str | None:
        return self.box.authorization()
