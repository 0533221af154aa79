"""Issue 18 "Screen and keys" as a clerk meets it: every key of the shortcut strip and the menus, in every state
of the counter, pressed as real X key events on the real app with a window manager (see README.md).

``keys_table(s)`` walks the states named in ``s.options["states"]``: it brings the counter into a state (with
real keys where a clerk would get there so; with the app's own calls only to go back to a state after a key
left it, which is test set-up), presses one key, records what a person sees (the active window, the page, the
focus, a refusal and its reason, the status bar, the dialog's message line), brings the state back, and goes on
with the next key. The test (``test_screen_and_keys.py``) holds the table of what each key must do.
"""

from __future__ import annotations

import time

from tests.person.scenario import WINDOW_TITLE, Session
from tests.person.scenarios import _card_on_file, _pick

TITLE = WINDOW_TITLE

#: Every key of the counter's shortcut strip, its buttons and its menus (label, xdotool keys).
KEYS: list[tuple[str, tuple[str, ...]]] = [
    ("Ctrl+F", ("ctrl+f",)), ("F2", ("F2",)), ("F5", ("F5",)), ("F6", ("F6",)), ("F7", ("F7",)), ("F8", ("F8",)),
    ("F9", ("F9",)), ("Ctrl+D", ("ctrl+d",)), ("Del", ("Delete",)), ("Ctrl+P", ("ctrl+p",)),
    ("Ctrl+M", ("ctrl+m",)), ("Ctrl+B", ("ctrl+b",)), ("Ctrl+H", ("ctrl+h",)), ("Ctrl+N", ("ctrl+n",)),
    ("Ctrl+E", ("ctrl+e",)), ("Ctrl+Q", ("ctrl+q",)), ("Sign out", ("alt+c", "o")), ("Ctrl+L", ("ctrl+l",)),
    ("Enter", ("Return",)), ("Esc", ("Escape",)),
]

#: The window that has the keyboard in each state.
BASE = {"signed_out": "Sign in", "locked": "Screen locked", "history": "Payment history", "end_of_day": "End of day"}


# --- what a person sees -------------------------------------------------------------------------------------

def _dialog(s: Session, name: str):
    dialog = getattr(s.shell, name, None)
    try:
        return dialog if dialog is not None and dialog.isVisible() else None
    except RuntimeError:  # deleted on close
        return None


def observe(s: Session, refused: list[str]) -> dict:
    w = s.window

    def read() -> dict:
        from PySide6.QtWidgets import QApplication

        page = w.stack.currentWidget()
        page = {id(w.welcome): "welcome", id(w.customer_page): "customer", id(w.panel): "form",
                id(w.result): "result"}.get(id(page), "?")
        modal, popup, focus = (QApplication.activeModalWidget(), QApplication.activePopupWidget(),
                               QApplication.focusWidget())
        history, eod = _dialog(s, "history_dialog"), _dialog(s, "eod_dialog")
        login = s.shell.login_dialog()
        amount = w.customer_page.amount
        return {
            "page": page,
            "kind": w.result.kind if page == "result" else "",
            "form": (w.panel.state.value + ":" + w.panel.request.mode) if page == "form" and w.panel.request else "",
            "form_status": w.panel.status.text() if page == "form" else "",
            "modal": modal.windowTitle() if modal is not None and modal.isVisible() else "",
            "popup": type(popup).__name__ if popup is not None else "",
            "focus": (focus.objectName() or type(focus).__name__) if focus is not None else "",
            "status": w.statusBar().currentMessage(),
            "locked": w.locked,
            "cover": w.cover_title.text() if w.locked else "",
            "clerk": s.shell.clerk.name if s.shell.clerk is not None else None,
            "banner": w.signed_in.text(),
            "hit": w.hit.display_name if w.hit is not None else None,
            "search": w.search.text(),
            "amount": amount.edit.text(),
            "amount_message": amount.message.text() if amount.message.isVisible() else "",
            "charging": w.charging,
            "history": history is not None,
            "history_loads": getattr(history, "_person_loads", [0])[0] if history is not None else 0,
            "history_message": history.message.text() if history is not None else "",
            "history_focus": (history.focusWidget().objectName() or type(history.focusWidget()).__name__)
            if history is not None and history.focusWidget() is not None else "",
            "end_of_day": eod is not None,
            "eod_state": eod.state.text() if eod is not None else "",
            "login_message": login.message.text() if login is not None else "",
            "receipt_open": any(type(t).__name__ == "ReceiptDialog" and t.isVisible()
                                for t in QApplication.topLevelWidgets()),
        }

    out = s.gui(read)
    out["active"] = s.active()
    out["refused"] = " | ".join(refused)
    return out


