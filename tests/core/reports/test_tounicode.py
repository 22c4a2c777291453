"""The ToUnicode repair: each shaped glyph maps back to the characters it draws."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import getFont

from cmdesk.core.reports.fonts import register_fonts
from cmdesk.core.reports.shaping import shape
from cmdesk.core.reports.tounicode import (
    LEGACY_THAI_PUA,
    THAI_GLYPH_NAMES,
    ShapedTTFont,
    is_private_use,
    logical_order,
    to_unicode_cmap,
)

FONTS = register_fonts()


def glyph_text(text: str, font_name: str = FONTS.regular) -> list[str]:
    font = getFont(font_name)
    assert isinstance(font, ShapedTTFont)
    return [font.glyph_names.text_for_code(ord(ch)) for ch in shape(text, font_name, 11)]


def test_shaped_marks_map_back_to_their_characters() -> None:
    for font in (FONTS.regular, FONTS.bold, FONTS.italic, FONTS.bold_italic):
        for word in ("ที่", "ปิ่น", "ปั้น", "ฟื้นฟู", "ญู", "ฐูป", "ฤๅษี", "ปู่", "ก๊ก"):
            glyphs = shape(word, font, 11)
            assert any(is_private_use(ord(ch)) for ch in glyphs) or word in ("ก๊ก", "ที่")
            assert "".join(glyph_text(word, font)) == word


def test_sara_am_comes_back_as_nikhahit_and_sara_aa_after_the_tone_mark() -> None:
    assert "".join(glyph_text("น้ำ")) == "น\u0e49\u0e4d\u0e32"
    assert logical_order("\u0e4d\u0e49") == "\u0e49\u0e4d"
    assert logical_order("\u0e4d") == "\u0e4d"


def test_name_tables() -> None:
    assert THAI_GLYPH_NAMES["thothanthai"] == "ฐ"
    assert THAI_GLYPH_NAMES["maiekthai"] == "\u0e48"
    assert THAI_GLYPH_NAMES["zerothai"] == "๐"
    assert LEGACY_THAI_PUA[0xF70A] == "\u0e48"
    assert len(LEGACY_THAI_PUA) == 27


def test_latin_ligatures_map_to_letters() -> None:
    font = getFont(FONTS.regular)
    assert font.glyph_names.text_for_code(0xFB01) == "fi"


def test_cmap_blocks_hold_at_most_100_entries() -> None:
    cmap = to_unicode_cmap("F1+Sarabun", ["a"] * 250)
    assert cmap.count("beginbfchar") == 3
    assert "100 beginbfchar" in cmap and "50 beginbfchar" in cmap
    assert "<00> <0061>" in cmap
    assert "<00> <0E490E4D>" in to_unicode_cmap("F1", ["\u0e49\u0e4d"])


def test_no_missing_glyph_boxes_in_sample_text() -> None:
    from dataclasses import astuple

    from cmdesk.core.reports import samples

    texts: list[str] = []
    for lang in ("th", "en"):
        data = samples.case_summary(lang)  # type: ignore[arg-type]
        texts += [str(v) for v in astuple(data.child) if isinstance(v, str)]
        texts += [n.text for n in data.notes]
        texts += [d.summary for d in data.assessment.domains] if data.assessment else []
    for font_name in (FONTS.regular, FONTS.bold):
        face = getFont(font_name).face
        for text in texts:
            glyphs = shape(text, font_name, 11)
            assert all(face.charToGlyph.get(ord(ch), 0) != 0 for ch in glyphs), text
