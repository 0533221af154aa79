"""Manager approval (name + PIN + reason) and the clerk management dialog.

``request_approval(parent, registry, action, ...)`` shows :class:`ManagerApprovalDialog` and returns an
:class:`Approved` (the manager ``Clerk`` and the reason) or None if cancelled. The registry records the
approval (and every refused attempt). Void/refund then build the payments approval with
``pos_app.payments.Approval.from_clerk(approved.manager, approved.reason)``.

Even a signed-in manager types the PIN again: an unattended, signed-in counter must not let anyone void
or refund. The manager list shows managers only; the clerk who asked is recorded with the approval.

Wrong PINs typed here never lock the manager out of their own sign-in (``ClerkRegistry.approve`` counts them
apart, per manager). The dialog is rate-limited instead: after a wrong PIN, Approve stays disabled for the
growing wait the registry names (1, 2, 4, 8 s), and the fifth wrong PIN pauses approvals by that manager for
a while (recorded as an ``approval_locked`` event); the message says so and that another manager may approve.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.clerks import Clerk, ClerkError, ClerkRegistry, ManagerAction, NotAllowed, Role
from pos_app.config import Environment
from pos_app.storage_errors import StorageError
from pos_app.ui.common.banner import EnvironmentBanner
from pos_app.ui.common.i18n import fmt
from pos_app.ui.shell.login import ERROR_STYLE, clerk_message, form_layout, heading, pin_edit, primary_button

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


@dataclass(frozen=True)
class Approved:
    manager: Clerk
    reason: str


class ManagerApprovalDialog(QDialog):
    def __init__(self, registry: ClerkRegistry, action: ManagerAction, environment: Environment | str,
                 clerk: Clerk | None = None, subject: str = "", detail: str = "",
                 parent: QWidget | None = None, reason: str = "", title: str = "") -> None:
        super().__init__(parent)
        self.registry, self.action, self.clerk, self.subject = registry, ManagerAction(action), clerk, subject
        self.approved: Approved | None = None
        self._holds = 0
        self.setObjectName("managerApprovalDialog")
        self.setWindowTitle(translate("ManagerApprovalDialog", "Manager approval"))
        self.setMinimumWidth(460)
        self.banner = EnvironmentBanner(environment, self)
        self.title = heading(title or action_title(self.action), self, 1.3)  # what is approved
        text = translate("ManagerApprovalDialog", "A manager must approve this with their PIN and a reason.")
        if detail:
            text = detail + "\n" + text
        self.explain = QLabel(text, self)
        self.explain.setWordWrap(True)

        self.manager = QComboBox(self)
        self.manager.setObjectName("managerName")
        try:
            clerks = registry.list()
        except ClerkError as exc:  # the clerk file was changed outside the app: nothing can be approved
            clerks, refused = [], clerk_message(exc)
        else:
            refused = ""
        for c in clerks:
            if c.role is Role.MANAGER:
                self.manager.addItem(c.name, c.id)
        if clerk is not None and clerk.is_manager:
            index = self.manager.findData(clerk.id)
            if index >= 0:
                self.manager.setCurrentIndex(index)
        self.pin = pin_edit(self)
        self.pin.setObjectName("managerPin")
        self.reason = QLineEdit(reason, self)
        self.reason.setObjectName("approvalReason")
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(translate("ManagerApprovalDialog", "Why? (kept with the approval)"))
        self.message = QLabel(self)
        self.message.setObjectName("approvalMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)

        form = form_layout()
        form.addRow(translate("ManagerApprovalDialog", "Manager"), self.manager)
        form.addRow(translate("ManagerApprovalDialog", "PIN"), self.pin)
        form.addRow(translate("ManagerApprovalDialog", "Reason"), self.reason)
        buttons = QDialogButtonBox(self)
        self.approve_button = primary_button(translate("ManagerApprovalDialog", "Approve"), self)
        buttons.addButton(self.approve_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(translate("ManagerApprovalDialog", "Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
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
        if refused:
            self.message.setText(refused)
            self.approve_button.setEnabled(False)
        elif self.manager.count() == 0:
            self.message.setText(translate("ManagerApprovalDialog", "No manager is set up on this counter."))
            self.approve_button.setEnabled(False)

    def try_approve(self) -> None:
        if not self.reason.text().strip():  # the PIN typed first stays (hidden) until the reason is there
            self.message.setText(translate("ClerkMessages", "Please give a reason."))
            self.reason.setFocus()
            return
        pin = self.pin.text()
        self.pin.clear()
        try:
            manager = self.registry.approve(self.manager.currentText(), pin, self.action, self.reason.text(),
                                            clerk=self.clerk, subject=self.subject)
        except StorageError as exc:  # the clerk file cannot be written: named, with the next step
            self.message.setText(clerk_message(exc))
            return
        except ClerkError as exc:
            self.message.setText(clerk_message(exc))
            self.pin.setFocus()
            if exc.values.get("wait_ms"):
                self._hold(int(exc.values["wait_ms"]))
            return
        self.approved = Approved(manager, self.reason.text().strip())
        self.accept()


    def _hold(self, ms: int) -> None:
        """Approve (and Enter) do nothing until the registry's wait is over."""
        self.approve_button.setEnabled(False)
        self._holds += 1
        hold = self._holds

        def release() -> None:
            if hold == self._holds and self.manager.count():
                self.approve_button.setEnabled(True)

        QTimer.singleShot(ms, self, release)

    @property
    def waiting(self) -> bool:
        return not self.approve_button.isEnabled()


