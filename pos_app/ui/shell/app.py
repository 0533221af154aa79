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
from dataclasses import dataclass

from pos_app.config import Environment
from pos_app.ui.web.scheme import register_schemes

log = logging.getLogger(__name__)


ALLOW_NO_SANDBOX_FLAG = "--allow-no-sandbox"
SANDBOX_REFUSED_EXIT = 3
CLERK_FILE_REFUSED_EXIT = 4


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def chromium_sandbox_off(env: dict[str, str] | os._Environ = os.environ) -> str | None:
    """Why Chromium's sandbox will be off in this process (None = it is on). QtWebEngine turns it off when
    ``QTWEBENGINE_DISABLE_SANDBOX`` is set to anything, or ``--no-sandbox`` is among its Chromium flags."""
    if "QTWEBENGINE_DISABLE_SANDBOX" in env:
        return "QTWEBENGINE_DISABLE_SANDBOX is set"
    if "--no-sandbox" in env.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split():
        return "QTWEBENGINE_CHROMIUM_FLAGS has --no-sandbox"
    return None


@dataclass(frozen=True)
class SandboxRefusal:
    """Sandbox/Live would render PaySimple's form without Chromium's sandbox; ``why`` names the cause."""

    environment: Environment
    why: str

    def text(self) -> str:
        """The plain (English) explanation for stderr and the log: what, why it matters, what to do."""
        return (f"{self.environment.value.capitalize()} will not start: the web view that shows PaySimple's "
                f"payment form would run without Chromium's sandbox ({self.why}). A flaw in that page could then "
                f"reach this computer with the app's rights. Start the app as a normal user (not root) without "
                f"QTWEBENGINE_DISABLE_SANDBOX, or, if you accept that risk, start it with {ALLOW_NO_SANDBOX_FLAG}. "
                f"Training mode (--training) still works.")


def sandbox_refusal(environment: Environment, allowed: bool,
                    env: dict[str, str] | os._Environ = os.environ) -> SandboxRefusal | None:
    """Why Sandbox/Live must not start (None = go on).

    Contract (docs/decisions/0203): PaySimple's payment form (their JavaScript, card and bank numbers) is
    rendered by Chromium; without its sandbox a flaw in that renderer runs with this process's rights, as
    root the whole machine's. So Sandbox and Live refuse to start while the sandbox is off unless the
    person starting the app passed ``--allow-no-sandbox``. Training renders only the bundled stand-in and
    keeps running without the sandbox as root (Chromium cannot run as root with it on)."""
    if environment is Environment.TRAINING or allowed:
        return None
    why = chromium_sandbox_off(env)
    if why is None:
        return None
    if running_as_root():
        why = "running as root: Chromium's sandbox cannot run as root"
    return SandboxRefusal(environment, why)


class StartRefused(RuntimeError):
    """The app must not open the counter (the message says why and what to do); ``code`` = exit status."""

    def __init__(self, message: str, code: int = SANDBOX_REFUSED_EXIT) -> None:
        super().__init__(message)
        self.code = code


def prepare_environment() -> None:
    """Chromium refuses to run as root with its sandbox on; containers and kiosks often run as root.
    Turning it off here is safe only because Sandbox/Live then refuse to start (:func:`sandbox_refusal`)."""
    if running_as_root():
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux") \
            and "QT_QPA_PLATFORM" not in os.environ:
        # No screen (a server, a CI box): run offscreen rather than abort, and say so.
        print("pos-app: no display found; running offscreen (nothing will be visible).", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--disable-gpu" not in flags and os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --disable-gpu").strip()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pos-app", description="Counter payments with PaySimple.")
    parser.add_argument("--training", action="store_true", help="training mode, whatever the settings say")
    parser.add_argument("--home", help="keep data and logs under this folder")
    parser.add_argument("--demo-customers", type=int, default=None, help="demo customers in training mode")
    parser.add_argument("--lane", default=None)
    parser.add_argument("--debug", action="store_true")
    parser.add_argument(ALLOW_NO_SANDBOX_FLAG, dest="allow_no_sandbox", action="store_true",
                        help="let Sandbox/Live run although Chromium's sandbox is off (root, or "
                             "QTWEBENGINE_DISABLE_SANDBOX); without it they refuse to start")
    return parser.parse_args(argv)


