"""No visible string in the counter window's modules is a bare literal or an f-string: each goes through
``translate(...)`` (placeholders filled with ``fmt``), so lupdate extracts it. Also the charge-on-file dialog
in Spanish (its buttons are not cut off)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QPushButton

ROOT = Path(__file__).resolve().parents[3]
COUNTER_MODULES = ["counter/main_window.py", "counter/sale.py", "counter/customer_panel.py", "common/widgets.py",
                   "counter/payment_panel.py", "counter/result_view.py", "counter/amount.py", "counter/cards.py",
                   "counter/ach_authorization.py"]
VISIBLE_CALLS = {"setText", "setWindowTitle", "setPlaceholderText", "setToolTip", "setAccessibleName",
                 "addButton", "QLabel", "QPushButton", "showMessage", "show_progress", "critical", "warning",
                 "question", "information", "section", "setHeaderLabels", "QTreeWidgetItem", "_say", "_headline",
                 "_set_status", "show_error", "AmountError", "CvvDialog", "QCheckBox",
                 "set_on_file_note", "AchAuthorizationDialog", "say", "show_note", "show_message"}


def _bare(node) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and any(c.isalpha() for c in v.value) for v in node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return any(_bare(e) for e in node.elts)
    if isinstance(node, ast.BinOp):
        return _bare(node.left) or _bare(node.right)
    if isinstance(node, ast.IfExp):
        return _bare(node.body) or _bare(node.orelse)
    return False


@pytest.mark.parametrize("module", COUNTER_MODULES)
def test_no_bare_visible_strings_in_the_counter(module):
    tree = ast.parse((ROOT / "pos_app/ui" / module).read_text())
    bare = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            logger = isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") in ("log", "logging")
            if name in VISIBLE_CALLS and not logger:
                bare += [(node.lineno, ast.unparse(arg)) for arg in node.args if _bare(arg)]
    assert bare == []


def test_the_check_catches_a_bare_string():
    tree = ast.parse('label.setText(f"Charge {amount}")\nbutton = QPushButton("Save", self)')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", getattr(n.func, "id", ""))
             in VISIBLE_CALLS]
    assert [any(_bare(a) for a in c.args) for c in calls] == [True, True]


def test_charge_on_file_dialog_in_spanish(qtbot, spanish):
    from pos_app.ui.counter.customer_panel import CvvDialog

    dialog = CvvDialog(None, "¿Cobrar $42,50 a Visa •••• 1111 de Mary Clark?", cvv_digits=4)
    qtbot.addWidget(dialog)
    dialog.show()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    QApplication.processEvents()
    assert dialog.windowTitle() == "Cobrar a la tarjeta guardada"
    assert dialog.cvv.placeholderText() == "CVV, 4 dígitos (opcional)"
    buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
    assert set(buttons) == {"Cobrar  [Intro]", "Cancelar  [Esc]"}
    assert all(b.width() >= b.sizeHint().width() for b in buttons.values())
    dialog.cvv.setText("12")
    buttons["Cobrar  [Intro]"].click()
    assert dialog.error.text() == "El CVV de esta tarjeta tiene 4 dígitos. Escríbalo o déjelo vacío."
