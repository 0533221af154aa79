"""The GUI-thread guard: calls of the application layer that touch storage or the network are marked with
:func:`off_gui_thread`; while the guard is on (tests, or ``POS_APP_GUARD_GUI_THREAD=1``) such a call made on the
main thread raises ``GuiThreadCall`` instead of freezing the screen."""

from __future__ import annotations

import functools
import os
import threading


class GuiThreadCall(AssertionError):
    """A call that touches storage or the network ran on the GUI thread (only raised while the guard is on:
    tests and ``POS_APP_GUARD_GUI_THREAD=1``)."""


_guard = {"on": os.environ.get("POS_APP_GUARD_GUI_THREAD") == "1"}


def set_gui_thread_guard(on: bool) -> None:
    """Turn the GUI-thread guard on or off (tests): guarded calls on the main thread raise ``GuiThreadCall``."""
    _guard["on"] = on


def off_gui_thread(fn):
    """Marks a call that touches storage or the network: never on the main (GUI) thread while the guard is on."""
    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        if _guard["on"] and threading.current_thread() is threading.main_thread():
            owner = type(args[0]).__name__ if args else "counter"
            raise GuiThreadCall(f"{owner}.{fn.__name__} touches storage or the network; it ran on the GUI thread")
        return fn(*args, **kwargs)
    return guarded
