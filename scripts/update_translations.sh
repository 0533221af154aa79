#!/usr/bin/env bash
# Extract every translatable string of the UI into resources/i18n/*.ts (Qt Linguist) and compile the .qm
# files the app loads. Translators edit the .ts (pyside6-linguist or any editor); commit .ts and .qm.
# Sources: the screens' translate("Context", "...") calls, and the core's clerk-facing sentences marked
# N_("Context", "...") (pos_app/i18n_keys.py; lupdate reads N_ as an alias of QT_TRANSLATE_NOOP).
#   bash scripts/update_translations.sh            update all languages
#   bash scripts/update_translations.sh --check    fail if a .ts is out of date or has unfinished messages
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${POS_VENV:-$PWD/.venv}/bin"
LANGS=(es)
mapfile -t SOURCES < <(find pos_app -name '*.py' | sort)
MARKERS=(-tr-function-alias "QT_TRANSLATE_NOOP+=N_")

if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  for lang in "${LANGS[@]}"; do
    cp "resources/i18n/pos_app_$lang.ts" "$tmp/pos_app_$lang.ts"
    "$BIN/pyside6-lupdate" -silent -no-obsolete -locations none "${MARKERS[@]}" "${SOURCES[@]}" -ts "$tmp/pos_app_$lang.ts"
    if ! diff -q "resources/i18n/pos_app_$lang.ts" "$tmp/pos_app_$lang.ts" >/dev/null; then
      echo "resources/i18n/pos_app_$lang.ts is out of date: run bash scripts/update_translations.sh" >&2; exit 1
    fi
    if grep -q 'type="unfinished"' "resources/i18n/pos_app_$lang.ts"; then
      echo "resources/i18n/pos_app_$lang.ts has untranslated messages" >&2; exit 1
    fi
  done
  echo "translations up to date"; exit 0
fi

for lang in "${LANGS[@]}"; do
  "$BIN/pyside6-lupdate" -no-obsolete -locations none "${MARKERS[@]}" "${SOURCES[@]}" -ts "resources/i18n/pos_app_$lang.ts"
  "$BIN/pyside6-lrelease" -silent "resources/i18n/pos_app_$lang.ts" -qm "resources/i18n/pos_app_$lang.qm"
done
