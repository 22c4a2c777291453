"""The ORM model of the records. cmdesk.core.schema adds the search index and sync's own tables."""

from __future__ import annotations

from cmdesk.core.model.audit import AuditEntry
from cmdesk.core.model.base import Base, new_id, utcnow
from cmdesk.core.model.case import Case, CaseRiskChange, CaseStageChange
from cmdesk.core.model.casework import Assessment, Goal, PlanAction, Review
from cmdesk.core.model.child import Child, HouseholdMember
from cmdesk.core.model.consent import Consent
from cmdesk.core.model.erasure import Erasure
from cmdesk.core.model.mechanism import Mechanism, MechanismMeeting
from cmdesk.core.model.meta import VaultMeta
from cmdesk.core.model.network_stats import ImportedStatistics
from cmdesk.core.model.note import Note
from cmdesk.core.model.org import Colleague, Organisation, User, org_id_for
from cmdesk.core.model.referral import Referral, ReferralEvent
from cmdesk.core.model.task import Task

__all__ = [
    "Assessment",
    "AuditEntry",
    "Base",
    "Case",
    "CaseRiskChange",
    "CaseStageChange",
    "Child",
    "Colleague",
    "Consent",
    "Erasure",
    "Goal",
    "HouseholdMember",
    "ImportedStatistics",
    "Mechanism",
    "MechanismMeeting",
    "Note",
    "Organisation",
    "PlanAction",
    "Referral",
    "ReferralEvent",
    "Review",
    "Task",
    "User",
    "VaultMeta",
    "new_id",
    "org_id_for",
    "utcnow",
]
