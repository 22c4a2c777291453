"""What a front end sends to register or edit a child, and the rules it must pass.

`check_child` collects every problem at once (one FieldError per field, named as in the draft)
so a form can mark all of them; nothing is written unless it passes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import FieldError, ValidationError
from cmdesk.core.i18n import N_, BirthDate
from cmdesk.core.model import catalog
from cmdesk.core.model.child import (
    Disability,
    Language,
    LegalStatus,
    Nationality,
    SchoolStatus,
    Sex,
)
from cmdesk.core.reference.ethnicity import ethnic_group
from cmdesk.core.reference.geography import validate_address
from cmdesk.core.reference.identity import IdDocumentType, validate_document
from cmdesk.core.reference.relationships import Relationship

MAX_NAME: Final = 100
MAX_OTHER_NAMES: Final = 10
MAX_TEXT: Final = 4000

# Which identity documents fit which legal status (UNKNOWN accepts any: the status is still
# being established, but the number is still checked for its own type).
DOCUMENTS_FOR_STATUS: Final[dict[LegalStatus, frozenset[IdDocumentType]]] = {
    LegalStatus.THAI: frozenset(
        {IdDocumentType.THAI_ID, IdDocumentType.OTHER, IdDocumentType.NONE}
    ),
    LegalStatus.NON_THAI_REGISTERED: frozenset({IdDocumentType.NON_THAI_ID}),
    LegalStatus.G_CODE_PUPIL: frozenset({IdDocumentType.G_CODE}),
    LegalStatus.UNDOCUMENTED: frozenset({IdDocumentType.NONE}),
    LegalStatus.UNKNOWN: frozenset(IdDocumentType),
}
NON_THAI_STATUSES: Final = frozenset(
    {LegalStatus.NON_THAI_REGISTERED, LegalStatus.G_CODE_PUPIL, LegalStatus.UNDOCUMENTED}
)

_THAI_NAME: Final = re.compile(r"^[\u0E00-\u0E7F .\-]+$")
_LATIN_NAME: Final = re.compile(r"^[A-Za-z\u00C0-\u024F' .\-]+$")
_PHONE: Final = re.compile(r"^\+?[0-9 \-]{3,20}$")


@dataclass(frozen=True)
class HouseholdMemberDraft:
    name: str
    relationship: str
    is_caregiver: bool = False
    lives_with_child: bool = True
    birth_year: int | None = None
    phone: str = ""
    contact_notes: str = ""


@dataclass(frozen=True, kw_only=True)
class ChildDraft:
    given_name_th: str = ""
    family_name_th: str = ""
    given_name_latin: str = ""
    family_name_latin: str = ""
    nickname: str = ""
    other_names: tuple[str, ...] = ()
    sex: str = Sex.UNKNOWN
    birth: BirthDate | None = None
    ethnicity: str = ""
    nationality: str = Nationality.UNKNOWN
    legal_status: str = LegalStatus.UNKNOWN
    id_document_type: str = IdDocumentType.NONE
    id_number: str = ""
    village: str = ""
    province_code: str = ""
    district_code: str = ""
    subdistrict_code: str = ""
    languages: tuple[str, ...] = ()
    school_status: str = SchoolStatus.UNKNOWN
    disability: str = Disability.UNKNOWN
    # The child's plain texts (model.field_info.plain_text: the school's name, details of a
    # disability …) by column name; a missing one is empty. Checked for length only.
    texts: Mapping[str, str] = field(default_factory=dict)
    # Only read by register_child; afterwards members are added and edited one by one.
    household: tuple[HouseholdMemberDraft, ...] = field(default=())


@dataclass(frozen=True)
class CheckedChild:
    """A draft that passed: values normalised, ready to store."""

    draft: ChildDraft
    id_number: str | None
    province_code: str
    district_code: str
    subdistrict_code: str
    other_names: list[str]
    languages: list[str]
    texts: dict[str, str]  # every plain text of the child, normalised


def _clean(text: str) -> str:
    return " ".join(text.split())


def plain_text(name: str, value: str) -> str:
    """A plain text as stored: one line with single spaces, or (a Text column) trimmed."""
    return _clean(value) if catalog.max_length("child", name) else value.strip()


def _check_texts(texts: Mapping[str, str], errors: list[FieldError]) -> dict[str, str]:
    names = catalog.plain_texts("child")
    for name in texts:
        if name not in names:
            errors.append(FieldError(name, N_("There is no such field.")))
    found = {name: plain_text(name, texts.get(name, "")) for name in names}
    for name, value in found.items():
        limit = catalog.max_length("child", name) or MAX_TEXT
        if len(value) > limit:
            errors.append(FieldError(name, N_("At most {max} characters."), {"max": limit}))
    return found


def _in(value: str, enum: type[Sex] | type[Nationality] | type[LegalStatus]) -> bool:
    return value in {e.value for e in enum}


def _choice(errors: list[FieldError], name: str, value: str, allowed: set[str]) -> None:
    if value not in allowed:
        errors.append(FieldError(name, N_("Choose one of the listed values.")))


def _check_names(draft: ChildDraft, errors: list[FieldError]) -> None:
    if not any(_clean(n) for n in (draft.given_name_th, draft.given_name_latin, draft.nickname)):
        errors.append(
            FieldError(
                "given_name_th",
                N_("Enter the child's given name in Thai or in Latin letters, or a nickname."),
            )
        )
    for name in ("given_name_th", "family_name_th"):
        value = _clean(getattr(draft, name))
        if value and not _THAI_NAME.match(value):
            errors.append(FieldError(name, N_("Write this name in Thai script.")))
    for name in ("given_name_latin", "family_name_latin"):
        value = _clean(getattr(draft, name))
        if value and not _LATIN_NAME.match(value):
            errors.append(FieldError(name, N_("Write this name in Latin letters (A to Z).")))
    for name in ("given_name_th", "family_name_th", "given_name_latin", "family_name_latin"):
        if len(_clean(getattr(draft, name))) > MAX_NAME:
            errors.append(
                FieldError(name, N_("A name has at most {max} characters."), {"max": MAX_NAME})
            )
    if len(_clean(draft.nickname)) > MAX_NAME:
        errors.append(
            FieldError("nickname", N_("A name has at most {max} characters."), {"max": MAX_NAME})
        )
    others = [_clean(n) for n in draft.other_names if _clean(n)]
    if len(others) > MAX_OTHER_NAMES or any(len(n) > MAX_NAME for n in others):
        errors.append(
            FieldError(
                "other_names",
                N_("Up to {count} other names, each at most {max} characters."),
                {"count": MAX_OTHER_NAMES, "max": MAX_NAME},
            )
        )


def _check_birth(birth: BirthDate | None, errors: list[FieldError], today: date) -> None:
    if birth is None:
        return
    latest = birth.day or birth.stated_on or date(birth.year, 1, 1)
    if latest > today or birth.year > today.year:
        errors.append(FieldError("birth", N_("The birth date cannot be in the future.")))


def _check_status_and_document(draft: ChildDraft, errors: list[FieldError]) -> str | None:
    if not _in(draft.nationality, Nationality):
        errors.append(FieldError("nationality", N_("Choose one of the listed values.")))
    if not _in(draft.legal_status, LegalStatus):
        errors.append(FieldError("legal_status", N_("Choose one of the listed values.")))
        return None
    try:
        doc_type = IdDocumentType(draft.id_document_type)
    except ValueError:
        errors.append(FieldError("id_document_type", N_("Choose one of the listed values.")))
        return None
    status = LegalStatus(draft.legal_status)
    if doc_type not in DOCUMENTS_FOR_STATUS[status]:
        errors.append(
            FieldError(
                "id_document_type",
                N_("This identity document does not fit the legal status chosen."),
            )
        )
    if status is LegalStatus.THAI and draft.nationality not in (
        Nationality.THAI,
        Nationality.UNKNOWN,
    ):
        errors.append(FieldError("nationality", N_("A Thai national's nationality is Thai.")))
    if status in NON_THAI_STATUSES and draft.nationality == Nationality.THAI:
        errors.append(
            FieldError(
                "nationality",
                N_("A child with Thai nationality has the legal status 'Thai national'."),
            )
        )
    try:
        return validate_document(doc_type, draft.id_number, field="id_number")
    except ValidationError as bad:
        errors.extend(bad.errors)
        return None


def _check_address(draft: ChildDraft, errors: list[FieldError]) -> tuple[str, str, str]:
    sub = draft.subdistrict_code.strip()
    dist = draft.district_code.strip() or sub[:4]
    prov = draft.province_code.strip() or dist[:2]
    if len(_clean(draft.village)) > 200:
        errors.append(FieldError("village", N_("At most {max} characters."), {"max": 200}))
    if not (prov or dist or sub):
        return "", "", ""
    try:
        validate_address(
            prov,
            dist or None,
            sub or None,
            fields=("province_code", "district_code", "subdistrict_code"),
        )
    except ValidationError as bad:
        errors.extend(bad.errors)
    return prov, dist, sub


def check_household_member(
    member: HouseholdMemberDraft,
    errors: list[FieldError],
    prefix: str = "",
    today: date | None = None,
) -> None:
    today = today or thai_today()
    name = _clean(member.name)
    if not name:
        errors.append(FieldError(f"{prefix}name", N_("Enter the person's name.")))
    elif len(name) > 200:
        errors.append(FieldError(f"{prefix}name", N_("At most {max} characters."), {"max": 200}))
    if member.relationship not in {r.value for r in Relationship}:
        errors.append(FieldError(f"{prefix}relationship", N_("Choose one of the listed values.")))
    if member.phone.strip() and not _PHONE.match(member.phone.strip()):
        errors.append(
            FieldError(
                f"{prefix}phone", N_("A phone number has only digits, spaces, dashes and +.")
            )
        )
    if member.birth_year is not None and not today.year - 120 <= member.birth_year <= today.year:
        errors.append(FieldError(f"{prefix}birth_year", N_("This birth year is not possible.")))
    if len(member.contact_notes) > MAX_TEXT:
        errors.append(
            FieldError(f"{prefix}contact_notes", N_("At most {max} characters."), {"max": MAX_TEXT})
        )


def check_child(
    draft: ChildDraft, *, with_household: bool, today: date | None = None
) -> CheckedChild:
    """Every rule for a child draft; raises one ValidationError listing every problem."""
    today = today or thai_today()
    errors: list[FieldError] = []
    _check_names(draft, errors)
    _choice(errors, "sex", draft.sex, {s.value for s in Sex})
    _check_birth(draft.birth, errors, today)
    if draft.ethnicity and ethnic_group(draft.ethnicity) is None:
        errors.append(FieldError("ethnicity", N_("Choose one of the listed values.")))
    id_number = _check_status_and_document(draft, errors)
    prov, dist, sub = _check_address(draft, errors)
    languages = list(dict.fromkeys(draft.languages))
    if any(code not in {lang.value for lang in Language} for code in languages):
        errors.append(FieldError("languages", N_("Choose one of the listed values.")))
    _choice(errors, "school_status", draft.school_status, {s.value for s in SchoolStatus})
    _choice(errors, "disability", draft.disability, {d.value for d in Disability})
    texts = _check_texts(draft.texts, errors)
    if with_household:
        for i, member in enumerate(draft.household):
            check_household_member(member, errors, f"household[{i}].", today)
    elif draft.household:
        errors.append(FieldError("household", N_("Add or change household members one at a time.")))
    if errors:
        raise ValidationError(errors)
    return CheckedChild(
        draft,
        id_number,
        prov,
        dist,
        sub,
        [_clean(n) for n in draft.other_names if _clean(n)],
        languages,
        texts,
    )
