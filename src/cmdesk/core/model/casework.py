"""What each stage of a case holds: assessments by domain, the case plan's goals and actions,
and reviews. Enum codes are stored values: never rename them, only add."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, SoftDeleted, Synced, UtcDateTime
from cmdesk.core.model.field_info import about, code_of, org_ref, record_ref


class Domain(StrEnum):
    """Areas of a child's life that an assessment looks at and plan goals address."""

    SAFETY = "safety"
    HEALTH = "health"
    EDUCATION = "education"
    PSYCHOSOCIAL = "psychosocial"
    LEGAL_STATUS = "legal_status"
    FAMILY_AND_CARE = "family_and_care"


DOMAIN_LABELS: Final[dict[Domain, str]] = {
    Domain.SAFETY: N_("Safety"),
    Domain.HEALTH: N_("Health"),
    Domain.EDUCATION: N_("Education"),
    Domain.PSYCHOSOCIAL: N_("Psychosocial wellbeing"),
    Domain.LEGAL_STATUS: N_("Legal status and documents"),
    Domain.FAMILY_AND_CARE: N_("Family and care"),
}


class DomainRating(StrEnum):
    NO_CONCERN = "no_concern"
    SOME_CONCERN = "some_concern"
    SERIOUS_CONCERN = "serious_concern"


DOMAIN_RATING_LABELS: Final[dict[DomainRating, str]] = {
    DomainRating.NO_CONCERN: N_("No concern"),
    DomainRating.SOME_CONCERN: N_("Some concern"),
    DomainRating.SERIOUS_CONCERN: N_("Serious concern"),
}


class GoalStatus(StrEnum):
    OPEN = "open"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


GOAL_STATUS_LABELS: Final[dict[GoalStatus, str]] = {
    GoalStatus.OPEN: N_("In progress"),
    GoalStatus.ACHIEVED: N_("Achieved"),
    GoalStatus.DROPPED: N_("No longer pursued"),
}


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


ACTION_STATUS_LABELS: Final[dict[ActionStatus, str]] = {
    ActionStatus.PLANNED: N_("Planned"),
    ActionStatus.IN_PROGRESS: N_("Under way"),
    ActionStatus.DONE: N_("Done"),
    ActionStatus.CANCELLED: N_("Cancelled"),
}


class ReviewDecision(StrEnum):
    CONTINUE = "continue"
    REVISE_PLAN = "revise_plan"
    CLOSE = "close"


REVIEW_DECISION_LABELS: Final[dict[ReviewDecision, str]] = {
    ReviewDecision.CONTINUE: N_("Continue the plan"),
    ReviewDecision.REVISE_PLAN: N_("Revise the case plan"),
    ReviewDecision.CLOSE: N_("Propose closing the case"),
}


class Assessment(Synced, SoftDeleted, Base):
    """One domain assessed on one occasion; a later assessment of the domain adds a row, so
    the earlier findings stay (the latest per domain is the current one)."""

    __tablename__ = "case_assessment"

    case_id: Mapped[str] = mapped_column(String(36), index=True)
    domain: Mapped[str] = mapped_column(String(24), info=code_of(N_("Domain"), "domain"))
    rating: Mapped[str] = mapped_column(String(24), info=code_of(N_("Rating"), "domain_rating"))
    findings: Mapped[str] = mapped_column(Text, default="", info=about(N_("What you found")))
    needs: Mapped[str] = mapped_column(Text, default="", info=about(N_("What the child needs")))


class Goal(Synced, SoftDeleted, Base):
    __tablename__ = "case_goal"

    case_id: Mapped[str] = mapped_column(String(36), index=True)
    domain: Mapped[str] = mapped_column(String(24), info=code_of(N_("Domain"), "domain"))
    description: Mapped[str] = mapped_column(Text, info=about(N_("Goal")))
    status: Mapped[str] = mapped_column(
        String(16), default=GoalStatus.OPEN, info=code_of(N_("Status"), "goal_status")
    )


class PlanAction(Synced, SoftDeleted, Base):
    """A step towards a goal, by a responsible organisation (often a partner), by a date."""

    __tablename__ = "case_plan_action"

    case_id: Mapped[str] = mapped_column(String(36), index=True)
    goal_id: Mapped[str] = mapped_column(String(36), index=True, info=record_ref(""))
    description: Mapped[str] = mapped_column(Text, info=about(N_("Action")))
    responsible_org_id: Mapped[str] = mapped_column(
        String(36), index=True, info=org_ref(N_("Who does it"))
    )
    due_date: Mapped[date | None] = mapped_column(
        default=None, index=True, info=about(N_("By when"))
    )
    status: Mapped[str] = mapped_column(
        String(16),
        default=ActionStatus.PLANNED,
        index=True,
        info=code_of(N_("Status"), "action_status"),
    )
    done_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime(), default=None, info=about(N_("Done on"))
    )


class Review(Synced, Base):
    __tablename__ = "case_review"

    case_id: Mapped[str] = mapped_column(String(36), index=True)
    review_date: Mapped[date] = mapped_column(info=about(N_("Date of the review")))
    progress: Mapped[str] = mapped_column(
        Text, default="", info=about(N_("Progress since the plan began"))
    )
    decision: Mapped[str] = mapped_column(
        String(16), info=code_of(N_("Decision"), "review_decision")
    )
