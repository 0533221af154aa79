"""Store mode on screen (issue 20): the set-up wizard's "Store server" page and the sentences a counter of a
store server shows for the server's faults.

- :class:`StoreServerPage`: the server's address (``https://``; plain http only to this PC itself, decision
  0408), the one-time enrollment code and this counter's lane name. "Enroll" runs ``Setup.enroll_store`` on a
  worker (``BackgroundOp``): the server proves the code before its secret is sent, the certificate is pinned, the
  lane credential goes to the keyring. The page then shows the pinned certificate's fingerprint (as
  ``pos-app-server`` prints it, for a manager to compare) and cannot go on until an enrollment for exactly the
  address and lane shown has succeeded. Nothing is written to the settings before Finish.
- :func:`store_message`: what went wrong and what to do, for every fault of the link (unreachable, another
  certificate, a wrong/used/expired code, a revoked or unknown lane credential) — translated, never a secret.
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from pos_app.counter import (
    CertificateChanged,
    CodeFormatError,
    EnrollmentFailed,
    KeyringUnavailable,
    ServerRefused,
    ServerUnreachable,
    StoreEnrollment,
    StoreEnvironmentChanged,
    StoreServerRefused,
    StoreServerUnreachable,
    StoreUrlError,
    check_store_url,
)
from pos_app.ui.common.i18n import Retranslating, fmt, tr
from pos_app.ui.common.ops import BackgroundOp

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

LANE_RE = re.compile(r"[A-Za-z0-9_]{1,20}")  # a counter (lane) name
ERROR_STYLE = "color: #b91c1c;"
OK_STYLE = "color: #166534;"

#: the server's refusal codes that mean "this counter's enrollment no longer holds": set it up again
ENROLLMENT_GONE = ("lane_revoked", "bad_credential")


def lane_revoked(exc: BaseException) -> bool:
    """Whether ``exc`` says this counter's lane credential no longer works (revoked, or unknown to the server)."""
    return isinstance(exc, ServerRefused | StoreServerRefused) and exc.code in ENROLLMENT_GONE


def certificate_changed(exc: BaseException) -> bool:
    """Whether ``exc`` says the store server's certificate is not the pinned one (nothing was sent to it)."""
    return isinstance(exc, CertificateChanged) or (isinstance(exc, StoreServerUnreachable)
                                                   and exc.certificate_changed)


def store_message(exc: BaseException) -> str | None:
    """The translated sentence for a store-server fault (what happened, what to do); None when ``exc`` is not
    one (the caller words it)."""
    if lane_revoked(exc):
        return translate("StoreSetup", "This counter's enrollment was revoked on the store server (or the server "
                                       "no longer knows it), so it cannot sign anyone in or take payments. A "
                                       "manager makes a new enrollment code with pos-app-server enroll-code; then "
                                       "set this counter up again (Set up again…).")
    if certificate_changed(exc):
        return translate("StoreSetup", "The store server's certificate is not the one this counter enrolled with "
                                       "(another machine answers at its address, or the server was set up again). "
                                       "Nothing was sent. Ask a manager to check the server, then set this counter "
                                       "up again with a new code.")
    if isinstance(exc, ServerUnreachable | StoreServerUnreachable):
        if isinstance(exc, StoreServerUnreachable) and exc.charged is None and exc.attempt_id is not None:
            return translate("StoreSetup", "The store server cannot be reached right now. This payment's outcome "
                                           "is not known yet; it is never charged twice. Check again when the "
                                           "server is back (History).")
        return translate("StoreSetup", "The store server cannot be reached. Check that it is running and that this "
                                       "PC is on the store's network, then try again. Nothing was charged.")
    if isinstance(exc, EnrollmentFailed):
        return translate("StoreSetup", "This server could not prove that it made this enrollment code (a "
                                       "different server, a mistyped code, or a machine in between): nothing "
                                       "secret was sent. Check the address and the code, or ask a manager for a "
                                       "new code.")
    if isinstance(exc, ServerRefused | StoreServerRefused):
        if exc.code.startswith("code_") or exc.code in ("wrong_code", "bad_code"):
            return fmt(translate("StoreSetup", "The store server refused the enrollment code: %1 Ask a manager "
                                               "for a new code (pos-app-server enroll-code)."), tr(exc))
        return fmt(translate("StoreSetup", "The store server refused: %1"), tr(exc))
    if isinstance(exc, CodeFormatError):
        return translate("StoreSetup", "An enrollment code has 16 letters and digits (XXXX-XXXX-XXXX-XXXX), as "
                                       "pos-app-server enroll-code printed it.")
    if isinstance(exc, KeyringUnavailable):
        return translate("StoreSetup", "This computer has no password store (keyring), so the counter's store "
                                       "credential cannot be kept. Install and unlock GNOME Keyring or KWallet, "
                                       "restart the app, and enroll with a new code.")
    return None


