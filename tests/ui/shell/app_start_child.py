"""Child process for test_app_start_shell: runs the real ``pos_app.ui.shell.app.build`` (one per process: a
second build in one process re-styles widgets of the first and PySide6 crashes), drives the set-up wizard and
the sign-in like a clerk, and prints one JSON line with what happened.

    python -m tests.ui.shell.app_start_child <scenario> <home>
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")


def main(scenario: str, home: str) -> int:
    import keyring

    from pos_app.config import Environment
    from pos_app.credentials import MemoryKeyring
    from pos_app.ui.shell import app as app_module
    from pos_app.ui.shell.setup_wizard import SetupWizard
    from tests.ui.shell.helpers import when_modal

    if os.environ.get("POS_TEST_KEYRING"):  # a keyring that persists across processes, like the OS one
        from tests.file_keyring import FileKeyring

        keyring.set_keyring(FileKeyring(os.environ["POS_TEST_KEYRING"]))
    else:
        keyring.set_keyring(MemoryKeyring())  # no OS keyring in CI: the sandbox key is "missing"
    result: dict = {"scenario": scenario}

    def finish_as_training(wizard: SetupWizard) -> None:
        result["wizard"] = True
        result["wizard_default"] = wizard.flow.environment().value
        wizard.flow.environment_page.buttons[Environment.TRAINING].setChecked(True)
        wizard.flow.next()
        wizard.flow.merchant_page.lane.setText("FRONT")
        wizard.flow.next()
        wizard.flow.accept()

    argv = ["--home", home, "--demo-customers", "5"]
    if scenario == "live-allowed":  # a Live set-up made beforehand (keyring file), sandbox rule waived
        when_modal(SetupWizard, lambda w: print(json.dumps({"wizard": True}), flush=True) or w.flow.reject(),
                   timeout_ms=3000)
        return app_module.run(argv + ["--allow-no-sandbox"])
    if scenario == "live-ready":
        # A finished Live set-up whose key is in the keyring: no wizard; the sandbox rule decides.
        from pos_app.credentials import CredentialStore
        from pos_app.settings import load_settings

        settings = load_settings(Path(home) / "data" / "settings.json")
        CredentialStore.for_data_dir(Path(home) / "data").save("live", settings.api_users["live"], "live-key-from-the-keyring")
        when_modal(SetupWizard, lambda w: print(json.dumps({"wizard": True}), flush=True) or w.flow.reject(),
                   timeout_ms=3000)
        return app_module.run(argv)  # the real entry point's exit status
    if scenario == "cancel":
        when_modal(SetupWizard, lambda w: (result.update(wizard=True), w.flow.reject()))
    elif scenario == "training-flag":
        argv.append("--training")
        when_modal(SetupWizard, lambda w: (result.update(wizard=True), w.flow.reject()), timeout_ms=3000)
    else:
        when_modal(SetupWizard, finish_as_training)
    app, window = app_module.build(argv)
    if window is None:
        result["window"] = None
        print(json.dumps(result), flush=True)
        return 0
    from PySide6.QtCore import QTimer

    result["environment"] = window.environment.value
    result["lane"] = window.lane

    def sign_in() -> None:
        shell = window.shell
        if shell is None or shell.sign_in_dialog is None:
            QTimer.singleShot(50, sign_in)
            return
        dialog = shell.sign_in_dialog
        if not dialog.ready:  # the clerk list is read on a worker
            QTimer.singleShot(50, sign_in)
            return
        result["sign_in_banner"] = dialog.banner.title.text()
        dialog.name.setCurrentText("Trainer")
        dialog.pin.setText("1234")
        dialog.sign_in.click()

    def ready() -> None:
        if window.shell is None or window.shell.clerk is None:  # the PIN is checked on a worker
            QTimer.singleShot(50, ready)
            return
        result["backend_clerk_is_signed_in_clerk"] = (
            window.shell.clerk is not None and window.counter.clerk == str(window.shell.clerk.id))
        result["training_gateway"] = window.counter.gateway is not None
        app.quit()

    window.counterReady.connect(lambda: QTimer.singleShot(300, ready))
    QTimer.singleShot(0, sign_in)
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    from pos_app.ui.common.ops import wait_for_all

    wait_for_all(10_000)
    window.shutdown()
    window.shell.close()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
