"""What a change may write into a column: a value the column's type can hold.

A signed change from a trusted partner (or any laptop) is applied as it says, and SQLite
stores whatever it is given. A date of "garbage" in a partner's answer to a referral was
stored, and from then on every screen and command that read the referral (the case, its
referrals, the home screen) stopped with an error on that case, while `check` said all good
(tests/network/test_hostile_values.py). The import's first pass (import_checks.py) now
refuses such a change like one its origin had no right to make: it is not applied, counted
with its reason in `sync status`, and the rest of the bundle is.

What is checked is what reading the row back needs, no more: text is a string; a date is
YYYY-MM-DD; a moment is ISO 8601 with its UTC offset; a number is a whole number; yes/no is 0
or 1; a list is JSON; nothing (NULL) only where the column allows it. Codes (a status, a
service) are not checked against today's lists: a newer cmdesk may add one, and an older
laptop shows an unknown code as it is rather than lose the change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text
from sqlalchemy.types import TypeEngine

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, UtcDateTime
from cmdesk.core.sync.oplog import Change
from cmdesk.core.sync.tables import synced_tables

BAD_VALUE = N_("writes a value its field cannot hold (a date, number or list that cannot be read)")
REASONS = (BAD_VALUE,)

# Whether a value (not None) fits a column; None: any string does (most columns: checked
# inline, as an import checks millions of values).
Fits = Callable[[object], bool] | None
# column -> (how its values are checked, whether it may hold NULL)
Rules = dict[str, tuple[Fits, bool]]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(v: object) -> bool:
    if type(v) is not str or _DAY.fullmatch(v) is None:
        return False
    try:
        date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _moment(v: object) -> bool:
    # As UtcDateTime reads it back (model/base.py).
    if type(v) is not str:
        return False
    try:
        return datetime.fromisoformat(v).tzinfo is not None
    except ValueError:
        return False


def _whole(v: object) -> bool:
    return type(v) is int


def _yes_no(v: object) -> bool:
    return v in (0, 1) and type(v) in (int, bool)


def _json(v: object) -> bool:
    if type(v) is not str:
        return False
    try:
        return isinstance(json.loads(v), list | dict)
    except ValueError:
        return False


def _any(_v: object) -> bool:
    return True


def _fits(sql_type: TypeEngine[object]) -> Fits:
    # Order matters: UtcDateTime is stored as String, Text is a String.
    if isinstance(sql_type, UtcDateTime):
        return _moment
    if isinstance(sql_type, String | Text):
        return None
    if isinstance(sql_type, Date):
        return _date
    if isinstance(sql_type, Boolean):
        return _yes_no
    if isinstance(sql_type, Integer):
        return _whole
    if isinstance(sql_type, JSON):
        return _json
    # A type this module does not know yet: not checked (tests/core/sync/test_values.py
    # fails naming it, so it gets a rule).
    return _any


@cache
def rules() -> dict[str, Rules]:
    """Per synced table, its columns' rules."""
    out: dict[str, Rules] = {}
    for name, table in synced_tables().items():
        model = Base.metadata.tables[name]
        out[name] = {
            column: (_fits(model.columns[column].type), bool(model.columns[column].nullable))
            for column in table.columns
        }
    return out


def reason(c: Change) -> str | None:
    """BAD_VALUE when a value of the change does not fit its column, else None. Fields this
    version does not know are left to the import (kept until cmdesk is updated)."""
    columns = rules().get(c.tbl)
    if columns is None:
        return None
    pairs: Iterable[tuple[str, object]]
    if c.names is not None and c.values is not None:
        pairs = zip(c.names, c.values, strict=False)
    else:
        pairs = ((op[1], op[2]) for op in c.ops if len(op) > 2)
    for name, value in pairs:
        rule = columns.get(name)
        if rule is None:
            continue
        fits, nullable = rule
        if value is None:
            if not nullable:
                return BAD_VALUE
        elif fits is None:
            if type(value) is not str:
                return BAD_VALUE
        elif not fits(value):
            return BAD_VALUE
    return None
