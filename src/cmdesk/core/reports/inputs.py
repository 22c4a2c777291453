"""What each document is made from: plain, frozen values with no behaviour.

The records services map their DTOs onto these. Text fields hold display text already in
the document's language (reference labels such as a stage, an ethnic group or a risk level
come translated from the reference data); dates are `date` values, formatted here (Buddhist
Era in Thai). An empty string means "not recorded" and prints as a dash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from cmdesk.core.i18n import BirthDate
from cmdesk.core.reports.redaction import Section


@dataclass(frozen=True)
class Organisation:
    name: str
    address: str = ""
    logo: bytes | None = None  # PNG or JPEG bytes for the logo slot of the page header


@dataclass(frozen=True)
class HouseholdPerson:
    """A member of the child's household as documents print them (Section.CONTACT)."""

    name: str
    relationship: str  # in the reader's language
    caregiver: bool
    lives_with_child: bool
    phone: str = ""


@dataclass(frozen=True, kw_only=True)
class ChildProfile:
    # Section.IDENTITY
    full_name: str
    nickname: str = ""
    sex: str = ""
    birth_date: BirthDate | None = None
    id_document: str = ""  # the kind of identity document, e.g. "Thai ID card", "G-code", "None"
    id_number: str = ""
    # Section.CONTACT
    address: str = ""
    school: str = ""
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_phone: str = ""
    household: tuple[HouseholdPerson, ...] = ()
    # The child's other plain texts (model.field_info.plain_text), as (label, text), already
    # in the reader's language; printed under contact and whereabouts.
    more: tuple[tuple[str, str], ...] = ()
    # Section.SENSITIVE (sensitive data under the PDPA, s.26)
    ethnicity: str = ""
    legal_status: str = ""  # nationality / registration status
    health: str = ""


@dataclass(frozen=True)
class StageChange:
    stage: str
    started_on: date
    by: str = ""
    note: str = ""


@dataclass(frozen=True)
class DomainAssessment:
    domain: str  # e.g. "Safety", "Health", "Education", "Family and care"
    rating: str  # e.g. "High concern"
    summary: str = ""


@dataclass(frozen=True)
class Assessment:
    assessed_on: date
    assessor: str
    domains: tuple[DomainAssessment, ...]
    overall: str = ""


@dataclass(frozen=True)
class PlanAction:
    action: str
    responsible: str = ""
    due_on: date | None = None
    status: str = ""


@dataclass(frozen=True)
class PlanGoal:
    goal: str
    domain: str = ""
    actions: tuple[PlanAction, ...] = ()


@dataclass(frozen=True)
class Review:
    held_on: date
    participants: str
    summary: str
    next_review_on: date | None = None


@dataclass(frozen=True)
class ReferralRecord:
    organisation: str
    service: str
    referred_on: date
    status: str
    outcome: str = ""


@dataclass(frozen=True)
class ConsentRecord:
    purpose: str
    given_by: str
    given_on: date
    withdrawn_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class CaseNote:
    written_on: date
    author: str
    text: str


@dataclass(frozen=True, kw_only=True)
class CaseSummaryData:
    record_id: str  # the case's ID (UUID); printed in the QR code
    case_number: str
    organisation: Organisation
    child: ChildProfile
    status: str
    stage: str
    risk: str
    worker: str
    opened_on: date
    stage_history: tuple[StageChange, ...] = ()
    assessment: Assessment | None = None
    plan_goals: tuple[PlanGoal, ...] = ()
    reviews: tuple[Review, ...] = ()
    referrals: tuple[ReferralRecord, ...] = ()
    consents: tuple[ConsentRecord, ...] = ()
    notes: tuple[CaseNote, ...] = ()  # optional: leave empty to print no notes at all


@dataclass(frozen=True, kw_only=True)
class ReferralSlipData:
    record_id: str  # the referral's ID
    case_number: str
    organisation: Organisation  # the referring organisation
    child: ChildProfile
    referred_on: date
    to_organisation: str
    to_service: str
    reason: str
    urgency: str
    from_worker: str
    from_contact: str  # how the partner reaches the referring worker
    respond_by: date | None = None
    # What the referral shares with the partner; everything else is left out of the slip.
    shared_sections: frozenset[Section] = frozenset({Section.IDENTITY, Section.CONTACT})
    assessment: Assessment | None = None
    plan_goals: tuple[PlanGoal, ...] = ()
    consents: tuple[ConsentRecord, ...] = ()


@dataclass(frozen=True)
class ConsentPurpose:
    title: str
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class ConsentFormData:
    record_id: str  # the consent record's ID
    case_number: str
    organisation: Organisation
    child_name: str
    guardian_name: str
    guardian_relation: str
    worker: str
    purposes: tuple[ConsentPurpose, ...]
    child_birth_date: BirthDate | None = None
    shared_with: tuple[str, ...] = ()  # organisations the data may go to
    data_categories: tuple[str, ...] = ()  # kinds of personal data concerned
    retention: str = ""  # how long the data is kept, as a sentence


@dataclass(frozen=True, kw_only=True)
class CaseloadCase:
    case_number: str
    child_name: str
    stage: str
    risk: str
    worker: str
    subdistrict: str = ""
    last_contact_on: date | None = None
    next_follow_up_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class CaseloadData:
    record_id: str  # the ID of the worker, team or subdistrict the report covers
    organisation: Organisation
    scope: Literal["worker", "team", "subdistrict"]
    scope_name: str
    as_of: date
    cases: tuple[CaseloadCase, ...]
    # Row and column order of the stage-by-risk table; values not listed follow, as found.
    stage_order: tuple[str, ...] = ()
    risk_order: tuple[str, ...] = ()
