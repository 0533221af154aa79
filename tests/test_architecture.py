"""Core packages never import Qt (or the ui package); only pos_app.ui does. No import cycles among pos_app modules."""

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
    core = [p for p in ("paysimple", "training", "customers", "payments", "counter", "clerkstore")
            if (PKG / p).is_dir()]
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
def test_the_clerk_stores_keep_no_rules():
    """The clerk rules (PINs, lockouts, integrity, approvals) live in ``pos_app.clerks`` above the store seam:
    ``pos_app.clerkstore`` and ``pos_app.audit`` never import them (docs/decisions/0390)."""
    offenders = []
    for path in [PKG / "audit.py", *(PKG / "clerkstore").rglob("*.py")]:
        offenders += [f"{path.relative_to(PKG)}: {name}" for name in _imports(path)
                      if name == "pos_app.clerks" or name.startswith("pos_app.clerks.")]
    assert offenders == []


# Screens import the application layer (pos_app.counter), Qt, pos_app.ui, and these pure helpers only
# (docs/decisions/0321-screens-import-only-the-counter.md).
SCREEN_WHITELIST = {"pos_app.__version__", "pos_app.config", "pos_app.money", "pos_app.text_safety", "pos_app.private_files",
                    "pos_app.storage_errors", "pos_app.i18n_keys"}
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


# Cycles tolerated while a change is in flight (empty: no import circle is allowed).
ALLOWED_FOR_NOW: set[frozenset[str]] = set()


def _module_name(path: Path, pkg: Path) -> str:
    parts = list(path.with_suffix("").relative_to(pkg.parent).parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(pkg: Path = PKG) -> dict[str, set[str]]:
    """Module -> the pos_app modules it imports anywhere in its file (module level, inside functions, under
    ``TYPE_CHECKING``). ``from a.b import c`` is an edge to ``a.b.c`` when that is a module, else to ``a.b``;
    relative imports are resolved."""
    paths = {_module_name(p, pkg): p for p in pkg.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in paths)
            elif isinstance(node, ast.ImportFrom):
                base = ".".join(here[:len(here) - node.level + 1] + [node.module or ""]).strip(".") \
                    if node.level else node.module
                for alias in node.names:
                    if f"{base}.{alias.name}" in paths:
                        edges.add(f"{base}.{alias.name}")
                    elif base in paths:
                        edges.add(base)
        edges.discard(name)
        graph[name] = edges
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``: one closed path (first module repeated at the end) per strongly
    connected component of two or more modules (Tarjan's algorithm, iterative)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in order:
            continue
        work = [(root, iter(sorted(graph[root])))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in order:
                    order[child] = low[child] = len(order)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], order[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == order[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return [_closed_path(graph, component) for component in components]


def _closed_path(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the component's first module (breadth-first inside the component)."""
    start = min(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & component):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"not a cycle: {sorted(component)}")


def test_no_import_cycles_among_pos_app_modules():
    cycles = [c for c in import_cycles(import_graph()) if frozenset(c) not in ALLOWED_FOR_NOW]
    assert cycles == [], "import cycles (function-level imports count too):\n" + "\n".join(
        " -> ".join(c) for c in cycles)


def test_cycle_finder_reports_function_level_and_relative_imports(tmp_path):
    """The finder itself: a cycle closed by an import inside a function, one through a relative import and a
    package __init__, and an acyclic chain that must not be reported."""
    pkg = tmp_path / "pos_app"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from pos_app import b\n",
        "b.py": "def later():\n    from pos_app.a import thing\n",
        "sub/__init__.py": "from .x import y\n",
        "sub/x.py": "import pos_app.sub\n",
        "c.py": "from pos_app import d\n",
        "d.py": "import json\n",
    }
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    graph = import_graph(pkg)
    assert graph["pos_app.b"] == {"pos_app.a"} and graph["pos_app.sub"] == {"pos_app.sub.x"}
    cycles = sorted(import_cycles(graph))
    assert cycles == [["pos_app.a", "pos_app.b", "pos_app.a"], ["pos_app.sub", "pos_app.sub.x", "pos_app.sub"]]
