"""Clerk sign-in, the lock screen, and the idle lock.

``LoginDialog`` asks for a clerk and PIN; the clerk list is read and the PIN checked by the application layer
(``ClerksApi.clerks`` / ``ClerksApi.sign_in``: scrypt, lockout, every attempt recorded) on a worker, while the
dialog says it is checking and stays responsive. As a lock screen (``locked_by=clerk``) it says who was signed
in; any clerk may sign in, which switches the clerk. ``IdleLock`` counts user input in every window of the app
and emits ``locked`` after N minutes without any; the shell then shows the lock screen.

Training shows the demo PINs on the sign-in screen (see ``pos_app.clerks``): they exist only in the
training clerk file.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QRegularExpressionValidator, QWindow
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.config import Environment
from pos_app.counter import (
    PIN_MAX,
    PIN_MIN,
    TRAINING_CLERK,
    TRAINING_MANAGER,
    Clerk,
    ClerkError,
    ClerksApi,
    SignedIn,
    StorageError,
)
from pos_app.ui.common.banner import EnvironmentBanner
from pos_app.ui.common.i18n import Retranslating, fmt, tr
from pos_app.ui.common.ops import BackgroundOp

log = logging.getLogger(__name__)
RETRY_CLERKS_MS = 5000  # store mode: the clerk list is asked again this often while the server is unreachable
translate = QCoreApplication.translate

ERROR_STYLE = "color: #b91c1c;"
BUSY_STYLE = "color: #374151;"


def clerk_message(exc: ClerkError) -> str:
    """The translated text for a ClerkError (its ``code`` picks the sentence), or a storage fault of the clerk
    file (``StorageError``: the file and the next step)."""
    if isinstance(exc, StorageError):
        return str(exc)
    code, values = exc.code, exc.values
    if code == "wrong_pin":
        left = values.get("left")
        if left:
            return fmt(translate("ClerkMessages", "Wrong name or PIN. Tries left before a lockout: %1."), left)
        return translate("ClerkMessages", "Wrong name or PIN.")
    if code == "locked_out":
        until = values["until"].astimezone()
        when = QTime(until.hour, until.minute).toString("HH:mm")
        return fmt(translate("ClerkMessages", "Too many wrong PINs. Try again after %1."), when)
    if code == "pin_format":
        low, high = values.get("min", PIN_MIN), values.get("max", PIN_MAX)
        if low > PIN_MIN:
            return fmt(translate("ClerkMessages", "A manager's PIN must be %1 to %2 digits."), low, high)
        return fmt(translate("ClerkMessages", "The PIN must be %1 to %2 digits."), low, high)
    if code == "clerk_file_tampered":
        return fmt(translate("ClerkMessages", "The clerk file was changed outside this app (clerk %1): sign-in, "
                                              "approvals and clerk changes are refused. Restore the clerk file "
                                              "(clerks.db) from a backup, or ask your support to set the clerks "
                                              "up again."), values.get("name", ""))
    if code == "pin_digits":
        return translate("ClerkMessages", "Type the PIN with the digits 0-9 only (other digit forms such as "
                                          "１２３４ or ١٢٣٤ are not accepted).")
    if code == "pin_required":
        return translate("ClerkMessages", "Type the PIN.")
    if code == "name_invalid":
        return translate("ClerkMessages", "The name contains a control or invisible formatting character: "
                                          "type it again.")
    if code == "approval_wrong_pin":
        return fmt(translate("ClerkMessages", "Wrong name or PIN. Tries left before approvals by this manager "
                                              "pause: %1. Wait %2 s before the next try."),
                   values.get("left"), values.get("wait"))
    if code == "approval_wait":
        return fmt(translate("ClerkMessages", "Wait %1 s before the next try."), values.get("seconds"))
    if code == "approval_locked":
        until = values["until"].astimezone()
        when = QTime(until.hour, until.minute).toString("HH:mm")
        return fmt(translate("ClerkMessages", "Too many wrong PINs: approvals by %1 are paused until %2. %1 can "
                                              "still sign in; another manager can approve."),
                   values.get("manager", ""), when)
    if code == "not_allowed":
        return translate("ClerkMessages", "Only a manager can do this.")
    if code == "reason_required":
        return translate("ClerkMessages", "Please give a reason.")
    if code == "name_required":
        return translate("ClerkMessages", "Please enter a name.")
    if code == "name_too_long":
        return translate("ClerkMessages", "The name is too long (at most 40 characters).")
    if code == "name_taken":
        return fmt(translate("ClerkMessages", "A clerk named %1 already exists."), values.get("name", ""))
    if code == "remove_self":
        return translate("ClerkMessages", "You cannot remove yourself.")
    if code == "last_manager":
        return translate("ClerkMessages", "The last manager cannot be removed.")
    if code == "no_such_clerk":
        return translate("ClerkMessages", "That clerk no longer exists.")
    return tr(exc)


def pin_edit(parent: QWidget | None = None) -> QLineEdit:
    """A masked, digits-only PIN field."""
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(PIN_MAX)
    edit.setValidator(QRegularExpressionValidator(r"[0-9]{0,8}", edit))  # ASCII digits: PINs are 0-9 only
    edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
    placeholder = lambda: fmt(translate("LoginDialog", "%1 to %2 digits"), PIN_MIN, PIN_MAX)  # noqa: E731
    if isinstance(parent, Retranslating):  # the dialog says it again after a language switch
        parent.live(edit.setPlaceholderText, placeholder)
    else:
        edit.setPlaceholderText(placeholder())
    return edit


def heading(text: str, parent: QWidget | None = None, size: float = 1.5) -> QLabel:
    """A bold title; a style sheet (not a QFont) so the app's ``QWidget { font-size }`` rule cannot shrink it."""
    label = QLabel(text, parent)
    label.setObjectName("shellHeading")
    label.setWordWrap(True)
    label.setStyleSheet(f"font-size: {round(14 * size)}px; font-weight: 700; color: #111827;")
    return label


