#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (README):
#   bash scripts/pos.sh run    install what is missing, then start the app in training mode
#   bash scripts/pos.sh test   install what is missing, then run the test suite (what CI runs)
#   bash scripts/pos.sh venv-state   say whether .venv is ok / missing / half-made (nothing changed)
#
# Debian packages: as root, the missing ones are installed (apt-get, quietly); as another user the script
# prints the ONE apt-get line to run as root and stops. Python: .venv is made with the system python3
# (>= 3.11) and the project installed: `run` with the training extra only (no test tools), `test` with
# training + test + build (PyInstaller, for tests/packaging). A half-made .venv (no bin/python, no pip, or a pip
# install that did not finish: the .install-failed mark) is removed and made again; a folder at that place
# that is not a venv is never removed. The terminal gets a few lines; apt/pip/setuptools output goes to
# .pos-logs/setup.log, the app's own output (Qt/Chromium) to .pos-logs/run.log.
# Environment: PYTHON (interpreter), POS_VENV (venv folder), POS_LOG_DIR (log folder),
# POS_NO_INSTALL=1 (stop after the venv exists: no pip install, nothing started).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
VENV="${POS_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
LOG_DIR="${POS_LOG_DIR:-$ROOT/.pos-logs}"
SETUP_LOG="$LOG_DIR/setup.log"
RUN_LOG="$LOG_DIR/run.log"

say() { printf 'pos.sh: %s\n' "$*"; }
fail() { printf 'pos.sh: %s\n' "$*" >&2; exit 1; }

# python3-venv: venv + ensurepip for the system python3; binutils: objdump, which PyInstaller needs (tests
# build the counter-PC bundle).
base_tools=(python3-venv)
build_tools=(binutils)
qt_libs=(libgl1 libegl1 libx11-6 libxcb1 libxcb-dri3-0 libnss3 libgbm1 libxcomposite1 libxdamage1
  libxext6 libxfixes3 libxrandr2 libxtst6 libdbus-1-3 libfontconfig1 libxkbcommon0 libasound2
  libxkbfile1 libglib2.0-0 libbrotli1 fontconfig-config fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0)
# Person-like tests (tests/person): a real X display with a window manager, real key events, screenshots.
person_tools=(xvfb openbox xdotool x11-utils imagemagick)
# The keyring round trip (tests/packaging) against a real Secret Service: gnome-keyring on a D-Bus session.
keyring_tools=(gnome-keyring dbus dbus-x11)
# Shared-storage tests (issue 19): Debian's PostgreSQL server; tests start throwaway clusters (tests/pg_cluster.py).
store_tools=(postgresql)

missing_debian_packages() {
  local p wanted=("${base_tools[@]}" "${qt_libs[@]}")
  [ "$1" = "test" ] && wanted+=("${build_tools[@]}" "${person_tools[@]}" "${keyring_tools[@]}" "${store_tools[@]}")
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s\n' "$p"
  done
}

install_debian_packages() {
  command -v dpkg-query >/dev/null || return 0  # not Debian: nothing we can check
  local missing
  mapfile -t missing < <(missing_debian_packages "$1")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "Some Debian packages are missing. Run this once as root, then run this command again:"
    printf '  sudo apt-get install -y --no-install-recommends %s\n' "${missing[*]}"
    exit 1
  fi
  mkdir -p "$LOG_DIR"
  say "Installing Debian packages: ${missing[*]} (log: $SETUP_LOG)"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
         >>"$SETUP_LOG" 2>&1; then
    tail -n 5 "$SETUP_LOG" >&2
    fail "apt-get failed (above: the last lines of $SETUP_LOG). Fix that, then run this command again."
  fi
}

# ok | missing | half-made: <why> | not-a-venv
venv_state() {
  [ -e "$VENV" ] || { echo "missing"; return; }
  if [ ! -f "$VENV/pyvenv.cfg" ]; then
    if [ -d "$VENV" ] && [ -z "$(ls -A "$VENV")" ]; then echo "half-made: empty folder"; else echo "not-a-venv"; fi
    return
  fi
  [ -e "$VENV/.install-failed" ] && { echo "half-made: the last package install did not finish"; return; }
  [ -x "$VENV/bin/python" ] || { echo "half-made: no bin/python"; return; }
  "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1 || { echo "half-made: bin/python does not run"; return; }
  "$VENV/bin/python" -m pip --version >/dev/null 2>&1 || { echo "half-made: no pip"; return; }
  echo "ok"
}

