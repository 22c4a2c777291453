"""Building blocks shared by the document builders: context, headings, tables, the child."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NotRequired, Protocol, TypedDict

from reportlab.platypus import Table, TableStyle
from reportlab.platypus.flowables import Flowable, Spacer

from cmdesk.core.i18n import N_, Translator, format_date
from cmdesk.core.reports.facts import child_groups
from cmdesk.core.reports.flowables import TextStyle, ThaiParagraph
from cmdesk.core.reports.inputs import ChildProfile, Organisation
from cmdesk.core.reports.page import PageFurniture, render_pdf
from cmdesk.core.reports.qr import DocumentKind, QrPayload
from cmdesk.core.reports.redaction import (
    DEFAULT_POLICY,
    Level,
    RedactionPolicy,
    Section,
    section_label,
)
from cmdesk.core.reports.styles import (
    HEADER_FILL,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_SIZE,
    RULE_GREY,
    Styles,
    document_styles,
)
from cmdesk.core.reports.thai_wrap import pieces, string_measure

DASH = "—"
FRAME_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
CELL_PAD_X = 4.0
CELL_PAD_Y = 3.0
# A row taller than what is left of the page (a long address, a long finding) is split between
# pages, as long as each part is at least this high (points); otherwise it moves whole.
SPLIT_IN_ROW = 30


@dataclass(frozen=True)
class Context:
    tr: Translator
    level: Level
    policy: RedactionPolicy = DEFAULT_POLICY

    @property
    def styles(self) -> Styles:
        return document_styles()

    def shows(self, section: Section) -> bool:
        return self.policy.shows(section, self.level)

    def date_text(self, value: date | None) -> str:
        return DASH if value is None else format_date(value, self.tr.locale, "medium")

    def long_date_text(self, value: date) -> str:
        return format_date(value, self.tr.locale, "long")

    def labels(self, *msgids: str) -> list[str]:
        """Each message id in the reader's language: a table's column headings."""
        return [self.tr.gettext(m) for m in msgids]


def text(value: str) -> str:
    return value.strip() or DASH


def para(value: str, style: TextStyle) -> ThaiParagraph:
    return ThaiParagraph(value, style)


def title_block(ctx: Context, title: str, subtitle: str) -> list[Flowable]:
    return [para(title, ctx.styles.title), para(subtitle, ctx.styles.subtitle)]


def case_heading(
    ctx: Context, title: str, subtitle: str, case_number: str, on: date, sections: Sequence[Section]
) -> list[Flowable]:
    """A case document's title, the line naming the case and the day the document is about
    (`subtitle`, a message id with {case_number} and {date}), and what this copy leaves out of
    the `sections` it can carry."""
    tr = ctx.tr
    line = tr.format(subtitle, case_number=case_number, date=ctx.long_date_text(on))
    return [*title_block(ctx, tr.gettext(title), line), *omitted_notice(ctx, sections)]


def omitted_notice(ctx: Context, sections: Sequence[Section]) -> list[Flowable]:
    """One line naming the sections this copy leaves out (from the policy, not the data)."""
    left_out = [s for s in sections if not ctx.shows(s)]
    if not left_out:
        return []
    names = ", ".join(section_label(s, ctx.tr) for s in left_out)
    message = ctx.tr.format("Not included in this copy: {sections}.", sections=names)
    return [para(message, ctx.styles.withheld)]


def heading(ctx: Context, value: str) -> ThaiParagraph:
    return para(value, ctx.styles.heading)


def subheading(ctx: Context, value: str) -> ThaiParagraph:
    return para(value, ctx.styles.subheading)


def nothing_recorded(ctx: Context) -> ThaiParagraph:
    return para(ctx.tr.gettext("Nothing recorded."), ctx.styles.withheld)


def _cell(value: str | Flowable, style: TextStyle) -> Flowable:
    return value if isinstance(value, Flowable) else ThaiParagraph(value, style)


def field_table(ctx: Context, rows: Sequence[tuple[str, str]], label_share: float = 0.3) -> Table:
    """Label | value rows, labels shaded."""
    s = ctx.styles
    data = [[_cell(label, s.cell_label), _cell(text(value), s.cell)] for label, value in rows]
    widths = [FRAME_WIDTH * label_share, FRAME_WIDTH * (1 - label_share)]
    table = Table(data, colWidths=widths, hAlign="LEFT", splitInRow=SPLIT_IN_ROW)
    table.setStyle(
        TableStyle(
            [
                *_base_style(),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
            ]
        )
    )
    return table


def list_table(
    ctx: Context,
    header: Sequence[str],
    rows: Sequence[Sequence[str | Flowable]],
    shares: Sequence[float],
) -> Flowable:
    """A table with a header row that repeats on each page; rows never split mid-cell."""
    if not rows:
        return nothing_recorded(ctx)
    s = ctx.styles
    texts = [[v if isinstance(v, str) else "" for v in row] for row in rows]
    widths = fit_widths(
        shares,
        [
            [longest_word(h, s.cell_header), *(longest_word(r[i], s.cell) for r in texts)]
            for i, h in enumerate(header)
        ],
    )
    data: list[list[Flowable]] = [[_cell(h, s.cell_header) for h in header]]
    data += [
        [_cell(v if isinstance(v, Flowable) else text(v), s.cell) for v in row] for row in rows
    ]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=SPLIT_IN_ROW)
    table.setStyle(TableStyle([*_base_style(), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]))
    return table


def longest_word(value: str, style: TextStyle) -> float:
    """Width of the widest piece of `value` that a line cannot break inside."""
    measure = string_measure(style.font_name, style.font_size)
    return max((measure(p.text) for p in pieces(value) if not p.space), default=0.0)


def fit_widths(shares: Sequence[float], words: Sequence[Sequence[float]]) -> list[float]:
    """Column widths in proportion to `shares`, but each wide enough for its longest word
    (words[column] lists them), taking the room from columns that have some to spare. Only
    when the words cannot all fit does a column keep a width that forces a hard split."""
    total = sum(shares)
    widths = [FRAME_WIDTH * share / total for share in shares]
    need = [max(column, default=0.0) + 2 * CELL_PAD_X + 1 for column in words]
    if sum(need) > FRAME_WIDTH:
        return widths
    short = [i for i, (w, n) in enumerate(zip(widths, need, strict=True)) if w < n]
    deficit = sum(need[i] - widths[i] for i in short)
    if deficit <= 0:
        return widths
    for i in short:
        widths[i] = need[i]
    slack = {i: widths[i] - need[i] for i in range(len(widths)) if i not in short}
    spare = sum(slack.values())
    for i, room in slack.items():
        widths[i] -= deficit * room / spare
    return widths


def _base_style() -> list[tuple[object, ...]]:
    return [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE_GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_Y),
    ]


def gap(height: float = 6.0) -> Spacer:
    return Spacer(1, height)


def child_display_name(child: ChildProfile) -> str:
    if child.nickname:
        return f"{child.full_name} ({child.nickname})"
    return child.full_name


def household_table(ctx: Context, child: ChildProfile) -> list[Flowable]:
    """The child's household: who they are to the child, who cares for them, who lives with
    them, and how to reach them."""
    tr = ctx.tr
    yes, no = tr.gettext("Yes"), tr.gettext("No")
    header = ctx.labels(
        N_("Name"), N_("Relationship"), N_("Caregiver"), N_("Lives with the child"), N_("Phone")
    )
    rows = [
        (
            p.name,
            p.relationship,
            yes if p.caregiver else no,
            yes if p.lives_with_child else no,
            p.phone,
        )
        for p in child.household
    ]
    return [
        subheading(ctx, tr.gettext("Household and caregivers")),
        list_table(ctx, header, rows, [3.5, 2.2, 1.6, 1.9, 2.4]),
    ]


def child_sections(ctx: Context, child: ChildProfile) -> list[Flowable]:
    """The child's identity, contact and sensitive data under the heading "Child", each only if
    the level shows it (a referral slip's level is cut to what the referral shares:
    policy.restricted_to); nothing, heading included, where none is shown."""
    tr = ctx.tr
    story: list[Flowable] = []
    for group in child_groups(child, tr, ctx.shows):
        story += [subheading(ctx, group.title), field_table(ctx, group.rows)]
        if group.section == Section.CONTACT and child.household:
            story += household_table(ctx, child)
    return [heading(ctx, tr.gettext("Child")), *story] if story else []


@dataclass(frozen=True)
class Paper:
    """What a document's page furniture says about the document itself."""

    organisation: Organisation
    title: str  # a message id
    reference: str  # what the paper is about, never a name (a case number, an id)
    kind: DocumentKind
    record_id: str

    @classmethod
    def of(cls, data: Filed, title: str, kind: DocumentKind, reference: str) -> Paper:
        """The paper of a document about data's record, printed by data's organisation."""
        return cls(data.organisation, title, reference, kind, data.record_id)


