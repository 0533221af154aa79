"""The trustworthy shell around the counter window: language, crash handler, first-run set-up, clerk
sign-in, idle lock, manager approvals, About, and the menus for them.

Use from the app start (see ``pos_app.ui.shell.app``)::

    shell = Shell(app, paths, settings, force_training=args.training)
    if not shell.start():            # translator + crash handler + set-up (if needed) + sign-in
        return 0                     # the clerk pressed Quit
    window = MainWindow(shell.environment, settings.lane)
    shell.attach(window)             # menus, idle lock, crash dialogs parented to the window
    window.start_counter(shell.counter_start(lane, demo))   # the one start-up path, every environment

or, to show the counter first (start-up time) and sign in over it: ``shell.prepare()``,
``shell.ensure_setup()``, build + show the window, ``shell.attach(window)``, ``shell.sign_in_over(window)``.

Decisions:
- ``--training`` never asks set-up questions (nor does a finished set-up that chose Training): training needs
  no credentials; its clerk file gets the demo manager/clerk (``pos_app.clerks``) whose PINs are shown on the
  training sign-in screen. Without ``--training`` the first start shows the set-up wizard (Training selected);
  Sandbox/Live show it again when the API key is not available (keyring emptied, or last session's key was
  memory-only).
- The environment in use is fixed for the run. Changing it in Settings (manager approval; Live needs the
  go-live approval too) takes effect at the next start, so a payment in flight never changes environment.
- Training never touches Sandbox/Live (issue 14 §1, decision 0200): a training run reads and writes only
  ``settings-training.json`` and ``clerks-training.db`` (``save`` routes by environment; a ``--training`` run
  cannot open another environment's clerk file, and its Settings offers Training only). A change to
  Sandbox/Live settings needs a manager of that environment's clerk file (asked in the wizard when the
  approval that opened Settings came from another file) and is recorded in that file's approvals and events.
- Sandbox and Live keep their customer directory and payment journal in ``<data>/<environment>/`` (training
  keeps the data dir itself), so training practice never shows up in a real end-of-day and the two real
  environments never share a lane's journal. Settings and the clerk files stay in the data dir.
- Clerks go through the application layer (``pos_app.counter``): the run's ``Setup`` (settings, API keys,
  clerk files, reports) and its clerk desk (``ClerksApi``: sign-in, lock, approvals, clerk management; PINs
  are checked on workers). The desk goes into the ``CounterStart``, so the counter attributes charges to
  whoever signed in here: there is no separate "tell the counter who it is" step.
- The shell talks to the counter window through its public surface only (``MainWindow``: signals
  ``counterReady``, ``selectionChanged``, ``nativeWindowChanged``, ``signInRequested``, ``userActivity``; calls
  ``set_locked``, ``start_counter``; the ``counter`` application service) and gives it a ``CounterSession``
  (settings, the clerk desk, the journal restore) instead of being read back by the window.
- Payment history (Counter menu, Ctrl+H) and End of day (Manager menu) get ``counter_payments()``
  (``Counter.payments``: the merchant header, the store time zone; void/refund approvals go through
  ``approve``; see ``ui/payments/history.py``, ``ui/payments/eod_view.py``).
- Customers at the counter (Counter menu): "New customer…" (Ctrl+N; the search text pre-fills it) and
  "Edit customer…" (Ctrl+E, enabled while a customer is shown), ``ui/customers/customer_edit.py``. The shell
  follows the window's selection (``selectionChanged``); after a save the counter's ``CustomerSaved`` event
  makes the window show the customer.
- Manager → "Import customers from CSV…" (``ui/csv_import_dialog.py``): a bulk change of the customer list,
  so a signed-in manager opens it directly and a clerk needs a manager's PIN (recorded as a SETTINGS
  approval, subject "Import customers from CSV"), like Clerks….
- The lock screen (idle or "Lock now") is window-modal over the counter and cannot be dismissed without a
  PIN; a payment already running keeps running behind it. Signing in as someone else switches the clerk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from pos_app import money
from pos_app.config import Environment, Paths
from pos_app.counter import (
    Clerk,
    ClerksApi,
    CounterStart,
    ManagerAction,
    Role,
    Settings,
    SettingsChanged,
    Setup,
    SignedIn,
)
from pos_app.ui.common.banner import environment_name
from pos_app.ui.common.events import EventRelay
from pos_app.ui.common.i18n import LANGUAGES, Retranslating, fmt, install_translator, tr
from pos_app.ui.common.ops import BackgroundOp, wait_for
from pos_app.ui.common.save_files import SaveFolder
from pos_app.ui.counter.main_window import CounterSession, MainWindow
from pos_app.ui.shell.about import AboutDialog
from pos_app.ui.shell.crash import CrashHandler
from pos_app.ui.shell.login import IdleLock, LoginDialog
from pos_app.ui.shell.manager_approval import ClerkManagementDialog, request_approval
from pos_app.ui.shell.setup_wizard import SetupWizard

if TYPE_CHECKING:
    from pos_app.counter import Approval

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class QuitQuestion(Retranslating, QMessageBox):
    """Counter → Quit's question; its words follow a language switch."""


