"""The field catalog: for every column of every synced record, what people call it, which code
list it holds, whom or what it refers to, and which section of a referral shares it.

Each column says so itself (`mapped_column(info=about(...))`, see model.field_info); this
module adds what is said once for many columns (COMMON, a record's label and section) and
answers questions about them. Everything that needs to know about a field reads it here: the
sync sharing filter (which columns a partner receives), the check of a value typed to settle a
conflict, the conflict screen's labels and value formatting, the child's plain texts in the
services and forms, and the PDPA export's labels. A column's kind (text, date, code, person …)
comes from its SQL type and these facts. A test fails, naming the column, when a synced column
is described nowhere, so a new field cannot be added without deciding what it is and whether it
is shared.

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
from cmdesk.core.model.field_info import BASE, INFO_KEY, Field, Refers
from cmdesk.core.model.labels import TABLES as LABEL_TABLES
from cmdesk.core.model.referral import SharedSection
from cmdesk.core.text_ids import N_

AUDIT_TABLE: Final = "audit_entry"
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


@dataclass(frozen=True)
class Record:
    label: str
    # Columns this record inherits (from Synced, SoftDeleted) that mean more here than in
    # COMMON; every column of its own carries its Field on the column (field_info).
    fields: dict[str, Field] = field(default_factory=dict)
    # The section sharing every row of this table (linked to a shared case or child).
    section: str | None = None


def _user(label: str = "") -> Field:
    return Field(label, refers=Refers.USER)


def _org(label: str, section: str | None = None) -> Field:
    return Field(label, refers=Refers.ORGANISATION, section=section)


def _link(label: str, section: str | None = None) -> Field:
    return Field(label, refers=Refers.RECORD, section=section)


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
        },
    ),
    "case_file": Record(
        N_("Case"),
        {
            "org_id": _org("", BASE),
            "created_at": Field("", section=BASE),
            "deleted_at": Field(N_("Deleted"), section=BASE),
        },
    ),
    "household_member": Record(N_("Household member"), section=S.HOUSEHOLD.value),
    "case_risk_change": Record(N_("Risk level change"), section=RISK),
    "case_assessment": Record(N_("Assessment"), section=S.ASSESSMENT.value),
    "case_goal": Record(N_("Goal of the plan"), section=S.CASE_PLAN.value),
    "case_plan_action": Record(N_("Action of the plan"), section=S.CASE_PLAN.value),
    "case_review": Record(N_("Review"), section=S.CASE_PLAN.value),
    "case_note": Record(N_("Note"), section=S.NOTES.value),
    # Shared only through the rules of sync.sharing (the owner, the referral), never by section.
    "case_stage_change": Record(N_("Stage change")),
    "case_task": Record(N_("Follow-up task")),
    "consent": Record(N_("Consent")),
    "referral": Record(N_("Referral")),
    "referral_event": Record(N_("Referral answer")),
    "erasure": Record(N_("Erasure")),
    # The organisation's own working partners in the community: never shared by section (a
    # referral shares a child's case, not the organisation's contacts; see model.mechanism).
    "community_mechanism": Record(N_("Community mechanism")),
    "mechanism_meeting": Record(N_("Meeting of a community mechanism")),
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
# Synced records of the organisation's own that are about no child (its community partners):
# not part of a child's records, so not in a PDPA export or erasure of a child.
ORGANISATION_RECORDS: Final = frozenset({"community_mechanism", "mechanism_meeting"})


def record_label(table: str) -> str:
    """The msgid naming a kind of record; an unknown table (a newer app's) reads "Record"."""
    found = RECORDS.get(table)
    return found.label if found and found.label else UNKNOWN_RECORD


def field_of(table: str, name: str) -> Field | None:
    found = fields_of(table).get(name)
    return found if found is not None else COMMON.get(name)


def label_of(table: str, name: str) -> str:
    """The msgid naming a column ("" for bookkeeping no screen shows by itself)."""
    found = field_of(table, name)
    return found.label if found is not None else ""


@cache
def fields_of(table: str) -> Mapping[str, Field]:
    """Every column of `table` described on the column or at the record, in column order
    (COMMON's columns only where the record says more about them)."""
    record = RECORDS.get(table)
    extra = record.fields if record else {}
    sql = _tables().get(table)
    found: dict[str, Field] = {}
    for column in sql.columns if sql is not None else ():
        info = column.info.get(INFO_KEY)
        if isinstance(info, Field):
            found[column.name] = info
        elif column.name in extra:
            found[column.name] = extra[column.name]
    return found


def plain_texts(table: str) -> tuple[str, ...]:
    """The plain texts people type on a `table` row (field_info.plain_text), in column order."""
    return tuple(name for name, info in fields_of(table).items() if info.plain)


def max_length(table: str, name: str) -> int | None:
    """The longest text a column holds (None: a Text column, bounded by the services)."""
    column = _tables()[table].columns[name]
    length = getattr(column.type, "length", None)
    return length if isinstance(length, int) else None


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
    for table in RECORDS:
        for name, info in fields_of(table).items():
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
        for name, info in fields_of(table).items():
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


@cache
def personal_fields() -> tuple[tuple[str, str], ...]:
    """(table, column) of the adults' personal data on records (field_info.adult_contact)."""
    return tuple(
        (table, name)
        for table in RECORDS
        for name, info in fields_of(table).items()
        if info.personal
    )


def base_fields(table: str) -> tuple[str, ...]:
    """The columns sent with any shared row of `table` (a child or a case), whatever the
    sections."""
    return tuple(name for name, info in fields_of(table).items() if info.section == BASE)


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
