"""Consent and lawful basis: who agreed to what and when, and withdrawals.

A consent for sharing names one organisation. Where consent cannot be had, a record with
another lawful basis (vital interest, legal duty) and its reason takes its place. Anyone who
may see the child records and withdraws consents; withdrawal is possible on closed cases too.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import Guard
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import (
    ConsentRequired,
    FieldError,
    NotFound,
    TransitionNotAllowed,
    ValidationError,
)
from cmdesk.core.i18n import N_
from cmdesk.core.model import Case, Consent, Organisation, Referral, utcnow
from cmdesk.core.model.consent import ConsentGiver, ConsentMethod, ConsentPurpose, LawfulBasis
from cmdesk.core.services.deletion import check_reason
from cmdesk.core.services.outcome import Outcome

MAX_TEXT: Final = 2000


@dataclass(frozen=True, kw_only=True)
class ConsentDraft:
    purpose: str
    given_on: date
    basis: str = LawfulBasis.CONSENT
    given_by: str | None = None  # ConsentGiver; for the consent basis only
    giver_name: str = ""  # the parent's or guardian's name (not needed for the child)
    method: str | None = None  # ConsentMethod; for the consent basis only
    shared_with_org: str | None = None  # code or id; for the sharing purpose only
    basis_reason: str = ""  # why consent could not be had; for other bases
    case_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ConsentDTO:
    id: str
    child_id: str
    case_id: str | None
    purpose: str
    shared_with_org_id: str | None
    shared_with_org_code: str
    basis: str
    basis_reason: str
    given_by: str | None
    giver_name: str
    method: str | None
    given_on: date
    recorded_at: datetime
    recorded_by: str
    withdrawn_at: datetime | None
    withdrawn_reason: str

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


def consent_dto(c: Consent, org_code: str) -> ConsentDTO:
    return ConsentDTO(
        id=c.id,
        child_id=c.child_id,
        case_id=c.case_id,
        purpose=c.purpose,
        shared_with_org_id=c.shared_with_org_id,
        shared_with_org_code=org_code,
        basis=c.basis,
        basis_reason=c.basis_reason,
        given_by=c.given_by,
        giver_name=c.giver_name,
        method=c.method,
        given_on=c.given_on,
        recorded_at=c.created_at,
        recorded_by=c.created_by,
        withdrawn_at=c.withdrawn_at,
        withdrawn_reason=c.withdrawn_reason,
    )


def active_sharing_basis(session: Session, child_id: str, org_id: str) -> Consent | None:
    """The newest standing consent (or other lawful basis) to share with `org_id`."""
    return session.scalars(
        select(Consent)
        .where(
            Consent.child_id == child_id,
            Consent.purpose == ConsentPurpose.SHARING,
            Consent.shared_with_org_id == org_id,
            Consent.withdrawn_at.is_(None),
        )
        .order_by(Consent.created_at.desc())
        .limit(1)
    ).first()


def _check(draft: ConsentDraft, errors: builtins.list[FieldError]) -> None:
    def choice(value: str | None, allowed: set[str], field: str) -> None:
        if value not in allowed:
            errors.append(FieldError(field, N_("Choose one of the listed values.")))

    choice(draft.purpose, {p.value for p in ConsentPurpose}, "purpose")
    choice(draft.basis, {b.value for b in LawfulBasis}, "basis")
    if draft.given_on > thai_today():
        errors.append(FieldError("given_on", N_("The date cannot be in the future.")))
    if draft.basis == LawfulBasis.CONSENT:
        choice(draft.given_by, {g.value for g in ConsentGiver}, "given_by")
        choice(draft.method, {m.value for m in ConsentMethod}, "method")
        if draft.given_by not in (None, ConsentGiver.CHILD) and not draft.giver_name.strip():
            errors.append(
                FieldError("giver_name", N_("Enter the name of the person who consented."))
            )
    else:
        if not draft.basis_reason.strip():
            errors.append(FieldError("basis_reason", N_("Say why consent could not be obtained.")))
        if draft.given_by or draft.method:
            errors.append(FieldError("given_by", N_("Nobody consents under this lawful basis.")))
    if len(draft.basis_reason) > MAX_TEXT or len(draft.giver_name) > 200:
        errors.append(
            FieldError("basis_reason", N_("At most {max} characters."), {"max": MAX_TEXT})
        )
    if draft.purpose == ConsentPurpose.SHARING and not draft.shared_with_org:
        errors.append(
            FieldError("shared_with_org", N_("Choose the organisation the information goes to."))
        )
    known_purpose = draft.purpose in {p.value for p in ConsentPurpose}
    if known_purpose and draft.purpose != ConsentPurpose.SHARING and draft.shared_with_org:
        errors.append(
            FieldError("shared_with_org", N_("Only consent to share names an organisation."))
        )


class ConsentService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)

    def record(self, child_id: str, draft: ConsentDraft) -> Outcome[ConsentDTO]:
        errors: builtins.list[FieldError] = []
        _check(draft, errors)
        if errors:
            raise ValidationError(errors)
        with self._guard.write() as s:
            child = self._guard.child(s, child_id)
            org = self._org(s, draft.shared_with_org) if draft.shared_with_org else None
            if draft.case_id is not None:
                case = self._guard.case(s, draft.case_id)
                if case.child_id != child.id:
                    raise ValidationError.single("case_id", N_("This case is another child's."))
            row = Consent(
                org_id=self._ctx.actor.org_id,
                child_id=child.id,
                case_id=draft.case_id,
                purpose=draft.purpose,
                shared_with_org_id=org.id if org else None,
                basis=draft.basis,
                basis_reason=draft.basis_reason.strip(),
                given_by=draft.given_by,
                giver_name=" ".join(draft.giver_name.split()),
                method=draft.method,
                given_on=draft.given_on,
            )
            s.add(row)
            s.flush()
            self._audit.record(
                s,
                "consent.record",
                "consent",
                row.id,
                {
                    "child": child.id,
                    "purpose": draft.purpose,
                    "basis": draft.basis,
                    "org": org.code if org else None,
                },
            )
            dto = consent_dto(row, org.code if org else "")
        return Outcome(dto, OpChanges.of(Kind.CONSENT, Kind.CHILD, ids=(dto.id, child_id)))

    def withdraw(self, consent_id: str, reason: str) -> Outcome[ConsentDTO]:
        """Records that consent was withdrawn (the record stays, as evidence of both)."""
        why = check_reason(reason)
        with self._guard.write() as s:
            row = s.get(Consent, consent_id)
            if row is None:
                raise NotFound
            self._guard.child(s, row.child_id)
            if row.withdrawn_at is not None:
                raise TransitionNotAllowed(N_("This consent was already withdrawn."))
            row.withdrawn_at = utcnow()
            row.withdrawn_by = self._ctx.actor.user_id
            row.withdrawn_reason = why
            self._audit.record(s, "consent.withdraw", "consent", row.id, {"child": row.child_id})
            dto = consent_dto(row, self._code(s, row.shared_with_org_id))
        return Outcome(dto, OpChanges.of(Kind.CONSENT, Kind.CHILD, ids=(dto.id, dto.child_id)))

    def for_child(self, child_id: str) -> builtins.list[ConsentDTO]:
        """Every consent and lawful basis recorded for a child, newest first."""
        with self._guard.read() as s:
            self._guard.child(s, child_id)
            rows = s.scalars(
                select(Consent)
                .where(Consent.child_id == child_id)
                .order_by(Consent.created_at.desc())
            ).all()
            return [consent_dto(c, self._code(s, c.shared_with_org_id)) for c in rows]

    def sharing_basis(self, case_id: str, org: str) -> ConsentDTO | None:
        """What currently allows sharing a case's child with `org` (code or id), if anything."""
        with self._guard.read() as s:
            case: Case = self._guard.case(s, case_id)
            target = self._org(s, org)
            row = active_sharing_basis(s, case.child_id, target.id)
            return consent_dto(row, target.code) if row else None

    @staticmethod
    def _org(s: Session, key: str) -> Organisation:
        org = s.scalar(
            select(Organisation).where(
                (Organisation.id == key) | (Organisation.code == key.strip().upper())
            )
        )
        if org is None:
            raise ValidationError.single(
                "shared_with_org", N_("Choose an organisation of the network.")
            )
        return org

    @staticmethod
    def _code(s: Session, org_id: str | None) -> str:
        if org_id is None:
            return ""
        return s.scalar(select(Organisation.code).where(Organisation.id == org_id)) or ""


