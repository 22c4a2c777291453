"""What a worker types, turned into full-text queries over the index (cmdesk.core.search.schema).

Every word typed must match (AND). A word matches a child when it is
  - a substring of 3+ characters of a name, nickname, identity or case number, or the village
    (trigram index: Thai needs no word boundaries for this);
  - for 1-2 characters, the start of a word of a name or the village (word-prefix index;
    trigrams cannot answer so short a text, and a Thai user typing two letters expects the
    names that begin with them);
  - the name, or the start of a name, of an ethnic group, including old exonyms (อีก้อ, มูเซอ,
    แม้ว, เย้า: cmdesk.core.reference.ethnicity), or of a subdistrict or district.
Thai tone marks are ignored (schema.fold), Latin letters are compared without case or accents.
An identity number typed with dashes or spaces (1-2345-67890-12-1) is read as one number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from cmdesk.core.i18n import from_thai_digits
from cmdesk.core.reference import geography
from cmdesk.core.reference.ethnicity import ethnic_group, search_ethnicity
from cmdesk.core.search.schema import TAG_MARK, fold

MIN_TRIGRAM: Final = 3
MAX_WORDS: Final = 8
MAX_PLACES: Final = 30
_NUMBER: Final = re.compile(r"^[0-9][0-9\s\-]*[0-9]$")
# Words people put before a group's or place's name; they are not part of the name.
_LEAD_WORDS: Final = re.compile(
    r"^(?:ชนเผ่า|ชาติพันธุ์|ชาว|กลุ่ม|จังหวัด|อำเภอ|ตำบล|อ\.|ต\.|amphoe|tambon)\s*"
)
_NOT_IN_KEYS: Final = re.compile(r"[\s.'’\-()/]")


@dataclass(frozen=True)
class WordMatch:
    """How one typed word can match: FTS5 expressions over each index (None: cannot match
    there). A child matches the word if either expression matches its row."""

    text_expr: str | None
    word_expr: str | None


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[WordMatch, ...]

    @property
    def empty(self) -> bool:
        return not self.words


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _key(text: str) -> str:
    """Comparison key for group and place names: lower case, no tone marks, no spacing."""
    lowered = fold(unicodedata.normalize("NFC", text)).strip().lower()
    return _NOT_IN_KEYS.sub("", _LEAD_WORDS.sub("", lowered))


def _clean(text: str) -> str:
    return from_thai_digits(unicodedata.normalize("NFC", text)).strip()


def split_words(text: str) -> list[str]:
    """The words of a query; a number typed with separators stays one word."""
    clean = _clean(text)
    if _NUMBER.match(clean):
        return [re.sub(r"[\s\-]", "", clean)]
    return clean.split()[:MAX_WORDS]


def _number(text: str) -> WordMatch | None:
    """Digits with dashes or spaces: an identity number as written on a card (1-2345-...),
    stored without them, or the tail of a case number (2569-0007), stored with them."""
    clean = _clean(text)
    if not _NUMBER.match(clean) or clean.isdigit():
        return None
    compact = re.sub(r"[\s\-]", "", clean)
    written = " ".join(clean.split())
    return WordMatch(f"body : {_quote(compact)} OR body : {_quote(written)}", None)


def _group_codes(word: str) -> list[str]:
    """Ethnic groups the word names, or whose name it begins (not mere substrings: "ana" is
    not a search for every Lanna person)."""
    key = _key(word)
    if not key:
        return []
    codes = []
    for code in search_ethnicity(word):
        group = ethnic_group(code)
        if group is None:
            continue
        names = (group.label_th, group.label_en, *group.search_terms)
        keys = [_key(n) for n in names]
        if key in keys or (len(key) >= MIN_TRIGRAM and any(k.startswith(key) for k in keys)):
            codes.append(code)
    return codes


def _place_codes(word: str) -> list[str]:
    """Districts and subdistricts (any province) the word names or begins."""
    key = _key(word)
    if not key:
        return []
    found = []
    for area in geography.search_places(word, limit=MAX_PLACES):
        if area.level == "province":
            continue
        keys = (_key(area.name_th), _key(area.name_en))
        if key in keys or (len(key) >= MIN_TRIGRAM and any(k.startswith(key) for k in keys)):
            found.append(area.code)
    return found


def _codes_alternatives(word: str) -> list[str]:
    alts = [f"codes : {_quote(f'|eth:{code}|')}" for code in _group_codes(word)]
    # A district code is the first four digits of its subdistricts' codes.
    alts += [f"codes : {_quote(f'|sd:{code}')}" for code in _place_codes(word)]
    return alts


def match_word(word: str) -> WordMatch | None:
    folded = fold(word).lower()
    if not folded:
        return None
    codes = _codes_alternatives(word)
    if len(folded) >= MIN_TRIGRAM:
        text_alts = [f"body : {_quote(folded)}", *codes]
        return WordMatch(" OR ".join(text_alts), None)
    return WordMatch(" OR ".join(codes) or None, f"words : {_quote(folded)} *")


def parse(text: str) -> ParsedQuery:
    number = _number(text)
    if number is not None:
        return ParsedQuery((number,))
    matches = [m for m in (match_word(w) for w in split_words(text)) if m is not None]
    return ParsedQuery(tuple(matches))


def tag_expr(tags: Iterable[str]) -> str | None:
    """An FTS5 expression matching rows carrying any of these case tags (schema.RISK_TAGS,
    schema.STAGE_TAGS); None when no tag is given."""
    chosen = [f"codes : {_quote(TAG_MARK + t)}" for t in tags]
    return " OR ".join(chosen) or None


def codes_expr(codes: Iterable[str]) -> str | None:
    """An FTS5 expression matching rows carrying any of these whole codes (schema.worker_tag,
    schema.team_tag); None when none is given."""
    return " OR ".join(f"codes : {_quote(c)}" for c in codes) or None


@dataclass(frozen=True)
class RowSelect:
    """SQL for the search_row ids matching every word (and tag filter): `every` all of them,
    `chunk` newest first a chunk at a time (bind `before`, an exclusive bound, and `n`)."""

    every: str
    chunk: str
    params: dict[str, str]


def row_select(query: ParsedQuery, tags: Sequence[str] = ()) -> RowSelect:
    """Words that match in only one index are merged into a single MATCH there (FTS5 intersects
    doclists far faster than SQL); each tag expression is ANDed in the trigram index."""
    params: dict[str, str] = {}
    parts: list[str] = []

    def param(expr: str) -> str:
        name = f"q{len(params)}"
        params[name] = expr
        return f":{name}"

    text_only = [f"({m.text_expr})" for m in query.words if m.word_expr is None and m.text_expr]
    text_only += [f"({t})" for t in tags]
    word_only = [f"({m.word_expr})" for m in query.words if m.text_expr is None and m.word_expr]
    either = [m for m in query.words if m.text_expr and m.word_expr]
    if text_only:
        parts.append(
            "SELECT rowid FROM search_text WHERE search_text MATCH "
            + param(" AND ".join(text_only))
        )
    if word_only:
        parts.append(
            "SELECT rowid FROM search_word WHERE search_word MATCH "
            + param(" AND ".join(word_only))
        )
    for m in either:
        assert m.text_expr is not None and m.word_expr is not None
        parts.append(
            "SELECT rowid FROM (SELECT rowid FROM search_text WHERE search_text MATCH "
            f"{param(m.text_expr)} UNION SELECT rowid FROM search_word WHERE search_word MATCH "
            f"{param(m.word_expr)})"
        )
    every = " INTERSECT ".join(parts)
    if len(parts) == 1 and not either:
        # A single MATCH takes the rowid bound and order itself: FTS5 reads its doclist
        # backwards and stops after `n` rows.
        chunk = f"{parts[0]} AND rowid < :before ORDER BY rowid DESC LIMIT :n"
    else:
        chunk = f"SELECT rowid FROM ({every}) WHERE rowid < :before ORDER BY rowid DESC LIMIT :n"
    return RowSelect(every, chunk, params)
