"""A real X display for person-like tests: Xvfb (1366x768) + the openbox window manager, and xdotool for real
key and mouse events. Started once per test process, before any QApplication exists (see conftest.py).

Why not offscreen: stacking, focus and modality bugs (a sign-in dialog left behind the counter, an idle lock
blind to input) only show with a real X server and a window manager.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import time
from pathlib import Path

WIDTH, HEIGHT = 1366, 768
NEEDED = ("Xvfb", "openbox", "xdotool", "xprop")


def missing_tools() -> list[str]:
    return [tool for tool in NEEDED if shutil.which(tool) is None]


class XDisplay:
    """Owns one Xvfb + openbox pair; ``stop()`` (also at exit) ends both."""

    def __init__(self, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.width, self.height = width, height
        self.number: int | None = None
        self.name = ""
        self.procs: list[subprocess.Popen] = []

    def start(self) -> XDisplay:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> XDisplay:
        # Xvfb picks a free display number itself and writes it to a pipe (-displayfd): no race with other
        # test runs choosing the same number.
        read_fd, write_fd = os.pipe()
        try:
            xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{self.width}x{self.height}x24",
                                     "-nolisten", "tcp"], pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        finally:
            os.close(write_fd)
        self.procs.append(xvfb)
        deadline = time.monotonic() + 30
        number = b""
        with os.fdopen(read_fd, "rb") as pipe:
            while not number.endswith(b"\n"):
                chunk = pipe.read(1)
                if not chunk or time.monotonic() > deadline:
                    raise RuntimeError("Xvfb did not start (no display number)")
                number += chunk
        self.number = int(number)
        self.name = f":{self.number}"
        env = dict(os.environ, DISPLAY=self.name)
        self.procs.append(subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 30
        while True:  # the window manager is up once it announces itself on the root window
            out = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env, capture_output=True,
                                 text=True).stdout
            if "window id" in out:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("openbox did not start")
            time.sleep(0.05)
        atexit.register(self.stop)
        return self

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.procs.clear()


class Person:
    """Real input through the X server (xdotool) and what a person sees (the active window, a screenshot).

    Used from a thread that is NOT the app's GUI thread (the app runs its own event loop, modal dialogs
    included, exactly as for a person): ``settle`` just lets time pass."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.env = dict(os.environ, DISPLAY=display)

    def xdo(self, *args: str) -> str:
        out = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=60)
        return out.stdout.strip()

    @staticmethod
    def settle(ms: int = 150) -> None:
        """Give the app ``ms`` to handle what the X server delivered."""
        time.sleep(ms / 1000)

    def wait_until(self, predicate, timeout_ms: int = 10_000, what: str = "") -> bool:
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            if predicate():
                return True
            self.settle(50)
        return bool(predicate())

    def type(self, text: str, delay_ms: int = 40) -> None:
        self.xdo("type", "--delay", str(delay_ms), text)
        self.settle()

    def key(self, *keys: str, delay_ms: int = 60) -> None:
        self.xdo("key", "--delay", str(delay_ms), *keys)
        self.settle()

    def click(self, x: int, y: int) -> None:
        self.xdo("mousemove", "--sync", str(x), str(y), "click", "1")
        self.settle()

    def click_widget(self, widget) -> None:
        """A real mouse click in the middle of ``widget`` (its position on the screen)."""
        from PySide6.QtCore import QPoint

        centre = widget.mapToGlobal(QPoint(widget.width() // 2, widget.height() // 2))
        self.click(centre.x(), centre.y())

    def active_window_name(self) -> str:
        return self.xdo("getactivewindow", "getwindowname")

    def wait_active(self, name: str, timeout_ms: int = 10_000) -> bool:
        return self.wait_until(lambda: self.active_window_name() == name, timeout_ms)

    def screenshot(self, path: Path) -> Path:
        """The whole screen as a person sees it (ImageMagick's import when present, else Qt's grab of the
        screen)."""
        if shutil.which("import"):
            subprocess.run(["import", "-window", "root", str(path)], env=self.env, check=True, timeout=30)
        else:
            subprocess.run(["xwd", "-root", "-silent", "-out", str(path.with_suffix(".xwd"))], env=self.env,
                           check=True, timeout=30)
            path = path.with_suffix(".xwd")
        return path
