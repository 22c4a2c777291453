"""Generated demo people: a name, an identity document that fits their legal status, a phone,
and for children a village and the caregivers they live with.

Nothing here is a real person. ID numbers have valid check digits and the right person type for
the status, but are random beyond the province and district digits; phone numbers use the
middle block 555, which Thai readers take as "hahaha" and so see at once as made up.
"""

from __future__ import annotations

import functools
import random
from bisect import bisect
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate
from typing import Final, Generic, TypeVar

from cmdesk.core.demo.names import DemoName, Sex, demo_family_name, demo_name
from cmdesk.core.demo.places import DemoVillage, demo_village
from cmdesk.core.reference.identity import (
    HIGHLAND_MARK,
    IdDocumentType,
    format_thai_id,
    thai_id_check_digit,
)
from cmdesk.core.reference.relationships import RELATIONSHIP_SEX, Relationship

__all__ = [
    "AS_OF_YEAR",
    "DemoCaregiver",
    "DemoChild",
    "DemoIdentity",
    "DemoPerson",
    "DemoStatus",
    "demo_child",
    "demo_ethnicity",
    "demo_identity",
    "demo_person",
    "demo_phone",
    "demo_status",
]

# Ages in generated data are reckoned against this year, never the clock, so a seed gives the
# same data next year too.
AS_OF_YEAR: Final = 2026
_THAI_BIRTH_REGISTRATION_FROM: Final = 1984  # type 1/2 numbers; earlier registrations are 3-5


class DemoStatus(StrEnum):
    """Legal status as it shows in documents; decides the identity document generated."""

    THAI = "thai"  # Thai national: 13-digit number of type 1, 2 or 3
    HIGHLAND = "highland"  # type 6 with digits 6-7 = 50
    MIGRANT = "migrant"  # type 6
    BORN_IN_THAILAND = "born_in_thailand"  # type 7: child of type-6 parents
    RESIDENT = "resident"  # type 8
    NO_STATUS = "no_status"  # type 0: registered, but no legal status
    SCHOOL_G_CODE = "school_g_code"  # pupil known only by a school G-code
    UNDOCUMENTED = "undocumented"  # no document at all


_PERSON_TYPE_DIGIT: Final[dict[DemoStatus, str]] = {
    DemoStatus.HIGHLAND: "6",
    DemoStatus.MIGRANT: "6",
    DemoStatus.BORN_IN_THAILAND: "7",
    DemoStatus.RESIDENT: "8",
    DemoStatus.NO_STATUS: "0",
}


@dataclass(frozen=True, slots=True)
class DemoIdentity:
    document_type: IdDocumentType
    number: str | None  # as stored: 13 digits, "G" + 12 digits, or None

    @property
    def display(self) -> str | None:
        if self.number is not None and self.document_type in _THIRTEEN_DIGIT:
            return format_thai_id(self.number)
        return self.number


_THIRTEEN_DIGIT: Final = (IdDocumentType.THAI_ID, IdDocumentType.NON_THAI_ID)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    name: DemoName
    sex: Sex
    born_year: int
    ethnicity: str
    status: DemoStatus
    identity: DemoIdentity
    phone: str | None


@dataclass(frozen=True, slots=True)
class DemoCaregiver:
    person: DemoPerson
    relationship: Relationship
    primary: bool


@dataclass(frozen=True, slots=True)
class DemoChild:
    person: DemoPerson
    village: DemoVillage
    caregivers: tuple[DemoCaregiver, ...]


T = TypeVar("T")


class _Weighted(Generic[T]):
    """A fixed weighted choice, precomputed: random.choices recomputes weights on every call."""

    def __init__(self, options: tuple[tuple[float, T], ...]) -> None:
        self.values = tuple(v for w, v in options if w > 0)
        self.cumulative = tuple(accumulate(w for w, _ in options if w > 0))

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


# A rough shape of a Chiang Rai child protection caseload; only for demo data.
_ETHNICITY: Final = _Weighted(
    (
        (14, "akha"),
        (12, "lahu"),
        (5, "lisu"),
        (5, "hmong"),
        (4, "mien"),
        (5, "karen"),
        (2, "lua"),
        (1, "htin"),
        (1, "khmu"),
        (0.2, "mlabri"),
        (5, "tai_lue"),
        (10, "tai_yai"),
        (4, "yunnanese"),
        (18, "northern_thai"),
        (6, "thai"),
        (2, "other"),
    )
)

