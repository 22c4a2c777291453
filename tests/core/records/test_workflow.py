"""Every workflow move, allowed and forbidden, for each role; approvals; closure; reopening."""

from __future__ import annotations

import pytest

from cmdesk.core.acting.case_actions import MOVES, allowed_moves
from cmdesk.core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from cmdesk.core.model.case import ClosureStatus, PlanStatus, Stage
from tests.core.records.conftest import Open
from tests.core.records.flows import ORDER, case_at, new_case

ROLES = {"pim": "field_worker", "anong": "case_manager", "malee": "supervisor"}


@pytest.mark.parametrize("user", list(ROLES))
@pytest.mark.parametrize("target", [s.value for s in Stage])
@pytest.mark.parametrize("start", [s.value for s in ORDER])
def test_each_move_is_allowed_exactly_for_the_roles_in_the_table(
    as_user: Open, start: str, target: str, user: str
) -> None:
    case = case_at(as_user, start)
    ws = as_user(user)
    roles = MOVES.get((Stage(start), Stage(target)))
    if roles is None:
        with pytest.raises(TransitionNotAllowed):
            ws.workflow.advance(case.id, target)
        assert ws.cases.get(case.id).stage == start
    elif ROLES[user] not in roles:
        with pytest.raises(PermissionDenied):
            ws.workflow.advance(case.id, target)
        assert ws.cases.get(case.id).stage == start
    else:
        moved = ws.workflow.advance(case.id, target, "next step").value
        assert moved.stage == target
        last = moved.stage_history[-1]
        assert (last.from_stage, last.to_stage, last.by) == (start, target, ws.actor.user_id)
        assert Stage(target) in allowed_moves(start, ROLES[user])


def test_a_case_walks_the_whole_way_and_keeps_its_history(as_user: Open) -> None:
    case = case_at(as_user, Stage.CLOSURE)
    assert case.stage == Stage.CLOSURE and case.closure_status == ClosureStatus.APPROVED
    assert [c.to_stage for c in case.stage_history] == [s.value for s in ORDER]
    assert case.closed_by == as_user("malee").actor.user_id
    times = [c.at for c in case.stage_history]
    assert times == sorted(times)


def test_the_case_plan_needs_an_assessment(as_user: Open) -> None:
    anong = as_user("anong")
    case = new_case(as_user)
    anong.workflow.advance(case.id, "assessment")
    with pytest.raises(TransitionNotAllowed) as refused:
        anong.workflow.advance(case.id, "case_plan")
    assert "assessment" in refused.value.text_id
    with pytest.raises(TransitionNotAllowed):  # not at registration either
        anong.casework.record_assessment(new_case(as_user).id, "health", "no_concern", "well")


def test_implementation_needs_the_supervisors_approval(as_user: Open) -> None:
    anong, malee, kasem = as_user("anong"), as_user("malee"), as_user("kasem")
    case = case_at(as_user, Stage.ASSESSMENT)
    anong.workflow.advance(case.id, "case_plan")
    with pytest.raises(TransitionNotAllowed):
        anong.workflow.submit_plan(case.id)  # no goal yet
    goal = anong.casework.add_goal(case.id, "education", "back to school by June").value.goals[0]
    with pytest.raises(TransitionNotAllowed):
        anong.workflow.advance(case.id, "implementation")
    anong.workflow.submit_plan(case.id)
    for name in ("pim", "anong"):
        with pytest.raises(PermissionDenied):
            as_user(name).workflow.approve_plan(case.id)
    returned = malee.workflow.return_plan(case.id, "add who pays the uniform").value
    assert returned.plan_status == PlanStatus.RETURNED
    assert returned.plan_return_reason == "add who pays the uniform"
    anong.casework.add_action(goal.id, "buy uniform", "FOCUS", None)
    anong.workflow.submit_plan(case.id)
    approved = malee.workflow.approve_plan(case.id).value
    assert approved.plan_status == PlanStatus.APPROVED
    assert approved.plan_decided_by == malee.actor.user_id
    # Changing an approved plan takes the approval away.
    anong.casework.update_goal(goal.id, "education", "back to school by July")
    assert anong.cases.get(case.id).plan_status == PlanStatus.DRAFT
    with pytest.raises(TransitionNotAllowed):
        anong.workflow.advance(case.id, "implementation")
    # A supervisor does not approve their own submission; another supervisor does.
    malee.workflow.submit_plan(case.id)
    with pytest.raises(TransitionNotAllowed):
        malee.workflow.approve_plan(case.id)
    kasem.workflow.approve_plan(case.id)
    assert anong.workflow.advance(case.id, "implementation").value.stage == "implementation"


