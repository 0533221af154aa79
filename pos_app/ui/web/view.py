"""The payment web view: a dedicated off-the-record profile, a guarded page, the bridge, and clean teardown.

One :class:`PaymentWebView` lives for the whole app run and is re-used form after form; after every form the
page is reloaded (hidden) so each form starts from a fresh document. It is created and loaded hidden right
after the main window shows ("pre-warm"), so pressing Charge only has to configure an already loaded page.

qwebchannel.js is injected as a QWebEngineScript (DocumentCreation, MainWorld, top frame only): the app page
cannot load qrc: URLs, and PaySimple's iframe must never see the channel.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QFile, QIODevice, QLocale, Qt, QUrl, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from pos_app.ui.web.bridge import PaymentBridge
from pos_app.ui.web.guard import GuardedPage, OriginInterceptor, normalise_origin
from pos_app.ui.web.scheme import APP_ORIGIN, SCHEME, AppSchemeHandler

log = logging.getLogger(__name__)

PAGE_URL = APP_ORIGIN + "/payment.html"

_OFF = (
    QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows,
    QWebEngineSettings.WebAttribute.JavascriptCanAccessClipboard,
    QWebEngineSettings.WebAttribute.JavascriptCanPaste,
    QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
    QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls,
    QWebEngineSettings.WebAttribute.LocalStorageEnabled,
    QWebEngineSettings.WebAttribute.PluginsEnabled,
    QWebEngineSettings.WebAttribute.PdfViewerEnabled,
    QWebEngineSettings.WebAttribute.ScreenCaptureEnabled,
    QWebEngineSettings.WebAttribute.NavigateOnDropEnabled,
    QWebEngineSettings.WebAttribute.HyperlinkAuditingEnabled,
    QWebEngineSettings.WebAttribute.DnsPrefetchEnabled,
    QWebEngineSettings.WebAttribute.AllowRunningInsecureContent,
    QWebEngineSettings.WebAttribute.AllowWindowActivationFromJavaScript,
    QWebEngineSettings.WebAttribute.WebGLEnabled,
    QWebEngineSettings.WebAttribute.AutoLoadIconsForPage,
    QWebEngineSettings.WebAttribute.ErrorPageEnabled,
)


def _qwebchannel_source() -> str:
    f = QFile(":/qtwebchannel/qwebchannel.js")
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("qwebchannel.js is missing from the Qt resources")
    try:
        return bytes(f.readAll()).decode("utf-8")
    finally:
        f.close()


def web_surface_from_the_start(window: QWidget) -> QWidget:
    """Give ``window`` (a top-level not yet shown) the native surface a web view draws into, from its first show.

    Qt re-creates a shown top-level's native window (new X window, ``QEvent.WinIdChange``) when the first child
    that renders through RHI joins it, as the web view's Chromium widget does. The counter's payment view is
    pre-warmed after the window and its sign-in dialog are on screen, so that re-creation happened while a clerk
    could be typing the PIN, and took the dialogs' parent away (decision 0010). A hidden ``QRhiWidget`` child
    made before the first show has Qt create the native window with that surface at once (its graphics API is
    the platform default, as Qt Quick's), so the view joining later changes nothing (decision 0491). It is never
    shown and never renders; the re-attach on ``WinIdChange`` stays as the safety net. Returns the child."""
    from PySide6.QtWidgets import QRhiWidget

    anchor = QRhiWidget(window)
    anchor.setObjectName("webSurfaceAnchor")
    anchor.setVisible(False)
    return anchor


class PaymentWebView(QWebEngineView):
    """The view + its own profile/page/channel. ``loaded(ok)`` fires after each page load."""

    loaded = Signal(bool)
    bridgeLost = Signal()  # noqa: N815 - the page destroyed the bridge (QWebChannel lets it call deleteLater)
    pageBroken = Signal()  # noqa: N815 - the page's renderer process died

    def __init__(self, paysimple_origin: str, debug: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.paysimple_origin = normalise_origin(paysimple_origin)
        self.debug = debug
        # No storage name = off the record: no cookies, cache or storage on disk.
        self._profile = QWebEngineProfile(self)
        self._profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self._profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        self._profile.setSpellCheckEnabled(False)
        self.set_language()
        self._scheme_handler = AppSchemeHandler(self.paysimple_origin, parent=self._profile)
        self._profile.installUrlSchemeHandler(SCHEME, self._scheme_handler)
        self.interceptor = OriginInterceptor({APP_ORIGIN, self.paysimple_origin}, parent=self._profile)
        self._profile.setUrlRequestInterceptor(self.interceptor)

        script = QWebEngineScript()
        script.setName("qwebchannel")
        script.setSourceCode(_qwebchannel_source())
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        script.setRunsOnSubFrames(False)
        self._profile.scripts().insert(script)

        page = GuardedPage(self._profile, APP_ORIGIN, {self.paysimple_origin}, self)
        for attribute in _OFF:
            page.settings().setAttribute(attribute, False)
        page.permissionRequested.connect(lambda permission: permission.deny())
        self.bridge = PaymentBridge(self)
        self.bridge_alive = True
        self.bridge.destroyed.connect(self._bridge_destroyed)
        self._channel = QWebChannel(page)
        self._channel.registerObject("bridge", self.bridge)
        page.setWebChannel(self._channel)
        page.loadFinished.connect(self.loaded)
        page.renderProcessTerminated.connect(self._render_process_gone)
        self.setPage(page)
        if not debug:
            self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setAcceptDrops(False)

    def set_language(self, language: str | None = None) -> None:
        """The language the page's requests ask for (Accept-Language, and so ``navigator.language``): the UI
        language (``QLocale()``, which ``install_translator`` sets) unless given. PaySimpleJS documents no language
        option; its hosted form can only follow the browser's (the training stand-in does). Takes effect for
        the next page or frame load."""
        self._profile.setHttpAcceptLanguage(language or QLocale().bcp47Name())

    @property
    def guarded_page(self) -> GuardedPage:
        return self.page()  # type: ignore[return-value]

    def load_payment_page(self) -> None:
        self.setUrl(QUrl(PAGE_URL))

    def _bridge_destroyed(self, *_args) -> None:
        # QWebChannel publishes QObject.deleteLater, and a page can call it. That only breaks this page:
        # the owner drops the form and builds a fresh view for the next one.
        if self.bridge_alive:
            self.bridge_alive = False
            log.warning("payment page deleted its bridge; the form is closed")
            self.bridgeLost.emit()

    def _render_process_gone(self, status, code) -> None:
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return
        log.error("payment page renderer ended (%s, exit code %s)", getattr(status, "name", status), code)
        self.pageBroken.emit()

    def teardown(self) -> None:
        """Release the page before the profile (else Qt warns and later views get flaky)."""
        page = self.page()
        if self.bridge_alive:
            self.bridge.listener = None
            self.bridge.destroyed.disconnect(self._bridge_destroyed)
            self.bridge_alive = False
        if page is not None:
            page.setWebChannel(None)
        self.stop()
        self.close()
        if page is not None:
            page.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.deleteLater()  # takes the profile (a child) with it, after the page is gone
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
