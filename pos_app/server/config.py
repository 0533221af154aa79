"""The store server's data folder and settings.

Layout of the data folder (0700; every file 0600 except the public certificate):
``server.json`` (settings below), ``paysimple.json`` (PaySimple's API URL, user and key: the only place the key
lives), ``tls/cert.pem`` + ``tls/key.pem``, ``clerks.db`` + ``clerks.key`` (clerks and their row-integrity key),
and for the SQLite database ``server.db``, ``journal.db``, ``directory.db``. With PostgreSQL (``database`` a DSN)
the server's records, the payment journal, the clerks and the customers (with their change feed) live in that
database, shared by every server instance on it; the data folder then holds only ``search-copy.db``, this
instance's search index copied from the customer feed (``server.customers``), besides the key and certificate
files every instance needs a copy of (decision 0435).

``paysimple.json`` is refused (``KeyFileUnsafe``) when anyone but its owner may read it: the key opens every
customer's data and every refund.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from pos_app.private_files import private_dir, write_private_text

DEFAULT_PORT = 8443


class ConfigError(Exception):
    """The data folder or a settings file is missing or wrong; ``str()`` says which and what to do."""


class KeyFileUnsafe(ConfigError):
    pass


@dataclass(frozen=True)
class ServerSettings:
    database: str = "sqlite"  # "sqlite" (files in the data folder) or a PostgreSQL DSN
    host: str = "0.0.0.0"
    port: int = DEFAULT_PORT
    names: list[str] = field(default_factory=list)  # in the certificate
    store_timezone: str = ""
    in_flight_window_s: float = 120.0  # the payments service's windows (payments.service)
    settle_after_s: float = 2.0
    poll_interval_s: float = 10.0
    lookup_tries: int = 4
    charge_wait_s: float = 10.0  # a charge request waits this long for the outcome, then says "still working"
    session_idle_s: float = 30 * 60.0
    session_max_s: float = 12 * 3600.0
    code_ttl_s: float = 30 * 60.0
    approval_ttl_s: float = 120.0
    sync_every_s: float = 15 * 60.0  # the store's PaySimple customer sync (0: only when the server starts)
    sync_check_s: float = 30.0  # PostgreSQL: how often an instance asks whether the store's sync is due

    @classmethod
    def from_json(cls, data: dict) -> ServerSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"server.json has unknown settings {', '.join(unknown)}: remove them "
                              "(or update the server).")
        return cls(**data)


@dataclass(frozen=True)
class PaySimpleAccess:
    base_url: str  # with /v4
    user: str
    key: str

    def __repr__(self) -> str:
        return f"PaySimpleAccess(base_url={self.base_url!r}, user={self.user!r}, key=<hidden>)"


@dataclass(frozen=True)
class ServerPaths:
    data_dir: Path

    @property
    def settings(self) -> Path:
        return self.data_dir / "server.json"

    @property
    def paysimple(self) -> Path:
        return self.data_dir / "paysimple.json"

    @property
    def cert(self) -> Path:
        return self.data_dir / "tls" / "cert.pem"

    @property
    def key(self) -> Path:
        return self.data_dir / "tls" / "key.pem"

    @property
    def clerks(self) -> Path:
        return self.data_dir / "clerks.db"

    @property
    def clerks_key(self) -> Path:
        return self.data_dir / "clerks.key"

    @property
    def journal(self) -> Path:
        return self.data_dir / "journal.db"

    @property
    def directory(self) -> Path:
        return self.data_dir / "directory.db"

    @property
    def search_copy(self) -> Path:
        return self.data_dir / "search-copy.db"

    def ensure(self) -> ServerPaths:
        private_dir(self.data_dir)
        private_dir(self.data_dir / "tls")
        return self


def save_settings(paths: ServerPaths, settings: ServerSettings) -> None:
    write_private_text(paths.settings, json.dumps(asdict(settings), indent=2) + "\n")


def load_settings(paths: ServerPaths) -> ServerSettings:
    if not paths.settings.exists():
        raise ConfigError(f"{paths.settings} does not exist: run pos-app-server init --data {paths.data_dir} first.")
    try:
        data = json.loads(paths.settings.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{paths.settings} cannot be read ({exc}).") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{paths.settings} must hold one JSON object.")
    return ServerSettings.from_json(data)


def save_access(paths: ServerPaths, access: PaySimpleAccess) -> None:
    write_private_text(paths.paysimple, json.dumps({"base_url": access.base_url, "user": access.user,
                                                    "key": access.key}) + "\n")


def load_access(paths: ServerPaths) -> PaySimpleAccess:
    path = paths.paysimple
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist: run pos-app-server init, or restore the file.") from None
    if os.name == "posix" and mode & 0o077:
        raise KeyFileUnsafe(f"{path} may be read by other users (mode {mode:o}): the PaySimple key must be "
                            f"readable by the server's user only. Run: chmod 600 {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return PaySimpleAccess(str(data["base_url"]), str(data["user"]), str(data["key"]))
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(f"{path} cannot be read: run pos-app-server init again, or restore the file.") from None