# --- getting into a state -----------------------------------------------------------------------------------

def _popup_open() -> bool:
    from PySide6.QtWidgets import QApplication

    return QApplication.activePopupWidget() is not None


def _receipt_amount():
    """The amount on the receipt window that is open (None: none is)."""
    from PySide6.QtWidgets import QApplication

    return next((t.receipt.amount for t in QApplication.topLevelWidgets()
                 if type(t).__name__ == "ReceiptDialog" and t.isVisible()), None)


def _wait_active(s: Session, title: str, ms: int = 8000) -> bool:
    return s.person.wait_active(title, ms)


def _home(s: Session) -> None:
    """Signed in (Trainee), the counter window active, no dialog."""
    p = s.person
    for _ in range(10):
        active = s.active()
        if s.gui(_popup_open):
            p.key("Escape")
        elif active in ("Sign in", "Screen locked"):
            s.sign_in("0000")
            _wait_active(s, TITLE, 5000)
        elif active != TITLE:
            p.key("Escape")
            p.settle(300)
        elif s.gui(lambda: s.window.stack.currentWidget() is s.window.panel
                   and s.window.panel.state.value != "idle"):
            p.key("Escape")  # cancel a payment form the key opened
            p.settle(500)
        else:
            return
    raise AssertionError(f"could not get back to the counter (active: {s.active()!r})")


def _customer(s: Session, amount: str = "12.34") -> None:
    """The customer with a card on file on screen, ``amount`` typed, the keyboard in the amount box."""
    w, p = s.window, s.person
    _home(s)
    picked = s.obs.get("picked")
    if picked is None or s.gui(lambda: w.hit is None or w.hit.paysimple_id != picked["paysimple_id"]):
        if picked is not None:
            hit = s.obs["picked_hit"]
            s.gui(lambda: w.sale.select_customer(hit))  # set-up: back to the customer a key left
            s.wait_until(lambda: w.customer_page.charge_file_button.isEnabled(), 8000)
        else:
            s.gui(w.sale.new_sale)
            picked = _pick(s, "a", want=_card_on_file)
            assert picked, "no customer with a card on file"
            s.obs["picked"], s.obs["picked_hit"] = picked, s.gui(lambda: w.hit)
    if s.gui(lambda: w.stack.currentWidget() is not w.customer_page):
        s.gui(w.sale.back_to_customer)  # set-up
        s.wait_until(lambda: w.customer_page.charge_file_button.isEnabled(), 8000)
    if s.gui(w.customer_page.amount.edit.text) != amount:
        s.gui(lambda: w.customer_page.amount.edit.setFocus())
        p.key("ctrl+a")
        p.type(amount)
    s.gui(lambda: (w.customer_page.amount.edit.setFocus(), w.customer_page.amount.edit.end(False)))


def _no_customer(s: Session) -> None:
    """The start page, "a" typed in the search box and its results listed, the keyboard in the box."""
    w, p = s.window, s.person
    _home(s)
    if s.gui(lambda: w.hit is not None or w.stack.currentWidget() is not w.welcome):
        s.gui(w.sale.new_sale)  # set-up: a key took the counter to a customer
    if s.gui(w.search.text) != "a":
        p.key("ctrl+f")
        p.type("a")
        s.wait_until(lambda: w.shown_query == "a" and w.results.count() > 0, 8000)
    s.gui(lambda: (w.search.setFocus(), w.search.end(False)))


