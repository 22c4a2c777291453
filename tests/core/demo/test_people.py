"""Generated people have papers that fit their status, live in real places, and never vary
for the same seed."""

from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cmdesk.core.demo.people import (
    AS_OF_YEAR,
    DemoChild,
    DemoStatus,
    demo_child,
    demo_identity,
    demo_person,
    demo_phone,
)
from cmdesk.core.demo.places import DemoVillage, demo_village, demo_villages
from cmdesk.core.reference import geography
from cmdesk.core.reference.identity import (
    IdDocumentType,
    PersonType,
    validate_document,
    validate_thai_id,
)
from cmdesk.core.reference.relationships import RELATIONSHIP_SEX, Relationship

SRC = Path(__file__).resolve().parents[3] / "src"


def children(seed: int, count: int) -> list[DemoChild]:
    rng = random.Random(seed)
    return [demo_child(rng, born_year=2008 + i % 18) for i in range(count)]


def fingerprint(seed: int, count: int) -> str:
    return hashlib.sha256(repr(children(seed, count)).encode()).hexdigest()


def test_same_seed_gives_the_same_people() -> None:
    assert children(42, 300) == children(42, 300)


def test_another_seed_gives_other_people() -> None:
    assert fingerprint(42, 50) != fingerprint(43, 50)


def test_same_seed_gives_the_same_people_in_another_process() -> None:
    # A different hash seed would expose any reliance on set or dict-of-str ordering.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from cmdesk.core.demo.people import demo_child; import random, hashlib; "
        "r = random.Random(42); "
        "print(hashlib.sha256(repr([demo_child(r, born_year=2008 + i % 18) "
        "for i in range(300)]).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(SRC)], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == fingerprint(42, 300)


EXPECTED_TYPES = {
    DemoStatus.HIGHLAND: PersonType.MIGRANT_OR_TEMPORARY,
    DemoStatus.MIGRANT: PersonType.MIGRANT_OR_TEMPORARY,
    DemoStatus.BORN_IN_THAILAND: PersonType.CHILD_OF_MIGRANT_BORN_IN_THAILAND,
    DemoStatus.RESIDENT: PersonType.RESIDENT_OR_NATURALISED,
    DemoStatus.NO_STATUS: PersonType.NO_STATUS,
}


@pytest.mark.parametrize("status", list(DemoStatus))
@pytest.mark.parametrize("born_year", [1970, 2012])
def test_identity_document_fits_the_status(status: DemoStatus, born_year: int) -> None:
    rng = random.Random(status.value)
    for _ in range(200):
        identity = demo_identity(rng, status, born_year=born_year, district_code="5715")
        # The app's own validator accepts every generated number for its document type.
        assert validate_document(identity.document_type, identity.number) == identity.number
        if status is DemoStatus.UNDOCUMENTED:
            assert identity.document_type is IdDocumentType.NONE
        elif status is DemoStatus.SCHOOL_G_CODE:
            assert identity.document_type is IdDocumentType.G_CODE
        else:
            assert identity.number is not None
            number = validate_thai_id(identity.number)
            assert (number.province_code, number.district_digits) == ("57", "15")
            if status is DemoStatus.THAI:
                assert identity.document_type is IdDocumentType.THAI_ID
                expected = {3} if born_year < 1984 else {1, 2}
                assert number.person_type in expected
            else:
                assert identity.document_type is IdDocumentType.NON_THAI_ID
                assert number.person_type is EXPECTED_TYPES[status]
                assert number.is_highland == (status is DemoStatus.HIGHLAND)


def test_phone_numbers_are_in_the_made_up_555_block() -> None:
    rng = random.Random(1)
    for _ in range(1000):
        assert re.fullmatch(r"08\d-555-\d{4}", demo_phone(rng))


