"""Line breaking: Thai only between words, English only at spaces, nothing wider than the line."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from reportlab.pdfbase.pdfmetrics import stringWidth

from cmdesk.core.reports.fonts import register_fonts
from cmdesk.core.reports.samples import THAI_MARKS
from cmdesk.core.reports.shaping import shaped_width
from cmdesk.core.reports.thai_wrap import grapheme_clusters, hard_split, string_measure, wrap_text

FONTS = register_fonts()
SIZE = 11.0
NOTE = (
    "เยี่ยมบ้านพบยายและเด็ก เด็กบอกว่าไม่ได้ไปโรงเรียนเพราะต้องช่วยยายทำงานในไร่ข้าวโพด "
    "ยายเล่าว่าพ่อแม่ของเด็กไปทำงานต่างจังหวัดและไม่ได้ติดต่อกลับมาหลายเดือนแล้ว "
    "เจ้าหน้าที่อธิบายสิทธิของเด็กในการได้รับการศึกษาและการดูแลสุขภาพ " + THAI_MARKS
)
MIXED = (
    "ประชุม case conference วันที่ 12 ที่สำนักงานเทศบาลตำบลตัวอย่าง follow-up กับครูประจำชั้น "
    "และ Sample Health Promotion Hospital เรื่องวัคซีนของเด็กๆ"
)
ENGLISH = (
    "The grandmother said the parents went to work in another province and have not been in "
    "touch for months; the worker explained the child's right to education and health care."
)


def newmm_boundaries(text: str) -> set[int]:
    """Offsets between the words of pythainlp's newmm segmentation of the whole text."""
    offsets, pos = {0, len(text)}, 0
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        pos += len(word)
        offsets.add(pos)
    return offsets


def break_offsets(text: str, lines: list[str]) -> list[int]:
    """Where each line after the first starts in the source text (whitespace skipped)."""
    offsets, pos = [], 0
    for i, line in enumerate(lines):
        start = text.index(line, pos)
        assert text[pos:start].strip() == "", "text between lines was lost"
        if i:
            offsets.append(start)
        pos = start + len(line)
    assert text[pos:].strip() == ""
    return offsets


def assert_fits(lines: list[str], width: float, font: str = FONTS.regular) -> None:
    for line in lines:
        assert stringWidth(line, font, SIZE) <= width + 1e-6, line
        assert shaped_width(line, font, SIZE) <= width + 1e-6, line


@pytest.mark.parametrize("width", [60, 95, 150, 240, 420])
@pytest.mark.parametrize("font", [FONTS.regular, FONTS.bold])
def test_thai_breaks_only_between_segmenter_words(width: float, font: str) -> None:
    lines = wrap_text(NOTE, width, font, SIZE, fits=lambda s: shaped_width(s, font, SIZE) <= width)
    assert len(lines) > 1
    assert_fits(lines, width, font)
    boundaries = newmm_boundaries(NOTE)
    # The words here are all narrower than 60 pt: no line is ever broken inside one.
    for offset in break_offsets(NOTE, lines):
        assert offset in boundaries, (NOTE[offset - 8 : offset], NOTE[offset : offset + 8])


def test_no_line_starts_with_a_mark_or_a_repetition_sign() -> None:
    for width in range(40, 300, 7):
        for line in wrap_text(NOTE + " " + MIXED, width, FONTS.regular, SIZE):
            assert line, "no empty lines inside a paragraph"
            first = line[0]
            assert not unicodedata.category(first).startswith("M"), line
            assert first not in "ๆฯำ", line


def test_english_wraps_at_spaces_only() -> None:
    lines = wrap_text(ENGLISH, 150, FONTS.regular, SIZE)
    assert len(lines) > 3
    assert " ".join(lines) == ENGLISH
    assert_fits(lines, 150)


def test_mixed_thai_and_english() -> None:
    lines = wrap_text(MIXED, 120, FONTS.regular, SIZE)
    assert_fits(lines, 120)
    assert "".join("".join(lines).split()) == "".join(MIXED.split())
    boundaries = newmm_boundaries(MIXED)
    for offset in break_offsets(MIXED, lines):
        assert offset in boundaries
    # An English compound is never split at its hyphen or inside it.
    assert any("follow-up" in line for line in lines)


