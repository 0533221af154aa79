"""First-run set-up (and later, a manager's settings change): environment, API credentials, receipt
details and the store's money format, first manager.

Pages: Environment (Training is the default) -> API credentials (Sandbox/Live only) -> Store and receipt ->
First manager (Sandbox/Live, when no manager exists yet) -> Summary; or, for "Store server" (issue 20):
Environment -> Store server (address + one-time code, enrolled on a worker: ``ui/shell/store_setup``) -> Store
and receipt (the lane is the enrolled one) -> Summary. A store-mode counter keeps no key and no clerk file; the
code a manager made on the server is the approval (decision 0430).

- Everything it reads and writes goes through the application layer's ``Setup`` (``pos_app.counter.setup``):
  settings, API keys, clerk files, Sandbox test reports. Which environments already have a manager is read
  on a worker when the wizard opens (Next waits for it); Finish saves on a worker (the first manager's PIN is
  hashed there) and the wizard closes when that is done.
- "Test connection" makes a real, read-only call (``list_customers(page_size=1)``) with the typed user/key
  on a worker thread (``BackgroundOp``); the page cannot go on until the exact user+key shown passed, so
  a wrong key is caught here, not at the first payment. 401, 403, timeouts, refused connections and 5xx
  each get their own plain sentence.
- The key goes only to the keyring (``Setup.save_key``) when leaving the credentials page. With no
  keyring the page says so (and how to fix it) and offers "keep it in memory for this session only"; it
  never writes a file.
- The key is never put into the form (issue 14 §2): when this data folder already has a key for the API
  user shown, the key field stays empty and says so; leaving it empty keeps (and tests) the saved key, but
  only for that same API user: another API user needs its key typed. Saved keys are bound to the data
  folder's installation id, so a new data folder finds none.
- Going Live needs a manager: when one exists, the Environment page asks for a manager approval
  (``ManagerAction.GO_LIVE``); on a first run the manager created on the manager page approves it, and
  that approval is recorded too.
- Going Live needs a passed Sandbox test payment (issue 14 §4, decision 0207): the newest passed report in
  ``conformance_dir`` (written by Manager → "Sandbox test payment…") is named in the GO_LIVE approval's
  subject; without one the Environment page offers "Go Live without a passed Sandbox test payment", an
  explicit override that the GO_LIVE approval records as such (subject starts with ``override``).
- Every Sandbox/Live set-up is approved in that environment's clerk file (issue 14 §1): the approval that
  opened the wizard (``approval``, given in this run's clerk file) counts only for this run's environment;
  otherwise, when that file has a manager, the Environment page asks one (SETTINGS, or GO_LIVE when
  switching to Live). A first manager created here approves the set-up; Finish records a ``settings``
  event naming the environment and API user in that file. ``Setup.environments`` limits the choice (a
  ``--training`` run offers Training only: it never touches Sandbox/Live).
- The money format (``pos_app.money``: $1,234.56 or $1.234,56) is the store's, chosen on the store page
  (default: the current setting); it applies to every amount shown or typed from Finish on.
- Nothing is written to settings or the clerk file until Finish (the keyring entry, written earlier, is
  harmless on its own: it is found again by environment + API user).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from pos_app import money
from pos_app.config import Environment
from pos_app.counter import (
    TRAINING_MANAGER,
    Approval,
    AuthenticationError,
    ClerkError,
    KeyringUnavailable,
    ManagerAction,
    PaySimpleError,
    PermissionDeniedError,
    RequestTimeout,
    Role,
    ServerError,
    Settings,
    Setup,
    StorageError,
    TransportError,
    validate_pin,
)
from pos_app.ui.common.banner import COLOURS, EnvironmentBanner, environment_name
from pos_app.ui.common.i18n import Retranslating, fmt, tr
from pos_app.ui.common.ops import BackgroundOp, wait_for
from pos_app.ui.shell.login import ERROR_STYLE, clerk_message, form_layout, pin_edit
from pos_app.ui.shell.manager_approval import request_approval
from pos_app.ui.shell.store_setup import LANE_RE, StoreServerPage

if TYPE_CHECKING:
    from pos_app.counter import Approval

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

OK_STYLE = "color: #166534;"
NOTE_STYLE = "background: #fef3c7; color: #78350f; padding: 8px; border: 1px solid #f59e0b; border-radius: 4px;"

PAGE_ENVIRONMENT, PAGE_CREDENTIALS, PAGE_MERCHANT, PAGE_MANAGER, PAGE_SUMMARY, PAGE_STORE = range(6)


def connection_error_message(exc: BaseException, base_url: str) -> str:
    """What went wrong and what to do, for the person at the counter (never the key)."""
    url = urlsplit(base_url)
    where = (url.hostname or base_url) + (f":{url.port}" if url.port else "")
    if isinstance(exc, AuthenticationError):
        return translate("SetupWizard",
                         "PaySimple refused this API user or API key (401 Unauthorized). Copy both again from "
                         "PaySimple (Settings, API Keys); Sandbox and Live have different keys. If they are "
                         "right, check that this computer's date and time are correct.")
    if isinstance(exc, PermissionDeniedError):
        return translate("SetupWizard",
                         "PaySimple accepted the key but this API user may not read customers (403). "
                         "Ask PaySimple support to enable API access for it.")
    if isinstance(exc, RequestTimeout):
        return fmt(translate("SetupWizard",
                             "%1 did not answer in time. Check the internet connection and try again."), where)
    if isinstance(exc, TransportError):
        return fmt(translate("SetupWizard",
                             "Could not connect to %1. Check the network cable or Wi-Fi, a firewall or proxy, "
                             "then try again."), where)
    if isinstance(exc, ServerError):
        return fmt(translate("SetupWizard", "PaySimple had a problem (HTTP %1). Try again in a few minutes."),
                   exc.status or "5xx")
    if isinstance(exc, PaySimpleError):
        return fmt(translate("SetupWizard", "PaySimple gave an unexpected answer: %1"), str(exc))
    if isinstance(exc, ValueError):
        return fmt(translate("SetupWizard", "Check the API user and key: %1"), str(exc))
    return fmt(translate("SetupWizard", "The connection test failed (%1)."), type(exc).__name__)


def money_format_name(money_format: money.MoneyFormat) -> str:
    """How the store writes money, as the selector and the summary show it: "$1,234.56 (point for cents)"."""
    sample = money_format.format(Decimal("1234.56"))
    if money_format.decimal == ".":
        return fmt(translate("SetupWizard", "%1 (point for cents)"), sample)
    return fmt(translate("SetupWizard", "%1 (comma for cents)"), sample)


def _note(text: str, parent: QWidget, style: str = NOTE_STYLE) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class EnvironmentPage(Retranslating, QWizardPage):
    def __init__(self, wizard: SetupFlow) -> None:
        super().__init__()
        self.w = wizard
        self.live(self.setTitle, lambda: translate("SetupWizard", "Where should payments go?"))
        self.live(self.setSubTitle, lambda: translate("SetupWizard", "You can change this later (a manager must approve)."))
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        self.buttons: dict[Environment, QRadioButton] = {}
        texts = {
            Environment.TRAINING: lambda: translate("SetupWizard",
                                                    "Practise on this computer with made-up customers. No PaySimple "
                                                    "account needed, no money moves."),
            Environment.SANDBOX: lambda: translate("SetupWizard",
                                                   "Your PaySimple Sandbox (test) account. Needs its API user and "
                                                   "key; no real money moves."),
            Environment.LIVE: lambda: translate("SetupWizard",
                                                "Your real PaySimple account: cards and bank accounts are charged. "
                                                "Needs the Live API user and key and a manager's approval."),
        }
        for env in Environment:
            button = self.with_live(QRadioButton(self), lambda e=env: environment_name(e))
            button.setObjectName(f"env_{env.value}")
            font = button.font()
            font.setBold(True)
            button.setFont(font)
            self.group.addButton(button)
            self.buttons[env] = button
            text = self.with_live(QLabel(self), texts[env])
            text.setWordWrap(True)
            text.setContentsMargins(26, 0, 0, 8)
            text.setStyleSheet(f"color: #374151; border-left: 4px solid {COLOURS[env][0]}; padding-left: 8px;")
            layout.addWidget(button)
            layout.addWidget(text)
        self.store_button = self.with_live(QRadioButton(self), lambda: translate("SetupWizard", "Store server"))
        self.store_button.setObjectName("env_store")
        font = self.store_button.font()
        font.setBold(True)
        self.store_button.setFont(font)
        self.group.addButton(self.store_button)
        store_text = self.with_live(QLabel(self), lambda: translate(
            "SetupWizard", "This counter is one lane of the store: the store server holds the PaySimple key, the "
                           "clerks and the payments. Needs the server's address and a one-time enrollment code from "
                           "a manager."))
        store_text.setWordWrap(True)
        store_text.setContentsMargins(26, 0, 0, 8)
        store_text.setStyleSheet("color: #374151; border-left: 4px solid #4b5563; padding-left: 8px;")
        layout.addWidget(self.store_button)
        layout.addWidget(store_text)
        self.store_button.setEnabled(set(wizard.environments) != {Environment.TRAINING})
        layout.addStretch(1)
        self.training_only_note = self.with_live(_note("", self), lambda: translate(
            "SetupWizard", "This is a training run (started with --training): only training settings can be "
                           "changed here. To change where payments go, start the app without --training."))
        self.training_only_note.setObjectName("trainingOnlyNote")
        self.training_only_note.setVisible(set(wizard.environments) == {Environment.TRAINING})
        layout.addWidget(self.training_only_note)
        self.live_override = self.with_live(QCheckBox(self), lambda: translate(
            "SetupWizard", "Go Live without a passed Sandbox test payment (recorded as a manager's override)"))
        self.live_override.setObjectName("liveOverride")
        layout.addWidget(self.live_override)
        self.message = _note("", self, ERROR_STYLE)
        layout.addWidget(self.message)
        for env, button in self.buttons.items():
            button.setEnabled(env in wizard.environments)
        start = wizard.settings.env if wizard.settings.env in wizard.environments else wizard.environments[0]
        if wizard.settings.store_server and self.store_button.isEnabled():
            self.store_button.setChecked(True)
        else:
            self.buttons[start].setChecked(True)
        self.group.buttonToggled.connect(lambda *_: wizard.environment_changed())
        self.group.buttonToggled.connect(lambda *_: self._show_override())
        self._show_override()

    def store_mode(self) -> bool:
        """"Store server" is chosen."""
        return self.store_button.isChecked()

    def switching_to_live(self) -> bool:
        return not self.store_mode() and self.environment() is Environment.LIVE \
            and self.w.settings.env is not Environment.LIVE

    def _show_override(self) -> None:
        self.live_override.setVisible(self.switching_to_live() and self.w.sandbox_report() is None)

    def environment(self) -> Environment:
        if self.store_mode():  # the store server's PaySimple, known once enrolled
            enrolled = self.w.store_page.enrolled
            return enrolled.environment if enrolled is not None else Environment.SANDBOX
        for env, button in self.buttons.items():
            if button.isChecked():
                return env
        return Environment.TRAINING

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        env = self.environment()
        self.live(self.message.setText, lambda: "")
        if self.store_mode():
            return True  # the enrollment code, made by a manager on the server, approves it (decision 0430)
        if env not in self.w.environments:
            return False
        if env is Environment.TRAINING:
            return True
        if self.switching_to_live() and self.w.sandbox_report() is None and not self.live_override.isChecked():
            self.live(self.message.setText, lambda: translate(
                "SetupWizard", "Going Live needs a passed Sandbox test payment: in Sandbox, Manager → Sandbox "
                               "test payment…. Or tick the box above: a manager's approval records the override."))
            return False
        if not self.w.has_manager(env):
            return True  # the first manager is created on the manager page and approves there
        switching_live = self.switching_to_live()
        action = ManagerAction.GO_LIVE if switching_live else ManagerAction.SETTINGS
        if self.w.approval_in(env, action) is None:
            approved = self.w.ask_approval(env, action,
                                           subject=self.w.go_live_subject() if switching_live else None)
            if approved is None:
                self.live(self.message.setText, lambda: translate("SetupWizard", "Switching to Live needs a manager's approval.") if switching_live
                    else fmt(translate("SetupWizard", "Changing the %1 settings needs the approval of a %1 "
                                                      "manager."), environment_name(env)))
                return False
            self.w.approvals[(env, action)] = approved
        return True

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.w.ready  # which clerk files have a manager is read first (a worker)

    def nextId(self) -> int:  # noqa: N802 - Qt override
        if self.store_mode():
            return PAGE_STORE
        return PAGE_MERCHANT if self.environment() is Environment.TRAINING else PAGE_CREDENTIALS


class CredentialsPage(Retranslating, QWizardPage):
    def __init__(self, wizard: SetupFlow) -> None:
        super().__init__()
        self.w = wizard
        self._passed: tuple[str, str, str] | None = None  # (env, user, key) that passed the test
        self.saved_user = ""  # the API user this data folder has a saved key for (shown page's environment)
        self.store_name = ""  # the password store that keeps the keys (read with the keyring's state)
        self._op: BackgroundOp | None = None
        self.live(self.setTitle, lambda: translate("SetupWizard", "PaySimple API credentials"))
        self.user = QLineEdit(self)
        self.user.setObjectName("apiUser")
        self.user.setMaxLength(100)
        self.key = QLineEdit(self)
        self.key.setObjectName("apiKey")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText)
        self.test_button = self.with_live(QPushButton(self), lambda: translate("SetupWizard", "Test connection"))
        self.test_button.setObjectName("testConnection")
        self.test_button.setAutoDefault(False)  # Enter in a field is the wizard's Next (store_setup: Enroll)
        self.test_button.clicked.connect(self.start_test)
        self.status = QLabel(self)
        self.status.setObjectName("connectionStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.keyring_note = _note(no_keyring_text(), self)
        self.keyring_note.setObjectName("keyringNote")
        self.session_only = self.with_live(QCheckBox(self), lambda: translate("SetupWizard", "Keep the key in memory for this session only"))
        self.session_only.setObjectName("sessionOnly")
        self.store_note = QLabel(self)
        self.store_note.setWordWrap(True)
        self.store_note.setStyleSheet("color: #4b5563;")

        form = form_layout()
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "API user")), self.user)
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "API key")), self.key)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.store_note)
        layout.addStretch(1)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.session_only)
        for edit in (self.user, self.key):
            edit.textChanged.connect(self._edited)
        self.session_only.toggled.connect(self.completeChanged)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        env = self.w.environment()
        self.live(self.setSubTitle, lambda: fmt(translate("SetupWizard",
                                       "From PaySimple: Settings, API Keys, for your %1 account. "
                                       "The key is kept in this computer's password store (keyring), "
                                       "never in a file."), environment_name(env)))
        user = self.w.settings.api_users.get(env.value, "")
        if user and not self.user.text():
            self.user.setText(user)
        # Only whether a key is saved for this data folder + user; the key itself never enters the form. The
        # keyring is asked on a worker (it may be slow, or a locked store may ask the OS).
        setup = self.w.setup
        saved, available, self.store_name = wait_for(
            lambda: (setup.has_saved_key(env, user), setup.keyring_available(), setup.key_store_name()), "keyring")
        self.saved_user = user if saved else ""
        self._show_saved_key()
        self._show_keyring_state(available)

    def _uses_saved_key(self) -> bool:
        return not self.key.text().strip() and bool(self.saved_user) and self.user.text().strip() == self.saved_user

    def _show_saved_key(self) -> None:
        if self.saved_user and self.user.text().strip() == self.saved_user:
            self.live(self.key.setPlaceholderText, lambda: translate("SetupWizard", "Saved on this computer: leave empty to keep it, "
                                                                 "or type a new key"))
        elif self.saved_user:
            self.live(self.key.setPlaceholderText, lambda: translate("SetupWizard", "Another API user: type its API key"))
        else:
            self.key.setPlaceholderText("")

    def _show_keyring_state(self, available: bool) -> None:
        self.keyring_note.setVisible(not available)
        self.session_only.setVisible(not available)
        name = self.store_name
        self.live(self.store_note.setText, lambda: fmt(translate("SetupWizard", "The key will be stored in: %1"), name)
                  if available else "")
        self.completeChanged.emit()

    def _current(self) -> tuple[str, str, str]:
        return (self.w.environment().value, self.user.text().strip(), self.key.text().strip())

    def _edited(self) -> None:
        if self._passed is not None and self._passed != self._current():
            self._passed = None
            self.live(self.status.setText, lambda: "")
        self._show_saved_key()
        self.completeChanged.emit()

    @property
    def testing(self) -> bool:
        return self._op is not None and not self._op.finished

    def start_test(self) -> None:
        env, user, key = self._current()
        if not user or not (key or self._uses_saved_key()):
            self._say(lambda: translate("SetupWizard", "Type the API user and the API key first."), False)
            return
        base_url = self.w.setup.base_url(Environment(env))
        if self.test_button.hasFocus():  # else disabling it hands the focus on to Back: Enter would go back
            self.key.setFocus()
        self.test_button.setEnabled(False)
        self.status.setStyleSheet("color: #374151;")
        self.live(self.status.setText, lambda: translate("SetupWizard", "Testing the connection…"))
        attempt = (env, user, key)

        def done(total: int) -> None:
            self.test_button.setEnabled(True)
            if attempt != self._current():
                return  # edited while testing: that result is for other credentials
            self._passed = attempt
            self._say(lambda: fmt(translate("SetupWizard", "Connected. Customers in this account: %1."), total), True)
            self.completeChanged.emit()
            if self.isVisible() and self.isComplete():  # Enter (or Space) goes on
                self.w.button(QWizard.WizardButton.NextButton).setFocus()

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            log.info("connection test failed: %s", type(exc).__name__)
            self._say(lambda: connection_error_message(exc, base_url), False)

        setup = self.w.setup

        def check(_ctx) -> int:  # the saved key (key None) is read on the worker and only used for the request
            return setup.test_connection(Environment(env), user, key or None)

        self._op = BackgroundOp(check, on_done=done, on_error=failed, label="connection test").start()

    def _say(self, text: str | Callable[[], str], ok: bool) -> None:
        """The connection test's result (a callable follows a language switch)."""
        self.status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.live(self.status.setText, text if callable(text) else (lambda: text))

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        if self._passed is None or self._passed != self._current():
            return False
        return not self.session_only.isVisible() or self.session_only.isChecked()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        env, user, key = self._current()
        if not key:
            if not self._uses_saved_key():
                return False
            self.w.key_storage = "keyring"  # the key saved for this user stays as it is
            return True
        session_only = self.session_only.isVisible() and self.session_only.isChecked()
        setup = self.w.setup
        try:
            self.w.key_storage = wait_for(lambda: setup.save_key(Environment(env), user, key, session_only=session_only),
                                          "save key")
        except KeyringUnavailable:
            self._show_keyring_state(False)
            return False
        return True


