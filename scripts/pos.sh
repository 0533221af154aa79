#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (README):
#   bash scripts/pos.sh run    install everything, then start the app in training mode
#   bash scripts/pos.sh test   install everything, then run the test suite
# Installs the Debian libraries Qt/QtWebEngine need (only when missing, only as root),
# creates .venv with the system python3 (>= 3.11) and installs the project with its test extra.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
VENV="${POS_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"

qt_libs=(libgl1 libegl1 libx11-6 libxcb1 libxcb-dri3-0 libnss3 libgbm1 libxcomposite1 libxdamage1
  libxext6 libxfixes3 libxrandr2 libxtst6 libdbus-1-3 libfontconfig1 libxkbcommon0 libasound2
  libxkbfile1 libglib2.0-0 libbrotli1 fontconfig-config fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0)

# Person-like tests (tests/person): a real X display with a window manager, real key events, screenshots.
person_tools=(xvfb openbox xdotool x11-utils imagemagick)

install_debian_libs() {
  command -v dpkg-query >/dev/null || return 0
  local missing=() wanted=("${qt_libs[@]}")
  [ "${1:-}" = "test" ] && wanted+=("${person_tools[@]}")
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages (run as root to install): ${missing[*]}" >&2
    return 0
  fi
  echo "Installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_python() {
  "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required, found " + sys.version)'
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  local stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[test]"
    touch "$stamp"
  fi
}

cmd="${1:-run}"; shift || true
install_debian_libs "$cmd"
install_python
case "$cmd" in
  run)
    exec "$VENV/bin/python" -m pos_app --training "$@" ;;
  test)
    export QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 QTWEBENGINE_CHROMIUM_FLAGS=--disable-gpu
    exec "$VENV/bin/python" -m pytest "$@" ;;
  *)
    echo "usage: $0 run|test" >&2; exit 2 ;;
esac
