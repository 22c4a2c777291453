"""The benchmarks still import after refactors (they run by hand, not in the test command, so
nothing else would notice a renamed core module before the next measurement)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted(p.stem for p in (Path(__file__).parents[1] / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("name", [n for n in BENCHMARKS if n != "__init__"])
def test_benchmark_module_imports(name: str) -> None:
    importlib.import_module(f"benchmarks.{name}")
