"""The environment banner shown at the top of every window: TRAINING / SANDBOX / LIVE.

The colours are the main window's (``pos_app.ui.common.theme.BANNER``: training orange, sandbox blue, live red), so
every window of one counter looks the same; each environment also has its own word, so colour blindness
does not matter. The words are translated (``EnvironmentBanner`` context).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from pos_app.config import Environment
from pos_app.ui.common.i18n import Retranslating
from pos_app.ui.common.theme import BANNER

translate = QCoreApplication.translate

COLOURS = {env: (bg, fg) for env, (bg, fg, _text) in BANNER.items()}


def environment_title(env: Environment | str) -> str:
    env = Environment(env)
    if env is Environment.TRAINING:
        return translate("EnvironmentBanner", "TRAINING")
    if env is Environment.SANDBOX:
        return translate("EnvironmentBanner", "SANDBOX")
    return translate("EnvironmentBanner", "LIVE")


def environment_detail(env: Environment | str) -> str:
    env = Environment(env)
    if env is Environment.TRAINING:
        return translate("EnvironmentBanner", "Practice mode: no real money moves")
    if env is Environment.SANDBOX:
        return translate("EnvironmentBanner", "PaySimple test account: no real money moves")
    return translate("EnvironmentBanner", "Real payments: cards and bank accounts are charged")


def environment_name(env: Environment | str) -> str:
    """The environment's name in running text ("Training", "Sandbox", "Live")."""
    env = Environment(env)
    if env is Environment.TRAINING:
        return translate("EnvironmentBanner", "Training")
    if env is Environment.SANDBOX:
        return translate("EnvironmentBanner", "Sandbox")
    return translate("EnvironmentBanner", "Live")


class EnvironmentBanner(Retranslating, QWidget):
    """A full-width coloured strip; ``set_environment`` repaints it when the counter switches."""

    def __init__(self, environment: Environment | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environmentBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = QLabel(self)
        self.title.setObjectName("environmentTitle")
        self.detail = QLabel(self)
        self.detail.setObjectName("environmentDetail")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 5, 12, 5)
        layout.addWidget(self.title)
        layout.addSpacing(10)
        layout.addWidget(self.detail, 1)
        self.environment = Environment(environment)
        self.set_environment(environment)

    def retranslate(self) -> None:
        super().retranslate()
        self.set_environment(self.environment)

    def set_environment(self, environment: Environment | str) -> None:
        self.environment = Environment(environment)
        background, foreground = COLOURS[self.environment]
        self.title.setText(environment_title(self.environment))
        self.detail.setText(environment_detail(self.environment))
        self.setAccessibleName(environment_title(self.environment) + ": " + environment_detail(self.environment))
        self.setStyleSheet(
            f"#environmentBanner {{ background: {background}; }}"
            f"#environmentTitle {{ color: {foreground}; font-weight: 700; letter-spacing: 2px; }}"
            f"#environmentDetail {{ color: {foreground}; }}"
        )
