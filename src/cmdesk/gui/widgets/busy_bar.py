"""The thin bar that moves while the worker stretches a passphrase (unlocking, creating the
vault): it says the app is working, not how far it has got."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QWidget


def busy_bar(parent: QWidget) -> QProgressBar:
    """A thin bar with no end and no text, hidden until the work starts."""
    bar = QProgressBar(parent)
    bar.setRange(0, 0)
    bar.setMaximumHeight(6)
    bar.setTextVisible(False)
    bar.hide()
    return bar