def test_newlines_are_kept_and_blank_lines_survive() -> None:
    assert wrap_text("หนึ่ง\n\nสอง", 200, FONTS.regular, SIZE) == ["หนึ่ง", "", "สอง"]


def test_only_a_word_longer_than_the_line_is_split_and_only_between_clusters() -> None:
    word = "ผู้ใหญ่บ้านน้ำตกปิ่นเกล้าญี่ปุ่นสิทธิ์ฤๅษีเด็กๆ" * 2
    measure = string_measure(FONTS.regular, SIZE)
    parts = hard_split(word, 60, measure)
    assert len(parts) > 2
    assert "".join(parts) == word
    clusters = grapheme_clusters(word)
    cuts, pos = {0}, 0
    for cluster in clusters:
        pos += len(cluster)
        cuts.add(pos)
    pos = 0
    for part in parts:
        assert measure(part) <= 60
        assert pos in cuts  # never between a consonant and its vowel or tone marks
        pos += len(part)
    # In running text only a single unbreakable token (here a web address) is ever split.
    url = "https://example.org/sample/very/long/path/that/cannot/fit"
    lines = wrap_text(f"ก {url} ข", 60, FONTS.regular, SIZE)
    assert lines[0] == "ก"
    assert "".join(lines[1:])[: len(url)] == url
    assert len(lines) > 3
    assert_fits(lines, 60)


def test_grapheme_clusters_keep_marks_with_their_consonant() -> None:
    assert grapheme_clusters("น้ำ") == ["น้ำ"]
    assert grapheme_clusters("ที่ปู่") == ["ที่", "ปู่"]
    assert grapheme_clusters("ไม่") == ["ไม่"]  # a leading vowel stays with its consonant
    assert grapheme_clusters("abc") == ["a", "b", "c"]


WORDS = sorted(w for w in thai_words() if " " not in w)
english_words = st.sampled_from(["case", "follow-up", "Sample", "12/03", "(test)", "school"])


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.one_of(st.sampled_from(WORDS), english_words), min_size=1, max_size=40),
    separators=st.lists(st.sampled_from(["", "", " ", "  "]), min_size=40, max_size=40),
    width=st.floats(min_value=40, max_value=400),
)
def test_wrapping_property(words: list[str], separators: list[str], width: float) -> None:
    text = "".join(w + s for w, s in zip(words, separators, strict=False)).strip()
    lines = wrap_text(
        text,
        width,
        FONTS.regular,
        SIZE,
        fits=lambda s: shaped_width(s, FONTS.regular, SIZE) <= width,
    )
    measure = string_measure(FONTS.regular, SIZE)
    assert "".join("".join(lines).split()) == "".join(text.split())
    boundaries = newmm_boundaries(text)
    clusters_cuts = {0}
    pos = 0
    for cluster in grapheme_clusters(text):
        pos += len(cluster)
        clusters_cuts.add(pos)
    for line in lines:
        assert measure(line) <= width + 1e-6 or len(grapheme_clusters(line)) == 1
    for offset in break_offsets(text, lines):
        # A break is at a word boundary, or (only inside a word wider than the line) between
        # grapheme clusters.
        assert offset in boundaries or offset in clusters_cuts


def test_segmenting_thai_writes_nothing_into_the_home_folder(tmp_path: Path) -> None:
    """pythainlp would create ~/pythainlp-data (and try downloads) unless told not to."""
    import os
    import subprocess
    import sys

    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHAINLP")}
    env |= {"HOME": str(home), "PYTHONPATH": os.pathsep.join(sys.path)}
    code = "from cmdesk.core.reports.thai_wrap import _newmm; print(len(_newmm()('เด็กไปโรงเรียน')))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-500:]
    assert int(out.stdout) >= 2
    assert list(home.iterdir()) == []
