"""A child and the people in the child's household.

Identity, legal status and address are checked by the services against cmdesk.core.reference
(identity documents, geography, ethnicity); this module only says how they are stored. Codes
in every enum below are stored values: never rename them, only add.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from sqlalchemy import JSON, Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.i18n import N_, BirthDate, Locale
from cmdesk.core.model.base import Base, SoftDeleted, Synced
from cmdesk.core.model.field_info import about, code_of, plain_text
from cmdesk.core.model.referral import SharedSection


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


SEX_LABELS: Final[dict[Sex, str]] = {
    Sex.FEMALE: N_("Female"),
    Sex.MALE: N_("Male"),
    Sex.OTHER: N_("Other"),
    Sex.UNKNOWN: N_("Not known"),
}


class Nationality(StrEnum):
    """The nationality a child holds or claims; legal status says what is documented."""

    THAI = "thai"
    MYANMAR = "myanmar"
    LAO = "lao"
    CHINESE = "chinese"
    OTHER = "other"
    NONE = "none"  # stateless
    UNKNOWN = "unknown"


NATIONALITY_LABELS: Final[dict[Nationality, str]] = {
    Nationality.THAI: N_("Thai"),
    Nationality.MYANMAR: N_("Myanmar"),
    Nationality.LAO: N_("Lao"),
    Nationality.CHINESE: N_("Chinese"),
    Nationality.OTHER: N_("Other nationality"),
    Nationality.NONE: N_("No nationality (stateless)"),
    Nationality.UNKNOWN: N_("Nationality not known"),
}


class LegalStatus(StrEnum):
    """What the child's papers say; each status allows certain identity documents."""

    THAI = "thai"  # Thai national: 13-digit number of type 1-5
    NON_THAI_REGISTERED = "non_thai_registered"  # 13-digit number of type 0, 6, 7 or 8
    G_CODE_PUPIL = "g_code_pupil"  # school G-code only
    UNDOCUMENTED = "undocumented"  # no registration at all, or stateless
    UNKNOWN = "unknown"  # not yet established


LEGAL_STATUS_LABELS: Final[dict[LegalStatus, str]] = {
    LegalStatus.THAI: N_("Thai national"),
    LegalStatus.NON_THAI_REGISTERED: N_("Non-Thai with a 13-digit number (type 0, 6, 7 or 8)"),
    LegalStatus.G_CODE_PUPIL: N_("Pupil with a school G-code only"),
    LegalStatus.UNDOCUMENTED: N_("Undocumented or stateless"),
    LegalStatus.UNKNOWN: N_("Legal status not yet known"),
}


class SchoolStatus(StrEnum):
    ENROLLED = "enrolled"
    NON_FORMAL = "non_formal"
    NOT_ENROLLED = "not_enrolled"
    DROPPED_OUT = "dropped_out"
    COMPLETED = "completed"
    BELOW_SCHOOL_AGE = "below_school_age"
    UNKNOWN = "unknown"


SCHOOL_STATUS_LABELS: Final[dict[SchoolStatus, str]] = {
    SchoolStatus.ENROLLED: N_("In school"),
    SchoolStatus.NON_FORMAL: N_("In non-formal education"),
    SchoolStatus.NOT_ENROLLED: N_("Never enrolled"),
    SchoolStatus.DROPPED_OUT: N_("Dropped out of school"),
    SchoolStatus.COMPLETED: N_("Finished school"),
    SchoolStatus.BELOW_SCHOOL_AGE: N_("Below school age"),
    SchoolStatus.UNKNOWN: N_("School status not known"),
}


class Disability(StrEnum):
    NO = "no"
    YES = "yes"
    SUSPECTED = "suspected"
    UNKNOWN = "unknown"


DISABILITY_LABELS: Final[dict[Disability, str]] = {
    Disability.NO: N_("No disability"),
    Disability.YES: N_("Has a disability"),
    Disability.SUSPECTED: N_("Disability suspected, not assessed"),
    Disability.UNKNOWN: N_("Not known"),
}


