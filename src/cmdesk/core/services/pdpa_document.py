"""The PDPA export as a document a person can read: each exported row's fields under the
field catalog's names, values in words (codes by their labels, dates as dates), in the
reader's language. Bookkeeping (ids, sync stamps) stays in the attached JSON only."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Final

from cmdesk.core.i18n import Translator, format_date, format_datetime
from cmdesk.core.model import catalog
from cmdesk.core.model.catalog import Kind
from cmdesk.core.model.labels import label_of
from cmdesk.core.reports.documents.personal_data import PersonalData, RecordRows
from cmdesk.core.reports.inputs import Organisation

# Kinds printed as they are read; references to other records and to people are ids, which
# mean nothing to the reader (the JSON keeps them).
SHOWN = frozenset(
    {
        Kind.TEXT,
        Kind.LONG_TEXT,
        Kind.CODE,
        Kind.CODES,
        Kind.DATE,
        Kind.DATETIME,
        Kind.NUMBER,
        Kind.BOOLEAN,
        Kind.TEXTS,
    }
)


def _items(value: Any) -> list[str]:
    items = json.loads(value) if isinstance(value, str) else value
    return [str(i) for i in items] if isinstance(items, list) else [str(items)]


# How a stored birth date was known: said by the value's own fields, so not printed.
HIDDEN: Final = frozenset({("child", "birth_precision")})


def _place(name: str, code: str, tr: Translator) -> str | None:
    from cmdesk.core.reference import geography

    lookup = {
        "province_code": geography.province,
        "district_code": geography.district,
        "subdistrict_code": geography.subdistrict,
    }.get(name)
    area = lookup(code) if lookup else None
    return area.name(tr.locale) if area else None


def _reference(table: str, name: str, value: Any, tr: Translator) -> str | None:
    """Values stored as codes of the reference lists (places, ethnic groups) in words; a year
    of birth in the reader's era (B.E. for Thai)."""
    if table not in ("child", "household_member"):
        return None
    if name.endswith("_code"):
        return _place(name, str(value), tr)
    if name == "ethnicity":
        from cmdesk.core.reference.ethnicity import ethnic_group

        group = ethnic_group(str(value))
        return group.label(tr.locale) if group else None
    if name == "birth_year" and isinstance(value, int):
        return str(value + 543 if tr.locale == "th" else value)
    return None


def value_text(table: str, name: str, value: Any, tr: Translator) -> str:
    known = _reference(table, name, value, tr)
    if known is not None:
        return known
    kind = catalog.kind_of(table, name)
    codes = catalog.code_fields().get((table, name))
    if kind is Kind.CODE and codes:
        return tr.gettext(label_of(codes, str(value)))
    if kind is Kind.CODES and codes:
        return ", ".join(tr.gettext(label_of(codes, c)) for c in _items(value))
    if kind is Kind.TEXTS:
        return ", ".join(_items(value))
    if kind is Kind.BOOLEAN:
        return tr.gettext("Yes") if value else tr.gettext("No")
    if kind is Kind.DATE:
        return format_date(date.fromisoformat(str(value)), tr.locale)
    if kind is Kind.DATETIME:
        return format_datetime(datetime.fromisoformat(str(value)), tr.locale)
    return str(value)


def personal_data(
    export: dict[str, Any], organisation: Organisation, tr: Translator
) -> PersonalData:
    records: list[RecordRows] = []
    for table, rows in export["records"].items():
        fields = catalog.fields_of(table)
        for row in rows:
            shown = tuple(
                (tr.gettext(info.label), value_text(table, name, row[name], tr))
                for name, info in fields.items()
                if info.label
                and (table, name) not in HIDDEN
                and row.get(name) not in (None, "", [], "[]")
                and catalog.kind_of(table, name) in SHOWN
            )
            if shown:
                records.append(RecordRows(tr.gettext(catalog.record_label(table)), shown))
    history = tuple(
        (
            format_datetime(datetime.fromisoformat(e["at"]), tr.locale),
            str(e["actor"]),
            str(e["action"]),
        )
        for e in export["audit"]
    )
    attachment = json.dumps(export, ensure_ascii=False, indent=2, sort_keys=True).encode()
    return PersonalData(organisation, export["child_id"], tuple(records), history, attachment)
