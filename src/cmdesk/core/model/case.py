"""A case: one child's protection case in one organisation, its stage, risk and their history.

Workflow rules (who may move a case where) live in cmdesk.core.services.case_workflow; this
module only says what is stored. Enum codes are stored values: never rename them, only add.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import JSON, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, SoftDeleted, Synced, UtcDateTime, utcnow
from cmdesk.core.model.field_info import BASE, about, code_of, record_ref, user_ref
from cmdesk.core.model.referral import SharedSection


class Stage(StrEnum):
    REGISTRATION = "registration"
    ASSESSMENT = "assessment"
    CASE_PLAN = "case_plan"
    IMPLEMENTATION = "implementation"
    REVIEW = "review"
    CLOSURE = "closure"


STAGE_LABELS: Final[dict[Stage, str]] = {
    Stage.REGISTRATION: N_("Registration"),
    Stage.ASSESSMENT: N_("Assessment"),
    Stage.CASE_PLAN: N_("Case plan"),
    Stage.IMPLEMENTATION: N_("Implementation"),
    Stage.REVIEW: N_("Review"),
    Stage.CLOSURE: N_("Closed"),
}


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


RISK_LABELS: Final[dict[RiskLevel, str]] = {
    RiskLevel.LOW: N_("Low risk"),
    RiskLevel.MEDIUM: N_("Medium risk"),
    RiskLevel.HIGH: N_("High risk"),
    RiskLevel.CRITICAL: N_("Critical risk"),
}

# For sorting and "at least high" filters.
RISK_ORDER: Final[dict[str, int]] = {level.value: i for i, level in enumerate(RiskLevel)}


class Concern(StrEnum):
    PHYSICAL_ABUSE = "physical_abuse"
    SEXUAL_ABUSE = "sexual_abuse"
    TRAFFICKING = "trafficking"
    CHILD_LABOUR = "child_labour"
    NEGLECT = "neglect"
    DOMESTIC_VIOLENCE = "domestic_violence"
    ONLINE_ABUSE = "online_abuse"
    NO_DOCUMENTS = "no_documents"
    SUBSTANCE_USE = "substance_use"
    SCHOOL_DROPOUT = "school_dropout"
    OTHER = "other"


CONCERN_LABELS: Final[dict[Concern, str]] = {
    Concern.PHYSICAL_ABUSE: N_("Physical abuse"),
    Concern.SEXUAL_ABUSE: N_("Sexual abuse"),
    Concern.TRAFFICKING: N_("Trafficking or exploitation"),
    Concern.CHILD_LABOUR: N_("Child labour"),
    Concern.NEGLECT: N_("Neglect"),
    Concern.DOMESTIC_VIOLENCE: N_("Domestic violence"),
    Concern.ONLINE_ABUSE: N_("Online abuse"),
    Concern.NO_DOCUMENTS: N_("Lack of documents or statelessness"),
    Concern.SUBSTANCE_USE: N_("Substance use"),
    Concern.SCHOOL_DROPOUT: N_("School dropout"),
    Concern.OTHER: N_("Other concern"),
}


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


PLAN_STATUS_LABELS: Final[dict[PlanStatus, str]] = {
    PlanStatus.DRAFT: N_("Draft"),
    PlanStatus.SUBMITTED: N_("Waiting for supervisor approval"),
    PlanStatus.APPROVED: N_("Approved"),
    PlanStatus.RETURNED: N_("Returned for changes"),
}


class ClosureStatus(StrEnum):
    NONE = ""
    REQUESTED = "requested"
    APPROVED = "approved"


CLOSURE_STATUS_LABELS: Final[dict[ClosureStatus, str]] = {
    ClosureStatus.NONE: N_("Case open"),
    ClosureStatus.REQUESTED: N_("Closure waiting for supervisor approval"),
    ClosureStatus.APPROVED: N_("Closure approved"),
}


class ClosureReason(StrEnum):
    GOALS_ACHIEVED = "goals_achieved"
    TRANSFERRED = "transferred"
    MOVED_AWAY = "moved_away"
    CHILD_REACHED_ADULTHOOD = "reached_adulthood"
    FAMILY_DECLINED = "family_declined"
    LOST_CONTACT = "lost_contact"
    CHILD_DIED = "child_died"
    OTHER = "other"


CLOSURE_REASON_LABELS: Final[dict[ClosureReason, str]] = {
    ClosureReason.GOALS_ACHIEVED: N_("Case plan goals achieved"),
    ClosureReason.TRANSFERRED: N_("Transferred to another organisation"),
    ClosureReason.MOVED_AWAY: N_("Child moved out of the area"),
    ClosureReason.CHILD_REACHED_ADULTHOOD: N_("Child reached 18 years of age"),
    ClosureReason.FAMILY_DECLINED: N_("Child or family declined further services"),
    ClosureReason.LOST_CONTACT: N_("Contact lost"),
    ClosureReason.CHILD_DIED: N_("Child died"),
    ClosureReason.OTHER: N_("Other reason"),
}


WAITING_COLUMNS: Final = (
    "id",
    "case_number",
    "child_id",
    "stage",
    "org_id",
    "deleted_at",
    "assigned_worker_id",
    "case_manager_id",
    "team",
)


class Case(Synced, SoftDeleted, Base):
    """Owned by `org_id` (Synced); the case number is unique across devices without asking
    any other device (see cmdesk.core.services.case_numbers)."""

    __tablename__ = "case_file"  # "case" is an SQL keyword
    # The supervisor's approvals queue: partial indexes holding only the cases waiting (a plan
    # submitted, a closure requested), with every column the queue reads and the scope checks,
    # so neither the other cases nor the case rows are read (100k cases, 8.5k waiting:
    # 1.0 -> 0.5 s; a queue of tens: milliseconds).
    __table_args__ = (
        *(
            Index(name, since, *WAITING_COLUMNS, sqlite_where=text(where))
            for name, since, where in (
                ("ix_case_file_plan_waiting", "plan_submitted_at", "plan_status = 'submitted'"),
                (
                    "ix_case_file_closure_waiting",
                    "closure_requested_at",
                    "closure_status = 'requested'",
                ),
            )
        ),
        # The home screen's counts of a supervisor's open cases by risk and stage, read from
        # the index alone; and, by its first two columns, the few cases outside their scope
        # (another organisation's, or deleted), which the task and referral counts subtract.
        Index("ix_case_file_org_live", "org_id", "deleted_at", "stage", "risk_level", "id"),
        # Who may see a case (access.case_scope), read from indexes alone. By id with every
        # column the scope checks: a follow-up's or referral's case checked without reading
        # the case row. And a narrow caseload's cases (access.scope_branches: a worker's own,
        # a team's, a case manager's), each leading column's live cases with their ids: My work
        # and the home screen of a field worker read their ~10k cases here instead of the rows
        # (100k cases: My work "all" of a team ~120 -> ~40 ms, and the referrals waiting).
        Index(
            "ix_case_file_scope",
            "id",
            "org_id",
            "deleted_at",
            "assigned_worker_id",
            "case_manager_id",
            "team",
        ),
        *(
            Index(f"ix_case_file_{name}_live", column, "org_id", "deleted_at", "id")
            for name, column in (
                ("worker", "assigned_worker_id"),
                ("manager", "case_manager_id"),
                ("team", "team"),
            )
        ),
    )

    case_number: Mapped[str] = mapped_column(
        String(64), unique=True, info=about(N_("Case number"), BASE)
    )
    child_id: Mapped[str] = mapped_column(
        String(36), index=True, info=record_ref(N_("Child"), BASE)
    )
    # The social worker who owns the case, and the field worker who visits.
    case_manager_id: Mapped[str | None] = mapped_column(
        String(36), default=None, info=user_ref(N_("Case manager"))
    )
    assigned_worker_id: Mapped[str | None] = mapped_column(
        String(36), default=None, info=user_ref(N_("Field worker"))
    )
    # The assigned worker's team when assigned: field workers see their team's cases.
    team: Mapped[str] = mapped_column(String(64), default="", info=about(N_("Team")))

    concerns: Mapped[list[str]] = mapped_column(
        JSON,
        default=list,
        info=code_of(N_("Protection concerns"), "concern", SharedSection.CONCERNS_AND_RISK),
    )
    concern_other: Mapped[str] = mapped_column(
        String(200),
        default="",
        info=about(N_("The other concern"), SharedSection.CONCERNS_AND_RISK),
    )
    risk_level: Mapped[str] = mapped_column(
        String(16),
        index=True,
        info=code_of(N_("Risk level"), "risk", SharedSection.CONCERNS_AND_RISK),
    )
    risk_reason: Mapped[str] = mapped_column(
        Text, default="", info=about(N_("Why this risk level"), SharedSection.CONCERNS_AND_RISK)
    )

    stage: Mapped[str] = mapped_column(
        String(24), default=Stage.REGISTRATION, index=True, info=code_of(N_("Stage"), "stage")
    )
    stage_changed_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utcnow, info=about("")
    )
    opened_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utcnow, index=True, info=about("")
    )
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, info=about(""))

    plan_status: Mapped[str] = mapped_column(
        String(16), default=PlanStatus.DRAFT, info=code_of(N_("Case plan"), "plan_status")
    )
    plan_submitted_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime(), default=None, info=about("")
    )
    plan_submitted_by: Mapped[str | None] = mapped_column(String(36), default=None, info=user_ref())
    plan_decided_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime(), default=None, info=about("")
    )
    plan_decided_by: Mapped[str | None] = mapped_column(String(36), default=None, info=user_ref())
    plan_return_reason: Mapped[str] = mapped_column(
        Text, default="", info=about(N_("Why the plan was returned"))
    )

    closure_status: Mapped[str] = mapped_column(
        String(16), default=ClosureStatus.NONE, info=code_of(N_("Closure"), "closure_status")
    )
    closure_reason: Mapped[str | None] = mapped_column(
        String(32), default=None, info=code_of(N_("Reason for closing"), "closure_reason")
    )
    closure_note: Mapped[str] = mapped_column(Text, default="", info=about(N_("Closing note")))
    closure_requested_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime(), default=None, info=about("")
    )
    closure_requested_by: Mapped[str | None] = mapped_column(
        String(36), default=None, info=user_ref()
    )
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None, info=about(""))
    closed_by: Mapped[str | None] = mapped_column(String(36), default=None, info=user_ref())

    # The community mechanism (model.mechanism) that referred the case to us, and the one we
    # referred it to. Not shared with partners: the mechanism is the organisation's own record,
    # so a partner would receive an id it cannot read (a referral's text can name it).
    referred_by_mechanism_id: Mapped[str | None] = mapped_column(
        String(36), default=None, index=True, info=record_ref(N_("Referred by mechanism"))
    )
    referred_to_mechanism_id: Mapped[str | None] = mapped_column(
        String(36), default=None, index=True, info=record_ref(N_("Referred to mechanism"))
    )
    # At a partner: the referral from another organisation this case was opened for (the
    # partner's own case for the child it accepted). Not shared: the id names a referral only
    # the two organisations hold.
    from_referral_id: Mapped[str | None] = mapped_column(
        String(36), default=None, index=True, info=record_ref(N_("Opened for the referral"))
    )


class CaseStageChange(Synced, Base):
    """Append-only: every move of a case between stages, with who, when (Synced) and why."""

    __tablename__ = "case_stage_change"
    # Reopenings only (moves out of closure, a few in a hundred changes): the network figures
    # count a period's reopenings from it instead of reading every stage change of every case
    # (100k cases: about 0.3 s to milliseconds). The figures compare from_stage with the
    # literal 'closure', as the index's condition is written, so that any SQLite matches it.
    __table_args__ = (
        Index(
            "ix_case_stage_change_reopened",
            "org_id",
            "created_at",
            sqlite_where=text(f"from_stage = '{Stage.CLOSURE.value}'"),
        ),
    )

    case_id: Mapped[str] = mapped_column(String(36), index=True)
    from_stage: Mapped[str | None] = mapped_column(
        String(24), default=None, info=code_of(N_("Stage"), "stage")
    )
    to_stage: Mapped[str] = mapped_column(String(24), info=code_of(N_("Stage"), "stage"))
    reason: Mapped[str] = mapped_column(Text, default="", info=about(N_("Reason")))


class CaseRiskChange(Synced, Base):
    """Append-only: every risk level given to a case, with its reason."""

    __tablename__ = "case_risk_change"

    case_id: Mapped[str] = mapped_column(String(36), index=True)
    level: Mapped[str] = mapped_column(String(16), info=code_of(N_("Risk level"), "risk"))
    reason: Mapped[str] = mapped_column(Text, default="", info=about(N_("Reason")))
