"""`python -m tests.network.image_hub ARGS…` is `cmdesk-hub ARGS…` as the hub's image runs it:
only the libraries of requirements/hub.txt (and Python's own, and cmdesk) can be imported.
Another one fails to import as it would in the image, where it is not installed; a library
that tries an optional import carries on as it would there. Every test that starts a hub
process starts it through this module, so the image's lock is tested with the hub."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import re
import sys
from collections.abc import Sequence
from importlib.metadata import packages_distributions
from pathlib import Path
from types import ModuleType

LOCK = Path(__file__).resolve().parents[2] / "requirements" / "hub.txt"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_distributions(lock: Path = LOCK) -> frozenset[str]:
    names = re.findall(r"^([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==", lock.read_text(), flags=re.M)
    return frozenset(_normal(n) for n in names)


def importable(lock: Path = LOCK) -> frozenset[str]:
    """Top-level module names the image provides: the locked distributions' modules."""
    locked = locked_distributions(lock)
    return frozenset(
        top
        for top, dists in packages_distributions().items()
        if any(_normal(d) in locked for d in dists)
    )


class ImageOnly(importlib.abc.MetaPathFinder):
    """Refuses top-level modules the image would not have."""

    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed | set(sys.stdlib_module_names) | {"cmdesk", "tests"}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        top = fullname.partition(".")[0]
        if top in self.allowed or top.startswith("_"):
            return None  # found by the usual finders (underscored: C parts of allowed ones)
        raise ModuleNotFoundError(f"No module named {fullname!r} in the hub's image", name=top)


def run() -> int:
    sys.meta_path.insert(0, ImageOnly(importable()))
    from cmdesk.hub.cli import main

    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(run())
