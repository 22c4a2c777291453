"""A small horizontal bar chart drawn with QPainter: one row per label, the count at the end
of its bar. A click on a row asks for that row's list (cases at that risk level, say)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

_BAR = QColor("#2c4a6b")
_ALERT = QColor("#a4262c")


class BarChart(QWidget):
    row_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # (key, label, count, alert)
        self.rows: list[tuple[str, str, int, bool]] = []

    def set_rows(self, rows: list[tuple[str, str, int, bool]]) -> None:
        self.rows = rows
        self.setAccessibleDescription("; ".join(f"{label}: {n}" for _k, label, n, _a in rows))
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(320, max(1, len(self.rows)) * self._row_height() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(200, self.sizeHint().height())

    def label_width(self) -> int:
        metrics = self.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(label) for _k, label, _n, _a in self.rows), default=0
        )
        return min(widest + 12, self.width() // 2)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        metrics = self.fontMetrics()
        height = self._row_height()
        left = self.label_width()
        count_width = metrics.horizontalAdvance("000000") + 8
        span = max(self.width() - left - count_width, 10)
        top = max((n for _k, _l, n, _a in self.rows), default=0) or 1
        for i, (_key, label, n, alert) in enumerate(self.rows):
            y = i * height + 2
            text_rect = QRect(0, y, left - 6, height)
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, text_rect.width())
            painter.setPen(self.palette().windowText().color())
            align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
            painter.drawText(text_rect, align, shown)
            width = round(span * n / top) if n else 0
            painter.fillRect(
                QRect(left, y + 4, max(width, 2), height - 8), _ALERT if alert else _BAR
            )
            painter.drawText(
                QRect(left + width + 6, y, count_width, height),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                str(n),
            )
        painter.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        row = int(event.position().y()) // self._row_height()
        if 0 <= row < len(self.rows):
            self.row_clicked.emit(self.rows[row][0])
