"""Redaction policy: per section, per level, failing closed."""

from __future__ import annotations

from cmdesk.core.i18n import translator
from cmdesk.core.reports import DEFAULT_POLICY, Level, RedactionPolicy, Section
from cmdesk.core.reports.redaction import level_label, section_label


def test_defaults() -> None:
    assert all(DEFAULT_POLICY.shows(s, Level.FULL) for s in Section)
    assert not DEFAULT_POLICY.shows(Section.NOTES, Level.PARTNER)
    assert not DEFAULT_POLICY.shows(Section.SENSITIVE, Level.CASE_CONFERENCE)
    assert not DEFAULT_POLICY.shows(Section.IDENTITY, Level.CASE_CONFERENCE)
    assert DEFAULT_POLICY.shows(Section.IDENTITY, Level.PARTNER)
    assert DEFAULT_POLICY.shows(Section.ASSESSMENT, Level.CASE_CONFERENCE)


def test_with_section_changes_one_section_only() -> None:
    policy = DEFAULT_POLICY.with_section(Section.NOTES, [Level.FULL, Level.CASE_CONFERENCE])
    assert policy.shows(Section.NOTES, Level.CASE_CONFERENCE)
    assert not DEFAULT_POLICY.shows(Section.NOTES, Level.CASE_CONFERENCE)  # unchanged
    assert policy.shows(Section.IDENTITY, Level.PARTNER) == DEFAULT_POLICY.shows(
        Section.IDENTITY, Level.PARTNER
    )


def test_restricted_and_missing_sections_are_hidden() -> None:
    policy = DEFAULT_POLICY.restricted_to([Section.IDENTITY])
    assert policy.shows(Section.IDENTITY, Level.FULL)
    assert not policy.shows(Section.CONTACT, Level.FULL)
    assert not RedactionPolicy({}).shows(Section.STATUS, Level.FULL)


def test_labels_are_translated() -> None:
    th = translator("th")
    assert level_label(Level.PARTNER, th) == "ฉบับสำหรับหน่วยงานภาคี"
    assert section_label(Section.NOTES, translator("en")) == "Case notes"
    assert all(section_label(s, th) != section_label(s, translator("en")) for s in Section)
