"""Sections of a case record that several documents print (summary, referral slip). Each
prints nothing where the document's level (and, for a referral, what it shares) does not show
its section, so a document lists them without deciding that again."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus.flowables import Flowable, KeepTogether

from cmdesk.core.i18n import N_
from cmdesk.core.reports.documents.common import (
    Context,
    field_table,
    heading,
    list_table,
    nothing_recorded,
    para,
    subheading,
)
from cmdesk.core.reports.inputs import (
    Assessment,
    CaseNote,
    ConsentRecord,
    PlanGoal,
    ReferralRecord,
    Review,
    StageChange,
)
from cmdesk.core.reports.redaction import Section


def stage_history(ctx: Context, changes: Sequence[StageChange]) -> list[Flowable]:
    tr = ctx.tr
    rows = [(c.stage, ctx.date_text(c.started_on), c.by, c.note) for c in changes]
    header = ctx.labels(N_("Stage"), N_("Since"), N_("By"), N_("Note"))
    return [
        subheading(ctx, tr.gettext("Stage history")),
        list_table(ctx, header, rows, [3, 2, 2.5, 4]),
    ]


def assessment(ctx: Context, value: Assessment | None) -> list[Flowable]:
    if not ctx.shows(Section.ASSESSMENT):
        return []
    tr = ctx.tr
    story: list[Flowable] = [heading(ctx, tr.gettext("Assessment"))]
    if value is None:
        return [*story, nothing_recorded(ctx)]
    story.append(
        field_table(
            ctx,
            [
                (tr.gettext("Assessed on"), ctx.date_text(value.assessed_on)),
                (tr.gettext("Assessed by"), value.assessor),
                (tr.gettext("Overall"), value.overall),
            ],
        )
    )
    header = ctx.labels(N_("Domain"), N_("Rating"), N_("Findings"))
    rows = [(d.domain, d.rating, d.summary) for d in value.domains]
    story += [subheading(ctx, tr.gettext("By domain")), list_table(ctx, header, rows, [2.2, 2, 6])]
    return story


def case_plan(ctx: Context, goals: Sequence[PlanGoal]) -> list[Flowable]:
    if not ctx.shows(Section.CASE_PLAN):
        return []
    tr = ctx.tr
    story: list[Flowable] = [heading(ctx, tr.gettext("Case plan"))]
    if not goals:
        return [*story, nothing_recorded(ctx)]
    header = ctx.labels(N_("Action"), N_("Responsible"), N_("Due"), N_("Status"))
    for number, goal in enumerate(goals, start=1):
        title = tr.format("Goal {number}: {goal}", number=number, goal=goal.goal)
        if goal.domain:
            title = f"{title} ({goal.domain})"
        rows = [(a.action, a.responsible, ctx.date_text(a.due_on), a.status) for a in goal.actions]
        # A goal's title should not be left alone at the bottom of a page.
        story.append(
            KeepTogether(
                [subheading(ctx, title), list_table(ctx, header, rows, [5, 2.5, 1.8, 1.8])]
            )
        )
    return story


def reviews(ctx: Context, items: Sequence[Review]) -> list[Flowable]:
    if not ctx.shows(Section.REVIEWS):
        return []
    tr = ctx.tr
    header = ctx.labels(N_("Held on"), N_("Participants"), N_("Summary"), N_("Next review"))
    rows = [
        (ctx.date_text(r.held_on), r.participants, r.summary, ctx.date_text(r.next_review_on))
        for r in items
    ]
    return [heading(ctx, tr.gettext("Reviews")), list_table(ctx, header, rows, [1.8, 3, 5, 1.8])]


def referrals(ctx: Context, items: Sequence[ReferralRecord]) -> list[Flowable]:
    if not ctx.shows(Section.REFERRALS):
        return []
    tr = ctx.tr
    header = ctx.labels(
        N_("Organisation"), N_("Service"), N_("Referred on"), N_("Status"), N_("Outcome")
    )
    rows = [
        (r.organisation, r.service, ctx.date_text(r.referred_on), r.status, r.outcome)
        for r in items
    ]
    return [
        heading(ctx, tr.gettext("Referrals")),
        list_table(ctx, header, rows, [3.2, 2.5, 1.8, 1.6, 3]),
    ]


def consents(ctx: Context, items: Sequence[ConsentRecord]) -> list[Flowable]:
    if not ctx.shows(Section.CONSENT):
        return []
    tr = ctx.tr
    # Who gave consent is a guardian's name: printed only where contact details are.
    show_names = ctx.shows(Section.CONTACT)
    header = ctx.labels(N_("Purpose"), N_("Given by"), N_("Given on"), N_("Withdrawn on"))
    rows = [
        (
            c.purpose + (f" ({c.note})" if c.note else ""),
            c.given_by if show_names else "",
            ctx.date_text(c.given_on),
            ctx.date_text(c.withdrawn_on),
        )
        for c in items
    ]
    return [heading(ctx, tr.gettext("Consent")), list_table(ctx, header, rows, [5, 2.6, 1.8, 1.8])]


def notes(ctx: Context, items: Sequence[CaseNote]) -> list[Flowable]:
    if not items or not ctx.shows(Section.NOTES):
        return []
    tr = ctx.tr
    story: list[Flowable] = [heading(ctx, tr.gettext("Case notes"))]
    for note in items:
        story.append(subheading(ctx, f"{ctx.date_text(note.written_on)} — {note.author}"))
        story.append(para(note.text, ctx.styles.note))
    return story
