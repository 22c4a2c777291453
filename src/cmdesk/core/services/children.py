"""Registering children, with a duplicate check first, and keeping their details and household.

Field workers, case managers and supervisors register and edit children; who sees a child
follows from the cases they may see (cmdesk.core.acting.access). Reading a child's record is
audited; the audit holds ids and codes only.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import Guard, child_scope
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.errors import DuplicateSuspected, FieldError, NotFound, ValidationError
from cmdesk.core.i18n import BirthDate
from cmdesk.core.model import Case, Child, HouseholdMember, catalog
from cmdesk.core.model.child import birth_of, full_name
from cmdesk.core.model.roles import Role
from cmdesk.core.services.child_drafts import (
    CheckedChild,
    ChildDraft,
    HouseholdMemberDraft,
    check_child,
    check_household_member,
)
from cmdesk.core.services.deletion import check_reason, soft_delete
from cmdesk.core.services.duplicates import DuplicateCandidate, Probe, find_candidates
from cmdesk.core.services.outcome import Outcome
from cmdesk.core.services.referral_intake import require_intake


@dataclass(frozen=True, kw_only=True)
class HouseholdMemberDTO:
    id: str
    child_id: str
    name: str
    relationship: str
    is_caregiver: bool
    lives_with_child: bool
    birth_year: int | None
    phone: str
    contact_notes: str


@dataclass(frozen=True, kw_only=True)
class ChildDTO:
    id: str
    org_id: str
    given_name_th: str
    family_name_th: str
    given_name_latin: str
    family_name_latin: str
    nickname: str
    other_names: tuple[str, ...]
    sex: str
    birth: BirthDate | None
    ethnicity: str
    nationality: str
    legal_status: str
    id_document_type: str
    id_number: str | None
    village: str
    province_code: str
    district_code: str
    subdistrict_code: str
    languages: tuple[str, ...]
    school_status: str
    disability: str
    texts: Mapping[str, str]  # the child's plain texts by column name (ChildDraft.texts)
    household: tuple[HouseholdMemberDTO, ...]
    case_ids: tuple[str, ...]
    created_at: datetime
    created_by: str
    updated_at: datetime

    @property
    def name_th(self) -> str:
        return full_name(self.given_name_th, self.family_name_th)

    @property
    def name_latin(self) -> str:
        return full_name(self.given_name_latin, self.family_name_latin)


@dataclass(frozen=True, kw_only=True)
class ChildSummary:
    id: str
    given_name_th: str
    family_name_th: str
    given_name_latin: str
    family_name_latin: str
    nickname: str
    sex: str
    birth_year: int | None
    subdistrict_code: str

    @classmethod
    def of(cls, c: Child) -> ChildSummary:
        return cls(
            id=c.id,
            given_name_th=c.given_name_th,
            family_name_th=c.family_name_th,
            given_name_latin=c.given_name_latin,
            family_name_latin=c.family_name_latin,
            nickname=c.nickname,
            sex=c.sex,
            birth_year=c.birth_year,
            subdistrict_code=c.subdistrict_code,
        )


def member_dto(m: HouseholdMember) -> HouseholdMemberDTO:
    return HouseholdMemberDTO(
        id=m.id,
        child_id=m.child_id,
        name=m.name,
        relationship=m.relationship,
        is_caregiver=m.is_caregiver,
        lives_with_child=m.lives_with_child,
        birth_year=m.birth_year,
        phone=m.phone,
        contact_notes=m.contact_notes,
    )


def child_dto(child: Child, members: list[HouseholdMember], case_ids: list[str]) -> ChildDTO:
    return ChildDTO(
        id=child.id,
        org_id=child.org_id,
        given_name_th=child.given_name_th,
        family_name_th=child.family_name_th,
        given_name_latin=child.given_name_latin,
        family_name_latin=child.family_name_latin,
        nickname=child.nickname,
        other_names=tuple(child.other_names or ()),
        sex=child.sex,
        birth=birth_of(child),
        ethnicity=child.ethnicity,
        nationality=child.nationality,
        legal_status=child.legal_status,
        id_document_type=child.id_document_type,
        id_number=child.id_number,
        village=child.village,
        province_code=child.province_code,
        district_code=child.district_code,
        subdistrict_code=child.subdistrict_code,
        languages=tuple(child.languages or ()),
        school_status=child.school_status,
        disability=child.disability,
        texts={name: getattr(child, name) for name in catalog.plain_texts("child")},
        household=tuple(member_dto(m) for m in members),
        case_ids=tuple(case_ids),
        created_at=child.created_at,
        created_by=child.created_by,
        updated_at=child.updated_at,
    )


def _apply(child: Child, checked: CheckedChild) -> None:
    d = checked.draft

    def clean(text: str) -> str:
        return " ".join(text.split())

    child.given_name_th = clean(d.given_name_th)
    child.family_name_th = clean(d.family_name_th)
    child.given_name_latin = clean(d.given_name_latin)
    child.family_name_latin = clean(d.family_name_latin)
    child.nickname = clean(d.nickname)
    child.other_names = checked.other_names
    child.sex = d.sex
    b = d.birth
    child.birth_precision = b.precision if b else None
    child.birth_year = b.year if b else None
    child.birth_day = b.day if b else None
    child.birth_stated_age = b.stated_age if b else None
    child.birth_stated_on = b.stated_on if b else None
    child.ethnicity = d.ethnicity
    child.nationality = d.nationality
    child.legal_status = d.legal_status
    child.id_document_type = d.id_document_type
    child.id_number = checked.id_number
    child.village = clean(d.village)
    child.province_code = checked.province_code
    child.district_code = checked.district_code
    child.subdistrict_code = checked.subdistrict_code
    child.languages = checked.languages
    child.school_status = d.school_status
    child.disability = d.disability
    for name, value in checked.texts.items():
        setattr(child, name, value)


def _apply_member(m: HouseholdMember, d: HouseholdMemberDraft) -> None:
    m.name = " ".join(d.name.split())
    m.relationship = d.relationship
    m.is_caregiver = d.is_caregiver
    m.lives_with_child = d.lives_with_child
    m.birth_year = d.birth_year
    m.phone = d.phone.strip()
    m.contact_notes = d.contact_notes.strip()


def probe_of(checked: CheckedChild) -> Probe:
    d = checked.draft
    return Probe(
        checked.id_number,
        d.birth.year if d.birth else None,
        checked.subdistrict_code,
        d.given_name_th,
        d.family_name_th,
        d.given_name_latin,
        d.family_name_latin,
    )


class ChildService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)

    # -- registration --------------------------------------------------------------
    def find_duplicates(
        self, draft: ChildDraft, *, for_referral: str | None = None
    ) -> list[DuplicateCandidate]:
        """Children who may be the same as this draft; call before registering. An invalid
        draft raises ValidationError (its identity number must be readable to compare).
        `for_referral`: as register_child's."""
        self._guard.require_casework()
        checked = check_child(draft, with_household=True)
        with self._guard.write() as s:
            found = find_candidates(s, probe_of(checked), self._referred(s, for_referral))
            self._audit.record(
                s,
                "child.duplicate_check",
                "child",
                "",
                {"candidates": [c.child_id for c in found]},
            )
        return found

    def register_child(
        self,
        draft: ChildDraft,
        confirm_not_duplicate: bool = False,
        *,
        for_referral: str | None = None,
    ) -> Outcome[ChildDTO]:
        """Registers a child (and the household in the draft).

        Raises DuplicateSuspected, carrying the candidates, when the child may already be
        registered, unless the worker has looked and confirmed this is a different child.
        `for_referral`: the child is the one an accepted referral from another organisation
        names (referral_intake); the sender's record of the child, held here because the
        referral shares it, is not a duplicate.
        """
        self._guard.require_casework()
        checked = check_child(draft, with_household=True)
        with self._guard.write() as s:
            candidates = find_candidates(s, probe_of(checked), self._referred(s, for_referral))
            if candidates and not confirm_not_duplicate:
                raise DuplicateSuspected(tuple(candidates))
            child = Child(org_id=self._ctx.actor.org_id)
            _apply(child, checked)
            s.add(child)
            s.flush()
            members = []
            for d in draft.household:
                m = HouseholdMember(org_id=child.org_id, child_id=child.id)
                _apply_member(m, d)
                members.append(m)
            s.add_all(members)
            s.flush()
            detail: dict[str, object] = {"household": len(members)}
            if candidates:
                detail["confirmed_not_duplicate_of"] = [c.child_id for c in candidates]
            if for_referral is not None:
                detail["referral"] = for_referral
            self._audit.record(s, "child.register", "child", child.id, detail)
            dto = child_dto(child, members, [])
        ids = [dto.id, *(m.id for m in dto.household)]
        return Outcome(dto, OpChanges(frozenset({Kind.CHILD, Kind.HOUSEHOLD}), frozenset(ids)))

    def _referred(self, s: Session, referral_id: str | None) -> str | None:
        """The sender's child of the referral the registration is for (it is the child being
        registered, not a duplicate), once the referral allows it (referral_intake)."""
        if referral_id is None:
            return None
        return require_intake(s, self._ctx.actor, referral_id).child_id

    # -- reading ---------------------------------------------------------------------
    def get(self, child_id: str) -> ChildDTO:
        """One child's full record (audited as a read)."""
        with self._guard.write() as s:
            child = self._guard.child(s, child_id)
            dto = self._dto(s, child)
            self._audit.record(s, "child.read", "child", child.id)
        return dto

    def list(self, text: str = "", limit: int = 200) -> builtins.list[ChildSummary]:
        """Children the user may see, optionally those whose names contain `text`."""
        self._guard.require_casework()
        query = select(Child).where(child_scope(self._ctx.actor))
        needle = text.strip()
        if needle:
            like = f"%{needle}%"
            query = query.where(
                Child.given_name_th.like(like)
                | Child.family_name_th.like(like)
                | Child.given_name_latin.like(like)
                | Child.family_name_latin.like(like)
                | Child.nickname.like(like)
            )
        with self._guard.read() as s:
            rows = s.scalars(
                query.order_by(Child.given_name_th, Child.given_name_latin).limit(limit)
            ).all()
            return [ChildSummary.of(c) for c in rows]

    # -- changing ----------------------------------------------------------------------
    def update_child(self, child_id: str, draft: ChildDraft) -> Outcome[ChildDTO]:
        """Replaces the child's details with the draft's (household members separately)."""
        self._guard.require_casework()
        checked = check_child(draft, with_household=False)
        with self._guard.write() as s:
            child = self._guard.child(s, child_id)
            _apply(child, checked)
            changed = changed_fields(child)
            s.flush()
            self._audit.record(s, "child.update", "child", child.id, {"fields": changed})
            dto = self._dto(s, child)
        return Outcome(dto, OpChanges.of(Kind.CHILD, ids=(dto.id,)))

    def add_household_member(
        self, child_id: str, draft: HouseholdMemberDraft
    ) -> Outcome[HouseholdMemberDTO]:
        self._guard.require_casework()
        _check_member(draft)
        with self._guard.write() as s:
            child = self._guard.child(s, child_id)
            m = HouseholdMember(org_id=child.org_id, child_id=child.id)
            _apply_member(m, draft)
            s.add(m)
            s.flush()
            self._audit.record(s, "household.add", "household_member", m.id, {"child": child.id})
            dto = member_dto(m)
        return Outcome(dto, OpChanges.of(Kind.HOUSEHOLD, Kind.CHILD, ids=(dto.id, child_id)))

    def update_household_member(
        self, member_id: str, draft: HouseholdMemberDraft
    ) -> Outcome[HouseholdMemberDTO]:
        self._guard.require_casework()
        _check_member(draft)
        with self._guard.write() as s:
            m = self._member(s, member_id)
            _apply_member(m, draft)
            self._audit.record(
                s, "household.update", "household_member", m.id, {"child": m.child_id}
            )
            dto = member_dto(m)
        return Outcome(dto, OpChanges.of(Kind.HOUSEHOLD, Kind.CHILD, ids=(dto.id, dto.child_id)))

    def remove_household_member(self, member_id: str, reason: str) -> Outcome[None]:
        self._guard.require_casework()
        why = check_reason(reason)
        with self._guard.write() as s:
            m = self._member(s, member_id)
            soft_delete(m, self._ctx.actor.user_id, why)
            self._audit.record(
                s, "household.remove", "household_member", m.id, {"child": m.child_id}
            )
            child_id = m.child_id
        return Outcome(None, OpChanges.of(Kind.HOUSEHOLD, Kind.CHILD, ids=(member_id, child_id)))

    def soft_delete(self, child_id: str, reason: str) -> Outcome[None]:
        """Hides a child registered in error, with the child's cases. Supervisors only; the
        rows stay (erasure is the data manager's PDPA action)."""
        why = check_reason(reason)
        with self._guard.write() as s:
            self._guard.require(Role.SUPERVISOR, entity="child", entity_id=child_id)
            child = self._guard.child(s, child_id)
            cases = s.scalars(
                select(Case).where(Case.child_id == child.id, Case.deleted_at.is_(None))
            ).all()
            soft_delete(child, self._ctx.actor.user_id, why)
            for case in cases:
                soft_delete(case, self._ctx.actor.user_id, why)
            self._audit.record(
                s, "child.delete", "child", child.id, {"cases": [c.id for c in cases]}
            )
            ids = frozenset({child.id, *(c.id for c in cases)})
        return Outcome(None, OpChanges(frozenset({Kind.CHILD, Kind.CASE}), ids))

    # -- helpers -------------------------------------------------------------------------
    def _member(self, s: Session, member_id: str) -> HouseholdMember:
        m = s.get(HouseholdMember, member_id)
        if m is None or m.deleted_at is not None:
            raise NotFound
        self._guard.child(s, m.child_id)
        return m

    def _dto(self, s: Session, child: Child) -> ChildDTO:
        members = s.scalars(
            select(HouseholdMember)
            .where(HouseholdMember.child_id == child.id, HouseholdMember.deleted_at.is_(None))
            .order_by(HouseholdMember.created_at, HouseholdMember.id)
        ).all()
        case_ids = s.scalars(
            select(Case.id)
            .where(Case.child_id == child.id, Case.deleted_at.is_(None))
            .order_by(Case.opened_at)
        ).all()
        return child_dto(child, list(members), list(case_ids))


def _check_member(draft: HouseholdMemberDraft) -> None:
    errors: list[FieldError] = []
    check_household_member(draft, errors)
    if errors:
        raise ValidationError(errors)


def changed_fields(row: object) -> list[str]:
    """Names of the columns changed on a row not yet flushed (for the audit: names only)."""
    state = inspect(row)
    return sorted(a.key for a in state.attrs if a.history.has_changes())
