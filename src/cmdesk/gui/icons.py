"""The app's own SVG icons (resources/icons): no icon theme is assumed on the field laptops."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

from cmdesk.resources import resources_dir


def icons_dir() -> Path:
    return resources_dir() / "icons"


def icon_path(name: str) -> Path:
    return icons_dir() / f"{name}.svg"


@cache
def icon(name: str) -> QIcon:
    path = icon_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"missing icon {name}.svg")
    return QIcon(str(path))
