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
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # ``from pos_app import ui``
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
    core = [p for p in ("paysimple", "training", "customers", "payments") if (PKG / p).is_dir()]
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


def test_the_payments_core_imports_nothing_of_paysimple():
    """payments talks to a ``payments.gateway.Gateway``; PaySimple's adapter (``paysimple/gateway.py``) imports
    the protocol, never the other way round. In paysimple only the adapter knows payments, and only its
    ``gateway`` module (the client stays usable on its own)."""
    offenders = []
    for path in (PKG / "payments").rglob("*.py"):
        offenders += [f"{path.relative_to(PKG)}: {name}" for name in _imports(path)
                      if name == "pos_app.paysimple" or name.startswith("pos_app.paysimple.")]
    for path in (PKG / "paysimple").rglob("*.py"):
        adapter = path.name == "gateway.py"
        offenders += [f"{path.relative_to(PKG)}: {name}" for name in _imports(path)
                      if (name == "pos_app.payments" or name.startswith("pos_app.payments."))
                      and not (adapter and (name + ".").startswith("pos_app.payments.gateway."))]
    assert offenders == []
