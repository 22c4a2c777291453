"""Community child-protection mechanisms (tambon centres and children and youth councils) the
organisation works with, the meetings they held, and the cases they referred to us or we
referred to them.

Data managers and supervisors keep the list and its meetings; everyone of the organisation
may read it (a field worker needs the centre's contact); case workers link the cases they
may work on. The contact person's name and phone are never written to the audit trail.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import Guard
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import FieldError, NotFound, ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model import Case, Mechanism, MechanismMeeting
from cmdesk.core.model.mechanism import MechanismKind
from cmdesk.core.model.roles import Role
from cmdesk.core.reference.geography import subdistrict
from cmdesk.core.services.case_dto import CaseDTO, case_dto
from cmdesk.core.services.outcome import Outcome

MANAGE_ROLES: Final = (Role.DATA_MANAGER, Role.SUPERVISOR)
MAX_NAME: Final = 200
MAX_PHONE: Final = 40
MAX_NOTE: Final = 4000
MAX_ATTENDEES: Final = 10_000
_PHONE: Final = re.compile(r"^\+?[0-9 \-]{3,20}$")
TOO_LONG: Final = N_("At most {max} characters.")


class Direction(StrEnum):
    """Which way a case went between the mechanism and the organisation."""

    FROM = "from"  # the mechanism referred the case to us
    TO = "to"  # we referred the case to the mechanism


_COLUMN: Final = {
    Direction.FROM: "referred_by_mechanism_id",
    Direction.TO: "referred_to_mechanism_id",
}


@dataclass(frozen=True, kw_only=True)
class MechanismDTO:
    id: str
    kind: str
    name: str
    subdistrict_code: str
    contact_name: str
    contact_phone: str
    active: bool
    meetings: int = 0
    last_meeting: date | None = None
    cases: int = 0  # live cases linked to it, either way

    @property
    def district_code(self) -> str:
        return self.subdistrict_code[:4]


@dataclass(frozen=True, kw_only=True)
class MeetingDTO:
    id: str
    mechanism_id: str
    held_on: date
    attendees: int
    note: str


@dataclass(frozen=True)
class MechanismDraft:
    """What a person types for a mechanism (checked by `checked`)."""

    kind: str
    name: str
    subdistrict_code: str
    contact_name: str = ""
    contact_phone: str = ""
    active: bool = True


def checked(draft: MechanismDraft) -> MechanismDraft:
    """The draft trimmed, or a ValidationError naming every field that is wrong."""
    errors: list[FieldError] = []
    name = " ".join(draft.name.split())
    contact = " ".join(draft.contact_name.split())
    phone = draft.contact_phone.strip()
    code = draft.subdistrict_code.strip()
    if draft.kind not in {k.value for k in MechanismKind}:
        errors.append(FieldError("kind", N_("Choose one of the listed values.")))
    if not name:
        errors.append(FieldError("name", N_("Give the name of the mechanism.")))
    elif len(name) > MAX_NAME:
        errors.append(FieldError("name", TOO_LONG, {"max": MAX_NAME}))
    if len(code) != 6 or subdistrict(code) is None:
        errors.append(FieldError("subdistrict_code", N_("Choose a subdistrict (6-digit code).")))
    if len(contact) > MAX_NAME:
        errors.append(FieldError("contact_name", TOO_LONG, {"max": MAX_NAME}))
    if phone and not _PHONE.match(phone):
        errors.append(
            FieldError("contact_phone", N_("A phone number has only digits, spaces, dashes and +."))
        )
    if errors:
        raise ValidationError(errors)
    return MechanismDraft(draft.kind, name, code, contact, phone, draft.active)


def _check_meeting(held_on: date, attendees: int, note: str) -> str:
    errors: list[FieldError] = []
    if held_on > thai_today():
        errors.append(FieldError("held_on", N_("The date cannot be in the future.")))
    if not 0 <= attendees <= MAX_ATTENDEES:
        errors.append(
            FieldError("attendees", N_("Give a number from 0 to {max}."), {"max": MAX_ATTENDEES})
        )
    text = note.strip()
    if len(text) > MAX_NOTE:
        errors.append(FieldError("note", TOO_LONG, {"max": MAX_NOTE}))
    if errors:
        raise ValidationError(errors)
    return text


def _meeting_dto(m: MechanismMeeting) -> MeetingDTO:
    return MeetingDTO(
        id=m.id, mechanism_id=m.mechanism_id, held_on=m.held_on, attendees=m.attendees, note=m.note
    )


class MechanismService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)

    # -- the list ----------------------------------------------------------------------
    def add(self, draft: MechanismDraft) -> Outcome[MechanismDTO]:
        good = checked(draft)
        with self._guard.write() as s:
            self._guard.require(*MANAGE_ROLES, entity="mechanism")
            row = Mechanism(org_id=self._ctx.actor.org_id)
            _fill(row, good)
            s.add(row)
            s.flush()
            self._audit.record(
                s,
                "mechanism.add",
                "mechanism",
                row.id,
                {"kind": row.kind, "sd": row.subdistrict_code},
            )
            dto = self._dto(s, row)
        return Outcome(dto, OpChanges.of(Kind.MECHANISM, ids=(dto.id,)))

    def update(self, mechanism_id: str, draft: MechanismDraft) -> Outcome[MechanismDTO]:
        """Every field as the draft says (an inactive mechanism is kept, never deleted)."""
        good = checked(draft)
        with self._guard.write() as s:
            self._guard.require(*MANAGE_ROLES, entity="mechanism", entity_id=mechanism_id)
            row = self._mechanism(s, mechanism_id)
            _fill(row, good)
            self._audit.record(
                s,
                "mechanism.update",
                "mechanism",
                row.id,
                {"kind": row.kind, "sd": row.subdistrict_code, "active": row.active},
            )
            dto = self._dto(s, row)
        return Outcome(dto, OpChanges.of(Kind.MECHANISM, ids=(dto.id,)))

    def get(self, mechanism_id: str) -> MechanismDTO:
        with self._guard.read() as s:
            return self._dto(s, self._mechanism(s, mechanism_id))

    def list(
        self, *, subdistrict_code: str = "", district_code: str = "", active_only: bool = False
    ) -> builtins.list[MechanismDTO]:
        """The organisation's mechanisms by area code, then name; a subdistrict or district
        code narrows the list to that area."""
        query = select(Mechanism).where(Mechanism.org_id == self._ctx.actor.org_id)
        if subdistrict_code:
            query = query.where(Mechanism.subdistrict_code == subdistrict_code.strip())
        if district_code:
            query = query.where(Mechanism.subdistrict_code.startswith(district_code.strip()))
        if active_only:
            query = query.where(Mechanism.active.is_(True))
        query = query.order_by(Mechanism.subdistrict_code, Mechanism.kind, Mechanism.name)
        with self._guard.read() as s:
            rows = s.scalars(query).all()
            held = _meeting_counts(s, self._ctx.actor.org_id)
            cases = _linked_counts(s)
            return [_dto(r, *held.get(r.id, (0, None)), cases.get(r.id, 0)) for r in rows]

    # -- meetings ----------------------------------------------------------------------
    def record_meeting(
        self, mechanism_id: str, held_on: date, attendees: int, note: str = ""
    ) -> Outcome[MeetingDTO]:
        text = _check_meeting(held_on, attendees, note)
        with self._guard.write() as s:
            self._guard.require(*MANAGE_ROLES, entity="mechanism", entity_id=mechanism_id)
            mech = self._mechanism(s, mechanism_id)
            row = MechanismMeeting(
                org_id=mech.org_id,
                mechanism_id=mech.id,
                held_on=held_on,
                attendees=attendees,
                note=text,
            )
            s.add(row)
            s.flush()
            self._audit.record(
                s, "mechanism.meeting", "mechanism", mech.id, {"on": held_on.isoformat()}
            )
            dto = _meeting_dto(row)
        return Outcome(dto, OpChanges.of(Kind.MECHANISM, ids=(mech.id, dto.id)))

    def meetings(self, mechanism_id: str) -> builtins.list[MeetingDTO]:
        """Newest first."""
        with self._guard.read() as s:
            mech = self._mechanism(s, mechanism_id)
            rows = s.scalars(
                select(MechanismMeeting)
                .where(MechanismMeeting.mechanism_id == mech.id)
                .order_by(MechanismMeeting.held_on.desc(), MechanismMeeting.id)
            ).all()
            return [_meeting_dto(m) for m in rows]

    # -- cases -------------------------------------------------------------------------
    def link_case(self, case_id: str, mechanism_id: str | None, direction: str) -> Outcome[CaseDTO]:
        """Which mechanism referred the case to us (`from`), or which we referred it to
        (`to`); None clears it. For whoever may work on the case."""
        if direction not in {d.value for d in Direction}:
            raise ValidationError.single("direction", N_("Choose one of the listed values."))
        self._guard.require_casework()
        with self._guard.write() as s:
            case = self._guard.case(s, case_id, open_only=True)
            if mechanism_id:
                mech = s.get(Mechanism, mechanism_id)
                if mech is None or mech.org_id != case.org_id:
                    raise ValidationError.single(
                        "mechanism", N_("Choose a mechanism the organisation works with.")
                    )
            setattr(case, _COLUMN[Direction(direction)], mechanism_id or None)
            self._audit.record(
                s,
                "case.mechanism",
                "case",
                case.id,
                {"direction": direction, "mechanism": mechanism_id or None},
            )
            dto = case_dto(s, case, self._ctx.actor)
        return Outcome(dto, OpChanges.of(Kind.CASE, Kind.MECHANISM, ids=(dto.id,)))

    def for_case(self, case_id: str) -> dict[str, MechanismDTO | None]:
        """The case's mechanisms by direction (`from`, `to`)."""
        with self._guard.read() as s:
            case = self._guard.case(s, case_id)
            out: dict[str, MechanismDTO | None] = {}
            for direction, column in _COLUMN.items():
                linked = getattr(case, column)
                row = s.get(Mechanism, linked) if linked else None
                out[direction.value] = self._dto(s, row) if row is not None else None
            return out

    # -- helpers -----------------------------------------------------------------------
    def _mechanism(self, s: Session, mechanism_id: str) -> Mechanism:
        row = s.get(Mechanism, mechanism_id)
        if row is None or row.org_id != self._ctx.actor.org_id:
            raise NotFound
        return row

    def _dto(self, s: Session, row: Mechanism) -> MechanismDTO:
        s.flush()
        count, last = _meeting_counts(s, row.org_id, row.id).get(row.id, (0, None))
        return _dto(row, count, last, _linked_counts(s, row.id).get(row.id, 0))


