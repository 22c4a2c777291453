#!/usr/bin/env bash
# Refreshes the lock files in requirements/ from pyproject.toml: every package, for Linux and
# Windows (and macOS), Python 3.11 to 3.13, pinned with the hashes of every file PyPI has for it.
#
#   bash scripts/lock.sh            keep every pin that still satisfies pyproject.toml
#   bash scripts/lock.sh --upgrade  move every pin to the newest allowed version
#
# Upgrading is deliberate: run `bash scripts/test-latest.sh` first to see what the newest
# versions break, then lock, run `bash scripts/test.sh`, and commit the lock files with a
# message naming what moved. uv itself is pinned below and runs from its own venv.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
tools=build/lockvenv
if [ ! -x "$tools/bin/uv" ] || [ "$("$tools/bin/uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  "${PYTHON:-python3}" -m venv "$tools"
  "$tools/bin/python" -m pip install -q "uv==$UV_VERSION"
fi
upgrade=()
[ "${1:-}" = "--upgrade" ] && upgrade=(--upgrade)
compile() {
  "$tools/bin/uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes \
    --no-header "${upgrade[@]}" "$@"
}
# The development lock is resolved first; the others are held to its versions, so the app a
# developer tests is the app that ships.
compile pyproject.toml requirements/build.in --extra test -o requirements/dev.txt
compile pyproject.toml requirements/build.in -c requirements/dev.txt -o requirements/app.txt
compile pyproject.toml requirements/build.in requirements/packaging.in -c requirements/dev.txt \
  -o requirements/packaging.txt
# The hub's image (packaging/hub/Dockerfile): the libraries the hub imports (requirements/
# hub.in; the network tests run the hub with only these), none of the laptop app's.
compile requirements/hub.in requirements/build.in -c requirements/dev.txt -o requirements/hub.txt
echo "Locked: $(grep -c '==' requirements/dev.txt) packages for development," \
  "$(grep -c '==' requirements/app.txt) for the app," \
  "$(grep -c '==' requirements/packaging.txt) for packaging," \
  "$(grep -c '==' requirements/hub.txt) for the hub's image."
# Every pinned package must install from a wheel on each platform we ship: a field laptop has
# no compiler. (glibc 2.34: PySide6's Linux wheels need it; Debian 12 has 2.36.)
for py in 3.11 3.12 3.13; do
  for platform in x86_64-manylinux_2_34 x86_64-pc-windows-msvc; do
    "$tools/bin/uv" pip compile --quiet --no-header --only-binary :all: --python-version "$py" \
      --python-platform "$platform" requirements/packaging.txt requirements/dev.txt -o /dev/null ||
      { echo "no wheel for Python $py on $platform (above)" >&2; exit 1; }
  done
done
echo "Wheels exist for Python 3.11-3.13 on Linux x86_64 and Windows x86_64."
