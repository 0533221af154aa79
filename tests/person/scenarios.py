"""Scenarios for person-like tests (run by ``tests.person.scenario`` in a fresh app process each).

Each takes a ``Session`` and returns what a person / auditor observed. Actions are real X input only.
"""

from __future__ import annotations

import json
import time

from pos_app.ui.counter.payment_panel import FormState
from tests.person.scenario import WINDOW_TITLE, Session


def sign_in_first(s: Session) -> dict:
    """Start-up: the sign-in screen is on top with the keyboard; nothing of the counter is usable or visible
    behind it, even when a clerk clicks into the counter and types; after signing in, the counter works."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["active_at_start"] = s.active()
    out["login_at_start"] = s.login_state()
    out["customer_data_visible_at_start"] = s.visible_customer_data()
    out["shot_start"] = s.shot("01-start")
    # A clerk who does not see the sign-in screen clicks into the counter and tries to work.
    geo = s.gui(w.geometry)
    p.click(geo.x() + 200, geo.y() + 140)  # where the search box is when signed in
    out["active_after_click"] = s.active()
    p.type("smith")
    p.key("F5", "F6", "Return", "F7", "ctrl+h", "ctrl+n")
    p.settle(800)
    out["search_text_after_typing"] = s.gui(w.search.text)
    out["page_after_typing"] = s.gui(lambda: type(w.stack.currentWidget()).__name__)
    out["customer_data_visible_after_typing"] = s.visible_customer_data()
    out["other_windows"] = [title for title in s.person.xdo("search", "--onlyvisible", "--name", ".").split()]
    out["journal_before_sign_in"] = s.journal_rows()
    out["shot_after_typing"] = s.shot("02-after-typing")
    # The clerk sees the cover and asks for the sign-in screen (Enter on its button, or it is on top anyway).
    if s.active() != "Sign in":
        p.key("Return")
    out["active_before_pin"] = s.active()
    out["signed_in"] = s.sign_in("0000")  # Trainee is the first clerk in the list
    out.update(_what_the_signed_in_clerk_gets(s))
    out["shot_signed_in"] = s.shot("03-signed-in")
    return out


def _what_the_signed_in_clerk_gets(s: Session) -> dict:
    """Who is signed in, which window and widget have the keyboard, and that typing a name searches."""
    w, out = s.window, {}
    out["login_after"] = s.login_state()
    out["active_after_sign_in"] = s.active()
    out["focus_after_sign_in"] = s.focus_widget_name()
    s.person.type("smith")
    s.wait_until(lambda: w.results.count() > 0, 8000)
    out["results_after_sign_in"] = s.gui(w.results.count)
    out["customer_data_visible_after_sign_in"] = s.visible_customer_data()
    return out


def pin_typed_as_the_screen_shows(s: Session) -> dict:
    """A clerk who types the PIN and Enter the moment the sign-in screen shows (before it has read the clerk
    list, before the counter behind it is up): the Enter was dropped and the clerk stood before a screen
    that did nothing. Now the sign-in goes on once the list is there."""
    p, w, out = s.person, s.window, {}
    out["sign_in_shown"] = p.wait_active("Sign in", 60_000)
    out["list_read_before_typing"] = s.gui(lambda: s.shell.login_dialog().ready)
    out["page_ready_before_typing"] = s.gui(lambda: getattr(w.panel, "_page_ready", False))
    out["x_window_at_sign_in"] = s.gui(lambda: int(w.winId()))
    p.type("0000")  # Trainee is the first clerk in the list
    p.key("Return")
    out["signed_in"] = s.wait_until(lambda: s.shell.clerk is not None and not w.locked, 15_000)
    out.update(_what_the_signed_in_clerk_gets(s))
    # The payment view joined the window meanwhile: the counter is still the X window it was (no re-creation)
    s.wait_until(lambda: getattr(w.panel, "_page_ready", False), 30_000)
    out["x_window_after_page"] = s.gui(lambda: int(w.winId()))
    out["x_window_active"] = int(p.xdo("getactivewindow"))
    return out


def idle_lock_sees_real_input(s: Session) -> dict:
    """5 minutes of F6/Esc use was read as "no input" (filters lost on a re-created native window). Here the
    idle lock is set to 4 s; a clerk works with real keys for 12 s (amount field, payment form and its web
    view, Esc) and no lock may come; then the clerk stops and the lock comes, hiding everything."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    s.gui(lambda: s.shell.idle.set_minutes(4 / 60, interval_ms=4000))  # test set-up: a short idle time
    picked = s.find_and_pick("a", want=lambda win: win.customer_page.charge_file_button is not None)
    out["picked"] = picked
    lock_seen = []
    s.gui(lambda: s.shell.locked_changed.connect(lambda locked: (lock_seen.append(locked),
                                                                 s.note(f"locked={locked}"))))
    s.note("picked; working")
    # 12 s of work, never 4 s without a key: type an amount slowly, open the card form, type into it, Esc.
    p.key("ctrl+a")
    for ch in "12.34":
        p.type(ch)
        p.settle(600)
    p.key("F6")
    out["form_opened"] = s.wait_until(lambda: w.stack.currentWidget() is w.panel, 5000)
    s.note(f"form opened={out['form_opened']}")
    p.settle(1500)
    remaining_before = s.gui(s.shell.idle._timer.remainingTime)
    p.type("4111")  # into PaySimple's card form (the web view's iframe)
    out["idle_timer_reset_by_web_view_typing"] = s.gui(s.shell.idle._timer.remainingTime) > remaining_before
    for _ in range(6):
        p.key("Escape")
        p.settle(700)
        p.key("F6")
        p.settle(700)
    p.key("Escape")
    p.settle(900)
    out["locks_while_working"] = list(lock_seen)
    # Stop: hands off the keyboard for 7 s.
    p.settle(7000)
    out["locks_after_idle"] = list(lock_seen)
    out["active_after_idle"] = s.active()
    out["login_after_idle"] = s.login_state()
    out["customer_data_visible_when_locked"] = s.visible_customer_data()
    out["shot_locked"] = s.shot("10-locked")
    # Unlock as the manager (any clerk may).
    out["unlocked"] = s.sign_in("1234", clerk="Trainer")
    out["login_after_unlock"] = s.login_state()
    out["active_after_unlock"] = s.active()
    return out


def lock_waits_for_a_payment(s: Session) -> dict:
    """The idle lock comes while a payment is in flight: it waits for the outcome, which the clerk sees."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = s.find_and_pick("a", want=_card_on_file)
    out["picked"] = picked
    s.gui(lambda: s.shell.idle.set_minutes(3 / 60, interval_ms=3000))
    w.counter.gateway.faults.add("POST", "/v4/payment", "delay", delay_s=7)  # PaySimple is slow today
    lock_seen = []
    s.gui(lambda: s.shell.locked_changed.connect(lambda locked: lock_seen.append((w.charging, locked))))
    p.key("ctrl+a")
    p.type("7.25")
    p.key("F5")
    p.wait_until(lambda: s.active() == "Charge card on file", 5000)
    p.key("Return")  # no CVV
    out["charging"] = s.wait_until(lambda: w.charging, 3000)
    p.settle(5000)  # 5 s without input, longer than the idle time, payment still in flight
    out["locked_during_payment"] = s.login_state()["window_locked"]
    s.wait_until(lambda: not w.charging, 15_000)
    out["result"] = s.gui(w.result.title.text)
    s.wait_until(lambda: bool(lock_seen), 8000)
    out["lock_events"] = lock_seen
    out["journal"] = s.journal_rows()
    return out


def lock_screen_is_on_top(s: Session) -> dict:
    """Ctrl+L locks: the lock screen is the active window with the PIN focused, nothing of the counter shows."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    p.type("smith")
    s.wait_until(lambda: w.results.count() > 0, 8000)
    p.key("ctrl+l")
    p.wait_until(lambda: s.active() == "Screen locked", 5000)
    out["active"] = s.active()
    out["focus"] = s.focus_widget_name()
    out["customer_data_visible"] = s.visible_customer_data()
    p.type("smith")  # typed at the lock screen: digits only, nothing reaches the counter
    out["search_text"] = s.gui(w.search.text)
    out["shot"] = s.shot("20-lock")
    out["unlocked"] = s.sign_in("0000")
    out["active_after"] = s.active()
    out["window_title"] = WINDOW_TITLE
    return out


def one_sale_one_charge(s: Session) -> dict:
    """Issue 13 §3: after an approved sale the amount is gone; Esc → F5 → Enter does not charge the same
    customer the same amount again; a second charge needs "Charge again" explicitly."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = s.find_and_pick("a", want=_card_on_file)
    out["picked"] = picked
    p.key("ctrl+a")
    p.type("12.34")
    p.key("F5")
    out["confirm_title"] = s.active() if p.wait_until(lambda: s.active() == "Charge card on file", 8000) else s.active()
    p.key("Return")  # charge, no CVV
    s.wait_until(lambda: w.stack.currentWidget() is w.result, 20_000)
    out["first_result"] = s.gui(w.result.title.text)
    p.key("Escape")  # back to the customer
    s.wait_until(lambda: w.stack.currentWidget() is w.customer_page, 5000)
    out["amount_after_sale"] = s.gui(w.customer_page.amount.edit.text)
    # The tired clerk: F5, Enter (nothing typed) → nothing.
    p.key("F5")
    p.settle(600)
    out["active_after_f5_with_no_amount"] = s.active()
    p.key("Return")
    p.settle(600)
    # Types the same amount again: F5 → the repeat question; Enter = "Do not charge".
    p.key("ctrl+a")
    p.type("12.34")
    p.key("F5")
    p.wait_until(lambda: s.active() == "Already charged?", 8000)
    out["repeat_question"] = s.active()
    out["repeat_text"] = s.gui(lambda: _message_box_text("repeatChargeDialog"))
    out["shot_repeat"] = s.shot("30-repeat")
    p.key("Return")
    p.settle(800)
    out["active_after_enter"] = s.active()
    out["status_after_enter"] = s.gui(w.customer_page.customer_status.text)
    out["journal_after_enter"] = [(r["state"], r["amount_cents"]) for r in s.journal_rows()]
    # F6 (new card) with the same amount asks too; Escape = do not charge, no form opens.
    p.key("F6")
    p.wait_until(lambda: s.active() == "Already charged?", 8000)
    out["repeat_question_f6"] = s.active()
    p.key("Escape")
    p.settle(800)
    out["form_opened_after_escape"] = s.gui(lambda: w.stack.currentWidget() is w.panel)
    # The customer really buys a second item: "Charge again" (Alt+A), then the usual confirmation.
    p.key("F5")
    p.wait_until(lambda: s.active() == "Already charged?", 8000)
    p.key("alt+a")
    out["confirm_after_charge_again"] = s.active() if p.wait_until(
        lambda: s.active() == "Charge card on file", 8000) else s.active()
    p.key("Return")
    s.wait_until(lambda: w.stack.currentWidget() is w.result, 20_000)
    out["second_result"] = s.gui(w.result.title.text)
    out["journal"] = [(r["state"], r["amount_cents"]) for r in s.journal_rows()]
    out["gateway"] = [(g["status"], g["amount"]) for g in s.gateway_payments(picked["paysimple_id"])] if picked else []
    # Picking another customer never carries an amount over.
    p.key("Escape")
    p.key("ctrl+a")
    p.type("55.00")
    p.key("ctrl+f")
    p.type("e")
    s.wait_until(lambda: w.results.count() > 1 and w.shown_query == "e", 8000)
    p.key("Down", "Return")
    s.wait_until(lambda: w.hit is not None and w.hit.paysimple_id != picked["paysimple_id"], 8000)
    out["amount_after_other_customer"] = s.gui(w.customer_page.amount.edit.text)
    return out


def _message_box_text(name: str) -> str:
    from PySide6.QtWidgets import QApplication, QMessageBox

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == name and widget.isVisible():
            return widget.text() + "\n" + widget.informativeText()
    return ""


def _card_on_file(window) -> bool:
    """The customer's selected account on file is a card that can be charged (F5)."""
    account = window.customer_page.methods.current_account()
    return window.customer_page.charge_file_button.isEnabled() and getattr(account, "credit_card_number", None) is not None


