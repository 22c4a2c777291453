"""Valid drafts to start tests from; each test overrides what it is about."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from cmdesk.core.i18n import BirthDate
from cmdesk.core.services.child_drafts import ChildDraft, HouseholdMemberDraft

SUBDISTRICT = "570101"  # Wiang, Mueang Chiang Rai
THAI_ID = "1112034563562"
HIGHLAND_ID = "6570123456783"


def child_draft(**changes: Any) -> ChildDraft:
    base = ChildDraft(
        given_name_th="มะลิ",
        family_name_th="แสงทอง",
        given_name_latin="Mali",
        family_name_latin="Saengthong",
        nickname="ลิ",
        sex="female",
        birth=BirthDate.year_only(2014),
        ethnicity="akha",
        nationality="thai",
        legal_status="thai",
        id_document_type="thai_id",
        id_number=THAI_ID,
        village="บ้านป่าซาง",
        subdistrict_code=SUBDISTRICT,
        languages=("akha", "thai"),
        school_status="enrolled",
        disability="no",
    )
    return dataclasses.replace(base, **changes)


def undocumented(**changes: Any) -> ChildDraft:
    """A child with no papers and no identity number (the duplicate check must use names)."""
    return child_draft(
        nationality="unknown",
        legal_status="undocumented",
        id_document_type="none",
        id_number="",
        **changes,
    )


def mother(**changes: Any) -> HouseholdMemberDraft:
    base = HouseholdMemberDraft(
        name="นางบัวคำ แสงทอง",
        relationship="mother",
        is_caregiver=True,
        phone="081-234-5678",
        birth_year=1990,
    )
    return dataclasses.replace(base, **changes)


def estimated(age: int, on: date) -> BirthDate:
    return BirthDate.from_age(age, on=on)
