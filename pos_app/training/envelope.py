"""The API v4 response envelope, JSON encoding and error replies of the training gateway.

Every JSON reply is ``{"Meta": {Errors, HttpStatus, HttpStatusCode, PagingDetails}, "Response": ...}`` with
``HttpStatus`` the .NET ``HttpStatusCode`` name. Errors carry ``ErrorCode`` / ``ErrorMessages[{Field, Message}]``
/ ``TraceCode`` and a null Response. 401 has an EMPTY body (reference §2.1); 204 has no body.

Decimals (money, coordinates) are written as JSON numbers with their exact digits (``12.50``), never through
float, so a client parsing with ``parse_float=Decimal`` gets the same value back.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from pos_app.paysimple.rules import FieldMessage

STATUS_NAMES = {
    200: "OK", 201: "Created", 203: "NonAuthoritativeInformation", 204: "NoContent", 400: "BadRequest",
    401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed", 409: "Conflict",
    415: "UnsupportedMediaType", 500: "InternalServerError", 503: "ServiceUnavailable",
}
ERROR_CODES = {400: "InvalidInput", 403: "InvalidPermissions", 404: "NotFound", 405: "NotFound",
               500: "UnexpectedError"}

_DEC_MARK = "\u0000DEC:"
_DEC_RE = re.compile(r'"\\u0000DEC:(-?[0-9.]+)"')


class ApiError(Exception):
    """Raised by handlers; becomes an error envelope with this status and messages."""

    def __init__(self, status: int, messages: Iterable[FieldMessage] | str = (), code: str | None = None) -> None:
        if isinstance(messages, str):
            messages = [FieldMessage("", messages)]
        self.status = status
        self.messages = list(messages)
        self.code = code or ERROR_CODES.get(status, "UnexpectedError")
        super().__init__(f"{status} {self.code}: " + "; ".join(m.message for m in self.messages))


def invalid(field: str, message: str) -> ApiError:
    return ApiError(400, [FieldMessage(field, message)])


def not_found(message: str) -> ApiError:
    return ApiError(404, [FieldMessage("", message)])


def _mark_decimals(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _DEC_MARK + format(value, "f")
    if isinstance(value, dict):
        return {k: _mark_decimals(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mark_decimals(v) for v in value]
    return value


def dumps(value: Any) -> bytes:
    """JSON with Decimals as exact numbers."""
    text = json.dumps(_mark_decimals(value), ensure_ascii=False, separators=(",", ":"))
    return _DEC_RE.sub(r"\1", text).encode("utf-8")


def envelope(status: int, response: Any, paging: dict[str, int] | None = None,
             errors: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"Meta": {"Errors": errors, "HttpStatus": STATUS_NAMES.get(status, str(status)),
                     "HttpStatusCode": status, "PagingDetails": paging},
            "Response": response}


def json_response(status: int, response: Any, paging: dict[str, int] | None = None) -> Response:
    if status == 204:
        return Response(status_code=204)
    return Response(dumps(envelope(status, response, paging)), status_code=status, media_type="application/json")


def error_body(status: int, code: str, messages: Iterable[FieldMessage], trace: bool = False) -> bytes:
    errors = {"ErrorCode": code,
              "ErrorMessages": [{"Field": m.field, "Message": m.message} for m in messages],
              "TraceCode": secrets.token_hex(8) if trace else None}
    return dumps(envelope(status, None, errors=errors))


def error_response(err: ApiError) -> Response:
    return Response(error_body(err.status, err.code, err.messages, trace=err.status >= 500),
                    status_code=err.status, media_type="application/json")


def unauthorized() -> Response:
    """401 with an empty body, as PaySimple answers."""
    return Response(b"", status_code=401)


def server_error_body() -> bytes:
    return error_body(500, "UnexpectedError",
                      [FieldMessage("", "An unexpected error occurred. Please try again later.")], trace=True)