def stop_waiting_for_a_slow_payment(s: Session) -> dict:
    """Issue 13 §4: PaySimple is slow; the clerk presses Esc ("Stop waiting"): the counter is free again at once,
    the payment goes on in the background with the lane guarded (a second charge on another customer is
    refused and shows the first one), and the screen changes to the outcome when PaySimple answers."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = s.find_and_pick("a", want=_card_on_file)
    out["picked"] = picked
    w.counter.gateway.faults.add("POST", "/v4/payment", "delay", delay_s=12)  # PaySimple is slow today
    p.key("ctrl+a")
    p.type("8.80")
    p.key("F5")
    p.wait_until(lambda: s.active() == "Charge card on file", 8000)
    p.key("Return")
    out["charging"] = s.wait_until(lambda: w.charging and w.task.cancel_button.isVisible(), 5000)
    out["stop_button"] = s.gui(w.task.cancel_button.text)
    started = time.monotonic()
    p.key("Escape")  # stop waiting
    out["free_after_s"] = round(time.monotonic() - started, 2) if s.wait_until(lambda: not w.charging, 3000) else None
    out["screen_after_stop"] = s.gui(w.result.title.text)
    out["message_after_stop"] = s.gui(w.result.message.text)
    out["shot_stopped"] = s.shot("40-stopped-waiting")
    # Another customer, another charge: the lane is still guarded.
    p.key("ctrl+f")
    p.type("e")
    s.wait_until(lambda: w.results.count() > 1 and w.shown_query == "e", 8000)
    p.key("Down", "Return")
    s.wait_until(lambda: w.hit is not None and w.hit.paysimple_id != picked["paysimple_id"]
                 and w.customer_page.charge_file_button.isEnabled(), 8000)
    p.key("ctrl+a")
    p.type("5.00")
    p.key("F5")
    if p.wait_until(lambda: s.active() in ("Charge card on file", "Bank debit authorization"), 8000):
        out["second_confirm"] = s.active()
        if s.active() == "Bank debit authorization":
            p.key("Escape")
        else:
            p.key("Return")
    p.settle(2000)
    out["screen_after_second"] = s.gui(lambda: (w.result.title.text(), w.result.attempt.customer_name
                                                if w.result.attempt else None))
    # PaySimple answers: the outcome replaces "not confirmed" on the screen.
    s.wait_until(lambda: w.result.title.text() == "Approved", 25_000)
    out["final_screen"] = s.gui(w.result.title.text)
    out["journal"] = [(r["state"], r["amount_cents"]) for r in s.journal_rows()]
    out["gateway"] = [(g["status"], g["amount"]) for g in s.gateway_payments(picked["paysimple_id"])]
    return out


def approval_pins_pause_the_dialog_not_the_managers_sign_in(s: Session) -> dict:
    """Issue 13 §7: someone at the counter types wrong manager PINs into the approval dialog (Manager → Import
    customers from CSV…, as the clerk Trainee). After each wrong PIN, Enter does nothing for a growing wait;
    the fifth pauses approvals by Trainer. Trainer can still sign in at the lock screen with the keyboard."""
    s.start()
    p, out = s.person, {}
    out["signed_in"] = s.sign_in("0000")  # Trainee, a clerk: the import needs a manager's approval
    p.key("alt+m")
    p.settle(400)
    p.key("Down", "Down", "Down", "Return")  # Clerks…, Settings…, End of day…, Import customers from CSV…
    out["dialog"] = s.active() if p.wait_active("Manager approval", 8000) else s.active()

    def dialog():
        from PySide6.QtWidgets import QApplication

        return next((w for w in QApplication.topLevelWidgets()
                     if w.objectName() == "managerApprovalDialog" and w.isVisible()), None)

    def seen() -> dict:
        d = dialog()
        return {"message": d.message.text(), "approve_enabled": d.approve_button.isEnabled(),
                "focus": s.focus_widget_name()} if d is not None else {}

    out["focus_at_open"] = s.focus_widget_name()  # the PIN (issue 18)
    p.key("Tab")  # PIN -> reason
    p.type("moving customers from the old register")
    p.key("shift+Tab")  # reason -> PIN
    out["focus_pin"] = s.focus_widget_name()
    tries = []
    for n in range(5):
        p.type("9999")
        p.key("Return")
        p.settle(250)
        after = seen()
        p.type("1234")  # the right PIN right away: Enter does nothing while the dialog holds
        p.key("Return")
        p.settle(150)
        held = seen()
        enabled_again = s.wait_until(lambda: dialog() is not None and dialog().approve_button.isEnabled(),
                                     20_000) if n < 4 else None
        p.key("ctrl+a", "BackSpace")  # clear the PIN field
        tries.append({"after_wrong": after, "right_pin_while_held": held, "enabled_again": enabled_again,
                      "dialog_open": dialog() is not None})
        s.note(f"try {n + 1}: {after.get('message', '')[:80]}")
    out["tries"] = tries
    out["shot_paused"] = s.shot("50-approval-paused")
    p.type("1234")  # the right PIN while approvals by Trainer are paused
    p.key("Return")
    p.settle(500)
    out["right_pin_while_paused"] = seen()
    p.key("Escape")
    p.settle(500)
    out["dialog_after_escape"] = dialog() is not None
    p.key("ctrl+l")  # lock; Trainer signs in with the keyboard
    p.wait_active("Screen locked", 5000)
    out["unlocked_by_trainer"] = s.sign_in("1234", clerk="Trainer")
    out["login_after"] = s.login_state()

    def events():
        from pos_app.clerks import ClerkRegistry

        reg = ClerkRegistry(s.shell.clerks.path)  # the clerk file itself
        try:
            return [(e.kind, e.name, e.outcome) for e in reg.events() if e.kind in ("approve", "login")], \
                len(reg.approvals())
        finally:
            reg.close()

    out["events"], out["approvals"] = events()  # the auditor's record
    return out


FORGED_NAME = "Ada\r\nAPPROVED - NO SIGNATURE NEEDED\r\n"


def forged_name_on_a_declined_receipt(s: Session) -> dict:
    """Issue 13 §7, the reproduced defect: a customer whose name (as PaySimple holds it) carries CR/LF and
    "APPROVED - NO SIGNATURE NEEDED" is charged and declined; the receipt the clerk opens with Ctrl+P shows no
    line saying APPROVED."""
    s.start()
    p, w, out = s.person, s.window, {}
    # Test set-up: such a customer exists in PaySimple (another channel put it there); the counter syncs.
    store = w.counter.gateway.store
    created = store.create_customer({"FirstName": FORGED_NAME, "LastName": "Zzforged", "Email": "z@example.com"})
    store.create_credit_card(created["Id"], "5454545454545454", "12/2030", is_default=True)
    sync = w.counter.sync_customers()
    out["sync_neutralised"] = sync.neutralised
    out["signed_in"] = s.sign_in("0000")
    picked = s.find_and_pick("zzforged", want=_card_on_file)
    out["picked"] = picked
    out["name_on_screen"] = s.gui(w.customer_page.customer_name.text)
    p.key("ctrl+a")
    p.type("9999.01")  # the training gateway declines this amount
    p.key("F5")
    p.wait_until(lambda: s.active() == "Charge card on file", 8000)
    p.key("Return")
    s.wait_until(lambda: w.stack.currentWidget() is w.result, 20_000)
    out["result"] = s.gui(w.result.title.text)
    p.key("ctrl+p")
    out["receipt_open"] = p.wait_until(lambda: s.active().startswith("Receipt"), 8000)

    def receipt_lines() -> list[str]:
        from PySide6.QtWidgets import QApplication

        dialog = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "receiptDialog"
                      and w.isVisible())
        return [line.strip() for line in dialog.view.toPlainText().splitlines() if line.strip()]

    out["receipt_lines"] = s.gui(receipt_lines)
    out["receipt_title"] = s.active()
    out["shot_receipt"] = s.shot("60-declined-receipt")
    p.key("Escape")
    out["journal"] = [(r["state"], r["amount_cents"]) for r in s.journal_rows()]
    return out


def import_a_spreadsheet_export(s: Session) -> dict:
    """Issue 15: a manager imports a file as Excel writes it (quotes doubled inside quoted fields, commas and
    line breaks in fields) with one row holding a control character and one a bad email, through the menu,
    the file dialog and the keyboard; the customers come in exactly, the bad rows are named with a reason."""
    import csv as csv_module

    s.start()
    p, w, out = s.person, s.window, {}
    source = s.home / "old-register.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as f:  # as Excel / csv.writer write it
        writer = csv_module.writer(f)
        writer.writerow(["First Name", "Last Name", "Company", "City", "Loyalty #", "E-mail", "Notes"])
        writer.writerow(['Robert "Bob"', "Zzsmith", 'Acme, "Inc"', "Denver", "ZZ-1", "bob@example.com",
                         "first line\r\nsecond line"])
        writer.writerow(["Ann\x1b[2J", "Zzlee", "", "Boulder", "ZZ-2", "ann@example.com", ""])
        writer.writerow(["Carl", "Zzjones", "", "Aurora", "ZZ-3", "not-an-email", ""])
    out["signed_in"] = s.sign_in("1234", clerk="Trainer")  # a manager opens it without an approval
    p.key("alt+m")
    p.settle(400)
    p.key("Down", "Down", "Down", "Return")  # Clerks…, Settings…, End of day…, Import customers from CSV…
    out["dialog"] = s.active() if p.wait_active("Import customers from CSV", 8000) else s.active()
    dialog = s.gui(lambda: s.shell.import_dialog)
    p.click_widget(s.gui(lambda: dialog.choose_button))
    out["file_dialog"] = s.active() if p.wait_active("Choose the customer file", 8000) else s.active()
    p.type(str(source))
    p.key("Return")
    p.wait_active("Import customers from CSV", 8000)
    out["file_label"] = s.gui(dialog.file_label.text)
    done = []
    s.gui(lambda: dialog.finished_import.connect(lambda result: done.append(result)))
    p.key("Return")  # Import has the focus once a file is chosen
    out["finished"] = s.wait_until(lambda: bool(done), 30_000)
    out["summary"] = s.gui(dialog.summary.text)
    out["report_button"] = s.gui(lambda: dialog.report_button.isVisible())

    def cut(label) -> bool:  # a wrapped text shorter on screen than it needs (what a person cannot read)
        return label.height() < label.heightForWidth(label.width())

    out["intro_cut"] = s.gui(lambda: cut(dialog.intro))
    out["summary_cut"] = s.gui(lambda: cut(dialog.summary))
    report = done[0] if done else None
    out["report_rows"] = report.report_path.read_text(encoding="utf-8-sig").splitlines() if report else []
    out["shot_import"] = s.shot("70-import")
    # Issue 18: this PC has no program for CSV files (no xdg-open): "Open report" keeps the summary and
    # shows where the report is, selectable, with "Copy path".
    p.click_widget(s.gui(lambda: dialog.report_button))
    s.wait_until(lambda: dialog.location.isVisible(), 5000)
    out["summary_after_open"] = s.gui(dialog.summary.text)
    out["open_note"] = s.gui(dialog.file_note.text)
    out["report_path_shown"] = s.gui(dialog.location.field.text)
    p.click_widget(s.gui(lambda: dialog.location.copy_button))
    p.settle(300)
    out["clipboard"] = s.gui(lambda: __import__("PySide6.QtGui").QtGui.QGuiApplication.clipboard().text())
    out["shot_no_csv_program"] = s.shot("71-import-no-csv-program")

    def stored() -> list:
        con = w.counter.directory.connection()
        return [list(r) for r in con.execute(
            "SELECT customer_account, first_name, last_name, company, city, local_notes FROM customers "
            "WHERE customer_account LIKE 'ZZ-%' ORDER BY customer_account")]

    out["stored"] = stored()
    p.key("Escape")
    return out


# --- issue 14 §1: training cannot touch Live -------------------------------------------------------------

LIVE_USER, LIVE_KEY, LIVE_PIN = "LiveStoreUser", "Live-Secret-Key-0a1b2c3d4e5f", "739164"


def _live_files(home) -> dict:
    import hashlib

    data = home / "data"
    files = [data / "settings.json", *data.glob("clerks.db*"), *(data / "live").rglob("*")]
    return {str(f.relative_to(data)): hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(files)
            if f.is_file()}


def prepare_training_cannot_touch_live(s: Session) -> None:
    """A counter set up for Live (settings, clerk file with a manager, the key in a keyring, a journal)."""
    import keyring

    from pos_app.clerks import ClerkRegistry, Role, clerks_db_path
    from pos_app.config import app_paths
    from pos_app.credentials import CredentialStore, MemoryKeyring
    from pos_app.payments import Journal
    from pos_app.settings import Merchant, Settings, save_settings

    keyring.set_keyring(MemoryKeyring())
    paths = app_paths(s.home).ensure()
    save_settings(Settings(environment="live", api_users={"live": LIVE_USER}, setup_done=True,
                           merchant=Merchant(name="Real Store")), paths.settings_file)
    registry = ClerkRegistry(clerks_db_path(paths.data_dir, "live"))
    registry.add("Maria", LIVE_PIN, Role.MANAGER, by=None)
    registry.close()
    CredentialStore.for_data_dir(paths.data_dir).save("live", LIVE_USER, LIVE_KEY)
    Journal(paths.data_dir / "live" / "journal.db").close()
    s.obs["live_before"] = _live_files(s.home)
    s.obs["keyring_before"] = sorted(keyring.get_keyring()._data)


def training_cannot_touch_live(s: Session) -> dict:
    """`pos-app --training` on that Live counter; a trainee opens Manager → Settings, the published training
    PIN approves it, and they try to reach Live in the set-up window with the keyboard, then finish."""
    import keyring

    s.start()
    p, out = s.person, {"live_before": s.obs["live_before"]}
    out["signed_in"] = s.sign_in("0000")                       # Trainee
    p.key("alt+m")                                              # Manager menu
    p.settle(400)
    p.key("Down", "Return")                                     # Clerks…, Settings…
    out["approval_opened"] = p.wait_until(lambda: s.active() == "Manager approval", 5000)
    out["approval_title"] = s.active()
    p.type("1234")                                              # the PIN has the keyboard (Trainer is the only manager)
    p.key("Tab")                                                # the reason
    p.type("change the receipt")
    p.key("Return")
    out["wizard_opened"] = p.wait_until(lambda: s.active() == "Counter set-up", 8000)
    out["shot_wizard"] = s.shot("30-settings-in-training")

    def environment_page() -> dict:
        wizard = s.shell.setup_wizard
        page = wizard.flow.environment_page
        return {"checked": wizard.flow.environment().value,
                "enabled": {env.value: b.isEnabled() for env, b in page.buttons.items()},
                "note": page.training_only_note.isVisible() and page.training_only_note.text()}

    out["environment_page"] = s.gui(environment_page)
    for key in ("Down", "Down", "Up", "Down"):                  # try to move the choice to Sandbox/Live
        p.key(key)
        p.settle(150)
    out["after_trying"] = s.gui(environment_page)
    out["active_after_trying"] = s.active()
    p.key("Return")                                             # Next (the default button)
    p.settle(500)
    out["page_after_next"] = s.gui(lambda: s.shell.setup_wizard.flow.currentPage().title())
    p.key("ctrl+a")
    p.type("Practice Shop")                                     # store name (first field of the page)
    p.key("Return")                                             # Next: the summary
    p.settle(500)
    out["page_before_finish"] = s.gui(lambda: s.shell.setup_wizard.flow.currentPage().title())
    p.key("Return")                                             # Finish
    out["wizard_closed"] = p.wait_until(lambda: s.active() != "Counter set-up", 5000)
    p.settle(500)
    out["live_after"] = _live_files(s.home)
    out["keyring_after"] = sorted(keyring.get_keyring()._data)
    out["keyring_before"] = s.obs["keyring_before"]
    import sqlite3

    with sqlite3.connect(f"file:{s.home / 'data' / 'clerks.db'}?mode=ro", uri=True) as db:
        out["live_approvals"] = db.execute("SELECT action, subject FROM approvals").fetchall()
    from pos_app.settings import load_settings

    out["training_store_name"] = load_settings(s.home / "data" / "settings-training.json").merchant.name
    out["counter_settings"] = load_settings(s.home / "data" / "settings.json").to_json()
    return out


def _storage_problem_on_screen(s: Session, shot: str):
    """Start-up with a storage fault: waits for the counter's storage message, then reads what a person sees
    (the active window, the message, the status bar), whether a back end started, and takes ``shot``.
    Returns (the message dialog, those observations)."""
    w, out = s.window, {}
    out["problem_shown"] = s.wait_until(lambda: getattr(w, "storage_problem", None) is not None, 60_000)
    s.person.settle(1500)
    dialog = w.storage_problem
    out["active_at_start"] = s.active()
    out["message"] = s.gui(dialog.message.text)
    out["status_bar"] = s.gui(lambda: w.statusBar().currentMessage())
    out["backend_before"] = s.gui(lambda: w.counter is not None)
    out["shot_problem"] = s.shot(shot)
    return dialog, out


def damaged_journal_restored_by_a_manager(s: Session) -> dict:
    """Issue 15: the payment journal is damaged at start-up. The counter says so (which file, that it was kept,
    no payments), offers the latest automatic backup; a manager restores it with the keyboard (Enter, reason,
    PIN); the counter starts, and after signing in a payment goes through and is journaled."""
    p, w = s.person, s.window
    dialog, out = _storage_problem_on_screen(s, "40-journal-damaged")
    out["backup_info"] = s.gui(dialog.backup_info.text)
    p.key("Return")  # "Restore this backup…", the default button
    out["approval_active"] = s.active() if p.wait_active("Manager approval", 8000) else s.active()
    p.type("1234")  # the PIN has the keyboard
    p.key("Tab")  # the reason
    p.type("journal damaged, restoring the backup")
    out["shot_approval"] = s.shot("41-approval")
    p.key("Return")
    out["restarted"] = s.wait_until(lambda: w.counter is not None, 90_000)
    out["restore_state"] = s.gui(dialog.state.text)
    # the counter restarts behind the message; a person waits until the message has the keyboard again
    p.wait_active("Payment journal restored", 15_000)
    out["shot_restored"] = s.shot("42-restored")
    out["damage_text_after_restore"] = s.gui(lambda: dialog.message.isVisible())
    p.key("Return")  # Close has the keyboard now
    if not p.wait_until(lambda: s.active() != "Payment journal restored", 8000):
        p.key("Return")  # as a person would when the first press went nowhere (a loaded machine)
        p.wait_until(lambda: s.active() != "Payment journal restored", 8000)
    p.settle(800)
    out["active_after_close"] = s.active()
    s.wait_until(lambda: getattr(w.panel, "_page_ready", False), 20_000)
    p.settle(1500)
    if s.active() != "Sign in":
        p.key("Return")  # the cover's button brings the sign-in screen
    out["signed_in"] = s.sign_in("0000")
    out["picked"] = s.find_and_pick("a", want=_card_on_file)
    p.key("ctrl+a")
    p.type("5.55")
    p.key("F5")
    p.wait_until(lambda: s.active() == "Charge card on file", 8000)
    p.key("Return")
    s.wait_until(lambda: w.stack.currentWidget() is w.result, 30_000)
    out["result"] = s.gui(w.result.title.text)
    out["journal"] = s.journal_rows()
    return out


def read_only_journal_said_at_start(s: Session) -> dict:
    """Decision 0493: only the journal FILE is read-only (its folder writable). The counter says so at start,
    before any payment (which file, that the file is read-only, what to do), and takes no payment; Enter or
    Esc closes the message like a person would."""
    p, w = s.person, s.window
    dialog, out = _storage_problem_on_screen(s, "45-journal-read-only")
    out["restore_visible"] = s.gui(dialog.restore_button.isVisible)
    p.key("Escape")
    p.wait_until(lambda: s.active() != "The counter could not start", 8000)
    p.settle(800)
    out["active_after_close"] = s.active()
    out["status_bar_after_close"] = s.gui(lambda: w.statusBar().currentMessage())
    out["backend_after_close"] = s.gui(lambda: w.counter is not None)
    return out


def prepare_damaged_settings_are_said_after_sign_in(s: Session) -> None:
    """Test set-up: the store's training settings (lane LANE7, a store name), then the file cut short."""
    path = s.home / "data" / "settings-training.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    whole = json.dumps({"setup_done": True, "lane": "LANE7", "merchant": {"name": "Corner Hardware"}})
    path.write_text(whole[: len(whole) // 2] + "\x00garbage", encoding="utf-8")


def damaged_settings_are_said_after_sign_in(s: Session) -> dict:
    """A damaged settings file is set aside and defaults are used (the app still starts); the first clerk to
    sign in is told so, with where the file was kept, and Enter closes the message."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    out["told"] = p.wait_active("Settings were reset", 10_000)
    out["text"] = s.gui(lambda: w.settings_notice.text() if w.settings_notice is not None else "")
    out["shot"] = s.shot("43-settings-reset")
    p.key("Return")
    out["closed"] = p.wait_until(lambda: s.active() != "Settings were reset", 8000)
    out["active_after"] = s.active()
    out["kept"] = sorted(f.name for f in (s.home / "data").glob("settings-training.json.bad*"))
    return out


def search_finds_the_person_meant(s: Session) -> dict:
    """Issue 16 as a clerk meets it: a surname lists the people of that name before the employees of a company
    named after it; a typo lists near matches, marked; a phone search shows the number that matched; an
    e-mail's local part finds the e-mail. Everything typed with real keys into the counter's search box."""
    from PySide6.QtCore import Qt

    s.start()
    p, w, out = s.person, s.window, {}
    # Test set-up: these customers exist in PaySimple; the counter syncs them (as at start-up).
    store = w.counter.gateway.store
    for first, last, extra in (
            ("Aaron", "Abbott", {"Company": "Qorvath Plumbing"}), ("Zoe", "Abel", {"Company": "Qorvath Plumbing"}),
            ("Pat", "Qorvath", {"Phone": "9705550101", "MobilePhone": "7205550199"}),
            ("Lee", "Qorvath", {"Phone": "9705550102"}),
            ("Mary", "Quillon", {"Email": "mary.quillon31@example.com"})):
        store.create_customer({"FirstName": first, "LastName": last, **extra})
    w.counter.sync_customers()
    out["signed_in"] = s.sign_in("0000")

    def rows() -> list[list[str]]:
        r = w.results
        return [[r.item(i).data(Qt.ItemDataRole.UserRole + 1).display_name,
                 r.item(i).data(Qt.ItemDataRole.AccessibleTextRole)] for i in range(r.count())]

    def search(query: str) -> list[list[str]]:
        p.key("ctrl+f")  # selects what the box holds: typing replaces it
        p.type(query)
        s.wait_until(lambda: w.shown_query == query, 8000)
        p.settle(300)
        return s.gui(rows)

    out["surname"] = search("qorvath")
    out["typo"] = search("qorvaht")
    out["shot_typo"] = s.shot("80-near-matches")
    out["typo_count_text"] = s.gui(w.results_count.text)
    out["mobile"] = search("720 555 0199")
    out["local_part"] = search("mary.quillon31")
    # Enter on a near match picks that customer, as for any result
    search("qorvaht")
    p.key("Return")
    out["picked"] = s.wait_until(lambda: w.hit is not None, 8000) and s.gui(w.customer_page.customer_name.text)
    # A fast clerk types a name and Enter in one burst (10 ms a key), before the search has answered: the
    # customer the box names opens, not the highlighted row of the list still on screen (Lee Qorvath).
    p.key("ctrl+f")
    out["list_before_burst"] = s.gui(lambda: w.results.current_hit().display_name)
    burst = ["space" if c == " " else c for c in "mary quillon"] + ["Return"]
    p.xdo("key", "--delay", "10", *burst)  # one xdotool run, 10 ms a key: no pause before Enter
    s.wait_until(lambda: w.hit is not None and w.hit.display_name != "Lee Qorvath", 8000)
    p.settle(500)
    out["picked_after_burst"] = s.gui(lambda: w.hit.display_name)
    out["page_after_burst"] = s.gui(w.customer_page.customer_name.text)
    return out
# --- issue 13 §2, §4, §5, §6: shared helpers -------------------------------------------------------------------

def _accounts_shown(s: Session) -> list[int]:
    """A counter of the window's ``accountsShown`` (a customer's cards and bank accounts reached the screen),
    connected once per app process: ``[count]``."""
    w = s.window
    if not hasattr(w, "_person_accounts_shown"):
        shown = w._person_accounts_shown = [0]
        s.gui(lambda: w.accountsShown.connect(lambda: shown.__setitem__(0, shown[0] + 1)))
    return w._person_accounts_shown


def _pick(s: Session, query: str, want=None, tries: int = 15) -> dict | None:
    """Like ``Session.find_and_pick`` but in any UI language: waits for the window's ``accountsShown`` (the
    customer's cards and bank accounts are on screen), not for an English note."""
    p, w = s.person, s.window
    shown = _accounts_shown(s)
    p.key("ctrl+f")
    p.type(query)
    s.wait_until(lambda: w.results.count() > 0 and w.shown_query == query, 8000)
    for index in range(min(tries, s.gui(w.results.count))):
        if index:
            p.key("ctrl+f")
            p.key(*(["Down"] * index))
        before = shown[0]
        p.key("Return")
        if not p.wait_until(lambda before=before: shown[0] > before, 8000):
            continue
        p.settle(100)
        if s.gui(lambda: w.hit is not None and w.stack.currentWidget() is w.customer_page
                 and (want is None or want(w))):
            return s.gui(lambda: {"name": w.hit.display_name, "paysimple_id": w.hit.paysimple_id,
                                  "accounts": w.customer_page.methods.topLevelItemCount()})
    return None


def _no_accounts(window) -> bool:
    return window.customer_page.methods.topLevelItemCount() == 0 and window.customer_page.new_card_button.isEnabled()


def _bank_on_file(window) -> bool:
    """The selected account on file is a bank account (F5 charges it after the authorization)."""
    account = window.customer_page.methods.current_account()
    return window.customer_page.charge_file_button.isEnabled() and account is not None \
        and getattr(account, "routing_number", None) is not None


def _modal(s: Session) -> dict | None:
    """The modal window on top (a confirmation, a question): its title, its labels' texts, its buttons."""
    def read():
        from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible():
            return None
        labels = [label.text() for label in widget.findChildren(QLabel) if label.isVisible() and label.text()]
        buttons = {b.text(): b.isEnabled() for b in widget.findChildren(QAbstractButton) if b.isVisible()}
        return {"title": widget.windowTitle(), "name": widget.objectName(), "class": type(widget).__name__,
                "texts": labels, "buttons": buttons}
    return s.gui(read)


def _screen(s: Session) -> dict:
    """What the right side of the counter shows now."""
    w = s.window

    def read():
        page = w.stack.currentWidget()
        name = {id(w.welcome): "welcome", id(w.customer_page): "customer", id(w.panel): "form",
                id(w.result): "result"}.get(id(page), type(page).__name__)
        out = {"page": name, "status": w.customer_page.customer_status.text(), "statusbar": w.statusBar().currentMessage(),
               "charging": w.charging}
        if name == "result":
            out |= {"title": w.result.title.text(), "amount": w.result.amount.text(),
                    "message": w.result.message.text(),
                    "on_file": w.result.on_file.text() if w.result.on_file.isVisible() else "",
                    "kind": w.result.kind}
        if name == "form":
            out |= {"header": w.panel.header.text(), "customer": w.panel.subheader.text(),
                    "form_status": w.panel.status.text(), "state": w.panel.state.value}
        return out
    return s.gui(read)


def _amount_field(s: Session) -> dict:
    w = s.window
    return s.gui(lambda: {"text": w.customer_page.amount.edit.text(), "message": w.customer_page.amount.message.text(),
                          "message_visible": w.customer_page.amount.message.isVisible(), "has_focus": w.customer_page.amount.edit.hasFocus()})


def _translate(s: Session, context: str, text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return s.gui(lambda: QCoreApplication.translate(context, text))


def _payments(s: Session, customer_id: int, client=None) -> list[list[str]]:
    """PaySimple's own records for a customer, read past any proxy: [status, amount, order id]."""
    client = client or s.window.counter.client
    return [[str(p.status), str(p.amount), p.order_id] for p in client.customer_payments(customer_id)]


def _attempts(s: Session) -> list[dict]:
    """Every journal attempt with the columns an auditor reads for these items."""
    import sqlite3

    path = s.home / "data" / "journal.db"
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute(
            "SELECT id, clerk, customer_id, amount_cents, state, account_kind, account_id, account_last4, note,"
            " ach_authorization, ach_authorized_by FROM attempts ORDER BY created_at")]


def _transitions(s: Session, attempt_id: str) -> list[list[str]]:
    import sqlite3

    path = s.home / "data" / "journal.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return [list(r) for r in db.execute(
            "SELECT from_state, to_state, cause FROM transitions WHERE attempt_id = ? ORDER BY seq", (attempt_id,))]