def test_leaving_review_for_implementation_needs_a_review(as_user: Open) -> None:
    anong = as_user("anong")
    case = case_at(as_user, Stage.IMPLEMENTATION)
    anong.workflow.advance(case.id, "review")
    with pytest.raises(TransitionNotAllowed):
        anong.workflow.advance(case.id, "implementation")


def test_revising_the_plan_from_review_needs_approval_again(as_user: Open) -> None:
    anong = as_user("anong")
    case = case_at(as_user, Stage.REVIEW)
    assert anong.workflow.advance(case.id, "case_plan").value.plan_status == PlanStatus.DRAFT
    with pytest.raises(TransitionNotAllowed):
        anong.workflow.advance(case.id, "implementation")


def test_closure_is_requested_then_approved_by_a_supervisor(as_user: Open) -> None:
    anong, malee = as_user("anong"), as_user("malee")
    case = case_at(as_user, Stage.IMPLEMENTATION)
    with pytest.raises(TransitionNotAllowed):
        anong.workflow.advance(case.id, "closure")
    with pytest.raises(PermissionDenied):
        as_user("pim").workflow.request_closure(case.id, "moved_away")
    with pytest.raises(ValidationError):
        anong.workflow.request_closure(case.id, "other")  # "other" needs a description
    with pytest.raises(TransitionNotAllowed):
        malee.workflow.approve_closure(case.id)  # nothing requested yet
    requested = anong.workflow.request_closure(case.id, "moved_away", "family left for Lampang")
    assert requested.value.closure_status == ClosureStatus.REQUESTED
    assert requested.value.stage == Stage.IMPLEMENTATION
    with pytest.raises(PermissionDenied):
        anong.workflow.approve_closure(case.id)
    declined = malee.workflow.decline_closure(case.id, "check with the school first").value
    assert declined.closure_status == ClosureStatus.NONE
    anong.workflow.request_closure(case.id, "moved_away")
    closed = malee.workflow.approve_closure(case.id).value
    assert closed.stage == Stage.CLOSURE and closed.closed_at is not None
    assert closed.stage_history[-1].reason == "moved_away"


def test_a_closed_case_is_read_only_until_reopened(as_user: Open) -> None:
    anong = as_user("anong")
    case = case_at(as_user, Stage.CLOSURE)
    with pytest.raises(TransitionNotAllowed):
        anong.cases.set_risk(case.id, "high", "new report")
    with pytest.raises(TransitionNotAllowed):
        anong.tasks.add(case.id, "visit", case.opened_at.date())
    with pytest.raises(TransitionNotAllowed):
        anong.workflow.advance(case.id, "assessment")
    # A note of a follow-up contact can still be written.
    anong.notes.add(case.id, "met the family at the market", "other")
    with pytest.raises(PermissionDenied):
        as_user("pim").workflow.reopen(case.id, "new report from school")
    with pytest.raises(ValidationError):
        anong.workflow.reopen(case.id, " ")
    reopened = anong.workflow.reopen(case.id, "new report from school").value
    assert reopened.stage == Stage.ASSESSMENT and reopened.reopen_count == 1
    assert reopened.closure_status == ClosureStatus.NONE and reopened.closed_at is None
    assert [c.to_stage for c in reopened.stage_history][-2:] == ["closure", "assessment"]
    with pytest.raises(TransitionNotAllowed):
        anong.workflow.reopen(case.id, "again")
