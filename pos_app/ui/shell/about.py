"""Help -> About: version, environment, keyring backend, where the logs and data are."""

from __future__ import annotations

import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from pos_app import __version__
from pos_app.config import Environment, Paths
from pos_app.counter import Setup
from pos_app.ui.common.banner import EnvironmentBanner, environment_name
from pos_app.ui.shell.login import form_layout, heading

translate = QCoreApplication.translate


class AboutDialog(QDialog):
    def __init__(self, environment: Environment | str, paths: Paths, parent: QWidget | None = None,
                 language: str = "") -> None:
        super().__init__(parent)
        self.paths = paths
        self.setObjectName("aboutDialog")
        self.setWindowTitle(translate("AboutDialog", "About"))
        self.setMinimumWidth(520)
        self.banner = EnvironmentBanner(environment, self)
        self.values: dict[str, QLabel] = {}
        form = form_layout()
        rows = [
            ("version", translate("AboutDialog", "Version"), __version__),
            ("environment", translate("AboutDialog", "Environment"), environment_name(environment)),
            ("keyring", translate("AboutDialog", "Password store (keyring)"), Setup.key_store_name()
             + ("" if Setup.keyring_available() else " — " + translate("AboutDialog", "not available"))),
            ("log_dir", translate("AboutDialog", "Log folder"), str(paths.log_dir)),
            ("data_dir", translate("AboutDialog", "Data folder"), str(paths.data_dir)),
            ("runtime", translate("AboutDialog", "Runtime"),
             f"Python {sys.version.split()[0]}, PySide6 {pyside_version}"),
        ]
        if language:
            rows.append(("language", translate("AboutDialog", "Language"), language))
        for key, label, value in rows:
            field = QLabel(value, self)
            field.setObjectName(f"about_{key}")
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setWordWrap(True)
            self.values[key] = field
            form.addRow(label, field)
        buttons = QDialogButtonBox(self)
        self.open_logs = buttons.addButton(translate("AboutDialog", "Open log folder"),
                                           QDialogButtonBox.ButtonRole.ActionRole)
        self.open_logs.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.log_dir))))
        close = buttons.addButton(translate("AboutDialog", "Close"), QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        body = QVBoxLayout()
        body.setContentsMargins(24, 16, 24, 16)
        body.addWidget(heading(translate("AboutDialog", "Counter POS for PaySimple"), self, 1.3))
        body.addLayout(form)
        body.addWidget(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.banner)
        outer.addLayout(body)
