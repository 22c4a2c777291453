"""The ORM model. Importing this package registers every table on Base.metadata."""

from __future__ import annotations

from cmdesk.core.model.audit import AuditEntry
from cmdesk.core.model.base import Base, new_id, utcnow
from cmdesk.core.model.case import Case, CaseRiskChange, CaseStageChange
from cmdesk.core.model.casework import Assessment, Goal, PlanAction, Review
from cmdesk.core.model.child import Child, HouseholdMember
from cmdesk.core.model.consent import Consent
from cmdesk.core.model.erasure import Erasure
from cmdesk.core.model.meta import VaultMeta
from cmdesk.core.model.note import Note
from cmdesk.core.model.org import Organisation, User, org_id_for
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
    "Consent",
    "Erasure",
    "Goal",
    "HouseholdMember",
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

# The search index (FTS tables and triggers on child and case_file) hangs on this metadata, so
# every fresh vault gets it; imported last because it builds on the tables above.
import cmdesk.core.search.schema

# Sync's own tables (operation log, clocks, keys, peers) and its capture triggers on every
# synced table, likewise on this metadata so migrations and fresh vaults include them.
import cmdesk.core.sync.model  # noqa: F401