def no_keyring_text() -> str:
    return translate("SetupWizard",
                     "This computer has no password store (keyring) the app can use, so the API key cannot be "
                     "saved. To fix it on a Linux desktop, install and unlock GNOME Keyring or KWallet (package "
                     "\"gnome-keyring\"), then restart the app. Or keep the key in memory for this session only: "
                     "you will be asked for it again at the next start. The key is never written to a file.")


def kept(typed: str, before: str) -> str:
    """What to save for a store detail: ``before`` itself when the field still shows it (in the UI language:
    one of our translated defaults stays the default), else what was typed."""
    return before if typed == tr(before).strip() else typed


class MerchantPage(Retranslating, QWizardPage):
    def __init__(self, wizard: SetupFlow) -> None:
        super().__init__()
        self.w = wizard
        self.live(self.setTitle, lambda: translate("SetupWizard", "Store and receipt"))
        self.live(self.setSubTitle, lambda: translate("SetupWizard", "Printed at the top and bottom of every receipt."))
        m = wizard.settings.merchant
        # Our defaults (a store that has not named itself yet) in the UI language; ``kept`` saves them back as
        # the defaults, so they keep following the language.
        self.name = QLineEdit(tr(m.name), self)
        self.name.setObjectName("merchantName")
        self.address = QLineEdit(tr(m.address), self)
        self.address.setObjectName("merchantAddress")
        self.phone = QLineEdit(m.phone, self)
        self.phone.setObjectName("merchantPhone")
        self.footer = QLineEdit(tr(m.footer), self)
        self.footer.setObjectName("merchantFooter")
        self.lane = QLineEdit(wizard.settings.lane, self)
        self.lane.setObjectName("lane")
        self.lane.setMaxLength(20)
        self.live(self.lane.setToolTip, lambda: translate("SetupWizard", "A name for this counter: letters, digits and _ only."))
        for edit in (self.name, self.address, self.phone, self.footer):
            edit.setMaxLength(80)
        self.money_format = QComboBox(self)
        self.money_format.setObjectName("moneyFormat")
        for index, (code, money_format) in enumerate(money.FORMATS.items()):
            self.money_format.addItem("", code)
            self.live(lambda text, i=index: self.money_format.setItemText(i, text),
                      lambda f=money_format: money_format_name(f), key=("money format", index))
        self._defaults = {edit: value for edit, value in ((self.name, m.name), (self.address, m.address),
                                                          (self.footer, m.footer))}
        self._shown = {edit: edit.text() for edit in self._defaults}
        self.money_format.setCurrentIndex(max(0, self.money_format.findData(wizard.settings.money_format)))
        self.live(self.money_format.setToolTip, lambda: translate("SetupWizard", "How amounts are shown, typed and printed at this "
                                                              "store, whatever the language of the screens."))
        self.message = _note("", self, ERROR_STYLE)
        form = form_layout(self)
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "Store name")), self.name)
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "Address")), self.address)
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "Phone")), self.phone)
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "Receipt footer")), self.footer)
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "Counter (lane)")), self.lane)
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "Money format")), self.money_format)
        form.addRow(self.message)

    def retranslate(self) -> None:
        """Labels in the current language; a store detail still showing our default shows it in the new one."""
        super().retranslate()
        for edit, value in getattr(self, "_defaults", {}).items():
            if edit.text() == self._shown[edit]:
                edit.setText(tr(value))
                self._shown[edit] = edit.text()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if not self.name.text().strip():
            self.live(self.message.setText, lambda: translate("SetupWizard", "Enter the store name (it is printed on receipts)."))
            self.name.setFocus()
            return False
        if not LANE_RE.fullmatch(self.lane.text().strip()):
            self.live(self.message.setText, lambda: translate("SetupWizard",
                                           "The counter name must be 1 to 20 letters, digits or _ (e.g. LANE1)."))
            self.lane.setFocus()
            return False
        self.live(self.message.setText, lambda: "")
        return True

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        enrolled = self.w.store_page.enrolled if self.w.store_mode() else None
        if enrolled is not None:
            self.lane.setText(enrolled.lane)  # the name the server enrolled
        self.lane.setReadOnly(enrolled is not None)

    def nextId(self) -> int:  # noqa: N802 - Qt override
        if self.w.store_mode():
            return PAGE_SUMMARY  # the clerks are the store server's
        env = self.w.environment()
        if env is not Environment.TRAINING and not self.w.has_manager(env):
            return PAGE_MANAGER
        return PAGE_SUMMARY