def _form(s: Session) -> None:
    w, p = s.window, s.person
    if s.gui(lambda: w.stack.currentWidget() is w.panel and w.panel.state.value == "shown"
             and w.panel.request.mode == "cc") and s.active() == TITLE:
        return
    _customer(s)
    p.key("F6")
    if p.wait_until(lambda: s.active() == "Already charged?", 1500):
        p.key("alt+a")
    assert s.wait_until(lambda: w.stack.currentWidget() is w.panel and w.panel.state.value == "shown", 20_000), \
        "the card form did not open"
    p.settle(500)


def _charge_on_file(s: Session, amount: str) -> None:
    p = s.person
    _customer(s, amount)
    p.key("F5")
    if p.wait_until(lambda: s.active() == "Already charged?", 2500):
        p.key("alt+a")
    assert _wait_active(s, "Charge card on file", 10_000), f"no confirmation (active: {s.active()!r})"
    p.key("Return")


def _charging(s: Session) -> None:
    w = s.window
    if s.gui(lambda: w.charging) and s.active() == TITLE:
        return
    _home(s)
    s.wait_until(lambda: not w.charging, 40_000)  # the last slow payment came back
    n = s.obs.setdefault("charges", 0) + 1
    s.obs["charges"] = n
    w.counter.gateway.faults.add("POST", "/v4/payment", "delay", delay_s=18)  # test set-up: PaySimple is slow
    _charge_on_file(s, f"6.{n}0")
    assert s.wait_until(lambda: w.charging, 5000), "the payment did not start"
    s.wait_until(lambda: w.task.cancel_button.isVisible(), 5000)  # sent: "Stop waiting" is offered
    p = s.person
    p.settle(300)


def _result(s: Session, kind: str) -> None:
    w = s.window
    saved = s.obs.get("result_" + kind)
    if saved is not None and s.gui(lambda: w.stack.currentWidget() is w.result and w.result.attempt is not None
                                   and w.result.attempt.id == saved.id) and s.active() == TITLE:
        return
    if saved is None:
        _charge_on_file(s, "9999.01" if kind == "declined" else "12.34")  # training declines amounts ending .01
        assert s.wait_until(lambda: w.stack.currentWidget() is w.result and w.result.kind == kind, 30_000), \
            f"no {kind} result"
        s.obs["result_" + kind] = s.gui(lambda: w.result.attempt)
        return
    _home(s)
    if s.gui(lambda: w.hit is None or w.hit.id != s.obs["picked_hit"].id):
        s.gui(lambda: w.sale.select_customer(s.obs["picked_hit"]))  # set-up: the customer of that payment
    # set-up: the result screen again; after a decline its amount stays in the box as the counter leaves it (a
    # sign-out in between starts a new sale, which empties it); after an approval the box is empty anyway
    s.gui(lambda: w.customer_page.amount.edit.setText(str(saved.amount) if kind == "declined" else ""))
    s.gui(lambda: w.sale.show_result_attempt(saved))


def _history(s: Session) -> None:
    if _dialog(s, "history_dialog") is not None and s.active() == "Payment history":
        s.gui(lambda: s.shell.history_dialog.table.setFocus())
        return
    _home(s)
    s.person.key("ctrl+h")
    assert _wait_active(s, "Payment history"), s.active()
    s.wait_until(lambda: _dialog(s, "history_dialog") is not None
                 and s.shell.history_dialog.table.topLevelItemCount() > 0, 8000)

    def count_loads() -> None:  # observation: how often the list was (re)loaded
        dialog = s.shell.history_dialog
        dialog._person_loads = loads = [0]
        dialog.loaded.connect(lambda: loads.__setitem__(0, loads[0] + 1))
        dialog.table.setFocus()
    s.gui(count_loads)