S = DemoStatus
_LOWLAND: dict[DemoStatus, float] = {S.THAI: 98, S.NO_STATUS: 1, S.UNDOCUMENTED: 1}
_HIGHLAND_STATUS: dict[DemoStatus, float] = {
    S.THAI: 55,
    S.HIGHLAND: 12,
    S.BORN_IN_THAILAND: 8,
    S.NO_STATUS: 10,
    S.SCHOOL_G_CODE: 7,
    S.UNDOCUMENTED: 8,
}
_STATUS_BY_GROUP: Final[dict[str, dict[DemoStatus, float]]] = {
    **dict.fromkeys(("thai", "northern_thai", "tai_lue", "other"), _LOWLAND),
    **dict.fromkeys(
        ("akha", "lahu", "lisu", "hmong", "mien", "karen", "lua", "htin", "khmu", "mlabri"),
        _HIGHLAND_STATUS,
    ),
    "tai_yai": {
        S.THAI: 20,
        S.MIGRANT: 20,
        S.BORN_IN_THAILAND: 20,
        S.NO_STATUS: 10,
        S.SCHOOL_G_CODE: 15,
        S.UNDOCUMENTED: 15,
    },
    "yunnanese": {
        S.THAI: 50,
        S.RESIDENT: 15,
        S.MIGRANT: 10,
        S.BORN_IN_THAILAND: 10,
        S.NO_STATUS: 10,
        S.SCHOOL_G_CODE: 5,
    },
}
_NOT_FOR_ADULTS: Final = frozenset({S.SCHOOL_G_CODE, S.BORN_IN_THAILAND})


def _status_tables() -> dict[tuple[str, bool], _Weighted[DemoStatus]]:
    tables = {}
    for group, weights in _STATUS_BY_GROUP.items():
        for child in (True, False):
            options = tuple(
                (0.0 if not child and s in _NOT_FOR_ADULTS else w, s) for s, w in weights.items()
            )
            tables[group, child] = _Weighted(options)
    return tables


_STATUS: Final = _status_tables()

# What caregivers' papers look like, given the child's: type-7 children have type-6 parents,
# children without papers rarely have parents with them.
_CAREGIVER_STATUS: Final[dict[DemoStatus, _Weighted[DemoStatus]]] = {
    S.THAI: _Weighted(((85, S.THAI), (5, S.HIGHLAND), (5, S.NO_STATUS), (5, S.UNDOCUMENTED))),
    S.HIGHLAND: _Weighted(((80, S.HIGHLAND), (20, S.THAI))),
    S.MIGRANT: _Weighted(((80, S.MIGRANT), (20, S.UNDOCUMENTED))),
    S.BORN_IN_THAILAND: _Weighted(((60, S.MIGRANT), (40, S.HIGHLAND))),
    S.RESIDENT: _Weighted(((80, S.RESIDENT), (20, S.THAI))),
    S.NO_STATUS: _Weighted(((60, S.NO_STATUS), (30, S.UNDOCUMENTED), (10, S.THAI))),
    S.SCHOOL_G_CODE: _Weighted(((40, S.UNDOCUMENTED), (40, S.NO_STATUS), (20, S.MIGRANT))),
    S.UNDOCUMENTED: _Weighted(((70, S.UNDOCUMENTED), (20, S.NO_STATUS), (10, S.MIGRANT))),
}


def demo_ethnicity(rng: random.Random) -> str:
    return _ETHNICITY.pick(rng)


def demo_status(rng: random.Random, ethnicity: str, *, child: bool = True) -> DemoStatus:
    return _STATUS[ethnicity if ethnicity in _STATUS_BY_GROUP else "thai", child].pick(rng)


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(10**count)).zfill(count)


def demo_identity(
    rng: random.Random, status: DemoStatus, *, born_year: int, district_code: str = "5701"
) -> DemoIdentity:
    """A document of the right kind for the status, registered in `district_code`."""
    if status is S.UNDOCUMENTED:
        return DemoIdentity(IdDocumentType.NONE, None)
    if status is S.SCHOOL_G_CODE:
        return DemoIdentity(IdDocumentType.G_CODE, "G" + _digits(rng, 12))
    if status is S.THAI:
        if born_year < _THAI_BIRTH_REGISTRATION_FROM:
            first = "3"
        else:
            first = "2" if rng.random() < 0.15 else "1"
        document = IdDocumentType.THAI_ID
    else:
        first = _PERSON_TYPE_DIGIT[status]
        document = IdDocumentType.NON_THAI_ID
    middle = _digits(rng, 7)  # digits 6-12
    if status is S.HIGHLAND:
        middle = HIGHLAND_MARK + middle[2:]
    elif status is S.MIGRANT and middle.startswith(HIGHLAND_MARK):
        middle = "49" + middle[2:]  # 50 would mark a highland person
    body = first + district_code[:4] + middle
    return DemoIdentity(document, body + str(thai_id_check_digit(body)))


def demo_phone(rng: random.Random) -> str:
    """A mobile number in the 08x-555-xxxx block, printed as Thais write it."""
    return f"08{rng.randrange(10)}-555-{rng.randrange(10000):04d}"


def demo_person(
    rng: random.Random,
    *,
    ethnicity: str,
    born_year: int,
    sex: Sex | None = None,
    status: DemoStatus | None = None,
    family: tuple[str, str] | None = None,
    district_code: str = "5701",
    phone_share: float = 0.85,
) -> DemoPerson:
    """One person; anything not given is drawn to fit the group and age."""
    if sex is None:
        sex = "female" if rng.random() < 0.5 else "male"
    if status is None:
        status = demo_status(rng, ethnicity, child=AS_OF_YEAR - born_year < 18)
    name = demo_name(rng, ethnicity, sex, born_year=born_year, family=family)
    identity = demo_identity(rng, status, born_year=born_year, district_code=district_code)
    phone = demo_phone(rng) if rng.random() < phone_share else None
    return DemoPerson(name, sex, born_year, ethnicity, status, identity, phone)


