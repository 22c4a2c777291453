"""Everything the vault holds about one child, for the person it is about (PDPA s.30: the
right of access): each record with its fields under their names in the reader's language,
who looked at or changed them, and the same data as JSON attached inside the PDF for any
program. The file is always password-protected: it leaves the vault's encryption."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from reportlab.platypus.flowables import Flowable

from cmdesk.core.i18n import N_, Translator
from cmdesk.core.reports.documents.common import (
    Context,
    Paper,
    Printing,
    field_table,
    gap,
    heading,
    list_table,
    para,
    render_document,
    subheading,
    title_block,
)
from cmdesk.core.reports.inputs import Organisation
from cmdesk.core.reports.qr import DocumentKind
from cmdesk.core.reports.redaction import Level

TITLE = N_("Personal data held about a child")
ATTACHMENT = "personal-data.json"


@dataclass(frozen=True)
class RecordRows:
    title: str  # the kind of record, in the reader's language
    rows: tuple[tuple[str, str], ...]  # (field name, value), both ready to print


@dataclass(frozen=True)
class PersonalData:
    organisation: Organisation
    child_id: str
    records: tuple[RecordRows, ...]
    # (when, who, what) for every audit entry about these records
    history: tuple[tuple[str, str, str], ...]
    attachment: bytes  # the same data as JSON


def personal_data_story(data: PersonalData, ctx: Context) -> list[Flowable]:
    tr = ctx.tr
    story: list[Flowable] = [
        *title_block(ctx, tr.gettext(TITLE), data.child_id),
        para(
            tr.format(
                "This document lists every record the organisation holds about the child, "
                "as asked under the Personal Data Protection Act. The same data is attached "
                "inside this file as {file} for use in other programs.",
                file=ATTACHMENT,
            ),
            ctx.styles.body,
        ),
        gap(),
    ]
    for record in data.records:
        story += [subheading(ctx, record.title), field_table(ctx, record.rows), gap(4)]
    story.append(heading(ctx, tr.gettext("Who looked at or changed these records")))
    story.append(
        list_table(
            ctx,
            ctx.labels(N_("When"), N_("Who"), N_("What")),
            [list(row) for row in data.history],
            [0.25, 0.2, 0.55],
        )
    )
    return story


def build_personal_data(
    data: PersonalData,
    *,
    tr: Translator,
    printed_by: str,
    printed_at: datetime,
    password: str,
) -> bytes:
    """The export as an AES-256 password-protected PDF with the JSON attached inside."""
    paper = Paper(
        data.organisation, TITLE, data.child_id, DocumentKind.PERSONAL_DATA, data.child_id
    )
    return render_document(
        partial(personal_data_story, data),
        paper,
        Level.FULL,
        Printing(tr=tr, printed_by=printed_by, printed_at=printed_at, password=password),
        attachments={ATTACHMENT: data.attachment},
    )
