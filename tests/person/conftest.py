"""Person-like tests: one real X display (Xvfb 1366x768 + openbox) per test session; each scenario runs the
real app in its own process on it (see README.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.person.xdisplay import HEIGHT, WIDTH, XDisplay, missing_tools

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config, items):
    """Every person-like test may take minutes (a real app start per scenario); its scenario's own time limit
    (``run_scenario(timeout=...)``) stays below this, so a stuck scenario fails one test, not the whole run."""
    for item in items:
        if "tests/person/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.person)
            item.add_marker(pytest.mark.timeout(300))


@pytest.fixture(scope="session")
def x_display():
    missing = missing_tools()
    if missing:
        pytest.fail("person-like tests need a real X display: apt-get install -y xvfb openbox xdotool x11-utils "
                    f"imagemagick (missing: {', '.join(missing)}); scripts/pos.sh installs them as root")
    display = XDisplay().start()
    yield display.name
    display.stop()


def scenario_result(display: str, base: Path, name: str, timeout: float = 200, **options) -> dict:
    """Run scenario ``name`` in its own app process on ``display`` (files under ``base``); its observations
    (``home`` = the app's data folder, ``shots`` = screenshot dir). ``name`` may be ``module:function`` for a
    scenario outside ``scenarios.py``."""
    home, shots = base / "home", base / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DISPLAY=display, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="xcb")
    out = subprocess.run([sys.executable, "-m", "tests.person.scenario", name, str(home), str(shots),
                          json.dumps(options)], capture_output=True, text=True, timeout=timeout, env=env,
                         cwd=ROOT)
    lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"scenario {name} printed no result (exit {out.returncode}):\n{out.stderr[-4000:]}"
    result = json.loads(lines[-1][len("RESULT "):])
    assert "error" not in result, f"scenario {name} failed: {result.get('trace')}\nsteps: {result['steps']}"
    result["home"], result["shots"] = home, shots
    return result


@pytest.fixture(scope="session")
def x_displays(x_display):
    """Displays of other screen sizes, started when a test first asks for one (``run_scenario(screen=...)``)."""
    started = {(WIDTH, HEIGHT): x_display}
    others = []
    yield started, others
    for display in others:
        display.stop()


@pytest.fixture
def run_scenario(x_displays, tmp_path):
    """``run_scenario(name, screen=(w, h), **options) -> dict``: the scenario's observations (``shots`` =
    screenshot dir). ``screen``: run it on an X display of that size (default 1366x768)."""
    started, others = x_displays

    def display(screen: tuple[int, int]) -> str:
        if screen not in started:
            others.append(XDisplay(*screen).start())
            started[screen] = others[-1].name
        return started[screen]

    def run(name: str, timeout: float = 200, screen: tuple[int, int] = (WIDTH, HEIGHT), **options) -> dict:
        return scenario_result(display(tuple(screen)), tmp_path, name, timeout, **options)

    return run
