"""The network members a worker can refer a child to."""

from __future__ import annotations

from cmdesk.core.reference.partners import (
    KIND_LABELS,
    PARTNERS,
    SERVICE_LABELS,
    OrganisationKind,
    Service,
    partner,
    partners_offering,
)
from cmdesk.core.reference.relationships import (
    RELATIONSHIP_LABELS,
    RELATIONSHIP_SEX,
    Relationship,
)


def test_the_shelter_and_eleven_organisations_are_listed() -> None:
    assert len(PARTNERS) == 12
    assert PARTNERS[0].code == "CRSHELTER"
    assert PARTNERS[0].kind is OrganisationKind.GOVERNMENT
    assert sum(p.kind is OrganisationKind.NGO for p in PARTNERS) == 10
    assert [p.code for p in PARTNERS if p.kind is OrganisationKind.COOPERATIVE] == ["MAEKHAMCOOP"]


def test_codes_are_unique_short_and_fit_the_organisation_table() -> None:
    codes = [p.code for p in PARTNERS]
    assert len(set(codes)) == len(codes)
    assert all(c.isascii() and c.isupper() and len(c) <= 32 for c in codes)


def test_names_are_as_in_the_mou() -> None:
    wv = partner("WVFT")
    assert wv is not None
    assert wv.name("th") == "มูลนิธิศุภนิมิตแห่งประเทศไทย"
    assert wv.name("en") == "World Vision Foundation of Thailand"
    shelter = partner("CRSHELTER")
    assert shelter is not None and shelter.name_th == "บ้านพักเด็กและครอบครัวจังหวัดเชียงราย"
    assert partner("NOPE") is None


def test_every_organisation_offers_something_and_every_service_has_someone() -> None:
    assert all(p.services for p in PARTNERS)
    for service in Service:
        assert partners_offering(service), service
    assert "WVFT" in [p.code for p in partners_offering(Service.YOUTH_DEVELOPMENT)]
    assert partners_offering(Service.SHELTER)[0].code == "CRSHELTER"


def test_every_code_has_a_label() -> None:
    assert set(SERVICE_LABELS) == set(Service)
    assert set(KIND_LABELS) == set(OrganisationKind)
    assert set(RELATIONSHIP_LABELS) == set(Relationship)


def test_relationships_that_imply_a_sex_say_so() -> None:
    assert RELATIONSHIP_SEX[Relationship.GRANDMOTHER] == "female"
    assert RELATIONSHIP_SEX[Relationship.UNCLE] == "male"
    assert Relationship.GUARDIAN not in RELATIONSHIP_SEX
