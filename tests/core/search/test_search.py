"""Finding children and cases by what a worker types, in Thai or Latin letters."""

from __future__ import annotations

import pytest

from cmdesk.core.errors import PermissionDenied, ValidationError
from cmdesk.core.search.service import CaseloadQuery
from tests.conftest import ADMIN
from tests.core.search.conftest import Open
from tests.core.search.helpers import THAI_ID, register


def found(ws_search_rows: object, case_id: str | None) -> bool:
    return any(r.id == case_id for r in ws_search_rows)  # type: ignore[attr-defined]


def test_thai_substring_anywhere_in_a_name(open_as: Open) -> None:
    ws = open_as("sup")
    _, case = register(ws)
    for text in ("ฑิฆั", "ฆัมพ", "ณฤทธิ์", "มพร ฌาณ"):
        rows = ws.search.search(text).rows
        assert found(rows, case), text
    row = next(r for r in ws.search.search("ฆัมพ").rows if r.id == case)
    assert (row.child_name_th, row.child_name_en) == ("ฑิฆัมพร ฌาณฤทธิ์", "Thikhamphon Chanarit")
    assert row.stage == "registration" and row.risk == "high"
    assert row.case_number.startswith("WVFT-")


def test_latin_substring_in_any_case(open_as: Open) -> None:
    ws = open_as("sup")
    _, case = register(ws)
    for text in ("khamph", "KHAMPHON", "narit", "hikh chanar"):
        assert found(ws.search.search(text).rows, case), text
    assert not found(ws.search.search("khampx").rows, case)


def test_tone_marks_may_be_left_out_or_typed(open_as: Open) -> None:
    ws = open_as("sup")
    _, case = register(ws)
    # The nickname น้ำฝน found with and without its tone mark, as phone typists write it.
    for text in ("น้ำฝน", "นำฝน", "ณฤทธิ", "ณฤทธ"):
        assert found(ws.search.search(text).rows, case), text


def test_identity_number_typed_with_separators_or_in_part(open_as: Open) -> None:
    ws = open_as("sup")
    _, case = register(ws)
    for text in (THAI_ID, "1-1120-34563-56-2", "1 1120 34563 56 2", "0345635"):
        assert found(ws.search.search(text).rows, case), text


def test_case_number_nickname_and_village(open_as: Open) -> None:
    ws = open_as("sup")
    _, case = register(ws)
    number = ws.cases.get(case or "").case_number
    for text in (number, number[-9:], number.lower(), "ฮ่อมหลวงใหม่", "ฮ่อมหลวง ฆัมพ", "น้ำฝน"):
        assert found(ws.search.search(text).rows, case), text


def test_subdistrict_name_narrows_with_another_word(open_as: Open) -> None:
    ws = open_as("sup")
    _, case = register(ws)  # in subdistrict 570101, Wiang, Mueang Chiang Rai
    assert found(ws.search.search("ตำบลเวียง ฆัมพ").rows, case)
    assert found(ws.search.search("wiang khamph").rows, case)
    # Elsewhere: Mae Sai is not where this child lives.
    assert not found(ws.search.search("แม่สาย ฆัมพ").rows, case)


def test_old_exonym_finds_the_group_and_only_it(open_as: Open) -> None:
    ws = open_as("sup")
    _, case = register(ws)  # Lahu
    assert found(ws.search.search("มูเซอ ฆัมพ").rows, case)
    assert found(ws.search.search("Musur ฆัมพ").rows, case)
    assert not found(ws.search.search("อีก้อ ฆัมพ").rows, case)  # Akha
    children = ws.search.children("มูเซอ", limit=200).rows
    assert children and {c.ethnicity for c in children} == {"lahu"}
    assert {c.ethnicity for c in ws.search.children("ม้ง", limit=200).rows} == {"hmong"}


