"""Entry point: ``python -m pos_app`` / ``pos-app``.

Until the counter app lands this starts the training gateway in the foreground.
``--selftest`` runs before anything else (see ``pos_app/selftest.py``): offscreen when there is no display,
no Chromium sandbox when root, a hard timeout; exit 0 only if a training payment went through the web view.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--selftest" in argv:
        from pos_app.selftest import prepare_environment
        from pos_app.selftest import run as selftest

        prepare_environment()  # before anything imports Qt
        return selftest(argv)
    try:
        from pos_app.ui.app import run  # the real app, once it exists
    except ImportError:
        run = None
    if run is not None:
        return run(argv)
    from pos_app.training.__main__ import main as training_main

    return training_main([a for a in argv if a != "--training"])


if __name__ == "__main__":
    sys.exit(main())