def _fill(row: Mechanism, draft: MechanismDraft) -> None:
    row.kind = draft.kind
    row.name = draft.name
    row.subdistrict_code = draft.subdistrict_code
    row.contact_name = draft.contact_name
    row.contact_phone = draft.contact_phone
    row.active = draft.active


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _meeting_counts(
    s: Session, org_id: str, mechanism_id: str | None = None
) -> dict[str, tuple[int, date | None]]:
    """Meetings each mechanism held, and the day of the latest."""
    query = (
        select(MechanismMeeting.mechanism_id, func.count(), func.max(MechanismMeeting.held_on))
        .where(MechanismMeeting.org_id == org_id)
        .group_by(MechanismMeeting.mechanism_id)
    )
    if mechanism_id is not None:
        query = query.where(MechanismMeeting.mechanism_id == mechanism_id)
    return {m: (int(n), _as_date(last)) for m, n, last in s.execute(query)}


def _linked_counts(s: Session, mechanism_id: str | None = None) -> dict[str, int]:
    """Live cases linked to each mechanism, either way (a case linked both ways to the same
    mechanism counts once)."""
    found: dict[str, set[str]] = {}
    for column in (Case.referred_by_mechanism_id, Case.referred_to_mechanism_id):
        query = select(column, Case.id).where(column.is_not(None), Case.deleted_at.is_(None))
        if mechanism_id is not None:
            query = query.where(column == mechanism_id)
        for linked, case_id in s.execute(query):
            if linked is not None:
                found.setdefault(linked, set()).add(case_id)
    return {k: len(v) for k, v in found.items()}


def _dto(
    row: Mechanism, meetings: int = 0, last: date | None = None, cases: int = 0
) -> MechanismDTO:
    return MechanismDTO(
        id=row.id,
        kind=row.kind,
        name=row.name,
        subdistrict_code=row.subdistrict_code,
        contact_name=row.contact_name,
        contact_phone=row.contact_phone,
        active=row.active,
        meetings=meetings,
        last_meeting=last,
        cases=cases,
    )
