"""Case summary: the child, the case's status and history, assessment, plan, reviews,
referrals, consent and (optionally) notes, each section as the redaction level allows."""

from __future__ import annotations

from functools import partial
from typing import Unpack

from reportlab.platypus.flowables import Flowable

from cmdesk.core.i18n import N_
from cmdesk.core.reports.documents import record_sections as rs
from cmdesk.core.reports.documents.common import (
    Context,
    Paper,
    Printing,
    case_heading,
    child_sections,
    field_table,
    heading,
    render_document,
)
from cmdesk.core.reports.inputs import CaseSummaryData
from cmdesk.core.reports.qr import DocumentKind
from cmdesk.core.reports.redaction import Level, Section

TITLE = N_("Case summary")
SUBTITLE = N_("Case {case_number} · opened {date}")
SECTIONS = tuple(Section)  # a case summary can carry every section


def case_summary_story(data: CaseSummaryData, ctx: Context) -> list[Flowable]:
    tr = ctx.tr
    story = case_heading(ctx, TITLE, SUBTITLE, data.case_number, data.opened_on, SECTIONS)

    story += child_sections(ctx, data.child)
    if ctx.shows(Section.STATUS):
        story += [
            heading(ctx, tr.gettext("Case status")),
            field_table(
                ctx,
                [
                    (tr.gettext("Status"), data.status),
                    (tr.gettext("Stage"), data.stage),
                    (tr.gettext("Risk level"), data.risk),
                    (tr.gettext("Case worker"), data.worker),
                    (tr.gettext("Opened on"), ctx.date_text(data.opened_on)),
                ],
            ),
            *rs.stage_history(ctx, data.stage_history),
        ]
    return [
        *story,
        *rs.assessment(ctx, data.assessment),
        *rs.case_plan(ctx, data.plan_goals),
        *rs.reviews(ctx, data.reviews),
        *rs.referrals(ctx, data.referrals),
        *rs.consents(ctx, data.consents),
        *rs.notes(ctx, data.notes),
    ]


def build_case_summary(
    data: CaseSummaryData, *, level: Level, **printing: Unpack[Printing]
) -> bytes:
    """The case summary as PDF bytes, in tr's language, showing what `level` allows."""
    paper = Paper.of(data, TITLE, DocumentKind.CASE_SUMMARY, data.case_number)
    return render_document(partial(case_summary_story, data), paper, level, printing)
