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
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import EnumMeta
from math import ceil
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.thai_time import THAILAND
from cmdesk.core.model.case import Case, CaseStageChange, Concern, RiskLevel, Stage
from cmdesk.core.model.child import Child, LegalStatus, Sex
from cmdesk.core.model.mechanism import Mechanism, MechanismKind, MechanismMeeting
from cmdesk.core.model.org import Organisation
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


def _one_way(values: Iterable[str]) -> Table:
    """A one-way table and its total."""
    cells = Counter(values)
    table = Table(dict(cells))
    table.cells[ALL] = sum(cells.values())
    table.sums.append(Sum(ALL, tuple(k for k in cells)))
    return table


def _known(value: str, codes: Iterable[str]) -> str:
    if not value:
        return UNKNOWN
    return value if value in _code_set(codes) else OTHER


def _code_set(codes: Iterable[str]) -> frozenset[str]:
    # Once per enumeration, not once per case (100k cases: 1.1 s of set building).
    if isinstance(codes, EnumMeta):
        return _enum_codes(codes)
    return frozenset(codes)


@functools.cache
def _enum_codes(enum: EnumMeta) -> frozenset[str]:
    members: list[Any] = list(enum)
    return frozenset(str(member.value) for member in members)


def _age_band(child: Any, on: date) -> str:  # a Child, or a row of its birth columns
    if child.birth_day is not None:
        age = (
            on.year
            - child.birth_day.year
            - ((on.month, on.day) < (child.birth_day.month, child.birth_day.day))
        )
    elif child.birth_year is not None:
        age = on.year - child.birth_year
    elif child.birth_stated_age is not None and child.birth_stated_on is not None:
        age = child.birth_stated_age + (on - child.birth_stated_on).days // 365
    else:
        return UNKNOWN
    for low, high, band in AGE_BANDS:
        if low <= age <= high:
            return band
    return ADULT if age >= 18 else UNKNOWN


def _child_places(children: Iterable[Any]) -> Iterable[tuple[str, str, str]]:
    for child in children:
        yield child.province_code, child.district_code, child.subdistrict_code


def _sub_places(codes: Iterable[str]) -> Iterable[tuple[str, str, str]]:
    for code in codes:
        yield code[:2], code[:4], code


def _areas(places: Iterable[tuple[str, str, str]], *, about_children: bool = True) -> Table:
    """Counts by subdistrict (one per (province, district, subdistrict) code triple), rolled
    up to district, province and all: each level sums the one below, so suppression sees
    every total a reader could subtract from."""
    cells: Counter[str] = Counter()
    for province, district, subdistrict in places:
        sub = subdistrict if len(subdistrict) == 6 else ""
        dist = district or sub[:4]
        prov = province or dist[:2]
        cells[f"province:{prov or UNKNOWN}"] += 1
        if prov:
            cells[f"district:{dist or prov + '-' + UNKNOWN}"] += 1
        if dist:
            cells[f"subdistrict:{sub or dist + '-' + UNKNOWN}"] += 1
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


CASE_COLUMNS = (
    Case.opened_at,
    Case.closed_at,
    Case.risk_level,
    Case.stage,
    Case.concerns,
    Case.referred_by_mechanism_id,
    Case.referred_to_mechanism_id,
)
CHILD_COLUMNS = (
    Child.birth_day,
    Child.birth_year,
    Child.birth_stated_age,
    Child.birth_stated_on,
    Child.province_code,
    Child.district_code,
    Child.subdistrict_code,
    Child.sex,
    Child.ethnicity,
    Child.legal_status,
)


def compute(session: Session, org_id: str, period: Period) -> Figures:
    """The organisation's own figures for the period (its own cases, referrals, follow-ups)."""
    org = session.get(Organisation, org_id)
    org_code = org.code if org is not None else ""
    # The columns the figures read, not whole records: 100k cases, 200k ORM objects cost
    # 10 s of the 15 s this took. One row serves as the case and as its child.
    rows: list[Any] = [
        row
        for row in session.execute(
            select(*CASE_COLUMNS, *CHILD_COLUMNS)
            .join(Child, Child.id == Case.child_id)
            .where(
                Case.org_id == org_id,
                Case.deleted_at.is_(None),
                # The same test as below, in SQL on the sortable UTC text, so the cases of
                # other periods are not decoded at all (a quarter reads about a third less).
                Case.opened_at < _day_start(period.last + timedelta(days=1)),
                or_(Case.closed_at.is_(None), Case.closed_at >= _day_start(period.first)),
            )
        )
        if local_day(row.opened_at) <= period.last
        and (row.closed_at is None or local_day(row.closed_at) >= period.first)
    ]
    cases = [(row, row) for row in rows]
    tables: dict[str, Table] = {
        "area": _areas(_child_places(child for _, child in cases)),
        "risk": _one_way(_known(c.risk_level, RiskLevel) for c, _ in cases),
        "stage": _one_way(_known(c.stage, Stage) for c, _ in cases),
        "age_band": _one_way(_age_band(ch, period.last) for _, ch in cases),
        "sex": _one_way(_known(ch.sex, Sex) for _, ch in cases),
        "ethnicity": _one_way(
            (ch.ethnicity if ethnic_group(ch.ethnicity) else _known(ch.ethnicity, ()))
            for _, ch in cases
        ),
        "legal_status": _one_way(_known(ch.legal_status, LegalStatus) for _, ch in cases),
    }
    # A case may have several concerns: the concern cells do not add up to the cases, so no
    # sum is published with them.
    concerns = Counter(
        _known(code, Concern) for c, _ in cases for code in dict.fromkeys(c.concerns or [UNKNOWN])
    )
    tables["concern"] = Table(dict(concerns))
    tables["flow"] = _flow(session, org_id, period)
    tables["followups"] = _followups(session, org_id, period)
    referrals, times = _referrals(session, org_id, period)
    tables["referral_partner"], tables["referral_service"] = referrals
    tables |= _mechanisms(session, org_id, period, rows)
    return Figures(org_code, period, tables, times)