def _confirm_and_charge_on_file(s: Session, title: str, timeout_ms: int = 30_000) -> tuple[dict | None, dict]:
    """F5 on the customer page, wait for the confirmation titled ``title``, read it, Enter; the screen after."""
    p, w = s.person, s.window
    p.key("F5")
    p.wait_until(lambda: (_modal(s) or {}).get("title") == title, 8000)
    confirm = _modal(s)
    p.key("Return")
    s.wait_until(lambda: w.stack.currentWidget() is w.result and not w.charging, timeout_ms)
    return confirm, _screen(s)


# --- §2 amounts mean what the clerk typed ---------------------------------------------------------------------

def amounts_us_store_spanish_ui(s: Session) -> dict:
    """A US store ($1,234.56) whose clerk uses the Spanish interface: "12,34" is refused with the right way shown
    (never read as 1,234.00), nothing is asked or sent; "12.34" is confirmed, charged and shown as $12.34."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    out["ui"] = s.gui(lambda: {"window": w.windowTitle(), "charge_button": w.customer_page.charge_file_button.text(),
                               "new_card_button": w.customer_page.new_card_button.text()})
    picked = _pick(s, "a", _card_on_file)
    out["picked"] = picked
    p.key("ctrl+a")
    p.type("12,34")
    p.key("F5")
    p.settle(1500)  # long enough for a confirmation or a charge to show up if one were coming
    out["comma_field"] = _amount_field(s)
    out["comma_modal"] = _modal(s)
    out["comma_active"] = s.active()
    out["comma_screen"] = _screen(s)
    out["comma_journal"] = s.journal_rows()
    out["comma_gateway"] = _payments(s, picked["paysimple_id"])
    out["shot_comma"] = s.shot("50-us-store-es-comma-refused")
    # The clerk reads the message, Tabs on (the keyboard leaves the amount box) and types it the way shown:
    # the keys go to the amount box, replacing what was there.
    p.key("Tab")
    out["focus_before_retyping"] = s.gui(lambda: type(w.focusWidget()).__name__ + ":" + w.focusWidget().text()
                                         if hasattr(w.focusWidget(), "text") else type(w.focusWidget()).__name__)
    out["shot_button_focused"] = s.shot("50b-us-store-es-button-focused")
    p.type("12.34")
    out["amount_after_retyping"] = s.gui(lambda: w.customer_page.amount.edit.text())
    title = _translate(s, "CvvDialog", "Charge card on file")
    p.key("F5")
    p.wait_until(lambda: (_modal(s) or {}).get("title") == title, 8000)
    out["confirm"] = _modal(s)
    out["shot_confirm"] = s.shot("51-us-store-es-confirm")
    p.key("Return")
    s.wait_until(lambda: w.stack.currentWidget() is w.result and not w.charging, 30_000)
    out["result"] = _screen(s)
    out["approved_text"] = _translate(s, "ResultView", "Approved")
    out["shot_result"] = s.shot("52-us-store-es-result")
    out["journal"] = [[r["id"], r["state"], r["amount_cents"]] for r in s.journal_rows()]
    out["gateway"] = _payments(s, picked["paysimple_id"])
    return out


def amounts_comma_store_english_ui(s: Session) -> dict:
    """A store that writes $1.234,56, English interface: "12.50" is refused ("Use a comma for cents: 12,50"),
    nothing sent; "1.234,5" is $1.234,50 on the card form's title (F6), on the confirmation, and at PaySimple
    1234.50."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = _pick(s, "a", _card_on_file)
    out["picked"] = picked
    p.key("ctrl+a")
    p.type("12.50")
    p.key("F5")
    p.settle(1500)
    out["point_field"] = _amount_field(s)
    out["point_modal"] = _modal(s)
    out["point_screen"] = _screen(s)
    out["point_journal"] = s.journal_rows()
    out["point_gateway"] = _payments(s, picked["paysimple_id"])
    out["shot_point"] = s.shot("53-comma-store-point-refused")
    # F6 with the refused amount opens no form either.
    p.key("F6")
    p.settle(1500)
    out["point_f6_screen"] = _screen(s)
    # The way the message shows: "1.234,5" (the clerk leaves the last 0 off).
    p.key("ctrl+a")
    p.type("1.234,5")
    p.key("F6")  # the new-card form shows the amount before anything is typed into it
    s.wait_until(lambda: w.stack.currentWidget() is w.panel and w.panel.state is FormState.SHOWN, 20_000)
    out["form"] = _screen(s)
    out["form_submit_button"] = s.gui(w.panel.submit_button.text)
    out["shot_form"] = s.shot("54-comma-store-card-form")
    p.key("Escape")  # the customer prefers the card on file after all
    s.wait_until(lambda: w.stack.currentWidget() is w.customer_page, 8000)
    out["field_after_form"] = _amount_field(s)
    confirm, result = _confirm_and_charge_on_file(s, "Charge card on file")
    out["confirm"], out["result"] = confirm, result
    out["shot_result"] = s.shot("55-comma-store-result")
    out["journal"] = [[r["id"], r["state"], r["amount_cents"]] for r in s.journal_rows()]
    out["gateway"] = _payments(s, picked["paysimple_id"])
    return out


