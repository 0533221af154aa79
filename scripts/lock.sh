#!/usr/bin/env bash
# Regenerate requirements/bundle.txt: every package the counter-PC bundle is built from (runtime + training +
# build extras of pyproject.toml), pinned, with the sha256 of every file PyPI offers for each pin.
#   bash scripts/lock.sh            (needs pip-tools: .venv/bin/pip install pip-tools)
# scripts/build_bundle.sh installs exactly this file with pip --require-hashes.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${POS_VENV:-$PWD/.venv}"
"$VENV/bin/pip-compile" --quiet --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links \
  --extra training --extra build --output-file requirements/bundle.txt pyproject.toml
