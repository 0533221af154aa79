"""Issue 18: the payment history and end-of-day windows fit a 1280x720 counter screen with a window frame
(their footer line and buttons above the edge), in English and in Spanish."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from pos_app.ui.common.i18n import install_translator
from pos_app.ui.payments.eod_view import EndOfDayDialog
from pos_app.ui.payments.history import HistoryDialog
from tests.ui.payments.conftest import close_dialog

SMALL = (1280, 720)
FRAME = 60  # pos_app.ui.common.screen.FRAME_ALLOWANCE: title bar and borders


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("make", [lambda p, b: HistoryDialog(p, events=b), lambda p, b: EndOfDayDialog(p, store="Corner Hardware", events=b)],
                         ids=["history", "end_of_day"])
def test_dialog_fits_a_1280x720_screen(qtbot, qapp, payments, bus, language, make):
    install_translator(qapp, language)
    dialog = make(payments, bus)
    if isinstance(dialog, HistoryDialog):
        with qtbot.waitSignal(dialog.loaded, timeout=5000):
            dialog.show()
    try:
        need = dialog.minimumSizeHint()
        wide = sorted(((w.minimumSizeHint().width(), type(w).__name__, getattr(w, "text", lambda: "")()[:40])
                       for w in dialog.findChildren(QWidget)), reverse=True)[:3]  # the widest, if too wide
        assert need.width() <= SMALL[0] - FRAME // 3 and need.height() <= SMALL[1] - FRAME, (need, wide)
    finally:
        close_dialog(dialog)
        install_translator(qapp, "en")
