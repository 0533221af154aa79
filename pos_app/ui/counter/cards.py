"""Card/account helpers that need no core imports (the window module stays cheap to import: start-up time)."""

from __future__ import annotations

from datetime import date


def is_card(account) -> bool:
    """A ``CreditCardAccount`` (duck-typed: the client's models are imported only after the window shows)."""
    return hasattr(account, "credit_card_number")


def card_expired(card, today: date | None = None) -> bool:
    """A card is good through the last day of its expiry month."""
    today = today or date.today()
    try:
        month, year = (int(p) for p in card.expiration_date.split("/"))
    except (ValueError, AttributeError):
        return False
    return (year, month) < (today.year, today.month)