class ManagerPage(Retranslating, QWizardPage):
    def __init__(self, wizard: SetupFlow) -> None:
        super().__init__()
        self.w = wizard
        self.live(self.setTitle, lambda: translate("SetupWizard", "First manager"))
        self.live(self.setSubTitle, lambda: translate("SetupWizard",
                                   "Managers approve voids, refunds, settings and going Live, and add clerks. "
                                   "Choose a PIN nobody can guess."))
        self.name = QLineEdit(self)
        self.name.setObjectName("managerName")
        self.name.setMaxLength(40)
        self.pin = pin_edit(self)
        self.pin.setObjectName("managerPin")
        self.pin2 = pin_edit(self)
        self.pin2.setObjectName("managerPin2")
        self.message = _note("", self, ERROR_STYLE)
        form = form_layout(self)
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "Manager name")), self.name)
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "PIN")), self.pin)
        form.addRow(self.with_live(QLabel(self), lambda: translate("SetupWizard", "PIN again")), self.pin2)
        form.addRow(self.message)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if not self.name.text().strip():
            self.live(self.message.setText, lambda: translate("ClerkMessages", "Please enter a name."))
            return False
        try:
            validate_pin(self.pin.text(), Role.MANAGER)  # the first Sandbox/Live manager: 6+ digits
        except ClerkError as exc:
            refused = exc  # the name ``exc`` ends with the except block; the message is made again on a switch
            self.live(self.message.setText, lambda: clerk_message(refused))
            return False
        if self.pin.text() != self.pin2.text():
            self.live(self.message.setText, lambda: translate("SetupWizard", "The two PINs are different. Type them again."))
            self.pin.clear()
            self.pin2.clear()
            return False
        self.live(self.message.setText, lambda: "")
        return True


