"""The network's figures as rows people can read: one row per table and category, with the
network's number and each organisation's, labelled in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from cmdesk.core.i18n import N_, Translator
from cmdesk.core.model.case import CONCERN_LABELS, RISK_LABELS, STAGE_LABELS
from cmdesk.core.model.child import LEGAL_STATUS_LABELS, SEX_LABELS
from cmdesk.core.reference.ethnicity import ethnic_group
from cmdesk.core.reference.geography import area
from cmdesk.core.reference.partners import SERVICE_LABELS

TABLE_TITLES: Final[dict[str, str]] = {
    "area": N_("Cases by area"),
    "concern": N_("Cases by concern"),
    "risk": N_("Cases by risk"),
    "stage": N_("Cases by stage"),
    "age_band": N_("Cases by age"),
    "sex": N_("Cases by sex"),
    "ethnicity": N_("Cases by ethnicity"),
    "legal_status": N_("Cases by legal status"),
    "flow": N_("Cases opened, closed and reopened"),
    "followups": N_("Follow-ups due in the period"),
    "referral_partner": N_("Referrals by partner"),
    "referral_service": N_("Referrals by service"),
    "mechanism_centre": N_("Active community child protection centres"),
    "mechanism_council": N_("Active children and youth councils"),
    "mechanism_meetings": N_("Meetings of community mechanisms"),
    "mechanism_cases": N_("Cases linked to a community mechanism"),
    "mechanism_gaps": N_("Subdistricts with cases but no active mechanism"),
}
# Tables counted by area (province, district, subdistrict keys).
AREA_TABLES: Final = frozenset(
    {"area", "mechanism_centre", "mechanism_council", "mechanism_meetings", "mechanism_cases"}
)
WORDS: Final[dict[str, str]] = {
    "all": N_("All"),
    "unknown": N_("Not known"),
    "other": N_("Other"),
    "opened": N_("Opened"),
    "closed": N_("Closed"),
    "reopened": N_("Reopened"),
    "on_time": N_("Done on time"),
    "late": N_("Done late"),
    "not_done": N_("Not done"),
}
HEADERS: Final = (N_("Table"), N_("Category"), N_("Code"), N_("Network"))
_LABELS: Final[dict[str, Mapping[Any, str]]] = {
    "concern": CONCERN_LABELS,
    "risk": RISK_LABELS,
    "stage": STAGE_LABELS,
    "sex": SEX_LABELS,
    "legal_status": LEGAL_STATUS_LABELS,
}


@dataclass(frozen=True)
class Row:
    table: str
    category: str
    code: str
    network: int | None
    by_org: tuple[int | None, ...]


def label(table: str, key: str, tr: Translator) -> str:
    code = key.partition(":")[2]
    if key in WORDS:
        return tr.gettext(WORDS[key])
    if table == "mechanism_gaps" and (place := area(code)) is not None:
        # Subdistricts of different districts share names: say which district.
        district = area(code[:4])
        return ", ".join(p.name(tr.locale) for p in (place, district) if p is not None)
    if table in AREA_TABLES and code:
        place = area(code.split("-")[0]) if code[-1].isdigit() else None
        return place.name(tr.locale) if place else tr.gettext(WORDS["unknown"])
    if table == "ethnicity" and (group := ethnic_group(key)) is not None:
        return group.label(tr.locale)
    if table == "referral_service" and code:
        found = {str(k): v for k, v in SERVICE_LABELS.items()}.get(code)
        return tr.gettext(found) if found else code
    if table == "referral_partner" and code:
        return code
    labels = {str(k): v for k, v in _LABELS.get(table, {}).items()}
    return tr.gettext(labels[key]) if key in labels else key


_LEVELS: Final = ("all", "province", "district", "subdistrict")


def _order(key: str) -> tuple[int, str]:
    """The total first, then areas from the province down; other keys by code."""
    kind = key.partition(":")[0]
    return (_LEVELS.index(kind) if kind in _LEVELS else len(_LEVELS), key)


def rows(network: Mapping[str, Any], tr: Translator) -> list[Row]:
    orgs = list(network["organisations"])
    out = []
    for name, cells in network["tables"].items():
        per_org = network["by_org"]
        for key in sorted(cells, key=_order):
            out.append(
                Row(
                    tr.gettext(TABLE_TITLES.get(name, name)),
                    label(name, key, tr),
                    key,
                    cells[key],
                    tuple(per_org.get(o, {}).get(name, {}).get(key, 0) for o in orgs),
                )
            )
    return out


def header(network: Mapping[str, Any], tr: Translator) -> list[str]:
    return [tr.gettext(h) for h in HEADERS] + [str(o) for o in network["organisations"]]
