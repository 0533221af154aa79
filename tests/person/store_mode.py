"""Child process of the store-mode person-like test: the real app started as a new user would (no ``--training``,
an empty data folder), the set-up wizard answered with real keys (Store server, the address, the code a manager
made with ``pos-app-server enroll-code``), a clerk signs in against the server, finds the customer another counter
saved, takes a payment; then the server is stopped: search still answers, charging says the server cannot be
reached. Prints one JSON line of observations (``tests.person.scenario`` conventions).

    python -m tests.person.store_mode <home> <shots_dir> <json options: url, code, server_pid, query, pin>

The wizard runs inside the app's start (``build``), so the scenario thread starts before ``build``. Test set-up:
an in-memory keyring stands in for the desktop's (this box has none); stopping the server is the test's action.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

os.environ["QT_QPA_PLATFORM"] = "xcb"
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")

from tests.person.scenario import Session, _Invoker  # noqa: E402
from tests.person.scenarios import _card_on_file, _confirm_and_charge_on_file, _pick, _screen  # noqa: E402


def _wizard():
    from PySide6.QtWidgets import QApplication

    from pos_app.ui.shell.setup_wizard import SetupWizard

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, SetupWizard) and widget.isVisible():
            return widget
    return None


def run(s: Session) -> dict:
    out: dict = {}
    w = set_up_store_lane(s, out)
    if w is None:
        return out
    return run_rest(s, w, out)


def pick_patiently(s, query: str) -> dict | None:
    """Find and pick the customer with a card on file as a person would, asking again (up to 3 times) when the
    lane's first answers (its search copy, the card list from the server) are slow on a loaded machine."""
    p, w = s.person, s.window
    for _attempt in range(3):
        picked = _pick(s, query, _card_on_file)
        if picked is not None:
            return picked
        s.note(f"no pick yet: results={s.gui(w.results.count)} hit={s.gui(lambda: w.hit is not None)}")
        p.key("Escape")
        p.settle(1000)
    return None


def set_up_store_lane(s: Session, out: dict):
    """The wizard answered with real keys (Store server, address, code, lane LANE1); the counter window once it
    opened in store mode with the sign-in showing, or None (``out["error"]`` says why)."""
    p, o = s.person, s.options
    s.wait_until(lambda: _wizard() is not None and _wizard().ready, 60_000)
    wizard = s.gui(_wizard)
    flow = wizard.flow
    p.settle(800)
    out["wizard_active"] = s.active()
    # Training is preselected; the store server is the fourth choice: arrow keys, then Next (Return).
    p.key("Down", "Down", "Down")
    out["store_chosen"] = s.gui(flow.environment_page.store_button.isChecked)
    p.key("Return")
    s.wait_until(lambda: flow.currentPage() is flow.store_page, 10_000)
    page = flow.store_page
    out["store_page"] = s.gui(lambda: flow.currentPage() is page)
    out["focus_on_store_page"] = s.focus_widget_name()
    p.click_widget(s.gui(lambda: page.url))  # into the address field, as a person clicks it
    p.type(o["url"])
    p.key("Tab")
    p.type(o["code"].lower())  # typed as a person reads it off the manager's screen (case forgiven)
    p.key("Tab", "ctrl+a")
    p.type("LANE1")
    p.key("Tab")
    out["focus_before_enroll"] = s.focus_widget_name()
    p.key("space")
    s.wait_until(lambda: page.enrolled is not None or "enroll" not in page.status.text().lower()[:9], 30_000)
    s.wait_until(lambda: not page.enrolling, 30_000)
    out["enroll_status"] = s.gui(page.status.text)
    out["fingerprint_shown"] = s.gui(page.fingerprint.text)
    out["next_focused_after_enroll"] = s.gui(flow.button(flow.WizardButton.NextButton).hasFocus)
    out["shot_wizard"] = s.shot("store-wizard-enrolled")
    p.key("Return")  # the focus is on Next once enrolled
    s.wait_until(lambda: flow.currentPage() is flow.merchant_page, 10_000)
    s.note(f"page after Next: {s.gui(lambda: type(flow.currentPage()).__name__)}")
    out["merchant_lane"] = s.gui(flow.merchant_page.lane.text)
    p.settle(500)
    p.click_widget(s.gui(lambda: flow.merchant_page.name))  # the store name field; Return = Next
    p.key("Return")
    s.wait_until(lambda: flow.currentPage() is flow.summary_page, 10_000)
    s.note(f"page: {s.gui(lambda: type(flow.currentPage()).__name__)} "
           f"merchant said={s.gui(flow.merchant_page.message.text)!r}")
    out["summary"] = s.gui(flow.summary_page.text.text)
    p.settle(500)
    p.key("Return")  # Finish (the default button on the last page)
    s.wait_until(lambda: not wizard.isVisible(), 10_000)
    s.note(f"after Finish: wizard visible={s.gui(wizard.isVisible)} said={s.gui(flow.summary_page.message.text)!r}")
    # The counter opens in store mode; the clerk signs in against the server.
    s.wait_until(lambda: s.window is not None and s.window.counter is not None and s.shell is not None
                 and s.shell.sign_in_dialog is not None, 60_000)
    w = s.window
    if w is None:
        out["error"] = "the counter window did not open after Finish"
    return w


