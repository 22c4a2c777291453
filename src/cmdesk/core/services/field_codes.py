"""Which stored fields hold codes of a pick list (model.labels kinds), so a value typed to
settle a conflict is checked in the core, and the conflict screen offers the same choices.

(To fold into the field catalog when there is one.)
"""

from __future__ import annotations

import json
from typing import Final

from cmdesk.core.model.labels import TABLES

ENUM_KINDS: Final[dict[tuple[str, str], str]] = {
    ("case_file", "risk_level"): "risk",
    ("case_file", "stage"): "stage",
    ("case_file", "concerns"): "concern",
    ("case_file", "plan_status"): "plan_status",
    ("case_file", "closure_status"): "closure_status",
    ("case_file", "closure_reason"): "closure_reason",
    ("case_assessment", "domain"): "domain",
    ("case_assessment", "rating"): "domain_rating",
    ("case_goal", "domain"): "domain",
    ("case_goal", "status"): "goal_status",
    ("case_plan_action", "status"): "action_status",
    ("case_review", "decision"): "review_decision",
    ("case_note", "kind"): "note_kind",
    ("case_task", "status"): "task_status",
    ("case_risk_change", "level"): "risk",
    ("case_stage_change", "from_stage"): "stage",
    ("case_stage_change", "to_stage"): "stage",
    ("child", "sex"): "sex",
    ("child", "nationality"): "nationality",
    ("child", "legal_status"): "legal_status",
    ("child", "school_status"): "school_status",
    ("child", "disability"): "disability",
    ("child", "languages"): "language",
    ("child", "id_document_type"): "document_type",
    ("consent", "purpose"): "consent_purpose",
    ("consent", "basis"): "lawful_basis",
    ("consent", "given_by"): "consent_giver",
    ("consent", "method"): "consent_method",
    ("household_member", "relationship"): "relationship",
    ("referral", "service"): "service",
    ("referral", "urgency"): "urgency",
    ("referral", "status"): "referral_status",
    ("referral", "shared_sections"): "shared_section",
    ("referral_event", "from_status"): "referral_status",
    ("referral_event", "to_status"): "referral_status",
    ("erasure", "reason"): "erasure_reason",
}
LISTS: Final = frozenset(
    {("case_file", "concerns"), ("child", "languages"), ("referral", "shared_sections")}
)


def allowed(table: str, name: str, value: object) -> bool:
    """Whether a value fits a code field (any value fits a field that holds no codes)."""
    kind = ENUM_KINDS.get((table, name))
    if kind is None or value is None:
        return True
    codes = {member.value for member in TABLES[kind]}
    if (table, name) in LISTS:
        try:
            items = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            return False
        return isinstance(items, list) and all(str(i) in codes for i in items)
    return str(value) in codes