def show_store_failure(window, exc: BaseException) -> QMessageBox | None:
    """The counter of a store server could not start (``MainWindow._startup_failed``): say why and what to do,
    with "Try again" (the server unreachable) or "Set up again…" (the lane revoked, another certificate: the way
    back is a new enrollment, ``Shell.setup_again``). None when ``exc`` is no store-server fault."""
    if isinstance(exc, StoreEnvironmentChanged):
        text = translate("StoreSetup", "The store server now uses another PaySimple environment than this counter "
                                       "was set up for. Close the app and open it again.")
    else:
        text = store_message(exc)
    if text is None:
        return None
    window.statusBar().showMessage(text)
    box = QMessageBox(QMessageBox.Icon.Critical, translate("StoreSetup", "Store server"), text, parent=window)
    box.setObjectName("storeServerProblem")
    again = box.addButton(translate("StoreSetup", "Set up again…"), QMessageBox.ButtonRole.ActionRole) \
        if lane_revoked(exc) or certificate_changed(exc) else None
    retry = box.addButton(translate("StoreSetup", "Try again"), QMessageBox.ButtonRole.ActionRole) \
        if again is None and not isinstance(exc, StoreEnvironmentChanged) else None
    box.addButton(translate("StoreSetup", "Close"), QMessageBox.ButtonRole.RejectRole)

    def chosen(_result) -> None:
        if again is not None and box.clickedButton() is again:
            window.setupAgainRequested.emit()
        elif retry is not None and box.clickedButton() is retry:
            window.restart_counter()

    box.finished.connect(chosen)
    window.store_problem = box
    box.open()
    return box


def url_message(exc: ValueError) -> str:
    """The address problem, translated (``check_store_url``'s refusals, ``StoreUrlError``)."""
    if isinstance(exc, StoreUrlError) and exc.plain_http:
        return translate("StoreSetup", "The store server is reached with https:// (plain http only to this PC "
                                       "itself). Type the address as pos-app-server printed it, e.g. "
                                       "https://192.168.1.10:8443.")
    return translate("StoreSetup", "Type the store server's address as pos-app-server printed it, e.g. "
                                   "https://192.168.1.10:8443.")


