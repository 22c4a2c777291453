"""A record's facts as label and text, grouped as the documents print them.

One list serves the PDF's tables and the screens that show the same facts: what a referral
shares with the partner, read in the referral's window at either side, is what its slip
prints, word for word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cmdesk.core.i18n import Translator, format_birth_date, format_date
from cmdesk.core.reports.inputs import ChildProfile, HouseholdPerson, PlanGoal, ReferralSlipData
from cmdesk.core.reports.redaction import Section

Row = tuple[str, str]


@dataclass(frozen=True)
class FactGroup:
    """A heading and its rows, each (label, text) in the reader's language; the section it
    belongs to says where a document prints it."""

    section: Section
    title: str
    rows: tuple[Row, ...]

    def without_empty_rows(self) -> FactGroup:
        return FactGroup(self.section, self.title, tuple(r for r in self.rows if r[1]))


def child_groups(
    child: ChildProfile, tr: Translator, shows: Callable[[Section], bool]
) -> list[FactGroup]:
    """The child's identity, contact and sensitive data, each group only where `shows` lets
    it (the household is apart: documents print it as a table)."""
    groups: list[FactGroup] = []
    rows: tuple[Row, ...]
    if shows(Section.IDENTITY):
        birth = ""
        if child.birth_date is not None:
            birth = format_birth_date(child.birth_date, tr.locale, tr=tr)
        rows = (
            (tr.gettext("Full name"), child.full_name),
            (tr.gettext("Nickname"), child.nickname),
            (tr.gettext("Sex"), child.sex),
            (tr.gettext("Birth date"), birth),
            (tr.gettext("Identity document"), child.id_document),
            (tr.gettext("Identity number"), child.id_number),
        )
        groups.append(FactGroup(Section.IDENTITY, tr.gettext("Identity"), rows))
    if shows(Section.CONTACT):
        guardian = child.guardian_name or child.guardian_relation
        if child.guardian_name and child.guardian_relation:
            guardian = f"{child.guardian_name} ({child.guardian_relation})"
        rows = (
            (tr.gettext("Address"), child.address),
            (tr.gettext("School"), child.school),
            (tr.gettext("Guardian"), guardian),
            (tr.gettext("Guardian's phone"), child.guardian_phone),
            *child.more,
        )
        groups.append(FactGroup(Section.CONTACT, tr.gettext("Contact and whereabouts"), rows))
    if shows(Section.SENSITIVE):
        rows = (
            (tr.gettext("Ethnicity"), child.ethnicity),
            (tr.gettext("Legal status"), child.legal_status),
            (tr.gettext("Health and disability"), child.health),
        )
        groups.append(FactGroup(Section.SENSITIVE, tr.gettext("Sensitive personal data"), rows))
    return groups


def referral_groups(data: ReferralSlipData, tr: Translator) -> list[FactGroup]:
    """What a referral shares with the partner, as its slip prints it, leaving out what is
    empty (and groups left empty): the child's facts, household, assessment and case plan,
    each only if shared."""
    shows = data.shared_sections.__contains__
    groups = child_groups(data.child, tr, shows)
    if shows(Section.CONTACT):
        rows = tuple(_person(p, tr) for p in data.child.household)
        groups.append(FactGroup(Section.CONTACT, tr.gettext("Household and caregivers"), rows))
    found = data.assessment
    if shows(Section.ASSESSMENT) and found is not None:
        rows = (
            (tr.gettext("Assessed on"), _date(found.assessed_on, tr)),
            (tr.gettext("Assessed by"), found.assessor),
            (tr.gettext("Overall"), found.overall),
            *((d.domain, _joined(d.rating, d.summary)) for d in found.domains),
        )
        groups.append(FactGroup(Section.ASSESSMENT, tr.gettext("Assessment"), rows))
    if shows(Section.CASE_PLAN):
        rows = tuple(
            (tr.format("Goal {number}", number=n), _goal(goal, tr))
            for n, goal in enumerate(data.plan_goals, start=1)
        )
        groups.append(FactGroup(Section.CASE_PLAN, tr.gettext("Case plan"), rows))
    kept = (g.without_empty_rows() for g in groups)
    return [g for g in kept if g.rows]


def _person(p: HouseholdPerson, tr: Translator) -> Row:
    """Labelled by who they are to the child: the label is the app's word, the name is what
    was typed (screens check the one and show the other as written)."""
    yes, no = tr.gettext("Yes"), tr.gettext("No")
    return (
        p.relationship or tr.gettext("Name"),
        _joined(
            p.name,
            f"{tr.gettext('Caregiver')}: {yes if p.caregiver else no}",
            f"{tr.gettext('Lives with the child')}: {yes if p.lives_with_child else no}",
            p.phone,
        ),
    )


def _goal(goal: PlanGoal, tr: Translator) -> str:
    """The goal on its first line, then an action a line."""
    actions = (
        "– " + _joined(a.action, a.responsible, _date(a.due_on, tr), a.status) for a in goal.actions
    )
    return "\n".join([f"{goal.goal} ({goal.domain})" if goal.domain else goal.goal, *actions])


def _joined(*texts: str) -> str:
    return " · ".join(t for t in texts if t)


def _date(value: date | None, tr: Translator) -> str:
    return "" if value is None else format_date(value, tr.locale, "medium")
