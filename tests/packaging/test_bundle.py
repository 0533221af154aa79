"""CI builds the counter-PC bundle from build.spec (into a temp dir, outside the checkout) and proves it works:
its own ``--selftest`` offscreen, what it contains and leaves out, and that every library it takes from the
OS resolves (ldd) to a package of the README's apt line (dpkg). One build serves the module (~40-100 s)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PyInstaller")

pytestmark = [pytest.mark.slow, pytest.mark.webview, pytest.mark.timeout(400)]

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bench_bundle", ROOT / "bench" / "bundle.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("bundle")
    assert not base.resolve().is_relative_to(ROOT)
    try:
        bench.build(base / "dist", base / "work", timeout=360)
    except subprocess.CalledProcessError as exc:
        pytest.fail("PyInstaller failed:\n" + exc.stderr[-4000:])
    path = base / "dist" / "pos-app"
    assert (path / "pos-app").is_file()
    return path


def files_of(bundle: Path) -> set[str]:
    return {str(p.relative_to(bundle)) for p in bundle.rglob("*")}


def test_bundle_selftest_passes_offscreen_and_writes_nothing_next_to_the_executable(bundle, tmp_path,
                                                                                    monkeypatch):
    home = tmp_path / "user"
    monkeypatch.delenv("POS_APP_HOME", raising=False)  # the platformdirs folders, as on a counter PC
    for var, sub in (("HOME", ""), ("XDG_DATA_HOME", ".local/share"), ("XDG_STATE_HOME", ".local/state")):
        monkeypatch.setenv(var, str(home / sub))
    before = files_of(bundle)
    summary, wall, proc = bench.run_selftest(bundle / "pos-app", timeout=90)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert summary["ok"] is True and summary["frozen"] is True
    assert summary["payment_status"] == "Authorized"
    assert summary["selftest_s"] < 60 and wall < 90
    # keyring found its backends through the bundled entry-point metadata
    assert {"SecretService", "chainer", "libsecret", "KWallet"} <= set(summary["keyring_plugins"])
    assert summary["qt_es_translation"] is True
    assert summary["translations_qm"] == len(list((ROOT / "resources" / "i18n").glob("*.qm")))
    assert Path(summary["data_dir"]).is_relative_to(home) and Path(summary["log_dir"]).is_relative_to(home)
    assert files_of(bundle) == before


def test_bundle_stores_a_secret_in_the_desktop_keyring(bundle, tmp_path, monkeypatch):
    """The frozen app reaches a real Secret Service (gnome-keyring on a private D-Bus session). CI
    (``bash scripts/pos.sh test``) installs gnome-keyring and dbus and sets POS_REQUIRE_SECRET_SERVICE=1, so
    there a missing daemon fails the test instead of skipping it."""
    missing = [tool for tool in ("gnome-keyring-daemon", "dbus-run-session") if shutil.which(tool) is None]
    if missing:
        why = f"{' and '.join(missing)} not installed (apt-get install gnome-keyring dbus dbus-x11)"
        if os.environ.get("POS_REQUIRE_SECRET_SERVICE") == "1":
            pytest.fail(why + ": bash scripts/pos.sh test installs them as root")
        pytest.skip(why)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".cache").mkdir()
    script = ("echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
              f"exec '{bundle / 'pos-app'}' --selftest --keyring-roundtrip")
    proc = subprocess.run(["dbus-run-session", "--", "bash", "-c", script], env=bench.selftest_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads([li for li in proc.stdout.splitlines() if li.startswith("{")][-1])
    assert summary["keyring_backend"] == "keyring.backends.SecretService.Keyring"
    assert summary["keyring_usable"] is True and summary["keyring_roundtrip"] is True


def test_bundle_starts_the_counter_app_in_training_mode(bundle, tmp_path, monkeypatch):
    """The real app (not only the self-test) runs frozen: it stays up, logs into the user's folder, no error."""
    import time

    monkeypatch.setenv("POS_APP_HOME", str(tmp_path / "home"))
    log = tmp_path / "home" / "logs" / "pos-app.log"
    before = files_of(bundle)
    proc = subprocess.Popen([str(bundle / "pos-app"), "--training"], env=bench.selftest_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (log.is_file() and log.stat().st_size) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(5)  # let start-up finish: gateway, customer sync, web view pre-warm
        alive = proc.poll() is None
    finally:
        proc.terminate()
        try:
            _out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    assert alive, err[-3000:]
    text = log.read_text()
    assert "Traceback" not in err and "Traceback" not in text, (err + text)[-3000:]
    assert " ERROR " not in text and " CRITICAL " not in text, text[-3000:]
    assert files_of(bundle) == before


def test_bundle_size_and_what_it_leaves_out(bundle):
    figures = bench.measure(bundle)
    assert figures["bundle_mib"] < 350, figures
    qt = bundle / "_internal" / "PySide6" / "Qt"
    process = qt / "libexec" / "QtWebEngineProcess"
    assert process.is_file() and process.stat().st_mode & 0o111
    assert (qt / "resources" / "qtwebengine_resources.pak").is_file()
    assert (qt / "resources" / "icudtl.dat").is_file()
    assert not (qt / "resources" / "qtwebengine_devtools_resources.pak").exists()
    assert {p.name for p in (qt / "translations" / "qtwebengine_locales").iterdir()} == {"en-US.pak", "es.pak"}
    qms = {p.name for p in (qt / "translations").glob("*.qm")}
    assert "qtbase_es.qm" in qms and all(re.search(r"_(en|es)\.qm$", name) for name in qms), qms
    internal = bundle / "_internal"
    assert not [p.name for p in internal.iterdir() if p.name.startswith("psycopg")]  # counters never reach PostgreSQL
    for module in ("QtQml", "QtQuick", "QtMultimedia", "QtPdf", "Qt3DCore", "QtCharts", "QtSql", "QtTest",
                   "QtBluetooth", "QtDesigner", "QtSerialPort", "QtSensors", "QtLocation"):
        assert not list((internal / "PySide6").glob(module + ".*")), module
    libs = {p.name for p in (qt / "lib").iterdir()}
    assert not {n for n in libs if re.match(r"libQt6(Pdf|Multimedia|3D|Charts|Sql|Test|VirtualKeyboard)", n)}
    # QtWebEngineCore links Qt Quick/Qml: those libraries must stay even though their Python modules go
    assert {"libQt6WebEngineCore.so.6", "libQt6Quick.so.6", "libQt6Qml.so.6", "libQt6WebChannel.so.6"} <= libs
    plugins = qt / "plugins"
    assert (plugins / "platforms" / "libqxcb.so").is_file() and (plugins / "platforms" / "libqoffscreen.so").is_file()
    assert not (plugins / "sqldrivers").exists() and not (plugins / "multimedia").exists()


def test_bundle_has_the_app_resources_keyring_metadata_and_hidden_imports(bundle):
    internal = bundle / "_internal"
    for rel in ("web/payment.html", "web/payment.js", "training/client.js", "training/frame.html"):
        assert (internal / "resources" / rel).is_file(), rel
    for qm in (ROOT / "resources" / "i18n").glob("*.qm"):
        assert (internal / "resources" / "i18n" / qm.name).read_bytes() == qm.read_bytes()
    entry_points = list(internal.glob("keyring-*.dist-info/entry_points.txt"))
    assert entry_points and "[keyring.backends]" in entry_points[0].read_text()
    from PyInstaller.archive.readers import CArchiveReader

    pyz = CArchiveReader(str(bundle / "pos-app")).open_embedded_archive("PYZ.pyz")
    modules = set(pyz.toc)
    for name in ("uvicorn.protocols.http.h11_impl", "uvicorn.loops.asyncio", "uvicorn.lifespan.on",
                 "starlette.routing", "keyring.backends.SecretService", "keyring.backends.chainer",
                 "secretstorage", "jeepney", "platformdirs.unix", "pos_app.ui.shell.selftest", "pos_app.ui.web.view",
                 "pos_app.training.sdk", "pos_app.payments.service"):
        assert name in modules, name
    assert not {m for m in modules if m.split(".")[0] in ("pytest", "hypothesis", "respx", "pygments", "tkinter")}


def _elf_files(bundle: Path) -> list[Path]:
    out = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def _ldd(bundle: Path) -> list[tuple[Path, str, str]]:
    """(ELF file, library name, resolved path or "not found") over the bundle, as the bootloader sets it up."""
    env = {"LD_LIBRARY_PATH": str(bundle / "_internal"), "PATH": "/usr/bin:/bin"}
    found = []
    for elf in _elf_files(bundle):
        out = subprocess.run(["ldd", str(elf)], env=env, capture_output=True, text=True).stdout
        for line in out.splitlines():
            m = re.match(r"\s*(\S+) => (.+?)(?: \(0x[0-9a-f]+\))?$", line)
            if m:
                found.append((elf, m.group(1), m.group(2)))
    return found


def _wayland_only(elf: Path) -> bool:
    """Qt's Wayland plug-ins: loaded only in a Wayland session, whose OS has libwayland-* installed."""
    return "/plugins/wayland-" in str(elf) or elf.name.startswith(("libqwayland", "libQt6Wayland", "libQt6Wl"))


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("ldd"), reason="ELF/ldd only")
def test_every_library_resolves(bundle):
    missing = sorted({f"{elf.name}: {name}" for elf, name, path in _ldd(bundle)
                      if path == "not found" and not (name.startswith("libwayland-") and _wayland_only(elf))})
    assert missing == []


