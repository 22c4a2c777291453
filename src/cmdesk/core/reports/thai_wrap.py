"""Line breaking for Thai, English and mixed text.

Thai has no spaces between words, and reportlab breaks lines only at spaces (or, with its CJK
mode, anywhere, ignoring shaping). Here a Thai run may break only between the words found by
pythainlp's newmm segmenter; text in other scripts breaks only at whitespace, as usual. Lines
are filled greedily by measured width. A single word wider than the line is the only thing
ever split inside, and then only between grapheme clusters (a consonant keeps its marks).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

_WHITESPACE = re.compile(r"\s+")
# Thai letters, vowels, marks and digits. PAIYANNOI (ฯ) and MAIYAMOK (ๆ) close what comes
# before them and may never begin a line.
_NO_LINE_START = frozenset("\u0e2f\u0e46")
# Leading vowels are written before the consonant they follow in speech: keep them with it.
_LEADING_VOWELS = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
_SARA_AM = "\u0e33"
_ZWJ = "\u200d"


def is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e7f"


def has_thai(text: str) -> bool:
    return any(is_thai(ch) for ch in text)


@cache
def _newmm() -> Callable[[str], list[str]]:
    """Loads pythainlp's dictionary once per process (about 0.3 s), then segments fast."""
    # Never create ~/pythainlp-data or try a download: field laptops are offline and newmm's
    # dictionary ships inside pythainlp itself. setdefault leaves a developer's override alone.
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from pythainlp.tokenize import word_tokenize

    def segment(text: str) -> list[str]:
        return list(word_tokenize(text, engine="newmm", keep_whitespace=True))

    segment("ภาษาไทย")
    return segment


def warm_up() -> None:
    """Pays the segmenter's start-up cost now (e.g. while the app starts), not at first print."""
    _newmm()


@lru_cache(maxsize=8192)
def thai_words(chunk: str) -> tuple[str, ...]:
    """The newmm words of a chunk of text; their concatenation is the chunk."""
    return tuple(_newmm()(chunk))


def _breakable_between(before: str, after: str) -> bool:
    """May a line break between these two characters that the segmenter put in two words?"""
    if after in _NO_LINE_START or unicodedata.category(after).startswith("M"):
        return False
    if after == _SARA_AM:
        return False
    b_thai, a_thai = is_thai(before), is_thai(after)
    if b_thai and a_thai:
        return True
    # A script change between letters or digits ("อายุ12ปี"), never next to punctuation.
    return (b_thai and after.isalnum()) or (a_thai and before.isalnum())


@lru_cache(maxsize=8192)
def chunk_pieces(chunk: str) -> tuple[str, ...]:
    """A whitespace-free chunk cut where a line may break inside it (only in Thai runs)."""
    if not has_thai(chunk):
        return (chunk,)
    pieces: list[str] = []
    for word in thai_words(chunk):
        if pieces and _breakable_between(pieces[-1][-1], word[0]):
            pieces.append(word)
        elif pieces:
            pieces[-1] += word
        else:
            pieces.append(word)
    return tuple(pieces)


@dataclass(frozen=True)
class Piece:
    """An unbreakable piece of a line: a word, or the whitespace between words."""

    text: str
    space: bool


def pieces(paragraph: str) -> list[Piece]:
    """Pieces of one paragraph (no newlines); a line may break between any two of them."""
    out: list[Piece] = []
    pos = 0
    for m in _WHITESPACE.finditer(paragraph):
        if m.start() > pos:
            out += [Piece(p, False) for p in chunk_pieces(paragraph[pos : m.start()])]
        out.append(Piece(m.group(), True))
        pos = m.end()
    if pos < len(paragraph):
        out += [Piece(p, False) for p in chunk_pieces(paragraph[pos:])]
    return out


def grapheme_clusters(text: str) -> list[str]:
    """User-perceived characters: a base with its combining marks (and SARA AM), a leading
    Thai vowel with the consonant after it, emoji joined by ZWJ."""
    clusters: list[str] = []
    for ch in text:
        attach = bool(clusters) and (
            unicodedata.category(ch) in ("Mn", "Mc", "Me")
            or ch in (_SARA_AM, _ZWJ)
            or "\ufe00" <= ch <= "\ufe0f"
            or clusters[-1][-1] == _ZWJ
            or clusters[-1][-1] in _LEADING_VOWELS
        )
        if attach:
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


Measure = Callable[[str], float]


def string_measure(font_name: str, font_size: float) -> Measure:
    @lru_cache(maxsize=8192)
    def measure(text: str) -> float:
        return float(stringWidth(text, font_name, font_size))

    return measure


def hard_split(word: str, width: float, measure: Measure) -> list[str]:
    """Splits a word wider than `width` between grapheme clusters, filling each part."""
    parts: list[str] = []
    current = ""
    for cluster in grapheme_clusters(word):
        if current and measure(current + cluster) > width:
            parts.append(current)
            current = cluster
        else:
            current += cluster
    if current:
        parts.append(current)
    return parts


def wrap_pieces(
    paragraph: str,
    width: float,
    measure: Measure,
    fits: Callable[[str], bool] | None = None,
) -> list[list[Piece]]:
    """Greedy line filling of one paragraph (no newlines).

    `measure` gives a string's width as the sum of its advance widths. `fits`, if given, is
    asked about each finished line; while it says no, the line's last word moves to the next
    line (shaped text can be slightly wider than the sum, e.g. at a ligature).
    """
    items: list[Piece] = []
    for piece in pieces(paragraph):
        if not piece.space and measure(piece.text) > width:
            items += [Piece(part, False) for part in hard_split(piece.text, width, measure)]
        else:
            items.append(piece)

    lines: list[list[Piece]] = []
    i, n = 0, len(items)
    while i < n:
        while i < n and items[i].space:  # a line never starts with whitespace
            i += 1
        if i >= n:
            break
        j = i + 1
        line_width = measure(items[i].text)
        while j < n:
            k = j
            while k < n and items[k].space:
                k += 1
            if k >= n:
                break
            grown = line_width + measure(_join(items[j:k])) + measure(items[k].text)
            if grown > width:
                break
            line_width, j = grown, k + 1
        if fits is not None:
            while sum(not p.space for p in items[i:j]) > 1 and not fits(_join(items[i:j])):
                j -= 1
                while items[j - 1].space:
                    j -= 1
        lines.append(items[i:j])
        i = j
    return lines or [[]]


def _join(line: list[Piece]) -> str:
    return "".join(p.text for p in line)


def wrap_text(
    text: str,
    width: float,
    font_name: str,
    font_size: float,
    fits: Callable[[str], bool] | None = None,
) -> list[str]:
    """The lines of `text` at `width` points: Thai broken between words, newlines kept."""
    measure = string_measure(font_name, font_size)
    out: list[str] = []
    for paragraph in text.split("\n"):
        out += [_join(line) for line in wrap_pieces(paragraph, width, measure, fits)]
    return out