# --- §5 cards on file with the customer's consent -------------------------------------------------------------

VISA = "4111111111111111"


def _open_form(s: Session, key: str, timeout_ms: int = 20_000) -> bool:
    """F6 / F7 on the customer page; True once PaySimple's form is interactive (and has had a moment to put
    the caret in its first field)."""
    w = s.window
    s.person.key(key)
    ok = s.wait_until(lambda: w.stack.currentWidget() is w.panel and w.panel.state is FormState.SHOWN, timeout_ms)
    s.person.settle(800)
    return ok


def _fill_card(s: Session, number: str = VISA, expiry: str = "1230", cvv: str = "123", postal: str = "80202") -> bool:
    """Type the card into PaySimple's iframe with real keys: the form has the caret in its first field, Tab
    moves on. True once the form says it is complete (the Submit button is enabled)."""
    p, w = s.person, s.window
    p.type(number)
    for text in (expiry, cvv, postal):
        p.key("Tab")
        p.type(text)
    return s.wait_until(w.panel.submit_button.isEnabled, 5000)


def _fill_bank(s: Session, routing: str, account: str, bank: str = "First Training Bank") -> bool:
    """Routing, account, the account type (a select: left at Checking), the bank name; real keys."""
    p, w = s.person, s.window
    p.type(routing)
    p.key("Tab")
    p.type(account)
    p.key("Tab", "Tab")
    p.type(bank)
    return s.wait_until(w.panel.submit_button.isEnabled, 5000)


