"""One organisation's figures for a period, computed from its vault.

Only coded values are read into the figures: stage, risk, concern, sex, legal status and
ethnicity codes from the reference lists (anything else counts as "other"), area codes, dates
and the partner organisation's code. Names, ids, case numbers and free text are never
selected, so they cannot leak into a bundle or report built from these figures (nor can a
community mechanism's name, contact person or phone: only its kind, subdistrict, active flag
and its meetings' dates are read).
"""

from __future__ import annotations

import functools
import json
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import EnumMeta
from math import ceil
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from cmdesk.core.acting.thai_time import THAILAND
from cmdesk.core.model.base import UtcDateTime
from cmdesk.core.model.case import Case, CaseStageChange, Concern, RiskLevel, Stage
from cmdesk.core.model.child import Child, LegalStatus, Sex
from cmdesk.core.model.mechanism import Mechanism, MechanismKind, MechanismMeeting
from cmdesk.core.model.org import Organisation, codes_by_id
from cmdesk.core.model.referral import Referral, ReferralEvent, ReferralStatus
from cmdesk.core.model.task import Task, TaskStatus
from cmdesk.core.reference.ethnicity import ethnic_group
from cmdesk.core.reference.partners import Service
from cmdesk.core.stats.periods import Period
from cmdesk.core.stats.suppression import DEFAULT_THRESHOLD, Sum, suppress

ALL = "all"
UNKNOWN = "unknown"
OTHER = "other"
AGE_BANDS = ((0, 5, "0-5"), (6, 11, "6-11"), (12, 14, "12-14"), (15, 17, "15-17"))
ADULT = "18+"
REPLIED = {ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}
FORMAT = 1
# Community mechanisms active at the end of the period, by kind, and the meetings they held in
# it, by area. These count centres, councils and meetings, not children: no count can point at
# a child, so small-cell suppression does not apply to them (the cases linked to a mechanism,
# table "mechanism_cases", are about children and are suppressed like every case table).
MECHANISM_KIND_TABLES = {kind: f"mechanism_{kind.value}" for kind in MechanismKind}
NOT_ABOUT_CHILDREN = frozenset({*MECHANISM_KIND_TABLES.values(), "mechanism_meetings"})


@dataclass
class Table:
    """Counts by key, and the sums published with them (see suppression.Sum)."""

    cells: dict[str, int] = field(default_factory=dict)
    sums: list[Sum] = field(default_factory=list)
    about_children: bool = True  # False: published whole (NOT_ABOUT_CHILDREN)


@dataclass(frozen=True)
class Times:
    """Days from a referral's sending to its reply and to its completion."""

    count: int
    response_median: float | None
    response_p90: float | None
    completion_median: float | None
    completion_p90: float | None


@dataclass
class Figures:
    org_code: str
    period: Period
    tables: dict[str, Table]
    times: dict[str, Times]

    def published(self, threshold: int = DEFAULT_THRESHOLD) -> dict[str, object]:
        """What may leave the vault: small cells hidden, times only over enough referrals."""
        tables = {
            name: {
                "cells": suppress(t.cells, t.sums, threshold) if t.about_children else t.cells,
                "sums": [[s.total, list(s.parts)] for s in t.sums],
            }
            for name, t in self.tables.items()
        }
        times = {
            key: (
                vars(t)
                if t.count >= threshold
                else {"count": None, **dict.fromkeys(list(vars(t))[1:])}
            )
            for key, t in self.times.items()
        }
        return {
            "format": FORMAT,
            "org": self.org_code,
            "period": self.period.label,
            "first": self.period.first.isoformat(),
            "last": self.period.last.isoformat(),
            "threshold": threshold,
            "tables": tables,
            "times": times,
        }


def local_day(moment: datetime) -> date:
    return moment.astimezone(THAILAND).date()


def _one_way(cells: Counter[str]) -> Table:
    """A one-way table and its total."""
    table = Table(dict(cells))
    table.cells[ALL] = sum(cells.values())
    table.sums.append(Sum(ALL, tuple(k for k in cells)))
    return table


def _tally(counts: Counter[Any], key: Callable[[Any], str]) -> Counter[str]:
    """Counts of raw values regrouped under `key` of each value: each distinct value is
    classified once, not once per case (keys keep the order they are first met in)."""
    out: Counter[str] = Counter()
    for value, n in counts.items():
        out[key(value)] += n
    return out


def _known(value: str, codes: Iterable[str]) -> str:
    if not value:
        return UNKNOWN
    return value if value in _code_set(codes) else OTHER


def _code_set(codes: Iterable[str]) -> frozenset[str]:
    # Once per enumeration, not once per value.
    if isinstance(codes, EnumMeta):
        return _enum_codes(codes)
    return frozenset(codes)


