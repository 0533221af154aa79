"""PaySimple's decline reasons in the clerk's language (no Qt).

A declined payment carries PaySimple's ``FailureData``: a stable 4-digit ``Code``, an English ``Description``
and ``MerchantActionText`` (reference §6.4, §8). The journal keeps them as PaySimple sent them. For screens and
receipts, :func:`decline_reason` gives the description as one of our sentences (a ``pos_app.i18n_keys.Message``)
when the code is one PaySimple documents, and PaySimple's own words otherwise; the action texts PaySimple (and
the training gateway) send are registered templates, so ``tr`` translates them when they are one of these, and
shows anything else as PaySimple wrote it.
"""

from __future__ import annotations

from pos_app.i18n_keys import N_, Message

#: Documented failure codes (reference §8, DOC-FAIL / DOC-TESTERR): card processors 40xx-42xx, ACH (Forte) 45xx.
#: The English is PaySimple's documented description, word for word.
DESCRIPTIONS: dict[str, Message] = {
    "4001": N_("Declines", "Refer to Issuer"),
    "4002": N_("Declines", "Refer to Issuer – Special Condition"),
    "4003": N_("Declines", "Invalid Merchant ID"),
    "4004": N_("Declines", "Pick up Card (no Fraud)"),
    "4005": N_("Declines", "Do Not Honor"),
    "4006": N_("Declines", "General Error"),
    "4007": N_("Declines", "Pick up card, special condition (fraud)"),
    "4014": N_("Declines", "Invalid card number"),
    "4041": N_("Declines", "Lost card (fraud)"),
    "4054": N_("Declines", "Invalid Expiration Date"),
    "4058": N_("Declines", "Transaction not permitted-Terminal"),
    "4220": N_("Declines", "CVV2 value invalid"),
    "4226": N_("Declines", "account configuration error"),
    "4501": N_("Declines", "Invalid ABA routing number"),
    "4502": N_("Declines", "Maximum amount exceeded"),
    "4503": N_("Declines", "Monthly limit exceeded"),
    "4504": N_("Declines", "Daily limit exceeded"),
    "4506": N_("Declines", "Duplicate transaction"),
    "4507": N_("Declines", "Known bad account"),
    "4510": N_("Declines", "Invalid merchant id or password"),
}
UNKNOWN_ERROR = N_("Declines", "Unknown error")

#: What PaySimple tells the merchant to do, as its sandbox and the training gateway word it.
ACTIONS: tuple[Message, ...] = (
    N_("Declines", "Try a different payment method"),
    N_("Declines", "Try a different payment method."),
    N_("Declines", "Try again later or use a different payment method."),
    N_("Declines", "Do not retry this card. Ask for a different payment method."),
    N_("Declines", "Check the card number or use a different card."),
    N_("Declines", "Check the expiration date and try again."),
    N_("Declines", "Try again tomorrow or use a different payment method."),
    N_("Declines", "Check whether this payment was already made."),
    N_("Declines", "Use a smaller amount or a different payment method."),
    N_("Declines", "Contact customer service."),
    N_("Declines", "Check the routing number."),
)


def decline_reason(code: str | None, description: str | None) -> str | None:
    """Why PaySimple declined: our sentence for a documented ``code`` (a Message), "Unknown error" for a
    failure without a code whose description says so, else PaySimple's ``description`` as it came (None when
    there is none)."""
    known = DESCRIPTIONS.get(str(code).strip()) if code is not None else None
    if known is not None:
        return known
    if description and code is None and description.strip().lower() == UNKNOWN_ERROR.lower():
        return UNKNOWN_ERROR
    return description or None


def declined_because(code: str | None, description: str | None, action: str | None) -> str | None:
    """The reason and the next step in one line ("Do Not Honor Try a different payment method."), each part a
    Message when we know it; None when PaySimple said neither."""
    parts = [p for p in (decline_reason(code, description), action) if p]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return Message("Declines", "%1 %2", tuple(parts))  # not registered: it would recognise any two words
