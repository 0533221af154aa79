"""Core packages never import Qt (or the ui package); only pos_app.ui does."""

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "pos_app"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_modules_import_no_qt_and_no_ui():
    offenders = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG)
        if rel.parts[0] == "ui" or rel.name == "__main__.py" and len(rel.parts) == 1:
            continue
        for name in _imports(path):
            if name.split(".")[0] in {"PySide6", "shiboken6"} or name.startswith("pos_app.ui"):
                offenders.append(f"{rel}: {name}")
    assert offenders == []


def test_importing_the_core_loads_no_qt():
    core = [p for p in ("paysimple", "training", "customers", "payments", "counter") if (PKG / p).is_dir()]
    code = (
        "import sys, importlib, pkgutil, pos_app\n"
        "import pos_app.config, pos_app.logs, pos_app.credentials, pos_app.settings, pos_app.clerks, pos_app.money\n"
        f"for pkg in {core!r}:\n"
        "    mod = importlib.import_module('pos_app.' + pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, mod.__name__ + '.'):\n"
        "        if not info.name.endswith('__main__'):\n"
        "            importlib.import_module(info.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# Screens import the application layer (pos_app.counter), Qt, pos_app.ui, and these pure helpers only
# (docs/decisions/0321-screens-import-only-the-counter.md).
SCREEN_WHITELIST = {"pos_app.__version__", "pos_app.config", "pos_app.money", "pos_app.text_safety", "pos_app.private_files",
                    "pos_app.storage_errors"}
# The shell room (sign-in, set-up, approvals, crash reports, start-up) is the trust boundary and the app's
# composition root: it may also use the clerk file, settings, keyring and log redaction directly.
SHELL_WHITELIST = SCREEN_WHITELIST | {"pos_app.clerks", "pos_app.settings", "pos_app.credentials",
                                      "pos_app.conformance", "pos_app.logs"}
# The installation self-test drives the real client and training gateway on purpose (it checks the bundle).
SELF_TEST = {"shell/selftest.py": {"pos_app.paysimple", "pos_app.training"}}


def _all_imports(path: Path) -> set[str]:
    """Every absolute import, also those inside functions and ``if TYPE_CHECKING`` blocks; ``from pos_app import
    x`` counts as ``pos_app.x``."""
    names = _imports(path) - {"pos_app"}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "pos_app" and node.level == 0:
            names.update(f"pos_app.{alias.name}" for alias in node.names)
    return names


def test_screens_import_only_the_application_layer():
    offenders = []
    for path in (PKG / "ui").rglob("*.py"):
        rel = path.relative_to(PKG / "ui").as_posix()
        allowed = SHELL_WHITELIST if rel.startswith("shell/") else SCREEN_WHITELIST
        allowed = allowed | SELF_TEST.get(rel, set())
        for name in _all_imports(path):
            if not name.startswith("pos_app"):
                continue
            if name == "pos_app.counter" or name.startswith(("pos_app.counter.", "pos_app.ui")):
                continue
            if name not in allowed and not any(name.startswith(a + ".") for a in allowed):
                offenders.append(f"ui/{rel}: {name}")
    assert offenders == []


def test_the_application_layer_imports_no_qt_no_ui_and_no_driver_types_in_its_surface():
    for path in (PKG / "counter").rglob("*.py"):
        for name in _imports(path):
            assert name.split(".")[0] not in {"PySide6", "shiboken6", "httpx", "sqlite3"}, (path.name, name)
            assert not name.startswith("pos_app.ui"), (path.name, name)
    import inspect

    from pos_app.counter import CounterApi

    text = inspect.getsource(CounterApi)
    for word in ("sqlite3", "Connection", "Row", "httpx", "Qt", "Signal"):
        assert word not in text, word
