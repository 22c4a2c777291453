"""Coverage per package from coverage's JSON report, checked against a floor for each.

    python scripts/coverage_floor.py [build/coverage/coverage.json] [--table-only]

Prints one line per package (statements, covered, percent, floor) and exits 1 naming each
package under its floor. A package is a folder of src/cmdesk two levels deep (core/sync,
gui/screens); modules directly in core, gui or cli count as that package. The floors sit a
few points under what the whole test command measured when they were set: raise a floor
when coverage rises; lower one only with a reason in the commit message.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REPORT = ROOT / "build" / "coverage" / "coverage.json"

# Percent of statements, each 3 to 4 points under the whole suite's figure on 2026-12-05
# (pytest -n 2 with coverage, 1022 tests), which is in the comment.
FLOORS: dict[str, float] = {
    "cmdesk": 65,  # 69.2: __main__ runs only as `python -m cmdesk`, in processes not measured
    "cli": 79,  # 82.1
    # 87.5 after the layers work: revision_hooks.py runs inside new_migration.py's own process
    # in its tests (a model change must not leak into the test process), not measured.
    "core": 84,
    "core/acting": 96,  # 99.2
    "core/demo": 95,  # 98.7
    "core/i18n": 94,  # 97.2
    "core/model": 96,  # 99.7
    "core/reference": 96,  # 99.7
    "core/reports": 94,  # 97.3
    "core/search": 95,  # 98.1
    "core/services": 91,  # 94.1
    "core/stats": 93,  # 97.3 from tests/core/stats alone (the network tests run in processes)
    "core/sync": 89,  # 92.6
    "core/vault": 89,  # 92.9
    "gui": 78,  # 81.5
    "gui/models": 88,  # 91.0
    "gui/screens": 88,  # 91.1
    "gui/widgets": 92,  # 95.8
    "hub": 85,  # 88.6 from tests/hub alone (serve runs in processes not measured)
}
# A package that appears without a floor of its own (a new one) is held to this until given one.
DEFAULT_FLOOR = 80.0


@dataclass
class Package:
    statements: int = 0
    covered: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.statements if self.statements else 100.0


def package_of(filename: str) -> str:
    """core/sync for src/cmdesk/core/sync/engine.py, core for src/cmdesk/core/workspace.py."""
    parts = PurePosixPath(filename.replace("\\", "/")).parts
    inside = parts[len(parts) - 1 - parts[::-1].index("cmdesk") + 1 :]  # after the last "cmdesk"
    folders = inside[:-1]
    return "/".join(folders[:2]) if folders else "cmdesk"


def by_package(report: dict[str, object]) -> dict[str, Package]:
    files = report["files"]
    assert isinstance(files, dict)
    packages: dict[str, Package] = {}
    for filename, data in files.items():
        summary = data["summary"]
        package = packages.setdefault(package_of(filename), Package())
        package.statements += summary["num_statements"]
        package.covered += summary["covered_lines"]
    return packages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", type=Path, default=DEFAULT_REPORT)
    parser.add_argument(
        "--table-only", action="store_true", help="print, check nothing (a partial test run)"
    )
    args = parser.parse_args(argv)
    if not args.report.exists():
        print(f"no coverage report at {args.report}: did the pytest stage run?")
        return 1
    packages = by_package(json.loads(args.report.read_text(encoding="utf-8")))
    under: list[str] = []
    print(f"{'package':<16} {'statements':>10} {'covered':>8} {'percent':>8} {'floor':>6}")
    for name in sorted(packages):
        p = packages[name]
        floor = FLOORS.get(name, DEFAULT_FLOOR)
        mark = "" if name in FLOORS else " (default)"
        low = p.percent < floor
        if low:
            under.append(f"{name} {p.percent:.1f}% < {floor:.0f}%")
        print(
            f"{name:<16} {p.statements:>10} {p.covered:>8} {p.percent:>7.1f}% {floor:>5.0f}%"
            f"{mark}{'  UNDER ITS FLOOR' if low and not args.table_only else ''}"
        )
    total = Package(
        sum(p.statements for p in packages.values()), sum(p.covered for p in packages.values())
    )
    print(f"{'all':<16} {total.statements:>10} {total.covered:>8} {total.percent:>7.1f}%")
    if args.table_only:
        print("(a partial test run: floors not checked)")
        return 0
    if under:
        print("Coverage under the floor: " + "; ".join(under))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
