"""Makes the PDF text layer give back the text that was shaped.

reportlab draws a shaped glyph that has no cmap entry (a tone mark moved down or left, a
consonant without its descender, a ligature of NIKHAHIT and a tone mark) under a private-use
code point it picks itself (U+E000 upwards), and its ToUnicode table maps that code point to
itself. Copying or extracting text then loses every such mark ("ที่ น้ำ" comes back "ที นา").

`ShapedTTFont` keeps reportlab's font objects but rewrites each subset's ToUnicode CMap after
reportlab made it: every private-use code point is mapped back to the characters its glyph
stands for, found from the glyph name ("uni0E48.small" -> U+0E48, "uni0E4D0E49" -> U+0E49
U+0E4D, "thoThanthai.less" -> the glyph "thoThanthai" -> U+0E10) or, for fonts that still use
the legacy Thai PUA (U+F700-U+F71A), from the standard table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from reportlab.pdfbase.ttfonts import SUBSETN, ShapedStr, TTFont

# The legacy Thai private-use glyphs (Microsoft/Apple convention), by the character each draws.
LEGACY_THAI_PUA: dict[int, str] = {
    0xF700: "\u0e10",  # THO THAN without descender
    0xF701: "\u0e34",  # SARA I, shifted left
    0xF702: "\u0e35",
    0xF703: "\u0e36",
    0xF704: "\u0e37",
    0xF705: "\u0e48",  # MAI EK, shifted down and left
    0xF706: "\u0e49",
    0xF707: "\u0e4a",
    0xF708: "\u0e4b",
    0xF709: "\u0e4c",
    0xF70A: "\u0e48",  # MAI EK, shifted down
    0xF70B: "\u0e49",
    0xF70C: "\u0e4a",
    0xF70D: "\u0e4b",
    0xF70E: "\u0e4c",
    0xF70F: "\u0e0d",  # YO YING without descender
    0xF710: "\u0e31",  # MAI HAN-AKAT, shifted left
    0xF711: "\u0e4d",
    0xF712: "\u0e47",
    0xF713: "\u0e48",  # MAI EK, shifted left
    0xF714: "\u0e49",
    0xF715: "\u0e4a",
    0xF716: "\u0e4b",
    0xF717: "\u0e4c",
    0xF718: "\u0e38",  # SARA U, shifted down
    0xF719: "\u0e39",
    0xF71A: "\u0e3a",
}

NIKHAHIT = "\u0e4d"
THAI_TONE_MARKS = frozenset("\u0e48\u0e49\u0e4a\u0e4b\u0e4c")


def _thai_glyph_names() -> dict[str, str]:
    """Adobe Glyph List names of Thai characters ("thothanthai", "maiekthai", "zerothai"):
    the Unicode name without its prefix, spaces and hyphens, plus "thai"."""
    names: dict[str, str] = {}
    for code in range(0x0E01, 0x0E5C):
        ch = chr(code)
        uname = unicodedata.name(ch, "")
        for prefix in ("THAI CHARACTER ", "THAI DIGIT ", "THAI CURRENCY SYMBOL "):
            if uname.startswith(prefix):
                key = uname.removeprefix(prefix).replace(" ", "").replace("-", "").lower()
                names[key + "thai"] = ch
    return names


THAI_GLYPH_NAMES = _thai_glyph_names()

_UNI = re.compile(r"uni((?:[0-9A-F]{4})+)")
_U = re.compile(r"u([0-9A-F]{4,6})")


def is_private_use(code: int) -> bool:
    return 0xE000 <= code <= 0xF8FF or 0xF0000 <= code <= 0x10FFFF


def logical_order(text: str) -> str:
    """Puts NIKHAHIT after the tone marks of its cluster, the order it had in the input.

    The Thai shaper splits SARA AM into NIKHAHIT + SARA AA and moves NIKHAHIT in front of the
    tone mark, and ligature glyphs are named in that visual order ("uni0E4D0E49"). Extracted
    "น" + "้ํ" + "า" is then the compatibility decomposition of "น้ำ" (NFKD), as a reader expects.
    """
    if NIKHAHIT not in text or not THAI_TONE_MARKS.intersection(text):
        return text
    without = text.replace(NIKHAHIT, "")
    last_tone = max(i for i, ch in enumerate(without) if ch in THAI_TONE_MARKS)
    return without[: last_tone + 1] + NIKHAHIT * text.count(NIKHAHIT) + without[last_tone + 1 :]


class GlyphNames:
    """Answers "which characters does this glyph draw" for one font, from its glyph names."""

    def __init__(self, font: TTFont) -> None:
        self._font = font
        self._hb: Any = None
        self._cache: dict[int, str | None] = {}

    def _hb_font(self) -> Any:
        if self._hb is None:
            self._hb = self._font.hbFont()
        return self._hb

    def text_for_code(self, code: int) -> str:
        """The text a code point of this font's subsets stands for in extracted text."""
        if 0xFB00 <= code <= 0xFB06:
            # Latin ligature glyphs the shaper chose for "fi", "ffl"...: the letters, so a
            # search for "office" finds the word.
            return unicodedata.normalize("NFKD", chr(code))
        if not is_private_use(code):
            return chr(code)
        if code in self._cache:
            found = self._cache[code]
        else:
            gid = self._font.face.charToGlyph.get(code)
            found = self._text_for_glyph(gid, depth=0) if gid is not None else None
            if found is None:
                found = LEGACY_THAI_PUA.get(code)
            self._cache[code] = found
        return chr(code) if found is None else found

    def _text_for_glyph(self, gid: int, depth: int) -> str | None:
        # A glyph that some real (non-private) character maps to: that character.
        for ch in self._font.face.glyphToChar.get(gid, ()):
            if not is_private_use(ch):
                return chr(ch)
        if depth > 2:
            return None
        name: str = self._hb_font().glyph_to_string(gid)
        base = name.split(".", 1)[0]
        if not base:
            return None
        parts = [self._text_for_name(part, depth) for part in base.split("_")]
        if any(part is None for part in parts):
            return None
        return logical_order("".join(part for part in parts if part is not None))

    def _text_for_name(self, name: str, depth: int) -> str | None:
        if m := _UNI.fullmatch(name):
            digits = m.group(1)
            return "".join(chr(int(digits[i : i + 4], 16)) for i in range(0, len(digits), 4))
        if m := _U.fullmatch(name):
            return chr(int(m.group(1), 16))
        if (ch := THAI_GLYPH_NAMES.get(name.lower())) is not None:
            return ch
        gid = self._hb_font().glyph_from_string(name)
        if gid is None or gid == 0:
            return None
        return self._text_for_glyph(gid, depth + 1)


