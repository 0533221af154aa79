#!/usr/bin/env bash
# Build the counter-PC bundle (README "Build the counter-PC bundle"):
#   bash scripts/build_bundle.sh
# Installs the project with its build extra (PyInstaller) in .venv, runs
# `pyinstaller --noconfirm --clean build.spec` (dist/pos-app, work files in build/), runs the bundle's
# self-test offscreen and prints the bench JSON (bundle_mib, files, selftest_s, build_s).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${POS_VENV:-$PWD/.venv}"
PY="${PYTHON:-python3}"

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -c 'import PyInstaller' 2>/dev/null || "$VENV/bin/python" -m pip install -q -e ".[build]"

exec "$VENV/bin/python" bench/bundle.py --build --clean --dist dist --work build "$@"
