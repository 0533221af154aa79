"""Every counter screen, rendered offscreen from the real app and checked not to be blank.

``POS_SCREENSHOTS=1`` writes them to docs/screenshots/ (committed, for the store owner); otherwise they go
to the test's temp folder so a normal run leaves the checkout untouched.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage

from tests.fixtures.web import run_js

pytestmark = pytest.mark.webview

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def _colours(image: QImage, rect: QRect, step: int = 2) -> set[int]:
    return {image.pixel(x, y) for x in range(rect.left(), rect.right() + 1, step)
            for y in range(rect.top(), rect.bottom() + 1, step)}


def _assert_drawn(window, image: QImage, name: str) -> None:
    """What the clerk should see is in the picture: every visible text of the window (labels, buttons,
    fields) is painted where the widget is (its area holds more than one colour), and a visible payment
    view shows a page, not a flat rectangle."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

    scale = image.width() / window.width()
    bounds = QRect(0, 0, image.width(), image.height())
    checked = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            continue
        text = widget.text().strip()
        if not text:
            continue
        top_left = widget.mapTo(window, QPoint(0, 0))
        rect = QRect(int(top_left.x() * scale), int(top_left.y() * scale), int(widget.width() * scale),
                     int(widget.height() * scale)).intersected(bounds)
        if rect.width() < 4 or rect.height() < 4:
            continue
        assert len(_colours(image, rect)) >= 2, f"{name}: {type(widget).__name__} {text[:40]!r} is not drawn"
        checked.append(text)
    assert len(checked) >= 5, f"{name}: only {checked} visible"
    view = window.panel.view
    if view.isVisible():
        top_left = view.mapTo(window, QPoint(0, 0))
        rect = QRect(int(top_left.x() * scale), int(top_left.y() * scale), int(view.width() * scale),
                     int(view.height() * scale)).intersected(bounds)
        assert len(_colours(image, rect, 3)) >= 3, f"{name}: the payment view is blank"


def _save(counter, folder: Path, name: str) -> Path:
    counter.qtbot.wait(250)  # let the web view paint
    path = folder / f"{name}.png"
    assert counter.window.grab().save(str(path))
    image = QImage(str(path))
    assert image.width() >= 1200 and image.height() >= 700
    _assert_drawn(counter.window, image, name)
    return path


def test_screens(counter, tmp_path):
    folder = DOCS if os.environ.get("POS_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    w = counter.window
    _save(counter, folder, "00-start")
    counter.search("Jo")
    _save(counter, folder, "01-search-results")

    hit = counter.pick_with_cards("Mar", want=lambda a: len(a.credit_cards) + len(a.ach_accounts) >= 2)
    counter.amount("42.50")
    w.customer_page.amount.edit.editingFinished.emit()
    _save(counter, folder, "02-customer-cards")

    counter.open_form(Qt.Key.Key_F6)
    counter.type("cardNumber", "4111111111111111")
    counter.type("expiration", "1230")
    _save(counter, folder, "03-payment-form")
    counter.type("cvv", "123")
    counter.type("postalCode", "80202")
    counter.qtbot.waitUntil(lambda: w.panel.submit_button.isEnabled(), timeout=5000)
    assert counter.submit_and_wait() == "approved"
    _save(counter, folder, "04-approved")

    counter.key(Qt.Key.Key_Escape)
    w.customer_page.amount.set_value(Decimal("9999.01"))
    counter.open_form(Qt.Key.Key_F6)
    counter.fill_card("5454545454545454", "0631", "996", "10001")
    assert counter.submit_and_wait() == "declined"
    _save(counter, folder, "05-declined")

    counter.key(Qt.Key.Key_Escape)
    counter.qtbot.waitUntil(lambda: w.stack.currentWidget() is w.customer_page, timeout=5000)
    with counter.qtbot.waitSignal(w.panel.formShown, timeout=15000):
        counter.key(Qt.Key.Key_F8)
    counter.frame()
    _save(counter, folder, "06-update-details")
    assert run_js(counter.qtbot, w.panel.view.page(), "location.origin") == "app://pos"
    assert hit.paysimple_id
