"""Type sizes and colours shared by every document.

Sarabun 11 pt reads about as large as TH Sarabun New 16 pt, the size of Thai official letters.
Thai stacks marks above and below the line, so leading is generous (1.45 em).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from cmdesk.core.reports.flowables import TextStyle
from cmdesk.core.reports.fonts import register_fonts

PAGE_SIZE = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 34 * mm  # room for the marking, the letterhead and a rule
MARGIN_BOTTOM = 32 * mm  # room for the QR code, the page number and who printed it

CONFIDENTIAL_RED = colors.HexColor("#B00020")
RULE_GREY = colors.HexColor("#9A9A9A")
HEADER_FILL = colors.HexColor("#E8EEF4")
MUTED = colors.HexColor("#555555")


@dataclass(frozen=True)
class Styles:
    title: TextStyle
    subtitle: TextStyle
    heading: TextStyle
    subheading: TextStyle
    body: TextStyle
    cell: TextStyle
    cell_label: TextStyle
    cell_header: TextStyle
    note: TextStyle
    withheld: TextStyle
    small: TextStyle
    small_bold: TextStyle
    marking: TextStyle


@cache
def document_styles() -> Styles:
    f = register_fonts()
    body = TextStyle(f.regular, 11, 16, space_after=4)
    cell = TextStyle(f.regular, 10, 14.5)
    return Styles(
        title=TextStyle(f.bold, 17, 24, space_after=2),
        subtitle=TextStyle(f.regular, 11, 16, color=MUTED, space_after=8),
        heading=TextStyle(f.bold, 13.5, 19, space_before=12, space_after=5, keep_below=64),
        subheading=TextStyle(f.bold, 11.5, 16.5, space_before=6, space_after=3, keep_below=48),
        body=body,
        cell=cell,
        cell_label=cell.but(font_name=f.bold),
        cell_header=cell.but(font_name=f.bold),
        note=body.but(left_indent=8),
        withheld=body.but(font_name=f.italic, color=MUTED),
        small=TextStyle(f.regular, 8.5, 12),
        small_bold=TextStyle(f.bold, 8.5, 12),
        marking=TextStyle(f.bold, 12, 16, color=CONFIDENTIAL_RED),
    )
