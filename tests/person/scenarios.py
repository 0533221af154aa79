"""Scenarios for person-like tests (run by ``tests.person.scenario`` in a fresh app process each).

Each takes a ``Session`` and returns what a person / auditor observed. Actions are real X input only.
"""

from __future__ import annotations

import time

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
    out["login_after"] = s.login_state()
    out["active_after_sign_in"] = s.active()
    out["focus_after_sign_in"] = s.focus_widget_name()
    p.type("smith")
    s.wait_until(lambda: w.results.count() > 0, 8000)
    out["results_after_sign_in"] = s.gui(w.results.count)
    out["customer_data_visible_after_sign_in"] = s.visible_customer_data()
    out["shot_signed_in"] = s.shot("03-signed-in")
    return out


def idle_lock_sees_real_input(s: Session) -> dict:
    """5 minutes of F6/Esc use was read as "no input" (filters lost on a re-created native window). Here the
    idle lock is set to 4 s; a clerk works with real keys for 12 s (amount field, payment form and its web
    view, Esc) and no lock may come; then the clerk stops and the lock comes, hiding everything."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    s.gui(lambda: s.shell.idle.set_minutes(4 / 60, interval_ms=4000))  # test set-up: a short idle time
    picked = s.find_and_pick("a", want=lambda win: win.charge_file_button is not None)
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
    w.backend.gateway.faults.add("POST", "/v4/payment", "delay", delay_s=7)  # PaySimple is slow today
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
    out["amount_after_sale"] = s.gui(w.amount.edit.text)
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
    out["status_after_enter"] = s.gui(w.customer_status.text)
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
    out["amount_after_other_customer"] = s.gui(w.amount.edit.text)
    return out


def _message_box_text(name: str) -> str:
    from PySide6.QtWidgets import QApplication, QMessageBox

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == name and widget.isVisible():
            return widget.text() + "\n" + widget.informativeText()
    return ""


def _card_on_file(window) -> bool:
    """The customer's selected account on file is a card that can be charged (F5)."""
    account = window.methods.current_account()
    return window.charge_file_button.isEnabled() and getattr(account, "credit_card_number", None) is not None


def stop_waiting_for_a_slow_payment(s: Session) -> dict:
    """Issue 13 §4: PaySimple is slow; the clerk presses Esc ("Stop waiting"): the counter is free again at once,
    the payment goes on in the background with the lane guarded (a second charge on another customer is
    refused and shows the first one), and the screen changes to the outcome when PaySimple answers."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    picked = s.find_and_pick("a", want=_card_on_file)
    out["picked"] = picked
    w.backend.gateway.faults.add("POST", "/v4/payment", "delay", delay_s=12)  # PaySimple is slow today
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
                 and w.charge_file_button.isEnabled(), 8000)
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

    out["focus_at_open"] = s.focus_widget_name()
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

        reg = ClerkRegistry(s.shell.registry.path)
        try:
            return [(e.kind, e.name, e.outcome) for e in reg.events() if e.kind in ("approve", "login")]
        finally:
            reg.close()

    out["events"] = events()  # the auditor's record
    out["approvals"] = len(s.shell.registry.approvals())
    return out


FORGED_NAME = "Ada\r\nAPPROVED - NO SIGNATURE NEEDED\r\n"


def forged_name_on_a_declined_receipt(s: Session) -> dict:
    """Issue 13 §7, the reproduced defect: a customer whose name (as PaySimple holds it) carries CR/LF and
    "APPROVED - NO SIGNATURE NEEDED" is charged and declined; the receipt the clerk opens with Ctrl+P shows no
    line saying APPROVED."""
    s.start()
    p, w, out = s.person, s.window, {}
    # Test set-up: such a customer exists in PaySimple (another channel put it there); the counter syncs.
    store = w.backend.gateway.store
    created = store.create_customer({"FirstName": FORGED_NAME, "LastName": "Zzforged", "Email": "z@example.com"})
    store.create_credit_card(created["Id"], "5454545454545454", "12/2030", is_default=True)
    sync = w.backend.sync_customers()
    out["sync_neutralised"] = sync.neutralised
    out["signed_in"] = s.sign_in("0000")
    picked = s.find_and_pick("zzforged", want=_card_on_file)
    out["picked"] = picked
    out["name_on_screen"] = s.gui(w.customer_name.text)
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

    def stored() -> list:
        con = w.backend.directory.connection()
        return [list(r) for r in con.execute(
            "SELECT customer_account, first_name, last_name, company, city, local_notes FROM customers "
            "WHERE customer_account LIKE 'ZZ-%' ORDER BY customer_account")]

    out["stored"] = stored()
    p.key("Escape")


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
    p.type("change the receipt")                                # the reason field has the keyboard
    p.key("shift+Tab")                                          # PIN (Trainer is the only manager listed)
    p.type("1234")
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


def damaged_journal_restored_by_a_manager(s: Session) -> dict:
    """Issue 15: the payment journal is damaged at start-up. The counter says so (which file, that it was kept,
    no payments), offers the latest automatic backup; a manager restores it with the keyboard (Enter, reason,
    PIN); the counter starts, and after signing in a payment goes through and is journaled."""
    p, w, out = s.person, s.window, {}
    out["problem_shown"] = s.wait_until(lambda: getattr(w, "storage_problem", None) is not None, 60_000)
    p.settle(1500)
    dialog = w.storage_problem
    out["active_at_start"] = s.active()
    out["message"] = s.gui(dialog.message.text)
    out["backup_info"] = s.gui(dialog.backup_info.text)
    out["status_bar"] = s.gui(lambda: w.statusBar().currentMessage())
    out["backend_before"] = s.gui(lambda: w.backend is not None)
    out["shot_problem"] = s.shot("40-journal-damaged")
    p.key("Return")  # "Restore this backup…", the default button
    out["approval_active"] = s.active() if p.wait_active("Manager approval", 8000) else s.active()
    p.type("journal damaged, restoring the backup")  # the reason field has the keyboard
    p.key("shift+Tab")  # the PIN
    p.type("1234")
    out["shot_approval"] = s.shot("41-approval")
    p.key("Return")
    out["restarted"] = s.wait_until(lambda: w.backend is not None, 90_000)
    out["restore_state"] = s.gui(dialog.state.text)
    out["shot_restored"] = s.shot("42-restored")
    p.key("Escape")  # close the message
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


def search_finds_the_person_meant(s: Session) -> dict:
    """Issue 16 as a clerk meets it: a surname lists the people of that name before the employees of a company
    named after it; a typo lists near matches, marked; a phone search shows the number that matched; an
    e-mail's local part finds the e-mail. Everything typed with real keys into the counter's search box."""
    from PySide6.QtCore import Qt

    s.start()
    p, w, out = s.person, s.window, {}
    # Test set-up: these customers exist in PaySimple; the counter syncs them (as at start-up).
    store = w.backend.gateway.store
    for first, last, extra in (
            ("Aaron", "Abbott", {"Company": "Qorvath Plumbing"}), ("Zoe", "Abel", {"Company": "Qorvath Plumbing"}),
            ("Pat", "Qorvath", {"Phone": "9705550101", "MobilePhone": "7205550199"}),
            ("Lee", "Qorvath", {"Phone": "9705550102"}),
            ("Mary", "Quillon", {"Email": "mary.quillon31@example.com"})):
        store.create_customer({"FirstName": first, "LastName": last, **extra})
    w.backend.sync_customers()
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
    out["picked"] = s.wait_until(lambda: w.hit is not None, 8000) and s.gui(w.customer_name.text)
    return out