def _methods_rows(s: Session) -> list[list[str]]:
    w = s.window
    return s.gui(lambda: [[w.customer_page.methods.topLevelItem(i).text(c) for c in range(5)]
                          for i in range(w.customer_page.methods.topLevelItemCount())])


def _accounts_at_gateway(s: Session, customer_id: int, client=None) -> list[dict]:
    """The customer's accounts as PaySimple itself lists them (hidden-at-the-counter ones included)."""
    client = client or s.window.counter.client
    accounts = client.get_accounts(customer_id)
    return [{"id": a.id, "kind": "cc" if hasattr(a, "credit_card_number") else "ach",
             "last4": (getattr(a, "credit_card_number", None) or getattr(a, "account_number", ""))[-4:],
             "default": a.is_default} for a in [*accounts.credit_cards, *accounts.ach_accounts]]


def _onfile_rows(s: Session) -> list[dict]:
    import sqlite3

    path = s.home / "data" / "journal.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute(
            "SELECT account_id, customer_id, kind, last4, consent, state, reason, remove_after FROM onfile"
            " ORDER BY created_at")]


def _new_card_charge(s: Session, amount: str, keep: bool, number: str = VISA, want=_no_accounts) -> dict:
    """Pick a customer (``want``), type ``amount``, F6, type the card with real keys, Alt+K when ``keep``, F9;
    read the result, then Esc back to the customer and read the list; and what PaySimple and the journal
    hold."""
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = _pick(s, "a", want)
    out["picked"] = picked
    out["gateway_before"] = _accounts_at_gateway(s, picked["paysimple_id"])
    p.key("ctrl+a")
    p.type(amount)
    out["form_shown"] = _open_form(s, "F6")
    out["form"] = _screen(s)
    out["keep_box"] = s.gui(lambda: {"text": w.panel.keep_box.text(), "visible": w.panel.keep_box.isVisible(),
                                     "checked": w.panel.keep_box.isChecked()})
    out["form_complete"] = _fill_card(s, number)
    if keep:
        p.key("alt+k")  # the cursor is still in PaySimple's form
    out["keep_ticked"] = s.gui(w.panel.keep_box.isChecked)
    out["shot_form"] = s.shot("60-card-form-filled")
    p.key("F9")
    s.wait_until(lambda: w.stack.currentWidget() is w.result, 30_000)
    out["result"] = _screen(s)
    out["shot_result"] = s.shot("61-card-result")
    shown = _accounts_shown(s)
    before = shown[0]
    p.key("Escape")
    p.wait_until(lambda: shown[0] > before, 8000)
    out["list_after"] = _methods_rows(s)
    out["note_after"] = s.gui(w.customer_page.methods_note.text)
    out["shot_list"] = s.shot("62-card-list-after")
    out["gateway_after"] = _accounts_at_gateway(s, picked["paysimple_id"])
    out["payments"] = _payments(s, picked["paysimple_id"])
    out["void_until"] = [_utc_iso(p.can_void_until) for p in
                         s.window.counter.client.customer_payments(picked["paysimple_id"])]
    out["attempts"] = [[a["id"], a["state"], a["amount_cents"], a["account_id"]] for a in _attempts(s)]
    out["onfile"] = _onfile_rows(s)
    for row in out["onfile"]:
        row["remove_after"] = _utc_iso(row["remove_after"])
    return out


def _utc_iso(value) -> str | None:
    """A journal timestamp or a datetime as one comparable UTC ISO text."""
    from datetime import UTC

    from pos_app.payments.journal import parse_ts

    if value is None:
        return None
    moment = parse_ts(value) if isinstance(value, str) else value
    return moment.astimezone(UTC).isoformat()


