"""Cases by quarter (StatsService.quarters) read for a chart (core.charts.Trend): one
column per quarter of the fiscal year, one series for the network and one per organisation,
each cell a count, hidden, or no figures sent. The screen and the printed report draw the
same reading. No Qt, no reportlab here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from cmdesk.core.charts import NOT_SENT, Trend, TrendCell, TrendColumn
from cmdesk.core.i18n import N_, Translator

TITLE: Final = N_("Cases by quarter")
NETWORK: Final = N_("Network")
QUARTER: Final = N_("Q{q} FY{year}")
FISCAL_YEAR: Final = N_("FY{year}")
# The network dark, then colours told apart with the common kinds of colour blindness
# (Okabe-Ito, then Paul Tol's), in the order organisations come.
NETWORK_COLOUR: Final = "#1f3a5f"
ORG_COLOURS: Final = (
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#cc79a7",
    "#0072b2",
    "#d55e00",
    "#999933",
    "#882255",
    "#44aa99",
    "#117733",
    "#aa4499",
    "#6699cc",
)


def quarter_name(label: str, tr: Translator) -> str:
    """2569-Q1 as a chart's axis says it: Q1 FY2569, ไตรมาส 1/2569."""
    year, _, q = label.partition("-Q")
    return tr.format(QUARTER, q=q, year=year)


def period_short(label: str, tr: Translator) -> str:
    """A canonical period label as a chart or a list of periods says it briefly: a quarter
    as quarter_name, a fiscal year as FY2569 (ปีงบประมาณ 2569), dates as they are."""
    if "-Q" in label:
        return quarter_name(label, tr)
    return tr.format(FISCAL_YEAR, year=label) if label.isdigit() else label


def trend(
    quarters: Sequence[Mapping[str, Any]], organisations: Sequence[str], tr: Translator
) -> Trend | None:
    """The chart of `quarters`, its organisations first those of the period shown, then any
    other that sent figures for one of the quarters. None for no quarters (a date range)."""
    if not quarters:
        return None
    orgs = list(organisations)
    for q in quarters:
        orgs += sorted(o for o in q["by_org"] if o not in orgs)
    columns = []
    for q in quarters:
        cells: tuple[TrendCell, ...] = ()
        if q["begun"]:
            by_org = q["by_org"]
            cells = (q["cases"], *(by_org.get(o, NOT_SENT) for o in orgs))
        name = quarter_name(q["quarter"], tr)
        columns.append(TrendColumn(q["quarter"], name, q["chosen"], q["begun"], cells))
    colours = (NETWORK_COLOUR, *(ORG_COLOURS[i % len(ORG_COLOURS)] for i in range(len(orgs))))
    return Trend((tr.gettext(NETWORK), *orgs), colours, tuple(columns))
