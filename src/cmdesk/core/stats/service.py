"""Who may compute the organisation's statistics, and the audit trail of doing so."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.model.network_stats import ImportedStatistics
from cmdesk.core.model.roles import Role
from cmdesk.core.stats.aggregates import compute
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
    ) -> dict[str, Any]:
        """This organisation's figures and every imported organisation's, combined; the
        `partners` (codes) with no figures for the period are listed as missing."""
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
        return combine([own, *others], missing=[p for p in partners if p not in have])

    def quarters(
        self, period_text: str, threshold: int = DEFAULT_THRESHOLD
    ) -> list[dict[str, Any]]:
        """For a fiscal year: each quarter's cases by organisation (this one's and those
        imported for the quarter), the trend the MOU meeting looks at. Empty otherwise."""
        label = parse_period(period_text).label
        if not label.isdigit():
            return []
        out = []
        for q in range(1, 5):
            quarter = fiscal_quarter(int(label), q).label
            network = self.network(quarter, (), threshold)
            cases = network["tables"].get("area", {}).get("all")
            by_org = {o: t.get("area", {}).get("all") for o, t in network["by_org"].items()}
            out.append({"quarter": quarter, "cases": cases, "by_org": by_org})
        return out
