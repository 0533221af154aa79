"""Typed errors raised by :class:`pos_app.paysimple.PaySimpleClient`.

Every error carries the HTTP ``status`` (None when no reply arrived), PaySimple's ``error_code``
(``InvalidInput``, ``InvalidPermissions``, ``NotFound``, ``UnexpectedError``...), the field ``messages``,
the ``trace_code`` PaySimple support asks for, the request's ``method`` and ``path`` (ids only, never a
query with secrets, never headers or bodies), and ``may_have_taken_effect``.

``may_have_taken_effect`` is True only when a request that changes something (POST/PUT/DELETE other than
token requests) was, or may have been, received by PaySimple but we did not get a usable answer: a read
timeout or dropped connection after sending, a 5xx reply, or a 2xx reply we could not parse. The caller must
then LOOK THE RESULT UP (e.g. payments by OrderId) and never blindly resend. Connect errors and connect
timeouts mean nothing was sent: False. 4xx replies are decided before anything happens: False.

Messages are written for a person: they say what failed and name the fields PaySimple complained about.
They never contain the API key, a token or a request/response body.
"""

from __future__ import annotations

from collections.abc import Sequence

from pos_app.paysimple.rules import FieldMessage

__all__ = [
    "AuthenticationError",
    "FieldMessage",
    "InvalidInputError",
    "NotFoundError",
    "PaySimpleError",
    "PermissionDeniedError",
    "ReplyTooLarge",
    "RequestTimeout",
    "ResponseFormatError",
    "ServerError",
    "TransportError",
]


class PaySimpleError(Exception):
    """Base class: something went wrong talking to PaySimple (or the training gateway)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        messages: Sequence[FieldMessage] = (),
        trace_code: str | None = None,
        method: str | None = None,
        path: str | None = None,
        may_have_taken_effect: bool = False,
        paysimple_answered: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.messages: list[FieldMessage] = list(messages)
        self.trace_code = trace_code
        self.method = method
        self.path = path
        self.may_have_taken_effect = may_have_taken_effect
        self.paysimple_answered = paysimple_answered

    def __str__(self) -> str:
        return self.message

    def field_messages(self) -> dict[str, list[str]]:
        """Messages grouped by field name ("" for messages about the whole request)."""
        grouped: dict[str, list[str]] = {}
        for item in self.messages:
            grouped.setdefault(item.field, []).append(item.message)
        return grouped


class AuthenticationError(PaySimpleError):
    """401: the API user/key were refused (PaySimple sends an empty body). Also a clock more than 5 min off."""


class InvalidInputError(PaySimpleError):
    """400 InvalidInput: the request data was refused; ``messages`` say which field and why."""


class PermissionDeniedError(PaySimpleError):
    """403 InvalidPermissions: this API user may not do that."""


class NotFoundError(PaySimpleError):
    """404: no such id (or route)."""


class ServerError(PaySimpleError):
    """5xx: PaySimple failed. On a write, ``may_have_taken_effect`` is True: look it up before retrying."""


class ResponseFormatError(PaySimpleError):
    """The reply could not be understood (not JSON, no envelope, a required field missing or malformed)."""


class ReplyTooLarge(ResponseFormatError):
    """The reply body was larger than the client's ``max_reply_bytes``; reading stopped at the limit."""


class TransportError(PaySimpleError):
    """No (complete) HTTP reply: connection refused, reset, closed mid-reply, TLS failure."""


class RequestTimeout(TransportError):
    """A connect, write, read or pool timeout (see ``may_have_taken_effect``)."""