def refusal_box(refusal: SandboxRefusal):
    """The on-screen form of a start refusal: a critical message box (translated) saying what, why, what to do."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from pos_app.ui.common.i18n import fmt

    translate = QCoreApplication.translate
    env = {Environment.SANDBOX: translate("StartRefused", "Sandbox"),
           Environment.LIVE: translate("StartRefused", "Live")}.get(refusal.environment, refusal.environment.value)
    box = QMessageBox(QMessageBox.Icon.Critical, translate("StartRefused", "pos-app cannot start"),
                      fmt(translate("StartRefused", "%1 will not start: Chromium's sandbox is off."), env))
    box.setInformativeText(fmt(translate(
        "StartRefused",
        "The web view that shows PaySimple's payment form would run without Chromium's sandbox (%1). "
        "A flaw in that page could then reach this computer with the app's rights.\n\n"
        "Start the app as a normal user (not root) without QTWEBENGINE_DISABLE_SANDBOX, or, if you accept "
        "that risk, start it with --allow-no-sandbox. Training mode (--training) still works."), refusal.why))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def tampered_box(exc):
    """The on-screen form of a refused clerk file (translated)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from pos_app.ui.shell.login import clerk_message

    box = QMessageBox(QMessageBox.Icon.Critical, QCoreApplication.translate("StartRefused", "pos-app cannot start"),
                      QCoreApplication.translate("StartRefused", "The counter was not opened."))
    box.setInformativeText(clerk_message(exc))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def refuse_start(app, message: str, box=None, code: int = SANDBOX_REFUSED_EXIT) -> StartRefused:
    """Say why on stderr, in the log and (with a real display, ``box()``) on screen; return the exception."""
    log.error("start refused: %s", message)
    print(f"pos-app: {message}", file=sys.stderr, flush=True)
    if box is not None and app is not None and app.platformName() not in ("offscreen", "minimal"):
        box().exec()
    return StartRefused(message, code)


