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
from pos_app.ui.common.i18n import Retranslating
from pos_app.ui.shell.login import form_layout, heading

translate = QCoreApplication.translate


class AboutDialog(Retranslating, QDialog):
    def __init__(self, environment: Environment | str, paths: Paths, parent: QWidget | None = None,
                 language: str = "") -> None:
        super().__init__(parent)
        self.paths = paths
        self.setObjectName("aboutDialog")
        self.live(self.setWindowTitle, lambda: translate("AboutDialog", "About"))
        self.setMinimumWidth(520)
        self.banner = EnvironmentBanner(environment, self)
        self.values: dict[str, QLabel] = {}
        form = form_layout()
        keyring_ok = Setup.keyring_available()
        rows = [
            ("version", lambda: translate("AboutDialog", "Version"), lambda: __version__),
            ("environment", lambda: translate("AboutDialog", "Environment"), lambda: environment_name(environment)),
            ("keyring", lambda: translate("AboutDialog", "Password store (keyring)"), lambda: Setup.key_store_name()
             + ("" if keyring_ok else " — " + translate("AboutDialog", "not available"))),
            ("log_dir", lambda: translate("AboutDialog", "Log folder"), lambda: str(paths.log_dir)),
            ("data_dir", lambda: translate("AboutDialog", "Data folder"), lambda: str(paths.data_dir)),
            ("runtime", lambda: translate("AboutDialog", "Runtime"),
             lambda: f"Python {sys.version.split()[0]}, PySide6 {pyside_version}"),
        ]
        if language:
            rows.append(("language", lambda: translate("AboutDialog", "Language"), lambda: language))
        for key, label, value in rows:
            field = self.with_live(QLabel(self), value)
            field.setObjectName(f"about_{key}")
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setWordWrap(True)
            self.values[key] = field
            form.addRow(self.with_live(QLabel(self), label), field)
        buttons = QDialogButtonBox(self)
        self.open_logs = self.with_live(buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole), lambda: translate("AboutDialog", "Open log folder"))
        self.open_logs.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.log_dir))))
        close = self.with_live(buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole), lambda: translate("AboutDialog", "Close"))
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        body = QVBoxLayout()
        body.setContentsMargins(24, 16, 24, 16)
        body.addWidget(self.with_live(heading("", self, 1.3), lambda: translate("AboutDialog", "Counter POS for PaySimple")))
        body.addLayout(form)
        body.addWidget(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.banner)
        outer.addLayout(body)