def request_approval(parent: QWidget | None, registry: ClerkRegistry, action: ManagerAction,
                     environment: Environment | str, clerk: Clerk | None = None, subject: str = "",
                     detail: str = "", reason: str = "", title: str = "") -> Approved | None:
    """Modal approval; None if cancelled. ``title`` names what is approved (default: the action's title)."""
    dialog = ManagerApprovalDialog(registry, action, environment, clerk, subject, detail, parent, reason, title)
    dialog.exec()
    return dialog.approved


class ClerkManagementDialog(QDialog):
    """Add clerks, set a new PIN, remove (deactivate) clerks. Only for a signed-in manager."""

    def __init__(self, registry: ClerkRegistry, manager: Clerk, environment: Environment | str,
                 parent: QWidget | None = None) -> None:
        registry.require_manager(manager, ManagerAction.MANAGE_CLERKS)  # NotAllowed before any window
        super().__init__(parent)
        self.registry, self.manager = registry, manager
        self.setObjectName("clerkManagementDialog")
        self.setWindowTitle(translate("ClerkManagementDialog", "Clerks"))
        self.setMinimumWidth(520)
        self.banner = EnvironmentBanner(environment, self)

        self.list = QListWidget(self)
        self.list.setObjectName("clerkList")
        self.remove_button = QPushButton(translate("ClerkManagementDialog", "Remove clerk"), self)
        self.remove_button.setObjectName("removeClerk")
        self.remove_button.clicked.connect(self.remove_selected)
        self.reset_button = QPushButton(translate("ClerkManagementDialog", "Set new PIN"), self)
        self.reset_button.setObjectName("resetPin")
        self.reset_button.clicked.connect(self.reset_selected)

        self.new_name = QLineEdit(self)
        self.new_name.setObjectName("newClerkName")
        self.new_name.setMaxLength(40)
        self.new_role = QComboBox(self)
        self.new_role.setObjectName("newClerkRole")
        self.new_role.addItem(translate("ClerkManagementDialog", "Clerk"), Role.CLERK.value)
        self.new_role.addItem(translate("ClerkManagementDialog", "Manager"), Role.MANAGER.value)
        self.new_pin = pin_edit(self)
        self.new_pin.setObjectName("newClerkPin")
        self.new_pin2 = pin_edit(self)
        self.new_pin2.setObjectName("newClerkPin2")
        self.add_button = QPushButton(translate("ClerkManagementDialog", "Add clerk"), self)
        self.add_button.setObjectName("addClerk")
        self.add_button.clicked.connect(self.add_clerk)
        self.message = QLabel(self)
        self.message.setObjectName("clerkMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        form = form_layout()
        form.addRow(translate("ClerkManagementDialog", "Name"), self.new_name)
        form.addRow(translate("ClerkManagementDialog", "Role"), self.new_role)
        form.addRow(translate("ClerkManagementDialog", "PIN"), self.new_pin)
        form.addRow(translate("ClerkManagementDialog", "PIN again"), self.new_pin2)
        row = QHBoxLayout()
        row.addWidget(self.reset_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        body = QVBoxLayout()
        body.setContentsMargins(20, 14, 20, 14)
        body.addWidget(heading(translate("ClerkManagementDialog", "Clerks on this counter"), self, 1.2))
        body.addWidget(self.list)
        body.addLayout(row)
        body.addWidget(heading(translate("ClerkManagementDialog", "Add a clerk, or a new PIN for the selected one"),
                               self, 1.0))
        body.addLayout(form)
        body.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        body.addWidget(self.message)
        body.addWidget(close)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.banner)
        outer.addLayout(body)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for clerk in self.registry.list():
            role = (translate("ClerkManagementDialog", "manager") if clerk.is_manager
                    else translate("ClerkManagementDialog", "clerk"))
            item = QListWidgetItem(f"{clerk.name} ({role})")
            item.setData(Qt.ItemDataRole.UserRole, clerk.id)
            self.list.addItem(item)

    def _say(self, text: str, error: bool) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "color: #166534;")
        self.message.setText(text)

    def _pins(self) -> str | None:
        pin, again = self.new_pin.text(), self.new_pin2.text()
        self.new_pin.clear()
        self.new_pin2.clear()
        if pin != again:
            self._say(translate("ClerkManagementDialog", "The two PINs are different. Type them again."), True)
            return None
        return pin

    def add_clerk(self) -> None:
        pin = self._pins()
        if pin is None:
            return
        try:
            clerk = self.registry.add(self.new_name.text(), pin, Role(self.new_role.currentData()), by=self.manager)
        except (ClerkError, StorageError) as exc:
            self._say(clerk_message(exc), True)
            return
        self.new_name.clear()
        self.refresh()
        self._say(fmt(translate("ClerkManagementDialog", "%1 was added."), clerk.name), False)

    def _selected(self) -> int | None:
        item = self.list.currentItem()
        if item is None:
            self._say(translate("ClerkManagementDialog", "Select a clerk in the list first."), True)
            return None
        return int(item.data(Qt.ItemDataRole.UserRole))

    def remove_selected(self) -> None:
        clerk_id = self._selected()
        if clerk_id is None:
            return
        name = self.registry.get(clerk_id).name if self.registry.get(clerk_id) else ""
        try:
            self.registry.deactivate(clerk_id, by=self.manager)
        except (ClerkError, StorageError) as exc:
            self._say(clerk_message(exc), True)
            return
        self.refresh()
        self._say(fmt(translate("ClerkManagementDialog", "%1 was removed."), name), False)

    def reset_selected(self) -> None:
        clerk_id = self._selected()
        if clerk_id is None:
            return
        pin = self._pins()
        if pin is None:
            return
        try:
            self.registry.reset_pin(clerk_id, pin, by=self.manager)
        except (ClerkError, StorageError) as exc:
            self._say(clerk_message(exc), True)
            return
        self._say(translate("ClerkManagementDialog", "The new PIN is set."), False)


__all__ = ["Approved", "ClerkManagementDialog", "ManagerApprovalDialog", "NotAllowed", "request_approval"]
