"""A part of a screen that scrolls, so that what is below stays reachable on a 600-pixel-high
netbook screen."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


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


def scrolling_page(page: QWidget) -> tuple[QScrollArea, QWidget, QVBoxLayout]:
    """A page that scrolls as a whole: `page` holds only the scroll area, edge to edge, without
    a frame. Returns the area, the widget it scrolls, and that widget's column to fill."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll, body = scroll_body(page, frame=False)
    outer.addWidget(scroll)
    return scroll, body, QVBoxLayout(body)
