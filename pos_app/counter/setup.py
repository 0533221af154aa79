"""This PC's set-up as use cases (no Qt): the run's settings, the Sandbox/Live API keys, the clerk files, the
Sandbox test reports, the connection test, the journal restore and the ``CounterStart`` of a run.

The shell (``ui/shell``) is the composition root: it decides Training / Sandbox / Live for the run and holds
one :class:`Setup`; screens call it (on workers where it blocks) instead of the settings file, the keyring,
the clerk files or the report folder.

Contracts:
- Training never touches Sandbox/Live (decision 0200): a ``--training`` run (``force_training``) reads and
  writes only ``settings-training.json`` and ``clerks-training.db``; :meth:`clerks_for` refuses any other
  environment's clerk file and :meth:`save_settings` the counter's own file. Choosing Training in a run
  without ``--training`` also makes the counter start in Training (the counter's file keeps its Sandbox/Live
  details).
- API keys go to the keyring only (or memory, for this session, when there is none); no call returns one but
  :meth:`api_access`, whose result goes straight into ``CounterStart`` (``ApiAccess`` hides the key in its
  ``repr``). :meth:`test_connection` with ``key=None`` uses the saved key without handing it out.
- Every Sandbox/Live set-up is approved in that environment's clerk file (:meth:`apply`): by the first manager
  created in it, else by an approval given with that file's desk; ``settings`` is recorded there.
- Blocking calls (files, keyring, PIN checks, the network) run on workers; :meth:`load_settings` also runs
  before any window exists (start-up), where a storage fault is shown in a message box.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.clerks import ClerkError, ManagerAction
from pos_app.config import API_BASE_URLS, Environment, Paths
from pos_app.counter.api import ApiAccess, CounterStart
from pos_app.counter.clerks import LocalClerks
from pos_app.counter.events import EventBus
from pos_app.settings import Settings

if TYPE_CHECKING:
    from pos_app.payments import Approval

log = logging.getLogger(__name__)


def check_connection(base_url: str, api_user: str, api_key: str) -> int:
    """One read-only request with these credentials; returns the number of customers. Blocks (about 20 s at
    most); raises the client's typed errors (``AuthenticationError``, ``RequestTimeout``, ...)."""
    from pos_app.paysimple import PaySimpleClient, Timeouts

    with PaySimpleClient(base_url, api_user, api_key, timeouts=Timeouts(connect=5, read=15),
                         max_retries=0) as client:
        return client.list_customers(page=1, page_size=1).total_items


def restore_journal(journal: Path, backup: Path, approval: Approval, clerks: LocalClerks):
    """Replace a damaged journal with ``backup`` (``payments.backups.restore_journal``: the damaged one is
    kept) on a manager's ``RESTORE_JOURNAL`` approval given with ``clerks``, which records it. Returns the
    ``RestoreReport``; raises ``RestoreRefused`` (nothing changed) or ``StorageError``."""
    from pos_app.payments.backups import restore_journal as core_restore

    return core_restore(journal, backup, manager=clerks.manager_clerk(approval), reason=approval.reason,
                        registry=clerks.registry())


