"""The store server's records: enrolled lanes, one-time enrollment codes, clerk sessions (with the customer the
clerk selected and the accounts the server has seen for that customer), manager approvals, charge idempotency
keys and the audit trail. Domain methods only; one SQL text for SQLite and PostgreSQL (``db.ServerDb``).

Contracts:
- Secrets are never stored: lane credentials, session tokens and approval tokens are kept as SHA-256 of the
  random token (they are 256-bit random, so a slow hash adds nothing); an enrollment code's secret as its
  SHA-256, which is also the key of the server's proof at enrollment (``auth``).
- Each change is one transaction together with its audit entry (both or neither). The audit trail
  (``trail``: a ``pos_app.audit.AuditTrail``) is append-only (the database refuses UPDATE/DELETE by trigger). Entries never carry a PIN, token, API key or
  card number: callers pass names, ids and outcomes only.
- Compare-and-set where it matters: an enrollment code is used once (``used_at IS NULL`` in the UPDATE); an
  approval is used once; a charge key is claimed once (primary key) and a second claim returns the first.
- One active clerk session per lane: a sign-in ends the lane's other sessions (the counter switched clerk).
- Times are timezone-aware (UTC); ``now`` is always passed in (the server's clock).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pos_app.audit import AuditEntry, AuditEvent, AuditQuery
from pos_app.server.db import Conflict, Execute, ServerDb
from pos_app.serverlink import sentences as say

MAX_CODE_FAILURES = 5


def digest(token: str) -> str:
    """The stored form of a random token (lane credential, session, approval): SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Refused(Exception):
    """A request the records refuse (expired, used, revoked, ...): ``str()`` says what and the next step;
    ``code`` names it for the API."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class LaneRecord:
    name: str
    enrolled_at: datetime
    enrolled_by: str
    revoked_at: datetime | None
    revoked_by: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class CodeRecord:
    code_id: str
    lane: str | None
    created_at: datetime
    created_by: str
    expires_at: datetime
    used_at: datetime | None
    used_by: str | None
    failures: int


@dataclass(frozen=True)
class SessionRecord:
    public_id: str
    lane: str
    clerk_id: int
    clerk_name: str
    role: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    locked_at: datetime | None
    ended_at: datetime | None
    customer_id: int | None
    paysimple_id: int | None
    customer_name: str | None

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


@dataclass(frozen=True)
class SelectedAccount:
    paysimple_id: int
    account_id: int
    kind: str  # "cc" | "ach"
    last4: str
    brand: str


@dataclass(frozen=True)
class ApprovalGrant:
    lane: str
    session_id: str
    manager_id: int
    manager_name: str
    action: str
    subject: str
    reason: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class ChargeKey:
    attempt_id: str
    lane: str
    fingerprint: str
    session_id: str
    clerk_id: int
    created_at: datetime
    refusal_code: str | None = None  # the request was refused before anything was written (final)
    refusal: str | None = None


_SESSION_COLUMNS = ("public_id, lane, clerk_id, clerk_name, role, created_at, last_seen_at, expires_at, locked_at,"
                    " ended_at, customer_id, paysimple_id, customer_name")


class ServerTrail:
    """The server's audit trail (``pos_app.audit.AuditTrail``) in its records' database: its changes and their
    entries commit together (``append_in`` inside a records transaction)."""

    def __init__(self, db: ServerDb) -> None:
        self.db = db

    def append_in(self, execute: Execute, event: AuditEvent) -> int:
        e = event
        rows = execute("INSERT INTO server_audit (at, action, outcome, who, who_id, lane, subject, subject_id, detail)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING position",
                       (self.db.t(e.at), e.action, e.outcome, e.who, e.who_id, e.lane, e.subject, e.subject_id,
                        e.detail))
        return int(rows[0]["position"])

    def append(self, event: AuditEvent) -> AuditEntry:
        return AuditEntry(self.db.transaction(lambda x: self.append_in(x, event)), event)

    def read(self, query: AuditQuery | None = None) -> list[AuditEntry]:
        q = query or AuditQuery()
        sql, params = "SELECT * FROM server_audit WHERE position > ?", [q.after]
        for name in ("action", "outcome", "who", "who_id", "lane", "subject"):
            value = getattr(q, name)
            if value is not None:
                sql += f" AND {name} = ?"
                params.append(value)
        if q.since is not None:
            sql += " AND at >= ?"
            params.append(self.db.t(q.since))
        if q.until is not None:
            sql += " AND at < ?"
            params.append(self.db.t(q.until))
        sql += " ORDER BY position"
        if q.limit is not None:
            sql += " LIMIT ?"
            params.append(int(q.limit))
        return [AuditEntry(int(r["position"]), AuditEvent(self.db.dt(r["at"]), r["action"], r["outcome"], r["who"],
                                                          r["who_id"], r["lane"], r["subject"], r["subject_id"],
                                                          r["detail"]))
                for r in self.db.query(sql, params)]


class ServerRecords:
    """The records on one ``ServerDb`` (module docstring)."""

    def __init__(self, db: ServerDb) -> None:
        self.db = db
        self.trail = ServerTrail(db)

    # ---- helpers -------------------------------------------------------------------------------------

    def _audit(self, execute: Execute, at: datetime, action: str, outcome: str, who: str = "-",
               who_id: int | None = None, lane: str = "", subject: str = "", subject_id: str | None = None,
               detail: str = "") -> None:
        self.trail.append_in(execute, AuditEvent(at, action, outcome, who or "-", who_id, lane or "", subject or "",
                                                 subject_id, detail or ""))

    def audit(self, at: datetime, action: str, outcome: str, who: str = "-", who_id: int | None = None,
              lane: str = "", subject: str = "", subject_id: str | None = None, detail: str = "") -> AuditEntry:
        """Append one entry on its own (an action that changed nothing here: a refusal, a charge, a read)."""
        return self.trail.append(AuditEvent(at, action, outcome, who or "-", who_id, lane or "", subject or "",
                                            subject_id, detail or ""))

    def _lane(self, row: dict[str, Any]) -> LaneRecord:
        return LaneRecord(row["name"], self.db.dt(row["enrolled_at"]), row["enrolled_by"],
                          self.db.dt(row["revoked_at"]), row["revoked_by"])

    def _code(self, row: dict[str, Any]) -> CodeRecord:
        return CodeRecord(row["code_id"], row["lane"], self.db.dt(row["created_at"]), row["created_by"],
                          self.db.dt(row["expires_at"]), self.db.dt(row["used_at"]), row["used_by"],
                          int(row["failures"]))

    def _session(self, row: dict[str, Any]) -> SessionRecord:
        t = self.db.dt
        return SessionRecord(row["public_id"], row["lane"], int(row["clerk_id"]), row["clerk_name"], row["role"],
                             t(row["created_at"]), t(row["last_seen_at"]), t(row["expires_at"]),
                             t(row["locked_at"]), t(row["ended_at"]), row["customer_id"], row["paysimple_id"],
                             row["customer_name"])

    # ---- enrollment ----------------------------------------------------------------------------------

    def add_code(self, code_id: str, key_hash: str, lane: str | None, by: str, now: datetime,
                 expires_at: datetime) -> CodeRecord:
        def work(x: Execute) -> None:
            x("INSERT INTO server_enrollment_codes (code_id, key_hash, lane, created_at, created_by, expires_at)"
              " VALUES (?, ?, ?, ?, ?, ?)", (code_id, key_hash, lane, self.db.t(now), by, self.db.t(expires_at)))
            self._audit(x, now, "enrollment_code", "created", who=by, lane=lane or "", subject_id=code_id,
                        detail=f"expires {expires_at.isoformat(timespec='seconds')}")
        self.db.transaction(work)
        return self.code(code_id)[0]

    def code(self, code_id: str) -> tuple[CodeRecord, str] | None:
        """The code and its key hash, or None."""
        rows = self.db.query("SELECT * FROM server_enrollment_codes WHERE code_id = ?", (code_id,))
        return (self._code(rows[0]), rows[0]["key_hash"]) if rows else None

    def code_failed(self, code_id: str, now: datetime, detail: str) -> None:
        """A wrong secret or proof for this code: counted; the ``MAX_CODE_FAILURES``-th burns it."""
        def work(x: Execute) -> None:
            x("UPDATE server_enrollment_codes SET failures = failures + 1 WHERE code_id = ?", (code_id,))
            self._audit(x, now, "enroll", "wrong_code", subject_id=code_id, detail=detail)
        self.db.transaction(work)

    def enroll(self, code_id: str, lane: str, secret_hash: str, now: datetime) -> LaneRecord:
        """Use the code (once) and enroll ``lane`` with the credential's hash. Raises ``Refused`` for a code
        that is used, expired, burnt or for another lane, and for a lane that is enrolled and not revoked."""
        def work(x: Execute) -> None:
            rows = x("SELECT * FROM server_enrollment_codes WHERE code_id = ?", (code_id,))
            if not rows:
                raise Refused("code_unknown", say.CODE_UNKNOWN)
            code = self._code(rows[0])
            if code.used_at is not None:
                raise Refused("code_used", say.CODE_USED)
            if code.failures >= MAX_CODE_FAILURES:
                raise Refused("code_burnt", say.CODE_BURNT)
            if now >= code.expires_at:
                raise Refused("code_expired", say.CODE_EXPIRED)
            if code.lane is not None and code.lane != lane:
                raise Refused("code_other_lane", say.CODE_OTHER_LANE.fill(code.lane, lane))
            existing = x("SELECT * FROM server_lanes WHERE name = ?", (lane,))
            if existing and existing[0]["revoked_at"] is None:
                raise Refused("lane_enrolled", say.LANE_ENROLLED.fill(lane))
            done = x("UPDATE server_enrollment_codes SET used_at = ?, used_by = ? WHERE code_id = ? AND used_at IS NULL"
                     " RETURNING code_id", (self.db.t(now), lane, code_id))
            if not done:
                raise Refused("code_used", say.CODE_USED)
            if existing:
                x("UPDATE server_lanes SET secret_hash = ?, enrolled_at = ?, enrolled_by = ?, code_id = ?,"
                  " revoked_at = NULL, revoked_by = NULL WHERE name = ?",
                  (secret_hash, self.db.t(now), code.created_by, code_id, lane))
            else:
                x("INSERT INTO server_lanes (name, secret_hash, enrolled_at, enrolled_by, code_id) VALUES (?, ?, ?, ?, ?)",
                  (lane, secret_hash, self.db.t(now), code.created_by, code_id))
            self._audit(x, now, "enroll", "ok", who=code.created_by, lane=lane, subject=lane, subject_id=code_id)

        self.db.transaction(work)
        return self.lane(lane)[0]

    def lane(self, name: str) -> tuple[LaneRecord, str] | None:
        """The lane and its credential hash, or None."""
        rows = self.db.query("SELECT * FROM server_lanes WHERE name = ?", (name,))
        return (self._lane(rows[0]), rows[0]["secret_hash"]) if rows else None

    def lanes(self) -> list[LaneRecord]:
        return [self._lane(r) for r in self.db.query("SELECT * FROM server_lanes ORDER BY name")]

    def revoke_lane(self, name: str, by: str, now: datetime) -> LaneRecord:
        """The lane's credential stops working at once; its clerk sessions end. Raises ``Refused`` when there
        is no such lane."""
        def work(x: Execute) -> None:
            if not x("UPDATE server_lanes SET revoked_at = ?, revoked_by = ? WHERE name = ? RETURNING name",
                     (self.db.t(now), by, name)):
                raise Refused("no_such_lane", say.NO_SUCH_LANE.fill(name))
            x("UPDATE server_sessions SET ended_at = ? WHERE lane = ? AND ended_at IS NULL", (self.db.t(now), name))
            self._audit(x, now, "revoke_lane", "ok", who=by, lane=name, subject=name)
        self.db.transaction(work)
        return self.lane(name)[0]

    # ---- clerk sessions ------------------------------------------------------------------------------

    def open_session(self, token_hash: str, public_id: str, lane: str, clerk_id: int, clerk_name: str, role: str,
                     now: datetime, expires_at: datetime) -> SessionRecord:
        def work(x: Execute) -> None:
            x("UPDATE server_sessions SET ended_at = ? WHERE lane = ? AND ended_at IS NULL", (self.db.t(now), lane))
            x("INSERT INTO server_sessions (token_hash, public_id, lane, clerk_id, clerk_name, role, created_at,"
              " last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              (token_hash, public_id, lane, clerk_id, clerk_name, role, self.db.t(now), self.db.t(now),
               self.db.t(expires_at)))
            self._audit(x, now, "sign_in", "ok", who=clerk_name, who_id=clerk_id, lane=lane,
                        subject_id=public_id, detail=f"role={role}")
        self.db.transaction(work)
        return self.session(token_hash)

    def session(self, token_hash: str) -> SessionRecord | None:
        rows = self.db.query(f"SELECT {_SESSION_COLUMNS} FROM server_sessions WHERE token_hash = ?", (token_hash,))
        return self._session(rows[0]) if rows else None

    def touch_session(self, token_hash: str, now: datetime, expires_at: datetime) -> None:
        """Slide the idle expiry (callers do it at most every few seconds: it is a write)."""
        self.db.transaction(lambda x: x("UPDATE server_sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?"
                                        " AND ended_at IS NULL AND locked_at IS NULL",
                                        (self.db.t(now), self.db.t(expires_at), token_hash)))

    def end_session(self, token_hash: str, now: datetime, action: str = "sign_out") -> SessionRecord | None:
        """Sign out (``action="sign_out"``) or lock (``"lock"``): the token stops working either way; a lock
        keeps the session's row as locked (the next clerk signs in anew)."""
        column = "locked_at" if action == "lock" else "ended_at"

        def work(x: Execute) -> None:
            rows = x(f"UPDATE server_sessions SET {column} = ? WHERE token_hash = ? AND ended_at IS NULL"
                     f" AND locked_at IS NULL RETURNING {_SESSION_COLUMNS}", (self.db.t(now), token_hash))
            if rows:
                s = self._session(rows[0])
                self._audit(x, now, action, "ok", who=s.clerk_name, who_id=s.clerk_id, lane=s.lane,
                            subject_id=s.public_id)
        self.db.transaction(work)
        return self.session(token_hash)

    def select_customer(self, token_hash: str, customer_id: int, paysimple_id: int | None, name: str,
                        now: datetime) -> SessionRecord:
        """The clerk picked this customer: from now on this session's tokens, accounts and charges are for them."""
        def work(x: Execute) -> None:
            rows = x(f"UPDATE server_sessions SET customer_id = ?, paysimple_id = ?, customer_name = ?, selected_at = ?"
                     f" WHERE token_hash = ? RETURNING {_SESSION_COLUMNS}",
                     (customer_id, paysimple_id, name, self.db.t(now), token_hash))
            s = self._session(rows[0])
            self._audit(x, now, "select_customer", "ok", who=s.clerk_name, who_id=s.clerk_id, lane=s.lane,
                        subject=name, subject_id=str(customer_id))
        self.db.transaction(work)
        return self.session(token_hash)

    def add_selected_accounts(self, token_hash: str, accounts: list[SelectedAccount]) -> None:
        """Accounts the server itself read from PaySimple as the selected customer's (listing or verifying)."""
        if not accounts:
            return

        def work(x: Execute) -> None:
            for a in accounts:
                x("INSERT INTO server_selected_accounts (token_hash, paysimple_id, account_id, kind, last4, brand)"
                  " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (token_hash, paysimple_id, account_id) DO UPDATE SET"
                  " kind = excluded.kind, last4 = excluded.last4, brand = excluded.brand",
                  (token_hash, a.paysimple_id, a.account_id, a.kind, a.last4, a.brand))
        self.db.transaction(work)

    def selected_account(self, token_hash: str, paysimple_id: int, account_id: int) -> SelectedAccount | None:
        rows = self.db.query("SELECT * FROM server_selected_accounts WHERE token_hash = ? AND paysimple_id = ? AND"
                             " account_id = ?", (token_hash, paysimple_id, account_id))
        if not rows:
            return None
        r = rows[0]
        return SelectedAccount(int(r["paysimple_id"]), int(r["account_id"]), r["kind"], r["last4"], r["brand"])

    # ---- approvals -----------------------------------------------------------------------------------

    def grant_approval(self, token_hash: str, lane: str, session_id: str, manager_id: int, manager_name: str,
                       action: str, subject: str, reason: str, now: datetime, expires_at: datetime) -> None:
        def work(x: Execute) -> None:
            x("INSERT INTO server_approvals (token_hash, lane, session_id, manager_id, manager_name, action, subject,"
              " reason, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              (token_hash, lane, session_id, manager_id, manager_name, action, subject, reason, self.db.t(now),
               self.db.t(expires_at)))
        self.db.transaction(work)

    def use_approval(self, token_hash: str, lane: str, session_id: str, action: str, subject: str,
                     now: datetime) -> ApprovalGrant:
        """Spend an approval on ``action`` for ``subject`` (once). Raises ``Refused`` unless it was granted at
        this lane, in this clerk session, for this action and subject, and is unused and unexpired."""
        def work(x: Execute) -> ApprovalGrant:
            rows = x("SELECT * FROM server_approvals WHERE token_hash = ?", (token_hash,))
            if not rows:
                raise Refused("approval_unknown", say.APPROVAL_UNKNOWN)
            r = rows[0]
            grant = ApprovalGrant(r["lane"], r["session_id"], int(r["manager_id"]), r["manager_name"], r["action"],
                                  r["subject"], r["reason"], self.db.dt(r["created_at"]),
                                  self.db.dt(r["expires_at"]), self.db.dt(r["used_at"]))
            if grant.lane != lane or grant.session_id != session_id:
                raise Refused("approval_elsewhere", say.APPROVAL_ELSEWHERE)
            if grant.action != action or (grant.subject and grant.subject != subject):
                raise Refused("approval_other_action", say.APPROVAL_OTHER_ACTION.fill(grant.action, grant.subject,
                                                                                        action))
            if grant.used_at is not None:
                raise Refused("approval_used", say.APPROVAL_USED)
            if now >= grant.expires_at:
                raise Refused("approval_expired", say.APPROVAL_EXPIRED)
            if not x("UPDATE server_approvals SET used_at = ? WHERE token_hash = ? AND used_at IS NULL RETURNING lane",
                     (self.db.t(now), token_hash)):
                raise Refused("approval_used", say.APPROVAL_USED)
            return grant
        return self.db.transaction(work)

    # ---- charge idempotency keys ---------------------------------------------------------------------

    def claim_charge(self, key: ChargeKey) -> tuple[ChargeKey, bool]:
        """Record the key with its request's fingerprint; ``(the key's record, True)`` when this call made it,
        ``(the first claim, False)`` when the key was claimed already (by any server instance)."""
        try:
            self.db.transaction(lambda x: x(
                "INSERT INTO server_charge_keys (attempt_id, lane, fingerprint, session_id, clerk_id, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)", (key.attempt_id, key.lane, key.fingerprint, key.session_id,
                                               key.clerk_id, self.db.t(key.created_at))))
            return key, True
        except Conflict:
            return self.charge_key(key.attempt_id), False

    def charge_key(self, attempt_id: str) -> ChargeKey | None:
        rows = self.db.query("SELECT * FROM server_charge_keys WHERE attempt_id = ?", (attempt_id,))
        if not rows:
            return None
        r = rows[0]
        return ChargeKey(r["attempt_id"], r["lane"], r["fingerprint"], r["session_id"], int(r["clerk_id"]),
                         self.db.dt(r["created_at"]), r["refusal_code"], r["refusal"])

    def refuse_charge(self, attempt_id: str, code: str, message: str) -> None:
        """The claimed charge was refused before its attempt was written (lane busy with another payment, an
        invalid request): every retry with this key gets this refusal, never a charge."""
        self.db.transaction(lambda x: x("UPDATE server_charge_keys SET refusal_code = ?, refusal = ? WHERE attempt_id = ?"
                                        " AND refusal_code IS NULL", (code, message, attempt_id)))
