"""The store server's HTTP API (Starlette): routes, authentication, bodies, errors. Use cases are
``service.StoreServer``'s; the OpenAPI document (``openapi.py``) describes exactly these routes.

Every ``/v1`` route but ``/v1/server`` and enrollment needs ``Authorization: Lane <credential>``; every route but
those and the clerk list and sign-in also needs ``X-Clerk-Session: <token>``. Bodies are JSON objects of
``serverlink.messages`` (at most 64 KiB, ``Content-Type: application/json``), read strictly: a malformed request
gets a 4xx ``{"error": {"code", "message", "values"}}`` naming what is wrong, and changes nothing.

Status codes: 200 done; 202 a charge or look-up still working (``Retry-After``); 400 a malformed request; 401 no
or a wrong/revoked lane credential, not signed in, session ended/locked/expired, a wrong PIN at sign-in; 403
not allowed (another lane's session, a clerk asking for a manager's action, a customer the clerk did not
select, a refused approval); 404 no such thing; 409 an idempotency key reused for another request, a lane
busy with another payment; 502 PaySimple refused or failed (its typed error is carried); 503 storage faults
and "not ready yet" (``Retry-After``).

Plain HTTP is served only to loopback clients (``pos-app-server run --plain-http`` binds loopback only, and this
app refuses any other client address as well).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from pos_app import __version__
from pos_app.clerks import ClerkError
from pos_app.customers.counter import CustomerValidationError
from pos_app.customers.models import CustomerRecord
from pos_app.customers.paysimple_add import AddAmbiguous, AddNotConfirmed
from pos_app.customers.store import AddInProgress
from pos_app.payments import NotAllowed, PaymentError
from pos_app.payments.model import InvalidCharge, LaneBusy, NotSent
from pos_app.payments.receipts import ReceiptEmailError
from pos_app.paysimple import PaySimpleError
from pos_app.server.records import LaneRecord, SessionRecord
from pos_app.server.service import ApiError, Caller, StoreServer
from pos_app.serverlink import feed
from pos_app.serverlink import messages as m
from pos_app.serverlink import sentences as say
from pos_app.serverlink.wire import WireError, decode, decode_money, encode
from pos_app.storage_errors import StorageError

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
SESSION_HEADER = "x-clerk-session"
KEY_HEADER = "idempotency-key"
FEED_PAGE, FEED_PAGE_MAX = 1000, 5000  # change-feed records per reply: default, most
FEED_WAIT_MAX_S = 25  # a long-poll waits at most this long (below the lanes' read timeout)
SNAPSHOT_CHUNK = 1 << 20  # bytes per read of a snapshot being sent
FEED_POLL_S = 0.1  # while a long-poll waits, the store is read this often (any instance's writes are seen)


def _error(status: int, code: str, message: str, headers: dict | None = None, **values) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "values": encode(values)}}, status,
                        headers=headers)


def _paysimple_error(exc: PaySimpleError) -> JSONResponse:
    values = {"kind": type(exc).__name__, "status": exc.status, "error_code": exc.error_code,
              "messages": [{"field": f.field, "message": f.message} for f in exc.messages],
              "may_have_taken_effect": exc.may_have_taken_effect, "paysimple_answered": exc.paysimple_answered}
    return _error(502, "paysimple", str(exc), **values)


def _is_loopback(request: Request) -> bool:
    client = request.client
    try:
        return client is not None and ipaddress.ip_address(client.host).is_loopback
    except ValueError:
        return False


def _session_info(s: SessionRecord) -> m.SessionInfo:
    return m.SessionInfo(s.public_id, s.lane, m.ClerkInfo(s.clerk_id, s.clerk_name, s.role), s.expires_at)


def _lane_info(lane: LaneRecord) -> m.LaneInfo:
    return m.LaneInfo(lane.name, lane.enrolled_at, lane.enrolled_by, lane.revoked_at, lane.revoked_by)


class Api:
    """The routes over one ``StoreServer``."""

    def __init__(self, server: StoreServer, plain_http: bool = False) -> None:
        self.server = server
        self.plain_http = plain_http

    # ---- plumbing ------------------------------------------------------------------------------------

    async def _body(self, request: Request, cls):
        # Protocol-level 4xx (content type, size, JSON, field checks): a correct lane never gets them, so they
        # stay English for the developer reading them (the clerk-facing ones are ``serverlink.sentences``).
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            raise ApiError(415, "json_only", "Send the body as JSON (Content-Type: application/json).")
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY:
                raise ApiError(413, "too_large", f"The request body is larger than {MAX_BODY // 1024} KiB.")
        try:
            data = json.loads(raw or b"null")
        except ValueError:
            raise ApiError(400, "bad_json", "The request body is not valid JSON.") from None
        return decode(cls, data, cls.__name__)

    def _endpoint(self, handler: Callable[..., Awaitable[Response]], auth: str = "session"):
        """Wrap a handler: the plain-HTTP check, authentication (``none`` | ``lane`` | ``session``) on a worker
        thread, and errors to JSON."""
        async def endpoint(request: Request) -> Response:
            try:
                if self.plain_http and not _is_loopback(request):
                    raise ApiError(403, "plain_http_off_loopback", say.PLAIN_HTTP_OFF_LOOPBACK)
                caller = None
                if auth in ("lane", "session"):
                    caller = await run_in_threadpool(self.server.lane_from, request.headers.get("authorization"))
                    if auth == "session":
                        caller = await run_in_threadpool(self.server.session_from, caller,
                                                         request.headers.get(SESSION_HEADER))
                return await handler(request, caller)
            except ApiError as exc:
                headers = {"Retry-After": str(exc.values["retry_after"])} if "retry_after" in exc.values else None
                return _error(exc.status, exc.code, str(exc), headers, **exc.values)
            except WireError as exc:
                return _error(400, "bad_request", str(exc), field=exc.path)
            except CustomerValidationError as exc:
                return _error(400, "customer_invalid", str(exc),
                              messages=[{"field": f.field, "message": f.message} for f in exc.messages])
            except PaySimpleError as exc:
                return _paysimple_error(exc)
            except (StorageError, NotSent) as exc:  # NotSent: the journal refused the attempt, nothing sent
                storage = exc.storage if isinstance(exc, NotSent) else exc
                return _error(503, "storage", str(storage), {"Retry-After": "2"}, fault=storage.fault.value,
                              what=storage.what.value)
            except ClerkError as exc:
                return _error(403, exc.code, str(exc), **exc.values)
            except ReceiptEmailError as exc:
                return _error(409, "receipt_email", str(exc), reason=exc.code, may_have_sent=exc.may_have_sent)
            except AddNotConfirmed as exc:
                return _error(409, "add_not_confirmed", str(exc), check_after=exc.check_after)
            except AddAmbiguous as exc:
                return _error(409, "add_ambiguous", str(exc), paysimple_ids=exc.paysimple_ids)
            except AddInProgress as exc:
                return _error(409, "add_in_progress", str(exc))
            except NotAllowed as exc:
                return _error(403, "not_allowed", str(exc))
            except LaneBusy as exc:
                return _error(409, "lane_busy", str(exc), blocking=exc.blocking.id if exc.blocking else None)
            except InvalidCharge as exc:
                return _error(400, "invalid_charge", str(exc))
            except PaymentError as exc:
                return _error(409, type(exc).__name__, str(exc))
            except Exception:  # noqa: BLE001 - a bug: logged, the lane told to ask again
                log.exception("%s %s failed", request.method, request.url.path)
                return _error(500, "internal", say.INTERNAL)
        return endpoint

    @staticmethod
    def _ok(value, status: int = 200, headers: dict | None = None) -> JSONResponse:
        return JSONResponse(encode(value), status, headers=headers)

    # Query and path parameter checks below (bad_request) are protocol-level: a correct lane never gets them,
    # so they stay English.
    @staticmethod
    def _int(request: Request, name: str) -> int:
        text = request.path_params.get(name, request.query_params.get(name))
        try:
            value = int(text)
        except (TypeError, ValueError):
            raise ApiError(400, "bad_request", f"{name} must be a whole number.", field=name) from None
        if value <= 0:
            raise ApiError(400, "bad_request", f"{name} must be positive.", field=name)
        return value

    @staticmethod
    def _text(request: Request, name: str) -> str:
        value = request.path_params.get(name)
        if not value or len(value) > 60:
            raise ApiError(400, "bad_request", f"{name} is missing or too long.", field=name)
        return value

    def _outcome(self, outcome) -> JSONResponse:
        if outcome.done:
            return self._ok(m.ChargeReply(True, outcome.attempt))
        return self._ok(m.ChargeReply(False, outcome.attempt), 202, {"Retry-After": "1"})

    # ---- open routes ---------------------------------------------------------------------------------

    async def openapi(self, request: Request, caller: None) -> Response:
        from pos_app.server.openapi import document

        return JSONResponse(document())

    async def info(self, request: Request, caller: None) -> Response:
        base = self.server.client_base_url.removesuffix("/v4").rstrip("/")
        from pos_app.config import API_BASE_URLS, Environment

        live = self.server.client_base_url.rstrip("/") == API_BASE_URLS[Environment.LIVE].rstrip("/")
        return self._ok(m.ServerInfo("pos-app store server", __version__, "v1", "live" if live else "sandbox", base))

    async def challenge(self, request: Request, caller: None) -> Response:
        body = await self._body(request, m.EnrollChallenge)
        proof = await run_in_threadpool(self.server.enrollment_proof, body.code_id, body.nonce)
        return self._ok(m.EnrollProof(proof))

    async def enroll(self, request: Request, caller: None) -> Response:
        body = await self._body(request, m.EnrollBody)
        credential, lane = await run_in_threadpool(self.server.enroll, body.code, body.lane)
        return self._ok(m.Enrolled(lane.name, credential, self.server.fingerprint))

    # ---- lane routes ---------------------------------------------------------------------------------

    async def clerks(self, request: Request, caller: Caller) -> Response:
        clerks = await run_in_threadpool(self.server.clerk_list, caller)
        return self._ok([m.ClerkInfo(c.id, c.name, c.role.value) for c in clerks])

    async def sign_in(self, request: Request, caller: Caller) -> Response:
        body = await self._body(request, m.SignInBody)
        token, session = await run_in_threadpool(self.server.sign_in, caller, body.name, body.pin)
        return self._ok(m.SignedInReply(token, _session_info(session)))

    # ---- session routes ------------------------------------------------------------------------------

    async def session(self, request: Request, caller: Caller) -> Response:
        if request.method == "DELETE":
            await run_in_threadpool(self.server.end_session, caller, "sign_out")
            return Response(status_code=204)
        return self._ok(_session_info(caller.session))

    async def lock(self, request: Request, caller: Caller) -> Response:
        await run_in_threadpool(self.server.end_session, caller, "lock")
        return Response(status_code=204)

    async def approvals(self, request: Request, caller: Caller) -> Response:
        b = await self._body(request, m.ApproveBody)
        token, g = await run_in_threadpool(self.server.approve, caller, b.action, b.manager, b.pin, b.reason,
                                           b.subject)
        return self._ok(m.ApprovalReply(token, g.manager_id, g.manager_name, g.action, g.subject, g.reason,
                                        g.expires_at))

    async def codes(self, request: Request, caller: Caller) -> Response:
        b = await self._body(request, m.CodeBody)
        self.server.require_manager(caller, "create_enrollment_code")
        from pos_app.serverlink.enrollment import pretty

        code, record = await run_in_threadpool(self.server.new_enrollment_code, caller.who, b.lane)
        return self._ok(m.CodeReply(pretty(code), record.lane, record.expires_at))

    async def lanes(self, request: Request, caller: Caller) -> Response:
        self.server.require_manager(caller, "list_lanes")
        lanes = await run_in_threadpool(self.server.records.lanes)
        return self._ok([_lane_info(x) for x in lanes])

    async def revoke(self, request: Request, caller: Caller) -> Response:
        lane = await run_in_threadpool(self.server.revoke_lane, caller, self._text(request, "lane"))
        return self._ok(_lane_info(lane))

    async def customers(self, request: Request, caller: Caller) -> Response:
        if request.method == "POST":
            record = await self._body(request, CustomerRecord)
            return self._ok(await run_in_threadpool(self.server.create_customer, caller, record))
        query = request.query_params.get("q", "")
        if len(query) > 200:
            raise ApiError(400, "bad_request", "q is longer than 200 characters.", field="q")
        limit = self._int(request, "limit") if "limit" in request.query_params else 50
        return self._ok(await run_in_threadpool(self.server.search, caller, query, limit))

    async def changes(self, request: Request, caller: Caller) -> Response:
        """The change feed (``ChangesReply``; ``form=rows``: its compact form, ``serverlink.feed``); long-polls up to ``wait`` s when nothing is new (decision 0410)."""
        after = self._whole(request, "after", 0, 0, None)
        limit = self._whole(request, "limit", FEED_PAGE, 1, FEED_PAGE_MAX)
        wait = self._whole(request, "wait", 0, 0, FEED_WAIT_MAX_S)
        form = request.query_params.get("form", "")
        if form not in ("", feed.FORM):
            raise ApiError(400, "bad_request", f"form must be {feed.FORM!r} or left out.", field="form")
        ends = time.monotonic() + wait
        while True:
            reply = await run_in_threadpool(self.server.changes, caller, after, limit)
            if reply.changes or time.monotonic() >= ends or await request.is_disconnected():
                if form:
                    return JSONResponse(await run_in_threadpool(feed.encode_rows, reply))
                return self._ok(reply)
            await asyncio.sleep(min(FEED_POLL_S, max(0.0, ends - time.monotonic())))

    async def snapshot(self, request: Request, caller: Caller) -> Response:
        """A consistent copy of the customer search directory (``ServerCustomers.snapshot``), streamed; the feed id
        and the position the copy is complete up to in headers (decision 0460)."""
        snap = await run_in_threadpool(self.server.customer_snapshot, caller)

        def chunks():
            try:
                while block := snap.file.read(SNAPSHOT_CHUNK):
                    yield block
            finally:
                snap.file.close()

        return StreamingResponse(chunks(), media_type="application/vnd.sqlite3", headers={
            "Content-Length": str(snap.size), "X-Feed-Id": snap.feed_id, "X-Feed-Position": str(snap.position),
            "X-Schema-Version": str(snap.schema_version), "Cache-Control": "no-store"})

    @staticmethod
    def _whole(request: Request, name: str, default: int, low: int, high: int | None) -> int:
        """An optional whole-number query parameter within [low, high] (400 naming it otherwise)."""
        text = request.query_params.get(name)
        if text is None or text == "":
            return default
        if not text.isdigit() or len(text) > 18:
            raise ApiError(400, "bad_request", f"{name} must be a whole number.", field=name)
        value = int(text)
        if value < low or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise ApiError(400, "bad_request", f"{name} must be {span}, not {value}.", field=name)
        return value

    async def customer_count(self, request: Request, caller: Caller) -> Response:
        return self._ok(m.CountReply(await run_in_threadpool(self.server.count_customers, caller)))

    async def customer(self, request: Request, caller: Caller) -> Response:
        customer_id = self._int(request, "customer_id")
        if request.method == "PUT":
            record = await self._body(request, CustomerRecord)
            return self._ok(await run_in_threadpool(self.server.update_customer, caller, customer_id, record))
        return self._ok(await run_in_threadpool(self.server.customer, caller, customer_id))

    async def add_to_paysimple(self, request: Request, caller: Caller) -> Response:
        b = await self._body(request, m.AddBody)
        return self._ok(await run_in_threadpool(self.server.add_to_paysimple, caller,
                                                self._int(request, "customer_id"), b.record))

    async def duplicates(self, request: Request, caller: Caller) -> Response:
        b = await self._body(request, m.DuplicatesBody)
        return self._ok(await run_in_threadpool(self.server.possible_duplicates, caller, b.record, b.exclude_id))

    async def receipt_address(self, request: Request, caller: Caller) -> Response:
        address = await run_in_threadpool(self.server.receipt_address, caller, self._text(request, "attempt_id"))
        return self._ok(m.AddressReply(address))

    async def email_receipt(self, request: Request, caller: Caller) -> Response:
        b = await self._body(request, m.EmailBody)
        address = await run_in_threadpool(self.server.email_receipt, caller, self._text(request, "attempt_id"),
                                          b.to)
        return self._ok(m.AddressReply(address))

    async def sync(self, request: Request, caller: Caller) -> Response:
        return self._ok(await run_in_threadpool(self.server.sync_customers, caller))

    async def select(self, request: Request, caller: Caller) -> Response:
        b = await self._body(request, m.SelectBody)
        return self._ok(await run_in_threadpool(self.server.select_customer, caller, b.customer_id))

    async def accounts(self, request: Request, caller: Caller) -> Response:
        paysimple_id = self._int(request, "paysimple_id")
        return self._ok(await run_in_threadpool(self.server.accounts, caller, paysimple_id))

    async def account(self, request: Request, caller: Caller) -> Response:
        account_id = self._int(request, "account_id")
        if request.method == "DELETE":
            await run_in_threadpool(self.server.remove_account, caller, self._int(request, "paysimple_id"),
                                    account_id)
            return Response(status_code=204)
        action = request.path_params["action"]
        if action == "verify":
            b = await self._body(request, m.AccountBody)
            return self._ok(await run_in_threadpool(self.server.verify_account, caller, b.paysimple_id, account_id))
        if action == "default":
            b = await self._body(request, m.AccountBody)
            await run_in_threadpool(self.server.set_default, caller, b.paysimple_id, account_id)
            return Response(status_code=204)
        if action == "plan":
            b = await self._body(request, m.PlanBody)
            return self._ok(await run_in_threadpool(self.server.plan_new_account, caller, b.paysimple_id,
                                                    account_id, b.consent))
        if action == "keep":
            b = await self._body(request, m.KeepBody)
            await run_in_threadpool(self.server.keep_on_file, caller, b.paysimple_id, account_id, b.reason)
            return Response(status_code=204)
        if action == "settle":
            return self._ok(await run_in_threadpool(self.server.settle_new_account, caller, account_id))
        raise ApiError(404, "not_found", f"There is no account action {action!r}.")

    async def checkout_token(self, request: Request, caller: Caller) -> Response:
        return self._ok(m.TokenReply(await run_in_threadpool(self.server.checkout_token, caller)))

    async def customer_token(self, request: Request, caller: Caller) -> Response:
        b = await self._body(request, m.TokenBody)
        return self._ok(m.TokenReply(await run_in_threadpool(self.server.customer_token, caller, b.paysimple_id)))

    async def charge(self, request: Request, caller: Caller) -> Response:
        key = request.headers.get(KEY_HEADER)
        if not key:
            raise ApiError(400, "no_idempotency_key", "A charge needs an Idempotency-Key header (the counter's "
                                                      "attempt id).")
        b = await self._body(request, m.ChargeBody)
        amount = decode_money(b.amount, "amount")
        outcome = await run_in_threadpool(self.server.charge, caller, key, b.customer_id, b.account_id, amount,
                                          b.payment_token, b.cvv, b.ach_authorization)
        return self._outcome(outcome)

    async def charge_outcome(self, request: Request, caller: Caller) -> Response:
        key = self._text(request, "key")
        outcome = await run_in_threadpool(self.server.desk.outcome, key, caller.lane,
                                          self.server.settings.charge_wait_s)
        if outcome is None:
            raise ApiError(404, "no_such_charge", say.NO_SUCH_CHARGE_WRITTEN.fill(key))
        return self._outcome(outcome)

    async def close_charge(self, request: Request, caller: Caller) -> Response:
        return self._outcome(await run_in_threadpool(self.server.close_charge, caller, self._text(request, "key")))

    async def payments(self, request: Request, caller: Caller) -> Response:
        since = request.query_params.get("since")
        try:
            since_dt = datetime.fromisoformat(since) if since else None
        except ValueError:
            raise ApiError(400, "bad_request", "since must be an ISO-8601 time with its offset.", field="since") \
                from None
        if since_dt is not None and since_dt.tzinfo is None:
            raise ApiError(400, "bad_request", "since must carry its UTC offset.", field="since")
        limit = self._int(request, "limit") if "limit" in request.query_params else 200
        return self._ok(await run_in_threadpool(self.server.history, caller, since_dt, limit))

    async def open_attempt(self, request: Request, caller: Caller) -> Response:
        return self._ok(m.OpenAttemptReply(await run_in_threadpool(self.server.open_attempt, caller)))

    async def recent(self, request: Request, caller: Caller) -> Response:
        customer_id = self._int(request, "customer_id")
        amount = decode_money(request.query_params.get("amount"), "amount")
        return self._ok(await run_in_threadpool(self.server.recent_charges, caller, customer_id, amount))

    async def payment(self, request: Request, caller: Caller) -> Response:
        return self._ok(await run_in_threadpool(self.server.attempt, caller, self._text(request, "attempt_id")))

    async def resolve(self, request: Request, caller: Caller) -> Response:
        outcome = await run_in_threadpool(self.server.resolve, caller, self._text(request, "attempt_id"))
        return self._outcome(outcome)

    async def reversal(self, request: Request, caller: Caller) -> Response:
        return self._ok(await run_in_threadpool(self.server.reversal_option, caller,
                                                self._text(request, "attempt_id")))

    async def reverse(self, request: Request, caller: Caller) -> Response:
        b = await self._body(request, m.ApprovalUse)
        action = request.path_params["action"].replace("-", "_")
        return self._ok(await run_in_threadpool(self.server.reverse, caller, self._text(request, "attempt_id"),
                                                action, b.approval, b.payment_id))

    async def end_of_day(self, request: Request, caller: Caller) -> Response:
        try:
            day = date.fromisoformat(request.query_params.get("day", ""))
        except ValueError:
            raise ApiError(400, "bad_request", "day must be a date YYYY-MM-DD.", field="day") from None
        lane = request.query_params.get("lane") or None
        report = await run_in_threadpool(self.server.end_of_day, caller, day, lane)
        return self._ok(report)

    async def audit(self, request: Request, caller: Caller) -> Response:
        self.server.require_manager(caller, "read_audit")
        from pos_app.audit import AuditQuery

        try:
            after = int(request.query_params.get("after", "0") or 0)
        except ValueError:
            raise ApiError(400, "bad_request", "after must be a whole number.", field="after") from None
        limit = self._int(request, "limit") if "limit" in request.query_params else 500
        lane = request.query_params.get("lane") or None
        query = AuditQuery(after=after, limit=min(limit, 5000), lane=lane)
        return self._ok(await run_in_threadpool(self.server.records.trail.read, query))

    # ---- the route table -----------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        e = self._endpoint
        return [
            Route("/openapi.json", e(self.openapi, "none"), methods=["GET"]),
            Route("/v1/server", e(self.info, "none"), methods=["GET"]),
            Route("/v1/enroll/challenge", e(self.challenge, "none"), methods=["POST"]),
            Route("/v1/enroll", e(self.enroll, "none"), methods=["POST"]),
            Route("/v1/clerks", e(self.clerks, "lane"), methods=["GET"]),
            Route("/v1/sessions", e(self.sign_in, "lane"), methods=["POST"]),
            Route("/v1/sessions/current", e(self.session), methods=["GET", "DELETE"]),
            Route("/v1/sessions/current/lock", e(self.lock), methods=["POST"]),
            Route("/v1/approvals", e(self.approvals), methods=["POST"]),
            Route("/v1/enrollment-codes", e(self.codes), methods=["POST"]),
            Route("/v1/lanes", e(self.lanes), methods=["GET"]),
            Route("/v1/lanes/{lane}/revoke", e(self.revoke), methods=["POST"]),
            Route("/v1/customers", e(self.customers), methods=["GET", "POST"]),
            Route("/v1/customers/changes", e(self.changes, "lane"), methods=["GET"]),
            Route("/v1/customers/snapshot", e(self.snapshot, "lane"), methods=["GET"]),
            Route("/v1/customers/count", e(self.customer_count), methods=["GET"]),
            Route("/v1/customers/sync", e(self.sync), methods=["POST"]),
            Route("/v1/customers/duplicates", e(self.duplicates), methods=["POST"]),
            Route("/v1/customers/{customer_id}", e(self.customer), methods=["GET", "PUT"]),
            Route("/v1/customers/{customer_id}/add-to-paysimple", e(self.add_to_paysimple), methods=["POST"]),
            Route("/v1/selection", e(self.select), methods=["POST"]),
            Route("/v1/selection/accounts", e(self.accounts), methods=["GET"]),
            Route("/v1/selection/accounts/{account_id}", e(self.account), methods=["DELETE"]),
            Route("/v1/selection/accounts/{account_id}/{action}", e(self.account), methods=["POST"]),
            Route("/v1/tokens/checkout", e(self.checkout_token), methods=["POST"]),
            Route("/v1/tokens/customer", e(self.customer_token), methods=["POST"]),
            Route("/v1/charges", e(self.charge), methods=["POST"]),
            Route("/v1/charges/{key}", e(self.charge_outcome), methods=["GET"]),
            Route("/v1/charges/{key}/close", e(self.close_charge), methods=["POST"]),
            Route("/v1/payments", e(self.payments), methods=["GET"]),
            Route("/v1/payments/open", e(self.open_attempt), methods=["GET"]),
            Route("/v1/payments/recent", e(self.recent), methods=["GET"]),
            Route("/v1/payments/{attempt_id}", e(self.payment), methods=["GET"]),
            Route("/v1/payments/{attempt_id}/resolve", e(self.resolve), methods=["POST"]),
            Route("/v1/payments/{attempt_id}/reversal", e(self.reversal), methods=["GET"]),
            Route("/v1/payments/{attempt_id}/receipt-address", e(self.receipt_address), methods=["GET"]),
            Route("/v1/payments/{attempt_id}/email-receipt", e(self.email_receipt), methods=["POST"]),
            Route("/v1/payments/{attempt_id}/{action}", e(self.reverse), methods=["POST"]),
            Route("/v1/end-of-day", e(self.end_of_day), methods=["GET"]),
            Route("/v1/audit", e(self.audit), methods=["GET"]),
        ]


def make_app(server: StoreServer, plain_http: bool = False) -> Starlette:
    api = Api(server, plain_http)

    async def not_found(request: Request, exc) -> Response:  # protocol-level (no such route): stays English
        status = getattr(exc, "status_code", 404)
        return _error(status, "not_found" if status == 404 else "method_not_allowed",
                      f"There is no {request.method} {request.url.path} on the store server (see /openapi.json).")

    app = Starlette(routes=api.routes(), exception_handlers={404: not_found, 405: not_found})
    app.state.api = api
    return app

