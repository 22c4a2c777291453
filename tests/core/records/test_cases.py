"""Who sees which case, assignments, risk and concerns, case numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from cmdesk.core.acting.thai_time import thai_be_year
from cmdesk.core.errors import PermissionDenied, ValidationError
from cmdesk.core.model import AuditEntry
from cmdesk.core.services.case_numbers import CASE_NUMBER_RE, device_part
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.core.records.conftest import Open
from tests.core.records.factories import child_draft
from tests.core.records.flows import new_case

# Case managed by anong, assigned to pim (team maesai).
SEES = {
    "pim": True,  # assigned
    "dao": True,  # pim's team
    "ton": False,  # another team
    "anong": True,  # manages it
    "boon": False,  # another case manager
    "malee": True,  # supervisor of the organisation
    "kasem": True,
    "admin": False,  # data manager: no casework
    "ecpat_sup": False,  # another organisation's supervisor
}


@pytest.mark.parametrize(("user", "sees"), SEES.items())
def test_who_sees_and_works_on_a_case(as_user: Open, user: str, sees: bool) -> None:
    case = new_case(as_user)
    ws = as_user(user)
    listed = {c.id for c in ws.cases.list()} if user != "admin" else set()
    if sees:
        assert ws.cases.get(case.id).case_number == case.case_number
        assert case.id in listed
        ws.cases.set_risk(case.id, "high", f"seen by {user}")
        ws.notes.add(case.id, "visited", "home_visit")
    else:
        assert case.id not in listed
        with pytest.raises(PermissionDenied):
            ws.cases.get(case.id)
        with pytest.raises(PermissionDenied):
            ws.cases.set_risk(case.id, "high", "x")
        with pytest.raises(PermissionDenied):
            ws.notes.add(case.id, "x")
        with ws.ctx.read() as s:
            refused = s.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "access.denied", AuditEntry.actor == user
                )
            ).all()
        assert refused and all(e.entity_id in (case.id, "") for e in refused)


def test_reading_a_case_is_audited_with_ids_only(as_user: Open) -> None:
    case = new_case(as_user)
    as_user("dao").cases.get(case.id)
    with as_user("dao").ctx.read() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "case.read", AuditEntry.actor == "dao")
        ).one()
    assert entry.entity_id == case.id and entry.detail == "{}"


def test_the_data_manager_cannot_open_cases(as_user: Open) -> None:
    child = as_user("pim").children.register_child(child_draft()).value
    with pytest.raises(PermissionDenied):
        as_user("admin").cases.open_case(child.id, ["neglect"], "low", "x")
    with pytest.raises(PermissionDenied):
        as_user("admin").cases.list()


def test_assignments_follow_the_roles(as_user: Open) -> None:
    case = new_case(as_user)
    ton_id = as_user("ton").actor.user_id
    with pytest.raises(PermissionDenied):
        as_user("pim").cases.assign_worker(case.id, ton_id)
    with pytest.raises(PermissionDenied):
        as_user("boon").cases.assign_worker(case.id, ton_id)
    moved = as_user("anong").cases.assign_worker(case.id, ton_id).value
    assert moved.assigned_worker_id == ton_id and moved.team == "chiangsaen"
    # Now pim and dao lose the case, and ton's team has it.
    with pytest.raises(PermissionDenied):
        as_user("dao").cases.get(case.id)
    assert as_user("ton").cases.get(case.id).id == case.id
    with pytest.raises(PermissionDenied):
        as_user("anong").cases.assign_case_manager(case.id, as_user("boon").actor.user_id)
    handed = as_user("malee").cases.assign_case_manager(case.id, as_user("boon").actor.user_id)
    assert handed.value.case_manager_id == as_user("boon").actor.user_id
    with pytest.raises(ValidationError):  # a field worker cannot manage a case
        as_user("malee").cases.assign_case_manager(case.id, ton_id)
    with pytest.raises(ValidationError):  # staff of another organisation cannot work on it
        as_user("malee").cases.assign_worker(case.id, as_user("ecpat_fw").actor.user_id)


def test_risk_changes_keep_their_history_and_need_a_reason(as_user: Open) -> None:
    anong = as_user("anong")
    case = new_case(as_user)
    with pytest.raises(ValidationError) as refused:
        anong.cases.set_risk(case.id, "severe", "")
    assert {e.field for e in refused.value.errors} == {"risk_level", "risk_reason"}
    anong.cases.set_risk(case.id, "critical", "threatened with a knife")
    after = anong.cases.set_risk(case.id, "high", "moved to aunt").value
    assert after.risk_level == "high" and after.risk_reason == "moved to aunt"
    assert [(r.level, r.reason) for r in after.risk_history] == [
        ("medium", "left alone for days"),
        ("critical", "threatened with a knife"),
        ("high", "moved to aunt"),
    ]


def test_concerns_are_checked(as_user: Open) -> None:
    anong = as_user("anong")
    case = new_case(as_user)
    with pytest.raises(ValidationError):
        anong.cases.set_concerns(case.id, [])
    with pytest.raises(ValidationError):
        anong.cases.set_concerns(case.id, ["other"])
    with pytest.raises(ValidationError):
        anong.cases.set_concerns(case.id, ["witchcraft"])
    out = anong.cases.set_concerns(case.id, ["trafficking", "other", "trafficking"], "begging")
    assert out.value.concerns == ("trafficking", "other") and out.value.concern_other == "begging"


def test_list_filters_and_orders_by_risk(as_user: Open) -> None:
    anong = as_user("anong")
    low = new_case(as_user)
    high = new_case(as_user)
    anong.cases.set_risk(high.id, "critical", "x")
    anong.cases.set_risk(low.id, "low", "x")
    assert [c.id for c in anong.cases.list()] == [high.id, low.id]
    assert [c.id for c in anong.cases.list(min_risk="high")] == [high.id]
    assert [c.id for c in anong.cases.list(stage="assessment")] == []
    pim_id = as_user("pim").actor.user_id
    assert len(anong.cases.list(assigned_to=pim_id)) == 2


def test_case_numbers_are_readable_and_count_up_per_device(as_user: Open) -> None:
    first, second = new_case(as_user), new_case(as_user)
    year = thai_be_year()
    part = device_part(as_user("anong").device_id)
    assert first.case_number == f"WVFT-{year}-{part}-0001"
    assert second.case_number == f"WVFT-{year}-{part}-0002"
    assert CASE_NUMBER_RE.match(first.case_number)


def test_another_device_numbers_its_cases_apart(as_user: Open, tmp_path: Path) -> None:
    ours = new_case(as_user).case_number
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.create(
        tmp_path / "laptop2", org_code="WVFT", username="dm", passphrase="x" * 12, kdf=kdf
    ) as other:
        other.users.add("cm2", "y" * 12, "case_manager", kdf=kdf)
    with Workspace.open(tmp_path / "laptop2", "cm2", "y" * 12) as cm2:
        child = cm2.children.register_child(child_draft()).value
        theirs = cm2.cases.open_case(child.id, ["neglect"], "low", "x").value.case_number
    assert ours != theirs and ours.split("-")[:2] == theirs.split("-")[:2]
    assert ours.endswith("-0001") and theirs.endswith("-0001")


def test_the_year_is_thailands_buddhist_era_year() -> None:
    # 31 December 2025 18:00 UTC is already 1 January 2026 in Thailand: B.E. 2569.
    assert thai_be_year(datetime(2025, 12, 31, 18, 0, tzinfo=UTC)) == 2569
    assert thai_be_year(datetime(2025, 12, 31, 16, 0, tzinfo=UTC)) == 2568


@given(st.uuids(version=4))
def test_the_device_part_is_the_last_six_hex_digits_of_the_device_id(device: object) -> None:
    part = device_part(str(device))
    assert re.fullmatch(r"[0-9A-F]{6}", part) and str(device).upper().endswith(part)
