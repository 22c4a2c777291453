"""Referral slip for a partner organisation: the referral itself, only the parts of the record
the referral shares (and the level allows), and a reply part for the partner to fill in."""

from __future__ import annotations

from functools import partial
from typing import Unpack

from reportlab.platypus import Table, TableStyle
from reportlab.platypus.flowables import Flowable, KeepTogether

from cmdesk.core.i18n import N_
from cmdesk.core.reports.documents import record_sections as rs
from cmdesk.core.reports.documents.common import (
    FRAME_WIDTH,
    Context,
    Paper,
    Printing,
    case_heading,
    child_sections,
    field_table,
    gap,
    heading,
    para,
    render_document,
)
from cmdesk.core.reports.flowables import WriteLine
from cmdesk.core.reports.inputs import ReferralSlipData
from cmdesk.core.reports.qr import DocumentKind
from cmdesk.core.reports.redaction import DEFAULT_POLICY, Level, Section

TITLE = N_("Referral")
SUBTITLE = N_("Case {case_number} · referred on {date}")
# What a referral slip can carry at most; the referral picks from these.
SHAREABLE = (
    Section.IDENTITY,
    Section.CONTACT,
    Section.SENSITIVE,
    Section.ASSESSMENT,
    Section.CASE_PLAN,
    Section.CONSENT,
)


def referral_slip_story(data: ReferralSlipData, ctx: Context) -> list[Flowable]:
    tr = ctx.tr
    story = case_heading(ctx, TITLE, SUBTITLE, data.case_number, data.referred_on, SHAREABLE)
    story += [
        heading(ctx, tr.gettext("Referral details")),
        field_table(
            ctx,
            [
                (tr.gettext("Referring organisation"), data.organisation.name),
                (tr.gettext("Referring worker"), data.from_worker),
                (tr.gettext("Contact"), data.from_contact),
                (tr.gettext("Receiving organisation"), data.to_organisation),
                (tr.gettext("Service requested"), data.to_service),
                (tr.gettext("Reason for referral"), data.reason),
                (tr.gettext("Urgency"), data.urgency),
                (tr.gettext("Please reply by"), ctx.date_text(data.respond_by)),
            ],
        ),
    ]
    return [
        *story,
        *child_sections(ctx, data.child),
        *rs.assessment(ctx, data.assessment),
        *rs.case_plan(ctx, data.plan_goals),
        *rs.consents(ctx, data.consents),
        KeepTogether(_reply(ctx)),
    ]


def _reply(ctx: Context) -> list[Flowable]:
    tr = ctx.tr
    s = ctx.styles
    half = FRAME_WIDTH / 2 - 6
    lines = Table(
        [
            [WriteLine(tr.gettext("Received by"), s.small), WriteLine(tr.gettext("Date"), s.small)],
            [
                WriteLine(tr.gettext("Action taken or appointment"), s.small),
                WriteLine(tr.gettext("Signature"), s.small),
            ],
        ],
        colWidths=[half + 6, half + 6],
        hAlign="LEFT",
    )
    lines.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [
        heading(ctx, tr.gettext("Reply from the receiving organisation")),
        para(
            tr.gettext(
                "Please fill in this part and send it back to the referring worker, or tell them "
                "by phone."
            ),
            s.body,
        ),
        gap(4),
        lines,
    ]


def build_referral_slip(
    data: ReferralSlipData, *, level: Level = Level.PARTNER, **printing: Unpack[Printing]
) -> bytes:
    """The referral slip as PDF bytes: sections outside data.shared_sections never appear."""
    policy = printing.get("policy", DEFAULT_POLICY)
    printing["policy"] = policy.restricted_to(data.shared_sections)
    paper = Paper.of(data, TITLE, DocumentKind.REFERRAL_SLIP, data.case_number)
    return render_document(partial(referral_slip_story, data), paper, level, printing)
