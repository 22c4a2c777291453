#!/usr/bin/env bash
# Smoke test of a built bundle, run the way a field laptop runs it: no Python, no source tree,
# an empty home folder, no network needed.
#
#   bash packaging/smoke.sh [BUNDLE_DIR]     default dist/cmdesk; /opt/cmdesk tests an installed .deb
#
# Env: SMOKE_GUI_SECONDS (default 8): how long cmdesk-gui must stay up before it is stopped;
#      SMOKE_BIN_DIR: where to run cmdesk and cmdesk-gui from (default the bundle; /usr/bin
#      tests the .deb's symlinks).
# Exit status 0 only if every step passed; each step prints one line, failures print output.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bundle=$(cd "${1:-$here/../dist/cmdesk}" && pwd)
gui_seconds=${SMOKE_GUI_SECONDS:-8}
expected_version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$here/../src/cmdesk/__init__.py" 2>/dev/null || true)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A fresh home: the bundle must need nothing from the developer's (caches, pythainlp-data,
# fonts in ~/.fonts) and we check below that it writes nothing there except its data folder.
mkdir -p "$work/home"
export HOME=$work/home
unset XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME
# The frozen app must not reach the source tree or a virtualenv through the environment.
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV CMDESK_LANG CMDESK_USER
export LANG=C.UTF-8 LC_ALL=C.UTF-8
cd "$work"

failures=0
pass() { printf 'ok   %-28s %s\n' "$1" "${2:-}"; }
fail() {
  printf 'FAIL %-28s %s\n' "$1" "${2:-}"
  [ -f "$work/out" ] && sed 's/^/     | /' "$work/out" | head -40
  failures=$((failures + 1))
}
# run NAME CMD...: runs CMD with stdout+stderr in $work/out; sets $rc and $secs.
run() {
  local start end
  start=$(date +%s%N)
  set +e
  "$@" >"$work/out" 2>&1
  rc=$?
  set -e
  end=$(date +%s%N)
  secs=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 1e9 }')
}

# Thai letters are U+0E00-U+0E7F: UTF-8 bytes E0 B8 xx or E0 B9 xx (bytes, so no locale needed).
has_thai() { LC_ALL=C grep -q -e $'\xe0\xb8' -e $'\xe0\xb9' "$work/out"; }

vault=$work/vault
pass_ok="smoke test passphrase 4 field laptops"
bin_dir=${SMOKE_BIN_DIR:-$bundle}
cli=$bin_dir/cmdesk

run "$cli" --version
if [ $rc -eq 0 ] && grep -qx "cmdesk ${expected_version:-.*}" "$work/out"; then
  pass "cmdesk --version" "$(cat "$work/out") (${secs}s, cold start)"
else
  fail "cmdesk --version" "exit $rc"
fi

run env CMDESK_PASSPHRASE="$pass_ok" "$cli" --vault "$vault" --user admin --lang en init --org SMOKE
if [ $rc -eq 0 ] && [ -f "$vault/cmdesk.db" ] && [ -f "$vault/keyslots.json" ]; then
  pass "cmdesk init" "(${secs}s, includes Argon2 tuning)"
else
  fail "cmdesk init" "exit $rc"
fi

run env CMDESK_PASSPHRASE="$pass_ok" "$cli" --vault "$vault" --user admin --lang en check
if [ $rc -eq 0 ] && grep -q "All good" "$work/out"; then
  pass "cmdesk check" "(${secs}s)"
else
  fail "cmdesk check" "exit $rc"
fi

run env CMDESK_PASSPHRASE="$pass_ok" "$cli" --vault "$vault" --user admin --lang en \
  recovery-key new -o "$work/recovery.key"
if [ $rc -eq 0 ] && [ -s "$work/recovery.key" ]; then
  pass "cmdesk recovery-key new" "(${secs}s)"
else
  fail "cmdesk recovery-key new" "exit $rc"
fi

run env CMDESK_PASSPHRASE="$pass_ok" "$cli" --vault "$vault" --user admin --lang en \
  backup -o "$work/backup"
if [ $rc -eq 0 ] && [ -n "$(ls -A "$work/backup" 2>/dev/null)" ]; then
  pass "cmdesk backup" "(${secs}s)"
