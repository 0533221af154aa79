"""Clerks at the counter, as use cases: sign in and out, the lock screen, manager approvals and clerk
management (``ClerksApi``, a part of ``CounterApi``), and their local implementation on this PC's clerk file
(``LocalClerks``, over ``pos_app.clerks.ClerkRegistry``). A store-server counter implements the same calls
against the server, which then holds the PINs (issue 20).

Contracts:
- Every call that checks a PIN or reads or writes the clerk file blocks (a PIN check costs at least 50 ms of
  scrypt) and runs on a worker; with the GUI-thread guard on, such a call on the main thread raises
  ``GuiThreadCall``. ``signed_in``, ``locked``, ``environment`` and ``clerk_name`` are plain values.
- PINs go in, never come out: no result, event or log line carries a PIN or its hash. Refusals are typed
  (``WrongPin``, ``LockedOut``, ``ApprovalWait``, ``ApprovalPaused``, ``ClerkNotAllowed``, ``ClerkFileTampered``,
  other ``ClerkError``s with a ``code``) or a ``StorageError`` naming the clerk file.
- One session per counter. :meth:`sign_in` (also over the lock screen, where any clerk may sign in, which
  switches the clerk) makes charges and changes attributed to that clerk and publishes ``ClerkSignedIn``;
  :meth:`sign_out` ends it (``ClerkSignedOut``); adding / removing a clerk or setting a PIN publishes
  ``ClerksChanged``; :meth:`lock` records the lock and keeps the clerk for the work
  already running (a payment in flight) until the next sign-in.
- :meth:`approve` checks a manager's PIN for one action with a reason and returns an ``Approval`` the payments
  core accepts; it is recorded with the clerk who asked. Wrong approval PINs count against approvals by that
  manager, never against their sign-in (``ApprovalWait`` 1, 2, 4, 8 s, then ``ApprovalPaused``). Even a
  signed-in manager types the PIN again.
- Clerk management (:meth:`add_clerk`, :meth:`remove_clerk`, :meth:`reset_pin`) needs a manager: the signed-in
  one, or an ``Approval`` for ``MANAGE_CLERKS`` that this same service issued (a server verifies its own the
  same way; an approval made up elsewhere is refused with ``ClerkNotAllowed``).
- The clerk file opens on the first call (on a worker): a damaged or tampered file surfaces there, named.
  Training's file gets the demo manager and clerk (their PINs are shown on the training sign-in screen).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pos_app.clerks import Clerk, ClerkRegistry, ManagerAction, NotAllowed, Role, clerks_db_path
from pos_app.config import Environment
from pos_app.counter.events import ClerksChanged, ClerkSignedIn, ClerkSignedOut, EventBus
from pos_app.counter.guard import off_gui_thread

if TYPE_CHECKING:
    from pos_app.payments import Approval

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignedIn:
    """A PIN-checked sign-in: who is signed in now, since when, and whether it switched the clerk."""

    clerk: Clerk
    at: datetime
    switched: bool


@runtime_checkable
class ClerksApi(Protocol):
    """The clerk use cases (see the module docstring for the contract of each)."""

    environment: Environment
    events: EventBus

    @property
    def signed_in(self) -> Clerk | None: ...
    @property
    def locked(self) -> bool: ...
    def clerk_name(self, clerk_id: str) -> str: ...

    def clerks(self) -> list[Clerk]: ...
    def has_manager(self) -> bool: ...
    def sign_in(self, name: str, pin: str) -> SignedIn: ...
    def sign_out(self) -> None: ...
    def lock(self) -> None: ...
    def approve(self, action: ManagerAction, manager: str, pin: str, reason: str, subject: str = "") -> Approval: ...
    def add_clerk(self, name: str, pin: str, role: Role, approval: Approval | None = None) -> Clerk: ...
    def remove_clerk(self, clerk_id: int, approval: Approval | None = None) -> Clerk: ...
    def reset_pin(self, clerk_id: int, pin: str, approval: Approval | None = None) -> Clerk: ...


class LocalClerks:
    """``ClerksApi`` on this PC's clerk file for one kind of environment (``clerks.clerks_db_path``).

    ``integrity_key``: a callable returning ``(key, made_now)`` for the file's row tags (Sandbox/Live: from the
    keyring, ``credentials.clerk_file_key``); None for training. The file opens on first use."""

    def __init__(self, path: Path, environment: Environment, events: EventBus | None = None,
                 integrity_key=None, clock=None) -> None:
        self.path = Path(path)
        self.environment = Environment(environment)
        self.events = events or EventBus()
        self._integrity_key = integrity_key
        self._clock = clock or (lambda: datetime.now(UTC))
        self._open_lock = threading.Lock()
        self._lock = threading.Lock()
        self._registry: ClerkRegistry | None = None
        self._clerk: Clerk | None = None
        self._locked = False
        self._names: dict[str, str] = {}
        self._issued: set[Approval] = set()  # approvals this service gave (clerk management checks them)

    @classmethod
    def for_data_dir(cls, data_dir: Path, environment: Environment, events: EventBus | None = None,
                     integrity_key=None) -> LocalClerks:
        """The clerk file of ``environment`` in the data folder (training and Sandbox/Live never share one)."""
        environment = Environment(environment)
        return cls(clerks_db_path(Path(data_dir), environment.value), environment, events, integrity_key)

    # ---- the file -------------------------------------------------------------------------------------

    def _reg(self) -> ClerkRegistry:
        with self._open_lock:
            if self._registry is None:
                from pos_app.private_files import private_file

                path = private_file(self.path)  # 0600 before SQLite creates it
                if self._integrity_key is None:
                    registry = ClerkRegistry(path, clock=self._clock)
                else:
                    key, made_now = self._integrity_key(path)
                    registry = ClerkRegistry(path, clock=self._clock, integrity_key=key, key_is_new=made_now)
                try:
                    if self.environment is Environment.TRAINING:
                        registry.ensure_training_clerks()
                    self._remember(registry.list())
                except BaseException:
                    registry.close()
                    raise
                self._registry = registry
            return self._registry

    def _remember(self, clerks: list[Clerk]) -> None:
        with self._lock:
            self._names.update({str(c.id): c.name for c in clerks})

    def verify(self) -> None:
        """Open the file and check every row's integrity tag (a start-up check before any window: raises
        ``ClerkFileTampered`` or ``StorageError``)."""
        self._reg().verify()

    def close(self) -> None:
        with self._open_lock:
            if self._registry is not None:
                self._registry.close()
                self._registry = None

    # ---- plain values ---------------------------------------------------------------------------------

    @property
    def signed_in(self) -> Clerk | None:
        with self._lock:
            return self._clerk

    @property
    def locked(self) -> bool:
        with self._lock:
            return self._locked

    def clerk_name(self, clerk_id: str) -> str:
        """A clerk's name for screens and receipts (the id itself when this counter does not know it). From the
        names read with the clerk list and this service's own changes: no file access."""
        with self._lock:
            return self._names.get(str(clerk_id), str(clerk_id))

    # ---- reads ----------------------------------------------------------------------------------------

    @off_gui_thread
    def clerks(self) -> list[Clerk]:
        """Active clerks by name (the sign-in list; managers are those with ``is_manager``)."""
        clerks = self._reg().list()
        self._remember(clerks)
        return clerks

    @off_gui_thread
    def has_manager(self) -> bool:
        """Whether the file has an active manager (a file that does not exist yet has none, and is not made)."""
        if self._registry is None and not self.path.exists():
            return False
        return self._reg().has_manager()

    # ---- the session ----------------------------------------------------------------------------------

    @off_gui_thread
    def sign_in(self, name: str, pin: str) -> SignedIn:
        """Check the PIN (lockout after repeated wrong PINs) and make this clerk the signed-in one."""
        clerk = self._reg().login(name, pin)
        with self._lock:
            switched = self._clerk is None or self._clerk.id != clerk.id
            self._clerk, self._locked = clerk, False
            self._names[str(clerk.id)] = clerk.name
        self.events.publish(ClerkSignedIn(str(clerk.id)))
        return SignedIn(clerk, self._clock(), switched)

    @off_gui_thread
    def sign_out(self) -> None:
        """Nobody is signed in from now on (charges and changes are refused until the next sign-in)."""
        with self._lock:
            clerk, self._clerk, self._locked = self._clerk, None, False
        if clerk is not None:
            self._reg().record("sign_out", clerk.name, clerk.id, "ok")
        self.events.publish(ClerkSignedOut())

    @off_gui_thread
    def lock(self) -> None:
        """The lock screen is up: recorded; the clerk stays attributed for work already running."""
        with self._lock:
            clerk, self._locked = self._clerk, True
        self._reg().record("lock", clerk.name if clerk else "-", clerk.id if clerk else None, "locked")

    # ---- approvals ------------------------------------------------------------------------------------

    @off_gui_thread
    def approve(self, action: ManagerAction, manager: str, pin: str, reason: str, subject: str = "") -> Approval:
        """A manager approves ``action`` with their PIN and a reason (recorded with the signed-in clerk)."""
        from pos_app.payments import Approval

        action = ManagerAction(action)
        approver = self._reg().approve(manager, pin, action, reason, clerk=self.signed_in, subject=subject)
        approval = Approval.from_clerk(approver, reason.strip(), action)
        with self._lock:
            self._issued.add(approval)
            self._names[str(approver.id)] = approver.name
        return approval

    def _manager(self, approval: Approval | None, action: ManagerAction) -> Clerk:
        """Who may do a manager-only change: the approval's manager (issued here, for ``action``) or the
        signed-in clerk; ``ClerkNotAllowed`` when neither is a manager."""
        if approval is None:
            clerk = self.signed_in
            self._reg().require_manager(clerk, action)
            return clerk
        with self._lock:
            issued = approval in self._issued
        if not issued or approval.action != action.value:
            raise NotAllowed(f"Only a manager can do this ({action.value.replace('_', ' ')}).", action.value)
        manager = self._reg().get(int(approval.manager_id))
        self._reg().require_manager(manager, action)
        return manager

    # ---- clerk management -----------------------------------------------------------------------------

    @off_gui_thread
    def add_clerk(self, name: str, pin: str, role: Role, approval: Approval | None = None) -> Clerk:
        clerk = self._reg().add(name, pin, Role(role), by=self._manager(approval, ManagerAction.MANAGE_CLERKS))
        self._remember([clerk])
        self.events.publish(ClerksChanged(str(clerk.id)))
        return clerk

    @off_gui_thread
    def remove_clerk(self, clerk_id: int, approval: Approval | None = None) -> Clerk:
        """Deactivate a clerk (never yourself, never the last manager); returns who was removed."""
        by = self._manager(approval, ManagerAction.MANAGE_CLERKS)
        target = self._reg().get(clerk_id)
        if target is None:
            from pos_app.clerks import ClerkError

            raise ClerkError("No such clerk.", "no_such_clerk")
        self._reg().deactivate(clerk_id, by=by)
        self.events.publish(ClerksChanged(str(clerk_id)))
        return target

    @off_gui_thread
    def reset_pin(self, clerk_id: int, pin: str, approval: Approval | None = None) -> Clerk:
        """A new PIN for a clerk (also lifts a lockout); returns whose PIN it is."""
        by = self._manager(approval, ManagerAction.MANAGE_CLERKS)
        self._reg().reset_pin(clerk_id, pin, by=by)
        target = self._reg().get(clerk_id)
        assert target is not None
        self.events.publish(ClerksChanged(str(clerk_id)))
        return target

    # ---- set-up (pos_app.counter.setup) ---------------------------------------------------------------

    @off_gui_thread
    def add_first_manager(self, name: str, pin: str) -> Clerk:
        """Set-up only: the first manager of an empty Sandbox/Live clerk file (refused once one exists)."""
        clerk = self._reg().add(name, pin, Role.MANAGER, by=None)
        self._remember([clerk])
        self.events.publish(ClerksChanged(str(clerk.id)))
        return clerk

    @off_gui_thread
    def record(self, kind: str, approval: Approval | None, outcome: str, detail: str = "") -> None:
        """An event in the clerk file's audit trail, attributed to the approving manager (never a PIN)."""
        self._reg().record(kind, approval.manager_name if approval else "-",
                           int(approval.manager_id) if approval else None, outcome, detail)

    def manager_clerk(self, approval: Approval) -> Clerk:
        """The approving manager as a ``Clerk`` value (for the core calls that take one)."""
        return Clerk(int(approval.manager_id), approval.manager_name, Role(approval.role))

    def registry(self) -> ClerkRegistry:
        """The clerk file itself, for the application layer's own use (journal restore); never for screens."""
        return self._reg()
