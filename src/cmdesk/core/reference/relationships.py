"""How a caregiver is related to a child. Values are stored; never rename them.

Extended families raise many highland children, so grandparents, aunts, uncles and older
siblings are first-class choices, not "other".
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal

from cmdesk.core.i18n import N_

__all__ = ["RELATIONSHIP_LABELS", "RELATIONSHIP_SEX", "Relationship"]


class Relationship(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    STEPMOTHER = "stepmother"
    STEPFATHER = "stepfather"
    GRANDMOTHER = "grandmother"
    GRANDFATHER = "grandfather"
    AUNT = "aunt"
    UNCLE = "uncle"
    OLDER_SISTER = "older_sister"
    OLDER_BROTHER = "older_brother"
    OTHER_RELATIVE = "other_relative"
    FOSTER_CARER = "foster_carer"
    GUARDIAN = "guardian"  # appointed, not related
    OTHER = "other"


RELATIONSHIP_LABELS: Final[dict[Relationship, str]] = {
    Relationship.MOTHER: N_("Mother"),
    Relationship.FATHER: N_("Father"),
    Relationship.STEPMOTHER: N_("Stepmother"),
    Relationship.STEPFATHER: N_("Stepfather"),
    Relationship.GRANDMOTHER: N_("Grandmother"),
    Relationship.GRANDFATHER: N_("Grandfather"),
    Relationship.AUNT: N_("Aunt"),
    Relationship.UNCLE: N_("Uncle"),
    Relationship.OLDER_SISTER: N_("Older sister"),
    Relationship.OLDER_BROTHER: N_("Older brother"),
    Relationship.OTHER_RELATIVE: N_("Other relative"),
    Relationship.FOSTER_CARER: N_("Foster carer"),
    Relationship.GUARDIAN: N_("Legal guardian"),
    Relationship.OTHER: N_("Other relationship"),
}

# Thai words for aunt and uncle depend on age and side (ป้า น้า อา ลุง), so labels stay generic.
RELATIONSHIP_SEX: Final[dict[Relationship, Literal["female", "male"]]] = {
    Relationship.MOTHER: "female",
    Relationship.STEPMOTHER: "female",
    Relationship.GRANDMOTHER: "female",
    Relationship.AUNT: "female",
    Relationship.OLDER_SISTER: "female",
    Relationship.FATHER: "male",
    Relationship.STEPFATHER: "male",
    Relationship.GRANDFATHER: "male",
    Relationship.UNCLE: "male",
    Relationship.OLDER_BROTHER: "male",
}
