#!/usr/bin/env bash
# Runs the whole test command against the newest versions pyproject.toml allows, in its own
# venv (build/latest-venv, made anew each time), and lists every package that differs from the
# lock. Not part of CI: run it by hand or on a schedule before `bash scripts/lock.sh --upgrade`,
# so an upgrade is a decision made on a green run, never a surprise on a field laptop.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=build/latest-venv
rm -rf "$venv"
export CMDESK_VENV=$venv CMDESK_UNLOCKED=1
bash scripts/test.sh "$@"
status=$?
echo "== newer than requirements/dev.txt"
"$venv/bin/python" - <<'PY'
import re
from importlib.metadata import distributions
from pathlib import Path

from packaging.version import Version

def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()

locked = dict(
    m.groups()
    for m in re.finditer(r"^([A-Za-z0-9._-]+)==([^ ;\\\n]+)", Path("requirements/dev.txt").read_text(), re.M)
)
locked = {norm(k): v for k, v in locked.items()}
for dist in sorted(distributions(), key=lambda d: norm(d.metadata["Name"])):
    name = norm(dist.metadata["Name"])
    if name in locked and Version(locked[name]) != Version(dist.version):
        print(f"  {name}: locked {locked[name]}, newest {dist.version}")
PY
exit $status