class Shell(QObject):
    clerk_changed = Signal(object)   # Clerk
    locked_changed = Signal(bool)

    def __init__(self, app: QApplication, paths: Paths, settings: Settings, *, force_training: bool = False,
                 credentials=None, base_urls: Mapping[Environment, str] | None = None,
                 setup: Setup | None = None) -> None:
        """``credentials`` / ``base_urls``: for the run's ``Setup`` (a keyring store of this data folder, the API
        per environment); ``setup``: one already made (the app start's)."""
        super().__init__(app)
        self.app, self.paths, self.settings = app, paths, settings
        self.force_training = force_training
        # The keyring entries of this data folder (bound to its installation id). A --training run gets a
        # throwaway id: it can never find a Sandbox/Live key, and leaves no installation.id behind.
        self.setup = setup or Setup(paths, force_training=force_training, credentials=credentials,
                                    base_urls=base_urls)
        self.window: MainWindow | None = None
        self.idle: IdleLock | None = None
        self.events: EventRelay | None = None
        self._store_desk: ClerksApi | None = None  # store mode: the lane's RemoteCounter, once made  # the run's change broadcast, once a window is attached
        self.lock_dialog: LoginDialog | None = None
        self.sign_in_dialog: LoginDialog | None = None
        self.language = "en"
        self.lock_action = self.history_action = self.new_customer_action = self.edit_customer_action = None
        self.clerks_action = self.settings_action = self.eod_action = self.import_action = None
        self.sandbox_test_action = self.about_action = self.sign_out_action = self.quit_action = None
        # Save dialogs (receipts, reports) start in the folder last saved to, else Documents
        self.save_folder = SaveFolder(settings.save_folder, self.remember_save_folder)
        self.crash = CrashHandler(paths.crash_dir, context=self._crash_context, parent_widget=lambda: self.window,
                                  environment=lambda: self.environment.value)

    # --- state ------------------------------------------------------------------------------------------

    @property
    def environment(self) -> Environment:
        return self.setup.environment(self.settings)

    @property
    def store_mode(self) -> bool:
        """This counter is a store server's lane (issue 20): no key, the server's clerks."""
        return self.setup.store_mode(self.settings)

    @property
    def clerks(self) -> ClerksApi:
        """This run's clerk desk (its environment's clerk file; in store mode the lane's ``RemoteCounter``, so
        PINs are checked by the store server): sign-in, lock, approvals, clerk management."""
        if self.store_mode:
            if self._store_desk is None:  # made once; its credential comes from the keyring, read on a worker
                setup, settings = self.setup, self.settings
                self._store_desk = wait_for(lambda: setup.store_desk(settings), "store desk")
            return self._store_desk
        return self.setup.clerks_for(self.environment)

    @property
    def clerk(self) -> Clerk | None:
        """The signed-in clerk (the desk's session; also the counter's)."""
        return self.clerks.signed_in

    def remember_save_folder(self, folder: str) -> None:
        """The folder the person last saved a receipt/report to, kept in this run's settings file (training's in
        training) on a worker; only that value of the file changes. A failure is logged: the next Save dialog
        of this run still starts there."""
        self.settings.save_folder = folder
        current, setup = Settings.from_json(self.settings.to_json()), self.setup
        BackgroundOp(lambda ctx: setup.remember_save_folder(current, folder),
                     on_error=lambda exc: log.warning("the last save folder was not remembered: %s", exc),
                     label="remember save folder").start()

    def _crash_context(self) -> dict[str, str]:
        return {"environment": self.environment.value, "lane": self.settings.lane,
                "clerk id": str(self.clerk.id) if self.clerk else "-"}

    # --- start ------------------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Before any window: UI language, the store's money format and the crash handler."""
        self.language = install_translator(self.app, self.settings.language)
        money.set_store_format(self.settings.money_format)
        self.crash.install()

    def needs_setup(self) -> bool:
        """First run (unless ``--training``), or Sandbox/Live without a usable API key."""
        if self.force_training:
            return False
        if not self.settings.setup_done:
            return True
        if self.environment is Environment.TRAINING and not self.store_mode:
            return False
        setup, settings = self.setup, self.settings
        if self.store_mode:  # enrolled, and the lane credential is still in the keyring (read on a worker)
            return wait_for(lambda: setup.store_access(settings), "lane credential") is None
        return wait_for(lambda: setup.api_access(settings), "API key") is None

    def run_setup(self, parent: QWidget | None = None, settings: Settings | None = None,
                  approval: Approval | None = None) -> bool:
        """The set-up wizard on ``settings`` (default: this run's). A ``--training`` run offers Training only.
        ``approval`` = the manager approval that opened it (given in this run's clerk file)."""
        wizard = SetupWizard(settings or self.settings, self.setup, parent, approval=approval)
        self.setup_wizard = wizard
        return wizard.exec() == SetupWizard.DialogCode.Accepted

    def ensure_setup(self) -> bool:
        """The set-up wizard until set-up is complete (modal, before the counter window). False = cancelled."""
        while self.needs_setup():
            if not self.run_setup():
                return False
        return True

    def start(self) -> bool:
        """Translator, crash handler, set-up when needed, sign-in (modal, before any window).
        False = the clerk cancelled the set-up or chose Quit."""
        self.prepare()
        if not self.ensure_setup():
            return False
        dialog = LoginDialog(self.clerks, self.environment, store_name=self.settings.merchant.name)
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.signed is None:
            return False
        self.signed_in(dialog.signed)
        return True

    def sign_in_over(self, window: QWidget, on_quit=None) -> LoginDialog:
        """Non-blocking sign-in, window-modal over an already shown counter (whose back end starts behind
        it). Quit calls ``on_quit`` (default: quit the app)."""
        dialog = LoginDialog(self.clerks, self.environment, window, store_name=self.settings.merchant.name)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(lambda: self.signed_in(dialog.signed))
        dialog.rejected.connect(on_quit or self.app.quit)
        self.sign_in_dialog = dialog
        dialog.open()
        self.raise_login()
        return dialog

    def signed_in(self, signed: SignedIn) -> None:
        """A sign-in the desk accepted (the counter already attributes to this clerk)."""
        self.clerk_changed.emit(signed.clerk)
        self._show_clerk()
        self._set_window_locked(False)

    def _set_window_locked(self, locked: bool) -> None:
        """The counter shows and accepts nothing while nobody is signed in or the lock screen is up."""
        window = self.window
        if window is not None:
            clerk = self.clerk is not None

            def title() -> str:
                return translate("Shell", "Screen locked") if clerk else translate("Shell", "Signed out")
            window.set_locked(locked, title if locked else None)
        for action in (self.history_action, self.new_customer_action, self.edit_customer_action,
                       self.clerks_action, self.settings_action, self.eod_action, self.import_action,
                       self.lock_action, self.sandbox_test_action, self.sign_out_action):
            if action is not None:
                action.setEnabled(not locked)
        if not locked and self.new_customer_action is not None:
            self._update_customer_actions()

    def login_dialog(self) -> LoginDialog | None:
        """The sign-in or lock screen that is up now, if any."""
        for dialog in (self.lock_dialog, self.sign_in_dialog):
            if dialog is not None and dialog.isVisible():
                return dialog
        return None

    def raise_login(self) -> None:
        """Put the sign-in / lock screen on top of the counter with the keyboard focus (again)."""
        dialog = self.login_dialog()
        window = self.window
        if dialog is None:
            if self.clerk is None and self.sign_in_dialog is not None and window is not None:
                self.sign_in_dialog.open()  # closed somehow while nobody is signed in: open it again
                dialog = self.sign_in_dialog
            else:
                return
        handle, parent = dialog.windowHandle(), window.windowHandle() if window is not None else None
        if handle is not None and parent is not None and handle.transientParent() is not parent:
            handle.setTransientParent(parent)  # the counter's native window was re-created
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.pin.setFocus()

    def _native_window_changed(self) -> None:
        if self.idle is not None and self.window is not None:
            self.idle.watch(self.window)
        for widget in QApplication.topLevelWidgets():  # every dialog over the counter follows the new window
            if widget is self.window or not widget.isVisible() or widget.parentWidget() is not self.window:
                continue
            handle = widget.windowHandle()
            if handle is not None and self.window.windowHandle() is not None:
                handle.setTransientParent(self.window.windowHandle())
        if self.login_dialog() is not None:
            self.raise_login()

    # --- the counter window -----------------------------------------------------------------------------

    def attach(self, window: MainWindow) -> None:
        """Menus (Counter, Manager, Help), idle lock, and crash dialogs over this window."""
        self.window = window
        window.session = CounterSession(settings=lambda: self.settings, clerks=self.clerks,
                                        restore_journal=lambda journal, backup, approval: self.setup.restore_journal(
                                            self.environment, journal, backup, approval),
                                        save_folder=self.save_folder)
        bar = window.menuBar()
        counter = window.with_live(bar.addMenu(""), lambda: translate("Shell", "&Counter"), "setTitle")
        self.lock_action = window.with_live(QAction(window), lambda: translate("Shell", "Lock screen"))
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        counter.addAction(self.lock_action)
        self.sign_out_action = window.with_live(QAction(window), lambda: translate("Shell", "Sign &out"))
        self.sign_out_action.triggered.connect(self.sign_out)
        counter.addAction(self.sign_out_action)
        self.history_action = window.with_live(QAction(window), lambda: translate("Shell", "Payment history…"))
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.triggered.connect(self.show_history)
        counter.addAction(self.history_action)
        counter.addSeparator()
        self.new_customer_action = window.with_live(QAction(window), lambda: translate("Shell", "New customer…"))
        self.new_customer_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_customer_action.triggered.connect(self.new_customer)
        counter.addAction(self.new_customer_action)
        self.edit_customer_action = window.with_live(QAction(window), lambda: translate("Shell", "Edit customer…"))
        self.edit_customer_action.setShortcut(QKeySequence("Ctrl+E"))
        self.edit_customer_action.triggered.connect(self.edit_customer)
        counter.addAction(self.edit_customer_action)
        counter.addSeparator()
        language = window.with_live(counter.addMenu(""), lambda: translate("Shell", "&Language"), "setTitle")
        self.language_actions = {}
        for code, name in LANGUAGES.items():  # each language by its own name, in any UI language
            action = QAction(name, window)
            action.setCheckable(True)
            action.setChecked(code == self.language)
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            language.addAction(action)
            self.language_actions[code] = action
        counter.addSeparator()
        self.quit_action = window.with_live(QAction(window), lambda: translate("Shell", "&Quit"))
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.quit)
        counter.addAction(self.quit_action)
        manager = window.with_live(bar.addMenu(""), lambda: translate("Shell", "&Manager"), "setTitle")
        self.clerks_action = window.with_live(QAction(window), lambda: translate("Shell", "Clerks…"))
        self.clerks_action.triggered.connect(self.manage_clerks)
        manager.addAction(self.clerks_action)
        self.settings_action = window.with_live(QAction(window), lambda: translate("Shell", "Settings…"))
        self.settings_action.triggered.connect(self.open_settings)
        manager.addAction(self.settings_action)
        self.eod_action = window.with_live(QAction(window), lambda: translate("Shell", "End of day…"))
        self.eod_action.triggered.connect(self.show_end_of_day)
        manager.addAction(self.eod_action)
        self.import_action = window.with_live(QAction(window), lambda: translate("Shell", "Import customers from CSV…"))
        self.import_action.triggered.connect(self.import_customers)
        manager.addAction(self.import_action)
        self.sandbox_test_action = window.with_live(QAction(window), lambda: translate("Shell", "Sandbox test payment…"))
        self.sandbox_test_action.triggered.connect(self.sandbox_test)
        self.sandbox_test_action.setVisible(self.environment is Environment.SANDBOX)
        manager.addAction(self.sandbox_test_action)
        help_menu = window.with_live(bar.addMenu(""), lambda: translate("Shell", "&Help"), "setTitle")
        self.about_action = window.with_live(QAction(window), lambda: translate("Shell", "About"))
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)
        if self.store_mode:
            window.show_store(self.store_host())
        self.idle = IdleLock(self.app, self.settings.idle_lock_minutes, busy=window.busy)
        self.idle.locked.connect(self.lock)
        window.nativeWindowChanged.connect(self._native_window_changed)
        window.signInRequested.connect(self.raise_login)
        window.setupAgainRequested.connect(self.setup_again)
        self.events = EventRelay(window)  # the run's change broadcast (settings saved by the set-up)
        self.events.event.connect(self._counter_event)
        self.events.attach(self.setup.events)
        window.userActivity.connect(self.idle.activity)
        for action in window.findChildren(QAction):  # menu shortcuts are input too
            action.triggered.connect(self.idle.activity)
        self._set_window_locked(self.clerk is None)
        self._show_clerk()

        window.counterReady.connect(self._update_customer_actions)
        window.counterReady.connect(self._storage_notices)
        window.selectionChanged.connect(lambda _hit: self._update_customer_actions())
        counter.aboutToShow.connect(self._update_customer_actions)
        self._update_customer_actions()

    def _storage_notices(self) -> None:
        """Once the back end is up: a rebuilt customer list or a failed start-up journal backup."""
        from pos_app.ui.shell.storage_messages import show_startup_notices

        counter = self.window.counter if self.window is not None else None
        if counter is not None:
            show_startup_notices(self.window, counter.startup_notices())

    def store_host(self) -> str:
        """The store server's host (and port) as the banner and status name it."""
        from urllib.parse import urlsplit

        return urlsplit(self.settings.store_server.get("url", "")).netloc

    def setup_again(self) -> None:
        """The way back from a revoked lane or a changed server certificate: this lane's credential is dropped
        and the set-up wizard runs (no approval: the store server no longer vouches for this counter, and a new
        enrollment needs a manager's new code). The new set-up applies from the next start."""
        from pos_app.counter import StorageError as _StorageError

        draft, setup = Settings.from_json(self.settings.to_json()), self.setup
        try:
            wait_for(lambda: setup.forget_store(draft), "forget the lane credential")  # keyring + settings file
        except _StorageError as exc:
            QMessageBox.warning(self.window, translate("Shell", "Set up again"), str(exc))
            return
        draft.setup_done = True
        if self.run_setup(self.window, settings=draft):
            QMessageBox.information(self.window, translate("Shell", "Restart needed"),
                                    translate("Shell", "The counter uses the new set-up from the next start. "
                                                       "Close the app and open it again."))

    def counter_start(self, lane: str, demo_customers: int | None = None) -> CounterStart:
        """What ``MainWindow.start_counter`` opens for this run (the one start-up path), with this run's clerk
        desk: Training with its demo customers, or Sandbox/Live with this data folder's API key. Raises
        ``MissingCredentials`` when Sandbox/Live has no key (run the set-up first). The key is read from the
        keyring on a worker."""
        setup, settings = self.setup, self.settings
        return wait_for(lambda: setup.counter_start(settings, lane, demo_customers), "counter start")

    def _show_clerk(self) -> None:
        """Who is signed in, in the counter's banner (it follows a language switch)."""
        if self.window is not None:
            self.window.show_signed_in(self.clerk.name if self.clerk is not None else None)

    def sign_out(self) -> None:
        """Counter → Sign out: the clerk leaves and the counter waits for the next one, like the lock screen but
        with nobody signed in (the sign-in screen over the "Signed out" cover; nothing is charged until someone
        signs in, and their charges are theirs). Refused, with the reason, while a payment is in flight or its
        form is open."""
        window, clerk = self.window, self.clerk
        if window is None or clerk is None or self.login_dialog() is not None:
            return
        if window.busy():
            window.refuse(lambda: translate("Shell", "A payment is under way: finish it before signing out."))
            return
        window.set_locked(True, lambda: translate("Shell", "Signed out"))  # at once; the desk records it on a worker
        self.locked_changed.emit(True)
        if not window.sale.unconfirmed_on_screen():  # the next clerk starts with an empty counter, not this
            window.sale.new_sale()                   # one's customer; a payment not known yet stays on screen

        def signed_out(_result=None) -> None:
            self._show_clerk()
            self._set_window_locked(True)
            self.sign_in_over(window, on_quit=self.app.quit)

        clerks = self.clerks
        BackgroundOp(lambda ctx: clerks.sign_out(), on_done=signed_out, on_error=lambda e: (
            log.error("sign-out not recorded: %s", type(e).__name__), signed_out()), label="sign out").start()

    def quit(self) -> None:
        """Counter → Quit (Ctrl+Q): asks first; refused, with the reason, while a payment is in flight or its
        form is open (the window also refuses to close while charging)."""
        window = self.window
        if window is not None and window.busy():
            window.refuse(lambda: translate("Shell", "A payment is under way: finish it before quitting."))
            return
        box = QuitQuestion(window)
        box.setIcon(QMessageBox.Icon.Question)
        box.live(box.setWindowTitle, lambda: translate("Shell", "Quit"))
        box.live(box.setText, lambda: translate("Shell", "Quit the counter? No payments can be taken on this lane "
                                                         "until it is started again."))
        box.setObjectName("quitQuestion")
        yes = box.addButton("", QMessageBox.ButtonRole.AcceptRole)
        box.live(yes.setText, lambda: translate("Shell", "Quit"))
        box.live(box.addButton("", QMessageBox.ButtonRole.RejectRole).setText, lambda: translate("Shell", "Cancel"))
        box.setDefaultButton(yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.finished.connect(lambda _r: self.app.quit() if box.clickedButton() is yes else None)
        self.quit_question = box
        box.open()

    def lock(self) -> None:
        """Show the lock screen over the counter (non-blocking); the clerk signs in to continue."""
        if self.lock_dialog is not None and self.lock_dialog.isVisible():
            return
        if self.clerk is None:  # nobody signed in yet: the sign-in screen is already in front
            if self.idle is not None:
                self.idle.resume()  # count again from now
            return
        if self.idle is not None:
            self.idle.pause()
        clerks = self.clerks
        BackgroundOp(lambda ctx: clerks.lock(), label="lock").start()  # recorded; the screen locks at once
        self.lock_dialog = LoginDialog(clerks, self.environment, self.window, locked_by=self.clerk)
        self.lock_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.lock_dialog.accepted.connect(self._unlocked)
        self._set_window_locked(True)
        self.lock_dialog.open()
        self.raise_login()
        self.locked_changed.emit(True)

    def _unlocked(self) -> None:
        signed = self.lock_dialog.signed if self.lock_dialog else None
        if signed is not None:
            if signed.switched:
                self.clerk_changed.emit(signed.clerk)
            self._show_clerk()
        if self.idle is not None:
            self.idle.resume()
        self._set_window_locked(False)
        self.locked_changed.emit(False)

    @property
    def locked(self) -> bool:
        return self.lock_dialog is not None and self.lock_dialog.isVisible()

    # --- customers at the counter: new / edit, CSV import ----------------------------------------------------

    def selected_customer_id(self) -> int | None:
        """The local id of the customer the window shows."""
        hit = self.window.hit if self.window is not None else None
        return hit.id if hit is not None else None

    def _update_customer_actions(self) -> None:
        if self.new_customer_action is None:
            return
        window = self.window
        usable = window is not None and not window.locked
        self.new_customer_action.setEnabled(usable)
        self.edit_customer_action.setEnabled(usable)  # without a customer, Ctrl+E says what to do first

    def _counter_or_explain(self):
        counter = self.window.counter if self.window is not None else None
        if counter is None:
            QMessageBox.information(self.window, translate("Shell", "Not ready yet"),
                                    translate("Shell", "The counter is still connecting to PaySimple. Try again "
                                                       "in a moment."))
        return counter

    def _why_no_customer_dialog(self, editing: bool) -> Callable[[], str] | None:
        if self.window.busy():
            return lambda: translate("Shell", "A payment is under way: finish it first.")
        if editing and self.selected_customer_id() is None:
            return lambda: translate("Shell", "First find the customer: Ctrl+F, then ↑↓ and Enter. Ctrl+E then edits "
                                      "them.")
        return None

    def new_customer(self):
        from pos_app.ui.customers.customer_edit import CustomerEditDialog

        counter = self._counter_or_explain()
        if counter is None:
            return None
        reason = self._why_no_customer_dialog(editing=False)
        if reason is not None:
            self.window.refuse(reason)
            return None
        return self._open_customer_dialog(CustomerEditDialog(counter, self.window, prefill=self.window.search_text()))

    def edit_customer(self) -> BackgroundOp | None:
        """Read the selected customer's stored row on a worker, then open the edit dialog over the window
        (``customer_dialog``)."""
        from pos_app.ui.customers.customer_edit import CustomerEditDialog

        counter = self._counter_or_explain()
        if counter is None:
            return None
        reason = self._why_no_customer_dialog(editing=True)
        if reason is not None:
            self.window.refuse(reason)
            return None
        local_id = self.selected_customer_id()

        def show(stored) -> None:
            if stored is not None and self.window is not None and self.selected_customer_id() == local_id \
                    and not self.locked:
                self._open_customer_dialog(CustomerEditDialog(counter, self.window, customer=stored))

        return BackgroundOp(lambda ctx: counter.customer(local_id), on_done=show,
                            on_error=lambda e: QMessageBox.warning(self.window, translate("Shell", "Edit customer"),
                                                                   tr(e)),
                            label="edit customer").start()

    def _open_customer_dialog(self, dialog):
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.saved.connect(self.window.show_customer)
        dialog.openRequested.connect(self.window.show_customer)  # "This customer may already exist" → Open
        self.customer_dialog = dialog
        dialog.open()
        return dialog

    def import_customers(self):
        from pos_app.ui.customers.csv_import_dialog import CsvImportDialog

        counter = self._counter_or_explain()
        if counter is None:
            return None
        if self.clerk is None or not self.clerk.is_manager:
            approved = self.approve(ManagerAction.SETTINGS, subject="Import customers from CSV",
                                    detail=lambda: translate("Shell", "Import customers from CSV: adds and "
                                                                      "updates customers in this counter's "
                                                                      "customer list."),
                                    title=lambda: translate("Shell", "Import customers from CSV"))
            if approved is None:
                return None
        dialog = CsvImportDialog(counter, self.window, start_dir=str(self.save_folder.start()),
                                 save_folder=self.save_folder)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    # --- manager-only actions ---------------------------------------------------------------------------

    def approve(self, action: ManagerAction, subject: str = "", detail: str | Callable[[], str] = "",
                parent: QWidget | None = None, title: str | Callable[[], str] = "") -> Approval | None:
        """Manager name + PIN + reason for void/refund/settings/go-live (checked and recorded by the desk, on a
        worker, while the dialog waits). None if cancelled. ``title`` names what is approved when the action's
        own title is too general (a CSV import is recorded as a settings change but titled as the import)."""
        return request_approval(parent or self.window, self.clerks, action, self.environment, subject=subject,
                                detail=detail, title=title)

    # --- payments after the sale: history (receipts, check again, void/refund) and end of day ------------

    def counter_payments(self):
        """History and end of day on the counter window's application service, with the store's header and
        time zone and the approval dialog. None while the counter is still starting."""
        from pos_app.counter import store_timezone

        counter = self.window.counter if self.window is not None else None
        if counter is None:
            return None
        try:
            tz = store_timezone(self.settings.store_timezone)
        except ValueError:
            log.warning("store time zone %r unknown; using the computer's", self.settings.store_timezone)
            tz = store_timezone("")
        return counter.payments(
            merchant=self.settings.merchant, tz=tz,
            approve=lambda action, subject="", detail="", parent=None: self.approve(action, subject, detail, parent))

    def _payments_or_explain(self):
        payments = self.counter_payments()
        if payments is None:
            QMessageBox.information(self.window, translate("Shell", "Not ready yet"),
                                    translate("Shell", "The counter is still connecting to PaySimple. Try again "
                                                       "in a moment."))
            return None
        return payments

    def show_history(self):
        from pos_app.ui.payments.history import HistoryDialog

        payments = self._payments_or_explain()
        if payments is None:
            return None
        dialog = HistoryDialog(payments, self.window, save_folder=self.save_folder, events=self.window.counter.events)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.history_dialog = dialog
        dialog.open()
        return dialog

    def show_end_of_day(self):
        from pos_app.ui.payments.eod_view import EndOfDayDialog

        payments = self._payments_or_explain()
        if payments is None:
            return None
        dialog = EndOfDayDialog(payments, self.window, store=self.settings.merchant.name,
                                save_folder=self.save_folder, events=self.window.counter.events)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.eod_dialog = dialog
        dialog.open()
        return dialog

    def sandbox_test(self):
        """Manager → "Sandbox test payment…" (Sandbox only): one voided $1.00 payment through PaySimple's real
        form and a conformance report for going Live (``ui/conformance_dialog.py``). A signed-in manager opens
        it; a clerk needs a manager's PIN (the manager approves the void too)."""
        from pos_app.ui.shell.conformance_dialog import SandboxTestDialog

        if self.environment is not Environment.SANDBOX:
            return None
        counter = self._counter_or_explain()
        if counter is None:
            return None
        manager = self.clerk if self.clerk is not None and self.clerk.is_manager else None
        if manager is None:
            approved = self.approve(ManagerAction.SETTINGS, subject="Sandbox test payment",
                                    title=lambda: translate("Shell", "Sandbox test payment"))
            if approved is None:
                return None
            manager = Clerk(int(approved.manager_id), approved.manager_name, Role(approved.role))
        dialog = SandboxTestDialog(counter, manager, self.setup.write_conformance_report, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.sandbox_test_dialog = dialog
        dialog.open()
        dialog.start()
        return dialog

    def manage_clerks(self) -> None:
        """Manager → Clerks…: the signed-in manager directly; a clerk needs a manager's approval."""
        approval = None
        if self.clerk is None or not self.clerk.is_manager:
            approval = self.approve(ManagerAction.MANAGE_CLERKS)
            if approval is None:
                return
        dialog = ClerkManagementDialog(self.clerks, self.environment, self.window, approval=approval)
        self.clerks_dialog = dialog
        dialog.exec()

    def open_settings(self) -> None:
        """Manager → Settings: approved by a manager of this run's clerk file, then the wizard on a copy of this
        run's settings. Training runs edit training settings only; a switch to Sandbox/Live asks that
        environment's managers (see the module docstring). A new environment applies from the next start."""
        approved = self.approve(ManagerAction.SETTINGS, subject=f"settings: {self.environment.value}")
        if approved is None:
            return
        draft = Settings.from_json(self.settings.to_json())
        if not self.run_setup(self.window, settings=draft, approval=approved):
            return
        if draft.env is self.environment:
            self.settings = draft  # same environment: this run goes on with the new store details
            return
        QMessageBox.information(self.window, translate("Shell", "Restart needed"),
                                fmt(translate("Shell", "The counter will use %1 from the next start. "
                                              "Close the app when no payment is in progress and open it again."),
                                    environment_name(draft.environment)))

    def set_language(self, language: str) -> None:
        """Counter → Language: applied at once, no restart (Qt posts ``QEvent.LanguageChange`` to every window;
        each screen sets its texts again, the payment page hears it over its bridge), and saved for the next
        start."""
        self.settings.language = language
        self.language = install_translator(self.app, language)  # every screen retranslates (LanguageChange)
        for code, action in getattr(self, "language_actions", {}).items():
            action.setChecked(code == self.language)
        settings, setup = Settings.from_json(self.settings.to_json()), self.setup  # the worker's own copy

        def failed(exc: BaseException) -> None:  # applied for this run; the file names itself and the next step
            QMessageBox.warning(self.window, translate("Shell", "Language"),
                                translate("Shell", "The language changed for now but could not be saved for the "
                                                   "next start.") + "\n" + tr(exc))

        self.settings_save = BackgroundOp(lambda ctx: setup.save_settings(settings), on_error=failed,
                                          label="save settings").start()

    def remember_window(self, geometry: dict) -> None:
        """Keep the counter window's place for the next start (``Settings.window_geometry``). A settings file
        that cannot be written costs only that (logged); quitting never stops for it."""
        self.settings.window_geometry = dict(geometry)
        settings, setup = Settings.from_json(self.settings.to_json()), self.setup
        self.settings_save = BackgroundOp(lambda ctx: setup.save_settings(settings), on_error=lambda exc: log.warning(
            "window place not saved: %s", exc), label="save window place").start()  # the app waits for it at exit

    def _counter_event(self, event) -> None:
        """The change broadcast: settings saved anywhere in this run show in the menus (the language ticked)."""
        if isinstance(event, SettingsChanged):
            for code, action in getattr(self, "language_actions", {}).items():
                action.setChecked(code == event.settings.language)

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.environment, self.paths, self.window, language=LANGUAGES.get(self.language, ""))
        dialog.open()
        return dialog

    def close(self) -> None:
        if self.events is not None:
            self.events.detach()
        if self.idle is not None:
            self.idle.uninstall()
        self.crash.uninstall()
        self.setup.close()