def _end_of_day(s: Session) -> None:
    if _dialog(s, "eod_dialog") is not None and s.active() == "End of day":
        s.gui(lambda: s.shell.eod_dialog.day.setFocus())
        return
    _home(s)
    p = s.person
    p.key("alt+m")
    p.settle(400)
    p.key("Down", "Down", "Return")  # Clerks…, Settings…, End of day…
    assert _wait_active(s, "End of day"), s.active()


def _signed_out(s: Session) -> None:
    if s.active() == "Sign in":
        return
    _home(s)
    s.person.key("alt+c", "o")  # Counter → Sign out
    assert _wait_active(s, "Sign in"), s.active()


def _locked(s: Session) -> None:
    if s.active() == "Screen locked":
        return
    _home(s)
    s.person.key("ctrl+l")
    assert _wait_active(s, "Screen locked"), s.active()


ENTER = {"signed_out": _signed_out, "locked": _locked, "no_customer": _no_customer, "customer": _customer,
         "form": _form, "charging": _charging, "approved": lambda s: _result(s, "approved"),
         "declined": lambda s: _result(s, "declined"), "history": _history, "end_of_day": _end_of_day}


def _leave(s: Session, state: str) -> None:
    """After a key: close what it opened (Escape on another window, sign in at a lock it brought), so the next
    key finds the state again."""
    p = s.person
    base = BASE.get(state, TITLE)
    for _ in range(8):
        active = s.active()
        if s.gui(_popup_open):
            p.key("Escape")
        elif active == base:
            return
        elif active in ("Sign in", "Screen locked") and state not in ("signed_out", "locked"):
            s.sign_in("0000")
            p.settle(300)
        elif active not in (TITLE, "Sign in", "Screen locked", "Payment history", "End of day") \
                or (active in ("Payment history", "End of day") and base == TITLE):
            p.key("Escape")
            p.settle(400)
        else:
            return  # the counter or the sign-in screen: the state's own entry brings it back


def keys_table(s: Session) -> dict:
    """For each state in ``s.options["states"]``, each key of ``KEYS`` (``s.options["keys"]`` to narrow it, in
    that order): what a person sees right after pressing it. ``out[state][key] = observation``."""
    s.start()
    w, p, out = s.window, s.person, {}
    refused: list[str] = []
    s.gui(lambda: w.keyRefused.connect(refused.append))
    out["signed_in"] = s.sign_in("0000")
    s.obs["picked"] = None
    if s.options.get("with_payment"):  # a payment in the journal for the history
        _charge_on_file(s, "7.70")
        s.wait_until(lambda: w.stack.currentWidget() is w.result and w.result.kind == "approved", 30_000)
        p.key("Return")  # new sale
        s.wait_until(lambda: w.hit is None, 5000)
    wanted = s.options.get("keys") or [label for label, _ in KEYS]
    keys = sorted((k for k in KEYS if k[0] in wanted), key=lambda k: wanted.index(k[0]))
    for state in s.options["states"]:
        table = out[state] = {}
        started = time.monotonic()
        for label, xkeys in keys:
            ENTER[state](s)
            p.settle(200)
            before = observe(s, [])
            refused.clear()
            p.key(*xkeys)
            p.settle(900)
            seen = observe(s, refused)
            seen["before_focus"] = before["focus"]
            seen["before"] = {k: before[k] for k in ("active", "page", "kind", "form", "charging", "locked", "clerk",
                                                     "history", "end_of_day", "history_loads")}
            if s.options.get("shots"):
                seen["shot"] = s.shot(f"{state}-{label.replace('+', '_').replace(' ', '_')}")
            table[label] = seen
            s.note(f"{state} {label}: {seen['active']} page={seen['page']} refused={seen['refused'][:60]!r}")
            _leave(s, state)
        s.note(f"{state}: {time.monotonic() - started:.0f} s")
    return out


# --- the window on the screen: fits, and comes back where it was ---------------------------------------------

