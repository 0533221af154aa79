import logging
import logging.handlers

from pos_app import logs
from pos_app.paysimple.auth import psserver_header


def test_redact_masks_secrets_tokens_and_card_numbers():
    logs.register_secret("sUperSecretKey123")
    header = psserver_header("APIUser1000", "sUperSecretKey123")
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXBhcnQ"
    text = (f"auth={header} key=sUperSecretKey123 jwt={jwt} "
            "token=e1f1bb19-9fe4-4c96-a35e-cd921298d8e6 card=4111 1111 1111 1111 acct=751111111")
    out = logs.redact(text)
    assert "sUperSecretKey123" not in out
    assert "signature=" not in out or "[sig]" in out
    assert jwt not in out and "[jwt]" in out
    assert "e1f1bb19" not in out
    assert "4111 1111 1111 1111" not in out and "1111" in out


def test_filter_rewrites_record_and_traceback(caplog):
    logs.register_secret("anotherSecretKey9")
    logger = logging.getLogger("pos_app.test")
    handler_filter = logs.RedactingFilter()
    record = logger.makeRecord("x", logging.ERROR, __file__, 1, "key %s", ("anotherSecretKey9",), None)
    handler_filter.filter(record)
    assert "anotherSecretKey9" not in record.getMessage()
    try:
        raise RuntimeError("boom anotherSecretKey9")
    except RuntimeError:
        import sys
        record = logger.makeRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    handler_filter.filter(record)
    assert "anotherSecretKey9" not in (record.exc_text or "")
    assert "boom" in record.exc_text


def test_a_name_with_line_breaks_cannot_forge_a_log_record(tmp_path):
    """One record is one line: CR/LF, ESC and bidi characters in a message are escaped, and a traceback's lines
    are indented so none of them starts at column 0 like a record (which starts with the time)."""
    import re

    handler = logging.FileHandler(tmp_path / "pos-app.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(logs.RedactingFilter())
    second = logging.handlers.MemoryHandler(100)  # a second handler with its own filter (console + file)
    second.addFilter(logs.RedactingFilter())
    logger = logging.getLogger("pos_app.test.forge")
    logger.addHandler(second)
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    forged = "Ada\r\n2026-12-05 10:00:00,000 INFO pos_app.payments: approved $5000\x1b[2K\u202eevil"
    try:
        logger.info("customer %s picked", forged)
        try:
            raise ValueError(f"bad name {forged}")
        except ValueError:
            logger.exception("import failed")
    finally:
        logger.removeHandler(handler)
        logger.removeHandler(second)
        handler.close()
    text = (tmp_path / "pos-app.log").read_text(encoding="utf-8")
    lines = text.splitlines()
    records = [line for line in lines if re.match(r"\d{4}-\d\d-\d\d ", line)]
    assert len(records) == 2, text  # the forged "2026-12-05 ... INFO" never starts a line
    assert "Ada\\r\\n2026-12-05 10:00:00,000 INFO pos_app.payments: approved $5000\\x1b[2K\\u202eevil" in records[0]
    assert not any(ch in text for ch in "\r\x1b\u202e")
    assert "Traceback (most recent call last):" in lines
    assert "    ValueError: bad name Ada\\r" in lines, text  # the traceback keeps its lines, indented once
    assert "    2026-12-05 10:00:00,000 INFO pos_app.payments: approved $5000\\x1b[2K\\u202eevil" in lines
