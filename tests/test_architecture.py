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


def test_the_lane_side_of_the_store_server_needs_no_server_code():
    """A counter in store mode runs ``pos_app.serverlink`` (and the application layer over it), never the server:
    neither imports ``pos_app.server`` or the server's web stack, so a counter needs neither the ``server`` extra
    nor the server's code paths; the server alone imports Starlette/uvicorn (besides the training gateway)."""
    offenders = []
    for package in ("serverlink", "counter"):
        for path in (PKG / package).rglob("*.py"):
            offenders += [f"{path.relative_to(PKG)}: {name}" for name in _imports(path)
                          if name.startswith("pos_app.server.") or name == "pos_app.server"
                          or name.split(".")[0] in {"starlette", "uvicorn", "cryptography"}]
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG)
        if rel.parts[0] in ("server", "training"):
            continue
        offenders += [f"{rel}: {name}" for name in _imports(path) if name.split(".")[0] in {"starlette", "uvicorn"}]
    assert offenders == []


# Screens import the application layer (pos_app.counter), Qt, pos_app.ui, and these pure helpers only
# (docs/decisions/0321-screens-import-only-the-counter.md).
SCREEN_WHITELIST = {"pos_app.__version__", "pos_app.config", "pos_app.money", "pos_app.text_safety", "pos_app.private_files",
                    "pos_app.storage_errors", "pos_app.i18n_keys"}
# The shell room (sign-in, set-up, approvals, crash reports, start-up) is the app's composition root: it may
# also set up logging and its redaction. Clerks, settings, keys and reports are the application layer's
# (``pos_app.counter``: ClerksApi, Setup).
SHELL_WHITELIST = SCREEN_WHITELIST | {"pos_app.logs"}
# The installation self-test drives the real client and training gateway on purpose (it checks the bundle).
SELF_TEST = {"shell/selftest.py": {"pos_app.paysimple", "pos_app.training"}}
# What pos_app.counter must never hand to a screen: the stores and services behind the application layer
# (a screen holding one would bypass the layer a store-server counter replaces).
NOT_FOR_SCREENS = {"ClerkRegistry", "CounterPayments", "CredentialStore", "Directory", "Journal", "PaymentService",
                   "PaySimpleClient", "PaySimpleGateway", "OnFile", "TrainingGateway", "clerk_file_key", "load_settings",
                   "save_settings", "load_run_settings", "merge_into_counter", "write_report", "latest_passed",
                   "email_receipt", "receipt_address", "clerks_db_path"}


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
            if name.startswith("pos_app.counter") and name.rpartition(".")[2] in NOT_FOR_SCREENS:
                offenders.append(f"ui/{rel}: {name}")
                continue
            if name == "pos_app.counter" or name.startswith(("pos_app.counter.", "pos_app.ui")):
                continue
            if name not in allowed and not any(name.startswith(a + ".") for a in allowed):
                offenders.append(f"ui/{rel}: {name}")
    assert offenders == []


def test_the_application_layer_exports_no_store_or_service_to_screens():
    from pos_app.counter.types import EXPORTS

    assert sorted(set(EXPORTS) & NOT_FOR_SCREENS) == []
    assert sorted({original for _module, original in EXPORTS.values()} & NOT_FOR_SCREENS) == []


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


# ---- the application layer's protocol covers what screens call ------------------------------------------

def protocol_members(proto) -> set[str]:
    """The public names a ``typing.Protocol`` declares (methods, properties, annotated attributes), its bases'
    included."""
    from typing import Generic, Protocol

    members: set[str] = set()
    for klass in proto.__mro__:
        if klass in (Protocol, Generic, object):
            continue
        members |= {name for name in vars(klass) if not name.startswith("_")}
        members |= {name for name in vars(klass).get("__annotations__", {}) if not name.startswith("_")}
    return members


def _protocols() -> dict:
    from pos_app.counter import ClerksApi, CounterApi, PaymentsApi, ReceiptMail

    return {"CounterApi": CounterApi, "ClerksApi": ClerksApi, "PaymentsApi": PaymentsApi, "ReceiptMail": ReceiptMail}


def _typed(annotation: ast.AST | None, protocols: dict) -> str | None:
    """The protocol an annotation names (``CounterApi | None`` -> "CounterApi"), if any."""
    if annotation is None:
        return None
    words = set(ast.unparse(annotation).replace("|", " ").replace("[", " ").replace("]", " ").replace(
        '"', " ").replace("'", " ").replace(",", " ").split())
    found = [name for name in protocols if name in words]
    return found[0] if found else None


