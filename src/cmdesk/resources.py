"""Where the bundled resources (catalogs, icons) live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    here = Path(__file__).resolve().parent
    installed = here / "resources"
    if installed.is_dir():
        return installed
    # Editable install or a source checkout: resources/ sits at the repository root.
    return here.parents[1] / "resources"
