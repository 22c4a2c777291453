"""What a printed document is made from, read from the vault inside one short read transaction.

The report service loads these values inside a read transaction and renders after it has
ended, so no transaction is open while reportlab lays out pages. Everything here is a plain
frozen value (the records services' DTOs and the names a document prints); nothing here checks
permissions: the caller (cmdesk.core.services.reports) has done that for the record it passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.model import (
    Assessment,
    Case,
    Child,
    Consent,
    HouseholdMember,
    Note,
    Organisation,
    Referral,
    Review,
    Task,
    VaultMeta,
)
from cmdesk.core.model.case import Stage
from cmdesk.core.model.org import codes_by_id
from cmdesk.core.model.task import TaskStatus
from cmdesk.core.services.case_dto import CaseDTO, CaseSummary, case_dto, case_summary
from cmdesk.core.services.casework import AssessmentDTO, PlanDTO, ReviewDTO, plan_dto
from cmdesk.core.services.children import ChildDTO, child_dto
from cmdesk.core.services.consents import ConsentDTO, consent_dto
from cmdesk.core.services.notes import NoteDTO
from cmdesk.core.services.referrals import ReferralDTO, referral_dto, referral_dtos
from cmdesk.core.services.users import known_staff


@dataclass(frozen=True)
class Names:
    """Staff and organisation names by id, as documents print them."""

    staff: Mapping[str, str]  # user id -> display name (the user name when none was given)
    orgs: Mapping[str, tuple[str, str]]  # organisation id -> (Thai name, English name)
    own_org_id: str  # the vault's own organisation

    def person(self, user_id: str | None) -> str:
        # Staff of another organisation may be unknown here (their rows never synced to us).
        return self.staff.get(user_id or "", "")

    def org(self, org_id: str | None, locale: str) -> str:
        names = self.orgs.get(org_id or "")
        if names is None:
            return ""
        th, en = names
        return (th or en) if locale == "th" else (en or th)


@dataclass(frozen=True, kw_only=True)
class CaseSource:
    case: CaseDTO
    child: ChildDTO | None
    assessments: tuple[AssessmentDTO, ...]  # the current one per domain, in domain order
    plan: PlanDTO
    reviews: tuple[ReviewDTO, ...]
    referrals: tuple[ReferralDTO, ...]
    consents: tuple[ConsentDTO, ...]
    notes: tuple[NoteDTO, ...]  # empty unless asked for: oldest first, current versions
    names: Names


@dataclass(frozen=True)
class ReferralSource:
    referral: ReferralDTO
    child: ChildDTO | None  # what this vault holds of the child (a partner holds what was shared)
    assessments: tuple[AssessmentDTO, ...]
    plan: PlanDTO | None
    consent: ConsentDTO | None  # the consent (or other lawful basis) the referral rests on
    names: Names


@dataclass(frozen=True, kw_only=True)
class CaseloadRow:
    case: CaseSummary  # the case as every case list shows it
    subdistrict_code: str  # where the child lives
    last_contact_on: date | None  # the day of the newest case note
    next_follow_up_on: date | None  # the earliest open follow-up task


def names(session: Session) -> Names:
    staff = {uid: display or name for uid, (name, display) in known_staff(session).items()}
    orgs = {
        oid: (th, en)
        for oid, th, en in session.execute(
            select(Organisation.id, Organisation.name_th, Organisation.name_en)
        )
    }
    own = session.scalar(select(VaultMeta.value).where(VaultMeta.key == "org_id")) or ""
    return Names(MappingProxyType(staff), MappingProxyType(orgs), own)


def thai_date(moment: datetime) -> date:
    """The day in Thailand of a stored moment (what a Thai reader of the paper expects)."""
    return thai_today(moment)


def load_child(session: Session, child_id: str) -> ChildDTO | None:
    child = session.get(Child, child_id)
    if child is None or child.deleted_at is not None:
        return None
    members = session.scalars(
        select(HouseholdMember)
        .where(HouseholdMember.child_id == child.id, HouseholdMember.deleted_at.is_(None))
        .order_by(HouseholdMember.created_at, HouseholdMember.id)
    ).all()
    case_ids = session.scalars(
        select(Case.id).where(Case.child_id == child.id, Case.deleted_at.is_(None))
    ).all()
    return child_dto(child, list(members), list(case_ids))


def current_assessments(session: Session, case_id: str) -> tuple[AssessmentDTO, ...]:
    """The newest assessment of each domain (a later one supersedes, both are kept)."""
    rows = session.scalars(
        select(Assessment)
        .where(Assessment.case_id == case_id, Assessment.deleted_at.is_(None))
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    ).all()
    latest: dict[str, AssessmentDTO] = {}
    for a in rows:
        if a.domain not in latest:
            latest[a.domain] = AssessmentDTO(
                a.id, a.case_id, a.domain, a.rating, a.findings, a.needs, a.created_at, a.created_by
            )
    return tuple(latest.values())


def _reviews(session: Session, case_id: str) -> tuple[ReviewDTO, ...]:
    rows = session.scalars(
        select(Review)
        .where(Review.case_id == case_id)
        .order_by(Review.review_date, Review.created_at)
    ).all()
    return tuple(
        ReviewDTO(
            r.id, r.case_id, r.review_date, r.progress, r.decision, r.created_at, r.created_by
        )
        for r in rows
    )


def _notes(session: Session, case_id: str) -> tuple[NoteDTO, ...]:
    rows = session.scalars(
        select(Note).where(Note.case_id == case_id).order_by(Note.thread_id, Note.version)
    ).all()
    threads: dict[str, list[Note]] = {}
    for n in rows:
        threads.setdefault(n.thread_id, []).append(n)
    current = [
        NoteDTO(
            id=v[-1].id,
            thread_id=v[-1].thread_id,
            case_id=v[-1].case_id,
            version=v[-1].version,
            kind=v[-1].kind,
            body=v[-1].body,
            author_id=v[-1].created_by,
            written_at=v[-1].created_at,
            versions=len(v),
        )
        for v in threads.values()
    ]
    # Thread ids are UUIDv7 (creation order): the paper reads from the first note on.
    return tuple(sorted(current, key=lambda n: n.thread_id))


def load_case(session: Session, case: Case, *, with_notes: bool) -> CaseSource:
    codes = codes_by_id(session)
    consents = session.scalars(
        select(Consent).where(Consent.child_id == case.child_id).order_by(Consent.given_on)
    ).all()
    referrals = session.scalars(
        select(Referral).where(Referral.case_id == case.id).order_by(Referral.created_at)
    ).all()
    return CaseSource(
        case=case_dto(session, case),
        child=load_child(session, case.child_id),
        assessments=current_assessments(session, case.id),
        plan=plan_dto(session, case),
        reviews=_reviews(session, case.id),
        referrals=tuple(referral_dtos(session, referrals)),
        consents=tuple(consent_dto(c, codes.get(c.shared_with_org_id or "", "")) for c in consents),
        notes=_notes(session, case.id) if with_notes else (),
        names=names(session),
    )


def load_referral(
    session: Session, referral: Referral, *, assessment: bool, plan: bool
) -> ReferralSource:
    """The referral and only the parts of the record the caller says it shares."""
    case = session.get(Case, referral.case_id)
    consent = session.get(Consent, referral.consent_id) if referral.consent_id else None
    codes = codes_by_id(session)
    return ReferralSource(
        referral=referral_dto(session, referral),
        child=load_child(session, referral.child_id),
        assessments=current_assessments(session, referral.case_id) if assessment else (),
        plan=plan_dto(session, case) if plan and case is not None else None,
        consent=consent_dto(consent, codes.get(consent.shared_with_org_id or "", ""))
        if consent is not None
        else None,
        names=names(session),
    )


def caseload_rows(session: Session, cases: list[tuple[Case, Child]]) -> tuple[CaseloadRow, ...]:
    ids = [c.id for c, _ in cases]
    last_note = {
        case_id: at
        for case_id, at in session.execute(
            select(Note.case_id, func.max(Note.created_at))
            .where(Note.case_id.in_(ids))
            .group_by(Note.case_id)
        )
    }
    next_task = {
        case_id: due
        for case_id, due in session.execute(
            select(Task.case_id, func.min(Task.due_date))
            .where(
                Task.case_id.in_(ids),
                Task.deleted_at.is_(None),
                Task.status == TaskStatus.OPEN,
            )
            .group_by(Task.case_id)
        )
    }
    return tuple(
        CaseloadRow(
            case=case_summary(case, child),
            subdistrict_code=child.subdistrict_code,
            last_contact_on=thai_date(last_note[case.id]) if last_note.get(case.id) else None,
            next_follow_up_on=next_task.get(case.id),
        )
        for case, child in cases
        if case.stage != Stage.CLOSURE
    )