def test_two_letters_find_names_beginning_with_them(open_as: Open) -> None:
    ws = open_as("sup")
    _, case = register(ws)
    assert found(ws.search.search("ฑิ").rows, case)  # start of the given name
    assert found(ws.search.search("ฌา").rows, case)  # start of the family name
    assert found(ws.search.search("th").rows, case)
    assert found(ws.search.search("ฑ").rows, case)  # one letter: still the names it starts
    # Not in the middle of a word: two letters there would match half the vault.
    assert not found(ws.search.search("ฆั").rows, case)
    rows = ws.search.children("ศิ", limit=100).rows
    assert rows
    for child in rows:
        words = f"{child.name_th} {child.name_en} {child.nickname} {child.village}".split()
        assert any(w.startswith("ศิ") or w.startswith("ศ") for w in words), child


def test_every_word_must_match(open_as: Open) -> None:
    ws = open_as("sup")
    _, case = register(ws)
    assert found(ws.search.search("ฆัมพ Chanarit").rows, case)
    assert not found(ws.search.search("ฆัมพ Somchai").rows, case)


@pytest.mark.parametrize("text", ['"', 'ab" OR "x', "NEAR(a b)", "*", "a*b", "(", "-", "::"])
def test_query_syntax_in_the_text_is_just_text(open_as: Open, text: str) -> None:
    """FTS5 operators typed by a worker are searched for as the characters they are: no
    syntax error reaches the user, and no operator widens the search ("*" would match every
    child, "OR" either side). No name holds these characters, so nothing is found."""
    ws = open_as("sup")
    assert ws.search.search(text).rows == ()
    assert ws.search.children(text).rows == ()


def test_field_worker_finds_only_their_and_their_teams_cases(open_as: Open) -> None:
    sup = open_as("sup")
    _, mine = register(sup, worker="fw_a1")
    _, teams = register(sup, worker="fw_a2", given_name_th="ฑิฆัมพา")
    _, other = register(sup, worker="fw_b", given_name_th="ฑิฆัมพี")
    a1 = open_as("fw_a1").search.search("ฑิฆัมพ").rows
    assert found(a1, mine) and found(a1, teams) and not found(a1, other)
    b = open_as("fw_b").search.search("ฑิฆัมพ").rows
    assert found(b, other) and not found(b, mine) and not found(b, teams)
    everything = open_as("fw_b").search.caseload(CaseloadQuery(limit=500)).rows
    assert everything and all(r.team == "b" for r in everything)


def test_case_manager_finds_only_cases_they_manage_or_visit(open_as: Open) -> None:
    cm = open_as("cm")
    rows = cm.search.caseload(CaseloadQuery(limit=500)).rows
    me = cm.actor.user_id
    assert rows and all(me in (r.case_manager_id, r.assigned_worker_id) for r in rows)


def test_data_manager_does_no_casework_search(open_as: Open) -> None:
    with pytest.raises(PermissionDenied):
        open_as(ADMIN).search.search("สม")


def test_child_without_a_case_is_found_among_children_not_cases(open_as: Open) -> None:
    ws = open_as("sup")
    child, _ = register(ws, with_case=False)
    assert any(c.id == child for c in ws.search.children("ฆัมพ").rows)
    assert not any(r.child_id == child for r in ws.search.search("ฆัมพ").rows)


def test_index_follows_edits_and_deletions(open_as: Open) -> None:
    from tests.core.search.helpers import draft

    ws = open_as("sup")
    child, case = register(ws)
    ws.children.update_child(child, draft(given_name_th="ฎีฆัมพร", given_name_latin="Dikhamphon"))
    assert not found(ws.search.search("ฑิฆั").rows, case)
    assert found(ws.search.search("ฎีฆั").rows, case)
    assert found(ws.search.search("Dikham").rows, case)
    ws.children.soft_delete(child, "Registered twice by mistake.")
    assert not found(ws.search.search("ฎีฆั").rows, case)
    assert not any(c.id == child for c in ws.search.children("ฎีฆั").rows)


def test_bad_filter_values_name_the_field(open_as: Open) -> None:
    ws = open_as("sup")
    with pytest.raises(ValidationError) as bad:
        ws.search.caseload(CaseloadQuery(stages=("nowhere",), risks=("huge",), limit=0))
    assert {e.field for e in bad.value.errors} == {"stage", "risk", "limit"}
