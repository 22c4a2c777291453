"""Plain values a chart is drawn from, shared by the printed reports and the screens (each
draws them its own way: reportlab, QPainter). No imports: any layer may use them."""

from __future__ import annotations

from dataclasses import dataclass

# Cases by quarter (the network report's trend): a cell is a count, None when hidden, or
# NOT_SENT when the organisation sent no figures for the quarter (neither 0 nor hidden).
NOT_SENT = "–"
# The same on paper and on screen: a hidden count's hatching, the chosen quarter's shade.
HATCH_COLOUR = "#8a8a8a"
CHOSEN_COLOUR = "#f4efdc"
TrendCell = int | str | None


@dataclass(frozen=True)
class TrendColumn:
    quarter: str  # canonical label (2569-Q1)
    name: str  # as the reader says it
    chosen: bool
    begun: bool
    cells: tuple[TrendCell, ...]  # per series; empty when the quarter has not begun


@dataclass(frozen=True)
class Trend:
    series: tuple[str, ...]  # the network's name, then organisation codes
    colours: tuple[str, ...]  # "#rrggbb", one per series
    columns: tuple[TrendColumn, ...]

    @property
    def top(self) -> int:
        """The largest count shown (the scale of every bar)."""
        counts = [c for col in self.columns for c in col.cells if isinstance(c, int)]
        return max(counts, default=0)
