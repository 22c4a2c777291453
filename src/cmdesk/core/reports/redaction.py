"""Redaction levels: which sections of a record a printed document may carry.

Redaction happens before layout: a section a level does not allow is never handed to
reportlab, so none of its text can be in the PDF (not drawn and covered, not in metadata).
The document says that the section was left out, never what was in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from cmdesk.core.i18n import N_, Translator


class Level(StrEnum):
    """Who the printed document is for."""

    FULL = "full"  # full internal record, for the case team of the organisation
    PARTNER = "partner"  # a partner organisation that takes a referral
    CASE_CONFERENCE = "case_conference"  # a multi-agency case conference


class Section(StrEnum):
    IDENTITY = "identity"  # name, nickname, birth date, sex, identity document and number
    CONTACT = "contact"  # address, school, guardian and how to reach them
    SENSITIVE = "sensitive"  # ethnicity, legal status, health (PDPA s.26)
    STATUS = "status"  # case status, stage and its history, risk, worker
    ASSESSMENT = "assessment"
    CASE_PLAN = "case_plan"
    REVIEWS = "reviews"
    REFERRALS = "referrals"
    CONSENT = "consent"
    NOTES = "notes"  # case notes: internal only by default


LEVEL_LABELS: Mapping[Level, str] = MappingProxyType(
    {
        Level.FULL: N_("Full internal record"),
        Level.PARTNER: N_("Partner copy"),
        Level.CASE_CONFERENCE: N_("Case conference copy"),
    }
)

SECTION_LABELS: Mapping[Section, str] = MappingProxyType(
    {
        Section.IDENTITY: N_("Identity"),
        Section.CONTACT: N_("Contact and whereabouts"),
        Section.SENSITIVE: N_("Sensitive personal data"),
        Section.STATUS: N_("Case status"),
        Section.ASSESSMENT: N_("Assessment"),
        Section.CASE_PLAN: N_("Case plan"),
        Section.REVIEWS: N_("Reviews"),
        Section.REFERRALS: N_("Referrals"),
        Section.CONSENT: N_("Consent"),
        Section.NOTES: N_("Case notes"),
    }
)


def level_label(level: Level, tr: Translator) -> str:
    return tr.gettext(LEVEL_LABELS[level])


def section_label(section: Section, tr: Translator) -> str:
    return tr.gettext(SECTION_LABELS[section])


_ALL = frozenset(Level)
_FULL = frozenset({Level.FULL})


def _default_visibility() -> Mapping[Section, frozenset[Level]]:
    return MappingProxyType(
        {
            # A partner needs to know whom it serves; a case conference discusses the case by
            # its number, so names and contacts stay in the organisation.
            Section.IDENTITY: frozenset({Level.FULL, Level.PARTNER}),
            Section.CONTACT: frozenset({Level.FULL, Level.PARTNER}),
            Section.SENSITIVE: _FULL,
            Section.STATUS: _ALL,
            Section.ASSESSMENT: frozenset({Level.FULL, Level.CASE_CONFERENCE}),
            Section.CASE_PLAN: frozenset({Level.FULL, Level.CASE_CONFERENCE}),
            Section.REVIEWS: frozenset({Level.FULL, Level.CASE_CONFERENCE}),
            Section.REFERRALS: _ALL,
            Section.CONSENT: _ALL,
            Section.NOTES: _FULL,
        }
    )


@dataclass(frozen=True)
class RedactionPolicy:
    """For each section, the levels whose documents may show it. A section missing from the
    map is shown at no level (fail closed)."""

    visible: Mapping[Section, frozenset[Level]] = field(default_factory=_default_visibility)

    def shows(self, section: Section, level: Level) -> bool:
        return level in self.visible.get(section, frozenset())

    def with_section(self, section: Section, levels: Iterable[Level]) -> RedactionPolicy:
        """A copy where `section` is shown at exactly `levels`."""
        visible = dict(self.visible)
        visible[section] = frozenset(levels)
        return RedactionPolicy(MappingProxyType(visible))

    def restricted_to(self, sections: Iterable[Section]) -> RedactionPolicy:
        """A copy that shows nothing outside `sections` (e.g. what a referral shares)."""
        keep = frozenset(sections)
        return RedactionPolicy(
            MappingProxyType({s: lv for s, lv in self.visible.items() if s in keep})
        )


DEFAULT_POLICY = RedactionPolicy()