def new_card_without_consent(s: Session) -> dict:
    """Issue 13 §5: a new card used for one charge, consent box left alone: the result says it is not kept, the
    list never shows it, PaySimple still has it (hidden here, removed after the void window: decision 0160)."""
    s.start()
    return _new_card_charge(s, "23.40", keep=False)


def new_card_with_consent(s: Session) -> dict:
    """Same with Alt+K: kept on file, shown as the "Default card" (a first card is PaySimple's default)."""
    s.start()
    return _new_card_charge(s, "18.00", keep=True)


def declined_new_card(s: Session) -> dict:
    """9999.01 declines: the new card is removed from PaySimple, even with the consent box ticked."""
    s.start()
    return _new_card_charge(s, "9999.01", keep=True)


# --- §6 ACH is not a card -------------------------------------------------------------------------------------

def _auth_box(s: Session) -> dict:
    """The bank debit authorization inside the new-bank-account form."""
    w = s.window
    return s.gui(lambda: {"visible": w.panel.auth_box.isVisible(), "text": w.panel.auth_box.text.text(),
                          "ticked": w.panel.auth_box.agreed.isChecked(), "state": w.panel.state.value,
                          "form_status": w.panel.status.text(), "header": w.panel.header.text(),
                          "view_visible": w.panel.view is not None and w.panel.view.isVisible()})


def _receipt(s: Session) -> dict | None:
    """The receipt dialog on screen (Ctrl+P on the result): its title and its text as shown."""
    def read():
        from PySide6.QtWidgets import QApplication

        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "receiptDialog" and widget.isVisible():
                return {"title": widget.windowTitle(), "text": widget.view.document().toPlainText()}
        return None
    return s.gui(read)


def _clerk_id(s: Session) -> str | None:
    return s.gui(lambda: str(s.shell.clerk.id) if s.shell.clerk is not None else None)


def _after_bank_debit(s: Session, out: dict, customer_id: int) -> None:
    """The result, then Ctrl+P (the receipt), and what the journal and PaySimple hold."""
    p, w = s.person, s.window
    out["result"] = _screen(s)
    out["shot_result"] = s.shot("71-bank-result")
    p.key("ctrl+p")
    p.wait_until(lambda: _receipt(s) is not None, 8000)
    out["receipt"] = _receipt(s)
    out["receipt_active"] = s.active()
    out["shot_receipt"] = s.shot("72-bank-receipt")
    p.key("Escape")
    p.wait_until(lambda: _receipt(s) is None, 5000)
    out["clerk_id"] = _clerk_id(s)
    out["attempts"] = [{k: a[k] for k in ("id", "state", "amount_cents", "account_kind", "account_last4", "clerk",
                                          "ach_authorization", "ach_authorized_by")} for a in _attempts(s)]
    out["payments"] = _payments(s, customer_id)
    out["screen_after_receipt"] = s.gui(lambda: w.stack.currentWidget() is w.result)


def new_bank_account_debit(s: Session) -> dict:
    """Issue 13 §6: F7, bank details typed into PaySimple's form, F9: the authorization (amount, last 4) to read
    to the customer replaces the form; F9 without the tick charges nothing; Alt+A then F9: "Posted — pending",
    never "Approved"; Ctrl+P: the receipt says POSTED - PENDING and carries the authorization."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = _pick(s, "a", _no_accounts)
    out["picked"] = picked
    p.key("ctrl+a")
    p.type("45.67")
    out["form_shown"] = _open_form(s, "F7")
    out["form"] = _screen(s)
    out["form_complete"] = _fill_bank(s, "131111114", "751111111")
    out["shot_form"] = s.shot("68-bank-form-filled")
    p.key("F9")
    s.wait_until(lambda: w.panel.state is FormState.AUTHORIZING, 20_000)
    out["authorization"] = _auth_box(s)
    out["focus_at_authorization"] = s.focus_widget_name()
    out["shot_authorization"] = s.shot("69-bank-authorization")
    out["journal_at_authorization"] = s.journal_rows()
    out["payments_at_authorization"] = _payments(s, picked["paysimple_id"])
    # F9 without the tick: refused, nothing sent.
    p.key("F9")
    p.settle(1500)
    out["after_f9_unticked"] = _auth_box(s)
    out["journal_after_f9_unticked"] = s.journal_rows()
    out["payments_after_f9_unticked"] = _payments(s, picked["paysimple_id"])
    out["shot_unticked"] = s.shot("70-bank-f9-unticked")
    # The customer agreed: Alt+A, F9.
    p.key("alt+a")
    out["ticked"] = s.gui(w.panel.auth_box.agreed.isChecked)
    p.key("F9")
    s.wait_until(lambda: w.stack.currentWidget() is w.result, 30_000)
    _after_bank_debit(s, out, picked["paysimple_id"])
    return out


def bank_account_on_file_debit(s: Session) -> dict:
    """Issue 13 §6: a bank account on file, F5: the authorization dialog is the active window, its Charge button
    off; Enter does nothing until the clerk ticks (Alt+A); then Enter charges: "Posted — pending"."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = _pick(s, "a", _bank_on_file)  # a customer whose selected account on file is a bank account
    out["picked"] = picked
    out["selected"] = s.gui(lambda: w.customer_page.methods.currentItem().text(0) + " " + w.customer_page.methods.currentItem().text(1))
    out["charge_button"] = s.gui(w.customer_page.charge_file_button.text)
    out["amount_has_focus"] = s.gui(w.customer_page.amount.edit.hasFocus)
    p.key("ctrl+a")
    p.type("61.50")
    p.key("F5")
    title = "Bank debit authorization"
    p.wait_until(lambda: s.active() == title, 8000)
    out["active"] = s.active()
    out["dialog"] = _modal(s)
    out["dialog_focus"] = s.focus_widget_name()
    out["shot_dialog"] = s.shot("73-bank-on-file-authorization")
    # Enter (and Enter again) without the tick: nothing.
    p.key("Return")
    p.settle(800)
    p.key("KP_Enter")
    p.settle(1200)
    out["after_enter"] = {"active": s.active(), "dialog": _modal(s), "journal": s.journal_rows(),
                          "payments": _payments(s, picked["paysimple_id"])}
    p.key("alt+a")
    p.settle(300)
    out["after_tick"] = _modal(s)
    p.key("Return")
    s.wait_until(lambda: w.stack.currentWidget() is w.result and not w.charging, 30_000)
    _after_bank_debit(s, out, picked["paysimple_id"])
    return out


# --- §4 honest outcomes behind a misbehaving proxy ------------------------------------------------------------

PAY = "/v4/payment"


def _behind_proxy(s: Session, total: float, in_flight_s: float, poll_s: float = 0.5):
    """Test set-up: a misbehaving proxy (``pos_app.training.proxy``) in front of the app's own training gateway,
    and the running app's PaySimple client re-pointed at it (built like ``Counter.open``
    builds it, with an overall deadline of ``total`` s); the payments service's in-flight window and poll
    interval shortened on the object the app uses. Returns (proxy, direct client): the direct client reads
    PaySimple's own records past the proxy, as an auditor would."""
    from datetime import timedelta

    from pos_app.paysimple import PaySimpleClient, Timeouts
    from pos_app.paysimple.gateway import PaySimpleGateway
    from pos_app.training.proxy import MisbehavingProxy

    backend = s.window.counter
    gateway, direct = backend.gateway, backend.client
    proxy = MisbehavingProxy(gateway.base_url, upstream_timeout=30).start()
    via = PaySimpleClient(proxy.api_url, gateway.api_user, gateway._api_key, clock=gateway.clock.now,  # noqa: SLF001
                          timeouts=Timeouts(connect=2, read=30, total=total))
    backend.client = via
    backend.service.gateway = backend.onfile.gateway = PaySimpleGateway(via)
    backend.service.in_flight_window = timedelta(seconds=in_flight_s)
    backend.service.poll_interval = poll_s
    s.note(f"behind a misbehaving proxy: deadline {total} s, in-flight window {in_flight_s} s")
    return proxy, direct


class _Watch:
    """Reads the counter every 100 ms on another thread while a payment runs: every distinct text a person could
    read (result title and message, status line, status bar, task bar), and how long each read took (a frozen
    GUI thread answers late, or not at all)."""

    def __init__(self, s: Session) -> None:
        import threading

        self.s, self.seen, self.latencies, self.samples = s, [], [], 0
        self.stop_waiting_offered = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="watch", daemon=True)

    def _read(self) -> dict:
        w = self.s.window
        return {"page": "result" if w.stack.currentWidget() is w.result else
                ("customer" if w.stack.currentWidget() is w.customer_page else "other"),
                "title": w.result.title.text() if w.stack.currentWidget() is w.result else "",
                "message": w.result.message.text() if w.stack.currentWidget() is w.result else "",
                "status": w.customer_page.customer_status.text(), "statusbar": w.statusBar().currentMessage(),
                "task": w.task.label.text() if w.task.isVisible() else "",
                "stop_waiting": w.task.isVisible() and w.task.cancel_button.isVisible()
                and w.task.cancel_button.isEnabled(), "charging": w.charging}

    def _run(self) -> None:
        import time as clock

        while not self._stop.is_set():
            started = clock.monotonic()
            try:
                view = self.s.gui(self._read, timeout=10)
            except TimeoutError:
                self.latencies.append(10.0)
                continue
            self.latencies.append(clock.monotonic() - started)
            self.samples += 1
            self.stop_waiting_offered |= bool(view.pop("stop_waiting"))
            if not self.seen or self.seen[-1] != view:
                self.seen.append(view)
            self._stop.wait(0.1)

    def start(self) -> _Watch:
        self._thread.start()
        return self

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join(15)
        texts = " | ".join(" ".join(str(v) for v in view.values()) for view in self.seen)
        return {"seen": self.seen, "samples": self.samples, "stop_waiting_offered": self.stop_waiting_offered,
                "max_read_s": round(max(self.latencies, default=0.0), 3), "all_text": texts}