class Filed(Protocol):
    """A document's data that names the organisation printing it and the record it is about."""

    @property
    def organisation(self) -> Organisation: ...

    @property
    def record_id(self) -> str: ...


class Printing(TypedDict):
    """The keywords every document builder takes besides its data and level: the reader's
    language, who prints it and when, the password that protects the PDF (none: unprotected)
    and the redaction policy (DEFAULT_POLICY when not given)."""

    tr: Translator
    printed_by: str
    printed_at: datetime
    password: NotRequired[str | None]
    policy: NotRequired[RedactionPolicy]


def render_document(
    story: Callable[[Context], list[Flowable]],
    paper: Paper,
    level: Level,
    printing: Printing,
    *,
    attachments: dict[str, bytes] | None = None,
) -> bytes:
    """The story, told for `level`, laid out on furnished pages: the one way every document
    becomes a PDF."""
    tr = printing["tr"]
    ctx = Context(tr, level, printing.get("policy", DEFAULT_POLICY))
    info = PageFurniture(
        organisation=paper.organisation,
        title=tr.gettext(paper.title),
        reference=paper.reference,
        level=level,
        printed_by=printing["printed_by"],
        printed_at=printing["printed_at"],
        qr=QrPayload(paper.kind, paper.record_id),
        tr=tr,
    )
    return render_pdf(story(ctx), info, password=printing.get("password"), attachments=attachments)
