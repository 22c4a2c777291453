"""How a case moves: registration -> assessment -> case plan -> implementation -> review ->
closure, and back (review to implementation or to a revised plan; closure to assessment when
a case is reopened).

    from -> to                      who                      needs
    registration -> assessment      field worker, CM, sup.
    assessment -> case plan         case manager, sup.       an assessment recorded
    case plan -> implementation     case manager, sup.       the plan approved by a supervisor
    implementation -> review        case manager, sup.
    review -> implementation        case manager, sup.       a review recorded at this stage
    review -> case plan             case manager, sup.       (the plan needs approval again)
    any open stage -> closure       request: CM, sup.; approval: a supervisor
    closure -> assessment (reopen)  case manager, sup.       a reason

Approvals follow the four-eyes rule: a supervisor does not approve a plan or closure they
submitted themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import Guard
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.case_actions import (
    CLOSURE_REQUESTERS,
    MOVES,
    PLAN_EDITORS,
    REOPENERS,
    SUP,
)
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.errors import TransitionNotAllowed, ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model import Assessment, Case, CaseStageChange, Goal, Review, utcnow
from cmdesk.core.model.case import ClosureReason, ClosureStatus, PlanStatus, Stage
from cmdesk.core.services.case_dto import CaseDTO, case_dto
from cmdesk.core.services.deletion import check_reason
from cmdesk.core.services.outcome import Outcome

MAX_NOTE: Final = 4000

NOT_A_STEP = N_("A case cannot move from this stage to that one.")
NEEDS_ASSESSMENT = N_("Record at least one assessment before making the case plan.")
NEEDS_APPROVED_PLAN = N_("A supervisor must approve the case plan first.")
NEEDS_REVIEW = N_("Record the review before leaving the review stage.")
CLOSE_BY_REQUEST = N_("Closing a case needs a supervisor's approval: request closure instead.")
NEEDS_GOAL = N_("A case plan needs at least one goal.")
PLAN_NOT_SUBMITTED = N_("The case plan is not waiting for approval.")
PLAN_ONLY_AT_PLAN_STAGE = N_("The case plan is submitted at the case plan stage.")
OWN_SUBMISSION = N_("Another supervisor must approve what you submitted yourself.")
CLOSURE_NOT_REQUESTED = N_("Closure of this case has not been requested.")
CLOSURE_ALREADY_REQUESTED = N_("Closure of this case is already waiting for approval.")
NOT_CLOSED = N_("Only a closed case can be reopened.")


def record_stage(session: Session, case: Case, to: Stage, reason: str = "") -> None:
    session.add(
        CaseStageChange(
            org_id=case.org_id,
            case_id=case.id,
            from_stage=case.stage,
            to_stage=to,
            reason=reason,
        )
    )
    case.stage = to
    case.stage_changed_at = utcnow()


def _count(session: Session, model: type[Assessment] | type[Goal], case_id: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(model)
            .where(model.case_id == case_id, model.deleted_at.is_(None))
        )
        or 0
    )


def _reviewed_since_entering(session: Session, case: Case) -> bool:
    found = session.scalar(
        select(Review.id)
        .where(Review.case_id == case.id, Review.created_at >= case.stage_changed_at)
        .limit(1)
    )
    return found is not None


def _comment(text: str) -> str:
    body = text.strip()
    if len(body) > MAX_NOTE:
        raise ValidationError.single("comment", N_("At most {max} characters."), max=MAX_NOTE)
    return body


def _decision(reason: str, comment: str) -> dict[str, object] | None:
    """What the supervisor said, for the case history (the audit detail stays in the vault)."""
    said: dict[str, object] = {k: v for k, v in (("why", reason), ("comment", comment)) if v}
    return said or None


class WorkflowService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)

    def advance(self, case_id: str, to_stage: str, reason: str = "") -> Outcome[CaseDTO]:
        """Moves a case to the next (or an earlier) stage, if the rules allow it now."""
        with self._guard.write() as s:
            case = self._guard.case(s, case_id)
            try:
                target = Stage(to_stage)
            except ValueError:
                raise ValidationError.single(
                    "stage", N_("Choose one of the listed values.")
                ) from None
            if target is Stage.CLOSURE:
                raise TransitionNotAllowed(CLOSE_BY_REQUEST)
            if case.stage == Stage.CLOSURE and target is Stage.ASSESSMENT:
                raise TransitionNotAllowed(N_("Reopen the case to work on it again."))
            roles = MOVES.get((Stage(case.stage), target))
            if roles is None:
                raise TransitionNotAllowed(NOT_A_STEP)
            self._guard.require(*roles, entity="case", entity_id=case.id)
            self._check_preconditions(s, case, target)
            frm = case.stage
            record_stage(s, case, target, reason.strip()[:MAX_NOTE])
            if target is Stage.CASE_PLAN and frm == Stage.REVIEW:
                # A revised plan is approved again before implementation resumes.
                case.plan_status = PlanStatus.DRAFT
            self._audit.record(s, "case.stage", "case", case.id, {"from": frm, "to": target.value})
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))

    def _check_preconditions(self, s: Session, case: Case, target: Stage) -> None:
        frm = Stage(case.stage)
        if (frm, target) == (Stage.ASSESSMENT, Stage.CASE_PLAN) and not _count(
            s, Assessment, case.id
        ):
            raise TransitionNotAllowed(NEEDS_ASSESSMENT)
        if (frm, target) == (Stage.CASE_PLAN, Stage.IMPLEMENTATION) and (
            case.plan_status != PlanStatus.APPROVED
        ):
            raise TransitionNotAllowed(NEEDS_APPROVED_PLAN)
        if (frm, target) == (Stage.REVIEW, Stage.IMPLEMENTATION) and not (
            _reviewed_since_entering(s, case)
        ):
            raise TransitionNotAllowed(NEEDS_REVIEW)

    # -- the case plan's approval -----------------------------------------------------
    def submit_plan(self, case_id: str) -> Outcome[CaseDTO]:
        with self._guard.write() as s:
            case = self._guard.case(s, case_id, open_only=True)
            self._guard.require(*PLAN_EDITORS, entity="case", entity_id=case.id)
            if case.stage != Stage.CASE_PLAN:
                raise TransitionNotAllowed(PLAN_ONLY_AT_PLAN_STAGE)
            if case.plan_status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED):
                raise TransitionNotAllowed(N_("The case plan is already submitted."))
            if _count(s, Goal, case.id) == 0:
                raise TransitionNotAllowed(NEEDS_GOAL)
            case.plan_status = PlanStatus.SUBMITTED
            case.plan_submitted_at = utcnow()
            case.plan_submitted_by = self._ctx.actor.user_id
            case.plan_return_reason = ""
            self._audit.record(s, "case.plan.submit", "case", case.id)
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))

    def approve_plan(self, case_id: str, *, comment: str = "") -> Outcome[CaseDTO]:
        """Approves the submitted plan; the supervisor's comment goes on the case history."""
        return self._decide_plan(case_id, approve=True, reason="", comment=_comment(comment))

    def return_plan(self, case_id: str, reason: str, *, comment: str = "") -> Outcome[CaseDTO]:
        """Sends the plan back to the case manager with what to change."""
        return self._decide_plan(
            case_id, approve=False, reason=check_reason(reason), comment=_comment(comment)
        )

    def _to_decide(
        self, s: Session, case_id: str, waiting: Callable[[Case], bool], not_waiting: str
    ) -> Case:
        """An open case with a request for a supervisor: refused when none waits."""
        self._guard.require(SUP, entity="case", entity_id=case_id)
        case: Case = self._guard.case(s, case_id, open_only=True)
        if not waiting(case):
            raise TransitionNotAllowed(not_waiting)
        return case

    def _decide_plan(
        self, case_id: str, *, approve: bool, reason: str, comment: str
    ) -> Outcome[CaseDTO]:
        with self._guard.write() as s:
            case = self._to_decide(s, case_id, _plan_submitted, PLAN_NOT_SUBMITTED)
            if case.plan_submitted_by == self._ctx.actor.user_id:
                raise TransitionNotAllowed(OWN_SUBMISSION)
            case.plan_status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
            case.plan_decided_at = utcnow()
            case.plan_decided_by = self._ctx.actor.user_id
            case.plan_return_reason = reason
            action = "case.plan.approve" if approve else "case.plan.return"
            self._audit.record(s, action, "case", case.id, _decision(reason, comment))
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))

    # -- closure and reopening ----------------------------------------------------------
    def request_closure(self, case_id: str, reason: str, note: str = "") -> Outcome[CaseDTO]:
        if reason not in {r.value for r in ClosureReason}:
            raise ValidationError.single("closure_reason", N_("Choose one of the listed values."))
        if reason == ClosureReason.OTHER and not note.strip():
            raise ValidationError.single("closure_note", N_("Describe the reason for closing."))
        if len(note) > MAX_NOTE:
            raise ValidationError.single(
                "closure_note", N_("At most {max} characters."), max=MAX_NOTE
            )
        with self._guard.write() as s:
            case = self._guard.case(s, case_id, open_only=True)
            self._guard.require(*CLOSURE_REQUESTERS, entity="case", entity_id=case.id)
            if case.closure_status == ClosureStatus.REQUESTED:
                raise TransitionNotAllowed(CLOSURE_ALREADY_REQUESTED)
            case.closure_status = ClosureStatus.REQUESTED
            case.closure_reason = reason
            case.closure_note = note.strip()
            case.closure_requested_at = utcnow()
            case.closure_requested_by = self._ctx.actor.user_id
            self._audit.record(s, "case.closure.request", "case", case.id, {"reason": reason})
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))

    def approve_closure(self, case_id: str, *, comment: str = "") -> Outcome[CaseDTO]:
        said = _comment(comment)
        with self._guard.write() as s:
            case = self._to_decide(s, case_id, _closure_requested, CLOSURE_NOT_REQUESTED)
            if case.closure_requested_by == self._ctx.actor.user_id:
                raise TransitionNotAllowed(OWN_SUBMISSION)
            case.closure_status = ClosureStatus.APPROVED
            case.closed_at = utcnow()
            case.closed_by = self._ctx.actor.user_id
            record_stage(s, case, Stage.CLOSURE, case.closure_reason or "")
            self._audit.record(
                s,
                "case.closure.approve",
                "case",
                case.id,
                {"reason": case.closure_reason, **(_decision("", said) or {})},
            )
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))

    def decline_closure(self, case_id: str, reason: str, *, comment: str = "") -> Outcome[CaseDTO]:
        why = check_reason(reason)
        said = _comment(comment)
        with self._guard.write() as s:
            case = self._to_decide(s, case_id, _closure_requested, CLOSURE_NOT_REQUESTED)
            case.closure_status = ClosureStatus.NONE
            case.closure_note = why
            self._audit.record(s, "case.closure.decline", "case", case.id, _decision(why, said))
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))

    def reopen(self, case_id: str, reason: str) -> Outcome[CaseDTO]:
        """A closed case back to assessment (the closure stays in the stage history)."""
        why = check_reason(reason)
        with self._guard.write() as s:
            case = self._guard.case(s, case_id)
            self._guard.require(*REOPENERS, entity="case", entity_id=case.id)
            if case.stage != Stage.CLOSURE:
                raise TransitionNotAllowed(NOT_CLOSED)
            record_stage(s, case, Stage.ASSESSMENT, why)
            case.reopen_count += 1
            case.plan_status = PlanStatus.DRAFT
            case.closure_status = ClosureStatus.NONE
            case.closed_at = None
            case.closed_by = None
            self._audit.record(s, "case.reopen", "case", case.id)
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))


def _plan_submitted(case: Case) -> bool:
    return case.plan_status == PlanStatus.SUBMITTED


def _closure_requested(case: Case) -> bool:
    return case.closure_status == ClosureStatus.REQUESTED
