"""Child process for person-like tests: the real app (``pos_app.ui.shell.app.build``, training mode) on the X display
given by ``DISPLAY``, driven by real X input, printing one JSON line of what a person and an auditor see.

    python -m tests.person.scenario <name> <home> <shots_dir> [json options]

Each scenario is a function ``name(s: Session) -> dict`` in ``tests/person/scenarios.py``. See README.md for the rules.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "xcb"
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")

from tests.person.xdisplay import Person  # noqa: E402

WINDOW_TITLE = "Counter · PaySimple (Training)"


class _Invoker:
    """Runs a function on the GUI thread from the scenario thread and returns its result."""

    def __init__(self) -> None:
        from PySide6.QtCore import QObject, Qt, Signal

        class Relay(QObject):
            call = Signal(object)

        self.relay = Relay()
        self.relay.call.connect(lambda job: job(), Qt.ConnectionType.QueuedConnection)

    def __call__(self, fn, timeout: float = 30.0):
        done, box = threading.Event(), {}

        def job() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:  # noqa: BLE001 - re-raised on the scenario thread
                box["error"] = exc
            done.set()

        self.relay.call.emit(job)
        if not done.wait(timeout):
            raise TimeoutError("the app's GUI thread did not answer (blocked?)")
        if "error" in box:
            raise box["error"]
        return box.get("value")


class Session:
    """One app process: the app runs its own event loop on the main thread (modal dialogs and all, as for a
    person); the scenario runs on another thread, acts with real X input and reads state through ``gui``."""

    def __init__(self, home: Path, shots: Path, options: dict) -> None:
        self.home, self.shots, self.options = home, shots, options
        self.person = Person(os.environ["DISPLAY"])
        self.app = self.window = None
        self.gui = None
        self.obs: dict = {"steps": []}

    def build(self, demo_customers: int = 60) -> None:
        """Main thread: the real app start. Option ``settings`` (a dict of ``pos_app.settings.Settings``
        fields, e.g. ``{"language": "es", "money_format": "en_US"}``) is written to training's settings file
        (``<home>/data/settings-training.json``) first, as a store's set-up would have left it (``setup_done`` true)."""
        from pos_app.ui.shell import app as app_module

        settings = self.options.get("settings")
        if settings is not None:  # a --training run reads training's own settings file (decision 0200)
            from pos_app.config import app_paths

            path = app_paths(self.home).training_settings_file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"setup_done": True, **settings}, indent=2), encoding="utf-8")
        argv = ["--training", "--home", str(self.home), "--demo-customers", str(demo_customers)]
        self.app, self.window = app_module.build(argv)
        self.gui = _Invoker()

    # --- start ---------------------------------------------------------------------------------------

    def start(self) -> None:
        """Scenario thread: wait until the counter is up and the payment view has joined the window."""
        w = self.window
        ok = self.wait_until(lambda: w.counter is not None and w.shell is not None
                             and w.shell.sign_in_dialog is not None, 60_000)
        self.note(f"started: backend ready={ok}")
        # The payment view is pre-warmed 50 ms after the back end attaches; give it time to join the window
        # (this is what re-created the window's native handle and left the sign-in dialog behind).
        self.wait_until(lambda: getattr(w.panel, "_page_ready", False), 20_000)
        self.person.settle(1500)

    def wait_until(self, predicate, timeout_ms: int = 10_000) -> bool:
        """Poll ``predicate`` on the GUI thread."""
        return self.person.wait_until(lambda: self.gui(predicate), timeout_ms)

    @property
    def shell(self):
        return self.window.shell

    def note(self, text: str) -> None:
        self.obs["steps"].append(f"{time.strftime('%H:%M:%S')} {text}")

    # --- what a person sees --------------------------------------------------------------------------

    def active(self) -> str:
        return self.person.active_window_name()

    def shot(self, name: str) -> str:
        path = self.person.screenshot(self.shots / f"{name}.png")
        return str(path)

    def focus_widget_name(self) -> str:
        def read() -> str:
            from PySide6.QtWidgets import QApplication

            widget = QApplication.focusWidget()
            return "" if widget is None else (widget.objectName() or type(widget).__name__)
        return self.gui(read)

    def visible_customer_data(self) -> list[str]:
        """Names of counter widgets showing customer data that are visible on screen right now."""
        def read() -> list[str]:
            w, shown = self.window, []
            page = w.customer_page
            widgets = {"results": w.results, "search": w.search, "customer_name": page.customer_name,
                       "customer_meta": page.customer_meta, "methods": page.methods, "amount": page.amount.edit}
            for name, widget in widgets.items():
                if widget is not None and widget.isVisible():
                    shown.append(name)
            return shown
        return self.gui(read)

    def login_state(self) -> dict:
        def read() -> dict:
            shell = self.shell
            dialog = shell.login_dialog() if shell is not None else None
            return {"dialog": dialog.windowTitle() if dialog is not None else None,
                    "clerk": shell.clerk.name if shell is not None and shell.clerk is not None else None,
                    "window_locked": bool(getattr(self.window, "locked", False))}
        return self.gui(read)

    # --- what an auditor reads -----------------------------------------------------------------------

    def journal_rows(self) -> list[dict]:
        path = self.home / "data" / "journal.db"
        if not path.exists():
            return []
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(
                "SELECT id, clerk, customer_id, amount_cents, state, account_kind FROM attempts ORDER BY created_at")]

    def gateway_payments(self, customer_id: int) -> list[dict]:
        """The training gateway's own records for a customer (PaySimple's side of the story)."""
        client = self.window.counter.client
        return [{"id": p.id, "amount": str(p.amount), "status": str(p.status), "order_id": p.order_id}
                for p in client.customer_payments(customer_id)]

    # --- doing things as a person --------------------------------------------------------------------

    def sign_in(self, pin: str, clerk: str | None = None) -> bool:
        """Type into whatever has the keyboard now (the sign-in screen should): optional clerk name, PIN,
        Enter. Waits first (reading, as a person looks) until the screen shows its clerk list (read on a worker)."""
        p = self.person
        self.wait_until(lambda: (d := self.shell.login_dialog()) is not None and d.ready, 10_000)
        if clerk:
            p.key("shift+Tab")
            p.type(clerk)
            p.key("Tab")
        p.type(pin)
        p.key("Return")
        return self.wait_until(lambda: self.shell.clerk is not None and not self.window.locked, 5000)

    def find_and_pick(self, query: str, want: Callable | None = None, tries: int = 12) -> dict | None:
        """Type a search, walk the results with Down, Enter on the first customer that ``want(accounts)``
        likes (waits for the customer's accounts to show)."""
        p, w = self.person, self.window
        p.key("ctrl+f")
        p.type(query)
        self.wait_until(lambda: w.results.count() > 0 and w.shown_query == query, 8000)
        for index in range(min(tries, self.gui(w.results.count))):
            if index:
                p.key("ctrl+f")
                p.key(*(["Down"] * index))
            p.key("Return")
            if not self.wait_until(lambda: w.hit is not None and (w.customer_page.methods_note.text().endswith("on file")
                                   or "No cards" in w.customer_page.methods_note.text()), 8000):
                continue
            if want is None or self.gui(lambda: want(w)):
                return self.gui(lambda: {"name": w.hit.display_name, "paysimple_id": w.hit.paysimple_id,
                                         "accounts": w.customer_page.methods.topLevelItemCount()})
        return None