@functools.cache
def _enum_codes(enum: EnumMeta) -> frozenset[str]:
    members: list[Any] = list(enum)
    return frozenset(str(member.value) for member in members)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _age_band(birth: tuple[str | None, int | None, int | None, str | None], on: date) -> str:
    """The age band on `on` of a child born (birth day, birth year, age stated on a day), the
    birth columns as stored (ISO date text)."""
    birth_text, birth_year, stated_age, stated_text = birth
    birth_day, stated_on = _day(birth_text), _day(stated_text)
    if birth_day is not None:
        age = on.year - birth_day.year - ((on.month, on.day) < (birth_day.month, birth_day.day))
    elif birth_year is not None:
        age = on.year - birth_year
    elif stated_age is not None and stated_on is not None:
        age = stated_age + (on - stated_on).days // 365
    else:
        return UNKNOWN
    for low, high, band in AGE_BANDS:
        if low <= age <= high:
            return band
    return ADULT if age >= 18 else UNKNOWN


def _sub_places(codes: Counter[str]) -> Counter[tuple[str, str, str]]:
    return Counter({(code[:2], code[:4], code): n for code, n in codes.items()})


def _areas(places: Counter[tuple[str, str, str]], *, about_children: bool = True) -> Table:
    """Counts by subdistrict (one per (province, district, subdistrict) code triple), rolled
    up to district, province and all: each level sums the one below, so suppression sees
    every total a reader could subtract from."""
    cells: Counter[str] = Counter()
    for (province, district, subdistrict), n in places.items():
        sub = subdistrict if len(subdistrict) == 6 else ""
        dist = district or sub[:4]
        prov = province or dist[:2]
        cells[f"province:{prov or UNKNOWN}"] += n
        if prov:
            cells[f"district:{dist or prov + '-' + UNKNOWN}"] += n
        if dist:
            cells[f"subdistrict:{sub or dist + '-' + UNKNOWN}"] += n
    table = Table(dict(cells), about_children=about_children)
    provinces = [k for k in cells if k.startswith("province:")]
    table.cells[ALL] = sum(cells[k] for k in provinces)
    table.sums.append(Sum(ALL, tuple(provinces)))
    for prov_key in provinces:
        prov = prov_key.split(":", 1)[1]
        districts = [k for k in cells if k.startswith(f"district:{prov}")]
        if districts:
            table.sums.append(Sum(prov_key, tuple(districts)))
        for dist_key in districts:
            dist = dist_key.split(":", 1)[1]
            subs = [k for k in cells if k.startswith(f"subdistrict:{dist}")]
            if subs and not dist.endswith(UNKNOWN):
                table.sums.append(Sum(dist_key, tuple(subs)))
    return table


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, ceil(q * len(ordered)) - 1)], 1)


def _times(pairs: list[tuple[float | None, float | None]]) -> Times:
    replies = [r for r, _ in pairs if r is not None]
    done = [c for _, c in pairs if c is not None]
    return Times(
        count=len(pairs),
        response_median=round(statistics.median(replies), 1) if replies else None,
        response_p90=_quantile(replies, 0.9),
        completion_median=round(statistics.median(done), 1) if done else None,
        completion_p90=_quantile(done, 0.9),
    )


def _day_start(day: date) -> datetime:
    """Midnight in Thailand at the start of `day` (local_day's boundary)."""
    return datetime.combine(day, time(), THAILAND)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first moment and the first moment after it. Compared in SQL with the
    stored sortable UTC text, `start <= at < end` is local_day(at) in the period, so no
    timestamp has to be read into Python to be placed in a period."""
    return _day_start(period.first), _day_start(period.last + timedelta(days=1))


def _text(column: Any) -> Any:
    """A column's stored text, without its type's conversion of each row's value (a date,
    a timestamp, JSON): figures convert each distinct value once, where they need it."""
    return type_coerce(column, String)


def _open_in(org_id: str, start: datetime, end: datetime) -> tuple[Any, ...]:
    """The organisation's cases open at some time between `start` and `end` (not deleted)."""
    return (
        Case.org_id == org_id,
        Case.deleted_at.is_(None),
        Case.opened_at < end,
        or_(Case.closed_at.is_(None), Case.closed_at >= start),
    )


