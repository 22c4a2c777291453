"""Reading records from the command line: `--set FIELD=VALUE` and JSON objects, into the
drafts the core's services check.

Both forms use the same field names (those of the services' drafts; see README, "Records
from the command line"). Problems are ValidationErrors naming the field, so the CLI prints
them in the user's language and exits 1 before anything is written.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Final

from cmdesk.cli.common import read_text
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import FieldError, ValidationError
from cmdesk.core.i18n import N_, BirthDate, Locale, parse_date, parse_year
from cmdesk.core.model import catalog
from cmdesk.core.services.child_drafts import ChildDraft, HouseholdMemberDraft
from cmdesk.core.services.children import ChildDTO

UNKNOWN_FIELD = N_("There is no such field. See the README for the fields you can set.")
NOT_TEXT = N_("Give this as text.")
NOT_LIST = N_("Give a list (in JSON), or values separated by commas.")
NOT_YES_NO = N_("Give true or false.")
NOT_NUMBER = N_("Give a whole number.")
JSON_ONLY = N_("This field can only be given in a JSON file.")

# ChildDraft fields set as plain text, and those holding lists: what the field catalog says
# the child's columns of the same names hold.
_DRAFT: Final = [f.name for f in dataclasses.fields(ChildDraft)]
_TEXT_KINDS: Final = (catalog.Kind.TEXT, catalog.Kind.LONG_TEXT, catalog.Kind.CODE)
_LIST_KINDS: Final = (catalog.Kind.TEXTS, catalog.Kind.CODES)
CHILD_TEXT: Final = tuple(
    n for n in _DRAFT if catalog.field_of("child", n) and catalog.kind_of("child", n) in _TEXT_KINDS
)
CHILD_LISTS: Final = tuple(
    n for n in _DRAFT if catalog.field_of("child", n) and catalog.kind_of("child", n) in _LIST_KINDS
)
# The child's plain texts (ChildDraft.texts), set like any text.
CHILD_PLAIN: Final = catalog.plain_texts("child")
# The birth date, as it is known: one of these (birth_age_on defaults to today).
BIRTH_FIELDS: Final = ("birth_date", "birth_year", "birth_age", "birth_age_on")
MEMBER_FIELDS: Final = {f.name for f in dataclasses.fields(HouseholdMemberDraft)}


def read_json(source: str) -> Any:
    """A JSON document from a file, or from standard input for "-"."""
    text = sys.stdin.read() if source == "-" else read_text(source, "json")
    try:
        return json.loads(text)
    except RecursionError:
        raise ValidationError.single("json", N_("This JSON is nested too deeply.")) from None
    except json.JSONDecodeError as bad:
        raise ValidationError.single(
            "json",
            N_("This is not valid JSON (line {line}, column {column})."),
            line=bad.lineno,
            column=bad.colno,
        ) from None


def json_object(source: str) -> dict[str, Any]:
    value = read_json(source)
    if not isinstance(value, dict):
        raise ValidationError.single(
            "json", N_("Give one JSON object, with each field's name and value.")
        )
    return value


def parse_sets(items: Iterable[str]) -> dict[str, str]:
    """FIELD=VALUE pairs; the value may contain further '=' signs."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValidationError.single(
                "set", N_("Write --set as FIELD=VALUE, e.g. --set nickname=Noi.")
            )
        values[name.strip()] = value
    return values


def inputs(sets: list[str] | None, patch: str | None) -> tuple[dict[str, Any], bool]:
    """The values given, and whether they came from JSON (typed) or --set (all text)."""
    if sets and patch:
        raise ValidationError.single("json", N_("Use either --set or a JSON file, not both."))
    if patch:
        return json_object(patch), True
    return dict(parse_sets(sets or [])), False


def _text(name: str, value: Any, errors: list[FieldError]) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # an id number written as a JSON number
    errors.append(FieldError(name, NOT_TEXT))
    return ""


def _list(name: str, value: Any, typed: bool, errors: list[FieldError]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) and not typed:
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    errors.append(FieldError(name, NOT_LIST))
    return ()


