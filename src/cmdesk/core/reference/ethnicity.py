"""Ethnic groups of Chiang Rai, as people name themselves (self-identified; a pick list).

Labels are the groups' own names (อาข่า Akha, ลาหู่ Lahu, ม้ง Hmong ...). Older exonyms such as
อีก้อ, มูเซอ, แม้ว and เย้า are hurtful to many; a worker may still type them, so search finds the
right group through them, but they never appear as a label. "Yao" and "Lawa" are treated the
same way (search terms, not labels) so no label carries an outsider's name for a group.

Labels are proper names, not prose, so both languages live here as data rather than in the
message catalog: search must match Thai and Latin whatever language the app is shown in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final

from cmdesk.core.i18n import Locale

__all__ = ["ETHNIC_GROUPS", "EthnicGroup", "ethnic_group", "search_ethnicity"]


@dataclass(frozen=True, slots=True)
class EthnicGroup:
    code: str
    label_th: str
    label_en: str
    # Other spellings and exonyms that search understands; never shown.
    search_terms: tuple[str, ...] = ()

    def label(self, locale: Locale) -> str:
        return self.label_th if locale == "th" else self.label_en


# Order is the pick-list order in thai.md: highland groups first, "other" last.
ETHNIC_GROUPS: Final[tuple[EthnicGroup, ...]] = (
    EthnicGroup("akha", "อาข่า", "Akha", ("อีก้อ", "Akka", "Aka", "Ikho", "Ekaw", "Ikaw")),
    EthnicGroup("lahu", "ลาหู่", "Lahu", ("มูเซอ", "Musur", "Muser", "Musoe", "Mussur", "Lahu Nyi")),
    EthnicGroup("lisu", "ลีซู", "Lisu", ("ลีซอ", "Lisaw", "Lissu", "Lishaw")),
    EthnicGroup("hmong", "ม้ง", "Hmong", ("แม้ว", "Meo", "Miao", "Mong", "Hmoob")),
    EthnicGroup("mien", "เมี่ยน", "Mien", ("เย้า", "อิ้วเมี่ยน", "Yao", "Iu Mien", "Iu-Mien")),
    EthnicGroup(
        "karen",
        "กะเหรี่ยง / ปกาเกอะญอ",
        "Karen",
        ("ยาง", "ปกาเกอญอ", "โพล่ง", "Pgaz K'Nyau", "Pga K'nyau", "Kariang", "Yang", "Sgaw", "Pwo"),
    ),
    EthnicGroup("lua", "ลัวะ", "Lua", ("ละว้า", "Lawa", "Lavua", "Lwa")),
    EthnicGroup("htin", "ถิ่น", "H'tin", ("Htin", "Tin", "Mal", "Prai", "ไปร")),
    EthnicGroup("khmu", "ขมุ", "Khmu", ("Kammu", "Khamu", "Kmhmu")),
    EthnicGroup("mlabri", "มลาบรี", "Mlabri", ("ผีตองเหลือง", "Phi Tong Luang", "Mrabri")),
    EthnicGroup("tai_lue", "ไทลื้อ", "Tai Lue", ("ไทยลื้อ", "ลื้อ", "Lue", "Lü", "Tai Lü", "Dai")),
    EthnicGroup(
        "tai_yai",
        "ไทใหญ่",
        "Tai Yai (Shan)",
        ("ไทยใหญ่", "ไต", "เงี้ยว", "Shan", "Tai Long", "Ngiao"),
    ),
    EthnicGroup(
        "yunnanese",
        "จีนยูนนาน",
        "Yunnanese Chinese",
        ("จีนฮ่อ", "ฮ่อ", "Haw", "Ho", "Chin Haw", "Yunnan", "Chinese"),
    ),
    EthnicGroup(
        "northern_thai",
        "คนเมือง",
        "Northern Thai",
        ("ไทยวน", "ไทยยวน", "ยวน", "ล้านนา", "Khon Mueang", "Kham Mueang", "Tai Yuan", "Lanna"),
    ),
    EthnicGroup("thai", "ไทย", "Thai", ("คนไทย", "Siamese", "Central Thai")),
    EthnicGroup("other", "อื่น ๆ", "Other", ("อื่นๆ", "อื่น")),
)

# Thai often comes with "ชาว"/"ชนเผ่า" ("people of"), Latin with "people"; Thai tone marks are
# dropped or mistyped on phone keyboards, so neither takes part in matching.
_PREFIXES: Final = re.compile(r"^(?:ชนเผ่า|ชาติพันธุ์|ชาว|กลุ่ม)")
_IGNORED: Final = re.compile(r"[\s.'’\-()/\u0e48-\u0e4c]|people$|tribe$")
_FOLD: Final = str.maketrans("üÜ", "uu")


def _key(text: str) -> str:
    folded = text.strip().lower().translate(_FOLD)
    return _IGNORED.sub("", _PREFIXES.sub("", folded))


@cache
def _index() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (g.code, tuple(_key(t) for t in (g.label_th, g.label_en, *g.search_terms)))
        for g in ETHNIC_GROUPS
    )


@cache
def _by_code() -> dict[str, EthnicGroup]:
    return {g.code: g for g in ETHNIC_GROUPS}


def ethnic_group(code: str) -> EthnicGroup | None:
    return _by_code().get(code)


def search_ethnicity(text: str) -> list[str]:
    """Codes of the groups whose name, other spelling or old exonym matches `text`, best first.

    A whole-name match ranks before a name that starts with the text, before one that only
    contains it; ties keep pick-list order.
    """
    query = _key(text)
    if not query:
        return []
    ranked: list[tuple[int, int, str]] = []
    for position, (code, keys) in enumerate(_index()):
        if query in keys:
            how = 0
        elif any(k.startswith(query) for k in keys):
            how = 1
        elif any(query in k for k in keys):
            how = 2
        else:
            continue
        ranked.append((how, position, code))
    ranked.sort()
    return [code for _, _, code in ranked]
