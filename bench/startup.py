"""Start-up benchmark of the counter app (training mode, offscreen). Prints one JSON object:

- window_ready_s   process start -> main window shown and painted (a fresh subprocess, timed from Popen)
- backend_ready_s  process start -> training gateway up, customers synced, search enabled
- form_ready_s     "New card" (F6) pressed -> PaySimple's entry form interactive (formShown), warm app
- pss_mib          PSS of the whole process tree (app + QtWebEngine processes) with the web view open,
                   from /proc/<pid>/smaps_rollup
- baseline_page_s  a bare QWebEngineView loading a blank page, in its own subprocess in the same run
Goals: window < 1.0 s, form < 0.8 s, < 300 MiB.

    .venv/bin/python bench/startup.py [--runs 3] [--demo-customers 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _tree_pids(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def pss_mib(root: int) -> float:
    total_kib = 0
    for pid in _tree_pids(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total_kib += int(line.split()[1])
                        break
        except OSError:
            continue
    return total_kib / 1024


def child_app(home: str, demo: int) -> None:
    """Runs the real app start (pos_app.ui.shell.app.build) and reports wall-clock times on stdout."""
    from pos_app.ui.shell.app import build

    app, window = build(["--training", "--home", home, "--demo-customers", str(demo)])
    from PySide6.QtCore import Qt, QTimer

    def emit(**kv) -> None:
        print(json.dumps(kv), flush=True)

    emit(event="window", t=window.shown_at)  # build() returns after the first paint

    def backend_ready() -> None:
        emit(event="backend", t=time.time())
        QTimer.singleShot(0, sign_in)

    def sign_in() -> None:
        # The clerk signs in (training clerk) on the window-modal sign-in screen shown over the counter.
        from pos_app.clerks import TRAINING_CLERK

        dialog = window.shell.sign_in_dialog if window.shell is not None else None
        if dialog is None or not dialog.isVisible() or not dialog.ready:  # the clerk list comes from a worker
            QTimer.singleShot(20, sign_in)
            return
        dialog.name.setCurrentText(TRAINING_CLERK[0])
        dialog.pin.setText(TRAINING_CLERK[1])
        dialog.try_sign_in()
        QTimer.singleShot(0, signed_in)

    def signed_in() -> None:
        dialog = window.shell.sign_in_dialog
        if dialog.checking:  # the PIN is checked on a worker
            QTimer.singleShot(20, signed_in)
            return
        if dialog.isVisible():
            emit(event="error", text="sign-in failed: " + dialog.message.text())
            app.quit()
            return
        QTimer.singleShot(0, wait_page)

    def wait_page() -> None:
        if not window.panel._page_ready:
            QTimer.singleShot(20, wait_page)
            return
        window.search.setText("a")
        QTimer.singleShot(400, pick)

    def pick() -> None:
        window.select_current_hit()
        window.customer_page.amount.set_value(__import__("decimal").Decimal("12.34"))
        QTimer.singleShot(600, press)  # accounts loaded, checkout token prefetched: the clerk's normal pace

    started = {}

    def press() -> None:
        window.panel.formShown.connect(shown)
        started["t"] = time.perf_counter()
        from PySide6.QtTest import QTest

        QTest.keyClick(window, Qt.Key.Key_F6)

    def shown() -> None:
        form = time.perf_counter() - started["t"]
        QTimer.singleShot(300, lambda: (emit(event="form", s=form, pss_mib=pss_mib(os.getpid())), app.quit()))

    window.counterReady.connect(backend_ready)
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    from pos_app.ui.common.ops import wait_for_all

    wait_for_all(10_000)
    window.shutdown()


def child_baseline() -> None:
    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from PySide6.QtWebEngineWidgets import QWebEngineView

    t0 = time.perf_counter()
    view = QWebEngineView()
    view.resize(800, 600)
    view.show()

    def done(_ok) -> None:
        print(json.dumps({"event": "baseline", "s": time.perf_counter() - t0}), flush=True)
        app.quit()

    view.loadFinished.connect(done)
    view.setUrl(QUrl("about:blank"))
    app.exec()
    view.page().deleteLater()
    view.deleteLater()


def _events(cmd: list[str], t0_holder: dict) -> dict:
    t0_holder["t0"] = time.time()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=_env(), cwd=ROOT)
    events = {}
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            data = json.loads(line)
            events[data.pop("event")] = data
    if not events:
        raise SystemExit(f"child produced no timings (exit {out.returncode}):\n{out.stderr[-2000:]}")
    return events


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--demo-customers", type=int, default=300)
    parser.add_argument("--child", choices=["app", "baseline"])
    parser.add_argument("--home")
    args = parser.parse_args()
    if args.child == "app":
        child_app(args.home, args.demo_customers)
        return
    if args.child == "baseline":
        child_baseline()
        return

    window, backend, form, pss, baseline = [], [], [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as home:
            holder: dict = {}
            ev = _events([sys.executable, __file__, "--child", "app", "--home", home,
                          "--demo-customers", str(args.demo_customers)], holder)
            window.append(ev["window"]["t"] - holder["t0"])
            backend.append(ev["backend"]["t"] - holder["t0"])
            form.append(ev["form"]["s"])
            pss.append(ev["form"]["pss_mib"])
        ev = _events([sys.executable, __file__, "--child", "baseline"], {})
        baseline.append(ev["baseline"]["s"])

    result = {
        "runs": args.runs,
        "demo_customers": args.demo_customers,
        "window_ready_s": round(statistics.median(window), 3),
        "backend_ready_s": round(statistics.median(backend), 3),
        "form_ready_s": round(statistics.median(form), 3),
        "pss_mib": round(statistics.median(pss), 1),
        "baseline_page_s": round(statistics.median(baseline), 3),
        "all": {"window_ready_s": [round(x, 3) for x in window], "form_ready_s": [round(x, 3) for x in form],
                "pss_mib": [round(x, 1) for x in pss], "baseline_page_s": [round(x, 3) for x in baseline]},
        "goals": {"window_ready_s": 1.0, "form_ready_s": 0.8, "pss_mib": 300},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
