"""Caseload report for a worker, a team or a subdistrict: cases by stage and risk, overdue
follow-ups first, then every case. Children's names appear only where identity may."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import partial
from typing import Unpack

from reportlab.platypus import Table, TableStyle
from reportlab.platypus.flowables import Flowable

from cmdesk.core.i18n import N_
from cmdesk.core.reports.documents.common import (
    FRAME_WIDTH,
    Context,
    Paper,
    Printing,
    field_table,
    heading,
    list_table,
    omitted_notice,
    render_document,
    title_block,
)
from cmdesk.core.reports.flowables import ThaiParagraph
from cmdesk.core.reports.inputs import CaseloadCase, CaseloadData
from cmdesk.core.reports.qr import DocumentKind
from cmdesk.core.reports.redaction import Level, Section
from cmdesk.core.reports.styles import HEADER_FILL, RULE_GREY

SCOPE_LABELS = {
    "worker": N_("Worker"),
    "team": N_("Team"),
    "subdistrict": N_("Subdistrict"),
}


def _ordered(preferred: tuple[str, ...], found: Iterable[str]) -> list[str]:
    seen = list(dict.fromkeys(found))
    return [v for v in preferred if v in seen] + [v for v in seen if v not in preferred]


def days_overdue(case: CaseloadCase, data: CaseloadData) -> int:
    if case.next_follow_up_on is None:
        return 0
    return max(0, (data.as_of - case.next_follow_up_on).days)


def caseload_story(data: CaseloadData, ctx: Context) -> list[Flowable]:
    tr = ctx.tr
    scope = tr.gettext(SCOPE_LABELS[data.scope])
    story: list[Flowable] = title_block(
        ctx,
        tr.gettext("Caseload report"),
        tr.format(
            "{scope}: {name} · as of {date}",
            scope=scope,
            name=data.scope_name,
            date=ctx.long_date_text(data.as_of),
        ),
    )
    story += omitted_notice(ctx, (Section.IDENTITY, Section.STATUS))
    if not ctx.shows(Section.STATUS):
        return story

    overdue = sorted(
        (c for c in data.cases if days_overdue(c, data) > 0),
        key=lambda c: (-days_overdue(c, data), c.case_number),
    )
    story += [
        heading(ctx, tr.gettext("Summary")),
        field_table(
            ctx,
            [
                (tr.gettext("Cases"), str(len(data.cases))),
                (tr.gettext("Overdue follow-ups"), str(len(overdue))),
            ],
            label_share=0.4,
        ),
        heading(ctx, tr.gettext("Cases by stage and risk")),
        *_matrix(ctx, data),
    ]

    named = ctx.shows(Section.IDENTITY)
    header = [tr.gettext("Case")]
    shares = [2.2]
    if named:
        header.append(tr.gettext("Child"))
        shares.append(3)
    header += [tr.gettext("Stage"), tr.gettext("Risk"), tr.gettext("Worker")]
    shares += [2.2, 1.5, 3]

    def row(case: CaseloadCase) -> list[str]:
        cells = [case.case_number]
        if named:
            cells.append(case.child_name)
        return [*cells, case.stage, case.risk, case.worker]

    story += [
        heading(ctx, tr.gettext("Overdue follow-ups")),
        list_table(
            ctx,
            [*header, tr.gettext("Follow-up due"), tr.gettext("Days overdue")],
            [
                [*row(c), ctx.date_text(c.next_follow_up_on), str(days_overdue(c, data))]
                for c in overdue
            ],
            [*shares, 2, 1.4],
        ),
    ]
    stages = _ordered(data.stage_order, (c.stage for c in data.cases))
    risks = _ordered(data.risk_order, (c.risk for c in data.cases))
    everything = sorted(
        data.cases,
        key=lambda c: (stages.index(c.stage), -risks.index(c.risk), c.case_number),
    )
    story += [
        heading(ctx, tr.gettext("All cases")),
        list_table(
            ctx,
            [*header, tr.gettext("Last contact"), tr.gettext("Next follow-up")],
            [
                [*row(c), ctx.date_text(c.last_contact_on), ctx.date_text(c.next_follow_up_on)]
                for c in everything
            ],
            [*shares, 2, 2],
        ),
    ]
    return story


def _matrix(ctx: Context, data: CaseloadData) -> list[Flowable]:
    """Stage rows by risk columns, with totals; overdue counts in brackets."""
    tr = ctx.tr
    s = ctx.styles
    stages = _ordered(data.stage_order, (c.stage for c in data.cases))
    risks = _ordered(data.risk_order, (c.risk for c in data.cases))
    counts = Counter((c.stage, c.risk) for c in data.cases)
    late = Counter((c.stage, c.risk) for c in data.cases if days_overdue(c, data) > 0)

    def cell(n: int, overdue: int, bold: bool = False) -> ThaiParagraph:
        value = "–" if n == 0 else (f"{n} ({overdue})" if overdue else str(n))
        return ThaiParagraph(value, (s.cell_label if bold else s.cell).but(align="center"))

    header: list[Flowable] = [ThaiParagraph(tr.gettext("Stage"), s.cell_header)]
    header += [ThaiParagraph(r, s.cell_header.but(align="center")) for r in risks]
    header.append(ThaiParagraph(tr.gettext("Total"), s.cell_header.but(align="center")))
    rows: list[list[Flowable]] = [header]
    for stage in stages:
        line: list[Flowable] = [ThaiParagraph(stage, s.cell)]
        line += [cell(counts[stage, r], late[stage, r]) for r in risks]
        total = sum(counts[stage, r] for r in risks)
        line.append(cell(total, sum(late[stage, r] for r in risks), bold=True))
        rows.append(line)
    totals: list[Flowable] = [ThaiParagraph(tr.gettext("Total"), s.cell_label)]
    totals += [
        cell(sum(counts[st, r] for st in stages), sum(late[st, r] for st in stages), bold=True)
        for r in risks
    ]
    totals.append(cell(len(data.cases), sum(late.values()), bold=True))
    rows.append(totals)
    first = FRAME_WIDTH * 0.28
    rest = (FRAME_WIDTH - first) / (len(risks) + 1)
    table = Table(rows, colWidths=[first] + [rest] * (len(risks) + 1), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, RULE_GREY),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    note = ThaiParagraph(
        tr.gettext("In brackets: cases whose follow-up is overdue."), s.small.but(space_before=3)
    )
    return [table, note]


def build_caseload_report(
    data: CaseloadData, *, level: Level = Level.FULL, **printing: Unpack[Printing]
) -> bytes:
    """The caseload report as PDF bytes."""
    paper = Paper.of(data, N_("Caseload report"), DocumentKind.CASELOAD, data.scope_name)
    return render_document(partial(caseload_story, data), paper, level, printing)
