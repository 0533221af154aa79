"""Manager → Clerks… as a manager meets it with the keyboard (real app, X display, window manager, real keys):
Enter in the "Add a clerk" form adds the clerk and removes nobody, with a clerk selected in the list too;
Remove asks first and Enter there keeps the clerk. The outcome is read from the clerk file (the clerks and the
audit trail), as an auditor would."""

from __future__ import annotations

import sqlite3

from tests.person.scenario import Session


def _dialog(s: Session):
    return getattr(s.shell, "clerks_dialog", None)


def _seen(s: Session) -> dict:
    """What the dialog shows (read on the GUI thread: call from the scenario thread, not inside ``s.wait_until``)."""
    def read() -> dict:
        d = _dialog(s)
        if d is None:
            return {}
        item = d.list.currentItem()
        return {"message": d.message.text(), "selected": item.text() if item is not None else None,
                "rows": [d.list.item(i).text() for i in range(d.list.count())]}
    return s.gui(read)


def _tab_to(s: Session, name: str, tries: int = 12) -> bool:
    """Tab (a person's way round a dialog) until ``name`` has the keyboard."""
    for _ in range(tries):
        if s.focus_widget_name() == name:
            return True
        s.person.key("Tab")
        s.person.settle(80)
    return s.focus_widget_name() == name


def _select(s: Session, clerk: str, tries: int = 6) -> bool:
    """In the clerk list (it has the keyboard): Home, then Down until ``clerk`` is the selected row."""
    s.person.key("Home")
    s.person.settle(80)
    for _ in range(tries):
        if (_seen(s).get("selected") or "").startswith(f"{clerk} ("):
            return True
        s.person.key("Down")
        s.person.settle(80)
    return (_seen(s).get("selected") or "").startswith(f"{clerk} (")


def _add_with_enter(s: Session, name: str, pin: str) -> None:
    """Tab to Name, type the form (Role stays Clerk), Enter in the repeated PIN field."""
    p = s.person
    _tab_to(s, "newClerkName")
    p.type(name)
    p.key("Tab")       # Role (Clerk)
    p.key("Tab")       # PIN
    p.type(pin)
    p.key("Tab")       # PIN again
    p.type(pin)
    p.key("Return")


def enter_adds_a_clerk_and_removes_nobody(s: Session) -> dict:
    """Trainer (manager) opens Manager → Clerks…, selects Trainee, types Alice's form and presses Enter; then
    selects Alice, types Bob's and presses Enter; then selects Trainee, Tab to "Remove clerk", Space, and
    Enter in the question."""
    s.start()
    p, out = s.person, {}
    out["signed_in"] = s.sign_in("1234", clerk="Trainer")
    p.key("alt+m")
    p.settle(400)
    p.key("Return")  # Clerks… (the menu's first item)
    out["dialog"] = s.active() if p.wait_active("Clerks", 8000) else s.active()
    out["listed"] = s.wait_until(lambda: _dialog(s) is not None and _dialog(s).ready
                                 and _dialog(s).list.count() > 0, 10_000)
    out["focus_at_open"] = s.focus_widget_name()

    out["trainee_selected"] = _tab_to(s, "clerkList") and _select(s, "Trainee")
    _add_with_enter(s, "Alice", "5555")
    p.wait_until(lambda: _seen(s).get("message") in ("Alice was added.", "Trainee was removed."), 10_000)
    p.settle(300)
    out["after_alice"] = _seen(s)
    out["shot_alice"] = s.shot("60-clerks-alice-added")

    out["alice_selected"] = _tab_to(s, "clerkList") and _select(s, "Alice")
    _add_with_enter(s, "Bob", "7777")
    p.wait_until(lambda: _seen(s).get("message") in ("Bob was added.", "Alice was removed."), 10_000)
    p.settle(300)
    out["after_bob"] = _seen(s)

    out["trainee_selected_again"] = _tab_to(s, "clerkList") and _select(s, "Trainee")
    out["on_remove"] = _tab_to(s, "removeClerk")
    p.key("space")  # a keyboard press of the focused button
    out["question"] = s.active() if p.wait_active("Remove clerk", 5000) else s.active()
    out["question_focus"] = s.focus_widget_name()
    out["shot_question"] = s.shot("61-clerks-remove-question")
    p.key("Return")
    p.wait_active("Clerks", 5000)
    p.settle(400)
    out["after_question"] = _seen(s)
    out["active_after_question"] = s.active()
    p.key("Escape")  # close the clerks dialog
    out["closed"] = s.wait_until(lambda: not (_dialog(s) is not None and _dialog(s).isVisible()), 5000)

    with sqlite3.connect(f"file:{s.home / 'data' / 'clerks-training.db'}?mode=ro", uri=True) as db:
        out["clerks"] = sorted([name, active] for name, active in db.execute("SELECT name, active FROM clerks"))
        out["changes"] = [list(row) for row in db.execute(
            "SELECT action, subject, outcome FROM audit_trail WHERE action IN ('add', 'deactivate', 'reset_pin') "
            "ORDER BY position")]
    return out
