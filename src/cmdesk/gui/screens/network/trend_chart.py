"""Cases by quarter drawn with QPainter: for each quarter of the fiscal year a group of bars
(the network, then each organisation, colours as in the legend above them), the chosen
quarter shaded. A hidden count is a hatched bar the height of the chart with the word for
hidden over it, never a number; an organisation that sent no figures for a quarter has a
dash under the axis; a quarter that has not begun has no bars. The core reads the figures
(core.stats.trend); the printed report draws the same reading."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from cmdesk.core.charts import CHOSEN_COLOUR, HATCH_COLOUR, NOT_SENT, Trend
from cmdesk.core.charts import TrendCell as Cell

_PLOT = 170  # the bars' height at most, in pixels
_HATCH = QColor(HATCH_COLOUR)
_CHOSEN = QColor(CHOSEN_COLOUR)
_AXIS = QColor("#9a9a9a")
_MUTED = QColor("#6b6b6b")


@dataclass(frozen=True)
class Words:
    """What the chart says, in the reader's language."""

    hidden: str  # over a hidden bar, and in the legend
    not_sent: str  # the legend's words for the dash
    not_begun: str  # under a quarter that has not begun


@dataclass(frozen=True)
class Bar:
    quarter: str  # canonical label
    series: str
    cell: Cell
    rect: QRect  # the bar (hatched when hidden; empty when no figures were sent)
    text: str  # written over (or for no figures, under) the bar; "" when it does not fit


class TrendChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)
        self.trend: Trend | None = None
        self.words = Words("", "", "")
        self.bars: list[Bar] = []

    def set_trend(self, trend: Trend | None, words: Words) -> None:
        self.trend, self.words = trend, words
        self.setAccessibleDescription(self._description())
        self.updateGeometry()
        self.update()

    def _description(self) -> str:
        trend = self.trend
        if trend is None:
            return ""
        parts = []
        for col in trend.columns:
            if not col.begun:
                parts.append(f"{col.name}: {self.words.not_begun}")
                continue
            values = ", ".join(
                f"{name} {self._value(cell)}"
                for name, cell in zip(trend.series, col.cells, strict=True)
            )
            parts.append(f"{col.name}: {values}")
        return "; ".join(parts)

    def _value(self, cell: Cell) -> str:
        if cell is None:
            return self.words.hidden
        return self.words.not_sent if cell == NOT_SENT else str(cell)

    # -- geometry -----------------------------------------------------------------------
    def _legend_items(self) -> list[tuple[str, QColor | None]]:
        """(words, colour) of each series, then (hidden, None) for the hatch and the dash's
        words, whose dash is in them (no swatch)."""
        trend = self.trend
        if trend is None:
            return []
        items: list[tuple[str, QColor | None]] = [
            (name, QColor(colour)) for name, colour in zip(trend.series, trend.colours, strict=True)
        ]
        return [*items, (self.words.hidden, None), (f"{NOT_SENT} {self.words.not_sent}", None)]

    def _legend_rects(self, width: int) -> list[QRect]:
        """Each legend item's place: swatch and words, flowing into rows."""
        metrics = self.fontMetrics()
        line = metrics.height() + 6
        x, y, out = 0, 0, []
        for text, _colour in self._legend_items():
            w = 18 + metrics.horizontalAdvance(text) + 16
            if x and x + w > width:
                x, y = 0, y + line
            out.append(QRect(x, y, w, line))
            x += w
        return out

    def _legend_height(self, width: int) -> int:
        rects = self._legend_rects(width)
        return rects[-1].bottom() + 1 if rects else 0

    def _label_height(self) -> int:
        return 2 * (self.fontMetrics().height() + 2) + 6

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        if self.trend is None:
            return 0
        return self._legend_height(width) + 8 + _PLOT + self._label_height()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        width = max(self.width(), 480)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(320, self.heightForWidth(max(self.width(), 320)))

    def group_rect(self, index: int) -> QRect:
        """The area of the index-th quarter: its bars and, under them, its name."""
        trend = self.trend
        n = len(trend.columns) if trend else 1
        top = self._legend_height(self.width()) + 8
        width = self.width() // n
        return QRect(index * width, top, width, _PLOT + self._label_height())

    def _layout(self) -> list[Bar]:
        trend = self.trend
        if trend is None:
            return []
        metrics = self.fontMetrics()
        head = metrics.height() + 4
        scale = trend.top or 1
        bars = []
        for i, col in enumerate(trend.columns):
            group = self.group_rect(i)
            if not col.cells:
                continue
            inner = group.adjusted(8, 0, -8, 0)
            slot = inner.width() / len(col.cells)
            width = max(int(min(slot * 0.8, 40)), 2)
            base = group.top() + _PLOT
            span = _PLOT - head
            for j, (series, cell) in enumerate(zip(trend.series, col.cells, strict=True)):
                x = int(inner.left() + j * slot + (slot - width) / 2)
                if cell is None:
                    rect, text = QRect(x, base - span, width, span), self.words.hidden
                elif isinstance(cell, str):
                    rect, text = QRect(x, base, width, 0), cell
                else:
                    height = max(round(span * cell / scale), 1)
                    rect, text = QRect(x, base - height, width, height), str(cell)
                fits = metrics.horizontalAdvance(text) <= int(slot)
                bars.append(Bar(col.quarter, series, cell, rect, text if fits else ""))
        return bars

    # -- painting -----------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        trend = self.trend
        self.bars = self._layout()
        if trend is None:
            return
        painter = QPainter(self)
        ink = self.palette().windowText().color()
        metrics = self.fontMetrics()
        for (text, colour), rect in zip(
            self._legend_items(), self._legend_rects(self.width()), strict=True
        ):
            swatch = QRect(rect.left(), rect.center().y() - 5, 12, 10)
            hatched = colour is None and text == self.words.hidden
            if colour is not None:
                painter.fillRect(swatch, colour)
            elif hatched:
                self._hatch(painter, swatch)
            painter.setPen(ink)
            words = rect.adjusted(18 if colour is not None or hatched else 0, 0, 0, 0)
            painter.drawText(words, Qt.AlignmentFlag.AlignVCenter, text)
        for i, col in enumerate(trend.columns):
            group = self.group_rect(i)
            if col.chosen:
                painter.fillRect(group, _CHOSEN)
            base = group.top() + _PLOT
            painter.setPen(QPen(_AXIS, 1))
            painter.drawLine(group.left() + 4, base, group.right() - 4, base)
            names = QRect(group.left(), base + 4, group.width(), self._label_height() - 4)
            font = QFont(self.font())
            font.setBold(col.chosen)
            painter.setFont(font)
            painter.setPen(ink if col.begun else _MUTED)
            name = col.name if col.begun else f"{col.name}\n{self.words.not_begun}"
            painter.drawText(names, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, name)
            painter.setFont(self.font())
        colours = dict(zip(trend.series, trend.colours, strict=True))
        for bar in self.bars:
            above = QRect(bar.rect.left() - 20, bar.rect.top() - metrics.height() - 2, 0, 0)
            above.setWidth(bar.rect.width() + 40)
            above.setHeight(metrics.height())
            if bar.cell is None:
                self._hatch(painter, bar.rect)
                painter.setPen(_MUTED)
            elif isinstance(bar.cell, str):
                above.moveTop(bar.rect.bottom() + 1)
                painter.setPen(_MUTED)
            else:
                painter.fillRect(bar.rect, QColor(colours[bar.series]))
                painter.setPen(ink)
            if bar.text:
                painter.drawText(above, Qt.AlignmentFlag.AlignHCenter, bar.text)
        painter.end()

    @staticmethod
    def _hatch(painter: QPainter, rect: QRect) -> None:
        painter.fillRect(rect, QColor("white"))
        painter.fillRect(rect, QBrush(_HATCH, Qt.BrushStyle.BDiagPattern))
        painter.setPen(QPen(_HATCH, 1))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = self.bar_at(event.pos())
            if found is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.bar_tip(found), self)
            return True
        return super().event(event)

    def bar_at(self, pos: QPoint) -> Bar | None:
        for bar in self.bars:
            column = QRect(bar.rect.left(), 0, bar.rect.width(), self.height())
            if column.contains(pos):
                return bar
        return None

    def bar_tip(self, bar: Bar) -> str:
        trend = self.trend
        names = {c.quarter: c.name for c in trend.columns} if trend else {}
        return f"{bar.series}, {names.get(bar.quarter, bar.quarter)}: {self._value(bar.cell)}"