def screen_calls_on_the_application_layer(pkg: Path = PKG) -> list[tuple[str, int, str, str]]:
    """(module, line, protocol, attribute) for every attribute a screen reads on an object it holds as one of
    the application layer's protocols: ``<anything>.counter`` (the window's ``CounterApi``), parameters,
    properties and ``self`` attributes annotated with a protocol, ``self._backend()``, and local names bound to
    any of those (also through ``a if c else b`` and tuple assignments)."""
    protocols = _protocols()
    found = []
    for path in sorted((pkg / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for klass in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)] + [tree]:
            attrs: dict[str, str] = {}  # self.<attr> -> protocol, from __init__ assignments of typed params
            functions = [n for n in ast.iter_child_nodes(klass) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
            for fn in functions:  # a property typed with a protocol (``def clerks(self) -> ClerksApi``)
                if any(isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list) \
                        and (proto := _typed(fn.returns, protocols)):
                    attrs[fn.name] = proto
            for fn in functions:
                params = {a.arg: _typed(a.annotation, protocols) for a in fn.args.args + fn.args.kwonlyargs}
                for node in ast.walk(fn):
                    if isinstance(node, ast.Assign | ast.AnnAssign):
                        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                        for target in targets:
                            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                                    and target.value.id == "self":
                                proto = (_typed(node.annotation, protocols) if isinstance(node, ast.AnnAssign)
                                         else None) or (params.get(node.value.id) if isinstance(
                                             node.value, ast.Name) else None)
                                if proto:
                                    attrs[target.attr] = proto
                            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                                for t, v in zip(target.elts, node.value.elts, strict=False):
                                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) \
                                            and t.value.id == "self" and isinstance(v, ast.Name) \
                                            and params.get(v.id):
                                        attrs[t.attr] = params[v.id]
            for fn in [n for n in ast.walk(klass) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]:
                local: dict[str, str] = {a.arg: p for a in fn.args.args + fn.args.kwonlyargs
                                         if (p := _typed(a.annotation, protocols))}

                def receiver(expr: ast.AST, local=local, attrs=attrs) -> str | None:
                    if isinstance(expr, ast.IfExp):
                        return receiver(expr.body) or receiver(expr.orelse)
                    if isinstance(expr, ast.Attribute) and expr.attr == "counter":
                        return "CounterApi"
                    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) \
                            and expr.value.id == "self" and expr.attr in attrs:
                        return attrs[expr.attr]
                    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) \
                            and expr.func.attr == "_backend":
                        return "CounterApi"
                    if isinstance(expr, ast.Name):
                        return local.get(expr.id)
                    return None

                for node in ast.walk(fn):
                    if isinstance(node, ast.Assign):
                        pairs = [(t, node.value) for t in node.targets]
                        if isinstance(node.targets[0], ast.Tuple) and isinstance(node.value, ast.Tuple):
                            pairs = list(zip(node.targets[0].elts, node.value.elts, strict=False))
                        for target, value in pairs:
                            if isinstance(target, ast.Name) and (proto := receiver(value)):
                                local[target.id] = proto
                for node in ast.walk(fn):
                    if isinstance(node, ast.Attribute) and not (isinstance(node.ctx, ast.Store)):
                        proto = receiver(node.value)
                        if proto:
                            found.append((path.relative_to(pkg).as_posix(), node.lineno, proto, node.attr))
    return found


def test_every_call_screens_make_on_the_application_layer_is_in_its_protocol():
    """What a store-server counter must implement is exactly what the screens use: nothing a screen reads on
    its ``CounterApi`` / ``ClerksApi`` / ``PaymentsApi`` / ``ReceiptMail`` object is missing from the protocol."""
    protocols = _protocols()
    calls = screen_calls_on_the_application_layer()
    assert len({attr for _m, _l, proto, attr in calls if proto == "CounterApi"}) >= 25  # the scan sees the window
    seen = {attr for module, _l, proto, attr in calls if proto == "PaymentsApi"}  # and the history / end of day
    assert {"history", "resolve", "reversal_option", "void", "refund", "close_review", "end_of_day",
            "approve", "receipt"} <= seen
    offenders = sorted(f"{module}:{line}: {proto}.{attr}" for module, line, proto, attr in calls
                       if attr not in protocol_members(protocols[proto]))
    assert offenders == []


