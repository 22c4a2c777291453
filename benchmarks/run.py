"""Runs every benchmark and prints each figure beside its baseline from the same run.

Usage: .venv/bin/python -m benchmarks.run [NAME ...]
(names: vault, records, reports, print, sync, hub, stats, gui)

Each module in this folder named bench_<name>.py has `run() -> list[Row]`, a Row being
(figure, value, baseline or None, unit). Targets from the issues are printed beside them.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Sequence

Row = tuple[str, float, float | None, str]
MODULES = ["vault", "records", "reports", "print", "sync", "hub", "stats", "gui"]


def fmt(value: float, unit: str) -> str:
    if unit in ("s", "ms") or unit.endswith("/s"):
        return f"{value:,.1f} {unit}" if value >= 10 else f"{value:,.3f} {unit}"
    return f"{value:,.2f} {unit}"


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    names = list(argv if argv is not None else sys.argv[1:]) or MODULES
    print(f"{'figure':58} {'value':>16} {'baseline':>16} {'ratio':>7}")
    for name in names:
        try:
            module = importlib.import_module(f"benchmarks.bench_{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"benchmarks.bench_{name}":
                print(f"-- {name}: no benchmark yet")
                continue
            raise
        started = time.perf_counter()
        print(f"-- {name}")
        for figure, value, baseline, unit in module.run():
            base = fmt(baseline, unit) if baseline is not None else ""
            ratio = f"{value / baseline:.2f}x" if baseline else ""
            print(f"{figure:58} {fmt(value, unit):>16} {base:>16} {ratio:>7}", flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
