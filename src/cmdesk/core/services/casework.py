"""The content of each stage: assessments by domain, the case plan (goals and actions with a
responsible organisation and due date), and reviews.

    assessments   any stage after registration; anyone working on the case
    plan content  the case plan stage only; case managers and supervisors. Changing a
                  submitted or approved plan puts it back to draft (it needs approval again)
    progress      goal status (CM, sup.) and action status (anyone on the case) while the
                  plan is carried out and reviewed
    reviews       the review stage; case managers and supervisors
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import Guard
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.case_actions import (
    ASSESSMENT_STAGES,
    GOAL_STATUS_STAGES,
    PLAN_EDITORS,
    PROGRESS_STAGES,
)
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import FieldError, NotFound, TransitionNotAllowed, ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model import Assessment, Case, Goal, Organisation, PlanAction, Review, utcnow
from cmdesk.core.model.case import PlanStatus, Stage
from cmdesk.core.model.casework import (
    ActionStatus,
    Domain,
    DomainRating,
    GoalStatus,
    ReviewDecision,
)
from cmdesk.core.model.org import codes_by_id
from cmdesk.core.services.deletion import check_reason, soft_delete
from cmdesk.core.services.outcome import Outcome

Row = TypeVar("Row", Goal, PlanAction)

MAX_TEXT: Final = 8000

NOT_YET_ASSESSMENT = N_("Move the case to the assessment stage first.")
PLAN_STAGE_ONLY = N_("The case plan can be changed only at the case plan stage.")
NOT_IN_PROGRESS = N_("Progress is recorded once the case plan is being carried out.")
REVIEW_STAGE_ONLY = N_("Move the case to the review stage first.")


@dataclass(frozen=True)
class AssessmentDTO:
    id: str
    case_id: str
    domain: str
    rating: str
    findings: str
    needs: str
    at: datetime
    by: str


@dataclass(frozen=True, kw_only=True)
class ActionDTO:
    id: str
    case_id: str
    goal_id: str
    description: str
    responsible_org_id: str
    responsible_org_code: str
    due_date: date | None
    status: str
    done_at: datetime | None


@dataclass(frozen=True)
class GoalDTO:
    id: str
    case_id: str
    domain: str
    description: str
    status: str
    actions: tuple[ActionDTO, ...]


@dataclass(frozen=True)
class PlanDTO:
    case_id: str
    status: str
    submitted_at: datetime | None
    decided_at: datetime | None
    return_reason: str
    goals: tuple[GoalDTO, ...]


@dataclass(frozen=True)
class ReviewDTO:
    id: str
    case_id: str
    review_date: date
    progress: str
    decision: str
    at: datetime
    by: str


def _text(value: str, field: str, *, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise ValidationError.single(field, N_("This field is required."))
    if len(text) > MAX_TEXT:
        raise ValidationError.single(field, N_("At most {max} characters."), max=MAX_TEXT)
    return text


def _choice(value: str, allowed: type[StrEnum], field: str) -> str:
    if value not in {v.value for v in allowed}:
        raise ValidationError.single(field, N_("Choose one of the listed values."))
    return value


def _org_id(session: Session, code_or_id: str) -> str:
    key = code_or_id.strip()
    org = session.scalar(
        select(Organisation).where((Organisation.id == key) | (Organisation.code == key.upper()))
    )
    if org is None:
        raise ValidationError.single(
            "responsible_org", N_("Choose an organisation of the network.")
        )
    return org.id


def _assessment_dto(a: Assessment) -> AssessmentDTO:
    return AssessmentDTO(
        a.id, a.case_id, a.domain, a.rating, a.findings, a.needs, a.created_at, a.created_by
    )


def _review_dto(r: Review) -> ReviewDTO:
    return ReviewDTO(
        r.id, r.case_id, r.review_date, r.progress, r.decision, r.created_at, r.created_by
    )


def plan_dto(session: Session, case: Case) -> PlanDTO:
    codes = codes_by_id(session)
    goals = session.scalars(
        select(Goal)
        .where(Goal.case_id == case.id, Goal.deleted_at.is_(None))
        .order_by(Goal.created_at, Goal.id)
    ).all()
    actions = session.scalars(
        select(PlanAction)
        .where(PlanAction.case_id == case.id, PlanAction.deleted_at.is_(None))
        .order_by(PlanAction.created_at, PlanAction.id)
    ).all()
    by_goal: dict[str, list[ActionDTO]] = {}
    for a in actions:
        by_goal.setdefault(a.goal_id, []).append(
            ActionDTO(
                id=a.id,
                case_id=a.case_id,
                goal_id=a.goal_id,
                description=a.description,
                responsible_org_id=a.responsible_org_id,
                responsible_org_code=codes.get(a.responsible_org_id, ""),
                due_date=a.due_date,
                status=a.status,
                done_at=a.done_at,
            )
        )
    return PlanDTO(
        case.id,
        case.plan_status,
        case.plan_submitted_at,
        case.plan_decided_at,
        case.plan_return_reason,
        tuple(
            GoalDTO(
                g.id, g.case_id, g.domain, g.description, g.status, tuple(by_goal.get(g.id, ()))
            )
            for g in goals
        ),
    )


class CaseworkService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)

    # -- assessment --------------------------------------------------------------------
    def record_assessment(
        self, case_id: str, domain: str, rating: str, findings: str, needs: str = ""
    ) -> Outcome[AssessmentDTO]:
        """One domain's findings; a later one for the same domain supersedes it on screen,
        and both are kept."""
        errors: list[FieldError] = []
        checks = (
            (domain, Domain, "domain"),
            (rating, DomainRating, "rating"),
        )
        for value, allowed, name in checks:
            if value not in {v.value for v in allowed}:
                errors.append(FieldError(name, N_("Choose one of the listed values.")))
        for value, name, required in ((findings, "findings", True), (needs, "needs", False)):
            try:
                _text(value, name, required=required)
            except ValidationError as bad:
                errors.extend(bad.errors)
        if errors:
            raise ValidationError(errors)
        with self._guard.write() as s:
            case = self._guard.case(s, case_id, open_only=True)
            if case.stage not in ASSESSMENT_STAGES:
                raise TransitionNotAllowed(NOT_YET_ASSESSMENT)
            row = Assessment(
                org_id=case.org_id,
                case_id=case.id,
                domain=domain,
                rating=rating,
                findings=findings.strip(),
                needs=needs.strip(),
            )
            s.add(row)
            s.flush()
            self._audit.record(
                s, "case.assessment", "case", case.id, {"domain": domain, "rating": rating}
            )
            dto = _assessment_dto(row)
        return Outcome(dto, OpChanges.of(Kind.ASSESSMENT, Kind.CASE, ids=(dto.id, case_id)))

    def assessments(self, case_id: str) -> list[AssessmentDTO]:
        """Every assessment of the case, newest first (the first per domain is current)."""
        with self._guard.read() as s:
            self._guard.case(s, case_id)
            rows = s.scalars(
                select(Assessment)
                .where(Assessment.case_id == case_id, Assessment.deleted_at.is_(None))
                .order_by(Assessment.created_at.desc(), Assessment.id.desc())
            ).all()
            return [_assessment_dto(a) for a in rows]

    # -- the case plan -----------------------------------------------------------------
    def plan(self, case_id: str) -> PlanDTO:
        with self._guard.read() as s:
            return plan_dto(s, self._guard.case(s, case_id))

    def add_goal(self, case_id: str, domain: str, description: str) -> Outcome[PlanDTO]:
        _choice(domain, Domain, "domain")
        text = _text(description, "description", required=True)
        with self._guard.write() as s:
            case = self._plan_case(s, case_id)
            goal = Goal(org_id=case.org_id, case_id=case.id, domain=domain, description=text)
            s.add(goal)
            s.flush()
            self._audit.record(s, "case.plan.goal.add", "case", case.id, {"goal": goal.id})
            return self._plan_changed(s, case, goal.id)

    def update_goal(self, goal_id: str, domain: str, description: str) -> Outcome[PlanDTO]:
        _choice(domain, Domain, "domain")
        text = _text(description, "description", required=True)
        with self._guard.write() as s:
            goal = self._row(s, Goal, goal_id)
            case = self._plan_case(s, goal.case_id)
            goal.domain = domain
            goal.description = text
            self._audit.record(s, "case.plan.goal.update", "case", case.id, {"goal": goal.id})
            return self._plan_changed(s, case, goal.id)

    def remove_goal(self, goal_id: str, reason: str) -> Outcome[PlanDTO]:
        why = check_reason(reason)
        with self._guard.write() as s:
            goal = self._row(s, Goal, goal_id)
            case = self._plan_case(s, goal.case_id)
            soft_delete(goal, self._ctx.actor.user_id, why)
            for action in s.scalars(
                select(PlanAction).where(
                    PlanAction.goal_id == goal.id, PlanAction.deleted_at.is_(None)
                )
            ):
                soft_delete(action, self._ctx.actor.user_id, why)
            self._audit.record(s, "case.plan.goal.remove", "case", case.id, {"goal": goal.id})
            return self._plan_changed(s, case, goal.id)

    def add_action(
        self, goal_id: str, description: str, responsible_org: str, due_date: date | None = None
    ) -> Outcome[PlanDTO]:
        """A step towards a goal by an organisation of the network (code or id)."""
        text = _text(description, "description", required=True)
        with self._guard.write() as s:
            goal = self._row(s, Goal, goal_id)
            case = self._plan_case(s, goal.case_id)
            action = PlanAction(
                org_id=case.org_id,
                case_id=case.id,
                goal_id=goal.id,
                description=text,
                responsible_org_id=_org_id(s, responsible_org),
                due_date=due_date,
            )
            s.add(action)
            s.flush()
            self._audit.record(s, "case.plan.action.add", "case", case.id, {"action": action.id})
            return self._plan_changed(s, case, action.id)

    def update_action(
        self, action_id: str, description: str, responsible_org: str, due_date: date | None
    ) -> Outcome[PlanDTO]:
        text = _text(description, "description", required=True)
        with self._guard.write() as s:
            action = self._row(s, PlanAction, action_id)
            case = self._plan_case(s, action.case_id)
            action.description = text
            action.responsible_org_id = _org_id(s, responsible_org)
            action.due_date = due_date
            self._audit.record(s, "case.plan.action.update", "case", case.id, {"action": action.id})
            return self._plan_changed(s, case, action.id)

    def remove_action(self, action_id: str, reason: str) -> Outcome[PlanDTO]:
        why = check_reason(reason)
        with self._guard.write() as s:
            action = self._row(s, PlanAction, action_id)
            case = self._plan_case(s, action.case_id)
            soft_delete(action, self._ctx.actor.user_id, why)
            self._audit.record(s, "case.plan.action.remove", "case", case.id, {"action": action.id})
            return self._plan_changed(s, case, action.id)

    # -- progress ----------------------------------------------------------------------
    def set_goal_status(self, goal_id: str, status: str) -> Outcome[PlanDTO]:
        _choice(status, GoalStatus, "status")
        with self._guard.write() as s:
            goal = self._row(s, Goal, goal_id)
            case = self._guard.case(s, goal.case_id, open_only=True)
            self._guard.require(*PLAN_EDITORS, entity="case", entity_id=case.id)
            if case.stage not in GOAL_STATUS_STAGES:
                raise TransitionNotAllowed(NOT_IN_PROGRESS)
            goal.status = status
            self._audit.record(
                s, "case.plan.goal.status", "case", case.id, {"goal": goal.id, "status": status}
            )
            dto = plan_dto(s, case)
        return Outcome(dto, OpChanges.of(Kind.PLAN, Kind.CASE, ids=(goal_id, case.id)))

    def set_action_status(self, action_id: str, status: str) -> Outcome[PlanDTO]:
        _choice(status, ActionStatus, "status")
        with self._guard.write() as s:
            action = self._row(s, PlanAction, action_id)
            case = self._guard.case(s, action.case_id, open_only=True)
            if case.stage not in PROGRESS_STAGES:
                raise TransitionNotAllowed(NOT_IN_PROGRESS)
            action.status = status
            action.done_at = utcnow() if status == ActionStatus.DONE else None
            self._audit.record(
                s,
                "case.plan.action.status",
                "case",
                case.id,
                {"action": action.id, "status": status},
            )
            dto = plan_dto(s, case)
        return Outcome(dto, OpChanges.of(Kind.PLAN, Kind.CASE, ids=(action_id, case.id)))

    # -- reviews -----------------------------------------------------------------------
    def add_review(
        self, case_id: str, review_date: date, progress: str, decision: str
    ) -> Outcome[ReviewDTO]:
        _choice(decision, ReviewDecision, "decision")
        text = _text(progress, "progress", required=True)
        if review_date > thai_today():
            raise ValidationError.single("review_date", N_("The date cannot be in the future."))
        with self._guard.write() as s:
            case = self._guard.case(s, case_id, open_only=True)
            self._guard.require(*PLAN_EDITORS, entity="case", entity_id=case.id)
            if case.stage != Stage.REVIEW:
                raise TransitionNotAllowed(REVIEW_STAGE_ONLY)
            review = Review(
                org_id=case.org_id,
                case_id=case.id,
                review_date=review_date,
                progress=text,
                decision=decision,
            )
            s.add(review)
            s.flush()
            self._audit.record(s, "case.review", "case", case.id, {"decision": decision})
            dto = _review_dto(review)
        return Outcome(dto, OpChanges.of(Kind.REVIEW, Kind.CASE, ids=(dto.id, case_id)))

    def reviews(self, case_id: str) -> list[ReviewDTO]:
        with self._guard.read() as s:
            self._guard.case(s, case_id)
            rows = s.scalars(
                select(Review)
                .where(Review.case_id == case_id)
                .order_by(Review.review_date, Review.created_at)
            ).all()
            return [_review_dto(r) for r in rows]

    # -- helpers ------------------------------------------------------------------------
    def _row(self, s: Session, model: type[Row], row_id: str) -> Row:
        row = s.get(model, row_id)
        if row is None or row.deleted_at is not None:
            raise NotFound
        return row

    def _plan_case(self, s: Session, case_id: str) -> Case:
        case = self._guard.case(s, case_id, open_only=True)
        self._guard.require(*PLAN_EDITORS, entity="case", entity_id=case.id)
        if case.stage != Stage.CASE_PLAN:
            raise TransitionNotAllowed(PLAN_STAGE_ONLY)
        return case

    def _plan_changed(self, s: Session, case: Case, row_id: str) -> Outcome[PlanDTO]:
        if case.plan_status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED):
            case.plan_status = PlanStatus.DRAFT  # what was approved is no longer the plan
        dto = plan_dto(s, case)
        return Outcome(dto, OpChanges.of(Kind.PLAN, Kind.CASE, ids=(row_id, case.id)))
