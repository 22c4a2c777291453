"""Finding a child's ethnic group, whatever name the worker types."""

from __future__ import annotations

import pytest

from cmdesk.core.reference.ethnicity import ETHNIC_GROUPS, ethnic_group, search_ethnicity

# Names outsiders gave; typed by some users, never shown.
EXONYMS = ["อีก้อ", "มูเซอ", "แม้ว", "เย้า", "ผีตองเหลือง", "เงี้ยว", "Akka", "Musur", "Muser"]
EXONYMS += ["Meo", "Miao", "Yao", "Lawa", "Phi Tong Luang"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("มูเซอ", "lahu"),
        ("อีก้อ", "akha"),
        ("แม้ว", "hmong"),
        ("เย้า", "mien"),
        ("Akka", "akha"),
        ("Musur", "lahu"),
        ("muser", "lahu"),
        ("Meo", "hmong"),
        ("miao", "hmong"),
        ("Yao", "mien"),
        ("Lawa", "lua"),
        ("ลีซอ", "lisu"),
        ("Shan", "tai_yai"),
        ("ปกาเกอะญอ", "karen"),
        ("ชาวอาข่า", "akha"),
        ("Akha people", "akha"),
        ("ลาหู", "lahu"),  # tone mark left out
        ("lahu", "lahu"),
        ("จีนฮ่อ", "yunnanese"),
        ("คนเมือง", "northern_thai"),
        ("Tai Lü", "tai_lue"),
        ("h'tin", "htin"),
    ],
)
def test_typing_a_name_finds_the_group_first(typed: str, code: str) -> None:
    assert search_ethnicity(typed)[0] == code


def test_typing_the_start_of_a_name_finds_it() -> None:
    assert search_ethnicity("อาข")[0] == "akha"
    assert "mlabri" in search_ethnicity("mla")


def test_thai_finds_thai_first_and_other_tai_groups_after() -> None:
    found = search_ethnicity("ไทย")
    assert found[0] == "thai"
    assert "tai_yai" in found  # via the older spelling ไทยใหญ่


def test_unknown_or_empty_text_finds_nothing() -> None:
    assert search_ethnicity("xyzzy") == []
    assert search_ethnicity("   ") == []


def test_exonyms_are_never_shown_as_labels() -> None:
    for group in ETHNIC_GROUPS:
        for exonym in EXONYMS:
            assert exonym.lower() not in group.label_th.lower(), (group.code, exonym)
            assert exonym.lower() not in group.label_en.lower(), (group.code, exonym)


def test_pick_list_matches_the_design_and_ends_with_other() -> None:
    assert [g.label_en for g in ETHNIC_GROUPS][:5] == ["Akha", "Lahu", "Lisu", "Hmong", "Mien"]
    assert ETHNIC_GROUPS[-1].code == "other"
    assert len({g.code for g in ETHNIC_GROUPS}) == len(ETHNIC_GROUPS) == 16
    karen = ethnic_group("karen")
    assert karen is not None and karen.label("th") == "กะเหรี่ยง / ปกาเกอะญอ"
    assert ethnic_group("nope") is None
