"""Colours, fonts and the style sheet: calm, high-contrast, readable at arm's length on a counter screen."""

from __future__ import annotations

from pos_app.config import Environment

BANNER = {
    Environment.TRAINING: ("#c2410c", "#ffffff", "TRAINING MODE · practice only, no real money moves"),
    Environment.SANDBOX: ("#1d4ed8", "#ffffff", "SANDBOX · PaySimple test system, no real money moves"),
    Environment.LIVE: ("#b91c1c", "#ffffff", "LIVE · real payments"),
}

GREEN, RED, AMBER, BLUE = "#15803d", "#b42318", "#b45309", "#1d4ed8"

STYLE = """
QWidget { font-size: 14px; color: #1f2933; }
QMainWindow, #central { background: #f3f4f6; }
#panel { background: #ffffff; border: 1px solid #d9dee5; border-radius: 8px; }
#sectionTitle { font-size: 12px; font-weight: 700; color: #52606d; letter-spacing: 1px; }
#customerName { font-size: 22px; font-weight: 700; color: #111827; }
#customerMeta { color: #3e4c59; }
#muted { color: #616e7c; }
#hint { color: #3e4c59; background: #e5e7eb; padding: 5px 10px; font-size: 13px; }
#banner, #signedIn { font-size: 14px; font-weight: 700; padding: 6px 12px; }
QLineEdit { border: 1px solid #9aa5b1; border-radius: 5px; padding: 7px 9px; background: #ffffff;
            selection-background-color: #2563eb; }
QLineEdit:focus { border: 2px solid #2563eb; padding: 6px 8px; }
QLineEdit[invalid="true"] { border: 2px solid #b42318; padding: 6px 8px; }
QComboBox#statePicker { border: 1px solid #9aa5b1; border-radius: 5px; padding: 2px 4px; background: #ffffff; }
QComboBox#statePicker:focus { border: 2px solid #2563eb; padding: 1px 3px; }
QComboBox#statePicker[invalid="true"] { border: 2px solid #b42318; padding: 1px 3px; }
QComboBox#statePicker::drop-down { subcontrol-origin: padding; subcontrol-position: center right; width: 26px;
                                   border: 0; }
QComboBox#statePicker QLineEdit, QComboBox#statePicker QLineEdit:focus,
QComboBox#statePicker QLineEdit[invalid="true"] { border: 0; padding: 5px 5px; background: transparent; }
#searchEdit { font-size: 16px; }
#amountEdit { font-size: 22px; font-weight: 600; min-width: 180px; }
#currency { font-size: 20px; font-weight: 600; color: #52606d; padding-top: 10px; }
#amountMessage { color: #b42318; font-weight: 600; }
QListView, QTreeWidget { border: 1px solid #d9dee5; border-radius: 6px; background: #ffffff;
                         alternate-background-color: #f8fafc; outline: 0; }
QListView::item:selected, QTreeWidget::item:selected { background: #dbeafe; color: #111827; }
QTreeWidget::item { padding: 6px 4px; }
QHeaderView::section { background: #f3f4f6; border: 0; border-bottom: 1px solid #d9dee5; padding: 6px;
                       font-weight: 600; color: #3e4c59; }
QPushButton { border: 1px solid #9aa5b1; border-radius: 6px; padding: 8px 14px; background: #ffffff;
              font-weight: 600; }
QPushButton:hover { background: #f1f5f9; }
QPushButton:focus { border: 2px solid #2563eb; padding: 7px 13px; }
QPushButton:disabled { color: #9aa5b1; border-color: #d9dee5; background: #f8fafc; }
QPushButton#primary { background: #1d4ed8; color: #ffffff; border: 1px solid #1d4ed8; }
QPushButton#primary:hover { background: #1e40af; }
QPushButton#primary:focus { border: 2px solid #111827; padding: 7px 13px; }
QPushButton#primary:disabled { background: #93c5fd; border-color: #93c5fd; color: #eff6ff; }
QPushButton#addToPaySimple { background: #1d4ed8; color: #ffffff; border: 1px solid #1d4ed8; }
QPushButton#addToPaySimple:focus { border: 2px solid #111827; padding: 7px 13px; }
QPushButton#addToPaySimple:disabled { background: #93c5fd; border-color: #93c5fd; color: #eff6ff; }
#resultTitle { font-size: 30px; font-weight: 800; }
#resultAmount { font-size: 40px; font-weight: 800; color: #111827; }
#resultDetail { font-size: 15px; }
#resultMessage { font-size: 17px; font-weight: 600; color: #1f2933; }
#formHeader { font-size: 18px; font-weight: 700; color: #111827; }
#formStatus { font-size: 14px; font-weight: 600; }
QStatusBar { background: #ffffff; border-top: 1px solid #d9dee5; }
QProgressBar { border: 1px solid #9aa5b1; border-radius: 4px; text-align: center; max-height: 16px;
               min-width: 160px; }
QProgressBar::chunk { background: #2563eb; }
"""
