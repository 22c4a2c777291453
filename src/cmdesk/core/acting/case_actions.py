"""What the signed-in user may do with a case now: the one place the front ends ask.

The services check every rule again when an action is taken (with the preconditions that need
a query, such as "an assessment recorded" or "at least one goal"); this module only answers,
from the case and the actor, which actions to offer, so the GUI never keeps its own copy of
who may do what. The role sets below are the ones the services enforce.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Final

from cmdesk.core.acting.laptop_team import read_only_here
from cmdesk.core.model.case import ClosureStatus, PlanStatus, Stage
from cmdesk.core.model.roles import Role

if TYPE_CHECKING:
    from cmdesk.core.acting.context import Actor
    from cmdesk.core.model import Case, Referral

FW, CM, SUP = Role.FIELD_WORKER, Role.CASE_MANAGER, Role.SUPERVISOR

CASEWORK_ROLES: Final = frozenset({FW, CM, SUP})
PLAN_EDITORS: Final = frozenset({CM, SUP})
CLOSURE_REQUESTERS: Final = frozenset({CM, SUP})
REOPENERS: Final = frozenset({CM, SUP})
REFERRAL_SENDERS: Final = frozenset({CM, SUP})
REFERRAL_RECEIVERS: Final = frozenset({CM, SUP})


def receives(actor: Actor, r: Referral) -> bool:
    """Whether the user answers the referral for the organisation it was sent to (a draft
    is the sender's alone)."""
    return actor.org_id == r.to_org_id and actor.role in REFERRAL_RECEIVERS and r.status != "draft"


ASSESSMENT_STAGES: Final = frozenset(
    {Stage.ASSESSMENT, Stage.CASE_PLAN, Stage.IMPLEMENTATION, Stage.REVIEW}
)
PROGRESS_STAGES: Final = frozenset({Stage.CASE_PLAN, Stage.IMPLEMENTATION, Stage.REVIEW})
GOAL_STATUS_STAGES: Final = frozenset({Stage.IMPLEMENTATION, Stage.REVIEW})

# (from, to): the roles that may make the move with `WorkflowService.advance`.
MOVES: Final[dict[tuple[Stage, Stage], frozenset[str]]] = {
    (Stage.REGISTRATION, Stage.ASSESSMENT): frozenset({FW, CM, SUP}),
    (Stage.ASSESSMENT, Stage.CASE_PLAN): frozenset({CM, SUP}),
    (Stage.CASE_PLAN, Stage.IMPLEMENTATION): frozenset({CM, SUP}),
    (Stage.IMPLEMENTATION, Stage.REVIEW): frozenset({CM, SUP}),
    (Stage.REVIEW, Stage.IMPLEMENTATION): frozenset({CM, SUP}),
    (Stage.REVIEW, Stage.CASE_PLAN): frozenset({CM, SUP}),
}


class CaseAction(StrEnum):
    ADD_NOTE = "add_note"
    EDIT_CHILD = "edit_child"  # the child's details and household, closed case or not
    ADD_TASK = "add_task"
    EDIT_CASE = "edit_case"  # risk level and concerns
    ASSIGN_WORKER = "assign_worker"
    ASSIGN_MANAGER = "assign_manager"
    RECORD_ASSESSMENT = "record_assessment"
    EDIT_PLAN = "edit_plan"
    SUBMIT_PLAN = "submit_plan"
    APPROVE_PLAN = "approve_plan"
    RETURN_PLAN = "return_plan"
    UPDATE_ACTIONS = "update_actions"  # the status of the plan's actions
    UPDATE_GOALS = "update_goals"  # the status of the plan's goals
    RECORD_REVIEW = "record_review"
    REQUEST_CLOSURE = "request_closure"
    APPROVE_CLOSURE = "approve_closure"
    DECLINE_CLOSURE = "decline_closure"
    REOPEN = "reopen"
    SEND_REFERRAL = "send_referral"
    DELETE = "delete"


def does_casework(actor: Actor) -> bool:
    """Whether the actor registers children and works on cases at all (a data manager
    does not)."""
    return actor.role in CASEWORK_ROLES


def allowed_moves(stage: str, role: str) -> list[Stage]:
    """The stages a user in `role` may move a case to from `stage` (for menus)."""
    return [to for (frm, to), roles in MOVES.items() if frm == stage and role in roles]


def case_actions(case: Case, actor: Actor) -> frozenset[CaseAction]:
    """The actions to offer `actor` on `case`, which they may already see."""
    if not does_casework(actor) or read_only_here(case, actor):
        return frozenset()
    role, me, stage = actor.role, actor.user_id, case.stage
    edits_plan = role in PLAN_EDITORS
    # Notes stay open after closure (what happened next), and a case opened in error can be
    # hidden whatever its stage.
    allowed = {CaseAction.ADD_NOTE, CaseAction.EDIT_CHILD}
    if role == SUP:
        allowed.add(CaseAction.DELETE)
    if stage == Stage.CLOSURE:
        if role in REOPENERS:
            allowed.add(CaseAction.REOPEN)
        return frozenset(allowed)
    allowed |= {CaseAction.ADD_TASK, CaseAction.EDIT_CASE}
    if role == SUP or (role == CM and case.case_manager_id == me):
        allowed.add(CaseAction.ASSIGN_WORKER)
    if role == SUP:
        allowed.add(CaseAction.ASSIGN_MANAGER)
    if stage in ASSESSMENT_STAGES:
        allowed.add(CaseAction.RECORD_ASSESSMENT)
    if stage in PROGRESS_STAGES:
        allowed.add(CaseAction.UPDATE_ACTIONS)
    if edits_plan and stage in GOAL_STATUS_STAGES:
        allowed.add(CaseAction.UPDATE_GOALS)
    if edits_plan and stage == Stage.CASE_PLAN:
        allowed.add(CaseAction.EDIT_PLAN)
        if case.plan_status in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            allowed.add(CaseAction.SUBMIT_PLAN)
    if role == SUP and case.plan_status == PlanStatus.SUBMITTED and case.plan_submitted_by != me:
        allowed |= {CaseAction.APPROVE_PLAN, CaseAction.RETURN_PLAN}
    if edits_plan and stage == Stage.REVIEW:
        allowed.add(CaseAction.RECORD_REVIEW)
    if role in CLOSURE_REQUESTERS and case.closure_status == ClosureStatus.NONE:
        allowed.add(CaseAction.REQUEST_CLOSURE)
    if role == SUP and case.closure_status == ClosureStatus.REQUESTED:
        # Declining one's own request withdraws it; approving it needs another supervisor.
        allowed.add(CaseAction.DECLINE_CLOSURE)
        if case.closure_requested_by != me:
            allowed.add(CaseAction.APPROVE_CLOSURE)
    if role in REFERRAL_SENDERS:
        allowed.add(CaseAction.SEND_REFERRAL)
    return frozenset(allowed)
