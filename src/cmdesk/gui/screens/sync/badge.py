"""A count drawn onto an icon (open conflicts on the sync section of the navigation).

The count is part of the icon rather than of the item's text: the navigation sets its items'
words on every language switch and sizes itself to them, and a badge must survive both.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

BADGE_RED = "#c62828"


def badge_icon(base: QIcon, count: int, size: QSize) -> QIcon:
    """`base` with a red disc holding `count` (9+ above nine) at its top right corner."""
    if count <= 0:
        return base
    scale = 3  # drawn large, shown crisp at 100-200 % scaling
    width, height = size.width() * scale, size.height() * scale
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.drawPixmap(0, 0, base.pixmap(QSize(width, height)))
    diameter = height * 0.62
    disc = QRectF(width - diameter, 0, diameter, diameter)
    painter.setPen(QColor("white"))
    painter.setBrush(QColor(BADGE_RED))
    painter.drawEllipse(disc)
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(int(diameter * (0.72 if count < 10 else 0.5)))
    painter.setFont(font)
    painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, str(count) if count < 10 else "9+")
    painter.end()
    pixmap.setDevicePixelRatio(scale)
    return QIcon(pixmap)