def _on_screen(s: Session) -> dict:
    """Where the counter window, its bottom lines and every other visible window are, and the screen's size."""
    def read() -> dict:
        from PySide6.QtCore import QPoint
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QApplication

        w = s.window

        def bottom(widget) -> int:
            return widget.mapToGlobal(QPoint(0, widget.height())).y()

        return {"screen": list(QGuiApplication.primaryScreen().geometry().getRect()),
                "frame": list(w.frameGeometry().getRect()), "normal": list(w.normalGeometry().getRect()),
                "maximized": w.isMaximized(), "hint_visible": w.hint.isVisible(), "hint_bottom": bottom(w.hint),
                "status_bottom": bottom(w.statusBar()), "banner_clerk": w.signed_in.text(),
                "banner_clerk_right": w.signed_in.mapToGlobal(QPoint(w.signed_in.width(), 0)).x(),
                "windows": {t.windowTitle(): list(t.frameGeometry().getRect()) for t in QApplication.topLevelWidgets()
                            if t.isVisible() and t is not w and t.isWindow() and t.windowTitle()}}
    return s.gui(read)


def screen_fits(s: Session) -> dict:
    """The counter on the screen it opens on: signed in (the clerk's name in the banner), then every page and
    the history and end-of-day windows, each checked against the screen's edges and photographed."""
    s.start()
    p, w, out = s.person, s.window, {"pages": {}}
    out["signed_in"] = s.sign_in("0000")
    p.settle(500)

    def page(name: str) -> None:
        p.settle(600)
        out["pages"][name] = _on_screen(s)
        out["pages"][name]["shot"] = s.shot(f"fit-{name}")  # docs: 60 (start), 61 (customer at 1280x720)

    page("start")
    out["picked"] = _pick(s, "a", want=_card_on_file)
    page("customer")
    p.key("ctrl+a")
    p.type("23.45")
    p.key("F6")
    s.wait_until(lambda: w.stack.currentWidget() is w.panel and w.panel.state.value == "shown", 20_000)
    page("form")
    p.key("Escape")
    s.wait_until(lambda: w.stack.currentWidget() is w.customer_page, 5000)
    p.key("F5")
    if _wait_active(s, "Charge card on file", 10_000):
        p.key("Return")
    s.wait_until(lambda: w.stack.currentWidget() is w.result and w.result.kind == "approved", 30_000)
    page("approved")
    p.key("ctrl+h")
    _wait_active(s, "Payment history")
    page("history")
    p.key("Escape")
    _wait_active(s, TITLE)
    p.key("alt+m")
    p.settle(400)
    p.key("Down", "Down", "Return")
    _wait_active(s, "End of day")
    page("end_of_day")
    p.key("Escape")
    return out


def window_is_remembered(s: Session) -> dict:
    """``s.options["move"]``: the window is un-maximized, sized and moved (through the window manager); then Quit (Ctrl+Q, Enter) and what the settings file keeps. Without it: where the window
    opens. Either way the app is quit with the keys and the saved place is read from the file."""
    import json
    import threading

    s.start()
    p, w, out = s.person, s.window, {}
    out["opened"] = _on_screen(s)
    out["signed_in"] = s.sign_in("0000")
    if s.options.get("move"):  # test set-up: the window is no longer maximized, and is sized and moved
        s.gui(w.showNormal)
        s.wait_until(lambda: not w.isMaximized(), 5000)
        x, y, width, height = s.options["move"]
        p.xdo("getactivewindow", "windowsize", "--sync", str(width), str(height))
        p.xdo("getactivewindow", "windowmove", "--sync", str(x), str(y))
        p.settle(1000)
        out["moved"] = _on_screen(s)
        out["shot_moved"] = s.shot("moved")
    quit_seen = threading.Event()
    s.gui(lambda: s.app.aboutToQuit.connect(quit_seen.set))  # connected after the app's own: runs after it
    p.key("ctrl+q")
    out["question"] = s.active() if _wait_active(s, "Quit", 5000) else s.active()
    p.key("Return")
    out["quit"] = quit_seen.wait(15)
    time.sleep(0.5)
    path = s.home / "data" / "settings-training.json"
    out["saved"] = json.loads(path.read_text(encoding="utf-8")).get("window_geometry") if path.exists() else None
    return out


