"""Brings a case to a given stage the way staff would, with every precondition met."""

from __future__ import annotations

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.model.case import Stage
from cmdesk.core.services.case_dto import CaseDTO
from tests.core.records.conftest import Open
from tests.core.records.factories import child_draft

ORDER = [
    Stage.REGISTRATION,
    Stage.ASSESSMENT,
    Stage.CASE_PLAN,
    Stage.IMPLEMENTATION,
    Stage.REVIEW,
    Stage.CLOSURE,
]


def new_case(as_user: Open, *, manager: str = "anong", worker: str = "pim") -> CaseDTO:
    cm = as_user(manager)
    child = cm.children.register_child(child_draft(), confirm_not_duplicate=True).value
    return cm.cases.open_case(
        child.id,
        ["neglect", "school_dropout"],
        "medium",
        "left alone for days",
        assigned_worker_id=as_user(worker).actor.user_id,
    ).value


def case_at(as_user: Open, stage: str, *, manager: str = "anong") -> CaseDTO:
    """A case at `stage`, ready for every move out of it (assessment recorded at assessment,
    plan approved at case plan, review recorded at review)."""
    cm = as_user(manager)
    case = new_case(as_user, manager=manager)
    target = ORDER.index(Stage(stage))
    if target >= 1:
        cm.workflow.advance(case.id, Stage.ASSESSMENT)
        cm.casework.record_assessment(case.id, "safety", "serious_concern", "alone at night")
    if target >= 2:
        cm.workflow.advance(case.id, Stage.CASE_PLAN)
        plan = cm.casework.add_goal(case.id, "safety", "an adult present every night").value
        cm.casework.add_action(plan.goals[0].id, "family meeting", "WVFT", None)
        cm.workflow.submit_plan(case.id)
        as_user("malee").workflow.approve_plan(case.id)
    if target >= 3:
        cm.workflow.advance(case.id, Stage.IMPLEMENTATION)
    if target >= 4:
        cm.workflow.advance(case.id, Stage.REVIEW)
        cm.casework.add_review(case.id, thai_today(), "aunt moved in", "continue")
    if target >= 5:
        cm.workflow.request_closure(case.id, "goals_achieved")
        as_user("malee").workflow.approve_closure(case.id)
    return cm.cases.get(case.id)
