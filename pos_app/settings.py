"""Typed, versioned settings in ``settings.json`` in the data dir.

Never holds a secret: the API key lives only in the keyring (``credentials.py``); a test scans the file.
Unknown keys from a newer version are kept on save; a corrupt file is moved aside (``.bad``) and defaults
are used, with the problem logged, so a damaged file never stops a counter from starting.

Two files (``pos_app.config.Paths``): ``settings.json`` is the counter's own (which environment it starts
in, the Sandbox/Live API users, the store's header and formats); ``settings-training.json`` is training's.
A training run reads and writes only the training file (:func:`load_run_settings`); a run started with
``--training`` never opens ``settings.json`` at all (decision 0200). Without ``--training``
the counter's file says which environment to start; when that is Training, the run then uses the training
file too (created from the counter's file's store fields the first time: they were training's).

Typed: a value of the wrong type or out of range (hand-edited file) is replaced by its default, with a
warning naming the key; the rest of the file is kept. ``version`` is the schema version: older files are
migrated in ``_migrate`` (nothing to migrate yet), newer ones are read as far as we understand them.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import threading
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

from pos_app.config import Environment
from pos_app.i18n_keys import N_
from pos_app.money import DEFAULT_FORMAT, FORMATS
from pos_app.private_files import replace_whole
from pos_app.storage_errors import What, storage_errors

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1


DEFAULT_STORE_NAME = N_("Settings", "Training Store")
DEFAULT_STORE_ADDRESS = N_("Settings", "1 Main Street, Springfield")
DEFAULT_FOOTER = N_("Settings", "Thank you for your business")


@dataclass
class Merchant:
    """The store as receipts show it. The defaults are our words (translated on screen while unchanged:
    ``pos_app.i18n_keys``); what the store types is shown as typed."""

    name: str = DEFAULT_STORE_NAME
    address: str = DEFAULT_STORE_ADDRESS
    phone: str = ""
    footer: str = DEFAULT_FOOTER


@dataclass
class Settings:
    version: int = SETTINGS_VERSION
    environment: str = Environment.TRAINING.value
    # API user per environment; the key for (environment, user) is in the keyring.
    api_users: dict[str, str] = field(default_factory=dict)
    lane: str = "LANE1"
    store_timezone: str = ""  # "" = the computer's local zone
    language: str = ""  # "" = system locale; "es" = Spanish
    # How the STORE writes money (pos_app.money.FORMATS), whatever the interface language.
    money_format: str = DEFAULT_FORMAT
    idle_lock_minutes: int = 5
    demo_customers: int = 300
    merchant: Merchant = field(default_factory=Merchant)
    setup_done: bool = False
    # Where the counter window was when the app last closed: x, y, width, height (its normal, unmaximized
    # geometry in screen pixels) and maximized. Restored only when it fits a screen present at the start.
    window_geometry: dict = field(default_factory=dict)
    save_folder: str = ""  # where the last receipt/report was saved ("" = the person's Documents folder)
    # Store mode (issue 20): {"url": the store server's address, "fingerprint": its pinned certificate's SHA-256}.
    # Empty: this counter talks to PaySimple itself. The lane credential is in the keyring, never here.
    store_server: dict = field(default_factory=dict)
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
        data = _migrate(dict(data))
        known = {f.name for f in fields(cls)} - {"_extra"}
        values = {k: v for k, v in data.items() if k in known and _valid(k, v)}
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


_CHECKS = {
    "version": lambda v: type(v) is int and v >= 1,
    "environment": lambda v: isinstance(v, str),
    "api_users": lambda v: isinstance(v, dict) and all(isinstance(k, str) and isinstance(u, str)
                                                       for k, u in v.items()),
    "lane": lambda v: isinstance(v, str) and 1 <= len(v) <= 20 and v.replace("_", "").isalnum() and v.isascii(),
    "store_timezone": lambda v: isinstance(v, str),
    "language": lambda v: isinstance(v, str) and len(v) <= 16,
    "money_format": lambda v: isinstance(v, str) and v in FORMATS,
    "idle_lock_minutes": lambda v: type(v) is int and 0 <= v <= 240,
    "demo_customers": lambda v: type(v) is int and 0 <= v <= 1_000_000,
    "merchant": lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
    "setup_done": lambda v: type(v) is bool,
    "window_geometry": lambda v: v == {} or (  # {} = never placed yet (the default)
        isinstance(v, dict) and set(v) == {"x", "y", "width", "height", "maximized"}
        and all(type(v[k]) is int and -100_000 < v[k] < 100_000 for k in ("x", "y", "width", "height"))
        and type(v["maximized"]) is bool),
    "save_folder": lambda v: isinstance(v, str) and len(v) <= 4096 and "\x00" not in v,
    "store_server": lambda v: isinstance(v, dict) and (not v or (set(v) == {"url", "fingerprint"} and all(
        isinstance(x, str) and 0 < len(x) <= 2048 for x in v.values()))),
}


def _valid(key: str, value: object) -> bool:
    check = _CHECKS.get(key)
    if check is None or check(value):
        return True
    log.warning("settings: ignoring %s (wrong type or out of range); using the default", key)
    return False


def _migrate(data: dict) -> dict:
    version = data.get("version", SETTINGS_VERSION)
    if type(version) is int and version > SETTINGS_VERSION:
        log.warning("settings file is from a newer version (%s); keeping what this version understands", version)
        data["version"] = version  # kept so an older app never downgrades the file's declared version
    return data


#: Damaged settings files this process set aside (``take_set_aside`` hands them to the screen once).
_SET_ASIDE: list[Path] = []
_SET_ASIDE_LOCK = threading.Lock()


def take_set_aside() -> list[Path]:
    """The damaged settings files set aside since the last call (where they are now), for the screen to tell
    a manager once: defaults are in use (lane, store name, money format, language) until someone checks."""
    with _SET_ASIDE_LOCK:
        taken = list(_SET_ASIDE)
        _SET_ASIDE.clear()
    return taken


def load_settings(path: Path) -> Settings:
    """The settings in ``path`` (defaults when it does not exist or is damaged: then it is moved to
    ``.json.bad``, or ``.json.bad-<UTC time>`` when an earlier one is there, never overwriting it, and
    :func:`take_set_aside` names it). A file that cannot be read or moved raises ``StorageError`` (file +
    next step)."""
    with storage_errors(path, What.SETTINGS):
        if not path.exists():
            return Settings()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("settings file is not a JSON object")
            return Settings.from_json(data)
        except (ValueError, TypeError) as exc:
            bad = path.with_suffix(".json.bad")
            if bad.exists():
                bad = path.with_suffix(".json.bad-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ"))
            os.replace(path, bad)
            log.error("settings file was unreadable (%s); moved to %s and using defaults", exc, bad.name)
            with _SET_ASIDE_LOCK:
                _SET_ASIDE.append(bad)
            return Settings()


def save_settings(settings: Settings, path: Path) -> None:
    """Atomic write (temp file + fsync + rename) so a crash never leaves half a settings file; the old file
    stays whole when the write fails (``StorageError``: read-only folder, full disk...)."""
    payload = json.dumps(settings.to_json(), indent=2, sort_keys=True)
    with storage_errors(path, What.SETTINGS):
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_whole(path, lambda fh: fh.write(payload.encode("utf-8")), prefix=".settings-")


# What a training run keeps of its own (everything but the environment, the API users and set-up state).
TRAINING_FIELDS = ("lane", "store_timezone", "language", "money_format", "idle_lock_minutes", "demo_customers",
                   "merchant", "window_geometry", "save_folder")


def as_training(settings: Settings) -> Settings:
    """A copy for training: environment Training, no API user, set-up done; other fields kept."""
    copy = Settings.from_json(settings.to_json())
    copy.environment = Environment.TRAINING.value
    copy.api_users = {}
    copy.store_server = {}
    copy.setup_done = True
    return copy


def load_training_settings(path: Path, seed: Settings | None = None) -> Settings:
    """Training's settings from ``path``; when the file does not exist yet, from ``seed``'s training fields
    (or the defaults). Always environment Training, no API users."""
    if path.exists():
        return as_training(load_settings(path))
    base = Settings()
    if seed is not None:
        for name in TRAINING_FIELDS:
            setattr(base, name, copy.deepcopy(getattr(seed, name)))
    return as_training(base)


def load_run_settings(paths, force_training: bool) -> Settings:
    """The settings this run uses (see the module docstring). ``paths`` is a ``pos_app.config.Paths``."""
    if force_training:
        return load_training_settings(paths.training_settings_file)
    counter = load_settings(paths.settings_file)
    if counter.setup_done and counter.env is Environment.TRAINING:
        return load_training_settings(paths.training_settings_file, seed=counter)
    return counter


def remember_save_folder(path: Path, folder: str, current: Settings) -> None:
    """Record ``folder`` as ``save_folder`` in the settings file at ``path``, changing nothing else in it (the
    file's other values win over ``current``, which may be older); a missing file is written from
    ``current``. Raises ``StorageError`` like ``save_settings``."""
    settings = load_settings(path) if path.exists() else Settings.from_json(current.to_json())
    settings.save_folder = folder
    save_settings(settings, path)


def merge_into_counter(settings: Settings, path: Path) -> Settings:
    """Write a Sandbox/Live set-up into the counter's file at ``path``, keeping what the file holds that this
    set-up does not name (other environments' API users, unknown keys). Returns what was written."""
    if settings.env is Environment.TRAINING:
        raise ValueError("training settings never go into the counter's settings file")
    counter = load_settings(path)
    for name in (*TRAINING_FIELDS, "environment", "setup_done", "store_server"):
        setattr(counter, name, copy.deepcopy(getattr(settings, name)))
    counter.api_users = {**counter.api_users, **settings.api_users}
    save_settings(counter, path)
    return counter
