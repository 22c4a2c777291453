"""One place to find the label of any stored code, for screens and documents in Thai or English.

label(Stage.CASE_PLAN)            -> "Case plan" (an msgid: translate with tr.gettext)
label_of("risk", "high")          -> "High risk"
choices("concern")                -> [("physical_abuse", "Physical abuse"), ...]
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final, TypeVar

from cmdesk.core.model.case import (
    CLOSURE_REASON_LABELS,
    CLOSURE_STATUS_LABELS,
    CONCERN_LABELS,
    PLAN_STATUS_LABELS,
    RISK_LABELS,
    STAGE_LABELS,
)
from cmdesk.core.model.casework import (
    ACTION_STATUS_LABELS,
    DOMAIN_LABELS,
    DOMAIN_RATING_LABELS,
    GOAL_STATUS_LABELS,
    REVIEW_DECISION_LABELS,
)
from cmdesk.core.model.child import (
    DISABILITY_LABELS,
    LANGUAGE_LABELS,
    LEGAL_STATUS_LABELS,
    NATIONALITY_LABELS,
    SCHOOL_STATUS_LABELS,
    SEX_LABELS,
)
from cmdesk.core.model.consent import (
    CONSENT_GIVER_LABELS,
    CONSENT_METHOD_LABELS,
    CONSENT_PURPOSE_LABELS,
    LAWFUL_BASIS_LABELS,
)
from cmdesk.core.model.erasure import ERASURE_REASON_LABELS
from cmdesk.core.model.mechanism import MECHANISM_KIND_LABELS
from cmdesk.core.model.note import NOTE_KIND_LABELS
from cmdesk.core.model.referral import (
    REFERRAL_STATUS_LABELS,
    SHARED_SECTION_LABELS,
    URGENCY_LABELS,
)
from cmdesk.core.model.roles import ROLE_LABELS
from cmdesk.core.model.task import TASK_STATUS_LABELS
from cmdesk.core.reference.identity import DOCUMENT_TYPE_LABELS
from cmdesk.core.reference.partners import KIND_LABELS, SERVICE_LABELS
from cmdesk.core.reference.relationships import RELATIONSHIP_LABELS

E = TypeVar("E", bound=StrEnum)


def _table(labels: Mapping[E, str]) -> dict[StrEnum, str]:
    return {member: msgid for member, msgid in labels.items()}


# Field kind -> {enum member: msgid}. Every enum the records core stores is here.
TABLES: Final[dict[str, dict[StrEnum, str]]] = {
    "stage": _table(STAGE_LABELS),
    "risk": _table(RISK_LABELS),
    "concern": _table(CONCERN_LABELS),
    "plan_status": _table(PLAN_STATUS_LABELS),
    "closure_status": _table(CLOSURE_STATUS_LABELS),
    "closure_reason": _table(CLOSURE_REASON_LABELS),
    "domain": _table(DOMAIN_LABELS),
    "domain_rating": _table(DOMAIN_RATING_LABELS),
    "goal_status": _table(GOAL_STATUS_LABELS),
    "action_status": _table(ACTION_STATUS_LABELS),
    "review_decision": _table(REVIEW_DECISION_LABELS),
    "sex": _table(SEX_LABELS),
    "nationality": _table(NATIONALITY_LABELS),
    "legal_status": _table(LEGAL_STATUS_LABELS),
    "school_status": _table(SCHOOL_STATUS_LABELS),
    "disability": _table(DISABILITY_LABELS),
    "language": _table(LANGUAGE_LABELS),
    "document_type": _table(DOCUMENT_TYPE_LABELS),
    "relationship": _table(RELATIONSHIP_LABELS),
    "consent_purpose": _table(CONSENT_PURPOSE_LABELS),
    "lawful_basis": _table(LAWFUL_BASIS_LABELS),
    "consent_giver": _table(CONSENT_GIVER_LABELS),
    "consent_method": _table(CONSENT_METHOD_LABELS),
    "erasure_reason": _table(ERASURE_REASON_LABELS),
    "note_kind": _table(NOTE_KIND_LABELS),
    "referral_status": _table(REFERRAL_STATUS_LABELS),
    "urgency": _table(URGENCY_LABELS),
    "shared_section": _table(SHARED_SECTION_LABELS),
    "service": _table(SERVICE_LABELS),
    "organisation_kind": _table(KIND_LABELS),
    "task_status": _table(TASK_STATUS_LABELS),
    "role": _table(ROLE_LABELS),
    "mechanism_kind": _table(MECHANISM_KIND_LABELS),
}
_BY_MEMBER: Final[dict[tuple[type[StrEnum], str], str]] = {
    (type(member), member.value): msgid
    for table in TABLES.values()
    for member, msgid in table.items()
}


def label(member: StrEnum) -> str:
    """The msgid labelling an enum member."""
    return _BY_MEMBER[(type(member), member.value)]


# Field kind -> {stored code: msgid}: what a stored row holds is the plain code.
_BY_CODE: Final[dict[str, dict[str, str]]] = {
    kind: {member.value: msgid for member, msgid in table.items()} for kind, table in TABLES.items()
}


def msgid_of(kind: str, code: str | None) -> str | None:
    """The msgid for a stored code of a field kind, or None for a code this version does not
    know (a newer device may have synced it)."""
    return None if code is None else _BY_CODE[kind].get(code)


def label_of(kind: str, code: str | None) -> str:
    """The msgid for a stored code of a field kind; an unknown code is shown as it is."""
    msgid = msgid_of(kind, code)
    if msgid is None:
        return code or ""
    return msgid


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, msgid) pairs in pick-list order."""
    return [(member.value, msgid) for member, msgid in TABLES[kind].items()]
