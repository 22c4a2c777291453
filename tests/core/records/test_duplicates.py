"""The duplicate warning: the same identity number, or a similar name with the same birth year
and subdistrict, stops a registration until the worker confirms."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cmdesk.core.errors import DuplicateSuspected
from cmdesk.core.i18n import BirthDate
from cmdesk.core.model import AuditEntry
from cmdesk.core.services.duplicates import latin_key, name_similarity, thai_key
from tests.core.records.conftest import Open
from tests.core.records.factories import THAI_ID, child_draft, undocumented


def test_same_identity_number_is_a_candidate_and_blocks_registration(as_user: Open) -> None:
    pim = as_user("pim")
    first = pim.children.register_child(child_draft()).value
    pim.cases.open_case(first.id, ["neglect"], "low", "reported by school")
    # Another name, another place, another year: the number alone is enough.
    other = child_draft(
        given_name_th="สมศรี",
        family_name_th="ใจดี",
        given_name_latin="Somsri",
        family_name_latin="Jaidee",
        birth=BirthDate.year_only(2010),
        subdistrict_code="570202",
    )
    found = pim.children.find_duplicates(other)
    assert [c.child_id for c in found] == [first.id] and found[0].reasons == ("id_number",)
    assert found[0].case_numbers and found[0].case_numbers[0].startswith("WVFT-")
    with pytest.raises(DuplicateSuspected) as refused:
        pim.children.register_child(other)
    assert [c.child_id for c in refused.value.candidates] == [first.id]
    assert len(pim.children.list()) == 1


def test_confirming_not_a_duplicate_registers_and_is_audited(as_user: Open) -> None:
    pim = as_user("pim")
    first = pim.children.register_child(child_draft()).value
    second = pim.children.register_child(child_draft(), confirm_not_duplicate=True).value
    assert second.id != first.id
    with pim.ctx.read() as s:
        entry = s.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "child.register", AuditEntry.entity_id == second.id
            )
        ).one()
    assert json.loads(entry.detail)["confirmed_not_duplicate_of"] == [first.id]


@pytest.mark.parametrize(
    ("given_th", "family_th", "given_latin", "family_latin", "reasons"),
    [
        # Tone marks left out and a title typed in: the Thai name still matches.
        ("ด.ญ.มะลิ", "แสงทอง", "", "", ("name_th",)),
        ("มะลิ", "แสงทอ่ง", "", "", ("name_th",)),
        # Another romanisation of the same Thai name.
        ("", "", "Malee", "Sangthong", ("name_latin",)),
        ("", "", "MALI", "SAENG-THONG", ("name_latin",)),
        # No family name recorded this time: given names are compared.
        ("มะลิ", "", "Mali", "", ("name_th", "name_latin")),
    ],
)
def test_similar_names_in_the_same_year_and_subdistrict_are_candidates(
    as_user: Open,
    given_th: str,
    family_th: str,
    given_latin: str,
    family_latin: str,
    reasons: tuple[str, ...],
) -> None:
    pim = as_user("pim")
    first = pim.children.register_child(undocumented()).value
    probe = undocumented(
        given_name_th=given_th,
        family_name_th=family_th,
        given_name_latin=given_latin,
        family_name_latin=family_latin,
        nickname="x" if not (given_th or given_latin) else "",
    )
    found = pim.children.find_duplicates(probe)
    assert [(c.child_id, c.reasons) for c in found] == [(first.id, reasons)]


@pytest.mark.parametrize(
    "changes",
    [
        {"birth": BirthDate.year_only(2013)},  # another birth year
        {"subdistrict_code": "570102"},  # another subdistrict
        {  # another child altogether
            "given_name_th": "สมชาย",
            "family_name_th": "ใจดี",
            "given_name_latin": "Somchai",
            "family_name_latin": "Jaidee",
        },
        {"birth": None},  # no birth year: names alone are not enough
    ],
)
def test_no_candidate_without_number_year_place_and_name_all_agreeing(
    as_user: Open, changes: dict[str, object]
) -> None:
    pim = as_user("pim")
    pim.children.register_child(undocumented())
    assert pim.children.find_duplicates(undocumented(**changes)) == []  # type: ignore[arg-type]
    pim.children.register_child(undocumented(**changes))  # type: ignore[arg-type]


def test_candidates_come_from_outside_the_workers_caseload(as_user: Open) -> None:
    as_user("ton").children.register_child(child_draft())
    found = as_user("pim").children.find_duplicates(child_draft(id_number=THAI_ID))
    assert len(found) == 1  # ton's child, which pim may not open


def test_soft_deleted_children_are_not_candidates(as_user: Open) -> None:
    child = as_user("pim").children.register_child(child_draft()).value
    as_user("malee").children.soft_delete(child.id, "test registration")
    assert as_user("pim").children.find_duplicates(child_draft()) == []


# -- the name comparison itself ------------------------------------------------------------
thai_letters = st.text(
    alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E2E), min_size=1, max_size=12
)
tone_marks = st.text(alphabet="\u0e48\u0e49\u0e4a\u0e4b", max_size=3)
latin_names = st.text(
    alphabet=st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=1, max_size=12
)


@settings(max_examples=300)
@given(thai_letters, thai_letters, tone_marks)
def test_thai_names_differing_only_in_tone_marks_match(
    given_: str, family: str, marks: str
) -> None:
    marked = given_[:1] + marks + given_[1:]
    score = name_similarity(thai_key(given_), thai_key(family), thai_key(marked), thai_key(family))
    assert score == 1.0


@settings(max_examples=300)
@given(latin_names, latin_names, latin_names, latin_names)
def test_similarity_is_symmetric_and_bounded(a: str, b: str, c: str, d: str) -> None:
    ab = name_similarity(latin_key(a), latin_key(b), latin_key(c), latin_key(d))
    ba = name_similarity(latin_key(c), latin_key(d), latin_key(a), latin_key(b))
    assert 0.0 <= ab <= 1.0
    assert ab == ba


@settings(max_examples=300)
@given(latin_names, latin_names)
def test_case_and_punctuation_never_hide_a_match(given_: str, family: str) -> None:
    typed = f" {given_.upper()} - {family.title()}'"
    assert latin_key(typed.split("-")[0]) == latin_key(given_)
    score = name_similarity(
        latin_key(given_), latin_key(family), latin_key(given_.upper()), latin_key(family.title())
    )
    assert score == 1.0 or not latin_key(given_)
