"""Community mechanisms: kept by data managers and supervisors, read by the organisation,
linked to cases by whoever works on them; bad input explained field by field in both
languages; every change audited without the contact person's name or phone."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import NotFound, PermissionDenied, ValidationError
from cmdesk.core.i18n import Translator
from cmdesk.core.model import AuditEntry
from cmdesk.core.services.mechanisms import MechanismDraft
from tests.conftest import ADMIN
from tests.core.records.conftest import Open
from tests.core.records.flows import new_case

CENTRE = MechanismDraft(
    "centre",
    "ศูนย์คุ้มครองเด็กตำบลเวียง",
    "570101",
    contact_name="นางสาวทดสอบ ผู้ประสาน",
    contact_phone="081-234 5678",
)


def test_managers_keep_the_list_and_everyone_reads_it(as_user: Open) -> None:
    admin, malee, pim = as_user(ADMIN), as_user("malee"), as_user("pim")
    centre = admin.mechanisms.add(CENTRE).value
    council = malee.mechanisms.add(
        MechanismDraft("council", "  สภาเด็กและเยาวชน   ตำบลแม่สาย ", "570901")
    ).value
    assert council.name == "สภาเด็กและเยาวชน ตำบลแม่สาย" and council.active
    assert centre.district_code == "5701"
    for who in ("pim", "anong"):
        with pytest.raises(PermissionDenied):
            as_user(who).mechanisms.add(CENTRE)
    assert [m.id for m in pim.mechanisms.list()] == [centre.id, council.id]
    assert [m.id for m in pim.mechanisms.list(district_code="5709")] == [council.id]
    assert [m.id for m in pim.mechanisms.list(subdistrict_code="570101")] == [centre.id]
    closed = malee.mechanisms.update(centre.id, MechanismDraft(**{**vars(CENTRE), "active": False}))
    assert not closed.value.active
    assert [m.id for m in pim.mechanisms.list(active_only=True)] == [council.id]
    with pytest.raises(NotFound):
        pim.mechanisms.get("no-such-id")


def test_bad_input_is_explained_field_by_field_in_thai_and_english(as_user: Open) -> None:
    admin = as_user(ADMIN)
    bad = MechanismDraft("club", "", "579999", "x" * 201, "call me")
    with pytest.raises(ValidationError) as caught:
        admin.mechanisms.add(bad)
    fields = [e.field for e in caught.value.errors]
    assert fields == ["kind", "name", "subdistrict_code", "contact_name", "contact_phone"]
    english = caught.value.message(Translator("en"))
    thai = caught.value.message(Translator("th"))
    assert "Give the name of the mechanism." in english
    assert "ตำบล" in thai and "Give the name" not in thai


def test_meetings_are_recorded_and_counted(as_user: Open) -> None:
    malee = as_user("malee")
    centre = malee.mechanisms.add(CENTRE).value
    today = thai_today()
    malee.mechanisms.record_meeting(centre.id, today - timedelta(days=40), 12, "แผนปี")
    malee.mechanisms.record_meeting(centre.id, today - timedelta(days=5), 9)
    with pytest.raises(ValidationError) as caught:
        malee.mechanisms.record_meeting(centre.id, today + timedelta(days=1), -1)
    assert [e.field for e in caught.value.errors] == ["held_on", "attendees"]
    with pytest.raises(PermissionDenied):
        as_user("pim").mechanisms.record_meeting(centre.id, today, 3)
    listed = as_user("pim").mechanisms.get(centre.id)
    assert listed.meetings == 2 and listed.last_meeting == today - timedelta(days=5)
    assert [m.attendees for m in malee.mechanisms.meetings(centre.id)] == [9, 12]


def test_case_workers_link_their_cases_either_way(as_user: Open) -> None:
    malee, anong = as_user("malee"), as_user("anong")
    centre = malee.mechanisms.add(CENTRE).value
    case = new_case(as_user)
    linked = anong.mechanisms.link_case(case.id, centre.id, "from").value
    assert linked.referred_by_mechanism_id == centre.id
    assert linked.referred_to_mechanism_id is None
    anong.mechanisms.link_case(case.id, centre.id, "to")
    both = anong.mechanisms.for_case(case.id)
    assert both["from"] == both["to"] and both["from"] is not None
    assert malee.mechanisms.get(centre.id).cases == 1  # one case, whichever way
    cleared = anong.mechanisms.link_case(case.id, None, "to").value
    assert cleared.referred_to_mechanism_id is None
    with pytest.raises(ValidationError):
        anong.mechanisms.link_case(case.id, centre.id, "sideways")
    with pytest.raises(ValidationError):
        anong.mechanisms.link_case(case.id, "not-a-mechanism", "from")
    with pytest.raises(PermissionDenied):  # not ton's case
        as_user("ton").mechanisms.link_case(case.id, centre.id, "from")
    with pytest.raises(PermissionDenied):  # a data manager does no casework
        as_user(ADMIN).mechanisms.link_case(case.id, centre.id, "from")


def test_the_audit_trail_never_holds_the_contact_person(as_user: Open) -> None:
    malee, anong = as_user("malee"), as_user("anong")
    centre = malee.mechanisms.add(CENTRE).value
    malee.mechanisms.update(centre.id, CENTRE)
    malee.mechanisms.record_meeting(centre.id, date(2026, 1, 5), 4)
    anong.mechanisms.link_case(new_case(as_user).id, centre.id, "from")
    with malee.ctx.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action.like("%mechanism%"))).all()
        text = json.dumps([(e.action, e.detail) for e in entries], ensure_ascii=False)
    assert {e.action for e in entries} == {
        "mechanism.add",
        "mechanism.update",
        "mechanism.meeting",
        "case.mechanism",
    }
    assert CENTRE.contact_name not in text and CENTRE.contact_phone not in text
