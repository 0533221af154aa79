"""The API key lives only in the OS keyring, behind this small interface.

Headless Linux machines often have no keyring at all (keyring's ``fail`` backend). Then we say so plainly
and let the caller keep the key in memory for this session only; we never fall back to a plaintext file and
never depend on ``keyrings.alt``.
"""

from __future__ import annotations

import logging
import threading

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


def _account(environment: str, api_user: str) -> str:
    return f"{environment}:{api_user}"


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


class CredentialStore:
    """Save/load/delete the API key for one (environment, API user). Session-only keys stay in memory."""

    def __init__(self) -> None:
        self._session = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never show keys, even session ones
        return f"CredentialStore(backend={backend_name()!r}, session_keys={len(self._session)})"

    def save(self, environment: str, api_user: str, api_key: str) -> None:
        """Store in the keyring; raises KeyringUnavailable (with a plain explanation) if there is none."""
        register_secret(api_key)
        try:
            keyring.set_password(SERVICE, _account(environment, api_user), api_key)
        except keyring.errors.NoKeyringError as exc:
            raise KeyringUnavailable() from exc
        except keyring.errors.KeyringError as exc:
            log.warning("keyring refused to store the API key: %s", type(exc).__name__)
            raise KeyringUnavailable() from exc
        log.info("API key stored in keyring for %s", _account(environment, api_user))

    def keep_for_session(self, environment: str, api_user: str, api_key: str) -> None:
        register_secret(api_key)
        with self._lock:
            self._session[_account(environment, api_user)] = api_key

    def load(self, environment: str, api_user: str) -> str | None:
        account = _account(environment, api_user)
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
        account = _account(environment, api_user)
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
