"""The field catalog: for every column of every synced record, what people call it, which code
list it holds, whom or what it refers to, and which section of a referral shares it.

Everything that needs to know about a field reads it here: the sync sharing filter (which
columns a partner receives), the check of a value typed to settle a conflict, the conflict
screen's labels and value formatting. A column's kind (text, date, code, person …) comes from
its SQL type and these facts. A test fails, naming the column, when a synced column is missing
here, so a new field cannot be added without deciding what it is and whether it is shared.

Labels are message ids (translate with tr.gettext); "" marks bookkeeping columns that no screen
shows by themselves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Final

from sqlalchemy import JSON, Boolean, Date, Integer, LargeBinary, Table, Text

from cmdesk.core.model.base import Base, UtcDateTime, is_synced
from cmdesk.core.model.labels import TABLES as LABEL_TABLES
from cmdesk.core.model.referral import SharedSection
from cmdesk.core.text_ids import N_

AUDIT_TABLE: Final = "audit_entry"
# Sent with any shared child or case whatever the sections: which record it is, and whose.
BASE: Final = "base"
# Every column of a record whose section is given at the record.
ALL: Final = "*"


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CODE = "code"  # one code of a list in model.labels
    CODES = "codes"  # several
    DATE = "date"
    DATETIME = "datetime"
    NUMBER = "number"
    BOOLEAN = "boolean"
    USER = "user"  # a colleague's user id
    ORGANISATION = "organisation"
    RECORD = "record"  # the id of another record
    TEXTS = "texts"  # a list of free texts (e.g. other names)
    DATA = "data"  # structured (JSON) or binary, never typed by a person


class Refers(StrEnum):
    USER = "user"
    ORGANISATION = "organisation"
    RECORD = "record"


@dataclass(frozen=True)
class Field:
    label: str = ""
    codes: str | None = None  # a model.labels kind
    refers: Refers | None = None
    section: str | None = None  # a SharedSection, BASE, or None: never shared by section


@dataclass(frozen=True)
class Record:
    label: str
    fields: dict[str, Field] = field(default_factory=dict)
    # The section sharing every row of this table (linked to a shared case or child).
    section: str | None = None


def _user(label: str = "") -> Field:
    return Field(label, refers=Refers.USER)


def _org(label: str, section: str | None = None) -> Field:
    return Field(label, refers=Refers.ORGANISATION, section=section)


def _link(label: str, section: str | None = None) -> Field:
    return Field(label, refers=Refers.RECORD, section=section)


def _codes(label: str, codes: str, section: str | None = None) -> Field:
    return Field(label, codes=codes, section=section)


# Columns every synced record may have, meaning the same everywhere.
COMMON: Final[dict[str, Field]] = {
    "org_id": _org(""),
    "created_at": Field(""),
    "created_by": _user(),
    "updated_at": Field(""),
    "updated_by": _user(),
    "deleted_at": Field(N_("Deleted")),
    "deleted_by": _user(),
    "deleted_reason": Field(""),
    "case_id": _link(N_("Case")),
    "child_id": _link(N_("Child")),
}

S = SharedSection
ID, LEGAL, ADDR = S.IDENTITY.value, S.LEGAL_STATUS.value, S.ADDRESS.value
RISK = S.CONCERNS_AND_RISK.value

RECORDS: Final[dict[str, Record]] = {
    "child": Record(
        N_("Child"),
        {
            "org_id": _org("", BASE),
            "created_at": Field("", section=BASE),
            "deleted_at": Field(N_("Deleted"), section=BASE),
            "given_name_th": Field(N_("Given name in Thai"), section=ID),
            "family_name_th": Field(N_("Family name in Thai"), section=ID),
            "given_name_latin": Field(N_("Given name in Latin letters"), section=ID),
            "family_name_latin": Field(N_("Family name in Latin letters"), section=ID),
            "nickname": Field(N_("Nickname"), section=ID),
            "other_names": Field(N_("Other names"), section=ID),
            "sex": _codes(N_("Sex"), "sex", ID),
            "birth_precision": Field(N_("Date of birth"), section=ID),
            "birth_year": Field(N_("Year of birth"), section=ID),
            "birth_day": Field(N_("Date of birth"), section=ID),
            "birth_stated_age": Field(N_("Age as stated"), section=ID),
            "birth_stated_on": Field(N_("Date the age was stated"), section=ID),
            "ethnicity": Field(N_("Ethnic group"), section=ID),
            "languages": _codes(N_("Languages the child speaks"), "language", ID),
            "nationality": _codes(N_("Nationality"), "nationality", LEGAL),
            "legal_status": _codes(N_("Legal status"), "legal_status", LEGAL),
            "id_document_type": _codes(N_("Identity document"), "document_type", LEGAL),
            "id_number": Field(N_("Document number"), section=LEGAL),
            "village": Field(N_("Village"), section=ADDR),
            "province_code": Field(N_("Province"), section=ADDR),
            "district_code": Field(N_("District"), section=ADDR),
            "subdistrict_code": Field(N_("Subdistrict"), section=ADDR),
            # School and health stay with the organisation (not a referral section).
            "school_status": _codes(N_("School"), "school_status"),
            "school_name": Field(N_("Name of the school")),
            "disability": _codes(N_("Disability"), "disability"),
            "disability_details": Field(N_("About the disability")),
        },
    ),
    "case_file": Record(
        N_("Case"),
        {
            "org_id": _org("", BASE),
            "created_at": Field("", section=BASE),
            "deleted_at": Field(N_("Deleted"), section=BASE),
            "case_number": Field(N_("Case number"), section=BASE),
            "child_id": _link(N_("Child"), BASE),
            "concerns": _codes(N_("Protection concerns"), "concern", RISK),
            "concern_other": Field(N_("The other concern"), section=RISK),
            "risk_level": _codes(N_("Risk level"), "risk", RISK),
            "risk_reason": Field(N_("Why this risk level"), section=RISK),
            # The organisation's own workflow and staff: never shared.
            "case_manager_id": _user(N_("Case manager")),
            "assigned_worker_id": _user(N_("Field worker")),
            "team": Field(N_("Team")),
            "stage": _codes(N_("Stage"), "stage"),
            "stage_changed_at": Field(""),
            "opened_at": Field(""),
            "reopen_count": Field(""),
            "plan_status": _codes(N_("Case plan"), "plan_status"),
            "plan_submitted_at": Field(""),
            "plan_submitted_by": _user(),
            "plan_decided_at": Field(""),
            "plan_decided_by": _user(),
            "plan_return_reason": Field(N_("Why the plan was returned")),
            "closure_status": _codes(N_("Closure"), "closure_status"),
            "closure_reason": _codes(N_("Reason for closing"), "closure_reason"),
            "closure_note": Field(N_("Closing note")),
            "closure_requested_at": Field(""),
            "closure_requested_by": _user(),
            "closed_at": Field(""),
            "closed_by": _user(),
        },
    ),
    "household_member": Record(
        N_("Household member"),
        {
            "name": Field(N_("Name")),
            "relationship": _codes(N_("Relationship to the child"), "relationship"),
            "is_caregiver": Field(N_("Cares for the child")),
            "lives_with_child": Field(N_("Lives with the child")),
            "birth_year": Field(N_("Year of birth")),
            "phone": Field(N_("Phone")),
            "contact_notes": Field(N_("How to reach them")),
        },
        section=S.HOUSEHOLD.value,
    ),
    "case_risk_change": Record(
        N_("Risk level change"),
        {"level": _codes(N_("Risk level"), "risk"), "reason": Field(N_("Reason"))},
        section=RISK,
    ),
    "case_assessment": Record(
        N_("Assessment"),
        {
            "domain": _codes(N_("Domain"), "domain"),
            "rating": _codes(N_("Rating"), "domain_rating"),
            "findings": Field(N_("What you found")),
            "needs": Field(N_("What the child needs")),
        },
        section=S.ASSESSMENT.value,
    ),
    "case_goal": Record(
        N_("Goal of the plan"),
        {
            "domain": _codes(N_("Domain"), "domain"),
            "description": Field(N_("Goal")),
            "status": _codes(N_("Status"), "goal_status"),
        },
        section=S.CASE_PLAN.value,
    ),
    "case_plan_action": Record(
        N_("Action of the plan"),
        {
            "goal_id": _link(""),
            "description": Field(N_("Action")),
            "responsible_org_id": _org(N_("Who does it")),
            "due_date": Field(N_("By when")),
            "status": _codes(N_("Status"), "action_status"),
            "done_at": Field(N_("Done on")),
        },
        section=S.CASE_PLAN.value,
    ),
    "case_review": Record(
        N_("Review"),
        {
            "review_date": Field(N_("Date of the review")),
            "progress": Field(N_("Progress since the plan began")),
            "decision": _codes(N_("Decision"), "review_decision"),
        },
        section=S.CASE_PLAN.value,
    ),
    "case_note": Record(
        N_("Note"),
        {
            "thread_id": _link(""),
            "version": Field(""),
            "based_on_id": _link(""),
            "kind": _codes(N_("Kind of note"), "note_kind"),
            "body": Field(N_("Text of the note")),
        },
        section=S.NOTES.value,
    ),
    # Shared only through the rules of sync.sharing (the owner, the referral), never by section.
    "case_stage_change": Record(
        N_("Stage change"),
        {
            "from_stage": _codes(N_("Stage"), "stage"),
            "to_stage": _codes(N_("Stage"), "stage"),
            "reason": Field(N_("Reason")),
        },
    ),
    "case_task": Record(
        N_("Follow-up task"),
        {
            "title": Field(N_("Task")),
            "details": Field(N_("Details")),
            "due_date": Field(N_("By when")),
            "assigned_to": _user(N_("Assigned to")),
            "status": _codes(N_("Status"), "task_status"),
            "done_at": Field(N_("Done on")),
            "outcome": Field(N_("What happened")),
        },
    ),
    "consent": Record(
        N_("Consent"),
        {
            "purpose": _codes(N_("Consent to"), "consent_purpose"),
            "shared_with_org_id": _org(N_("Share with")),
            "basis": _codes(N_("Lawful basis"), "lawful_basis"),
            "basis_reason": Field(N_("Why consent could not be obtained")),
            "given_by": _codes(N_("Given by"), "consent_giver"),
            "giver_name": Field(N_("Name of the person who consented")),
            "method": _codes(N_("How"), "consent_method"),
            "given_on": Field(N_("Date given")),
            "withdrawn_at": Field(N_("Withdrawn on")),
            "withdrawn_by": _user(),
            "withdrawn_reason": Field(N_("Why it was withdrawn")),
        },
    ),
    "referral": Record(
        N_("Referral"),
        {
            "to_org_id": _org(N_("Refer to")),
            "service": _codes(N_("Service needed"), "service"),
            "urgency": _codes(N_("Urgency"), "urgency"),
            "reason": Field(N_("Why the child is referred")),
            "shared_sections": _codes(N_("What to share"), "shared_section"),
            "due_date": Field(N_("Answer needed by")),
            "status": _codes(N_("Status"), "referral_status"),
            "consent_id": _link(""),
            "override_reason": Field(N_("Why it cannot wait for consent")),
            "sent_at": Field(""),
            "status_changed_at": Field(""),
            "closing_reason": Field(N_("Why the referral was closed")),
        },
    ),
    "referral_event": Record(
        N_("Referral answer"),
        {
            "referral_id": _link(""),
            "kind": Field(N_("Kind")),
            "from_status": _codes(N_("Status"), "referral_status"),
            "to_status": _codes(N_("Status"), "referral_status"),
            "text": Field(N_("Answer")),
        },
    ),
    "erasure": Record(
        N_("Erasure"),
        {"reason": _codes(N_("Reason"), "erasure_reason"), "erased": Field("")},
    ),
    AUDIT_TABLE: Record(
        "",
        {
            name: Field("")
            for name in (
                "device_id",
                "seq",
                "at",
                "actor",
                "action",
                "entity",
                "entity_id",
                "detail",
                "prev_hash",
                "hash",
            )
        },
    ),
}
UNKNOWN_RECORD: Final = N_("Record")


def record_label(table: str) -> str:
    """The msgid naming a kind of record; an unknown table (a newer app's) reads "Record"."""
    found = RECORDS.get(table)
    return found.label if found and found.label else UNKNOWN_RECORD


def field_of(table: str, name: str) -> Field | None:
    record = RECORDS.get(table)
    found = record.fields.get(name) if record else None
    return found if found is not None else COMMON.get(name)


@cache
def _tables() -> dict[str, Table]:
    found: dict[str, Table] = {}
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        if isinstance(table, Table) and (is_synced(mapper.class_) or table.name == AUDIT_TABLE):
            found[table.name] = table
    return found


def kind_of(table: str, name: str) -> Kind:
    """What the column holds, from its type and the catalog (TEXT for anything unknown)."""
    info = field_of(table, name)
    column = _tables()[table].columns.get(name) if table in _tables() else None
    sql = column.type if column is not None else None
    if info is not None and info.codes:
        return Kind.CODES if isinstance(sql, JSON) else Kind.CODE
    if info is not None and info.refers is not None:
        return {
            Refers.USER: Kind.USER,
            Refers.ORGANISATION: Kind.ORGANISATION,
            Refers.RECORD: Kind.RECORD,
        }[info.refers]
    if name == "id":
        return Kind.RECORD
    if isinstance(sql, Boolean):
        return Kind.BOOLEAN
    if isinstance(sql, UtcDateTime):
        return Kind.DATETIME
    if isinstance(sql, Date):
        return Kind.DATE
    if isinstance(sql, Integer):
        return Kind.NUMBER
    if isinstance(sql, JSON) and info is not None and info.label:
        return Kind.TEXTS  # a list people write (bookkeeping JSON has no label)
    if isinstance(sql, JSON | LargeBinary):
        return Kind.DATA
    if isinstance(sql, Text):
        return Kind.LONG_TEXT
    return Kind.TEXT


@cache
def code_fields() -> Mapping[tuple[str, str], str]:
    """(table, column) -> the model.labels kind of the codes it holds."""
    found: dict[tuple[str, str], str] = {}
    for table, record in RECORDS.items():
        for name, info in record.fields.items():
            if info.codes:
                found[(table, name)] = info.codes
    return found


def shared_by_section() -> dict[str, dict[str, tuple[str, ...] | str]]:
    """section -> table -> the columns it shares (ALL: every column of the linked rows)."""
    found: dict[str, dict[str, tuple[str, ...] | str]] = {s.value: {} for s in SharedSection}
    for table, record in RECORDS.items():
        if record.section is not None:
            found[record.section][table] = ALL
            continue
        for name, info in record.fields.items():
            if info.section is not None and info.section != BASE:
                columns = found[info.section].setdefault(table, ())
                assert isinstance(columns, tuple)
                found[info.section][table] = (*columns, name)
    return {section: tables for section, tables in found.items() if tables}


def allowed(table: str, name: str, value: object) -> bool:
    """Whether a value fits a code field (any value fits a field that holds no codes)."""
    codes_kind = code_fields().get((table, name))
    if codes_kind is None or value is None:
        return True
    codes = {member.value for member in LABEL_TABLES[codes_kind]}
    if kind_of(table, name) is Kind.CODES:
        try:
            items = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            return False
        return isinstance(items, list) and all(str(i) in codes for i in items)
    return str(value) in codes


def base_fields(table: str) -> tuple[str, ...]:
    """The columns sent with any shared row of `table` (a child or a case), whatever the
    sections."""
    record = RECORDS.get(table)
    if record is None:
        return ()
    return tuple(name for name, info in record.fields.items() if info.section == BASE)


def uncatalogued() -> list[str]:
    """Synced columns the catalog does not describe (a test keeps this empty)."""
    missing = []
    for table, sql_table in sorted(_tables().items()):
        record = RECORDS.get(table)
        if record is None:
            missing.append(f"{table} (the whole record)")
            continue
        for column in sql_table.columns:
            if column.name != "id" and field_of(table, column.name) is None:
                missing.append(f"{table}.{column.name}")
    return missing


def stale() -> list[str]:
    """Catalogued columns the model no longer has."""
    tables = _tables()
    return [
        f"{table}.{name}"
        for table, record in sorted(RECORDS.items())
        for name in record.fields
        if table not in tables or name not in tables[table].columns
    ]
