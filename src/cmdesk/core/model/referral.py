"""Referrals from one organisation to another, and every step of their lifecycle.

The sending organisation owns the row (Synced.org_id); the sections it shares are what sync
may send the receiving organisation. Enum codes are stored values: never rename them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import JSON, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, Synced, UtcDateTime
from cmdesk.core.model.field_info import about, code_of, org_ref, record_ref


class ReferralStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


# Waiting for the receiving organisation or in its hands: what it will never answer once this
# organisation withdraws its trust in it (`sync untrust`: no bundle goes to it any more).
OPEN_AT_RECEIVER: Final = (
    ReferralStatus.SENT,
    ReferralStatus.ACKNOWLEDGED,
    ReferralStatus.ACCEPTED,
)

REFERRAL_STATUS_LABELS: Final[dict[ReferralStatus, str]] = {
    ReferralStatus.DRAFT: N_("Draft"),
    ReferralStatus.SENT: N_("Sent, waiting for a reply"),
    ReferralStatus.ACKNOWLEDGED: N_("Acknowledged by the receiver"),
    ReferralStatus.ACCEPTED: N_("Accepted"),
    ReferralStatus.DECLINED: N_("Declined"),
    ReferralStatus.COMPLETED: N_("Completed"),
    ReferralStatus.WITHDRAWN: N_("Withdrawn"),
}


class Urgency(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


URGENCY_LABELS: Final[dict[Urgency, str]] = {
    Urgency.ROUTINE: N_("Routine"),
    Urgency.URGENT: N_("Urgent"),
    Urgency.EMERGENCY: N_("Emergency (same day)"),
}


class SharedSection(StrEnum):
    """Parts of a case a referral may share with the receiving organisation."""

    IDENTITY = "identity"  # names, sex, birth date, ethnicity, languages
    LEGAL_STATUS = "legal_status"  # nationality, legal status, identity document
    ADDRESS = "address"
    HOUSEHOLD = "household"  # caregivers and household members, with contacts
    CONCERNS_AND_RISK = "concerns_and_risk"
    ASSESSMENT = "assessment"
    CASE_PLAN = "case_plan"
    NOTES = "notes"


SHARED_SECTION_LABELS: Final[dict[SharedSection, str]] = {
    SharedSection.IDENTITY: N_("Identity (names, sex, birth date, ethnicity, languages)"),
    SharedSection.LEGAL_STATUS: N_("Nationality, legal status and identity document"),
    SharedSection.ADDRESS: N_("Address"),
    SharedSection.HOUSEHOLD: N_("Caregivers and household"),
    SharedSection.CONCERNS_AND_RISK: N_("Protection concerns and risk level"),
    SharedSection.ASSESSMENT: N_("Assessment"),
    SharedSection.CASE_PLAN: N_("Case plan"),
    SharedSection.NOTES: N_("Case notes"),
}


class ReferralEventKind(StrEnum):
    TRANSITION = "transition"
    FEEDBACK = "feedback"


class Referral(Synced, Base):
    __tablename__ = "referral"
    # Referrals waiting for an answer, by case: a worker's home screen counts those of their
    # cases from this alone (7k waiting at 100k cases; the status index read each row).
    __table_args__ = (
        Index(
            "ix_referral_waiting",
            "case_id",
            "status",
            sqlite_where=text("status IN ('sent', 'acknowledged')"),
        ),
    )

    case_id: Mapped[str] = mapped_column(String(36), index=True)
    child_id: Mapped[str] = mapped_column(String(36), index=True)
    to_org_id: Mapped[str] = mapped_column(String(36), index=True, info=org_ref(N_("Refer to")))
    service: Mapped[str] = mapped_column(String(32), info=code_of(N_("Service needed"), "service"))
    urgency: Mapped[str] = mapped_column(
        String(16), default=Urgency.ROUTINE, info=code_of(N_("Urgency"), "urgency")
    )
    reason: Mapped[str] = mapped_column(Text, info=about(N_("Why the child is referred")))
    shared_sections: Mapped[list[str]] = mapped_column(
        JSON, default=list, info=code_of(N_("What to share"), "shared_section")
    )
    due_date: Mapped[date | None] = mapped_column(
        default=None, index=True, info=about(N_("Answer needed by"))
    )
    status: Mapped[str] = mapped_column(
        String(16),
        default=ReferralStatus.DRAFT,
        index=True,
        info=code_of(N_("Status"), "referral_status"),
    )
    # What allowed sending: a consent (or other lawful basis) record, or a recorded override.
    consent_id: Mapped[str | None] = mapped_column(String(36), default=None, info=record_ref(""))
    override_reason: Mapped[str] = mapped_column(
        Text, default="", info=about(N_("Why it cannot wait for consent"))
    )
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None, info=about(""))
    status_changed_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime(), default=None, info=about("")
    )
    # Why it was declined or withdrawn (the events keep every step).
    closing_reason: Mapped[str] = mapped_column(
        Text, default="", info=about(N_("Why the referral was closed"))
    )


class ReferralEvent(Synced, Base):
    """Append-only: each status change and each piece of feedback, attributed and timestamped
    (Synced.created_by / created_at); `org_id` is the organisation of the person acting."""

    __tablename__ = "referral_event"

    referral_id: Mapped[str] = mapped_column(String(36), index=True, info=record_ref(""))
    kind: Mapped[str] = mapped_column(String(16), info=about(N_("Kind")))
    from_status: Mapped[str | None] = mapped_column(
        String(16), default=None, info=code_of(N_("Status"), "referral_status")
    )
    to_status: Mapped[str | None] = mapped_column(
        String(16), default=None, info=code_of(N_("Status"), "referral_status")
    )
    text: Mapped[str] = mapped_column(Text, default="", info=about(N_("Answer")))
