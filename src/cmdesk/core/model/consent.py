"""Consent and lawful basis (PDPA B.E. 2562): who agreed to what, when, and its withdrawal.

Where consent cannot be obtained, a record with another lawful basis (vital interest, legal
duty) and its reason stands in for it. Enum codes are stored values: never rename them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, Synced, UtcDateTime
from cmdesk.core.model.field_info import about, code_of, org_ref, user_ref


class ConsentPurpose(StrEnum):
    SERVICES = "services"
    SHARING = "sharing"  # with one named organisation
    PHOTOGRAPHS = "photographs"


CONSENT_PURPOSE_LABELS: Final[dict[ConsentPurpose, str]] = {
    ConsentPurpose.SERVICES: N_("Receiving services"),
    ConsentPurpose.SHARING: N_("Sharing information with an organisation"),
    ConsentPurpose.PHOTOGRAPHS: N_("Taking and keeping photographs"),
}


class LawfulBasis(StrEnum):
    CONSENT = "consent"
    VITAL_INTEREST = "vital_interest"  # PDPA s.24(2): to prevent danger to life or health
    LEGAL_DUTY = "legal_duty"  # PDPA s.24(6): e.g. duties under the Child Protection Act


LAWFUL_BASIS_LABELS: Final[dict[LawfulBasis, str]] = {
    LawfulBasis.CONSENT: N_("Consent"),
    LawfulBasis.VITAL_INTEREST: N_("Vital interest (danger to life or health)"),
    LawfulBasis.LEGAL_DUTY: N_("Legal duty"),
}


class ConsentGiver(StrEnum):
    CHILD = "child"
    PARENT = "parent"
    GUARDIAN = "guardian"
    OTHER_CAREGIVER = "other_caregiver"


CONSENT_GIVER_LABELS: Final[dict[ConsentGiver, str]] = {
    ConsentGiver.CHILD: N_("The child"),
    ConsentGiver.PARENT: N_("Parent"),
    ConsentGiver.GUARDIAN: N_("Legal guardian"),
    ConsentGiver.OTHER_CAREGIVER: N_("Other caregiver"),
}


class ConsentMethod(StrEnum):
    WRITTEN = "written"
    THUMBPRINT = "thumbprint"
    VERBAL = "verbal"


CONSENT_METHOD_LABELS: Final[dict[ConsentMethod, str]] = {
    ConsentMethod.WRITTEN: N_("Signed form"),
    ConsentMethod.THUMBPRINT: N_("Thumbprint on form"),
    ConsentMethod.VERBAL: N_("Verbal, witnessed by staff"),
}


class Consent(Synced, Base):
    """One consent (or other lawful basis) for one purpose; withdrawal is recorded on it."""

    __tablename__ = "consent"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    case_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    purpose: Mapped[str] = mapped_column(
        String(16), info=code_of(N_("Consent to"), "consent_purpose")
    )
    shared_with_org_id: Mapped[str | None] = mapped_column(
        String(36), default=None, index=True, info=org_ref(N_("Share with"))
    )
    basis: Mapped[str] = mapped_column(
        String(16), default=LawfulBasis.CONSENT, info=code_of(N_("Lawful basis"), "lawful_basis")
    )
    basis_reason: Mapped[str] = mapped_column(
        Text, default="", info=about(N_("Why consent could not be obtained"))
    )
    # Who consented (empty for another lawful basis), how, and on which day.
    given_by: Mapped[str | None] = mapped_column(
        String(16), default=None, info=code_of(N_("Given by"), "consent_giver")
    )
    giver_name: Mapped[str] = mapped_column(
        String(200), default="", info=about(N_("Name of the person who consented"))
    )
    method: Mapped[str | None] = mapped_column(
        String(16), default=None, info=code_of(N_("How"), "consent_method")
    )
    given_on: Mapped[date] = mapped_column(info=about(N_("Date given")))
    withdrawn_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime(), default=None, info=about(N_("Withdrawn on"))
    )
    withdrawn_by: Mapped[str | None] = mapped_column(String(36), default=None, info=user_ref())
    withdrawn_reason: Mapped[str] = mapped_column(
        Text, default="", info=about(N_("Why it was withdrawn"))
    )