def _readme_packages() -> list[str]:
    section = (ROOT / "README.md").read_text().split("## Build the counter-PC bundle", 1)[1]
    line = next(li for li in section.splitlines() if "apt-get install" in li)
    return [w for w in line.split()[line.split().index("install") + 1:] if not w.startswith("-")]


def _package_of(path: str) -> str | None:
    real = str(Path(path).resolve())
    for candidate in {path, real, re.sub(r"^/usr/lib/", "/lib/", real), re.sub(r"^/lib/", "/usr/lib/", real)}:
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.split(":", 1)[0].strip()
    return None


@pytest.mark.skipif(not shutil.which("dpkg") or not shutil.which("apt-cache"), reason="Debian only")
def test_os_libraries_come_from_the_readme_apt_line(bundle):
    packages = _readme_packages()
    assert {"libgl1", "libegl1", "fonts-dejavu-core"} <= set(packages)
    depends = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
         "--no-breaks", "--no-replaces", "--no-enhances", *packages], capture_output=True, text=True)
    closure = {li.strip().split(":")[0] for li in depends.stdout.splitlines() if li and not li.startswith(" ")}
    if depends.returncode != 0 or not set(packages) <= closure:
        pytest.skip("apt package lists are not available here")
    internal = str(bundle / "_internal")
    outside = {path for elf, name, path in _ldd(bundle) if path.startswith("/") and internal not in path
               and not (name.startswith("libwayland-") and _wayland_only(elf))}
    strays = {}
    for path in sorted(outside):
        package = _package_of(path)
        if package not in closure:
            strays[path] = package
    assert strays == {}, "take these from the bundle or add their package to the README line: " + json.dumps(strays)