def test_the_scan_of_screen_calls_finds_a_call_outside_the_protocol(tmp_path):
    """The scan itself: a screen reaching past the protocol (the gateway behind the counter, the clerk file
    behind the desk) is reported; protocol calls are not."""
    pkg = tmp_path / "pos_app"
    (pkg / "ui").mkdir(parents=True)
    (pkg / "ui" / "screen.py").write_text(
        "class Screen:\n"
        "    def __init__(self, clerks: 'ClerksApi | None') -> None:\n"
        "        self.clerks = clerks\n"
        "    def go(self, window):\n"
        "        backend = window.counter if window else None\n"
        "        backend.search('a')\n"
        "        backend.service.gateway.send_receipt(1)\n"
        "        desk = self.clerks\n"
        "        desk.sign_in('Ann', '1234')\n"
        "        desk._reg().login('Ann', '1234')\n", encoding="utf-8")
    found = {(proto, attr) for _m, _l, proto, attr in screen_calls_on_the_application_layer(pkg)}
    assert found == {("CounterApi", "search"), ("CounterApi", "service"), ("ClerksApi", "sign_in"),
                     ("ClerksApi", "_reg")}


def test_the_local_counter_satisfies_the_protocol_member_by_member():
    """``Counter`` (and ``LocalClerks``, ``CounterPayments``) have every member of their protocol, each call
    with the protocol's parameters (names, kinds, which have defaults) and resolvable type hints."""
    import inspect
    import typing

    import pos_app.counter as app
    from pos_app.counter import ClerksApi, Counter, CounterApi, LocalClerks, PaymentsApi, ReceiptMail
    from pos_app.counter.payments import CounterPayments  # the local implementation (never a screen's)

    exported = {name: getattr(app, name) for name in app.__all__}
    exported["Account"] = app.CreditCardAccount | app.AchAccount

    def check(proto, impl, instance_attributes: set[str]) -> list[str]:
        problems = []
        for name in sorted(protocol_members(proto)):
            declared = inspect.getattr_static(proto, name, None)
            if declared is None:  # an annotated attribute: set by the implementation's __init__
                if name not in instance_attributes and not hasattr(impl, name):
                    problems.append(f"{impl.__name__}.{name}: missing attribute")
                continue
            mine = inspect.getattr_static(impl, name, None)
            if mine is None:
                problems.append(f"{impl.__name__}.{name}: missing")
                continue
            if isinstance(declared, property):
                if not isinstance(mine, property):
                    problems.append(f"{impl.__name__}.{name}: not a property")
                continue
            # resolvable with the names the application layer exports (its TYPE_CHECKING imports)
            typing.get_type_hints(declared, globalns=vars(inspect.getmodule(declared)), localns=exported)
            want = [(p.name, p.kind, p.default is inspect.Parameter.empty)
                    for p in inspect.signature(declared).parameters.values()]
            have = [(p.name, p.kind, p.default is inspect.Parameter.empty)
                    for p in inspect.signature(getattr(impl, name)).parameters.values()]
            if want != have:
                problems.append(f"{impl.__name__}.{name}{inspect.signature(getattr(impl, name))} is not "
                                f"{name}{inspect.signature(declared)}")
        return problems

    init_attrs = lambda cls: {node.attr for node in ast.walk(ast.parse(inspect.getsource(cls.__init__).strip()))  # noqa: E731
                              if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)}
    assert check(CounterApi, Counter, init_attrs(Counter)) == []
    assert check(ClerksApi, LocalClerks, init_attrs(LocalClerks)) == []
    assert check(PaymentsApi, CounterPayments, init_attrs(CounterPayments)) == []
    assert protocol_members(ReceiptMail) <= protocol_members(PaymentsApi)
    assert check(ReceiptMail, Counter, set()) == []
    from pos_app.counter.remote import RemoteCounter, RemotePayments  # the store-server counter (issue 20)

    assert check(CounterApi, RemoteCounter, init_attrs(RemoteCounter)) == []
    assert check(PaymentsApi, RemotePayments, init_attrs(RemotePayments)) == []
    for payments in (CounterPayments, RemotePayments):  # the journal, service or server link stay private
        public = {n for n in vars(payments) if not n.startswith("_")} | {
            n for n in init_attrs(payments) if not n.startswith("_")}
        assert public - protocol_members(PaymentsApi) == set(), payments.__name__
    assert protocol_members(ClerksApi) <= protocol_members(CounterApi)  # the clerk calls are the counter's too


def test_no_screen_reaches_into_a_panels_child_widgets_or_into_the_window_by_name():
    """Decision 0470: the window and the sale flow drive the panels by their methods and signals; the shell
    talks to the window through its methods and signals, never by ``getattr`` on names."""
    import re

    reach_in = re.compile(r"customer_page\.[a-z_]+\.")
    for name in ("main_window.py", "sale.py"):
        text = (PKG / "ui" / "counter" / name).read_text(encoding="utf-8")
        assert not reach_in.findall(text), (name, reach_in.findall(text)[:3])
    for path in (PKG / "ui" / "shell").rglob("*.py"):
        assert "getattr(window" not in path.read_text(encoding="utf-8"), path.name
