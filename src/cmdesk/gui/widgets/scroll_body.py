"""A part of a screen that scrolls, so that what is below stays reachable on a 600-pixel-high
netbook screen."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scroll_body(parent: QWidget, *, frame: bool = True) -> tuple[QScrollArea, QWidget]:
    """A scroll area and the widget it scrolls, which takes the area's width; `frame=False`
    where a whole page scrolls and a border around it would look odd."""
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    if not frame:
        scroll.setFrameShape(QFrame.Shape.NoFrame)
    body = QWidget(scroll)
    scroll.setWidget(body)
    return scroll, body
