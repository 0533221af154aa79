"""Spanish UI: the key screens switch language; money and dates follow QLocale; the .ts is complete and the
shipped .qm matches it; no visible string in the shell modules is a bare literal."""

from __future__ import annotations

import ast
import os
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from pos_app.clerks import ManagerAction
from pos_app.config import Environment
from pos_app.counter import LocalClerks, Setup
from pos_app.credentials import CredentialStore
from pos_app.settings import Settings
from pos_app.ui.common.banner import EnvironmentBanner
from pos_app.ui.common.i18n import format_date, format_datetime, format_money, install_translator
from pos_app.ui.shell.about import AboutDialog
from pos_app.ui.shell.crash import CrashDialog
from pos_app.ui.shell.login import LoginDialog
from pos_app.ui.shell.manager_approval import ManagerApprovalDialog
from pos_app.ui.shell.setup_wizard import SetupWizard, connection_error_message
from tests.ui.shell.helpers import wait_checked

ROOT = Path(__file__).resolve().parents[3]
SHELL_MODULES = ["shell/about.py", "common/banner.py", "shell/crash.py", "common/i18n.py", "shell/login.py",
                 "shell/manager_approval.py", "shell/setup_wizard.py", "shell/shell.py", "shell/storage_messages.py"]


def test_spanish_login_and_approval(qtbot, tmp_path, spanish):
    desk = LocalClerks.for_data_dir(tmp_path, Environment.TRAINING)
    login = LoginDialog(desk, Environment.TRAINING)
    qtbot.addWidget(login)
    qtbot.waitUntil(lambda: login.ready, timeout=10_000)
    assert login.windowTitle() == "Iniciar sesión"
    assert login.title.text() == "Iniciar sesión en la caja"
    assert login.banner.title.text() == "PRÁCTICA"
    assert login.hint.text() == "Práctica: inicie sesión como Trainer (gerente, PIN 1234) o Trainee (cajero, PIN 0000)."
    login.name.setCurrentText("Trainee")
    login.pin.setText("9999")
    login.sign_in.click()
    assert login.message.text() == "Comprobando el PIN…"
    wait_checked(qtbot, login)
    assert login.message.text() == "Nombre o PIN incorrecto. Intentos antes del bloqueo: 4."
    login.pin.setText("١٢٣٤")  # Arabic-Indic digits: refused with the translated reason, not counted
    login.sign_in.click()
    wait_checked(qtbot, login)
    assert login.message.text().startswith("Escriba el PIN solo con las cifras 0-9")
    approval = ManagerApprovalDialog(desk, ManagerAction.REFUND, Environment.LIVE)
    qtbot.addWidget(approval)
    qtbot.waitUntil(lambda: approval.ready, timeout=10_000)
    assert approval.title.text() == "Reembolsar un pago" and approval.approve_button.text() == "Aprobar"
    assert approval.banner.title.text() == "REAL"
    approval.pin.setText("1234")
    approval.approve_button.click()
    assert approval.message.text() == "Indique el motivo."
    desk.close()


def test_spanish_setup_wizard(qtbot, paths, spanish):
    setup = Setup(paths, credentials=CredentialStore("0123456789abcdef0123456789abcdef"))
    wizard = SetupWizard(Settings(), setup)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.ready, timeout=10_000)
    flow = wizard.flow
    assert wizard.windowTitle() == "Configuración de la caja"
    assert flow.environment_page.title() == "¿Adónde deben ir los pagos?"
    assert flow.environment_page.buttons[Environment.LIVE].text() == "Real"
    assert flow.buttonText(flow.WizardButton.NextButton) == "Siguiente"
    flow.environment_page.buttons[Environment.SANDBOX].setChecked(True)
    flow.next()
    assert flow.credentials_page.title() == "Credenciales de la API de PaySimple"
    assert flow.credentials_page.test_button.text() == "Probar la conexión"
    from pos_app.paysimple import AuthenticationError

    assert connection_error_message(AuthenticationError("x", status=401), "https://sandbox-api.paysimple.com/v4") \
        .startswith("PaySimple rechazó este usuario o esta clave de la API (401 No autorizado).")
    setup.close()


def test_spanish_about_banner_and_crash(qtbot, paths, spanish):
    about = AboutDialog(Environment.SANDBOX, paths)
    qtbot.addWidget(about)
    assert about.windowTitle() == "Acerca de" and about.values["environment"].text() == "Sandbox (pruebas)"
    banner = EnvironmentBanner(Environment.LIVE)
    qtbot.addWidget(banner)
    assert banner.detail.text() == "Pagos reales: se cobra a tarjetas y cuentas bancarias"
    crash = CrashDialog("ValueError", None)
    qtbot.addWidget(crash)
    assert crash.windowTitle() == "Algo salió mal"
    assert crash.what.text().startswith("La aplicación tuvo un problema inesperado (ValueError)")


def test_dates_follow_the_locale_and_money_the_store(qapp, spanish):
    from pos_app import money

    assert QLocale().language() is QLocale.Language.Spanish
    assert format_money(Decimal("1234.50")) == "$1,234.50"  # Spanish screens in a US store: US money
    money.set_store_format("es_ES")
    assert format_money(Decimal("1234.50")) == "$1.234,50"
    assert format_date(date(2026, 11, 25)) == "25/11/26"
    stamp = datetime(2026, 11, 25, 18, 5, tzinfo=UTC)
    text = format_datetime(stamp, long=True)
    assert "noviembre" in text and "2026" in text
    install_translator(qapp, "en")
    assert format_money(Decimal("1234.50")) == "$1.234,50"  # English screens in a comma store
    money.set_store_format("en_US")
    assert format_money(Decimal("1234.50")) == "$1,234.50"
    assert format_date(date(2026, 11, 25)) == "11/25/26"
    with pytest.raises(ValueError):
        format_datetime(datetime(2026, 11, 25, 18, 5))  # naive times are refused


