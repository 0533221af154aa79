"""A keyring backend kept in a JSON file, for tests that need the keyring to persist across processes
(a stand-in for the OS keyring, which does that in real life). Never used by the app."""

from __future__ import annotations

import json
from pathlib import Path

import keyring.backend
import keyring.errors
from keyring.compat import properties


class FileKeyring(keyring.backend.KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805
        raise RuntimeError("only installed explicitly by tests")

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = Path(path)

    def _load(self) -> dict:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\n{username}"] = password
        self.path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\n{username}", None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
        self.path.write_text(json.dumps(data))
