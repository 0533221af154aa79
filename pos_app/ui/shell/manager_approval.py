"""Manager approval (name + PIN + reason) and the clerk management dialog.

``request_approval(parent, clerks, action, environment, ...)`` shows :class:`ManagerApprovalDialog` and
returns the ``Approval`` (the manager, the action and the reason, recorded by the application layer) or None
if cancelled. Void/refund hand that approval to the payments calls as it is.

The manager list is read and the PIN checked by the application layer (``ClerksApi.clerks`` /
``ClerksApi.approve``) on a worker; the dialog says it is checking and stays responsive.

Even a signed-in manager types the PIN again: an unattended, signed-in counter must not let anyone void
or refund. The manager list shows managers only; the clerk who asked (the signed-in one) is recorded with the
approval.

Wrong PINs typed here never lock the manager out of their own sign-in (approvals count them apart, per
manager). The dialog is rate-limited instead: after a wrong PIN, Approve stays disabled for the growing wait
the application layer names (1, 2, 4, 8 s), and the fifth wrong PIN pauses approvals by that manager for a
while (``ApprovalPaused``); the message says so and that another manager may approve.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.config import Environment
from pos_app.counter import (
    Clerk,
    ClerkError,
    ClerkNotAllowed,
    ClerksApi,
    ClerksChanged,
    ManagerAction,
    Role,
    StorageError,
)
from pos_app.ui.common.banner import EnvironmentBanner
from pos_app.ui.common.events import EventRelay
from pos_app.ui.common.i18n import Retranslating, fmt
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.shell.login import (
    BUSY_STYLE,
    ERROR_STYLE,
    clerk_message,
    form_layout,
    heading,
    pin_edit,
    primary_button,
)

if TYPE_CHECKING:
    from pos_app.counter import Approval

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def action_title(action: ManagerAction) -> str:
    titles = {
        ManagerAction.VOID: translate("ManagerApprovalDialog", "Void a payment"),
        ManagerAction.REFUND: translate("ManagerApprovalDialog", "Refund a payment"),
        ManagerAction.SETTINGS: translate("ManagerApprovalDialog", "Change settings"),
        ManagerAction.MANAGE_CLERKS: translate("ManagerApprovalDialog", "Manage clerks"),
        ManagerAction.GO_LIVE: translate("ManagerApprovalDialog", "Switch to Live (real payments)"),
        ManagerAction.CLOSE_REVIEW: translate("ManagerApprovalDialog", "Close a payment that needs review"),
        ManagerAction.RESTORE_JOURNAL: translate("ManagerApprovalDialog", "Restore the payment journal from a backup"),
    }
    return titles[ManagerAction(action)]


def _unexpected(exc: BaseException, what: str) -> str:
    log.error("%s failed: %s", what, type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
    return fmt(translate("ManagerApprovalDialog", "That did not work (%1). Try again."), type(exc).__name__)


class ManagerApprovalDialog(Retranslating, QDialog):
    """After it is accepted, ``approved`` is the ``Approval``. ``loaded``: the manager list is on screen;
    ``checking``: a PIN is being checked; ``waiting``: Approve is held (a wrong PIN's wait, or a check)."""

    loaded = Signal()

    def __init__(self, clerks: ClerksApi, action: ManagerAction, environment: Environment | str,
                 subject: str = "", detail: str | Callable[[], str] = "", parent: QWidget | None = None,
                 reason: str = "", title: str | Callable[[], str] = "") -> None:
        """``detail``: what is approved, above the PIN; ``title``: what is approved, as the heading (default: the
        action's title). A callable follows a language switch."""
        super().__init__(parent)
        self.clerks, self.action, self.subject = clerks, ManagerAction(action), subject
        self.approved: Approval | None = None
        self._holds = 0
        self._held = False
        self._submit_when_ready = False  # Enter came before the manager list: go on as soon as it is read
        self._load: BackgroundOp | None = None
        self._check: BackgroundOp | None = None
        self.refused = ""
        self.setObjectName("managerApprovalDialog")
        self.live(self.setWindowTitle, lambda: translate("ManagerApprovalDialog", "Manager approval"))
        self.setMinimumWidth(460)
        self.banner = EnvironmentBanner(environment, self)
        self.title = self.with_live(heading("", self, 1.3), lambda: (title() if callable(title) else title)
                                    or action_title(self.action))

        def explain() -> str:
            text = translate("ManagerApprovalDialog", "A manager must approve this with their PIN and a reason.")
            said = detail() if callable(detail) else detail
            return said + "\n" + text if said else text

        self.explain = self.with_live(QLabel(self), explain)
        self.explain.setWordWrap(True)

        self.manager = QComboBox(self)
        self.manager.setObjectName("managerName")
        self.pin = pin_edit(self)
        self.pin.setObjectName("managerPin")
        self.reason = QLineEdit(reason, self)
        self.reason.setObjectName("approvalReason")
        self.reason.setMaxLength(200)
        self.live(self.reason.setPlaceholderText, lambda: translate("ManagerApprovalDialog", "Why? (kept with the approval)"))
        self.message = QLabel(self)
        self.message.setObjectName("approvalMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)

        form = form_layout()
        form.addRow(self.with_live(QLabel(self), lambda: translate("ManagerApprovalDialog", "Manager")), self.manager)
        form.addRow(self.with_live(QLabel(self), lambda: translate("ManagerApprovalDialog", "PIN")), self.pin)
        form.addRow(self.with_live(QLabel(self), lambda: translate("ManagerApprovalDialog", "Reason")), self.reason)
        buttons = QDialogButtonBox(self)
        self.approve_button = self.with_live(primary_button("", self), lambda: translate("ManagerApprovalDialog", "Approve"))
        buttons.addButton(self.approve_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.with_live(buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole), lambda: translate("ManagerApprovalDialog", "Cancel"))
        buttons.accepted.connect(self.try_approve)
        buttons.rejected.connect(self.reject)

        body = QVBoxLayout()
        body.setContentsMargins(24, 16, 24, 16)
        body.setSpacing(10)
        for w in (self.title, self.explain):
            body.addWidget(w)
        body.addLayout(form)
        body.addWidget(self.message)
        body.addWidget(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.banner)
        outer.addLayout(body)
        self.pin.setFocus()  # the manager types the PIN first; Tab goes on to the reason
        self._load = BackgroundOp(lambda ctx: clerks.clerks(), on_done=self._show_managers,
                                  on_error=self._refuse, label="manager list").start()

    # ---- the manager list (a worker) -------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self._load is not None and self._load.finished

    def _show_managers(self, clerks: list[Clerk]) -> None:
        for c in clerks:
            if c.role is Role.MANAGER:
                self.manager.addItem(c.name, c.id)
        signed_in = self.clerks.signed_in
        if signed_in is not None and signed_in.is_manager:
            index = self.manager.findData(signed_in.id)
            if index >= 0:
                self.manager.setCurrentIndex(index)
        if self.manager.count() == 0:
            self.refused = translate("ManagerApprovalDialog", "No manager is set up on this counter.")
            self.live(self.message.setText, lambda: translate("ManagerApprovalDialog", "No manager is set up on this "
                                                                                       "counter."))
        self._enable()
        self.loaded.emit()
        if self._submit_when_ready:
            self._submit_when_ready = False
            self.try_approve()

    def _refuse(self, exc: BaseException) -> None:
        """The clerk file was changed outside the app (or cannot be read): nothing can be approved."""
        def refused() -> str:
            return clerk_message(exc) if isinstance(exc, ClerkError | StorageError) else _unexpected(
                exc, "manager list")

        self.refused = refused()
        self._submit_when_ready = False
        self.live(self.message.setText, refused)
        self._enable()
        self.loaded.emit()

    # ---- the PIN check (a worker) ------------------------------------------------------------------------

    @property
    def checking(self) -> bool:
        return self._check is not None and not self._check.finished

    def _enable(self) -> None:
        usable = not self.refused and not self.checking and not self._held  # Enter before the list is kept
        self.approve_button.setEnabled(usable)
        for widget in (self.manager, self.pin, self.reason):
            widget.setEnabled(not self.checking)

    def try_approve(self) -> None:
        """Check the manager's PIN with the reason. Enter before the manager list is read is kept (the PIN and
        reason stay; the check goes on once the list is there), never dropped and never checked against an
        empty list; during the slow-down after wrong PINs it does nothing (the button is off)."""
        if not self.approve_button.isEnabled():
            return
        if not self.reason.text().strip():  # the PIN typed first stays (hidden) until the reason is there
            self.live(self.message.setText, lambda: translate("ClerkMessages", "Please give a reason."))
            self.reason.setFocus()
            return
        if not self.ready:
            self._submit_when_ready = True
            self.message.setStyleSheet(BUSY_STYLE)
            self.live(self.message.setText, lambda: translate("ManagerApprovalDialog", "Reading the manager list…"))
            return
        pin = self.pin.text()
        self.pin.clear()
        clerks, action, manager = self.clerks, self.action, self.manager.currentText()
        reason, subject = self.reason.text(), self.subject
        self.message.setStyleSheet(BUSY_STYLE)
        self.live(self.message.setText, lambda: translate("ManagerApprovalDialog", "Checking the PIN…"))
        self._check = BackgroundOp(lambda ctx: clerks.approve(action, manager, pin, reason, subject),
                                   on_done=self._approved, on_error=self._not_approved, label="approval").start()
        self._enable()

    def _approved(self, approval: Approval) -> None:
        self._enable()
        self.approved = approval
        self.live(self.message.setText, lambda: "")
        self.accept()

    def _not_approved(self, exc: BaseException) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self._enable()
        if isinstance(exc, StorageError):  # the clerk file cannot be written: named, with the next step
            self.live(self.message.setText, lambda: clerk_message(exc))
            return
        if not isinstance(exc, ClerkError):
            self.live(self.message.setText, lambda: _unexpected(exc, "approval"))
            return
        self.live(self.message.setText, lambda: clerk_message(exc))
        self.pin.setFocus()
        if exc.values.get("wait_ms"):
            self._hold(int(exc.values["wait_ms"]))

    def _hold(self, ms: int) -> None:
        """Approve (and Enter) do nothing until the application layer's wait is over."""
        self._held = True
        self._holds += 1
        hold = self._holds

        def release() -> None:
            if hold == self._holds:
                self._held = False
                self._enable()

        self._enable()
        QTimer.singleShot(ms, self, release)

    @property
    def waiting(self) -> bool:
        return not self.approve_button.isEnabled()

    def reject(self) -> None:
        if self.checking:
            return  # the answer is on its way: it decides
        super().reject()


def request_approval(parent: QWidget | None, clerks: ClerksApi, action: ManagerAction,
                     environment: Environment | str, subject: str = "", detail: str | Callable[[], str] = "",
                     reason: str = "", title: str | Callable[[], str] = "") -> Approval | None:
    """Modal approval; None if cancelled. ``title`` names what is approved (default: the action's title)."""
    dialog = ManagerApprovalDialog(clerks, action, environment, subject, detail, parent, reason, title)
    dialog.exec()
    return dialog.approved


class ClerkManagementDialog(Retranslating, QDialog):
    """Add clerks, set a new PIN, remove (deactivate) clerks: for the signed-in manager, or with a manager's
    ``MANAGE_CLERKS`` approval. Every read and change runs on a worker (PINs are hashed there). The list
    follows the clerk desk's ``ClerksChanged`` (the change broadcast), whoever made the change; a change made
    here says what was done once the list shows it.

    Keys: Enter in the add form (name, role, both PIN fields, the Add button) adds the clerk and does nothing
    else; Enter anywhere else in the dialog does nothing (no button is chosen by Qt's default/auto-default
    guessing: every button is ``autoDefault`` off, and Enter is routed here explicitly). Removing a clerk and
    setting a new PIN ask first (:class:`ClerkChangeQuestion`, whose default and Escape answer is to keep);
    the acting manager cannot remove themself (refused before asking)."""

    changed = Signal()  # a change finished (its message is shown)

    def __init__(self, clerks: ClerksApi, environment: Environment | str, parent: QWidget | None = None,
                 approval: Approval | None = None) -> None:
        signed_in = clerks.signed_in
        if approval is None and (signed_in is None or not signed_in.is_manager):  # before any window
            raise ClerkNotAllowed("Only a manager can do this (manage clerks).", ManagerAction.MANAGE_CLERKS.value)
        super().__init__(parent)
        self.clerks, self.approval = clerks, approval
        self._op: BackgroundOp | None = None
        self._stale = False  # the clerk list changed while a read or change was running
        self._after_refresh: Callable[[], str] | str | None = None  # what a change made here says once shown
        self._relay = EventRelay(self)
        self._relay.event.connect(self._counter_event)
        self._relay.attach(clerks.events)
        self.finished.connect(lambda _result: self._relay.detach())
        self.setObjectName("clerkManagementDialog")
        self.live(self.setWindowTitle, lambda: translate("ClerkManagementDialog", "Clerks"))
        self.setMinimumWidth(520)
        self.banner = EnvironmentBanner(environment, self)

        self.list = QListWidget(self)
        self.list.setObjectName("clerkList")
        self.remove_button = self.with_live(QPushButton(self), lambda: translate("ClerkManagementDialog", "Remove clerk"))
        self.remove_button.setObjectName("removeClerk")
        self.remove_button.clicked.connect(self.remove_selected)
        self.reset_button = self.with_live(QPushButton(self), lambda: translate("ClerkManagementDialog", "Set new PIN"))
        self.reset_button.setObjectName("resetPin")
        self.reset_button.clicked.connect(self.reset_selected)

        self.new_name = QLineEdit(self)
        self.new_name.setObjectName("newClerkName")
        self.new_name.setMaxLength(40)
        self.new_role = QComboBox(self)
        self.new_role.setObjectName("newClerkRole")
        self.new_role.addItem("", Role.CLERK.value)
        self.new_role.addItem("", Role.MANAGER.value)
        self.live(lambda t: self.new_role.setItemText(0, t), lambda: translate("ClerkManagementDialog", "Clerk"),
                  key="role clerk")
        self.live(lambda t: self.new_role.setItemText(1, t), lambda: translate("ClerkManagementDialog", "Manager"),
                  key="role manager")
        self.new_pin = pin_edit(self)
        self.new_pin.setObjectName("newClerkPin")
        self.new_pin2 = pin_edit(self)
        self.new_pin2.setObjectName("newClerkPin2")
        self.add_button = self.with_live(QPushButton(self), lambda: translate("ClerkManagementDialog", "Add clerk"))
        self.add_button.setObjectName("addClerk")
        self.add_button.clicked.connect(self.add_clerk)
        self.message = QLabel(self)
        self.message.setObjectName("clerkMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        form = form_layout()
        form.addRow(self.with_live(QLabel(self), lambda: translate("ClerkManagementDialog", "Name")), self.new_name)
        form.addRow(self.with_live(QLabel(self), lambda: translate("ClerkManagementDialog", "Role")), self.new_role)
        form.addRow(self.with_live(QLabel(self), lambda: translate("ClerkManagementDialog", "PIN")), self.new_pin)
        form.addRow(self.with_live(QLabel(self), lambda: translate("ClerkManagementDialog", "PIN again")), self.new_pin2)
        row = QHBoxLayout()
        row.addWidget(self.reset_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        self.close_button = close.button(QDialogButtonBox.StandardButton.Close)
        # No button is chosen by Qt for Enter: none is auto-default; Add is drawn as the default, and Enter
        # reaches it only from the add form (keyPressEvent / returnPressed below).
        for button in (self.remove_button, self.reset_button, self.add_button, self.close_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.add_button.setDefault(True)
        self.add_form = (self.new_name, self.new_role, self.new_pin, self.new_pin2, self.add_button)
        for edit in (self.new_name, self.new_pin, self.new_pin2):
            edit.returnPressed.connect(self.add_clerk)
            edit.installEventFilter(self)

        body = QVBoxLayout()
        body.setContentsMargins(20, 14, 20, 14)
        body.addWidget(self.with_live(heading("", self, 1.2), lambda: translate("ClerkManagementDialog", "Clerks on this counter")))
        body.addWidget(self.list)
        body.addLayout(row)
        body.addWidget(self.with_live(heading("", self, 1.0), lambda: translate("ClerkManagementDialog", "Add a clerk, or a new PIN for the selected one")))
        body.addLayout(form)
        body.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        body.addWidget(self.message)
        body.addWidget(close)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.banner)
        outer.addLayout(body)
        self.refresh()

    @property
    def busy(self) -> bool:
        return self._op is not None and not self._op.finished

    @staticmethod
    def _is_enter(event) -> bool:
        return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        """Enter in a form line edit: the line edit handles it (``returnPressed`` → Add), then the key stops
        there, so the dialog never sees it (no second Add, no button picked by Qt)."""
        if event.type() == QEvent.Type.KeyPress and watched in self.add_form and self._is_enter(event):
            watched.event(event)  # the line edit's own handling: returnPressed → add_clerk
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Enter that reached the dialog: from the role box or the Add button it adds; from anywhere else
        (the list, Remove, Set new PIN, Close) it does nothing. Escape closes, as in any dialog."""
        if self._is_enter(event):
            focus = self.focusWidget()
            if focus in (self.new_role, self.add_button):
                self.add_clerk()
            event.accept()
            return
        super().keyPressEvent(event)

    @property
    def ready(self) -> bool:
        """Nothing is being read or changed on a worker (the clerk list is on screen), like the other dialogs'
        ``ready``: whoever closes the clerk file after the dialog waits for this."""
        return not self.busy

    def _run(self, work, done, label: str) -> None:
        """One read or change at a time, on a worker; the buttons wait for it."""
        if self.busy:
            return
        for button in (self.add_button, self.remove_button, self.reset_button):
            button.setEnabled(False)

        def finished(result) -> None:
            self._buttons()
            done(result)
            QTimer.singleShot(0, self, self._refresh_if_stale)

        def failed(exc: BaseException) -> None:
            self._buttons()
            QTimer.singleShot(0, self, self._refresh_if_stale)
            self._say(lambda: clerk_message(exc) if isinstance(exc, ClerkError | StorageError)
                      else _unexpected(exc, label), True)

        self._op = BackgroundOp(lambda ctx: work(), on_done=finished, on_error=failed, label=label).start()

    def _buttons(self) -> None:
        for button in (self.add_button, self.remove_button, self.reset_button):
            button.setEnabled(True)

    @staticmethod
    def _row_text(clerk: Clerk) -> str:
        role = (translate("ClerkManagementDialog", "manager") if clerk.is_manager
                else translate("ClerkManagementDialog", "clerk"))
        return f"{clerk.name} ({role})"

    def retranslate(self) -> None:
        """The list's roles in the current language (the clerks and the selection stay)."""
        super().retranslate()
        for index in range(self.list.count() if hasattr(self, "list") else 0):
            item = self.list.item(index)
            clerk = item.data(Qt.ItemDataRole.UserRole + 1)
            if clerk is not None:
                item.setText(self._row_text(clerk))

    def refresh(self, then=None) -> None:
        """Read the clerk list again (on a worker); the clerk selected stays selected while listed."""
        def show(clerks: list[Clerk]) -> None:
            current = self.list.currentItem()
            selected = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
            self.list.clear()
            for clerk in clerks:
                item = QListWidgetItem(self._row_text(clerk))
                item.setData(Qt.ItemDataRole.UserRole, clerk.id)
                item.setData(Qt.ItemDataRole.UserRole + 1, clerk)
                self.list.addItem(item)
                if clerk.id == selected:
                    self.list.setCurrentItem(item)
            if then is not None:
                then()

        clerks = self.clerks
        self._run(clerks.clerks, show, "clerk list")

    def _say(self, text: str | Callable[[], str], error: bool) -> None:
        """The line under the form (a callable follows a language switch)."""
        self.message.setStyleSheet(ERROR_STYLE if error else "color: #166534;")
        self.live(self.message.setText, text if callable(text) else (lambda: text))

    def _counter_event(self, event) -> None:
        """The change broadcast: the clerk list changed (here or at another screen of this run)."""
        if isinstance(event, ClerksChanged):
            self._stale = True
            if not self.busy:
                self._refresh_if_stale()

    def _refresh_if_stale(self) -> None:
        if not self._stale or self.busy:
            return
        self._stale = False
        text, self._after_refresh = self._after_refresh, None
        self.refresh(then=(lambda: (self._say(text, False), self.changed.emit())) if text is not None else None)

    def _done(self, text: str | Callable[[], str]) -> None:
        """A change is made: once the list shows it (``ClerksChanged``), the message says what was done."""
        self._after_refresh = text

    def _pins(self) -> str | None:
        pin, again = self.new_pin.text(), self.new_pin2.text()
        self.new_pin.clear()
        self.new_pin2.clear()
        if pin != again:
            self._say(lambda: translate("ClerkManagementDialog", "The two PINs are different. Type them again."), True)
            return None
        return pin

    def add_clerk(self) -> None:
        if self.busy:
            return
        pin = self._pins()
        if pin is None:
            return
        clerks, approval = self.clerks, self.approval
        name, role = self.new_name.text(), Role(self.new_role.currentData())

        def added(clerk: Clerk) -> None:
            self.new_name.clear()
            self._done(lambda: fmt(translate("ClerkManagementDialog", "%1 was added."), clerk.name))

        self._run(lambda: clerks.add_clerk(name, pin, role, approval), added, "add clerk")

    def _selected(self) -> Clerk | None:
        """The clerk selected in the list (None, and the line says to select one, when there is none)."""
        item = self.list.currentItem()
        if item is None:
            self._say(lambda: translate("ClerkManagementDialog", "Select a clerk in the list first."), True)
            return None
        return item.data(Qt.ItemDataRole.UserRole + 1)

    def _acting_manager_id(self) -> str | None:
        """Who the clerk file records as making the change: the approving manager, else the signed-in one."""
        if self.approval is not None:
            return str(self.approval.manager_id)
        signed_in = self.clerks.signed_in
        return None if signed_in is None else str(signed_in.id)

    def _ask(self, question: ClerkChangeQuestion, kept: Callable[[], str]) -> bool:
        """True only when the manager chose the change explicitly (Enter and Escape keep; ``kept`` is said)
        and nothing else is being read or changed meanwhile (then nothing is changed, and the line says so)."""
        question.exec()
        agreed = question.agreed
        question.deleteLater()
        if not agreed:
            self._say(kept, False)
        elif self.busy:
            self._say(lambda: translate("ClerkManagementDialog",
                                        "The clerk list was being read again: nothing was changed. Try again."),
                      True)
        return agreed and not self.busy

    def remove_selected(self) -> None:
        clerk = None if self.busy else self._selected()
        if clerk is None:
            return
        clerk_id, name = int(clerk.id), clerk.name
        if str(clerk_id) == self._acting_manager_id():
            self._say(lambda: translate("ClerkManagementDialog",
                                        "You cannot remove yourself. Another manager can remove you."), True)
            return
        if not self._ask(ClerkChangeQuestion.removing(self, name),
                         lambda: fmt(translate("ClerkManagementDialog", "%1 was kept."), name)):
            return
        clerks, approval = self.clerks, self.approval
        self._run(lambda: clerks.remove_clerk(clerk_id, approval),
                  lambda clerk: self._done(lambda: fmt(translate("ClerkManagementDialog", "%1 was removed."), clerk.name)),
                  "remove clerk")

    def reset_selected(self) -> None:
        clerk = None if self.busy else self._selected()
        if clerk is None:
            return
        pin = self._pins()
        if pin is None:
            return
        clerk_id, name = int(clerk.id), clerk.name
        if not self._ask(ClerkChangeQuestion.new_pin(self, name),
                         lambda: fmt(translate("ClerkManagementDialog", "The PIN of %1 was not changed."), name)):
            return
        clerks, approval = self.clerks, self.approval
        self._run(lambda: clerks.reset_pin(clerk_id, pin, approval),
                  lambda _clerk: self._done(lambda: translate("ClerkManagementDialog", "The new PIN is set.")),
                  "new PIN")


class ClerkChangeQuestion(Retranslating, QMessageBox):
    """"Remove Trainee?" / "Set a new PIN for Trainee?": ``exec()`` → ``agreed`` is True only when the manager
    chose the change's button. "Keep" is the default and the Escape button, so Enter or Escape keeps the clerk
    as they are; the change takes a click on, or Alt+ the underlined letter of, its button."""

    def __init__(self, parent: QWidget | None, title: Callable[[], str], text: Callable[[], str],
                 change: Callable[[], str]) -> None:
        super().__init__(parent)
        self.setObjectName("clerkChangeQuestion")
        self.setIcon(QMessageBox.Icon.Question)
        self.live(self.setWindowTitle, title)
        self.live(self.setText, text)
        self.keep = self.with_live(self.addButton("", QMessageBox.ButtonRole.RejectRole),
                                   lambda: translate("ClerkManagementDialog", "Keep"))
        self.change = self.with_live(self.addButton("", QMessageBox.ButtonRole.AcceptRole), change)
        self.change.setAutoDefault(False)
        self.change.setDefault(False)
        self.setDefaultButton(self.keep)
        self.setEscapeButton(self.keep)
        self.agreed = False

    @classmethod
    def removing(cls, parent: QWidget | None, name: str) -> ClerkChangeQuestion:
        return cls(parent, lambda: translate("ClerkManagementDialog", "Remove clerk"),
                   lambda: fmt(translate("ClerkManagementDialog", "Remove %1? They can no longer sign in. "
                                                                  "Their past payments keep their name."), name),
                   lambda: translate("ClerkManagementDialog", "&Remove"))

    @classmethod
    def new_pin(cls, parent: QWidget | None, name: str) -> ClerkChangeQuestion:
        return cls(parent, lambda: translate("ClerkManagementDialog", "Set new PIN"),
                   lambda: fmt(translate("ClerkManagementDialog", "Set a new PIN for %1? Their old PIN stops "
                                                                  "working."), name),
                   lambda: translate("ClerkManagementDialog", "&Set new PIN"))

    def exec(self) -> int:  # noqa: D102
        result = super().exec()
        self.agreed = self.clickedButton() is self.change
        return result

__all__ = ["ClerkChangeQuestion", "ClerkManagementDialog", "ManagerApprovalDialog", "action_title", "request_approval"]
