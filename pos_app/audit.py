"""The audit trail: who did what, at which lane, to what, with which outcome and when. Append-only.

Contract (no storage here; the stores implement :class:`AuditTrail`, e.g. ``pos_app.clerkstore.sqlite`` and
``pos_app.clerkstore.pg``):
- :class:`AuditEvent` is one fact: ``at`` (timezone-aware; a naive time is refused), ``action`` (``login``,
  ``approve``, ``add``, ``lock``, ...), ``outcome`` (``ok``, ``wrong_pin``, ``granted``, ...), ``who`` (the name
  of whoever acted or tried to: the name typed at a sign-in, the manager who approved or changed a clerk; ``-``
  when nobody did, such as the app itself), ``who_id`` (that clerk's id when known), ``lane`` (the counter, ``""``
  when not known), ``subject`` / ``subject_id`` (what it was done to: the clerk added, the approved action's
  subject; ``subject_id`` is that record's key when it has one), ``detail`` (short plain facts).
  PINs, API keys, tokens and full card or bank numbers never go into an event (callers' duty; the trail stores
  what it is given).
- :meth:`AuditTrail.append` writes one event and returns it as an :class:`AuditEntry` with its ``position``
  (increasing in append order, never reused); it is committed when the call returns. A store that changes
  something and records it does both in one transaction (the change and its entry commit together or not at
  all); see the store's own ``writing()``.
- :meth:`AuditTrail.read` returns the entries matching an :class:`AuditQuery` in append order. Times come back
  timezone-aware (UTC).
- Append-only: the database itself refuses to change or delete an entry (a trigger on every backend), so no
  code path of the app, nor a stray ``UPDATE``/``DELETE`` on the database, rewrites history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable


def aware(value: datetime, what: str = "audit times") -> datetime:
    """``value`` in UTC; a naive ``datetime`` (or anything else) raises ``ValueError``."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware datetimes, not {value!r}")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    action: str
    outcome: str
    who: str = "-"
    who_id: int | None = None
    lane: str = ""
    subject: str = ""
    subject_id: str | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", aware(self.at))
        if not self.action or not self.outcome:
            raise ValueError("an audit event needs an action and an outcome")
        for name in ("action", "outcome", "who", "lane", "subject", "detail"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"audit event {name} must be text")
        if self.who_id is not None and not isinstance(self.who_id, int):
            raise TypeError("audit event who_id must be an int clerk id or None")


@dataclass(frozen=True)
class AuditEntry:
    """An event as stored: ``position`` orders the trail (append order)."""

    position: int
    event: AuditEvent


@dataclass(frozen=True)
class AuditQuery:
    """Filters (all optional, combined with AND): exact ``action`` / ``outcome`` / ``who`` (as typed) / ``who_id`` /
    ``lane`` / ``subject``; ``since`` <= at < ``until`` (aware); ``after`` = entries after that position (to
    follow the trail); ``limit`` = the first that many."""

    action: str | None = None
    outcome: str | None = None
    who: str | None = None
    who_id: int | None = None
    lane: str | None = None
    subject: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after: int = 0
    limit: int | None = None

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, aware(value, f"audit query {name}"))
        if self.limit is not None and self.limit < 0:
            raise ValueError("audit query limit must be >= 0")


@runtime_checkable
class AuditTrail(Protocol):
    """Where audit events are kept (module doc)."""

    def append(self, event: AuditEvent) -> AuditEntry: ...

    def read(self, query: AuditQuery | None = None) -> list[AuditEntry]: ...

