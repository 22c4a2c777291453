"""Is this child already registered? Same identity number, or a similar name (Thai or Latin)
with the same birth year and subdistrict.

Names are compared after folding what varies between workers for the same child: Thai tone
marks (often left out or mistyped on phones), titles (ด.ช., เด็กหญิง ...), spaces, and in Latin
letters the usual alternatives of Thai romanisation (ph/p, th/t, kh/k, ch/j/c, oo/u, ee/i, r/l,
doubled letters). Candidates are shown to the registering worker even outside their caseload:
missing a duplicate splits one child's history in two, which is the larger harm; the check is
audited.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Final, Protocol

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from cmdesk.core.model import Case, Child

SIMILAR: Final = 0.8

_THAI_TITLES: Final = re.compile(r"^(?:เด็กชาย|เด็กหญิง|ด\.ช\.|ด\.ญ\.|นางสาว|น\.ส\.|นาย|นาง)\s*")
# Tone marks, mai taikhu, thanthakhat, and everything that is not a Thai letter or vowel.
_THAI_DROP: Final = re.compile(r"[\u0E47-\u0E4C]|[^\u0E01-\u0E46]")
_LATIN_FOLDS: Final = (
    ("ph", "p"),
    ("th", "t"),
    ("kh", "k"),
    ("ch", "c"),
    ("j", "c"),
    ("oo", "u"),
    ("ou", "u"),
    ("ee", "i"),
    ("y", "i"),
    ("v", "w"),
    ("r", "l"),
)
_DOUBLED: Final = re.compile(r"(.)\1+")


def thai_key(text: str) -> str:
    return _THAI_DROP.sub("", _THAI_TITLES.sub("", text.strip()))


def latin_key(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z]", "", ascii_text.lower())
    for old, new in _LATIN_FOLDS:
        key = key.replace(old, new)
    key = _DOUBLED.sub(r"\1", key)
    return key[:-1] if len(key) > 2 and key.endswith("h") else key


def name_similarity(given_a: str, family_a: str, given_b: str, family_b: str) -> float:
    """0..1 for two names already folded to keys. Without a given name on either side, 0.

    With family names on both sides the whole name is compared; when one side lacks its family
    name (common for highland children) only the given names are.
    """
    if not given_a or not given_b:
        return 0.0
    if family_a and family_b:
        return _ratio(given_a + " " + family_a, given_b + " " + family_b)
    return _ratio(given_a, given_b)


def _ratio(a: str, b: str) -> float:
    # SequenceMatcher's ratio depends on argument order (Hypothesis found 'cbd aba' vs
    # 'badc aba': 0.67 one way, 0.80 the other). The larger of both directions is symmetric
    # and errs toward showing the worker a possible duplicate.
    return max(
        SequenceMatcher(None, a, b, autojunk=False).ratio(),
        SequenceMatcher(None, b, a, autojunk=False).ratio(),
    )


@dataclass(frozen=True, kw_only=True)
class DuplicateCandidate:
    child_id: str
    given_name_th: str
    family_name_th: str
    given_name_latin: str
    family_name_latin: str
    nickname: str
    birth_year: int | None
    subdistrict_code: str
    # "id_number", "name_th", "name_latin": why this child was suggested.
    reasons: tuple[str, ...]
    case_numbers: tuple[str, ...]


@dataclass(frozen=True)
class Probe:
    """What a duplicate search looks for (from a checked draft)."""

    id_number: str | None
    birth_year: int | None
    subdistrict_code: str
    given_name_th: str
    family_name_th: str
    given_name_latin: str
    family_name_latin: str


def _reasons(probe: Probe, child: Child) -> tuple[str, ...]:
    reasons: list[str] = []
    if probe.id_number and child.id_number == probe.id_number:
        reasons.append("id_number")
    same_place_and_year = (
        probe.birth_year is not None
        and probe.subdistrict_code
        and child.birth_year == probe.birth_year
        and child.subdistrict_code == probe.subdistrict_code
    )
    if same_place_and_year:
        for reason, keys in (("name_th", _thai_keys), ("name_latin", _latin_keys)):
            if name_similarity(*keys(probe), *keys(child)) >= SIMILAR:
                reasons.append(reason)
    return tuple(reasons)


class _Named(Protocol):
    """A registered child or a probe: a given and a family name in each script."""

    @property
    def given_name_th(self) -> str: ...
    @property
    def family_name_th(self) -> str: ...
    @property
    def given_name_latin(self) -> str: ...
    @property
    def family_name_latin(self) -> str: ...


def _thai_keys(named: _Named) -> tuple[str, str]:
    return thai_key(named.given_name_th), thai_key(named.family_name_th)


def _latin_keys(named: _Named) -> tuple[str, str]:
    return latin_key(named.given_name_latin), latin_key(named.family_name_latin)


def find_candidates(
    session: Session, probe: Probe, exclude_id: str | None = None
) -> list[DuplicateCandidate]:
    """Live children that may be the same child, identity-number matches first."""
    conditions = []
    if probe.id_number:
        conditions.append(Child.id_number == probe.id_number)
    if probe.birth_year is not None and probe.subdistrict_code:
        conditions.append(
            and_(
                Child.birth_year == probe.birth_year,
                Child.subdistrict_code == probe.subdistrict_code,
            )
        )
    if not conditions:
        return []
    query = select(Child).where(Child.deleted_at.is_(None), or_(*conditions))
    if exclude_id:
        query = query.where(Child.id != exclude_id)
    found: list[DuplicateCandidate] = []
    for child in session.scalars(query.order_by(Child.id)):
        reasons = _reasons(probe, child)
        if not reasons:
            continue
        numbers = session.scalars(
            select(Case.case_number)
            .where(Case.child_id == child.id, Case.deleted_at.is_(None))
            .order_by(Case.case_number)
        ).all()
        found.append(
            DuplicateCandidate(
                child_id=child.id,
                given_name_th=child.given_name_th,
                family_name_th=child.family_name_th,
                given_name_latin=child.given_name_latin,
                family_name_latin=child.family_name_latin,
                nickname=child.nickname,
                birth_year=child.birth_year,
                subdistrict_code=child.subdistrict_code,
                reasons=reasons,
                case_numbers=tuple(numbers),
            )
        )
    found.sort(key=lambda c: ("id_number" not in c.reasons, -len(c.reasons), c.child_id))
    return found