prepare_python() {
  local extras="$1"
  "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required, found " + sys.version)'
  "$PY" -c 'import ensurepip, venv' 2>/dev/null \
    || fail "$PY cannot make a venv (no ensurepip). On Debian: sudo apt-get install -y python3-venv"
  mkdir -p "$LOG_DIR"
  local state
  state="$(venv_state)"
  case "$state" in
    ok|missing) ;;
    not-a-venv) fail "$VENV exists but is not a Python venv; move it away (or set POS_VENV), then try again." ;;
    half-made*)
      say "Rebuilding $VENV (${state#half-made: })."
      rm -rf "$VENV" ;;
  esac
  if [ ! -e "$VENV" ]; then
    "$PY" -m venv "$VENV" >>"$SETUP_LOG" 2>&1 || { rm -rf "$VENV"; fail "could not create $VENV; see $SETUP_LOG"; }
  fi
  [ "${POS_NO_INSTALL:-}" = "1" ] && return 0
  local stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)-${extras//,/-}"
  if [ ! -f "$stamp" ]; then
    say "Installing Python packages into $VENV (first time: a few minutes; log: $SETUP_LOG)"
    touch "$VENV/.install-failed"  # removed only when the install finished
    if ! { "$VENV/bin/python" -m pip install --upgrade pip && "$VENV/bin/python" -m pip install -e ".[$extras]"; } \
         >>"$SETUP_LOG" 2>&1; then
      tail -n 8 "$SETUP_LOG" >&2
      fail "pip install failed (above: the last lines of $SETUP_LOG). Fix that, then run this command again."
    fi
    rm -f "$VENV"/.installed-* "$VENV/.install-failed"
    touch "$stamp"
  fi
}

cmd="${1:-run}"; shift || true
case "$cmd" in
  venv-state)
    venv_state; exit 0 ;;
  run) extras=training ;;
  test) extras=training,test,store,server,build ;;
  *)
    echo "usage: $0 run|test|venv-state" >&2; exit 2 ;;
esac
install_debian_packages "$cmd"
prepare_python "$extras"
[ "${POS_NO_INSTALL:-}" = "1" ] && { say "$VENV is ready (POS_NO_INSTALL=1: nothing installed or started)."; exit 0; }
case "$cmd" in
  run)
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname -s)" = "Linux" ]; then
      say "No display found: the counter runs offscreen (nothing visible). Press Ctrl+C to stop."
    fi
    say "Starting the counter in training mode; its messages go to $RUN_LOG"
    say "Sign in as Trainer (manager, PIN 1234) or Trainee (clerk, PIN 0000). Close the window to stop."
    printf '\n==== %s pos.sh run %s\n' "$(date -Is)" "$*" >>"$RUN_LOG"
    set +e
    "$VENV/bin/python" -m pos_app --training "$@" >>"$RUN_LOG" 2>&1
    code=$?
    set -e
    if [ "$code" -eq 0 ]; then
      say "The counter closed. To start it again: bash scripts/pos.sh run"
    else
      tail -n 5 "$RUN_LOG" >&2
      say "The counter stopped with an error (exit $code); above: the last lines of $RUN_LOG."
    fi
    exit "$code" ;;
  test)
    export QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 QTWEBENGINE_CHROMIUM_FLAGS=--disable-gpu
    export POS_REQUIRE_SECRET_SERVICE=1  # CI has gnome-keyring (installed above): that test must not skip
    export POS_REQUIRE_POSTGRES=1        # and PostgreSQL (installed above): its tests must not skip
    say "Running the tests (set-up log: $SETUP_LOG)"
    # Two workers (pytest-xdist): most of the suite waits on real processes, sockets and X, not on the CPU, so
    # two workers halve the wall time on a 2-core machine (decision 0450). POS_TEST_WORKERS=0 runs in one process.
    # --dist loadfile: a file's tests stay together, in file order, on one worker (module fixtures as in one process).
    exec "$VENV/bin/python" -m pytest -n "${POS_TEST_WORKERS:-2}" --dist loadfile "$@" ;;
esac