# --- one scenario per fix ----------------------------------------------------------------------------------------

def _fill(s: Session, dialog, values: dict[str, str]) -> None:
    """Test set-up: the customer form's fields (text boxes, or a picker offering the value)."""
    def fill() -> None:
        for field, value in values.items():
            widget = dialog.inputs[field]
            if hasattr(widget, "setText"):
                widget.setText(value)
            else:
                index = max(widget.findData(value), widget.findText(value))
                widget.setCurrentIndex(index)
    s.gui(fill)


def ctrl_e_after_saving_a_customer(s: Session) -> dict:
    """The clerk makes a new customer (Ctrl+N, Enter saves) and at once presses Ctrl+E to fix a detail: the edit
    window opens for that customer, with the keyboard still where the counter put it (the amount box)."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    p.key("F5")  # before any customer: refused, and the status bar says why
    p.settle(400)
    out["f5_refused"] = s.gui(lambda: w.statusBar().currentMessage())
    out["shot_refused"] = s.shot("65-key-refused")
    p.key("ctrl+f")
    p.type("Luis Zamora")
    s.wait_until(lambda: w.shown_query == "Luis Zamora", 8000)
    p.key("ctrl+n")
    out["new_dialog"] = s.active() if _wait_active(s, "New customer") else s.active()
    _fill(s, s.shell.customer_dialog, {"phone": "3035550142", "street1": "14 Larimer St", "city": "Denver",
                                       "state_code": "CO", "zip_code": "80202"})
    p.key("Return")  # Save
    out["back_at_counter"] = _wait_active(s, TITLE, 15_000)
    s.wait_until(lambda: w.hit is not None and w.hit.display_name == "Luis Zamora", 8000)
    p.settle(500)
    out["shown"] = s.gui(lambda: w.hit.display_name if w.hit else None)
    out["focus_after_save"] = s.focus_widget_name()
    p.key("ctrl+e")
    out["after_ctrl_e"] = s.active() if _wait_active(s, "Edit customer", 8000) else s.active()
    out["editing"] = s.gui(lambda: " ".join(s.shell.customer_dialog.inputs[f].text()
                                            for f in ("first_name", "last_name")))
    out["shot"] = s.shot("ctrl-e-after-save")
    p.key("Escape")
    _wait_active(s, TITLE)
    p.key("ctrl+f")  # and from the search box too
    p.key("ctrl+e")
    out["from_search_box"] = s.active() if _wait_active(s, "Edit customer", 8000) else s.active()
    return out


def decline_then_enter(s: Session) -> dict:
    """A card on file is declined; the clerk presses Enter: the sale goes on with another card (the card form
    opens for the same customer and amount); nothing else was charged."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    out["picked"] = _pick(s, "a", want=_card_on_file)
    p.key("ctrl+a")
    p.type("9999.01")  # the training gateway declines amounts ending in .01
    p.key("F5")
    if _wait_active(s, "Charge card on file", 10_000):
        p.key("Return")
    s.wait_until(lambda: w.stack.currentWidget() is w.result and w.result.kind == "declined", 30_000)
    p.settle(500)
    out["declined"] = s.gui(lambda: {
        "title": w.result.title.text(),
        "buttons": {b.text(): b.isDefault() for b in (w.result.try_button, w.result.new_sale_button,
                                                      w.result.back_button) if b.isVisible()},
        "none_label": w.result.none_label.isVisible()})
    out["declined"]["focus"] = s.focus_widget_name()
    out["shot"] = s.shot("64-declined-enter-tries-another-card")
    p.key("Return")
    s.wait_until(lambda: w.stack.currentWidget() is w.panel and w.panel.state.value == "shown", 20_000)
    out["after_enter"] = s.gui(lambda: {
        "page": "form" if w.stack.currentWidget() is w.panel else "other", "mode": w.panel.request.mode,
        "customer": w.hit.display_name if w.hit else None, "header": w.panel.header.text(),
        "amount": w.customer_page.amount.edit.text()})
    out["journal"] = [(r["state"], r["amount_cents"]) for r in s.journal_rows()]
    p.key("Escape")
    return out


