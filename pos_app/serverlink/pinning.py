"""TLS to the store server with its certificate pinned: the lane trusts exactly the certificate whose SHA-256
fingerprint it recorded at enrollment, nothing else (no certificate authority, no host name check: store
networks reach their server by an IP address as often as by a name).

``pinned_context(fingerprint)`` is an ``ssl.SSLContext`` whose sockets compare the peer certificate's
fingerprint right after the handshake, before any byte of a request is sent; a different certificate raises
:class:`PinMismatch` (an ``ssl.SSLCertVerificationError``; httpx reports it as a connect error with this as its
cause: nothing was sent). ``first_contact_context()`` accepts any certificate: for enrollment only, where the
certificate is then proven by the code (``enrollment``) before anything secret is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import ssl


def fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate, lower-case hex (64 characters)."""
    return hashlib.sha256(der).hexdigest()


def pretty(fp: str) -> str:
    """``AB:CD:…`` for people comparing fingerprints."""
    return ":".join(fp[i:i + 2] for i in range(0, len(fp), 2)).upper()


class PinMismatch(ssl.SSLCertVerificationError):
    """The server's certificate is not the one pinned at enrollment (another server, or a machine in between)."""


class _PinnedSocket(ssl.SSLSocket):
    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        pin = getattr(self.context, "pin", None)
        if pin is None:
            return
        der = self.getpeercert(binary_form=True)
        if der is None or not hmac.compare_digest(fingerprint(der), pin):
            self.close()
            raise PinMismatch("the store server's certificate is not the one this counter enrolled with")


class PinnedContext(ssl.SSLContext):
    sslsocket_class = _PinnedSocket
    pin: str | None = None


def _context(pin: str | None) -> PinnedContext:
    ctx = PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the pin below is the whole check
    ctx.pin = pin
    return ctx


def pinned_context(fp: str) -> PinnedContext:
    fp = fp.strip().lower().replace(":", "")
    if len(fp) != 64 or any(c not in "0123456789abcdef" for c in fp):
        raise ValueError("a certificate fingerprint is 64 hex digits (SHA-256)")
    return _context(fp)


def first_contact_context() -> PinnedContext:
    return _context(None)
