"""Checkout, customer and payment tokens of the training gateway.

Decisions (the reference marks JWT contents [?]):
- Checkout and customer tokens are HS256 JWTs signed with a random per-gateway secret (stdlib ``hmac``; no
  PyJWT). Claims: ``iss`` "pos-training-gateway", ``kind`` "checkout" | "customer", ``iat``, ``exp``
  (seconds since the epoch on the gateway clock), ``jti`` (random), and ``customer_id`` for customer tokens.
  Lifetimes per the docs: checkout 5 minutes, customer 15 minutes.
- ``verify(jwt, kind)`` raises ``TokenError("invalid")`` for anything malformed, forged, signed by another
  gateway or of the wrong kind, and ``TokenError("expired")`` once ``exp`` has passed on the gateway clock.
  A restarted gateway has a new secret, so its old JWTs are "invalid" (they would have expired anyway).
- Payment tokens are GUID strings kept in the store (so they survive a restart of a file-backed gateway),
  bound to (customer, account), single use, 15 minutes. ``consume_payment_token`` raises ``TokenError`` with
  reason "invalid" (unknown), "expired", "used" or "mismatch" (other account). Only a successful consume uses
  the token up: a wrong-account attempt leaves it valid for its rightful account.
- Token strings are secrets: never log them; ``TokenError`` messages never contain them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from pos_app.training.clock import GatewayClock
from pos_app.training.store import Store

CHECKOUT = "checkout"
CUSTOMER = "customer"
CHECKOUT_LIFETIME = timedelta(minutes=5)
CUSTOMER_LIFETIME = timedelta(minutes=15)
PAYMENT_TOKEN_LIFETIME = timedelta(minutes=15)
ISSUER = "pos-training-gateway"


class TokenError(Exception):
    """A token was refused; ``reason`` is "expired", "invalid", "used" or "mismatch"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Tokens:
    def __init__(self, store: Store, clock: GatewayClock, secret: bytes | None = None) -> None:
        self._store = store
        self._clock = clock
        self._secret = secret or secrets.token_bytes(32)

    # --- JWTs -------------------------------------------------------------------------------------------

    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        mac = hmac.new(self._secret, f"{header}.{payload}".encode("ascii"), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64(mac)}"

    def _issue(self, kind: str, lifetime: timedelta, **extra: Any) -> str:
        now = self._clock.now()
        claims = {"iss": ISSUER, "kind": kind, "iat": int(now.timestamp()),
                  "exp": int((now + lifetime).timestamp()), "jti": secrets.token_hex(8), **extra}
        return self._sign(claims)

    def issue_checkout_token(self) -> str:
        return self._issue(CHECKOUT, CHECKOUT_LIFETIME)

    def issue_customer_token(self, customer_id: int) -> str:
        return self._issue(CUSTOMER, CUSTOMER_LIFETIME, customer_id=int(customer_id))

    def expiration(self, jwt: str) -> int:
        """The ``exp`` claim (epoch seconds) of a token this gateway issued."""
        return int(self._claims(jwt)["exp"])

    def _claims(self, jwt: str) -> dict[str, Any]:
        try:
            header, payload, mac = jwt.split(".")
            expected = hmac.new(self._secret, f"{header}.{payload}".encode("ascii"), hashlib.sha256).digest()
            if not hmac.compare_digest(_unb64(mac), expected):
                raise TokenError("invalid")
            if json.loads(_unb64(header)) != {"alg": "HS256", "typ": "JWT"}:
                raise TokenError("invalid")
            claims = json.loads(_unb64(payload))
        except TokenError:
            raise
        except (ValueError, AttributeError, UnicodeError):
            raise TokenError("invalid") from None
        if not isinstance(claims, dict) or claims.get("iss") != ISSUER or not isinstance(claims.get("exp"), int):
            raise TokenError("invalid")
        return claims

    def verify(self, jwt: str, kind: str) -> dict[str, Any]:
        """Claims of a valid, unexpired token of ``kind`` ("checkout" or "customer"); else TokenError."""
        if not isinstance(jwt, str) or not jwt:
            raise TokenError("invalid")
        claims = self._claims(jwt.strip())
        if claims.get("kind") != kind:
            raise TokenError("invalid")
        if kind == CUSTOMER and not isinstance(claims.get("customer_id"), int):
            raise TokenError("invalid")
        if self._clock.now().timestamp() >= claims["exp"]:
            raise TokenError("expired")
        return claims

    # --- payment tokens ---------------------------------------------------------------------------------

    def issue_payment_token(self, customer_id: int, account_id: int) -> str:
        token = str(uuid.uuid4())
        self._store.insert_payment_token(token, int(customer_id), int(account_id),
                                         self._clock.now() + PAYMENT_TOKEN_LIFETIME)
        return token

    def check_payment_token(self, token: str, account_id: int) -> int:
        """Like consume_payment_token but does not use the token up."""
        row = self._store.payment_token_row(token) if isinstance(token, str) else None
        if row is None:
            raise TokenError("invalid")
        if row["used_at"] is not None:
            raise TokenError("used")
        if self._clock.now() >= datetime.fromisoformat(row["expires_at"]):
            raise TokenError("expired")
        if row["account_id"] != int(account_id):
            raise TokenError("mismatch")
        return int(row["customer_id"])

    def consume_payment_token(self, token: str, account_id: int) -> int:
        """Use up a payment token for ``account_id``; returns its customer id, else TokenError."""
        customer_id = self.check_payment_token(token, account_id)
        if not self._store.mark_payment_token_used(token, self._clock.now()):
            raise TokenError("used")
        return customer_id