def cases_by_area(session: Session, org_id: str, periods: Sequence[Period]) -> list[Table]:
    """For each period, the area table of compute() alone (its published "all" is the same
    cell, hidden over the same sums): what a trend over quarters needs. One pass over the
    cases open at some time in any of the periods, counted in SQL for each period."""
    if not periods:
        return []
    bounds = [_bounds(p) for p in periods]
    places = (Child.province_code, Child.district_code, Child.subdistrict_code)
    counted = session.execute(
        select(
            *places,
            *(
                func.sum(case((and_(*_open_in(org_id, start, end)), 1), else_=0))
                for start, end in bounds
            ),
        )
        .select_from(Case)
        .join(Child, Child.id == Case.child_id)
        .where(*_open_in(org_id, min(b[0] for b in bounds), max(b[1] for b in bounds)))
        .group_by(*places)
    ).all()
    tables = []
    for i in range(len(periods)):
        by_place: Counter[tuple[str, str, str]] = Counter()
        for row in counted:
            if row[3 + i]:
                by_place[(row[0], row[1], row[2])] += row[3 + i]
        tables.append(_areas(by_place))
    return tables


def compute(session: Session, org_id: str, period: Period) -> Figures:
    """The organisation's own figures for the period (its own cases, referrals, follow-ups)."""
    org = session.get(Organisation, org_id)
    org_code = org.code if org is not None else ""
    start, end = _bounds(period)
    # One pass over the cases open at some time in the period, reading only the columns the
    # figures count (never names, ids or text), each table counted from the column's
    # distinct values. A case opened or closed in the period was open in it, so the flow
    # table's opened and closed counts come from the same rows. (An index covering the case
    # columns halved SQLite's part of this query, but the search and caseload queries then
    # chose it over their own indexes: not worth it for a report made once a quarter.)
    rows = session.execute(
        select(
            Child.province_code,
            Child.district_code,
            Child.subdistrict_code,
            Case.risk_level,
            Case.stage,
            Child.sex,
            Child.ethnicity,
            Child.legal_status,
            _text(Case.concerns),
            _text(Child.birth_day),
            Child.birth_year,
            Child.birth_stated_age,
            _text(Child.birth_stated_on),
            func.coalesce(
                func.nullif(Case.referred_by_mechanism_id, ""), Case.referred_to_mechanism_id
            ),
            type_coerce(Case.opened_at >= start, Integer),
            type_coerce(and_(Case.closed_at.is_not(None), Case.closed_at < end), Integer),
        )
        .join(Child, Child.id == Case.child_id)
        .where(*_open_in(org_id, start, end))
    ).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 16
    (prov, dist, sub, risk, stage, sex, ethnicity, legal, concerns) = columns[:9]
    (birth_day, birth_year, stated_age, stated_on, mechanism, opened, closed) = columns[9:]
    tables: dict[str, Table] = {
        "area": _areas(Counter(zip(prov, dist, sub, strict=True))),
        "risk": _one_way(_tally(Counter(risk), lambda v: _known(v, RiskLevel))),
        "stage": _one_way(_tally(Counter(stage), lambda v: _known(v, Stage))),
        "age_band": _one_way(
            _tally(
                Counter(zip(birth_day, birth_year, stated_age, stated_on, strict=True)),
                lambda birth: _age_band(birth, period.last),
            )
        ),
        "sex": _one_way(_tally(Counter(sex), lambda v: _known(v, Sex))),
        "ethnicity": _one_way(
            _tally(Counter(ethnicity), lambda v: v if ethnic_group(v) else _known(v, ()))
        ),
        "legal_status": _one_way(_tally(Counter(legal), lambda v: _known(v, LegalStatus))),
        # A case may have several concerns: the concern cells do not add up to the cases, so
        # no sum is published with them.
        "concern": Table(dict(_concerns(Counter(concerns)))),
        "flow": Table(
            {
                "opened": sum(opened),
                "closed": sum(closed),
                "reopened": _reopened(session, org_id, start, end),
            }
        ),
        "followups": _followups(session, org_id, period),
    }
    referrals, times = _referrals(session, org_id, start, end)
    tables["referral_partner"], tables["referral_service"] = referrals
    tables |= _mechanisms(session, org_id, period, Counter(mechanism))
    return Figures(org_code, period, tables, times)


def _concerns(lists: Counter[str | None]) -> Counter[str]:
    """Cases by concern, from the counts of each stored concern list (JSON text)."""
    out: Counter[str] = Counter()
    for stored, n in lists.items():
        codes = json.loads(stored) if stored is not None else None
        for code in dict.fromkeys(codes or [UNKNOWN]):
            out[_known(code, Concern)] += n
    return out


