"""What the case services hand out: plain frozen values, built from rows inside a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.model import Case, CaseRiskChange, CaseStageChange, Child, Organisation


@dataclass(frozen=True)
class StageChangeDTO:
    from_stage: str | None
    to_stage: str
    reason: str
    at: datetime
    by: str  # user id


@dataclass(frozen=True)
class RiskChangeDTO:
    level: str
    reason: str
    at: datetime
    by: str


@dataclass(frozen=True)
class CaseSummary:
    id: str
    case_number: str
    child_id: str
    child_name_th: str
    child_name_latin: str
    child_nickname: str
    stage: str
    risk_level: str
    case_manager_id: str | None
    assigned_worker_id: str | None
    opened_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CaseDTO:
    id: str
    case_number: str
    child_id: str
    child_name_th: str
    child_name_latin: str
    child_nickname: str
    org_id: str
    org_code: str
    case_manager_id: str | None
    assigned_worker_id: str | None
    team: str
    concerns: tuple[str, ...]
    concern_other: str
    risk_level: str
    risk_reason: str
    stage: str
    stage_changed_at: datetime
    opened_at: datetime
    reopen_count: int
    plan_status: str
    plan_submitted_at: datetime | None
    plan_submitted_by: str | None
    plan_decided_at: datetime | None
    plan_decided_by: str | None
    plan_return_reason: str
    closure_status: str
    closure_reason: str | None
    closure_note: str
    closure_requested_at: datetime | None
    closure_requested_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    stage_history: tuple[StageChangeDTO, ...]
    risk_history: tuple[RiskChangeDTO, ...]
    created_at: datetime
    created_by: str
    updated_at: datetime


def _name(given: str, family: str) -> str:
    return " ".join(p for p in (given, family) if p)


def case_summary(case: Case, child: Child) -> CaseSummary:
    return CaseSummary(
        case.id,
        case.case_number,
        case.child_id,
        _name(child.given_name_th, child.family_name_th),
        _name(child.given_name_latin, child.family_name_latin),
        child.nickname,
        case.stage,
        case.risk_level,
        case.case_manager_id,
        case.assigned_worker_id,
        case.opened_at,
        case.updated_at,
    )


def case_dto(session: Session, case: Case) -> CaseDTO:
    session.flush()
    child = session.get(Child, case.child_id)
    org_code = session.scalar(select(Organisation.code).where(Organisation.id == case.org_id))
    stages = session.scalars(
        select(CaseStageChange)
        .where(CaseStageChange.case_id == case.id)
        .order_by(CaseStageChange.created_at, CaseStageChange.id)
    ).all()
    risks = session.scalars(
        select(CaseRiskChange)
        .where(CaseRiskChange.case_id == case.id)
        .order_by(CaseRiskChange.created_at, CaseRiskChange.id)
    ).all()
    return CaseDTO(
        case.id,
        case.case_number,
        case.child_id,
        _name(child.given_name_th, child.family_name_th) if child else "",
        _name(child.given_name_latin, child.family_name_latin) if child else "",
        child.nickname if child else "",
        case.org_id,
        org_code or "",
        case.case_manager_id,
        case.assigned_worker_id,
        case.team,
        tuple(case.concerns or ()),
        case.concern_other,
        case.risk_level,
        case.risk_reason,
        case.stage,
        case.stage_changed_at,
        case.opened_at,
        case.reopen_count,
        case.plan_status,
        case.plan_submitted_at,
        case.plan_submitted_by,
        case.plan_decided_at,
        case.plan_decided_by,
        case.plan_return_reason,
        case.closure_status,
        case.closure_reason,
        case.closure_note,
        case.closure_requested_at,
        case.closure_requested_by,
        case.closed_at,
        case.closed_by,
        tuple(
            StageChangeDTO(c.from_stage, c.to_stage, c.reason, c.created_at, c.created_by)
            for c in stages
        ),
        tuple(RiskChangeDTO(r.level, r.reason, r.created_at, r.created_by) for r in risks),
        case.created_at,
        case.created_by,
        case.updated_at,
    )
