"""The glossary's checked terms (resources/i18n/glossary.md) and the check that every Thai
translation uses them: one Thai word for each concept across the app and its documents."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# '…' quoted words are names (a command, a file), not the concept.
_QUOTED = re.compile(r"(?<!\w)'[^']*'(?!\w)")


@dataclass(frozen=True)
class Term:
    concept: str
    english: re.Pattern[str]
    thai: str
    avoid: tuple[str, ...]


def read_glossary(path: Path) -> list[Term]:
    """The checked rows of the glossary table, longest English words first."""
    terms: list[tuple[int, Term]] = []
    for line in path.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or cells[4] != "yes":
            continue
        concept, words, thai, avoid = cells[0], cells[1], cells[2], cells[3]
        variants = sorted((w.strip() for w in words.split(",") if w.strip()), key=len)[::-1]
        pattern = re.compile(
            r"\b(?:" + "|".join(re.escape(v) for v in variants) + r")\b", re.IGNORECASE
        )
        avoided = tuple(a.strip() for a in avoid.split(",") if a.strip())
        terms.append((max(len(v) for v in variants), Term(concept, pattern, thai, avoided)))
    return [term for _length, term in sorted(terms, key=lambda t: -t[0])]


def glossary_problems(terms: list[Term], english: str, thai: str) -> Iterator[str]:
    """What a translation does wrong by the glossary (nothing for a good one)."""
    en, th = _QUOTED.sub(" ", english), _QUOTED.sub(" ", thai)
    for term in terms:
        if term.english.search(en):
            if term.thai not in th:
                yield f"{term.concept!r} is written {term.thai!r} in Thai"
            en = term.english.sub(" ", en)
            th = th.replace(term.thai, " ")
    for term in terms:
        for word in term.avoid:
            if word in th:
                yield f"{word!r} is not used for {term.concept!r}: write {term.thai!r}"
