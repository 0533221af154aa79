"""Helpers for UI tests: a counting loopback server and JavaScript runners for pages and frames."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class CountingServer:
    """A loopback HTTP server that answers everything with a tiny page and counts the requests it saw."""

    def __init__(self, routes: dict[str, tuple[str, bytes]] | None = None) -> None:
        self.requests: list[str] = []
        self.routes = routes or {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.requests.append(self.path)
                ctype, body = outer.routes.get(self.path.split("?")[0], ("text/html", b"<p>hello</p>"))
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def run_js(qtbot, target, code: str, timeout: int = 5000):
    """Run ``code`` in a QWebEnginePage or QWebEngineFrame (main world) and return its result."""
    box: dict = {}

    def done(result):
        box["result"] = result

    if hasattr(target, "mainFrame"):
        target.runJavaScript(code, 0, done)
    else:
        target.runJavaScript(code, 0, done)
    qtbot.waitUntil(lambda: "result" in box, timeout=timeout)
    return box["result"]


def try_js(qtbot, target, code: str, timeout: int = 1000):
    """Like run_js but returns None when no answer comes (a frame that was just replaced never answers)."""
    try:
        return run_js(qtbot, target, code, timeout)
    except Exception:  # noqa: BLE001 - pytest-qt's TimeoutError
        return None


def wait_child_frame(qtbot, page, ready_js: str, timeout: int = 10000):
    """The first child frame once ``ready_js`` is truthy in it. The frame object is looked up afresh on every
    try: a cross-origin navigation replaces the frame, and the old handle stops answering."""
    found = {}

    def check():
        children = page.mainFrame().children()
        if not children:
            return False
        frame = children[0]
        if try_js(qtbot, frame, ready_js, 700):
            found["frame"] = frame
            return True
        return False

    qtbot.waitUntil(check, timeout=timeout)
    return found["frame"]
