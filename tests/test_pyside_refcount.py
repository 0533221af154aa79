"""Regression guard for the PySide6 6.12.0 refcount bug on Python < 3.12.

6.12.0 drops a reference to None on every None-returning call and to True/False on every Signal.emit();
after enough calls CPython aborts with "Fatal Python error: none_dealloc". On 3.12+ those objects are
immortal, so the check only bites on 3.11 (Debian 12's python3), which is exactly where it matters.
"""

import sys

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QLabel

ROUNDS = 200_000


class _Emitter(QObject):
    changed = Signal(bool)


def test_none_and_bool_refcounts_survive_many_qt_calls(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    seen = []
    emitter.changed.connect(lambda value: seen.append(value) if len(seen) < 1 else None)
    before = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    for i in range(ROUNDS):
        label.setText("x")  # returns None
        emitter.changed.emit(i % 2 == 0)
        if i % 10_000 == 0:
            QCoreApplication.processEvents()
    after = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    assert seen == [True]
    if sys.version_info < (3, 12):
        # Allow small drift from unrelated interpreter activity; the bug loses ~ROUNDS references.
        for b, a in zip(before, after, strict=True):
            assert abs(a - b) < 1000, (before, after)