class SummaryPage(Retranslating, QWizardPage):
    def __init__(self, wizard: SetupFlow) -> None:
        super().__init__()
        self.w = wizard
        self.live(self.setTitle, lambda: translate("SetupWizard", "Ready"))
        self.live(self.setSubTitle, lambda: translate("SetupWizard", "Check the details, then press Finish."))
        self.text = QLabel(self)
        self.text.setObjectName("summary")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.message = _note("", self, ERROR_STYLE)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)
        layout.addWidget(self.message)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.live(self.text.setText, self._summary)

    def _summary(self) -> str:
        w = self.w
        env = w.environment()
        lines = [fmt(translate("SetupWizard", "Environment: %1"), environment_name(env))]
        enrolled = w.store_page.enrolled if w.store_mode() else None
        if enrolled is not None:
            lines.append(fmt(translate("SetupWizard", "Store server: %1 (certificate %2)"), enrolled.url,
                             enrolled.pretty_fingerprint))
            lines.append(translate("SetupWizard", "This counter keeps no PaySimple key: clerks sign in with their "
                                                  "store server PIN."))
        elif env is Environment.TRAINING:
            lines.append(fmt(translate("SetupWizard",
                                       "Training needs no PaySimple account. Sign in as %1 with PIN %2."),
                             TRAINING_MANAGER[0], TRAINING_MANAGER[1]))
        else:
            lines.append(fmt(translate("SetupWizard", "API user: %1"), w.credentials_page.user.text().strip()))
            lines.append(translate("SetupWizard", "API key: kept in memory for this session only")
                         if w.key_storage == "session"
                         else fmt(translate("SetupWizard", "API key: saved in %1"), w.credentials_page.store_name))
        m = w.merchant_page
        lines.append(fmt(translate("SetupWizard", "Receipt: %1, %2 %3"), m.name.text().strip(),
                         m.address.text().strip(), m.phone.text().strip()).strip())
        lines.append(fmt(translate("SetupWizard", "Counter: %1"), m.lane.text().strip()))
        lines.append(fmt(translate("SetupWizard", "Money: %1"),
                         money_format_name(money.get_format(m.money_format.currentData()))))
        if w.hasVisitedPage(PAGE_MANAGER):
            lines.append(fmt(translate("SetupWizard", "First manager: %1"), w.manager_page.name.text().strip()))
        return "\n".join(lines)

    def nextId(self) -> int:  # noqa: N802 - Qt override
        return -1  # the last page of every path: Finish (the store page has a higher id but comes earlier)


