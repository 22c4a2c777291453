#!/usr/bin/env bash
# Sets up everything cmdesk needs on a fresh Debian machine with only Python 3.11:
# the system libraries Qt and the PDF checks load, a virtual environment in .venv,
# the project and its test tools, and compiled message catalogs. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON=$candidate; break; fi
  done
fi
[ -n "$PYTHON" ] || { echo "cmdesk needs Python 3.11 or newer (python3.11 not found)" >&2; exit 1; }

# System packages: Qt's xcb/offscreen platforms need EGL, fontconfig, xkbcommon, dbus and glib;
# the PDF tests read text back with poppler's pdftotext and render pages with pdftoppm.
need_pkgs=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib libEGL.so.1 || need_pkgs+=(libegl1)
have_lib libGL.so.1 || need_pkgs+=(libgl1)
have_lib libxkbcommon.so.0 || need_pkgs+=(libxkbcommon0)
have_lib libfontconfig.so.1 || need_pkgs+=(libfontconfig1)
have_lib libdbus-1.so.3 || need_pkgs+=(libdbus-1-3)
have_lib libglib-2.0.so.0 || need_pkgs+=(libglib2.0-0)
command -v pdftotext >/dev/null 2>&1 || need_pkgs+=(poppler-utils)
"$PYTHON" -c "import venv, ensurepip" >/dev/null 2>&1 || need_pkgs+=(python3-venv)
# The hub's network-scale tests start a real PostgreSQL server (its programs, not a service).
if [ "${1:-}" = test ] && ! command -v initdb >/dev/null 2>&1 \
    && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  need_pkgs+=(postgresql)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "Installing system packages: ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# Exactly the locked versions (requirements/, refreshed by scripts/lock.sh), checked against
# their hashes; then the project itself, editable, with no dependency resolution of its own.
# `bootstrap.sh test` adds the test tools (requirements/dev.txt); plain, the app alone.
extras=${1:-}
if [ "$extras" = test ]; then lock=requirements/dev.txt; else lock=requirements/app.txt; fi
venv=${CMDESK_VENV:-.venv}
stamp=$venv/.cmdesk-installed-$(basename "$lock" .txt)
if [ ! -x "$venv/bin/python" ]; then
  "$PYTHON" -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  quiet() { "$@" 2> >(grep -v "^WARNING: Location" >&2); }
  if [ -n "${CMDESK_UNLOCKED:-}" ]; then
    # scripts/test-latest.sh only: the newest versions pyproject.toml allows, not the lock.
    quiet "$venv/bin/python" -m pip install -q --upgrade --upgrade-strategy eager \
      -e ".${extras:+[$extras]}"
  else
    quiet "$venv/bin/python" -m pip install -q --require-hashes --no-deps -r "$lock"
    quiet "$venv/bin/python" -m pip install -q --no-deps --no-build-isolation -e .
  fi
  # --no-deps trusts the lock to be complete; pip check proves it (a missing or clashing
  # requirement fails here, not at run time on a field laptop).
  "$venv/bin/python" -m pip check >/dev/null || { "$venv/bin/python" -m pip check >&2; exit 1; }
  touch "$stamp"
fi
"$venv/bin/python" scripts/i18n.py compile
