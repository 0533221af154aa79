"""Enrollment codes and the proof that binds the server's TLS certificate to the code (both ends use this).

A code is 16 Crockford base32 characters shown as ``XXXX-XXXX-XXXX-XXXX``: the first 4 are its public id (the
server finds the code by it), the other 12 its secret (60 bits). Case, spaces, dashes and the look-alikes
``O``/``I``/``L`` typed for ``0``/``1`` are forgiven when a person types it.

Pinning at enrollment without trusting the first connection: before the lane reveals anything of the secret
it sends the code's id and a random nonce; the server answers ``proof = HMAC-SHA256(key, "pos-app enroll v1" |
certificate fingerprint | nonce)`` with ``key = SHA-256(secret)`` (the server stores that key, not the secret).
The lane computes the same over the fingerprint of the certificate its own TLS connection saw: equal only when
that certificate is the server's (a machine in the middle has another certificate and does not know the
secret). Only then does the lane send the secret and pin the fingerprint. A wrong proof means "not the
server that made this code": the lane stops and sends nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from pos_app.serverlink.sentences import BAD_CODE

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_RE = re.compile(f"^[{CROCKFORD}]{{16}}$")
LANE_NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,20}$")


class CodeFormatError(ValueError):
    """The typed code is not 16 letters/digits (``str()`` says what to type)."""


def new_code() -> str:
    """A fresh code, canonical (16 characters, no dashes)."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(16))


def pretty(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, 16, 4))


def canonical(typed: str) -> str:
    """The code as typed (any case, spaces, dashes, O/I/L for 0/1) in canonical form; ``CodeFormatError`` when
    it cannot be a code."""
    text = re.sub(r"[\s-]", "", str(typed or "")).upper().translate(_TYPED)
    if not CODE_RE.fullmatch(text):
        raise CodeFormatError(BAD_CODE)
    return text


def split(code: str) -> tuple[str, str]:
    """(public id, secret) of a canonical code."""
    return code[:4], code[4:]


def code_key(secret: str) -> str:
    """What the server stores for a code's secret, and the proof's key (hex SHA-256)."""
    return hashlib.sha256(f"pos-app enrollment code\x1f{secret}".encode()).hexdigest()


def proof(key_hex: str, fingerprint_hex: str, nonce_hex: str) -> str:
    message = b"pos-app enroll v1\x1e" + bytes.fromhex(fingerprint_hex) + b"\x1e" + bytes.fromhex(nonce_hex)
    return hmac.new(bytes.fromhex(key_hex), message, hashlib.sha256).hexdigest()


def proof_matches(expected: str, given: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(expected, given)