def build(argv: list[str]):
    """Create the QApplication and the shown main window, and start the back end. Returns (app, window)."""
    t0 = time.perf_counter()
    args = parse_args(argv)
    prepare_environment()
    register_schemes()
    from PySide6 import QtWebEngineWidgets  # noqa: F401 - must be imported before QApplication
    from PySide6.QtWidgets import QApplication

    from pos_app.config import app_paths
    from pos_app.counter import Setup
    from pos_app.logs import setup_logging
    from pos_app.private_files import secure_tree, use_private_umask
    from pos_app.storage_errors import StorageError, What, probe_folder, storage_errors
    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.counter.main_window import MainWindow
    from pos_app.ui.shell import storage_messages

    storage_messages.install()  # StorageError texts in the UI language (read when shown)
    use_private_umask()  # everything this process creates is 0600/0700 (decision 0205)
    paths = app_paths(args.home)
    try:
        with storage_errors(paths.data_dir, What.DATA_FOLDER):
            paths.data_dir.mkdir(parents=True, exist_ok=True)
            secure_tree(paths.data_dir)  # what an older version left readable by others
        fault = probe_folder(paths.data_dir, sync=False)  # read-only or full: say so before any window
        if fault is not None:
            raise StorageError(fault, paths.data_dir, What.DATA_FOLDER)
        with storage_errors(paths.log_dir, What.LOG_FOLDER):
            paths.log_dir.mkdir(parents=True, exist_ok=True)
            secure_tree(paths.log_dir)
            setup_logging(paths.log_dir, logging.DEBUG if args.debug else logging.INFO, console=args.debug)
        # The run's set-up (settings, keys, clerk files): the one the shell and the counter share.
        setup = Setup(paths, force_training=args.training)
        settings = setup.load_settings()  # a --training run never opens settings.json
    except StorageError as exc:
        return _cannot_start(exc), None
    from pos_app import money

    money.set_store_format(settings.money_format)  # before any window shows or reads an amount
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("pos-app")
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE)
    from pos_app.ui.common.i18n import install_translator

    install_translator(app, settings.language)  # before any window: the counter is built in the UI language
    lane = args.lane or settings.lane
    environment = Environment.TRAINING if args.training else settings.env
    shell = None
    if not args.training and (environment is not Environment.TRAINING or not settings.setup_done):
        # Sandbox/Live, and the very first start without --training: the set-up wizard (Training preselected;
        # API user + key for Sandbox/Live) completes before the counter opens. It may change both of these:
        shell = _make_shell(app, paths, settings, setup)
        try:
            if not shell.ensure_setup():
                return app, None
        except StorageError as exc:  # e.g. the clerk file cannot be opened
            return _cannot_start(exc), None
        environment, lane = shell.environment, args.lane or settings.lane
    refusal = sandbox_refusal(environment, args.allow_no_sandbox)
    if refusal is not None:
        raise refuse_start(app, refusal.text(), lambda: refusal_box(refusal))
    if shell is not None and environment is not Environment.TRAINING and not shell.store_mode:
        from pos_app.counter import ClerkFileTampered

        try:  # a clerk file changed outside the app opens nothing (decision 0208)
            setup.clerks_for(environment).verify()
        except ClerkFileTampered as exc:
            tampered = exc
            raise refuse_start(app, str(tampered), lambda: tampered_box(tampered), CLERK_FILE_REFUSED_EXIT) from None
    if environment is not Environment.TRAINING and chromium_sandbox_off() is not None:
        log.warning("%s runs without Chromium's sandbox (%s)", environment.value, ALLOW_NO_SANDBOX_FLAG)
        print(f"pos-app: warning: {environment.value} runs without Chromium's sandbox ({ALLOW_NO_SANDBOX_FLAG}).",
              file=sys.stderr, flush=True)
    window = MainWindow(environment, lane)
    window.panel.debug = args.debug  # web inspector only with --debug
    place_window(window, settings.window_geometry)
    app.processEvents()  # the first paint happens now, before any slower work
    window.shown_at = time.time()
    log.info("window shown after %.3f s", time.perf_counter() - t0)
    demo = settings.demo_customers if args.demo_customers is None else args.demo_customers
    from PySide6.QtCore import QTimer

    if environment is Environment.TRAINING:  # no key needed: start at once, before the shell joins
        start = setup.counter_start(settings, lane, demo)  # with the run's clerk desk (the shell's too)
        QTimer.singleShot(0, lambda: window.start_counter(start))
    QTimer.singleShot(0, lambda: attach_shell(app, paths, settings, window, shell, setup, demo))
    return app, window


