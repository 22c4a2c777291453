"""The Chiang Rai child protection network: the provincial shelter and eleven organisations under
one memorandum of understanding. The records layer seeds the organisation table from these.

Names are exactly as in the MOU (design/thai.md). The services of each organisation are a
starting point for referrals, drawn from its mandate as publicly described; each network member
should confirm its own list, and the database (not this file) is where it is kept up to date.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Final

from cmdesk.core.i18n import N_, Locale

__all__ = [
    "KIND_LABELS",
    "PARTNERS",
    "SERVICE_LABELS",
    "OrganisationKind",
    "Partner",
    "Service",
    "partner",
    "partners_offering",
]


class OrganisationKind(StrEnum):
    GOVERNMENT = "government"
    NGO = "ngo"
    COOPERATIVE = "cooperative"


KIND_LABELS: Final[dict[OrganisationKind, str]] = {
    OrganisationKind.GOVERNMENT: N_("Government agency"),
    OrganisationKind.NGO: N_("Non-governmental organisation"),
    OrganisationKind.COOPERATIVE: N_("Cooperative"),
}


class Service(StrEnum):
    """What a partner can be asked for in a referral. Values are stored; never rename them."""

    SHELTER = "shelter"
    LEGAL_AID = "legal_aid"
    MEDICAL = "medical"
    PSYCHOSOCIAL = "psychosocial"
    EDUCATION = "education"
    FAMILY_TRACING = "family_tracing"
    VOCATIONAL = "vocational"
    DOCUMENTATION = "documentation"
    YOUTH_DEVELOPMENT = "youth_development"


SERVICE_LABELS: Final[dict[Service, str]] = {
    Service.SHELTER: N_("Shelter and alternative care"),
    Service.LEGAL_AID: N_("Legal aid"),
    Service.MEDICAL: N_("Medical care"),
    Service.PSYCHOSOCIAL: N_("Psychosocial support and counselling"),
    Service.EDUCATION: N_("Education support"),
    Service.FAMILY_TRACING: N_("Family tracing and reunification"),
    Service.VOCATIONAL: N_("Vocational training"),
    Service.DOCUMENTATION: N_("Civil registration and legal status"),
    Service.YOUTH_DEVELOPMENT: N_("Youth development"),
}


@dataclass(frozen=True, slots=True)
class Partner:
    code: str  # short, stable, stored in the organisation table; never reused
    name_th: str
    name_en: str
    kind: OrganisationKind
    services: tuple[Service, ...]

    def name(self, locale: Locale) -> str:
        return self.name_th if locale == "th" else self.name_en


S = Service

PARTNERS: Final[tuple[Partner, ...]] = (
    Partner(
        "CRSHELTER",
        "บ้านพักเด็กและครอบครัวจังหวัดเชียงราย",
        "Chiang Rai Children and Family Shelter",
        OrganisationKind.GOVERNMENT,
        (S.SHELTER, S.PSYCHOSOCIAL, S.FAMILY_TRACING, S.LEGAL_AID, S.DOCUMENTATION),
    ),
    Partner(
        "ECPAT",
        "มูลนิธิเพื่อยุติการแสวงหาประโยชน์ทางเพศจากเด็ก",
        "ECPAT Foundation",
        OrganisationKind.NGO,
        (S.LEGAL_AID, S.PSYCHOSOCIAL, S.DOCUMENTATION, S.YOUTH_DEVELOPMENT),
    ),
    Partner(
        "ADRA",
        "สถานสงเคราะห์เด็กโครงการรักษ์เด็ก",
        "ADRA Thailand child care project",
        OrganisationKind.NGO,
        (S.SHELTER, S.EDUCATION, S.PSYCHOSOCIAL),
    ),
    Partner(
        "FRC",
        "มูลนิธิครอบครัวพร้อมรักษ์",
        "Foundation for Families Ready to Care",
        OrganisationKind.NGO,
        (S.PSYCHOSOCIAL, S.FAMILY_TRACING, S.EDUCATION),
    ),
    Partner(
        "CAMILLIAN",
        "สถานสงเคราะห์คามิลเลียน โซเชียล เซ็นเตอร์ เชียงราย",
        "Camillian Social Center Chiang Rai",
        OrganisationKind.NGO,
        (S.SHELTER, S.MEDICAL, S.EDUCATION, S.DOCUMENTATION),
    ),
    Partner(
        "DOIDAE",
        "สถานสงเคราะห์เด็กบ้านดอยแด่น้อง",
        "Baan Doi Dae Nong children's home",
        OrganisationKind.NGO,
        (S.SHELTER, S.EDUCATION),
    ),
    Partner(
        "MAEKHAMCOOP",
        "สหกรณ์การเกษตรลุ่มน้ำแม่คำ จำกัด",
        "Mae Kham Watershed Agricultural Cooperative",
        OrganisationKind.COOPERATIVE,
        (S.VOCATIONAL,),
    ),
    Partner(
        "DESTINY",
        "มูลนิธิเดสทินี่เรสคิว",
        "Destiny Rescue Foundation",
        OrganisationKind.NGO,
        (S.PSYCHOSOCIAL, S.VOCATIONAL, S.EDUCATION, S.FAMILY_TRACING),
    ),
    Partner(
        "SOS",
        "หมู่บ้านเด็กโสสะเชียงราย",
        "SOS Children's Village Chiang Rai",
        OrganisationKind.NGO,
        (S.SHELTER, S.EDUCATION, S.PSYCHOSOCIAL),
    ),
    Partner(
        "MAEKHAMDEV",
        "มูลนิธิพัฒนาลุ่มน้ำแม่คำ",
        "Mae Kham Watershed Development Foundation",
        OrganisationKind.NGO,
        (S.VOCATIONAL, S.YOUTH_DEVELOPMENT, S.EDUCATION),
    ),
    Partner(
        "FOCUS",
        "มูลนิธิเพื่อความเข้าใจเด็ก",
        "FOCUS — Foundation for Child Understanding",
        OrganisationKind.NGO,
        (S.EDUCATION, S.PSYCHOSOCIAL),
    ),
    Partner(
        "WVFT",
        "มูลนิธิศุภนิมิตแห่งประเทศไทย",
        "World Vision Foundation of Thailand",
        OrganisationKind.NGO,
        # Child Protection and YOUTH+ (ages 13-18) programmes.
        (S.YOUTH_DEVELOPMENT, S.PSYCHOSOCIAL, S.EDUCATION),
    ),
)


@cache
def _by_code() -> dict[str, Partner]:
    return {p.code: p for p in PARTNERS}


def partner(code: str) -> Partner | None:
    return _by_code().get(code)


def partners_offering(service: Service) -> tuple[Partner, ...]:
    """Network members to suggest when a case needs `service`, in MOU order."""
    return tuple(p for p in PARTNERS if service in p.services)
