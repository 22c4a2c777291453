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

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, SoftDeleted, Synced


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


class Child(Synced, SoftDeleted, Base):
    """A registered child. Names are kept as typed, in Thai script and in Latin letters."""

    __tablename__ = "child"
    # Duplicate search narrows by birth year and subdistrict before comparing names.
    __table_args__ = (Index("ix_child_birth_year_subdistrict", "birth_year", "subdistrict_code"),)

    given_name_th: Mapped[str] = mapped_column(String(100), default="")
    family_name_th: Mapped[str] = mapped_column(String(100), default="")
    given_name_latin: Mapped[str] = mapped_column(String(100), default="")
    family_name_latin: Mapped[str] = mapped_column(String(100), default="")
    nickname: Mapped[str] = mapped_column(String(100), default="")
    other_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    sex: Mapped[str] = mapped_column(String(16), default=Sex.UNKNOWN)

    # A cmdesk.core.i18n.BirthDate stored field by field: precision says which are set.
    birth_precision: Mapped[str | None] = mapped_column(String(16), default=None)
    birth_year: Mapped[int | None] = mapped_column(default=None)
    birth_day: Mapped[date | None] = mapped_column(default=None)
    birth_stated_age: Mapped[int | None] = mapped_column(default=None)
    birth_stated_on: Mapped[date | None] = mapped_column(default=None)

    ethnicity: Mapped[str] = mapped_column(String(32), default="")
    nationality: Mapped[str] = mapped_column(String(16), default=Nationality.UNKNOWN)
    legal_status: Mapped[str] = mapped_column(String(24), default=LegalStatus.UNKNOWN)
    id_document_type: Mapped[str] = mapped_column(String(16), default="none")
    id_number: Mapped[str | None] = mapped_column(String(40), default=None, index=True)

    village: Mapped[str] = mapped_column(String(200), default="")
    province_code: Mapped[str] = mapped_column(String(2), default="")
    district_code: Mapped[str] = mapped_column(String(4), default="")
    subdistrict_code: Mapped[str] = mapped_column(String(6), default="", index=True)

    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    school_status: Mapped[str] = mapped_column(String(24), default=SchoolStatus.UNKNOWN)
    school_name: Mapped[str] = mapped_column(String(200), default="")
    disability: Mapped[str] = mapped_column(String(16), default=Disability.UNKNOWN)
    disability_details: Mapped[str] = mapped_column(Text, default="")


class HouseholdMember(Synced, SoftDeleted, Base):
    """A caregiver or someone the child lives with (or both), and how to reach them."""

    __tablename__ = "household_member"

    # No database foreign keys between synced tables: sync applies rows in any order.
    child_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(24))
    is_caregiver: Mapped[bool] = mapped_column(Boolean, default=False)
    lives_with_child: Mapped[bool] = mapped_column(Boolean, default=True)
    birth_year: Mapped[int | None] = mapped_column(default=None)
    phone: Mapped[str] = mapped_column(String(40), default="")
    contact_notes: Mapped[str] = mapped_column(Text, default="")
