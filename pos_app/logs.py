"""Logging set-up: module loggers, a rotating file in the log dir, and a redaction filter.

The first line of defence is never passing secrets to a log call. The filter is the second: it masks
anything shaped like a JWT, a PSSERVER/basic Authorization value, a GUID payment token, a long digit run
(card or bank number) and any secret registered at run time (the API key).

The same filter keeps log lines honest (docs/decisions/0143): a customer or clerk name, a PaySimple message or
an exception text may carry CR/LF (a forged second log record), ESC sequences (rewriting a terminal) or bidi
overrides. In the message every such character is written as a visible escape (``\r``, ``\n``, ``\x1b``,
``\u202e``: ``text_safety.log_escape``), so one record is one line. A traceback keeps its line breaks, but
each of its lines after the first is indented, so no line of it can pass for a record of its own (records
start with the time at column 0).
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from pathlib import Path

from pos_app.private_files import private_dir, private_file
from pos_app.text_safety import log_escape

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_AUTH = re.compile(
    r"(?i)\b(PSSERVER)\s+[^\n\"']*?signature\s*=\s*[A-Za-z0-9+/=]+|\b(basic|bearer|reseller)\s+[^\s\"',]*[:|.][^\s\"',]*"
)
_SIGNATURE = re.compile(r"(?i)(signature\s*=\s*)[A-Za-z0-9+/=]+")
_GUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_PAN = re.compile(r"(?<!\d)(\d[ -]?){12,18}(\d{4})(?!\d)")

_secrets_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Mask this exact value wherever it shows up in a log record (e.g. the API key)."""
    if value and len(value) >= 4:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "[secret]")
    text = _JWT.sub("[jwt]", text)
    text = _SIGNATURE.sub(r"\1[sig]", text)
    text = _AUTH.sub(lambda m: f"{m.group(1) or m.group(2)} [redacted]", text)
    text = _GUID.sub("[token]", text)
    text = _PAN.sub(lambda m: "*" * 4 + m.group(2), text)
    return text


def indent_continuations(text: str) -> str:
    """A multi-line text (traceback) with its unsafe characters escaped except the line breaks, and every
    line after the first indented: none of its lines can pass for a log record of its own."""
    lines = log_escape(text, keep_newlines=True).split("\n")
    return "\n".join([lines[0]] + ["    " + line if line else line for line in lines[1:]])


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = log_escape(redact(message))
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if getattr(record, "_pos_cleaned", False):  # several handlers share the record: clean it once
            return True
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now so the redacted text is what every handler sees.
            record.exc_text = indent_continuations(redact(logging.Formatter().formatException(record.exc_info)))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = indent_continuations(redact(record.exc_text))
        if record.stack_info:
            record.stack_info = indent_continuations(redact(record.stack_info))
        record._pos_cleaned = True
        return True


_configured = False


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the first and each one after a rollover) is created 0600."""

    def _open(self):
        private_file(self.baseFilename)
        return super()._open()


def setup_logging(log_dir: Path | None, level: int = logging.INFO, console: bool = True) -> None:
    """Configure the root logger once: rotating file (5 x 2 MB) + optional console, both redacted."""
    global _configured
    if _configured:
        return
    root = logging.getLogger()
    root.setLevel(level)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = []
    if log_dir is not None:
        private_dir(log_dir)
        handlers.append(
            PrivateRotatingFileHandler(
                log_dir / "pos-app.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
            )
        )
    if console:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(fmt)
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    # httpx logs full URLs at INFO; keep it quiet (URLs carry no secrets, but we do not need the noise).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    _configured = True
