"""Shaping and drawing one line of text, so that it looks right and extracts right.

Each line is shaped whole by HarfBuzz (through reportlab), then drawn word by word inside a
single text object. A word whose glyphs are not simply its characters (a tone mark moved, a
ligature, SARA AM split in two) is wrapped in an /ActualText span carrying the source text:
poppler, Acrobat and PDFium give that back on copy and extraction, whatever the glyph
positions. Extractors that ignore /ActualText (pypdf, pdf.js) still get the right characters
from the corrected ToUnicode map (see tounicode.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr

from cmdesk.core.reports.tounicode import ShapedTTFont


@dataclass(frozen=True)
class Run:
    """A word (or the space between words) of a shaped line."""

    source: str
    glyphs: str  # a reportlab ShapedStr (a str carrying glyph positions), or plain text
    actual_text: bool


@dataclass(frozen=True)
class ShapedLine:
    text: str
    font_name: str
    font_size: float
    width: float
    runs: tuple[Run, ...]


@lru_cache(maxsize=8192)
def shape(text: str, font_name: str, font_size: float) -> str:
    """The glyph string for `text` (a ShapedStr for shapable fonts)."""
    if not text:
        return text
    font = getFont(font_name)
    if not getattr(font, "shapable", False):
        return text
    shaped = shapeStr(text, font_name, font_size, force=True)
    if isinstance(font, ShapedTTFont) and isinstance(shaped, ShapedStr):
        shaped = font.settle_marks(shaped)
    return str(shaped) if not isinstance(shaped, ShapedStr) else shaped


def shaped_width(text: str, font_name: str, font_size: float) -> float:
    """The advance width of `text` as drawn (after shaping), in points."""
    glyphs = shape(text, font_name, font_size)
    data = getattr(glyphs, "__shapeData__", None)
    if data is None:
        return float(stringWidth(text, font_name, font_size))
    return float(sum(sd.x_advance for sd in data) * font_size / 1000)


# Thai vowels and tone marks drawn above or below the consonant (zero-width combining marks).
_THAI_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a") | frozenset(
    chr(c) for c in range(0x0E47, 0x0E4F)
)


def _needs_actual_text(source: str, glyphs: str) -> bool:
    if glyphs != source:
        return True
    # A mark has no width of its own: an extractor that lays text out by position
    # (pdftotext -layout) may put it after the next letter ("หมูบ ่ ้าน" for หมู่บ้าน) unless the
    # word says what it reads.
    if any(ch in _THAI_MARKS for ch in source):
        return True
    data = getattr(glyphs, "__shapeData__", None) or ()
    return any(sd.y_offset or sd.x_offset for sd in data)


def shape_line(
    text: str, font_name: str, font_size: float, words: Sequence[str] = ()
) -> ShapedLine:
    """Shapes a line; `words` (concatenating to `text`) are where runs may be cut."""
    glyphs = shape(text, font_name, font_size)
    width = shaped_width(text, font_name, font_size)
    data = getattr(glyphs, "__shapeData__", None)
    if data is None or not words:
        run = Run(text, glyphs, data is not None and _needs_actual_text(text, glyphs))
        return ShapedLine(text, font_name, font_size, width, (run,) if text else ())

    # A run may start only where a glyph starts exactly at that character; otherwise a
    # ligature spans the boundary and the two words stay one run.
    glyph_at = {sd.cluster: i for i, sd in reversed(list(enumerate(data)))}
    cuts: list[tuple[int, int]] = [(0, 0)]
    offset = 0
    for word in words[:-1]:
        offset += len(word)
        if offset in glyph_at and glyph_at[offset] > cuts[-1][1]:
            cuts.append((offset, glyph_at[offset]))
    cuts.append((len(text), len(glyphs)))
    runs = []
    for (c0, g0), (c1, g1) in pairwise(cuts):
        source = text[c0:c1]
        run_glyphs = glyphs[g0:g1]
        runs.append(Run(source, run_glyphs, _needs_actual_text(source, run_glyphs)))
    return ShapedLine(text, font_name, font_size, width, tuple(runs))


def _actual_text_operator(source: str) -> str:
    hex_text = ("\ufeff" + source).encode("utf-16-be").hex().upper()
    return f"/Span <</ActualText <{hex_text}>>> BDC"


def draw_line(canvas: Any, x: float, y: float, line: ShapedLine) -> None:
    """Draws a shaped line with its baseline starting at (x, y)."""
    if not line.runs:
        return
    text = canvas.beginText(x, y)
    text.setFont(line.font_name, line.font_size)
    code = text._code  # reportlab has no public way to add marked content inside BT/ET
    for run in line.runs:
        if run.actual_text:
            code.append(_actual_text_operator(run.source))
        text.textOut(run.glyphs)
        if run.actual_text:
            code.append("EMC")
    canvas.drawText(text)


def draw_text(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    font_name: str,
    font_size: float,
    align: str = "left",
) -> float:
    """Draws one line of text (no wrapping) and returns its width; align left/right/center."""
    from cmdesk.core.reports.thai_wrap import pieces

    words = [p.text for p in pieces(text)]
    line = shape_line(text, font_name, font_size, words)
    if align == "right":
        x -= line.width
    elif align == "center":
        x -= line.width / 2
    draw_line(canvas, x, y, line)
    return line.width
