"""Keep the payment page on two origins: the app (``app://pos``) and the environment's PaySimple origin.

``acceptNavigationRequest`` alone does not stop ``fetch`` or ``<img>`` reaching other servers (it sees
navigations only), so both layers are used:
- :class:`OriginInterceptor` on the (dedicated, off-the-record) profile blocks every other subresource;
- :class:`GuardedPage` refuses navigations: the top frame may only show app pages, frames only PaySimple;
  ``createWindow`` returns None, so ``window.open`` and ``target=_blank`` do nothing.
Blocked requests are logged by origin only (never the full URL: a query string could carry data).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

log = logging.getLogger(__name__)


def origin_of(url: QUrl) -> str:
    """scheme://host[:port] (ports always explicit for http/https defaults omitted, as browsers do)."""
    scheme = url.scheme().lower()
    host = url.host().lower()
    port = url.port()
    default = {"http": 80, "https": 443}.get(scheme)
    if port in (-1, default):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def normalise_origin(origin: str) -> str:
    return origin_of(QUrl(origin))


class OriginInterceptor(QWebEngineUrlRequestInterceptor):
    """Blocks every request (any resource type, any frame) whose origin is not allowed."""

    def __init__(self, allowed_origins: set[str], parent=None) -> None:
        super().__init__(parent)
        self._allowed = frozenset(normalise_origin(o) for o in allowed_origins)
        self.blocked_count = 0
        self.record: list[str] | None = None  # tests: every requested URL (never logged)
        # Origins only (no path or query): what the Sandbox conformance report lists.
        self.seen_origins: list[str] = []
        self.blocked_origins: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt override)
        if self.record is not None:
            self.record.append(info.requestUrl().toString())
        origin = origin_of(info.requestUrl())
        if origin not in self.seen_origins:
            self.seen_origins.append(origin)
        if origin in self._allowed:
            return
        self.blocked_count += 1
        if origin not in self.blocked_origins:
            self.blocked_origins.append(origin)
        log.warning("payment view: blocked a request to %s", origin)
        info.block(True)


class GuardedPage(QWebEnginePage):
    """Top frame: app origin only. Sub-frames: PaySimple origin (or about:blank, the empty frame)."""

    def __init__(self, profile, app_origin: str, frame_origins: set[str], parent=None) -> None:
        super().__init__(profile, parent)
        self._app_origin = normalise_origin(app_origin)
        self._frame_origins = frozenset(normalise_origin(o) for o in frame_origins)
        self.refused_navigations = 0
        self.policy_refusals = 0  # console reports of a Content-Security-Policy refusal or error
        self.console_record: list[tuple[str, str]] | None = None  # tests: (level, message), never logged

    def acceptNavigationRequest(self, url: QUrl, nav_type, is_main_frame: bool) -> bool:  # noqa: N802
        origin = origin_of(url)
        if is_main_frame:
            ok = origin == self._app_origin
        else:
            ok = origin in self._frame_origins or url.toString() == "about:blank"
        if not ok:
            self.refused_navigations += 1
            log.warning("payment view: refused a %s navigation to %s",
                        "top-frame" if is_main_frame else "frame", origin)
        return ok

    def createWindow(self, window_type):  # noqa: N802 (Qt override)
        log.warning("payment view: refused to open a new window")
        return None

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802
        # Console text can echo SDK traffic; log only that something was said, and where.
        level_name = level.name if hasattr(level, "name") else str(level)
        if self.console_record is not None:
            self.console_record.append((level_name, message))
        if is_policy_message(message):
            self.policy_refusals += 1
            log.warning("payment page: the content security policy refused something (console, line %s)", line)
        else:
            log.debug("payment page console (%s) at line %s", level_name, line)


def is_policy_message(message: str) -> bool:
    """True for Chromium's console reports about a Content-Security-Policy (a refusal or a malformed policy)."""
    text = message.lower()
    return "content security policy" in text or "content-security-policy" in text
