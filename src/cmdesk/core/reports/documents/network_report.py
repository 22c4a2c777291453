"""The quarterly network report for the MOU meeting: the network's figures for a period, by
table and organisation, with a bar chart of cases by concern. Counts only; a hidden count is
printed as a mark the note explains, never as a number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.platypus import Table, TableStyle
from reportlab.platypus.flowables import Flowable

from cmdesk.core.charts import Trend
from cmdesk.core.i18n import N_, Translator
from cmdesk.core.reports.documents.common import (
    FRAME_WIDTH,
    Context,
    field_table,
    gap,
    heading,
    list_table,
    para,
    title_block,
)
from cmdesk.core.reports.documents.trend_chart import trend_flowables
from cmdesk.core.reports.inputs import Organisation
from cmdesk.core.reports.page import PageFurniture, render_pdf
from cmdesk.core.reports.qr import DocumentKind, QrPayload
from cmdesk.core.reports.redaction import Level

TITLE = N_("Network statistics report")
HIDDEN_MARK = "*"
HIDDEN_NOTE = N_(
    "* hidden: fewer than {threshold} children, or hidden with such a count so that it "
    "cannot be worked out from the totals."
)
BAR_BLUE = "#3b6ea5"


@dataclass(frozen=True)
class NetworkSection:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class NetworkReportData:
    organisation: Organisation
    period: str
    first: date
    last: date
    threshold: int
    organisations: tuple[str, ...]
    missing: tuple[str, ...]
    sections: tuple[NetworkSection, ...]
    # (label, count) for the chart; hidden counts are left out of it.
    chart: tuple[tuple[str, int], ...] = field(default=())
    chart_title: str = ""
    # Of the missing, those that sent figures for another period: (code, its latest period).
    late: tuple[tuple[str, str], ...] = ()
    ended: bool = True  # the period is over: its figures are due
    trend: Trend | None = None
    trend_title: str = ""


def _bar_chart(ctx: Context, bars: Sequence[tuple[str, int]]) -> Flowable:
    """Horizontal bars, their labels set as Thai-shaped paragraphs beside them."""
    s = ctx.styles
    top = max((n for _, n in bars), default=0) or 1
    width = FRAME_WIDTH * 0.5
    rows = []
    for label, n in bars:
        bar = Drawing(width, 10)
        bar.add(Rect(0, 1, max(1.0, width * n / top), 8, fillColor=BAR_BLUE, strokeColor=None))
        rows.append([para(label, s.cell), bar, para(str(n), s.cell)])
    table = Table(rows, colWidths=[FRAME_WIDTH * 0.38, width + 6, FRAME_WIDTH * 0.1])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _who_is_missing(data: NetworkReportData, tr: Translator) -> list[tuple[str, str]]:
    """Late partners (figures for another period came, none for this one) apart from those
    that never sent any."""
    late = dict(data.late)
    never = [code for code in data.missing if code not in late]
    sent = ", ".join(
        tr.format("{org} (latest: {period})", org=code, period=period) for code, period in data.late
    )
    late_label = (
        tr.gettext("Late: sent figures for other periods, none for this one")
        if data.ended
        else tr.gettext("Sent figures for other periods, none yet for this one (not yet ended)")
    )
    return [
        (late_label, sent or "–"),
        (tr.gettext("Never sent statistics"), ", ".join(never) or "–"),
    ]


def network_story(data: NetworkReportData, ctx: Context) -> list[Flowable]:
    tr = ctx.tr
    story: list[Flowable] = title_block(
        ctx,
        tr.gettext(TITLE),
        tr.format(
            "{period}: {first} to {last}",
            period=data.period,
            first=ctx.long_date_text(data.first),
            last=ctx.long_date_text(data.last),
        ),
    )
    story.append(
        field_table(
            ctx,
            [
                (tr.gettext("Organisations"), ", ".join(data.organisations)),
                *_who_is_missing(data, tr),
            ],
            label_share=0.35,
        )
    )
    if data.trend is not None:
        story += [heading(ctx, data.trend_title)]
        story += trend_flowables(ctx, data.trend, HIDDEN_MARK)
    if data.chart:
        story += [heading(ctx, data.chart_title), _bar_chart(ctx, data.chart)]
    n = len(data.organisations)
    shares = [0.34, 0.14] + [0.52 / max(n, 1)] * n
    for section in data.sections:
        story += [
            heading(ctx, section.title),
            list_table(ctx, section.header, section.rows, shares),
        ]
    story += [gap(), para(tr.format(HIDDEN_NOTE, threshold=data.threshold), ctx.styles.small)]
    return story


def build_network_report(
    data: NetworkReportData, *, tr: Translator, printed_by: str, printed_at: datetime
) -> bytes:
    """The network report as PDF bytes."""
    ctx = Context(tr, Level.FULL)
    info = PageFurniture(
        organisation=data.organisation,
        title=tr.gettext(TITLE),
        reference=data.period,
        level=Level.FULL,
        printed_by=printed_by,
        printed_at=printed_at,
        qr=QrPayload(DocumentKind.NETWORK_REPORT, data.period.replace("..", "_")),
        tr=tr,
    )
    return render_pdf(network_story(data, ctx), info, password=None)
