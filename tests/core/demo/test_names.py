"""Generated names look like real Chiang Rai names, in both scripts, and agree with each other."""

from __future__ import annotations

import random
import re

import pytest

from cmdesk.core.demo.names import (
    MODERN_NAMES_FROM,
    Sex,
    demo_family_name,
    demo_given_name,
    demo_name,
    demo_nickname,
    name_ethnicities,
)
from cmdesk.core.reference.ethnicity import ETHNIC_GROUPS

THAI_ONLY = re.compile(r"^[\u0e01-\u0e4e]+$")
LATIN_WORDS = re.compile(r"^[A-Z][a-z]*( [A-Z][a-z]*)*$")
SEXES: tuple[Sex, ...] = ("female", "male")


def test_every_ethnic_group_in_the_pick_list_has_names() -> None:
    assert set(name_ethnicities()) == {g.code for g in ETHNIC_GROUPS}


def test_unknown_group_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="klingon"):
        demo_family_name(random.Random(1), "klingon")


@pytest.mark.parametrize("ethnicity", name_ethnicities())
def test_names_are_thai_script_and_capitalised_latin(ethnicity: str) -> None:
    rng = random.Random(ethnicity)
    for i in range(300):
        name = demo_name(rng, ethnicity, SEXES[i % 2], born_year=1950 + i % 70)
        for thai in (name.given_th, name.family_th, name.nickname_th):
            assert THAI_ONLY.match(thai), thai
        for latin in (name.given_en, name.family_en, name.nickname_en):
            assert LATIN_WORDS.match(latin), latin
        assert name.full_th == f"{name.given_th} {name.family_th}"
        assert name.full_en == f"{name.given_en} {name.family_en}"


def test_one_thai_spelling_always_has_the_same_romanisation() -> None:
    rng = random.Random(7)
    seen: dict[str, str] = {}
    for i in range(30_000):
        ethnicity = name_ethnicities()[i % len(name_ethnicities())]
        sex = SEXES[i % 2]
        pairs = [
            demo_given_name(rng, ethnicity, sex, born_year=1960 + i % 60),
            demo_family_name(rng, ethnicity),
            demo_nickname(rng, sex),
        ]
        for thai, latin in pairs:
            assert seen.setdefault(thai, latin) == latin, (thai, latin, seen[thai])


def test_hmong_and_mien_family_names_are_clans() -> None:
    rng = random.Random(3)
    for ethnicity in ("hmong", "mien"):
        thai, latin = demo_family_name(rng, ethnicity)
        assert thai.startswith("แซ่") and latin.startswith("Sae")


def test_akha_given_names_mark_sex_as_akha_names_do() -> None:
    rng = random.Random(4)
    own = [demo_given_name(rng, "akha", "female", born_year=2010) for _ in range(200)]
    akha_style = [th for th, _ in own if th.startswith("หมี่")]
    # Some girls have a Thai registered name instead; most have an Akha one.
    assert 0.4 < len(akha_style) / len(own) < 0.8


def test_tai_yai_names_keep_sai_and_nang_as_separate_latin_words() -> None:
    rng = random.Random(5)
    names = [demo_given_name(rng, "tai_yai", "male", born_year=2012) for _ in range(50)]
    shan = [(th, en) for th, en in names if th.startswith("จาย")]
    assert shan, "most Tai Yai boys have a Shan name"
    assert all(en.startswith("Sai ") and len(en.split()) == 2 for _, en in shan)


def test_older_people_have_older_style_names() -> None:
    rng = random.Random(6)
    young = {
        demo_given_name(rng, "thai", "male", born_year=MODERN_NAMES_FROM)[0] for _ in range(300)
    }
    old = {
        demo_given_name(rng, "thai", "male", born_year=MODERN_NAMES_FROM - 30)[0]
        for _ in range(300)
    }
    assert "สมชาย" in old and "สมชาย" not in young


def test_no_name_doubles_a_part() -> None:
    rng = random.Random(8)
    for _ in range(3000):
        thai, _ = demo_family_name(rng, "thai")
        assert thai not in {"ทองทอง", "ศรีศรี", "สุขสุข", "วงศ์วงศ์"}


def test_given_family_name_is_kept() -> None:
    name = demo_name(random.Random(9), "akha", "male", born_year=2015, family=("เชอมือ", "Choemue"))
    assert (name.family_th, name.family_en) == ("เชอมือ", "Choemue")
