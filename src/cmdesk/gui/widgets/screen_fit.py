"""Sizing a large dialog so that it fits the screen it opens on (a 1024 x 600 netbook too)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

# Room left on the screen: a little at the sides, more below for the taskbar.
SPARE_WIDTH, SPARE_HEIGHT = 40, 60


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resizes `window` to width x height pixels, or less where its screen is smaller."""
    screen = window.screen().availableGeometry() if window.screen() else None
    if screen is not None:
        width = min(width, screen.width() - SPARE_WIDTH)
        height = min(height, screen.height() - SPARE_HEIGHT)
    window.resize(width, height)
