"""The actions a case offers its user are exactly the ones the services then carry out.

For each state a case can be in and each kind of user who can see it, every action on the
case's DTO is tried through the services: an offered action succeeds (on a fresh case in the
same state), and one not offered is refused and changes nothing. So the GUI, which shows only
what is offered, never shows a button that fails or hides one that would work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import PermissionDenied, TransitionNotAllowed
from cmdesk.core.model.case import Stage
from cmdesk.core.services.case_dto import CaseDTO
from cmdesk.core.services.referrals import ReferralDraft
from cmdesk.core.workspace import Workspace
from tests.core.records.conftest import Open
from tests.core.records.factories import child_draft
from tests.core.records.flows import case_at

A = CaseAction


def _state(as_user: Open, state: str) -> CaseDTO:
    """A case in `state`: a stage from flows.case_at, or a moment of an approval."""
    stage, _, moment = state.partition(":")
    case = case_at(as_user, stage)
    if moment == "plan_draft":
        # case_at approves the plan; a returned plan is editable and can be submitted again
        as_user("anong").workflow.advance(case.id, Stage.IMPLEMENTATION)
        as_user("anong").workflow.advance(case.id, Stage.REVIEW)
        as_user("anong").casework.add_review(case.id, thai_today(), "no change", "revise_plan")
        as_user("anong").workflow.advance(case.id, Stage.CASE_PLAN)
    elif moment.startswith("plan_submitted_by_"):
        who = moment.removeprefix("plan_submitted_by_")
        _state_plan_draft = _state(as_user, "case_plan:plan_draft")
        as_user(who).workflow.submit_plan(_state_plan_draft.id)
        return as_user("anong").cases.get(_state_plan_draft.id)
    elif moment.startswith("closure_requested_by_"):
        as_user(moment.removeprefix("closure_requested_by_")).workflow.request_closure(
            case.id, "goals_achieved"
        )
    return as_user("anong").cases.get(case.id)


def _attempts(ws: Workspace, case: CaseDTO, as_user: Open) -> dict[A, Callable[[], object]]:
    plan = ws.casework.plan(case.id) if case.stage != Stage.REGISTRATION else None
    goal = plan.goals[0] if plan and plan.goals else None
    draft = ReferralDraft("ECPAT", "legal_aid", "court hearing", ("identity",))
    attempts: dict[A, Callable[[], object]] = {
        A.ADD_NOTE: lambda: ws.notes.add(case.id, "visited the family"),
        A.EDIT_CHILD: lambda: ws.children.update_child(
            case.child_id, child_draft(texts={"school_name": "โรงเรียนบ้านป่าซาง"})
        ),
        A.ADD_TASK: lambda: ws.tasks.add(case.id, "home visit", thai_today() + timedelta(2)),
        A.EDIT_CASE: lambda: ws.cases.set_risk(case.id, "high", "threatened again"),
        A.ASSIGN_WORKER: lambda: ws.cases.assign_worker(case.id, as_user("dao").actor.user_id),
        A.ASSIGN_MANAGER: lambda: ws.cases.assign_case_manager(
            case.id, as_user("boon").actor.user_id
        ),
        A.RECORD_ASSESSMENT: lambda: ws.casework.record_assessment(
            case.id, "health", "no_concern", "well"
        ),
        A.EDIT_PLAN: lambda: ws.casework.add_goal(case.id, "education", "back to school"),
        A.SUBMIT_PLAN: lambda: ws.workflow.submit_plan(case.id),
        A.APPROVE_PLAN: lambda: ws.workflow.approve_plan(case.id),
        A.RETURN_PLAN: lambda: ws.workflow.return_plan(case.id, "add a school goal"),
        A.RECORD_REVIEW: lambda: ws.casework.add_review(
            case.id, thai_today(), "better", "continue"
        ),
        A.REQUEST_CLOSURE: lambda: ws.workflow.request_closure(case.id, "goals_achieved"),
        A.APPROVE_CLOSURE: lambda: ws.workflow.approve_closure(case.id),
        A.DECLINE_CLOSURE: lambda: ws.workflow.decline_closure(case.id, "one more visit"),
        A.REOPEN: lambda: ws.workflow.reopen(case.id, "the family moved back"),
        A.SEND_REFERRAL: lambda: ws.referrals.draft_and_send(
            case.id, draft, "urgent: court tomorrow", service_reason="the court asked"
        ),
        A.DELETE: lambda: ws.cases.soft_delete(case.id, "opened twice by mistake"),
    }
    if goal is not None:
        attempts[A.UPDATE_GOALS] = lambda: ws.casework.set_goal_status(goal.id, "achieved")
        action = goal.actions[0]
        attempts[A.UPDATE_ACTIONS] = lambda: ws.casework.set_action_status(action.id, "done")
    return attempts


STATES = [
    "registration",
    "assessment",
    "case_plan",
    "case_plan:plan_draft",
    "case_plan:plan_submitted_by_anong",
    "case_plan:plan_submitted_by_malee",
    "implementation",
    "review",
    "review:closure_requested_by_anong",
    "review:closure_requested_by_malee",
    "closure",
]
# The case's field worker and case manager, a supervisor, and a second supervisor where the
# four-eyes rule makes them differ.
CASES = [(state, user) for state in STATES for user in ("pim", "anong", "malee")] + [
    (state, "kasem") for state in STATES if state.endswith("_by_malee")
]


@pytest.mark.slow
@pytest.mark.parametrize(("state", "user"), CASES)
def test_offered_actions_succeed_and_others_are_refused(
    as_user: Open, state: str, user: str
) -> None:
    ws = as_user(user)
    case = _state(as_user, state)
    offered = ws.cases.get(case.id).actions
    assert offered <= set(A)
    for action, attempt in _attempts(ws, case, as_user).items():
        if action in offered:
            continue
        before = ws.cases.get(case.id)
        with pytest.raises((PermissionDenied, TransitionNotAllowed)):
            attempt()
        after = ws.cases.get(case.id)
        assert (after.stage, after.plan_status, after.closure_status, after.risk_level) == (
            before.stage,
            before.plan_status,
            before.closure_status,
            before.risk_level,
        ), action
    for action in sorted(offered):
        fresh = _state(as_user, state)
        attempts = _attempts(ws, fresh, as_user)
        assert action in attempts, f"{action} offered at {state} with nothing to do it on"
        attempts[action]()  # raises if the services refuse what was offered


def test_the_offer_follows_the_user_and_the_moment(as_user: Open) -> None:
    submitted = _state(as_user, "case_plan:plan_submitted_by_malee")
    assert A.APPROVE_PLAN not in as_user("malee").cases.get(submitted.id).actions  # four eyes
    assert A.APPROVE_PLAN in as_user("kasem").cases.get(submitted.id).actions
    field = {A.ADD_NOTE, A.EDIT_CHILD, A.ADD_TASK, A.EDIT_CASE}
    field |= {A.RECORD_ASSESSMENT, A.UPDATE_ACTIONS}
    assert as_user("pim").cases.get(submitted.id).actions == field
    closed = _state(as_user, "closure")
    assert as_user("anong").cases.get(closed.id).actions == {A.ADD_NOTE, A.EDIT_CHILD, A.REOPEN}
    assert as_user("anong").cases.get(closed.id).moves == ()
    fresh = _state(as_user, "registration")
    assert as_user("pim").cases.get(fresh.id).moves == (Stage.ASSESSMENT,)
