"""The store server's OpenAPI 3.1 document, served at ``/openapi.json``.

The operations are written out here (``OPERATIONS``: path, method, who may call, body, reply); the schemas are
derived from the very dataclasses the server and the lane encode and decode (``serverlink.messages`` and the
domain types), so the document cannot drift from the wire format. tests/server/test_openapi.py checks that
the operations are exactly the app's routes.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from pos_app import __version__

# (path, method, security, summary, request body type name, reply type name, extra statuses)
# security: "none" | "lane" | "session"
OPERATIONS: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("/openapi.json", "get", "none", "This document", None, None),
    ("/v1/server", "get", "none", "Server name and API version", None, "ServerInfo"),
    ("/v1/enroll/challenge", "post", "none", "Proof that this server made an enrollment code, bound to its "
     "certificate (sent before the code's secret)", "EnrollChallenge", "EnrollProof"),
    ("/v1/enroll", "post", "none", "Enroll a lane with a one-time code: its credential (shown once)",
     "EnrollBody", "Enrolled"),
    ("/v1/clerks", "get", "lane", "Active clerks (the sign-in list)", None, "list[ClerkInfo]"),
    ("/v1/sessions", "post", "lane", "Sign in (name + PIN): a clerk session bound to this lane; ends the lane's "
     "other session", "SignInBody", "SignedInReply"),
    ("/v1/sessions/current", "get", "session", "This session", None, "SessionInfo"),
    ("/v1/sessions/current", "delete", "session", "Sign out", None, None),
    ("/v1/sessions/current/lock", "post", "session", "Lock the counter (the session stops working)", None, None),
    ("/v1/approvals", "post", "session", "A manager's PIN for one action: a one-use approval token",
     "ApproveBody", "ApprovalReply"),
    ("/v1/enrollment-codes", "post", "session", "A one-time enrollment code (signed-in manager)", "CodeBody",
     "CodeReply"),
    ("/v1/lanes", "get", "session", "Enrolled lanes (signed-in manager)", None, "list[LaneInfo]"),
    ("/v1/lanes/{lane}/revoke", "post", "session", "Revoke a lane's credential (signed-in manager)", None,
     "LaneInfo"),
    ("/v1/customers", "get", "session", "Search customers (?q=&limit=)", None, "list[CustomerHit]"),
    ("/v1/customers", "post", "session", "Create a customer (PaySimple first, then the directory)",
     "CustomerRecord", "StoredCustomer"),
    ("/v1/customers/changes", "get", "lane", "The customer change feed for the lane's search copy "
     "(?after=&limit=&wait=): changes after position `after` (limit 1-5000, default 1000); with nothing new, "
     "waits up to `wait` seconds (0-25) for a change (long-poll); `form=rows`: the compact form "
     "{feed_id, columns, rows: [[...]], next_position} (pos_app.serverlink.feed)", None, "ChangesReply"),
    ("/v1/customers/snapshot", "get", "lane", "A consistent copy of the server's customer search directory for a "
     "lane's first fill (application/vnd.sqlite3, a SQLite file set up as a copy of the feed): headers "
     "X-Feed-Id, X-Feed-Position (the copy is complete up to this feed position: follow the feed from it), "
     "X-Schema-Version; 503 with Retry-After while too many copies are being made", None, None),
    ("/v1/customers/count", "get", "session", "How many customers the directory holds", None, "CountReply"),
    ("/v1/customers/sync", "post", "session", "Mirror PaySimple's customers now (signed-in manager)", None,
     "SyncReport"),
    ("/v1/customers/duplicates", "post", "session", "Customers who may already be this one (same name and "
     "phone or e-mail)", "DuplicatesBody", "list[StoredCustomer]"),
    ("/v1/customers/{customer_id}", "get", "session", "One customer (the server's id)", None, "StoredCustomer"),
    ("/v1/customers/{customer_id}/add-to-paysimple", "post", "session", "An imported customer into PaySimple, "
     "once (recorded before sending, looked up before a second try)", "AddBody", "Added"),
    ("/v1/customers/{customer_id}", "put", "session", "Edit a customer", "CustomerRecord", "StoredCustomer"),
    ("/v1/selection", "post", "session", "The clerk selects a customer (tokens, accounts and charges are for "
     "them only)", "SelectBody", "StoredCustomer"),
    ("/v1/selection/accounts", "get", "session", "The selected customer's cards and bank accounts "
     "(?paysimple_id=)", None, "CustomerAccounts"),
    ("/v1/selection/accounts/{account_id}", "delete", "session", "Remove an account of the selected customer "
     "(?paysimple_id=)", None, None),
    ("/v1/selection/accounts/{account_id}/{action}", "post", "session", "verify (AccountBody: the account a form "
     "returned is the selected customer's), default (AccountBody), plan (PlanBody: a new account kept with "
     "consent, else removed later), keep (KeepBody), settle (no body)", "AccountBody", None),
    ("/v1/tokens/checkout", "post", "session", "A checkout token for one PaySimpleJS form", None, "TokenReply"),
    ("/v1/tokens/customer", "post", "session", "A customer token for the selected customer only", "TokenBody",
     "TokenReply"),
    ("/v1/charges", "post", "session", "Charge once (header Idempotency-Key: the lane's attempt id). 200 the "
     "outcome; 202 still working: ask again with the same key and body; 409 the key was used for another "
     "request (nothing charged) or the lane is busy", "ChargeBody", "ChargeReply"),
    ("/v1/charges/{key}", "get", "session", "A charge's outcome by its key (404 when never written)", None,
     "ChargeReply"),
    ("/v1/charges/{key}/close", "post", "session", "A lane that lost a charge's reply asks once more, never "
     "sending it: its outcome (200), still working (202), or 410 never_arrived: the server never saw the key "
     "and closed it (nothing charged, a late request with it is refused)", None, "ChargeReply"),
    ("/v1/payments", "get", "session", "Payment history of every lane, newest first (?since=&limit=)", None,
     "list[Attempt]"),
    ("/v1/payments/open", "get", "session", "This lane's payment that is not settled yet", None,
     "OpenAttemptReply"),
    ("/v1/payments/recent", "get", "session", "A customer's charges of this amount in the last 10 minutes "
     "(?customer_id=&amount=)", None, "list[Attempt]"),
    ("/v1/payments/{attempt_id}", "get", "session", "One payment", None, "Attempt"),
    ("/v1/payments/{attempt_id}/resolve", "post", "session", "Check again with PaySimple (never re-sent)", None,
     "ChargeReply"),
    ("/v1/payments/{attempt_id}/reversal", "get", "session", "Void or refund now, and why", None,
     "ReversalOption"),
    ("/v1/payments/{attempt_id}/receipt-address", "get", "session", "The e-mail address PaySimple has on file "
     "for the payment's customer", None, "AddressReply"),
    ("/v1/payments/{attempt_id}/email-receipt", "post", "session", "PaySimple e-mails the receipt to the "
     "confirmed address if it is still the one on file", "EmailBody", "AddressReply"),
    ("/v1/payments/{attempt_id}/{action}", "post", "session", "void | refund | close-review with the server's "
     "manager approval", "ApprovalUse", "Attempt"),
    ("/v1/end-of-day", "get", "session", "End of day across lanes (?day=YYYY-MM-DD&lane=)", None, "EodReport"),
    ("/v1/audit", "get", "session", "The server's audit trail (signed-in manager; ?after=&limit=&lane=)", None,
     "list[AuditEntry]"),
]


@cache
def _types() -> dict[str, type]:
    from pos_app.audit import AuditEntry
    from pos_app.customers.models import CustomerHit, CustomerRecord, StoredCustomer
    from pos_app.customers.paysimple_add import Added
    from pos_app.customers.sync import SyncReport
    from pos_app.payments import Attempt, EodReport, ReversalOption
    from pos_app.paysimple import CustomerAccounts
    from pos_app.serverlink import messages

    found = {name: obj for name, obj in vars(messages).items()
             if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == messages.__name__}
    for cls in (CustomerHit, CustomerRecord, StoredCustomer, SyncReport, Attempt, EodReport, ReversalOption,
                CustomerAccounts, AuditEntry, Added):
        found[cls.__name__] = cls
    return found


def _schema(tp: Any, components: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return {"anyOf": [_schema(a, components) for a in typing.get_args(tp)]}
    if tp is type(None):
        return {"type": "null"}
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(tp)
        return {"type": "array", "items": _schema(args[0], components) if args else {}}
    if origin is dict:
        args = typing.get_args(tp)
        return {"type": "object", "additionalProperties": _schema(args[1], components) if args else {}}
    if tp is dict:
        return {"type": "object"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is str:
        return {"type": "string"}
    if tp is Decimal:
        return {"type": "string", "pattern": r"^-?\d{1,9}(\.\d{1,2})?$", "description": "money"}
    if tp is datetime:
        return {"type": "string", "format": "date-time", "description": "with its UTC offset"}
    if tp is date:
        return {"type": "string", "format": "date"}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"type": "string", "enum": [m.value for m in tp]}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in components:
            components[name] = {}  # placeholder against recursion
            hints = typing.get_type_hints(tp)
            props, required = {}, []
            for f in dataclasses.fields(tp):
                if not f.init:
                    continue
                props[f.name] = _schema(hints[f.name], components)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    required.append(f.name)
            components[name] = {"type": "object", "properties": props, "required": required,
                                "additionalProperties": False}
        return {"$ref": f"#/components/schemas/{name}"}
    return {}


def _ref(name: str, components: dict[str, Any]) -> dict[str, Any]:
    if name.startswith("list["):
        return {"type": "array", "items": _ref(name[5:-1], components)}
    return _schema(_types()[name], components)


def document() -> dict[str, Any]:
    components: dict[str, Any] = {}
    error = {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "values": {"type": "object"}},
        "required": ["code", "message"]}}}
    paths: dict[str, Any] = {}
    for path, method, security, summary, body, reply in OPERATIONS:
        op: dict[str, Any] = {"summary": summary, "responses": {
            "default": {"description": "An error: code, message (what is wrong and the next step), values",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
        if reply is not None:
            op["responses"]["200"] = {"description": "OK",
                                      "content": {"application/json": {"schema": _ref(reply, components)}}}
        elif path == "/v1/customers/snapshot":
            op["responses"]["200"] = {"description": "The SQLite file",
                                      "content": {"application/vnd.sqlite3": {"schema": {"type": "string",
                                                                                         "format": "binary"}}}}
        elif path != "/openapi.json":
            op["responses"]["204"] = {"description": "Done"}
        else:
            op["responses"]["200"] = {"description": "This document"}
        if body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body, components)}}}
        if security == "lane":
            op["security"] = [{"lane": []}]
        elif security == "session":
            op["security"] = [{"lane": [], "session": []}]
        else:
            op["security"] = []
        params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                  for p in _path_params(path)]
        if path == "/v1/charges" and method == "post":
            params.append({"name": "Idempotency-Key", "in": "header", "required": True,
                           "schema": {"type": "string"}, "description": "<lane>-<ULID>: the lane's attempt id"})
        if params:
            op["parameters"] = params
        paths.setdefault(path, {})[method] = op
    components["Error"] = error
    return {
        "openapi": "3.1.0",
        "info": {"title": "pos-app store server", "version": __version__,
                 "description": "One store's PaySimple key, customers, payment journal and clerks behind one API "
                                "for its counters (lanes). TLS with the server certificate pinned by each lane "
                                "at enrollment."},
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {
            "lane": {"type": "apiKey", "in": "header", "name": "Authorization",
                     "description": "Lane <credential> (from enrollment)"},
            "session": {"type": "apiKey", "in": "header", "name": "X-Clerk-Session",
                        "description": "a clerk session token (POST /v1/sessions)"}}},
    }


def _path_params(path: str) -> list[str]:
    import re

    return re.findall(r"{(\w+)}", path)
