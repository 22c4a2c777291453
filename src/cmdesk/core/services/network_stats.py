"""Statistics between organisations: this organisation's published figures out as a sealed
statistics bundle, another's in, and the network's figures from what came in.

The figures are computed in cmdesk.core.stats and travel in the sync layer's bundle crypto
(cmdesk.core.sync.stats_bundle); this service joins the two and checks who may do it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import THAILAND
from cmdesk.core.i18n import Locale, translator
from cmdesk.core.model.org import Organisation
from cmdesk.core.stats.combining import GAPS
from cmdesk.core.stats.service import STATS_ROLES, StatsService
from cmdesk.core.stats.suppression import DEFAULT_THRESHOLD
from cmdesk.core.stats.tables import TABLE_TITLES, header, label, rows
from cmdesk.core.stats.trend import TITLE as TREND_TITLE
from cmdesk.core.stats.trend import period_short, trend
from cmdesk.core.sync import keystore
from cmdesk.core.sync.engine import SyncEngine
from cmdesk.core.sync.stats_bundle import open_statistics, seal_statistics


def _count(value: int | None) -> str:
    return "*" if value is None else str(value)


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
        """The network's figures for the period; partners this organisation trusts (and whose
        trust it has not withdrawn) but has no figures from are listed as missing."""
        self._ctx.require_role(*STATS_ROLES)
        with self._sync.store.read() as db:
            withdrawn = keystore.withdrawn(db)
            partners = [
                ident.code
                for ident, own in keystore.trusted(db).values()
                if not own and ident.org_id not in withdrawn
            ]
        return self._stats.network(period_text, partners, threshold)

    def quarters(
        self, period_text: str, threshold: int = DEFAULT_THRESHOLD
    ) -> list[dict[str, Any]]:
        """Cases by quarter for the fiscal year of the period (StatsService.quarters)."""
        return self._stats.quarters(period_text, threshold)

    def network_pdf(
        self, period_text: str, locale: Locale, threshold: int = DEFAULT_THRESHOLD
    ) -> tuple[bytes, dict[str, Any]]:
        """The network report (PDF) for the period, in `locale`, and the figures in it."""
        # Here, not at the top: reportlab takes a fifth of a second to import, and every
        # command and the app's start import this module.
        from cmdesk.core.reports.documents.network_report import (
            NetworkReportData,
            NetworkSection,
            build_network_report,
        )
        from cmdesk.core.reports.inputs import Organisation as PrintedOrganisation

        network = self.network(period_text, threshold)
        tr = translator(locale)
        with self._ctx.read() as session:
            org = session.get(Organisation, self._ctx.actor.org_id)
        name = "" if org is None else (org.name_th if locale == "th" else org.name_en)
        head = tuple(header(network, tr)[1:2] + header(network, tr)[3:])
        grouped: dict[str, list[tuple[str, ...]]] = {}
        gaps = tr.gettext(TABLE_TITLES[GAPS])
        for row in rows(network, tr):
            if row.code.startswith("subdistrict:") and row.table != gaps:
                continue  # subdistricts are in the CSV and XLSX; on paper, districts
            cells = (row.network, *row.by_org)
            grouped.setdefault(row.table, []).append((row.category, *(_count(v) for v in cells)))
        concern = network["tables"].get("concern", {})
        chart = tuple(
            (label("concern", key, tr), int(n))
            for key, n in sorted(concern.items(), key=lambda kv: -(kv[1] or 0))
            if n
        )
        quarters = self._stats.quarters(period_text, threshold)
        network = {**network, "quarters": quarters}
        data = NetworkReportData(
            organisation=PrintedOrganisation(name=name or self._ctx.actor.org_id),
            period=str(network["period"]),
            first=date.fromisoformat(str(network["first"])),
            last=date.fromisoformat(str(network["last"])),
            threshold=threshold,
            organisations=tuple(network["organisations"]),
            missing=tuple(network["missing"]),
            sections=tuple(
                NetworkSection(title, head, tuple(found)) for title, found in grouped.items()
            ),
            chart=chart,
            chart_title=tr.gettext(TABLE_TITLES["concern"]),
            late=tuple((o, period_short(p, tr)) for o, p in network["late"].items()),
            ended=bool(network["ended"]),
            trend=trend(quarters, network["organisations"], tr),
            trend_title=tr.gettext(TREND_TITLE),
        )
        pdf = build_network_report(
            data,
            tr=tr,
            printed_by=self._ctx.actor.username,
            printed_at=datetime.now(THAILAND),
        )
        with self._ctx.write() as session:
            self._audit.record(
                session, "stats.print", detail={"period": network["period"], "lang": locale}
            )
        return pdf, network
