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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from operator import attrgetter, itemgetter
from typing import Any, Final

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text
from sqlalchemy.types import TypeEngine

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, UtcDateTime
from cmdesk.core.sync.oplog import Change
from cmdesk.core.sync.tables import synced_tables

BAD_VALUE = N_("writes a value its field cannot hold (a date, number or list that cannot be read)")
REASONS = (BAD_VALUE,)

# What a column's values are: the Python types a value may have (NoneType where the column
# may hold NULL), and, for dates, moments, lists and yes/no, a check of the value itself.
Fits = Callable[[object], bool]
Rule = tuple[frozenset[type], Fits | None]
Rules = dict[str, Rule]
# A column of a type this module does not know: anything goes.
UNCHECKED: Final[Rule] = (frozenset({object}), None)

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


def _rule(sql_type: TypeEngine[Any], nullable: bool) -> Rule:
    null: frozenset[type] = frozenset({type(None)}) if nullable else frozenset()
    # Order matters: UtcDateTime is stored as String, Text is a String, Boolean is no Integer.
    if isinstance(sql_type, UtcDateTime):
        return frozenset({str}) | null, _moment
    if isinstance(sql_type, String | Text):
        return frozenset({str}) | null, None
    if isinstance(sql_type, Date):
        return frozenset({str}) | null, _date
    if isinstance(sql_type, Boolean):
        return frozenset({int, bool}) | null, _yes_no
    if isinstance(sql_type, Integer):
        return frozenset({int}) | null, None
    if isinstance(sql_type, JSON):
        return frozenset({str}) | null, _json
    # A type this module does not know yet: anything (tests/core/sync/test_values.py fails
    # naming the column, so it gets a rule).
    return UNCHECKED


@cache
def rules() -> dict[str, Rules]:
    """Per synced table, its columns' rules."""
    out: dict[str, Rules] = {}
    for name, table in synced_tables().items():
        columns = Base.metadata.tables[name].columns
        out[name] = {c: _rule(columns[c].type, bool(columns[c].nullable)) for c in table.columns}
    return out


@dataclass(frozen=True, slots=True)
class _Checks:
    """What is left to read of a change once its values' Python types are known to fit: its
    moments (all at once, and across a segment), then its other dates, lists and yes/no."""

    moments: Callable[[Sequence[object]], tuple[object, ...]] | None
    contents: tuple[tuple[int, Fits], ...]


@dataclass(slots=True)
class _Plan:
    """The rules of one shape of change (a table and the columns it writes, in order), and
    per shape of its values' Python types, what is left to read (None: a type that does
    not fit). An import reads millions of values in a few shapes: only what differs from
    one change to the next (its moments, dates and lists) is read each time."""

    rules: tuple[tuple[int, Rule], ...]
    checks: dict[tuple[type, ...], _Checks | None] = field(default_factory=dict)

    def checks_for(self, kinds: tuple[type, ...]) -> _Checks | None:
        if kinds in self.checks:
            return self.checks[kinds]
        none = type(None)
        made: _Checks | None = None
        if all(kinds[i] in allowed for i, (allowed, _) in self.rules if object not in allowed):
            moments = [i for i, (_, fits) in self.rules if fits is _moment and kinds[i] is not none]
            made = _Checks(
                # itemgetter of one index gives the value, not a tuple: ask for it twice.
                itemgetter(*moments, *moments[:1] * (len(moments) == 1)) if moments else None,
                tuple(
                    (i, fits)
                    for i, (_, fits) in self.rules
                    if fits is not None and fits is not _moment and kinds[i] is not none
                ),
            )
        if len(self.checks) < _MOST:
            self.checks[kinds] = made
        return made


_plans: dict[tuple[str, tuple[str, ...]], _Plan] = {}
_MOST = 4096  # plans kept, and type shapes per plan: a hostile bundle cannot grow them
_iso = datetime.fromisoformat
_tz = attrgetter("tzinfo")


def _plan(tbl: str, names: tuple[str, ...]) -> _Plan:
    columns = rules().get(tbl, {})
    plan = _Plan(tuple((i, columns[n]) for i, n in enumerate(names) if n in columns))
    if len(_plans) >= _MOST:
        _plans.clear()
    _plans[(tbl, names)] = plan
    return plan


def _moments_fit(moments: Iterable[object]) -> bool:
    try:
        return None not in map(_tz, map(_iso, moments))  # type: ignore[arg-type]
    except ValueError:
        return False


def _shape(c: Change) -> tuple[_Plan, Sequence[object]]:
    names, found = c.names, c.values
    if names is None or found is None:
        ops = [op for op in c.ops if len(op) > 2]
        names, found = tuple(str(op[1]) for op in ops), [op[2] for op in ops]
    return _plans.get((c.tbl, names)) or _plan(c.tbl, names), found


def reason(c: Change) -> str | None:
    """BAD_VALUE when a value of the change does not fit its column, else None. Fields this
    version does not know are left to the import (kept until cmdesk is updated)."""
    plan, found = _shape(c)
    checks = plan.checks_for(tuple(map(type, found)))
    if checks is None:
        return BAD_VALUE
    if checks.moments is not None and not _moments_fit(checks.moments(found)):
        return BAD_VALUE
    for i, fits in checks.contents:
        if not fits(found[i]):
            return BAD_VALUE
    return None


def refused(segment: Sequence[Change]) -> set[int]:
    """The positions of the segment's changes with a value that does not fit (reason()),
    with the moments of the whole segment read at once: 1 to 2 microseconds a change."""
    out: set[int] = set()
    moments: list[object] = []
    for j, c in enumerate(segment):
        plan, found = _shape(c)
        kinds = tuple(map(type, found))
        checks = plan.checks.get(kinds) or plan.checks_for(kinds)
        if checks is None:
            out.add(j)
            continue
        if checks.moments is not None:
            moments += checks.moments(found)
        for i, fits in checks.contents:
            if not fits(found[i]):
                out.add(j)
                break
    if not _moments_fit(moments):
        # Which ones (rare: a hostile or broken sender), change by change.
        out.update(j for j, c in enumerate(segment) if j not in out and reason(c) is not None)
    return out
