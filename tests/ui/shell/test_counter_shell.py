"""The shell around the real counter window: menus, a Sandbox back end started by the shell (against the
training gateway standing in for PaySimple), charges attributed to the signed-in clerk."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pos_app.clerks import Role
from pos_app.config import Environment
from pos_app.credentials import CredentialStore
from pos_app.settings import Settings
from pos_app.ui.shell.about import AboutDialog
from pos_app.ui.shell.shell import Shell
from tests.ui.shell.conftest import API_KEY, API_USER, INSTALL


def test_sandbox_counter_started_by_the_shell(qtbot, qapp, paths, gateway, memory_keyring, window_factory, english):
    store = CredentialStore(INSTALL)
    store.save("sandbox", API_USER, API_KEY)
    settings = Settings(environment="sandbox", api_users={"sandbox": API_USER}, setup_done=True)
    shell = Shell(qapp, paths, settings, credentials=store, base_urls={Environment.SANDBOX: gateway.api_url})
    try:
        assert not shell.needs_setup()
        desk = shell.setup.clerks_for(Environment.SANDBOX)
        desk.add_first_manager("Maria", "739164")
        desk.sign_in("Maria", "739164")
        ann = desk.add_clerk("Ann", "2468", Role.CLERK)  # by the signed-in manager
        desk.sign_in("Ann", "2468")
        window = window_factory(shell.environment, "LANE7")
        shell.attach(window)
        assert [a.text() for a in window.menuBar().actions()][-3:] == ["&Counter", "&Manager", "&Help"]
        with qtbot.waitSignal(window.counterReady, timeout=20_000):
            window.start_counter(shell.counter_start("LANE7"))
        backend = window.counter
        assert backend.environment is Environment.SANDBOX and backend.gateway is None
        assert backend.clerk == str(ann.id) and backend.desk is shell.clerks  # one session, the shell's
        assert backend.directory.count() >= 3  # the "PaySimple" customers were synced
        assert (paths.data_dir / "sandbox" / "journal.db").exists()
        assert not (paths.data_dir / "journal.db").exists()  # training's journal untouched
        signed = backend.sign_in("Maria", "739164")  # the counter's own clerk call is the shell's sign-in too
        assert backend.clerk == str(signed.clerk.id) and shell.clerk == signed.clerk and signed.switched
        about = shell.show_about()
        assert isinstance(about, AboutDialog) and about.values["environment"].text() == "Sandbox"
        about.close()
    finally:
        shell.close()


def test_idle_lock_over_the_counter(qtbot, qapp, paths, window_factory, english):
    shell = Shell(qapp, paths, Settings(idle_lock_minutes=1), force_training=True)
    try:
        shell.clerks.sign_in("Trainee", "0000")
        window = window_factory(Environment.TRAINING, "LANE7")
        shell.attach(window)
        shell.idle.set_minutes(1, interval_ms=200)
        with qtbot.waitSignal(shell.locked_changed, timeout=3000) as blocker:
            pass
        assert blocker.args == [True] and shell.locked
        assert shell.lock_dialog.banner.title.text() == "TRAINING"
        qtbot.waitUntil(lambda: shell.lock_dialog.ready, timeout=10_000)
        shell.lock_dialog.pin.setText("0000")
        shell.lock_dialog.sign_in.click()
        qtbot.waitUntil(lambda: not shell.locked, timeout=10_000)
        assert shell.idle.active
    finally:
        shell.close()


def test_counter_window_menus_and_banner_in_spanish(qtbot, qapp, paths, window_factory, spanish):
    shell = Shell(qapp, paths, Settings(), force_training=True)
    try:
        shell.clerks.sign_in("Trainee", "0000")
        window = window_factory(Environment.TRAINING, "LANE7")
        shell.attach(window)
        assert [a.text() for a in window.menuBar().actions()][-3:] == ["&Caja", "&Gerente", "A&yuda"]
        assert shell.lock_action.text() == "Bloquear la pantalla"
        assert window.banner.text().startswith("PRÁCTICA · Modo de práctica: no se mueve dinero real")
        assert window.banner.text().endswith("Caja LANE7")
        assert window.signed_in.text() == "Sesión iniciada: Trainee"  # in the banner
        # The counter's own start screen, in Spanish too.
        assert window.windowTitle() == "Caja · PaySimple (Práctica)"
        assert "Cobrar un pago" in window.welcome.text() and "Escriba el importe" in window.welcome.text()
        assert "<b>F6</b> tarjeta nueva" in window.welcome.text()
        assert window.hint.text().startswith("Ctrl+F Buscar   ·   ↑↓ Intro Elegir")
        assert window.search.placeholderText() == "Nombre, teléfono, correo o n.º de cuenta"
        assert window.customer_page.new_card_button.text() == "Tarjeta nueva  [F6]"
    finally:
        shell.close()


def test_sign_in_over_the_shown_counter(qtbot, qapp, paths, window_factory, english):
    shell = Shell(qapp, paths, Settings(idle_lock_minutes=1), force_training=True)
    try:
        window = window_factory(Environment.TRAINING, "LANE7")
        shell.attach(window)
        shell.idle.set_minutes(1, interval_ms=100)
        quits = []
        dialog = shell.sign_in_over(window, on_quit=lambda: quits.append(True))
        assert dialog.isVisible() and dialog.windowModality() is Qt.WindowModality.WindowModal
        qtbot.wait(300)  # idle time passes before anyone signed in: no lock screen on top of the sign-in
        assert shell.lock_dialog is None
        switched = []
        shell.clerk_changed.connect(switched.append)
        qtbot.waitUntil(lambda: dialog.ready, timeout=10_000)
        dialog.name.setCurrentText("Trainer")
        dialog.pin.setText("1234")
        dialog.sign_in.click()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
        assert shell.clerk.name == "Trainer" and switched == [shell.clerk] and not quits
        assert window.signed_in.text() == "Signed in: Trainer"  # in the banner
        qtbot.waitUntil(lambda: shell.locked, timeout=2000)  # now idle time locks
    finally:
        shell.close()