def test_children_live_in_real_chiang_rai_villages() -> None:
    for child in children(7, 500):
        tambon = geography.subdistrict(child.village.subdistrict_code)
        assert tambon is not None and tambon.province_code == "57"
        assert child.village.name_th.startswith("บ้าน")
        assert child.village.name_en.startswith("Ban ")
        identity = child.person.identity
        if identity.document_type in (IdDocumentType.THAI_ID, IdDocumentType.NON_THAI_ID):
            assert identity.number is not None
            assert identity.number[1:5] == child.village.district_code


def test_akha_children_live_in_highland_districts() -> None:
    rng = random.Random(2)
    lowland = {"5702", "5705", "5706", "5712", "5714", "5716", "5717", "5708"}
    for _ in range(300):
        assert demo_village(rng, ethnicity="akha").district_code not in lowland


def test_a_village_address_reads_like_a_thai_form() -> None:
    village = DemoVillage("บ้านห้วยไร่", "Ban Huai Rai", 5, "570101")
    assert village.address("th") == "หมู่ 5 บ้านห้วยไร่ ต.เวียง อ.เมืองเชียงราย จ.เชียงราย"
    assert village.address("en") == "Ban Huai Rai, Moo 5, Wiang, Mueang Chiang Rai, Chiang Rai"


def test_village_pool_numbers_villages_within_each_tambon() -> None:
    villages = demo_villages(random.Random(3), 1900)
    by_tambon: dict[str, list[DemoVillage]] = {}
    for v in villages:
        by_tambon.setdefault(v.subdistrict_code, []).append(v)
    assert len(by_tambon) == 124  # 1,900 villages reach every tambon of Chiang Rai
    for tambon_villages in by_tambon.values():
        assert [v.moo for v in tambon_villages] == list(range(1, len(tambon_villages) + 1))
        assert len({v.name_th for v in tambon_villages}) == len(tambon_villages)


def test_caregivers_fit_their_relationship() -> None:
    for child in children(11, 1000):
        assert child.caregivers and child.caregivers[0].primary
        assert sum(c.primary for c in child.caregivers) == 1
        given = [child.person.name.given_th] + [c.person.name.given_th for c in child.caregivers]
        assert len(set(given)) == len(given), "no one shares a given name with the child"
        for carer in child.caregivers:
            person = carer.person
            assert person.born_year < child.person.born_year
            assert AS_OF_YEAR - person.born_year >= 16
            if carer.relationship in RELATIONSHIP_SEX:
                assert person.sex == RELATIONSHIP_SEX[carer.relationship]
            if carer.relationship is Relationship.FATHER:
                assert person.name.family_th == child.person.name.family_th
            assert person.identity.document_type is not IdDocumentType.G_CODE


def test_children_born_in_thailand_to_migrants_have_migrant_parents() -> None:
    found = 0
    for child in children(12, 3000):
        if child.person.status is DemoStatus.BORN_IN_THAILAND:
            for carer in child.caregivers:
                if carer.relationship in (Relationship.MOTHER, Relationship.FATHER):
                    found += 1
                    assert carer.person.status in (DemoStatus.MIGRANT, DemoStatus.HIGHLAND)
    assert found > 10


def test_the_caseload_mixes_papers_like_the_province_does() -> None:
    statuses = [c.person.status for c in children(13, 3000)]
    for status in DemoStatus:
        assert status in statuses
    assert 0.55 < statuses.count(DemoStatus.THAI) / len(statuses) < 0.85


def test_young_children_have_no_phone() -> None:
    rng = random.Random(14)
    for _ in range(200):
        assert demo_child(rng, born_year=AS_OF_YEAR - 6).person.phone is None


def test_a_given_status_and_sex_are_kept() -> None:
    person = demo_person(
        random.Random(15),
        ethnicity="hmong",
        born_year=1980,
        sex="female",
        status=DemoStatus.HIGHLAND,
    )
    assert person.sex == "female" and person.status is DemoStatus.HIGHLAND
    assert person.name.family_th.startswith("แซ่")
