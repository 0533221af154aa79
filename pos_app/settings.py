"""Typed, versioned settings in ``settings.json`` in the data dir.

Never holds a secret: the API key lives only in the keyring (``credentials.py``); a test scans the file.
Unknown keys from a newer version are kept on save; a corrupt file is moved aside (``.bad``) and defaults
are used, with the problem logged, so a damaged file never stops a counter from starting.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from pos_app.config import Environment

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1


@dataclass
class Merchant:
    name: str = "Training Store"
    address: str = "1 Main Street, Springfield"
    phone: str = ""
    footer: str = "Thank you for your business"


@dataclass
class Settings:
    version: int = SETTINGS_VERSION
    environment: str = Environment.TRAINING.value
    # API user per environment; the key for (environment, user) is in the keyring.
    api_users: dict[str, str] = field(default_factory=dict)
    lane: str = "LANE1"
    store_timezone: str = ""  # "" = the computer's local zone
    language: str = ""  # "" = system locale; "es" = Spanish
    idle_lock_minutes: int = 5
    demo_customers: int = 300
    merchant: Merchant = field(default_factory=Merchant)
    setup_done: bool = False
    _extra: dict = field(default_factory=dict, repr=False)

    @property
    def env(self) -> Environment:
        return Environment(self.environment)

    def to_json(self) -> dict:
        data = asdict(self)
        extra = data.pop("_extra")
        return {**extra, **data}

    @classmethod
    def from_json(cls, data: dict) -> Settings:
        known = {f.name for f in fields(cls)} - {"_extra"}
        values = {k: v for k, v in data.items() if k in known}
        extra = {k: v for k, v in data.items() if k not in known}
        merchant = values.pop("merchant", None)
        settings = cls(**values, _extra=extra)
        if isinstance(merchant, dict):
            mknown = {f.name for f in fields(Merchant)}
            settings.merchant = Merchant(**{k: v for k, v in merchant.items() if k in mknown})
        try:
            Environment(settings.environment)
        except ValueError:
            log.warning("unknown environment %r in settings; using training", settings.environment)
            settings.environment = Environment.TRAINING.value
        return settings


def load_settings(path: Path) -> Settings:
    if not path.exists():
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("settings file is not a JSON object")
        return Settings.from_json(data)
    except (ValueError, TypeError) as exc:
        bad = path.with_suffix(".json.bad")
        os.replace(path, bad)
        log.error("settings file was unreadable (%s); moved to %s and using defaults", exc, bad.name)
        return Settings()


def save_settings(settings: Settings, path: Path) -> None:
    """Atomic write (temp file + fsync + rename) so a crash never leaves half a settings file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(settings.to_json(), indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