Household = tuple[Relationship, ...]
R = Relationship
_HOUSEHOLDS: Final = _Weighted[Household](
    (
        (30, (R.MOTHER, R.FATHER)),
        (20, (R.MOTHER,)),
        (8, (R.FATHER,)),
        (12, (R.GRANDMOTHER,)),
        (10, (R.GRANDMOTHER, R.GRANDFATHER)),
        (6, (R.AUNT,)),
        (3, (R.UNCLE, R.AUNT)),
        (4, (R.OLDER_SISTER,)),
        (4, (R.MOTHER, R.STEPFATHER)),
        (2, (R.FATHER, R.STEPMOTHER)),
        (1, (R.OTHER_RELATIVE,)),
        (2, (R.FOSTER_CARER,)),
    )
)
# Years older than the child: (youngest, oldest).
_AGE_GAP: Final[dict[Relationship, tuple[int, int]]] = {
    R.MOTHER: (16, 42),
    R.FATHER: (18, 50),
    R.STEPMOTHER: (20, 45),
    R.STEPFATHER: (20, 50),
    R.GRANDMOTHER: (36, 70),
    R.GRANDFATHER: (38, 75),
    R.AUNT: (14, 50),
    R.UNCLE: (14, 50),
    R.OLDER_SISTER: (8, 16),
    R.OLDER_BROTHER: (8, 16),
    R.OTHER_RELATIVE: (15, 60),
    R.FOSTER_CARER: (25, 60),
}
# Relatives who carry the child's family name (by birth or usually by marriage).
_SHARES_FAMILY_NAME: Final[dict[Relationship, float]] = {
    R.FATHER: 1.0,
    R.GRANDFATHER: 0.6,
    R.GRANDMOTHER: 0.4,
    R.UNCLE: 0.6,
    R.AUNT: 0.4,
    R.OLDER_SISTER: 1.0,
    R.OLDER_BROTHER: 1.0,
    R.MOTHER: 0.6,  # Thai wives usually take the husband's name; clan names do not change
    R.OTHER_RELATIVE: 0.3,
}
_CLAN_GROUPS: Final = frozenset({"hmong", "mien"})
_MIN_CARER_AGE: Final = 16


def _caregiver(
    rng: random.Random,
    child: DemoPerson,
    relationship: Relationship,
    district_code: str,
    avoid_given: set[str],
) -> DemoPerson:
    youngest, oldest = _AGE_GAP.get(relationship, (18, 60))
    share = _SHARES_FAMILY_NAME.get(relationship, 0.0)
    if relationship is R.MOTHER and child.ethnicity in _CLAN_GROUPS:
        share = 0.0
    ethnicity = child.ethnicity
    if relationship in (R.STEPFATHER, R.STEPMOTHER, R.FOSTER_CARER) and rng.random() < 0.5:
        ethnicity = "northern_thai"
    family = (child.name.family_th, child.name.family_en) if rng.random() < share else None
    if family is None and ethnicity == child.ethnicity:
        # Draw a family name that differs from the child's, as it would for an in-law.
        family = demo_family_name(rng, ethnicity)
        if family[0] == child.name.family_th:
            family = None
    sex: Sex = RELATIONSHIP_SEX.get(relationship) or ("female" if rng.random() < 0.7 else "male")
    # A carer is at least 16, even the older sister of a toddler.
    born_year = min(child.born_year - rng.randint(youngest, oldest), AS_OF_YEAR - _MIN_CARER_AGE)
    status = _CAREGIVER_STATUS[child.status].pick(rng)
    draw = functools.partial(
        demo_person,
        rng,
        ethnicity=ethnicity,
        born_year=born_year,
        sex=sex,
        status=status,
        family=family,
        district_code=district_code,
    )
    person = draw()
    for _ in range(8):  # a mother named exactly like her daughter would look like a bug
        if person.name.given_th not in avoid_given:
            break
        person = draw()
    return person


def demo_child(
    rng: random.Random,
    *,
    born_year: int,
    ethnicity: str | None = None,
    village: DemoVillage | None = None,
) -> DemoChild:
    """A child with papers fitting the group, a village where the group lives, and caregivers."""
    if ethnicity is None:
        ethnicity = demo_ethnicity(rng)
    if village is None:
        village = demo_village(rng, ethnicity=ethnicity)
    teenager = AS_OF_YEAR - born_year >= 13
    child = demo_person(
        rng,
        ethnicity=ethnicity,
        born_year=born_year,
        status=demo_status(rng, ethnicity, child=True),
        district_code=village.district_code,
        phone_share=0.4 if teenager else 0.0,
    )
    household = _HOUSEHOLDS.pick(rng)
    given = {child.name.given_th}
    caregivers = []
    for index, relationship in enumerate(household):
        person = _caregiver(rng, child, relationship, village.district_code, given)
        given.add(person.name.given_th)
        caregivers.append(DemoCaregiver(person, relationship, primary=index == 0))
    return DemoChild(child, village, tuple(caregivers))
