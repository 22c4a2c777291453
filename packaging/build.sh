#!/usr/bin/env bash
# Builds the field-laptop bundle and the Linux packages from the working tree:
#
#   dist/cmdesk/                              one folder: cmdesk, cmdesk-gui, cmdesk-selfcheck
#   dist/cmdesk-VERSION-linux-x86_64.tar.gz   that folder, for any glibc >= 2.36 x86_64 Linux
#   dist/cmdesk_VERSION_amd64.deb             /opt/cmdesk + /usr/bin links + desktop entry
#
#   bash packaging/build.sh [--bundle-only] [--smoke]
#
# PyInstaller runs from its own virtualenv (build/pkgvenv, made on first use, or $PKG_VENV),
# never the development one: the bundle then holds only the app's declared dependencies, not
# the test tools that happen to be installed beside them.
set -euo pipefail
cd "$(dirname "$0")/.."

bundle_only=0
smoke=0
for arg in "$@"; do
  case $arg in
    --bundle-only) bundle_only=1 ;;
    --smoke) smoke=1 ;;
    *) echo "usage: $0 [--bundle-only] [--smoke]" >&2; exit 2 ;;
  esac
done

venv=${PKG_VENV:-build/pkgvenv}
python=${PYTHON:-python3.11}
stamp=$venv/.cmdesk-pkg-installed
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
lock=requirements/packaging.txt
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # The app's locked versions (the same as the tests ran with) plus the locked PyInstaller
  # (requirements/packaging.in: its major version is pinned, a new one changes the layout).
  "$venv/bin/python" -m pip install -q --require-hashes --no-deps -r "$lock"
  "$venv/bin/python" -m pip install -q --no-deps --no-build-isolation -e .
  "$venv/bin/python" -m pip check
  touch "$stamp"
fi

# The spec refuses .po files without a fresh .mo; compile them first.
"$venv/bin/python" scripts/i18n.py compile

version=$("$venv/bin/python" -c "import cmdesk; print(cmdesk.__version__)")
start=$(date +%s)
# No --clean: PyInstaller's analysis cache in build/pyinstaller makes a rebuild faster.
"$venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/cmdesk.spec
echo "bundle: dist/cmdesk, $(du -sh dist/cmdesk | cut -f1), built in $(($(date +%s) - start)) s"

if [ $bundle_only = 0 ]; then
  arch=$(uname -m)
  tarball=dist/cmdesk-$version-linux-$arch.tar.gz
  # Owner and order fixed so two builds of the same tree give the same archive listing.
  tar -C dist --owner=0 --group=0 --numeric-owner --sort=name -czf "$tarball" cmdesk
  echo "tarball: $tarball, $(du -h "$tarball" | cut -f1)"
  deb=$(bash packaging/linux/build_deb.sh dist/cmdesk "$version" dist | head -1)
  echo "deb: $deb, $(du -h "$deb" | cut -f1)"
fi

if [ $smoke = 1 ]; then
  bash packaging/smoke.sh dist/cmdesk
fi