def _bool(name: str, value: Any, errors: list[FieldError]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
        return value.lower() in ("true", "yes", "1")
    errors.append(FieldError(name, NOT_YES_NO))
    return False


def _int(name: str, value: Any, errors: list[FieldError]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    errors.append(FieldError(name, NOT_NUMBER))
    return None


def _birth(values: Mapping[str, Any], locale: Locale, errors: list[FieldError]) -> Any:
    """A BirthDate from the birth_* fields, None to clear it, or ... when none was given."""
    given = {k: values[k] for k in BIRTH_FIELDS if k in values}
    if not given:
        return ...
    try:
        if given.get("birth_date"):
            day = parse_date(str(given["birth_date"]), locale, field="birth_date")
            return BirthDate.exact(day)
        if given.get("birth_year"):
            year = parse_year(str(given["birth_year"]), locale, field="birth_year")
            return BirthDate.year_only(year)
        if given.get("birth_age") not in (None, ""):
            age = _int("birth_age", given["birth_age"], errors)
            on = given.get("birth_age_on")
            day = parse_date(str(on), locale, field="birth_age_on") if on else thai_today()
            return BirthDate.from_age(age, on=day) if age is not None else ...
    except ValidationError as bad:
        errors.extend(bad.errors)
    except ValueError:
        errors.append(FieldError("birth_age", NOT_NUMBER))
    return None


def _members(value: Any, errors: list[FieldError]) -> tuple[HouseholdMemberDraft, ...]:
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        errors.append(FieldError("household", N_("Give a list of JSON objects, one per person.")))
        return ()
    members = []
    for i, raw in enumerate(value):
        prefix = f"household[{i}]."
        for name in raw:
            if name not in MEMBER_FIELDS:
                errors.append(FieldError(prefix + name, UNKNOWN_FIELD))
        members.append(
            HouseholdMemberDraft(
                name=_text(prefix + "name", raw.get("name"), errors),
                relationship=_text(prefix + "relationship", raw.get("relationship"), errors),
                is_caregiver=_bool(prefix + "is_caregiver", raw.get("is_caregiver", False), errors),
                lives_with_child=_bool(
                    prefix + "lives_with_child", raw.get("lives_with_child", True), errors
                ),
                birth_year=_int(prefix + "birth_year", raw.get("birth_year"), errors),
                phone=_text(prefix + "phone", raw.get("phone"), errors),
                contact_notes=_text(prefix + "contact_notes", raw.get("contact_notes"), errors),
            )
        )
    return tuple(members)


def child_draft(
    values: Mapping[str, Any],
    *,
    typed: bool,
    locale: Locale,
    base: ChildDraft | None = None,
    household: bool = True,
) -> ChildDraft:
    """`base` (or an empty draft) with `values` applied; every problem reported at once."""
    errors: list[FieldError] = []
    known = {*CHILD_TEXT, *CHILD_PLAIN, *CHILD_LISTS, *BIRTH_FIELDS, "household"}
    changes: dict[str, Any] = {}
    texts = dict((base or ChildDraft()).texts)
    for name, value in values.items():
        if name not in known:
            errors.append(FieldError(name, UNKNOWN_FIELD))
        elif name in CHILD_PLAIN:
            texts[name] = _text(name, value, errors)
        elif name in CHILD_TEXT:
            changes[name] = _text(name, value, errors)
        elif name in CHILD_LISTS:
            changes[name] = _list(name, value, typed, errors)
        elif name == "household":
            if not typed:
                errors.append(FieldError(name, JSON_ONLY))
            elif not household:
                errors.append(
                    FieldError(name, N_("Household members are added one by one, not here."))
                )
            else:
                changes[name] = _members(value, errors)
    birth = _birth(values, locale, errors)
    if birth is not ...:
        changes["birth"] = birth
    if errors:
        raise ValidationError(errors)
    return dataclasses.replace(base or ChildDraft(), texts=texts, **changes)


def draft_of(child: ChildDTO) -> ChildDraft:
    """The draft that would register this child as it is now (household aside)."""
    text: dict[str, Any] = {name: getattr(child, name) or "" for name in CHILD_TEXT}
    return dataclasses.replace(
        ChildDraft(),
        **text,
        other_names=tuple(child.other_names),
        languages=tuple(child.languages),
        birth=child.birth,
        texts=dict(child.texts),
    )


def as_date(value: Any, name: str, locale: Locale) -> date | None:
    if value in (None, ""):
        return None
    return parse_date(str(value), locale, field=name)
