"""Entry point: ``python -m pos_app`` / ``pos-app``.

Starts the counter app (``pos_app.ui.shell.app.run``); ``--training`` skips the set-up questions.
``--selftest`` runs before anything else (see ``pos_app/ui/shell/selftest.py``): offscreen when there is no display,
no Chromium sandbox when root, a hard timeout; exit 0 only if a training payment went through the web view.
``--restore-journal FILE`` runs in the terminal without Qt (``pos_app/restore.py``): a manager restores the
payment journal from a backup.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a == "--restore-journal" or a.startswith("--restore-journal=") for a in argv):
        from pos_app.restore import main as restore

        return restore(argv)
    if "--selftest" in argv:
        from pos_app.ui.shell.selftest import prepare_environment
        from pos_app.ui.shell.selftest import run as selftest

        prepare_environment()  # before anything imports Qt
        return selftest(argv)
    from pos_app.ui.shell.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