def _cannot_start(exc) -> object:
    """A storage fault before the counter window exists (data or log folder, settings, clerk file): say which
    file and what to do, modally, and make ``run`` exit with status 1."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    log.error("cannot start: %s on %s", exc.fault.value, exc.path)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.pos_exit_code = 1
    box = QMessageBox(QMessageBox.Icon.Critical, QCoreApplication.translate("StorageMessages",
                                                                            "The counter could not start"),
                      str(exc))
    box.setObjectName("cannotStart")
    box.exec()
    return app


#: The counter window's size when it has no remembered place and the screen has room for it.
PREFERRED_SIZE = (1280, 800)


def window_geometry(window) -> dict:
    """What :func:`place_window` restores next time: the window's normal (unmaximized) geometry and whether it
    is maximized (``Settings.window_geometry``)."""
    rect = window.normalGeometry()
    if not rect.isValid():
        rect = window.geometry()
    return {"x": rect.x(), "y": rect.y(), "width": rect.width(), "height": rect.height(),
            "maximized": bool(window.isMaximized())}


def remembered_screen(window, saved: dict | None):
    """The screen whose free area holds the remembered geometry ``saved`` whole, with room for the window
    frame's title bar, at no less than the window's minimum size; None when no present screen does (a second
    monitor unplugged, a smaller screen) or nothing was remembered."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QGuiApplication

    from pos_app.ui.common.screen import FRAME_ALLOWANCE

    if not saved:
        return None
    try:
        rect = QRect(int(saved["x"]), int(saved["y"]), int(saved["width"]), int(saved["height"]))
    except (KeyError, TypeError, ValueError):
        return None
    minimum = window.minimumSizeHint()
    if rect.width() < minimum.width() or rect.height() < minimum.height():
        return None
    for screen in QGuiApplication.screens():
        room = screen.availableGeometry()
        if room.contains(rect.adjusted(0, -FRAME_ALLOWANCE // 2, 0, 0)):
            return screen
    return None


def place_window(window, saved: dict | None = None) -> None:
    """Show ``window`` where it was last time (``saved``, see :func:`window_geometry`) when that lies wholly on
    a present screen; otherwise on the screen it opens on, at the preferred size when that fits the screen's
    free area with the frame, else maximized: on a 1366x768 or 1280x720 counter screen nothing of the window
    (the shortcut strip, the status bar with "Stop waiting") may be below the screen's edge."""
    from pos_app.ui.common.screen import FRAME_ALLOWANCE, available_room

    screen = remembered_screen(window, saved)
    if screen is not None:
        window.setGeometry(int(saved["x"]), int(saved["y"]), int(saved["width"]), int(saved["height"]))
        window.showMaximized() if saved.get("maximized") else window.show()
        return
    room = available_room(window)
    width, height = PREFERRED_SIZE
    if room is not None and (width + FRAME_ALLOWANCE > room.width() or height + FRAME_ALLOWANCE > room.height()):
        window.showMaximized()
        return
    window.resize(width, height)
    if room is not None:  # centred on the screen it opens on
        window.move(room.x() + (room.width() - width) // 2, room.y() + (room.height() - height - FRAME_ALLOWANCE // 2) // 2)
    window.show()


def _make_shell(app, paths, settings, setup):
    from pos_app.ui.shell.shell import Shell

    shell = Shell(app, paths, settings, force_training=setup.force_training, setup=setup)
    shell.prepare()  # language + crash handler
    return shell


def attach_shell(app, paths, settings, window, shell=None, setup=None, demo_customers: int | None = None) -> None:
    """The shell (crash handler, menus, idle lock, sign-in) joins once the counter is on screen; the clerk
    signs in window-modally while the counter starts behind (Sandbox/Live start here: they need the shell's
    key; Training started already)."""
    from pos_app.storage_errors import StorageError

    if shell is None:
        from pos_app.counter import Setup

        shell = _make_shell(app, paths, settings, setup or Setup(paths, force_training=True))
    window.shell = shell
    shell.attach(window)
    app.aboutToQuit.connect(lambda: shell.remember_window(window_geometry(window)))
    shell.clerk_changed.connect(lambda clerk: _signed_in(window, clerk))
    if shell.environment is not Environment.TRAINING:
        window.start_counter(shell.counter_start(window.lane, demo_customers))
    try:
        shell.sign_in_over(window, on_quit=app.quit)
    except StorageError as exc:  # the clerk file: nobody can sign in, so the counter cannot be used
        from PySide6.QtWidgets import QMessageBox

        log.error("sign-in impossible: %s on %s", exc.fault.value, exc.path)
        window.statusBar().showMessage(str(exc))
        box = QMessageBox(QMessageBox.Icon.Critical, window.windowTitle(), str(exc), parent=window)
        box.setObjectName("cannotSignIn")
        box.finished.connect(lambda _r: app.quit())
        window.storage_problem = box
        box.open()


def _signed_in(window, clerk) -> None:
    from pos_app.ui.shell.storage_messages import tell_settings_set_aside

    window.activateWindow()
    window.raise_()
    window.focus_search()
    notice = tell_settings_set_aside(window)
    if notice is not None:
        window.settings_notice = notice


def run(argv: list[str]) -> int:
    try:
        app, window = build(argv)
    except StartRefused as refused:
        return refused.code
    if window is None:
        return getattr(app, "pos_exit_code", 0)  # set-up cancelled (0), or a storage fault was explained (1)
    from pos_app.ui.common.ops import wait_for_all

    try:
        code = app.exec()
    finally:
        wait_for_all(15_000)
        window.shutdown()
        if window.shell is not None:
            window.shell.close()
    return code
