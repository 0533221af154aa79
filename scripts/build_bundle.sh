#!/usr/bin/env bash
# Build the counter-PC bundle (README "Build the counter-PC bundle"):
#   bash scripts/build_bundle.sh
# Builds in its own virtual environment (.venv-bundle, or $POS_BUNDLE_VENV) installed from the lock file
# requirements/bundle.txt with pip --require-hashes (every package pinned, every file's sha256 checked;
# regenerate it with scripts/lock.sh), so the bundle contains exactly the locked packages and no test tools.
# Then runs `pyinstaller --noconfirm --clean build.spec` (dist/pos-app, work files in build/), the bundle's
# self-test offscreen, and prints the bench JSON (bundle_mib, files, selftest_s, build_s).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${POS_BUNDLE_VENV:-$PWD/.venv-bundle}"
PY="${PYTHON:-python3}"
LOCK=requirements/bundle.txt

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
stamp="$VENV/.locked-$(sha1sum "$LOCK" | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  "$VENV/bin/python" -m pip install -q --require-hashes --no-deps --only-binary=:all: -r "$LOCK"
  rm -f "$VENV"/.locked-*
  touch "$stamp"
fi
# pos_app itself comes from this checkout (build.spec: pathex=[ROOT]); it is not installed into the venv.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec "$VENV/bin/python" bench/bundle.py --build --clean --dist dist --work build "$@"
