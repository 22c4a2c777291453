"""Cases by quarter on paper: grouped bars (the network, then each organisation) for each
quarter of the fiscal year, the chosen quarter shaded, and under them the same numbers as a
table. Words are set as Thai-shaped paragraphs in table cells (a graphic's strings are not
shaped); inside the bars only digits and marks are drawn. A hidden count is a hatched bar
the height of the chart with the mark the tables use, never a number; an organisation that
sent no figures for a quarter has no bar, only a dash."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Table, TableStyle
from reportlab.platypus.flowables import Flowable

from cmdesk.core.charts import CHOSEN_COLOUR, HATCH_COLOUR, NOT_SENT, Trend, TrendCell
from cmdesk.core.i18n import N_
from cmdesk.core.reports.documents.common import FRAME_WIDTH, Context, list_table, para
from cmdesk.core.reports.fonts import FONTS
from cmdesk.core.reports.styles import MUTED, RULE_GREY

NOT_BEGUN = N_("not begun")
NO_FIGURES = N_("no figures sent")
CHART_HEIGHT = 120.0
HATCH = colors.HexColor(HATCH_COLOUR)
CHOSEN_FILL = colors.HexColor(CHOSEN_COLOUR)
_FOOT = 12.0  # below the bars: room for a dash
_HEAD = 14.0  # above the tallest bar: room for its number
_FONT_SIZE = 7.0


def _hatched(x: float, y: float, w: float, h: float) -> Group:
    """A rectangle outlined and crossed by 45-degree lines, clipped to it."""
    group = Group(Rect(x, y, w, h, fillColor=colors.white, strokeColor=HATCH, strokeWidth=0.5))
    step = 4.0
    c = -h
    while c < w:
        start, end = max(c, 0.0), min(c + h, w)
        group.add(
            Line(x + start, y + start - c, x + end, y + end - c, strokeColor=HATCH, strokeWidth=0.4)
        )
        c += step
    return group


def _label(x: float, y: float, text: str, room: float, colour: object = colors.black) -> Group:
    """A number centred above a bar, turned upright when the bar is narrower than it."""
    width = stringWidth(text, FONTS.regular, _FONT_SIZE)
    if width <= room:
        return Group(
            String(
                x, y, text, fontName=FONTS.regular, fontSize=_FONT_SIZE,
                textAnchor="middle", fillColor=colour,
            )
        )  # fmt: skip
    turned = Group(
        String(0, 0, text, fontName=FONTS.regular, fontSize=_FONT_SIZE, fillColor=colour)
    )
    turned.rotate(90)
    outer = Group(turned)
    outer.translate(x + _FONT_SIZE / 3, y)
    return outer


def _quarter_drawing(
    trend: Trend, cells: tuple[TrendCell, ...], width: float, hidden: str
) -> Drawing:
    drawing = Drawing(width, CHART_HEIGHT)
    drawing.add(Line(0, _FOOT, width, _FOOT, strokeColor=RULE_GREY, strokeWidth=0.6))
    if not cells:
        return drawing
    slot = width / len(cells)
    bar = min(slot * 0.8, 22.0)
    span = CHART_HEIGHT - _FOOT - _HEAD
    top = trend.top or 1
    for i, (cell, colour) in enumerate(zip(cells, trend.colours, strict=True)):
        x = i * slot + (slot - bar) / 2
        middle = x + bar / 2
        if cell is None:
            drawing.add(_hatched(x, _FOOT, bar, span))
            drawing.add(_label(middle, _FOOT + span + 2, hidden, slot, MUTED))
        elif isinstance(cell, str):
            drawing.add(_label(middle, _FOOT - 9, cell, slot, MUTED))
        else:
            height = span * cell / top
            fill = colors.HexColor(colour)
            drawing.add(Rect(x, _FOOT, bar, max(height, 0.8), fillColor=fill, strokeColor=None))
            drawing.add(_label(middle, _FOOT + height + 2, str(cell), slot))
    return drawing


def _legend(ctx: Context, trend: Trend, hidden_text: str) -> Table:
    """Swatch and name pairs, four to a row, then what a hatched bar and a dash mean."""
    s = ctx.styles
    cells: list[Flowable] = []
    for name, colour in zip(trend.series, trend.colours, strict=True):
        swatch = Drawing(10, 8)
        swatch.add(Rect(0, 0, 10, 8, fillColor=colors.HexColor(colour), strokeColor=None))
        cells += [swatch, para(name, s.small)]
    swatch = Drawing(10, 8)
    swatch.add(_hatched(0, 0, 10, 8))
    cells += [swatch, para(hidden_text, s.small)]
    cells += [para(NOT_SENT, s.small), para(ctx.tr.gettext(NO_FIGURES), s.small)]
    per_row = 8
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    widths = [14.0, FRAME_WIDTH / 4 - 14.0] * 4
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def trend_flowables(ctx: Context, trend: Trend, hidden_mark: str) -> list[Flowable]:
    """The chart, its legend, and the table of the same numbers."""
    tr, s = ctx.tr, ctx.styles
    column = FRAME_WIDTH / len(trend.columns)
    pad = 4.0
    drawings: list[Flowable] = []
    names: list[Flowable] = []
    style: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
    ]
    for i, col in enumerate(trend.columns):
        drawings.append(_quarter_drawing(trend, col.cells, column - 2 * pad, hidden_mark))
        name = col.name if col.begun else f"{col.name} ({tr.gettext(NOT_BEGUN)})"
        names.append(para(name, (s.small_bold if col.chosen else s.small).but(align="center")))
        if col.chosen:
            style.append(("BACKGROUND", (i, 0), (i, 1), CHOSEN_FILL))
    chart = Table([drawings, names], colWidths=[column] * len(trend.columns), hAlign="LEFT")
    chart.setStyle(TableStyle(style))
    hidden_text = tr.format("hidden ({mark})", mark=hidden_mark)
    header = [tr.gettext("Quarter"), *trend.series]
    rows = [
        [col.name, *(hidden_mark if c is None else str(c) for c in col.cells)]
        if col.begun
        else [col.name, *([tr.gettext(NOT_BEGUN)] + [""] * (len(trend.series) - 1))]
        for col in trend.columns
    ]
    n = len(trend.series)
    table = list_table(ctx, header, rows, [0.2] + [0.8 / n] * n)
    if isinstance(table, Table):
        for i, col in enumerate(trend.columns, start=1):
            if col.chosen:
                table.setStyle(TableStyle([("BACKGROUND", (0, i), (-1, i), CHOSEN_FILL)]))
    return [chart, _legend(ctx, trend, hidden_text), table]
