"""Generated villages (บ้าน… / Ban …) placed in real Chiang Rai subdistricts.

Village names are built from landscape words, as real northern villages are named (ห้วย stream,
ดอย mountain, หนอง pond ...), so some will match real villages somewhere; they are never
tied to a real person. The subdistrict, district and province are real, from GeoThai.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Final

from cmdesk.core.demo.name_tables import parts_of
from cmdesk.core.i18n import Locale
from cmdesk.core.reference import geography

__all__ = ["MAX_VILLAGES", "DemoVillage", "demo_village", "demo_villages"]

_FIRST: Final = parts_of(
    "ห้วย huai, ดอย doi, ป่า pa, หนอง nong, แม่ mae, ผา pha, ปาง pang, โป่ง pong, สัน san,"
    " ทุ่ง thung, น้ำ nam, ท่า tha, หัว hua, ต้น ton"
)
_SECOND: Final = parts_of(
    "ไร่ rai, แดง daeng, ขาว khao, หลวง luang, ตอง tong, ยาง yang, ทราย sai, เย็น yen, คำ kham,"
    " ม่วง muang, สัก sak, ไผ่ phai, กล้วย kluai, งิ้ว ngio, หิน hin, ฮ่อม hom, ปู pu, ปลา pla,"
    " เกี๋ยง kiang, ลึก luek, ซาง sang, ตาด tat, แหน nae, มะม่วง mamuang"
)
# A later settlement often takes the old name plus "new", "upper", "lower" ...
_SUFFIX: Final = parts_of("ใหม่ mai, เหนือ nuea, ใต้ tai, พัฒนา phatthana, บน bon")
_SUFFIX_SHARE: Final = 0.15
MAX_VILLAGES: Final = 5000

# Where each group mostly lives, by district (weights). Groups not listed live anywhere.
_HIGHLAND: Final = {
    "5715": 5,  # Mae Fa Luang
    "5707": 3,  # Mae Chan
    "5710": 3,  # Mae Suai
    "5711": 2,  # Wiang Pa Pao
    "5713": 2,  # Wiang Kaen
    "5704": 2,  # Thoeng
    "5703": 2,  # Chiang Khong
    "5709": 1,  # Mae Sai
    "5718": 1,  # Doi Luang
    "5701": 1,  # Mueang Chiang Rai
}
_DISTRICTS_BY_GROUP: Final[dict[str, dict[str, int]]] = {
    **dict.fromkeys(
        ("akha", "lahu", "lisu", "hmong", "mien", "karen", "lua", "htin", "khmu", "mlabri"),
        _HIGHLAND,
    ),
    "tai_lue": {"5703": 3, "5713": 2, "5704": 2, "5708": 1, "5702": 1},
    "tai_yai": {"5709": 4, "5715": 2, "5711": 1, "5710": 1, "5707": 1},
    "yunnanese": {"5715": 4, "5709": 2, "5707": 1, "5713": 1},
}


@dataclass(frozen=True, slots=True)
class DemoVillage:
    name_th: str
    name_en: str
    moo: int  # หมู่ที่: the village's number within its subdistrict
    subdistrict_code: str

    @property
    def district_code(self) -> str:
        return self.subdistrict_code[:4]

    @property
    def province_code(self) -> str:
        return self.subdistrict_code[:2]

    def address(self, locale: Locale) -> str:
        """ "หมู่ 5 บ้านห้วยไร่ ต.… อ.… จ.เชียงราย" or "Ban Huai Rai, Moo 5, …, Chiang Rai"."""
        area = geography.validate_address(
            self.province_code, self.district_code, self.subdistrict_code
        )
        if locale == "th":
            return f"หมู่ {self.moo} {self.name_th} {area.text('th')}"
        return f"{self.name_en}, Moo {self.moo}, {area.text('en')}"


@dataclass(frozen=True, slots=True)
class _Choice:
    codes: tuple[str, ...]
    cumulative: tuple[float, ...]

    def pick(self, rng: random.Random) -> str:
        return self.codes[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


@cache
def _subdistricts_for(ethnicity: str | None) -> _Choice:
    """Chiang Rai subdistricts weighted so each group lands in the districts it lives in."""
    district_weights = _DISTRICTS_BY_GROUP.get(ethnicity or "")
    codes: list[str] = []
    weights: list[float] = []
    for district in geography.districts(geography.CHIANG_RAI):
        tambons = geography.subdistricts(district.code)
        if district_weights is None:
            share = 1.0  # every subdistrict equally likely
        else:
            share = district_weights.get(district.code, 0) / len(tambons)
        for tambon in tambons:
            if share > 0:
                codes.append(tambon.code)
                weights.append(share)
    return _Choice(tuple(codes), tuple(accumulate(weights)))


def _village_name(rng: random.Random) -> tuple[str, str]:
    parts: list[tuple[str, str]] = [rng.choice(_FIRST), rng.choice(_SECOND)]
    if rng.random() < _SUFFIX_SHARE:
        parts.append(rng.choice(_SUFFIX))
    thai = "บ้าน" + "".join(th for th, _ in parts)
    latin = "Ban " + " ".join(en.capitalize() for _, en in parts)
    return thai, latin


def demo_village(rng: random.Random, *, ethnicity: str | None = None) -> DemoVillage:
    """One village in a Chiang Rai subdistrict where the group (if given) typically lives."""
    name_th, name_en = _village_name(rng)
    code = _subdistricts_for(ethnicity).pick(rng)
    return DemoVillage(name_th, name_en, rng.randint(1, 20), code)


def demo_villages(
    rng: random.Random, count: int, *, ethnicity: str | None = None
) -> list[DemoVillage]:
    """`count` distinct villages: moo numbers count up within a subdistrict, names never repeat
    within one, as in a real tambon."""
    if count > MAX_VILLAGES:
        raise ValueError(f"at most {MAX_VILLAGES} villages (Chiang Rai has about 1,900)")
    choice = _subdistricts_for(ethnicity)
    taken: dict[str, set[str]] = {}
    villages: list[DemoVillage] = []
    for _ in range(count):
        code = choice.pick(rng)
        names = taken.setdefault(code, set())
        name_th, name_en = _village_name(rng)
        while name_th in names:  # 14 x 24 x 6 names: a free one is always near
            name_th, name_en = _village_name(rng)
        names.add(name_th)
        villages.append(DemoVillage(name_th, name_en, len(names), code))
    return villages
