"""Records, fields and stored values of a sync conflict in words (never raw codes or JSON).

Field and record names reuse the forms' own msgids where a form has the field, so a field
reads the same in a conflict as where it was typed. Enum values take their labels from
model.labels; ids of colleagues and organisations become user names and codes; dates are
shown in the Buddhist Era in Thai.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Final

from cmdesk.core.i18n import N_, Locale, Translator, format_date, format_datetime
from cmdesk.core.model.labels import TABLES, label_of
from cmdesk.core.reference.ethnicity import ethnic_group
from cmdesk.core.services.field_codes import ENUM_KINDS, LISTS

RECORD_LABELS: Final[dict[str, str]] = {
    "case_file": N_("Case"),
    "child": N_("Child"),
    "case_assessment": N_("Assessment"),
    "case_goal": N_("Goal of the plan"),
    "case_plan_action": N_("Action of the plan"),
    "case_review": N_("Review"),
    "case_note": N_("Note"),
    "case_task": N_("Follow-up task"),
    "case_risk_change": N_("Risk level change"),
    "case_stage_change": N_("Stage change"),
    "consent": N_("Consent"),
    "household_member": N_("Household member"),
    "referral": N_("Referral"),
    "referral_event": N_("Referral answer"),
    "erasure": N_("Erasure"),
}

# Fields whose name means the same in every record.
_COMMON: Final[dict[str, str]] = {
    "deleted_at": N_("Deleted"),
    "case_id": N_("Case"),
    "child_id": N_("Child"),
    "status": N_("Status"),
    "domain": N_("Domain"),
    "description": N_("Description"),
    "due_date": N_("By when"),
    "done_at": N_("Done on"),
    "reason": N_("Reason"),
    "kind": N_("Kind"),
    "birth_year": N_("Year of birth"),
}

FIELD_LABELS: Final[dict[str, dict[str, str]]] = {
    "child": {
        "given_name_th": N_("Given name in Thai"),
        "family_name_th": N_("Family name in Thai"),
        "given_name_latin": N_("Given name in Latin letters"),
        "family_name_latin": N_("Family name in Latin letters"),
        "nickname": N_("Nickname"),
        "other_names": N_("Other names"),
        "sex": N_("Sex"),
        "birth_precision": N_("Date of birth"),
        "birth_day": N_("Date of birth"),
        "birth_stated_age": N_("Age as stated"),
        "birth_stated_on": N_("Date the age was stated"),
        "ethnicity": N_("Ethnic group"),
        "nationality": N_("Nationality"),
        "legal_status": N_("Legal status"),
        "id_document_type": N_("Identity document"),
        "id_number": N_("Document number"),
        "village": N_("Village"),
        "province_code": N_("Province"),
        "district_code": N_("District"),
        "subdistrict_code": N_("Subdistrict"),
        "languages": N_("Languages the child speaks"),
        "school_status": N_("School"),
        "school_name": N_("Name of the school"),
        "disability": N_("Disability"),
        "disability_details": N_("About the disability"),
    },
    "case_file": {
        "case_number": N_("Case number"),
        "case_manager_id": N_("Case manager"),
        "assigned_worker_id": N_("Field worker"),
        "team": N_("Team"),
        "concerns": N_("Protection concerns"),
        "concern_other": N_("The other concern"),
        "risk_level": N_("Risk level"),
        "risk_reason": N_("Why this risk level"),
        "stage": N_("Stage"),
        "plan_status": N_("Case plan"),
        "plan_return_reason": N_("Why the plan was returned"),
        "closure_status": N_("Closure"),
        "closure_reason": N_("Reason for closing"),
        "closure_note": N_("Closing note"),
    },
    "case_assessment": {
        "rating": N_("Rating"),
        "findings": N_("What you found"),
        "needs": N_("What the child needs"),
    },
    "case_goal": {"description": N_("Goal")},
    "case_plan_action": {
        "description": N_("Action"),
        "responsible_org_id": N_("Who does it"),
    },
    "case_review": {
        "review_date": N_("Date of the review"),
        "progress": N_("Progress since the plan began"),
        "decision": N_("Decision"),
    },
    "case_note": {"kind": N_("Kind of note"), "body": N_("Text of the note")},
    "case_task": {
        "title": N_("Task"),
        "details": N_("Details"),
        "assigned_to": N_("Assigned to"),
    },
    "consent": {
        "purpose": N_("Consent to"),
        "shared_with_org_id": N_("Share with"),
        "basis": N_("Lawful basis"),
        "basis_reason": N_("Why consent could not be obtained"),
        "given_by": N_("Given by"),
        "giver_name": N_("Name of the person who consented"),
        "method": N_("How"),
        "given_on": N_("Date given"),
        "withdrawn_at": N_("Withdrawn on"),
        "withdrawn_reason": N_("Why it was withdrawn"),
    },
    "household_member": {
        "name": N_("Name"),
        "relationship": N_("Relationship to the child"),
        "is_caregiver": N_("Cares for the child"),
        "lives_with_child": N_("Lives with the child"),
        "phone": N_("Phone"),
        "contact_notes": N_("How to reach them"),
    },
    "referral": {
        "to_org_id": N_("Refer to"),
        "service": N_("Service needed"),
        "urgency": N_("Urgency"),
        "reason": N_("Why the child is referred"),
        "shared_sections": N_("What to share"),
        "due_date": N_("Answer needed by"),
        "override_reason": N_("Why it cannot wait for consent"),
        "closing_reason": N_("Why the referral was closed"),
    },
    "referral_event": {"text": N_("Answer")},
}

# Fields holding a code of a model.labels kind (a list of codes for LISTS).
USER_FIELDS: Final = frozenset(
    {
        "case_manager_id",
        "assigned_worker_id",
        "assigned_to",
        "created_by",
        "updated_by",
        "deleted_by",
        "withdrawn_by",
        "plan_submitted_by",
        "plan_decided_by",
        "closure_requested_by",
        "closed_by",
    }
)
ORG_FIELDS: Final = frozenset({"org_id", "to_org_id", "responsible_org_id", "shared_with_org_id"})
BOOL_FIELDS: Final = frozenset({"is_caregiver", "lives_with_child"})


# What a decision changed, for the views that show it (session.operation_did_execute).
def record_label(table: str) -> str:
    """The msgid naming a kind of record; an unknown table (a newer app) reads "Record"."""
    return RECORD_LABELS.get(table, N_("Record"))


def field_label(table: str, name: str, tr: Translator) -> str:
    msgid = FIELD_LABELS.get(table, {}).get(name) or _COMMON.get(name)
    if msgid:
        return tr.gettext(msgid)
    # A field this version has no words for (a newer app's): its name, made readable.
    return name.replace("_id", "").replace("_", " ").strip().capitalize()


def editable(table: str, name: str, sql_type: str) -> str | None:
    """How a new value may be typed: "text", "long_text", "choice" or "date"; None when only
    one of the values shown can be chosen (lists, people, organisations, times)."""
    key = (table, name)
    if key in ENUM_KINDS:
        return None if key in LISTS else "choice"
    if name in USER_FIELDS or name in ORG_FIELDS or name in BOOL_FIELDS:
        return None
    if name.endswith("_id") or name in ("id_number", "case_number"):
        return None if name != "id_number" else "text"
    return {"String": "text", "Text": "long_text", "Date": "date"}.get(sql_type)


def describe_value(
    table: str,
    name: str,
    value: object,
    tr: Translator,
    *,
    users: dict[str, str],
    orgs: dict[str, str],
) -> str:
    """A stored value as a person reads it."""
    locale: Locale = tr.locale
    if value is None or value == "" or value == "[]":
        return tr.gettext("(empty)")
    key = (table, name)
    if key in ENUM_KINDS:
        kind = ENUM_KINDS[key]
        codes = _codes(value) if key in LISTS else [str(value)]
        return ", ".join(tr.gettext(label_of(kind, c)) if kind in TABLES else c for c in codes)
    if name in USER_FIELDS:
        return users.get(str(value)) or tr.gettext("a colleague on another laptop")
    if name in ORG_FIELDS:
        return orgs.get(str(value)) or tr.gettext("another organisation")
    if name in BOOL_FIELDS:
        return tr.gettext("Yes") if value in (1, True, "1") else tr.gettext("No")
    if name == "ethnicity":
        group = ethnic_group(str(value))
        return group.label(locale) if group else str(value)
    if isinstance(value, str):
        when = _as_datetime(value)
        if when is not None:
            return format_datetime(when, locale)
        day = _as_date(value)
        if day is not None:
            return format_date(day, locale)
        if value[:1] in "[{":
            return ", ".join(_codes(value)) or tr.gettext("(empty)")
    if isinstance(value, list):  # bytes, never a person's words
        return tr.gettext("(a file)")
    return str(value)


def _codes(value: object) -> list[str]:
    try:
        found = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return [str(value)]
    if isinstance(found, list):
        return [str(v) for v in found]
    if isinstance(found, dict):
        return [str(v) for v in found.values()]
    return [str(found)]


def _as_datetime(text: str) -> datetime | None:
    if len(text) < 19 or text[10:11] != "T":
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _as_date(text: str) -> date | None:
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
