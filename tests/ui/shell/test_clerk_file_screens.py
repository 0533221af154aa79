"""What the screens say when the clerk file was changed outside the app (issue 14 §3, decision 0208): the
sign-in and approval dialogs name the problem and the next step, and nobody can sign in or approve."""

from __future__ import annotations

import sqlite3

from pos_app.clerks import ClerkRegistry, ManagerAction, Role
from pos_app.config import Environment
from pos_app.counter import LocalClerks
from pos_app.ui.shell.login import LoginDialog
from pos_app.ui.shell.manager_approval import ManagerApprovalDialog


def test_sign_in_and_approval_refuse_a_tampered_file(qtbot, tmp_path, english):
    path = tmp_path / "clerks.db"
    reg = ClerkRegistry(path, integrity_key=b"k" * 32, key_is_new=True)
    boss = reg.add("Maria", "739164", Role.MANAGER, by=None)
    reg.add("Ann", "2468", Role.CLERK, by=boss)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE clerks SET role='manager' WHERE name='Ann'")
    desk = LocalClerks(path, Environment.LIVE, integrity_key=lambda _path: (b"k" * 32, False))
    login = LoginDialog(desk, Environment.LIVE)
    qtbot.addWidget(login)
    qtbot.waitUntil(lambda: login.ready, timeout=10_000)  # the file is opened and checked on a worker
    assert "The clerk file was changed outside this app (clerk Ann)" in login.message.text()
    assert "from a backup" in login.message.text()
    assert login.name.count() == 0 and not login.sign_in.isEnabled()
    approval = ManagerApprovalDialog(desk, ManagerAction.REFUND, Environment.LIVE)
    qtbot.addWidget(approval)
    qtbot.waitUntil(lambda: approval.ready, timeout=10_000)
    assert "changed outside this app" in approval.message.text() and not approval.approve_button.isEnabled()
    assert approval.manager.count() == 0
    desk.close()
    reg.close()
