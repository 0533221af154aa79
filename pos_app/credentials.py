"""The API key lives only in the OS keyring, behind this small interface.

Headless Linux machines often have no keyring at all (keyring's ``fail`` backend). Then we say so plainly
and let the caller keep the key in memory for this session only; we never fall back to a plaintext file and
never depend on ``keyrings.alt``.

Keyring entries are bound to the data folder (decision 0204): the account name is
``<installation id>:<environment>:<API user>``, where the installation id is a random 128-bit value kept in
``installation.id`` next to the clerk file (created 0600 on first use). A new ``--home`` / ``POS_APP_HOME``
folder gets a new id, so a hand-written settings file there naming the store's API user finds no key.
Entries from before the binding (``<environment>:<API user>``) are never read; the key is typed once more
and the old entry is removed when the new one is saved. The key is never handed to a form: callers ask
``has`` to show "a key is saved" and ``load`` only to make requests.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import threading
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
from keyring.compat import properties

from pos_app.logs import register_secret

log = logging.getLogger(__name__)

SERVICE = "pos-app PaySimple"

NO_KEYRING_HELP = (
    "This computer has no password store (keyring) that the app can use, so the API key cannot be saved. "
    "On a Linux desktop install and unlock GNOME Keyring or KWallet (package 'gnome-keyring'), then restart "
    "the app. You can also keep the key in memory for this session only: you will be asked again next start."
)


class KeyringUnavailable(RuntimeError):
    """No usable keyring backend; the message is safe and explains the fix."""

    def __init__(self) -> None:
        super().__init__(NO_KEYRING_HELP)


INSTALLATION_FILE = "installation.id"
_INSTALLATION_RE = re.compile(r"[0-9a-f]{32}")


def _legacy_account(environment: str, api_user: str) -> str:
    return f"{environment}:{api_user}"


def installation_id(data_dir: Path | str) -> str:
    """This data folder's installation id: read from ``installation.id``, or made (random, 0600) when the file
    is missing or unreadable. Keys saved under another id (another folder) are invisible here."""
    path = Path(data_dir) / INSTALLATION_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
        if _INSTALLATION_RE.fullmatch(text):
            return text
        log.warning("installation id file is damaged; a new id is made (saved API keys must be typed again)")
        path.unlink()
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError):
        log.warning("installation id file is unreadable; a new id is made (saved API keys must be typed again)")
        path.unlink(missing_ok=True)
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    new = secrets.token_hex(16)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return installation_id(data_dir)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(new + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return new


def backend_name() -> str:
    kr = keyring.get_keyring()
    return f"{type(kr).__module__}.{type(kr).__name__}"


def keyring_available() -> bool:
    kr = keyring.get_keyring()
    # The fail backend (and the chainer with nothing behind it) has priority 0 or less.
    try:
        return float(kr.priority) > 0  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - exotic backends without a numeric priority count as usable
        return True


CLERK_FILE_SERVICE = "pos-app clerk file"


def clerk_file_key(path: Path | str) -> tuple[bytes | None, bool]:
    """The HMAC key that protects a Sandbox/Live clerk file (``pos_app.clerks``), from the keyring:
    ``(key, made_now)``. The account is a hash of the file's absolute path, so no file (an installation id,
    the clerk file itself) can point the app at another key. ``(None, False)`` when there is no keyring:
    the clerk file then runs without integrity tags (logged; decision 0208)."""
    import base64
    import hashlib

    account = "clerk-file:" + hashlib.sha256(str(Path(path).resolve()).encode("utf-8")).hexdigest()
    try:
        stored = keyring.get_password(CLERK_FILE_SERVICE, account)
        if stored:
            return base64.b64decode(stored), False
        key = secrets.token_bytes(32)
        keyring.set_password(CLERK_FILE_SERVICE, account, base64.b64encode(key).decode("ascii"))
        log.info("made the clerk file's integrity key")
        return key, True
    except (keyring.errors.KeyringError, ValueError) as exc:
        log.warning("no keyring for the clerk file's integrity key (%s): clerk rows are not tagged",
                    type(exc).__name__)
        return None, False


class CredentialStore:
    """Save/load/delete the API key for one (environment, API user) of one installation (data folder).
    Session-only keys stay in memory."""

    def __init__(self, installation: str) -> None:
        if not _INSTALLATION_RE.fullmatch(installation or ""):
            raise ValueError("a credential store needs this data folder's installation id")
        self.installation = installation
        self._session = {}
        self._lock = threading.Lock()

    @classmethod
    def for_data_dir(cls, data_dir: Path | str) -> CredentialStore:
        return cls(installation_id(data_dir))

    def __repr__(self) -> str:  # never show keys, even session ones
        return f"CredentialStore(backend={backend_name()!r}, session_keys={len(self._session)})"

    def _account(self, environment: str, api_user: str) -> str:
        return f"{self.installation}:{environment}:{api_user}"

    def has(self, environment: str, api_user: str) -> bool:
        """Whether a key is saved for this installation, environment and API user (the key is not returned)."""
        return bool(api_user) and self.load(environment, api_user) is not None

    def save(self, environment: str, api_user: str, api_key: str) -> None:
        """Store in the keyring; raises KeyringUnavailable (with a plain explanation) if there is none."""
        register_secret(api_key)
        try:
            keyring.set_password(SERVICE, self._account(environment, api_user), api_key)
        except keyring.errors.NoKeyringError as exc:
            raise KeyringUnavailable() from exc
        except keyring.errors.KeyringError as exc:
            log.warning("keyring refused to store the API key: %s", type(exc).__name__)
            raise KeyringUnavailable() from exc
        try:  # an entry from before the binding would be readable from any data folder: remove it
            keyring.delete_password(SERVICE, _legacy_account(environment, api_user))
        except keyring.errors.KeyringError:
            pass
        log.info("API key stored in keyring for %s", _legacy_account(environment, api_user))

    def keep_for_session(self, environment: str, api_user: str, api_key: str) -> None:
        register_secret(api_key)
        with self._lock:
            self._session[self._account(environment, api_user)] = api_key

    def load(self, environment: str, api_user: str) -> str | None:
        """The key, for making requests only (never put it into a form or a log)."""
        account = self._account(environment, api_user)
        with self._lock:
            if account in self._session:
                return self._session[account]
        try:
            key = keyring.get_password(SERVICE, account)
        except keyring.errors.KeyringError:
            return None
        register_secret(key)
        return key

    def delete(self, environment: str, api_user: str) -> None:
        account = self._account(environment, api_user)
        with self._lock:
            self._session.pop(account, None)
        try:
            keyring.delete_password(SERVICE, account)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError:
            pass


class MemoryKeyring(keyring.backend.KeyringBackend):
    """In-memory backend for tests and the self-test (never used by the app on its own)."""

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805
        # Never auto-selected: keyring picks any imported KeyringBackend subclass with a priority above the
        # fail backend's 0, so a plain priority here made a headless app "save" the API key in memory.
        # Tests and the self-test install it explicitly with keyring.set_keyring().
        raise RuntimeError("the in-memory keyring is only used when installed with keyring.set_keyring()")

    def __init__(self) -> None:
        super().__init__()
        self._data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self._data:
            raise keyring.errors.PasswordDeleteError("not found")
        del self._data[(service, username)]