def form_layout(parent: QWidget | None = None) -> QFormLayout:
    """Labels centred on their (padded, taller) fields."""
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setVerticalSpacing(10)
    return form


def primary_button(text: str, parent: QWidget | None = None) -> QPushButton:
    """The main action, styled by the app theme's ``QPushButton#primary`` (named before it is polished)."""
    button = QPushButton(text, parent)
    button.setObjectName("primary")
    button.setDefault(True)
    return button


class LoginDialog(Retranslating, QDialog):
    """Sign in (or unlock). After it is accepted, ``signed`` is the ``SignedIn`` and ``clerk`` the clerk.
    ``loaded`` is emitted once the clerk list is on screen; ``checking`` is True while a PIN is being checked."""

    loaded = Signal()

    def __init__(self, clerks: ClerksApi, environment: Environment | str, parent: QWidget | None = None,
                 locked_by: Clerk | None = None, store_name: str = "") -> None:
        super().__init__(parent)
        self.clerks = clerks
        self.environment = Environment(environment)
        self.locked_by = locked_by
        self.clerk: Clerk | None = None
        self.signed: SignedIn | None = None
        self.refused = ""
        self._check: BackgroundOp | None = None
        self._load: BackgroundOp | None = None
        self._submit_when_ready = False  # Enter came before the clerk list: sign in as soon as it is read
        self.setObjectName("loginDialog")
        self.live(self.setWindowTitle, lambda: translate("LoginDialog", "Screen locked") if locked_by
                            else translate("LoginDialog", "Sign in"))
        self.setMinimumWidth(460)

        self.banner = EnvironmentBanner(self.environment, self)
        self.title = self.with_live(heading("", self), lambda: translate("LoginDialog", "Screen locked") if locked_by
                             else translate("LoginDialog", "Sign in to the counter"))
        def sub() -> str:
            if locked_by:
                return fmt(translate("LoginDialog", "%1 was signed in. Sign in to continue (any clerk may)."),
                           locked_by.name)
            if store_name:
                return tr(store_name)  # our default name is translated while the store has not changed it
            return translate("LoginDialog", "Choose your name and type your PIN.")

        self.subtitle = self.with_live(QLabel(self), sub)
        self.subtitle.setWordWrap(True)
        self.subtitle.setStyleSheet("color: #4b5563;")

        self.name = QComboBox(self)
        self.name.setObjectName("clerkName")
        self.live(self.name.setAccessibleName, lambda: translate("LoginDialog", "Clerk"))
        if locked_by is not None:  # shown at once; the full list follows from the worker
            self.name.addItem(locked_by.name, locked_by.id)
        self.pin = pin_edit(self)
        self.pin.setObjectName("clerkPin")
        self.live(self.pin.setAccessibleName, lambda: translate("LoginDialog", "PIN"))
        self.message = QLabel(self)
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        form = form_layout()
        form.addRow(self.with_live(QLabel(self), lambda: translate("LoginDialog", "Clerk")), self.name)
        form.addRow(self.with_live(QLabel(self), lambda: translate("LoginDialog", "PIN")), self.pin)

        self.buttons = QDialogButtonBox(self)
        self.sign_in = self.with_live(primary_button("", self), lambda: translate("LoginDialog", "Sign in"))
        self.buttons.addButton(self.sign_in, QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in.setDefault(True)
        if locked_by is None:
            self.with_live(self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole), lambda: translate("LoginDialog", "Quit"))
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)

        body = QVBoxLayout()
        body.setContentsMargins(24, 18, 24, 18)
        body.setSpacing(10)
        body.addWidget(self.title)
        body.addWidget(self.subtitle)
        body.addSpacing(6)
        body.addLayout(form)
        body.addWidget(self.message)
        if self.environment is Environment.TRAINING:
            self.hint = self.with_live(QLabel(self), lambda: fmt(translate("LoginDialog",
                                             "Training: sign in as %1 (manager, PIN %2) or %3 (clerk, PIN %4)."),
                                   TRAINING_MANAGER[0], TRAINING_MANAGER[1], TRAINING_CLERK[0], TRAINING_CLERK[1]))
            self.hint.setObjectName("trainingHint")
            self.hint.setWordWrap(True)
            self.hint.setFrameShape(QFrame.Shape.StyledPanel)
            self.hint.setStyleSheet("background: #fff7ed; color: #7c2d12; border: 1px solid #fdba74; padding: 8px; border-radius: 4px;")
            body.addWidget(self.hint)
        body.addWidget(self.buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.banner)
        outer.addLayout(body)
        self.pin.setFocus()
        self._load_clerks()

    # ---- the clerk list (a worker) ---------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """The clerk list has been read (or refused)."""
        return self._load is not None and self._load.finished

    def _load_clerks(self) -> None:
        clerks = self.clerks
        self._load = BackgroundOp(lambda ctx: clerks.clerks(), on_done=self._show_clerks,
                                  on_error=self._refuse, label="clerk list").start()

    def _show_clerks(self, clerks: list[Clerk]) -> None:
        current = self.name.currentData()
        self.name.clear()
        for clerk in clerks:
            self.name.addItem(clerk.name, clerk.id)
        index = self.name.findData(current)
        if index >= 0:
            self.name.setCurrentIndex(index)
        self.sign_in.setEnabled(not self.checking)
        self.loaded.emit()
        if self._submit_when_ready:
            self._submit_when_ready = False
            self.try_sign_in()

    def _refuse(self, exc: BaseException) -> None:
        """The clerk file cannot be used (changed outside the app, unreadable), or the store server cannot be
        asked (unreachable, this lane revoked): nobody can sign in here."""
        from pos_app.ui.shell.store_setup import lane_revoked, store_message

        store = store_message(exc)
        if not isinstance(exc, ClerkError | StorageError) and store is None:
            log.error("clerk list unreadable: %s", type(exc).__name__)
        self.name.clear()
        def refused() -> str:
            return store_message(exc) or (clerk_message(exc) if isinstance(exc, ClerkError | StorageError) else fmt(
                translate("LoginDialog", "The clerk list cannot be read (%1)."), type(exc).__name__))

        self.refused = refused()
        self._submit_when_ready = False
        self.message.setStyleSheet(ERROR_STYLE)
        self.live(self.message.setText, refused)
        self.sign_in.setEnabled(False)
        if store is not None and not lane_revoked(exc):  # the server may come back: ask again in a while
            self.refused = ""
            QTimer.singleShot(RETRY_CLERKS_MS, lambda: self._load_clerks() if self.isVisible() else None)
        self.loaded.emit()

    # ---- the PIN check (a worker) ------------------------------------------------------------------------

    @property
    def checking(self) -> bool:
        return self._check is not None and not self._check.finished

    def try_sign_in(self) -> None:
        """Sign in with the chosen clerk and the typed PIN. Enter before the clerk list is read (a clerk who
        types as soon as the screen shows) is kept, not dropped: the PIN stays in its box and the sign-in goes
        on once the list is there (nothing is checked against an empty list)."""
        if self.checking or self.refused:
            return
        if not self.ready:
            self._submit_when_ready = True
            self.message.setStyleSheet(BUSY_STYLE)
            self.live(self.message.setText, lambda: translate("LoginDialog", "Reading the clerk list…"))
            return
        name = self.name.currentText()
        pin = self.pin.text()
        self.pin.clear()
        if not name:
            self.live(self.message.setText, lambda: translate("LoginDialog", "No clerk is set up yet."))
            return
        if not pin:
            self.live(self.message.setText, lambda: translate("LoginDialog", "Type your PIN."))
            self.pin.setFocus()
            return
        self._busy(True)
        clerks = self.clerks
        self._check = BackgroundOp(lambda ctx: clerks.sign_in(name, pin), on_done=self._signed_in,
                                   on_error=self._not_signed_in, label="sign-in").start()

    def _busy(self, busy: bool) -> None:
        """While the PIN is checked: the dialog says so and takes no second try (it still repaints and moves)."""
        for widget in (self.sign_in, self.name, self.pin):
            widget.setEnabled(not busy)
        if busy:
            self.message.setStyleSheet(BUSY_STYLE)
            self.live(self.message.setText, lambda: translate("LoginDialog", "Checking the PIN…"))
        else:
            self.message.setStyleSheet(ERROR_STYLE)

    def _signed_in(self, signed: SignedIn) -> None:
        self._busy(False)
        self.signed, self.clerk = signed, signed.clerk
        self.live(self.message.setText, lambda: "")
        self.accept()

    def _not_signed_in(self, exc: BaseException) -> None:
        self._busy(False)
        from pos_app.ui.shell.store_setup import store_message

        if store_message(exc) is not None:  # store mode: the server unreachable, this lane revoked
            self.live(self.message.setText, lambda: store_message(exc))
        elif isinstance(exc, ClerkError | StorageError):  # a full disk or damaged clerk file: named, not a crash
            self.live(self.message.setText, lambda: clerk_message(exc))
        else:
            log.error("sign-in failed: %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
            self.live(self.message.setText, lambda: fmt(translate("LoginDialog", "The PIN could not be checked (%1). Try again."),
                                     type(exc).__name__))
        self.pin.setFocus()

    def reject(self) -> None:
        if self.locked_by is not None or self.checking:
            return  # a lock screen cannot be dismissed without a PIN (Escape does nothing); nor a check
        super().reject()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            return  # Escape never quits the counter from the sign-in screen: the Quit button does
        super().keyPressEvent(event)


_INPUT_EVENTS = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
}
_WATCHED = "posIdleLockWatched"


