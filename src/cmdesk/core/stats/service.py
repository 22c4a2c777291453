"""Who may compute the organisation's statistics, and the audit trail of doing so."""

from __future__ import annotations

from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.model.roles import Role
from cmdesk.core.stats.aggregates import compute
from cmdesk.core.stats.periods import parse_period
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
