"""Chiang Rai's 18 districts as a tile-grid cartogram drawn with QPainter: one equal tile per
district, placed roughly where the district lies, shaded by its count. Equal tiles keep the
small districts (Khun Tan, Doi Luang) as readable as the large ones, and need no map data,
browser or tile server on an offline laptop.

A hidden count (suppressed in core.stats.suppression) is hatched grey and says so; it is
never drawn as a zero. A click on a tile selects its district."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from cmdesk.gui.i18n import wrap_thai

# (column, row) of each district's tile, north at the top, west on the left. Five columns,
# six rows; the empty cells are outside the province (Myanmar to the north-west and west,
# Laos to the east, Phayao to the south).
GRID: dict[str, tuple[int, int]] = {
    "5715": (1, 0),  # Mae Fa Luang: north-west, Doi Tung and Doi Mae Salong on the border
    "5709": (2, 0),  # Mae Sai: the northernmost point, the border crossing to Tachileik
    "5708": (3, 0),  # Chiang Saen: the Golden Triangle, on the Mekong
    "5707": (2, 1),  # Mae Chan: south of Mae Sai
    "5718": (3, 1),  # Doi Luang: south of Chiang Saen
    "5703": (4, 1),  # Chiang Khong: east, on the Mekong facing Huay Xai (Laos)
    "5701": (2, 2),  # Mueang Chiang Rai: the provincial capital, centre
    "5717": (3, 2),  # Wiang Chiang Rung: north-east of the capital
    "5713": (4, 2),  # Wiang Kaen: south of Chiang Khong, on the Lao border
    "5716": (1, 3),  # Mae Lao: south-west of the capital
    "5702": (2, 3),  # Wiang Chai: south-east of the capital
    "5712": (3, 3),  # Phaya Mengrai: east
    "5714": (4, 3),  # Khun Tan: east, north of Thoeng
    "5710": (0, 4),  # Mae Suai: west, the mountains towards Chiang Mai
    "5705": (1, 4),  # Phan: south, on the road to Phayao
    "5706": (2, 4),  # Pa Daet: south, between Phan and Thoeng
    "5704": (3, 4),  # Thoeng: south-east
    "5711": (0, 5),  # Wiang Pa Pao: the far south-west, towards Chiang Mai
}
COLUMNS, ROWS = 5, 6
GAP = 4
# Sequential blues: light for few cases, the app's dark blue for the most.
LOW, HIGH = QColor("#e3ecf5"), QColor("#2c4a6b")
HIDDEN_FILL = QColor("#d4d4d4")
SELECTED = QColor("#c86400")


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    value: int | None  # None: hidden
    text: str  # the count as shown ("12", or the word for hidden)


def shade(value: int, top: int) -> QColor:
    """White for no case, then from LOW to HIGH by the share of the largest count."""
    if value <= 0 or top <= 0:
        return QColor("white")
    t = min(value / top, 1.0)
    return QColor.fromRgbF(
        LOW.redF() + (HIGH.redF() - LOW.redF()) * t,
        LOW.greenF() + (HIGH.greenF() - LOW.greenF()) * t,
        LOW.blueF() + (HIGH.blueF() - LOW.blueF()) * t,
    )


class DistrictMap(QWidget):
    district_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("district-map")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMouseTracking(False)
        self.tiles: dict[str, Tile] = {}
        self.selected = ""
        self.legend: tuple[str, str] = ("", "")  # (the colour scale's words, hidden's)

    def set_tiles(self, tiles: list[Tile], legend: tuple[str, str]) -> None:
        self.tiles = {t.code: t for t in tiles}
        self.legend = legend
        self.setAccessibleDescription("; ".join(f"{t.name}: {t.text}" for t in tiles))
        self.update()

    def select(self, code: str) -> None:
        self.selected = code
        self.update()

    def _tile_height(self) -> int:
        return 3 * self.fontMetrics().height() + 10  # two lines of name, one of count

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(COLUMNS * 118, ROWS * (self._tile_height() + GAP))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(COLUMNS * 92, self.sizeHint().height())

    def tile_rect(self, code: str) -> QRect:
        column, row = GRID[code]
        width = min(self.width() // COLUMNS, 150)
        height = self._tile_height() + GAP
        return QRect(column * width, row * height, width - GAP, height - GAP)

    def code_at(self, x: int, y: int) -> str:
        return next((c for c in GRID if self.tile_rect(c).contains(x, y)), "")

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        top = max((t.value or 0 for t in self.tiles.values()), default=0)
        metrics = self.fontMetrics()
        line = metrics.height()
        bold = self.font()
        bold.setBold(True)
        for code, tile in self.tiles.items():
            rect = self.tile_rect(code)
            fill = HIDDEN_FILL if tile.value is None else shade(tile.value, top)
            painter.setPen(QPen(QColor("#8a99a8"), 1))
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
            if tile.value is None:
                painter.fillRect(
                    rect.adjusted(1, 1, -1, -1),
                    QBrush(QColor("#9a9a9a"), Qt.BrushStyle.BDiagPattern),
                )
            dark = tile.value is not None and top > 0 and tile.value / top > 0.5
            painter.setPen(QColor("white") if dark else self.palette().windowText().color())
            inner = rect.adjusted(5, 3, -5, -3)
            name = QRect(inner.left(), inner.top(), inner.width(), 2 * line)
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            painter.setFont(self.font())
            painter.drawText(name, int(flags) | int(Qt.TextFlag.TextWordWrap), wrap_thai(tile.name))
            painter.setFont(bold)
            count = QRect(inner.left(), inner.bottom() - line, inner.width(), line)
            painter.drawText(count, Qt.AlignmentFlag.AlignCenter, tile.text)
            if code == self.selected:
                painter.setPen(QPen(SELECTED, 3))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(rect).adjusted(1.5, 1.5, -1.5, -1.5), 4, 4)
        self._paint_legend(painter, top)
        painter.end()

    def _paint_legend(self, painter: QPainter, top: int) -> None:
        """In the empty cells of the bottom row: the scale from 0 to the largest count, and
        the hatched swatch of a hidden count."""
        scale, hidden = self.legend
        if not self.tiles:
            return
        left = self.tile_rect("5711").right() + GAP + self.tile_rect("5711").width() // 2
        y = self.tile_rect("5711").top()
        line = self.fontMetrics().height()
        painter.setFont(self.font())
        painter.setPen(self.palette().windowText().color())
        painter.drawText(
            QRect(left, y, self.width() - left, line), Qt.AlignmentFlag.AlignLeft, scale
        )
        steps = 5
        box = line
        for i in range(steps):
            swatch = QRect(left + i * (box + 2), y + line + 4, box, box)
            painter.setPen(QPen(QColor("#8a99a8"), 1))
            painter.setBrush(shade(round(top * i / (steps - 1)), top) if top else QColor("white"))
            painter.drawRect(swatch)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(
            QRect(left + steps * (box + 2) + 4, y + line + 4, 80, box),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            f"0 – {top}",
        )
        swatch = QRect(left, y + 2 * line + 10, box, box)
        painter.setPen(QPen(QColor("#8a99a8"), 1))
        painter.setBrush(HIDDEN_FILL)
        painter.drawRect(swatch)
        painter.fillRect(
            swatch.adjusted(1, 1, 0, 0), QBrush(QColor("#9a9a9a"), Qt.BrushStyle.BDiagPattern)
        )
        painter.setPen(self.palette().windowText().color())
        text = QRect(
            swatch.right() + 6, swatch.top() - 2, self.width() - swatch.right() - 6, 2 * line
        )
        painter.drawText(
            text, int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap), wrap_thai(hidden)
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        code = self.code_at(int(event.position().x()), int(event.position().y()))
        if code in self.tiles:
            self.select(code)
            self.district_clicked.emit(code)
