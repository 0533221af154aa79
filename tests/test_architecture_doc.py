"""docs/architecture.md names only what exists: every path of the repository (``pos_app/...``, ``tests/...``,
``ui/...`` under ``pos_app``), every dotted name of a ``pos_app`` module (``pos_app.x.y``, ``ui.common.ops``,
``payments.service.PaymentService``) and every ``Class.member`` of a class the application layer exports
(``Counter.open``, ``PaymentsApi.void``) is looked up. A rename that leaves the document behind fails here."""

from __future__ import annotations

import importlib
import inspect
import itertools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "pos_app"
DOC = ROOT / "docs" / "architecture.md"
TOP = ("pos_app", "tests", "bench", "scripts", "resources", "docs")  # folders at the repository's root
PACKAGES = sorted(p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _expand(path: str) -> list[str]:
    """``ui/{counter,web}/`` -> ``ui/counter/``, ``ui/web/``."""
    m = re.search(r"\{([^}]*)\}", path)
    if not m:
        return [path]
    return list(itertools.chain.from_iterable(_expand(path[:m.start()] + alt + path[m.end():])
                                              for alt in m.group(1).split(",")))


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        break
    else:
        return False
    for name in parts[i:]:
        if not _has(obj, name):
            return False
        obj = getattr(obj, name, None)
    return True


def _has(obj, name: str) -> bool:
    """An attribute, a field a class declares (dataclass / Protocol annotations), or one its ``__init__``
    sets on ``self`` (its bases' included)."""
    import ast

    if hasattr(obj, name):
        return True
    if not inspect.isclass(obj):
        return False
    for klass in obj.__mro__:
        if name in vars(klass).get("__annotations__", {}):
            return True
        init = vars(klass).get("__init__")
        try:
            tree = ast.parse(inspect.getsource(init).strip()) if init is not None else None
        except (OSError, TypeError):
            continue
        if tree is not None and any(isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
                                    and n.attr == name for n in ast.walk(tree)):
            return True
    return False


def _is_module_path(first: str, second: str) -> bool:
    base = PKG / first
    return (base / f"{second}.py").exists() or (base / second / "__init__.py").exists()


def missing_names(text: str) -> list[str]:
    """What ``text`` names that does not exist (``kind name (line n)``)."""
    import pos_app.counter as app

    line = lambda at: text.count("\n", 0, at) + 1  # noqa: E731
    missing = []
    rooted = "|".join(TOP + tuple(PACKAGES))
    for m in re.finditer(rf"(?<![\w/.-])((?:{rooted})/[\w/.{{}},-]*)", text):
        raw = m.group(1).rstrip(".,")
        for path in _expand(raw):
            first = path.split("/", 1)[0]
            if not (path.endswith("/") or re.search(r"\.\w+$", path)):
                continue  # a word pair like "read/write", not a path
            where = ROOT / path if first in TOP else PKG / path
            if not where.exists():
                missing.append(f"path {path} (line {line(m.start())})")
    for m in re.finditer(rf"(?<![\w/.])((?:{rooted})(?:\.[A-Za-z_]\w*)+)", text):
        name = m.group(1)
        parts = name.split(".")
        if parts[-1] in ("py", "md", "db", "json", "csv", "log", "ts", "qm", "pdf", "png", "sh"):
            continue  # a file name
        if parts[0] == "pos_app":
            dotted = name
        elif parts[0] == "ui" or (parts[0] in PACKAGES and _is_module_path(parts[0], parts[1])):
            dotted = "pos_app." + name
        else:
            continue  # ``settings.lane``: a variable's attribute, not a module
        if not _resolves(dotted):
            missing.append(f"name {name} (line {line(m.start())})")
    classes = {n for n in app.__all__ if inspect.isclass(getattr(app, n))}
    for m in re.finditer(r"(?<![\w.])([A-Z]\w+)\.([a-z_]\w*)", text):
        klass, member = m.groups()
        if klass in classes and not _has(getattr(app, klass), member):
            missing.append(f"member {klass}.{member} (line {line(m.start())})")
    return missing


def test_every_path_and_name_in_the_architecture_document_exists():
    assert missing_names(DOC.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_moved_module_a_gone_method_and_a_missing_file():
    text = ("The ops live in `ui.ops.BackgroundOp`; start with `Counter.start_training(paths)`; see\n"
            "pos_app/ui/banner.py and tests/ui/test_gui_thread.py. Fine: `ui.common.ops.BackgroundOp`,\n"
            "`Counter.open`, `PaymentsApi.void`, `PaymentsApi.lane`, pos_app/ui/{counter,web}/, settings.lane,\n"
            "read/write, `payments.service.PaymentService`.")
    assert missing_names(text) == ["path pos_app/ui/banner.py (line 2)", "path tests/ui/test_gui_thread.py (line 2)",
                                   "name ui.ops.BackgroundOp (line 1)", "member Counter.start_training (line 1)"]
