"""Who may compute the organisation's statistics, and the audit trail of doing so."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.model.network_stats import ImportedStatistics
from cmdesk.core.model.org import Organisation
from cmdesk.core.model.roles import Role
from cmdesk.core.stats.aggregates import ALL, Figures, cases_by_area, compute
from cmdesk.core.stats.combining import checked, combine
from cmdesk.core.stats.periods import fiscal_quarter, parse_period
from cmdesk.core.stats.suppression import DEFAULT_THRESHOLD

# The network's coordinators are supervisors; data managers produce the bundles.
STATS_ROLES = (Role.DATA_MANAGER, Role.SUPERVISOR)


class StatsService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit

    def own(self, period_text: str, threshold: int = DEFAULT_THRESHOLD) -> dict[str, object]:
        """The organisation's published figures for a period (small cells hidden)."""
        self._ctx.require_role(*STATS_ROLES)
        period = parse_period(period_text)
        with self._ctx.write() as session:
            figures = compute(session, self._ctx.actor.org_id, period)
            self._audit.record(
                session, "stats.report", detail={"period": period.label, "threshold": threshold}
            )
        return figures.published(max(threshold, 1))

    def keep(self, bundle_id: str, org_id: str, org_code: str, figures: dict[str, Any]) -> str:
        """Stores another organisation's published figures (a newer bundle for the same
        organisation and period replaces the older); the period's label."""
        self._ctx.require_role(*STATS_ROLES)
        # The sender is who signed the bundle, whatever code its figures name.
        figures = {**checked(figures), "org": org_code}
        period = parse_period(str(figures["period"])).label
        with self._ctx.write() as session:
            row = session.scalars(
                select(ImportedStatistics).where(
                    ImportedStatistics.org_id == org_id, ImportedStatistics.period == period
                )
            ).one_or_none()
            if row is None:
                row = ImportedStatistics(org_id=org_id, period=period)
                session.add(row)
            row.org_code, row.bundle_id, row.figures = org_code, bundle_id, figures
            row.imported_by = self._ctx.actor.username
            self._audit.record(
                session,
                "stats.import",
                "statistics",
                bundle_id,
                {"org": org_code, "period": period},
            )
        return period

    def network(
        self,
        period_text: str,
        partners: Iterable[str] = (),
        threshold: int = DEFAULT_THRESHOLD,
        today: date | None = None,
    ) -> dict[str, Any]:
        """This organisation's figures and every imported organisation's, combined; the
        `partners` (codes) with no figures for the period are listed as missing, and those
        of them that sent figures for another period as late (`late`: code -> the latest
        period they sent; `ended`: whether the period is over, so figures are due)."""
        own = self.own(period_text, threshold)
        label = str(own["period"])
        with self._ctx.read() as session:
            rows = session.scalars(
                select(ImportedStatistics)
                .where(ImportedStatistics.period == label)
                .order_by(ImportedStatistics.org_code)
            ).all()
        others = [dict(r.figures) for r in rows if r.org_code != own["org"]]
        have = {str(own["org"]), *(str(o.get("org")) for o in others)}
        missing = [p for p in partners if p not in have]
        network = combine([own, *others], missing=missing)
        network["late"] = self._latest_sent(missing)
        network["ended"] = parse_period(label).last < (today or thai_today())
        return network

    def _latest_sent(self, codes: list[str]) -> dict[str, str]:
        """Of the organisations with no figures for a period, those that sent figures for
        another: each one's latest period (by its last day). The others never sent any."""
        with self._ctx.read() as session:
            sent = session.execute(
                select(ImportedStatistics.org_code, ImportedStatistics.period).where(
                    ImportedStatistics.org_code.in_(codes)
                )
            ).all()
        latest: dict[str, str] = {}
        for code, label in sorted(sent, key=lambda r: (parse_period(r[1]).last, r[1])):
            latest[code] = label
        return dict(sorted(latest.items()))

    def quarters(
        self,
        period_text: str,
        threshold: int = DEFAULT_THRESHOLD,
        today: date | None = None,
    ) -> list[dict[str, Any]]:
        """The trend the MOU meeting looks at, for a fiscal year or one of its quarters: each
        quarter of that fiscal year with the network's cases and each organisation's (this
        one's, and those imported for the quarter; an organisation with none is left out of
        `by_org`), the chosen quarter marked. A quarter that has not begun is not counted
        (every open case would count in it). Empty for a date range.

        Only the cases by area are counted for each quarter (the published "all" cell,
        hidden exactly as in the quarter's full figures), so four quarters cost little more
        than one."""
        self._ctx.require_role(*STATS_ROLES)
        chosen = parse_period(period_text).label
        year = chosen.partition("-Q")[0]
        if not year.isdigit():
            return []
        today = today or thai_today()
        periods = [fiscal_quarter(int(year), q) for q in range(1, 5)]
        begun = [p for p in periods if p.first <= today]
        org_id = self._ctx.actor.org_id
        with self._ctx.read() as session:
            org = session.get(Organisation, org_id)
            code = org.code if org is not None else ""
            own = {
                p.label: Figures(code, p, {"area": table}, {})
                for p, table in zip(begun, cases_by_area(session, org_id, begun), strict=True)
            }
            kept = session.execute(
                select(ImportedStatistics.period, ImportedStatistics.figures)
                .where(ImportedStatistics.period.in_(list(own)))
                .order_by(ImportedStatistics.org_code)
            ).all()
        imported: dict[str, list[dict[str, Any]]] = {}
        for label, figures in kept:
            if figures.get("org") != code and "area" in figures.get("tables", {}):
                area_only = {**figures, "tables": {"area": figures["tables"]["area"]}}
                imported.setdefault(label, []).append(area_only)
        out = []
        for p in periods:
            one = {
                "quarter": p.label,
                "first": p.first.isoformat(),
                "last": p.last.isoformat(),
                "chosen": p.label == chosen,
                "begun": p.label in own,
                "cases": None,
                "by_org": {},
            }
            if p.label in own:
                ours = own[p.label].published(max(threshold, 1))
                network = combine([ours, *imported.get(p.label, [])])
                one["cases"] = network["tables"]["area"].get(ALL, 0)
                one["by_org"] = {o: t["area"].get(ALL, 0) for o, t in network["by_org"].items()}
            out.append(one)
        return out