def stale_messages_cleared(s: Session) -> dict:
    """"Visa •••• 1111 removed." and "Approved · $5.55" belong to the screen they were said on: when the clerk
    moves on they are gone, not left over on the next screens."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    out["picked"] = _pick(s, "a", want=lambda win: win.customer_page.methods.topLevelItemCount() >= 2)

    def other_card() -> None:  # test set-up: the clerk's selection in the list of cards (not the default)
        methods = w.customer_page.methods
        for i in range(methods.topLevelItemCount()):
            methods.setCurrentItem(methods.topLevelItem(i))
            if not methods.current_account().is_default:
                break
        methods.setFocus()
    s.gui(other_card)
    p.key("Delete")
    out["question"] = s.active() if _wait_active(s, "Remove payment method") else s.active()
    p.key("Return")  # Yes
    s.wait_until(lambda: "removed" in w.customer_page.customer_status.text(), 10_000)
    out["removed_said"] = s.gui(w.customer_page.customer_status.text)
    out["shot_removed"] = s.shot("message-removed")  # the note on the customer screen
    p.click_widget(w.customer_page.amount.edit)  # the clerk clicks into the amount box
    p.type("5.55")
    p.key("F6")  # a card form, cancelled
    s.wait_until(lambda: w.stack.currentWidget() is w.panel and w.panel.state.value == "shown", 20_000)
    p.key("Escape")
    s.wait_until(lambda: w.stack.currentWidget() is w.customer_page, 5000)
    out["after_form"] = s.gui(w.customer_page.customer_status.text)
    p.key("F5")
    if _wait_active(s, "Charge card on file", 10_000):
        p.key("Return")
    s.wait_until(lambda: w.stack.currentWidget() is w.result and w.result.kind == "approved", 30_000)
    out["result_status_bar"] = s.gui(lambda: w.statusBar().currentMessage())
    p.key("Escape")  # back to the customer
    s.wait_until(lambda: w.stack.currentWidget() is w.customer_page, 5000)
    p.settle(300)
    out["back_status_bar"] = s.gui(lambda: w.statusBar().currentMessage())
    out["back_customer_status"] = s.gui(w.customer_page.customer_status.text)
    out["shot_back"] = s.shot("66-message-gone")
    return out


def sign_out_for_the_next_clerk(s: Session) -> dict:
    """Counter → Sign out: the counter waits for the next clerk (nobody in the banner); Trainer signs in and
    the next payment is Trainer's in the journal."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    out["banner_trainee"] = s.gui(w.signed_in.text)
    out["trainee_picked"] = s.find_and_pick("a") is not None  # Trainee's customer and amount are on screen
    p.key("ctrl+a")
    p.type("4.44")
    p.key("alt+c")
    p.settle(400)
    out["menu"] = s.gui(lambda: [a.text().replace("&", "") for a in w.menuBar().actions()[0].menu().actions()
                                 if a.text()])
    out["shot_menu"] = s.shot("62-counter-menu")
    p.key("o")  # Sign &out
    out["after_sign_out"] = s.active() if _wait_active(s, "Sign in") else s.active()
    out["state"] = s.login_state()
    out["banner_nobody"] = s.gui(w.signed_in.text)
    out["cover"] = s.gui(w.cover_title.text)
    out["shot_signed_out"] = s.shot("63-signed-out")
    out["trainer"] = s.sign_in("1234", clerk="Trainer")
    out["banner_trainer"] = s.gui(w.signed_in.text)
    out["left_for_trainer"] = s.gui(lambda: {"customer": w.hit is not None, "search": w.search.text(),
                                             "amount": w.customer_page.amount.edit.text()})
    _charge_on_file(s, "3.30")
    s.wait_until(lambda: w.stack.currentWidget() is w.result and w.result.kind == "approved", 30_000)
    out["journal"] = [(r["state"], r["amount_cents"], r["clerk"]) for r in s.journal_rows()]
    from pos_app.clerks import ClerkRegistry

    reg = ClerkRegistry(s.shell.clerks.path)  # the clerk file itself (what an auditor reads)
    try:
        out["clerk_ids"] = {c.name: str(c.id) for c in reg.list()}
        out["events"] = [(e.kind, e.name) for e in reg.events() if e.kind in ("sign_out", "login")]
    finally:
        reg.close()
    return out


