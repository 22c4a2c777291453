"""On a laptop enrolled for one team, a case handed to another team is read, not changed: it
offers no action, every service refuses to change it or anything of it with a message saying
why, and nothing is written. The team's own cases work as anywhere, including handing one to
another team. (The laptop's team comes from its enrolment: tests/network/test_team_laptops.py;
here the workspaces are told it.)"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import OutsideLaptopTeam, PermissionDenied, TransitionNotAllowed
from cmdesk.core.i18n import translator
from cmdesk.core.workspace import Workspace
from tests.core.records.conftest import Open, as_user, records_template, rvault
from tests.core.records.factories import child_draft
from tests.core.records.flows import case_at, new_case
from tests.core.records.test_case_actions import _attempts

__all__ = ["as_user", "records_template", "rvault"]  # fixtures used below

TEAM = "maesai"


def on_team_laptop(ws: Workspace) -> Workspace:
    ws.ctx.actor = dataclasses.replace(ws.ctx.actor, laptop_team=TEAM)
    return ws


def _written(ws: Workspace, case_id: str) -> tuple[object, ...]:
    case = ws.cases.get(case_id)
    return (
        case.stage,
        case.plan_status,
        case.closure_status,
        case.risk_level,
        case.assigned_worker_id,
        case.case_manager_id,
        len(ws.notes.list(case_id)),
        len(ws.tasks.for_case(case_id)),
        ws.children.get(case.child_id).texts["school_name"],
    )


@pytest.mark.parametrize("user", ["anong", "malee"])
def test_a_case_handed_to_another_team_is_read_only_on_the_team_s_laptop(
    as_user: Open, user: str
) -> None:
    case = case_at(as_user, "implementation")
    # The office hands the case to the other team's field worker (ton, team chiangsaen).
    as_user("malee").cases.assign_worker(case.id, as_user("ton").actor.user_id)
    laptop = on_team_laptop(as_user(user))
    shown = laptop.cases.get(case.id)
    assert shown.team == "chiangsaen"
    assert shown.actions == frozenset() and shown.moves == ()
    assert shown.read_only_for_team == TEAM

    before = _written(laptop, case.id)
    for action, attempt in _attempts(laptop, shown, as_user).items():
        with pytest.raises((OutsideLaptopTeam, PermissionDenied, TransitionNotAllowed)):
            attempt()
        assert _written(laptop, case.id) == before, action
    with pytest.raises(OutsideLaptopTeam) as refused:
        laptop.notes.add(case.id, "visited the family")
    th = refused.value.message(translator("th"))
    assert "maesai" in th and "แก้ไขไม่ได้" in th
    en = refused.value.message(translator("en"))
    assert en.startswith("This case is no longer with team maesai")

    # The same user's whole-organisation laptop still works on it.
    as_user("kasem").notes.add(case.id, "visited the family")


def test_the_team_s_own_cases_work_and_one_may_be_handed_over(as_user: Open) -> None:
    case = case_at(as_user, "implementation")
    laptop = on_team_laptop(as_user("malee"))
    assert laptop.cases.get(case.id).actions
    laptop.notes.add(case.id, "visited the family")
    laptop.tasks.add(case.id, "home visit", thai_today() + timedelta(2))
    # Handing the team's case to another team is a change to the team's case.
    laptop.cases.assign_worker(case.id, as_user("ton").actor.user_id)
    assert laptop.cases.get(case.id).read_only_for_team == TEAM
    with pytest.raises(OutsideLaptopTeam):
        laptop.notes.add(case.id, "after the hand-over")


def test_a_case_opened_on_the_team_s_laptop_is_the_team_s(as_user: Open) -> None:
    laptop = on_team_laptop(as_user("anong"))
    child = laptop.children.register_child(child_draft(), confirm_not_duplicate=True).value
    without_worker = laptop.cases.open_case(child.id, ["neglect"], "medium", "alone").value
    assert without_worker.team == TEAM and without_worker.actions
    with pytest.raises(OutsideLaptopTeam) as refused:
        laptop.cases.open_case(
            child.id,
            ["neglect"],
            "medium",
            "alone",
            assigned_worker_id=as_user("ton").actor.user_id,
        )
    assert "cases opened on it are in team maesai" in refused.value.message(translator("en"))


def test_a_child_whose_cases_all_left_the_team_is_not_changed_there(as_user: Open) -> None:
    case = new_case(as_user)
    as_user("malee").cases.assign_worker(case.id, as_user("ton").actor.user_id)
    laptop = on_team_laptop(as_user("malee"))
    with pytest.raises(OutsideLaptopTeam):
        laptop.children.update_child(
            case.child_id, child_draft(texts={"school_name": "โรงเรียนบ้านป่าซาง"})
        )
    assert laptop.children.get(case.child_id).texts["school_name"] != "โรงเรียนบ้านป่าซาง"