def test_spanish_screens_in_a_us_store_read_and_refuse_amounts_the_stores_way(qtbot, spanish):
    from PySide6.QtCore import Qt

    from pos_app.ui.counter.amount import AmountEdit

    w = AmountEdit()
    qtbot.addWidget(w)
    w.show()
    qtbot.keyClicks(w.edit, "12,50")
    qtbot.keyClick(w.edit, Qt.Key.Key_Return)
    assert w.value() is None and w.message.text() == "Use un punto para los centavos: 12.50"
    w.edit.clear()
    qtbot.keyClicks(w.edit, "1,234.5")
    assert w.value() == Decimal("1234.50") and w.edit.placeholderText() == "0.00"


def test_translation_files_are_complete_and_compiled(tmp_path):
    check = subprocess.run(["bash", "scripts/update_translations.sh", "--check"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    ts = ROOT / "resources/i18n/pos_app_es.ts"
    qm = tmp_path / "es.qm"
    lrelease = Path(os.environ.get("POS_VENV", ROOT / ".venv")) / "bin/pyside6-lrelease"  # as the script finds it
    subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True, timeout=60)
    assert qm.read_bytes() == (ROOT / "resources/i18n/pos_app_es.qm").read_bytes()


VISIBLE_CALLS = {"setText", "setWindowTitle", "setTitle", "setSubTitle", "setPlaceholderText", "setToolTip",
                 "addButton", "addMenu", "addRow", "QLabel", "QPushButton", "QCheckBox", "QRadioButton",
                 "QAction", "heading", "information", "addItem"}


@pytest.mark.parametrize("module", SHELL_MODULES)
def test_no_bare_visible_strings(module):
    tree = ast.parse((ROOT / "pos_app/ui" / module).read_text())
    bare = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in VISIBLE_CALLS:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.strip():
                        bare.append((node.lineno, arg.value))
    assert bare == []


def test_unknown_language_falls_back_to_english(qapp):
    assert install_translator(qapp, "xx") == "en"
    assert install_translator(qapp, "en") == "en"


def test_the_cores_sentences_are_translated_at_the_screen_edge(qapp, spanish, tmp_path):
    from pos_app.counter import LaneBusy, StorageError, decline_reason
    from pos_app.payments.service import ANSWER_LOST, NOT_REACHED
    from pos_app.storage_errors import Fault, What
    from pos_app.ui.common.i18n import tr

    note = NOT_REACHED.fill("HTTP 503")
    assert tr(note) == "No se pudo contactar con PaySimple; no se envió nada (HTTP 503)."
    assert tr(str(ANSWER_LOST.fill("RequestTimeout"))) == \
        "Se perdió la respuesta de PaySimple (RequestTimeout); comprobando si se cobró."  # a note read back
    assert tr(LaneBusy("LANE1")) == "La caja LANE1 ya tiene un pago en curso. Resuélvalo antes de uno nuevo."
    assert tr(decline_reason("4005", "Do Not Honor")) == "No aceptar (el banco rechazó el pago)"
    assert tr("Issuer unavailable") == "Issuer unavailable"  # PaySimple's own words: as they came
    assert tr(None) == "" and tr(ValueError()) == "ValueError"
    storage = StorageError(Fault.DISK_FULL, tmp_path / "journal.db", What.JOURNAL)
    assert tr(storage) == str(storage)  # a storage fault describes itself (storage_messages)
    install_translator(qapp, "en")
    assert tr(note) == str(note)  # English: the core's own text


def test_live_texts_follow_a_language_switch_and_the_latest_wins(qapp, qtbot, english):
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QLabel, QWidget
    from shiboken6 import isValid

    from pos_app.ui.common.i18n import Retranslating

    class Screen(Retranslating, QWidget):
        pass

    screen = Screen()
    qtbot.addWidget(screen)
    title, status, gone = QLabel(screen), QLabel(screen), QLabel(screen)
    screen.live(title.setText, lambda: QCoreApplication.translate("LoginDialog", "Sign in"))
    screen.live(status.setText, lambda: QCoreApplication.translate("LoginDialog", "Type your PIN."))
    screen.live(status.setText, lambda: QCoreApplication.translate("LoginDialog", "Checking the PIN…"))  # replaces
    screen.live(gone.setText, lambda: QCoreApplication.translate("LoginDialog", "Quit"))
    gone.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not isValid(gone)  # Qt deleted it: its live text is dropped at the next switch, nothing raises
    assert (title.text(), status.text()) == ("Sign in", "Checking the PIN…")
    install_translator(qapp, "es")
    QCoreApplication.processEvents()  # the posted QEvent.LanguageChange
    assert (title.text(), status.text()) == ("Iniciar sesión", "Comprobando el PIN…")
    assert len(screen.__dict__["_live_texts"]) == 2
    install_translator(qapp, "en")
    QCoreApplication.processEvents()
    assert (title.text(), status.text()) == ("Sign in", "Checking the PIN…")
