"""Keys that belong to a window, not to the text box that has the focus.

On X11, Qt gives text boxes the emacs-style line-edit keys of the platform's key bindings: Ctrl+E moves to the
end of the line, Ctrl+U deletes it, and so on. A text box claims such a key before any shortcut sees it
(``QEvent.ShortcutOverride``), so with the cursor in the search or amount box the window's Ctrl+E ("Edit
customer…") did nothing. :func:`shortcuts_first` installs :class:`ShortcutsFirst` on text boxes: a key that is
an enabled shortcut of the box's window (a ``QShortcut`` or a ``QAction``, menus included) goes to that
shortcut. The text keys a clerk edits with (Delete, Backspace, arrows, Home/End, Ctrl+A/C/V/X/Z) stay the
box's even if a window shortcut uses them (``Delete`` removes a card only from the list of cards).

Contract: the filter never consumes a key press; it only declines the text box's claim on a key that is one of
its window's enabled shortcuts, so the key reaches that shortcut exactly as it would from any other widget.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

#: Keys a text box keeps even when a window shortcut uses them (text editing a clerk relies on).
TEXT_KEYS = frozenset(QKeySequence(k).toString() for k in (
    "Delete", "Backspace", "Left", "Right", "Home", "End", "Ctrl+A", "Ctrl+C", "Ctrl+V", "Ctrl+X", "Ctrl+Z",
    "Ctrl+Left", "Ctrl+Right", "Shift+Left", "Shift+Right", "Shift+Home", "Shift+End"))


def window_shortcuts(window: QWidget) -> set[str]:
    """The enabled shortcuts of ``window`` (its ``QShortcut`` objects and ``QAction`` shortcuts), as
    portable key strings."""
    keys: set[str] = set()
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if shortcut.isEnabled() and isinstance(parent, QWidget) and parent.window() is window:
            keys.add(shortcut.key().toString())
    for action in window.findChildren(QAction):
        if action.isEnabled():
            keys.update(seq.toString() for seq in action.shortcuts())
    keys.discard("")
    return keys


class ShortcutsFirst(QObject):
    """Event filter for a text box: the window's shortcuts win over the box's own line-edit keys."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(watched, QWidget):
            key = QKeySequence(event.keyCombination()).toString()
            if key not in TEXT_KEYS and key in window_shortcuts(watched.window()):
                return True  # not claimed by the box: the shortcut map hands the key to the window's shortcut
        return False


def shortcuts_first(*boxes: QWidget) -> ShortcutsFirst:
    """Install one :class:`ShortcutsFirst` (parented to the first box) on every box given."""
    guard = ShortcutsFirst(boxes[0])
    for box in boxes:
        box.installEventFilter(guard)
    return guard


def command_key(event) -> str | None:
    """The name of a command key (F1-F12, Delete, or a key with Ctrl/Alt) that reached a window's own
    ``keyPressEvent`` unhandled, i.e. one that does nothing there; None for typing and navigation keys.
    Dialogs use it to say that the key does nothing here instead of ignoring it silently."""
    from PySide6.QtCore import Qt

    key = event.key()
    if key in (Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Shift, Qt.Key.Key_Meta, Qt.Key.Key_AltGr):
        return None
    mods = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    if Qt.Key.Key_F1 <= key <= Qt.Key.Key_F12 or key == Qt.Key.Key_Delete or mods:
        return QKeySequence(event.keyCombination()).toString(QKeySequence.SequenceFormat.NativeText)
    return None
