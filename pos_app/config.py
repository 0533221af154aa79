"""Where the app keeps its files, and which PaySimple environment it talks to.

Data and logs live in the platformdirs user dirs. ``POS_APP_HOME`` (or ``--home``) moves both under one
folder so tests and benchmarks never touch a real user's data.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import platformdirs

from pos_app.paysimple.client import LIVE_URL, SANDBOX_URL

APP_NAME = "pos-app"
APP_AUTHOR = "pos-app"
HOME_ENV = "POS_APP_HOME"


class Environment(StrEnum):
    TRAINING = "training"
    SANDBOX = "sandbox"
    LIVE = "live"


# Public PaySimple API v4 bases; training uses the embedded gateway's loopback URL instead.
API_BASE_URLS = {
    Environment.SANDBOX: SANDBOX_URL,
    Environment.LIVE: LIVE_URL,
}


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    log_dir: Path

    @property
    def directory_db(self) -> Path:
        return self.data_dir / "directory.db"

    @property
    def journal_db(self) -> Path:
        return self.data_dir / "journal.db"

    @property
    def training_db(self) -> Path:
        return self.data_dir / "training.db"

    @property
    def settings_file(self) -> Path:
        """The counter's own settings (environment, Sandbox/Live API users, store): never used by training."""
        return self.data_dir / "settings.json"

    @property
    def training_settings_file(self) -> Path:
        """Training's settings (lane, store header, formats): what a training run reads and writes."""
        return self.data_dir / "settings-training.json"

    @property
    def crash_dir(self) -> Path:
        return self.log_dir / "crash"

    def ensure(self) -> Paths:
        """Create both folders, private (0700; decision 0205)."""
        from pos_app.private_files import private_dir

        private_dir(self.data_dir)
        private_dir(self.log_dir)
        return self


def app_paths(home: str | os.PathLike[str] | None = None) -> Paths:
    """Resolve data/log dirs: explicit ``home`` > ``$POS_APP_HOME`` > platformdirs."""
    home = home or os.environ.get(HOME_ENV)
    if home:
        base = Path(home).expanduser().resolve()
        return Paths(data_dir=base / "data", log_dir=base / "logs")
    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
    )


def resources_dir() -> Path:
    """The ``resources/`` folder, both from a source checkout and from a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