class Setup:
    """One per app run (see the module docstring). ``credentials``: a ``pos_app.credentials.CredentialStore``
    (default: this data folder's; a ``--training`` run gets a throwaway one that can never find a real key);
    ``base_urls``: PaySimple's API per environment (tests point Sandbox at a stand-in)."""

    def __init__(self, paths: Paths, *, force_training: bool = False, credentials=None,
                 base_urls: Mapping[Environment, str] | None = None, events: EventBus | None = None) -> None:
        from pos_app.credentials import CredentialStore

        self.paths = paths
        self.force_training = force_training
        self.events = events or EventBus()
        self._credentials = credentials or (CredentialStore(secrets.token_hex(16)) if force_training
                                            else CredentialStore.for_data_dir(paths.data_dir))
        self.base_urls = dict(API_BASE_URLS) | dict(base_urls or {})
        self._desks: dict[Environment, LocalClerks] = {}

    @property
    def environments(self) -> tuple[Environment, ...]:
        """What this run may set up: Training only for a ``--training`` run."""
        return (Environment.TRAINING,) if self.force_training else tuple(Environment)

    def environment(self, settings: Settings) -> Environment:
        """The environment this run uses with ``settings`` (fixed for the run)."""
        return Environment.TRAINING if self.force_training else settings.env

    # ---- settings --------------------------------------------------------------------------------------

    def load_settings(self) -> Settings:
        """This run's settings (``settings.load_run_settings``); ``StorageError`` names an unusable file."""
        from pos_app.settings import load_run_settings

        return load_run_settings(self.paths, self.force_training)

    def save_settings(self, settings: Settings) -> None:
        """Training settings go to the training file only; a Sandbox/Live set-up into the counter's file
        (never from a ``--training`` run: ``PermissionError``). ``StorageError`` when the file cannot be
        written (the old file stays whole)."""
        from pos_app.settings import as_training, load_settings, merge_into_counter, save_settings

        if settings.env is Environment.TRAINING:
            save_settings(as_training(settings), self.paths.training_settings_file)
            if not self.force_training:
                counter = load_settings(self.paths.settings_file)
                if counter.env is not Environment.TRAINING or not counter.setup_done:
                    counter.environment, counter.setup_done = Environment.TRAINING.value, True
                    save_settings(counter, self.paths.settings_file)
            return
        if self.force_training:
            raise PermissionError("a --training run never writes the counter's Sandbox/Live settings")
        merge_into_counter(settings, self.paths.settings_file)

    def remember_save_folder(self, settings: Settings, folder: str) -> None:
        """Record where the person last saved a receipt or report (``Settings.save_folder``, decision 0353) in
        this run's settings file (training's in training), changing nothing else in it; a missing file is
        written from ``settings``. Blocks on the disk (a worker); ``StorageError`` when it cannot be written."""
        from pos_app.settings import remember_save_folder

        path = (self.paths.training_settings_file if self.environment(settings) is Environment.TRAINING
                else self.paths.settings_file)
        remember_save_folder(path, folder, settings)

    # ---- API keys --------------------------------------------------------------------------------------

    def base_url(self, environment: Environment) -> str:
        return self.base_urls[Environment(environment)]

    def api_access(self, settings: Settings) -> ApiAccess | None:
        """Sandbox/Live: the API base URL, user and key for ``settings``' environment; None in training or
        when no key is saved (or kept for this session) for that user."""
        env = self.environment(settings)
        if env is Environment.TRAINING:
            return None
        user = settings.api_users.get(env.value, "")
        key = self._credentials.load(env.value, user) if user else None
        return ApiAccess(self.base_urls[env], user, key) if key else None

    def has_saved_key(self, environment: Environment, user: str) -> bool:
        """Whether this data folder has a key for ``user`` (the key itself never leaves the keyring)."""
        return bool(user) and self._credentials.has(Environment(environment).value, user)

    def save_key(self, environment: Environment, user: str, key: str, session_only: bool = False) -> str:
        """Keep an API key: in the keyring ("keyring"), or in memory for this session only ("session").
        Raises ``KeyringUnavailable`` when there is no keyring and ``session_only`` is False."""
        env = Environment(environment).value
        if session_only:
            self._credentials.keep_for_session(env, user, key)
            return "session"
        self._credentials.save(env, user, key)
        return "keyring"

    @staticmethod
    def keyring_available() -> bool:
        from pos_app.credentials import keyring_available

        return keyring_available()

    @staticmethod
    def key_store_name() -> str:
        """Which password store keeps the keys (shown in set-up and About)."""
        from pos_app.credentials import backend_name

        return backend_name()

    def test_connection(self, environment: Environment, user: str, key: str | None) -> int:
        """A read-only request with ``user`` and ``key`` (None: the key saved for that user) to the
        environment's API; returns the number of customers, or raises the client's typed errors."""
        env = Environment(environment)
        if key is None:
            key = self._credentials.load(env.value, user) or ""
        return check_connection(self.base_urls[env], user, key)

    # ---- clerk files -----------------------------------------------------------------------------------

    def clerks_for(self, environment: Environment) -> LocalClerks:
        """The clerks of ``environment``'s clerk file (one desk per file for the run; opened on first use).
        Sandbox/Live rows carry an integrity tag keyed from the keyring (decision 0208)."""
        env = Environment(environment)
        if self.force_training and env is not Environment.TRAINING:
            raise PermissionError("a --training run never opens the Sandbox/Live clerk file")
        desk = self._desks.get(env)
        if desk is None:
            from pos_app.credentials import clerk_file_key

            desk = LocalClerks.for_data_dir(self.paths.data_dir, env, self.events,
                                            integrity_key=None if env is Environment.TRAINING else clerk_file_key)
            self._desks[env] = desk
        return desk

    def apply(self, settings: Settings, *, first_manager: tuple[str, str] | None = None,
              approvals: Mapping[ManagerAction, Approval] | None = None, go_live_subject: str = "") -> None:
        """Save a set-up (blocking; PIN checks). ``first_manager``: (name, PIN) to create as the first manager
        of an empty Sandbox/Live clerk file, who then approves the set-up (and going Live). ``approvals``:
        approvals given with this environment's desk (``SETTINGS`` or ``GO_LIVE``); one is required when the
        file has a manager. Records ``settings`` in that clerk file."""
        env = settings.env
        if env not in self.environments:
            raise ClerkError("This environment cannot be set up from here.", "not_allowed")
        approvals = dict(approvals or {})
        clerks = self.clerks_for(env)
        approver: Approval | None = None
        if env is Environment.TRAINING:
            clerks.clerks()  # the training file with its demo clerks
        elif first_manager is not None and not clerks.has_manager():
            name, pin = first_manager
            clerks.add_first_manager(name, pin)
            approver = clerks.approve(ManagerAction.SETTINGS, name, pin, "First set-up",
                                      subject=f"settings: {env.value}")
            if env is Environment.LIVE and ManagerAction.GO_LIVE not in approvals:
                clerks.approve(ManagerAction.GO_LIVE, name, pin, "First-run set-up", subject=go_live_subject)
        else:
            approver = approvals.get(ManagerAction.GO_LIVE) or approvals.get(ManagerAction.SETTINGS)
            if approver is None and clerks.has_manager():
                raise ClerkError("A manager of this environment must approve the change.", "not_allowed")
        self.save_settings(settings)
        if env is not Environment.TRAINING:
            clerks.record("settings", approver, "saved",
                          f"environment={env.value} api_user={settings.api_users.get(env.value, '')}")
        log.info("set-up saved: environment %s, lane %s", env.value, settings.lane)

    # ---- going Live: the Sandbox test payment's reports -------------------------------------------------

    @property
    def conformance_dir(self) -> Path | None:
        """Where Sandbox test reports go (None in a ``--training`` run, which never goes Live)."""
        from pos_app.conformance import conformance_dir

        return None if self.force_training else conformance_dir(self.paths.data_dir)

    def sandbox_report(self):
        """The newest passed Sandbox test report (``conformance.ConformanceReport``), or None."""
        from pos_app.conformance import latest_passed

        return latest_passed(self.conformance_dir)

    def write_conformance_report(self, report) -> Path:
        """Save a Sandbox test report (JSON, 0600) where :meth:`sandbox_report` finds it."""
        from pos_app.conformance import conformance_dir, write_report

        return write_report(report, conformance_dir(self.paths.data_dir))

    # ---- the run -----------------------------------------------------------------------------------------

    def counter_start(self, settings: Settings, lane: str, demo_customers: int | None = None) -> CounterStart:
        """What ``Counter.open`` opens for this run (the one start-up path), sharing the run's clerk desk:
        Training with its demo customers, or Sandbox/Live with this data folder's API key. Raises
        ``MissingCredentials`` when Sandbox/Live has no key (run the set-up first)."""
        from pos_app.counter.errors import MissingCredentials

        env = self.environment(settings)
        clerks = self.clerks_for(env)
        demo = settings.demo_customers if demo_customers is None else demo_customers
        if env is Environment.TRAINING:
            return CounterStart(Environment.TRAINING, self.paths, lane, demo_customers=demo, clerks=clerks)
        access = self.api_access(settings)
        if access is None:
            raise MissingCredentials()
        return CounterStart(env, self.paths, lane, api=access, clerks=clerks)

    def restore_journal(self, environment: Environment, journal: Path, backup: Path, approval: Approval):
        """:func:`restore_journal` with ``environment``'s clerk desk (where the approval was given)."""
        return restore_journal(journal, backup, approval, self.clerks_for(environment))

    def close(self) -> None:
        for desk in self._desks.values():
            desk.close()
        self._desks.clear()
