"""The network's combined figures (core.stats.combining.combine) read for the screen: the
value of a district or subdistrict for the network or one organisation, the period's name,
and the tables' rows in the reader's language. No Qt here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from cmdesk.core.i18n import N_, Translator
from cmdesk.core.reference.geography import subdistricts
from cmdesk.core.stats.periods import fiscal_year, quarter_of
from cmdesk.core.stats.tables import TABLE_TITLES, Row, label, rows
from cmdesk.core.stats.wording import period_dates, period_name, who_is_missing

Network = Mapping[str, Any]
# Said the same by the CLI and the report (core.stats.wording).
__all__ = ["period_dates", "period_name", "who_is_missing"]
NETWORK = ""  # the chosen figure: the whole network's (else an organisation's code)
EMPTY = "–"
# Shown for a hidden count: it may be small (fewer than the threshold) or hidden with one.
HIDDEN = N_("hidden")
# Each organisation's figures by table; the area table is the map and the subdistricts.
LISTED = tuple(name for name in TABLE_TITLES if name != "area")
TIMES = ("response_median", "response_p90", "completion_median", "completion_p90")
_TIMES_OF = {"referral_partner": "partner:", "referral_service": "service:"}


def area_cells(network: Network, org: str = NETWORK) -> Mapping[str, int | None]:
    """The cases by area of the network, or of one organisation."""
    if org == NETWORK:
        return network["tables"].get("area", {})  # type: ignore[no-any-return]
    return network["by_org"].get(org, {}).get("area", {})  # type: ignore[no-any-return]


def count_of(cells: Mapping[str, int | None], key: str) -> int | None:
    """A published count; a key no organisation has is no case (0), None is hidden."""
    return cells.get(key, 0)


def count_text(value: int | None, tr: Translator) -> str:
    return tr.gettext(HIDDEN) if value is None else str(value)


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    counts: tuple[int | None, ...]  # the network's, then each organisation's


def subdistrict_rows(network: Network, district: str, tr: Translator) -> list[Place]:
    """Every subdistrict of the district (no key: no case there), then its cases whose
    subdistrict is not known, if any."""
    orgs = ["", *network["organisations"]]
    cells = [area_cells(network, o) for o in orgs]
    places = [(s.code, s.name(tr.locale)) for s in subdistricts(district)]
    unknown = f"{district}-unknown"
    if any(f"subdistrict:{unknown}" in c for c in cells):
        places.append((unknown, label("area", f"subdistrict:{unknown}", tr)))
    return [
        Place(code, name, tuple(count_of(c, f"subdistrict:{code}") for c in cells))
        for code, name in places
    ]


def listed_tables(network: Network, tr: Translator) -> dict[str, list[Row]]:
    """The core's rows of every table but the areas, by table name, in the core's order."""
    titles = {tr.gettext(TABLE_TITLES[name]): name for name in LISTED}
    grouped: dict[str, list[Row]] = {}
    for row in rows(network, tr):
        if row.table in titles:
            grouped.setdefault(titles[row.table], []).append(row)
    return grouped


def time_rows(network: Network, table: str, tr: Translator) -> list[tuple[str, ...]]:
    """For a referrals table: each sending organisation's referrals and days to reply and to
    complete (median, 90th percentile) per row of the table, then over all its referrals.
    Times do not add up across organisations, so there is no network row."""
    prefix = _TIMES_OF.get(table)
    if prefix is None:
        return []
    out = []
    for org, times in network["times"].items():
        keys = sorted(k for k in times if k.startswith(prefix)) + (
            ["all"] if "all" in times else []
        )
        for key in keys:
            t = times[key]
            days = [EMPTY if t.get(n) is None else f"{t[n]:g}" for n in TIMES]
            out.append((str(org), label(table, key, tr), count_text(t.get("count"), tr), *days))
    return out


def period_choices(today: date) -> list[str]:
    """The periods offered: this quarter first (the default), the four before it, this fiscal
    year and the one before it (labels, canonical)."""
    quarter = quarter_of(today)
    labels = [quarter.label]
    day = quarter.first
    for _ in range(4):
        day = date.fromordinal(day.toordinal() - 1)
        labels.append(quarter_of(day).label)
        day = quarter_of(day).first
    year = int(quarter.label.split("-")[0])
    labels += [fiscal_year(year).label, fiscal_year(year - 1).label]
    return labels
