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
- Store mode (issue 20, decision 0430): ``Settings.store_server`` holds the store server's address and its
  pinned certificate fingerprint; the lane credential is in the keyring (environment ``"store"``). Such a
  counter has no API key (:meth:`api_access` is None), no journal and no clerk file of its own: its clerk desk
  and its counter are one ``RemoteCounter`` (:meth:`store_desk`), made without a network call and connected by
  ``Counter.open``. :meth:`enroll_store` enrolls with a one-time code (the code, made by a manager on the
  server, is that manager's approval of the change); :meth:`apply_store` saves the settings; choosing any other
  environment later clears ``store_server``.
- Blocking calls (files, keyring, PIN checks, the network) run on workers and are marked ``off_gui_thread``
  (the GUI-thread guard refuses them on the main thread). Not marked: :meth:`load_settings`, which runs before
  any window exists (start-up; a storage fault is shown in a message box), the plain values, and the cached
  factories :meth:`clerks_for` / :meth:`store_desk` (a clerk desk opens its file on its own guarded calls;
  the store desk's first use reads the lane credential from the keyring) and :meth:`counter_start` (its Sandbox/Live key
  comes from the guarded :meth:`api_access`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.clerks import ClerkError, ManagerAction
from pos_app.config import API_BASE_URLS, Environment, Paths
from pos_app.counter.api import ApiAccess, CounterStart
from pos_app.counter.clerks import LocalClerks
from pos_app.counter.events import EventBus, SettingsChanged
from pos_app.counter.guard import off_gui_thread
from pos_app.settings import Settings

if TYPE_CHECKING:
    from pos_app.counter.remote import RemoteCounter
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


STORE_DATA_DIR = "store"  # a store-mode counter's own files (its search copy) under the data folder


@dataclass(frozen=True)
class StoreEnrollment:
    """A finished enrollment: what the settings keep (``url``, ``lane``, ``fingerprint``) and the environment
    the store server's PaySimple is (``environment``: Sandbox or Live). The credential went to the keyring."""

    url: str
    lane: str
    fingerprint: str
    environment: Environment
    server_name: str = ""

    @property
    def pretty_fingerprint(self) -> str:
        from pos_app.serverlink.pinning import pretty

        return pretty(self.fingerprint)


def check_store_url(url: str) -> str:
    """The store server's address as the counter keeps it; ``StoreUrlError`` (a ``ValueError``; ``str()``: what
    to type; ``plain_http``: plain http to another machine, decision 0408) for anything else."""
    from pos_app.serverlink.client import StoreUrlError, check_url

    text = str(url or "").strip()
    if not text:
        raise StoreUrlError("Type the store server's address, e.g. https://192.168.1.10:8443.")
    if "://" not in text:
        raise StoreUrlError("The store server's address starts with https:// (e.g. https://192.168.1.10:8443).")
    return check_url(text)


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
        self._desks: dict[Environment | str, LocalClerks | RemoteCounter] = {}  # "store": the store desk

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

    @off_gui_thread
    def save_settings(self, settings: Settings) -> None:
        """Training settings go to the training file only; a Sandbox/Live set-up into the counter's file
        (never from a ``--training`` run: ``PermissionError``). ``StorageError`` when the file cannot be
        written (the old file stays whole). Once written, ``SettingsChanged(settings)`` goes out on the run's
        change broadcast (``events``). Blocks on the disk: call it on a worker."""
        from pos_app.settings import as_training, load_settings, merge_into_counter, save_settings

        if settings.env is Environment.TRAINING:
            save_settings(as_training(settings), self.paths.training_settings_file)
            if not self.force_training:
                counter = load_settings(self.paths.settings_file)
                if counter.env is not Environment.TRAINING or not counter.setup_done or counter.store_server:
                    counter.environment, counter.setup_done = Environment.TRAINING.value, True
                    counter.store_server = {}
                    save_settings(counter, self.paths.settings_file)
        elif self.force_training:
            raise PermissionError("a --training run never writes the counter's Sandbox/Live settings")
        else:
            merge_into_counter(settings, self.paths.settings_file)
        self.events.publish(SettingsChanged(settings))

    @off_gui_thread
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

    @off_gui_thread
    def api_access(self, settings: Settings) -> ApiAccess | None:
        """Sandbox/Live: the API base URL, user and key for ``settings``' environment; None in training or
        when no key is saved (or kept for this session) for that user."""
        env = self.environment(settings)
        if env is Environment.TRAINING or self.store_mode(settings):
            return None
        user = settings.api_users.get(env.value, "")
        key = self._credentials.load(env.value, user) if user else None
        return ApiAccess(self.base_urls[env], user, key) if key else None

    @off_gui_thread
    def has_saved_key(self, environment: Environment, user: str) -> bool:
        """Whether this data folder has a key for ``user`` (the key itself never leaves the keyring)."""
        return bool(user) and self._credentials.has(Environment(environment).value, user)

    @off_gui_thread
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

    @off_gui_thread
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

    @off_gui_thread
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

    @off_gui_thread
    def sandbox_report(self):
        """The newest passed Sandbox test report (``conformance.ConformanceReport``), or None."""
        from pos_app.conformance import latest_passed

        return latest_passed(self.conformance_dir)

    @off_gui_thread
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
        if self.store_mode(settings):
            desk = self.store_desk(settings)
            return CounterStart(env, self.paths, desk.lane, clerks=desk, store=desk)
        clerks = self.clerks_for(env)
        demo = settings.demo_customers if demo_customers is None else demo_customers
        if env is Environment.TRAINING:
            return CounterStart(Environment.TRAINING, self.paths, lane, demo_customers=demo, clerks=clerks)
        access = self.api_access(settings)
        if access is None:
            raise MissingCredentials()
        return CounterStart(env, self.paths, lane, api=access, clerks=clerks)

    @off_gui_thread
    def restore_journal(self, environment: Environment, journal: Path, backup: Path, approval: Approval):
        """:func:`restore_journal` with ``environment``'s clerk desk (where the approval was given)."""
        return restore_journal(journal, backup, approval, self.clerks_for(environment))

    # ---- store mode (issue 20): a counter of a store server -----------------------------------------------

    def store_mode(self, settings: Settings) -> bool:
        """Whether this run's counter is a store server's lane (never in a ``--training`` run)."""
        return (not self.force_training and bool(settings.store_server)
                and self.environment(settings) is not Environment.TRAINING)

    @off_gui_thread
    def store_access(self, settings: Settings):
        """The ``StoreAccess`` of an enrolled counter whose credential is in the keyring; None otherwise (not
        store mode, or the keyring lost it: set-up again). Reads the keyring (a worker, or before any window)."""
        from pos_app.counter.remote import STORE_CREDENTIAL, StoreAccess

        if not self.store_mode(settings):
            return None
        access = StoreAccess(settings.store_server["url"], settings.lane, settings.store_server["fingerprint"])
        return access if self._credentials.has(STORE_CREDENTIAL, access.lane) else None

    @off_gui_thread
    def enroll_store(self, url: str, code: str, lane: str, timeouts=None) -> StoreEnrollment:
        """Enroll this counter as ``lane`` with a one-time code (``counter.remote.enroll_counter``: the server
        proves the code before it is sent; its certificate is pinned; the credential goes to the keyring), then
        ask the server which PaySimple it uses. Blocks (a worker). Raises ``ValueError`` (address, code, lane
        name), ``EnrollmentFailed`` (the server could not prove the code: nothing secret sent),
        ``ServerRefused`` (code used, expired, lane taken...), ``ServerUnreachable``, ``KeyringUnavailable``
        (then nothing is kept). Nothing is written to the settings here (:meth:`apply_store` does)."""
        from pos_app.counter.remote import STORE_CREDENTIAL, enroll_counter
        from pos_app.serverlink import messages as m
        from pos_app.serverlink.client import EnrollmentFailed, StoreLink, Timeouts
        from pos_app.serverlink.wire import decode

        if self.force_training:
            raise PermissionError("a --training run never enrolls this counter with a store server")
        timeouts = timeouts or Timeouts(connect=5, read=15, total=20)
        access = enroll_counter(check_store_url(url), code, lane, self._credentials, timeouts)
        link = StoreLink(access.url, access.fingerprint, self._credentials.load(STORE_CREDENTIAL, access.lane),
                         timeouts)
        try:
            _, data, _ = link.request("GET", "/v1/server")
        finally:
            link.close()
        info = decode(m.ServerInfo, data, "ServerInfo")
        try:
            environment = Environment(info.environment)
        except ValueError:
            environment = Environment.TRAINING
        if environment is Environment.TRAINING:
            raise EnrollmentFailed("The store server did not say which PaySimple it uses: update the server.")
        log.info("enrolled with the store server as lane %s (%s)", access.lane, environment.value)
        return StoreEnrollment(access.url, access.lane, access.fingerprint, environment, info.name)

    @off_gui_thread
    def apply_store(self, settings: Settings, enrolled: StoreEnrollment) -> None:
        """Save a store-mode set-up: the server's address and pinned fingerprint, the enrolled lane, the
        server's environment; keeps the store header and formats of ``settings``. No clerk file is touched
        (the clerks are the server's; the enrollment code was the manager's approval). ``StorageError``."""
        settings.environment = enrolled.environment.value
        settings.lane = enrolled.lane
        settings.store_server = {"url": enrolled.url, "fingerprint": enrolled.fingerprint}
        settings.setup_done = True
        self.save_settings(settings)
        log.info("set-up saved: store server, lane %s", enrolled.lane)

    def store_desk(self, settings: Settings):
        """This run's ``RemoteCounter`` (its clerk desk and its counter at once), made on first use without a
        network call: the credential from the keyring, the search copy in ``<data>/store/``. Raises
        ``MissingCredentials`` when the keyring has no credential for the lane (set-up again)."""
        from pos_app.counter.errors import MissingCredentials
        from pos_app.counter.remote import STORE_CREDENTIAL, RemoteCounter

        desk = self._desks.get("store")
        if desk is None:
            if not self.store_mode(settings):
                raise MissingCredentials()
            credential = self._credentials.load(STORE_CREDENTIAL, settings.lane)
            if not credential:
                raise MissingCredentials()
            server = settings.store_server
            desk = RemoteCounter.connect(server["url"], server["fingerprint"], credential, settings.lane,
                                         self.events, replica_dir=self.paths.data_dir / STORE_DATA_DIR,
                                         environment=self.environment(settings))
            self._desks["store"] = desk
        return desk

    @off_gui_thread
    def forget_store(self, settings: Settings) -> None:
        """The way back from a revoked or lost enrollment: drop this lane's credential from the keyring and
        mark the set-up as not done, so the next start runs the set-up wizard. ``StorageError``."""
        from pos_app.counter.remote import STORE_CREDENTIAL

        if not self.store_mode(settings):
            return
        try:
            self._credentials.delete(STORE_CREDENTIAL, settings.lane)
        except Exception as exc:  # noqa: BLE001 - a keyring that fails here only keeps a dead credential
            log.warning("the revoked lane credential stays in the keyring: %s", type(exc).__name__)
        settings.setup_done = False
        self.save_settings(settings)

    def close(self) -> None:
        for desk in self._desks.values():
            desk.close()
        self._desks.clear()
