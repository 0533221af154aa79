"""The ``app://pos/`` scheme that serves ``resources/web/`` to the payment view.

Why a custom scheme: the page needs a real, secure origin (``app://pos``) so that PaySimple's iframe can
answer with an exact ``targetOrigin`` (a ``file://`` page has the origin "null"), and loopback PaySimple
origins count as trustworthy from a secure origin (no mixed-content block). The scheme must be registered
before the QApplication exists: call :func:`register_schemes` first thing.

The handler is read-only: GET only, host ``pos`` only, and only files that existed in ``resources/web/``
when the handler was made (flat folder, a name allow-list) — a path can never leave the folder.
Pages are rendered with the environment's PaySimple origin (script URL + Content-Security-Policy); nothing
else is substituted and no request data ever reaches a response.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWebEngineCore import QWebEngineUrlRequestJob, QWebEngineUrlScheme, QWebEngineUrlSchemeHandler

from pos_app.config import resources_dir

log = logging.getLogger(__name__)

SCHEME = b"app"
HOST = "pos"
APP_ORIGIN = "app://pos"
SDK_PATH = "/paysimplejs/v1/scripts/client.js"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\.(html|js|css|svg|png|woff2)$")
_TYPES = {
    "html": b"text/html;charset=utf-8",
    "js": b"text/javascript;charset=utf-8",
    "css": b"text/css;charset=utf-8",
    "svg": b"image/svg+xml",
    "png": b"image/png",
    "woff2": b"font/woff2",
}

_registered = False


def register_schemes() -> None:
    """Register ``app:`` as a secure, CORS-enabled scheme. Must run before QApplication exists; idempotent."""
    global _registered
    if _registered or not QWebEngineUrlScheme.schemeByName(SCHEME).name().isEmpty():
        _registered = True
        return
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme | QWebEngineUrlScheme.Flag.CorsEnabled)
    QWebEngineUrlScheme.registerScheme(scheme)
    _registered = True


def web_dir() -> Path:
    return resources_dir() / "web"


def content_security_policy(paysimple_origin: str, meta: bool = False) -> str:
    """No inline script, no eval, no third parties: our own files + PaySimple's script and iframe only.

    ``meta=True`` gives the copy for the page's ``<meta>`` element, which leaves out ``frame-ancestors``
    (browsers ignore it there and say so on the console); the response header carries the full policy.
    """
    policy = (
        "default-src 'none'; "
        f"script-src 'self' {paysimple_origin}; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"frame-src {paysimple_origin}; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'; object-src 'none'"
    )
    return policy if meta else policy + "; frame-ancestors 'none'"


def response_headers(csp: bytes) -> dict[QByteArray, list[QByteArray]]:
    """The extra headers of every app:// response, each sent exactly once.

    ``setAdditionalResponseHeaders`` takes a Qt multi-map: PySide6 turns each dict value into a sequence
    of values, so a bare ``QByteArray`` value would become one header per byte. Each value is therefore a
    one-element list.
    """
    return {
        QByteArray(b"Content-Security-Policy"): [QByteArray(csp)],
        QByteArray(b"X-Content-Type-Options"): [QByteArray(b"nosniff")],
        QByteArray(b"Cache-Control"): [QByteArray(b"no-store")],
    }


class AppSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves the files of ``resources/web`` (read once, kept in memory) with a CSP header.

    Every response carries each header of :func:`response_headers` exactly once; HTML pages also carry the
    policy (without ``frame-ancestors``) in their ``<meta>`` element. ``GuardedPage.policy_refusals``
    counts any console report about the policy, so a malformed header shows up in tests.
    """

    def __init__(self, paysimple_origin: str, root: Path | None = None, parent=None) -> None:
        super().__init__(parent)
        self._origin = paysimple_origin
        self._meta_csp = content_security_policy(paysimple_origin, meta=True).encode()
        self._header_csp = content_security_policy(paysimple_origin).encode()
        self._files: dict[str, bytes] = {}
        root = root or web_dir()
        for path in sorted(root.iterdir()):
            if path.is_file() and not path.is_symlink() and _NAME_RE.match(path.name):
                self._files[path.name] = self._render(path.name, path.read_bytes())

    def _render(self, name: str, data: bytes) -> bytes:
        if not name.endswith(".html"):
            return data
        text = data.decode("utf-8")
        text = text.replace("{{PAYSIMPLE_SDK_URL}}", self._origin + SDK_PATH)
        text = text.replace("{{CSP}}", self._meta_csp.decode())
        return text.encode("utf-8")

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt override)
        url = job.requestUrl()
        name = url.path().lstrip("/") or "index.html"
        if job.requestMethod() != b"GET" or url.host() != HOST or url.port() != -1:
            log.warning("app:// refused a %s request", bytes(job.requestMethod()).decode(errors="replace"))
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        data = self._files.get(name)
        if data is None:
            log.warning("app:// has no file for the requested path")
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        ext = name.rsplit(".", 1)[1]
        job.setAdditionalResponseHeaders(response_headers(self._header_csp))
        buffer = QBuffer(job)  # owned by the job: freed with it
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(_TYPES.get(ext) or mimetypes.guess_type(name)[0].encode(), buffer)