else
  fail "cmdesk backup" "exit $rc"
fi

# A wrong passphrase must be refused with a message in the chosen language: Thai proves the
# catalogs are in the bundle and load; English proves the Thai did not come by accident.
run env CMDESK_PASSPHRASE="wrong passphrase" "$cli" --vault "$vault" --user admin --lang th check
if [ $rc -eq 1 ] && has_thai && ! grep -q Traceback "$work/out"; then
  pass "wrong passphrase, --lang th" "$(head -1 "$work/out")"
else
  fail "wrong passphrase, --lang th" "exit $rc, expected 1 and a Thai message"
fi
run env CMDESK_PASSPHRASE="wrong passphrase" "$cli" --vault "$vault" --user admin --lang en check
if [ $rc -eq 1 ] && ! has_thai && ! grep -q Traceback "$work/out"; then
  pass "wrong passphrase, --lang en" "$(head -1 "$work/out")"
else
  fail "wrong passphrase, --lang en" "exit $rc, expected 1 and an English message"
fi

# Reports, Thai word breaking, place names, dates, icons: paths the CLI does not take.
run "$bundle/cmdesk-selfcheck"
if [ $rc -eq 0 ]; then
  pass "cmdesk-selfcheck" "(${secs}s)"
  sed 's/^/     | /' "$work/out"
else
  fail "cmdesk-selfcheck" "exit $rc"
fi

# The GUI has no self-test flag: it must start and still be running after $gui_seconds
# (timeout's exit 124), and stderr must show none of the ways a bundle breaks: a traceback or
# import error, a Qt plugin or library that does not load, the bundled fonts or icons or the
# Thai segmenter missing (the GUI logs those as warnings and carries on). Other stderr lines
# (Qt's notes about the offscreen platform, the app's own warnings) are shown, not judged.
broken='Traceback|Error|Could not|could not|Cannot load|cannot open|Failed to|failed to load'
broken+='|segmenter unavailable|bundled font|missing icon|Fontconfig error|not found|No such file'
gui_check() {
  local name=$1
  shift
  run "$@"
  if [ $rc -eq 124 ] && ! grep -qE "$broken" "$work/out"; then
    pass "$name" "(ran ${gui_seconds}s, stopped)"
    sed 's/^/     | stderr: /' "$work/out"
  else
    fail "$name" "exit $rc (124 expected), stderr above"
    # Qt only says a platform plugin "could not load"; name the system libraries it lacks
    # (the .deb's Depends install them; see packaging/README.md for the tarball).
    ldd "$bundle"/_internal/PySide6/Qt/plugins/platforms/*.so 2>/dev/null | grep 'not found' |
      sort -u | sed 's/^[[:space:]]*/     | missing on this machine: /' || true
  fi
}
gui_check "cmdesk-gui offscreen" env QT_QPA_PLATFORM=offscreen \
  timeout -s TERM "$gui_seconds" "$bin_dir/cmdesk-gui"
if command -v xvfb-run >/dev/null 2>&1; then
  gui_check "cmdesk-gui xcb (Xvfb)" env QT_QPA_PLATFORM=xcb \
    xvfb-run -a timeout -s TERM "$gui_seconds" "$bin_dir/cmdesk-gui"
else
  echo "skip cmdesk-gui xcb                 (no xvfb-run; apt-get install xvfb to test it)"
fi

# Nothing may appear in the home folder but cmdesk's own data and settings folders:
# no pythainlp-data, no caches of third-party libraries.
stray=$(cd "$HOME" && find . -mindepth 1 -maxdepth 3 \
  ! -path ./.local ! -path ./.local/share ! -path './.local/share/cmdesk*' \
  ! -path ./.config ! -path './.config/cmdesk*' | sort)
if [ -z "$stray" ]; then
  pass "nothing written to home" ""
else
  printf '%s\n' "$stray" >"$work/out"
  fail "nothing written to home" "unexpected files"
fi

size=$(du -sh "$bundle" | cut -f1)
echo "bundle $bundle: $size, $(find "$bundle" -type f | wc -l) files"
if [ $failures -gt 0 ]; then
  echo "smoke test: $failures step(s) FAILED"
  exit 1
fi
echo "smoke test: all steps passed"