def _charge_card_on_file_watched(s: Session, amount: str, timeout_ms: int = 60_000, midway=None) -> dict:
    """Amount, F5, Enter on the confirmation (real keys), watching the screen until the outcome shows;
    ``midway(s, out)`` runs once the payment is in flight."""
    import time as clock

    p, w, out = s.person, s.window, {}
    p.key("ctrl+a")
    p.type(amount)
    p.key("F5")
    p.wait_until(lambda: s.active() == "Charge card on file", 8000)
    out["confirm_active"] = s.active()
    watch = _Watch(s).start()
    started = clock.monotonic()
    p.key("Return")
    s.wait_until(lambda: w.charging, 3000)
    if midway is not None:
        midway(s, out)
    s.wait_until(lambda: not w.charging and w.stack.currentWidget() is w.result, timeout_ms)
    out["took_s"] = round(clock.monotonic() - started, 2)
    p.settle(500)
    out["watch"] = watch.stop()
    out["screen"] = _screen(s)
    return out


def proxy_504_while_paysimple_works(s: Session) -> dict:
    """Issue 13 §4: the proxy answers 504 after 0.1 s while PaySimple still works on the payment (it lands after
    4 s, later than PaySimple's own 2 s settle time): the screen never says "Not charged"; the payment is found
    and shown "Approved"; PaySimple holds exactly one payment for this order."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = _pick(s, "a", _card_on_file)
    out["picked"] = picked
    proxy, direct = _behind_proxy(s, total=10, in_flight_s=12)
    w.counter.gateway.faults.add("POST", PAY, "delay", delay_s=4)  # PaySimple is slow
    proxy.faults.add("POST", PAY, "status_early", status=504, delay_s=0.1)  # the load balancer gives up
    out |= _charge_card_on_file_watched(s, "27.35")
    out["shot_result"] = s.shot("80-proxy-504-result")
    out["proxy_fired"] = proxy.faults.counts()
    out["attempts"] = [[a["id"], a["state"], a["amount_cents"]] for a in _attempts(s)]
    out["transitions"] = _transitions(s, out["attempts"][0][0]) if out["attempts"] else []
    out["payments"] = _payments(s, picked["paysimple_id"], direct)
    # The clerk, unsure, tries the same sale again: the counter shows the earlier payment first.
    p.key("Escape")
    s.wait_until(lambda: w.stack.currentWidget() is w.customer_page, 5000)
    p.key("ctrl+a")
    p.type("27.35")
    p.key("F5")
    p.wait_until(lambda: s.active() == "Already charged?", 8000)
    out["again_active"] = s.active()
    p.key("Return")  # the default: do not charge
    p.settle(1000)
    out["payments_after_again"] = _payments(s, picked["paysimple_id"], direct)
    proxy.stop()
    return out


def proxy_replays_an_old_reply(s: Session) -> dict:
    """Issue 13 §4: a broken cache in the proxy answers the second sale with the first sale's reply: the screen
    is a red "Needs review" that Enter and Esc do not leave; the lane is blocked (F5 on another customer charges
    nothing and shows this payment again); the journal says needs_review."""
    from pos_app.ui.common.theme import RED

    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = _pick(s, "a", _card_on_file)
    out["picked"] = picked
    proxy, direct = _behind_proxy(s, total=10, in_flight_s=5)
    first = _charge_card_on_file_watched(s, "10.00")
    out["first"] = first["screen"]
    p.key("Escape")
    s.wait_until(lambda: w.stack.currentWidget() is w.customer_page, 5000)
    proxy.faults.add("POST", PAY, "replay")  # from now on: the last payment reply, whatever was asked
    second = _charge_card_on_file_watched(s, "20.00")
    out["second"], out["second_watch"] = second["screen"], second["watch"]
    out["focus_at_review"] = s.focus_widget_name()
    out["title_style"] = s.gui(w.result.title.styleSheet)
    out["red"] = RED
    out["shot_review"] = s.shot("81-proxy-replay-needs-review")
    p.key("Return")
    p.settle(800)
    out["after_enter"] = _screen(s)
    p.key("Escape")
    p.settle(800)
    out["after_escape"] = _screen(s)
    out["attempts_after_review"] = [[a["id"], a["state"], a["amount_cents"], a["customer_id"]] for a in _attempts(s)]
    # Another customer comes to the counter; the clerk tries to charge them.
    other = _pick(s, "e", lambda win: _card_on_file(win) and win.hit.paysimple_id != picked["paysimple_id"])
    out["other"] = other
    p.key("ctrl+a")
    p.type("5.00")
    p.key("F5")
    p.wait_until(lambda: s.active() == "Charge card on file", 8000)
    out["other_confirm"] = s.active()
    p.key("Return")
    p.settle(2500)
    out["after_other_f5"] = _screen(s)
    out["after_other_attempt"] = s.gui(lambda: w.result.attempt.id if w.result.attempt is not None else None)
    out["shot_blocked"] = s.shot("82-proxy-replay-lane-blocked")
    out["attempts"] = [[a["id"], a["state"], a["amount_cents"], a["customer_id"], a["note"]] for a in _attempts(s)]
    out["payments"] = _payments(s, picked["paysimple_id"], direct)
    out["other_payments"] = _payments(s, other["paysimple_id"], direct) if other else None
    proxy.stop()
    return out


def _on_screen(s: Session, widget) -> dict:
    """Whether ``widget`` is shown and lies wholly on the screen (a person can see and click it)."""
    def read():
        from PySide6.QtCore import QRect

        rect = QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())
        screen = s.window.screen().geometry()
        return {"visible": widget.isVisible(), "text": widget.text() if hasattr(widget, "text") else "",
                "on_screen": widget.isVisible() and screen.contains(rect),
                "bottom": rect.bottom(), "screen_bottom": screen.bottom()}
    return s.gui(read)


def _while_dripping(s: Session, out: dict) -> None:
    """Midway through the dripping reply: what the clerk can read and use (the way to stop waiting)."""
    w = s.window
    s.wait_until(lambda: w.task.cancel_button.isVisible() and w.task.cancel_button.isEnabled(), 3000)
    out["midway_stop_button"] = _on_screen(s, w.task.cancel_button)
    out["midway_status"] = _on_screen(s, w.customer_page.customer_status)
    out["shot_midway"] = s.shot("84-proxy-drip-while-waiting")


def proxy_drips_the_reply(s: Session) -> dict:
    """Issue 13 §4: the proxy passes PaySimple's reply on one byte every 0.3 s (minutes for the whole reply):
    the charge ends at the overall deadline (4 s) and a look-up settles it; the window answers all along."""
    s.start()
    out = {}
    out["signed_in"] = s.sign_in("0000")
    picked = _pick(s, "a", _card_on_file)
    out["picked"] = picked
    proxy, direct = _behind_proxy(s, total=4, in_flight_s=5)
    proxy.faults.add("POST", PAY, "drip", delay_s=0.3)
    out |= _charge_card_on_file_watched(s, "33.10", timeout_ms=40_000, midway=_while_dripping)
    out["shot_result"] = s.shot("83-proxy-drip-result")
    out["attempts"] = [[a["id"], a["state"], a["amount_cents"]] for a in _attempts(s)]
    out["transitions"] = _transitions(s, out["attempts"][0][0]) if out["attempts"] else []
    out["payments"] = _payments(s, picked["paysimple_id"], direct)
    proxy.stop()
    return out


# --- issue 18: receipts and reports -------------------------------------------------------------------------

def _documents(s: Session):
    """Test set-up: this person's Documents folder (XDG user dirs, as a desktop session has it), empty."""
    import os

    documents = s.home / "Documents"
    documents.mkdir(parents=True, exist_ok=True)
    config = s.home / "xdg-config"
    config.mkdir(exist_ok=True)
    (config / "user-dirs.dirs").write_text(f'XDG_DOCUMENTS_DIR="{documents}"\n', encoding="utf-8")
    os.environ["XDG_CONFIG_HOME"] = str(config)
    return documents


def _save_dialog(s: Session) -> dict | None:
    """The Save dialog on top: where it is and the name it suggests."""
    def read():
        from PySide6.QtWidgets import QApplication, QFileDialog

        widget = QApplication.activeModalWidget()
        if not isinstance(widget, QFileDialog):
            return None
        files = widget.selectedFiles()
        return {"title": widget.windowTitle(), "folder": widget.directory().absolutePath(),
                "name": files[0].rsplit("/", 1)[-1] if files else ""}
    return s.gui(read)


def _outbox(s: Session) -> list[list]:
    """The training gateway's outbox: the receipts PaySimple would have e-mailed [payment id, address]."""
    return [[m["payment_id"], m["to"]] for m in s.gui(lambda: list(s.window.counter.gateway.outbox))]


def prepare_receipt_choice_and_resend(s: Session) -> None:
    _documents(s)


