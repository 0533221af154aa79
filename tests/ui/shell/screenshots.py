"""Render the shell's screens to docs/screenshots/ (offscreen, with the app's style), for the docs.

    .venv/bin/python -m tests.ui.shell.screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.fixtures.screenshots import OUT, save, settle  # noqa: E402


def main() -> int:
    import keyring
    import platformdirs
    from PySide6.QtWidgets import QApplication

    from pos_app.clerks import ManagerAction, Role
    from pos_app.config import APP_AUTHOR, APP_NAME, Environment, Paths, app_paths
    from pos_app.counter import LocalClerks, Setup
    from pos_app.credentials import CredentialStore, MemoryKeyring
    from pos_app.settings import Settings
    from pos_app.training import TrainingGateway
    from pos_app.ui.common.i18n import install_translator
    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.shell.about import AboutDialog
    from pos_app.ui.shell.login import LoginDialog
    from pos_app.ui.shell.manager_approval import ManagerApprovalDialog
    from pos_app.ui.shell.setup_wizard import SetupWizard

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE)
    OUT.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="pos-shots-"))
    os.environ["POS_APP_HOME"] = str(home)
    app_paths().ensure()
    keyring.set_keyring(MemoryKeyring())


    with TrainingGateway("APIUser77", "secret-key", demo_customers=12) as gw:
        for lang in ("en", "es"):
            install_translator(app, lang)
            suffix = "" if lang == "en" else "-es"
            lang_paths = app_paths(home / f"setup-{lang}").ensure()
            setup = Setup(lang_paths, credentials=CredentialStore("0123456789abcdef0123456789abcdef"),
                          base_urls={Environment.SANDBOX: gw.api_url})
            wizard = SetupWizard(Settings(), setup)
            wizard.resize(720, 560)
            while not wizard.ready:
                settle(wizard, 20)
            save(wizard, f"10-setup-environment{suffix}.png")
            flow = wizard.flow
            flow.environment_page.buttons[Environment.SANDBOX].setChecked(True)
            flow.next()
            page = flow.credentials_page
            page.user.setText("APIUser77")
            page.key.setText("secret-key")
            page.test_button.click()
            for _ in range(200):
                settle(wizard, 20)
                if page.isComplete():
                    break
            save(wizard, f"11-setup-credentials{suffix}.png")
            if lang == "en":
                page.key.setText("wrong-key")
                page.test_button.click()
                for _ in range(200):
                    settle(wizard, 20)
                    if "401" in page.status.text():
                        break
                save(wizard, "12-setup-wrong-key.png")
                page._show_keyring_state(False)
                page.key.setText("secret-key")
                save(wizard, "13-setup-no-keyring.png")
                page._show_keyring_state(True)
                page.test_button.click()
                for _ in range(200):
                    settle(wizard, 20)
                    if page.isComplete():
                        break
            flow.next()
            flow.merchant_page.name.setText("Corner Hardware")
            flow.merchant_page.address.setText("12 Elm Street, Springfield")
            flow.merchant_page.phone.setText("(555) 010-2030")
            save(wizard, f"14-setup-receipt{suffix}.png")
            flow.next()
            flow.manager_page.name.setText("Maria Lopez")
            flow.manager_page.pin.setText("739164")
            flow.manager_page.pin2.setText("739164")
            save(wizard, f"15-setup-manager{suffix}.png")
            wizard.close()

            (home / lang).mkdir(exist_ok=True)
            train = LocalClerks.for_data_dir(home / lang, Environment.TRAINING)
            login = LoginDialog(train, Environment.TRAINING, store_name="Corner Hardware")
            while not login.ready:
                settle(login, 20)
            save(login, f"20-login-training{suffix}.png")
            login.close()
            reg = LocalClerks(home / f"clerks-{lang}.db", Environment.LIVE)
            if not reg.has_manager():
                reg.add_first_manager("Maria Lopez", "739164")
                reg.sign_in("Maria Lopez", "739164")
                reg.add_clerk("Ann Chen", "2468", Role.CLERK)
            login = LoginDialog(reg, Environment.LIVE, store_name="Corner Hardware")
            while not login.ready:
                settle(login, 20)
            login.name.setCurrentText("Ann Chen")
            login.pin.setText("1111")
            login.sign_in.click()
            while login.checking:
                settle(login, 20)
            save(login, f"21-login-live-wrong-pin{suffix}.png")
            login.close()
            approval = ManagerApprovalDialog(reg, ManagerAction.VOID, Environment.LIVE,
                                             detail="$42.50 · Ada Lovelace · Visa ****1111")
            while not approval.ready:
                settle(approval, 20)
            approval.reason.setText("Customer paid twice")
            save(approval, f"22-manager-approval{suffix}.png")
            approval.close()
            # show where a real install keeps its files (nothing is created there)
            real = Paths(Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
                         Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)))
            about = AboutDialog(Environment.SANDBOX, real)
            save(about, f"23-about{suffix}.png")
            about.close()
            reg.close()
            train.close()
            setup.close()
    install_translator(app, "en")
    return 0


if __name__ == "__main__":
    sys.exit(main())
