"""Statistics between organisations: this organisation's published figures out as a sealed
statistics bundle, another's in, and the network's figures from what came in.

The figures are computed in cmdesk.core.stats and travel in the sync layer's bundle crypto
(cmdesk.core.sync.stats_bundle); this service joins the two and checks who may do it.
"""

from __future__ import annotations

from typing import Any

from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.stats.service import STATS_ROLES, StatsService
from cmdesk.core.stats.suppression import DEFAULT_THRESHOLD
from cmdesk.core.sync import keystore
from cmdesk.core.sync.engine import SyncEngine
from cmdesk.core.sync.stats_bundle import open_statistics, seal_statistics


class StatsExchange:
    def __init__(
        self, ctx: Context, audit: AuditService, stats: StatsService, sync: SyncEngine
    ) -> None:
        self._ctx = ctx
        self._audit = audit
        self._stats = stats
        self._sync = sync

    def export(
        self, period_text: str, for_org: str | None = None, threshold: int = DEFAULT_THRESHOLD
    ) -> tuple[bytes, dict[str, Any]]:
        """The bundle of this organisation's figures for the compiling organisation (the
        shelter unless `for_org`), and the figures it holds (for the person to see)."""
        self._ctx.require_role(*STATS_ROLES)
        figures = self._stats.own(period_text, threshold)
        data = seal_statistics(self._sync, figures, for_org)
        with self._ctx.write() as session:
            self._audit.record(
                session, "stats.export", detail={"period": figures["period"], "to": for_org or ""}
            )
        return data, figures

    def import_(self, data: bytes) -> tuple[str, str]:
        """Checks and keeps a partner's statistics bundle: (its organisation's code, period)."""
        self._ctx.require_role(*STATS_ROLES)
        opened = open_statistics(self._sync, data)
        period = self._stats.keep(
            opened.bundle_id, opened.sender_org, opened.sender_code, opened.figures
        )
        return opened.sender_code, period

    def network(self, period_text: str, threshold: int = DEFAULT_THRESHOLD) -> dict[str, Any]:
        """The network's figures for the period; partners this organisation trusts but has
        no figures from are listed as missing."""
        self._ctx.require_role(*STATS_ROLES)
        with self._sync.store.read() as db:
            partners = [ident.code for ident, own in keystore.trusted(db).values() if not own]
        return self._stats.network(period_text, partners, threshold)
