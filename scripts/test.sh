#!/usr/bin/env bash
# The whole test suite: lint, types, the layer contract, catalogs, then pytest (core and GUI, offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
export QT_QPA_PLATFORM=offscreen
export PYTHONHASHSEED=0
V=.venv/bin
echo "== ruff";          $V/ruff check src tests benchmarks scripts
echo "== ruff format";   $V/ruff format --check src tests benchmarks scripts
echo "== mypy (strict)"; $V/mypy
echo "== import-linter"; $V/lint-imports
echo "== catalogs";      $V/python scripts/i18n.py check
echo "== pytest";        $V/pytest -n 2 "$@"