class SetupFlow(Retranslating, QWizard):
    """The pages and their logic; shown inside :class:`SetupWizard` (under the environment banner).
    ``ready``: which clerk files have a manager has been read; ``saving``: Finish is being saved."""

    def __init__(self, settings: Settings, setup: Setup, owner: SetupWizard,
                 approval: Approval | None = None) -> None:
        super().__init__(owner)
        self.setup = setup
        self.environments = setup.environments
        # (environment of the clerk file, action) -> the approval given for it in this wizard (or that opened it)
        self.approvals: dict[tuple[Environment, ManagerAction], Approval] = {}
        if approval is not None:
            self.approvals[(setup.environment(settings), ManagerAction.SETTINGS)] = approval
        self.setWindowFlags(Qt.WindowType.Widget)
        self.owner = owner
        self.settings = settings
        self.key_storage = ""
        self._sandbox_report = None  # the newest passed Sandbox report (``sandbox_report``), once read
        self._sandbox_report_read = False
        self._managers: dict[Environment, bool] | None = None
        self._facts: BackgroundOp | None = None
        self._saving: BackgroundOp | None = None
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for which, text in ((QWizard.WizardButton.NextButton, lambda: translate("SetupWizard", "Next")),
                            (QWizard.WizardButton.BackButton, lambda: translate("SetupWizard", "Back")),
                            (QWizard.WizardButton.FinishButton, lambda: translate("SetupWizard", "Finish")),
                            (QWizard.WizardButton.CancelButton, lambda: translate("SetupWizard", "Cancel"))):
            self.live(lambda t, b=which: self.setButtonText(b, t), text, key=("button", which))
        self.environment_page = EnvironmentPage(self)
        self.credentials_page = CredentialsPage(self)
        self.merchant_page = MerchantPage(self)
        self.manager_page = ManagerPage(self)
        self.summary_page = SummaryPage(self)
        self.store_page = StoreServerPage(self, PAGE_MERCHANT)
        for page_id, page in ((PAGE_ENVIRONMENT, self.environment_page), (PAGE_CREDENTIALS, self.credentials_page),
                              (PAGE_MERCHANT, self.merchant_page), (PAGE_MANAGER, self.manager_page),
                              (PAGE_SUMMARY, self.summary_page), (PAGE_STORE, self.store_page)):
            self.setPage(page_id, page)
        self.setStartId(PAGE_ENVIRONMENT)
        self.currentIdChanged.connect(lambda _id: QTimer.singleShot(0, self._style_header))
        self._read_managers()

    def _read_managers(self) -> None:
        """Which of the offered environments' clerk files have a manager (a worker; Next waits for it)."""
        setup, environments = self.setup, self.environments

        def read(_ctx) -> dict[Environment, bool]:
            return {env: setup.clerks_for(env).has_manager() for env in environments}

        def failed(exc: BaseException) -> None:
            self._managers = {}
            self.live(self.environment_page.message.setText, lambda: clerk_message(exc) if isinstance(exc, ClerkError | StorageError)
                                                  else fmt(translate("SetupWizard", "The clerk file cannot be "
                                                                     "read (%1)."), type(exc).__name__))
            self.environment_page.completeChanged.emit()

        def done(managers: dict[Environment, bool]) -> None:
            self._managers = managers
            self.environment_page.completeChanged.emit()

        self._facts = BackgroundOp(read, on_done=done, on_error=failed, label="set-up facts").start()

    @property
    def ready(self) -> bool:
        return self._managers is not None

    @property
    def saving(self) -> bool:
        return self._saving is not None and not self._saving.finished

    def has_manager(self, env: Environment) -> bool:
        """Read when the wizard opened (unknown counts as no manager: the manager page then asks for one)."""
        return bool((self._managers or {}).get(Environment(env)))

    def _style_header(self) -> None:
        """A larger page title: QWizard's header labels otherwise take the app's 14 px body size."""
        page = self.currentPage()
        if page is None:
            return
        for label in self.findChildren(QLabel):
            if page.isAncestorOf(label):
                continue
            if label.text() == page.title():
                label.setStyleSheet("font-size: 20px; font-weight: 700; color: #111827;")
            elif label.text() == page.subTitle():
                label.setStyleSheet("color: #4b5563;")

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._style_header()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Enter presses the focused button; anywhere else on a page it is Next (or Finish on the last page).
        QDialog's own default-button search is not used: embedded in :class:`SetupWizard`, a page's button or
        Back that once had the focus stayed the default, so Enter in a field did nothing or went back."""
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            focused = QApplication.focusWidget()
            if isinstance(focused, QPushButton) and self.isAncestorOf(focused):
                if focused.isEnabled():
                    focused.click()
                event.accept()
                return
            for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton):
                button = self.button(which)
                if button.isVisible():
                    if button.isEnabled():
                        button.click()
                    event.accept()
                    return
        super().keyPressEvent(event)

    def environment(self) -> Environment:
        return self.environment_page.environment()

    def store_mode(self) -> bool:
        return self.environment_page.store_mode()

    def environment_changed(self) -> None:
        self.owner.banner.set_environment(self.environment())

    def approval_in(self, env: Environment, action: ManagerAction) -> Approval | None:
        """An approval for ``action`` already given in ``env``'s clerk file during this wizard."""
        return self.approvals.get((Environment(env), action))

    def ask_approval(self, env: Environment, action: ManagerAction, subject: str | None = None) -> Approval | None:
        return request_approval(self.owner, self.setup.clerks_for(env), action, env,
                                subject=subject or f"settings: {env.value}")

    def sandbox_report(self):
        """The newest passed Sandbox conformance report, or None (read from disk on a worker, once per wizard)."""
        if not self._sandbox_report_read:
            setup = self.setup
            self._sandbox_report = wait_for(setup.sandbox_report, "sandbox report")
            self._sandbox_report_read = True
        return self._sandbox_report

    def go_live_subject(self) -> str:
        report = self.sandbox_report()
        if report is not None:
            return f"go live: Sandbox test payment passed ({report.file})"
        return "override: go live without a passed Sandbox test payment"

    def accept(self) -> None:
        """Finish: the settings and the clerk file are written on a worker; the wizard closes when they are."""
        if self.saving:
            return
        env = self.environment()
        if env not in self.environments:
            self.live(self.summary_page.message.setText, lambda: translate("SetupWizard", "This environment cannot be set up from "
                                                                       "here."))
            return
        s = self.settings
        enrolled = self.store_page.enrolled if self.store_mode() else None
        if self.store_mode() and enrolled is None:
            self.summary_page.message.setText(translate("SetupWizard", "Enroll this counter with the store server "
                                                                       "first (Back)."))
            return
        s.environment = env.value
        s.store_server = {}
        if env is not Environment.TRAINING and enrolled is None:
            s.api_users[env.value] = self.credentials_page.user.text().strip()
        m = self.merchant_page
        s.merchant.name = kept(m.name.text().strip(), s.merchant.name)
        s.merchant.address = kept(m.address.text().strip(), s.merchant.address)
        s.merchant.phone = m.phone.text().strip()
        s.merchant.footer = kept(m.footer.text().strip(), s.merchant.footer)
        s.lane = m.lane.text().strip()
        s.money_format = m.money_format.currentData()
        s.setup_done = True
        first_manager = None
        if env is not Environment.TRAINING and self.hasVisitedPage(PAGE_MANAGER) and not self.has_manager(env):
            first_manager = (self.manager_page.name.text().strip(), self.manager_page.pin.text())
        approvals = {action: a for (e, action), a in self.approvals.items() if e is env}
        setup, subject = self.setup, self.go_live_subject() if env is Environment.LIVE else ""

        def saved(_result) -> None:
            money.set_store_format(s.money_format)
            log.info("set-up saved: environment %s, lane %s", env.value, s.lane)
            self.live(self.summary_page.message.setText, lambda: "")
            QWizard.accept(self)

        def failed(exc: BaseException) -> None:
            self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
            if isinstance(exc, ClerkError | StorageError):  # settings or clerk file: names the file, next step
                self.live(self.summary_page.message.setText, lambda: clerk_message(exc))
            else:
                log.error("set-up not saved: %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
                self.live(self.summary_page.message.setText, lambda: fmt(translate("SetupWizard", "The set-up was not saved (%1)."),
                                                      type(exc).__name__))

        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.live(self.summary_page.message.setText, lambda: translate("SetupWizard", "Saving…"))
        # Saved on the GUI thread, while the wizard is modal (a few small local files): two test runs ended in a
        # segfault while a worker saved under the wizard's exec(); until that is understood, no worker here.
        try:
            if enrolled is not None:
                result = setup.apply_store(s, enrolled)
            else:
                result = setup.apply(s, first_manager=first_manager, approvals=approvals, go_live_subject=subject)
        except Exception as exc:  # noqa: BLE001 - shown on the summary page, Finish enabled again
            failed(exc)
        else:
            saved(result)


class SetupWizard(Retranslating, QDialog):
    """The set-up window: the environment banner above the wizard pages (``flow``).

    After it is accepted the settings were saved through ``Setup.apply``; ``flow.key_storage`` is "keyring",
    "session" or "" (training). ``approval``: the manager approval that opened it (this run's clerk file).
    """

    def __init__(self, settings: Settings, setup: Setup, parent: QWidget | None = None,
                 approval: Approval | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self.live(self.setWindowTitle, lambda: translate("SetupWizard", "Counter set-up"))
        self.setMinimumSize(660, 560)
        self.banner = EnvironmentBanner(settings.env, self)
        self.flow = SetupFlow(settings, setup, self, approval)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.flow, 1)
        self.flow.finished.connect(self.done)
        self.flow.environment_changed()

    @property
    def ready(self) -> bool:
        return self.flow.ready

    @property
    def settings(self) -> Settings:
        return self.flow.settings
