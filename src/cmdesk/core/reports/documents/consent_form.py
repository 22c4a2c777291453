"""Consent form, pre-filled, for the child and the guardian to sign.

The wording follows what the PDPA (B.E. 2562) asks of consent: each purpose asked separately,
who the data goes to, how long it is kept, and that consent can be refused or withdrawn
without losing help.
"""

from __future__ import annotations

from typing import Unpack

from reportlab.platypus import Table, TableStyle
from reportlab.platypus.flowables import Flowable, KeepTogether

from cmdesk.core.i18n import N_, format_birth_date
from cmdesk.core.reports.documents.common import (
    FRAME_WIDTH,
    Context,
    Paper,
    Printing,
    field_table,
    gap,
    heading,
    para,
    render_document,
    subheading,
    title_block,
)
from cmdesk.core.reports.flowables import CheckBox, ThaiParagraph, WriteLine
from cmdesk.core.reports.inputs import ConsentFormData
from cmdesk.core.reports.qr import DocumentKind
from cmdesk.core.reports.redaction import Level, Section
from cmdesk.core.reports.styles import HEADER_FILL, RULE_GREY


def consent_form_story(data: ConsentFormData, ctx: Context) -> list[Flowable]:
    tr = ctx.tr
    s = ctx.styles
    named = ctx.shows(Section.IDENTITY)
    child_name = data.child_name if named else ""
    story: list[Flowable] = title_block(
        ctx,
        tr.gettext("Consent to collect, use and share personal data"),
        tr.format("Case {case_number}", case_number=data.case_number),
    )
    story.append(
        para(
            tr.format(
                "{organisation} asks for your consent to keep and use information about the "
                "child named below, to protect and help the child. Please read each purpose and "
                "tick whether you agree. You may refuse, or withdraw your consent later, at any "
                "time: the child will still receive help.",
                organisation=data.organisation.name,
            ),
            s.body,
        )
    )
    birth = ""
    if named and data.child_birth_date is not None:
        birth = format_birth_date(data.child_birth_date, tr.locale, tr=tr)
    guardian = data.guardian_name if ctx.shows(Section.CONTACT) else ""
    story += [
        heading(ctx, tr.gettext("Child and guardian")),
        field_table(
            ctx,
            [
                (tr.gettext("Child"), child_name),
                (tr.gettext("Birth date"), birth),
                (tr.gettext("Guardian"), guardian),
                (tr.gettext("Relationship to the child"), data.guardian_relation),
                (tr.gettext("Case worker"), data.worker),
            ],
        ),
        heading(ctx, tr.gettext("Purposes")),
        _purposes(ctx, data),
    ]
    if data.shared_with:
        story += [
            subheading(ctx, tr.gettext("Who may receive the data")),
            *_bullets(ctx, data.shared_with),
        ]
    if data.data_categories:
        story += [subheading(ctx, tr.gettext("What data")), *_bullets(ctx, data.data_categories)]
    if data.retention:
        story += [subheading(ctx, tr.gettext("How long it is kept")), para(data.retention, s.body)]
    story += [
        subheading(ctx, tr.gettext("Your rights")),
        para(
            tr.gettext(
                "You may ask to see the data, to have it corrected, or to have it deleted when "
                "it is no longer needed, and you may withdraw consent at any time by telling "
                "the case worker. Withdrawal does not affect what was done before it. You may "
                "complain to the Personal Data Protection Committee."
            ),
            s.body,
        ),
        KeepTogether([heading(ctx, tr.gettext("Signatures")), _signatures(ctx, data)]),
    ]
    return story


def _bullets(ctx: Context, items: tuple[str, ...]) -> list[Flowable]:
    style = ctx.styles.body.but(left_indent=10, space_after=1)
    return [ThaiParagraph(f"• {item}", style) for item in items]


def _purposes(ctx: Context, data: ConsentFormData) -> Flowable:
    tr = ctx.tr
    s = ctx.styles
    header: list[Flowable] = [
        ThaiParagraph(tr.gettext("Purpose"), s.cell_header),
        ThaiParagraph(tr.gettext("I agree"), s.cell_header.but(align="center")),
        ThaiParagraph(tr.gettext("I do not agree"), s.cell_header.but(align="center")),
    ]
    rows: list[list[Flowable | list[Flowable]]] = [list(header)]
    for purpose in data.purposes:
        cell: list[Flowable] = [ThaiParagraph(purpose.title, s.cell_label)]
        if purpose.description:
            cell.append(ThaiParagraph(purpose.description, s.cell))
        rows.append([cell, CheckBox(10), CheckBox(10)])
    table = Table(
        rows, colWidths=[FRAME_WIDTH * 0.64, FRAME_WIDTH * 0.18, FRAME_WIDTH * 0.18], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, RULE_GREY),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _signatures(ctx: Context, data: ConsentFormData) -> Flowable:
    tr = ctx.tr
    s = ctx.styles.small

    def block(title: str, printed_name: str) -> list[Flowable]:
        # Thai forms print the name in brackets under the signature; a blank line otherwise.
        name: Flowable = (
            ThaiParagraph(f"({printed_name})", s.but(font_size=9.5, leading=14, space_before=3))
            if printed_name
            else WriteLine(tr.gettext("Name in full"), s)
        )
        return [
            ThaiParagraph(title, ctx.styles.cell_label),
            WriteLine(tr.gettext("Signature"), s),
            name,
            WriteLine(tr.gettext("Date"), s),
        ]

    guardian = data.guardian_name if ctx.shows(Section.CONTACT) else ""
    child = data.child_name if ctx.shows(Section.IDENTITY) else ""
    cells = [
        [block(tr.gettext("Child"), child), block(tr.gettext("Parent or guardian"), guardian)],
        [
            block(tr.gettext("Case worker"), data.worker),
            block(tr.gettext("Witness"), ""),
        ],
    ]
    half = FRAME_WIDTH / 2
    table = Table(cells, colWidths=[half, half], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 14),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return table


def build_consent_form(
    data: ConsentFormData, *, level: Level = Level.FULL, **printing: Unpack[Printing]
) -> bytes:
    """The consent form as PDF bytes, ready to print and sign."""
    paper = Paper.of(data, N_("Consent form"), DocumentKind.CONSENT_FORM, data.case_number)
    return render_document(
        lambda ctx: [*consent_form_story(data, ctx), gap(2)], paper, level, printing
    )
