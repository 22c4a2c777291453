"""Platypus flowables that lay out Thai and English text with thai_wrap and draw it shaped.

reportlab's own Paragraph breaks Thai mid-word (or, in CJK mode, ignores shaping) and its
markup is not needed here: every block of text in a document has one style.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from reportlab.lib import colors
from reportlab.platypus.flowables import Flowable

from cmdesk.core.reports.shaping import ShapedLine, draw_line, shape_line, shaped_width
from cmdesk.core.reports.thai_wrap import string_measure, wrap_pieces

Align = Literal["left", "center", "right"]

# Tolerance for float rounding when comparing widths (points).
_EPSILON = 1e-6


@dataclass(frozen=True)
class TextStyle:
    font_name: str
    font_size: float
    leading: float
    color: Any = colors.black
    align: Align = "left"
    space_before: float = 0.0
    space_after: float = 0.0
    left_indent: float = 0.0
    # Points that must stay free below this text on the page, or it moves to the next page:
    # keeps a heading from being the last thing on a page.
    keep_below: float = 0.0

    def but(self, **changes: Any) -> TextStyle:
        return replace(self, **changes)


@dataclass(frozen=True)
class LaidLine:
    line: ShapedLine
    separator: str  # the text dropped after this line (a space, a newline, or nothing)


def layout(text: str, width: float, font_name: str, font_size: float) -> list[LaidLine]:
    """The lines of `text` at `width`, shaped; joining line texts and separators gives `text`
    back (except whitespace at the very start and end of paragraphs)."""
    measure = string_measure(font_name, font_size)

    def fits(candidate: str) -> bool:
        return shaped_width(candidate, font_name, font_size) <= width + _EPSILON

    out: list[LaidLine] = []
    paragraphs = text.split("\n")
    for index, paragraph in enumerate(paragraphs):
        shaped: list[ShapedLine] = []
        starts: list[int] = []
        pos = 0
        for pieces in wrap_pieces(paragraph, width, measure, fits):
            line_text = "".join(p.text for p in pieces)
            start = paragraph.find(line_text, pos) if line_text else pos
            shaped.append(shape_line(line_text, font_name, font_size, [p.text for p in pieces]))
            starts.append(start)
            pos = start + len(line_text)
        for i, line in enumerate(shaped):
            if i + 1 < len(shaped):
                separator = paragraph[starts[i] + len(line.text) : starts[i + 1]]
            else:
                separator = "\n" if index + 1 < len(paragraphs) else ""
            out.append(LaidLine(line, separator))
    return out


class ThaiParagraph(Flowable):  # type: ignore[misc]
    """A block of text in one style, wrapped at Thai word boundaries, split across pages."""

    def __init__(self, text: str, style: TextStyle, *, first: bool = True, last: bool = True):
        super().__init__()
        self.text = text
        self.style = style
        self._first = first
        self._last = last
        self._lines: list[LaidLine] = []
        self._laid_width: float | None = None

    def __repr__(self) -> str:
        return f"ThaiParagraph({self.text[:40]!r}...)"

    def _layout(self, avail_width: float) -> list[LaidLine]:
        width = max(avail_width - self.style.left_indent, 1.0)
        if self._laid_width != width:
            self._lines = layout(self.text, width, self.style.font_name, self.style.font_size)
            self._laid_width = width
        return self._lines

    @property
    def lines(self) -> list[str]:
        return [laid.line.text for laid in self._lines]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        lines = self._layout(availWidth)
        self.width = availWidth
        self.height = len(lines) * self.style.leading
        if self.style.keep_below and self.height + self.style.keep_below > availHeight:
            # Claim not to fit; split() then refuses, and the frame moves on to a new page.
            return self.width, availHeight + 1
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        lines = self._layout(availWidth)
        fit = int((availHeight + _EPSILON) // self.style.leading)
        if fit <= 0 or len(lines) <= 1 or self.style.keep_below:
            return []
        if fit >= len(lines):
            return [self]
        head = "".join(laid.line.text + laid.separator for laid in lines[:fit])
        tail = "".join(laid.line.text + laid.separator for laid in lines[fit:])
        return [
            ThaiParagraph(head.rstrip(), self.style, first=self._first, last=False),
            ThaiParagraph(tail, self.style, first=False, last=self._last),
        ]

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return self.style.space_before if self._first else 0.0

    def getSpaceAfter(self) -> float:  # noqa: N802
        return self.style.space_after if self._last else 0.0

    def draw(self) -> None:
        style = self.style
        canvas = self.canv
        canvas.setFillColor(style.color)
        ascent = 1.068 * style.font_size  # Sarabun's ascent and descent (1068/-232 per em)
        box = 1.3 * style.font_size
        top_gap = (style.leading - box) / 2
        width = (self._laid_width or self.width) + 0.0
        for i, laid in enumerate(self._lines):
            y = self.height - i * style.leading - top_gap - ascent
            x = style.left_indent
            if style.align == "right":
                x += width - laid.line.width
            elif style.align == "center":
                x += (width - laid.line.width) / 2
            draw_line(canvas, x, y, laid.line)


class CheckBox(Flowable):  # type: ignore[misc]
    """An empty square to tick by hand (Sarabun has no ballot-box glyph)."""

    def __init__(self, size: float = 9.0) -> None:
        super().__init__()
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.size, self.size + 2

    def draw(self) -> None:
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 1, self.size, self.size, stroke=1, fill=0)


class WriteLine(Flowable):  # type: ignore[misc]
    """A line to write on (signature, date), with a caption under it."""

    def __init__(self, caption: str, style: TextStyle, height: float = 26.0) -> None:
        super().__init__()
        self.caption = caption
        self.style = style
        self.line_height = height
        self._caption = ThaiParagraph(caption, style)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        _, h = self._caption.wrap(availWidth, availHeight)
        self.width = availWidth
        self.height = self.line_height + h
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        _, caption_height = self._caption.wrap(self.width, self.height)
        canvas.setLineWidth(0.6)
        canvas.setDash(1, 2)
        canvas.line(0, caption_height + 2, self.width, caption_height + 2)
        canvas.setDash()
        self._caption.drawOn(canvas, 0, 0)
