"""What the screens say when the clerk file was changed outside the app (issue 14 §3, decision 0208): the
sign-in and approval dialogs name the problem and the next step, and nobody can sign in or approve."""

from __future__ import annotations

import sqlite3

from pos_app.clerks import ClerkRegistry, ManagerAction, Role
from pos_app.config import Environment
from pos_app.ui.shell.login import LoginDialog
from pos_app.ui.shell.manager_approval import ManagerApprovalDialog


def test_sign_in_and_approval_refuse_a_tampered_file(qtbot, tmp_path, english):
    path = tmp_path / "clerks.db"
    reg = ClerkRegistry(path, integrity_key=b"k" * 32, key_is_new=True)
    boss = reg.add("Maria", "739164", Role.MANAGER, by=None)
    reg.add("Ann", "2468", Role.CLERK, by=boss)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE clerks SET role='manager' WHERE name='Ann'")
    login = LoginDialog(reg, Environment.LIVE)
    qtbot.addWidget(login)
    assert "The clerk file was changed outside this app (clerk Ann)" in login.message.text()
    assert "from a backup" in login.message.text()
    assert login.name.count() == 0 and not login.sign_in.isEnabled()
    approval = ManagerApprovalDialog(reg, ManagerAction.REFUND, Environment.LIVE)
    qtbot.addWidget(approval)
    assert "changed outside this app" in approval.message.text() and not approval.approve_button.isEnabled()
    assert approval.manager.count() == 0
    reg.close()