class Language(StrEnum):
    """Languages a child speaks: the national and regional ones, and those of highland groups."""

    THAI = "thai"
    NORTHERN_THAI = "northern_thai"
    AKHA = "akha"
    LAHU = "lahu"
    LISU = "lisu"
    HMONG = "hmong"
    MIEN = "mien"
    KAREN = "karen"
    LUA = "lua"
    KHMU = "khmu"
    TAI_LUE = "tai_lue"
    SHAN = "shan"
    CHINESE = "chinese"
    BURMESE = "burmese"
    LAO = "lao"
    ENGLISH = "english"
    OTHER = "other"


# Language names are proper names; both languages' labels are still looked up through the
# catalog so the GUI shows them in the language it runs in.
LANGUAGE_LABELS: Final[dict[Language, str]] = {
    Language.THAI: N_("Thai (central)"),
    Language.NORTHERN_THAI: N_("Northern Thai (Kham Mueang)"),
    Language.AKHA: N_("Akha"),
    Language.LAHU: N_("Lahu"),
    Language.LISU: N_("Lisu"),
    Language.HMONG: N_("Hmong"),
    Language.MIEN: N_("Mien"),
    Language.KAREN: N_("Karen"),
    Language.LUA: N_("Lua"),
    Language.KHMU: N_("Khmu"),
    Language.TAI_LUE: N_("Tai Lue"),
    Language.SHAN: N_("Shan (Tai Yai)"),
    Language.CHINESE: N_("Chinese (Yunnanese)"),
    Language.BURMESE: N_("Burmese"),
    Language.LAO: N_("Lao"),
    Language.ENGLISH: N_("English"),
    Language.OTHER: N_("Other language"),
}


def birth_of(child: Child) -> BirthDate | None:
    """The child's birth date as recorded: exact, a year only, or an age stated on a day."""
    if child.birth_precision == "exact" and child.birth_day is not None:
        return BirthDate.exact(child.birth_day)
    if child.birth_precision == "year" and child.birth_year is not None:
        return BirthDate.year_only(child.birth_year)
    if child.birth_precision == "estimated" and child.birth_stated_age is not None:
        assert child.birth_stated_on is not None
        return BirthDate.from_age(child.birth_stated_age, on=child.birth_stated_on)
    return None


def full_name(given: str, family: str) -> str:
    """A name as shown and printed, in Thai script or Latin letters alike: the given name, then
    the family name, leaving out a part not typed."""
    return " ".join(p for p in (given, family) if p)


def child_name(th: str, latin: str, locale: Locale) -> str:
    """The name in the reader's script first, the other in brackets, so either reader can
    match it (on paper, on a screen) to the child."""
    first, second = (th, latin) if locale == "th" else (latin, th)
    if first and second:
        return f"{first} ({second})"
    return first or second


