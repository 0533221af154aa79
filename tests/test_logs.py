import logging

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