class StoreServerPage(Retranslating, QWizardPage):
    """The "Store server" page (module docstring). ``enrolled``: the enrollment for the fields shown, or None."""

    def __init__(self, wizard, next_page: int) -> None:
        super().__init__()
        self.w = wizard
        self._next_page = next_page
        self.enrolled: StoreEnrollment | None = None
        self._for: tuple[str, str] | None = None  # (url, lane) the enrollment is for
        self._op: BackgroundOp | None = None
        self.live(self.setTitle, lambda: translate("StoreSetup", "Store server"))
        self.live(self.setSubTitle, lambda: translate("StoreSetup", "The address and a one-time enrollment code from a "
                                                                    "manager (pos-app-server enroll-code). The "
                                                                    "counter keeps no PaySimple key."))
        server = wizard.settings.store_server or {}
        self.url = QLineEdit(server.get("url", ""), self)
        self.url.setObjectName("storeUrl")
        self.live(self.url.setPlaceholderText, lambda: translate("StoreSetup", "https://192.168.1.10:8443"))
        self.url.setMaxLength(300)
        self.code = QLineEdit(self)
        self.code.setObjectName("enrollmentCode")
        self.live(self.code.setPlaceholderText, lambda: translate("StoreSetup", "XXXX-XXXX-XXXX-XXXX"))
        self.code.setMaxLength(40)
        self.code.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText)
        self.lane = QLineEdit(wizard.settings.lane, self)
        self.lane.setObjectName("storeLane")
        self.lane.setMaxLength(20)
        self.enroll_button = self.with_live(QPushButton(self), lambda: translate("StoreSetup", "Enroll"))
        self.enroll_button.setObjectName("enroll")
        # Not an auto-default button: once it had the focus it stayed the wizard's default button (the page it
        # lives on hidden), so Enter on the next pages did nothing. Enter in a field is the wizard's Next.
        self.enroll_button.setAutoDefault(False)
        self.enroll_button.clicked.connect(self.start_enroll)
        self.status = QLabel(self)
        self.status.setObjectName("enrollStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.fingerprint = QLabel(self)
        self.fingerprint.setObjectName("pinnedFingerprint")
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setTextFormat(Qt.TextFormat.PlainText)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setStyleSheet("font-family: monospace; color: #111827;")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.with_live(QLabel(self), lambda: translate("StoreSetup", "Server address")), self.url)
        form.addRow(self.with_live(QLabel(self), lambda: translate("StoreSetup", "Enrollment code")), self.code)
        form.addRow(self.with_live(QLabel(self), lambda: translate("StoreSetup", "Counter (lane)")), self.lane)
        row = QHBoxLayout()
        row.addWidget(self.enroll_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.fingerprint)
        layout.addStretch(1)
        for edit in (self.url, self.lane):
            edit.textChanged.connect(self._edited)
        self.code.returnPressed.connect(self._code_entered)

    def _code_entered(self) -> None:
        """Enter in the code field enrolls; after an enrollment for the fields shown (the used code cleared) it
        is only the wizard's Next."""
        if self.code.text().strip() or not self.isComplete():
            self.start_enroll()

    def _current(self) -> tuple[str, str]:
        return self.url.text().strip(), self.lane.text().strip()

    def _edited(self) -> None:
        if self.enrolled is not None and self._for != self._current():
            self.enrolled, self._for = None, None
            self.status.clear()
            self.fingerprint.clear()
        self.completeChanged.emit()

    @property
    def enrolling(self) -> bool:
        return self._op is not None and not self._op.finished

    def _say(self, text: str, ok: bool) -> None:
        self.status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.status.setText(text)

    def start_enroll(self) -> BackgroundOp | None:
        """Check what was typed, then enroll on a worker (the page waits; the code field is cleared: a code
        works once)."""
        if self.enrolling:
            return None
        url, lane = self._current()
        code = self.code.text().strip()
        try:
            url = check_store_url(url)
        except ValueError as exc:
            self._say(url_message(exc), False)
            self.url.setFocus()
            return None
        if not LANE_RE.fullmatch(lane):
            self._say(translate("StoreSetup", "The counter name must be 1 to 20 letters, digits or _ (e.g. LANE1)."),
                      False)
            self.lane.setFocus()
            return None
        if not code:
            self._say(translate("StoreSetup", "Type the enrollment code a manager made on the store server."), False)
            self.code.setFocus()
            return None
        if self.enroll_button.hasFocus():  # else disabling it hands the focus on to Back: Enter would go back
            self.code.setFocus()
        self.enroll_button.setEnabled(False)
        self.status.setStyleSheet("color: #374151;")
        self.status.setText(translate("StoreSetup", "Enrolling with the store server…"))
        self.fingerprint.clear()
        setup, asked = self.w.setup, self._current()

        def done(enrolled: StoreEnrollment) -> None:
            self.enroll_button.setEnabled(True)
            self.code.clear()  # used: it never works again
            self.enrolled, self._for = enrolled, asked
            self.w.environment_changed()  # the banner shows the server's PaySimple (Sandbox or Live)
            self._say(fmt(translate("StoreSetup", "Enrolled as %1 with the store server %2 (PaySimple %3)."),
                          enrolled.lane, enrolled.url, enrolled.environment.value), True)
            self.fingerprint.setText(fmt(translate("StoreSetup", "Pinned certificate (compare it with what "
                                                                 "pos-app-server printed):\n%1"),
                                         enrolled.pretty_fingerprint))
            self.completeChanged.emit()
            if self.isVisible() and self.isComplete():  # Enter (or Space) goes on
                self.w.button(self.w.WizardButton.NextButton).setFocus()

        def failed(exc: BaseException) -> None:
            self.enroll_button.setEnabled(True)
            log.info("enrollment failed: %s", type(exc).__name__)
            text = store_message(exc)
            if text is None and isinstance(exc, ValueError):
                text = fmt(translate("StoreSetup", "Check what you typed: %1"), tr(exc))
            self._say(text or fmt(translate("StoreSetup", "The enrollment failed (%1)."), type(exc).__name__), False)
            if self.isVisible():
                self.code.setFocus()  # a new code, or fix the address above it

        self._op = BackgroundOp(lambda ctx: setup.enroll_store(url, code, lane), on_done=done, on_error=failed,
                                label="enrollment").start()
        return self._op

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.enrolled is not None and self._for == self._current() and not self.enrolling

    def nextId(self) -> int:  # noqa: N802 - Qt override
        return self._next_page
