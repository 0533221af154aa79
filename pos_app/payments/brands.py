"""Card brands as their issuers write them, and the authorization code worth printing (no Qt).

PaySimple names a card's issuer "Visa", "Master", "Amex" or "Discover" (its wire names, kept as they come in
the journal and the client's models). People read the brand as the card networks write it: "Visa",
"Mastercard", "American Express", "Discover". ``brand_name`` is the one place that turns one into the other; a
bank account's "brand" (its bank name) and anything unknown pass through unchanged.

``authorization_code`` decides whether PaySimple's ``ProviderAuthCode`` is an authorization code a receipt may
print (docs/decisions/0350): PaySimple documents it as the processor's authorization *response text*, and its
own example (a bank debit) says "Approved"; a word like that is not a code and is left out.
"""

from __future__ import annotations

import re

BRANDS = {"visa": "Visa", "master": "Mastercard", "mastercard": "Mastercard", "amex": "American Express",
          "american express": "American Express", "discover": "Discover"}

# An authorization code: 1-12 letters/digits with at least one digit ("123456", "T4X9Z1").
_AUTH_CODE = re.compile(r"(?=.*[0-9])[A-Za-z0-9]{1,12}")


def brand_name(issuer: str | None, kind: str = "cc") -> str:
    """The brand as people read it ("Master" → "Mastercard"); a bank name (``kind="ach"``) is kept as is."""
    text = (issuer or "").strip()
    if kind != "cc":
        return text
    return BRANDS.get(text.lower(), text)


def masked(brand: str | None, last4: str, kind: str = "cc") -> str:
    """"Mastercard ****5454": the brand as people read it and the last 4 digits, never more."""
    return f"{brand_name(brand, kind)} ****{last4}".strip()


def authorization_code(provider_auth_code: str | None) -> str | None:
    """PaySimple's ProviderAuthCode when it is a code; None for a response word ("Approved") or anything else."""
    text = (provider_auth_code or "").strip()
    return text if _AUTH_CODE.fullmatch(text) else None
