"""Generated names for demo people: Thai script and Latin, consistent with each other.

Every name is drawn from `name_tables` with the caller's `random.Random`, so the same seed gives
the same people on every machine and Python run (no set or dict-order randomness is involved).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final, Literal

from cmdesk.core.demo import name_tables as t
from cmdesk.core.demo.name_tables import Part, Parts

__all__ = [
    "MODERN_NAMES_FROM",
    "DemoName",
    "Sex",
    "demo_family_name",
    "demo_given_name",
    "demo_name",
    "demo_nickname",
    "name_ethnicities",
]

Sex = Literal["female", "male"]

# People born from about then were mostly given the longer Sanskrit-style names.
MODERN_NAMES_FROM: Final = 1990


@dataclass(frozen=True, slots=True)
class DemoName:
    given_th: str
    given_en: str
    family_th: str
    family_en: str
    nickname_th: str
    nickname_en: str

    @property
    def full_th(self) -> str:
        return f"{self.given_th} {self.family_th}"

    @property
    def full_en(self) -> str:
        return f"{self.given_en} {self.family_en}"


@dataclass(frozen=True, slots=True)
class _Compound:
    """A name made of one part from each list, e.g. ("อา", "a") + ("เชอ", "choe") = อาเชอ Ache."""

    lists: tuple[Parts, ...]
    latin_join: str = ""

    def make(self, rng: random.Random) -> Part:
        chosen = [rng.choice(parts) for parts in self.lists]
        tries = 1
        # Redraw doubles such as "ทองทอง"; the lists are long enough that this ends at once.
        while len({thai for thai, _ in chosen}) < len(chosen) and tries < 8:
            chosen = [rng.choice(parts) for parts in self.lists]
            tries += 1
        thai = "".join(thai for thai, _ in chosen)
        latin = self.latin_join.join(latin for _, latin in chosen)
        return thai, _capitalise(latin)


def _capitalise(latin: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in latin.split(" "))


def _one(parts: Parts) -> _Compound:
    return _Compound((parts,))


_THAI_MODERN = {
    "male": _Compound((t.THAI_MODERN_MALE_FIRST, t.THAI_MODERN_MALE_LAST)),
    "female": _Compound((t.THAI_MODERN_FEMALE_FIRST, t.THAI_MODERN_FEMALE_LAST)),
}
_THAI_CLASSIC = {"male": _one(t.THAI_CLASSIC_MALE), "female": _one(t.THAI_CLASSIC_FEMALE)}
_NORTHERN = {
    "male": _Compound((t.NORTHERN_MALE_FIRST, t.NORTHERN_MALE_LAST)),
    "female": _Compound((t.NORTHERN_FEMALE_FIRST, t.NORTHERN_FEMALE_LAST)),
}


def _own(male: Parts, female: Parts, second: Parts, join: str = "") -> dict[str, _Compound]:
    return {
        "male": _Compound((male, second), join),
        "female": _Compound((female, second), join),
    }


def _clan(clans: Parts) -> _Compound:
    return _Compound(((t.CLAN_PREFIX,), clans))


_THAI_FAMILY = (
    (7, _Compound((t.THAI_FAMILY_FIRST, t.THAI_FAMILY_LAST))),
    (3, _Compound((t.THAI_FAMILY_FIRST, t.THAI_FAMILY_MIDDLE, t.THAI_FAMILY_END))),
)
_NORTHERN_FAMILY = ((1, _Compound((t.NORTHERN_FAMILY_FIRST, t.NORTHERN_FAMILY_LAST))),)
_NATURE_FAMILY = ((1, _Compound((t.NATURE_FAMILY_FIRST, t.NATURE_FAMILY_LAST))),)


@dataclass(frozen=True, slots=True)
class _Style:
    """How one group names people: its own given names (if distinct), and family names."""

    own_given: dict[str, _Compound] | None
    # Share of people (of any age) whose registered given name is a Thai one.
    thai_given_share: float
    family: tuple[tuple[int, _Compound], ...]
    adult_given: dict[str, _Compound] | None = None  # older adults' names, if not Central Thai


_STYLES: Final[dict[str, _Style]] = {
    "akha": _Style(
        _own(t.AKHA_MALE_FIRST, t.AKHA_FEMALE_FIRST, t.AKHA_SECOND),
        0.4,
        ((3, _Compound((t.AKHA_FAMILY_FIRST, t.AKHA_FAMILY_LAST))), *_NATURE_FAMILY),
    ),
    "lahu": _Style(
        _own(t.LAHU_MALE_FIRST, t.LAHU_FEMALE_FIRST, t.LAHU_SECOND),
        0.4,
        ((1, _Compound((t.LAHU_FAMILY_FIRST, t.LAHU_SECOND))), *_NATURE_FAMILY),
    ),
    "lisu": _Style(
        _own(t.LISU_MALE_FIRST, t.LISU_FEMALE_FIRST, t.LISU_SECOND),
        0.4,
        ((2, _Compound((t.LISU_FAMILY_FIRST, t.LISU_SECOND))), *_NATURE_FAMILY),
    ),
    "hmong": _Style(
        _own(t.HMONG_MALE_FIRST, t.HMONG_FEMALE_FIRST, t.HMONG_SECOND, " "),
        0.4,
        ((1, _clan(t.HMONG_CLANS)),),
    ),
    "mien": _Style(
        _own(t.MIEN_MALE_FIRST, t.MIEN_FEMALE_FIRST, t.MIEN_SECOND),
        0.4,
        ((1, _clan(t.MIEN_CLANS)),),
    ),
    "karen": _Style(
        _own(t.KAREN_MALE_FIRST, t.KAREN_FEMALE_FIRST, t.KAREN_SECOND),
        0.5,
        _NATURE_FAMILY,
    ),
    "lua": _Style(None, 1.0, _NATURE_FAMILY, _NORTHERN),
    "htin": _Style(None, 1.0, _NATURE_FAMILY, _NORTHERN),
    "khmu": _Style(None, 1.0, _NATURE_FAMILY, _NORTHERN),
    "mlabri": _Style(None, 1.0, _NATURE_FAMILY, _NORTHERN),
    "tai_lue": _Style(None, 1.0, ((2, _NORTHERN_FAMILY[0][1]), *_THAI_FAMILY), _NORTHERN),
    "tai_yai": _Style(
        _own(t.TAI_YAI_MALE_FIRST, t.TAI_YAI_FEMALE_FIRST, t.TAI_YAI_SECOND, " "),
        0.3,
        _THAI_FAMILY,
    ),
    "yunnanese": _Style(
        # Two syllables from the same list: "เจี้ยนกั๋ว" Jianguo.
        {
            "male": _Compound((t.YUNNANESE_MALE, t.YUNNANESE_MALE)),
            "female": _Compound((t.YUNNANESE_FEMALE, t.YUNNANESE_FEMALE)),
        },
        0.5,
        ((1, _clan(t.YUNNANESE_CLANS)), *_THAI_FAMILY),
    ),
    "northern_thai": _Style(None, 1.0, (*_NORTHERN_FAMILY, *_THAI_FAMILY), _NORTHERN),
    "thai": _Style(None, 1.0, _THAI_FAMILY),
    "other": _Style(None, 1.0, _THAI_FAMILY),
}

_NICKNAMES: Final[dict[str, Parts]] = {
    "male": t.NICKNAMES_MALE + t.NICKNAMES_ANY,
    "female": t.NICKNAMES_FEMALE + t.NICKNAMES_ANY,
}


def name_ethnicities() -> tuple[str, ...]:
    """The ethnicity codes names can be made for (all of reference.ethnicity)."""
    return tuple(_STYLES)


def _style(ethnicity: str) -> _Style:
    try:
        return _STYLES[ethnicity]
    except KeyError:
        raise ValueError(f"no name style for ethnicity {ethnicity!r}") from None


def _weighted(rng: random.Random, options: tuple[tuple[int, _Compound], ...]) -> _Compound:
    if len(options) == 1:
        return options[0][1]
    pick = rng.random() * sum(w for w, _ in options)
    for weight, option in options:
        pick -= weight
        if pick < 0:
            return option
    return options[-1][1]


def demo_family_name(rng: random.Random, ethnicity: str) -> Part:
    """(Thai, Latin) family name typical for the group, e.g. ("แซ่ย่าง", "Saeyang")."""
    return _weighted(rng, _style(ethnicity).family).make(rng)


def demo_given_name(rng: random.Random, ethnicity: str, sex: Sex, *, born_year: int) -> Part:
    """(Thai, Latin) given name: the group's own, or a Thai one of the person's generation."""
    style = _style(ethnicity)
    if style.own_given is not None and rng.random() >= style.thai_given_share:
        return style.own_given[sex].make(rng)
    if born_year >= MODERN_NAMES_FROM:
        return _THAI_MODERN[sex].make(rng)
    return (style.adult_given or _THAI_CLASSIC)[sex].make(rng)


def demo_nickname(rng: random.Random, sex: Sex) -> Part:
    thai, latin = rng.choice(_NICKNAMES[sex])
    return thai, _capitalise(latin)


def demo_name(
    rng: random.Random,
    ethnicity: str,
    sex: Sex,
    *,
    born_year: int,
    family: Part | None = None,
) -> DemoName:
    """A whole name; pass `family` to give relatives the same family name."""
    given_th, given_en = demo_given_name(rng, ethnicity, sex, born_year=born_year)
    family_th, family_en = family or demo_family_name(rng, ethnicity)
    nick_th, nick_en = demo_nickname(rng, sex)
    return DemoName(given_th, given_en, family_th, family_en, nick_th, nick_en)
