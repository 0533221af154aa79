"""App start: ``python -m pos_app --training`` → :func:`run`.

Order matters for start-up time (goal: window on screen in < 1 s): register the app:// scheme, create the
QApplication, show the window, and only then start the training gateway, sync customers and pre-warm the
payment web view on workers / after the first paint.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from pos_app.ui.web.scheme import register_schemes

log = logging.getLogger(__name__)


def prepare_environment() -> None:
    """Chromium refuses to run as root with its sandbox on; containers and kiosks often run as root."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--disable-gpu" not in flags and os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --disable-gpu").strip()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pos-app", description="Counter payments with PaySimple.")
    parser.add_argument("--training", action="store_true", help="training mode (the default for now)")
    parser.add_argument("--home", help="keep data and logs under this folder")
    parser.add_argument("--demo-customers", type=int, default=None, help="demo customers in training mode")
    parser.add_argument("--lane", default=None)
    parser.add_argument("--debug", action="store_true")
    return parser.parse_args(argv)


def build(argv: list[str]):
    """Create the QApplication and the shown main window, and start the back end. Returns (app, window)."""
    t0 = time.perf_counter()
    args = parse_args(argv)
    prepare_environment()
    register_schemes()
    from PySide6 import QtWebEngineWidgets  # noqa: F401 - must be imported before QApplication
    from PySide6.QtWidgets import QApplication

    from pos_app.config import Environment, app_paths
    from pos_app.logs import setup_logging
    from pos_app.settings import load_settings
    from pos_app.ui.main_window import MainWindow
    from pos_app.ui.theme import STYLE

    paths = app_paths(args.home).ensure()
    setup_logging(paths.log_dir, logging.DEBUG if args.debug else logging.INFO, console=args.debug)
    settings = load_settings(paths.settings_file)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("pos-app")
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE)
    lane = args.lane or settings.lane
    # Only training mode is wired to the counter so far; sandbox/live also need the client built from the
    # shell's credentials (Shell.api_credentials) — see docs/architecture.md (ui).
    window = MainWindow(Environment.TRAINING, lane)
    window.show()
    app.processEvents()  # the first paint happens now, before any slower work
    window.shown_at = time.time()
    log.info("window shown after %.3f s", time.perf_counter() - t0)
    demo = settings.demo_customers if args.demo_customers is None else args.demo_customers
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: window.start_training(paths, demo))
    QTimer.singleShot(0, lambda: attach_shell(app, paths, settings, window))
    return app, window


def attach_shell(app, paths, settings, window) -> None:
    """The shell (crash handler, menus, idle lock, sign-in) joins once the counter is on screen."""
    from pos_app.ui.shell import Shell

    shell = Shell(app, paths, settings, force_training=True)
    shell.prepare()  # language + crash handler
    shell.attach(window)  # menus, idle lock
    _idle_filter_on_window(app, shell, window)
    window.shell = shell
    shell.clerk_changed.connect(lambda clerk: window.set_clerk(str(clerk.id)))
    sign_in(app, shell, window, settings)


def _idle_filter_on_window(app, shell, window) -> None:
    """PySide6 6.11.3 crashes (SIGSEGV in exec) when a Python event filter is installed on the QApplication
    while a QWebEngineView is alive (tests/ui/test_app_start.py has the repro). The idle lock only needs the
    counter window's input, so its filter moves from the application to the window's QWindow."""
    idle = getattr(shell, "idle", None)
    if idle is not None and window.windowHandle() is not None:
        app.removeEventFilter(idle)
        window.windowHandle().installEventFilter(idle)


def sign_in(app, shell, window, settings) -> None:
    """Sign-in over the already shown counter (window-modal), while the gateway starts behind it.
    Quit on the sign-in screen closes the app."""
    from PySide6.QtCore import Qt

    from pos_app.ui.login import LoginDialog

    shell.registry.ensure_training_clerks()
    dialog = LoginDialog(shell.registry, shell.environment, window, store_name=settings.merchant.name)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)

    def accepted() -> None:
        shell.clerk = dialog.clerk
        shell._show_clerk()
        window.set_clerk(str(dialog.clerk.id))
        window.activateWindow()
        window.raise_()
        window.focus_search()

    dialog.accepted.connect(accepted)
    dialog.rejected.connect(app.quit)
    window.sign_in_dialog = dialog
    dialog.open()


def run(argv: list[str]) -> int:
    app, window = build(argv)
    from pos_app.ui.ops import wait_for_all

    try:
        code = app.exec()
    finally:
        wait_for_all(15_000)
        window.shutdown()
        shell = getattr(window, "shell", None)
        if shell is not None:
            shell.close()
    return code
