"""The one font family of every document: Sarabun, brought by the fontpkg-sarabun package.

Sarabun covers Thai and Latin, so Thai and English documents (and mixed text) use the same
metrics. No system font is ever looked up: many machines have no Thai font at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontpkg_sarabun
from reportlab.pdfbase import pdfmetrics

from cmdesk.core.reports.tounicode import ShapedTTFont

FAMILY = "Sarabun"


@dataclass(frozen=True)
class FontNames:
    regular: str
    bold: str
    italic: str
    bold_italic: str


FONTS = FontNames(
    regular="Sarabun",
    bold="Sarabun-Bold",
    italic="Sarabun-Italic",
    bold_italic="Sarabun-BoldItalic",
)

_FILES = {
    FONTS.regular: "Sarabun-Regular.ttf",
    FONTS.bold: "Sarabun-Bold.ttf",
    FONTS.italic: "Sarabun-Italic.ttf",
    FONTS.bold_italic: "Sarabun-BoldItalic.ttf",
}


def font_path(file_name: str) -> Path:
    path = Path(fontpkg_sarabun.ROOT) / "files" / file_name
    if not path.is_file():
        raise FileNotFoundError(f"Sarabun font file missing from fontpkg-sarabun: {file_name}")
    return path


@cache
def register_fonts() -> FontNames:
    """Registers the Sarabun family with reportlab once per process and returns its names."""
    for name, file_name in _FILES.items():
        pdfmetrics.registerFont(ShapedTTFont(name, str(font_path(file_name))))
    pdfmetrics.registerFontFamily(
        FAMILY,
        normal=FONTS.regular,
        bold=FONTS.bold,
        italic=FONTS.italic,
        boldItalic=FONTS.bold_italic,
    )
    return FONTS