def to_unicode_cmap(font_name: str, texts: Sequence[str]) -> str:
    """A ToUnicode CMap for a single-byte subset: code i -> texts[i] (UTF-16BE, may be several)."""
    entries = [f"<{i:02X}> <{t.encode('utf-16-be').hex().upper()}>" for i, t in enumerate(texts)]
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({font_name})",
        f"/Ordering ({font_name})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{font_name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(texts) - 1:02X}>",
        "endcodespacerange",
    ]
    # A bfchar block may hold at most 100 entries (PDF reference, 5.9.2).
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


# Supplementary private-use plane: codes for marks drawn left of the pen (see `settle_marks`).
# reportlab allocates its own private codes from U+E000, so the two never meet.
_VARIANT_BASE = 0xF0000


class ShapedTTFont(TTFont):  # type: ignore[misc]
    """A TrueType font whose shaped glyphs extract as the characters they draw."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename, shapable=True)
        self.glyph_names = GlyphNames(self)
        self._variants: dict[tuple[int, int], int] = {}
        self._next_variant = _VARIANT_BASE

    def settle_marks(self, shaped: ShapedStr) -> ShapedStr:
        """Gives every zero-advance glyph the shaper moved left a code that declares the width
        of that move, so nothing in the PDF looks like a gap after it.

        reportlab draws such a mark by moving the pen back by the offset, drawing the glyph, and
        moving forward again. Text extractors read a forward move of more than about half a
        space (pypdf) or a glyph box ending 0.1 em before the next (poppler) as a word space:
        "ปิ่น" would come back as "ปิ่ น". A mark whose declared width equals its leftward
        offset ends exactly where the next glyph starts and needs no forward move. The glyph
        drawn is the same; only its code in this PDF differs, and ToUnicode maps it back.
        """
        data = shaped.__shapeData__
        if not any(sd.x_advance == 0 and sd.x_offset <= -1 for sd in data):
            return shaped
        chars = list(shaped)
        new_data = list(data)
        for i, sd in enumerate(data):
            if sd.x_advance == 0 and sd.x_offset <= -1:
                width = round(-sd.x_offset)
                chars[i] = chr(self._variant(ord(chars[i]), width))
                new_data[i] = sd._replace(width=width)
        return ShapedStr("".join(chars), shapeData=new_data)

    def _variant(self, code: int, width: int) -> int:
        gid = self.face.charToGlyph[code]
        key = (gid, width)
        variant = self._variants.get(key)
        if variant is None:
            variant = self._next_variant
            while variant in self.face.charToGlyph:
                variant += 1
            self._next_variant = variant + 1
            self.face.charToGlyph[variant] = gid
            self.face.charWidths[variant] = width
            self._variants[key] = variant
        return variant

    def addObjects(self, doc: Any) -> None:  # noqa: N802 (reportlab's name)
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode(
                "pdfdoc"
            )
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is None:  # reportlab changed how it names the stream: keep its own map
                continue
            texts = [self.glyph_names.text_for_code(code) for code in subset]
            stream.content = to_unicode_cmap(base, texts)
