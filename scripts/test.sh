#!/usr/bin/env bash
# The whole test suite: lint, types, the layer contract, catalogs, then pytest (core and GUI,
# offscreen) measuring coverage, and the coverage floor per package. Every stage runs; the exit
# status is non-zero if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test || exit 1
export QT_QPA_PLATFORM=offscreen
export PYTHONHASHSEED=0
V=${CMDESK_VENV:-.venv}/bin
failed=()
stage() {
  local name=$1; shift
  echo "== $name"
  "$@" || failed+=("$name")
}
stage "ruff"            $V/ruff check src tests benchmarks scripts packaging
stage "ruff format"     $V/ruff format --check src tests benchmarks scripts packaging
stage "mypy (strict)"   $V/mypy
stage "import-linter"   $V/lint-imports
stage "catalogs"        $V/python scripts/i18n.py check
# Coverage is measured in the same run (build/coverage/coverage.json); its table per package
# follows, and with no arguments (the whole suite) each package must reach its floor
# (scripts/coverage_floor.py).
rm -f build/coverage/coverage.json
# The 25 slowest tests are listed at the end: where to look when the run grows past its aim.
# Hypothesis's "ci" profile (derandomized, no example database): every run of this command, on
# any machine, tries the same examples as CI, so a change that broke nothing cannot fail on a
# rare random one. Exploring with new examples is a separate run (README, "Exploring").
stage "pytest"          $V/pytest -n 2 --cov --cov-report=json --durations=25 \
                          --hypothesis-profile=ci "$@"
if [ $# -eq 0 ]; then
  stage "coverage floor" $V/python scripts/coverage_floor.py
else
  $V/python scripts/coverage_floor.py --table-only
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
echo "All stages passed."