class Child(Synced, SoftDeleted, Base):
    """A registered child. Names are kept as typed, in Thai script and in Latin letters."""

    __tablename__ = "child"
    # Duplicate search narrows by birth year and subdistrict before comparing names.
    __table_args__ = (Index("ix_child_birth_year_subdistrict", "birth_year", "subdistrict_code"),)

    given_name_th: Mapped[str] = mapped_column(
        String(100), default="", info=about(N_("Given name in Thai"), SharedSection.IDENTITY)
    )
    family_name_th: Mapped[str] = mapped_column(
        String(100), default="", info=about(N_("Family name in Thai"), SharedSection.IDENTITY)
    )
    given_name_latin: Mapped[str] = mapped_column(
        String(100),
        default="",
        info=about(N_("Given name in Latin letters"), SharedSection.IDENTITY),
    )
    family_name_latin: Mapped[str] = mapped_column(
        String(100),
        default="",
        info=about(N_("Family name in Latin letters"), SharedSection.IDENTITY),
    )
    nickname: Mapped[str] = mapped_column(
        String(100), default="", info=about(N_("Nickname"), SharedSection.IDENTITY)
    )
    other_names: Mapped[list[str]] = mapped_column(
        JSON, default=list, info=about(N_("Other names"), SharedSection.IDENTITY)
    )
    sex: Mapped[str] = mapped_column(
        String(16), default=Sex.UNKNOWN, info=code_of(N_("Sex"), "sex", SharedSection.IDENTITY)
    )

    # A cmdesk.core.i18n.BirthDate stored field by field: precision says which are set.
    birth_precision: Mapped[str | None] = mapped_column(
        String(16), default=None, info=about(N_("Date of birth"), SharedSection.IDENTITY)
    )
    birth_year: Mapped[int | None] = mapped_column(
        default=None, info=about(N_("Year of birth"), SharedSection.IDENTITY)
    )
    birth_day: Mapped[date | None] = mapped_column(
        default=None, info=about(N_("Date of birth"), SharedSection.IDENTITY)
    )
    birth_stated_age: Mapped[int | None] = mapped_column(
        default=None, info=about(N_("Age as stated"), SharedSection.IDENTITY)
    )
    birth_stated_on: Mapped[date | None] = mapped_column(
        default=None, info=about(N_("Date the age was stated"), SharedSection.IDENTITY)
    )

    ethnicity: Mapped[str] = mapped_column(
        String(32), default="", info=about(N_("Ethnic group"), SharedSection.IDENTITY)
    )
    nationality: Mapped[str] = mapped_column(
        String(16),
        default=Nationality.UNKNOWN,
        info=code_of(N_("Nationality"), "nationality", SharedSection.LEGAL_STATUS),
    )
    legal_status: Mapped[str] = mapped_column(
        String(24),
        default=LegalStatus.UNKNOWN,
        info=code_of(N_("Legal status"), "legal_status", SharedSection.LEGAL_STATUS),
    )
    id_document_type: Mapped[str] = mapped_column(
        String(16),
        default="none",
        info=code_of(N_("Identity document"), "document_type", SharedSection.LEGAL_STATUS),
    )
    id_number: Mapped[str | None] = mapped_column(
        String(40),
        default=None,
        index=True,
        info=about(N_("Document number"), SharedSection.LEGAL_STATUS),
    )

    village: Mapped[str] = mapped_column(
        String(200), default="", info=about(N_("Village"), SharedSection.ADDRESS)
    )
    province_code: Mapped[str] = mapped_column(
        String(2), default="", info=about(N_("Province"), SharedSection.ADDRESS)
    )
    district_code: Mapped[str] = mapped_column(
        String(4), default="", info=about(N_("District"), SharedSection.ADDRESS)
    )
    subdistrict_code: Mapped[str] = mapped_column(
        String(6), default="", index=True, info=about(N_("Subdistrict"), SharedSection.ADDRESS)
    )

    languages: Mapped[list[str]] = mapped_column(
        JSON,
        default=list,
        info=code_of(N_("Languages the child speaks"), "language", SharedSection.IDENTITY),
    )
    school_status: Mapped[str] = mapped_column(
        String(24), default=SchoolStatus.UNKNOWN, info=code_of(N_("School"), "school_status")
    )
    school_name: Mapped[str] = mapped_column(
        String(200), default="", info=plain_text(N_("Name of the school"))
    )
    disability: Mapped[str] = mapped_column(
        String(16), default=Disability.UNKNOWN, info=code_of(N_("Disability"), "disability")
    )
    disability_details: Mapped[str] = mapped_column(
        Text, default="", info=plain_text(N_("About the disability"))
    )


class HouseholdMember(Synced, SoftDeleted, Base):
    """A caregiver or someone the child lives with (or both), and how to reach them."""

    __tablename__ = "household_member"

    # No database foreign keys between synced tables: sync applies rows in any order.
    child_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200), info=about(N_("Name")))
    relationship: Mapped[str] = mapped_column(
        String(24), info=code_of(N_("Relationship to the child"), "relationship")
    )
    is_caregiver: Mapped[bool] = mapped_column(
        Boolean, default=False, info=about(N_("Cares for the child"))
    )
    lives_with_child: Mapped[bool] = mapped_column(
        Boolean, default=True, info=about(N_("Lives with the child"))
    )
    birth_year: Mapped[int | None] = mapped_column(default=None, info=about(N_("Year of birth")))
    phone: Mapped[str] = mapped_column(String(40), default="", info=about(N_("Phone")))
    contact_notes: Mapped[str] = mapped_column(
        Text, default="", info=about(N_("How to reach them"))
    )


# What a list row shows of a child (caseload, search, My work): names, nickname, village.
LISTED_COLUMNS = (
    Child.given_name_th,
    Child.family_name_th,
    Child.given_name_latin,
    Child.family_name_latin,
    Child.nickname,
    Child.village,
)
