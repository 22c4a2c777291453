"""How periods and missing partners are said, the same on the network screen, in the CLI's
`stats report` and wherever figures are read out (no Qt here)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from cmdesk.core.i18n import Translator, format_date
from cmdesk.core.stats.periods import parse_period


def period_name(label_: str, tr: Translator) -> str:
    """A period's canonical label (2569, 2569-Q1, a date range) as the user says it."""
    if label_.isdigit():
        return tr.format("Fiscal year {year}", year=label_)
    year, _, quarter = label_.partition("-Q")
    if quarter:
        return tr.format("Quarter {q} of fiscal year {year}", q=quarter, year=year)
    period = parse_period(label_)
    return period_dates(period.first, period.last, tr)


def period_dates(first: date, last: date, tr: Translator) -> str:
    return tr.format(
        "{first} to {last}",
        first=format_date(first, tr.locale),
        last=format_date(last, tr.locale),
    )


def who_is_missing(network: Mapping[str, Any], tr: Translator) -> str:
    """The trusted partners with no figures for the period: those that sent figures for
    another period (late, with the latest they sent) apart from those that never sent any.
    Before the period ends, figures are not due yet: not called late."""
    late: Mapping[str, str] = network.get("late", {})
    never = [code for code in network["missing"] if code not in late]
    lines = []
    if late:
        orgs = ", ".join(
            tr.format("{org} (latest: {period})", org=code, period=period_name(period, tr))
            for code, period in late.items()
        )
        if network.get("ended", True):
            lines.append(
                tr.format(
                    "Late: sent figures for other periods, none for this one: {orgs}", orgs=orgs
                )
            )
        else:
            lines.append(
                tr.format("Not yet sent for this period, which has not ended: {orgs}", orgs=orgs)
            )
    if never:
        lines.append(tr.format("Never sent statistics: {orgs}", orgs=", ".join(never)))
    return "\n".join(lines)
