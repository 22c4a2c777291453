"""Places a field worker in Chiang Rai picks and searches for."""

from __future__ import annotations

import pytest

from cmdesk.core.errors import ValidationError
from cmdesk.core.reference import geography as geo


def test_chiang_rai_has_18_districts_and_124_subdistricts() -> None:
    districts = geo.districts(geo.CHIANG_RAI)
    assert [d.code for d in districts] == [f"57{n:02d}" for n in range(1, 19)]
    assert sum(len(geo.subdistricts(d.code)) for d in districts) == 124


def test_lookups_by_code_give_both_names() -> None:
    chiang_rai = geo.province("57")
    assert chiang_rai is not None
    assert (chiang_rai.name("th"), chiang_rai.name("en")) == ("เชียงราย", "Chiang Rai")
    mae_sai = geo.district("5709")
    assert mae_sai is not None and mae_sai.name_en == "Mae Sai"
    assert mae_sai.level == "district" and mae_sai.parent_code == "57"


def test_codes_of_the_wrong_level_are_not_found() -> None:
    assert geo.province("5709") is None
    assert geo.district("57") is None
    assert geo.subdistrict("999999") is None
    assert geo.area("5709") == geo.district("5709")


def test_children_of_a_parent() -> None:
    assert len(geo.provinces()) == 77
    assert geo.children("57") == geo.districts("57")
    tambons = geo.subdistricts("5715")  # Mae Fa Luang
    assert tambons and all(t.parent_code == "5715" for t in tambons)
    assert geo.districts("5715") == ()


@pytest.mark.parametrize(
    "typed", ["แม่สาย", "อำเภอแม่สาย", "อ.แม่สาย", "Mae Sai", "maesai", "amphoe mae sai"]
)
def test_search_finds_mae_sai_district_however_it_is_typed(typed: str) -> None:
    found = geo.search_places(typed)
    assert found[0].code in ("5709", "570901")  # the district and its tambon share the name
    assert "5709" in [a.code for a in found]


def test_search_ignores_missing_tone_marks() -> None:
    # "แม่ฟ้าหลวง" typed without tone marks on a phone keyboard.
    assert "5715" in [a.code for a in geo.search_places("แมฟาหลวง")]


def test_search_puts_chiang_rai_first_among_equal_matches() -> None:
    # Ten tambons in the country are called "เวียง"; Chiang Rai's five come first.
    found = geo.search_places("เวียง", limit=5)
    assert [a.code for a in found] == ["570101", "570301", "570401", "570801", "571102"]
    elsewhere = geo.search_places("เวียง", limit=2, prefer="50")
    assert [a.province_code for a in elsewhere] == ["50", "50"]


def test_a_whole_name_match_beats_a_longer_name() -> None:
    found = geo.search_places("เวียง", limit=20)
    assert all(a.name_th == "เวียง" for a in found[:10])
    assert found[10].name_th.startswith("เวียง") and found[10].name_th != "เวียง"


def test_search_finds_substrings_in_latin() -> None:
    names = [a.name_en for a in geo.search_places("luang", limit=100)]
    assert "Mae Fa Luang" in names and "Doi Luang" in names


def test_empty_search_finds_nothing() -> None:
    assert geo.search_places("  ") == []


def test_a_valid_address_is_accepted_and_written_like_a_thai_form() -> None:
    address = geo.validate_address("57", "5701", "570101")
    assert address.text("th") == "ต.เวียง อ.เมืองเชียงราย จ.เชียงราย"
    assert address.text("en") == "Wiang, Mueang Chiang Rai, Chiang Rai"


def test_bangkok_is_written_with_khwaeng_and_khet() -> None:
    address = geo.validate_address("10", "1001", "100101")
    assert address.text("th").startswith("แขวง")
    assert "เขต" in address.text("th") and "จ." not in address.text("th")


def test_partial_address_is_allowed() -> None:
    assert geo.validate_address("57").district is None
    assert geo.validate_address("57", "5715").subdistrict is None


def fields_refused(*codes: str | None) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        geo.validate_address(*codes)  # type: ignore[arg-type]
    return {e.field: e.msgid for e in caught.value.errors}


def test_a_subdistrict_of_another_district_is_refused() -> None:
    # 570901 is in Mae Sai, not Mueang Chiang Rai.
    assert fields_refused("57", "5701", "570901") == {
        "subdistrict": "This subdistrict is not in the district."
    }


def test_a_district_of_another_province_is_refused() -> None:
    assert fields_refused("57", "5001") == {"district": "This district is not in the province."}


def test_unknown_codes_are_refused() -> None:
    assert set(fields_refused("99", "9901", "990101")) == {"province", "district", "subdistrict"}


def test_subdistrict_without_district_is_refused() -> None:
    assert fields_refused("57", None, "570101") == {"district": "Choose the district first."}


def test_geothai_is_credited() -> None:
    assert "GeoThai" in geo.GEOTHAI_CREDIT and "CC-BY-4.0" in geo.GEOTHAI_CREDIT
