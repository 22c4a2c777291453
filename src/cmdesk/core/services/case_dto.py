"""What the case services hand out: plain frozen values, built from rows inside a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.case_actions import CaseAction, allowed_moves, case_actions, receives
from cmdesk.core.acting.context import Actor
from cmdesk.core.acting.laptop_team import read_only_here
from cmdesk.core.model import (
    Case,
    CaseRiskChange,
    CaseStageChange,
    Child,
    Organisation,
    Referral,
)
from cmdesk.core.model.case import Stage
from cmdesk.core.model.child import full_name


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


@dataclass(frozen=True, kw_only=True)
class CaseHead:
    """What names a case wherever it is shown, in a list or whole: its number and its child.
    A base class puts these fields first, so the JSON the CLI prints keeps its key order."""

    id: str
    case_number: str
    child_id: str
    child_name_th: str
    child_name_latin: str
    child_nickname: str


@dataclass(frozen=True, kw_only=True)
class CaseSummary(CaseHead):
    stage: str
    risk_level: str
    case_manager_id: str | None
    assigned_worker_id: str | None
    opened_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class CaseDTO(CaseHead):
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
    # The community mechanisms (services.mechanisms) that referred the case to us / we
    # referred it to.
    referred_by_mechanism_id: str | None = None
    referred_to_mechanism_id: str | None = None
    # At a partner: the referral the case was opened for (services.referral_intake), the
    # code of the organisation that sent it, and whether the user may open it (those who
    # answer referrals for the organisation).
    from_referral_id: str | None = None
    from_referral_org: str = ""
    from_referral_readable: bool = False
    # What the user the DTO was made for may do with the case now, and the stages they may
    # move it to (cmdesk.core.acting.case_actions); the services check again on use.
    actions: frozenset[CaseAction] = frozenset()
    moves: tuple[Stage, ...] = ()
    # A laptop enrolled for one team: the case was handed to another team and is only read
    # here until it leaves (acting.laptop_team); the team the laptop is enrolled for.
    read_only_for_team: str = ""


def case_summary(case: Case, child: Child) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        case_number=case.case_number,
        child_id=case.child_id,
        child_name_th=full_name(child.given_name_th, child.family_name_th),
        child_name_latin=full_name(child.given_name_latin, child.family_name_latin),
        child_nickname=child.nickname,
        stage=case.stage,
        risk_level=case.risk_level,
        case_manager_id=case.case_manager_id,
        assigned_worker_id=case.assigned_worker_id,
        opened_at=case.opened_at,
        updated_at=case.updated_at,
    )


def case_dto(session: Session, case: Case, actor: Actor | None = None) -> CaseDTO:
    """The case as `actor` sees it (with what they may do); without an actor, as printed."""
    session.flush()
    child = session.get(Child, case.child_id)
    org_code = session.scalar(select(Organisation.code).where(Organisation.id == case.org_id))
    referral = session.get(Referral, case.from_referral_id) if case.from_referral_id else None
    sender = (
        session.scalar(select(Organisation.code).where(Organisation.id == referral.org_id))
        if referral
        else None
    )
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
        id=case.id,
        case_number=case.case_number,
        child_id=case.child_id,
        child_name_th=full_name(child.given_name_th, child.family_name_th) if child else "",
        child_name_latin=(
            full_name(child.given_name_latin, child.family_name_latin) if child else ""
        ),
        child_nickname=child.nickname if child else "",
        org_id=case.org_id,
        org_code=org_code or "",
        case_manager_id=case.case_manager_id,
        assigned_worker_id=case.assigned_worker_id,
        team=case.team,
        concerns=tuple(case.concerns or ()),
        concern_other=case.concern_other,
        risk_level=case.risk_level,
        risk_reason=case.risk_reason,
        stage=case.stage,
        stage_changed_at=case.stage_changed_at,
        opened_at=case.opened_at,
        reopen_count=case.reopen_count,
        plan_status=case.plan_status,
        plan_submitted_at=case.plan_submitted_at,
        plan_submitted_by=case.plan_submitted_by,
        plan_decided_at=case.plan_decided_at,
        plan_decided_by=case.plan_decided_by,
        plan_return_reason=case.plan_return_reason,
        closure_status=case.closure_status,
        closure_reason=case.closure_reason,
        closure_note=case.closure_note,
        closure_requested_at=case.closure_requested_at,
        closure_requested_by=case.closure_requested_by,
        closed_at=case.closed_at,
        closed_by=case.closed_by,
        stage_history=tuple(
            StageChangeDTO(c.from_stage, c.to_stage, c.reason, c.created_at, c.created_by)
            for c in stages
        ),
        risk_history=tuple(
            RiskChangeDTO(r.level, r.reason, r.created_at, r.created_by) for r in risks
        ),
        created_at=case.created_at,
        created_by=case.created_by,
        updated_at=case.updated_at,
        referred_by_mechanism_id=case.referred_by_mechanism_id,
        referred_to_mechanism_id=case.referred_to_mechanism_id,
        from_referral_id=referral.id if referral else None,
        from_referral_org=sender or "",
        from_referral_readable=bool(actor and referral and receives(actor, referral)),
        actions=case_actions(case, actor) if actor else frozenset(),
        moves=tuple(allowed_moves(case.stage, actor.role))
        if actor and case.stage != Stage.CLOSURE and not read_only_here(case, actor)
        else (),
        read_only_for_team=actor.laptop_team if actor and read_only_here(case, actor) else "",
    )
