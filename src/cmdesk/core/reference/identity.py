"""Identity documents: the Thai 13-digit number, school G-codes, passports, and having none.

The 13-digit number (Thai nationals and non-Thais alike) ends in a check digit:
N13 = (11 - (sum of (14 - i) * N_i for i = 1..12) mod 11) mod 10.

What that check digit really catches (tests/core/reference/test_identity_checksum.py proves it):

* A wrong 13th digit is always caught.
* A wrong 3rd digit is never caught: its weight is 11, which is 0 mod 11. The 3rd digit is the
  second digit of the province of registration, so "57" (Chiang Rai) mistyped as "50" passes.
* Any other single wrong digit changes the sum mod 11, but the final "mod 10" folds the
  residues 0 and 10 onto the same check digit 1. A mistake that moves the residue between 0 and 10
  passes; every other single wrong digit in positions 1-2 and 4-12 is caught.
* Swapping two neighbouring digits among the first twelve is caught unless it hits the same fold
  (or they are equal); swaps with the check digit itself are not covered by the weights at all.

So a valid check digit means "probably typed right", never "this number exists".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Final

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_

__all__ = [
    "DOCUMENT_TYPE_LABELS",
    "G_CODE_LENGTH",
    "HIGHLAND_MARK",
    "OTHER_DOCUMENT_MAX_LENGTH",
    "PERSON_TYPE_LABELS",
    "THAI_ID_LENGTH",
    "IdDocumentType",
    "PersonType",
    "ThaiIdNumber",
    "format_thai_id",
    "thai_id_check_digit",
    "validate_document",
    "validate_g_code",
    "validate_thai_id",
]

THAI_ID_LENGTH: Final = 13
G_CODE_LENGTH: Final = 12  # digits after the "G"
OTHER_DOCUMENT_MAX_LENGTH: Final = 40
HIGHLAND_MARK: Final = "50"  # digits 6-7 of a type-6 number issued to highland people

# People type numbers in ASCII or Thai digits, separated by spaces or any kind of dash.
_THAI_DIGITS: Final = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SEPARATORS: Final = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


class IdDocumentType(StrEnum):
    """The kind of identity document a person has. Stored as the value; never renamed."""

    THAI_ID = "thai_id"
    NON_THAI_ID = "non_thai_id"
    G_CODE = "g_code"
    OTHER = "other"
    NONE = "none"


DOCUMENT_TYPE_LABELS: Final[dict[IdDocumentType, str]] = {
    IdDocumentType.THAI_ID: N_("Thai national ID card (13 digits)"),
    IdDocumentType.NON_THAI_ID: N_("13-digit number for non-Thais (starts with 0, 6, 7 or 8)"),
    IdDocumentType.G_CODE: N_("G-code from a school"),
    IdDocumentType.OTHER: N_("Passport or other document"),
    IdDocumentType.NONE: N_("No identity document"),
}


class PersonType(IntEnum):
    """The first digit of a 13-digit number: how and when the person was registered."""

    NO_STATUS = 0
    THAI_BIRTH_ON_TIME = 1
    THAI_BIRTH_LATE = 2
    THAI_OLDER_REGISTRATION = 3
    THAI_OLDER_REGISTRATION_4 = 4
    THAI_OLDER_REGISTRATION_5 = 5
    MIGRANT_OR_TEMPORARY = 6
    CHILD_OF_MIGRANT_BORN_IN_THAILAND = 7
    RESIDENT_OR_NATURALISED = 8

    @property
    def is_thai_national(self) -> bool:
        return 1 <= self <= 5


PERSON_TYPE_LABELS: Final[dict[PersonType, str]] = {
    PersonType.NO_STATUS: N_("No registration status (type 0)"),
    PersonType.THAI_BIRTH_ON_TIME: N_("Thai national, birth registered on time (type 1)"),
    PersonType.THAI_BIRTH_LATE: N_("Thai national, birth registered late (type 2)"),
    PersonType.THAI_OLDER_REGISTRATION: N_("Thai national, older registration (type 3)"),
    PersonType.THAI_OLDER_REGISTRATION_4: N_("Thai national, older registration (type 4)"),
    PersonType.THAI_OLDER_REGISTRATION_5: N_("Thai national, older registration (type 5)"),
    PersonType.MIGRANT_OR_TEMPORARY: N_("Migrant or temporary stay (type 6)"),
    PersonType.CHILD_OF_MIGRANT_BORN_IN_THAILAND: N_(
        "Child of a type-6 person, born in Thailand (type 7)"
    ),
    PersonType.RESIDENT_OR_NATURALISED: N_("Legal resident or naturalised (type 8)"),
}

_PERSON_TYPE_DIGITS: Final = frozenset(int(t) for t in PersonType)
_NON_THAI_TYPES: Final = frozenset(
    {
        PersonType.NO_STATUS,
        PersonType.MIGRANT_OR_TEMPORARY,
        PersonType.CHILD_OF_MIGRANT_BORN_IN_THAILAND,
        PersonType.RESIDENT_OR_NATURALISED,
    }
)


@dataclass(frozen=True, slots=True)
class ThaiIdNumber:
    """A 13-digit number that passed validation."""

    digits: str

    @property
    def person_type(self) -> PersonType:
        return PersonType(int(self.digits[0]))

    @property
    def province_code(self) -> str:
        """Digits 2-3: the province of registration ("57" is Chiang Rai)."""
        return self.digits[1:3]

    @property
    def district_digits(self) -> str:
        """Digits 4-5: the district (registration office) within that province."""
        return self.digits[3:5]

    @property
    def is_thai_national(self) -> bool:
        return self.person_type.is_thai_national

    @property
    def is_highland(self) -> bool:
        """Type 6 with digits 6-7 = 50: issued to highland people."""
        return (
            self.person_type is PersonType.MIGRANT_OR_TEMPORARY
            and self.digits[5:7] == HIGHLAND_MARK
        )

    @property
    def display(self) -> str:
        return format_thai_id(self.digits)


def thai_id_check_digit(first12: str) -> int:
    """The check digit for the first twelve digits (ASCII) of a 13-digit number."""
    if len(first12) != THAI_ID_LENGTH - 1 or not first12.isascii() or not first12.isdigit():
        raise ValueError("need exactly 12 ASCII digits")
    total = sum((13 - i) * int(c) for i, c in enumerate(first12))
    return (11 - total % 11) % 10


def format_thai_id(digits: str) -> str:
    """The grouping printed on Thai ID cards: 1-2345-67890-12-1."""
    d = digits
    return f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}"


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", text.translate(_THAI_DIGITS))


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit alone would accept Arabic-Indic and other digits we cannot compute with.
    return text.isascii() and text.isdigit()


def validate_thai_id(
    text: str,
    *,
    document_type: IdDocumentType | None = None,
    field: str = "id_number",
) -> ThaiIdNumber:
    """Checks a 13-digit number as typed; returns it normalised.

    With `document_type` THAI_ID the number must start with 1-5; with NON_THAI_ID with 0, 6, 7
    or 8. Without it, any registered person type is accepted.
    """
    compact = _compact(text)
    if not compact:
        raise _invalid(field, N_("Enter the 13-digit number."))
    if not _is_ascii_digits(compact):
        raise _invalid(field, N_("A 13-digit number may contain only digits, spaces and dashes."))
    if len(compact) != THAI_ID_LENGTH:
        raise _invalid(
            field,
            N_("A 13-digit number must have 13 digits; this one has {count}."),
            count=len(compact),
        )
    if int(compact[-1]) != thai_id_check_digit(compact[:-1]):
        raise _invalid(
            field,
            N_("The last digit (check digit) does not match: check the number for a typing slip."),
        )
    first = int(compact[0])
    if first not in _PERSON_TYPE_DIGITS:
        raise _invalid(
            field, N_("No 13-digit number starts with {digit}; check the first digit."), digit=first
        )
    number = ThaiIdNumber(compact)
    if document_type is IdDocumentType.THAI_ID and not number.is_thai_national:
        raise _invalid(
            field,
            N_(
                "A number starting with {digit} is not a Thai national's; Thai national IDs "
                "start with 1 to 5. Choose the document type for non-Thais."
            ),
            digit=first,
        )
    if document_type is IdDocumentType.NON_THAI_ID and number.person_type not in _NON_THAI_TYPES:
        raise _invalid(
            field,
            N_(
                "A number starting with {digit} belongs to a Thai national; numbers for non-Thais "
                "start with 0, 6, 7 or 8. Choose the Thai national ID card."
            ),
            digit=first,
        )
    return number


def validate_g_code(text: str, *, field: str = "id_number") -> str:
    """Checks a school G-code ("G" + 12 digits, no check digit); returns e.g. "G123456789012"."""
    compact = _compact(text).upper()
    if not compact:
        raise _invalid(field, N_("Enter the G-code."))
    if not compact.startswith("G"):
        raise _invalid(field, N_("A G-code starts with the letter G, followed by 12 digits."))
    digits = compact[1:]
    if not _is_ascii_digits(digits):
        raise _invalid(field, N_("After the letter G, a G-code has only digits."))
    if len(digits) != G_CODE_LENGTH:
        raise _invalid(
            field,
            N_("A G-code has 12 digits after the G; this one has {count}."),
            count=len(digits),
        )
    return "G" + digits


def validate_document(
    document_type: IdDocumentType, text: str | None, *, field: str = "id_number"
) -> str | None:
    """Checks the number for a document type; returns what to store (None for no document)."""
    value = (text or "").strip()
    if document_type is IdDocumentType.NONE:
        if value:
            raise _invalid(
                field,
                N_("The document type is 'No identity document': clear the number, or change it."),
            )
        return None
    if document_type in (IdDocumentType.THAI_ID, IdDocumentType.NON_THAI_ID):
        return validate_thai_id(value, document_type=document_type, field=field).digits
    if document_type is IdDocumentType.G_CODE:
        return validate_g_code(value, field=field)
    if not value:
        raise _invalid(field, N_("Enter the document number."))
    if len(value) > OTHER_DOCUMENT_MAX_LENGTH:
        raise _invalid(
            field,
            N_("A document number has at most {max} characters."),
            max=OTHER_DOCUMENT_MAX_LENGTH,
        )
    return " ".join(value.split())


def _invalid(field: str, msgid: str, /, **params: object) -> ValidationError:
    return ValidationError.single(field, msgid, **params)