def _mechanisms(
    session: Session, org_id: str, period: Period, linked: Counter[str | None]
) -> dict[str, Table]:
    """Active mechanisms of each kind and their meetings in the period, by area, and the cases
    of the period linked to a mechanism (`linked`: cases by mechanism, by the mechanism's
    area; a case referred by one and to another counts once, with the one that referred it)."""
    where: dict[str, str] = {}
    active: dict[str, Counter[str]] = {kind.value: Counter() for kind in MechanismKind}
    for mech_id, kind, code, is_active, created_at in session.execute(
        select(
            Mechanism.id,
            Mechanism.kind,
            Mechanism.subdistrict_code,
            Mechanism.active,
            Mechanism.created_at,
        ).where(Mechanism.org_id == org_id)
    ):
        where[mech_id] = code
        if is_active and kind in active and local_day(created_at) <= period.last:
            active[kind][code] += 1
    tables = {
        MECHANISM_KIND_TABLES[MechanismKind(kind)]: _areas(_sub_places(codes), about_children=False)
        for kind, codes in active.items()
    }
    held: Counter[str] = Counter(
        where[mech_id]
        for mech_id, day in session.execute(
            select(MechanismMeeting.mechanism_id, MechanismMeeting.held_on).where(
                MechanismMeeting.org_id == org_id
            )
        )
        if mech_id in where and period.contains(day)
    )
    tables["mechanism_meetings"] = _areas(_sub_places(held), about_children=False)
    cases: Counter[str] = Counter()
    for linked_id, n in linked.items():
        if linked_id in where:
            cases[where[linked_id]] += n
    tables["mechanism_cases"] = _areas(_sub_places(cases))
    return tables


def _reopened(session: Session, org_id: str, start: datetime, end: datetime) -> int:
    """Cases reopened in the period (a closed case moved back to a working stage)."""
    found = session.scalar(
        select(func.count()).where(
            CaseStageChange.org_id == org_id,
            # A literal, as the partial index of reopenings is written (model.case).
            CaseStageChange.from_stage == literal_column(f"'{Stage.CLOSURE.value}'"),
            CaseStageChange.to_stage != Stage.CLOSURE,
            CaseStageChange.created_at >= start,
            CaseStageChange.created_at < end,
        )
    )
    return found or 0


def _followups(session: Session, org_id: str, period: Period) -> Table:
    """Follow-ups due in the period: done by their day, done later, not done."""
    outcomes: Counter[str] = Counter()
    for due, status, done_at in session.execute(
        select(Task.due_date, Task.status, Task.done_at).where(
            Task.org_id == org_id,
            Task.deleted_at.is_(None),
            Task.status != TaskStatus.CANCELLED,
            Task.due_date >= period.first,
            Task.due_date <= period.last,
        )
    ):
        if status == TaskStatus.DONE and done_at is not None:
            outcomes["on_time" if local_day(done_at) <= due else "late"] += 1
        else:
            outcomes["not_done"] += 1
    return _one_way(outcomes)


def _referrals(
    session: Session, org_id: str, start: datetime, end: datetime
) -> tuple[tuple[Table, Table], dict[str, Times]]:
    """Referrals sent in the period by partner and by service, with their reply and
    completion times in days."""
    codes = codes_by_id(session)
    answered = (*REPLIED, ReferralStatus.COMPLETED)
    # Each referral with its first reply and its completion (the earliest of its events of
    # each kind: the stored UTC text sorts as time does), in one pass.
    first_reply = func.min(case((ReferralEvent.to_status.in_(answered), ReferralEvent.created_at)))
    completed = func.min(
        case((ReferralEvent.to_status == ReferralStatus.COMPLETED, ReferralEvent.created_at))
    )
    sent = session.execute(
        select(
            Referral.to_org_id,
            Referral.service,
            Referral.sent_at,
            type_coerce(first_reply, UtcDateTime()),
            type_coerce(completed, UtcDateTime()),
        )
        .outerjoin(ReferralEvent, ReferralEvent.referral_id == Referral.id)
        .where(Referral.org_id == org_id, Referral.sent_at >= start, Referral.sent_at < end)
        .group_by(Referral.id)
        .order_by(literal_column("referral.rowid"))  # as the partner and service cells were
    )
    by_key: dict[str, list[tuple[float | None, float | None]]] = {}
    partners: Counter[str] = Counter()
    services: Counter[str] = Counter()
    for to_org, service, sent_at, reply, done in sent:
        assert sent_at is not None  # in the period
        partner = f"partner:{codes.get(to_org, UNKNOWN)}"
        kind = f"service:{_known(service, Service)}"
        partners[partner] += 1
        services[kind] += 1
        pair = (
            (reply - sent_at).total_seconds() / 86400 if reply else None,
            (done - sent_at).total_seconds() / 86400 if done else None,
        )
        for key in (partner, kind, ALL):
            by_key.setdefault(key, []).append(pair)
    times = {key: _times(pairs) for key, pairs in by_key.items()}
    return (_one_way(partners), _one_way(services)), times
