"""scripts/pos.sh, the newcomer's two commands, without a bare machine: the real script runs with stand-ins
(PATH shims) only for what would change this machine or need another one: ``id`` (root or not),
``dpkg-query`` (which packages are installed), ``apt-get`` (records what it was asked, installs nothing).
Venvs are real (``python3 -m venv``) in a temporary folder."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pos.sh"
PYTHON = sys.executable if Path(sys.executable).name.startswith("python3") else "python3"


def _exe(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def shims(tmp_path):
    """A bin folder put first on PATH: ``id -u`` answers $FAKE_UID, ``dpkg-query`` says the packages in
    $FAKE_MISSING are not installed, ``apt-get`` appends its arguments to $APT_LOG."""
    bin_dir = tmp_path / "shims"
    bin_dir.mkdir()
    _exe(bin_dir / "id", '#!/bin/bash\nif [ "$1" = "-u" ]; then echo "${FAKE_UID:-0}"; else /usr/bin/id "$@"; fi\n')
    _exe(bin_dir / "dpkg-query", '#!/bin/bash\npkg="${@: -1}"\nfor m in $FAKE_MISSING; do '
                                 '[ "$m" = "$pkg" ] && exit 1; done\necho -n "install ok installed"\n')
    _exe(bin_dir / "apt-get", '#!/bin/bash\necho "$*" >> "$APT_LOG"\necho "apt noise line 1"\n'
                              'echo "apt noise line 2"\nexit 0\n')
    return bin_dir


def run_pos(args, tmp_path, shims, **env) -> subprocess.CompletedProcess:
    full = {**os.environ, "PATH": f"{shims}:{os.environ['PATH']}", "POS_LOG_DIR": str(tmp_path / "logs"),
            "APT_LOG": str(tmp_path / "apt.log"), "PYTHON": PYTHON, **env}
    full.pop("DISPLAY", None)
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=300, env=full,
                          cwd=tmp_path)


def make_venv(path: Path, pip: bool = True) -> Path:
    subprocess.run([PYTHON, "-m", "venv", *([] if pip else ["--without-pip"]), str(path)], check=True,
                   timeout=180, capture_output=True)
    return path


def test_the_script_parses():
    assert subprocess.run(["bash", "-n", str(SCRIPT)], capture_output=True).returncode == 0


@pytest.mark.parametrize("kind, expected", [
    ("absent", "missing"),
    ("no-pip", "half-made: no pip"),
    ("no-python", "half-made: no bin/python"),
    ("install-failed", "half-made: the last package install did not finish"),
    ("empty", "half-made: empty folder"),
    ("foreign", "not-a-venv"),
    ("whole", "ok"),
])
def test_venv_state_tells_a_half_made_venv(tmp_path, shims, kind, expected):
    venv = tmp_path / "venv"
    if kind == "no-pip":
        make_venv(venv, pip=False)  # what python3 -m venv leaves when ensurepip is missing
    elif kind == "no-python":
        make_venv(venv, pip=False)
        (venv / "bin" / "python").unlink()
    elif kind == "install-failed":
        make_venv(venv)
        (venv / ".install-failed").touch()
    elif kind == "empty":
        venv.mkdir()
    elif kind == "foreign":
        venv.mkdir()
        (venv / "my-notes.txt").write_text("keep me")
    elif kind == "whole":
        make_venv(venv)
    done = run_pos(["venv-state"], tmp_path, shims, POS_VENV=str(venv))
    assert done.returncode == 0 and done.stdout.strip() == expected, done.stderr


def test_a_half_made_venv_is_rebuilt_and_a_foreign_folder_is_left_alone(tmp_path, shims):
    venv = make_venv(tmp_path / "venv", pip=False)
    (venv / "leftover").write_text("from the failed run")
    done = run_pos(["run"], tmp_path, shims, POS_VENV=str(venv), POS_NO_INSTALL="1")
    assert done.returncode == 0, done.stderr
    assert "Rebuilding" in done.stdout and "no pip" in done.stdout
    assert not (venv / "leftover").exists()
    assert run_pos(["venv-state"], tmp_path, shims, POS_VENV=str(venv)).stdout.strip() == "ok"
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "my-notes.txt").write_text("keep me")
    done = run_pos(["run"], tmp_path, shims, POS_VENV=str(foreign), POS_NO_INSTALL="1")
    assert done.returncode == 1 and "is not a Python venv" in done.stderr
    assert (foreign / "my-notes.txt").read_text() == "keep me"


def test_as_root_the_missing_packages_are_installed_quietly(tmp_path, shims):
    venv = make_venv(tmp_path / "venv")
    done = run_pos(["test"], tmp_path, shims, POS_VENV=str(venv), POS_NO_INSTALL="1", FAKE_UID="0",
                   FAKE_MISSING="python3-venv binutils gnome-keyring")
    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0].startswith("update")
    assert calls[1].split()[-3:] == ["python3-venv", "binutils", "gnome-keyring"] and "install" in calls[1]
    assert "apt noise" not in done.stdout + done.stderr  # in the log file instead
    assert "apt noise line 1" in (tmp_path / "logs" / "setup.log").read_text()
    assert len(done.stdout.splitlines()) <= 3


def test_run_needs_no_test_tools(tmp_path, shims):
    venv = make_venv(tmp_path / "venv")
    done = run_pos(["run"], tmp_path, shims, POS_VENV=str(venv), POS_NO_INSTALL="1", FAKE_UID="0",
                   FAKE_MISSING="binutils xvfb gnome-keyring")
    assert done.returncode == 0 and not (tmp_path / "apt.log").exists()


def test_not_root_prints_the_one_apt_line_and_changes_nothing(tmp_path, shims):
    venv = tmp_path / "venv"
    done = run_pos(["test"], tmp_path, shims, POS_VENV=str(venv), FAKE_UID="1000",
                   FAKE_MISSING="python3-venv binutils libgl1")
    assert done.returncode == 1
    apt_lines = [line for line in done.stdout.splitlines() if "apt-get" in line]
    assert apt_lines == ["  sudo apt-get install -y --no-install-recommends python3-venv libgl1 binutils"]
    assert "run this command again" in done.stdout
    assert not (tmp_path / "apt.log").exists() and not venv.exists()


def test_run_keeps_the_terminal_short_and_ends_with_what_to_do_next(tmp_path, shims):
    """A venv whose python is a stand-in app printing Chromium-like noise: the terminal shows a few lines,
    the noise is in the run log."""
    venv = make_venv(tmp_path / "venv")
    real = venv / "bin" / "python-real"
    (venv / "bin" / "python").rename(real)
    _exe(venv / "bin" / "python", f'#!/bin/bash\nif [ "$1 $2" = "-m pos_app" ]; then\n'
         '  for i in $(seq 100); do echo "[1205/101112.1:ERROR:gpu_init.cc(1)] noise $i" >&2; done\n'
         '  echo "pip noise" ; exit 0\nfi\n'
         f'exec "{real}" "$@"\n')
    digest = hashlib.sha1((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:12]
    (venv / f".installed-{digest}").touch()
    done = run_pos(["run"], tmp_path, shims, POS_VENV=str(venv), FAKE_UID="0")
    assert done.returncode == 0, done.stderr
    lines = (done.stdout + done.stderr).splitlines()
    assert 2 <= len(lines) <= 5, lines
    assert lines[-1] == "pos.sh: The counter closed. To start it again: bash scripts/pos.sh run"
    assert any("Sign in as Trainer" in line for line in lines)
    assert "noise 100" in (tmp_path / "logs" / "run.log").read_text()


def test_pyproject_license_is_an_spdx_expression():
    """setuptools >= 77 warns (a deprecation, printed by every pip install) about a license table."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert isinstance(data["project"]["license"], str)
    assert any(r.replace(" ", "").startswith("setuptools>=77") for r in data["build-system"]["requires"])