def _mechanisms(
    session: Session, org_id: str, period: Period, cases: list[Any]
) -> dict[str, Table]:
    """Active mechanisms of each kind and their meetings in the period, by area, and the cases
    of the period linked to a mechanism (by the mechanism's area; a case referred by one and
    to another counts once, with the one that referred it)."""
    where: dict[str, str] = {}
    active: dict[str, list[str]] = {kind.value: [] for kind in MechanismKind}
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
            active[kind].append(code)
    tables = {
        MECHANISM_KIND_TABLES[MechanismKind(kind)]: _areas(_sub_places(codes), about_children=False)
        for kind, codes in active.items()
    }
    held = [
        where[mech_id]
        for mech_id, day in session.execute(
            select(MechanismMeeting.mechanism_id, MechanismMeeting.held_on).where(
                MechanismMeeting.org_id == org_id
            )
        )
        if mech_id in where and period.contains(day)
    ]
    tables["mechanism_meetings"] = _areas(_sub_places(held), about_children=False)
    linked = (c.referred_by_mechanism_id or c.referred_to_mechanism_id for c in cases)
    tables["mechanism_cases"] = _areas(_sub_places(where[m] for m in linked if m in where))
    return tables


def _flow(session: Session, org_id: str, period: Period) -> Table:
    """Cases opened, closed and reopened in the period (three counts, no sum between them)."""
    opened = closed = 0
    for opened_at, closed_at in session.execute(
        select(Case.opened_at, Case.closed_at).where(
            Case.org_id == org_id, Case.deleted_at.is_(None)
        )
    ):
        opened += period.contains(local_day(opened_at))
        closed += closed_at is not None and period.contains(local_day(closed_at))
    reopened = sum(
        period.contains(local_day(at))
        for (at,) in session.execute(
            select(CaseStageChange.created_at).where(
                CaseStageChange.org_id == org_id,
                CaseStageChange.from_stage == Stage.CLOSURE,
                CaseStageChange.to_stage != Stage.CLOSURE,
            )
        )
    )
    return Table({"opened": opened, "closed": closed, "reopened": reopened})


def _followups(session: Session, org_id: str, period: Period) -> Table:
    """Follow-ups due in the period: done by their day, done later, not done."""
    outcomes = []
    for due, status, done_at in session.execute(
        select(Task.due_date, Task.status, Task.done_at).where(
            Task.org_id == org_id, Task.deleted_at.is_(None), Task.status != TaskStatus.CANCELLED
        )
    ):
        if not period.contains(due):
            continue
        if status == TaskStatus.DONE and done_at is not None:
            outcomes.append("on_time" if local_day(done_at) <= due else "late")
        else:
            outcomes.append("not_done")
    return _one_way(outcomes)


def _referrals(
    session: Session, org_id: str, period: Period
) -> tuple[tuple[Table, Table], dict[str, Times]]:
    """Referrals sent in the period by partner and by service, with their reply and
    completion times in days."""
    codes = {i: c for i, c in session.execute(select(Organisation.id, Organisation.code))}
    sent = [
        (rid, to_org, service, sent_at)
        for rid, to_org, service, sent_at in session.execute(
            select(Referral.id, Referral.to_org_id, Referral.service, Referral.sent_at).where(
                Referral.org_id == org_id, Referral.sent_at.is_not(None)
            )
        )
        if sent_at is not None and period.contains(local_day(sent_at))
    ]
    first_reply: dict[str, datetime] = {}
    completed: dict[str, datetime] = {}
    ids = [rid for rid, *_ in sent]
    for rid, to_status, at in session.execute(
        select(ReferralEvent.referral_id, ReferralEvent.to_status, ReferralEvent.created_at)
        .where(ReferralEvent.referral_id.in_(ids))
        .order_by(ReferralEvent.created_at)
    ):
        if to_status in REPLIED or to_status == ReferralStatus.COMPLETED:
            first_reply.setdefault(rid, at)
        if to_status == ReferralStatus.COMPLETED:
            completed.setdefault(rid, at)
    by_key: dict[str, list[tuple[float | None, float | None]]] = {}
    partners, services = [], []
    for rid, to_org, service, sent_at in sent:
        partner = f"partner:{codes.get(to_org, UNKNOWN)}"
        kind = f"service:{_known(service, Service)}"
        partners.append(partner)
        services.append(kind)
        reply, done = first_reply.get(rid), completed.get(rid)
        pair = (
            (reply - sent_at).total_seconds() / 86400 if reply else None,
            (done - sent_at).total_seconds() / 86400 if done else None,
        )
        for key in (partner, kind, ALL):
            by_key.setdefault(key, []).append(pair)
    times = {key: _times(pairs) for key, pairs in by_key.items()}
    return (_one_way(partners), _one_way(services)), times