def main(name: str, home: str, shots: str, options: str = "{}") -> int:
    import importlib

    module_name, _, name = name.rpartition(":")  # "module:scenario" names another module's scenario
    scenarios = importlib.import_module(module_name or "tests.person.scenarios")
    session = Session(Path(home), Path(shots), json.loads(options))
    fn = getattr(scenarios, name)
    prepare = getattr(scenarios, "prepare_" + name, None)
    if prepare is not None:  # test set-up before the app starts (files it finds, a keyring), never the action
        prepare(session)
    session.build()

    def run() -> None:
        result: dict
        try:
            result = fn(session)
            if not isinstance(result, dict):  # a scenario must return what it observed
                raise TypeError(f"scenario {name} returned {type(result).__name__}, not a dict of observations")
        except Exception as exc:  # noqa: BLE001 - reported to the test as an observation
            result = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
        result["steps"] = session.obs["steps"]
        print("RESULT " + json.dumps(result, default=str), flush=True)
        sys.stdout.flush()
        os._exit(0)  # no teardown races: the test reads the files this process left

    scenario = threading.Thread(target=run, name="scenario", daemon=True)
    scenario.start()
    session.app.exec()
    # The app quit (a scenario may quit it with real keys): the scenario reports what it saw after that,
    # reading files only (the GUI thread answers no more).
    scenario.join(60)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
