"""Dependencies (issue 14 §11, decision 0206): what a counter needs is separate from the training, test and
build extras; ``scripts/pos.sh run`` installs no test tools; the bundle is built from a lock file with hashes.

Reproduced before the fix: ``dependencies`` held Starlette and uvicorn, ``pos.sh run`` installed the ``test``
extra (pytest, respx, hypothesis, ruff and PyInstaller) into the counter's environment, and
``build_bundle.sh`` installed whatever versions the index offered that day. The scripts are run here for real
with a stand-in ``python`` inside the virtual environment that records the pip commands they issue.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCK = ROOT / "requirements" / "bundle.txt"
TEST_TOOLS = {"pytest", "pytest-qt", "respx", "hypothesis", "pytest-timeout", "pytest-xdist", "ruff"}


def names(requirements: list[str]) -> set[str]:
    return {Requirement(r).name.lower() for r in requirements}


def locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, [sha256 ...]) from the lock file."""
    pins: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in LOCK.read_text().splitlines():
        pin = re.match(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", line)
        if pin:
            current = pin.group(1).lower()
            pins[current] = (pin.group(2), [])
        elif current and (digest := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            pins[current][1].append(digest.group(1))
    return pins


def test_runtime_needs_are_separate_from_the_extras():
    runtime = names(PYPROJECT["dependencies"])
    extras = PYPROJECT["optional-dependencies"]
    assert runtime == {"pyside6", "httpx", "keyring", "platformdirs"}
    assert names(extras["training"]) == {"starlette", "uvicorn"}
    assert TEST_TOOLS <= names(extras["test"]) and names(extras["build"]) == {"pyinstaller"}
    assert not runtime & (TEST_TOOLS | {"pyinstaller", "starlette", "uvicorn"})
    assert "pyinstaller" not in names(extras["test"]) and "starlette" not in names(extras["test"])
    assert names(extras["store"]) == {"psycopg", "psycopg-pool"} and not runtime & names(extras["store"])
    assert names(extras["server"]) == {"starlette", "uvicorn", "cryptography"} and not runtime & names(extras["server"])


def test_the_bundle_lock_pins_everything_with_hashes():
    pins = locked()
    wanted = PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["training"] + \
        PYPROJECT["optional-dependencies"]["build"]
    for spec in map(Requirement, wanted):
        assert spec.name.lower() in pins, f"{spec.name} missing from {LOCK.name}"
        version, _ = pins[spec.name.lower()]
        assert spec.specifier.contains(Version(version)), f"{spec.name}=={version} outside {spec.specifier}"
    assert all(hashes for _, hashes in pins.values()), [n for n, (_, h) in pins.items() if not h]
    assert not TEST_TOOLS & set(pins)                       # no test tool goes into the bundle
    assert "--find-links" not in LOCK.read_text() and "--index-url" not in LOCK.read_text()
    # Every PySide6 pin offers wheels for more than one platform (hashes of all of them are locked).
    assert len(pins["pyside6-essentials"][1]) >= 3


def stub_env(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    """A virtual environment whose ``bin/python`` only records its arguments, and a PATH without dpkg/apt."""
    venv, log = tmp_path / "venv", tmp_path / "calls.log"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")  # pos.sh checks it is a real venv
    stub = venv / "bin" / "python"
    stub.write_text(f"#!/bin/sh\necho \"$*\" >> {log}\n")
    stub.chmod(0o755)
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("sh", "bash", "sha1sum", "cut", "touch", "dirname", "rm", "env", "cat", "id", "mkdir", "tail",
                 "date", "uname", "ls", "grep"):
        found = shutil.which(tool)
        if found:
            (tools / tool).symlink_to(found)
    (tools / "python3").symlink_to(sys.executable)
    env = {"PATH": str(tools), "HOME": str(tmp_path), "POS_VENV": str(venv), "POS_BUNDLE_VENV": str(venv),
           "PYTHON": sys.executable}
    return venv, env, log


def run_script(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([shutil.which("bash"), str(ROOT / "scripts" / script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_pos_sh_run_installs_the_training_extra_only(tmp_path):
    venv, env, log = stub_env(tmp_path)
    out = run_script("pos.sh", "run", env=env)
    assert out.returncode == 0, out.stderr
    calls = log.read_text().splitlines()
    installs = [c for c in calls if c.startswith("-m pip install") and "-e" in c.split()]
    assert installs == ["-m pip install -e .[training]"]
    assert calls[-1] == "-m pos_app --training"


def test_pos_sh_test_installs_what_the_tests_need(tmp_path):
    venv, env, log = stub_env(tmp_path)
    env.pop("POS_TEST_WORKERS", None)
    out = run_script("pos.sh", "test", "-x", env=env)
    assert out.returncode == 0, out.stderr
    calls = log.read_text().splitlines()
    # two pytest-xdist workers by default (decision 0450); the caller's own arguments come after
    assert "-m pip install -e .[training,test,store,server,build]" in calls and calls[-1] == "-m pytest -n 2 --dist loadfile -x"
    log.unlink()
    assert run_script("pos.sh", "test", env=dict(env, POS_TEST_WORKERS="0")).returncode == 0
    assert log.read_text().splitlines()[-1] == "-m pytest -n 0 --dist loadfile"


def test_build_bundle_installs_the_lock_with_hashes_only(tmp_path):
    venv, env, log = stub_env(tmp_path)
    out = run_script("build_bundle.sh", env=env)
    assert out.returncode == 0, out.stderr
    calls = log.read_text().splitlines()
    installs = [c for c in calls if " pip install" in f" {c}"]
    assert installs == ["-m pip install -q --require-hashes --no-deps --only-binary=:all: -r requirements/bundle.txt"]
    assert calls[-1].startswith("bench/bundle.py --build")
    # A second build with the same lock installs nothing again.
    log.unlink()
    assert run_script("build_bundle.sh", env=env).returncode == 0
    assert [c for c in log.read_text().splitlines() if "pip install" in c] == []


def test_without_the_training_extra_sandbox_and_live_still_load_and_training_says_why():
    code = (
        "import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None\n"
        "import pos_app.ui.shell.app, pos_app.ui.shell.shell, pos_app.ui.counter.main_window, pos_app.counter.local\n"
        "import pos_app.paysimple, pos_app.payments, pos_app.customers.sync\n"
        "from pos_app.config import Environment, app_paths\n"
        "from pos_app.counter import Counter, CounterStart, TrainingUnavailable\n"
        "try:\n"
        "    Counter.open(CounterStart(Environment.TRAINING, app_paths(sys.argv[1]), demo_customers=0, in_memory=True))\n"
        "except TrainingUnavailable as exc:\n"
        "    print('REFUSED', exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, "/tmp/pos-no-training-home"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen"))
    assert out.returncode == 0, out.stderr[-2000:]
    assert "REFUSED Training mode needs the training gateway" in out.stdout
    assert "pos-app[training]" in out.stdout


@pytest.mark.parametrize("script", ["pos.sh", "build_bundle.sh", "lock.sh"])
def test_scripts_are_valid_bash(script):
    assert subprocess.run(["bash", "-n", str(ROOT / "scripts" / script)]).returncode == 0