def approvals_and_history_keys(s: Session) -> dict:
    """As the clerk Trainee: Manager → Import customers from CSV asks a manager, titled by what it approves,
    the cursor in PIN. Then two payments; Payment history opens with the keyboard in the list: ↓ selects the
    older one, Enter opens its receipt; F8 voids it with the manager's PIN (typed first) and a reason, and the
    void's outcome is said once."""
    s.start()
    p, w, out = s.person, s.window, {}
    out["signed_in"] = s.sign_in("0000")
    p.key("alt+m")
    p.settle(400)
    p.key("Down", "Down", "Down", "Return")  # Clerks…, Settings…, End of day…, Import customers from CSV…
    out["import_dialog"] = s.active() if _wait_active(s, "Manager approval") else s.active()

    def approval() -> dict:
        from PySide6.QtWidgets import QApplication

        d = next((t for t in QApplication.topLevelWidgets() if t.objectName() == "managerApprovalDialog"
                  and t.isVisible()), None)
        return {} if d is None else {"title": d.title.text(), "explain": d.explain.text()}
    out["import_approval"] = s.gui(approval) | {"focus": s.focus_widget_name()}
    out["shot_import"] = s.shot("68-approval-import")
    p.key("Escape")
    _wait_active(s, TITLE)
    for amount in ("4.10", "4.20"):
        _charge_on_file(s, amount)
        s.wait_until(lambda: w.stack.currentWidget() is w.result and w.result.kind == "approved", 30_000)
        p.key("Escape")
        s.wait_until(lambda: w.stack.currentWidget() is w.customer_page, 5000)
    p.key("ctrl+h")
    _wait_active(s, "Payment history")
    s.wait_until(lambda: _dialog(s, "history_dialog") is not None
                 and s.shell.history_dialog.table.topLevelItemCount() == 2, 8000)
    history = s.shell.history_dialog
    out["history_focus"] = s.focus_widget_name()
    out["selected_first"] = s.gui(lambda: history.current_attempt().amount.__str__())
    out["shot_history"] = s.shot("67-history-keyboard")
    p.key("Down")
    out["selected_after_down"] = s.gui(lambda: history.current_attempt().amount.__str__())
    p.key("Return")
    out["receipt"] = s.active() if p.wait_until(lambda: s.active().startswith("Receipt"), 8000) else s.active()
    out["receipt_amount"] = str(s.gui(_receipt_amount))
    p.key("Escape")
    _wait_active(s, "Payment history")
    p.key("F8")
    out["void_dialog"] = s.active() if _wait_active(s, "Manager approval", 15_000) else s.active()
    out["void_approval"] = s.gui(approval) | {"focus": s.focus_widget_name()}
    out["shot_void_approval"] = s.shot("approval-void")
    p.type("1234")  # the cursor is in PIN
    p.key("Tab")
    p.type("customer returned the item")
    p.key("Return")
    _wait_active(s, "Payment history", 15_000)
    s.wait_until(lambda: "recorded" in history.message.text(), 20_000)
    p.settle(500)

    def said() -> dict:
        from PySide6.QtWidgets import QLabel

        texts = [label.text() for label in history.findChildren(QLabel) if label.isVisible() and label.text()]
        return {"detail": history.detail_text.text(), "message": history.message.text(),
                "focus": history.focusWidget().objectName() if history.focusWidget() else "",
                "voided_lines": sum(text.count("Voided: $4.10 will not be charged.") for text in texts)}
    out["after_void"] = s.gui(said)
    out["shot_voided"] = s.shot("69-history-voided")
    return out
