"""Sizes that fit the screen a window opens on.

Counter PCs have small screens (1366x768, 1280x720). A window or dialog taller than the screen's free area
(the desktop's panels taken off) puts its bottom below the edge: the shortcut strip, the status bar with
"Stop waiting", a dialog's buttons. :func:`fit_to_screen` sizes a top-level window to what it prefers or, where
the screen has less room for it and its window-manager frame, to that room.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer
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


def grow_to_fit(window: QWidget) -> None:
    """Make ``window`` tall enough for what its layout now holds at its present width (a longer message with
    word-wrapped lines), never taller than its screen's free area; it never shrinks. Top-level windows do not
    grow by themselves when a label's height-for-width does: without this the fields above get squeezed and
    clipped."""
    layout = window.layout()
    if layout is None:
        return
    needed = (layout.totalHeightForWidth(window.width()) if layout.hasHeightForWidth()
              else layout.totalSizeHint().height())
    room = available_room(window)
    if room is not None:
        needed = min(needed, room.height() - FRAME_ALLOWANCE)
    if needed > window.height():
        window.resize(window.width(), needed)


class GrowsToFit:
    """Mixin for a dialog whose messages change length: when its layout asks for room (a longer message), the
    dialog grows to fit (:func:`grow_to_fit`, after the layout has settled) instead of squeezing its fields."""

    def event(self, event) -> bool:  # noqa: D102
        if event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self, lambda: grow_to_fit(self))
        return super().event(event)

