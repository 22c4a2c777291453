"""Records, fields and stored values of a sync conflict in words (never raw codes or JSON).

What a field is called and what it holds come from the core's field catalog
(cmdesk.core.model.catalog); enum values take their labels from model.labels; ids of
colleagues and organisations become user names and codes; dates are shown in the Buddhist Era
in Thai.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from cmdesk.core.i18n import Locale, Translator, format_date, format_datetime
from cmdesk.core.model import catalog
from cmdesk.core.model.catalog import Kind
from cmdesk.core.model.labels import TABLES, label_of
from cmdesk.core.reference.ethnicity import ethnic_group
from cmdesk.gui.screens.case.data import ELSEWHERE

# How a new value may be typed, by what the field holds (other kinds are only chosen from the
# values shown: lists, people, organisations, times, ids).
TYPED: dict[Kind, str] = {
    Kind.CODE: "choice",
    Kind.TEXT: "text",
    Kind.LONG_TEXT: "long_text",
    Kind.DATE: "date",
}


def record_label(table: str) -> str:
    """The msgid naming a kind of record; an unknown table (a newer app) reads "Record"."""
    return catalog.record_label(table)


def field_label(table: str, name: str, tr: Translator) -> str:
    found = catalog.field_of(table, name)
    if found is not None and found.label:
        return tr.gettext(found.label)
    # A field with no words of its own (bookkeeping, or a newer app's): its name, readable.
    return name.replace("_id", "").replace("_", " ").strip().capitalize()


def editable(table: str, name: str) -> str | None:
    """How a new value may be typed: "text", "long_text", "choice" or "date"; None when only
    one of the values shown can be chosen."""
    if name == "case_number" or catalog.field_of(table, name) is None:
        return None  # a newer app's field: only its values can be chosen
    return TYPED.get(catalog.kind_of(table, name))


def codes_of(table: str, name: str) -> str | None:
    """The model.labels kind of the codes a field holds."""
    return catalog.code_fields().get((table, name))


def describe_value(
    table: str,
    name: str,
    value: object,
    tr: Translator,
    *,
    users: dict[str, str],
    orgs: dict[str, str],
) -> str:
    """A stored value as a person reads it."""
    locale: Locale = tr.locale
    if value is None or value == "" or value == "[]":
        return tr.gettext("(empty)")
    kind, codes_kind = catalog.kind_of(table, name), codes_of(table, name)
    if codes_kind is not None:
        codes = _codes(value) if kind is Kind.CODES else [str(value)]
        return ", ".join(
            tr.gettext(label_of(codes_kind, c)) if codes_kind in TABLES else c for c in codes
        )
    if kind is Kind.USER:
        return users.get(str(value)) or tr.gettext(ELSEWHERE)
    if kind is Kind.ORGANISATION:
        return orgs.get(str(value)) or tr.gettext("another organisation")
    if kind is Kind.BOOLEAN:
        return tr.gettext("Yes") if value in (1, True, "1") else tr.gettext("No")
    if name == "ethnicity":
        group = ethnic_group(str(value))
        return group.label(locale) if group else str(value)
    if isinstance(value, str):
        when = _as_datetime(value)
        if when is not None:
            return format_datetime(when, locale)
        day = _as_date(value)
        if day is not None:
            return format_date(day, locale)
        if value[:1] in "[{":
            return ", ".join(_codes(value)) or tr.gettext("(empty)")
    if isinstance(value, list):  # bytes, never a person's words
        return tr.gettext("(a file)")
    return str(value)


def _codes(value: object) -> list[str]:
    try:
        found = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return [str(value)]
    if isinstance(found, list):
        return [str(v) for v in found]
    if isinstance(found, dict):
        return [str(v) for v in found.values()]
    return [str(found)]


def _as_datetime(text: str) -> datetime | None:
    if len(text) < 19 or text[10:11] != "T":
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _as_date(text: str) -> date | None:
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