class IdleLock(QObject):
    """Emits ``locked`` after ``minutes`` without keyboard/mouse/touch input in any of the app's windows.

    The filter sits on every top-level ``QWindow``, NOT on the QApplication: with PySide6 6.11.3 a Python
    event filter on the application crashes the process (SIGSEGV in exec) once a QWebEngineView is alive,
    while a window's filter is safe and still sees all input of that window, the payment form's web view
    included. Qt re-creates a window's ``QWindow`` when the web view first joins it, which drops filters
    set on the old one: so every top-level window is swept again every ``SWEEP_MS`` (and on each focus
    change), and a window is watched once per ``QWindow`` object.
    Keys taken by a ``QShortcut`` or a menu action's shortcut never arrive as key presses: the owner reports
    them with ``activity()``.
    ``busy()`` (optional) is asked when the time is up: while it is true (a payment in flight, a payment
    form open) the lock waits and asks again, so it never cuts into a payment.
    ``minutes <= 0`` disables it. ``pause()`` while a lock screen is up; ``resume()`` restarts the count.
    ``interval_ms`` is for tests.
    """

    SWEEP_MS = 1000

    locked = Signal()

    def __init__(self, app: QGuiApplication, minutes: float = 5, interval_ms: int | None = None,
                 busy=None) -> None:
        super().__init__(app)
        self._app = app
        self._busy = busy
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        self._paused = False
        self.set_minutes(minutes, interval_ms)
        self._sweep_timer = QTimer(self)
        self._sweep_timer.setInterval(self.SWEEP_MS)
        self._sweep_timer.timeout.connect(self.sweep)
        self._sweep_timer.start()
        self.sweep()
        app.focusWindowChanged.connect(self.watch)

    def sweep(self) -> None:
        """Watch every top-level window, also those whose native window was re-created."""
        for window in QGuiApplication.topLevelWindows():
            self.watch(window)

    def watch(self, window: QWindow | QWidget | None) -> None:
        """Count input in this window too (top-level windows are found by themselves)."""
        if isinstance(window, QWidget):
            window = window.window().windowHandle()
        if window is None or window.property(_WATCHED):
            return
        window.setProperty(_WATCHED, True)
        window.installEventFilter(self)

    def set_minutes(self, minutes: float, interval_ms: int | None = None) -> None:
        self.minutes = minutes
        self.interval_ms = interval_ms if interval_ms is not None else int(minutes * 60_000)
        self.reset()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def reset(self) -> None:
        if self._paused or self.interval_ms <= 0:
            self._timer.stop()
        else:
            self._timer.start(self.interval_ms)

    def activity(self) -> None:
        """Input seen some other way (a key taken by a shortcut or a menu action never reaches a window's
        event filter as a key press)."""
        if not self._paused and self.interval_ms > 0:
            self._timer.start(self.interval_ms)

    def pause(self) -> None:
        self._paused = True
        self._timer.stop()

    def resume(self) -> None:
        self._paused = False
        self.reset()

    def uninstall(self) -> None:
        self._timer.stop()
        self._sweep_timer.stop()
        try:
            self._app.focusWindowChanged.disconnect(self.watch)
        except (RuntimeError, TypeError):
            pass
        for window in QGuiApplication.topLevelWindows():
            if window.property(_WATCHED):
                window.removeEventFilter(self)
                window.setProperty(_WATCHED, None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _INPUT_EVENTS and not self._paused and self.interval_ms > 0:
            self._timer.start(self.interval_ms)
        return False

    def _fire(self) -> None:
        if not self._paused and self._busy is not None and self._busy():
            log.info("no input for %s minutes, but a payment is in progress: the lock waits", self.minutes)
            self._timer.start(min(self.interval_ms, 5_000))
            return
        if not self._paused:
            log.info("no input for %s minutes: locking the screen", self.minutes)
            self._paused = True
            self.locked.emit()
