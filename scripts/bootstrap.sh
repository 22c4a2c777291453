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
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "Installing system packages: ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

extras=${1:-}
stamp=.venv/.cmdesk-installed${extras:+-$extras}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip 2> >(grep -v "^WARNING: Location" >&2)
  .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}" 2> >(grep -v "^WARNING: Location" >&2)
  touch "$stamp"
fi
.venv/bin/python scripts/i18n.py compile
