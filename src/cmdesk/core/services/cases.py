"""Opening cases, who works on them, their concerns and risk; reading and listing them.

Stage moves and approvals are in case_workflow; assessments, plans and reviews in casework.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import AccessRefused, Guard, case_scope
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import FieldError, ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model import (
    Case,
    CaseRiskChange,
    CaseStageChange,
    Child,
    Colleague,
    Organisation,
    User,
)
from cmdesk.core.model.case import RISK_ORDER, Concern, RiskLevel, Stage
from cmdesk.core.model.roles import Role
from cmdesk.core.services.case_dto import CaseDTO, CaseSummary, case_dto, case_summary
from cmdesk.core.services.case_numbers import next_case_number
from cmdesk.core.services.deletion import check_reason, soft_delete
from cmdesk.core.services.outcome import Outcome
from cmdesk.core.services.referral_intake import require_intake
from cmdesk.core.services.task_rows import FIRST_VISIT_DAYS, add_task, check_task

MAX_REASON_TEXT: Final = 4000
# Roles that may be named on a case, as its manager or as the worker who visits.
MANAGER_ROLES: Final = (Role.CASE_MANAGER, Role.SUPERVISOR)
WORKER_ROLES: Final = (Role.FIELD_WORKER, Role.CASE_MANAGER, Role.SUPERVISOR)


def check_concerns(concerns: Iterable[str], concern_other: str) -> list[str]:
    chosen = list(dict.fromkeys(concerns))
    errors: list[FieldError] = []
    if not chosen:
        errors.append(FieldError("concerns", N_("Choose at least one protection concern.")))
    if any(c not in {x.value for x in Concern} for c in chosen):
        errors.append(FieldError("concerns", N_("Choose one of the listed values.")))
    if Concern.OTHER in chosen and not concern_other.strip():
        errors.append(FieldError("concern_other", N_("Describe the other concern.")))
    if len(concern_other) > 200:
        errors.append(FieldError("concern_other", N_("At most {max} characters."), {"max": 200}))
    if errors:
        raise ValidationError(errors)
    return chosen


def check_risk(level: str, reason: str) -> str:
    errors: list[FieldError] = []
    if level not in {r.value for r in RiskLevel}:
        errors.append(FieldError("risk_level", N_("Choose one of the listed values.")))
    text = reason.strip()
    if not text:
        errors.append(FieldError("risk_reason", N_("Say why the risk is at this level.")))
    if len(text) > MAX_REASON_TEXT:
        errors.append(
            FieldError("risk_reason", N_("At most {max} characters."), {"max": MAX_REASON_TEXT})
        )
    if errors:
        raise ValidationError(errors)
    return text


def staff_member(
    session: Session, user_id: str, org_id: str, roles: tuple[str, ...], field: str
) -> User | Colleague:
    """An active user of the organisation with one of `roles` (an account on this laptop, else
    a colleague the office's directory named), or a ValidationError."""
    user: User | Colleague | None = session.get(User, user_id) or session.get(Colleague, user_id)
    if user is None or not user.active or user.org_id != org_id:
        raise ValidationError.single(
            field, N_("Choose an active staff member of the organisation.")
        )
    if user.role not in roles:
        raise ValidationError.single(field, N_("This staff member's role cannot take this part."))
    return user


class CaseService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)

    def open_case(
        self,
        child_id: str,
        concerns: Iterable[str],
        risk_level: str,
        risk_reason: str,
        *,
        concern_other: str = "",
        case_manager_id: str | None = None,
        assigned_worker_id: str | None = None,
        first_visit: str = "",
        for_referral: str | None = None,
    ) -> Outcome[CaseDTO]:
        """A new case in the registration stage for a child the user may see.

        A field worker's case is assigned to them; a case manager's is managed by them (they
        may name the field worker); a supervisor names both. With `first_visit` (the title of
        the visit, in the language of whoever opens the case: titles are text people read),
        the case starts with that follow-up, due as soon as its risk asks
        (task_rows.FIRST_VISIT_DAYS), for its field worker (else its case manager).
        `for_referral`: the case is the organisation's own for a referral it accepted
        (referral_intake); the referral must still allow it (one case a referral).
        """
        self._guard.require_casework()
        actor = self._ctx.actor
        chosen = check_concerns(concerns, concern_other)
        reason = check_risk(risk_level, risk_reason)
        if first_visit:
            check_task(first_visit, "")
        with self._guard.write() as s:
            if actor.role == Role.FIELD_WORKER:
                if case_manager_id or assigned_worker_id not in (None, actor.user_id):
                    raise AccessRefused("case")
                assigned_worker_id = actor.user_id
            elif actor.role == Role.CASE_MANAGER:
                if case_manager_id not in (None, actor.user_id):
                    raise AccessRefused("case")
                case_manager_id = actor.user_id
            child = self._guard.child(s, child_id)
            if for_referral is not None:
                require_intake(s, actor, for_referral)
            team = ""
            if case_manager_id:
                staff_member(s, case_manager_id, actor.org_id, MANAGER_ROLES, "case_manager_id")
            if assigned_worker_id:
                worker = staff_member(
                    s, assigned_worker_id, actor.org_id, WORKER_ROLES, "assigned_worker_id"
                )
                team = worker.team
            # On a laptop enrolled for one team, a case with no worker yet is the team's.
            team = team or actor.laptop_team
            org_code = s.scalar(select(Organisation.code).where(Organisation.id == actor.org_id))
            case = Case(
                org_id=actor.org_id,
                case_number=next_case_number(s, org_code or "ORG", self._ctx.device_id),
                child_id=child.id,
                case_manager_id=case_manager_id,
                assigned_worker_id=assigned_worker_id,
                team=team,
                concerns=chosen,
                concern_other=concern_other.strip(),
                risk_level=risk_level,
                risk_reason=reason,
                stage=Stage.REGISTRATION,
                from_referral_id=for_referral,
            )
            s.add(case)
            s.flush()
            s.add_all(
                [
                    CaseStageChange(
                        org_id=case.org_id, case_id=case.id, to_stage=Stage.REGISTRATION
                    ),
                    CaseRiskChange(
                        org_id=case.org_id, case_id=case.id, level=risk_level, reason=reason
                    ),
                ]
            )
            self._audit.record(
                s,
                "case.open",
                "case",
                case.id,
                {
                    "child": child.id,
                    "number": case.case_number,
                    "risk": risk_level,
                    "concerns": chosen,
                    **({"referral": for_referral} if for_referral else {}),
                },
            )
            if first_visit:
                due = thai_today() + timedelta(days=FIRST_VISIT_DAYS[risk_level])
                who = assigned_worker_id or case_manager_id or actor.user_id
                add_task(s, self._audit, case, first_visit, due, who)
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(
            dto,
            OpChanges.of(
                Kind.CASE,
                Kind.CHILD,
                *((Kind.TASK,) if first_visit else ()),
                *((Kind.REFERRAL,) if for_referral else ()),
                ids=(
                    dto.id,
                    child_id,
                ),
            ),
        )

    def get(self, case_id: str) -> CaseDTO:
        """The whole case (audited as a read)."""
        with self._guard.write() as s:
            case = self._guard.case(s, case_id)
            dto = case_dto(s, case, self._ctx.actor)
            self._audit.record(s, "case.read", "case", case.id)
        return dto

    def list(
        self,
        *,
        stage: str | None = None,
        min_risk: str | None = None,
        assigned_to: str | None = None,
        child_id: str | None = None,
        include_closed: bool = True,
        limit: int = 500,
    ) -> builtins.list[CaseSummary]:
        """Cases the user may see, highest risk first, then most recently changed."""
        self._guard.require_casework()
        query = (
            select(Case, Child)
            .join(Child, Child.id == Case.child_id)
            .where(case_scope(self._ctx.actor))
        )
        if stage:
            query = query.where(Case.stage == stage)
        if not include_closed:
            query = query.where(Case.stage != Stage.CLOSURE)
        if min_risk:
            floor = RISK_ORDER.get(min_risk, 0)
            query = query.where(
                Case.risk_level.in_([r for r, i in RISK_ORDER.items() if i >= floor])
            )
        if assigned_to:
            query = query.where(
                (Case.assigned_worker_id == assigned_to) | (Case.case_manager_id == assigned_to)
            )
        if child_id:
            query = query.where(Case.child_id == child_id)
        with self._guard.read() as s:
            rows = [case_summary(c, ch) for c, ch in s.execute(query.limit(limit)).all()]
        rows.sort(key=lambda r: r.updated_at, reverse=True)
        rows.sort(key=lambda r: RISK_ORDER.get(r.risk_level, 0), reverse=True)
        return rows

    def assign_worker(self, case_id: str, user_id: str | None) -> Outcome[CaseDTO]:
        """The field worker who visits. Supervisors, or the case's own case manager."""
        with self._guard.write() as s:
            case = self._guard.case(s, case_id, open_only=True)
            actor = self._ctx.actor
            if not (
                actor.role == Role.SUPERVISOR
                or (actor.role == Role.CASE_MANAGER and case.case_manager_id == actor.user_id)
            ):
                self._guard.require(Role.SUPERVISOR, entity="case", entity_id=case.id)
            team = ""
            if user_id:
                team = staff_member(
                    s, user_id, case.org_id, WORKER_ROLES, "assigned_worker_id"
                ).team
            case.assigned_worker_id = user_id
            case.team = team
            self._audit.record(s, "case.assign_worker", "case", case.id, {"user": user_id})
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))

    def assign_case_manager(self, case_id: str, user_id: str | None) -> Outcome[CaseDTO]:
        """The social worker who owns the case. Supervisors only."""
        with self._guard.write() as s:
            self._guard.require(Role.SUPERVISOR, entity="case", entity_id=case_id)
            case = self._guard.case(s, case_id, open_only=True)
            if user_id:
                staff_member(s, user_id, case.org_id, MANAGER_ROLES, "case_manager_id")
            case.case_manager_id = user_id
            self._audit.record(s, "case.assign_manager", "case", case.id, {"user": user_id})
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))

    def set_risk(self, case_id: str, level: str, reason: str) -> Outcome[CaseDTO]:
        """A new risk level with its reason; the earlier ones stay in the history."""
        text = check_risk(level, reason)
        with self._guard.write() as s:
            case = self._guard.case(s, case_id, open_only=True)
            previous = case.risk_level
            case.risk_level = level
            case.risk_reason = text
            s.add(CaseRiskChange(org_id=case.org_id, case_id=case.id, level=level, reason=text))
            self._audit.record(s, "case.risk", "case", case.id, {"from": previous, "to": level})
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))

    def set_concerns(
        self, case_id: str, concerns: Iterable[str], concern_other: str = ""
    ) -> Outcome[CaseDTO]:
        chosen = check_concerns(concerns, concern_other)
        with self._guard.write() as s:
            case = self._guard.case(s, case_id, open_only=True)
            case.concerns = chosen
            case.concern_other = concern_other.strip()
            self._audit.record(s, "case.concerns", "case", case.id, {"concerns": chosen})
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, ids=(dto.id,)))

    def soft_delete(self, case_id: str, reason: str) -> Outcome[None]:
        """Hides a case opened in error. Supervisors only; the rows stay."""
        why = check_reason(reason)
        with self._guard.write() as s:
            self._guard.require(Role.SUPERVISOR, entity="case", entity_id=case_id)
            case = self._guard.case(s, case_id)
            soft_delete(case, self._ctx.actor.user_id, why)
            self._audit.record(s, "case.delete", "case", case.id)
        return Outcome(None, OpChanges.of(Kind.CASE, Kind.CHILD, ids=(case_id,)))