# What a referral shared is hidden once the consent it rests on is withdrawn (require_basis).
CONSENT_WITHDRAWN: Final = N_(
    "The family withdrew its consent to share this case with {org}: what the referral shared "
    "is no longer shown or printed."
)
# The same at the organisation that sent it, with what would let it share again.
CONSENT_WITHDRAWN_SENDER: Final = N_(
    "The family withdrew its consent to share this case with {org}: nothing more is sent, and "
    "what the referral shared is no longer shown or printed. Should the family consent again, "
    "record that consent: sharing resumes at the next sync."
)


def require_basis(s: Session, r: Referral, *, sender: bool) -> None:
    """Raises ConsentRequired unless the referral may share now: consent (or another lawful
    basis) to share with its partner in force, or the reason it was sent without recorded.
    A consent withdrawn is said as such, with what the sender could do about it."""
    if r.override_reason or active_sharing_basis(s, r.child_id, r.to_org_id) is not None:
        return
    consent = s.get(Consent, r.consent_id) if r.consent_id else None
    if consent is not None and consent.withdrawn_at is not None:
        org = s.get(Organisation, r.to_org_id)
        said = CONSENT_WITHDRAWN_SENDER if sender else CONSENT_WITHDRAWN
        raise ConsentRequired(said, org=org.code if org else "")
    raise ConsentRequired