def receipt_choice_and_resend(s: Session) -> dict:
    """Issue 18: the receipt is chosen after the payment, with keys only. Ctrl+M e-mails it (the address on
    file is named first, Enter sends), Ctrl+P shows it and Ctrl+S saves the PDF through the Save dialog (it
    starts in Documents with a readable name; Enter saves), Enter on the result starts a new sale. Then the
    history: Ctrl+H, Ctrl+F ↓ picks the newest payment, Ctrl+E e-mails its receipt again."""
    s.start()
    p, w, out = s.person, s.window, {}
    documents = s.home / "Documents"
    out["signed_in"] = s.sign_in("0000")
    out["picked"] = _pick(s, "a", want=lambda win: _card_on_file(win) and bool(win.hit.email))
    out["email_on_file"] = s.gui(lambda: w.hit.email if w.hit else None)
    out["checkboxes_on_customer_page"] = s.gui(lambda: [
        b.text() for b in w.customer_page.findChildren(__import__("PySide6.QtWidgets").QtWidgets.QCheckBox)
        if b.isVisible()])
    p.key("ctrl+a")
    p.type("23.45")
    out["confirm"], out["result"] = _confirm_and_charge_on_file(s, "Charge card on file")
    out["outbox_after_charge"] = _outbox(s)
    r = w.result
    out["choice"] = s.gui(lambda: {"label": r.receipt_label.text(), "print": r.receipt_button.text(),
                                   "email": r.email_button.text(), "both": r.both_button.text(),
                                   "none": r.none_label.text(),
                                   "visible": [b.isVisible() for b in (r.receipt_button, r.email_button,
                                                                      r.both_button, r.none_label)]})
    out["payment_id"] = s.gui(lambda: r.attempt.payment_id)
    out["shot_result"] = s.shot("80-result-receipt-choice")
    # E-mail: Ctrl+M; the question names the address PaySimple has; Enter sends.
    p.key("ctrl+m")
    p.wait_until(lambda: (_modal(s) or {}).get("name") == "emailReceiptQuestion", 10_000)
    out["email_question"] = _modal(s)
    out["shot_email_question"] = s.shot("81-email-question")
    p.key("Return")
    s.wait_until(lambda: "e-mailed" in r.receipt_message.text(), 10_000)
    out["receipt_message"] = s.gui(r.receipt_message.text)
    out["outbox_after_email"] = _outbox(s)
    # Print: Ctrl+P shows the receipt (Print… / Save PDF…); Ctrl+S asks where, starting in Documents.
    p.key("ctrl+p")
    p.wait_until(lambda: s.active().startswith("Receipt"), 8000)
    out["receipt_window"] = s.active()
    p.key("ctrl+s")
    p.wait_until(lambda: s.active() == "Save as PDF", 8000)
    p.settle(600)
    out["save_dialog"] = _save_dialog(s)
    out["shot_save_dialog"] = s.shot("82-save-dialog")
    p.key("Return")
    p.wait_until(lambda: any(documents.glob("*.pdf")), 10_000)
    dialog = s.gui(lambda: next((d for d in __import__("PySide6.QtWidgets").QtWidgets.QApplication.topLevelWidgets()
                                 if d.objectName() == "receiptDialog" and d.isVisible()), None))
    s.wait_until(lambda: dialog is not None and not dialog.saver.busy, 10_000)
    out["saved_message"] = s.gui(lambda: [dialog.message.text(), dialog.location.field.text()] if dialog else None)
    out["documents"] = sorted(f.name for f in documents.iterdir())
    out["shot_saved"] = s.shot("83-receipt-saved")
    p.key("Escape")
    p.wait_until(lambda: s.active() == WINDOW_TITLE, 5000)
    # None: Enter on the result is a new sale.
    p.key("Return")
    p.settle(600)
    out["after_enter"] = _screen(s)
    # History: Ctrl+H; Ctrl+F then ↓ moves into the list (newest first); Ctrl+E e-mails the receipt again.
    p.key("ctrl+h")
    p.wait_until(lambda: s.active() == "Payment history", 8000)
    history = s.gui(lambda: s.shell.history_dialog)
    s.wait_until(lambda: history.table.topLevelItemCount() > 0, 10_000)
    p.key("ctrl+f")
    p.key("Down")
    p.settle(400)
    out["history_selected"] = s.gui(lambda: history.current_attempt().id if history.current_attempt() else None)
    out["history_email_button"] = s.gui(lambda: [history.email_button.text(), history.email_button.isEnabled()])
    p.key("ctrl+e")
    p.wait_until(lambda: (_modal(s) or {}).get("name") == "emailReceiptQuestion", 10_000)
    out["history_question"] = _modal(s)
    p.key("Return")
    s.wait_until(lambda: "e-mailed" in history.message.text(), 10_000)
    out["history_message"] = s.gui(history.message.text)
    out["outbox"] = _outbox(s)
    out["shot_history"] = s.shot("84-history-resent")
    p.key("Escape")
    out["attempts"] = [[a["id"], a["state"], a["amount_cents"]] for a in _attempts(s)]
    return out


def prepare_end_of_day_matches_the_journal(s: Session) -> None:
    _documents(s)


def end_of_day_matches_the_journal(s: Session) -> dict:
    """Issue 18: End of day read from the screen as a manager reads it (Alt+M, End of day…, Enter) against
    the journal: card sales (Visa, Mastercard), a decline, a void, a refund and a bank debit, made through the
    counter's own payments service (set-up); the totals, the splits and the zone's name; Ctrl+S saves the
    report through the Save dialog into Documents."""
    from decimal import Decimal

    from pos_app.payments import AccountRef, Approval, CustomerRef
    from pos_app.paysimple.models import AchInput, CreditCardInput, CustomerInput

    s.start()
    p, w, out = s.person, s.window, {}
    documents = s.home / "Documents"
    out["signed_in"] = s.sign_in("1234", clerk="Trainer")
    counter = w.counter
    client, service, clerk = counter.client, counter.service, str(s.gui(lambda: s.shell.clerk.id))

    def shopper(first, last, number):
        who = client.create_customer(CustomerInput(first_name=first, last_name=last, email=f"{first}@example.com"))
        card = client.create_credit_card(CreditCardInput(customer_id=who.id, credit_card_number=number,
                                                         expiration_date="12/2031", billing_zip_code="80202"))
        return CustomerRef(who.id, f"{first} {last}"), AccountRef.from_paysimple(card)

    ada, ada_visa = shopper("Ada", "Zedwick", "4111111111111111")
    mary, mary_mc = shopper("Mary", "Zedclark", "5454545454545454")
    bank = AccountRef.from_paysimple(client.create_ach(AchInput(customer_id=ada.id, routing_number="131111114",
                                                                account_number="12345678", bank_name="First Bank")))
    manager = Approval(clerk, "manager", "person test set-up")
    service.charge(ada, ada_visa, Decimal("10.00"), clerk)
    service.charge(ada, ada_visa, Decimal("9999.01"), clerk)                    # declined
    service.void(service.charge(ada, ada_visa, Decimal("20.00"), clerk), manager)
    refunded = service.charge(mary, mary_mc, Decimal("40.00"), clerk)
    client.mark_payment_status(refunded.payment_id)                             # settled, so a refund
    service.refund(refunded, manager)
    service.charge(mary, mary_mc, Decimal("5.25"), clerk)
    service.charge(ada, bank, Decimal("100.00"), clerk,
                   ach_authorization="I authorize First Bank ****5678 to be debited $100.00 today.")
    out["attempts"] = [[a["state"], a["amount_cents"], a["account_kind"], a["account_last4"]] for a in _attempts(s)]
    # The manager: Alt+M, End of day… (Clerks…, Settings…, End of day…), Enter runs it.
    p.key("alt+m")
    p.settle(400)
    p.key("Down", "Down", "Return")
    out["dialog"] = s.active() if p.wait_active("End of day", 8000) else s.active()
    eod = s.gui(lambda: s.shell.eod_dialog)
    done = []
    s.gui(lambda: eod.finished_run.connect(lambda report: done.append(report is not None)))
    p.key("Return")
    s.wait_until(lambda: bool(done), 30_000)
    out["ran"] = done
    out["state"] = s.gui(eod.state.text)
    out["screen_text"] = s.gui(eod.view.toPlainText)
    out["shot_eod"] = s.shot("85-end-of-day")
    p.key("ctrl+s")
    p.wait_until(lambda: s.active() == "Export end of day", 8000)
    p.settle(600)
    out["save_dialog"] = _save_dialog(s)
    out["shot_save_dialog"] = s.shot("86-end-of-day-save-dialog")
    p.key("Return")
    p.wait_until(lambda: any(documents.glob("*.pdf")), 10_000)
    s.wait_until(lambda: not eod.saver.busy, 10_000)
    out["saved"] = s.gui(lambda: [eod.state.text(), eod.location.field.text()])
    out["documents"] = sorted(f.name for f in documents.iterdir())
    p.key("Escape")
    return out


# issue 18 "Customers": the New customer form and Add to PaySimple (tests/person/customer_scenarios.py)
from tests.person.customer_scenarios import (  # noqa: E402,F401
    add_imported_customers,
    new_customer_form,
    prepare_add_imported_customers,
)


def switch_to_spanish_live(s: Session) -> dict:
    """Issue 18: a clerk working in English switches to Spanish from the menu with real keys (Alt+C, L, Down,
    Enter) while a customer and an amount are on screen and the card form is open; the screen reads Spanish at
    once (window title, menus, shortcut strip, status bar, the customer, the form around PaySimple's frame),
    nothing typed is lost and the app was not restarted. Then back to English the same way."""
    from tests.ui.visible_text import EnglishWords, Findings, visible_texts

    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = s.find_and_pick("a", want=_card_on_file)
    out["picked"] = picked
    hit = s.gui(lambda: w.hit)
    stored = w.counter.customer(hit.id)  # the scenario thread: storage stays off the GUI thread
    accounts = w.counter.accounts(hit.paysimple_id)
    data = {v for v in (hit.display_name, stored.record.email, stored.record.street1, stored.record.street2,
                        stored.record.city, stored.record.company, stored.record.state_code) if v}
    data |= {a.bank_name for a in accounts.ach_accounts if a.bank_name}
    p.key("ctrl+a")
    p.type("23.45")
    p.key("F6")
    out["form_opened"] = s.wait_until(lambda: w.panel.state is FormState.SHOWN, 15_000)
    out["before"] = _screen(s)
    out["window_id_before"] = s.gui(lambda: int(w.winId()))
    out["shot_english"] = s.shot("60-before-switch-english")

    def read_english() -> list:
        english = EnglishWords.from_catalogue()
        findings = Findings(english, data=set(data))
        findings.check("counter", visible_texts(w))
        return [[where, words] for _screen_name, where, words in findings.hits]

    out["english_words_before"] = len(s.gui(read_english))
    p.key("alt+c")
    p.settle(400)
    p.key("l")
    p.settle(400)
    p.key("Down", "Return")
    out["switched"] = s.wait_until(lambda: s.shell.language == "es", 5000)
    p.settle(1500)  # the page hears it over its bridge
    out["english_after_switch"] = s.gui(read_english)
    out["after"] = _screen(s)
    out["title_after"] = s.gui(w.windowTitle)
    out["menus_after"] = s.gui(lambda: [a.text() for a in w.menuBar().actions()])
    out["hint_after"] = s.gui(w.hint.text)
    out["amount_after"] = _amount_field(s)
    out["customer_after"] = s.gui(w.customer_page.customer_name.text)
    out["form_state_after"] = s.gui(lambda: w.panel.state.value)
    out["window_id_after"] = s.gui(lambda: int(w.winId()))
    out["settings_language"] = s.gui(lambda: s.shell.settings.language)
    out["shot_spanish"] = s.shot("61-after-switch-spanish")
    # and back, the same way: the Spanish menu's mnemonics (Alt+C "&Caja", I "&Idioma"), English is the first
    p.key("alt+c")
    p.settle(400)
    p.key("i")
    p.settle(400)
    p.key("Return")
    out["switched_back"] = s.wait_until(lambda: s.shell.language == "en", 5000)
    p.settle(800)
    out["title_back"] = s.gui(w.windowTitle)
    out["menus_back"] = s.gui(lambda: [a.text() for a in w.menuBar().actions()])
    return out
