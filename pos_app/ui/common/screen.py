"""Sizes that fit the screen a window opens on.

Counter PCs have small screens (1366x768, 1280x720). A window or dialog taller than the screen's free area
(the desktop's panels taken off) puts its bottom below the edge: the shortcut strip, the status bar with
"Stop waiting", a dialog's buttons. :func:`fit_to_screen` sizes a top-level window to what it prefers or, where
the screen has less room for it and its window-manager frame, to that room.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

#: Room the window manager's frame (title bar, borders) takes around a window, in pixels.
FRAME_ALLOWANCE = 60


def available_room(window: QWidget):
    """The free area (``QRect``) of the screen ``window`` opens on (its parent's screen for a dialog); None
    without a screen."""
    anchor = window.parentWidget() or window
    screen = anchor.screen() if anchor is not None else None
    return screen.availableGeometry() if screen is not None else None


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` x ``height``, smaller where its screen's free area minus the frame is."""
    room = available_room(window)
    if room is not None:
        width = min(width, room.width() - FRAME_ALLOWANCE // 3)
        height = min(height, room.height() - FRAME_ALLOWANCE)
    window.resize(width, height)
