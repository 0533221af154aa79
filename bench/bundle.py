"""Size and self-test time of the counter-PC bundle (PyInstaller one-folder, ``build.spec``).

    .venv/bin/python bench/bundle.py [--build] [--dist DIR] [--work DIR] [--clean] [--runs N]

``--build`` runs PyInstaller first (``--distpath DIR --workpath DIR``, default ``dist``/``build`` in the
checkout) and reports ``build_s``. Then it runs the bundle's ``pos-app --selftest`` offscreen N times.

Prints one JSON object:
  bundle_mib      size of every regular file in dist/pos-app (symlinks not followed), MiB; goal < 350
  files           number of regular files (symlinks counted apart in ``symlinks``)
  selftest_s      the self-test's own time (median over runs), as it reports it
  selftest_wall_s process start to exit (median), bootloader and Qt start-up included
  selftest_ok     every run exited 0 with ``"ok": true``;  build_s  (with --build)
Exit status 1 if a self-test failed or the bundle is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "pos-app"
GOAL_MIB = 350


def build(dist: Path, work: Path, clean: bool = False, timeout: float = 900) -> float:
    """Run PyInstaller on build.spec; return the seconds it took. Raises CalledProcessError with its log."""
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(dist), "--workpath", str(work)]
    if clean:
        cmd.append("--clean")
    started = time.monotonic()
    subprocess.run(cmd + [str(ROOT / "build.spec")], cwd=ROOT, check=True, capture_output=True, text=True,
                   timeout=timeout)
    return time.monotonic() - started


def measure(bundle: Path) -> dict:
    size = files = links = 0
    for path in bundle.rglob("*"):
        if path.is_symlink():
            links += 1
        elif path.is_file():
            files += 1
            size += path.stat().st_size
    return {"bundle_mib": round(size / 2**20, 1), "files": files, "symlinks": links}


def selftest_env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QTWEBENGINE_CHROMIUM_FLAGS="--disable-gpu")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    return env


def run_selftest(executable: Path, timeout: float = 120) -> tuple[dict | None, float, subprocess.CompletedProcess]:
    """Run ``executable --selftest`` offscreen; return (its JSON summary or None, wall seconds, process)."""
    started = time.monotonic()
    proc = subprocess.run([str(executable), "--selftest"], env=selftest_env(), capture_output=True, text=True,
                          timeout=timeout)
    wall = time.monotonic() - started
    summary = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            summary = json.loads(line)
            break
    return summary, wall, proc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="run PyInstaller on build.spec first")
    parser.add_argument("--clean", action="store_true", help="pass --clean to PyInstaller")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)

    result: dict = {}
    if args.build:
        try:
            result["build_s"] = round(build(args.dist, args.work, clean=args.clean), 1)
        except subprocess.CalledProcessError as exc:
            sys.stderr.write(exc.stderr[-4000:] + "\nPyInstaller failed (see above)\n")
            return 1
    bundle = args.dist / APP
    executable = bundle / (APP + (".exe" if sys.platform == "win32" else ""))
    if not executable.is_file():
        sys.stderr.write(f"no bundle at {bundle}: build it with bash scripts/build_bundle.sh\n")
        return 1
    result.update(measure(bundle))
    result["goal_mib"] = GOAL_MIB
    own, walls, ok = [], [], True
    for _ in range(max(1, args.runs)):
        summary, wall, proc = run_selftest(executable)
        walls.append(wall)
        if proc.returncode != 0 or not summary or not summary.get("ok"):
            ok = False
            sys.stderr.write(proc.stderr[-3000:])
        if summary:
            own.append(summary["selftest_s"])
            result["keyring_backend"] = summary.get("keyring_backend")
    result["selftest_s"] = round(statistics.median(own), 3) if own else None
    result["selftest_wall_s"] = round(statistics.median(walls), 3)
    result["selftest_ok"] = ok
    print(json.dumps(result, sort_keys=True))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
