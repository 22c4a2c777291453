"""The PDF text layer gives back the source text: Thai (every mark), English, mixed."""

from __future__ import annotations

import random
import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from reportlab.lib.pagesizes import A4
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.flowables import Flowable

from cmdesk.core.reports.flowables import TextStyle, ThaiParagraph
from cmdesk.core.reports.fonts import register_fonts
from cmdesk.core.reports.samples import THAI_MARKS

from .pdftools import nfkd, pdftotext_layout, pdftotext_raw, pypdf_pages, require, squash

FONTS = register_fonts()
ALL_FONTS = [FONTS.regular, FONTS.bold, FONTS.italic, FONTS.bold_italic]
FRAME_X, FRAME_WIDTH = 100.0, 220.0


def story_pdf(story: list[Flowable], width: float = FRAME_WIDTH) -> bytes:
    """A bare PDF: the flowables in one frame at FRAME_X, nothing else on the page."""
    buffer = BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4)
    frame = Frame(FRAME_X, 60, width, A4[1] - 120, 0, 0, 0, 0)
    doc.addPageTemplates([PageTemplate(frames=[frame])])
    doc.build(story)
    return buffer.getvalue()


def style(font: str = FONTS.regular) -> TextStyle:
    return TextStyle(font, 11, 16)


@pytest.mark.parametrize("font", ALL_FONTS)
def test_every_tone_mark_and_vowel_comes_back(font: str, tmp_path: Path) -> None:
    pdf = story_pdf([ThaiParagraph(THAI_MARKS, style(font))], width=500)
    # poppler honours the /ActualText spans: the exact source, SARA AM included.
    assert pdftotext_raw(pdf, tmp_path).strip() == THAI_MARKS
    # pypdf reads glyphs through the ToUnicode map: SARA AM comes back as NIKHAHIT + SARA AA.
    assert nfkd(pypdf_pages(pdf)[0].strip()) == nfkd(THAI_MARKS)


def test_sara_am_is_decomposed_only_through_tounicode(tmp_path: Path) -> None:
    pdf = story_pdf([ThaiParagraph("น้ำ กำ", style())])
    assert "น้ำ" in pdftotext_raw(pdf, tmp_path)
    assert "\u0e33" not in pypdf_pages(pdf)[0]  # the glyphs drawn are ํ and า


def test_english_comes_back(tmp_path: Path) -> None:
    text = "Case conference: the child's plan, follow-up on 12/03 (AV, WA, fi, fl), office."
    pdf = story_pdf([ThaiParagraph(text, style())], width=500)
    assert pdftotext_raw(pdf, tmp_path).strip() == text
    assert pypdf_pages(pdf)[0].strip() == text


def test_thousand_dictionary_words_come_back_in_every_font(tmp_path: Path) -> None:
    rng = random.Random(2568)
    words = rng.sample(sorted(w for w in thai_words() if " " not in w), 1200)
    lines = [" ".join(words[i : i + 5]) for i in range(0, len(words), 5)]
    story: list[Flowable] = [
        ThaiParagraph(line, style(ALL_FONTS[i % 4])) for i, line in enumerate(lines)
    ]
    pdf = story_pdf(story, width=500)
    poppler = [x for x in pdftotext_raw(pdf, tmp_path).replace("\f", "\n").split("\n") if x]
    pypdf = [x for page in pypdf_pages(pdf) for x in page.split("\n") if x.strip()]
    assert poppler == lines
    assert [nfkd(x.strip()) for x in pypdf] == [nfkd(x) for x in lines]
    # Laid out by position too: no mark drifts past the next letter ("หมูบ ่ ้าน").
    layout = pdftotext_layout(pdf, tmp_path).replace("\f", "\n").split("\n")
    assert [" ".join(x.split()) for x in layout if x.strip()] == lines


def newmm_boundaries(text: str) -> set[int]:
    offsets, pos = {0}, 0
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        pos += len(word)
        offsets.add(pos)
    return offsets


NOTE = (
    "ยายเล่าว่าพ่อแม่ของเด็กไปทำงานต่างจังหวัดและไม่ได้ติดต่อกลับมาหลายเดือนแล้ว "
    "เจ้าหน้าที่อธิบายสิทธิของเด็กในการได้รับการศึกษาและการดูแลสุขภาพ และนัดหมายพาเด็ก"
    "ไปตรวจสุขภาพที่โรงพยาบาลส่งเสริมสุขภาพตำบลในสัปดาห์หน้า ผู้ใหญ่บ้านรับปากว่าจะช่วย"
    "ดูแลบ้านในเวลากลางคืน case conference ครั้งถัดไป " + THAI_MARKS
)


def test_pdf_lines_break_at_word_boundaries(tmp_path: Path) -> None:
    pdf = story_pdf([ThaiParagraph(NOTE, style())])
    lines = [x for x in pdftotext_raw(pdf, tmp_path).split("\n") if x.strip()]
    assert len(lines) > 5
    assert squash("".join(lines)) == squash(NOTE)
    boundaries = newmm_boundaries(NOTE)
    pos = 0
    for line in lines[:-1]:
        pos = NOTE.index(line, pos) + len(line)
        while NOTE[pos] == " ":
            pos += 1
        assert pos in boundaries, (
            f"break inside a word: {NOTE[pos - 6 : pos]}|{NOTE[pos : pos + 6]}"
        )


def test_pdf_lines_stay_inside_the_frame(tmp_path: Path) -> None:
    exe = require("pdftotext")
    pdf = story_pdf([ThaiParagraph(NOTE, style()), ThaiParagraph(NOTE, style(FONTS.bold))])
    source = tmp_path / "frame.pdf"
    source.write_bytes(pdf)
    xhtml = subprocess.run(
        [exe, "-bbox-layout", str(source), "-"], capture_output=True, check=True, text=True
    ).stdout
    boxes = [
        (float(a), float(b))
        for a, b in re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', xhtml)
    ]
    assert len(boxes) > 10
    for x_min, x_max in boxes:
        assert x_min >= FRAME_X - 0.5
        assert x_max <= FRAME_X + FRAME_WIDTH + 0.5
