"""Shape checks for every message the payment page sends to Python (pure functions, no Qt).

The page is not trusted: it runs PaySimple's script, so anything it sends is checked for size, type and
known keys before Python acts on it. A message that fails is refused with :class:`BadMessage`; the caller
logs only the message kind and the reason, never the content.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

MAX_JSON_BYTES = 4096
MAX_ID = 2**31 - 1
FIELD_RE = re.compile(r"^[A-Za-z0-9_.\[\]-]{0,64}$")
GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SDK_ERROR_KEYS = frozenset({"timeout", "bad_request", "server_error", "unauthorized", "unknown"})


class BadMessage(ValueError):
    """The page sent something that is not a well-formed message; str() is safe to log (no content)."""


@dataclass(frozen=True)
class AccountRetrieved:
    account_id: int
    payment_token: str

    def __repr__(self) -> str:  # never print the token
        return f"AccountRetrieved(account_id={self.account_id}, payment_token=[token])"


@dataclass(frozen=True)
class SdkError:
    error_key: str
    status: int
    messages: tuple[str, ...]
    fields: tuple[str, ...] = ()  # PaySimpleJS's field keys of the errors ("" = none); decisions use these


def _load(raw: object, allowed: set[str], required: set[str]) -> dict:
    if not isinstance(raw, str):
        raise BadMessage("not a string")
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_JSON_BYTES:
        raise BadMessage(f"longer than {MAX_JSON_BYTES} bytes")
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadMessage("not JSON") from None
    if not isinstance(data, dict):
        raise BadMessage("not a JSON object")
    unknown = set(data) - allowed
    if unknown:
        raise BadMessage(f"{len(unknown)} unknown key(s)")
    missing = required - set(data)
    if missing:
        raise BadMessage("missing " + ", ".join(sorted(missing)))
    return data


def _positive_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise BadMessage(f"{what} is not a positive integer id")
    return value


def parse_account_retrieved(raw: object) -> AccountRetrieved:
    data = _load(raw, {"accountId", "paymentToken"}, {"accountId", "paymentToken"})
    account_id = _positive_id(data["accountId"], "accountId")
    token = data["paymentToken"]
    if not isinstance(token, str) or not GUID_RE.match(token):
        raise BadMessage("paymentToken is not a GUID")
    return AccountRetrieved(account_id, token)


def parse_sdk_error(raw: object) -> SdkError:
    data = _load(raw, {"errorKey", "status", "messages", "fields"}, {"errorKey"})
    key = data["errorKey"]
    if not isinstance(key, str) or key not in SDK_ERROR_KEYS:
        raise BadMessage("errorKey is not a known PaySimpleJS error key")
    status = data.get("status", 0)
    if isinstance(status, bool) or not isinstance(status, int) or not 0 <= status <= 599:
        raise BadMessage("status is not an HTTP status")
    messages = data.get("messages", [])
    if not isinstance(messages, list) or len(messages) > 5:
        raise BadMessage("messages is not a short list")
    if not all(isinstance(m, str) and len(m) <= 300 for m in messages):
        raise BadMessage("messages must be short strings")
    fields = data.get("fields", [])
    if not isinstance(fields, list) or len(fields) > 5 or not all(isinstance(f, str) and FIELD_RE.match(f)
                                                                  for f in fields):
        raise BadMessage("fields must be a short list of field keys")
    return SdkError(key, status, tuple(m.strip() for m in messages if m.strip()), tuple(f for f in fields if f))
