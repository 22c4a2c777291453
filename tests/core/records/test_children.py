"""Registering and editing children through the service: every rule, and nothing written on
bad input."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cmdesk.core.acting.changes import Kind
from cmdesk.core.errors import NotFound, PermissionDenied, ValidationError
from cmdesk.core.i18n import BirthDate
from cmdesk.core.model import AuditEntry, Child, HouseholdMember
from tests.core.records.conftest import Open
from tests.core.records.factories import (
    HIGHLAND_ID,
    SUBDISTRICT,
    THAI_ID,
    child_draft,
    estimated,
    mother,
    undocumented,
)


def count_children(ws_: object) -> int:
    from cmdesk.core.workspace import Workspace

    assert isinstance(ws_, Workspace)
    with ws_.ctx.read() as s:
        return int(s.scalar(select(func.count()).select_from(Child)) or 0)


def fields_of(error: ValidationError) -> set[str]:
    return {e.field for e in error.errors}


def test_registering_a_child_stores_everything_and_reports_the_change(as_user: Open) -> None:
    pim = as_user("pim")
    out = pim.children.register_child(child_draft(household=(mother(),)))
    child = out.value
    assert out.changes.touches(Kind.CHILD) and child.id in out.changes.ids
    assert child.name_th == "มะลิ แสงทอง" and child.name_latin == "Mali Saengthong"
    assert child.birth == BirthDate.year_only(2014)
    assert child.id_number == THAI_ID
    # The district and province follow from the subdistrict.
    assert (child.province_code, child.district_code) == ("57", "5701")
    assert child.languages == ("akha", "thai")
    assert [m.relationship for m in child.household] == ["mother"]
    assert child.created_by == pim.actor.user_id
    again = pim.children.get(child.id)
    assert again.household == child.household and again.birth == child.birth


@pytest.mark.parametrize(
    "birth",
    [
        BirthDate.exact(date(2015, 2, 28)),
        BirthDate.year_only(2012),
        BirthDate.from_age(9, on=date(2024, 6, 1)),
    ],
)
def test_each_kind_of_birth_date_comes_back_as_it_was_said(as_user: Open, birth: BirthDate) -> None:
    pim = as_user("pim")
    child = pim.children.register_child(child_draft(birth=birth)).value
    assert pim.children.get(child.id).birth == birth


# -- identity documents and legal status, through the service ------------------------------
VALID_DOCUMENTS = [
    ("thai", "thai", "thai_id", "1-1120-34563-56-2", THAI_ID),
    ("thai", "thai", "thai_id", "๑๑๑๒๐๓๔๕๖๓๕๖๒", THAI_ID),  # Thai digits
    ("unknown", "non_thai_registered", "non_thai_id", HIGHLAND_ID, HIGHLAND_ID),
    ("none", "non_thai_registered", "non_thai_id", "0500000000014", "0500000000014"),
    ("myanmar", "non_thai_registered", "non_thai_id", "7570123456781", "7570123456781"),
    ("lao", "non_thai_registered", "non_thai_id", "8570123456780", "8570123456780"),
    ("myanmar", "g_code_pupil", "g_code", "g 1234 5678 9012", "G123456789012"),
    ("none", "undocumented", "none", "", None),
    ("thai", "thai", "other", "AA1234567", "AA1234567"),
    ("unknown", "unknown", "thai_id", THAI_ID, THAI_ID),
]


@pytest.mark.parametrize(("nationality", "status", "doc", "typed", "stored"), VALID_DOCUMENTS)
def test_valid_documents_are_accepted_and_normalised(
    as_user: Open, nationality: str, status: str, doc: str, typed: str, stored: str | None
) -> None:
    draft = child_draft(
        nationality=nationality, legal_status=status, id_document_type=doc, id_number=typed
    )
    child = as_user("pim").children.register_child(draft).value
    assert child.id_number == stored and child.id_document_type == doc


INVALID_DOCUMENTS = [
    # (nationality, status, document, number, fields with errors)
    ("thai", "thai", "thai_id", "1112034563563", {"id_number"}),  # check digit
    ("thai", "thai", "thai_id", "111203456356", {"id_number"}),  # 12 digits
    ("thai", "thai", "thai_id", "11120345635a2", {"id_number"}),
    ("thai", "thai", "thai_id", HIGHLAND_ID, {"id_number"}),  # type 6 is not Thai
    ("unknown", "non_thai_registered", "non_thai_id", THAI_ID, {"id_number"}),  # type 1
    ("unknown", "non_thai_registered", "non_thai_id", "9570123456786", {"id_number"}),
    ("unknown", "g_code_pupil", "g_code", "G12345678901", {"id_number"}),  # 11 digits
    ("unknown", "g_code_pupil", "g_code", "123456789012", {"id_number"}),  # no G
    ("unknown", "undocumented", "none", THAI_ID, {"id_number"}),  # number with "none"
    ("unknown", "undocumented", "thai_id", THAI_ID, {"id_document_type"}),
    ("unknown", "g_code_pupil", "non_thai_id", HIGHLAND_ID, {"id_document_type"}),
    ("unknown", "non_thai_registered", "none", "", {"id_document_type"}),
    ("myanmar", "thai", "thai_id", THAI_ID, {"nationality"}),
    ("thai", "undocumented", "none", "", {"nationality"}),
    ("thai", "thai", "passport", "X", {"id_document_type"}),
    ("mars", "thai", "thai_id", THAI_ID, {"nationality"}),
]


@pytest.mark.parametrize(("nationality", "status", "doc", "typed", "bad"), INVALID_DOCUMENTS)
def test_invalid_documents_are_refused_naming_the_field_and_nothing_is_written(
    as_user: Open, nationality: str, status: str, doc: str, typed: str, bad: set[str]
) -> None:
    pim = as_user("pim")
    before = count_children(pim)
    draft = child_draft(
        nationality=nationality, legal_status=status, id_document_type=doc, id_number=typed
    )
    with pytest.raises(ValidationError) as refused:
        pim.children.register_child(draft)
    assert fields_of(refused.value) == bad
    assert count_children(pim) == before


def test_every_problem_is_reported_at_once(as_user: Open) -> None:
    draft = child_draft(
        given_name_th="Mali",  # Latin letters in the Thai field
        family_name_latin="แสงทอง",
        sex="girl",
        birth=BirthDate.exact(date.today() + timedelta(days=40)),
        ethnicity="klingon",
        languages=("akha", "elvish"),
        subdistrict_code="570101",
        district_code="5702",  # Wiang is not in Wiang Chai
        household=(mother(name="", relationship="cousin", phone="call me"),),
    )
    with pytest.raises(ValidationError) as refused:
        as_user("pim").children.register_child(draft)
    assert fields_of(refused.value) == {
        "given_name_th",
        "family_name_latin",
        "sex",
        "birth",
        "ethnicity",
        "languages",
        "subdistrict_code",
        "household[0].name",
        "household[0].relationship",
        "household[0].phone",
    }
    # Messages carry no personal data: only message ids and limits.
    assert "Mali" not in str(refused.value)


def test_a_child_needs_some_name(as_user: Open) -> None:
    draft = child_draft(given_name_th="", given_name_latin="", nickname="", family_name_th="")
    with pytest.raises(ValidationError) as refused:
        as_user("pim").children.register_child(draft)
    assert fields_of(refused.value) == {"given_name_th"}
    nickname_only = undocumented(
        given_name_th="",
        given_name_latin="",
        family_name_th="",
        family_name_latin="",
        nickname="หน่อย",
    )
    assert as_user("pim").children.register_child(nickname_only).value.nickname == "หน่อย"


def test_an_estimated_birth_date_may_not_be_stated_in_the_future(as_user: Open) -> None:
    with pytest.raises(ValidationError) as refused:
        as_user("pim").children.register_child(
            child_draft(birth=estimated(5, date.today() + timedelta(days=400)))
        )
    assert fields_of(refused.value) == {"birth"}


def test_updating_a_child_replaces_the_details_and_audits_field_names_only(as_user: Open) -> None:
    pim = as_user("pim")
    child = pim.children.register_child(child_draft()).value
    updated = pim.children.update_child(
        child.id, child_draft(given_name_th="มะลิวัลย์", school_status="dropped_out")
    ).value
    assert updated.given_name_th == "มะลิวัลย์" and updated.school_status == "dropped_out"
    with pim.ctx.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "child.update")).one()
    detail = json.loads(entry.detail)
    assert "given_name_th" in detail["fields"] and "มะลิ" not in entry.detail
    with pytest.raises(ValidationError):
        pim.children.update_child(child.id, child_draft(household=(mother(),)))


def test_household_members_are_added_changed_and_soft_removed(as_user: Open) -> None:
    pim = as_user("pim")
    child = pim.children.register_child(child_draft()).value
    grandma = pim.children.add_household_member(
        child.id, mother(name="ยายจันทร์", relationship="grandmother", birth_year=1960)
    ).value
    pim.children.update_household_member(
        grandma.id, mother(name="ยายจันทร์", relationship="grandmother", phone="0891112222")
    )
    assert pim.children.get(child.id).household[0].phone == "0891112222"
    with pytest.raises(ValidationError):
        pim.children.remove_household_member(grandma.id, "  ")
    pim.children.remove_household_member(grandma.id, "moved to Bangkok")
    assert pim.children.get(child.id).household == ()
    with pim.ctx.read() as s:
        row = s.get(HouseholdMember, grandma.id)
        assert row is not None and row.deleted_reason == "moved to Bangkok"


def test_who_sees_a_registered_child(as_user: Open) -> None:
    child = as_user("pim").children.register_child(child_draft()).value
    # The registering worker and the supervisors see it; nobody else yet.
    assert as_user("pim").children.get(child.id).id == child.id
    assert as_user("malee").children.get(child.id).id == child.id
    for name in ("dao", "ton", "anong", "ecpat_sup"):
        with pytest.raises(PermissionDenied):
            as_user(name).children.get(child.id)
        assert child.id not in {c.id for c in as_user(name).children.list()}
    with pytest.raises(PermissionDenied):
        as_user("admin").children.get(child.id)
    with as_user("malee").ctx.read() as s:
        denied = s.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "access.denied", AuditEntry.entity_id == child.id
            )
        ).all()
    assert {e.actor for e in denied} == {"dao", "ton", "anong", "ecpat_sup", "admin"}


def test_list_finds_children_by_any_name(as_user: Open) -> None:
    pim = as_user("pim")
    pim.children.register_child(child_draft())
    pim.children.register_child(
        undocumented(
            given_name_th="อาจ่า",
            family_name_th="เชอมื่อ",
            given_name_latin="Aja",
            family_name_latin="Choemue",
            nickname="จ่า",
        ),
        confirm_not_duplicate=True,
    )
    assert [c.given_name_latin for c in pim.children.list("Sae")] == ["Mali"]
    assert [c.given_name_latin for c in pim.children.list("เชอ")] == ["Aja"]
    assert len(pim.children.list()) == 2


def test_soft_delete_is_for_supervisors_and_keeps_the_rows(as_user: Open) -> None:
    pim = as_user("pim")
    child = pim.children.register_child(child_draft()).value
    case = pim.cases.open_case(child.id, ["neglect"], "medium", "no adult at home").value
    with pytest.raises(PermissionDenied):
        pim.children.soft_delete(child.id, "registered twice")
    out = as_user("malee").children.soft_delete(child.id, "registered twice")
    assert {child.id, case.id} <= out.changes.ids
    with pytest.raises(NotFound):
        as_user("malee").children.get(child.id)
    assert as_user("malee").cases.list() == []
    with pim.ctx.read() as s:
        row = s.get(Child, child.id)
        assert row is not None and row.deleted_reason == "registered twice"
        assert row.given_name_th == "มะลิ"  # hidden, not erased


def test_field_worker_may_not_hand_the_case_to_someone_else(as_user: Open) -> None:
    pim = as_user("pim")
    child = pim.children.register_child(child_draft()).value
    with pytest.raises(PermissionDenied):
        pim.cases.open_case(
            child.id, ["neglect"], "low", "x", assigned_worker_id=as_user("dao").actor.user_id
        )
    assert SUBDISTRICT  # the draft's subdistrict is a real one (checked in the first test)


def test_every_change_is_attributed_to_the_user_who_made_it(as_user: Open) -> None:
    pim, dao = as_user("pim"), as_user("dao")
    child = pim.children.register_child(child_draft()).value
    case = pim.cases.open_case(child.id, ["neglect"], "low", "x").value
    dao.children.update_child(child.id, child_draft(nickname="ลิลี่"))
    with pim.ctx.read() as s:
        row = s.get(Child, child.id)
        assert row is not None
        assert (row.created_by, row.updated_by) == (pim.actor.user_id, dao.actor.user_id)
        assert row.updated_at > row.created_at
    assert case.created_by == pim.actor.user_id