def run_rest(s: Session, w, out: dict) -> dict:
    p, o = s.person, s.options
    out["banner"] = s.gui(lambda: w.banner.text())
    out["title"] = s.gui(w.windowTitle)
    out["signed_in"] = s.sign_in(o["pin"], o["clerk"])
    out["clerk"] = s.gui(lambda: s.shell.clerk.name if s.shell.clerk else None)
    out["picked"] = pick_patiently(s, o["query"])
    p.key("ctrl+a")
    p.type("23.45")
    out["confirm"], out["result"] = _confirm_and_charge_on_file(s, "Charge card on file")
    out["shot_counter"] = s.shot("store-counter-paid")
    # The store server stops (the test's action): search still answers from this counter's copy.
    os.kill(int(o["server_pid"]), signal.SIGTERM)
    host = urlsplit(o["url"])
    p.wait_until(lambda: not _listening(host.hostname, host.port), 20_000)
    p.key("Return")  # "New sale" on the result screen
    p.settle(800)
    p.key("ctrl+f", "ctrl+a")
    p.type(o["query"])
    s.wait_until(lambda: w.results.count() > 0 and w.shown_query == o["query"], 15_000)
    out["offline_hits"] = s.gui(w.results.count)
    p.key("Return")
    s.wait_until(lambda: w.hit is not None, 10_000)
    p.settle(3000)
    out["offline_customer"] = s.gui(lambda: w.hit.display_name if w.hit else None)
    p.key("ctrl+a")
    p.type("7.00")
    p.key("F5")
    p.settle(2000)
    modal = s.gui(lambda: _top_modal_title())
    if modal:
        p.key("Return")
    s.wait_until(lambda: not w.charging, 30_000)
    p.settle(1500)
    out["offline_screen"] = _screen(s)
    out["offline_status"] = s.gui(lambda: w.statusBar().currentMessage())
    out["offline_said"] = s.gui(lambda: w.customer_page.message.text() if hasattr(w.customer_page, "message")
                                else "")
    out["offline_texts"] = s.gui(_visible_texts)
    out["shot_offline"] = s.shot("store-counter-server-down")
    out["data_files"] = sorted(str(x.relative_to(s.home)) for x in s.home.rglob("*") if x.is_file())
    return out


def _top_modal_title() -> str | None:
    from PySide6.QtWidgets import QApplication

    widget = QApplication.activeModalWidget()
    return widget.windowTitle() if widget is not None and widget.isVisible() else None


def _visible_texts() -> list[str]:
    from PySide6.QtWidgets import QApplication, QLabel

    texts = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for label in top.findChildren(QLabel):
            if label.isVisible() and label.text().strip():
                texts.append(label.text())
    return texts


def _listening(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), 0.2).close()
        return True
    except OSError:
        return False


def main(home: str, shots: str, options: str, scenario_run=run) -> int:
    import keyring

    from pos_app.credentials import MemoryKeyring

    session = Session(Path(home), Path(shots), json.loads(options))
    if session.options.get("keyring_file"):  # kept across the app's processes, as the desktop's keyring is
        from tests.file_keyring import FileKeyring

        keyring.set_keyring(FileKeyring(session.options["keyring_file"]))
    else:
        keyring.set_keyring(MemoryKeyring())  # this box has no desktop keyring (test set-up)
    from PySide6.QtWidgets import QApplication

    from pos_app.ui.shell import app as app_module

    app_module.prepare_environment()
    app_module.register_schemes()
    from PySide6 import QtWebEngineWidgets  # noqa: F401 - before QApplication

    QApplication.instance() or QApplication(sys.argv[:1])
    session.gui = _Invoker()

    def scenario() -> None:
        try:
            result = scenario_run(session)
        except Exception as exc:  # noqa: BLE001 - reported to the test as an observation
            result = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
        result["steps"] = session.obs["steps"]
        print("RESULT " + json.dumps(result, default=str), flush=True)
        os._exit(0)

    threading.Thread(target=scenario, name="scenario", daemon=True).start()
    session.app, session.window = app_module.build(["--home", home, "--allow-no-sandbox"])
    if session.window is None:
        time.sleep(5)
        print("RESULT " + json.dumps({"error": "the app did not open its window"}), flush=True)
        os._exit(0)
    session.app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
