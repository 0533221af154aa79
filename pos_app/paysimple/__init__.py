"""PaySimple API v4 client: typed models, typed errors, PSSERVER/basic auth, safe retries.

See ``client`` (protocol decisions, threading), ``models`` (field mapping decisions), ``errors``
(``may_have_taken_effect``), ``retry`` (which requests are repeated) and ``wire`` (money and time parsing).
``deadline`` puts an overall deadline on every request (connect + whole reply).
``rules`` holds PaySimple's validation rules (shared with the training gateway and the directory).
"""

from pos_app.paysimple.client import LIVE_URL, SANDBOX_URL, PaySimpleClient, Timeouts
from pos_app.paysimple.errors import (
    AuthenticationError,
    FieldMessage,
    InvalidInputError,
    NotFoundError,
    PaySimpleError,
    PermissionDeniedError,
    ReplyTooLarge,
    RequestTimeout,
    ResponseFormatError,
    ServerError,
    TransportError,
)
from pos_app.paysimple.models import (
    AchAccount,
    AchInput,
    Address,
    CreditCardAccount,
    CreditCardInput,
    Customer,
    CustomerAccounts,
    CustomerInput,
    FailureData,
    Page,
    Payment,
    PaymentRequest,
    PaymentStatus,
    TokenResponse,
)

__all__ = [
    "LIVE_URL",
    "SANDBOX_URL",
    "AchAccount",
    "AchInput",
    "Address",
    "AuthenticationError",
    "CreditCardAccount",
    "CreditCardInput",
    "Customer",
    "CustomerAccounts",
    "CustomerInput",
    "FailureData",
    "FieldMessage",
    "InvalidInputError",
    "NotFoundError",
    "Page",
    "PaySimpleClient",
    "PaySimpleError",
    "Payment",
    "PaymentRequest",
    "PaymentStatus",
    "PermissionDeniedError",
    "ReplyTooLarge",
    "RequestTimeout",
    "ResponseFormatError",
    "ServerError",
    "Timeouts",
    "TokenResponse",
    "TransportError",
]
